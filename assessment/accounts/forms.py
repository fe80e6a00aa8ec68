"""Forms of log-in and passwords."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from assessment.accounts.service import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from assessment.models import NAME_MAX_LENGTH
from assessment.questionnaire.forms import OrganisationDetailsFields


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class FirstPasswordForm(NewPasswordForm):
    """A new account: the same rules as a new password, named as a first one."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.password.label.text = _l("Password")
        self.confirm.label.text = _l("Password again")


class SignUpForm(OrganisationDetailsFields, FirstPasswordForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])

    organisation = StringField(
        _l("Organisation name"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)]
    )


class FinishSignUpForm(FlaskForm):
    """The password chosen on the sign-up form, again: whoever opens the link must know it."""

    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("What the token is for"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)]
    )
