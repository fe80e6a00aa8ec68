"""The consultant's commentary form, with a note field per dimension from content."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from assessment.core.content.schema import Questionnaire
from assessment.models import COMMENTARY_MAX_LENGTH, NAME_MAX_LENGTH, ReportCommentary


def note_field_name(dimension_id: str) -> str:
    return f"note_{dimension_id}"


class CommentaryFormBase(FlaskForm):
    executive_summary = TextAreaField(
        _l("Executive commentary"),
        validators=[Optional(), Length(max=COMMENTARY_MAX_LENGTH)],
    )
    prepared_by = StringField(
        _l("Prepared by"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)]
    )
    firm_name = StringField(_l("Firm"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)])
    logo = FileField(_l("Logo (PNG or SVG, at most 1 MB)"))
    remove_logo = BooleanField(_l("Remove the current logo"))
    dimension_ids: tuple[str, ...] = ()


def make_commentary_form(questionnaire: Questionnaire, locale: str) -> type[CommentaryFormBase]:
    class CommentaryForm(CommentaryFormBase):
        dimension_ids = tuple(d.id for d in questionnaire.dimensions)

    for dimension in questionnaire.dimensions:
        setattr(
            CommentaryForm,
            note_field_name(dimension.id),
            TextAreaField(
                dimension.name.get(locale),
                validators=[Optional(), Length(max=COMMENTARY_MAX_LENGTH)],
            ),
        )
    return CommentaryForm


def prefilled_commentary_form(
    questionnaire: Questionnaire, locale: str, commentary: ReportCommentary | None
) -> CommentaryFormBase:
    """The commentary form showing what is saved (the form token is checked by the view)."""
    notes = commentary.dimension_notes if commentary else {}
    return make_commentary_form(questionnaire, locale)(
        meta={"csrf": False},
        data={
            "executive_summary": commentary.executive_summary if commentary else "",
            "prepared_by": commentary.prepared_by if commentary else "",
            "firm_name": commentary.firm_name if commentary else "",
            **{note_field_name(dimension_id): note for dimension_id, note in notes.items()},
        },
    )
