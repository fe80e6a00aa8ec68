"""A questionnaire as plain JSON-ready data, in both languages."""

from __future__ import annotations

from decimal import Decimal

from assessment.core.content.schema import Questionnaire


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def export_questionnaire(questionnaire: Questionnaire) -> dict[str, object]:
    """The whole questionnaire; lists of levels, descriptors and recommendations start at 1.

    ``maps_from`` appears on the questions that declare it, as in the file."""
    return _plain(questionnaire.model_dump(by_alias=True, exclude_none=True))
