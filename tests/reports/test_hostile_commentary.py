"""The commentary form and logo upload with hostile text, files and bodies: saved and a
redirect, or the form again with the problem at its field, never a 500; stored commentary
shows as typed, safely."""

import io

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import ReportCommentary
from tests.hostile_input import form_text, hostile_settings, unsafe_characters
from tests.reports.test_safety_and_commentary import save_commentary

ENGLISH = {"Accept-Language": "en"}

logo_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda tail: b"\x89PNG\r\n\x1a\n" + tail, st.binary(max_size=200)),
    st.builds(lambda body: b"<?xml version='1.0'?>" + body, st.binary(max_size=500)),
    st.builds(
        lambda encoding: f'<?xml version="1.0" encoding="{encoding}"?><svg/>'.encode(),
        st.sampled_from(["bogus", "utf-16", "utf-32", "shift_jis", "ascii", "latin-1", ""]),
    ),
    st.sampled_from(
        [
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
            b"<svg" + b"<g>" * 10_000,
        ]
    ),
)


def stored_commentary(app):
    with app.app_context():
        return db.session.execute(select(ReportCommentary)).scalars().first()


@hostile_settings
@given(
    summary=form_text,
    note=form_text,
    prepared_by=form_text,
    firm=form_text,
    logo=st.none() | logo_bytes,
    filename=st.sampled_from(["logo.png", "logo.svg", "logo", "../../etc/passwd", "标志.png"]),
)
def test_any_commentary_and_logo_get_a_message_and_store_only_safe_text(
    app, consultant_client, demo, summary, note, prepared_by, firm, logo, filename
):
    _, token, _ = demo
    response = save_commentary(
        consultant_client,
        token,
        {
            "executive_summary": summary,
            "note_data": note,
            "prepared_by": prepared_by,
            "firm_name": firm,
        },
        {"logo": (io.BytesIO(logo), filename)} if logo is not None else None,
    )
    if response.status_code == 400:  # the form again, with the problem at its field
        assert 'class="error" id="' in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/results#report")
    commentary = stored_commentary(app)
    if commentary is not None:
        texts = [commentary.executive_summary, commentary.prepared_by, commentary.firm_name]
        for text in [*texts, *commentary.dimension_notes.values()]:
            assert unsafe_characters(text) == []


def test_an_svg_logo_in_an_unknown_encoding_is_refused_with_a_message(app, consultant_client, demo):
    _, token, _ = demo
    for encoding in ("bogus", "shift_jis", "utf-32"):
        svg = f'<?xml version="1.0" encoding="{encoding}"?><svg/>'.encode()
        response = save_commentary(
            consultant_client,
            token,
            {"firm_name": "Harbour"},
            {"logo": (io.BytesIO(svg), "logo.svg")},
        )
        assert response.status_code == 400
        assert "The logo is not a readable SVG file." in response.get_data(as_text=True)
    assert stored_commentary(app) is None  # nothing was saved


@hostile_settings
@given(body=st.binary(max_size=2000), boundary=st.text(alphabet="abc-_.0123", max_size=40))
def test_an_unreadable_body_is_refused_and_keeps_the_saved_commentary(
    app, consultant_client, demo, body, boundary
):
    """werkzeug reads a body that is not multipart (or not a form at all) as an empty form;
    saving that would erase the commentary, so it is refused and nothing changes."""
    _, token, _ = demo
    if stored_commentary(app) is None:
        saved = save_commentary(
            consultant_client, token, {"executive_summary": "Kept summary", "firm_name": "Harbour"}
        )
        assert saved.status_code == 302
    response = consultant_client.post(
        f"/a/{token}/commentary",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}" if boundary else "text/plain",
        headers={**ENGLISH, "Origin": "http://localhost"},
    )
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)
    kept = stored_commentary(app)
    assert (kept.executive_summary, kept.firm_name) == ("Kept summary", "Harbour")
