"""Without a queue: a batch's reports made after the request, by a thread of the web process.

Without ``REDIS_URL`` (the newcomer's default) no ``flask worker`` runs, so the web
process that is asked for a batch makes its reports itself, once it has answered: the
batch's page shows them advancing, as it does with workers. Each process has one such
thread (``BatchMaker``), started when there is something to make and ended when there is
nothing left. It makes one report at a time, batches in the order they were asked for:
ten consultants pressing "Download all reports" at once get ten batches that wait their
turn, not ten renders fighting for two cores (a gunicorn server makes at most one report
per worker process). A report that fails is tried again ``BATCH_RETRIES`` times,
``BATCH_RETRY_INTERVALS`` seconds later (the last interval for any retry beyond them), as
RQ does; meanwhile the thread goes on with the next report.

Every report is made in an app context, and so with a database session, of its own;
never the request's. Its transactions are short (``service.run_item`` commits before
and after a report is made, never while), so that on SQLite the requests of the same
server are not kept waiting.

A batch is held by the process making it: an exclusive ``flock`` on
``BATCH_DIR/<batch id>/.maker.lock``, taken when it is handed to the thread and let go
once it is finished, or by the kernel when the process dies (a restart, a crash, a
gunicorn worker replaced). Showing an unfinished batch (its page, its JSON, the list of
batches) tries that lock: taken, the batch's maker is gone, and this process takes the
batch up. No clock guesses whether another process's thread is still alive: a batch is
never made twice at once, nor taken from a process still making it. Taken up, the report
that was being made when its process died counts as an interrupted attempt, exactly as
a killed or abandoned RQ job does (``service.record_interrupted``): tried again, or on
its last attempt failed with "The worker making this report stopped before it was
done."; the others are made. Resuming rather than failing them all: restarts are routine
(every deploy, and gunicorn replaces each worker after about a thousand requests) and
the reports are still wanted.

An in-memory SQLite database (the tests' default) is one connection shared by the whole
process, which a second thread cannot use safely: there the reports are made in the
request, as they were before (``possible``).
"""

from __future__ import annotations

import enum
import fcntl
import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from assessment.batches import service
from assessment.core.batch_progress import ItemState
from assessment.extensions import db
from assessment.models import ReportBatchItem

log = logging.getLogger(__name__)

EXTENSION = "batch_maker"
LOCK_NAME = ".maker.lock"


def init_background(app: Flask) -> None:
    app.extensions[EXTENSION] = BatchMaker(app)


def possible() -> bool:
    """Whether a thread can have a database connection of its own: not on an in-memory
    SQLite database, a single connection (or one per thread, each its own empty database)."""
    return not isinstance(db.engine.pool, StaticPool | SingletonThreadPool)


def make(batch_id: int) -> None:
    """Make the dispatched batch's reports in this process's thread, after the request;
    unless another process took it up in the meantime."""
    _maker(current_app).make(batch_id, without_lock=True)


def take_up_if_abandoned(batch_id: int) -> bool:
    """Make the reports of an unfinished, dispatched batch whose maker died with its
    process. Returns whether this process took it up."""
    taken = _maker(current_app).make(batch_id, without_lock=False)
    if taken:
        log.warning("batch %s: its maker is gone (the server restarted?); taken up", batch_id)
    return taken


def wait_until_idle(app: Flask, timeout: float | None = None) -> bool:
    """Wait until this process's thread has made every report it was given (and let go
    of their batches); returns False when ``timeout`` seconds passed first. For tests and
    scripts that need the reports made before they go on."""
    return _maker(app).wait_until_idle(timeout)


def _maker(app: Flask) -> BatchMaker:
    return app.extensions[EXTENSION]


@dataclass(order=True)
class _Turn:
    """A report's turn; or, without an item, a batch's: its reports are read when it comes."""

    due: float  # time.monotonic()
    order: int  # first asked, first made
    batch_id: int = field(compare=False)
    item_id: int | None = field(default=None, compare=False)
    attempts: int = field(default=0, compare=False)  # made before this turn


class _Lock(enum.Enum):
    HELD_ELSEWHERE = "held elsewhere"
    UNAVAILABLE = "unavailable"  # no lock file can be made here


@dataclass
class _Held:
    """A batch this process makes: its lock file (None when none could be made), and
    how many of its turns are left, waiting or being taken."""

    lock: BinaryIO | None
    turns_left: int = 0


class BatchMaker:
    """This process's thread making batches' reports, one at a time, in turn."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._changed = threading.Condition()  # guards everything below
        self._turns: list[_Turn] = []  # a heap: the next due first
        self._order = itertools.count()
        self._held: dict[int, _Held] = {}
        self._taking: _Turn | None = None
        self._thread: threading.Thread | None = None

    def make(self, batch_id: int, *, without_lock: bool) -> bool:
        """Hold the batch and queue it; False when a thread, here or in another process,
        holds it already (or, unless ``without_lock``, when no lock can tell)."""
        with self._changed:
            if batch_id in self._held:
                return False
            lock = _try_lock(batch_id)
            if lock is _Lock.HELD_ELSEWHERE or (lock is _Lock.UNAVAILABLE and not without_lock):
                return False
            if lock is _Lock.UNAVAILABLE:
                log.warning("batch %s: no lock file in its folder; made here without one", batch_id)
            self._held[batch_id] = _Held(None if lock is _Lock.UNAVAILABLE else lock)
            self._queue(_Turn(time.monotonic(), next(self._order), batch_id))
            return True

    def wait_until_idle(self, timeout: float | None) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: not self._turns and self._taking is None and not self._held, timeout
            )

    def _queue(self, turn: _Turn) -> None:
        """Under ``_changed``: the turn waits for the thread, started when there is none."""
        heapq.heappush(self._turns, turn)
        self._held[turn.batch_id].turns_left += 1
        self._changed.notify_all()
        if self._thread is None or not self._thread.is_alive():  # none yet, or not since a fork
            self._thread = threading.Thread(target=self._work, name="batch-maker", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while (turn := self._next_turn()) is not None:
            try:
                with self._app.app_context():  # and so a database session of its own
                    self._take(turn)
            except Exception:
                # The edge of the thread: whatever went wrong outside a report's own
                # attempt (the database unreachable, say) is logged, and the thread goes
                # on. A report left unmade keeps its batch unfinished; once this process
                # lets go of the batch, the next look at it takes it up again.
                log.exception("batch %s: a turn of its reports failed", turn.batch_id)
            self._end(turn)

    def _next_turn(self) -> _Turn | None:
        """The next turn once it is due; None when there is none left (the thread ends)."""
        with self._changed:
            while self._turns:
                wait = self._turns[0].due - time.monotonic()
                if wait <= 0:
                    self._taking = heapq.heappop(self._turns)
                    return self._taking
                self._changed.wait(wait)
            if self._thread is threading.current_thread():
                self._thread = None
            return None

    def _take(self, turn: _Turn) -> None:
        if turn.item_id is None:
            for item_id, attempts in _reports_to_make(turn.batch_id):
                self._again(turn, item_id, attempts, delay=0)
            return
        retries = self._app.config["BATCH_RETRIES"]
        outcome = service.run_item(turn.item_id, last_attempt=turn.attempts >= retries)
        if outcome is service.ItemOutcome.RETRY:
            intervals = self._app.config["BATCH_RETRY_INTERVALS"] or (0,)
            delay = intervals[min(turn.attempts, len(intervals) - 1)]
            self._again(turn, turn.item_id, turn.attempts + 1, delay)

    def _again(self, turn: _Turn, item_id: int, attempts: int, delay: float) -> None:
        with self._changed:
            due = time.monotonic() + delay
            self._queue(_Turn(due, next(self._order), turn.batch_id, item_id, attempts))

    def _end(self, turn: _Turn) -> None:
        """The turn is over; with the batch's last, this process lets go of the batch."""
        with self._changed:
            held = self._held[turn.batch_id]
            held.turns_left -= 1
            last = not held.turns_left
        if last:
            self._let_go(turn.batch_id, held.lock)
        with self._changed:
            if last:
                del self._held[turn.batch_id]
            self._taking = None
            self._changed.notify_all()

    def _let_go(self, batch_id: int, lock: BinaryIO | None) -> None:
        """Release the batch's lock; the file goes too once the batch is finished (a
        finished batch is never taken up: whoever locks a removed file finds it done)."""
        if lock is None:
            return
        try:
            with self._app.app_context():
                finished = service.progress_of(batch_id).is_finished
            if finished:
                Path(lock.name).unlink(missing_ok=True)
        except (OSError, SQLAlchemyError) as error:  # the file stays; only the lock goes
            log.warning("batch %s: its lock file is left behind (%s)", batch_id, error)
        finally:
            lock.close()


def _try_lock(batch_id: int) -> BinaryIO | _Lock:
    """The batch's lock file, locked by this process; or why not."""
    path = service.batch_dir() / str(batch_id) / LOCK_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.open("ab")
    except OSError as error:  # said once when it matters (``make``), not at every look
        log.info("batch %s: no lock file can be made (%s)", batch_id, error.strerror)
        return _Lock.UNAVAILABLE
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another process's thread makes the batch
        lock.close()
        return _Lock.HELD_ELSEWHERE
    except OSError as error:  # a file system without locks
        lock.close()
        log.info("batch %s: its lock file cannot be locked (%s)", batch_id, error.strerror)
        return _Lock.UNAVAILABLE
    return lock


def _reports_to_make(batch_id: int) -> list[tuple[int, int]]:
    """The batch's reports still to make, each with the attempts made so far, in order.

    A report still "running" was being made by a process that died (this one would not
    hold the batch otherwise): that attempt was interrupted, and it is tried again or,
    on its last attempt, fails, as a killed RQ job does.
    """
    retries = current_app.config["BATCH_RETRIES"]
    items = db.session.execute(
        select(ReportBatchItem.id, ReportBatchItem.state, ReportBatchItem.attempts)
        .where(ReportBatchItem.batch_id == batch_id)
        .order_by(ReportBatchItem.id)
    ).all()
    db.session.commit()  # end the read: short transactions on SQLite
    to_make = []
    for item_id, state, attempts in items:
        if state == ItemState.RUNNING:
            service.record_interrupted(item_id, last_attempt=attempts > retries)
            if attempts > retries:
                continue
        elif state != ItemState.QUEUED:
            continue
        to_make.append((item_id, attempts))
    return to_make
