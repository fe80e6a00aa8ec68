"""The migrations build exactly the models' schema, go down and up again, and fill what
they add from the rows already there."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from assessment import create_app
from assessment.config import TestingConfig
from assessment.core import scoring
from assessment.core.stored_result import StoredResult
from assessment.extensions import db

SCHEMA = "migration_check"
BEFORE_LIST_COLUMNS = "5e5a2948a8dd"  # report batches; the next adds what lists show


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the kind under test: a file, or a schema of its own."""
    url = TestingConfig.SQLALCHEMY_DATABASE_URI
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def test_upgrade_to_head_matches_the_models_and_downgrade_removes_everything(
    empty_database_url,
):
    app = create_app({**vars_of(TestingConfig), "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()
        assert {"organisation", "assessment", "answer"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def vars_of(config):
    return {key: getattr(config, key) for key in dir(config) if key.isupper()}


def test_the_lists_migration_fills_what_lists_show_from_the_stored_results(
    empty_database_url, questionnaire
):
    """Assessments submitted before the list columns existed get their overall index and
    level, their index rows, and their organisation its latest and newest assessments."""
    stored = StoredResult.of(
        scoring.score(
            scoring.parse_answers(
                {q.id: 3 for d in questionnaire.scoring_rules.dimensions for q in d.questions},
                questionnaire.scoring_rules,
            ),
            questionnaire.scoring_rules,
        )
    )
    app = create_app({**vars_of(TestingConfig), "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=BEFORE_LIST_COLUMNS)
        rows = [
            (1, "submitted", "2025-05-01", "2025-05-02", json.dumps(stored.to_dict())),
            (2, "draft", "2026-02-01", None, None),
        ]
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisation (id, name, industry, size_band, region, created_at,"
                    " benchmark_consent) VALUES (1, '华拓', 'logistics_supply_chain', 'small',"
                    " '', '2025-01-01', false)"
                )
            )
            for number, status, created, submitted, result in rows:
                connection.execute(
                    text(
                        "INSERT INTO assessment (id, organisation_id, questionnaire_id,"
                        " questionnaire_version, status, resume_token, respondent_name, locale,"
                        " created_at, updated_at, submitted_at, result) VALUES (:id, 1,"
                        " 'iiai-maturity', 2, :status, :token, '', 'zh_CN', :created, :created,"
                        " :submitted, :result)"
                    ),
                    {
                        "id": number,
                        "status": status,
                        "token": f"token-{number}",
                        "created": created,
                        "submitted": submitted,
                        "result": result,
                    },
                )
        upgrade()
        with db.engine.connect() as connection:
            assessment = connection.execute(
                text("SELECT overall_index, overall_level FROM assessment WHERE id = 1")
            ).one()
            assert assessment == (float(stored.overall.index), int(stored.overall.level))
            metrics = dict(
                connection.execute(
                    text("SELECT metric, value FROM assessment_index WHERE assessment_id = 1")
                ).all()
            )
            assert metrics == {key: float(value) for key, value in stored.indices().items()}
            organisation = connection.execute(
                text(
                    "SELECT latest_submitted_id, latest_level, newest_assessment_id,"
                    " newest_status FROM organisation WHERE id = 1"
                )
            ).one()
            assert organisation == (1, int(stored.overall.level), 2, "draft")
        db.engine.dispose()
