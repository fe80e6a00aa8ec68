"""A person's batches of reports, newest first, each with where its reports stand.

The list is read a page at a time (``batches_query`` for ``web.paging``); the states of
a page's batches are then counted by the database in one query, over that page's
batches only, never by loading their reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from assessment import policy
from assessment.core.batch_progress import BatchProgress, ItemState
from assessment.extensions import db
from assessment.models import ReportBatch, ReportBatchItem


def batches_query(user: object) -> Select[tuple[ReportBatch]]:
    """The batches ``user`` may see (an admin: everyone's), newest first, each with its
    organisation and who asked for it."""
    return (
        select(ReportBatch)
        .options(joinedload(ReportBatch.organisation), joinedload(ReportBatch.user))
        .where(policy.visible_report_batch(user))
        .order_by(ReportBatch.created_at.desc(), ReportBatch.id.desc())
    )


def progress_of_batches(batch_ids: Sequence[int]) -> dict[int, BatchProgress]:
    """Where each of these batches stands, counted per state in one query."""
    counts: dict[int, dict[ItemState, int]] = {
        batch_id: dict.fromkeys(ItemState, 0) for batch_id in batch_ids
    }
    if batch_ids:
        rows = db.session.execute(
            select(ReportBatchItem.batch_id, ReportBatchItem.state, func.count())
            .where(ReportBatchItem.batch_id.in_(batch_ids))
            .group_by(ReportBatchItem.batch_id, ReportBatchItem.state)
        )
        for batch_id, state, count in rows:
            counts[batch_id][ItemState(state)] = count
    return {
        batch_id: BatchProgress(
            queued=states[ItemState.QUEUED],
            running=states[ItemState.RUNNING],
            done=states[ItemState.DONE],
            failed=states[ItemState.FAILED],
        )
        for batch_id, states in counts.items()
    }


@dataclass(frozen=True)
class BatchRow:
    batch: ReportBatch
    progress: BatchProgress


def batch_rows(batches: Sequence[ReportBatch]) -> list[BatchRow]:
    """A page's batches, each with where its reports stand."""
    progress = progress_of_batches([batch.id for batch in batches])
    return [BatchRow(batch, progress[batch.id]) for batch in batches]
