"""The language buttons on a page of answers: nothing typed or chosen is lost."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_autosave import start_assessment
from tests.questionnaire.test_flow import stored_answers


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_switching_language_on_a_page_keeps_what_was_chosen_and_typed(
    app, live_server, browser, questionnaire, javascript
):
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(20_000)
    token = start_assessment(page, live_server)
    first, second = questionnaire.dimensions[0].questions[:2]

    page.locator(f"#question-{first.id}").get_by_text(first.levels[3].en).click()
    page.locator(f"#question-{second.id}").get_by_text(second.levels[1].en).click()
    page.locator(f"#question-{first.id}").get_by_text("Add a comment").click()
    page.locator(f"#question-{first.id}").get_by_role("textbox").fill("只在东莞工厂")
    page.get_by_role("button", name="中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        questionnaire.dimensions[0].name.zh_cn
    )
    expect(page.locator(f"#question-{first.id} input[value='4']")).to_be_checked()
    expect(page.locator(f"#question-{second.id} input[value='2']")).to_be_checked()
    expect(page.locator(f"#question-{first.id}").get_by_role("textbox")).to_have_value(
        "只在东莞工厂"
    )
    assert stored_answers(app, token) == {first.id: ("4", "只在东莞工厂"), second.id: ("2", "")}
    context.close()
