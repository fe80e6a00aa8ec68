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
