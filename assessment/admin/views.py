"""Administration: accounts (roles, firms, access) and consulting firms with their clients."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from assessment import mail, policy
from assessment.admin import service as administration
from assessment.admin.forms import (
    NO_FIRM,
    EngagementForm,
    FirmForm,
    NewUserForm,
    UserForm,
    firm_choices,
    role_choices,
)
from assessment.audit import service as audit
from assessment.core.list_arguments import choice, search_text
from assessment.extensions import db
from assessment.models import Engagement, Firm, User, UserRole
from assessment.web.lookups import row_or_404
from assessment.web.paging import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_administrators() -> None:
    if not policy.is_admin(current_user):
        abort(403)


def _firm_of(form: UserForm) -> Firm | None:
    return db.session.get(Firm, int(form.firm.data)) if form.firm.data != NO_FIRM else None


def _users_page(
    new_user_form: NewUserForm, firms: list[SelectChoice], status: int = 200
) -> tuple[str, int]:
    """A page of accounts, each with its form, all sharing one list of firms."""
    role = choice(request.args, "role", tuple(UserRole))
    search = search_text(request.args)
    page = paginate(administration.users_query(role, search), request.args)
    rows = []
    for user in page.items:
        form = UserForm(
            formdata=None,  # each row shows the account as stored, whatever was posted
            prefix=f"user-{user.id}",
            data={"role": user.role, "firm": str(user.firm_id or NO_FIRM), "active": user.active},
        )
        form.set_choices(firms)
        rows.append((user, form))
    return render_template(
        "admin/users.html",
        page=page,
        rows=rows,
        new_user_form=new_user_form,
        role=role,
        search=search,
        list_args=_list_args(),
        roles=role_choices(),
        events=audit.administration_events(),
        events_limit=audit.ADMINISTRATION_EVENTS_SHOWN,
        actions=audit.ACTIONS,
        sso_channel=audit.CHANNELS["sso"],
    ), status


def _new_user_form(**data: object) -> tuple[NewUserForm, list[SelectChoice]]:
    firms = firm_choices(administration.firms())
    form = NewUserForm(**data)
    form.set_choices(firms)
    return form, firms


@bp.get("/users")
def users() -> tuple[str, int]:
    return _users_page(*_new_user_form(role=UserRole.CONSULTANT, active=True))


@bp.post("/users")
def add_user() -> Response | tuple[str, int]:
    form, firms = _new_user_form()
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
    return _users_page(form, firms, 400)


@bp.post("/users/<int:user_id>")
def update_user(user_id: int) -> Response:
    user = row_or_404(User, user_id)
    form = UserForm(prefix=f"user-{user.id}")
    form.set_choices(firm_choices(administration.firms()))
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
    return redirect(url_for("admin.users", **_list_args()))


def _list_args() -> dict[str, str]:
    """The list's filters and page, from the address a form posted to, to go back there."""
    return {key: value for key, value in request.args.items() if key in ("role", "q", "page")}


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
    search = search_text(request.args)
    page = paginate(administration.firms_query(search), request.args)
    return render_template("admin/firms.html", page=page, search=search, form=form), status


@bp.get("/firms/<int:firm_id>")
def firm(firm_id: int) -> str:
    firm = row_or_404(Firm, firm_id)
    search = search_text(request.args)
    find = search_text(request.args, "find")
    return render_template(
        "admin/firm.html",
        firm=firm,
        consultants=administration.consultants(firm),
        page=paginate(administration.engagements_query(firm, search), request.args),
        search=search,
        find=find,
        candidates=administration.engage_candidates(firm, find),
    )


@bp.post("/firms/<int:firm_id>/engagements")
def engage(firm_id: int) -> Response:
    firm = row_or_404(Firm, firm_id)
    form = EngagementForm()
    back = redirect(url_for("admin.firm", firm_id=firm.id, **_search_args()))
    if not form.validate_on_submit():
        flash(_("The form has expired: search for the client again."), "warning")
        return back
    try:
        organisation = administration.organisation_to_engage(firm, form.organisation.data)
        administration.engage(firm, organisation)
    except administration.AdministrationError as error:
        flash(str(error.message), "warning")
        return back
    flash(
        _("%(firm)s now serves %(organisation)s.", firm=firm.name, organisation=organisation.name),
        "success",
    )
    return back


def _search_args() -> dict[str, str]:
    """The firm page's searches, from the address a form posted to, to go back there."""
    return {key: value for key, value in request.args.items() if key in ("q", "find")}


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
    return redirect(url_for("admin.firm", firm_id=firm.id, **_search_args()))


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
