"""A script typed into any free-text field comes back as text, in pages and in the PDF."""

import re

from tests.conftest import form_token
from tests.questionnaire.conftest import Respondent
from tests.reports.conftest import DEMO_CONSULTANT, log_in, pdf_text

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_free_text_is_escaped_everywhere_it_is_shown(app, client, runner, questionnaire):
    runner.invoke(args=["demo"])
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.start()
    respondent.fill_organisation(name=f"Acme {ATTACK}", region=ATTACK, respondent_name=ATTACK)
    first = questionnaire.dimensions[0].questions[0].id
    respondent.answer_all(lambda q: "3")
    respondent.answer("model", {first: "3"}, comments={first: ATTACK})
    token = respondent.token
    pages = {
        "organisation": respondent.get(f"/a/{token}/organisation"),
        "dimension": respondent.get(f"/a/{token}/dimension/model"),
    }
    respondent.submit()
    pages["results"] = respondent.get(f"/a/{token}/results")
    # A consultant serving the organisation sees it in the portfolio and the audit trail.
    log_in(client, *DEMO_CONSULTANT)
    with app.app_context():
        from sqlalchemy import select

        from assessment.extensions import db
        from assessment.models import Assessment, Engagement, Firm

        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        firm = db.session.execute(select(Firm)).scalar_one()
        db.session.add(Engagement(firm_id=firm.id, organisation_id=assessment.organisation_id))
        db.session.commit()
        organisation_id, firm_id = assessment.organisation_id, firm.id
    results = client.get(f"/a/{token}/results").get_data(as_text=True)
    client.post(
        f"/a/{token}/commentary",
        data={
            "csrf_token": form_token(results),
            "executive_summary": ATTACK,
            "prepared_by": ATTACK,
            "firm_name": ATTACK,
            "note_model": ATTACK,
        },
    )
    pages["results with commentary"] = client.get(f"/a/{token}/results")
    pages["portfolio"] = client.get("/portfolio")
    pages["organisations"] = client.get("/organisations")
    pages["audit"] = client.get(f"/organisations/{organisation_id}/audit")
    # People invited by the consultant, and who join with a script as their name.
    people = f"/organisations/{organisation_id}/people"
    client.post(
        f"/organisations/{organisation_id}/invitations",
        data={
            "csrf_token": form_token(client.get(people).get_data(as_text=True)),
            "email": "<b>x</b>@acme.example",
            "purpose": "join:respondent",
        },
    )
    with app.app_context():
        from assessment.models import Invitation
        from assessment.people import invitations

        link = "/invitations/" + invitations.link_token(
            db.session.execute(select(Invitation)).scalar_one()
        )
    invitee = app.test_client()
    pages["invitation"] = invitee.get(link)
    invitee.post(
        f"{link}/account",
        data={
            "csrf_token": form_token(pages["invitation"].get_data(as_text=True)),
            "name": ATTACK,
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    pages["people"] = client.get(people)
    # And an administrator sees them all.
    with app.app_context():
        from assessment.accounts import service as accounts

        accounts.create_user("root@example.com", "a long enough password", role="admin")
    admin = app.test_client()
    log_in(admin, "root@example.com", "a long enough password")
    pages["admin accounts"] = admin.get("/admin/users")
    pages["admin firm"] = admin.get(f"/admin/firms/{firm_id}")

    for name, response in pages.items():
        page = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert "<script>alert" not in page, name
        assert "onerror=alert(1)>" not in page, name
        assert ESCAPED in page or "Acme &lt;script&gt;" in page, name
    scripts = re.findall(r"<script[^>]*>", pages["dimension"].get_data(as_text=True))
    assert scripts  # autosave and the link's copy button: ours, and nothing else
    assert all(re.match(r'<script src="/static/js/[a-z-]+\.js"', tag) for tag in scripts)

    text = pdf_text(client.get(f"/a/{token}/report.pdf?lang=en").data).replace("\n", " ")
    assert '<script>alert("x")</script>' in text  # shown as the text it is
