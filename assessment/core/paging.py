"""Which page links a list shows: the first, the last, and the pages around the current
one, with a gap (None) wherever pages are left out. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def page_window(current: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link, in order; None stands for the pages left out between two."""
    shown = sorted(
        {1, pages} | set(range(max(1, current - around), min(pages, current + around) + 1))
    )
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, which page it is, and how many rows the list has."""

    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_row(self) -> int:
        """The position in the whole list of this page's first row, counted from 1."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    def window(self) -> list[int | None]:
        return page_window(self.number, self.pages)
