"""The database counts peer percentiles exactly as the pure core does: on generated cohorts
(industries, size bands, consent, several assessments each, ties, missing and NULL
indices), ``history.peer_standings`` equals ``benchmark.standings`` over the same values."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from assessment.core import benchmark
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Assessment, AssessmentIndex, AssessmentStatus, Organisation

METRICS = ("overall", "people", "process", "data")
START = datetime(2024, 1, 1, tzinfo=UTC)

# Few distinct values, so that ties are common; now and then any index, or none.
index_values = st.one_of(
    st.sampled_from([0.0, 12.5, 25.0, 50.0, 62.5, 100.0]),
    st.none(),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
# A submitted assessment's indices: each metric a value, NULL, or absent (another
# questionnaire version).
stored_indices = st.fixed_dictionaries(
    {"overall": index_values}, optional=dict.fromkeys(METRICS[1:], index_values)
)
mostly = st.integers(0, 3).map(bool)  # True three times in four
assessments = st.fixed_dictionaries(
    {
        "submitted": mostly,
        "day": st.integers(0, 3),  # equal days: the higher id is the later one
        "indices": stored_indices,
        # A respondent's sheet, submitted later, which is never the organisation's own.
        "sheet": st.none() | stored_indices,
    }
)
organisations = st.fixed_dictionaries(
    {
        "industry": st.sampled_from(["electronics", "chemicals"]),
        "size": st.sampled_from(["small", "medium"]),
        "consent": mostly,
        "assessments": st.lists(assessments, max_size=3),
    }
)


def index_rows(indices):
    return [AssessmentIndex(metric=metric, value=value) for metric, value in indices.items()]


def add(generated):
    """The organisations, their assessments and index rows, as generated; returns each
    organisation with its spec and its (assessment, generated indices) pairs."""
    added = []
    for number, spec in enumerate(generated):
        organisation = Organisation(
            name=f"Organisation {number}",
            industry=spec["industry"],
            size_band=spec["size"],
            benchmark_consent=spec["consent"],
        )
        pairs = []
        for a in spec["assessments"]:
            submitted_at = START + timedelta(days=a["day"]) if a["submitted"] else None
            assessment = Assessment(
                organisation=organisation,
                questionnaire_id="q",
                questionnaire_version=1,
                status=AssessmentStatus.SUBMITTED if a["submitted"] else AssessmentStatus.DRAFT,
                submitted_at=submitted_at,
                indices=index_rows(a["indices"]) if a["submitted"] else [],
            )
            if a["sheet"] is not None:
                assessment.sheets = [
                    Assessment(
                        organisation=organisation,
                        questionnaire_id="q",
                        questionnaire_version=1,
                        status=AssessmentStatus.SUBMITTED,
                        submitted_at=START + timedelta(days=9),
                        indices=index_rows(a["sheet"]),
                    )
                ]
            pairs.append((assessment, a["indices"]))
        db.session.add(organisation)
        added.append((organisation, spec, pairs))
    db.session.flush()
    return added


def latest_indices(pairs):
    """The indices of the latest submitted assessment, as the core reads them; None
    without one."""
    submitted = [(a.submitted_at, a.id, indices) for a, indices in pairs if a.submitted_at]
    if not submitted:
        return None
    indices = max(submitted, key=lambda entry: entry[:2])[2]
    return {metric: None if v is None else Fraction(v) for metric, v in indices.items()}


def remove_everything():
    db.session.execute(update(Organisation).values(latest_submitted_id=None))
    db.session.execute(update(Organisation).values(newest_assessment_id=None))
    db.session.execute(delete(AssessmentIndex))
    db.session.execute(delete(Assessment).where(Assessment.parent_id.is_not(None)))
    db.session.execute(delete(Assessment))
    db.session.execute(delete(Organisation))
    db.session.commit()
    db.session.expunge_all()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    generated=st.lists(organisations, min_size=1, max_size=24),
    own_pick=st.integers(min_value=0),
    min_cohort=st.integers(0, 5),
)
def test_the_database_counts_the_standings_the_core_computes(app, generated, own_pick, min_cohort):
    with app.app_context():
        try:
            added = add(generated)
            own, own_spec, own_pairs = added[own_pick % len(added)]
            own_indices = latest_indices(own_pairs)
            peers = [
                indices
                for organisation, spec, pairs in added
                if organisation is not own
                and spec["industry"] == own_spec["industry"]
                and spec["size"] == own_spec["size"]
                and spec["consent"]
                and (indices := latest_indices(pairs)) is not None
            ]
            expected = (
                {} if own_indices is None else benchmark.standings(own_indices, peers, min_cohort)
            )
            own_id = own.id
            db.session.commit()  # as a page finds it: the organisation read afresh
            got = history.peer_standings(db.session.get(Organisation, own_id), min_cohort)
            # Equal, in the order the indices are stored: overall first, as generated.
            assert list(got.items()) == list(expected.items())
        finally:
            db.session.rollback()
            remove_everything()
