"""flask organisations delete: an organisation, on request, with everything about it.

The organisation under deletion has every kind of data the app keeps: assessments over
two years, respondents' sheets, a draft with an invitee's sheet and a settled answer,
commentary with a stored logo, invitations, members, firms engaged, benchmark consent,
batches of reports with their PDFs, and its audit trail.
"""

from pathlib import Path

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.batches import service as batches
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import (
    Assessment,
    AuditEvent,
    Membership,
    Organisation,
    ReportBatch,
    User,
)
from assessment.people import invitations
from assessment.questionnaire import service
from assessment.reports.commentary import CommentaryInput, save_commentary
from assessment.respondents import service as respondents
from tests.reports.conftest import DEMO_CONSULTANT
from tests.reports.test_safety_and_commentary import tiny_png

PASSWORD = "a long enough password"


def submitted_newest(organisation):
    return history.submitted_of(organisation)[-1]


def brand(assessment, upload_dir):
    save_commentary(
        assessment,
        CommentaryInput("summary", {}, "prepared by", "firm"),
        upload_dir,
        logo=tiny_png(),
    )
    return upload_dir / assessment.commentary.logo_file


@pytest.fixture
def world(app, runner, questionnaire):
    """Organisation A with every kind of data; B and C, from the demo, beside it."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    upload_dir = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        org_a, org_b, org_c = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().all()[:3]
        )
        consultant = accounts.find_by_email(DEMO_CONSULTANT[0])
        owner_a = accounts.create_user("owner-a@example.com", PASSWORD)
        both = accounts.create_user("member-of-a-and-b@example.com", PASSWORD)
        owner_b = accounts.create_user("owner-b@example.com", PASSWORD)
        db.session.add_all(
            [
                Membership(user_id=owner_a.id, organisation_id=org_a.id, role="owner"),
                Membership(user_id=both.id, organisation_id=org_a.id, role="respondent"),
                Membership(user_id=both.id, organisation_id=org_b.id, role="respondent"),
                Membership(user_id=owner_b.id, organisation_id=org_b.id, role="owner"),
            ]
        )
        db.session.commit()
        # A draft answered by an invitee on their own sheet, with a settled question.
        draft = service.start(questionnaire, "en", organisation=org_a)
        answering = invitations.create(org_a, owner_a, "invitee@example.com", "answer", None, draft)
        sheet = respondents.sheet_for_invitation(answering)
        question_id = questionnaire.dimensions[0].questions[0].id
        service.save_answers(sheet, questionnaire, {question_id: service.PostedAnswer("4", "")})
        respondents.settle(draft, questionnaire, question_id, "3", "agreed", consultant)
        invitations.create(org_a, owner_a, "newcomer@example.com", "join", role="respondent")
        history.set_benchmark_consent(org_a, True)
        logo_a = brand(submitted_newest(org_a), upload_dir)
        logo_b = brand(submitted_newest(org_b), upload_dir)
        # Reports made in batches: one for A alone, one for the consultant's portfolio.
        batch_a = batches.create_batch(consultant, "en", org_a)
        portfolio = batches.create_batch(consultant, "en", None)
        first_of = {}
        for item in portfolio.items:
            first_of.setdefault(item.assessment.organisation_id, item)
        made = [batch_a.items[0], first_of[org_a.id], first_of[org_b.id]]
        made_ids = [item.id for item in made]
        for item_id in made_ids:
            batches.run_item(item_id, last_attempt=True)
        db.session.expire_all()
        pdfs = {
            item.assessment.organisation_id: Path(app.config["BATCH_DIR"]) / item.report_path
            for item in made
            if item.batch_id == portfolio.id
        }
        world = {
            "a": org_a.id,
            "name_a": org_a.name,
            "others": [org_b.id, org_c.id],
            "logo_a": logo_a,
            "logo_b": logo_b,
            "batch_a_folder": Path(app.config["BATCH_DIR"]) / str(batch_a.id),
            "portfolio_pdf_a": pdfs[org_a.id],
            "portfolio_pdf_b": pdfs[org_b.id],
            "accounts": db.session.execute(select(User.email).order_by(User.id)).scalars().all(),
        }
    for stored in ("logo_a", "logo_b", "portfolio_pdf_a", "portfolio_pdf_b"):
        assert world[stored].is_file(), stored
    assert world["batch_a_folder"].is_dir()
    return world


def references(organisation_ids):
    """Every row, table by table, that points at these organisations or their
    assessments (respondents' sheets included), found from the schema's foreign keys."""
    assessment_ids = set(
        db.session.execute(
            select(Assessment.id).where(Assessment.organisation_id.in_(organisation_ids))
        ).scalars()
    )
    while True:  # sheets of sheets, however deep
        deeper = assessment_ids | set(
            db.session.execute(
                select(Assessment.id).where(Assessment.parent_id.in_(assessment_ids))
            ).scalars()
        )
        if deeper == assessment_ids:
            break
        assessment_ids = deeper
    targets = {"organisation": set(organisation_ids), "assessment": assessment_ids}
    found = {}
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            ids = targets.get(foreign_key.column.table.name)
            if ids:
                rows = db.session.execute(
                    select(table).where(foreign_key.parent.in_(ids)).order_by(*table.primary_key)
                ).all()
                found[f"{table.name}.{foreign_key.parent.name}"] = [tuple(row) for row in rows]
    found["organisation"] = [
        tuple(row)
        for row in db.session.execute(
            select(Organisation.__table__).where(Organisation.id.in_(organisation_ids))
        ).all()
    ]
    return found


def every_row_as_text():
    return "\n".join(
        repr(tuple(row))
        for table in db.metadata.sorted_tables
        for row in db.session.execute(select(table)).all()
    )


def test_deleting_an_organisation_leaves_nothing_of_it_and_changes_no_other(app, runner, world):
    with app.app_context():
        before = references([world["a"]])
        assert before["settlement.assessment_id"]
        assert before["invitation.sheet_id"]
        assert before["report_batch_item.assessment_id"]
        others_before = references(world["others"])

    result = runner.invoke(args=["organisations", "delete", str(world["a"]), "--yes"])

    assert result.exit_code == 0, result.output
    assert f"Deleted organisation #{world['a']}" in result.output
    with app.app_context():
        after = references([world["a"]])
        assert {place: rows for place, rows in after.items() if rows} == {}
        assert references(world["others"]) == others_before
        assert world["name_a"] not in every_row_as_text()
        assert db.session.execute(
            select(ReportBatch).where(ReportBatch.organisation_id.is_(None))
        ).scalar_one()
        (event,) = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "organisation.deleted")
        ).scalars()
        assert (event.organisation_id, event.assessment_id) == (None, None)
        assert (event.channel, event.detail) == ("command", {"organisation": world["a"]})
        # People keep their accounts.
        assert (
            db.session.execute(select(User.email).order_by(User.id)).scalars().all()
            == world["accounts"]
        )
    assert not world["logo_a"].exists()
    assert not world["batch_a_folder"].exists()
    assert not world["portfolio_pdf_a"].exists()
    assert world["logo_b"].is_file()
    assert world["portfolio_pdf_b"].is_file()


@pytest.fixture
def demo_organisation(app, runner):
    """The first demo organisation, its id and name, with a stored logo."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        organisation = db.session.execute(select(Organisation).order_by(Organisation.id)).scalar()
        logo = brand(submitted_newest(organisation), Path(app.config["UPLOAD_DIR"]))
        return {"a": organisation.id, "name_a": organisation.name, "logo_a": logo}


def test_delete_asks_first_and_deletes_nothing_when_not_confirmed(app, runner, demo_organisation):
    result = runner.invoke(
        args=["organisations", "delete", str(demo_organisation["a"])], input="n\n"
    )
    assert result.exit_code == 3
    assert (
        f"Organisation #{demo_organisation['a']} ({demo_organisation['name_a']})" in result.output
    )
    assert "Delete it all? This cannot be undone." in result.output
    assert "Nothing was deleted." in result.output
    with app.app_context():
        assert db.session.get(Organisation, demo_organisation["a"]) is not None
    assert demo_organisation["logo_a"].is_file()


def test_delete_goes_ahead_when_confirmed(app, runner, demo_organisation):
    result = runner.invoke(
        args=["organisations", "delete", str(demo_organisation["a"])], input="y\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Organisation, demo_organisation["a"]) is None
    assert not demo_organisation["logo_a"].exists()


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("abc", "ORG_ID must be an organisation's id, a whole number such as 12, not 'abc'"),
        ("-3", "ORG_ID must be an organisation's id, a whole number such as 12, not '-3'"),
        ("1.5", "ORG_ID must be an organisation's id, a whole number such as 12, not '1.5'"),
        ("999999", "No organisation with id 999999 (see 'flask organisations list')."),
    ],
)
def test_delete_refuses_an_id_that_names_no_organisation(app, runner, argument, message):
    result = runner.invoke(args=["organisations", "delete", "--yes", "--", argument])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_organisations_list_shows_ids_to_delete_by(app, runner, demo_organisation):
    result = runner.invoke(args=["organisations", "list"])
    assert result.exit_code == 0
    assert demo_organisation["name_a"] in result.output
    assert result.output.splitlines()[1].startswith(f"{demo_organisation['a']} ")
