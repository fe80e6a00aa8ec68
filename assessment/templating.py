"""What every template can use: the current locale and the ``loc`` filter for content text."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from assessment import locales
from assessment.content.schema import LocalizedText
from assessment.numbers import display_index


def current_locale() -> str:
    return str(get_locale() or locales.DEFAULT_LOCALE)


def init_templating(app: Flask) -> None:
    @app.template_filter("loc")
    def localize(text: LocalizedText) -> str:
        """A content text in the page's language."""
        return text.get(current_locale())

    @app.template_filter("index_text")
    def index_text(index: float) -> str:
        return display_index(index)

    @app.context_processor
    def locale_globals() -> dict[str, str]:
        locale = current_locale()
        return {"current_locale": locale, "html_lang": locales.html_lang(locale)}
