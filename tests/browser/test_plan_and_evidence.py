"""A consultant, in a real browser, sets target levels, makes the roadmap of the proposed
steps (adds them, reorders, gives an owner and a status, adds an action of their own),
attaches evidence to an answer and verifies it, then downloads the report with the
roadmap chapter, in Chinese and in English."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Organisation
from tests.browser.conftest import Interface, log_in, open_page
from tests.reports.conftest import DEMO_CONSULTANT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_words(pdf: bytes) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_a_consultant_plans_attaches_evidence_and_hands_over_the_report(
    app, runner, live_server, browser, tmp_path, locale
):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        organisation = db.session.execute(select(Organisation).order_by(Organisation.id)).scalar()
        organisation_id = organisation.id
        latest = history.submitted_of(organisation)[-1]
        latest_id, token = latest.id, latest.resume_token
    ui = Interface(app, locale)
    language = "en" if locale.startswith("en") else "zh-CN"
    page = open_page(browser, locale, accept_downloads=True)
    log_in(page, live_server, *DEMO_CONSULTANT)

    # Target levels, from the organisation's page.
    page.goto(f"{live_server}/organisations/{organisation_id}")
    page.get_by_role("link", name=ui("Target levels"), exact=True).first.click()
    page.locator("#level_cost").select_option("4")
    page.locator("#due_cost").fill("2027-06-30")
    page.locator("#level_data").select_option("4")
    page.get_by_role("button", name=ui("Save the targets")).click()
    expect(page.locator(".notice-success")).to_be_visible()

    # The roadmap: every proposed step into the plan, then put in order.
    page.goto(f"{live_server}/organisations/{organisation_id}")
    page.get_by_role("link", name=ui("Roadmap"), exact=True).first.click()
    proposals = page.locator("#proposals tbody tr")
    count = proposals.count()
    assert count > 2
    first_step = proposals.first.locator(".action-title").inner_text()
    page.locator("#proposals form.actions button").click()
    rows = page.locator("#actions tbody tr")
    expect(rows).to_have_count(count)
    expect(rows.first.locator(".action-title")).to_have_text(first_step)
    rows.nth(1).get_by_role("button", name=ui("Move up")).click()
    expect(page.locator("#actions tbody tr").nth(1).locator(".action-title")).to_have_text(
        first_step
    )

    # The first step (now second) gets an owner and is done.
    page.locator("#actions tbody tr").nth(1).get_by_role("link", name=ui("Edit")).click()
    page.get_by_label(ui("Owner")).fill("王芳")
    page.get_by_label(ui("Status")).select_option("done")
    page.get_by_role("button", name=ui("Save the action")).click()
    done_row = page.locator("#actions tbody tr").nth(1)
    expect(done_row).to_contain_text("王芳")
    expect(done_row).to_contain_text(ui("Done"))

    # An action of the consultant's own.
    page.get_by_label(ui("Action"), exact=True).fill("Appoint a data steward 数据专员")
    page.get_by_label(ui("Due by")).fill("2027-03-31")
    page.get_by_role("button", name=ui("Add the action")).click()
    expect(page.locator("#actions tbody tr")).to_have_count(count + 1)

    # Evidence for one answer of the latest assessment, verified.
    page.goto(f"{live_server}/organisations/{organisation_id}")
    page.locator(f'a[href$="/assessments/{latest_id}/evidence"]').click()
    answer = page.locator("#question-data_quality")
    answer.get_by_text(ui("Review this answer or attach evidence")).click()
    answer.get_by_label(ui("Confidence")).select_option("high")
    answer.get_by_label(ui("Consultant's check")).select_option("verified")
    evidence = tmp_path / "质量月报.pdf"
    evidence.write_bytes(PDF)
    answer.locator('input[type="file"]').set_input_files(str(evidence))
    answer.get_by_role("button", name=ui("Save"), exact=True).click()
    answer = page.locator("#question-data_quality")
    expect(answer.get_by_role("link", name="质量月报.pdf")).to_be_visible()
    expect(answer).to_contain_text(ui("Verified"))
    with page.expect_download() as started:
        answer.get_by_role("link", name="质量月报.pdf").click()
    assert Path(started.value.path()).read_bytes() == PDF

    # The report, downloaded from the results page, has the plan and the evidence.
    page.goto(f"{live_server}/a/{token}/results")
    name = ui("Report in English (PDF)") if language == "en" else ui("Report in Chinese (PDF)")
    with page.expect_download(timeout=120_000) as started:
        page.get_by_role("link", name=name).click()
    words = pdf_words(Path(started.value.path()).read_bytes())
    assert "".join(ui("Roadmap").split()) in words
    assert "王芳" in words
    assert "Appointadatasteward数据专员" in words
    assert re.sub(r"\s", "", ui("How the roadmap's steps are ranked")) in words
    page.context.close()
