"""The migrations build exactly the models' schema, and go down and up again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from assessment import create_app
from assessment.config import TestingConfig
from assessment.extensions import db

SCHEMA = "migration_check"


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
