"""An organisation's webhooks page: its endpoints, adding one (its secret shown once),
disabling, removing and testing them, and the log of deliveries, a page at a time."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment import policy
from assessment.models import Organisation, WebhookEndpoint
from assessment.web.lookups import organisation_to_view, row_or_404
from assessment.web.paging import paginate
from assessment.webhooks import dispatch, payloads, sending
from assessment.webhooks import service as webhooks
from assessment.webhooks.forms import EndpointForm

bp = Blueprint("webhooks", __name__)

DELIVERIES_PER_PAGE = 20


def _organisation(organisation_id: int) -> Organisation:
    organisation = organisation_to_view(organisation_id)
    if not policy.can_manage_webhooks(current_user, organisation):
        abort(403)
    return organisation


def _endpoint(organisation_id: int, endpoint_id: int) -> WebhookEndpoint:
    organisation = _organisation(organisation_id)
    return row_or_404(WebhookEndpoint, endpoint_id, organisation_id=organisation.id)


def _page(organisation: Organisation, form: EndpointForm, secret: str | None = None) -> str:
    return render_template(
        "webhooks/index.html",
        organisation=organisation,
        form=form,
        secret=secret,
        endpoints=webhooks.endpoints_of(organisation.id),
        page=paginate(
            webhooks.deliveries_query(organisation.id), request.args, DELIVERIES_PER_PAGE
        ),
        event_labels=payloads.EVENT_LABELS,
        failure_messages=sending.FAILURE_MESSAGES,
        retry_count=len(sending.retry_intervals()),
    )


def _back(organisation_id: int) -> Response:
    return redirect(url_for("webhooks.index", organisation_id=organisation_id))


@bp.get("/organisations/<int:organisation_id>/webhooks")
@login_required
def index(organisation_id: int) -> str:
    organisation = _organisation(organisation_id)
    dispatch.take_up_overdue(organisation.id)
    return _page(organisation, EndpointForm(formdata=None))


@bp.post("/organisations/<int:organisation_id>/webhooks")
@login_required
def add(organisation_id: int) -> str | tuple[str, int]:
    """Add an endpoint and show its signing secret, this once."""
    organisation = _organisation(organisation_id)
    form = EndpointForm()
    if not form.validate():
        return _page(organisation, form), 400
    try:
        added = webhooks.add_endpoint(organisation, form.url.data, form.events.data, current_user)
    except webhooks.TooManyEndpointsError as error:
        form.url.errors = [str(error.message)]
        return _page(organisation, form), 409
    return _page(organisation, EndpointForm(formdata=None), secret=added.secret)


@bp.post("/organisations/<int:organisation_id>/webhooks/<int:endpoint_id>/test")
@login_required
def send_test(organisation_id: int, endpoint_id: int) -> Response:
    endpoint = _endpoint(organisation_id, endpoint_id)
    if not endpoint.active:
        flash(_("This endpoint is disabled: enable it to send it a test event."), "warning")
    else:
        webhooks.send_test(endpoint)
        flash(
            _(
                "A test event was sent to %(url)s; its delivery is in the log below.",
                url=endpoint.url,
            ),
            "success",
        )
    return _back(organisation_id)


@bp.post("/organisations/<int:organisation_id>/webhooks/<int:endpoint_id>/active")
@login_required
def set_active(organisation_id: int, endpoint_id: int) -> Response:
    endpoint = _endpoint(organisation_id, endpoint_id)
    choice = request.form.get("active")
    if choice not in ("yes", "no"):
        flash(_("Choose whether the endpoint receives messages."), "warning")
    else:
        webhooks.set_active(endpoint, choice == "yes")
        flash(
            _("The endpoint receives messages again.")
            if choice == "yes"
            else _("The endpoint is disabled: it receives nothing until it is enabled."),
            "success",
        )
    return _back(organisation_id)


@bp.post("/organisations/<int:organisation_id>/webhooks/<int:endpoint_id>/delete")
@login_required
def remove(organisation_id: int, endpoint_id: int) -> Response:
    endpoint = _endpoint(organisation_id, endpoint_id)
    url = endpoint.url
    webhooks.remove_endpoint(endpoint)
    flash(_("The endpoint %(url)s and its deliveries are removed.", url=url), "success")
    return _back(organisation_id)
