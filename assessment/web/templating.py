"""What every template can use: the current locale and the ``loc`` filter for content text."""

from __future__ import annotations

from fractions import Fraction

from babel import Locale
from flask import Flask
from flask_babel import get_locale

from assessment.content.presentation import answer_label
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.content.schema import LocalizedText, Questionnaire
from assessment.core.numbers import display_contribution, display_gap, display_index
from assessment.core.targets import DimensionGap
from assessment.web.paging import page_url

# Each language named in itself ("中文", "English"), from the CLDR data Babel ships.
LANGUAGE_AUTONYMS = tuple(
    (code, Locale.parse(code).language_name or code) for code in locales.LOCALES
)


def current_locale() -> str:
    return str(get_locale() or locales.DEFAULT_LOCALE)


def init_templating(app: Flask) -> None:
    @app.template_filter("loc")
    def localize(text: LocalizedText) -> str:
        """A content text in the page's language."""
        return text.get(current_locale())

    @app.template_filter("industry_name")
    def industry_name(option_id: str) -> str:
        """An organisation's industry id, named in the page's language."""
        option = current_library().organisation_options.industry(option_id)
        return option.name.get(current_locale()) if option else option_id

    @app.template_filter("size_band_name")
    def size_band_name(option_id: str) -> str:
        option = current_library().organisation_options.size_band(option_id)
        return option.name.get(current_locale()) if option else option_id

    @app.template_filter("answer_label")
    def answer_label_filter(value: str | None, questionnaire: Questionnaire) -> str:
        return answer_label(questionnaire, value, current_locale())

    @app.template_filter("index_text")
    def index_text(index: float) -> str:
        return display_index(index)

    @app.template_filter("gap_text")
    def gap_text(gap: DimensionGap) -> str:
        """Index points still to climb to a target (for a dimension with a score)."""
        return display_gap(gap.current_index, gap.target_index)

    @app.template_filter("points_text")
    def points_text(points: Fraction) -> str:
        """Index points a step adds, with its sign, rounded half up to one decimal."""
        return display_contribution(points)

    app.add_template_global(page_url)

    @app.context_processor
    def locale_globals() -> dict[str, object]:
        locale = current_locale()
        return {
            "current_locale": locale,
            "html_lang": locales.html_lang(locale),
            "language_autonyms": LANGUAGE_AUTONYMS,
        }
