"""docs/scoring*.md: the worked example and the level bands are what the tool computes."""

import json
import re

import pytest

from assessment.config import ROOT
from assessment.content.presentation import level_bands
from assessment.core.numbers import display_index, display_score

DOCS = [(ROOT / "docs" / "scoring.md", "en"), (ROOT / "docs" / "scoring.zh-CN.md", "zh_CN")]


def section_after(text: str, marker: str) -> str:
    return text.split(f"<!-- {marker} -->", 1)[1].lstrip("\n")


def worked_example_answers(text: str) -> str:
    return re.search(r"```json\n(.*?)```", section_after(text, "worked-example:answers"), re.S)[1]


def worked_example_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in section_after(text, "worked-example:results").splitlines():
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        key = re.fullmatch(r"`(\w+)`", cells[0])
        if key:
            rows[key[1]] = cells
    return rows


def shown_level(cell: str) -> int | None:
    match = re.match(r"(\d) ", cell)
    return int(match[1]) if match else None


@pytest.mark.parametrize(("path", "locale"), DOCS)
def test_worked_example_matches_flask_score(runner, path, locale):
    text = path.read_text(encoding="utf-8")
    result = runner.invoke(args=["score", "-"], input=worked_example_answers(text))
    assert result.exit_code == 0, result.output
    computed = json.loads(result.output)
    rows = worked_example_rows(text)

    for dimension_id, outcome in computed["dimensions"].items():
        _, _, _, score, index, level = rows[dimension_id]
        if outcome["status"] == "ok":
            assert score == display_score(outcome["score"])
            assert index == display_index(outcome["index"])
            assert shown_level(level) == outcome["level"]
        else:
            assert (score, index, shown_level(level)) == ("—", "—", None)

    for key, outcome in [
        ("A", computed["parts"]["A"]),
        ("B", computed["parts"]["B"]),
        ("overall", computed["overall"]),
    ]:
        assert rows[key][4] == display_index(outcome["index"])
        assert shown_level(rows[key][5]) == outcome["level"]
    assert shown_level(rows["strict"][5]) == computed["overall"]["strict_level"]
    assert len(rows) == len(computed["dimensions"]) + 4


@pytest.mark.parametrize(("path", "locale"), DOCS)
def test_level_bands_in_the_docs_are_the_contents(questionnaire, app, path, locale):
    text = path.read_text(encoding="utf-8")
    with app.app_context():
        assert section_after(text, "level-bands").splitlines()[0] == level_bands(
            questionnaire, locale
        )


def test_the_webhook_verification_example_accepts_a_message_the_app_signed():
    from assessment.core import webhooks

    text = (ROOT / "docs" / "webhooks.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", section_after(text, "webhooks:verify"), re.S)[1]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the documentation's own example
    secret, body = webhooks.new_secret(), b'{"type":"webhook.test"}'
    headers = {"webhook-id": "msg_1", "webhook-timestamp": "1796300000"}
    headers["webhook-signature"] = webhooks.signature(secret, "msg_1", 1796300000, body)
    assert namespace["is_genuine"](secret, headers, body)
    assert not namespace["is_genuine"](secret, headers, body + b" ")
