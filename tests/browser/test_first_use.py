"""What a new user trips over, in a real browser: a submit button that looks live while
answers are missing, the back button after submitting, the progress and private link on a
phone, and short labels broken in two on a desktop."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Organisation
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCALES,
    Interface,
    log_in,
    open_page,
)
from tests.questionnaire.conftest import Respondent
from tests.reports.conftest import DEMO_CONSULTANT

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def started(client, questionnaire):
    """A draft with its organisation's details and no answer yet."""
    respondent = Respondent(client, questionnaire)
    respondent.start()
    respondent.fill_organisation()
    return respondent


# For each element matched: how many lines its text takes (distinct line tops).
LINES_OF_TEXT = """(elements) => elements.map((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
  return [element.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("locale", LOCALES)
def test_the_submit_button_is_disabled_and_says_what_is_missing(
    app, live_server, browser, started, locale
):
    ui = Interface(app, locale)
    started.answer("model", {"model_customer_role": "3"})
    missing = len(started.questionnaire.questions) - 1
    page = open_page(browser, locale, **DESKTOP)
    page.goto(f"{live_server}/a/{started.token}/review")
    submit = page.get_by_role("button", name=ui("Submit the assessment"))
    expect(submit).to_be_disabled()
    reason = page.locator("#not-ready a")
    expect(reason).to_have_text(
        ui.plural("%(num)s answer is missing", "%(num)s answers are missing", missing)
    )
    reason.click()
    expect(page).to_have_url(f"{live_server}/a/{started.token}/review#missing-answers")
    page.context.close()


@pytest.fixture
def browser_with_back_forward_cache(playwright):
    """Chromium as people run it: Playwright turns the back-forward cache off by default."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield browser
    browser.close()


def test_going_back_after_submitting_lands_on_the_results(
    app, live_server, browser_with_back_forward_cache, started
):
    started.answer_all(lambda question: "3")
    page = open_page(browser_with_back_forward_cache, "en-GB", **DESKTOP)
    page.goto(f"{live_server}/a/{started.token}/review")
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page).to_have_url(f"{live_server}/a/{started.token}/results")
    page.go_back(wait_until="commit")
    expect(page).to_have_url(f"{live_server}/a/{started.token}/results")
    expect(page.get_by_role("button", name="Submit the assessment")).to_have_count(0)
    page.context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_on_a_phone_the_progress_and_the_whole_link_come_first(
    app, live_server, browser, started, locale
):
    ui = Interface(app, locale)
    page = open_page(browser, locale, **PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(f"{live_server}/a/{started.token}/dimension/model")
    link = page.locator(".resume-link a:visible")
    progress = page.locator("progress:visible")
    for element in (progress, link):
        box = element.bounding_box()
        assert box["y"] + box["height"] <= 844, "below the first screen"
    # The whole link is shown, wrapped, not cut off at the screen's edge.
    href = link.get_attribute("href")
    expect(link).to_have_text(href)
    assert link.evaluate("(a) => a.getBoundingClientRect().right") <= 390
    assert link.evaluate("(a) => a.parentElement.scrollWidth <= a.parentElement.clientWidth")
    first_question = page.locator("fieldset.question").first
    assert first_question.bounding_box()["y"] > link.bounding_box()["y"]

    page.get_by_role("button", name=ui("Copy the link")).click()
    expect(page.locator("[data-copy-status]:visible")).to_have_text(ui("Link copied"))
    assert page.evaluate("navigator.clipboard.readText()") == href
    page.context.close()


def test_on_a_desktop_the_progress_and_link_stay_beside_the_questions(
    live_server, browser, started
):
    page = open_page(browser, "en-GB", **DESKTOP)
    page.goto(f"{live_server}/a/{started.token}/dimension/model")
    expect(page.locator(".side .resume-link a")).to_be_visible()
    expect(page.locator(".page .answering-status")).to_be_hidden()
    page.context.close()


@pytest.fixture
def demo_organisation_id(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        return db.session.execute(select(Organisation.id).order_by(Organisation.id)).scalar()


@pytest.mark.parametrize("locale", LOCALES)
def test_short_labels_of_the_comparison_and_portfolio_stay_on_one_line(
    live_server, browser, demo_organisation_id, locale
):
    page = open_page(browser, locale, **DESKTOP)
    log_in(page, live_server, *DEMO_CONSULTANT)
    page.goto(f"{live_server}/organisations/{demo_organisation_id}/compare")
    short_labels = page.locator(
        "table.compare thead th:not(:first-child), "
        "table.moved thead th, table.moved td:not(:first-child)"
    )
    assert short_labels.count() > 20
    broken = [text for text, lines in short_labels.evaluate_all(LINES_OF_TEXT) if lines > 1]
    assert broken == []

    page.goto(f"{live_server}/portfolio")
    short_labels = page.locator(
        "table.portfolio thead th:not(:last-child), td.nowrap, .row-actions a, .row-actions button"
    )
    assert short_labels.count() > 10
    broken = [text for text, lines in short_labels.evaluate_all(LINES_OF_TEXT) if lines > 1]
    assert broken == []
    # A row's actions side by side: none starts below the bottom of another.
    stacked = page.locator("td.row-actions").evaluate_all(
        """(cells) => cells.filter((cell) => {
          const boxes = [...cell.children].map((child) => child.getBoundingClientRect());
          return boxes.some((box) => boxes.some((other) => box.top >= other.bottom));
        }).map((cell) => cell.textContent.trim())"""
    )
    assert stacked == []
    page.context.close()
