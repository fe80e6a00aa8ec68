"""What lists show of an organisation's assessments follows every change to them, in the
same transaction, without anyone calling for it."""

from datetime import UTC, datetime, timedelta

from assessment.extensions import db
from assessment.models import Assessment, AssessmentStatus, Organisation

DAY = timedelta(days=1)
START = datetime(2026, 3, 1, tzinfo=UTC)


def assessment(organisation, created, submitted=None, index=None, level=None):
    return Assessment(
        organisation=organisation,
        questionnaire_id="iiai-maturity",
        questionnaire_version=2,
        created_at=created,
        status=AssessmentStatus.SUBMITTED if submitted else AssessmentStatus.DRAFT,
        submitted_at=submitted,
        overall_index=index,
        overall_level=level,
    )


def organisation(name):
    return Organisation(name=name, industry="logistics_supply_chain", size_band="small")


def test_the_list_copies_follow_adding_submitting_moving_and_deleting(app):
    with app.app_context():
        alpha = organisation("甲公司")
        first = assessment(alpha, START)
        db.session.add_all([alpha, first])
        db.session.flush()  # an organisation and its first draft, in one flush
        assert alpha.newest_assessment_id == first.id
        assert alpha.newest_status == "draft"
        assert alpha.latest_submitted_id is None

        first.status = AssessmentStatus.SUBMITTED
        first.submitted_at = START + DAY
        first.overall_index, first.overall_level = 41.5, 3
        older_but_submitted_later = assessment(alpha, START - DAY, START + 2 * DAY, 20.0, 2)
        db.session.add(older_but_submitted_later)
        db.session.commit()
        assert alpha.latest_submitted_id == older_but_submitted_later.id
        assert (alpha.latest_index, alpha.latest_level) == (20.0, 2)
        assert alpha.latest_submitted_at == START + 2 * DAY
        assert alpha.newest_assessment_id == first.id  # created last
        assert alpha.newest_status == "submitted"

        beta = organisation("乙公司")
        db.session.add(beta)
        older_but_submitted_later.organisation = beta  # moved to another organisation
        db.session.commit()
        assert alpha.latest_submitted_id == first.id
        assert (alpha.latest_index, alpha.latest_level) == (41.5, 3)
        assert beta.latest_submitted_id == older_but_submitted_later.id

        db.session.delete(first)
        db.session.commit()
        assert alpha.latest_submitted_id is None
        assert alpha.newest_assessment_id is None
        assert (alpha.latest_index, alpha.newest_status) == (None, None)


def test_a_respondents_sheet_is_never_what_lists_show(app):
    with app.app_context():
        alpha = organisation("丙公司")
        parent = assessment(alpha, START)
        db.session.add_all([alpha, parent])
        db.session.flush()
        sheet = assessment(alpha, START + DAY, START + DAY, 90.0, 5)
        sheet.parent_id = parent.id
        db.session.add(sheet)
        db.session.commit()
        assert alpha.newest_assessment_id == parent.id
        assert alpha.latest_submitted_id is None
