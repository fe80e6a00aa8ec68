"""With JavaScript on, answers save as they change, without pressing Save."""

from playwright.sync_api import expect

from tests.questionnaire.test_flow import stored_answers


def start_assessment(page, live_server):
    page.goto(live_server + "/")
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_label("Organisation name").fill("Acme Precision")
    page.get_by_label("Industry").select_option("discrete_manufacturing")
    page.get_by_label("Number of employees").select_option("medium")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Model upgrade")).to_be_visible()
    return page.url.split("/a/")[1].split("/")[0]


def test_choosing_a_level_and_typing_a_comment_save_at_once(app, live_server, page, questionnaire):
    token = start_assessment(page, live_server)
    first = questionnaire.dimensions[0].questions[0]
    question = page.locator(f"#question-{first.id}")

    question.get_by_text(first.levels[2].en).click()
    expect(question.locator("[data-save-state]")).to_have_text("Saved")
    expect(page.locator("[data-progress-answered]:visible")).to_have_text("1")
    assert stored_answers(app, token) == {first.id: ("3", "")}

    question.get_by_text("Add a comment").click()
    question.get_by_role("textbox").fill("Only in the Dongguan plant")
    page.wait_for_timeout(1200)  # the comment saves once typing pauses
    expect(question.locator("[data-save-state]")).to_have_text("Saved")
    assert stored_answers(app, token) == {first.id: ("3", "Only in the Dongguan plant")}

    page.reload()
    expect(question.locator("input[value='3']")).to_be_checked()
    expect(question.get_by_role("textbox")).to_have_value("Only in the Dongguan plant")
