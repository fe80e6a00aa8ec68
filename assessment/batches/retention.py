"""How long batches and stored reports are kept: ``flask batches purge`` removes the old.

A batch's PDFs and zip are full reports on client organisations, made for one download
(the night before a workshop). They are kept ``BATCH_KEEP_DAYS`` after the batch was
asked for, then removed with the batch itself, whatever its state: its page is gone
too, and the same reports can be asked for again at any time. A stored report
(``reports/store.py``) is kept as long after it was made, then made again when next
asked for.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from assessment.batches.service import batch_dir
from assessment.extensions import db
from assessment.models import Assessment, ReportBatch, StoredReport, utc_now
from assessment.reports.store import STORED_FOLDER, stored_root

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    batches: int
    reports: int  # stored reports
    files: int
    bytes: int


def purge_batches(older_than_days: int) -> Purged:
    """Remove every batch asked for more than ``older_than_days`` days ago, with its
    reports' rows and files. The rows go first, in one transaction; a folder whose batch
    is gone but which a failure left behind is removed by a later purge, once it is a
    day old (a younger one may belong to a batch being made right now)."""
    cutoff = utc_now() - timedelta(days=older_than_days)
    old = list(
        db.session.execute(select(ReportBatch).where(ReportBatch.created_at < cutoff)).scalars()
    )
    removed = {batch.id for batch in old}
    for batch in old:
        db.session.delete(batch)  # its items go with it (cascade)
    db.session.commit()
    kept = set(db.session.execute(select(ReportBatch.id)).scalars())
    left_behind_before = (utc_now() - timedelta(days=1)).timestamp()
    files = size = 0
    for folder in _numbered_folders(batch_dir()):
        batch_id = int(folder.name)
        if batch_id in kept or (
            batch_id not in removed and folder.stat().st_mtime > left_behind_before
        ):
            continue
        for path in folder.rglob("*"):
            if path.is_file():
                files += 1
                size += path.stat().st_size
        shutil.rmtree(folder, ignore_errors=True)
    reports, report_files, report_bytes = _purge_stored_reports(cutoff)
    log.info(
        "purged %d batch(es) and %d stored report(s) older than %d days: %d file(s)",
        len(old),
        reports,
        older_than_days,
        files + report_files,
    )
    return Purged(
        batches=len(old), reports=reports, files=files + report_files, bytes=size + report_bytes
    )


def _purge_stored_reports(cutoff: datetime) -> tuple[int, int, int]:
    """Remove the stored reports made before ``cutoff``, and, in each organisation's
    folder, any file older than a day that no stored report names (one a crash or a
    report made twice at once left behind). Returns the reports, files and bytes removed."""
    old = (
        db.session.execute(
            delete(StoredReport)
            .where(StoredReport.made_at < cutoff)
            .returning(StoredReport.file_name)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    files = size = 0
    for name in old:
        path = stored_root().parent / name
        if path.is_file():
            files += 1
            size += path.stat().st_size
            path.unlink(missing_ok=True)
    left_behind_before = (utc_now() - timedelta(days=1)).timestamp()
    for folder in _numbered_folders(stored_root()):
        current = set(
            db.session.execute(
                select(StoredReport.file_name)
                .join(Assessment, Assessment.id == StoredReport.assessment_id)
                .where(Assessment.organisation_id == int(folder.name))
            ).scalars()
        )
        for path in folder.iterdir():
            name = f"{STORED_FOLDER}/{folder.name}/{path.name}"
            if name in current or path.stat().st_mtime > left_behind_before:
                continue
            files += 1
            size += path.stat().st_size
            path.unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()
    return len(old), files, size


def _numbered_folders(root: Path) -> list[Path]:
    """The folders named by a number under ``root`` (``<batch id>/`` under the batches
    folder, ``<organisation id>/`` under the stored reports), and nothing else in it."""
    if not root.is_dir():
        return []
    return [path for path in root.iterdir() if path.is_dir() and path.name.isdigit()]
