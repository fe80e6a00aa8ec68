"""What schemathesis does not send: comments with control characters, bidirectional
controls and lone surrogates (JSON escapes them). The API keeps them out of the database."""

import json

from hypothesis import given

from tests.api.conftest import bearer
from tests.hostile_input import any_text, hostile_settings, unsafe_characters


@hostile_settings
@given(comment=any_text)
def test_answers_with_any_comment_are_saved_without_unsafe_characters(
    client, api, questionnaire, comment
):
    """One request per example: the token's rate limit is 120 a minute."""
    headers = {**bearer(api.tokens["consultant"]), "Content-Type": "application/json"}
    question = questionnaire.questions[0].id
    body = json.dumps({"answers": {question: 3}, "comments": {question: comment}})
    response = client.put(
        f"/api/v1/assessments/{api.draft_id}/answers", data=body.encode("ascii"), headers=headers
    )
    assert response.status_code == 200, response.json
    assert unsafe_characters(response.json["comments"].get(question, "")) == []
