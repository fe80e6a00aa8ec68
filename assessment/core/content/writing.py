"""Warnings about how a questionnaire is written: what makes two people pick different
levels for the same company, or a level a company cannot check from inside.

They are warnings, not problems: the text may be right and the rule of thumb wrong. They
are given for drafts only, as a published version can no longer change
(docs/content-format.md, "Writing a level descriptor"):

- a descriptor of levels 2 to 5 whose Chinese joins more than two conditions: clauses
  separated by Chinese commas or semicolons, leaving out those that qualify another
  (starting with 但, 如, 例如, 包括, 即, 而, 也, 仍 or 或; and 则, which ends an
  alternative opened by 如 (如自营平台 ... 则 ...) describes the same step for another kind of
  company) and anything in brackets. The
  partial-fit rule (the highest level whose every condition holds) reads best on one or
  two conditions. Level 1 is where every organisation starts, not a set of conditions;
- a level-5 descriptor, or the scale's level-5 meaning, that names recognition by others
  (同行, 行业前列, 标杆, 示范, 获评): nobody can check it from inside, and it caps small
  companies at level 4. Name evidence the company holds instead: a measured change, a
  share, a cadence;
- a prompt without its subject: 贵企业 in Chinese, "your" or "organisation" in English.
"""

from __future__ import annotations

import re

from assessment.core.content.schema import Questionnaire
from assessment.core.messages import lazy_gettext as _l

MOST_CONDITIONS = 2
QUALIFYING_STARTS = ("但", "如", "则", "例如", "包括", "即", "而", "也", "仍", "或")
OUTSIDE_RECOGNITION = ("同行", "行业前列", "行业标杆", "标杆", "示范", "获评")
CHINESE_SUBJECT = "贵企业"
ENGLISH_SUBJECTS = ("your", "organisation")
# Brackets, half- or full-width, and the Chinese comma and semicolon.
BRACKETS = re.compile("\uff08[^\uff09]*\uff09|\\([^)]*\\)")
CLAUSE_BREAKS = re.compile("[\uff0c\uff1b]")

Location = tuple[str | int, ...]
Warning = tuple[Location, str]


def conditions(chinese: str) -> int:
    """How many conditions a Chinese descriptor joins (see the module's rule)."""
    text = BRACKETS.sub("", chinese).rstrip("。")
    clauses = [clause.strip() for clause in CLAUSE_BREAKS.split(text) if clause.strip()]
    return sum(1 for clause in clauses if not clause.startswith(QUALIFYING_STARTS))


def writing_warnings(questionnaire: Questionnaire) -> list[Warning]:
    warnings: list[Warning] = []
    for d, dimension in enumerate(questionnaire.dimensions):
        for q, question in enumerate(dimension.questions):
            where: Location = ("dimensions", d, "questions", q)
            if CHINESE_SUBJECT not in question.prompt.zh_cn:
                warnings.append(
                    (
                        (*where, "prompt", "zh-CN"),
                        _l("the prompt does not name its subject, %(subject)s", subject="贵企业"),
                    )
                )
            if not any(word in question.prompt.en.lower() for word in ENGLISH_SUBJECTS):
                warnings.append(
                    (
                        (*where, "prompt", "en"),
                        _l("the prompt does not name its subject, %(subject)s", subject="your …"),
                    )
                )
            for level, text in enumerate(question.levels[1:], start=2):
                count = conditions(text.zh_cn)
                if count > MOST_CONDITIONS:
                    warnings.append(
                        (
                            (*where, "levels", level - 1, "zh-CN"),
                            _l(
                                "joins %(count)s conditions; split it, or keep at most "
                                "%(most)s that belong together",
                                count=count,
                                most=MOST_CONDITIONS,
                            ),
                        )
                    )
            warnings += _recognition_warnings(
                (*where, "levels", len(question.levels) - 1, "zh-CN"), question.levels[-1].zh_cn
            )
    top_level = len(questionnaire.levels) - 1
    warnings += _recognition_warnings(
        ("levels", top_level, "meaning", "zh-CN"), questionnaire.levels[top_level].meaning.zh_cn
    )
    return warnings


def _recognition_warnings(where: Location, chinese: str) -> list[Warning]:
    found = [word for word in OUTSIDE_RECOGNITION if word in chinese]
    named = [w for w in found if not any(w != other and w in other for other in found)]
    if not named:
        return []
    message = _l(
        "level 5 rests on recognition by others (%(words)s), which the "
        "organisation cannot check; name evidence it holds instead",
        words="、".join(named),
    )
    return [(where, message)]
