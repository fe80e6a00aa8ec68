"""Where a batch of reports stands, from the states of its reports. Pure: stdlib only.

This is the one place that says what a batch's state is; the database keeps only each
report's state.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class ItemState(enum.StrEnum):
    QUEUED = "queued"  # waiting for a worker, the first time or to be tried again
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # for good: no attempt left, or nothing to try again


class BatchState(enum.StrEnum):
    QUEUED = "queued"  # no report started yet
    RUNNING = "running"
    DONE = "done"  # every report made
    PARTLY_FAILED = "partly_failed"  # finished; some reports made, some failed
    FAILED = "failed"  # finished; no report made


FINISHED_STATES = frozenset({BatchState.DONE, BatchState.PARTLY_FAILED, BatchState.FAILED})


@dataclass(frozen=True)
class BatchProgress:
    queued: int
    running: int
    done: int
    failed: int

    @classmethod
    def of(cls, states: Iterable[str]) -> BatchProgress:
        counts = dict.fromkeys(ItemState, 0)
        for state in states:
            counts[ItemState(state)] += 1
        return cls(
            queued=counts[ItemState.QUEUED],
            running=counts[ItemState.RUNNING],
            done=counts[ItemState.DONE],
            failed=counts[ItemState.FAILED],
        )

    @property
    def total(self) -> int:
        return self.queued + self.running + self.done + self.failed

    @property
    def finished_count(self) -> int:
        """Reports that will not change any more: made, or failed for good."""
        return self.done + self.failed

    @property
    def state(self) -> BatchState:
        if self.queued or self.running:
            return BatchState.RUNNING if self.running or self.finished_count else BatchState.QUEUED
        if not self.failed:
            return BatchState.DONE
        return BatchState.PARTLY_FAILED if self.done else BatchState.FAILED

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES
