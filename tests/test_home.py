"""The start page: what the assessment measures, in the reader's language."""

import re


def test_start_page_follows_accept_language_english(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Industrial Internet and AI Adoption Maturity Self-Assessment" in page
    assert "0–20 Initial, 20–40 Emerging" in page
    assert "fewer than 50% of a dimension" in page


def test_start_page_falls_back_to_chinese(client):
    for headers in ({}, {"Accept-Language": "fr-FR"}, {"Accept-Language": "zh-CN,zh;q=0.9"}):
        page = client.get("/", headers=headers).get_data(as_text=True)
        assert '<html lang="zh-CN">' in page
        assert "产业互联网与AI落地成熟度自评" in page
        assert "评估内容" in page  # interface text from the catalogue


def test_language_switch_is_remembered_and_returns_to_the_page(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/language", data={"locale": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "What is measured" in page


def test_language_switch_without_a_valid_form_token_changes_nothing(client):
    response = client.post("/language", data={"locale": "en", "next": "/"})
    assert response.status_code == 400
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page


def test_language_switch_never_redirects_off_site(app):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post("/language", data={"locale": "en", "next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)
    chinese = client.get("/no/such/page", headers={"Accept-Language": "zh-CN"})
    assert "此页面不存在" in chinese.get_data(as_text=True)


def test_a_server_error_shows_a_calm_page_not_a_traceback(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # serve the error page, as in production
    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Your saved answers are safe" in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page
