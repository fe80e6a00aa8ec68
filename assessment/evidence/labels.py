"""How a confidence and a consultant's mark read, in the page's language: one place for
the evidence page, the results page and the report."""

from __future__ import annotations

from flask_babel import gettext as _

from assessment.models import Confidence, Verification


def confidence_label(value: str) -> str:
    return {
        Confidence.LOW: _("low"),
        Confidence.MEDIUM: _("medium"),
        Confidence.HIGH: _("high"),
    }[Confidence(value)]


def verification_label(value: str) -> str:
    return {
        Verification.VERIFIED: _("Verified"),
        Verification.CHALLENGED: _("Challenged"),
    }[Verification(value)]


def file_size(size: int) -> str:
    """A file's size in KB or MB (units read the same in both languages)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
