"""Reaching an assessment by its link (resume link or invitation), what every page of it
shows, and telling a genuine form post from a forged one.

A post is accepted when its form token is valid, or, when the token has expired, when
the browser says it comes from this site (Origin or Referer): so a page left open for
hours is still saved, while a post from another site is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from assessment import policy
from assessment.content.registry import current_library
from assessment.core.content.schema import Questionnaire
from assessment.models import Assessment
from assessment.people import invitations
from assessment.questionnaire import service


def load(token: str) -> tuple[Assessment, Questionnaire]:
    """The assessment of a resume link, or of a working invitation to answer it, and its
    questionnaire version; 404 when unknown, 410 when an invitation no longer works."""
    if invitations.looks_like_invitation(token):
        assessment = invitations.assessment_for_link(token)
    else:
        assessment = service.find_by_token(token)
    return assessment, service.questionnaire_of(assessment, current_library())


def posted_from_this_site() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    return bool(parts.scheme and parts.netloc) and (
        f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")
    )


def form_token_is_valid(token: str | None) -> bool:
    try:
        validate_csrf(token)
    except (ValidationError, CSRFError):
        return False
    return True


def genuine_post(token: str | None) -> bool:
    """A valid form token, or an expired one sent from this site."""
    return form_token_is_valid(token) or posted_from_this_site()


def page_context(
    assessment: Assessment, questionnaire: Questionnaire, token: str
) -> dict[str, Any]:
    """What every page of one assessment shows. ``token`` is the link the person came by
    (resume link or invitation), so that links on the page keep to it."""
    return {
        "assessment": assessment,
        "questionnaire": questionnaire,
        "progress": service.progress(assessment, questionnaire),
        "token": token,
        "may_claim": not invitations.looks_like_invitation(token)
        and policy.can_claim_organisation(current_user, assessment),
        "resume_url": url_for("questionnaire.resume", token=token, _external=True),
    }
