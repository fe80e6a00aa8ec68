"""The evidence page of an assessment: each answer with its confidence, its consultant's
mark, a note and the files attached to it. Everyone who may see the organisation reads it
and downloads the files; those who manage it attach files and give confidence; only its
consultants (and admins) mark an answer verified or challenged. Files are always
downloaded, never shown in the browser."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment import policy
from assessment.content.registry import current_library
from assessment.core.errors import NotFoundError
from assessment.core.uploads import EXTENSIONS, MIME_TYPES
from assessment.evidence import labels, service
from assessment.evidence.forms import RemoveFileForm, ReviewForm, prefilled_review_form
from assessment.models import Assessment, EvidenceFile, Organisation
from assessment.questionnaire.service import questionnaire_of
from assessment.web.errors import accepts_body_up_to
from assessment.web.lookups import organisation_to_manage, organisation_to_view, row_or_404
from assessment.web.templating import current_locale

bp = Blueprint("evidence", __name__)
bp.add_app_template_filter(labels.confidence_label, "confidence_label")
bp.add_app_template_filter(labels.verification_label, "verification_label")
bp.add_app_template_filter(labels.file_size, "file_size")

PAGE = "/organisations/<int:organisation_id>/assessments/<int:assessment_id>/evidence"
# A file at its limit and the rest of the form.
UPLOAD_BODY_LIMIT = service.EVIDENCE_MAX_BYTES + 64 * 1024


def _assessment(organisation: Organisation, assessment_id: int) -> Assessment:
    assessment = row_or_404(Assessment, assessment_id, organisation_id=organisation.id)
    if assessment.is_sheet:
        raise NotFoundError()
    return assessment


def _page_url(organisation: Organisation, assessment: Assessment, anchor: str | None = None):
    return url_for(
        "evidence.page",
        organisation_id=organisation.id,
        assessment_id=assessment.id,
        _anchor=anchor,
    )


@bp.get(PAGE)
@login_required
def page(organisation_id: int, assessment_id: int) -> str:
    organisation = organisation_to_view(organisation_id)
    assessment = _assessment(organisation, assessment_id)
    questionnaire = questionnaire_of(assessment, current_library())
    found = service.evidence_of(assessment)
    may_manage = policy.can_manage_organisation(current_user, organisation)
    return render_template(
        "evidence/page.html",
        organisation=organisation,
        assessment=assessment,
        questionnaire=questionnaire,
        evidence=found,
        reading=service.reading_of(assessment, questionnaire),
        answers={a.question_id: a.value for a in assessment.answers},
        forms={
            q.id: prefilled_review_form(found.reviews.get(q.id), f"{q.id}-")
            for q in questionnaire.questions
        }
        if may_manage
        else {},
        may_manage=may_manage,
        may_mark=policy.can_mark_answers(current_user, organisation),
        locale=current_locale(),
    )


@bp.post(f"{PAGE}/<question_id>")
@login_required
@accepts_body_up_to(UPLOAD_BODY_LIMIT)
def review(organisation_id: int, assessment_id: int, question_id: str) -> Response:
    organisation = organisation_to_manage(organisation_id)
    assessment = _assessment(organisation, assessment_id)
    questionnaire = questionnaire_of(assessment, current_library())
    if question_id not in {q.id for q in questionnaire.questions}:
        raise NotFoundError()
    back = _page_url(organisation, assessment, f"question-{question_id}")
    form = ReviewForm(prefix=f"{question_id}-")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        flash(_("Nothing was saved for this answer."), "warning")
        return redirect(back)
    upload = form.file.data
    try:
        if upload is not None and upload.filename:
            data = upload.read(service.EVIDENCE_MAX_BYTES + 1)
            service.attach(assessment, question_id, data, upload.filename, current_user)
        service.save_review(
            assessment,
            question_id,
            form.entry(),
            current_user,
            may_mark=policy.can_mark_answers(current_user, organisation),
        )
    except service.EvidenceRefusedError as error:
        flash(str(error.message), "error")
        flash(_("Nothing was saved for this answer."), "warning")
        return redirect(back)
    flash(_("Saved."), "success")
    return redirect(back)


@bp.get(f"{PAGE}/files/<int:file_id>")
@login_required
def download(organisation_id: int, assessment_id: int, file_id: int) -> Response:
    organisation = organisation_to_view(organisation_id)
    assessment = _assessment(organisation, assessment_id)
    record = row_or_404(EvidenceFile, file_id, assessment_id=assessment.id)
    path = service.file_path(record)
    if not path.is_file():
        raise NotFoundError()
    response = Response(path.read_bytes(), mimetype=MIME_TYPES[record.kind])
    ascii_name = f"evidence-{record.id}.{EXTENSIONS[record.kind]}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''"
        f"{quote(record.display_name, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post(f"{PAGE}/files/<int:file_id>/remove")
@login_required
def remove(organisation_id: int, assessment_id: int, file_id: int) -> Response:
    organisation = organisation_to_manage(organisation_id)
    assessment = _assessment(organisation, assessment_id)
    record = row_or_404(EvidenceFile, file_id, assessment_id=assessment.id)
    question_id = record.question_id
    if RemoveFileForm().validate_on_submit():
        service.remove(assessment, record)
        flash(_("The file was removed."), "success")
    else:
        flash(_("The file was not removed: reload the page and try again."), "warning")
    return redirect(_page_url(organisation, assessment, f"question-{question_id}"))
