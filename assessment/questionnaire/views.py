"""The questionnaire a respondent fills in, page by page, resumable by its link.

An assessment is reached by its unguessable resume token. Pages post ordinary forms and
work without JavaScript; with it, answers also autosave as they change.

Form tokens never cost a person their answers: a page posted with an expired token is
saved when the request comes from this site (its Origin or Referer), and otherwise
shown again with every posted answer kept and a message to press Save once more.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from assessment import policy
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import NotFoundError
from assessment.evidence import service as evidence
from assessment.extensions import csrf
from assessment.plans import service as plans
from assessment.questionnaire import service
from assessment.questionnaire.access import genuine_post, load, page_context
from assessment.questionnaire.forms import (
    OrganisationForm,
    RespondentForm,
    answer_field_name,
    comment_field_name,
    make_dimension_form,
)
from assessment.questionnaire.results import build_results
from assessment.web.templating import current_locale

bp = Blueprint("questionnaire", __name__)
csrf.exempt(bp)  # checked per view below, so that an expired token never loses answers


# The pages of a draft: the browser keeps none of them, so that going back after
# submitting asks again and lands on the results rather than a live submit button.
DRAFT_PAGES = frozenset(
    {"questionnaire.organisation", "questionnaire.dimension", "questionnaire.review"}
)


@bp.after_request
def keep_no_draft_page(response: Response) -> Response:
    if request.endpoint in DRAFT_PAGES:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _to_results(token: str) -> Response:
    """A submitted assessment shows its results; answers posted to it are refused out loud
    (a person who pressed Save in another tab must not think they were kept)."""
    if request.method == "POST":
        flash(str(service.AssessmentLockedError().message), "warning")
    return redirect(url_for("questionnaire.results", token=token))


@bp.post("/start")
def start() -> Response:
    questionnaire = current_library().latest_published()
    if questionnaire is None:
        raise NotFoundError()
    if not genuine_post(request.form.get("csrf_token")):
        flash(_("Your session had expired. Press Start again."), "warning")
        return redirect(url_for("home.index"))
    assessment = service.start(questionnaire, current_locale())
    return redirect(url_for("questionnaire.organisation", token=assessment.resume_token))


@bp.get("/a/<token>")
def resume(token: str) -> Response:
    """Where a resume link leads: the first place that still needs the person."""
    assessment, questionnaire = load(token)
    if assessment.is_submitted:
        return redirect(url_for("questionnaire.results", token=token))
    if assessment.organisation is None:
        return redirect(url_for("questionnaire.organisation", token=token))
    for dimension in service.progress(assessment, questionnaire).dimensions:
        if not dimension.complete:
            return redirect(
                url_for("questionnaire.dimension", token=token, dimension_id=dimension.dimension_id)
            )
    return redirect(url_for("questionnaire.review", token=token))


@bp.route("/a/<token>/organisation", methods=["GET", "POST"])
def organisation(token: str) -> Response | str | tuple[str, int]:
    """Who is being assessed. Once the organisation has members or a consulting firm, a
    link-holder sees its details and gives only their own name."""
    assessment, questionnaire = load(token)
    if assessment.is_submitted:
        return _to_results(token)
    editable = policy.can_edit_organisation_details(current_user, assessment)
    form: RespondentForm
    if editable:
        form = OrganisationForm(meta={"csrf": False})
        form.set_choices(current_library().organisation_options, current_locale())
    else:
        form = RespondentForm(meta={"csrf": False})
    if request.method == "GET":
        form.respondent_name.data = assessment.respondent_name
        org = assessment.organisation
        if editable and org is not None:
            form.name.data, form.industry.data = org.name, org.industry
            form.size_band.data, form.region.data = org.size_band, org.region
    status = 200
    if request.method == "POST":
        token_ok = genuine_post(request.form.get("csrf_token"))
        if token_ok and form.validate():
            respondent_name = (form.respondent_name.data or "").strip()
            if editable:
                service.save_organisation(
                    assessment,
                    name=form.name.data.strip(),
                    industry=form.industry.data,
                    size_band=form.size_band.data,
                    region=(form.region.data or "").strip(),
                    respondent_name=respondent_name,
                )
            else:
                service.save_respondent_name(assessment, respondent_name)
            first = questionnaire.dimensions[0].id
            return redirect(url_for("questionnaire.dimension", token=token, dimension_id=first))
        status = 400
        if not token_ok:
            flash(
                _("Your session had expired, so nothing was saved. Press Continue again."),
                "warning",
            )
    return render_template(
        "questionnaire/organisation.html",
        form=form,
        editable=editable,
        **page_context(assessment, questionnaire, token),
    ), status


def _posted_answers(
    questionnaire: Questionnaire, dimension_id: str
) -> dict[str, service.PostedAnswer]:
    """The answers a page posted, plus any q_ field naming another question (to reject)."""
    page_ids = {q.id for q in questionnaire.dimension(dimension_id).questions}
    posted_ids = {key[2:] for key in request.form if key.startswith(("q_", "c_"))} | page_ids
    return {
        question_id: service.PostedAnswer(
            value=request.form.get(answer_field_name(question_id), ""),
            comment=request.form.get(comment_field_name(question_id), ""),
        )
        for question_id in sorted(posted_ids)
    }


def _switch_language_if_asked() -> None:
    """The header's language buttons submit a questionnaire page's own form, so that its
    answers are saved on the way (without JavaScript nothing else would save them)."""
    chosen = request.form.get("locale")
    if chosen in locales.LOCALES:
        session["locale"] = chosen
        refresh()  # this request's messages in the new language too


@bp.route("/a/<token>/dimension/<dimension_id>", methods=["GET", "POST"])
def dimension(token: str, dimension_id: str) -> Response | str | tuple[str, int]:
    assessment, questionnaire = load(token)
    if assessment.is_submitted:
        return _to_results(token)
    ids = [d.id for d in questionnaire.dimensions]
    if dimension_id not in ids:
        raise NotFoundError(_("This questionnaire has no such section."))
    position = ids.index(dimension_id)
    if request.method == "POST":
        _switch_language_if_asked()
    content = questionnaire.dimension(dimension_id)
    form_class = make_dimension_form(content, current_locale())
    saved = service.answers_by_question(assessment)
    status = 200
    errors: list[str] = []

    if request.method == "POST":
        form = form_class(meta={"csrf": False})
        if genuine_post(request.form.get("csrf_token")):
            try:
                service.save_answers(
                    assessment,
                    questionnaire,
                    _posted_answers(questionnaire, dimension_id),
                    dimension_id,
                )
            except service.InvalidAnswerError as error:
                errors, status = [str(error.message)], error.status_code
            else:
                action = request.form.get("action", "save")
                if action == "next" and position + 1 < len(ids):
                    target = url_for(
                        "questionnaire.dimension", token=token, dimension_id=ids[position + 1]
                    )
                elif action == "back" and position > 0:
                    target = url_for(
                        "questionnaire.dimension", token=token, dimension_id=ids[position - 1]
                    )
                elif action == "back":
                    target = url_for("questionnaire.organisation", token=token)
                elif action in ("next", "review"):
                    target = url_for("questionnaire.review", token=token)
                else:
                    flash(_("Your answers are saved."), "success")
                    target = url_for(
                        "questionnaire.dimension", token=token, dimension_id=dimension_id
                    )
                return redirect(target)
        else:
            status = 400
            errors = [
                _(
                    "Your session had expired, so this page was not saved. Your answers are "
                    "still below: press Save to keep them."
                )
            ]
    else:
        form = form_class(
            meta={"csrf": False},
            data={
                **{answer_field_name(q): a.value for q, a in saved.items()},
                **{comment_field_name(q): a.comment for q, a in saved.items()},
            },
        )
    return render_template(
        "questionnaire/dimension.html",
        language_switch_form="answers",
        form=form,
        dimension=content,
        position=position,
        previous_id=ids[position - 1] if position > 0 else None,
        next_id=ids[position + 1] if position + 1 < len(ids) else None,
        errors=errors,
        **page_context(assessment, questionnaire, token),
    ), status


def _json_body() -> object:
    """The request's JSON; None when it is not JSON, or nested too deeply to read."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


@bp.post("/a/<token>/autosave")
def autosave(token: str) -> tuple[Response, int]:
    """Save one question as it changes (JavaScript); JSON in, JSON out."""
    assessment, questionnaire = load(token)
    if not (genuine_post(request.headers.get("X-CSRFToken"))):
        return jsonify(error=_("Not saved: your session has expired. Press Save.")), 400
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get("question_id"), str):
        return jsonify(error=_("Not saved: the request was not understood.")), 400
    value, comment = body.get("value", ""), body.get("comment", "")
    if not isinstance(value, str) or not isinstance(comment, str):
        return jsonify(error=_("Not saved: the request was not understood.")), 400
    answered = service.save_answers(
        assessment,
        questionnaire,
        {body["question_id"]: service.PostedAnswer(value=value, comment=comment)},
    )
    progress = service.progress_from(answered, questionnaire)
    return jsonify(
        saved=True,
        answered=progress.answered,
        total=progress.total,
        dimensions={d.dimension_id: d.answered for d in progress.dimensions},
    ), 200


@bp.get("/a/<token>/review")
def review(token: str) -> Response | str:
    assessment, questionnaire = load(token)
    if assessment.is_submitted:
        return redirect(url_for("questionnaire.results", token=token))
    missing = set(service.unanswered_questions(assessment, questionnaire))
    return render_template(
        "questionnaire/review.html",
        missing=missing,
        **page_context(assessment, questionnaire, token),
    )


@bp.post("/a/<token>/submit")
def submit(token: str) -> Response:
    assessment, questionnaire = load(token)
    if not genuine_post(request.form.get("csrf_token")):
        flash(
            _("Your session had expired, so the assessment was not submitted. Press Submit again."),
            "warning",
        )
        return redirect(url_for("questionnaire.review", token=token))
    try:
        service.submit(assessment, questionnaire)
    except service.NotReadyToSubmitError as error:
        flash(str(error.message), "warning")
        return redirect(url_for("questionnaire.review", token=token))
    return redirect(url_for("questionnaire.results", token=token))


@bp.get("/a/<token>/results")
def results(token: str) -> Response | str:
    assessment, questionnaire = load(token)
    if not assessment.is_submitted:
        return redirect(url_for("questionnaire.review", token=token))
    answer_values = {a.question_id: a.value for a in assessment.answers}
    view = build_results(
        questionnaire,
        service.result_of(assessment, questionnaire),
        answer_values,
        current_locale(),
        targets=plans.targets_by_dimension(assessment.organisation_id),
        **evidence.results_reading(assessment, questionnaire),
        crosswalks=current_library().crosswalks_for(questionnaire),
    )
    commentary = assessment.commentary
    organisation = assessment.organisation
    return render_template(
        "questionnaire/results.html",
        results=view,
        evidence_url=url_for(
            "evidence.page", organisation_id=organisation.id, assessment_id=assessment.id
        )
        if organisation is not None and policy.can_view_organisation(current_user, organisation)
        else None,
        may_comment=policy.can_write_commentary(current_user, assessment),
        has_commentary=bool(
            commentary and (commentary.executive_summary or commentary.dimension_notes)
        ),
        **page_context(assessment, questionnaire, token),
    )
