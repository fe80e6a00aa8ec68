"""Export records as files: JSON, CSV and XLSX.

JSON is language-free and keeps every number at full precision, exactly as stored::

    {"format": "maturity-assessment-export", "format_version": 1,
     "generated_at": "2026-05-01T08:00:00+00:00",
     "scope": {"kind": "assessment" | "organisation" | "portfolio", ...ids},
     "organisations": [{"id", "name", "industry", "size_band", "region"}],
     "assessments": [{"id", "organisation_id", "questionnaire": {"id", "version"},
                      "status": "draft" | "submitted", "respondent_name", "language",
                      "created_at", "updated_at", "submitted_at",
                      "result": <the score stored at submission> | null,
                      "answers": [{"question_id", "dimension_id",
                                   "answer": 1-5 | "na" | "unknown" | null, "comment",
                                   "confidence": "low" | "medium" | "high" | null,
                                   "verification": "verified" | "challenged" | null,
                                   "evidence_files": <how many files back it>}]}]}

``result`` has the shape of ``flask score``'s output (overall, parts, dimensions with
index, level and status); a draft has none. ``answer`` uses the values of an answers file.

CSV and XLSX are tables in one language, for a spreadsheet. The CSV has one row per
question of each assessment, with the assessment's overall and dimension scores repeated
on each row, so that it opens as one sheet that can be filtered and pivoted. It is UTF-8
with a byte-order mark, comma-separated, so that Excel on Chinese Windows reads it. The
XLSX has a sheet of scores (one row per assessment) and a sheet of answers (the CSV's
rows), with the question text and the chosen level's description. Indices are shown as
on the results page (cut to one decimal); dates are UTC days.

Free text can start like a formula (``=``, ``+``, ``-``, ``@``): in the CSV such a cell
gets a leading apostrophe; in the XLSX it is written as text, marked as quoted.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessment.core.content.schema import OrganisationOptions
from assessment.core.locales import content_key
from assessment.core.numbers import display_index
from assessment.core.scoring import DimensionScore
from assessment.core.stored_result import StoredAggregate
from assessment.evidence.labels import confidence_label, verification_label
from assessment.exports.records import AnswerRecord, AssessmentRecord, ExportRecords
from assessment.models import AssessmentStatus

EXPORT_FORMAT = "maturity-assessment-export"
EXPORT_FORMAT_VERSION = 1
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NARROWEST_COLUMN = 8
WIDEST_COLUMN = 60
TEXT_COLUMN = 50  # question, description and comment columns, wrapped

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    text_columns: frozenset[int] = field(default_factory=frozenset)  # wrapped, wide


# ---------------------------------------------------------------------------
# JSON


def stored_answer(record: AnswerRecord) -> int | str | None:
    """An answer as in an answers file: a level 1-5, "na", "unknown", or None."""
    return record.level if record.level is not None else record.value


def json_document(
    records: ExportRecords, scope: dict[str, Any], generated_at: datetime
) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": generated_at.isoformat(),
        "scope": scope,
        "organisations": [
            {
                "id": o.id,
                "name": o.name,
                "industry": o.industry,
                "size_band": o.size_band,
                "region": o.region,
            }
            for o in records.organisations
        ],
        "assessments": [
            {
                "id": a.id,
                "organisation_id": a.organisation_id,
                "questionnaire": {"id": a.questionnaire.id, "version": a.questionnaire.version},
                "status": a.status,
                "respondent_name": a.respondent_name,
                "language": content_key(a.locale),
                "created_at": a.created_at.isoformat(),
                "updated_at": a.updated_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "result": a.result.to_dict() if a.result else None,
                "answers": [
                    {
                        "question_id": answer.question_id,
                        "dimension_id": answer.dimension_id,
                        "answer": stored_answer(answer),
                        "comment": answer.comment,
                        "confidence": answer.confidence,
                        "verification": answer.verification,
                        "evidence_files": answer.evidence_files,
                    }
                    for answer in a.answers
                ],
            }
            for a in records.assessments
        ],
    }


def json_bytes(records: ExportRecords, scope: dict[str, Any], generated_at: datetime) -> bytes:
    document = json_document(records, scope, generated_at)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Tables, in the current locale (the caller sets it with force_locale)


def index_cell(value: Fraction | None) -> float | None:
    """An index as a spreadsheet shows it: as on the results page (cut to one decimal)."""
    return float(display_index(value)) if value is not None else None


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(UTC).date() if moment is not None else None


def _status(record: AssessmentRecord) -> str:
    return _("Submitted") if record.status == AssessmentStatus.SUBMITTED else _("In progress")


def _questionnaire(record: AssessmentRecord) -> str:
    return f"{record.questionnaire.id} v{record.questionnaire.version}"


def _answer_text(answer: AnswerRecord) -> str:
    if answer.level is not None:
        return _("Level %(number)s", number=answer.level)
    if answer.value == "na":
        return _("Not applicable")
    if answer.value == "unknown":
        return _("Don't know")
    return _("Unanswered")


def _scores(scores: StoredAggregate | DimensionScore | None) -> list[Cell]:
    """The index and level cells of an aggregate or a dimension (empty when not scored)."""
    if scores is None:
        return [None, None]
    return [index_cell(scores.index), int(scores.level) if scores.level is not None else None]


def answer_table(records: ExportRecords, locale: str) -> Table:
    """One row per question of each assessment, with the scores it belongs to."""
    headers = [
        _("Organisation name"),
        _("Assessment"),
        _("Questionnaire"),
        _("Status"),
        _("Submitted on"),
        _("Overall maturity index"),
        _("Overall level"),
        _("Dimension"),
        _("Dimension index"),
        _("Dimension level"),
        _("Question ID"),
        _("Question"),
        _("Answer"),
        _("Level"),
        _("Level description"),
        _("Comment"),
        _("Confidence"),
        _("Consultant's check"),
        _("Evidence files"),
    ]
    rows: list[list[Cell]] = []
    for record in records.assessments:
        organisation = records.organisation(record.organisation_id)
        overall = _scores(record.result.overall if record.result else None)
        questionnaire = record.questionnaire
        for answer in record.answers:
            dimension = questionnaire.dimension(answer.dimension_id)
            question = next(q for q in dimension.questions if q.id == answer.question_id)
            scores = _scores(
                record.result.dimensions.get(answer.dimension_id) if record.result else None
            )
            rows.append(
                [
                    organisation.name if organisation else None,
                    record.id,
                    _questionnaire(record),
                    _status(record),
                    _day(record.submitted_at),
                    *overall,
                    dimension.name.get(locale),
                    *scores,
                    answer.question_id,
                    question.prompt.get(locale),
                    _answer_text(answer),
                    answer.level,
                    question.levels[answer.level - 1].get(locale) if answer.level else None,
                    answer.comment or None,
                    confidence_label(answer.confidence) if answer.confidence else None,
                    verification_label(answer.verification) if answer.verification else None,
                    answer.evidence_files,
                ]
            )
    return Table(headers, rows, text_columns=frozenset({11, 14, 15}))


def _columns_of(records: ExportRecords, locale: str) -> tuple[dict[str, str], dict[str, str]]:
    """Part and dimension ids of every questionnaire version exported, in order, named."""
    parts: dict[str, str] = {}
    dimensions: dict[str, str] = {}
    for record in records.assessments:
        for part in record.questionnaire.parts:
            parts.setdefault(part.id, part.name.get(locale))
        for dimension in record.questionnaire.dimensions:
            dimensions.setdefault(dimension.id, dimension.name.get(locale))
    return parts, dimensions


def score_table(records: ExportRecords, options: OrganisationOptions, locale: str) -> Table:
    """One row per assessment: overall, each part's and each dimension's index and level."""
    parts, dimensions = _columns_of(records, locale)
    index, level = _("Index"), _("Level")
    headers = [
        _("Organisation name"),
        _("Industry"),
        _("Region or city"),
        _("Assessment"),
        _("Questionnaire"),
        _("Status"),
        _("Respondent"),
        _("Started"),
        _("Submitted on"),
        _("Overall maturity index"),
        _("Overall level"),
        _("Strict level"),
        *(f"{name} · {what}" for name in parts.values() for what in (index, level)),
        *(f"{name} · {what}" for name in dimensions.values() for what in (index, level)),
    ]
    rows: list[list[Cell]] = []
    for record in records.assessments:
        organisation = records.organisation(record.organisation_id)
        industry = options.industry(organisation.industry) if organisation else None
        result = record.result
        strict_level = result.overall.strict_level if result else None
        row: list[Cell] = [
            organisation.name if organisation else None,
            industry.name.get(locale) if industry else None,
            (organisation.region or None) if organisation else None,
            record.id,
            _questionnaire(record),
            _status(record),
            record.respondent_name or None,
            _day(record.created_at),
            _day(record.submitted_at),
            *_scores(result.overall if result else None),
            int(strict_level) if strict_level is not None else None,
        ]
        for group, ids in (
            (result.parts if result else {}, parts),
            (result.dimensions if result else {}, dimensions),
        ):
            for item_id in ids:
                row += _scores(group.get(item_id))
        rows.append(row)
    return Table(headers, rows)


# ---------------------------------------------------------------------------
# CSV


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, str):
        return "'" + value if looks_like_formula(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, comma-separated, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(header) for header in table.headers])
    writer.writerows([csv_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------
# XLSX


def display_width(text: str) -> int:
    """Columns a text takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_sheet(sheet: Any, table: Table) -> None:
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    widths = [display_width(header) for header in table.headers]
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=column, value=_xml_safe(header))
        cell.data_type = "s"
        cell.font = bold
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=_xml_safe(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if looks_like_formula(value):
                    cell.quotePrefix = True  # and Excel keeps it text when it is edited
            elif isinstance(value, float):
                cell.number_format = "0.0"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = wrapped if column - 1 in table.text_columns else top
            widths[column - 1] = max(widths[column - 1], display_width(csv_cell(value)))
    for column, width in enumerate(widths, start=1):
        chosen = (
            TEXT_COLUMN
            if column - 1 in table.text_columns
            else min(max(width + 2, NARROWEST_COLUMN), WIDEST_COLUMN)
        )
        sheet.column_dimensions[get_column_letter(column)].width = chosen
    sheet.freeze_panes = "A2"
    if table.headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{len(table.rows) + 1}"


def _xml_safe(value: Cell) -> Cell:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def xlsx_bytes(sheets: Sequence[tuple[str, Table]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, table in sheets:
        _write_sheet(workbook.create_sheet(title.translate(SHEET_NAME_FORBIDDEN)[:31]), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
