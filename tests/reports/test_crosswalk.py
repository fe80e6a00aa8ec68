"""The reading on GB/T 39116 through the shipped crosswalk: on the results page and in
the report (with its method in Appendix A), in both languages, for the versions it
declares only."""

from sqlalchemy import select

from assessment.content.registry import current_library
from assessment.core.crosswalk import read
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Organisation
from assessment.questionnaire import service
from tests.reports.conftest import pdf_text


def latest_and_first(app):
    with app.app_context():
        organisation = db.session.execute(select(Organisation).order_by(Organisation.id)).scalar()
        submitted = history.submitted_of(organisation)
        library = current_library()
        latest = submitted[-1]
        questionnaire = service.questionnaire_of(latest, library)
        [crosswalk] = library.crosswalks_for(questionnaire)
        reading = read(crosswalk.rule, questionnaire.scoring_rules, service.scoring_answers(latest))
        first = submitted[0]
        first_version = first.questionnaire_version
        return latest.resume_token, first.resume_token, first_version, crosswalk, reading


def test_the_results_page_reads_the_assessment_on_gbt_39116(app, consultant_client, demo):
    token, _first, _version, crosswalk, reading = latest_and_first(app)
    page = consultant_client.get(f"/a/{token}/results", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    section = text[text.index('id="crosswalk-1"') :]
    section = section[: section.index("</section>")]
    overall = (
        crosswalk.level(reading.overall).name.en if reading.overall else "Below its first level"
    )
    assert f"<strong>Overall reading:</strong> {overall}" in section
    for area, found in zip(crosswalk.areas, reading.areas, strict=True):
        row = section[section.index(area.name.en) :]
        assert f"{found.answered} / {found.questions}" in row[: row.index("</tr>")]
    assert "This is an approximation" in section


def test_the_report_has_the_reading_and_its_method_in_both_languages(app, consultant_client, demo):
    token, _first, _version, _crosswalk, _reading = latest_and_first(app)
    english = " ".join(
        pdf_text(consultant_client.get(f"/a/{token}/report.pdf?lang=en").data).split()
    )
    assert "Read on GB/T 39116-2020" in english
    appendix = english[english.index("Dimension weights") :]  # its last section but these
    assert "The reading on GB/T 39116-2020" in appendix
    assert "Standardization Administration of China" in appendix  # the source
    chinese = " ".join(
        pdf_text(consultant_client.get(f"/a/{token}/report.pdf?lang=zh-CN").data).split()
    )
    assert "按GB/T 39116—2020《智能制造能力成熟度模型》读取" in chinese
    assert "能力要素" in chinese


def test_a_version_the_crosswalk_does_not_declare_is_not_read_on_it(app, consultant_client, demo):
    _token, first, version, crosswalk, _reading = latest_and_first(app)
    assert version not in crosswalk.versions  # the demo's earliest: the version before
    page = consultant_client.get(f"/a/{first}/results").get_data(as_text=True)
    assert 'id="crosswalk-1"' not in page
