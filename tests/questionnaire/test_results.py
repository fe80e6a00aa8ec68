"""The results page: what a consultant would show a client, in either language."""

import re

from tests.conftest import form_token


def submitted(started, value_for):
    started.answer_all(value_for)
    assert started.submit().headers["Location"].endswith("/results")
    return f"/a/{started.token}/results"


def test_results_page_explains_every_number(started, questionnaire):
    path = submitted(started, lambda q: "2" if q.id.startswith("data") else "4")
    page = started.get(path).get_data(as_text=True)
    for text in (
        "Overall maturity index",
        "Strict level",
        "Level 2 · Emerging",
        "Industrial internet upgrade readiness",
        "AI adoption readiness",
        "The main gaps",
        "How these numbers are calculated",
        "0–20 Initial, 20–40 Emerging",
    ):
        assert text in page
    data_card = page.split('id="dimension-data"', 1)[1].split("</article>", 1)[0]
    assert "25.0" in data_card
    assert "To reach level 3, Defined:" in data_card
    # what to do at level 2, in order, each with who usually owns it and when
    actions = questionnaire.dimension("data").next_steps[1]
    positions = [data_card.index(action.do.en) for action in actions]
    assert positions == sorted(positions)
    assert f"{actions[0].owner.en} · this year" in data_card
    # The main gaps are the data questions, with what the next level looks like.
    gaps = page.split("The main gaps", 1)[1].split("Dimension by dimension", 1)[0]
    assert questionnaire.dimension("data").questions[0].levels[2].en in gaps


def test_radar_chart_is_inline_svg_labelled_in_the_page_language(started, questionnaire):
    path = submitted(started, lambda q: "3")
    english = started.get(path).get_data(as_text=True)
    chinese = started.client.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    for page, locale in ((english, "en"), (chinese, "zh-CN")):
        svg = re.search(r"<svg class=\"radar\".*?</svg>", page, re.S)[0]
        for dimension in questionnaire.dimensions:
            assert dimension.name.get(locale) in svg
        assert svg.count("<circle") == len(questionnaire.dimensions)
    assert "<script" not in re.search(r"<svg.*?</svg>", english, re.S)[0]


def test_dimension_with_too_few_answers_shows_insufficient_data(started, questionnaire):
    talent = {q.id for q in questionnaire.dimension("talent").questions}
    path = submitted(started, lambda q: "unknown" if q.id in talent else "3")
    page = started.get(path).get_data(as_text=True)
    card = page.split('id="dimension-talent"', 1)[1].split("</article>", 1)[0]
    assert "Insufficient data" in card
    assert f"0 of {len(talent)} answered with a level" in card
    assert f"{len(talent)} don't know" in card
    assert "Calculated without: Talent (insufficient data)." in page


def test_results_of_a_draft_wait_for_submission(started):
    response = started.get(f"/a/{started.token}/results")
    assert response.headers["Location"].endswith("/review")


def test_switching_language_keeps_the_page_and_the_answers(started, questionnaire):
    first = questionnaire.dimensions[0].questions[0]
    started.answer("model", {first.id: "3"})
    path = f"/a/{started.token}/dimension/model"
    page = started.get(path).get_data(as_text=True)
    response = started.client.post(
        "/language", data={"locale": "zh_CN", "next": path, "csrf_token": form_token(page)}
    )
    assert response.headers["Location"] == path
    chinese = started.client.get(path).get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese
    assert first.prompt.zh_cn in chinese
    assert first.levels[0].zh_cn in chinese
    assert f'name="q_{first.id}" type="radio" value="3"' in chinese
    assert "保存" in chinese  # interface text from the catalogue


def test_each_dimension_starts_with_its_weakest_questions_and_their_next_level(
    started, questionnaire
):
    data = questionnaire.dimension("data")
    weakest, second = data.questions[2], data.questions[5]
    levels = {weakest.id: "1", second.id: "2"}
    path = submitted(started, lambda q: levels.get(q.id, "4" if q.id.startswith("data") else "3"))
    page = started.get(path).get_data(as_text=True)
    card = page.split('id="dimension-data"', 1)[1].split("</article>", 1)[0]
    block = card.split("Start with the weakest questions here:", 1)[1].split("</ol>", 1)[0]
    assert block.index(weakest.prompt.en) < block.index(second.prompt.en)
    assert f"Next, level 2:</strong> {weakest.levels[1].en}" in block
    assert f"Next, level 3:</strong> {second.levels[2].en}" in block
