"""`flask demo` and `flask assessments list`."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta


def test_demo_loads_three_organisations_with_two_years_of_history_and_six_peers(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(args=["assessments", "list", "--json"]).output)
    counts = Counter(row["organisation"] for row in rows)
    by_organisation = {name: count for name, count in counts.items() if count > 1}
    assert len(by_organisation) == 3
    assert sorted(by_organisation.values()) == [3, 3, 4]
    assert sorted(counts.values()).count(1) == 6  # the peers, each assessed once
    assert sum(row["status"] == "draft" for row in rows) == 1
    submitted = [
        row
        for row in rows
        if row["status"] == "submitted" and row["organisation"] in by_organisation
    ]
    dates = [datetime.fromisoformat(row["submitted_at"]) for row in submitted]
    assert max(dates) - min(dates) >= timedelta(days=600)
    assert all(date <= datetime.now(UTC) for date in dates)
    for organisation in by_organisation:
        history = sorted(
            (row for row in submitted if row["organisation"] == organisation),
            key=lambda row: row["submitted_at"],
        )
        indices = [row["overall_index"] for row in history]
        assert indices == sorted(indices)
        assert indices[0] < indices[-1]


def test_demo_if_empty_loads_nothing_twice(runner):
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0
    again = runner.invoke(args=["demo", "--if-empty"], env={"LANG": "en"})
    assert "already has assessments" in again.output
    rows = json.loads(runner.invoke(args=["assessments", "list", "--json"]).output)
    assert len(rows) == 16


def test_assessments_list_prints_a_table_with_links(runner):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["assessments", "list", "--links"], env={"LANG": "en"})
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["ID", "Organisation", "Questionnaire", "Status"]
    assert len(lines) == 17
    assert "iiai-maturity v1" in lines[1]
    assert "submitted" in lines[1]
    assert "http://127.0.0.1:5000/a/" in lines[1]
    draft = next(line for line in lines if "draft" in line)
    assert "—" in draft


def test_assessments_list_on_an_empty_database(runner):
    result = runner.invoke(args=["assessments", "list"], env={"LANG": "en"})
    assert result.output.strip() == "No assessments yet."
    assert json.loads(runner.invoke(args=["assessments", "list", "--json"]).output) == []
