"""When an autosave fails, the person is told, and it is tried again until it is saved.

Network faults are made at the browser's edge (Playwright's routing): a request aborted
as when a server worker dies, a proxy's HTML error page, a reply held back.
"""

from playwright.sync_api import expect

from tests.browser.test_autosave import start_assessment
from tests.questionnaire.test_flow import stored_answers

RETRYING = "Not saved yet: the server could not be reached. Trying again in a few seconds…"


def on_first_autosave(page, handle):
    """The page's first autosave goes to ``handle``, every later one to the server; the
    list holds the first one's route once it was sent."""
    intercepted = []

    def route_autosave(route):
        if intercepted:
            route.continue_()
        else:
            intercepted.append(route)
            handle(route)

    page.route("**/autosave", route_autosave)
    return intercepted


def first_question(page, questionnaire):
    question = questionnaire.dimensions[0].questions[0]
    return question, page.locator(f"#question-{question.id}")


def test_a_save_that_gets_no_answer_says_so_and_is_saved_by_the_retry(
    app, live_server, page, questionnaire
):
    token = start_assessment(page, live_server)
    failures = on_first_autosave(page, lambda route: route.abort("connectionreset"))
    question, fieldset = first_question(page, questionnaire)
    fieldset.get_by_text(question.levels[3].en).click()
    expect(fieldset.locator("[data-save-state]")).to_have_text(RETRYING)
    expect(page.locator("[data-autosave-status]")).to_have_text(RETRYING)
    expect(fieldset.locator("[data-save-state]")).to_have_text("Saved", timeout=15_000)
    assert failures
    assert stored_answers(app, token) == {question.id: ("4", "")}


def test_a_proxy_error_page_shows_the_retry_message_not_its_html(
    app, live_server, page, questionnaire
):
    token = start_assessment(page, live_server)
    on_first_autosave(
        page,
        lambda route: route.fulfill(
            status=502, content_type="text/html", body="<html>Bad Gateway</html>"
        ),
    )
    question, fieldset = first_question(page, questionnaire)
    fieldset.get_by_text(question.levels[1].en).click()
    expect(fieldset.locator("[data-save-state]")).to_have_text(RETRYING)
    expect(fieldset.locator("[data-save-state]")).to_have_text("Saved", timeout=15_000)
    assert stored_answers(app, token) == {question.id: ("2", "")}


def test_a_change_made_while_a_save_is_on_its_way_is_the_one_kept(
    app, live_server, page, questionnaire
):
    token = start_assessment(page, live_server)
    held = on_first_autosave(page, lambda route: None)  # answered below, after the second change
    question, fieldset = first_question(page, questionnaire)
    fieldset.get_by_text(question.levels[0].en).click()
    page.wait_for_timeout(300)
    fieldset.get_by_text(question.levels[4].en).click()
    page.wait_for_timeout(500)  # a second save sent now would reach the server first
    held[0].continue_()
    expect(fieldset.locator("[data-save-state]")).to_have_text("Saved")
    page.wait_for_timeout(500)
    assert stored_answers(app, token) == {question.id: ("5", "")}


def test_a_save_refused_after_submission_elsewhere_shows_why(
    app, live_server, page, browser, questionnaire
):
    token = start_assessment(page, live_server)
    other = browser.new_context(locale="en-GB").new_page()
    for dimension in questionnaire.dimensions:
        other.goto(f"{live_server}/a/{token}/dimension/{dimension.id}")
        for position in range(len(dimension.questions)):
            other.locator(f"#question-{dimension.questions[position].id}").get_by_text(
                "Don't know"
            ).click()
        other.get_by_role("button", name="Save").last.click()
    other.goto(f"{live_server}/a/{token}/review")
    other.get_by_role("button", name="Submit").click()
    other.context.close()

    question, fieldset = first_question(page, questionnaire)
    fieldset.get_by_text(question.levels[2].en).click()
    expect(fieldset.locator("[data-save-state]")).to_contain_text(
        "has been submitted and can no longer be changed"
    )
    assert stored_answers(app, token)[question.id] == ("unknown", "")
