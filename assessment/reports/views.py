"""Reports of a submitted assessment: the PDF and Word downloads, commentary and branding."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
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
from flask_login import current_user

from assessment import policy
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import AssessmentError, NotFoundError
from assessment.extensions import csrf
from assessment.models import Assessment
from assessment.questionnaire.access import genuine_post, load
from assessment.reports import ahead, store
from assessment.reports import commentary as commentary_service
from assessment.reports.formats import DOCX, PDF, ReportFormat
from assessment.reports.forms import (
    CommentaryFormBase,
    make_commentary_form,
    note_field_name,
    prefilled_commentary_form,
)
from assessment.reports.sending import report_response
from assessment.reports.service import (
    ReportNotReadyError,
    css_string,
    logo_path,
    record_download,
    report_filename,
)
from assessment.reports.store import ReadyReport
from assessment.web.templating import current_locale

bp = Blueprint("reports", __name__)


class CommentaryNotAllowedError(AssessmentError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            _l("Only the organisation's consultants can write the report commentary. Log in.")
        )


csrf.exempt(bp)  # checked in the view, as for the questionnaire pages
# The report's running header quotes the organisation's name in its stylesheet.
bp.app_template_filter("css_string")(css_string)


@bp.get("/a/<token>/report.pdf")
def download(token: str) -> Response | tuple[str, int]:
    """The report: its stored file, or, when there is none up to date, made now. When a
    worker is making this very report right now, a page says so and fetches it once
    it is ready."""
    return _download(token, PDF)


@bp.get("/a/<token>/report.docx")
def download_docx(token: str) -> Response | tuple[str, int]:
    """The report as a Word document, to edit before signing: stored as the PDF is."""
    return _download(token, DOCX)


def _download(token: str, report_format: ReportFormat) -> Response | tuple[str, int]:
    assessment, _questionnaire = load(token)
    language = request.args.get("lang", "zh-CN")
    fingerprint = store.fingerprint_of(assessment, language, report_format)
    content = store.open_stored(assessment, language, fingerprint, report_format)
    if content is None:
        if report_format == PDF and ahead.being_made(assessment, language, fingerprint):
            return render_template(
                "reports/being_prepared.html", token=token, language=language
            ), 202
        content = store.make_and_store(assessment, language, fingerprint, report_format)
    record_download(assessment, language, report_format)
    return report_response(
        ReadyReport(fingerprint, content),
        report_format,
        report_filename(assessment, language, report_format),
        as_attachment=True,
    )


@bp.get("/a/<token>/report-status")
def report_status(token: str) -> Response:
    """For the page that waits for a report: whether to fetch it now (it is stored, or no
    worker is making it any more, so that the download makes it)."""
    assessment, _questionnaire = load(token)
    language = request.args.get("lang", "zh-CN")
    fingerprint = store.fingerprint_of(assessment, language)
    response = jsonify(ready=not ahead.being_made(assessment, language, fingerprint))
    response.headers["Cache-Control"] = "no-store"
    return response


def _commentary_page(
    token: str, assessment: Assessment, form: CommentaryFormBase, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "reports/commentary.html",
        token=token,
        assessment=assessment,
        form=form,
        has_logo=bool(assessment.commentary and assessment.commentary.logo_file),
    ), status


def _commentable(token: str) -> tuple[Assessment, Questionnaire]:
    """The submitted assessment of ``token``, if the person may write its commentary."""
    assessment, questionnaire = load(token)
    if not assessment.is_submitted:
        raise ReportNotReadyError()
    if not policy.can_write_commentary(current_user, assessment):
        raise CommentaryNotAllowedError()
    return assessment, questionnaire


@bp.get("/a/<token>/commentary")
def commentary(token: str) -> tuple[str, int]:
    """The consultant's commentary and branding for the report, as saved."""
    assessment, questionnaire = _commentable(token)
    form = prefilled_commentary_form(questionnaire, current_locale(), assessment.commentary)
    return _commentary_page(token, assessment, form)


@bp.post("/a/<token>/commentary")
def save_commentary(token: str) -> Response | tuple[str, int]:
    """Save the commentary; a problem is shown at its field, with everything typed kept."""
    assessment, questionnaire = _commentable(token)
    if "csrf_token" not in request.form:
        # Not the page's form (every commentary form carries its token): an unreadable body
        # reads as an empty form, and saving that would erase the commentary.
        abort(400)
    form = make_commentary_form(questionnaire, current_locale())(meta={"csrf": False})
    if not genuine_post(request.form.get("csrf_token")):
        form.validate()
        flash(
            _("Your session had expired, so the commentary was not saved. Save it again."),
            "warning",
        )
        return _commentary_page(token, assessment, form, 400)
    if not form.validate():
        return _commentary_page(token, assessment, form, 400)
    upload = request.files.get("logo")
    logo = (
        upload.read(commentary_service.LOGO_MAX_BYTES + 1) if upload and upload.filename else None
    )
    try:
        commentary_service.save_commentary(
            assessment,
            commentary_service.CommentaryInput(
                executive_summary=form.executive_summary.data or "",
                dimension_notes={
                    dimension_id: form[note_field_name(dimension_id)].data or ""
                    for dimension_id in form.dimension_ids
                },
                prepared_by=form.prepared_by.data or "",
                firm_name=form.firm_name.data or "",
            ),
            Path(current_app.config["UPLOAD_DIR"]),
            logo=logo,
            remove_logo=bool(form.remove_logo.data),
        )
    except commentary_service.InvalidLogoError as error:
        form.logo.errors = [*form.logo.errors, str(error.message)]
        return _commentary_page(token, assessment, form, 400)
    flash(_("The commentary is saved and will appear in the report."), "success")
    return redirect(url_for("questionnaire.results", token=token) + "#report")


@bp.get("/a/<token>/logo")
def logo(token: str) -> Response:
    assessment, _questionnaire = load(token)
    path = logo_path(assessment)
    if path is None:
        raise NotFoundError()
    kind = assessment.commentary.logo_type
    response = send_file(path, mimetype=commentary_service.LOGO_MIME_TYPES[kind])
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
