"""The Word report: the PDF's report, editable, that Word and LibreOffice open as it is."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from assessment.batches import background
from assessment.content.registry import current_library
from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, StoredReport
from assessment.reports.context import build_report_context
from assessment.reports.word import EAST_ASIAN_FONT
from tests.conftest import form_token
from tests.reports.conftest import pdf_text
from tests.reports.test_safety_and_commentary import save_commentary, tiny_png
from tests.reports.test_stored_reports import change_plan

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORD_ONLY_CHAPTER = {"en": "Dimension by dimension", "zh-CN": "各维度详情"}
COMMENTARY = "Our reading: the data foundations come first."


def download(client, token, language, kind="docx"):
    """The response, its body read and the stored file it was sent from closed."""
    with client.get(f"/a/{token}/report.{kind}?lang={language}") as response:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        response.get_data()
    return response


def docx_text(document) -> str:
    return "".join(node.text or "" for node in document.element.body.iter(qn("w:t")))


def docx_headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def pdf_bookmarks(pdf: bytes) -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(PdfReader(io.BytesIO(pdf)).outline))


def indices(app, assessment_id, language):
    """The overall index and each dimension's, as the report shows them."""
    locale = "zh_CN" if language == "zh-CN" else "en"
    with app.test_request_context(), force_locale(locale):
        assessment = db.session.get(Assessment, assessment_id)
        results = build_report_context(assessment, current_library(), locale).results
        return [results.overall.index] + [card.index for card in results.dimensions]


@pytest.fixture
def reviewed(app, consultant_client, demo):
    """The demo's newest assessment with a consultant's commentary, logo and roadmap."""
    assessment_id, token, name = demo
    response = save_commentary(
        consultant_client,
        token,
        {"executive_summary": COMMENTARY, "prepared_by": "Li Na", "firm_name": "Acme Advisory"},
        {"logo": (io.BytesIO(tiny_png(40, 20)), "logo.png")},
    )
    assert response.status_code == 302
    change_plan(app, consultant_client, token)
    return assessment_id, token, name


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_word_report_has_the_pdfs_headings_numbers_commentary_logo_and_roadmap(
    app, consultant_client, reviewed, language
):
    assessment_id, token, name = reviewed
    response = download(consultant_client, token, language)
    assert response.mimetype == DOCX_TYPE
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(".docx")
    document = Document(io.BytesIO(response.data))
    pdf = download(consultant_client, token, language, "pdf").data

    headings = docx_headings(document)
    assert WORD_ONLY_CHAPTER[language] in headings
    assert [h for h in headings if h != WORD_ONLY_CHAPTER[language]] == pdf_bookmarks(pdf)
    assert ("Roadmap" if language == "en" else "路线图") in headings

    text, printed = docx_text(document), pdf_text(pdf)
    for index in indices(app, assessment_id, language):
        assert index
        assert index in text
        assert index in printed
    assert name in text
    assert COMMENTARY in text
    assert "Owner: Wang Fang" in text.replace("负责人：", "Owner: ")
    assert "Acme Advisory" in text
    assert len(document.inline_shapes) >= 2 + 38  # logo, radar, trend, a bar per question
    logo = document.inline_shapes[0]
    assert logo.height > 0
    assert logo.width > logo.height


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_run_names_the_east_asian_font_and_the_contents_are_a_word_field(
    consultant_client, demo, language
):
    _id, token, _name = demo
    document = Document(io.BytesIO(download(consultant_client, token, language).data))
    runs = list(document.element.body.iter(qn("w:r")))
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
    instructions = [node.text for node in document.element.body.iter(qn("w:instrText"))]
    assert any(instruction.strip().startswith("TOC") for instruction in instructions)
    contents = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
    assert contents[0] == ("Executive summary" if language == "en" else "摘要")
    settings = document.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="make test installs LibreOffice")
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_libreoffice_opens_the_word_report_and_prints_what_it_says(
    app, consultant_client, demo, tmp_path, language
):
    assessment_id, token, name = demo
    source = tmp_path / f"report-{language}.docx"
    source.write_bytes(download(consultant_client, token, language).data)
    converted = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert converted.returncode == 0, converted.stderr
    printed = pdf_text((tmp_path / f"report-{language}.pdf").read_bytes())
    assert name in printed
    headings = {
        "en": ("Executive summary", "Maturity profile", "Appendix A"),
        "zh-CN": ("摘要", "成熟度概况", "附录A"),
    }
    for heading in headings[language]:
        assert heading.replace(" ", "") in printed.replace(" ", "")
    for index in indices(app, assessment_id, language):
        assert index in printed


def test_the_word_report_is_stored_once_and_its_downloads_name_the_format(
    app, consultant_client, demo
):
    assessment_id, token, _name = demo
    first = download(consultant_client, token, "en").data
    second = download(consultant_client, token, "en").data
    download(consultant_client, token, "en", "pdf")
    assert second == first  # served from the stored file
    with app.app_context():
        rows = db.session.execute(
            select(StoredReport.format, StoredReport.file_name).order_by(StoredReport.format)
        ).all()
        assert [row.format for row in rows] == ["docx", "pdf"]
        assert rows[0].file_name.endswith(".docx")
        details = db.session.execute(
            select(AuditEvent.detail).where(
                AuditEvent.assessment_id == assessment_id,
                AuditEvent.action == "report.downloaded",
            )
        ).scalars()
        assert [detail["format"] for detail in details] == ["docx", "docx", "pdf"]


def test_the_command_line_and_the_api_write_the_word_report(app, runner, demo):
    assessment_id, _token, name = demo
    output = Path(app.config["BATCH_DIR"]) / "client.docx"
    result = runner.invoke(
        args=["report", str(assessment_id), "--format", "docx", "--lang", "en", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert name in docx_text(Document(output))
    refused = runner.invoke(args=["report", str(assessment_id), "--format", "odt"])
    assert refused.exit_code != 0
    assert "odt" in refused.output
    assert "docx" in refused.output


def test_the_results_page_offers_the_word_report_beside_the_pdf(consultant_client, demo):
    _id, token, _name = demo
    page = consultant_client.get(f"/a/{token}/results", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert f"/a/{token}/report.docx?lang=zh-CN" in html
    assert "Report in English (Word)" in html


def test_a_batch_of_word_reports_zips_docx_files(app, consultant_client, demo):
    _id, token, _name = demo
    with app.app_context():
        organisation_id = db.session.execute(
            select(Assessment.organisation_id).where(Assessment.resume_token == token)
        ).scalar_one()
    page = consultant_client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert 'name="format"' in page
    response = consultant_client.post(
        f"/organisations/{organisation_id}/reports",
        data={"csrf_token": form_token(page), "language": "en", "format": "docx"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    progress = response.headers["Location"]
    assert background.wait_until_idle(app, 120)
    with consultant_client.get(progress.rstrip("/") + "/reports.zip") as zipped:
        assert zipped.status_code == 200, zipped.get_data(as_text=True)[:300]
        zipped.get_data()
    assert zipped.headers["Content-Disposition"].endswith("-word.zip")
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as archive:
        names = archive.namelist()
        assert names
        assert all(n.endswith(".docx") for n in names)
        Document(io.BytesIO(archive.read(names[0])))  # a Word document, whole
