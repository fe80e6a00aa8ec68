"""Exports of one assessment, an organisation's history and a consultant's portfolio.

Callers decide who may export what (``policy``); here the scope is read, the file is
made in the chosen language, and the export is recorded in the audit trail of each
organisation it contains, then committed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment import policy
from assessment.audit import service as audit
from assessment.core import locales
from assessment.core.content.library import ContentLibrary
from assessment.core.errors import AssessmentError
from assessment.exports import formats
from assessment.exports.records import ExportRecords, export_records
from assessment.extensions import db
from assessment.models import Assessment, Organisation, utc_now

log = logging.getLogger(__name__)

EXPORT_LANGUAGES = {"zh-CN": "zh_CN", "zh_CN": "zh_CN", "en": "en"}
MIME_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(MIME_TYPES)
NAME_MAX_CHARACTERS = 60
NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


class UnknownExportLanguageError(AssessmentError):
    status_code = 400

    def __init__(self, language: str) -> None:
        super().__init__(
            _l("No export language %(language)s; use zh-CN or en.", language=language[:20])
        )


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    mimetype: str
    filename: str  # may hold Chinese: an organisation's name
    ascii_filename: str

    def content_disposition(self) -> str:
        """``attachment`` with an ASCII name and the full name in RFC 5987 form."""
        return (
            f'attachment; filename="{self.ascii_filename}"; '
            f"filename*=UTF-8''{quote(self.filename, safe='')}"
        )


def export_locale(language: str) -> str:
    try:
        return EXPORT_LANGUAGES[language]
    except KeyError:
        raise UnknownExportLanguageError(language) from None


def file_name_part(name: str) -> str:
    """An organisation's name as part of a file name: no separators or reserved signs."""
    cleaned = NOT_IN_FILE_NAMES.sub("-", unicodedata.normalize("NFC", name)).strip("-.")
    return cleaned[:NAME_MAX_CHARACTERS].rstrip("-.")


def _file(
    records: ExportRecords,
    scope: dict[str, Any],
    file_format: str,
    locale: str,
    library: ContentLibrary,
    stem: str,
    named_stem: str,
) -> ExportFile:
    if file_format not in MIME_TYPES:
        raise ValueError(f"unknown export format {file_format}")
    now = utc_now()
    if file_format == "json":
        content = formats.json_bytes(records, scope, now)
    else:
        with force_locale(locale):
            answers = formats.answer_table(records, locale)
            if file_format == "csv":
                content = formats.csv_bytes(answers)
            else:
                scores = formats.score_table(records, library.organisation_options, locale)
                content = formats.xlsx_bytes([(_("Scores"), scores), (_("Answers"), answers)])
    suffix = f"-{locales.content_key(locale)}.{file_format}"
    return ExportFile(content, MIME_TYPES[file_format], named_stem + suffix, stem + suffix)


def _record_export(
    records: ExportRecords, scope: dict[str, Any], file_format: str, locale: str
) -> None:
    """One event per organisation exported; an assessment export names its assessment."""
    detail = {
        "scope": scope["kind"],
        "format": file_format,
        "language": locales.content_key(locale),
    }
    assessment_ids = [a.id for a in records.assessments]
    if scope["kind"] == "assessment":
        organisation_id = records.assessments[0].organisation_id
        audit.record_for_organisation(
            "export.generated", organisation_id, assessment_id=assessment_ids[0], **detail
        )
    else:
        for organisation in records.organisations:
            audit.record_for_organisation(
                "export.generated",
                organisation.id,
                assessments=[
                    a.id for a in records.assessments if a.organisation_id == organisation.id
                ],
                **detail,
            )
    db.session.commit()
    log.info(
        "export of %s (%d assessments) as %s in %s",
        scope["kind"],
        len(assessment_ids),
        file_format,
        locale,
    )


def export_assessment(
    assessment: Assessment, file_format: str, language: str, library: ContentLibrary
) -> ExportFile:
    """One assessment: its score if submitted, and every answer."""
    locale = export_locale(language)
    organisations = [assessment.organisation] if assessment.organisation else []
    records = export_records(organisations, [assessment], library)
    scope = {"kind": "assessment", "assessment_id": assessment.id}
    stem = f"assessment-{assessment.id}"
    named = (
        f"{file_name_part(assessment.organisation.name)}-{stem}"
        if assessment.organisation
        else stem
    )
    exported = _file(records, scope, file_format, locale, library, stem, named)
    _record_export(records, scope, file_format, locale)
    return exported


def _with_answers(query: Any) -> Any:
    return query.options(selectinload(Assessment.answers)).order_by(
        Assessment.created_at, Assessment.id
    )


def export_organisation(
    organisation: Organisation, file_format: str, language: str, library: ContentLibrary
) -> ExportFile:
    """An organisation's history: every assessment, submitted or in progress (not the
    respondents' own sheets, whose merge is the assessment's answers)."""
    locale = export_locale(language)
    assessments = list(
        db.session.execute(
            _with_answers(
                select(Assessment).where(
                    Assessment.organisation_id == organisation.id,
                    Assessment.of_organisation_level(),
                )
            )
        ).scalars()
    )
    records = export_records([organisation], assessments, library)
    scope = {"kind": "organisation", "organisation_id": organisation.id}
    stem = f"organisation-{organisation.id}-history"
    named = f"{file_name_part(organisation.name)}-{stem}"
    exported = _file(records, scope, file_format, locale, library, stem, named)
    _record_export(records, scope, file_format, locale)
    return exported


def export_portfolio(
    user: object, file_format: str, language: str, library: ContentLibrary
) -> ExportFile:
    """Every organisation ``user`` may see (a consultant: their firm's clients; an admin:
    all), each with every assessment."""
    locale = export_locale(language)
    organisations = list(
        db.session.execute(
            policy.visible_organisations(user).order_by(Organisation.name, Organisation.id)
        ).scalars()
    )
    assessments = list(
        db.session.execute(
            _with_answers(
                select(Assessment).where(
                    Assessment.organisation_id.in_([o.id for o in organisations]),
                    Assessment.of_organisation_level(),
                )
            )
        ).scalars()
    )
    records = export_records(organisations, assessments, library)
    scope = {"kind": "portfolio"}
    stem = f"portfolio-{utc_now().date().isoformat()}"
    exported = _file(records, scope, file_format, locale, library, stem, stem)
    _record_export(records, scope, file_format, locale)
    return exported
