"""The cover names the questionnaire and its version in the reader's language and says who
prepared the report, a self-assessment included; a short summary shares its page with the
maturity profile rather than leaving half a page empty."""

import io

from pypdf import PdfReader

from tests.questionnaire.conftest import Respondent


def anonymous_report(client, questionnaire, language):
    """The report of a respondent who answered alone, with no consultant and no history."""
    respondent = Respondent(client, questionnaire)
    respondent.start()
    respondent.fill_organisation(name="Dongguan Precision Tooling")
    respondent.answer_all(lambda question: "2")
    assert respondent.submit().status_code == 302
    pdf = client.get(f"/a/{respondent.token}/report.pdf?lang={language}").data
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_cover_names_the_questionnaire_and_who_prepared_a_self_assessment(
    client, questionnaire
):
    for language, title, version, prepared in (
        ("zh-CN", questionnaire.title.zh_cn, f"第 {questionnaire.version} 版", "企业自评"),
        ("en", questionnaire.title.en, f"Version {questionnaire.version}", "a self-assessment"),
    ):
        cover = anonymous_report(client, questionnaire, language)[0]
        assert f"{title} · {version}" in cover
        assert questionnaire.id not in cover
        assert prepared in cover


def test_a_short_summary_shares_its_page_with_the_maturity_profile(client, questionnaire):
    summary_page = anonymous_report(client, questionnaire, "en")[1]  # after the cover
    assert "Executive summary" in summary_page
    assert "Maturity profile" in summary_page
