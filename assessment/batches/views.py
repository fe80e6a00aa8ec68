"""Batches of reports: asking for them, watching them being made, downloading the zip.

The pages that offer a batch (the portfolio, an organisation's page) post here and are
answered at once, with the batch's page; its reports are made meanwhile, by workers or by
a thread of the web server (``jobs.dispatch``). That page shows their progress, updated
by ``static/js/batch-progress.js`` from its JSON (or by reloading itself without
JavaScript), and the zip once it is finished. Showing an unfinished batch (the page, its
JSON, the list) also takes it up when the server process making it died
(``jobs.take_up_if_abandoned``). Only the person who asked (while they still may) and
admins see a batch; anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from assessment import policy
from assessment.batches import jobs, listing, service
from assessment.batches.forms import BatchForm
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.batch_progress import BatchState, ItemState
from assessment.core.errors import AssessmentError, NotFoundError
from assessment.extensions import db
from assessment.models import Organisation, ReportBatch
from assessment.portfolio.service import PortfolioFilters
from assessment.reports.formats import report_format
from assessment.web.lookups import organisation_to_view
from assessment.web.paging import paginate
from assessment.web.templating import LANGUAGE_AUTONYMS

bp = Blueprint("batches", __name__)

STATE_LABELS = {
    BatchState.QUEUED: _l("Waiting for a worker"),
    BatchState.RUNNING: _l("Making the reports"),
    BatchState.DONE: _l("All reports are ready"),
    BatchState.PARTLY_FAILED: _l("Finished; some reports failed"),
    BatchState.FAILED: _l("Finished; no report could be made"),
}


class NoLanguageChosenError(AssessmentError):
    def __init__(self) -> None:
        super().__init__(_l("Choose the language of the reports: Chinese or English."))


@bp.app_context_processor
def batch_globals() -> dict[str, object]:
    def may_batch_reports(organisation: Organisation | None = None) -> bool:
        return policy.can_request_report_batch(current_user, organisation)

    return {"may_batch_reports": may_batch_reports}


@bp.post("/portfolio/reports")
@login_required
def portfolio_batch() -> Response:
    """Every report of the portfolio: each client's submitted assessments."""
    if not policy.can_request_report_batch(current_user, None):
        abort(403)
    # The portfolio's filters as the page showed them: the batch holds that list's reports.
    filters = PortfolioFilters.from_args(request.form, current_library())
    return _ask_for_batch(None, url_for("portfolio.index", **filters.as_args()), filters)


@bp.post("/organisations/<int:organisation_id>/reports")
@login_required
def organisation_batch(organisation_id: int) -> Response:
    """Every report of one organisation: each of its submitted assessments."""
    organisation = organisation_to_view(organisation_id)
    if not policy.can_request_report_batch(current_user, organisation):
        raise NotFoundError()
    return _ask_for_batch(
        organisation, url_for("history.organisation", organisation_id=organisation.id)
    )


def _ask_for_batch(
    organisation: Organisation | None, back: str, filters: PortfolioFilters = service.NO_FILTERS
) -> Response:
    form = BatchForm()
    if not form.validate_on_submit():
        raise NoLanguageChosenError()
    try:
        batch = service.create_batch(
            current_user,
            form.language.data,
            organisation,
            filters,
            report_format(form.format.data),
        )
    except (service.NothingToReportError, service.TooManyReportsError) as error:
        flash(str(error.message), "warning")
        return redirect(back)
    _dispatch(batch)
    return redirect(url_for("batches.progress", batch_id=batch.id))


def _dispatch(batch: ReportBatch) -> None:
    try:
        jobs.dispatch(batch)
    except jobs.QueueUnavailableError as error:
        flash(str(error.message), "warning")


def _batch_to_see(batch_id: int, lock: bool = False) -> ReportBatch:
    batch = db.session.get(ReportBatch, batch_id, with_for_update=True if lock else None)
    if batch is None or not policy.can_see_report_batch(current_user, batch):
        raise NotFoundError()
    return batch


@dataclass(frozen=True)
class FailedReport:
    file_name: str
    message: str


@dataclass(frozen=True)
class BatchView:
    """What the batch's page and its JSON show, in the reader's language."""

    state: str
    state_label: str
    total: int
    finished: int  # made or failed for good
    done: int
    failed: int
    is_finished: bool
    summary: str
    failures: list[FailedReport]
    zip_url: str | None


def batch_view(batch: ReportBatch) -> BatchView:
    progress = service.progress_of(batch.id)
    return BatchView(
        state=progress.state.value,
        state_label=str(STATE_LABELS[progress.state]),
        total=progress.total,
        finished=progress.finished_count,
        done=progress.done,
        failed=progress.failed,
        is_finished=progress.is_finished,
        summary=_(
            "%(done)s of %(total)s reports made, %(failed)s failed",
            done=progress.done,
            total=progress.total,
            failed=progress.failed,
        ),
        failures=[
            FailedReport(item.file_name, service.failure_message(item))
            for item in batch.items
            if item.state == ItemState.FAILED
        ],
        zip_url=url_for("batches.download", batch_id=batch.id)
        if progress.is_finished and progress.done
        else None,
    )


@bp.get("/batches")
@login_required
def index() -> str:
    """The batches the person asked for (an admin: everyone's), newest first, a page at a
    time, each with where its reports stand."""
    page = paginate(listing.batches_query(current_user), request.args)
    rows = listing.batch_rows(page.items)
    for row in rows:
        jobs.take_up_if_abandoned(row.batch, is_finished=row.progress.is_finished)
    return render_template(
        "batches/index.html",
        page=page,
        rows=rows,
        state_labels=STATE_LABELS,
        language_names={
            language: dict(LANGUAGE_AUTONYMS)[locales.babel_locale(language)]
            for language in service.LANGUAGES
        },
        show_requester=policy.is_admin(current_user),
    )


@bp.get("/batches/<int:batch_id>")
@login_required
def progress(batch_id: int) -> str:
    batch = _batch_to_see(batch_id)
    view = batch_view(batch)
    jobs.take_up_if_abandoned(batch, is_finished=view.is_finished)
    if batch.organisation is not None:
        title = _("Reports of %(name)s", name=batch.organisation.name)
        back_url = url_for("history.organisation", organisation_id=batch.organisation.id)
        back_label = batch.organisation.name
    else:
        title = _("Reports of the client portfolio")
        back_url, back_label = url_for("portfolio.index"), _("Client portfolio")
    return render_template(
        "batches/progress.html",
        batch=batch,
        view=view,
        title=title,
        back_url=back_url,
        back_label=back_label,
        language_name=dict(LANGUAGE_AUTONYMS)[locales.babel_locale(batch.language)],
        failed_list_name=service.FAILED_LIST_NAME,
        download_label=ngettext(
            "Download %(num)d report (zip)", "Download %(num)d reports (zip)", view.done
        ),
    )


@bp.get("/batches/<int:batch_id>.json")
@login_required
def progress_json(batch_id: int) -> Response:
    batch = _batch_to_see(batch_id)
    view = batch_view(batch)
    jobs.take_up_if_abandoned(batch, is_finished=view.is_finished)
    response = jsonify(asdict(view))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/batches/<int:batch_id>/reports.zip")
@login_required
def download(batch_id: int) -> Response:
    made = service.batch_zip(_batch_to_see(batch_id))
    response = send_file(made.path, mimetype="application/zip")
    # An ASCII name for old browsers, the organisation's own (maybe Chinese) for the rest.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="reports-{batch_id}.zip"; '
        f"filename*=UTF-8''{quote(made.download_name, safe='')}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/batches/<int:batch_id>/start")
@login_required
def start(batch_id: int) -> Response:
    """Hand the reports to the queue again, after it could not be reached."""
    batch = _batch_to_see(batch_id, lock=True)  # two clicks queue the reports once
    if batch.dispatched_at is not None:
        db.session.commit()
        flash(_("These reports have started already."), "success")
    else:
        _dispatch(batch)
    return redirect(url_for("batches.progress", batch_id=batch.id))
