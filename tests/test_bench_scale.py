"""bench/scale.py keeps working: a small run measures every page, and it never fills a
database it was not pointed at on purpose."""

import importlib.util
import re
import sys

import pytest

from assessment.config import ROOT

PAGES = [
    "portfolio, first page",
    "portfolio, page 1",
    "portfolio, industry + submitted",
    "portfolio, level 3",
    "portfolio, name search",
    "portfolio, sorted by index",
    "organisations",
    "organisation (history, peers)",
    "API organisations, limit 50",
]


@pytest.fixture
def scale(monkeypatch):
    """The script as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look it up
    spec.loader.exec_module(module)
    return module


def test_a_small_run_prints_every_page_and_every_target(scale, tmp_path, capsys):
    database = f"sqlite:///{tmp_path / 'scale.db'}"
    arguments = ["--organisations", "20", "--repeat", "1", "--no-fail", "--allow-sqlite"]

    status = scale.main([*arguments, "--database", database])

    output = capsys.readouterr().out
    assert status == 0
    assert "seeded 23 organisations" in output
    table, targets = output.split("\ntargets\n")
    for page in PAGES:
        assert re.search(rf"^  {re.escape(page)} +200 ", table, re.M), page
    assert re.search(r"every page answers 200 +all 200 +PASS", targets)
    assert "API organisations, limit 50: p50 <= 100 ms" in targets
    assert "portfolio, first page: peak memory <= 2x three clients" in targets


@pytest.mark.parametrize(
    ("database", "refusal"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", "Refusing to drop every table"),
        ("postgresql://postgres@127.0.0.1/postgres", "Refusing to drop every table"),
        ("sqlite:////tmp/any.db", "or --allow-sqlite for a smoke run"),
        ("mysql://root@127.0.0.1/bench", "must be a PostgreSQL database"),
    ],
)
def test_a_database_others_use_is_refused_before_anything_is_dropped(
    scale, database, refusal, capsys
):
    assert scale.main(["--database", database]) == 2
    assert refusal in capsys.readouterr().err


def test_without_a_database_it_says_which_to_give(scale, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert scale.main([]) == 2
    assert "Set DATABASE_URL (or --database)" in capsys.readouterr().err
