"""The JSON API: tokens, the same rules as the pages, answers, results, reports."""

import hashlib
import io
from fractions import Fraction

from pypdf import PdfReader
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Answer, ApiToken, Organisation
from tests.api.conftest import bearer
from tests.reports.conftest import DEMO_CONSULTANT, log_in


def test_without_a_token_the_api_answers_401_with_a_message(client, api):
    response = client.get("/api/v1/organisations", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json["error"]


def test_a_made_up_token_is_401(client, api):
    response = client.get("/api/v1/organisations", headers=bearer("made-up"))
    assert response.status_code == 401
    assert "does not work" in response.json["error"]


def test_a_signed_in_session_is_not_accepted_by_the_api(client, api):
    log_in(client, *DEMO_CONSULTANT)
    assert client.get("/organisations").status_code == 200
    assert client.get("/api/v1/organisations").status_code == 401


def test_a_revoked_token_is_401(app, client, api):
    secret = api.tokens["consultant"]
    assert client.get("/api/v1/organisations", headers=bearer(secret)).status_code == 200
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "consultant&#39;s token" in page or "consultant's token" in page
    assert secret not in page  # shown once, at creation only
    with app.app_context():
        token_id = db.session.execute(select(ApiToken.id).order_by(ApiToken.id)).scalars().first()
    from tests.conftest import form_token

    response = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": form_token(page)}
    )
    assert response.status_code == 302
    response = client.get("/api/v1/organisations", headers=bearer(secret))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_is_shown_once_and_only_its_hash_is_stored(app, client, api):
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/account/tokens").get_data(as_text=True)
    from tests.conftest import form_token

    response = client.post(
        "/account/tokens",
        data={"csrf_token": form_token(page), "name": "Nightly export"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = html.split('data-secret="')[1].split('"')[0]
    assert len(secret) >= 43
    assert client.get("/api/v1/organisations", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        stored = db.session.execute(
            select(ApiToken).where(ApiToken.name == "Nightly export")
        ).scalar_one()
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert stored.last_used_at is not None
        for row in db.session.execute(select(ApiToken.__table__)).all():
            assert secret not in str(tuple(row))


def test_a_respondent_may_not_create_a_token(client, api):
    log_in(client, "respondent@example.com", "a long enough password")
    page = client.get("/account/tokens")
    assert page.status_code == 200
    from tests.conftest import form_token

    response = client.post(
        "/account/tokens",
        data={"csrf_token": form_token(page.get_data(as_text=True)), "name": "mine"},
    )
    assert response.status_code == 403


def test_another_firms_organisation_is_404_without_its_name(app, client, api):
    first = api.organisation_ids[0]
    with app.app_context():
        name = db.session.get(Organisation, first).name
    headers = bearer(api.tokens["other"])
    for path in (
        f"/api/v1/organisations/{first}",
        f"/api/v1/organisations/{first}/assessments",
        f"/api/v1/organisations/{first}/history",
        f"/api/v1/organisations/{first}/compare",
        f"/api/v1/assessments/{api.submitted_ids[-1]}",
        f"/api/v1/assessments/{api.submitted_ids[-1]}/result",
        f"/api/v1/assessments/{api.submitted_ids[-1]}/report.pdf",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert name not in response.get_data(as_text=True)
        assert response.json["error"]
    listed = client.get("/api/v1/organisations", headers=headers).json["items"]
    assert [o["id"] for o in listed] == [api.organisation_ids[1]]


def test_an_owner_sees_only_their_own_organisation(client, api):
    body = client.get("/api/v1/organisations", headers=bearer(api.tokens["owner"])).json
    assert body["next"] is None
    listed = body["items"]
    assert [o["id"] for o in listed] == [api.organisation_ids[0]]
    assert listed[0]["may_manage"] is True
    second = api.organisation_ids[1]
    response = client.get(f"/api/v1/organisations/{second}", headers=bearer(api.tokens["owner"]))
    assert response.status_code == 404


def test_the_consultant_sees_every_served_organisation_and_no_sheets(client, api):
    headers = bearer(api.tokens["consultant"])
    listed = client.get("/api/v1/organisations", headers=headers).json["items"]
    assert sorted(o["id"] for o in listed) == sorted(api.organisation_ids)
    first = api.organisation_ids[0]
    path = f"/api/v1/organisations/{first}/assessments"
    assessments = client.get(path, headers=headers).json["items"]
    submitted = [a["id"] for a in assessments if a["status"] == "submitted"]
    assert sorted(submitted) == sorted(api.submitted_ids)  # the respondents' sheets are not


def test_answers_put_into_a_draft_are_returned(client, api):
    headers = bearer(api.tokens["consultant"])
    path = f"/api/v1/assessments/{api.draft_id}/answers"
    before = client.get(path, headers=headers).json
    question_ids = list(before["answers"])[:2]
    response = client.put(
        path,
        json={
            "answers": {question_ids[0]: 4, question_ids[1]: "unknown"},
            "comments": {question_ids[0]: "Checked on site"},
        },
        headers=headers,
    )
    assert response.status_code == 200
    after = client.get(path, headers=headers).json
    assert after["answers"][question_ids[0]] == 4
    assert after["answers"][question_ids[1]] == "unknown"
    assert after["comments"][question_ids[0]] == "Checked on site"
    assert after == response.json
    assert after["questionnaire"] == before["questionnaire"]


def test_bad_answers_are_each_reported_by_question_and_nothing_is_saved(app, client, api):
    headers = bearer(api.tokens["consultant"])
    path = f"/api/v1/assessments/{api.draft_id}/answers"
    known = next(iter(client.get(path, headers=headers).json["answers"]))
    with app.app_context():
        before = sorted(
            (a.question_id, a.value, a.comment)
            for a in db.session.execute(
                select(Answer).where(Answer.assessment_id == api.draft_id)
            ).scalars()
        )
    response = client.put(
        path,
        json={
            "answers": {known: 5, "no_such_question": 3, "another_made_up": "na"},
            "comments": {known: 7},
        },
        headers=headers,
    )
    assert response.status_code == 400
    reported = {p["question_id"] for p in response.json["problems"]}
    assert reported == {"no_such_question", "another_made_up", known}
    assert "Nothing was saved" in response.json["error"]
    with app.app_context():
        after = sorted(
            (a.question_id, a.value, a.comment)
            for a in db.session.execute(
                select(Answer).where(Answer.assessment_id == api.draft_id)
            ).scalars()
        )
    assert after == before


def test_a_level_out_of_range_names_its_question(client, api):
    headers = bearer(api.tokens["consultant"])
    path = f"/api/v1/assessments/{api.draft_id}/answers"
    known = next(iter(client.get(path, headers=headers).json["answers"]))
    response = client.put(path, json={"answers": {known: 9}}, headers=headers)
    assert response.status_code == 400
    assert response.json["problems"] == [
        {"question_id": known, "message": f"{known}: level 9 is out of range (1 to 5)"}
    ]


def test_answers_to_a_submitted_assessment_are_refused_with_409(client, api):
    headers = bearer(api.tokens["consultant"])
    response = client.put(
        f"/api/v1/assessments/{api.submitted_ids[-1]}/answers",
        json={"answers": {}},
        headers=headers,
    )
    assert response.status_code == 409
    assert "submitted" in response.json["error"]
    response = client.post(f"/api/v1/assessments/{api.submitted_ids[-1]}/submit", headers=headers)
    assert response.status_code == 409


def test_bodies_that_are_not_json_objects_are_clear_4xx(client, api):
    headers = bearer(api.tokens["consultant"])
    path = f"/api/v1/assessments/{api.draft_id}/answers"
    response = client.put(path, data="answers", headers=headers)
    assert response.status_code == 415
    response = client.put(
        path, data="{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json["error"]
    response = client.put(
        path, data="[" * 100_000, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    response = client.put(path, json=[1, 2], headers=headers)
    assert response.status_code == 400
    response = client.put(path, json={"answers": [1]}, headers=headers)
    assert response.status_code == 400
    assert response.json["problems"][0]["question_id"] is None
    response = client.put(
        path,
        data="x" * 300_000,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["error"]


def test_submitting_an_incomplete_draft_lists_the_unanswered_questions(client, api):
    headers = bearer(api.tokens["consultant"])
    response = client.post(f"/api/v1/assessments/{api.draft_id}/submit", headers=headers)
    assert response.status_code == 409
    assert response.json["problems"]
    assert all(p["question_id"] for p in response.json["problems"])


def test_a_draft_answered_in_full_is_submitted_and_its_result_is_final(client, api, questionnaire):
    headers = bearer(api.tokens["consultant"])
    path = f"/api/v1/assessments/{api.draft_id}"
    reference = client.get(f"{path}/answers", headers=headers).json["questionnaire"]
    assert reference["version"] == questionnaire.version
    every = {q.id: 3 for q in questionnaire.questions}
    assert (
        client.put(f"{path}/answers", json={"answers": every}, headers=headers).status_code == 200
    )
    response = client.post(f"{path}/submit", headers=headers)
    assert response.status_code == 200
    assert response.json["final"] is True
    assert response.json["score"]["overall"]["index"] == 50.0
    result = client.get(f"{path}/result", headers=headers).json
    assert result == response.json
    assert client.get(path, headers=headers).json["status"] == "submitted"
    # every answer at level 3: each GB/T 39116 area reads our level 3, its level two
    [crosswalk] = result["crosswalks"]
    assert crosswalk["id"] == "gbt-39116"
    assert {area["framework_level"] for area in crosswalk["areas"]} == {2}
    assert crosswalk["overall"] == 2
    assert result["evidence"]["verified_strict_level"] is None  # nothing verified yet
    assert all(d["verified"] == 0 for d in result["evidence"]["dimensions"].values())


def test_the_report_is_a_pdf(client, api):
    response = client.get(
        f"/api/v1/assessments/{api.submitted_ids[-1]}/report.pdf?lang=en",
        headers=bearer(api.tokens["owner"]),
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(response.data)).pages) >= 1
    response = client.get(
        f"/api/v1/assessments/{api.submitted_ids[-1]}/report.pdf?lang=fr",
        headers=bearer(api.tokens["owner"]),
    )
    assert response.status_code == 400
    assert "zh-CN or en" in response.json["error"]


def test_history_lists_each_submitted_assessment_oldest_first(client, api):
    first = api.organisation_ids[0]
    body = client.get(
        f"/api/v1/organisations/{first}/history", headers=bearer(api.tokens["owner"])
    ).json
    assert [entry["assessment_id"] for entry in body["submitted"]] == list(api.submitted_ids)
    assert all(0 <= entry["overall"]["index"] <= 100 for entry in body["submitted"])


def test_comparison_deltas_are_the_pages(client, api):
    first = api.organisation_ids[0]
    old, new = api.submitted_ids[0], api.submitted_ids[-1]
    body = client.get(
        f"/api/v1/organisations/{first}/compare?old={old}&new={new}",
        headers=bearer(api.tokens["consultant"]),
    ).json
    log_in(client, *DEMO_CONSULTANT)
    page = client.get(
        f"/organisations/{first}/compare?old={old}&new={new}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    shown = [body["overall"]["delta"]] + [d["delta"] for d in body["dimensions"].values()]
    assert any(shown)
    for delta in shown:
        if delta is not None:
            assert delta["shown"] in page
            from fractions import Fraction

            assert float(Fraction(delta["exact"])) == delta["value"]
    overall = body["overall"]
    if overall["delta"] is not None:
        from fractions import Fraction

        total = sum(Fraction(c["exact"]) for c in overall["contributions"].values())
        assert total == Fraction(overall["delta"]["exact"])


def test_comparison_with_a_bad_id_is_a_clear_error(client, api):
    first = api.organisation_ids[0]
    headers = bearer(api.tokens["consultant"])
    response = client.get(f"/api/v1/organisations/{first}/compare?old=abc&new=1", headers=headers)
    assert response.status_code == 400
    response = client.get(
        f"/api/v1/organisations/{first}/compare?old={api.submitted_ids[0]}&new={api.draft_id}",
        headers=headers,
    )
    assert response.status_code == 404
    assert "two submitted assessments" in response.json["error"]


def test_huge_ids_are_404_not_500(client, api):
    headers = bearer(api.tokens["consultant"])
    assert client.get(f"/api/v1/assessments/{10**30}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/organisations/{2**63}", headers=headers).status_code == 404


def test_each_token_has_its_own_rate_limit(app, client, api):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    headers = bearer(api.tokens["owner"])
    statuses = [client.get("/api/v1/organisations", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/organisations", headers=headers).json["error"]
    other = bearer(api.tokens["consultant"])
    assert client.get("/api/v1/organisations", headers=other).status_code == 200


def test_targets_give_each_gap_exactly_and_as_the_pages_show_it(app, client, api):
    from assessment.core.scoring import Level
    from assessment.extensions import db
    from assessment.models import Organisation
    from assessment.plans import service as plans

    first = api.organisation_ids[0]
    url = f"/api/v1/organisations/{first}/targets"
    assert client.get(url, headers=bearer(api.tokens["owner"])).json["targets"] == []
    with app.test_request_context():
        from assessment.content.registry import current_library

        plans.save_targets(
            db.session.get(Organisation, first),
            current_library().latest_published(),
            {"data": plans.TargetInput(Level(5), None)},
            None,
            {"data_quality": Level(5)},
        )
    body = client.get(url, headers=bearer(api.tokens["owner"])).json
    [own] = body["question_targets"]
    assert (own["question_id"], own["dimension_id"], own["level"]) == ("data_quality", "data", 5)
    assert own["current_level"] in (1, 2, 3, 4, 5)
    assert body["assessment_id"] == api.submitted_ids[-1]
    [target] = body["targets"]
    assert (target["dimension_id"], target["level"], target["due_on"]) == ("data", 5, None)
    gap = target["gap"]
    assert gap["target_index"]["exact"] == "80"
    points = Fraction(gap["points"]["exact"])
    assert points == max(Fraction(80) - Fraction(gap["current_index"]["exact"]), 0)
    assert gap["reached"] == (points == 0)
    assert (gap["shown"] == "0.0") == gap["reached"]
    assert client.get(url, headers=bearer(api.tokens["other"])).status_code == 404


def test_the_plan_gives_the_proposed_steps_figures_exactly_and_the_actions_in_order(
    app, client, api
):
    from assessment.core.scoring import Level
    from assessment.extensions import db
    from assessment.models import Organisation, User
    from assessment.plans import roadmap
    from assessment.plans import service as plans

    first = api.organisation_ids[0]
    url = f"/api/v1/organisations/{first}/plan"
    body = client.get(url, headers=bearer(api.tokens["owner"])).json
    assert (body["actions"], body["proposals"]) == ([], [])
    with app.test_request_context():
        from assessment.content.registry import current_library

        organisation = db.session.get(Organisation, first)
        plans.save_targets(
            organisation,
            current_library().latest_published(),
            {"cost": plans.TargetInput(Level(5), None)},
            None,
        )
        proposals = roadmap.plan_of(organisation).proposals
        user = db.session.execute(db.select(User)).scalars().first()
        roadmap.accept_steps(organisation, [proposals[1].question.id], user)
    body = client.get(url, headers=bearer(api.tokens["owner"])).json
    assert body["assessment_id"] == api.submitted_ids[-1]
    assert [step["question_id"] for step in body["proposals"]] == [
        p.question.id for i, p in enumerate(proposals) if i != 1
    ]
    step = body["proposals"][0]
    assert Fraction(step["dimension_points"]["exact"]) == proposals[0].step.dimension_points
    assert step["levels"] == 5 - step["from_level"]
    [action] = body["actions"]
    assert (action["number"], action["question_id"], action["status"]) == (
        1,
        proposals[1].question.id,
        "planned",
    )
    assert action["outcome"] is None
    assert client.get(url, headers=bearer(api.tokens["other"])).status_code == 404
