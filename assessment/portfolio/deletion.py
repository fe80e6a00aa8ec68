"""Deleting an organisation on request: everything about it, in one transaction.

Every row that refers to the organisation, to one of its assessments (respondents'
sheets included), or in turn to such a row, is found by following the schema's foreign
keys, so that a table added later is covered without a change here. The files kept for
those rows (logos, stored reports, reports made in batches) are removed once the
deletion is committed.

People's accounts stay: an account is the person's, not the organisation's, and may
serve other organisations; the result says how many belonged to this one only. What is
left of the organisation is one audit event saying that organisation #N was deleted,
with no name and no data.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Table, delete, func, select
from sqlalchemy.exc import IntegrityError

from assessment.audit import service as audit
from assessment.core.errors import AssessmentError
from assessment.extensions import db
from assessment.models import Assessment, Membership, Organisation
from assessment.reports.store import STORED_FOLDER

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (...) list: well below every database's parameter limit


class OrganisationNotFoundError(AssessmentError):
    status_code = 404

    def __init__(self, organisation_id: int) -> None:
        super().__init__(_l("There is no organisation with id %(id)s.", id=organisation_id))


class OrganisationChangedError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _l(
                "The organisation changed while it was being deleted, so nothing was deleted. "
                "Try again."
            )
        )


@dataclass(frozen=True)
class OrganisationDeletion:
    """What deleting an organisation removes (or removed)."""

    organisation_id: int
    name: str  # to confirm with the operator; never logged, never kept
    rows: dict[str, int]  # table -> rows, the organisation's own row included
    files: list[Path]
    accounts_of_this_organisation_only: int

    @property
    def assessments(self) -> int:
        return self.rows.get("assessment", 0)


def deletion_plan(organisation_id: int) -> OrganisationDeletion:
    """What ``delete_organisation`` would remove; nothing is changed."""
    organisation = _organisation(organisation_id)
    doomed = _doomed_rows(organisation_id)
    plan = OrganisationDeletion(
        organisation_id=organisation_id,
        name=organisation.name,
        rows={table.name: len(ids) for table, ids in doomed.items()},
        files=_stored_files(doomed),
        accounts_of_this_organisation_only=_accounts_of_this_organisation_only(organisation_id),
    )
    db.session.rollback()
    return plan


def delete_organisation(organisation_id: int) -> OrganisationDeletion:
    """Delete the organisation and everything that refers to it, in one transaction.

    Raise ``OrganisationNotFoundError`` for an unknown id, ``OrganisationChangedError``
    when a concurrent change got in the way (then nothing is deleted).
    """
    organisation = _organisation(organisation_id, lock=True)
    name = organisation.name
    # Hold the assessments too, so that nobody saves an answer into one meanwhile.
    db.session.execute(
        select(Assessment.id).where(Assessment.organisation_id == organisation_id).with_for_update()
    )
    doomed = _doomed_rows(organisation_id)
    files = _stored_files(doomed)
    accounts_left = _accounts_of_this_organisation_only(organisation_id)
    db.session.expunge_all()  # the rows go below, by table; no stale object may be flushed
    try:
        for table in reversed(db.metadata.sorted_tables):
            ids = doomed.get(table)
            if ids:
                key = _primary_key(table)
                for chunk in _chunks(sorted(ids)):
                    db.session.execute(delete(table).where(key.in_(chunk)))
        audit.record_for_organisation("organisation.deleted", None, organisation=organisation_id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.warning("deleting organisation %s was refused by the database", organisation_id)
        raise OrganisationChangedError() from None
    removed = _remove_files(files)
    deleted = OrganisationDeletion(
        organisation_id=organisation_id,
        name=name,
        rows={table.name: len(ids) for table, ids in doomed.items()},
        files=removed,
        accounts_of_this_organisation_only=accounts_left,
    )
    log.info(
        "organisation %s deleted: %d rows in %d tables, %d files",
        organisation_id,
        sum(deleted.rows.values()),
        len(deleted.rows),
        len(removed),
    )
    return deleted


def _organisation(organisation_id: int, lock: bool = False) -> Organisation:
    query = select(Organisation).where(Organisation.id == organisation_id)
    organisation = db.session.execute(
        query.with_for_update() if lock else query
    ).scalar_one_or_none()
    if organisation is None:
        db.session.rollback()
        raise OrganisationNotFoundError(organisation_id)
    return organisation


def _doomed_rows(organisation_id: int) -> dict[Table, set[int]]:
    """Primary keys, by table, of every row that refers to the organisation, directly or
    through other such rows (its assessments, their sheets, answers, invitations...)."""
    organisation = Organisation.__table__
    doomed: dict[Table, set[int]] = {organisation: {organisation_id}}
    pending: list[tuple[Table, set[int]]] = [(organisation, {organisation_id})]
    while pending:
        parent, parent_ids = pending.pop()
        for child in db.metadata.sorted_tables:
            for foreign_key in child.foreign_keys:
                if foreign_key.column.table is not parent:
                    continue
                key = _primary_key(child)
                found: set[int] = set()
                for chunk in _chunks(sorted(parent_ids)):
                    found.update(
                        db.session.execute(
                            select(key).where(foreign_key.parent.in_(chunk))
                        ).scalars()
                    )
                new = found - doomed.get(child, set())
                if new:
                    doomed.setdefault(child, set()).update(new)
                    pending.append((child, new))
    return doomed


def _primary_key(table: Table) -> Column[int]:
    (key,) = table.primary_key.columns
    return key


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _accounts_of_this_organisation_only(organisation_id: int) -> int:
    members = select(Membership.user_id).where(Membership.organisation_id == organisation_id)
    elsewhere = select(Membership.user_id).where(Membership.organisation_id != organisation_id)
    return db.session.execute(
        select(func.count()).select_from(
            members.where(Membership.user_id.not_in(elsewhere)).subquery()
        )
    ).scalar_one()


def _stored_files(doomed: dict[Table, set[int]]) -> list[Path]:
    """The files kept for the doomed rows: logos, evidence, stored reports, and reports
    made in batches (with the zips that hold them, which are made again, without them,
    when next downloaded)."""
    tables = db.metadata.tables
    files: list[Path] = []
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    commentary = tables["report_commentary"]
    files += [
        upload_dir / name
        for name in _column_values(commentary, commentary.c.logo_file, doomed)
        if name
    ]
    evidence = tables["evidence_file"]
    files += [upload_dir / name for name in _column_values(evidence, evidence.c.file_name, doomed)]
    if "report_batch_item" in tables and current_app.config.get("BATCH_DIR"):
        batch_dir = Path(current_app.config["BATCH_DIR"])
        item = tables["report_batch_item"]
        files += [
            batch_dir / name for name in _column_values(item, item.c.report_path, doomed) if name
        ]
        touched_batches = set(_column_values(item, item.c.batch_id, doomed))
        files += [batch_dir / str(batch_id) / "reports.zip" for batch_id in touched_batches]
        files += [batch_dir / str(batch_id) for batch_id in doomed.get(tables["report_batch"], ())]
        stored = tables["stored_report"]
        files += [
            batch_dir / name for name in _column_values(stored, stored.c.file_name, doomed) if name
        ]
        # With whatever else is left of them (a report being stored as it is deleted).
        files += [
            batch_dir / STORED_FOLDER / str(organisation_id)
            for organisation_id in doomed.get(tables["organisation"], ())
        ]
    return [path for path in files if path.exists()]


def _column_values(table: Table, column: Column[Any], doomed: dict[Table, set[int]]) -> list[Any]:
    key = _primary_key(table)
    values: list[Any] = []
    for chunk in _chunks(sorted(doomed.get(table, ()))):
        values += db.session.execute(select(column).where(key.in_(chunk))).scalars()
    return values


def _remove_files(files: list[Path]) -> list[Path]:
    """Remove what exists of ``files`` (a folder with its contents); returns what was."""
    removed = []
    for path in files:
        try:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
        except OSError as error:
            log.warning("a stored file could not be removed: %s", error.strerror)
            continue
        removed.append(path)
    return removed
