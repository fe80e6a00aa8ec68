"""Content texts with the numbers that belong to them filled in, for pages and reports."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from flask_babel import gettext as _

from assessment.core.content.schema import LevelDefinition, Questionnaire
from assessment.core.locales import babel_locale


def band_bounds(questionnaire: Questionnaire) -> list[tuple[Decimal, Decimal, LevelDefinition]]:
    """(lowest index, highest index, level) of each level, from the content's thresholds."""
    bounds = [Decimal(0), *questionnaire.scoring.thresholds, Decimal(100)]
    return [
        (low, high, level)
        for level, (low, high) in zip(questionnaire.levels, pairwise(bounds), strict=True)
    ]


def level_bands(questionnaire: Questionnaire, locale: str) -> str:
    """Each level's index band, like ``0-20 Initial, 20-40 Emerging, ...``, in ``locale``."""
    language = babel_locale(locale)
    bands = [
        f"{format_decimal(low, locale=language)}\N{EN DASH}"
        f"{format_decimal(high, locale=language)} {level.name.get(locale)}"
        for low, high, level in band_bounds(questionnaire)
    ]
    return format_list(bands, style="standard", locale=language)


def method_paragraphs(questionnaire: Questionnaire, locale: str) -> list[str]:
    """The method text, one entry per paragraph, with the content's numbers filled in."""
    text = questionnaire.scoring.method.get(locale).format(
        min_answered_share=format_percent(
            questionnaire.scoring.min_answered_share, locale=babel_locale(locale)
        ),
        level_bands=level_bands(questionnaire, locale),
    )
    return [paragraph for paragraph in text.splitlines() if paragraph.strip()]


def answer_label(questionnaire: Questionnaire, value: str | None, locale: str) -> str:
    """A stored answer ("1".."5", "na", "unknown", or none) as a reader sees it."""
    if value is None:
        return _("Unanswered")
    if value == "na":
        return _("Not applicable")
    if value == "unknown":
        return _("Don't know")
    level = questionnaire.level(int(value))
    return _("Level %(number)s", number=value) + " · " + level.name.get(locale)
