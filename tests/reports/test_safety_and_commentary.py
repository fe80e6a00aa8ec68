"""Reports fetch nothing from outside; commentary and logos are text and safe images."""

import html
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assessment.config import ROOT
from assessment.reports.pdf import RestrictedURLFetcher, render_pdf
from tests.conftest import form_token
from tests.reports.conftest import pdf_text

STATIC = ROOT / "static"
STYLESHEET = STATIC / "css" / "report.css"


def tiny_png(width=8, height=4) -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x1f\x5f\x99" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.com/logo.png",
        "ftp://127.0.0.1/x",
        f"file://{STATIC}/../app.py",
        "file://otherhost/etc/passwd",
    ],
)
def test_fetcher_refuses_anything_outside_the_static_files(url):
    fetcher = RestrictedURLFetcher(allowed_roots=(STATIC,))
    assert not fetcher.is_allowed(url)
    with pytest.raises(ValueError, match="not allowed"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_static_files_and_the_stored_logo(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(tiny_png())
    fetcher = RestrictedURLFetcher(allowed_roots=(STATIC,), allowed_files=(logo,))
    assert fetcher.is_allowed(STYLESHEET.as_uri())
    assert fetcher.is_allowed(logo.as_uri())
    assert not fetcher.is_allowed((tmp_path / "other.png").as_uri())


def test_rendering_html_with_outside_references_fetches_none_of_them():
    html = (
        '<html lang="en"><head><link rel="stylesheet" href="http://127.0.0.1/x.css"></head>'
        '<body><p>Report</p><img src="file:///etc/passwd"><img src="http://127.0.0.1/a.png">'
        "</body></html>"
    )
    fetcher = RestrictedURLFetcher(allowed_roots=(STATIC,))
    pdf = render_pdf(html, STYLESHEET, fetcher)
    assert "Report" in pdf_text(pdf)
    assert sorted(fetcher.refused) == sorted(
        ["http://127.0.0.1/x.css", "file:///etc/passwd", "http://127.0.0.1/a.png"]
    )


def save_commentary(client, token, data, files=None):
    page = client.get(f"/a/{token}/commentary", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    uploads = {
        name: FileStorage(stream=stream, filename=filename)
        for name, (stream, filename) in (files or {}).items()
    }
    payload = {"csrf_token": form_token(page), **data, **uploads}
    # Encoded in memory: the test client would spool a large body to an unclosed temp file.
    boundary, body = encode_multipart(payload)
    return client.post(
        f"/a/{token}/commentary",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Accept-Language": "en"},
    )


def test_commentary_appears_in_the_report_as_text_never_as_markup(
    app, consultant_client, demo, caplog
):
    client = consultant_client
    _, token, _ = demo
    hostile = 'Strong year. <img src="file:///etc/passwd"> <a href="http://127.0.0.1/">x</a>'
    response = save_commentary(
        client,
        token,
        {
            "executive_summary": hostile + "\n\nSecond paragraph.",
            "note_data": "Data owners were named in March.",
            "prepared_by": "Li Wei",
            "firm_name": "Harbour & Partners",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/a/{token}/commentary", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in page
    text = pdf_text(client.get(f"/a/{token}/report.pdf?lang=en").data)
    assert 'Strong year. <img src="file:///etc/passwd">' in text.replace("\n", " ")
    assert "Second paragraph." in text
    assert "Data owners were named in March." in text
    assert "Harbour & Partners" in text
    assert "Li Wei" in text
    assert "report refused to fetch" not in caplog.text  # nothing was even attempted


def test_png_logo_appears_on_the_cover(app, consultant_client, demo):
    client = consultant_client
    _, token, _ = demo
    response = save_commentary(
        client, token, {"firm_name": "Harbour"}, {"logo": (io.BytesIO(tiny_png()), "logo.png")}
    )
    assert response.status_code == 302
    with client.get(f"/a/{token}/logo") as served:
        assert served.mimetype == "image/png"
        assert "sandbox" in served.headers["Content-Security-Policy"]
    cover = PdfReader(io.BytesIO(client.get(f"/a/{token}/report.pdf?lang=en").data)).pages[0]
    # The cover draws an image of the logo's size (pages share one list of images: the
    # level bars of the dimension pages are in it too).
    logos = [image.name for image in cover.images if image.image.size == (8, 4)]
    assert len(logos) == 1
    drawn = cover.get_contents().get_data()
    assert f"/{logos[0].removesuffix('.png')} Do".encode() in drawn


def test_svg_logo_is_drawn_and_replacing_it_removes_the_old_file(app, consultant_client, demo):
    client = consultant_client
    _, token, _ = demo
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        b'<rect width="40" height="20" fill="#1f5f99"/></svg>'
    )
    assert (
        save_commentary(client, token, {}, {"logo": (io.BytesIO(svg), "logo.svg")}).status_code
        == 302
    )
    uploads = Path(app.config["UPLOAD_DIR"]) / "logos"
    first = {p.name for p in uploads.iterdir()}
    with client.get(f"/a/{token}/logo") as served:
        assert served.mimetype == "image/svg+xml"
    save_commentary(client, token, {}, {"logo": (io.BytesIO(tiny_png()), "logo.png")})
    assert not first & {p.name for p in uploads.iterdir()}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "may not contain scripts",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "may not contain scripts"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="file:///etc/passwd"/></svg>',
            "may not refer to other files",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
            "may not declare a document type",
        ),
        (b"GIF89a....", "must be a PNG or SVG image"),
        (b"<svg", "not a readable SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024), "larger than 1 MB"),
    ],
)
def test_unsafe_or_wrong_logos_are_refused_and_nothing_is_saved(
    app, consultant_client, demo, content, message
):
    client = consultant_client
    _, token, _ = demo
    response = save_commentary(
        client,
        token,
        {"executive_summary": "A long summary, typed once", "firm_name": "Not saved yet"},
        {"logo": (io.BytesIO(content), "logo.svg")},
    )
    # The page comes back with the problem at the logo and everything typed still there.
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    logo_field = page[page.index('for="logo"') :]
    assert message in logo_field[: logo_field.index("</div>")]
    assert "A long summary, typed once</textarea>" in page
    assert 'value="Not saved yet"' in page
    saved = client.get(f"/a/{token}/commentary", headers={"Accept-Language": "en"})
    assert "Not saved yet" not in saved.get_data(as_text=True)
    assert client.get(f"/a/{token}/logo").status_code == 404


def test_an_upload_over_the_request_limit_is_a_clear_413(consultant_client, demo):
    client = consultant_client
    _, token, _ = demo
    body = b"--x\r\nContent-Disposition: form-data; name=logo; filename=big.png\r\n\r\n"
    response = client.post(
        f"/a/{token}/commentary",
        data=body + b"0" * (5 * 1024 * 1024),
        content_type="multipart/form-data; boundary=x",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_commentary_of_a_draft_is_refused(client, runner, demo):
    import json

    rows = json.loads(runner.invoke(args=["assessments", "list", "--json"]).output)
    draft = next(row for row in rows if row["status"] == "draft")
    response = client.post(
        f"{draft['resume_path']}/commentary",
        data={"executive_summary": "x"},
        headers={"Origin": "http://localhost", "Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert re.search(r"once the assessment has been submitted", response.get_data(as_text=True))


def test_only_the_clients_consultants_may_write_commentary(app, client, demo):
    from assessment.accounts import service as accounts
    from tests.reports.conftest import log_in

    _, token, _ = demo
    page = client.get(f"/a/{token}/results", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert f"/a/{token}/commentary" not in page  # a link holder: no way to the editor
    response = client.get(f"/a/{token}/commentary", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    response = client.post(
        f"/a/{token}/commentary",
        data={"csrf_token": form_token(page), "executive_summary": "forged"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 403
    assert "Only the organisation's consultants" in response.get_data(as_text=True)

    with app.app_context():
        accounts.create_user("other@example.com", "another firm's password", role="consultant")
    log_in(client, "other@example.com", "another firm's password")
    response = client.post(
        f"/a/{token}/commentary",
        data={"csrf_token": form_token(page), "executive_summary": "forged"},
    )
    assert response.status_code == 403
    report = pdf_text(client.get(f"/a/{token}/report.pdf?lang=en").data)
    assert "forged" not in report
