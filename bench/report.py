"""Benchmark: how fast a Chinese PDF report of demo data renders, and how large it is.

Run:  .venv/bin/python bench/report.py [--runs 7] [--batches 3] [--lang zh-CN]

Each batch runs in a fresh process (WeasyPrint holds the GIL; production renders batches
in worker processes): it loads the demo data into a temporary SQLite database, renders
the report of the newest assessment (not a respondent's sheet) of a demo organisation
with three assessments `--runs` times, and reports every time and its peak resident memory,
taken before the baseline documents are rendered in the same process (they would add their
own; the process peak is shown too). As a baseline measured on the same machine in the same
run, each batch also renders a plain document of the same number of pages of Chinese text,
so that a slow machine shows as a ratio.

Targets (issue 5): median at most 0.6 s, file at most 800 KB, peak memory at most 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_KB, TARGET_MB = 0.6, 800, 300


def baseline_html(pages: int, sentences: list[str]) -> str:
    """Plain paragraphs of the questionnaire's own Chinese text, about ``pages`` A4 pages."""
    paragraphs = ["".join(sentences[i : i + 12]) for i in range(0, len(sentences), 12)]
    body = "".join(f"<p>{paragraphs[i % len(paragraphs)]}</p>" for i in range(5 * pages))
    return (
        '<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'; font-size: 10pt">'
        + body
        + "</body></html>"
    )


def batch(runs: int, language: str) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from pypdf import PdfReader
    from sqlalchemy import select
    from weasyprint import HTML

    from assessment import create_app
    from assessment.demo.service import load_demo, read_demo
    from assessment.extensions import db
    from assessment.history import service as history
    from assessment.models import Organisation
    from assessment.reports.service import report_pdf

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "SECRET_KEY": "bench",
                "UPLOAD_DIR": folder,
            }
        )
        with app.app_context():
            db.create_all()
            from assessment.content.registry import current_library

            library = current_library()
            load_demo(library.latest_published(), read_demo(Path(app.config["CONTENT_DIR"])))
            organisation = db.session.execute(select(Organisation)).scalars().first()
            assessment = history.submitted_of(organisation)[-1]  # the newest submitted
            before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            report_pdf(assessment, language)  # warm: imports, fonts, stylesheet
            times, pdf = [], b""
            for _ in range(runs):
                started = time.perf_counter()
                pdf = report_pdf(assessment, language)
                times.append(time.perf_counter() - started)
            # The reports' peak, before the baseline documents below add their own.
            report_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            import io

            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            descriptors = [
                level.zh_cn for q in library.latest_published().questions for level in q.levels
            ]
            baseline_document = baseline_html(pages, descriptors)
            HTML(string=baseline_document).write_pdf()
            baseline_times = []
            for _ in range(runs):
                started = time.perf_counter()
                HTML(string=baseline_document).write_pdf()
                baseline_times.append(time.perf_counter() - started)
    return {
        "times": times,
        "baseline_times": baseline_times,
        "pages": pages,
        "bytes": len(pdf),
        "peak_mb": report_peak_mb,
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "before_mb": before_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="reports per batch")
    parser.add_argument("--batches", type=int, default=3, help="fresh processes")
    parser.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(batch(arguments.runs, arguments.lang)))
        return

    results = []
    for _ in range(arguments.batches):
        output = subprocess.run(  # noqa: S603 - this same script, with fixed arguments
            [
                sys.executable,
                __file__,
                "--child",
                "--runs",
                str(arguments.runs),
                "--lang",
                arguments.lang,
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))

    times = [t for r in results for t in r["times"]]
    baseline = [t for r in results for t in r["baseline_times"]]
    median, baseline_median = statistics.median(times), statistics.median(baseline)
    pages, size_kb = results[-1]["pages"], results[-1]["bytes"] / 1024
    peak_mb = max(r["peak_mb"] for r in results)
    process_peak_mb = max(r["process_peak_mb"] for r in results)
    app_mb = max(r["before_mb"] for r in results)
    print(f"report ({arguments.lang}), {arguments.batches} processes x {arguments.runs} renders")
    print(
        f"  median      {median:.3f} s   (min {min(times):.3f}, max {max(times):.3f})"
        f"   target <= {TARGET_SECONDS} s   {'ok' if median <= TARGET_SECONDS else 'OVER'}"
    )
    print(f"  per page    {1000 * median / pages:.0f} ms over {pages} pages")
    print(
        f"  baseline    {baseline_median:.3f} s for {pages} pages of plain Chinese text;"
        f" report / baseline = {median / baseline_median:.2f}"
    )
    print(
        f"  size        {size_kb:.0f} KB   target <= {TARGET_KB} KB"
        f"   {'ok' if size_kb <= TARGET_KB else 'OVER'}"
    )
    print(
        f"  peak memory {peak_mb:.0f} MB   target <= {TARGET_MB} MB"
        f"   {'ok' if peak_mb <= TARGET_MB else 'OVER'}"
        f"   (the process held {app_mb:.0f} MB with app and demo data before rendering;"
        f" {process_peak_mb:.0f} MB after the baseline documents too)"
    )


if __name__ == "__main__":
    main()
