"""Stored reports: a submitted assessment's PDF or Word report, made once per language and
format and then served from its file for as long as what it is made from stays the same
(``fingerprint.py``).

The files live in the batches folder (``BATCH_DIR``, which the web app and the workers
share), as ``stored/<organisation id>/<assessment id>-<language>-<fingerprint>.pdf``
(``.docx`` for a Word report);
a ``StoredReport`` row says which file is the current one. A report made again replaces
the row and removes the older file. Deleting the organisation deletes its reports, and
``flask batches purge`` removes those made longer ago than batches are kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from assessment import events
from assessment.extensions import db
from assessment.models import Assessment, StoredReport, utc_now
from assessment.reports import service
from assessment.reports.fingerprint import report_fingerprint
from assessment.reports.formats import PDF, ReportFormat

log = logging.getLogger(__name__)

STORED_FOLDER = "stored"


@dataclass(frozen=True)
class ReadyReport:
    """A report to send: an open stored file, or the bytes just made."""

    fingerprint: str
    content: BinaryIO | bytes

    def read(self) -> bytes:
        """The whole file (a stored file is closed once read)."""
        if isinstance(self.content, bytes):
            return self.content
        with self.content as stored:
            return stored.read()


def stored_root() -> Path:
    return Path(current_app.config["BATCH_DIR"]) / STORED_FOLDER


def fingerprint_of(assessment: Assessment, language: str, report_format: ReportFormat = PDF) -> str:
    """The fingerprint of the report of ``assessment`` in ``language`` (zh-CN or en)."""
    service.check_reportable(assessment)
    locale = service.report_locale(language)
    return report_fingerprint(assessment, locale, service.report_stylesheet(), report_format.name)


def open_stored(
    assessment: Assessment, language: str, fingerprint: str, report_format: ReportFormat = PDF
) -> BinaryIO | None:
    """The stored file of this report, open for reading, if it was made from exactly what
    ``fingerprint`` says; None when there is none or it is out of date."""
    file_name = db.session.execute(
        select(StoredReport.file_name).where(
            StoredReport.assessment_id == assessment.id,
            StoredReport.language == language,
            StoredReport.format == report_format.name,
            StoredReport.fingerprint == fingerprint,
        )
    ).scalar_one_or_none()
    if file_name is None:
        return None
    try:
        return (stored_root().parent / file_name).open("rb")
    except OSError:  # removed meanwhile: purged, or replaced by a newer report
        return None


def ready_report(
    assessment: Assessment, language: str, report_format: ReportFormat = PDF
) -> ReadyReport:
    """The report, from its stored file, or made now (and stored) when there is none."""
    fingerprint = fingerprint_of(assessment, language, report_format)
    stored = open_stored(assessment, language, fingerprint, report_format)
    if stored is not None:
        return ReadyReport(fingerprint, stored)
    made = make_and_store(assessment, language, fingerprint, report_format)
    return ReadyReport(fingerprint, made)


def make_and_store(
    assessment: Assessment, language: str, fingerprint: str, report_format: ReportFormat = PDF
) -> bytes:
    """Make the report and keep it as the current one; returns the file's content.

    ``fingerprint`` is taken before the report is made: should its inputs change while
    it is being made, the stored report is out of date at once and made again when next
    asked for, never served stale.
    """
    content = service.make_report(assessment, language, report_format)
    folder = stored_root() / str(assessment.organisation_id)
    prefix = f"{assessment.id}-{language}-"
    name = f"{prefix}{fingerprint[:32]}.{report_format.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.part"
        partial.write_bytes(content)
        partial.replace(folder / name)  # whole or not at all
    except OSError as error:
        # The reader still gets the report; it is made again next time.
        log.warning("report of assessment %s not stored: %s", assessment.id, error.strerror)
        return content
    file_name = f"{STORED_FOLDER}/{assessment.organisation_id}/{name}"
    _record(assessment.id, language, report_format, fingerprint, file_name, len(content))
    _remove_superseded(folder, prefix, report_format, keep=name)
    log.info(
        "%s report of assessment %s in %s stored (%d bytes)",
        report_format.name,
        assessment.id,
        language,
        len(content),
    )
    events.report_stored.send(
        current_app._get_current_object(),
        assessment=assessment,
        language=language,
        report_format=report_format.name,
    )
    return content


def _record(
    assessment_id: int,
    language: str,
    report_format: ReportFormat,
    fingerprint: str,
    file_name: str,
    size: int,
) -> None:
    values = {
        "fingerprint": fingerprint,
        "file_name": file_name,
        "size": size,
        "made_at": utc_now(),
    }
    current = update(StoredReport).where(
        StoredReport.assessment_id == assessment_id,
        StoredReport.language == language,
        StoredReport.format == report_format.name,
    )
    if db.session.execute(current.values(**values)).rowcount:
        db.session.commit()
        return
    try:
        db.session.add(
            StoredReport(
                assessment_id=assessment_id,
                language=language,
                format=report_format.name,
                **values,
            )
        )
        db.session.commit()
    except IntegrityError:  # made at the same moment elsewhere: the later one stands
        db.session.rollback()
        db.session.execute(current.values(**values))
        db.session.commit()


def _remove_superseded(folder: Path, prefix: str, report_format: ReportFormat, keep: str) -> None:
    for path in folder.glob(f"{prefix}*.{report_format.name}"):
        if path.name != keep:
            path.unlink(missing_ok=True)
