"""The portfolio and organisation lists as a consultant reads them: in pages, with the
filters kept, a summary on top, a search that finds a Chinese name, and a clear answer to
a query string that asks for what the list does not have."""

import re

import pytest
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Engagement, Organisation, User
from tests.conftest import form_token
from tests.portfolio.conftest import ENGLISH, rows_of
from tests.reports.conftest import DEMO_CONSULTANT, log_in

EXTRA_CLIENTS = 120


@pytest.fixture
def large_portfolio(app, demo_loaded):
    """The demo firm serves 120 more clients, named 客户001..客户120, none assessed."""
    with app.app_context():
        consultant = db.session.execute(
            select(User).where(User.email == DEMO_CONSULTANT[0])
        ).scalar_one()
        for number in range(1, EXTRA_CLIENTS + 1):
            organisation = Organisation(
                name=f"客户{number:03d}", industry="logistics_supply_chain", size_band="small"
            )
            db.session.add(organisation)
            db.session.flush()
            db.session.add(Engagement(firm_id=consultant.firm_id, organisation_id=organisation.id))
        db.session.commit()
    return demo_loaded


def test_a_large_portfolio_pages_by_fifty_and_the_links_keep_the_filters(client, large_portfolio):
    log_in(client, *DEMO_CONSULTANT)
    first = client.get("/portfolio?industry=logistics_supply_chain&sort=name", headers=ENGLISH)
    page = first.get_data(as_text=True)
    assert rows_of(page) == [f"客户{n:03d}" for n in range(1, 51)]
    assert "1–50 of 120" in page
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page)[1].replace("&amp;", "&")
    assert "industry=logistics_supply_chain" in next_link
    assert "sort=name" in next_link
    assert "page=2" in next_link
    last = client.get(
        "/portfolio?industry=logistics_supply_chain&sort=name&page=3", headers=ENGLISH
    )
    assert rows_of(last.get_data(as_text=True)) == [f"客户{n:03d}" for n in range(101, 121)]
    assert "101–120 of 120" in last.get_data(as_text=True)


def test_typing_part_of_a_chinese_name_finds_the_client(client, large_portfolio):
    log_in(client, *DEMO_CONSULTANT)
    found = client.get("/portfolio?q=华拓", headers=ENGLISH).get_data(as_text=True)
    assert rows_of(found) == ["深圳华拓精密制造有限公司"]
    found = client.get("/portfolio?q=客户11", headers=ENGLISH).get_data(as_text=True)
    assert rows_of(found) == [f"客户{n}" for n in range(110, 120)]
    wildcard = client.get("/portfolio?q=%25", headers=ENGLISH).get_data(as_text=True)
    assert rows_of(wildcard) == []  # "%" is looked for as itself, not as "anything"


def test_the_summary_counts_the_whole_portfolio_and_links_to_each_level(client, large_portfolio):
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/portfolio?q=华拓", headers=ENGLISH).get_data(as_text=True)
    summary = page[
        page.index('class="summary"') : page.index("</ul>", page.index('class="summary"'))
    ]
    clients = re.search(r"Clients</span><strong>([\d,]+)</strong>", summary)[1]
    assert clients == "123"  # three demo clients and 120 more, whatever the filter
    unscored = re.search(r"No score yet</span><strong>([\d,]+)</strong>", summary)[1]
    assert unscored == "120"
    in_progress = re.search(r"Assessment in progress</span><strong>(\d+)</strong>", summary)[1]
    assert in_progress == "1"  # the demo's draft
    level_link = re.search(r'href="(/portfolio\?level=\d)"', summary)[1]
    assert client.get(level_link, headers=ENGLISH).status_code == 200


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=0", 400, "whole number from 1"),
        ("page=-3", 400, "whole number from 1"),
        ("page=abc", 400, "whole number from 1"),
        ("page=1000000000", 404, "There is no page 1000000000"),
        ("page=99999999999999999999999999", 404, "There is no page"),
        ("sort=DROP+TABLE", 400, "Choose one of: name, index, date"),
        ("level=9", 400, "Choose one of: 1, 2, 3, 4, 5, none"),
        ("status=archived", 400, "Choose one of: draft, submitted, none"),
        ("industry=mining", 400, "cannot use industry"),
    ],
)
def test_a_query_string_the_list_does_not_have_gets_a_clear_answer(
    client,
    demo_loaded,
    query,
    status,
    message,
):
    log_in(client, *DEMO_CONSULTANT)
    response = client.get(f"/portfolio?{query}", headers=ENGLISH)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_very_long_search_is_cut_not_refused(client, demo_loaded):
    log_in(client, *DEMO_CONSULTANT)
    response = client.get("/portfolio?q=" + "华" * 5000, headers=ENGLISH)
    assert response.status_code == 200
    assert rows_of(response.get_data(as_text=True)) == []


def test_the_organisations_page_pages_and_finds_by_name(client, large_portfolio):
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "1–20 of 123" in page
    found = client.get("/organisations?q=客户12", headers=ENGLISH).get_data(as_text=True)
    assert re.findall(r"<h2><a [^>]*>([^<]+)</a></h2>", found) == ["客户120"]
    assert client.get("/organisations?page=0", headers=ENGLISH).status_code == 400


def test_a_list_too_large_for_one_batch_says_how_to_narrow_it_and_offers_the_narrowed_set(
    app,
    client,
    demo_loaded,
):
    app.config["BATCH_MAX_REPORTS"] = 3
    log_in(client, *DEMO_CONSULTANT)
    whole = client.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    assert "more than 3 reports, the most made at once" in whole
    assert 'action="/portfolio/reports"' not in whole

    narrowed = client.get("/portfolio?industry=process_manufacturing", headers=ENGLISH)
    page = narrowed.get_data(as_text=True)
    assert 'name="industry" value="process_manufacturing"' in page
    reports = int(re.search(r"Download this list(?:'|&#39;)s (\d+) report", page)[1])
    assert 1 <= reports <= 3
    response = client.post(
        "/portfolio/reports",
        data={
            "csrf_token": form_token(page),
            "language": "en",
            "industry": "process_manufacturing",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        from assessment.models import ReportBatch

        batch = db.session.execute(select(ReportBatch)).scalar_one()
        assert len(batch.items) == reports
        assert {item.assessment.organisation.industry for item in batch.items} == {
            "process_manufacturing"
        }

    too_many = client.post(
        "/portfolio/reports",
        data={"csrf_token": form_token(page), "language": "en"},
        headers=ENGLISH,
    )
    assert too_many.status_code == 302
    warned = client.get(too_many.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Narrow the list with its filters" in warned
