"""Benchmark: the roadmap and evidence pages of a full plan, against baselines of the same run.

Run:  .venv/bin/python bench/plan.py [--requests 40]

On the demo data in a temporary SQLite database, the first demo organisation gets a
target level in every dimension, every proposed step in its plan, and actions of its own
up to the most a plan holds (200); its latest assessment gets a verified answer with a
file in every question. Then, through the real routes (Flask's test client: the app's
own work, no HTTP server), signed in as its consultant, each page is asked for
``--requests`` times, each time right after two baselines: the bare liveness endpoint
(``/healthz``) and the organisation's own page (``/organisations/<id>``, a page of the
same kind: one organisation, its assessments and trend). Ratios are taken request by
request, then the median; the plan's CSV and XLSX downloads are timed the same way.

There is no target: the figures are for the record, and for a change that slows them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import load_demo_data, make_app  # noqa: E402

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def full_plan(app) -> tuple[int, int]:
    """The first organisation with a plan of 200 actions and every answer verified;
    its id and its latest assessment's id."""
    from sqlalchemy import select

    from assessment.accounts import service as accounts
    from assessment.core.scoring import Level
    from assessment.evidence import service as evidence
    from assessment.extensions import db
    from assessment.models import ActionStatus, Organisation, Verification
    from assessment.plans import roadmap
    from assessment.plans import service as plans

    with app.test_request_context():
        organisation = db.session.execute(select(Organisation).order_by(Organisation.id)).scalar()
        consultant = accounts.find_by_email("consultant@example.com")
        latest, questionnaire = plans.plan_basis(organisation)
        plans.save_targets(
            organisation,
            questionnaire,
            {d.id: plans.TargetInput(Level(5), None) for d in questionnaire.dimensions},
            consultant,
        )
        proposals = roadmap.plan_of(organisation).proposals
        roadmap.accept_steps(organisation, [p.question.id for p in proposals], consultant)
        while len(roadmap.actions_of(organisation.id)) < roadmap.MOST_ACTIONS:
            roadmap.add_own_action(
                organisation,
                roadmap.ActionInput(
                    "An action of the consultant's own",
                    None,
                    "Wang Fang",
                    None,
                    ActionStatus.DOING,
                    "",
                ),
                consultant,
            )
        for number, question in enumerate(questionnaire.questions):
            evidence.attach(latest, question.id, PDF + str(number).encode(), "a.pdf", consultant)
            evidence.save_review(
                latest,
                question.id,
                evidence.ReviewInput(None, Verification.VERIFIED, ""),
                consultant,
                may_mark=True,
            )
        return organisation.id, latest.id


def timed(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-plan-"))
    app = make_app(folder, WTF_CSRF_ENABLED=False)
    load_demo_data(app)
    organisation_id, assessment_id = full_plan(app)
    client = app.test_client()
    client.post(
        "/login", data={"email": "consultant@example.com", "password": "demo-consultant-2026"}
    )
    organisation_page = f"/organisations/{organisation_id}"
    pages = {
        "roadmap (200 actions)": f"{organisation_page}/plan",
        "evidence (38 files, all verified)": (
            f"{organisation_page}/assessments/{assessment_id}/evidence"
        ),
        "target levels": f"{organisation_page}/targets",
        "plan as XLSX": f"{organisation_page}/plan.xlsx",
        "plan as CSV": f"{organisation_page}/plan.csv",
    }
    for path in (*pages.values(), organisation_page, "/healthz"):
        timed(client, path)  # warm: templates compiled, content loaded
    print(f"{arguments.requests} requests each, medians; ratios taken request by request")
    print(f"{'page':38} {'ms':>8} {'/ healthz':>11} {'/ organisation page':>20}")
    for name, path in pages.items():
        times, to_health, to_page = [], [], []
        for _ in range(arguments.requests):
            health = timed(client, "/healthz")
            baseline = timed(client, organisation_page)
            took = timed(client, path)
            times.append(took)
            to_health.append(took / health)
            to_page.append(took / baseline)
        print(
            f"{name:38} {statistics.median(times) * 1000:8.1f} "
            f"{statistics.median(to_health):11.1f} {statistics.median(to_page):20.2f}"
        )


if __name__ == "__main__":
    main()
