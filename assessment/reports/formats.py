"""The formats a report is made in: the PDF, to read and sign, and the Word document, to
edit first. One place names each format's file extension and media type."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from assessment.core.errors import AssessmentError


@dataclass(frozen=True)
class ReportFormat:
    name: str  # as links, the API, the CLI and the database name it
    media_type: str


PDF = ReportFormat("pdf", "application/pdf")
DOCX = ReportFormat(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
FORMATS = {report_format.name: report_format for report_format in (PDF, DOCX)}


class UnknownReportFormatError(AssessmentError):
    status_code = 400

    def __init__(self, name: str) -> None:
        super().__init__(_l("No report format %(format)s; use pdf or docx.", format=name[:20]))


def report_format(name: str) -> ReportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownReportFormatError(name) from None
