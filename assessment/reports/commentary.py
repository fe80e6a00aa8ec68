"""A consultant's commentary and branding for an assessment's report.

Commentary is plain text, stored as written and always escaped when shown. A logo is
accepted only as a PNG, or as an SVG without scripts, external references or entity
declarations, and is stored under a random name in the upload folder.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from flask import current_app
from flask_babel import lazy_gettext as _l

from assessment import events
from assessment.audit import service as audit
from assessment.core.errors import AssessmentError
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import (
    COMMENTARY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    Assessment,
    ReportCommentary,
    utc_now,
)

log = logging.getLogger(__name__)

LOGO_MAX_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
FORBIDDEN_SVG_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object"}
LOGO_MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


class InvalidLogoError(AssessmentError):
    status_code = 400


@dataclass(frozen=True)
class CommentaryInput:
    executive_summary: str
    dimension_notes: dict[str, str]
    prepared_by: str
    firm_name: str


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_svg(data: bytes) -> None:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise InvalidLogoError(_l("The SVG logo may not declare a document type or entities."))
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DTD or entities, checked above
    except (ElementTree.ParseError, LookupError, ValueError):  # also an unknown encoding
        raise InvalidLogoError(_l("The logo is not a readable SVG file.")) from None
    if root.tag != f"{SVG_NAMESPACE}svg":
        raise InvalidLogoError(_l("The logo is not an SVG image."))
    for element in root.iter():
        if _local_name(element.tag) in FORBIDDEN_SVG_ELEMENTS:
            raise InvalidLogoError(_l("The SVG logo may not contain scripts or embedded pages."))
        for name, value in element.attrib.items():
            local = _local_name(name).lower()
            if local.startswith("on"):
                raise InvalidLogoError(_l("The SVG logo may not contain scripts."))
            if local == "href" and not value.startswith(("#", "data:image/")):
                raise InvalidLogoError(
                    _l("The SVG logo may not refer to other files or web addresses.")
                )
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                raise InvalidLogoError(
                    _l("The SVG logo may not refer to other files or web addresses.")
                )


def logo_kind(data: bytes) -> str:
    """``png`` or ``svg``, judged by the content (never by the file name); raise otherwise."""
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidLogoError(_l("The logo is larger than 1 MB."))
    if not data:
        raise InvalidLogoError(_l("The logo file is empty."))
    if data.startswith(PNG_SIGNATURE):
        return "png"
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"<?xml", b"<svg")):
        _check_svg(stripped)
        return "svg"
    raise InvalidLogoError(_l("The logo must be a PNG or SVG image."))


def _store_logo(upload_dir: Path, data: bytes, kind: str) -> str:
    folder = upload_dir / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"logos/{secrets.token_hex(16)}.{kind}"
    temporary = upload_dir / f"{name}.part"
    temporary.write_bytes(data)
    temporary.replace(upload_dir / name)
    return name


def save_commentary(
    assessment: Assessment,
    values: CommentaryInput,
    upload_dir: Path,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> ReportCommentary:
    """Save commentary and branding; a new logo replaces the old one."""
    kind = logo_kind(logo) if logo is not None else None
    commentary = assessment.commentary or ReportCommentary(assessment=assessment)
    commentary.executive_summary = clean_text(values.executive_summary)[:COMMENTARY_MAX_LENGTH]
    commentary.dimension_notes = {
        dimension_id: clean_text(note)[:COMMENTARY_MAX_LENGTH]
        for dimension_id, note in values.dimension_notes.items()
        if clean_text(note)
    }
    commentary.prepared_by = clean_text(values.prepared_by)[:NAME_MAX_LENGTH]
    commentary.firm_name = clean_text(values.firm_name)[:NAME_MAX_LENGTH]
    old_logo = commentary.logo_file
    if kind is not None and logo is not None:
        commentary.logo_file, commentary.logo_type = _store_logo(upload_dir, logo, kind), kind
    elif remove_logo:
        commentary.logo_file = commentary.logo_type = None
    commentary.updated_at = utc_now()
    db.session.add(commentary)
    audit.record("commentary.saved", assessment, logo=commentary.logo_file is not None)
    db.session.commit()
    if old_logo and old_logo != commentary.logo_file:
        (upload_dir / old_logo).unlink(missing_ok=True)
    log.info("commentary of assessment %s saved", assessment.id)
    events.report_inputs_changed.send(current_app._get_current_object(), assessment=assessment)
    return commentary
