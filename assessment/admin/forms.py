"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from assessment.models import NAME_MAX_LENGTH, Firm, UserRole

NO_FIRM = ""


def role_choices() -> list[SelectChoice]:
    return [
        SelectChoice(UserRole.MEMBER, _l("Member of a client organisation")),
        SelectChoice(UserRole.CONSULTANT, _l("Consultant")),
        SelectChoice(UserRole.ADMIN, _l("Administrator")),
    ]


def firm_choices(firms: list[Firm]) -> list[SelectChoice]:
    return [
        SelectChoice(NO_FIRM, _l("No firm")),
        *(SelectChoice(str(firm.id), firm.name) for firm in firms),
    ]


class UserForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    firm = SelectField(_l("Consulting firm"), validators=[Optional()])
    active = BooleanField(_l("May log in"))

    def set_choices(self, firms: list[SelectChoice]) -> None:
        """The roles, and ``firm_choices(firms)``: made once for a whole page of forms."""
        self.role.choices = role_choices()
        self.firm.choices = firms


class NewUserForm(UserForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)])


class FirmForm(FlaskForm):
    name = StringField(
        _l("Name of the firm"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)]
    )


class EngagementForm(FlaskForm):
    """An "Engage" button of the client search: which organisation (checked by the
    service: it exists and the firm does not serve it yet)."""

    organisation = HiddenField()
