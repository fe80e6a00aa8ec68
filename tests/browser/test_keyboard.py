"""Keyboard only: start, give the organisation's details and answer a whole dimension
with Tab, the arrow keys, Space and Enter, seeing where the focus is all along."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Interface, open_page
from tests.questionnaire.test_flow import stored_answers

# Where the focus is, how its outline looks, and what is drawn behind the element.
FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement, background = "rgb(255, 255, 255)";
  for (; behind; behind = behind.parentElement) {
    const colour = getComputedStyle(behind).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { background = colour; break; }
  }
  const box = element.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const onTop = document.elementFromPoint(x, y);
  return {
    element: element.outerHTML.slice(0, 100),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: style.outlineColor, background: background,
    unobscured: onTop !== null && (onTop === element || element.contains(onTop)
      || (element.labels && [...element.labels].some((label) => label.contains(onTop)))),
  };
}"""


def relative_luminance(css_colour):
    red, green, blue = (
        int(part) / 255 for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]
    )

    def channel(value):
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def expect_visible_focus(page, what):
    """A focus outline at least 2px wide, 3:1 against what is behind it, on screen and not
    covered by anything."""
    focus = page.evaluate(FOCUS)
    what = f"{what}, {focus['element']}"
    assert focus["outline"] != "none", f"{what}: no focus outline"
    assert focus["width"] >= 2, f"{what}: focus outline {focus['width']}px"
    ratio = contrast(focus["colour"], focus["background"])
    assert ratio >= 3, (
        f"{what}: focus outline {focus['colour']} on {focus['background']}: {ratio:.2f}:1"
    )
    assert focus["unobscured"], f"{what}: the focused element is covered by another"


def tab_to(page, selector, what, limit=60):
    """Press Tab until the element matching ``selector`` has the focus, seeing the focus
    on every element on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            expect_visible_focus(page, what)
            return
        expect_visible_focus(page, f"on the way to {what}")
    pytest.fail(f"{what} ({selector}) cannot be reached with Tab")


def choose_with_arrows(page, question, value):
    """In a radio group just entered with Tab: Space picks the first option, the arrow
    keys move the choice; "don't know" is the last option, one ArrowUp away."""
    page.keyboard.press("Space")
    if value == "unknown":
        page.keyboard.press("ArrowUp")
    else:
        for _ in range(int(value) - 1):
            page.keyboard.press("ArrowDown")
    chosen = page.locator(f"#question-{question.id} input[value='{value}']")
    expect(chosen).to_be_checked()
    expect(chosen).to_be_focused()


def test_a_dimension_page_can_be_completed_with_the_keyboard_alone(
    app, live_server, browser, questionnaire
):
    ui = Interface(app, "en-GB")
    dimension = questionnaire.dimensions[0]
    values = ["3", "unknown", "1", "5", "2", "4", "3", "2"][: len(dimension.questions)]
    plan = dict(zip((q.id for q in dimension.questions), values, strict=True))
    page = open_page(browser, "en-GB", viewport={"width": 1024, "height": 640})

    page.goto(live_server + "/")
    tab_to(page, "form[action$='/start'] button", "the Start button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/organisation")
    tab_to(page, "#name", "the organisation name")
    page.keyboard.type("Keyboard Works Ltd")
    tab_to(page, "#industry", "the industry")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#size_band", "the size band")
    page.keyboard.press("ArrowDown")
    tab_to(page, "form.form button[type=submit]", "the Continue button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dimension/{dimension.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(dimension.name.en)
    token = page.url.split("/a/")[1].split("/")[0]

    for number, question in enumerate(dimension.questions):
        tab_to(page, f"#question-{question.id} input[type=radio]", f"question {number + 1}")
        choose_with_arrows(page, question, plan[question.id])
        expect_visible_focus(page, f"question {number + 1}, chosen")
        if number == 0:
            tab_to(page, f"#question-{question.id} summary", "Add a comment")
            page.keyboard.press("Enter")
            tab_to(page, f"#question-{question.id} textarea", "the comment")
            page.keyboard.type("Typed without a mouse")

    tab_to(page, "button[name=action][value=save]:not(.visually-hidden)", "the Save button")
    page.keyboard.press("Enter")
    expect(page.get_by_text(ui("Your answers are saved."))).to_be_visible()
    first = dimension.questions[0].id
    assert stored_answers(app, token) == {
        question_id: (value, "Typed without a mouse" if question_id == first else "")
        for question_id, value in plan.items()
    }
    page.context.close()
