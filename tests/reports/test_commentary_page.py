"""The consultant's commentary has its own page, reached from the top of the results; a
problem is shown at its field with everything typed kept; and the results page says what
the report holds for whoever is reading it."""

import html

from tests.conftest import form_token
from tests.reports.test_safety_and_commentary import save_commentary

ENGLISH = {"Accept-Language": "en"}


def results_page(client, token):
    return html.unescape(client.get(f"/a/{token}/results", headers=ENGLISH).get_data(as_text=True))


def test_a_consultant_reaches_the_commentary_from_the_top_of_the_results(consultant_client, demo):
    _id, token, _name = demo
    page = results_page(consultant_client, token)
    header = page[page.index('class="results-header"') :].split("</header>", 1)[0]
    assert f'href="/a/{token}/commentary">Write the report commentary</a>' in header
    editor = consultant_client.get(f"/a/{token}/commentary", headers=ENGLISH)
    assert editor.status_code == 200
    assert 'name="executive_summary"' in editor.get_data(as_text=True)


def test_an_expired_form_token_keeps_what_was_typed(consultant_client, demo):
    _id, token, _name = demo
    response = consultant_client.post(
        f"/a/{token}/commentary",
        data={"csrf_token": "expired", "executive_summary": "Three paragraphs of advice"},
        headers=ENGLISH,
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "the commentary was not saved. Save it again." in page
    assert "Three paragraphs of advice</textarea>" in page
    assert form_token(page) != "expired"  # a fresh token to save with


def test_the_report_panel_names_commentary_only_for_who_writes_or_gets_it(
    client, consultant_client, demo
):
    _id, token, _name = demo
    assert "and your commentary and branding." in results_page(consultant_client, token)
    consultant_client.post("/logout", data={"csrf_token": form_token(results_page(client, token))})

    anonymous = results_page(client, token)
    assert "every number explained and the history of this organisation's assessments." in (
        anonymous
    )
    assert "commentary" not in anonymous[anonymous.index('id="report"') :].split("</section>")[0]


def test_a_link_holder_reads_that_the_consultants_commentary_is_in_the_report(
    client, consultant_client, demo
):
    _id, token, _name = demo
    assert save_commentary(consultant_client, token, {"executive_summary": "Act on data first."})
    consultant_client.post("/logout", data={"csrf_token": form_token(results_page(client, token))})
    assert "and your consultant's commentary." in results_page(client, token)
