"""The review of one answer: its confidence, a consultant's mark, a note and a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from assessment.evidence.service import ReviewInput
from assessment.models import AnswerReview, Confidence, Verification

NOTE_MAX_LENGTH = 1000


class ReviewForm(FlaskForm):
    confidence = SelectField(
        _l("Confidence"),
        choices=[
            SelectChoice("", _l("Not given")),
            SelectChoice(Confidence.LOW.value, _l("Low")),
            SelectChoice(Confidence.MEDIUM.value, _l("Medium")),
            SelectChoice(Confidence.HIGH.value, _l("High")),
        ],
        default="",
    )
    verification = SelectField(
        _l("Consultant's check"),
        choices=[
            SelectChoice("", _l("Not checked")),
            SelectChoice(Verification.VERIFIED.value, _l("Verified")),
            SelectChoice(Verification.CHALLENGED.value, _l("Challenged")),
        ],
        default="",
    )
    note = TextAreaField(
        _l("Note"),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH)],
    )
    file = FileField(_l("Attach a file (PDF, PNG, JPEG or XLSX, at most 10 MB)"))

    def entry(self) -> ReviewInput:
        return ReviewInput(
            confidence=Confidence(self.confidence.data) if self.confidence.data else None,
            verification=Verification(self.verification.data) if self.verification.data else None,
            note=self.note.data or "",
            verification_given=bool(self.verification.raw_data),
        )


def prefilled_review_form(review: AnswerReview | None, prefix: str) -> ReviewForm:
    return ReviewForm(
        formdata=None,
        prefix=prefix,
        data={
            "confidence": review.confidence or "" if review else "",
            "verification": review.verification or "" if review else "",
            "note": review.note if review else "",
        },
    )


class RemoveFileForm(FlaskForm):
    """Nothing but the form token."""
