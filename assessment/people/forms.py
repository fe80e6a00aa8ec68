"""Forms of inviting people and of joining by invitation."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from assessment.accounts.forms import FirstPasswordForm
from assessment.models import Assessment, MembershipRole

JOIN_AS_OWNER = f"join:{MembershipRole.OWNER}"
JOIN_AS_RESPONDENT = f"join:{MembershipRole.RESPONDENT}"


def answer_purpose(assessment: Assessment) -> str:
    return f"answer:{assessment.id}"


class InvitationForm(FlaskForm):
    email = EmailField(_l("E-mail of the person"), validators=[DataRequired(), Length(max=254)])
    purpose = SelectField(_l("Invite them to"), validators=[DataRequired()])

    def set_choices(self, drafts: list[Assessment]) -> None:
        """Join the organisation, or answer one of its assessments in progress."""
        self.purpose.choices = [
            SelectChoice(JOIN_AS_RESPONDENT, _l("join the organisation as a respondent")),
            SelectChoice(JOIN_AS_OWNER, _l("join the organisation as an owner")),
            *(
                SelectChoice(
                    answer_purpose(draft),
                    _l(
                        "answer the assessment started on %(date)s, without an account",
                        date=format_date(draft.created_at, "medium"),
                    ),
                )
                for draft in drafts
            ),
        ]


class InviteeSignUpForm(FirstPasswordForm):
    """An account for the address an invitation was sent to (the e-mail is not asked)."""
