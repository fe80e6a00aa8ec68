"""A report is made once and served from its file until something it is made from changes."""

import io
import shutil
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader
from PIL import Image
from sqlalchemy import select

from assessment.config import ROOT
from assessment.content.registry import EXTENSION_KEY
from assessment.core.content.library import ContentLibrary
from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, Organisation, StoredReport
from assessment.reports import store
from tests.conftest import form_token
from tests.reports.conftest import pdf_text
from tests.reports.test_safety_and_commentary import save_commentary, tiny_png


def download(client, token, language="en"):
    with client.get(f"/a/{token}/report.pdf?lang={language}") as response:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "private, no-store"
        return response.data


def stored_files(app):
    """Every stored report file, with when it was written."""
    root = Path(app.config["BATCH_DIR"]) / "stored"
    return {path.name: path.stat().st_mtime_ns for path in root.rglob("*.pdf")}


def stored_rows(app):
    with app.app_context():
        return db.session.execute(
            select(StoredReport.assessment_id, StoredReport.language, StoredReport.fingerprint)
        ).all()


def test_downloading_twice_makes_the_report_once(app, consultant_client, demo):
    assessment_id, token, _name = demo
    first = download(consultant_client, token)
    files = stored_files(app)
    assert len(files) == 1

    second = download(consultant_client, token)

    assert second == first
    assert stored_files(app) == files  # served from the file, not written again
    assert [(row.assessment_id, row.language) for row in stored_rows(app)] == [
        (assessment_id, "en")
    ]
    with app.app_context():
        downloads = db.session.execute(
            select(AuditEvent.action).where(AuditEvent.assessment_id == assessment_id)
        ).scalars()
        assert list(downloads).count("report.downloaded") == 2  # each download is on record


def test_each_language_is_its_own_stored_report(app, consultant_client, demo):
    _id, token, _name = demo
    english = download(consultant_client, token, "en")
    chinese = download(consultant_client, token, "zh-CN")
    assert "Executive summary" in pdf_text(english)
    assert "成熟度评估报告" in pdf_text(chinese)
    assert sorted(row.language for row in stored_rows(app)) == ["en", "zh-CN"]
    assert download(consultant_client, token, "en") == english


def change_commentary(app, client, token):
    save_commentary(client, token, {"executive_summary": "Stored reports follow commentary."})
    return "Stored reports follow commentary."


def change_logo(app, client, token):
    save_commentary(client, token, {}, {"logo": (io.BytesIO(tiny_png()), "logo.png")})


def change_organisation_name(app, client, token):
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        db.session.get(Organisation, assessment.organisation_id).name = "Renamed Works Ltd"
        db.session.commit()
    return "Renamed Works Ltd"


def change_questionnaire_content(app, client, token):
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        key = (assessment.questionnaire_id, assessment.questionnaire_version)
    library = app.extensions[EXTENSION_KEY]
    questionnaire = library.questionnaires[key]
    retitled = questionnaire.model_copy(
        update={"title": questionnaire.title.model_copy(update={"en": "Retitled questionnaire"})}
    )
    app.extensions[EXTENSION_KEY] = ContentLibrary(
        {**library.questionnaires, key: retitled}, library.organisation_options, library.roadmap
    )
    return "Retitled questionnaire"


def ids_of(app, token):
    """The assessment's id and its organisation's, from its link's token."""
    with app.app_context():
        return tuple(
            db.session.execute(
                select(Assessment.id, Assessment.organisation_id).where(
                    Assessment.resume_token == token
                )
            ).one()
        )


def change_targets(app, client, token):
    """A consultant sets a target level (the report shows it with its gap)."""
    _assessment_id, organisation_id = ids_of(app, token)
    page = client.get(f"/organisations/{organisation_id}/targets").get_data(as_text=True)
    response = client.post(
        f"/organisations/{organisation_id}/targets",
        data={"csrf_token": form_token(page), "level_data": "5", "due_data": "2029-03-31"},
    )
    assert response.status_code == 302
    return "Target: Level 5"


def change_plan(app, client, token):
    """A consultant adds an action to the roadmap (the latest report has it as a chapter)."""
    _assessment_id, organisation_id = ids_of(app, token)
    page = client.get(f"/organisations/{organisation_id}/plan").get_data(as_text=True)
    response = client.post(
        f"/organisations/{organisation_id}/plan/actions",
        data={
            "csrf_token": form_token(page),
            "title": "Appoint a data steward",
            "owner": "Wang Fang",
            "status": "doing",
        },
    )
    assert response.status_code == 302
    return "Owner: Wang Fang"


def change_evidence(app, client, token):
    """A consultant verifies an answer (the report says how many are verified)."""
    assessment_id, organisation_id = ids_of(app, token)
    url = f"/organisations/{organisation_id}/assessments/{assessment_id}/evidence"
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        f"{url}/data_quality",
        data={"data_quality-csrf_token": form_token(page), "data_quality-verification": "verified"},
    )
    assert response.status_code == 302
    return "the consultant verified 1 and challenged 0"


def change_template(app, client, token, tmp_path):
    folder = tmp_path / "templates" / "reports"
    folder.mkdir(parents=True)
    source = (ROOT / "templates" / "reports" / "report.html").read_text(encoding="utf-8")
    (folder / "report.html").write_text(
        source.replace("<body>", "<body><p>A changed template</p>", 1), encoding="utf-8"
    )
    app.jinja_env.loader = ChoiceLoader(
        [FileSystemLoader(str(tmp_path / "templates")), app.jinja_env.loader]
    )
    return "A changed template"


def copied_static(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    app.static_folder = str(static)
    return static


def change_stylesheet(app, client, token, tmp_path):
    stylesheet = copied_static(app, tmp_path) / "css" / "report.css"
    stylesheet.write_text(
        stylesheet.read_text(encoding="utf-8") + "\nh2 { color: #8a1c1c; }\n", encoding="utf-8"
    )


def change_level_bar(app, client, token, tmp_path):
    """An image the stylesheet draws (a level's bar) is redrawn in another colour."""
    bar = copied_static(app, tmp_path) / "img" / "report" / "bar-3.png"
    with Image.open(bar) as image:
        image.putpixel((0, 0), (138, 28, 28))
        image.save(bar)


@pytest.mark.parametrize(
    "change",
    [
        change_commentary,
        change_logo,
        change_organisation_name,
        change_targets,
        change_plan,
        change_evidence,
        change_questionnaire_content,
        change_template,
        change_stylesheet,
        change_level_bar,
    ],
)
def test_a_report_is_made_again_whenever_what_it_is_made_from_changes(
    app, consultant_client, demo, change, tmp_path
):
    _id, token, _name = demo
    before = download(consultant_client, token)
    [(_a, _l, old_fingerprint)] = stored_rows(app)

    arguments = (tmp_path,) if "tmp_path" in change.__code__.co_varnames else ()
    shown = change(app, consultant_client, token, *arguments)
    after = download(consultant_client, token)

    assert after != before
    if shown:
        assert shown in pdf_text(after).replace("\n", " ")
        assert shown not in pdf_text(before).replace("\n", " ")
    [(_a, _l, new_fingerprint)] = stored_rows(app)
    assert new_fingerprint != old_fingerprint
    assert len(stored_files(app)) == 1  # the out-of-date file is gone
    assert download(consultant_client, token) == after  # and the new one is kept


def test_a_changed_message_catalogue_makes_the_report_again(app, consultant_client, demo, tmp_path):
    _assessment_id, token, _name = demo
    catalogues = tmp_path / "translations"
    shutil.copytree(app.config["BABEL_TRANSLATION_DIRECTORIES"], catalogues)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogues)
    download(consultant_client, token, "zh-CN")
    [(_a, _l, old_fingerprint)] = stored_rows(app)

    for compiled in catalogues.glob("*/LC_MESSAGES/messages.mo"):
        compiled.write_bytes(compiled.read_bytes() + b"\0")  # as a new release would
    download(consultant_client, token, "zh-CN")

    [(_a, _l, new_fingerprint)] = stored_rows(app)
    assert new_fingerprint != old_fingerprint


def test_a_later_assessment_leaves_the_earlier_reports_alone(app, consultant_client, demo):
    """An earlier report's history ends with its own assessment: nothing later shows."""
    _id, token, _name = demo
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        earlier = db.session.execute(
            select(Assessment)
            .where(
                Assessment.organisation_id == assessment.organisation_id,
                Assessment.submitted_at < assessment.submitted_at,
                Assessment.parent_id.is_(None),
            )
            .order_by(Assessment.submitted_at)
        ).scalars()
        earlier_token = next(iter(earlier)).resume_token
    download(consultant_client, earlier_token)
    files = stored_files(app)
    download(consultant_client, token)  # the newest report, made now
    download(consultant_client, earlier_token)
    assert set(files.items()) < set(stored_files(app).items())


def test_deleting_the_organisation_deletes_its_stored_reports(app, consultant_client, demo, runner):
    assessment_id, token, _name = demo
    download(consultant_client, token, "en")
    download(consultant_client, token, "zh-CN")
    with app.app_context():
        organisation_id = db.session.get(Assessment, assessment_id).organisation_id
    assert len(stored_files(app)) == 2

    result = runner.invoke(args=["organisations", "delete", str(organisation_id), "--yes"])

    assert result.exit_code == 0, result.output
    assert stored_files(app) == {}
    assert not (Path(app.config["BATCH_DIR"]) / "stored" / str(organisation_id)).exists()
    assert stored_rows(app) == []


def test_a_report_whose_file_went_missing_is_made_again(app, consultant_client, demo):
    _id, token, _name = demo
    first = download(consultant_client, token)
    for path in (Path(app.config["BATCH_DIR"]) / "stored").rglob("*.pdf"):
        path.unlink()
    assert download(consultant_client, token) == first
    assert len(stored_files(app)) == 1


def test_a_report_that_cannot_be_stored_is_still_served(app, consultant_client, demo):
    _id, token, _name = demo
    Path(app.config["BATCH_DIR"]).mkdir(parents=True, exist_ok=True)
    (Path(app.config["BATCH_DIR"]) / "stored").write_text("not a folder")
    assert "Executive summary" in pdf_text(download(consultant_client, token))
    assert stored_rows(app) == []


def test_the_api_and_the_command_line_serve_the_stored_report(app, consultant_client, demo, runner):
    assessment_id, token, _name = demo
    from_the_web = download(consultant_client, token, "zh-CN")
    files = stored_files(app)
    output = Path(app.config["BATCH_DIR"]) / "written.pdf"
    result = runner.invoke(
        args=["report", str(assessment_id), "--lang", "zh-CN", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == from_the_web
    assert stored_files(app) == files
    with app.test_request_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert store.ready_report(assessment, "zh-CN").read() == from_the_web
