"""Batches of reports: what a batch holds, making each of its reports, and its zip.

A batch has one item per submitted assessment of an organisation (never a respondent's
own sheet) in its scope: one organisation, or every organisation of a portfolio. Each
item is made by ``run_item``, in a worker (``assessment.batches.jobs``) or, without a
queue, in a thread of the web process (``assessment.batches.background``). An item whose
assessment is gone, or cannot be reported on, fails at once; one that fails for any
other reason is tried again (``BATCH_RETRIES``) before it fails for good. Either way the
rest of the batch goes on. A report that is stored and up to date (``reports/store.py``)
is copied, not made again; one that is not is made and stored. PDFs are kept under
``BATCH_DIR`` (``instance/batches/<batch id>/``) until the zip is made from them.
"""

from __future__ import annotations

import enum
import logging
import os
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update

from assessment.audit import service as audit
from assessment.core import locales
from assessment.core.batch_progress import BatchProgress, ItemState
from assessment.core.errors import AssessmentError
from assessment.exports.service import file_name_part
from assessment.extensions import db
from assessment.models import (
    Assessment,
    AssessmentStatus,
    Organisation,
    ReportBatch,
    ReportBatchItem,
    ReportBatchScope,
    User,
    utc_now,
)
from assessment.portfolio.service import PortfolioFilters, matching_organisations
from assessment.reports import store
from assessment.reports.formats import PDF, ReportFormat, report_format
from assessment.reports.service import LANGUAGES
from assessment.reports.store import ReadyReport

log = logging.getLogger(__name__)

FAILED_LIST_NAME = "failed-reports.txt"
FAILURE_MESSAGES = {
    "deleted": _l("The assessment was deleted after the reports were asked for."),
    "unavailable": _l(
        "This assessment's report cannot be made: its questionnaire version is missing or "
        "has problems. An administrator must restore it."
    ),
    "storage": _l("The report could not be saved on the server."),
    "interrupted": _l("The worker making this report stopped before it was done."),
    "error": _l("An error on our side stopped this report; it is logged for the administrators."),
    "file_missing": _l("The report's file is no longer on the server; ask for the reports again."),
}


class NothingToReportError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(_l("There is no submitted assessment to make a report of yet."))


class TooManyReportsError(AssessmentError):
    status_code = 409

    def __init__(self, limit: int) -> None:
        super().__init__(
            _l(
                "That would be more than %(limit)s reports, the most made at once. "
                "Narrow the list with its filters (industry, level, status or part of a "
                "name) until it holds fewer, then ask for its reports.",
                limit=limit,
            )
        )


class BatchNotFinishedError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _l("The reports are still being made; the zip can be downloaded once they are done.")
        )


class ZipUnavailableError(AssessmentError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__(_l("The zip could not be made on the server. Please try again later."))


class ItemOutcome(enum.Enum):
    DONE = "done"
    FAILED = "failed"  # for good
    RETRY = "retry"  # failed this time; to be tried again
    SKIPPED = "skipped"  # finished already, or its batch is gone


class _CannotReportError(Exception):
    """A report that no retry can make: its assessment is gone or cannot be reported on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def batch_dir() -> Path:
    return Path(current_app.config["BATCH_DIR"])


NO_FILTERS = PortfolioFilters()


def _reportable(user: User, organisation: Organisation | None, filters: PortfolioFilters) -> Select:
    query = (
        select(Assessment)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Assessment.status == AssessmentStatus.SUBMITTED, Assessment.of_organisation_level())
    )
    if organisation is not None:
        return query.where(Assessment.organisation_id == organisation.id)
    return query.where(Assessment.organisation_id.in_(matching_organisations(user, filters)))


def reportable_assessments(
    user: User, organisation: Organisation | None, filters: PortfolioFilters = NO_FILTERS
) -> list[Assessment]:
    """The submitted assessments of ``organisation``, or of every organisation of
    ``user``'s portfolio that ``filters`` lets through, by organisation name and then
    oldest first."""
    query = _reportable(user, organisation, filters).order_by(
        Organisation.name, Organisation.id, Assessment.submitted_at, Assessment.id
    )
    return list(db.session.execute(query).scalars())


def reports_in(user: User, filters: PortfolioFilters) -> int:
    """How many reports a batch of the portfolio with ``filters`` would hold, counted by
    the database up to one more than a batch may hold: the page only needs to know
    whether it is too many, and a count that stops there costs the same for any size."""
    limit = current_app.config["BATCH_MAX_REPORTS"]
    return db.session.execute(
        select(func.count()).select_from(
            _reportable(user, None, filters)
            .with_only_columns(Assessment.id)
            .limit(limit + 1)
            .subquery()
        )
    ).scalar_one()


def report_file_names(
    assessments: list[Assessment], language: str, report_format: ReportFormat = PDF
) -> list[str]:
    """Names for the reports in a zip: organisation, submission date and language, with the
    assessment's id when that alone would not tell two apart."""
    stems = [
        f"{file_name_part(a.organisation.name) or 'organisation'}-{a.submitted_at:%Y-%m-%d}"
        for a in assessments
    ]
    repeated = {stem for stem, count in Counter(stems).items() if count > 1}
    extension = report_format.name
    return [
        f"{stem}-{a.id}-{language}.{extension}"
        if stem in repeated
        else f"{stem}-{language}.{extension}"
        for stem, a in zip(stems, assessments, strict=True)
    ]


def create_batch(
    user: User,
    language: str,
    organisation: Organisation | None,
    filters: PortfolioFilters = NO_FILTERS,
    report_format: ReportFormat = PDF,
) -> ReportBatch:
    """A batch of every report in scope (an organisation, or the portfolio's clients that
    ``filters`` lets through) in one language and format, each queued; nothing is made
    yet (see jobs)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language[:20]}")
    limit = current_app.config["BATCH_MAX_REPORTS"]
    if organisation is None and reports_in(user, filters) > limit:
        raise TooManyReportsError(limit)
    assessments = reportable_assessments(user, organisation, filters)
    if not assessments:
        raise NothingToReportError()
    if len(assessments) > limit:
        raise TooManyReportsError(limit)
    batch = ReportBatch(
        user_id=user.id,
        scope=ReportBatchScope.ORGANISATION if organisation else ReportBatchScope.PORTFOLIO,
        organisation_id=organisation.id if organisation else None,
        language=language,
        format=report_format.name,
        items=[
            ReportBatchItem(assessment_id=assessment.id, file_name=name)
            for assessment, name in zip(
                assessments,
                report_file_names(assessments, language, report_format),
                strict=True,
            )
        ],
    )
    db.session.add(batch)
    db.session.commit()
    log.info("batch %s of %d reports asked for (%s)", batch.id, len(batch.items), batch.scope)
    return batch


def progress_of(batch_id: int) -> BatchProgress:
    """Where the batch stands, read afresh from the database."""
    return BatchProgress.of(
        db.session.execute(
            select(ReportBatchItem.state).where(ReportBatchItem.batch_id == batch_id)
        ).scalars()
    )


def run_item(item_id: int, *, last_attempt: bool) -> ItemOutcome:
    """Make one report of a batch, once, and record how it went.

    Returns RETRY when it failed but may be tried again: the caller tries again later
    (a worker raises, so that RQ does; the web process's thread queues it again).
    """
    claimed = db.session.execute(
        update(ReportBatchItem)
        .where(
            ReportBatchItem.id == item_id,
            ReportBatchItem.state.in_((ItemState.QUEUED, ItemState.RUNNING)),
        )
        .values(state=ItemState.RUNNING, attempts=ReportBatchItem.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        log.info("batch report %s: nothing to do (finished already, or its batch is gone)", item_id)
        return ItemOutcome.SKIPPED
    item = db.session.get(ReportBatchItem, item_id)
    g.batch_requester_id = item.batch.user_id  # the audit trail names who asked
    try:
        folder = _folder(item.batch_id)  # before rendering: no report is made in vain
        report_path = _store(folder, item, _ready_report(item))
    except _CannotReportError as failure:
        db.session.rollback()
        log.warning("batch report %s cannot be made: %s", item_id, failure.reason)
        return _finish(item_id, ItemState.FAILED, reason=failure.reason)
    except OSError:
        db.session.rollback()
        log.exception("batch report %s could not be saved", item_id)
        reason = "storage"
    except Exception:
        # The edge of one report's attempt: whatever went wrong (a database or rendering
        # error, a timeout) is logged in full, recorded for the reader and tried again.
        db.session.rollback()
        log.exception("batch report %s failed", item_id)
        reason = "error"
    else:
        return _finish(item_id, ItemState.DONE, report_path=report_path)
    finally:
        g.pop("batch_requester_id", None)
    if last_attempt:
        return _finish(item_id, ItemState.FAILED, reason=reason)
    _wait_for_retry(item_id, reason)
    return ItemOutcome.RETRY


def run_inline(batch: ReportBatch, retries: int) -> None:
    """Make every report of the batch now, each tried up to ``retries`` more times, at
    once: only where no thread may make them (``background.possible``)."""
    for item_id in [item.id for item in batch.items]:
        for attempt in range(retries + 1):
            if run_item(item_id, last_attempt=attempt == retries) is not ItemOutcome.RETRY:
                break


def record_interrupted(item_id: int, *, last_attempt: bool) -> None:
    """The process making a report died (a work horse killed, out of memory; a worker or
    web server restarted): it is tried again, or, on its last attempt, fails."""
    item = db.session.get(ReportBatchItem, item_id)
    if item is None or item.state in (ItemState.DONE, ItemState.FAILED):
        return
    log.warning("batch report %s: its process died on attempt %d", item_id, item.attempts)
    if last_attempt:
        _finish(item_id, ItemState.FAILED, reason="interrupted")
    else:
        _wait_for_retry(item_id, "interrupted")


def _ready_report(item: ReportBatchItem) -> ReadyReport:
    """The item's report: the stored one, or made now (and stored for next time)."""
    assessment = db.session.get(Assessment, item.assessment_id) if item.assessment_id else None
    if assessment is None or assessment.organisation is None:
        raise _CannotReportError("deleted")
    try:
        report = store.ready_report(assessment, item.batch.language, batch_format(item.batch))
    except AssessmentError as error:  # not submitted, questionnaire or content missing
        raise _CannotReportError("unavailable") from error
    audit.record(
        "report.generated", assessment, language=item.batch.language, format=item.batch.format
    )
    db.session.commit()
    return report


def _folder(batch_id: int) -> Path:
    folder = batch_dir() / str(batch_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(folder: Path, item: ReportBatchItem, report: ReadyReport) -> str:
    """Keep a copy of the report in the batch's folder (a stored report may be replaced
    before the zip is made); returns its path relative to ``BATCH_DIR``."""
    target = folder / f"{item.id}.{item.batch.format}"
    partial = target.with_name(f"{target.name}.part")
    partial.write_bytes(report.read())
    partial.replace(target)  # whole or not at all, for the zip
    return f"{item.batch_id}/{target.name}"


def _wait_for_retry(item_id: int, reason: str) -> None:
    db.session.execute(
        update(ReportBatchItem)
        .where(ReportBatchItem.id == item_id)
        .values(state=ItemState.QUEUED, failure_reason=reason)
    )
    db.session.commit()


def _finish(
    item_id: int, state: ItemState, reason: str | None = None, report_path: str | None = None
) -> ItemOutcome:
    item = db.session.get(ReportBatchItem, item_id)
    item.state = state
    item.failure_reason = reason
    item.report_path = report_path
    item.finished_at = utc_now()
    batch_id = item.batch_id
    db.session.commit()
    progress = progress_of(batch_id)  # after the commit: sees every other worker's
    if progress.is_finished:
        closed = db.session.execute(
            update(ReportBatch)
            .where(ReportBatch.id == batch_id, ReportBatch.finished_at.is_(None))
            .values(finished_at=utc_now())
        ).rowcount
        db.session.commit()
        if closed:
            log.info(
                "batch %s finished: %d made, %d failed", batch_id, progress.done, progress.failed
            )
    return ItemOutcome.DONE if state == ItemState.DONE else ItemOutcome.FAILED


def failure_message(item: ReportBatchItem) -> str:
    """Why a report failed, and how often it was tried, in the current language."""
    reason = FAILURE_MESSAGES.get(item.failure_reason or "error", FAILURE_MESSAGES["error"])
    return ngettext(
        "%(reason)s Tried %(num)d time.",
        "%(reason)s Tried %(num)d times.",
        item.attempts,
        reason=str(reason),
    )


@dataclass(frozen=True)
class BatchZip:
    path: Path
    download_name: str


def batch_zip(batch: ReportBatch) -> BatchZip:
    """The zip of a finished batch: its PDFs, and a list of those that failed. Made once,
    then kept beside the PDFs."""
    if not progress_of(batch.id).is_finished:
        raise BatchNotFinishedError()
    path = batch_dir() / str(batch.id) / "reports.zip"
    if not path.is_file():
        try:
            handle, partial = tempfile.mkstemp(dir=_folder(batch.id), suffix=".zip.part")
            os.close(handle)
            _write_zip(batch, Path(partial))
            Path(partial).replace(path)
        except OSError as error:
            log.exception("the zip of batch %s could not be made", batch.id)
            raise ZipUnavailableError() from error
    return BatchZip(path=path, download_name=zip_download_name(batch))


def _write_zip(batch: ReportBatch, path: Path) -> None:
    failed: list[tuple[str, str]] = []
    with (
        force_locale(locales.babel_locale(batch.language)),
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive,
    ):
        for item in batch.items:
            copy = batch_dir() / item.report_path if item.report_path else None
            if item.state == ItemState.DONE and copy is not None and copy.is_file():
                archive.write(copy, arcname=item.file_name)
            elif item.state == ItemState.DONE:
                failed.append((item.file_name, str(FAILURE_MESSAGES["file_missing"])))
            else:
                failed.append((item.file_name, failure_message(item)))
        if failed:
            lines = [_("These reports could not be made:"), ""]
            lines += [f"{name}: {message}" for name, message in failed]
            archive.writestr(FAILED_LIST_NAME, "\n".join(lines) + "\n")


def batch_format(batch: ReportBatch) -> ReportFormat:
    return report_format(batch.format)


def zip_download_name(batch: ReportBatch) -> str:
    """``acme-reports-zh-CN.zip``; ``acme-reports-zh-CN-word.zip`` for Word reports."""
    kind = "-word" if batch.format != PDF.name else ""
    if batch.organisation is not None:
        named = file_name_part(batch.organisation.name) or "organisation"
        return f"{named}-reports-{batch.language}{kind}.zip"
    return f"portfolio-reports-{batch.created_at:%Y-%m-%d}-{batch.language}{kind}.zip"
