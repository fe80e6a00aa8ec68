"""bin/backup-postgres and bin/restore-postgres against the local PostgreSQL, whatever
database the rest of the suite uses: demo data is backed up from one scratch database
and restored into another, and every table comes back row for row."""

import os
import shutil
import stat
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, table, text

from assessment import create_app
from assessment.config import ROOT, TestingConfig
from assessment.content.registry import current_library
from assessment.demo.service import load_demo, read_demo
from assessment.extensions import db
from tests.ops.conftest import server_environment

BACKUP = ROOT / "bin" / "backup-postgres"
RESTORE = ROOT / "bin" / "restore-postgres"

pytestmark = pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are missing: install PostgreSQL's client programs "
    "(Debian: postgresql-client)",
)


def run(command, *arguments, stdin=subprocess.DEVNULL, **environment):
    return subprocess.run(
        [str(command), *map(str, arguments)],
        env=server_environment(**environment),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def with_demo_data(url, tmp_path):
    settings = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": tmp_path})
    with app.app_context():
        upgrade()
        load_demo(current_library().latest_published(), read_demo(ROOT / "content"))
        db.engine.dispose()


def snapshot(url):
    """Rows per table, and the stored result of the first submitted assessment."""
    engine = create_engine(url)
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        counts = {
            name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in names
        }
        first_submitted = text(
            "SELECT id, result FROM assessment WHERE status = 'submitted' ORDER BY id LIMIT 1"
        )
        result = tuple(connection.execute(first_submitted).one()) if "assessment" in names else None
    engine.dispose()
    return counts, result


@pytest.fixture
def source(scratch_database, tmp_path):
    url = scratch_database("backup_src")
    with_demo_data(url, tmp_path)
    return url


def test_a_backup_restored_into_another_database_has_every_row(source, scratch_database, tmp_path):
    target = scratch_database("backup_dst")
    dump = tmp_path / "assessment.dump"

    backed_up = run(BACKUP, "-o", dump, source)
    assert backed_up.returncode == 0, backed_up.stderr
    assert f"Backed up database '{source.rsplit('/', 1)[1]}' to {dump}" in backed_up.stdout
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # everyone's answers are in it
    assert not dump.with_name(dump.name + ".part").exists()

    restored = run(RESTORE, "--yes", dump, target)
    assert restored.returncode == 0, restored.stderr

    counts, result = snapshot(source)
    assert counts["answer"] > 100
    assert counts["alembic_version"] == 1
    assert snapshot(target) == (counts, result)
    assert result[1]  # a stored result, not an empty one

    # Restoring again over the restored database replaces its tables.
    again = run(RESTORE, "--yes", dump, target)
    assert again.returncode == 0, again.stderr
    assert snapshot(target) == (counts, result)


def test_backup_takes_the_database_from_database_url(source, tmp_path):
    backed_up = run(BACKUP, "-o", tmp_path / "from-env.dump", DATABASE_URL=source)
    assert backed_up.returncode == 0, backed_up.stderr
    assert (tmp_path / "from-env.dump").stat().st_size > 0


@pytest.mark.parametrize(
    ("arguments", "environment", "message"),
    [
        ((), {}, "no database given: pass its URL, or set DATABASE_URL."),
        (("sqlite:///instance/assessment.db",), {}, "this backs up PostgreSQL only."),
        (("mysql://db/assessment",), {}, "'mysql:' is not a PostgreSQL URL"),
        (("postgresql://a/b", "postgresql://c/d"), {}, "one database URL only"),
        (("--verbose",), {"DATABASE_URL": "postgresql://a/b"}, "unknown option '--verbose'."),
        (("-o",), {"DATABASE_URL": "postgresql://a/b"}, "-o needs a file name."),
    ],
)
def test_backup_refuses_bad_arguments_with_a_clear_message(arguments, environment, message):
    refused = run(BACKUP, *arguments, **environment)
    assert refused.returncode == 2
    assert message in refused.stderr


def test_backup_does_not_overwrite_a_file(tmp_path):
    existing = tmp_path / "kept.dump"
    existing.write_text("an older backup")
    refused = run(BACKUP, "-o", existing, "postgresql://postgres@127.0.0.1/never-used")
    assert refused.returncode == 2
    assert "exists already; choose another file name." in refused.stderr
    assert existing.read_text() == "an older backup"


def test_a_failed_backup_leaves_no_file(tmp_path):
    failed = run(BACKUP, "-o", tmp_path / "x.dump", "postgresql://postgres@127.0.0.1:1/none")
    assert failed.returncode == 1
    assert "pg_dump failed (see above); no backup was written." in failed.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "no backup file given."),
        (("missing.dump",), "missing.dump is not a readable file."),
        (("{not_a_dump}", "postgresql://a/b"), "is not a backup made by bin/backup-postgres"),
        (("{not_a_dump}", "sqlite:///x.db"), "this restores into PostgreSQL only"),
        (("{not_a_dump}",), "no database given: pass its URL after the file"),
        (("{not_a_dump}", "postgresql://a/b", "extra"), "'extra' is one argument too many"),
    ],
)
def test_restore_refuses_bad_arguments_with_a_clear_message(tmp_path, arguments, message):
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("not a dump")
    arguments = [a.format(not_a_dump=not_a_dump) for a in arguments]
    refused = run(RESTORE, *arguments)
    assert refused.returncode == 2
    assert message in refused.stderr


def test_restore_asks_before_replacing_and_refuses_without_a_terminal(
    source, scratch_database, tmp_path
):
    dump = tmp_path / "assessment.dump"
    assert run(BACKUP, "-o", dump, source).returncode == 0
    target = scratch_database("backup_untouched")
    refused = run(RESTORE, dump, target)
    assert refused.returncode == 2
    assert "add --yes to do it without a question." in refused.stderr
    assert snapshot(target)[0] == {}  # still empty
    assert os.access(dump, os.R_OK)
