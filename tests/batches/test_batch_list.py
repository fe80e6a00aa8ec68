"""A person's list of their report batches: newest first, a page at a time, each with
where its reports stand; nobody sees another's batches, admins see everyone's."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessment.core.batch_progress import ItemState
from assessment.extensions import db
from assessment.models import (
    Engagement,
    ReportBatch,
    ReportBatchItem,
    ReportBatchScope,
    User,
    utc_now,
)
from tests.batches.conftest import ALPHA, ENGLISH, client_as
from tests.conftest import count_queries


def add_batches(app, email, count, organisation_id=None, states=(ItemState.DONE,)):
    """``count`` batches asked for by ``email``, a minute apart, each with an item per
    state; returns their ids, oldest first."""
    with app.app_context():
        user_id = db.session.execute(select(User.id).where(User.email == email)).scalar_one()
        start = utc_now() - timedelta(days=1)
        scope = ReportBatchScope.ORGANISATION if organisation_id else ReportBatchScope.PORTFOLIO
        batches = [
            ReportBatch(
                user_id=user_id,
                scope=scope,
                organisation_id=organisation_id,
                language="en",
                created_at=start + timedelta(minutes=n),
                items=[
                    ReportBatchItem(file_name=f"{n}-{i}.pdf", state=state)
                    for i, state in enumerate(states)
                ],
            )
            for n in range(count)
        ]
        db.session.add_all(batches)
        db.session.commit()
        return [batch.id for batch in batches]


def listed(page):
    return [int(n) for n in re.findall(r'href="/batches/(\d+)"', page)]


def test_ones_batches_come_newest_first_fifty_a_page(app, world):
    mine = add_batches(app, "consultant@example.com", 55)
    add_batches(app, "other@example.com", 2)
    consultant = client_as(app, "consultant")
    first = consultant.get("/batches", headers=ENGLISH).get_data(as_text=True)
    assert "Your report batches" in first
    assert listed(first) == mine[::-1][:50]
    assert "1–50 of 55" in first
    assert 'href="/batches?page=2"' in first
    second = consultant.get("/batches?page=2", headers=ENGLISH).get_data(as_text=True)
    assert listed(second) == mine[::-1][50:]
    assert "51–55 of 55" in second
    assert "Client portfolio" in second
    assert "other@example.com" not in first + second


def test_each_batch_shows_its_scope_language_and_where_its_reports_stand(app, world):
    states = (ItemState.DONE, ItemState.DONE, ItemState.FAILED)
    [batch] = add_batches(app, "consultant@example.com", 1, world["alpha"], states)
    page = client_as(app, "consultant").get("/batches", headers=ENGLISH).get_data(as_text=True)
    row = page.split(f'href="/batches/{batch}"')[1].split("</tr>")[0]
    assert ALPHA in row
    assert "English" in row
    assert "Finished; some reports failed" in row
    assert "2 of 3 reports made, 1 failed" in row
    progress = client_as(app, "consultant").get(f"/batches/{batch}", headers=ENGLISH)
    assert 'href="/batches"' in progress.get_data(as_text=True)


def test_nobody_sees_anothers_batches_and_admins_see_everyones(app, world):
    [mine] = add_batches(app, "consultant@example.com", 1)
    [theirs] = add_batches(app, "other@example.com", 1)
    other = client_as(app, "other")
    assert listed(other.get("/batches").get_data(as_text=True)) == [theirs]
    assert other.get(f"/batches/{mine}").status_code == 404
    assert client_as(app, "anonymous").get("/batches").status_code == 302
    everyone = client_as(app, "admin").get("/batches", headers=ENGLISH).get_data(as_text=True)
    assert listed(everyone) == [theirs, mine]
    assert "consultant@example.com" in everyone
    assert "other@example.com" in everyone


def test_a_batch_of_a_client_no_longer_served_leaves_the_list(app, world):
    [kept] = add_batches(app, "consultant@example.com", 1, world["beta"])
    [gone] = add_batches(app, "consultant@example.com", 1, world["alpha"])
    with app.app_context():
        db.session.execute(
            Engagement.__table__.delete().where(Engagement.organisation_id == world["alpha"])
        )
        db.session.commit()
    consultant = client_as(app, "consultant")
    page = consultant.get("/batches", headers=ENGLISH).get_data(as_text=True)
    assert listed(page) == [kept]
    assert ALPHA not in page
    assert consultant.get(f"/batches/{gone}").status_code == 404


def test_the_list_costs_the_same_queries_for_one_batch_as_for_fifty(app, world):
    consultant = client_as(app, "consultant")
    add_batches(app, "consultant@example.com", 1, world["alpha"])
    few = count_queries(app, lambda: consultant.get("/batches"))
    add_batches(app, "consultant@example.com", 49, world["beta"], (ItemState.QUEUED,) * 3)
    many = count_queries(app, lambda: consultant.get("/batches"))
    assert few == many


def test_a_batchs_page_costs_the_same_queries_for_one_report_as_for_two_hundred(app, world):
    consultant = client_as(app, "consultant")
    [small] = add_batches(app, "consultant@example.com", 1, states=(ItemState.FAILED,))
    [large] = add_batches(app, "consultant@example.com", 1, states=(ItemState.FAILED,) * 200)
    few = count_queries(app, lambda: consultant.get(f"/batches/{small}"))
    many = count_queries(app, lambda: consultant.get(f"/batches/{large}"))
    assert few == many


@pytest.mark.parametrize(
    ("page", "status", "message"),
    [
        ("0", 400, 'The page number must be a whole number from 1, not "0".'),
        ("abc", 400, 'The page number must be a whole number from 1, not "abc".'),
        ("2", 404, "There is no page 2: this list has 1 page."),
        ("1000000000", 404, "There is no page 1000000000"),
    ],
)
def test_a_page_that_is_not_there_says_so(app, world, page, status, message):
    response = client_as(app, "consultant").get(f"/batches?page={page}", headers=ENGLISH)
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))


def test_with_no_batch_yet_the_list_says_where_to_ask(app, world):
    page = client_as(app, "owner").get("/batches", headers=ENGLISH).get_data(as_text=True)
    assert "You have not asked for reports in bulk yet." in page
