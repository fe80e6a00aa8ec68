"""The roadmap: steps proposed from the gaps to target, ranked by the content's rule; a
plan a consultant makes of them (accept, order, own actions, owner, date, status); what a
re-assessment says of it; and the plan as a spreadsheet."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from assessment.content.registry import current_library
from assessment.core import scoring
from assessment.core.numbers import display_contribution
from assessment.core.roadmap import propose_steps
from assessment.core.scoring import Level
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import AuditEvent, Organisation, PlanAction, utc_now
from assessment.plans import roadmap
from assessment.portfolio.deletion import delete_organisation
from assessment.questionnaire import service
from tests.conftest import form_token
from tests.plans.test_targets import (
    element,
    log_in_as_consultant,
    log_in_as_member,
    post_targets,
)


def plan_url(organisation_id):
    return f"/organisations/{organisation_id}/plan"


def page_of(client, organisation_id):
    return client.get(plan_url(organisation_id)).get_data(as_text=True)


def expected_steps(app, organisation_id, dimension_targets, question_targets=None):
    """The steps the pure core proposes for the demo organisation's latest assessment."""
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        latest = history.submitted_of(organisation)[-1]
        questionnaire = service.questionnaire_of(latest, current_library())
        answers = service.scoring_answers(latest)
        rules = questionnaire.scoring_rules
        barriers = [d.id for d in questionnaire.dimensions if d.part == "B"]
        return propose_steps(
            rules,
            answers,
            scoring.score(answers, rules),
            {d: Level(level) for d, level in dimension_targets.items()},
            barriers,
            {q: Level(level) for q, level in (question_targets or {}).items()},
        )


def accept(client, organisation_id, *question_ids, page=None):
    page = page or page_of(client, organisation_id)
    data = {f"questions-{i}": question_id for i, question_id in enumerate(question_ids)}
    return client.post(
        f"{plan_url(organisation_id)}/steps", data={"csrf_token": form_token(page), **data}
    )


def plan_rows(app, organisation_id):
    with app.app_context():
        return [
            (a.question_id or a.title, a.status, a.owner)
            for a in roadmap.actions_of(organisation_id)
        ]


def test_steps_are_proposed_in_the_rules_order_with_their_figures(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_data="5", level_model="4", level_talent="4")
    steps = expected_steps(app, organisation_id, {"data": 5, "model": 4, "talent": 4})
    assert len(steps) > 3
    page = page_of(client, organisation_id)
    proposals = element(page, 'id="proposals"', "</section>")
    listed = re.findall(r'<tr id="step-([a-z0-9_]+)">', proposals)
    assert listed == [step.question_id for step in steps]
    first = element(proposals, f'id="step-{steps[0].question_id}"', "</tr>")
    assert f"From level {int(steps[0].from_level)} to level {int(steps[0].to_level)}" in first
    points = re.findall(r'<td class="num">([^<]*)</td>', first)
    assert points == [
        "1",
        str(steps[0].levels),
        display_contribution(steps[0].dimension_points),
        display_contribution(steps[0].overall_points),
    ]
    assert "How the steps are ranked" in page
    assert "Part B dimension" in page  # the rule's words, from content


def test_without_targets_the_page_says_where_to_set_them(client, organisation_id):
    log_in_as_consultant(client)
    page = page_of(client, organisation_id)
    assert "No target levels yet" in page
    assert f'href="/organisations/{organisation_id}/targets"' in page
    assert "No actions yet" in page


def test_a_consultant_adds_every_step_and_they_leave_the_proposals(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="5", due_cost="2027-09-30")
    steps = expected_steps(app, organisation_id, {"cost": 5})
    page = page_of(client, organisation_id)
    everything = element(page, 'action="/organisations/', "</form>")
    assert f"Add all {len(steps)} steps to the plan" in everything
    response = accept(client, organisation_id, *(step.question_id for step in steps), page=page)
    assert response.status_code == 302
    rows = plan_rows(app, organisation_id)
    assert [question for question, _status, _owner in rows] == [s.question_id for s in steps]
    with app.app_context():
        assert {a.due_on.isoformat() for a in roadmap.actions_of(organisation_id)} == {
            "2027-09-30"  # a step is due when its dimension's target is
        }
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(steps)} steps added to the plan." in page
    assert "Every step to the target levels is in the plan" in page
    assert "Sep 30, 2027" in element(page, 'id="actions"', "</section>")


def test_a_step_no_longer_proposed_is_refused_and_nothing_is_added(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="5")
    step = expected_steps(app, organisation_id, {"cost": 5})[0]
    page = page_of(client, organisation_id)
    accept(client, organisation_id, step.question_id, page=page)
    response = accept(client, organisation_id, step.question_id, page=page)  # a second click
    assert response.status_code == 302
    assert "no longer proposed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(plan_rows(app, organisation_id)) == 1
    for unknown in ("no_such_question", "../../etc", ""):
        accept(client, organisation_id, unknown)
    assert len(plan_rows(app, organisation_id)) == 1


def own_action(client, organisation_id, **fields):
    page = page_of(client, organisation_id)
    data = {"title": "", "dimension": "", "owner": "", "due_on": "", "status": "planned"}
    return client.post(
        f"{plan_url(organisation_id)}/actions",
        data={"csrf_token": form_token(page), **data, **fields},
    )


def test_an_action_of_ones_own_needs_a_title_and_a_real_date(app, client, organisation_id):
    log_in_as_consultant(client)
    response = own_action(client, organisation_id, owner="Wang Fang", due_on="2027-02-30")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Say what is to be done." in page
    assert "Give the date as year-month-day" in page
    assert 'value="Wang Fang"' in page  # what was typed comes back
    assert plan_rows(app, organisation_id) == []

    response = own_action(
        client,
        organisation_id,
        title="  =Hire a data steward  ",
        dimension="data",
        owner="Wang Fang",
        due_on="2027-03-31",
        status="doing",
    )
    assert response.status_code == 302
    assert plan_rows(app, organisation_id) == [("=Hire a data steward", "doing", "Wang Fang")]
    page = page_of(client, organisation_id)
    row = element(page, 'id="action-', "</tr>")
    for shown in ("=Hire a data steward", "Doing", "Data"):
        assert shown in row


def test_a_consultant_orders_edits_and_removes_actions(app, client, organisation_id):
    log_in_as_consultant(client)
    for title in ("First", "Second", "Third"):
        own_action(client, organisation_id, title=title)
    with app.app_context():
        ids = [a.id for a in roadmap.actions_of(organisation_id)]
    page = page_of(client, organisation_id)
    client.post(
        f"{plan_url(organisation_id)}/actions/{ids[2]}/move",
        data={"csrf_token": form_token(page), "direction": "up"},
    )
    assert [t for t, _s, _o in plan_rows(app, organisation_id)] == ["First", "Third", "Second"]
    client.post(
        f"{plan_url(organisation_id)}/actions/{ids[0]}/move",
        data={"csrf_token": form_token(page), "direction": "up"},  # the first stays first
    )
    assert [t for t, _s, _o in plan_rows(app, organisation_id)] == ["First", "Third", "Second"]

    edit_url = f"{plan_url(organisation_id)}/actions/{ids[1]}"
    edit = client.get(edit_url).get_data(as_text=True)
    assert 'value="Second"' in edit
    response = client.post(
        edit_url,
        data={
            "csrf_token": form_token(edit),
            "title": "Second, renamed",
            "dimension": "talent",
            "owner": "李伟",
            "due_on": "2027-06-30",
            "status": "done",
            "note": "Signed off by the plant manager.",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        action = db.session.get(PlanAction, ids[1])
        assert (action.title, action.owner, action.status) == ("Second, renamed", "李伟", "done")
        assert action.done_on == utc_now().date()
    response = client.post(
        edit_url, data={"csrf_token": form_token(edit), "title": "", "status": "finished"}
    )
    assert response.status_code == 400  # no title, no such status: nothing changes
    with app.app_context():
        assert db.session.get(PlanAction, ids[1]).title == "Second, renamed"

    client.post(f"{edit_url}/remove", data={"csrf_token": form_token(edit)})
    assert [t for t, _s, _o in plan_rows(app, organisation_id)] == ["First", "Third"]
    with app.app_context():
        actions = db.session.execute(
            select(AuditEvent.action).where(AuditEvent.action.like("plan.%"))
        ).scalars()
        assert set(actions) >= {"plan.action_added", "plan.action_changed", "plan.action_removed"}


def test_another_organisations_action_is_not_found(app, client, organisation_id):
    log_in_as_consultant(client)
    own_action(client, organisation_id, title="Ours")
    with app.app_context():
        action_id = roadmap.actions_of(organisation_id)[0].id
        other = db.session.execute(
            select(Organisation.id).where(Organisation.id != organisation_id)
        ).scalar()
    assert client.get(f"{plan_url(other)}/actions/{action_id}").status_code == 404
    assert client.get(f"{plan_url(organisation_id)}/actions/999999").status_code == 404


def test_a_member_reads_the_plan_and_cannot_change_it(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="5")
    own_action(client, organisation_id, title="Agree the AI budget")
    log_in_as_member(app, client, organisation_id)
    page = page_of(client, organisation_id)
    assert "Agree the AI budget" in page
    assert "Add to the plan" not in page
    assert "Add an action of your own" not in page
    assert own_action(client, organisation_id, title="Mine").status_code == 403
    assert len(plan_rows(app, organisation_id)) == 1


def test_a_full_plan_refuses_more_and_says_why(app, client, organisation_id, monkeypatch):
    monkeypatch.setattr(roadmap, "MOST_ACTIONS", 2)
    log_in_as_consultant(client)
    own_action(client, organisation_id, title="One")
    own_action(client, organisation_id, title="Two")
    response = own_action(client, organisation_id, title="Three")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The plan already has 2 actions" in page
    assert len(plan_rows(app, organisation_id)) == 2


def reassess(app, organisation_id, levels):
    """A new assessment of the organisation, answered as the latest but for ``levels``."""
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        latest = history.submitted_of(organisation)[-1]
        questionnaire = service.questionnaire_of(latest, current_library())
        before = {a.question_id: a.value for a in latest.answers}
        assessment = service.start(questionnaire, "en", organisation=organisation)
        posted = {
            q.id: service.PostedAnswer(value=str(levels.get(q.id, before[q.id])), comment="")
            for q in questionnaire.questions
        }
        service.save_answers(assessment, questionnaire, posted)
        service.submit(assessment, questionnaire)
        assessment.submitted_at = latest.submitted_at + timedelta(days=90)
        db.session.commit()


def test_a_reassessment_shows_which_steps_reached_their_level(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="5")
    steps = expected_steps(app, organisation_id, {"cost": 5})
    reached, unmoved = steps[0], steps[1]
    accept(client, organisation_id, reached.question_id, unmoved.question_id)
    with app.app_context():
        first = roadmap.actions_of(organisation_id)[0]
        first.status = "done"
        db.session.commit()
    assert "Since the plan was made" not in page_of(client, organisation_id)

    reassess(app, organisation_id, {reached.question_id: int(reached.to_level)})
    page = page_of(client, organisation_id)
    plan = element(page, 'id="actions"', "</section>")
    assert "Since the plan was made" in plan
    assert f"Reached: level {int(reached.to_level)}" in plan
    assert f"Not moved: still level {int(unmoved.from_level)}" in plan
    assert "1 of 2 steps reached their level; 1 of the steps marked done did." in plan
    # the step reached is no longer proposed; the other is still in the plan
    proposals = element(page, 'id="proposals"', "</section>")
    assert f'id="step-{reached.question_id}"' not in proposals
    assert f'id="step-{unmoved.question_id}"' not in proposals


def test_the_plan_downloads_as_csv_and_xlsx_in_either_language(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="5", due_cost="2027-09-30")
    step = expected_steps(app, organisation_id, {"cost": 5})[0]
    accept(client, organisation_id, step.question_id)
    own_action(client, organisation_id, title="=SUM(A1:A9)", owner="Wang Fang")

    response = client.get(f"{plan_url(organisation_id)}.csv?lang=en")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["#", "Action", "Question"]
    assert [row[2] for row in rows[1:]] == [step.question_id, ""]
    assert rows[1][8:11] == ["2027-09-30", "2027 Q3", "Planned"]
    assert rows[1][14:] == ["5", "2027-09-30"]  # the dimension's target
    assert rows[2][1] == "'=SUM(A1:A9)"  # never read as a formula

    response = client.get(f"{plan_url(organisation_id)}.xlsx?lang=zh-CN")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["路线图", "目标等级"]
    actions, targets = workbook.worksheets
    assert actions["B1"].value == "行动"
    assert actions["K2"].value == "计划中"
    assert actions["J2"].value == "2027年第3季度"  # the due quarter as the report writes it
    assert [row[2] for row in targets.iter_rows(min_row=2, values_only=True)] == [5]
    assert client.get(f"{plan_url(organisation_id)}.pdf").status_code == 404
    assert client.get(f"{plan_url(organisation_id)}.csv?lang=fr").status_code == 400


def test_the_plan_page_reads_in_chinese(client, organisation_id):
    log_in_as_consultant(client, "zh_CN")
    post_targets(client, organisation_id, level_data="5")
    page = page_of(client, organisation_id)
    assert "路线图" in page
    assert "建议的步骤" in page
    assert "B部分" in page  # the rule, from content, in Chinese
    assert "Proposed steps" not in page


def test_deleting_the_organisation_deletes_its_plan(app, client, organisation_id):
    log_in_as_consultant(client)
    own_action(client, organisation_id, title="Doomed")
    with app.app_context():
        delete_organisation(organisation_id)
        count = db.session.execute(select(func.count()).select_from(PlanAction)).scalar()
    assert count == 0


@pytest.mark.parametrize("direction", ["sideways", ""])
def test_a_move_that_is_not_up_or_down_changes_nothing(app, client, organisation_id, direction):
    log_in_as_consultant(client)
    own_action(client, organisation_id, title="A")
    own_action(client, organisation_id, title="B")
    with app.app_context():
        last = roadmap.actions_of(organisation_id)[-1].id
    page = page_of(client, organisation_id)
    response = client.post(
        f"{plan_url(organisation_id)}/actions/{last}/move",
        data={"csrf_token": form_token(page), "direction": direction},
    )
    assert response.status_code == 302
    assert [t for t, _s, _o in plan_rows(app, organisation_id)] == ["A", "B"]


def test_the_latest_report_has_the_roadmap_by_quarter_and_earlier_ones_do_not(
    app, client, organisation_id
):
    from tests.reports.conftest import pdf_text

    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="5", due_cost="2027-09-30")
    step = expected_steps(app, organisation_id, {"cost": 5})[0]
    accept(client, organisation_id, step.question_id)
    own_action(client, organisation_id, title="Agree the AI budget", owner="Wang Fang")
    own_action(
        client, organisation_id, title="Train the line leads", due_on="2027-01-15", status="done"
    )
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        submitted = history.submitted_of(organisation)
        latest, earlier = submitted[-1].resume_token, submitted[0].resume_token
        questionnaire = service.questionnaire_of(submitted[-1], current_library())
        prompt = next(q for q in questionnaire.questions if q.id == step.question_id).prompt.en

    text = " ".join(pdf_text(client.get(f"/a/{latest}/report.pdf?lang=en").data).split())
    chapter = text[text.rindex("Roadmap 3 actions") :]
    assert "3 actions in the plan, 1 of them done" in chapter
    # quarters in date order, the undated last; in each, the plan's numbers
    assert chapter.index("2027 Q1") < chapter.index("2027 Q3") < chapter.index("No date set")
    assert chapter.index("3. Train the line leads") < chapter.index("2027 Q3")
    assert " ".join(prompt.split())[:30] in chapter
    assert "Owner: Wang Fang" in chapter
    assert "How the roadmap's steps are ranked" in text

    earlier_text = pdf_text(client.get(f"/a/{earlier}/report.pdf?lang=en").data)
    assert "Agree the AI budget" not in earlier_text

    zh = " ".join(pdf_text(client.get(f"/a/{latest}/report.pdf?lang=zh-CN").data).split())
    assert "路线图" in zh
    assert "2027年第1季度" in zh


def test_only_the_first_cannot_move_up_and_only_the_last_cannot_move_down(
    app, client, organisation_id
):
    log_in_as_consultant(client)
    for title in ("A", "B", "C"):
        own_action(client, organisation_id, title=title)
    page = page_of(client, organisation_id)
    rows = re.findall(r'<tr id="action-\d+">.*?</tr>', page, re.S)
    disabled = [
        [bool(re.search(rf'value="{d}"[^>]*\s+disabled', row)) for d in ("up", "down")]
        for row in rows
    ]
    assert disabled == [[True, False], [False, False], [False, True]]


def test_a_step_made_on_the_previous_version_is_read_on_the_question_that_continues_it(
    app, client, organisation_id
):
    """A plan made from a version-1 assessment, read against the latest (version 3): the
    outcome is that of the version-3 question continuing the step's question."""
    from assessment.models import PlanAction

    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        submitted = history.submitted_of(organisation)
        first, latest = submitted[0], submitted[-1]
        assert (first.questionnaire_version, latest.questionnaire_version) == (1, 3)
        before = {a.question_id: a.value for a in first.answers}
        now = {a.question_id: a.value for a in latest.answers}
        start = int(before["data_quality"])
        db.session.add(
            PlanAction(
                organisation_id=organisation_id,
                position=0,
                questionnaire_id=first.questionnaire_id,
                questionnaire_version=1,
                dimension_id="data",
                question_id="data_quality",
                from_level=start,
                to_level=5,
                basis_assessment_id=first.id,
                title=None,
            )
        )
        db.session.commit()
    log_in_as_consultant(client)
    plan = element(page_of(client, organisation_id), 'id="actions"', "</section>")
    level_now = int(now["data_quality"])
    expected = (
        "Reached: level 5"
        if level_now == 5
        else f"Climbed to level {level_now}, short of 5"
        if level_now > start
        else f"Not moved: still level {level_now}"
        if level_now == start
        else f"Fell to level {level_now}"
    )
    assert expected in plan
