"""A live server on loopback and Debian's Chromium, driven by Playwright."""

import contextlib
import shutil
import threading

import pytest
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from assessment.core import locales

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextlib.contextmanager
def serving(app):
    """The app served on a loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    with serving(app) as url:
        yield url


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


LOCALES = ("zh-CN", "en-GB")  # the browser's language: Chinese, then English


def open_page(browser, locale, **options):
    """A new browser context (a fresh browser: no cookies) in ``locale``, and its page."""
    context = browser.new_context(locale=locale, **options)
    page = context.new_page()
    page.set_default_timeout(20_000)  # a busy machine with two cores serves pages slowly
    return page


class Interface:
    """The interface text a person reads in one language, from the app's catalogues, so
    that tests find buttons and headings by what they say."""

    def __init__(self, app, locale):
        self.app = app
        self.locale = locales.babel_locale(locale)

    def __call__(self, message, **variables):
        with self.app.test_request_context(), force_locale(self.locale):
            return gettext(message, **variables)

    def plural(self, singular, plural, num, **variables):
        with self.app.test_request_context(), force_locale(self.locale):
            return ngettext(singular, plural, num, **variables)


def log_in(page, live_server, email, password):
    page.goto(live_server + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))
