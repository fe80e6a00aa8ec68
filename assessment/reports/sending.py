"""Sending a report to whoever asked for it: the stored file or the bytes just made."""

from __future__ import annotations

import io

from flask import Response, send_file

from assessment.reports.formats import ReportFormat
from assessment.reports.store import ReadyReport


def report_response(
    report: ReadyReport, report_format: ReportFormat, download_name: str, *, as_attachment: bool
) -> Response:
    body = io.BytesIO(report.content) if isinstance(report.content, bytes) else report.content
    response = send_file(
        body,
        mimetype=report_format.media_type,
        as_attachment=as_attachment,
        download_name=download_name,
        etag=False,
    )
    # A client's report: kept in no shared cache, nor in the browser's.
    response.headers["Cache-Control"] = "private, no-store"
    return response
