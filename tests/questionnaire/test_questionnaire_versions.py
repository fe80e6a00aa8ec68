"""With a later version published, new assessments start on it, while a draft started on
version 1 is answered, reviewed, submitted, scored and reported on version 1."""

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from assessment.core.numbers import display_index
from assessment.extensions import db
from assessment.models import Assessment
from tests.questionnaire.conftest import Respondent


def stored(app, token):
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        return assessment.questionnaire_version, assessment.status, assessment.result


def test_a_new_assessment_starts_on_the_latest_version(app, client, questionnaire):
    respondent = Respondent(client, questionnaire)
    respondent.start()
    assert questionnaire.version == 3
    assert stored(app, respondent.token)[:2] == (3, "draft")


def test_a_draft_started_on_version_1_is_finished_and_reported_on_version_1(
    app, client, runner, questionnaire
):
    from assessment.content.registry import current_library
    from assessment.questionnaire import service

    with app.app_context():
        v1 = current_library().get("iiai-maturity", 1)
        token = service.start(v1, "en").resume_token  # before version 2 was published
    respondent = Respondent(client, v1)
    respondent.token = token
    assert respondent.fill_organisation().status_code == 302

    technology = respondent.get(f"/a/{token}/dimension/technology").get_data(as_text=True)
    assert 'name="q_technology_ai_use"' in technology  # removed in version 2
    data = respondent.get(f"/a/{token}/dimension/data").get_data(as_text=True)
    assert 'name="q_data_risk_compliance"' in data  # split in version 2
    assert 'name="q_data_privacy"' not in data

    unanswered = respondent.get(f"/a/{token}/review").get_data(as_text=True)
    assert f"{len(v1.questions)} of {len(v1.questions)} questions still need" in unanswered
    assert "/dimension/technology#question-technology_ai_use" in unanswered

    levels = {}
    for position, question in enumerate(v1.questions):
        levels[question.id] = "na" if question.allow_na else str(1 + position * 3 % 5)
    levels["technology_ai_use"] = "unknown"
    respondent.answer_all(lambda q: levels[q.id])
    review = respondent.get(f"/a/{token}/review").get_data(as_text=True)
    assert f"All {len(v1.questions)} questions are answered." in review
    assert respondent.submit().headers["Location"].endswith("/results")

    document = {
        "questionnaire": {"id": v1.id, "version": 1},
        "answers": {k: int(v) if v.isdigit() else v for k, v in levels.items()},
    }
    expected = json.loads(runner.invoke(args=["score", "-"], input=json.dumps(document)).output)
    assert stored(app, token) == (
        1,
        "submitted",
        {k: v for k, v in expected.items() if k != "questionnaire"},
    )
    results = respondent.get(f"/a/{token}/results").get_data(as_text=True)
    assert f'{display_index(expected["overall"]["index"])}<span class="out-of">' in results
    for dimension_id, outcome in expected["dimensions"].items():
        card = results.split(f'id="dimension-{dimension_id}"', 1)[1].split("</article>", 1)[0]
        assert f'{display_index(outcome["index"])}<span class="out-of">' in card

    report = respondent.get(f"/a/{token}/report.pdf?lang=en")
    assert report.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.data)).pages)
    assert "Version 1" in text
    assert "Version 2" not in text
