"""Making a report of one submitted assessment, in a chosen language and format."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessment.audit import service as audit
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.errors import AssessmentError
from assessment.extensions import db
from assessment.models import Assessment
from assessment.reports import word
from assessment.reports.context import PAGE_PLACEHOLDER, build_report_context
from assessment.reports.fingerprint import format_digest
from assessment.reports.formats import DOCX, PDF, ReportFormat
from assessment.reports.pdf import RestrictedURLFetcher, render_pdf

log = logging.getLogger(__name__)

LANGUAGES = ("zh-CN", "en")  # as reports and their links name them
REPORT_LANGUAGES = {"zh-CN": "zh_CN", "zh_CN": "zh_CN", "en": "en"}
WHITE_SPACE = re.compile(r"\s+")


class ReportNotReadyError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(_l("A report is available once the assessment has been submitted."))


class UnknownReportLanguageError(AssessmentError):
    status_code = 400

    def __init__(self, language: str) -> None:
        super().__init__(
            _l("No report language %(language)s; use zh-CN or en.", language=language[:20])
        )


def report_locale(language: str) -> str:
    try:
        return REPORT_LANGUAGES[language]
    except KeyError:
        raise UnknownReportLanguageError(language) from None


def css_string(text: str) -> str:
    """Text as the inside of a CSS string: quotes and backslashes escaped, no newlines."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return WHITE_SPACE.sub(" ", escaped)


def page_counter_content(template: str) -> str:
    """``Page %(page)s of %(pages)s`` as CSS ``content``: strings and page counters."""
    parts = []
    for piece in PAGE_PLACEHOLDER.split(template):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(f'"{css_string(piece)}"')
    return " ".join(parts)


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def logo_path(assessment: Assessment) -> Path | None:
    commentary = assessment.commentary
    if commentary is None or not commentary.logo_file:
        return None
    path = upload_dir() / commentary.logo_file
    return path if path.is_file() else None


def check_reportable(assessment: Assessment) -> None:
    """Raise ``ReportNotReadyError`` unless the assessment has been submitted."""
    if not assessment.is_submitted or assessment.organisation is None:
        raise ReportNotReadyError()


def report_html(assessment: Assessment, locale: str, logo: Path | None) -> str:
    """The report's HTML; ``logo`` is the stored logo file the fetcher will allow."""
    check_reportable(assessment)
    with force_locale(locale):
        context = build_report_context(
            assessment, current_library(), locale, logo.as_uri() if logo else None
        )
        return render_template(
            "reports/report.html",
            r=context,
            page_counter=page_counter_content(_("Page %(page)s of %(pages)s")),
        )


def _static_folder() -> Path:
    return Path(current_app.static_folder)


def report_stylesheet() -> Path:
    return _static_folder() / "css" / "report.css"


def report_pdf(assessment: Assessment, language: str) -> bytes:
    """The PDF report of a submitted assessment, made now; ``language`` is zh-CN or en.
    Readers get it through ``store.ready_report``, which makes it once."""
    locale = report_locale(language)
    logo = logo_path(assessment)
    html = report_html(assessment, locale, logo)
    fetcher = RestrictedURLFetcher(
        allowed_roots=(_static_folder(),), allowed_files=(logo,) if logo else ()
    )
    pdf = render_pdf(html, report_stylesheet(), fetcher)
    log.info("report of assessment %s rendered in %s (%d bytes)", assessment.id, locale, len(pdf))
    return pdf


def report_docx(assessment: Assessment, language: str) -> bytes:
    """The Word report of a submitted assessment, made now: the PDF's report, from the same
    context, to edit (``word.py``)."""
    locale = report_locale(language)
    check_reportable(assessment)
    with force_locale(locale):
        context = build_report_context(assessment, current_library(), locale)
        document = word.report_docx(context, logo_path(assessment), _static_folder())
    log.info(
        "Word report of assessment %s made in %s (%d bytes)", assessment.id, locale, len(document)
    )
    return document


def make_report(assessment: Assessment, language: str, report_format: ReportFormat) -> bytes:
    """The report in ``report_format``, made now."""
    if report_format == DOCX:
        return report_docx(assessment, language)
    return report_pdf(assessment, language)


def record_download(
    assessment: Assessment, language: str, report_format: ReportFormat = PDF
) -> None:
    """Someone obtained the report (downloaded, or written by ``flask report``)."""
    audit.record(
        "report.downloaded",
        assessment,
        language=locales.content_key(report_locale(language)),
        format=report_format.name,
    )
    db.session.commit()


def report_filename(
    assessment: Assessment, language: str, report_format: ReportFormat = PDF
) -> str:
    language_key = locales.content_key(report_locale(language))
    return f"assessment-{assessment.id}-{language_key}.{report_format.name}"


def warm_up() -> None:
    """Load what every report needs (content, template, stylesheet, fonts, and the digests
    of what reports are made from) once, so that processes forked from this one start
    warm instead of loading them again."""
    library = current_library()
    for key in library.questionnaires:
        library.digest(key)
    library.digest()
    format_digest(current_app.jinja_env, report_stylesheet())
    current_app.jinja_env.get_template("reports/report.html")
    render_pdf(
        '<html lang="zh-CN"><body><p>\u6210\u719f\u5ea6 maturity</p></body></html>',
        report_stylesheet(),
        RestrictedURLFetcher(allowed_roots=(_static_folder(),)),
    )
