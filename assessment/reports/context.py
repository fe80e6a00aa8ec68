"""Everything a report shows, as plain values in the report's language.

The numbers are those stored at submission (``Assessment.result``), explained with the
content of the questionnaire version the assessment was answered on. Templates only lay
these values out; they compute nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_percent
from flask_babel import gettext as _

from assessment.content.presentation import answer_label
from assessment.core.charts import TrendChart
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.locales import babel_locale, html_lang
from assessment.core.roadmap import by_quarter
from assessment.evidence import service as evidence
from assessment.history import service as history
from assessment.history.comparison_view import ComparisonView, build_comparison
from assessment.history.trend import trend_chart
from assessment.models import ActionStatus, Assessment, ReportCommentary, level_of
from assessment.plans import labels, roadmap
from assessment.plans import service as plans
from assessment.questionnaire import service
from assessment.questionnaire.results import DimensionCard, LevelView, ResultsView, build_results

PAGE_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")  # in "Page %(page)s of %(pages)s"
SUMMARY_ITEMS = 3
MOVED_QUESTIONS_SHOWN = 3  # per dimension, in the changes since the previous assessment


@dataclass(frozen=True)
class QuestionLine:
    number: str  # "3.2": dimension and question position
    id: str
    prompt: str
    level: int | None
    answer: str  # "Level 3 · Defined", "Not applicable", "Don't know", "Unanswered"
    descriptor: str | None
    weight: str
    comment: str


@dataclass(frozen=True)
class DimensionSection:
    card: DimensionCard
    anchor: str
    number: int
    questions: tuple[QuestionLine, ...]
    consultant_note: tuple[str, ...]  # paragraphs


@dataclass(frozen=True)
class NextStep:
    dimension_name: str
    next_level: LevelView | None
    recommendation: str


@dataclass(frozen=True)
class History:
    dates: str  # every submitted assessment's date, as a list in the report's language
    chart: TrendChart
    previous_date: str
    previous_version: int
    changes: ComparisonView  # since the previous submitted assessment


@dataclass(frozen=True)
class RoadmapLine:
    number: int  # in the plan's order
    text: str  # the question of an accepted step, or an action's own title
    aim: str  # "From level 2 to level 4 · Integrated"; "" for an action of one's own
    dimension: str
    owner: str
    due: str
    status: str
    outcome: str  # where the latest assessment finds a step's question; "" if not read
    note: str


@dataclass(frozen=True)
class RoadmapQuarter:
    title: str  # "2027 Q3", or that no date is set
    lines: tuple[RoadmapLine, ...]


@dataclass(frozen=True)
class Roadmap:
    summary: str
    quarters: tuple[RoadmapQuarter, ...]
    rule: str  # how the steps were ranked, from content


@dataclass(frozen=True)
class ReportContext:
    locale: str
    lang: str
    document_title: str
    questionnaire_title: str
    questionnaire_id: str
    questionnaire_version: int
    organisation_name: str
    organisation_details: tuple[str, ...]
    assessment_date: str
    generated_date: str
    respondent_name: str
    prepared_by: str
    firm_name: str
    logo_uri: str | None
    language_name: str
    results: ResultsView
    executive_summary: tuple[str, ...]
    top_gaps: tuple[Any, ...]
    next_steps: tuple[NextStep, ...]
    sections: tuple[DimensionSection, ...]
    history: History | None
    roadmap: Roadmap | None
    levels: tuple[LevelView, ...]
    dimension_weights: tuple[tuple[str, str, str], ...]  # (name, part, weight)
    min_answered_share: str


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())


def _weight(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _sections(
    questionnaire: Questionnaire,
    results: ResultsView,
    assessment: Assessment,
    notes: dict[str, str],
    locale: str,
) -> tuple[DimensionSection, ...]:
    answers = service.answers_by_question(assessment)
    sections = []
    for number, (dimension, card) in enumerate(
        zip(questionnaire.dimensions, results.dimensions, strict=True), start=1
    ):
        lines = []
        for position, question in enumerate(dimension.questions, start=1):
            answer = answers.get(question.id)
            value = answer.value if answer else None
            level = level_of(value)
            lines.append(
                QuestionLine(
                    number=f"{number}.{position}",
                    id=question.id,
                    prompt=question.prompt.get(locale),
                    level=level,
                    answer=answer_label(questionnaire, value, locale),
                    descriptor=question.levels[level - 1].get(locale) if level else None,
                    weight=_weight(question.weight),
                    comment=answer.comment if answer else "",
                )
            )
        sections.append(
            DimensionSection(
                card=card,
                anchor=f"dimension-{dimension.id}",
                number=number,
                questions=tuple(lines),
                consultant_note=_paragraphs(notes.get(dimension.id, "")),
            )
        )
    return tuple(sections)


def _next_steps(results: ResultsView) -> tuple[NextStep, ...]:
    """The recommendations of the weakest dimensions with enough data, weakest first (from
    version 3 on, the first of the ordered actions each recommends)."""
    scored = sorted(
        (card for card in results.dimensions if card.index_value is not None),
        key=lambda card: card.index_value,
    )
    return tuple(
        NextStep(
            card.name,
            card.next_level,
            card.next_actions[0].do if card.next_actions else card.recommendation,
        )
        for card in scored[:SUMMARY_ITEMS]
        if card.recommendation or card.next_actions
    )


def _history(assessment: Assessment, library: ContentLibrary, locale: str) -> History | None:
    """The trend up to this assessment, and what changed since the previous one, question
    by question (the largest movements of each dimension; the rest summed up)."""
    submitted = history.submitted_up_to(assessment)
    if len(submitted) < 2:
        return None
    questionnaire = service.questionnaire_of(assessment, library)
    chart = trend_chart(submitted, questionnaire, library, locale, _("Overall"))
    dates = [label for _x, label in chart.x_ticks]
    previous = submitted[-2]
    compared, old_questionnaire, new_questionnaire = history.compare(previous, assessment, library)
    changes = build_comparison(
        compared,
        old_questionnaire,
        new_questionnaire,
        locale,
        _("Overall"),
        moved_limit=MOVED_QUESTIONS_SHOWN,
    )
    return History(
        format_list(dates, locale=babel_locale(locale)),
        chart,
        dates[-2],
        previous.questionnaire_version,
        changes,
    )


def _roadmap(assessment: Assessment, library: ContentLibrary, locale: str) -> Roadmap | None:
    """The organisation's plan, in the latest submitted assessment's report only."""
    plan = roadmap.report_plan(assessment)
    if plan is None:
        return None
    language = babel_locale(locale)
    questionnaire = plan.questionnaire

    def line(number: int, view: roadmap.ActionView) -> RoadmapLine:
        action = view.action
        aim = ""
        if view.is_step:
            aim = _(
                "From level %(current)s to level %(target)s · %(name)s",
                current=action.from_level,
                target=action.to_level,
                name=questionnaire.level(action.to_level).name.get(locale),
            )
        return RoadmapLine(
            number=number,
            text=view.question.prompt.get(locale)
            if view.question
            else action.title or action.question_id or "",
            aim=aim,
            dimension=view.dimension.name.get(locale) if view.dimension else "",
            owner=action.owner,
            due=format_date(action.due_on, "long", locale=language) if action.due_on else "",
            status=labels.status_label(action.status),
            outcome=labels.outcome_label(view),
            note=action.note,
        )

    numbered = list(enumerate(plan.actions, start=1))
    quarters = tuple(
        RoadmapQuarter(
            title=labels.quarter_label(quarter),
            lines=tuple(line(number, view) for number, view in group),
        )
        for quarter, group in by_quarter(numbered, lambda item: item[1].action.due_on)
    )
    done = sum(1 for view in plan.actions if view.action.status == ActionStatus.DONE)
    return Roadmap(
        summary=_(
            "%(count)s actions in the plan, %(done)s of them done, in the order the "
            "consultant gave them, grouped by the quarter they are due in.",
            count=len(plan.actions),
            done=done,
        ),
        quarters=quarters,
        rule=library.roadmap.rule.get(locale),
    )


def build_report_context(
    assessment: Assessment,
    library: ContentLibrary,
    locale: str,
    logo_uri: str | None = None,
) -> ReportContext:
    """The report of a submitted assessment in ``locale`` (call under ``force_locale``)."""
    questionnaire = service.questionnaire_of(assessment, library)
    answer_values = {a.question_id: a.value for a in assessment.answers}
    results = build_results(
        questionnaire,
        service.result_of(assessment, questionnaire),
        answer_values,
        locale,
        targets=plans.targets_by_dimension(assessment.organisation_id),
        **evidence.results_reading(assessment, questionnaire),
        crosswalks=library.crosswalks_for(questionnaire),
    )
    commentary = assessment.commentary or ReportCommentary(dimension_notes={})
    organisation = assessment.organisation
    options = library.organisation_options
    industry = options.industry(organisation.industry)
    size_band = options.size_band(organisation.size_band)
    language = babel_locale(locale)
    submitted: datetime = assessment.submitted_at or assessment.updated_at
    return ReportContext(
        locale=locale,
        lang=html_lang(locale),
        document_title=_("Maturity assessment report: %(name)s", name=organisation.name),
        questionnaire_title=questionnaire.title.get(locale),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        organisation_name=organisation.name,
        organisation_details=tuple(
            detail
            for detail in (
                industry.name.get(locale) if industry else "",
                size_band.name.get(locale) if size_band else "",
                organisation.region,
            )
            if detail
        ),
        assessment_date=format_date(submitted, "long", locale=language),
        generated_date=format_date(datetime.now(submitted.tzinfo), "long", locale=language),
        respondent_name=assessment.respondent_name,
        prepared_by=commentary.prepared_by or "",
        firm_name=commentary.firm_name or "",
        logo_uri=logo_uri,
        language_name=_("Chinese") if language != "en" else _("English"),
        results=results,
        executive_summary=_paragraphs(commentary.executive_summary or ""),
        top_gaps=results.main_gaps[:SUMMARY_ITEMS],
        next_steps=_next_steps(results),
        sections=_sections(
            questionnaire, results, assessment, commentary.dimension_notes or {}, locale
        ),
        history=_history(assessment, library, locale),
        roadmap=_roadmap(assessment, library, locale),
        levels=tuple(
            LevelView(n, level.name.get(locale), level.meaning.get(locale))
            for n, level in enumerate(questionnaire.levels, start=1)
        ),
        dimension_weights=tuple(
            (d.name.get(locale), questionnaire.part(d.part).name.get(locale), _weight(d.weight))
            for d in questionnaire.dimensions
        ),
        min_answered_share=format_percent(
            questionnaire.scoring.min_answered_share, locale=language
        ),
    )
