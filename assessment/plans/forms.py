"""The target levels form: a level and a date for each dimension of a questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from assessment.core.content.schema import Questionnaire
from assessment.core.scoring import Level
from assessment.models import Target
from assessment.plans.service import TargetInput


def level_field_name(dimension_id: str) -> str:
    return f"level_{dimension_id}"


def due_field_name(dimension_id: str) -> str:
    return f"due_{dimension_id}"


class TargetsFormBase(FlaskForm):
    dimension_ids: ClassVar[tuple[str, ...]] = ()
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


def make_targets_form(questionnaire: Questionnaire, locale: str) -> type[TargetsFormBase]:
    choices = [SelectChoice("", _l("No target"))] + [
        SelectChoice(str(level), f"{level} · {questionnaire.level(level).name.get(locale)}")
        for level in Level
    ]

    class TargetsForm(TargetsFormBase):
        dimension_ids = tuple(d.id for d in questionnaire.dimensions)
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
    return TargetsForm


def prefilled_targets_form(
    questionnaire: Questionnaire, locale: str, targets: dict[str, Target]
) -> TargetsFormBase:
    """The form showing the saved targets."""
    data = {}
    for dimension_id, target in targets.items():
        data[level_field_name(dimension_id)] = str(target.level)
        data[due_field_name(dimension_id)] = target.due_on
    return make_targets_form(questionnaire, locale)(formdata=None, data=data)
