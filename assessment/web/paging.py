"""Lists in pages, and the query string that chooses a page, a sort and filters.

Every list that can grow is read a page at a time: the database counts, sorts and skips
(one count and one LIMIT/OFFSET query), and the page links keep whatever filters the
reader chose. A query string that asks for something that does not exist (page 0, a page
past the end, a sort or a filter value the list does not have) is answered with a page
saying so, never a server error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request, url_for
from flask_babel import ngettext
from sqlalchemy import Select, func, select

from assessment.core.errors import NotFoundError
from assessment.core.list_arguments import page_number
from assessment.core.paging import Page, page_count
from assessment.extensions import db

PER_PAGE = 50


class PageNotFoundError(NotFoundError):
    def __init__(self, page: int, pages: int) -> None:
        super().__init__(
            ngettext(
                "There is no page %(page)s: this list has %(num)d page.",
                "There is no page %(page)s: this list has %(num)d pages.",
                pages,
                page=page,
            )
        )


def paginate(
    statement: Select[Any], args: Mapping[str, str], per_page: int = PER_PAGE
) -> Page[Any]:
    """One page of ``statement``'s rows (its objects when it selects one entity or
    column), with the total; ``statement`` must be fully ordered. A page past the end of
    a list is a 404 that says how many pages there are."""
    number = page_number(args)
    total = db.session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    pages = page_count(total, per_page)
    if number > pages:  # before any OFFSET: a page number of any size is answered
        raise PageNotFoundError(number, pages)
    result = db.session.execute(statement.limit(per_page).offset((number - 1) * per_page))
    items = list(result.scalars() if len(statement.column_descriptions) == 1 else result)
    return Page(items=items, number=number, per_page=per_page, total=total)


def page_url(page: int) -> str:
    """The current page's address with another page number, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)
