"""The library the app serves from: the loaded questionnaires and organisation options."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from assessment.core import comparison
from assessment.core.content import rules
from assessment.core.content.checks import check_directory
from assessment.core.content.schema import (
    Crosswalk,
    OrganisationOptions,
    Questionnaire,
    RoadmapRules,
)
from assessment.core.errors import ContentError, ContentProblem
from assessment.core.messages import lazy_gettext as _l

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContentLibrary:
    questionnaires: dict[tuple[str, int], Questionnaire]
    organisation_options: OrganisationOptions
    roadmap: RoadmapRules
    crosswalks: tuple[Crosswalk, ...] = ()
    _digests: dict[object, str] = field(default_factory=dict, compare=False, repr=False)

    def digest(self, key: tuple[str, int] | None = None) -> str:
        """A digest of one questionnaire version's content (or, without ``key``, of the
        reference content: organisation options, the roadmap's rule and the crosswalks): it
        changes exactly when that content does."""
        if key not in self._digests:
            content = (
                self.organisation_options.model_dump_json()
                + self.roadmap.model_dump_json()
                + "".join(c.model_dump_json() for c in self.crosswalks)
                if key is None
                else self.questionnaires[key].model_dump_json()
            )
            self._digests[key] = hashlib.sha256(content.encode("utf-8")).hexdigest()
        return self._digests[key]

    def crosswalks_for(self, questionnaire: Questionnaire) -> list[Crosswalk]:
        """The crosswalks that read ``questionnaire``'s version on another framework."""
        return [c for c in self.crosswalks if c.applies_to(questionnaire)]

    def get(self, questionnaire_id: str, version: int) -> Questionnaire | None:
        return self.questionnaires.get((questionnaire_id, version))

    def versions(self, questionnaire_id: str) -> list[Questionnaire]:
        return sorted(
            (q for q in self.questionnaires.values() if q.id == questionnaire_id),
            key=lambda q: q.version,
        )

    def latest_published(self, questionnaire_id: str | None = None) -> Questionnaire | None:
        published = [
            q
            for q in self.questionnaires.values()
            if q.is_published and (questionnaire_id is None or q.id == questionnaire_id)
        ]
        return max(published, key=lambda q: (q.version, q.id), default=None)

    def previous_published(self, questionnaire: Questionnaire) -> Questionnaire | None:
        """The version ``questionnaire``'s ``maps_from`` refers to: the highest published
        version of the same id below it, or None."""
        version = rules.previous_published_version(
            *questionnaire.key, (q.key for q in self.questionnaires.values() if q.is_published)
        )
        return None if version is None else self.questionnaires[(questionnaire.id, version)]

    def question_mapping(
        self, old: Questionnaire, new: Questionnaire
    ) -> dict[str, tuple[str, ...]]:
        """Which questions of ``old`` each question of ``new`` continues, for every question
        of ``new``: the ``maps_from`` that ``comparison.compare`` takes.

        Versions more than one step apart compose each step's mapping (a question that
        was new in between has no counterpart); an older ``new`` gets the inverse (each
        question of ``new`` is continued by those of ``old`` that map to it). The same
        version maps each question to itself. Different questionnaire ids have no
        counterparts at all. ``new`` must be reachable from ``old`` through published
        versions (a draft may be ``new``, not skipped over); else ValueError.
        """
        if old.id != new.id:
            return {question.id: () for question in new.questions}
        if old.version > new.version:
            forward = self.question_mapping(new, old)
            return {
                question.id: tuple(
                    later for later, earlier in forward.items() if question.id in earlier
                )
                for question in new.questions
            }
        mapping = comparison.resolve_mapping(new.scoring_rules, new.scoring_rules)
        current = new
        while current.version > old.version:
            previous = self.previous_published(current)
            if previous is None or previous.version < old.version:
                raise ValueError(
                    f"{old.id} v{old.version} is not an earlier published version of v{new.version}"
                )
            step = comparison.resolve_mapping(
                previous.scoring_rules, current.scoring_rules, current.maps_from
            )
            mapping = {
                question_id: tuple(
                    dict.fromkeys(earlier for middle in through for earlier in step[middle])
                )
                for question_id, through in mapping.items()
            }
            current = previous
        return mapping


def load_library(directory: Path) -> ContentLibrary:
    """Load every questionnaire file in ``directory``; raise ContentError on any problem."""
    if not directory.is_dir():
        raise ContentError(
            [ContentProblem(str(directory), None, "", _l("the content folder does not exist"))]
        )
    result = check_directory(directory)
    if result.problems or result.organisation_options is None or result.roadmap is None:
        raise ContentError(result.problems)
    library = ContentLibrary(
        {c.questionnaire.key: c.questionnaire for c in result.files if c.questionnaire},
        result.organisation_options,
        result.roadmap,
        tuple(result.crosswalks),
    )
    log.info("loaded %d questionnaire version(s) from %s", len(library.questionnaires), directory)
    return library
