"""The main pages, in Chinese and English, have no axe-core violation of any impact.

axe-core comes from the npm registry (``package-lock.json``, installed by ``make setup``)
and is injected into each page as it is shown to a newcomer, a consultant or an admin.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Organisation
from tests.browser.conftest import LOCALES, log_in, open_page
from tests.reports.conftest import DEMO_CONSULTANT

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ADMIN = ("root@example.com", "an administrator's password")


def violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, from critical down to minor."""
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def describe(violations_by_page: dict[str, list[dict]]) -> str:
    lines = []
    for name, found_here in violations_by_page.items():
        for violation in found_here:
            lines.append(
                f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}"
                f" {violation['helpUrl']}"
            )
            for node in violation["nodes"][:5]:
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
            if len(violation["nodes"]) > 5:
                lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def demo_world(app, runner):
    """The demo data and an admin; returns the newest submitted assessment's link of the
    first demo organisation, which the demo consultant serves, and the organisation's id."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        accounts.create_user(*ADMIN, role="admin")
        organisation = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
        )
        submitted = history.submitted_of(organisation)[-1]  # the newest
        return submitted.resume_token, organisation.id


def expect_invalid_fields_marked(page):
    """Every field with an error has a border in the colour of its error message."""
    marks = page.evaluate(
        """() => [...document.querySelectorAll("[aria-invalid=true]")].map((field) => [
          field.id,
          getComputedStyle(field).borderTopColor,
          getComputedStyle(document.getElementById(field.getAttribute("aria-describedby"))).color,
        ])"""
    )
    assert len(marks) == 3
    for field_id, border, error in marks:
        assert border == error, f"#{field_id}: border {border}, error message {error}"


def visit_as_newcomer(page, live_server, check, results_token):
    page.goto(live_server + "/")
    check("landing page")
    page.locator("form[action$='/start'] button").click()
    expect(page.locator("#name")).to_be_visible()
    check("organisation step")
    page.locator("form.form button.primary").click()  # nothing filled in: errors shown
    expect(page.locator("#name[aria-invalid=true]")).to_be_visible()
    check("organisation step with errors")
    expect_invalid_fields_marked(page)
    page.locator("#name").fill("Acme Precision")
    page.locator("#industry").select_option("discrete_manufacturing")
    page.locator("#size_band").select_option("medium")
    page.locator("form.form button.primary").click()
    expect(page.locator("fieldset.question").first).to_be_visible()
    check("a dimension page")
    page.locator("fieldset.question input[type=radio]").first.check()
    expect(page.locator("[data-save-state]").first).not_to_be_empty()
    check("a dimension page, an answer saved")
    token = page.url.split("/a/")[1].split("/")[0]
    page.goto(f"{live_server}/a/{token}/review")
    check("review page")
    page.goto(f"{live_server}/a/{results_token}/results")
    check("results page")
    page.goto(live_server + "/login")
    check("log-in page")


def visit_as_consultant(page, live_server, check, results_token, organisation_id):
    log_in(page, live_server, *DEMO_CONSULTANT)
    page.goto(live_server + "/portfolio")
    check("consultant portfolio")
    page.goto(f"{live_server}/organisations/{organisation_id}")
    check("organisation page")
    page.goto(f"{live_server}/organisations/{organisation_id}/people")
    check("people page")
    page.goto(f"{live_server}/organisations/{organisation_id}/targets")
    page.locator(".question-targets summary").first.click()
    check("target levels page, one dimension's question targets open")
    page.locator("#level_cost").select_option("4")
    page.locator("form.targets button[type=submit]").click()
    page.goto(f"{live_server}/organisations/{organisation_id}/plan")
    add_all = page.locator("#proposals form.actions button")
    if add_all.count():  # the first language's visit made the plan already
        add_all.click()
        expect(page.locator("#actions tbody tr").first).to_be_visible()
    check("roadmap page with a plan")
    page.locator('#actions a[href*="/plan/actions/"]').first.click()
    expect(page.locator("form.form textarea")).to_be_visible()
    check("roadmap action page")
    page.goto(f"{live_server}/organisations/{organisation_id}")
    page.locator('a[href$="/evidence"]').first.click()
    page.locator(".evidence-review summary").first.click()
    expect(page.locator(".evidence-form").first).to_be_visible()
    check("evidence page, one answer's review open")
    page.goto(f"{live_server}/a/{results_token}/results")
    check("results page, as the consultant")
    page.locator(".results-header a[href$='/commentary']").click()
    expect(page.locator("#executive_summary")).to_be_visible()
    check("report commentary page")


def visit_as_admin(page, live_server, check):
    log_in(page, live_server, *ADMIN)
    page.goto(live_server + "/admin/users")
    check("admin users page")


def test_main_pages_have_no_accessibility_violations(live_server, browser, demo_world):
    assert AXE.exists(), "axe-core is missing: run make setup (npm ci)"
    results_token, organisation_id = demo_world
    found: dict[str, list[dict]] = {}
    for locale in LOCALES:
        visits = (
            lambda page, check: visit_as_newcomer(page, live_server, check, results_token),
            lambda page, check: visit_as_consultant(
                page, live_server, check, results_token, organisation_id
            ),
            lambda page, check: visit_as_admin(page, live_server, check),
        )
        for visit in visits:
            page = open_page(browser, locale, bypass_csp=True)  # axe is injected inline
            page.context.add_init_script(path=AXE)  # into every page the context opens

            def check(name, page=page, locale=locale):
                found[f"{name} ({locale})"] = violations(page)

            visit(page, check)
            page.context.close()

    failing = {name: found_here for name, found_here in found.items() if found_here}
    assert len(found) == len(LOCALES) * 18  # every page was checked
    assert not failing, "\n" + describe(failing)
