"""Forms of the questionnaire: fixed ones, and one built from content per dimension."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from assessment.core.content.schema import Dimension, OrganisationOptions
from assessment.models import COMMENT_MAX_LENGTH, NAME_MAX_LENGTH

NOT_APPLICABLE = "na"
UNKNOWN = "unknown"


def organisation_choices(
    options: OrganisationOptions, locale: str
) -> tuple[list[SelectChoice], list[SelectChoice]]:
    """The industry and size-band choices, each after a "Choose…" placeholder."""
    placeholder = SelectChoice("", _l("Choose…"))
    return (
        [placeholder, *(SelectChoice(o.id, o.name.get(locale)) for o in options.industries)],
        [placeholder, *(SelectChoice(o.id, o.name.get(locale)) for o in options.size_bands)],
    )


class OrganisationDetailsFields:
    """The details of an organisation that a form asks besides its name (which each form
    names its own way): mixed into the questionnaire's first page and into sign-up."""

    industry = SelectField(_l("Industry"), validators=[DataRequired()])
    size_band = SelectField(_l("Number of employees"), validators=[DataRequired()])
    region = StringField(
        _l("Region or city (optional)"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)]
    )

    def set_choices(self, options: OrganisationOptions, locale: str) -> None:
        self.industry.choices, self.size_band.choices = organisation_choices(options, locale)


class RespondentForm(FlaskForm):
    respondent_name = StringField(
        _l("Your name (optional)"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)]
    )


class OrganisationForm(OrganisationDetailsFields, RespondentForm):
    name = StringField(
        _l("Organisation name"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)]
    )


def answer_field_name(question_id: str) -> str:
    return f"q_{question_id}"


def comment_field_name(question_id: str) -> str:
    return f"c_{question_id}"


class DimensionFormBase(FlaskForm):
    question_ids: tuple[str, ...] = ()

    def answer_field(self, question_id: str) -> Field:
        return self[answer_field_name(question_id)]

    def comment_field(self, question_id: str) -> Field:
        return self[comment_field_name(question_id)]


def make_dimension_form(dimension: Dimension, locale: str) -> type[DimensionFormBase]:
    """A form class for one dimension's page: a radio group and a comment per question."""

    class DimensionForm(DimensionFormBase):
        question_ids = tuple(q.id for q in dimension.questions)

    for question in dimension.questions:
        choices = [
            SelectChoice(str(level), descriptor.get(locale))
            for level, descriptor in enumerate(question.levels, start=1)
        ]
        if question.allow_na:
            choices.append(SelectChoice(NOT_APPLICABLE, _l("Not applicable")))
        choices.append(SelectChoice(UNKNOWN, _l("Don't know")))
        setattr(
            DimensionForm,
            answer_field_name(question.id),
            RadioField(
                question.prompt.get(locale),
                choices=choices,
                validators=[Optional()],
                validate_choice=True,
            ),
        )
        setattr(
            DimensionForm,
            comment_field_name(question.id),
            TextAreaField(
                _l("Comment (optional)"),
                validators=[Optional(), Length(max=COMMENT_MAX_LENGTH)],
            ),
        )
    return DimensionForm
