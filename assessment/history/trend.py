"""The trend chart of an organisation's page and report: its indices over its submitted
assessments, dated and named in the reader's language, with the level bands behind and a
bridge where a questionnaire version changed a dimension too much to compare."""

from __future__ import annotations

from babel.dates import format_date
from flask_babel import lazy_gettext as _l

from assessment.content.presentation import band_bounds
from assessment.core import comparison
from assessment.core.charts import TrendChart, trend
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.locales import babel_locale
from assessment.core.stored_result import StoredResult, as_float
from assessment.models import Assessment
from assessment.questionnaire import service

BREAK_NOTE = _l(
    "Dashed: the questionnaire changed too much between these two assessments to compare"
    " this index."
)


def _breaks(
    submitted: list[Assessment], library: ContentLibrary
) -> tuple[frozenset[int], dict[str, frozenset[int]]]:
    """Where the overall line and each dimension's cannot be compared with the assessment
    before: positions ``i`` whose questionnaire kept too little of the one at ``i - 1``."""
    overall: set[int] = set()
    dimensions: dict[str, set[int]] = {}
    questionnaires = [service.questionnaire_of(a, library) for a in submitted]
    for i in range(1, len(submitted)):
        old, new = questionnaires[i - 1], questionnaires[i]
        if (old.id, old.version) == (new.id, new.version):
            continue
        kept = comparison.comparable_dimensions(
            old.scoring_rules, new.scoring_rules, library.question_mapping(old, new)
        )
        if not kept:
            overall.add(i)
        for dimension in new.dimensions:
            if dimension.id not in kept:
                dimensions.setdefault(dimension.id, set()).add(i)
    return frozenset(overall), {key: frozenset(value) for key, value in dimensions.items()}


def trend_chart(
    submitted: list[Assessment],
    questionnaire: Questionnaire,
    library: ContentLibrary,
    locale: str,
    overall_label: str,
) -> TrendChart | None:
    """The overall index and each dimension's over the submitted assessments (oldest
    first), with the level bands of ``questionnaire`` behind, dated and named in
    ``locale`` (the page's, or a report's), and a dashed bridge where a questionnaire
    version changed a dimension too much to compare; None without any."""
    if not submitted:
        return None
    language = babel_locale(locale)
    dates = [format_date(a.submitted_at, "medium", locale=language) for a in submitted]
    overall_breaks, dimension_breaks = _breaks(submitted, library)
    indices = [_chart_values(a.stored_result) for a in submitted]
    return trend(
        moments=[
            (a.submitted_at.timestamp(), label) for a, label in zip(submitted, dates, strict=True)
        ],
        overall=(
            overall_label,
            [values["overall"] for values in indices],
            overall_breaks,
        ),
        dimensions=[
            (
                dimension.name.get(locale),
                [values.get(dimension.id) for values in indices],
                dimension_breaks.get(dimension.id, frozenset()),
            )
            for dimension in questionnaire.dimensions
        ],
        bands=[
            (float(low), float(high), level.name.get(locale))
            for low, high, level in band_bounds(questionnaire)
        ],
        break_note=str(BREAK_NOTE),
    )


def _chart_values(result: StoredResult) -> dict[str, float | None]:
    """The overall index (key ``overall``) and each dimension's, as a chart plots them."""
    return {key: as_float(index) for key, index in result.indices().items()}
