"""Benchmark: how long the Word report takes to make, against the PDF of the same run.

Run:  .venv/bin/python bench/word_report.py [--runs 7] [--lang zh-CN]

On the demo data in a temporary SQLite database, the report of the newest assessment of
the first demo organisation (three assessments: history, comparison and all) is made
``--runs`` times as a Word document and, each time right after, as a PDF: the baseline,
which shares the context, the content and the charts with it. Garbage is collected
before every timing; ratios are taken run by run, then the median. Both are made once
before the clock starts, so that templates, fonts and content are loaded.

Target (issue 17): a Word report takes no longer than the PDF (ratio at most 1.0); the
Chinese one is at most 400 KB, as the PDF.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import load_demo_data, make_app, newest_of_first_organisation, verdict

TARGET_RATIO, TARGET_KB = 1.0, 400


def timed(make) -> tuple[float, bytes]:
    gc.collect()
    started = time.perf_counter()
    made = make()
    return time.perf_counter() - started, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en"])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        load_demo_data(app)
        assessment_id, _token = newest_of_first_organisation(app)
        from assessment.extensions import db
        from assessment.models import Assessment
        from assessment.reports import service

        with app.test_request_context():
            assessment = db.session.get(Assessment, assessment_id)
            word = lambda: service.report_docx(assessment, arguments.lang)  # noqa: E731
            pdf = lambda: service.report_pdf(assessment, arguments.lang)  # noqa: E731
            word(), pdf()
            ratios, word_times, pdf_times = [], [], []
            for _run in range(arguments.runs):
                word_time, document = timed(word)
                pdf_time, _pdf = timed(pdf)
                word_times.append(word_time)
                pdf_times.append(pdf_time)
                ratios.append(word_time / pdf_time)
    ratio = statistics.median(ratios)
    size_kb = len(document) / 1024
    print(f"Word report ({arguments.lang}), {arguments.runs} runs, medians")
    word_median, pdf_median = statistics.median(word_times), statistics.median(pdf_times)
    print(f"  Word {word_median:.2f} s   PDF {pdf_median:.2f} s")
    print(f"  Word/PDF {ratio:.2f} (target <= {TARGET_RATIO}): {verdict(ratio <= TARGET_RATIO)}")
    print(f"  size {size_kb:.0f} KB (target <= {TARGET_KB}): {verdict(size_kb <= TARGET_KB)}")


if __name__ == "__main__":
    main()
