"""Content texts with the numbers that belong to them filled in, for pages and reports."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from assessment.content.schema import Questionnaire
from assessment.locales import babel_locale, content_key

LIST_SEPARATOR = {"zh-CN": "，", "en": ", "}


def level_bands(questionnaire: Questionnaire, locale: str) -> str:
    """``0–20 Initial, 20–40 Emerging, ...`` from the thresholds and the level names."""
    bounds = [Decimal(0), *questionnaire.scoring.thresholds, Decimal(100)]
    return LIST_SEPARATOR[content_key(locale)].join(
        f"{format_decimal(low, locale=babel_locale(locale))}–"
        f"{format_decimal(high, locale=babel_locale(locale))} {level.name.get(locale)}"
        for level, low, high in zip(questionnaire.levels, bounds, bounds[1:], strict=True)
    )


def method_paragraphs(questionnaire: Questionnaire, locale: str) -> list[str]:
    """The method text, one entry per paragraph, with the content's numbers filled in."""
    text = questionnaire.scoring.method.get(locale).format(
        min_answered_share=format_percent(
            questionnaire.scoring.min_answered_share, locale=babel_locale(locale)
        ),
        level_bands=level_bands(questionnaire, locale),
    )
    return [paragraph for paragraph in text.splitlines() if paragraph.strip()]
