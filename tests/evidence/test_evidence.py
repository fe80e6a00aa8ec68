"""Evidence behind answers: files attached (checked by their bytes, never served inline),
a confidence per answer, a consultant's mark, and the reading on verified answers only
on the evidence page, the results page and the report."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from assessment.accounts import service as accounts
from assessment.content.registry import current_library
from assessment.core import evidence as core
from assessment.core.scoring import Level
from assessment.evidence import service
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import (
    AnswerReview,
    AuditEvent,
    EvidenceFile,
    Membership,
    Organisation,
)
from assessment.portfolio.deletion import delete_organisation
from assessment.questionnaire import service as questionnaires
from tests.conftest import form_token
from tests.plans.test_targets import log_in_as_consultant, log_in_as_member
from tests.reports.conftest import log_in, pdf_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
QUESTION = "data_quality"


def workbook():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def latest(app, organisation_id):
    """The id and resume token of the demo organisation's latest submitted assessment."""
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        assessment = history.submitted_of(organisation)[-1]
        return assessment.id, assessment.resume_token


def page_url(organisation_id, assessment_id):
    return f"/organisations/{organisation_id}/assessments/{assessment_id}/evidence"


def post_review(client, organisation_id, assessment_id, question=QUESTION, upload=None, **fields):
    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    data = {f"{question}-csrf_token": form_token(page)}
    data |= {f"{question}-{name}": value for name, value in fields.items()}
    if upload is not None:
        content, name = upload
        data[f"{question}-file"] = (io.BytesIO(content), name)
    return client.post(
        f"{page_url(organisation_id, assessment_id)}/{question}",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def files_of(app, assessment_id):
    with app.app_context():
        return [
            (f.display_name, f.kind, f.file_name)
            for f in db.session.execute(
                select(EvidenceFile)
                .where(EvidenceFile.assessment_id == assessment_id)
                .order_by(EvidenceFile.id)
            ).scalars()
        ]


def test_a_consultant_attaches_evidence_gives_confidence_and_verifies(
    app, client, organisation_id, latest
):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    response = post_review(
        client,
        organisation_id,
        assessment_id,
        upload=(PDF, "数据质量报告 2026.pdf"),
        confidence="high",
        verification="verified",
        note="Checked against the MES export.",
    )
    assert response.status_code == 200
    assert "Saved." in response.get_data(as_text=True)
    [(name, kind, stored)] = files_of(app, assessment_id)
    assert (name, kind) == ("数据质量报告 2026.pdf", "pdf")
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.pdf", stored)
    assert (Path(app.config["UPLOAD_DIR"]) / stored).read_bytes() == PDF

    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    answer = page[page.index(f'id="question-{QUESTION}"') :]
    answer = answer[: answer.index("</article>")]
    assert "Confidence: high" in answer
    assert "Verified" in answer
    link = re.search(r'href="([^"]+/files/\d+)"', answer)[1]
    download = client.get(link)
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "UTF-8''" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    with app.app_context():
        events = set(
            db.session.execute(
                select(AuditEvent.action).where(AuditEvent.action.like("evidence.%"))
            ).scalars()
        )
    assert events == {"evidence.attached", "evidence.reviewed"}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"MZ\x90\x00" + b"\0" * 100,
            "quality-report.pdf",
            "none of them (whatever its name says)",
        ),
        (b"<html><script>alert(1)</script></html>", "evidence.png", "none of them"),
        (b"", "empty.pdf", "The file is empty."),
        (PDF + b"\0" * service.EVIDENCE_MAX_BYTES, "huge.pdf", "larger than 10 MB"),
    ],
)
def test_a_file_that_is_not_evidence_is_refused_and_nothing_is_saved(
    app, client, organisation_id, latest, content, name, message
):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    response = post_review(
        client, organisation_id, assessment_id, upload=(content, name), confidence="low"
    )
    page = response.get_data(as_text=True)
    assert message in page
    assert "Nothing was saved for this answer." in page
    assert files_of(app, assessment_id) == []
    with app.app_context():  # the confidence posted with it was not saved either
        assert db.session.execute(select(func.count()).select_from(AnswerReview)).scalar() == 0
    stored = Path(app.config["UPLOAD_DIR"]) / "evidence"
    assert not stored.exists() or list(stored.iterdir()) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    app, client, organisation_id, latest
):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    body = b"x" * (service.EVIDENCE_MAX_BYTES + 200 * 1024)
    response = client.post(
        f"{page_url(organisation_id, assessment_id)}/{QUESTION}",
        data=body,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_names_are_only_shown_and_duplicates_are_kept_apart(app, client, organisation_id, latest):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    post_review(client, organisation_id, assessment_id, upload=(PDF, "../../../etc/passwd"))
    post_review(client, organisation_id, assessment_id, upload=(PNG, "report.png"))
    other = PNG + b"different"
    post_review(client, organisation_id, assessment_id, upload=(other, "report.png"))
    response = post_review(client, organisation_id, assessment_id, upload=(PNG, "again.png"))
    assert "attached to the answer already, as report.png" in response.get_data(as_text=True)
    post_review(client, organisation_id, assessment_id, upload=(workbook(), "figures.xlsx"))
    found = files_of(app, assessment_id)
    assert [(name, kind) for name, kind, _stored in found] == [
        ("passwd.pdf", "pdf"),
        ("report.png", "png"),
        ("report.png", "png"),
        ("figures.xlsx", "xlsx"),
    ]
    uploads = Path(app.config["UPLOAD_DIR"]).resolve()
    for _name, _kind, stored in found:
        assert (uploads / stored).resolve().parent == uploads / "evidence"
    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    links = re.findall(r'href="([^"]+/files/\d+)"', page)
    assert [client.get(link).data for link in links[1:3]] == [PNG, other]


def test_only_a_consultant_marks_an_answer(app, client, organisation_id, latest):
    assessment_id, _token = latest
    with app.app_context():
        owner = accounts.create_user("owner@example.com", "a long enough password")
        db.session.add(Membership(user_id=owner.id, organisation_id=organisation_id, role="owner"))
        db.session.commit()
    log_in(client, "owner@example.com", "a long enough password")
    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    assert f'name="{QUESTION}-confidence"' in page  # the owner gives confidence
    assert f'name="{QUESTION}-verification"' not in page  # but does not check itself
    post_review(
        client, organisation_id, assessment_id, confidence="medium", verification="verified"
    )
    with app.app_context():
        review = db.session.execute(select(AnswerReview)).scalar_one()
        assert (review.confidence, review.verification) == ("medium", None)


def test_a_member_reads_and_downloads_but_changes_nothing(app, client, organisation_id, latest):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    post_review(client, organisation_id, assessment_id, upload=(PDF, "audit.pdf"))
    log_in_as_member(app, client, organisation_id)
    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    assert "audit.pdf" in page
    assert "<select" not in page
    link = re.search(r'href="([^"]+/files/(\d+))"', page)
    assert client.get(link[1]).data == PDF
    token = form_token(page)
    assert client.post(f"{link[1]}/remove", data={"csrf_token": token}).status_code == 403
    response = client.post(
        f"{page_url(organisation_id, assessment_id)}/{QUESTION}",
        data={f"{QUESTION}-csrf_token": token, f"{QUESTION}-confidence": "low"},
    )
    assert response.status_code == 403
    assert len(files_of(app, assessment_id)) == 1


def test_unknown_questions_and_other_assessments_files_are_not_found(
    app, client, organisation_id, latest
):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    post_review(client, organisation_id, assessment_id, upload=(PDF, "a.pdf"))
    with app.app_context():
        file_id = db.session.execute(select(EvidenceFile.id)).scalar_one()
        organisation = db.session.get(Organisation, organisation_id)
        earlier = history.submitted_of(organisation)[0].id
    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    response = client.post(
        f"{page_url(organisation_id, assessment_id)}/no_such_question",
        data={"csrf_token": form_token(page)},
    )
    assert response.status_code == 404
    assert client.get(f"{page_url(organisation_id, earlier)}/files/{file_id}").status_code == 404


def test_removing_a_file_deletes_it(app, client, organisation_id, latest):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    post_review(client, organisation_id, assessment_id, upload=(PDF, "a.pdf"))
    [(_name, _kind, stored)] = files_of(app, assessment_id)
    page = client.get(page_url(organisation_id, assessment_id)).get_data(as_text=True)
    link = re.search(r'href="([^"]+/files/\d+)"', page)[1]
    client.post(f"{link}/remove", data={"csrf_token": form_token(page)})
    assert files_of(app, assessment_id) == []
    assert not (Path(app.config["UPLOAD_DIR"]) / stored).exists()


def test_deleting_the_organisation_deletes_its_evidence_files(app, client, organisation_id, latest):
    assessment_id, _token = latest
    log_in_as_consultant(client)
    post_review(client, organisation_id, assessment_id, upload=(PDF, "a.pdf"))
    [(_name, _kind, stored)] = files_of(app, assessment_id)
    with app.app_context():
        delete_organisation(organisation_id)
    assert not (Path(app.config["UPLOAD_DIR"]) / stored).exists()
    assert files_of(app, assessment_id) == []


def verify(client, organisation_id, assessment_id, question_ids):
    for question_id in question_ids:
        post_review(client, organisation_id, assessment_id, question_id, verification="verified")


def test_the_results_and_the_report_read_the_strict_level_on_verified_answers(
    app, client, organisation_id, latest
):
    assessment_id, token = latest
    log_in_as_consultant(client)
    before = client.get(f"/a/{token}/results").get_data(as_text=True)
    assert "On verified answers only" not in before
    with app.app_context():
        assessment = history.submitted_of(db.session.get(Organisation, organisation_id))[-1]
        questionnaire = questionnaires.questionnaire_of(assessment, current_library())
        answers = questionnaires.scoring_answers(assessment)
        data_questions = [q.id for q in questionnaire.dimension("data").questions]
        levelled = sum(1 for q in data_questions if isinstance(answers.get(q), Level))
        expected = core.verified_score(
            questionnaire.scoring_rules, answers, set(data_questions)
        ).overall.strict_level
    verify(client, organisation_id, assessment_id, data_questions)
    post_review(client, organisation_id, assessment_id, upload=(PDF, "a.pdf"))

    page = client.get(f"/a/{token}/results").get_data(as_text=True)
    strict = page[page.index('id="verified-strict"') :]
    assert f"Level {int(expected)}" in strict[: strict.index("</p>")]
    data_card = page[page.index('id="dimension-data"') :]
    data_card = data_card[: data_card.index("</article>")]
    assert f"verified: {levelled}" in data_card
    assert "Backed by evidence: 1 of" in data_card

    report = " ".join(pdf_text(client.get(f"/a/{token}/report.pdf?lang=en").data).split())
    assert "Read on verified answers only, the strict level is" in report
    assert f"the consultant verified {levelled} and challenged 0" in report


def test_the_exports_carry_each_answers_confidence_mark_and_files(
    app, client, organisation_id, latest
):
    import csv

    assessment_id, _token = latest
    log_in_as_consultant(client)
    post_review(
        client,
        organisation_id,
        assessment_id,
        upload=(PDF, "a.pdf"),
        confidence="high",
        verification="challenged",
    )
    text = client.get(f"/organisations/{organisation_id}/export.csv?lang=en").data.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    [row] = [
        r for r in rows if r["Assessment"] == str(assessment_id) and r["Question ID"] == QUESTION
    ]
    assert (row["Confidence"], row["Consultant's check"], row["Evidence files"]) == (
        "high",
        "Challenged",
        "1",
    )
    others = [r for r in rows if r["Question ID"] != QUESTION]
    assert {r["Evidence files"] for r in others} == {"0"}
    document = client.get(f"/organisations/{organisation_id}/export.json").get_json()
    [answer] = [
        a
        for assessment in document["assessments"]
        if assessment["id"] == assessment_id
        for a in assessment["answers"]
        if a["question_id"] == QUESTION
    ]
    assert (answer["confidence"], answer["verification"], answer["evidence_files"]) == (
        "high",
        "challenged",
        1,
    )
