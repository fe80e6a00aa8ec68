"""Benchmark: how long a person waits for a PDF report, against baselines of the same run.

Run:  .venv/bin/python bench/report.py [--runs 7] [--processes 3] [--lang zh-CN]
                                       [--downloads 60] [--batch-size 40] [--workers 2]
                                       [--batch-rounds 3] [--skip-batch]

Three measurements, each with its own baseline measured on this machine in this run (a
shared 2-core machine's speed swings threefold from day to day; the ratios hold):

1. Cold render. In ``--processes`` fresh processes (WeasyPrint holds the GIL; workers
   render in processes of their own), on the demo data in a temporary SQLite database:
   the report of the newest assessment of a demo organisation with three assessments
   (history, comparison and all), rendered ``--runs`` times with today's layout and with
   the layout before issue 14 (``bench/layout_before_14/``, the "before" column), each
   render timed right after its baseline: a plain document of exactly as many pages (its
   last page half full) of the questionnaire's own text in the report's language, made
   with the same font configuration as the reports. Garbage is collected before every
   timing.
   Ratios are taken run by run, then the median. Peak memory is read after the first
   report of today's layout, before the old layout and the baselines add their own.
2. Cached download. The same report, stored, downloaded ``--downloads`` times through its
   real route (``/a/<token>/report.pdf``, Flask's test client: the app's own work, no HTTP
   server), each time followed by the bare liveness endpoint (``/healthz``) as baseline.
3. A batch of ``--batch-size`` reports of one portfolio made by ``--workers`` RQ workers
   (``flask worker``'s own set-up, in processes of their own, on Redis at
   ``BENCH_REDIS_URL``, default redis://127.0.0.1:6379/11, which is emptied) sharing a
   temporary SQLite file: "before" is the old layout with nothing stored (what a batch
   cost before issue 14); "now, cold" today's layout with nothing stored; "now, half
   stored" today's layout with half of the reports stored already; each in turn,
   ``--batch-rounds`` times, and the median is shown. Workers are started and warm before
   the clock starts; the clock stops when the batch is finished.

Targets (issue 14): cold render at most 1.5 times the plain baseline; a cached download
p50 at most 30 ms; the half-stored batch at most 40 % of the time before; the Chinese
report at most 400 KB; peak memory at most 300 MB.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUT_BEFORE = ROOT / "bench" / "layout_before_14"
TARGET_RATIO, TARGET_DOWNLOAD_MS, TARGET_BATCH_SHARE = 1.5, 30.0, 0.40
TARGET_KB, TARGET_MB = 400, 300
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")

sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------
# Set-up shared by the measurements


def make_app(folder: Path, **settings: object):
    from assessment import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench-" + "k" * 40,
            "UPLOAD_DIR": str(folder / "uploads"),
            "BATCH_DIR": str(folder / "batches"),
            "REDIS_URL": None,
            **settings,
        }
    )


def load_demo_data(app) -> None:
    from assessment.content.registry import current_library
    from assessment.demo.service import load_demo, read_demo
    from assessment.extensions import db

    with app.app_context():
        db.create_all()
        load_demo(current_library().latest_published(), read_demo(Path(app.config["CONTENT_DIR"])))


def newest_of_first_organisation(app) -> tuple[int, str]:
    from sqlalchemy import select

    from assessment.extensions import db
    from assessment.history import service as history
    from assessment.models import Organisation

    with app.app_context():
        organisation = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
        )
        newest = history.submitted_of(organisation)[-1]
        return newest.id, newest.resume_token


def use_layout_before(app, folder: Path) -> None:
    """Render reports with the template and stylesheet of before issue 14."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    static = folder / "static-before"
    if not static.exists():
        shutil.copytree(ROOT / "static", static)
        shutil.copyfile(LAYOUT_BEFORE / "report.css", static / "css" / "report.css")
    app.static_folder = str(static)
    app.jinja_env.loader = ChoiceLoader(
        [FileSystemLoader(str(LAYOUT_BEFORE)), app.jinja_env.loader]
    )


def baseline_html(paragraphs: list[str], lang: str) -> str:
    """Plain paragraphs of text: no stylesheet but one font, one size."""
    body = "".join(f'<p id="p{i}">{text}</p>' for i, text in enumerate(paragraphs))
    return (
        f'<html lang="{lang}"><body style="font-family: \'Noto Sans CJK SC\'; font-size: 10pt">'
        + body
        + "</body></html>"
    )


def baseline_of_pages(pages: int, sentences: list[str], lang: str, font_config) -> str:
    """A plain document of exactly ``pages`` pages, its last page half full: paragraphs of
    the questionnaire's own text in the report's language. One long document is laid out
    once; it is cut before the first paragraph that starts below the middle of page
    ``pages``."""
    from weasyprint import HTML

    per_paragraph, separator = (12, "") if lang == "zh-CN" else (6, " ")
    texts = [
        separator.join(sentences[i : i + per_paragraph])
        for i in range(0, len(sentences), per_paragraph)
    ]
    paragraphs = [texts[i % len(texts)] for i in range(12 * (pages + 1))]
    laid_out = HTML(string=baseline_html(paragraphs, lang)).render(font_config=font_config)
    require(len(laid_out.pages) > pages, "the plain baseline is too short")
    last = laid_out.pages[pages - 1]
    middle = last.height / 2
    starts = sorted(int(name[1:]) for name, (_x, y, *_end) in last.anchors.items() if y >= middle)
    require(bool(starts), "no paragraph starts in the lower half of the baseline's last page")
    document = baseline_html(paragraphs[: starts[0]], lang)
    made = len(HTML(string=document).render(font_config=font_config).pages)
    require(made == pages, f"the plain baseline has {made} pages, not {pages}")
    return document


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def require(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(f"bench/report.py: {problem}")


def demo_consultant():
    from sqlalchemy import select

    from assessment.extensions import db
    from assessment.models import User

    return db.session.execute(select(User).where(User.role == "consultant")).scalars().first()


def timed(call) -> tuple[float, object]:
    """Seconds a call takes, and its value. The garbage of earlier calls is collected
    first, so that a render does not pay for the one before it (a report leaves tens of
    thousands of boxes behind, a plain document few)."""
    gc.collect()
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


# ---------------------------------------------------------------------------
# 1. Cold render, in a fresh process


def render_child(runs: int, language: str) -> dict[str, object]:
    from pypdf import PdfReader
    from weasyprint import HTML

    from assessment.content.registry import current_library
    from assessment.extensions import db
    from assessment.models import Assessment
    from assessment.reports.pdf import thread_font_config
    from assessment.reports.service import report_pdf

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        now_app, before_app = make_app(folder), make_app(folder)
        load_demo_data(now_app)
        use_layout_before(before_app, folder)
        assessment_id, _token = newest_of_first_organisation(now_app)

        def render(app) -> bytes:
            with app.test_request_context():
                return report_pdf(db.session.get(Assessment, assessment_id), language)

        app_mb = peak_mb()
        now_pdf = render(now_app)  # warm: fonts, templates
        report_peak = peak_mb()  # before the old layout and the baselines add their own
        before_pdf = render(before_app)
        with now_app.app_context():
            sentences = [
                level.get(language)
                for question in current_library().latest_published().questions
                for level in question.levels
            ]
        pages = {
            "now": len(PdfReader(io.BytesIO(now_pdf)).pages),
            "before": len(PdfReader(io.BytesIO(before_pdf)).pages),
        }
        # The plain baselines are made as the reports are: the same font configuration,
        # kept from one render to the next.
        font_config = thread_font_config()
        plain = {
            key: baseline_of_pages(count, sentences, language, font_config)
            for key, count in pages.items()
        }

        def render_plain(document: str) -> bytes:
            return HTML(string=document).write_pdf(font_config=font_config)

        for document in plain.values():
            render_plain(document)  # warm
        # Each report right after its baseline, so that both meet the same machine.
        now_times, before_times = [], []
        plain_times: dict[str, list[float]] = {"now": [], "before": []}
        for _ in range(runs):
            for key, app, times in (
                ("now", now_app, now_times),
                ("before", before_app, before_times),
            ):
                plain_times[key].append(timed(lambda d=plain[key]: render_plain(d))[0])
                times.append(timed(lambda a=app: render(a))[0])
    return {
        "now": now_times,
        "before": before_times,
        "plain_now": plain_times["now"],
        "plain_before": plain_times["before"],
        "pages": pages,
        "bytes": {"now": len(now_pdf), "before": len(before_pdf)},
        "peak_mb": report_peak,
        "app_mb": app_mb,
    }


# ---------------------------------------------------------------------------
# 2. A stored report, downloaded through its route


def downloads(count: int, language: str) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as name:
        app = make_app(Path(name))
        load_demo_data(app)
        _id, token = newest_of_first_organisation(app)
        client = app.test_client()
        url = f"/a/{token}/report.pdf?lang={language}"
        first = client.get(url)  # made and stored
        require(first.status_code == 200, f"the report answered {first.status_code}")
        times: dict[str, list[float]] = {"report": [], "bare": []}
        for _ in range(5):  # warm
            client.get(url).close()
            client.get("/healthz").close()
        for _ in range(count):
            elapsed, response = timed(lambda: client.get(url))
            require(response.data == first.data, "the stored report changed")
            response.close()
            times["report"].append(elapsed)
            elapsed, response = timed(lambda: client.get("/healthz"))
            require(response.status_code == 200, "/healthz is not answering")
            response.close()
            times["bare"].append(elapsed)
    return times


# ---------------------------------------------------------------------------
# 3. A batch made by workers


def worker_child(folder: Path, layout: str) -> None:
    """A worker as ``flask worker`` runs one, optionally with the layout before issue 14."""
    from redis import Redis
    from rq import Queue, Worker

    from assessment.batches.jobs import prepare_worker, record_killed_work_horse

    app = make_app(
        folder,
        REDIS_URL=BENCH_REDIS_URL,
        BATCH_QUEUE="bench-batches",
        REPORT_AHEAD_QUEUE="bench-ahead",
    )
    if layout == "before":
        use_layout_before(app, folder)
    connection = Redis.from_url(BENCH_REDIS_URL)
    with app.app_context():
        prepare_worker()
        Worker(
            [
                Queue("bench-ahead", connection=connection),
                Queue("bench-batches", connection=connection),
            ],
            connection=connection,
            work_horse_killed_handler=record_killed_work_horse,
        ).work(burst=False, logging_level="WARNING")


def batch_portfolio(app, size: int) -> None:
    """The demo consultant's portfolio holds exactly ``size`` submitted assessments: the
    demo's, and new client organisations with one submitted assessment each."""

    from assessment.batches.service import reportable_assessments
    from assessment.content.registry import current_library
    from assessment.extensions import db
    from assessment.models import Engagement, Firm
    from assessment.questionnaire import service

    with app.test_request_context():
        consultant = demo_consultant()
        firm = db.session.get(Firm, consultant.firm_id)
        questionnaire = current_library().latest_published()
        rng = random.Random(14)  # noqa: S311 - repeatable answers, not secrets
        demo = len(reportable_assessments(consultant, None))
        require(demo <= size, f"the demo portfolio alone holds {demo} reports: ask for more")
        missing = size - demo
        for number in range(missing):
            assessment = service.start(questionnaire, "zh_CN")
            service.save_organisation(
                assessment,
                name=f"基准测试客户{number + 1:03d}有限公司",
                industry="discrete_manufacturing",
                size_band="medium",
                region="广东",
                respondent_name="",
            )
            service.save_answers(
                assessment,
                questionnaire,
                {
                    q.id: service.PostedAnswer(str(rng.randint(1, 5)), "")
                    for q in questionnaire.questions
                },
            )
            service.submit(assessment, questionnaire)
            db.session.add(Engagement(firm_id=firm.id, organisation_id=assessment.organisation_id))
            db.session.commit()
        require(len(reportable_assessments(consultant, None)) == size, "portfolio size")


def run_batch(app, folder: Path, layout: str, workers: int, language: str) -> float:
    """Start warm workers, ask for the portfolio's reports, and time them to the end."""
    from redis import Redis
    from rq import Worker

    from assessment.batches import jobs
    from assessment.batches.service import create_batch
    from assessment.extensions import db
    from assessment.models import ReportBatch

    connection = Redis.from_url(BENCH_REDIS_URL)
    processes = [
        subprocess.Popen(  # noqa: S603 - this same script, fixed arguments
            [
                sys.executable,
                __file__,
                "--child",
                "worker",
                "--folder",
                str(folder),
                "--layout",
                layout,
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(Worker.all(connection=connection)) < workers:
            if time.monotonic() > deadline:
                raise SystemExit("the workers did not start")
            time.sleep(0.2)
        time.sleep(1)  # past prepare_worker's warm-up render
        with app.test_request_context():
            consultant = demo_consultant()
            started = time.perf_counter()
            batch = create_batch(consultant, language, None)
            jobs.dispatch(batch)
            batch_id = batch.id
            while True:
                db.session.expire_all()
                if db.session.get(ReportBatch, batch_id).finished_at is not None:
                    return time.perf_counter() - started
                if time.perf_counter() - started > 1800:
                    raise SystemExit("the batch did not finish in 30 minutes")
                time.sleep(0.05)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # RQ's warm shut-down
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def forget_stored_reports(app) -> None:
    from sqlalchemy import delete

    from assessment.extensions import db
    from assessment.models import StoredReport
    from assessment.reports.store import stored_root

    with app.app_context():
        db.session.execute(delete(StoredReport))
        db.session.commit()
        shutil.rmtree(stored_root(), ignore_errors=True)


def store_half(app, language: str) -> int:

    from assessment.batches.service import reportable_assessments
    from assessment.reports import store

    with app.test_request_context():
        consultant = demo_consultant()
        assessments = reportable_assessments(consultant, None)
        for assessment in assessments[::2]:
            store.ready_report(assessment, language)
        return len(assessments[::2])


def batches(size: int, workers: int, language: str, rounds: int) -> dict[str, list[float]]:
    """Each kind of batch once per round, in turn, so that noise hits them alike."""
    from redis import Redis

    Redis.from_url(BENCH_REDIS_URL).flushdb()
    results: dict[str, list[float]] = {"before": [], "now, cold": [], "now, half stored": []}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        app = make_app(folder)
        load_demo_data(app)
        batch_portfolio(app, size)
        app.config.update(
            REDIS_URL=BENCH_REDIS_URL, BATCH_QUEUE="bench-batches", REPORT_AHEAD_QUEUE="bench-ahead"
        )
        for _ in range(rounds):
            forget_stored_reports(app)
            results["before"].append(run_batch(app, folder, "before", workers, language))
            forget_stored_reports(app)
            results["now, cold"].append(run_batch(app, folder, "now", workers, language))
            forget_stored_reports(app)
            store_half(app, language)
            results["now, half stored"].append(run_batch(app, folder, "now", workers, language))
    Redis.from_url(BENCH_REDIS_URL).flushdb()
    return results


# ---------------------------------------------------------------------------
# The report


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold renders per process")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes")
    parser.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en"])
    parser.add_argument("--downloads", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-rounds", type=int, default=3, help="each batch this often")
    parser.add_argument("--skip-batch", action="store_true", help="no Redis needed")
    parser.add_argument("--child", choices=["render", "worker"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--layout", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child == "render":
        print(json.dumps(render_child(arguments.runs, arguments.lang)))
        return
    if arguments.child == "worker":
        worker_child(arguments.folder, arguments.layout)
        return

    renders = []
    for _ in range(arguments.processes):
        output = subprocess.run(  # noqa: S603 - this same script, with fixed arguments
            [
                sys.executable,
                __file__,
                "--child",
                "render",
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
        renders.append(json.loads(output.stdout.strip().splitlines()[-1]))

    def gathered(key: str) -> list[float]:
        return [value for render in renders for value in render[key]]

    def median_ratio(key: str, plain: str) -> float:
        return statistics.median(a / b for a, b in zip(gathered(key), gathered(plain), strict=True))

    last = renders[-1]
    ratio_now, ratio_before = (
        median_ratio("now", "plain_now"),
        median_ratio("before", "plain_before"),
    )
    size_kb = last["bytes"]["now"] / 1024
    memory = max(render["peak_mb"] for render in renders)
    print(f"1. cold render ({arguments.lang}), {arguments.processes} processes x {arguments.runs}")
    print("              report     plain baseline   report/plain   pages   size")
    for key, ratio in (("now", ratio_now), ("before", ratio_before)):
        print(
            f"  {key:9s} {1000 * statistics.median(gathered(key)):7.0f} ms"
            f" {1000 * statistics.median(gathered('plain_' + key)):10.0f} ms"
            f" {ratio:13.2f} {last['pages'][key]:9d} {last['bytes'][key] / 1024:6.0f} KB"
        )
    print(
        f"  report/plain now {ratio_now:.2f}, target <= {TARGET_RATIO}: "
        f"{verdict(ratio_now <= TARGET_RATIO)}"
    )
    if arguments.lang == "zh-CN":
        print(
            f"  size now {size_kb:.0f} KB, target <= {TARGET_KB} KB: "
            f"{verdict(size_kb <= TARGET_KB)}"
        )
    print(
        f"  peak memory {memory:.0f} MB (the process held {max(r['app_mb'] for r in renders):.0f}"
        f" MB with app and demo data first), target <= {TARGET_MB} MB: "
        f"{verdict(memory <= TARGET_MB)}"
    )

    served = downloads(arguments.downloads, arguments.lang)
    p50 = 1000 * statistics.median(served["report"])
    bare = 1000 * statistics.median(served["bare"])
    p95 = 1000 * statistics.quantiles(served["report"], n=20)[-1]
    print(f"2. stored report downloaded through its route, {arguments.downloads} times")
    cold = 1000 * statistics.median(gathered("now"))
    print(
        f"  p50 {p50:.1f} ms (p95 {p95:.1f} ms); bare endpoint /healthz p50 {bare:.1f} ms;"
        f" ratio {p50 / bare:.1f}; a cold render takes {cold / p50:.0f} times as long"
    )
    print(f"  p50 target <= {TARGET_DOWNLOAD_MS:.0f} ms: {verdict(p50 <= TARGET_DOWNLOAD_MS)}")

    if arguments.skip_batch:
        return
    made = batches(arguments.batch_size, arguments.workers, arguments.lang, arguments.batch_rounds)
    before = statistics.median(made["before"])
    print(
        f"3. a batch of {arguments.batch_size} reports ({arguments.lang}),"
        f" {arguments.workers} workers, median of {arguments.batch_rounds} rounds"
    )
    for key, times in made.items():
        seconds = statistics.median(times)
        print(
            f"  {key:18s} {seconds:6.1f} s   {100 * seconds / before:4.0f} % of before"
            f"   ({', '.join(f'{t:.1f}' for t in times)} s)"
        )
    half = statistics.median(made["now, half stored"]) / before
    print(
        f"  half stored / before {100 * half:.0f} %, target <= {100 * TARGET_BATCH_SHARE:.0f} %:"
        f" {verdict(half <= TARGET_BATCH_SHARE)}"
    )


if __name__ == "__main__":
    main()
