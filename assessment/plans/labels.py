"""How an action's status and its progress read, in the page's language: one place for
the plan page, the report and the exports."""

from __future__ import annotations

from flask_babel import gettext as _

from assessment.core.roadmap import Outcome, Quarter
from assessment.models import ActionStatus
from assessment.plans.roadmap import ActionView


def status_label(status: str) -> str:
    return {
        ActionStatus.PLANNED: _("Planned"),
        ActionStatus.DOING: _("Doing"),
        ActionStatus.DONE: _("Done"),
    }[ActionStatus(status)]


def quarter_label(quarter: Quarter | None) -> str:
    """A due quarter as people write it ("2027 Q3", "2027年第3季度"), or that none is set."""
    if quarter is None:
        return _("No date set")
    return _("%(year)s Q%(number)s", year=quarter.year, number=quarter.number)


def outcome_label(view: ActionView) -> str:
    """Where the latest assessment finds the question a step aimed to climb; "" when no
    later assessment has read it."""
    level, aim = view.level_now, view.action.to_level
    match view.outcome:
        case None:
            return ""
        case Outcome.REACHED:
            return _("Reached: level %(level)s", level=level)
        case Outcome.CLIMBED:
            return _("Climbed to level %(level)s, short of %(aim)s", level=level, aim=aim)
        case Outcome.UNCHANGED:
            return _("Not moved: still level %(level)s", level=level)
        case Outcome.FELL:
            return _("Fell to level %(level)s", level=level)
        case _:
            return _("No level answered this time")
