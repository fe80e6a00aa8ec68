"""The people of an organisation: its members, invitations to join or to answer, and
joining by an invitation link."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from assessment import mail, policy
from assessment.accounts import service as accounts
from assessment.core.errors import NotFoundError
from assessment.extensions import limiter
from assessment.history import service as history
from assessment.models import (
    Assessment,
    Invitation,
    InvitationKind,
    Membership,
    Organisation,
    utc_now,
)
from assessment.people import invitations
from assessment.people.forms import InvitationForm, InviteeSignUpForm
from assessment.questionnaire.access import genuine_post, load
from assessment.web.lookups import organisation_to_manage, row_or_404

bp = Blueprint("people", __name__)


def _invitation_limit() -> str:
    return current_app.config["INVITATION_RATE_LIMIT"]


def _drafts(organisation: Organisation) -> list[Assessment]:
    """The organisation's assessments in progress, newest first."""
    return [a for a in history.assessments_of(organisation) if not a.is_submitted]


def _people_page(organisation: Organisation, form: InvitationForm, status: int = 200):
    return render_template(
        "people/index.html",
        organisation=organisation,
        form=form,
        members=invitations.members_of(organisation.id),
        invitations=invitations.of_organisation(organisation.id),
        now=utc_now(),
    ), status


def _invitation_link(token: str) -> str:
    return url_for("people.invitation", token=token, _external=True)


@bp.get("/organisations/<int:organisation_id>/people")
@login_required
def index(organisation_id: int) -> tuple[str, int]:
    organisation = organisation_to_manage(organisation_id)
    form = InvitationForm()
    form.set_choices(_drafts(organisation))
    return _people_page(organisation, form)


@bp.post("/organisations/<int:organisation_id>/invitations")
@login_required
@limiter.limit(_invitation_limit)
def invite(organisation_id: int) -> Response | tuple[str, int]:
    organisation = organisation_to_manage(organisation_id)
    drafts = _drafts(organisation)
    form = InvitationForm()
    form.set_choices(drafts)
    if not form.validate_on_submit():
        return _people_page(organisation, form, 400)
    kind, _sep, detail = form.purpose.data.partition(":")
    assessment = next((d for d in drafts if str(d.id) == detail), None)
    try:
        invitation = invitations.create(
            organisation,
            current_user,
            form.email.data,
            kind,
            role=detail if kind == InvitationKind.JOIN else None,
            assessment=assessment,
        )
    except invitations.InvitationError as error:
        form.email.errors.append(str(error.message))
        return _people_page(organisation, form, 400)
    link, delivery = invitations.send(invitation, _invitation_link)
    _flash_invitation_sent(invitation, link, delivery)
    return redirect(url_for("people.index", organisation_id=organisation.id))


def _flash_invitation_sent(invitation: Invitation, link: str, delivery: mail.Delivery) -> None:
    """The link is shown to the inviter once, whether the mail went or not."""
    details = {
        "email": invitation.email,
        "days": current_app.config["INVITATION_DAYS"],
        "link": link,
    }
    if delivery is mail.Delivery.SENT:
        message = _(
            "The invitation is sent to %(email)s. You can also pass on this link; it works "
            "for %(days)s days: %(link)s",
            **details,
        )
    elif delivery is mail.Delivery.LOGGED:
        message = _(
            "No mail server is set up here, so no e-mail was sent: pass this link on to "
            "%(email)s yourself. It works for %(days)s days: %(link)s",
            **details,
        )
    else:
        message = _(
            "The e-mail to %(email)s could not be sent: pass this link on yourself. It works "
            "for %(days)s days: %(link)s",
            **details,
        )
    flash(message, "success" if delivery is mail.Delivery.SENT else "warning")


@bp.post("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(organisation_id: int, invitation_id: int) -> Response:
    organisation = organisation_to_manage(organisation_id)
    invitation = row_or_404(Invitation, invitation_id, organisation_id=organisation.id)
    invitations.revoke(invitation)
    flash(_("The invitation to %(email)s no longer works.", email=invitation.email), "success")
    return redirect(url_for("people.index", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/members/<int:membership_id>/remove")
@login_required
def remove_member(organisation_id: int, membership_id: int) -> Response:
    organisation = organisation_to_manage(organisation_id)
    membership = row_or_404(Membership, membership_id, organisation_id=organisation.id)
    email = membership.user.email
    try:
        invitations.remove_member(membership)
    except invitations.InvitationError as error:
        flash(str(error.message), "warning")
    else:
        flash(_("%(email)s is no longer a member.", email=email), "success")
    return redirect(url_for("people.index", organisation_id=organisation.id))


# ---------------------------------------------------------------------------
# Following an invitation link


@bp.get("/invitations/<token>")
@limiter.limit(_invitation_limit)
def invitation(token: str) -> Response | str:
    """Where an invitation link leads: the assessment to answer, or the offer to join."""
    found = invitations.usable(token)
    if found.kind == InvitationKind.ANSWER:
        return redirect(url_for("questionnaire.resume", token=token))
    return render_template(
        "people/invitation.html", invitation=found, token=token, form=InviteeSignUpForm()
    )


@bp.post("/invitations/<token>/accept")
@login_required
@limiter.limit(_invitation_limit)
def accept(token: str) -> Response:
    found = invitations.usable(token)
    try:
        invitations.accept(found, current_user)
    except invitations.InvitationError as error:
        flash(str(error.message), "warning")
        return redirect(url_for("people.invitation", token=token))
    flash(_("Welcome to %(organisation)s.", organisation=found.organisation.name), "success")
    return redirect(url_for("portfolio.organisations"))


@bp.post("/invitations/<token>/account")
@limiter.limit(_invitation_limit)
def sign_up(token: str) -> Response | tuple[str, int]:
    """Create the invited person's account and accept the invitation, in one step."""
    found = invitations.usable(token)
    if found.kind != InvitationKind.JOIN:
        raise NotFoundError()
    form = InviteeSignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(found.email, form.password.data, name=form.name.data)
        except accounts.AccountError as error:
            form.name.errors.append(str(error.message))
        else:
            login_user(user)
            invitations.accept(found, user)
            flash(
                _("Welcome to %(organisation)s.", organisation=found.organisation.name), "success"
            )
            return redirect(url_for("portfolio.organisations"))
    return render_template("people/invitation.html", invitation=found, token=token, form=form), 400


@bp.post("/a/<token>/claim")
@login_required
def claim(token: str) -> Response:
    """Take an organisation typed in from the landing page into the signed-in account."""
    if invitations.looks_like_invitation(token):
        raise NotFoundError()
    assessment, _questionnaire = load(token)
    if not genuine_post(request.form.get("csrf_token")):
        flash(_("Your session had expired. Press the button again."), "warning")
    elif not policy.can_claim_organisation(current_user, assessment):
        flash(_("This organisation already belongs to an account."), "warning")
    else:
        accounts.claim_organisation(current_user, assessment)
        flash(
            _(
                "%(organisation)s is now in your account.",
                organisation=assessment.organisation.name,
            ),
            "success",
        )
        return redirect(url_for("portfolio.organisations"))
    return redirect(url_for("questionnaire.resume", token=token))
