"""How long batches of reports are kept: ``flask batches purge`` removes the old ones.

A batch's PDFs and zip are full reports on client organisations, made for one download
(the night before a workshop). They are kept ``BATCH_KEEP_DAYS`` after the batch was
asked for, then removed with the batch itself, whatever its state: its page is gone
too, and the same reports can be asked for again at any time.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from assessment.batches.service import batch_dir
from assessment.extensions import db
from assessment.models import ReportBatch, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    batches: int
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
    for folder in _batch_folders(batch_dir()):
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
    log.info("purged %d batch(es) older than %d days: %d file(s)", len(old), older_than_days, files)
    return Purged(batches=len(old), files=files, bytes=size)


def _batch_folders(root: Path) -> list[Path]:
    """The folders ``<batch id>/`` under the batches folder, and nothing else in it."""
    if not root.is_dir():
        return []
    return [path for path in root.iterdir() if path.is_dir() and path.name.isdigit()]
