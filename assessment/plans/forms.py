"""The plans' forms: target levels (a level and a date for each dimension of a
questionnaire, and optionally a level of its own for any question, reached by its
dimension's date), and the roadmap's actions."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from assessment.core.content.schema import Questionnaire
from assessment.core.scoring import Level
from assessment.models import NAME_MAX_LENGTH, ActionStatus, PlanAction, Target
from assessment.plans.roadmap import ActionInput
from assessment.plans.service import TargetInput


def level_field_name(dimension_id: str) -> str:
    return f"level_{dimension_id}"


def due_field_name(dimension_id: str) -> str:
    return f"due_{dimension_id}"


def question_field_name(question_id: str) -> str:
    return f"question_{question_id}"


class TargetsFormBase(FlaskForm):
    dimension_ids: ClassVar[tuple[str, ...]] = ()
    question_ids: ClassVar[tuple[str, ...]] = ()
    dimension_names: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for dimension_id in self.dimension_ids:
            due = self[due_field_name(dimension_id)]
            if due.data is not None and not self[level_field_name(dimension_id)].data:
                due.errors = [
                    *due.errors,
                    _l(
                        "Choose a target level for %(name)s, or clear its date.",
                        name=self.dimension_names[dimension_id],
                    ),
                ]
                valid = False
        return valid

    def wanted(self) -> dict[str, TargetInput]:
        """What the form asks for, by dimension (after ``validate``). A dimension whose level
        was not posted at all is left out, so that it keeps what it has."""
        wanted = {}
        for dimension_id in self.dimension_ids:
            level = self[level_field_name(dimension_id)]
            if not level.raw_data:
                continue
            wanted[dimension_id] = TargetInput(
                level=Level(int(level.data)) if level.data else None,
                due_on=self[due_field_name(dimension_id)].data,
            )
        return wanted

    def wanted_questions(self) -> dict[str, Level | None]:
        """The questions' own target levels the form asks for (None: none of its own);
        a question whose field was not posted is left out, so that it keeps what it has."""
        wanted = {}
        for question_id in self.question_ids:
            level = self[question_field_name(question_id)]
            if level.raw_data:
                wanted[question_id] = Level(int(level.data)) if level.data else None
        return wanted


def make_targets_form(questionnaire: Questionnaire, locale: str) -> type[TargetsFormBase]:
    choices = [SelectChoice("", _l("No target"))] + [
        SelectChoice(str(level), f"{level} · {questionnaire.level(level).name.get(locale)}")
        for level in Level
    ]

    question_choices = [SelectChoice("", _l("As its dimension")), *choices[1:]]

    class TargetsForm(TargetsFormBase):
        dimension_ids = tuple(d.id for d in questionnaire.dimensions)
        question_ids = tuple(q.id for q in questionnaire.questions)
        dimension_names = MappingProxyType(
            {d.id: d.name.get(locale) for d in questionnaire.dimensions}
        )

    for dimension in questionnaire.dimensions:
        name = dimension.name.get(locale)
        setattr(
            TargetsForm,
            level_field_name(dimension.id),
            SelectField(_l("Target level for %(name)s", name=name), choices=choices, default=""),
        )
        setattr(
            TargetsForm,
            due_field_name(dimension.id),
            DateField(
                _l("Reach it by (%(name)s)", name=name),
                validators=[Optional()],
                invalid_value_message=_l(
                    "Give the date as year-month-day, for example 2027-06-30."
                ),
            ),
        )
    for question in questionnaire.questions:
        setattr(
            TargetsForm,
            question_field_name(question.id),
            SelectField(
                _l("Own target level for: %(prompt)s", prompt=question.prompt.get(locale)),
                choices=question_choices,
                default="",
            ),
        )
    return TargetsForm


def prefilled_targets_form(
    questionnaire: Questionnaire,
    locale: str,
    targets: dict[str, Target],
    own_targets: dict[str, Target] | None = None,
) -> TargetsFormBase:
    """The form showing the saved targets, of dimensions and of single questions."""
    data = {}
    for dimension_id, target in targets.items():
        data[level_field_name(dimension_id)] = str(target.level)
        data[due_field_name(dimension_id)] = target.due_on
    for question_id, target in (own_targets or {}).items():
        data[question_field_name(question_id)] = str(target.level)
    return make_targets_form(questionnaire, locale)(formdata=None, data=data)


# ---------------------------------------------------------------------------
# The roadmap


ACTION_TITLE_MAX_LENGTH = 300
ACTION_NOTE_MAX_LENGTH = 2000


def _stripped(text: str | None) -> str | None:
    return text.strip() if isinstance(text, str) else text


class ActionFormBase(FlaskForm):
    """An action's owner, date, status and note; the title and dimension of one's own."""

    title = StringField(
        _l("Action"),
        filters=[_stripped],
        validators=[Optional(), Length(max=ACTION_TITLE_MAX_LENGTH)],
    )
    dimension = SelectField(_l("Dimension"), default="")
    owner = StringField(
        _l("Owner"), filters=[_stripped], validators=[Optional(), Length(max=NAME_MAX_LENGTH)]
    )
    due_on = DateField(
        _l("Due by"),
        validators=[Optional()],
        invalid_value_message=_l("Give the date as year-month-day, for example 2027-06-30."),
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(ActionStatus.PLANNED.value, _l("Planned")),
            SelectChoice(ActionStatus.DOING.value, _l("Doing")),
            SelectChoice(ActionStatus.DONE.value, _l("Done")),
        ],
        default=ActionStatus.PLANNED.value,
    )
    note = TextAreaField(
        _l("Note"),
        filters=[_stripped],
        validators=[Optional(), Length(max=ACTION_NOTE_MAX_LENGTH)],
    )
    own_action: ClassVar[bool] = True

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.own_action and not self.title.data:
            self.title.errors = [*self.title.errors, _l("Say what is to be done.")]
            valid = False
        return valid

    def entry(self) -> ActionInput:
        """What the form asks for (after ``validate``)."""
        return ActionInput(
            title=self.title.data or None,
            dimension_id=self.dimension.data or None,
            owner=self.owner.data or "",
            due_on=self.due_on.data,
            status=ActionStatus(self.status.data),
            note=self.note.data or "",
        )


def make_action_form(
    questionnaire: Questionnaire, locale: str, own_action: bool = True
) -> type[ActionFormBase]:
    """The form for an action of one's own (``own_action``) or for an accepted step, whose
    title and dimension come from content and are not asked."""

    class ActionForm(ActionFormBase):
        pass

    ActionForm.own_action = own_action
    ActionForm.dimension = SelectField(
        _l("Dimension"),
        choices=[SelectChoice("", _l("Not one dimension"))]
        + [SelectChoice(d.id, d.name.get(locale)) for d in questionnaire.dimensions],
        default="",
    )
    return ActionForm


def prefilled_action_form(
    questionnaire: Questionnaire, locale: str, action: PlanAction
) -> ActionFormBase:
    form_class = make_action_form(questionnaire, locale, own_action=action.question_id is None)
    return form_class(
        formdata=None,
        data={
            "title": action.title or "",
            "dimension": action.dimension_id or "",
            "owner": action.owner,
            "due_on": action.due_on,
            "status": action.status,
            "note": action.note,
        },
    )


class AcceptStepsForm(FlaskForm):
    """The steps to add to the plan, by question id: checked against the proposals by the
    service (a proposal may have gone since the page was made)."""

    questions = FieldList(HiddenField(), min_entries=0, max_entries=500)


class MoveActionForm(FlaskForm):
    direction = SelectField(
        choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))]
    )


class RemoveActionForm(FlaskForm):
    """Nothing but the form token."""
