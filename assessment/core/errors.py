"""Errors a person can act on, each carrying a message for them and an HTTP status.

Services raise them with a message in the person's language; ``web/errors.py`` turns
them into a page or a JSON answer, and the commands into a line on standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.core.messages import lazy_gettext as _l


class AssessmentError(Exception):
    """Base of the errors whose message is written for the person who caused them."""

    status_code = 400

    def __init__(self, message: str | None = None) -> None:
        super().__init__(str(message) if message else self.__class__.__name__)
        self.message = message


@dataclass(frozen=True)
class ContentProblem:
    file: str
    line: int | None
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.location}: {self.message}"
            if self.location
            else (f"{where}: {self.message}")
        )


class ContentError(AssessmentError):
    """The questionnaire content cannot be used as it is."""

    status_code = 503

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__(
            _l("The questionnaire content has problems; an administrator must fix them.")
        )
        self.problems = problems


class NotFoundError(AssessmentError):
    status_code = 404
