"""A batch's state follows from its reports' states, and only from them."""

import pytest

from assessment.core.batch_progress import BatchProgress, BatchState


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["queued", "queued"], BatchState.QUEUED),
        (["running", "queued"], BatchState.RUNNING),
        (["done", "queued"], BatchState.RUNNING),  # between two reports
        (["failed", "queued"], BatchState.RUNNING),
        (["done", "done"], BatchState.DONE),
        (["done", "failed"], BatchState.PARTLY_FAILED),
        (["failed", "failed"], BatchState.FAILED),
    ],
)
def test_a_batch_state_follows_from_its_reports(states, expected):
    assert BatchProgress.of(states).state == expected


def test_a_batch_is_finished_when_no_report_waits_or_runs():
    assert not BatchProgress.of(["done", "running"]).is_finished
    assert BatchProgress.of(["done", "failed"]).is_finished


def test_counts_add_up():
    progress = BatchProgress.of(["queued", "running", "done", "done", "failed"])
    assert (progress.total, progress.finished_count) == (5, 3)


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="stuck"):
        BatchProgress.of(["stuck"])
