"""Recommendations as three or four ordered actions, each with who usually owns it and a
horizon (content from version 3): checked as content, shown on the results page and in
the report in order; a paragraph (versions 1 and 2) still reads as before."""

import copy

import pytest
import yaml
from pydantic import ValidationError

from assessment.config import ROOT
from assessment.content.registry import EXTENSION_KEY
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from tests.reports.conftest import pdf_text

V2 = ROOT / "content" / "iiai-maturity-v2.yaml"


def action(text, owner="总经理 / General manager", horizon="quarter"):
    zh_owner, en_owner = owner.split(" / ")
    return {
        "do": {"zh-CN": f"{text}（中文）", "en": text},
        "owner": {"zh-CN": zh_owner, "en": en_owner},
        "horizon": horizon,
    }


def with_next_steps(data, dimension_index=3):
    """``data`` with one dimension recommending ordered actions instead of paragraphs."""
    data = copy.deepcopy(data)
    dimension = data["dimensions"][dimension_index]
    del dimension["recommendations"]
    dimension["next_steps"] = [
        [
            action(f"Level {level}: first name a data owner"),
            action(f"Level {level}: then measure quality monthly", "质量经理 / Quality manager"),
            action(f"Level {level}: then fix the worst source", "IT主管 / IT lead", "year"),
        ]
        for level in range(1, 6)
    ]
    return data


def v2_data():
    return yaml.safe_load(V2.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(next_steps=[[action("x")] * 3] * 5),  # both
        lambda d: d.pop("recommendations"),  # neither
    ],
)
def test_a_dimension_recommends_one_way(change):
    data = v2_data()
    change(data["dimensions"][0])
    with pytest.raises(ValidationError, match="recommendations_or_next_steps"):
        Questionnaire.model_validate(data)


@pytest.mark.parametrize(
    "actions",
    [
        [action("only"), action("two")],
        [action(str(n)) for n in range(5)],
        [action("a"), action("b"), action("c", horizon="decade")],
    ],
)
def test_three_or_four_actions_with_a_known_horizon(actions):
    data = with_next_steps(v2_data())
    data["dimensions"][3]["next_steps"][2] = actions
    with pytest.raises(ValidationError):
        Questionnaire.model_validate(data)


def test_the_results_and_the_report_show_the_actions_in_order(app, consultant_client, demo):
    _id, token, _name = demo
    library = app.extensions[EXTENSION_KEY]
    latest = library.latest_published("iiai-maturity")  # what the demo's newest uses
    changed = Questionnaire.model_validate(with_next_steps(latest.model_dump(by_alias=True)))
    app.extensions[EXTENSION_KEY] = ContentLibrary(
        {**library.questionnaires, latest.key: changed},
        library.organisation_options,
        library.roadmap,
        library.crosswalks,
    )
    page = consultant_client.get(f"/a/{token}/results", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    card = text[text.index('id="dimension-data"') :]
    card = card[: card.index("</article>")]
    first, second, third = (
        card.index("first name a data owner"),
        card.index("then measure quality monthly"),
        card.index("then fix the worst source"),
    )
    assert first < second < third
    assert "Quality manager · this quarter" in card
    assert "IT lead · this year" in card

    report = " ".join(
        pdf_text(consultant_client.get(f"/a/{token}/report.pdf?lang=en").data).split()
    )
    assert "1. Level" in report
    assert "then fix the worst source IT lead · this year" in report
