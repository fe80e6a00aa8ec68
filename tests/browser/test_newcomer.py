"""A newcomer's whole assessment in a real browser, in Chinese and in English, with and
without JavaScript: start, answer every question, leave, resume by the private link,
submit, read the results, switch language and download the report."""

import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment.core.locales import babel_locale, content_key
from assessment.core.numbers import display_index
from assessment.web.templating import LANGUAGE_AUTONYMS
from tests.browser.conftest import Interface, open_page
from tests.questionnaire.test_flow import stored_answers

ORGANISATION_NAMES = {"zh-CN": "东莞精工模具有限公司", "en-GB": "Harbourside Tooling Ltd"}
COMMENT = {"zh-CN": "仅限东莞工厂", "en-GB": "Only in the Dongguan plant"}
LEAVE_AT = 3  # the dimension page on which the newcomer leaves, half answered
PDF_TIMEOUT = 60_000  # milliseconds: WeasyPrint takes seconds, more on a busy machine


def planned_answers(questionnaire):
    """Every level, "not applicable" wherever it is allowed, and "don't know" now and then."""
    plan = {}
    for number, question in enumerate(questionnaire.questions):
        if question.allow_na:
            plan[question.id] = "na"
        elif number % 7 == 6:
            plan[question.id] = "unknown"
        else:
            plan[question.id] = str(number % 5 + 1)
    return plan


def expected_overall_index(runner, questionnaire, plan):
    """The overall index ``flask score`` gives for the planned answers, as pages show it."""
    document = {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "answers": {q: int(v) if v.isdigit() else v for q, v in plan.items()},
    }
    result = runner.invoke(args=["score", "-"], input=json.dumps(document))
    assert result.exit_code == 0, result.output
    return display_index(json.loads(result.output)["overall"]["index"])


def choose(page, questions, plan):
    for question in questions:  # a click, as a person does; what it saved is checked later
        page.locator(f"#question-{question.id} input[value='{plan[question.id]}']").click()


def expect_chosen(page, questions, plan):
    for question in questions:
        expect(
            page.locator(f"#question-{question.id} input[value='{plan[question.id]}']")
        ).to_be_checked()


def side_link(page, name):
    return page.get_by_role("navigation").get_by_role(
        "link", name=re.compile("^" + re.escape(name))
    )


def pdf_words(pdf: bytes) -> str:
    """The PDF's text without any whitespace: lines break inside names and Chinese."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


@pytest.mark.parametrize(
    ("locale", "javascript"),
    [("zh-CN", True), ("en-GB", True), ("zh-CN", False), ("en-GB", False)],
    ids=["zh-CN", "en", "zh-CN-without-javascript", "en-without-javascript"],
)
def test_a_newcomer_completes_resumes_submits_and_downloads_the_report(
    app, runner, live_server, browser, questionnaire, locale, javascript
):
    ui = Interface(app, locale)
    key = content_key(locale)
    plan = planned_answers(questionnaire)
    dimensions = questionnaire.dimensions
    organisation_name = ORGANISATION_NAMES[locale]
    first_question = dimensions[0].questions[0]
    options = {"java_script_enabled": javascript}

    page = open_page(browser, locale, **options)
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", key)
    page.get_by_role("button", name=ui("Start the assessment")).click()
    page.get_by_label(ui("Organisation name")).fill(organisation_name)
    page.get_by_label(ui("Industry")).select_option("discrete_manufacturing")
    page.get_by_label(ui("Number of employees")).select_option("medium")
    page.get_by_role("button", name=ui("Continue")).click()
    resume_link = page.locator(".resume-link a:visible").get_attribute("href")
    token = resume_link.rsplit("/a/", 1)[1]

    for position, dimension in enumerate(dimensions[:LEAVE_AT]):
        expect(page.get_by_role("heading", level=1)).to_have_text(dimension.name.get(key))
        choose(page, dimension.questions, plan)
        if position == 0:
            page.locator(f"#question-{first_question.id}").get_by_text(ui("Add a comment")).click()
            page.get_by_label(ui("Comment (optional)")).first.fill(COMMENT[locale])
        page.get_by_role("button", name=ui("Save and continue")).click()

    # Half of the next page, then the newcomer closes the browser.
    leaving = dimensions[LEAVE_AT]
    answered_before_leaving = leaving.questions[: len(leaving.questions) // 2]
    expect(page.get_by_role("heading", level=1)).to_have_text(leaving.name.get(key))
    choose(page, answered_before_leaving, plan)
    if javascript:  # saved as they change
        for question in answered_before_leaving:
            expect(page.locator(f"#question-{question.id} [data-save-state]")).to_have_text(
                ui("Saved")
            )
    else:
        page.get_by_role("button", name=ui("Save"), exact=True).click()
        expect(page.get_by_text(ui("Your answers are saved."))).to_be_visible()
    page.context.close()

    # The link, in a fresh browser, leads back to the page left half done.
    page = open_page(browser, locale, **options)
    page.goto(resume_link)
    expect(page.get_by_role("heading", level=1)).to_have_text(leaving.name.get(key))
    expect_chosen(page, answered_before_leaving, plan)
    side_link(page, dimensions[0].name.get(key)).click()
    expect_chosen(page, dimensions[0].questions, plan)
    expect(page.get_by_label(ui("Comment (optional)")).first).to_have_value(COMMENT[locale])
    side_link(page, leaving.name.get(key)).click()

    for dimension in dimensions[LEAVE_AT:]:
        expect(page.get_by_role("heading", level=1)).to_have_text(dimension.name.get(key))
        choose(page, dimension.questions, plan)
        last = dimension is dimensions[-1]
        page.get_by_role(
            "button", name=ui("Save and review" if last else "Save and continue")
        ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ui("Review and submit"))
    expect(
        page.get_by_text(ui("All %(total)s questions are answered.", total=len(plan)))
    ).to_be_visible()
    page.get_by_role("button", name=ui("Submit the assessment")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        ui("Results for %(name)s", name=organisation_name)
    )
    overall = expected_overall_index(runner, questionnaire, plan)
    expect(page.locator(".big-number")).to_have_text(re.compile(rf"^{re.escape(overall)}\s*/ 100$"))
    for dimension in dimensions:
        expect(page.locator(f"#dimension-{dimension.id} h3")).to_have_text(dimension.name.get(key))
    expected = {q: (v, "") for q, v in plan.items()} | {
        first_question.id: (plan[first_question.id], COMMENT[locale])
    }
    assert stored_answers(app, token) == expected

    # The visible switch turns the page into the other language.
    other = "en" if babel_locale(locale) == "zh_CN" else "zh_CN"
    other_ui, other_key = Interface(app, other), content_key(other)
    page.get_by_role("button", name=dict(LANGUAGE_AUTONYMS)[other]).click()
    expect(page.locator("html")).to_have_attribute("lang", other_key)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        other_ui("Results for %(name)s", name=organisation_name)
    )
    expect(page.locator(".big-number")).to_have_text(re.compile(rf"^{re.escape(overall)}\s*/ 100$"))

    # The report in the page's new language, downloaded by its button.
    button = "Report in English (PDF)" if other == "en" else "Report in Chinese (PDF)"
    with page.expect_download(timeout=PDF_TIMEOUT) as download:
        page.get_by_role("link", name=other_ui(button)).click(timeout=PDF_TIMEOUT)
    assert download.value.suggested_filename.endswith(".pdf")
    words = pdf_words(Path(download.value.path()).read_bytes())
    assert "".join(organisation_name.split()) in words
    for dimension in dimensions:
        assert "".join(dimension.name.get(other_key).split()) in words
    page.context.close()
