import re

import pytest

from tests.conftest import form_token

ENGLISH = {"Accept-Language": "en"}


class Respondent:
    """A person filling in the questionnaire in a browser, through the pages' own forms."""

    def __init__(self, client, questionnaire):
        self.client = client
        self.questionnaire = questionnaire
        self.token = None

    def get(self, path, **kwargs):
        return self.client.get(path, headers=ENGLISH, **kwargs)

    def post_form(self, page_path, data, post_path=None):
        token = form_token(self.get(page_path).get_data(as_text=True))
        return self.client.post(
            post_path or page_path, data={"csrf_token": token, **data}, headers=ENGLISH
        )

    def start(self):
        response = self.post_form("/", {}, post_path="/start")
        assert response.status_code == 302
        self.token = re.search(r"/a/([^/]+)/organisation", response.headers["Location"])[1]
        return response

    def fill_organisation(self, **overrides):
        data = {
            "name": "Acme Precision",
            "industry": "discrete_manufacturing",
            "size_band": "medium",
            "region": "Shenzhen",
            **overrides,
        }
        return self.post_form(f"/a/{self.token}/organisation", data)

    def answer(self, dimension_id, values, action="save", comments=None):
        data = {f"q_{qid}": value for qid, value in values.items()}
        data.update({f"c_{qid}": text for qid, text in (comments or {}).items()})
        data["action"] = action
        return self.post_form(f"/a/{self.token}/dimension/{dimension_id}", data)

    def answer_all(self, value_for):
        for dimension in self.questionnaire.dimensions:
            values = {q.id: value_for(q) for q in dimension.questions}
            response = self.answer(dimension.id, values, action="next")
            assert response.status_code == 302, response.get_data(as_text=True)

    def submit(self):
        return self.post_form(f"/a/{self.token}/review", {}, post_path=f"/a/{self.token}/submit")


@pytest.fixture
def respondent(client, questionnaire):
    return Respondent(client, questionnaire)


@pytest.fixture
def started(respondent):
    respondent.start()
    respondent.fill_organisation()
    return respondent
