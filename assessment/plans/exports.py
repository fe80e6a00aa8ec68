"""The roadmap as a spreadsheet: the actions in the plan's order, each with its
dimension's target, as CSV; as XLSX, with a second sheet of the target levels."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from assessment.audit import service as audit
from assessment.core import locales
from assessment.core.roadmap import quarter_of
from assessment.exports import formats
from assessment.exports.formats import Cell, Table
from assessment.exports.service import MIME_TYPES, ExportFile, file_name_part
from assessment.extensions import db
from assessment.models import Organisation, Target
from assessment.plans import service as plans
from assessment.plans.labels import outcome_label, quarter_label, status_label
from assessment.plans.roadmap import Plan, plan_of

FORMATS = ("csv", "xlsx")


def export_plan(organisation: Organisation, file_format: str, locale: str) -> ExportFile:
    """The organisation's plan in ``locale`` as ``file_format`` (csv or xlsx), recorded
    in its audit trail."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown plan export format {file_format}")
    plan = plan_of(organisation)
    targets = plans.all_targets(organisation.id)
    with force_locale(locale):
        actions = action_table(plan, targets, locale)
        if file_format == "csv":
            content = formats.csv_bytes(actions)
        else:
            content = formats.xlsx_bytes(
                [(_("Roadmap"), actions), (_("Target levels"), target_table(plan, targets, locale))]
            )
        stem = _("roadmap")
    audit.record_for_organisation(
        "plan.exported",
        organisation.id,
        format=file_format,
        language=locales.content_key(locale),
    )
    db.session.commit()
    suffix = f"-{locales.content_key(locale)}.{file_format}"
    return ExportFile(
        content,
        MIME_TYPES[file_format],
        f"{file_name_part(organisation.name)}-{stem}{suffix}",
        f"organisation-{organisation.id}-roadmap{suffix}",
    )


def action_table(plan: Plan, targets: dict[tuple[str, str], Target], locale: str) -> Table:
    """One row per action, in the plan's order."""
    headers = [
        "#",
        _("Action"),
        _("Question"),
        _("Dimension"),
        _("From level"),
        _("To level"),
        _("What the level aimed at looks like"),
        _("Owner"),
        _("Due by"),
        _("Quarter"),
        _("Status"),
        _("Done on"),
        _("Note"),
        _("Since the plan was made"),
        _("Dimension's target level"),
        _("Dimension's target date"),
    ]
    rows: list[list[Cell]] = []
    for number, view in enumerate(plan.actions, start=1):
        action = view.action
        target = targets.get((action.dimension_id or "", "")) if action.dimension_id else None
        question = view.question
        rows.append(
            [
                number,
                question.prompt.get(locale) if question else action.title or action.question_id,
                action.question_id,
                view.dimension.name.get(locale) if view.dimension else None,
                action.from_level,
                action.to_level,
                question.levels[action.to_level - 1].get(locale)
                if question and action.to_level
                else None,
                action.owner or None,
                action.due_on,
                quarter_label(quarter_of(action.due_on)) if action.due_on else None,
                status_label(action.status),
                action.done_on,
                action.note or None,
                outcome_label(view) or None,
                target.level if target else None,
                target.due_on if target else None,
            ]
        )
    return Table(headers, rows, text_columns=frozenset({1, 6, 12}))


def target_table(plan: Plan, targets: dict[tuple[str, str], Target], locale: str) -> Table:
    """Each target, of a dimension or a single question, with where the latest assessment
    stands against it."""
    questionnaire = plan.questionnaire
    result = plan.latest.stored_result if plan.latest is not None else None
    answered = plans.levels_answered(plan.latest)
    headers = [
        _("Dimension"),
        _("Question"),
        _("Target level"),
        _("Reach it by"),
        _("Current index"),
        _("Current level"),
    ]
    rows: list[list[Cell]] = []
    for dimension in questionnaire.dimensions:
        own = targets.get((dimension.id, ""))
        if own is not None:
            score = result.dimensions.get(dimension.id) if result else None
            rows.append(
                [
                    dimension.name.get(locale),
                    None,
                    own.level,
                    own.due_on,
                    formats.index_cell(score.index if score else None),
                    int(score.level) if score and score.level is not None else None,
                ]
            )
        for question in dimension.questions:
            target = targets.get((dimension.id, question.id))
            if target is not None:
                level = answered.get(question.id)
                rows.append(
                    [
                        dimension.name.get(locale),
                        question.prompt.get(locale),
                        target.level,
                        own.due_on if own else None,
                        None,
                        int(level) if level is not None else None,
                    ]
                )
    return Table(headers, rows, text_columns=frozenset({1}))
