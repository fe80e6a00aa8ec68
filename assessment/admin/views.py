"""Administration: accounts (roles, firms, access) and consulting firms with their clients."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment import mail, policy
from assessment.admin import service as administration
from assessment.admin.forms import (
    NO_FIRM,
    EngagementForm,
    FirmForm,
    NewUserForm,
    UserForm,
    role_choices,
)
from assessment.audit import service as audit
from assessment.extensions import db
from assessment.models import Engagement, Firm, Organisation, User, UserRole
from assessment.web.lookups import row_or_404

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_administrators() -> None:
    if not policy.is_admin(current_user):
        abort(403)


def _firm_of(form: UserForm) -> Firm | None:
    return db.session.get(Firm, int(form.firm.data)) if form.firm.data != NO_FIRM else None


def _users_page(new_user_form: NewUserForm, status: int = 200) -> tuple[str, int]:
    firms = administration.firms()
    role = request.args.get("role") or ""
    search = request.args.get("q", "")[:100]
    rows = []
    for user in administration.users(role or None, search):
        form = UserForm(
            formdata=None,  # each row shows the account as stored, whatever was posted
            prefix=f"user-{user.id}",
            data={"role": user.role, "firm": str(user.firm_id or NO_FIRM), "active": user.active},
        )
        form.set_choices(firms)
        rows.append((user, form))
    return render_template(
        "admin/users.html",
        rows=rows,
        new_user_form=new_user_form,
        chosen={"role": role, "q": search},
        roles=role_choices(),
        events=audit.administration_events(),
        actions=audit.ACTIONS,
    ), status


@bp.get("/users")
def users() -> tuple[str, int]:
    form = NewUserForm(role=UserRole.CONSULTANT, active=True)
    form.set_choices(administration.firms())
    return _users_page(form)


@bp.post("/users")
def add_user() -> Response | tuple[str, int]:
    form = NewUserForm()
    form.set_choices(administration.firms())
    if form.validate_on_submit():
        try:
            user, delivery = administration.add_user(
                form.email.data,
                form.name.data or "",
                form.role.data,
                _firm_of(form),
                lambda token: url_for("accounts.reset_password", token=token, _external=True),
            )
        except administration.AdministrationError as error:
            form.email.errors.append(str(error.message))
        else:
            _flash_account_made(user, delivery)
            return redirect(url_for("admin.users"))
    return _users_page(form, 400)


@bp.post("/users/<int:user_id>")
def update_user(user_id: int) -> Response:
    user = row_or_404(User, user_id)
    form = UserForm(prefix=f"user-{user.id}")
    form.set_choices(administration.firms())
    if not form.validate_on_submit():
        flash(_("Nothing was changed: the form was not complete. Try again."), "warning")
    else:
        try:
            administration.update_user(
                current_user, user, form.role.data, _firm_of(form), form.active.data
            )
        except administration.AdministrationError as error:
            flash(str(error.message), "warning")
        else:
            flash(_("The account of %(email)s is saved.", email=user.email), "success")
    return redirect(url_for("admin.users", **request.args))


@bp.route("/firms", methods=["GET", "POST"])
def firms() -> Response | tuple[str, int]:
    form = FirmForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                firm = administration.create_firm(form.name.data)
            except administration.AdministrationError as error:
                form.name.errors.append(str(error.message))
            else:
                return redirect(url_for("admin.firm", firm_id=firm.id))
        status = 400
    return render_template("admin/firms.html", firms=administration.firms(), form=form), status


@bp.get("/firms/<int:firm_id>")
def firm(firm_id: int) -> str:
    page = administration.firm_page(row_or_404(Firm, firm_id))
    form = EngagementForm()
    form.set_choices(page.other_organisations)
    return render_template("admin/firm.html", page=page, form=form)


@bp.post("/firms/<int:firm_id>/engagements")
def engage(firm_id: int) -> Response:
    firm = row_or_404(Firm, firm_id)
    form = EngagementForm()
    form.set_choices(administration.firm_page(firm).other_organisations)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, int(form.organisation.data))
        try:
            administration.engage(firm, organisation)
        except administration.AdministrationError as error:
            flash(str(error.message), "warning")
        else:
            flash(
                _(
                    "%(firm)s now serves %(organisation)s.",
                    firm=firm.name,
                    organisation=organisation.name,
                ),
                "success",
            )
    else:
        flash(_("Choose a client organisation."), "warning")
    return redirect(url_for("admin.firm", firm_id=firm.id))


@bp.post("/firms/<int:firm_id>/engagements/<int:engagement_id>/end")
def end_engagement(firm_id: int, engagement_id: int) -> Response:
    firm = row_or_404(Firm, firm_id)
    engagement = row_or_404(Engagement, engagement_id, firm_id=firm.id)
    name = engagement.organisation.name
    administration.end_engagement(engagement)
    flash(
        _("%(firm)s no longer serves %(organisation)s.", firm=firm.name, organisation=name),
        "success",
    )
    return redirect(url_for("admin.firm", firm_id=firm.id))


def _flash_account_made(user: User, delivery: mail.Delivery | None) -> None:
    if delivery is mail.Delivery.SENT:
        message = _(
            "The account of %(email)s is made; a link to choose a password went to that address.",
            email=user.email,
        )
    elif delivery is mail.Delivery.LOGGED:
        message = _(
            "The account of %(email)s is made. No mail server is set up here, so no e-mail was "
            "sent: the link to choose a password is in the server's log.",
            email=user.email,
        )
    else:
        message = _(
            "The account of %(email)s is made, but the e-mail with the link to choose a "
            "password could not be sent. Once mail works, they can ask for a link with "
            '"Forgot your password?" on the log-in page.',
            email=user.email,
        )
    flash(message, "success" if delivery is mail.Delivery.SENT else "warning")
