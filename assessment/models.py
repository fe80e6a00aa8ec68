"""The database: organisations, their assessments, and the answers given.

An assessment keeps the questionnaire id and version it was answered on, and, once
submitted, the score computed then, so that a report made years later shows the same
numbers and can still be explained by that version's content.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Update,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.elements import ColumnElement

from assessment.core.batch_progress import ItemState
from assessment.core.stored_result import StoredResult, as_float
from assessment.extensions import db

RESUME_TOKEN_BYTES = 32
COMMENTARY_MAX_LENGTH = 8000
ANSWER_VALUES = ("1", "2", "3", "4", "5", "na", "unknown")
COMMENT_MAX_LENGTH = 4000
NAME_MAX_LENGTH = 200
WEBHOOK_URL_MAX_LENGTH = 2000
# The largest value of an id column (PostgreSQL's integer): a larger id names nothing.
LARGEST_ID = 2**31 - 1


def level_of(value: str | None) -> int | None:
    """The level 1-5 of a stored answer value, or None for "na", "unknown" or no answer."""
    return int(value) if value is not None and value.isdigit() else None


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_resume_token() -> str:
    return secrets.token_urlsafe(RESUME_TOKEN_BYTES)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use utc_now()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        Index("ix_organisation_name", "name"),
        Index("ix_organisation_peers", "industry", "size_band"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    industry: Mapped[str] = mapped_column(String(40))
    size_band: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Whether its latest submitted indices may be counted, anonymously, in peer benchmarks.
    benchmark_consent: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # What every list shows of its assessments, kept by ``keep_latest_assessments`` below
    # whenever one of them is added, submitted, moved or deleted: its latest submitted
    # assessment with that one's overall index, level and date, and its newest assessment
    # whatever its status with that one's status and date (respondents' sheets left out).
    # Lists filter, sort and count these without reading any assessment.
    latest_submitted_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL", use_alter=True, name="fk_latest_submitted")
    )
    latest_index: Mapped[float | None] = mapped_column(Float)
    latest_level: Mapped[int | None]
    latest_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    newest_assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "assessment.id", ondelete="SET NULL", use_alter=True, name="fk_newest_assessment"
        )
    )
    newest_status: Mapped[str | None] = mapped_column(String(16))
    newest_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="organisation",
        order_by="Assessment.created_at",
        foreign_keys="Assessment.organisation_id",
    )


class Assessment(db.Model):
    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        # An organisation's newest and latest submitted assessments, found by index.
        Index("ix_assessment_organisation_created", "organisation_id", "created_at"),
        Index("ix_assessment_organisation_submitted", "organisation_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=AssessmentStatus.DRAFT)
    resume_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_resume_token)
    respondent_name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    locale: Mapped[str] = mapped_column(String(16), default="zh_CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The score as computed at submission, kept so it never changes: read it as
    # ``stored_result``; this column holds its JSON form (``StoredResult.to_dict``).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Copies of the stored score's overall index and level, for lists to filter and sort
    # by without reading ``result``; written with it by ``record_result``.
    overall_index: Mapped[float | None] = mapped_column(Float)
    overall_level: Mapped[int | None]
    # A respondent's own sheet of an assessment answered by several people; None for the
    # organisation's assessment itself.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="assessments", foreign_keys=[organisation_id]
    )
    indices: Mapped[list[AssessmentIndex]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    parent: Mapped[Assessment | None] = relationship(remote_side=[id], back_populates="sheets")
    sheets: Mapped[list[Assessment]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", order_by="Assessment.id"
    )
    settlements: Mapped[list[Settlement]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    commentary: Mapped[ReportCommentary | None] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def stored_result(self) -> StoredResult | None:
        """The score stored at submission; None before."""
        return StoredResult.from_dict(self.result) if self.result is not None else None

    def record_result(self, result: StoredResult) -> None:
        """Keep the score computed at submission, with the copies lists and peer
        benchmarks read: the overall index and level, and every index as a row."""
        self.result = result.to_dict()
        self.overall_index = as_float(result.overall.index)
        self.overall_level = None if result.overall.level is None else int(result.overall.level)
        self.indices = [
            AssessmentIndex(metric=metric, value=as_float(value))
            for metric, value in result.indices().items()
        ]

    @property
    def is_sheet(self) -> bool:
        return self.parent_id is not None

    @classmethod
    def of_organisation_level(cls) -> ColumnElement[bool]:
        """Filter for the organisations' assessments, leaving out respondents' sheets."""
        return cls.parent_id.is_(None)


class AssessmentIndex(db.Model):
    """One index of a submitted assessment's stored score: the overall index (metric
    ``overall``) or a dimension's, so that peer percentiles are counted by the database."""

    __tablename__ = "assessment_index"
    __table_args__ = (UniqueConstraint("assessment_id", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, whose first column it is.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)

    assessment: Mapped[Assessment] = relationship(back_populates="indices")


# The fields of an assessment whose change may change its organisation's list copies.
LATEST_ASSESSMENT_FIELDS = (
    "organisation_id",
    "parent_id",
    "status",
    "created_at",
    "submitted_at",
    "overall_index",
    "overall_level",
)


def latest_assessments_updates(organisation_ids: Iterable[int] | None = None) -> list[Update]:
    """The statements, to run in order, that set organisations' latest submitted and
    newest assessments from their assessments, then the copies lists read of those two;
    for every organisation when ``organisation_ids`` is None."""
    own = (
        Assessment.organisation_id == Organisation.id,
        Assessment.of_organisation_level(),
    )
    latest = (
        select(Assessment.id)
        .where(*own, Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    newest = (
        select(Assessment.id)
        .where(*own)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )

    def of_latest(column: Any) -> Any:
        return select(column).where(Assessment.id == Organisation.latest_submitted_id)

    def of_newest(column: Any) -> Any:
        return select(column).where(Assessment.id == Organisation.newest_assessment_id)

    pointers = update(Organisation).values(latest_submitted_id=latest, newest_assessment_id=newest)
    copies = update(Organisation).values(
        latest_index=of_latest(Assessment.overall_index).scalar_subquery(),
        latest_level=of_latest(Assessment.overall_level).scalar_subquery(),
        latest_submitted_at=of_latest(Assessment.submitted_at).scalar_subquery(),
        newest_status=of_newest(Assessment.status).scalar_subquery(),
        newest_created_at=of_newest(Assessment.created_at).scalar_subquery(),
    )
    if organisation_ids is None:
        return [pointers, copies]
    chosen = Organisation.id.in_(sorted(organisation_ids))
    return [pointers.where(chosen), copies.where(chosen)]


LIST_COPIES = (
    "latest_submitted_id",
    "latest_index",
    "latest_level",
    "latest_submitted_at",
    "newest_assessment_id",
    "newest_status",
    "newest_created_at",
)


def _organisations_touched(session: Session) -> set[int]:
    """The organisations whose assessments this flush adds, deletes, or changes in a way
    that may change which one is the latest or the newest."""
    touched: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(instance, Assessment):
            continue
        state = inspect(instance)
        if instance in session.dirty and not any(
            state.attrs[field].history.has_changes() for field in LATEST_ASSESSMENT_FIELDS
        ):
            continue
        history = state.attrs.organisation_id.history
        touched.update(i for i in (*history.added, *history.unchanged, *history.deleted) if i)
    return touched


@event.listens_for(Session, "after_flush")
def keep_latest_assessments(session: Session, _context: object) -> None:
    """Whenever an assessment is added, deleted, submitted or moved, its organisation's
    latest submitted and newest assessments are set again, in the same transaction."""
    touched = _organisations_touched(session)
    if not touched:
        return
    for statement in latest_assessments_updates(touched):
        session.connection().execute(statement)
    session.info.setdefault("organisations_to_expire", set()).update(touched)


@event.listens_for(Session, "after_flush_postexec")
def expire_latest_assessments(session: Session, _context: object) -> None:
    """The organisations in memory read their list copies afresh (expiring them during the
    flush itself would be undone as new objects are saved)."""
    for organisation_id in session.info.pop("organisations_to_expire", ()):
        organisation = session.identity_map.get(identity_key(Organisation, organisation_id))
        if organisation is not None:
            session.expire(organisation, LIST_COPIES)


class Settlement(db.Model):
    """A consultant's final answer to one question of an assessment with several
    respondents: it replaces whatever the merge of their answers gives."""

    __tablename__ = "settlement"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(8))  # as Answer.value: "1".."5", "na", "unknown"
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    assessment: Mapped[Assessment] = relationship(back_populates="settlements")
    user: Mapped[User | None] = relationship()


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint(
            "value IS NULL OR value IN ('1', '2', '3', '4', '5', 'na', 'unknown')",
            name="value_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, whose first column it is.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    # "1".."5", "na", "unknown"; None when only a comment was given.
    value: Mapped[str | None] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class ReportCommentary(db.Model):
    """What a consultant adds to an assessment's report: commentary and branding.

    Plain text only: templates escape it, and nothing in it is ever read as HTML.
    """

    __tablename__ = "report_commentary"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), unique=True
    )
    executive_summary: Mapped[str] = mapped_column(Text, default="")
    # Dimension id -> note, for the dimensions that have one.
    dimension_notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    prepared_by: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    firm_name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    # A stored upload's file name (random, under the app's upload folder), and its kind.
    logo_file: Mapped[str | None] = mapped_column(String(80))
    logo_type: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    assessment: Mapped[Assessment] = relationship(back_populates="commentary")


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    CONSULTANT = "consultant"
    MEMBER = "member"  # a person of a client organisation


class User(UserMixin, db.Model):
    """A person who logs in. Passwords are kept only as argon2 hashes."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'consultant', 'member')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=UserRole.MEMBER)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Consultants belong to a firm; other people do not.
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="SET NULL"))

    firm: Mapped[Firm | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active


class PendingSignUp(db.Model):
    """A sign-up waiting for its address to be confirmed: what the form said, the password
    only as its argon2 hash. The link mailed to the address creates the account and the
    organisation from it; the row is deleted then, and once it has expired."""

    __tablename__ = "pending_sign_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    password_hash: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    industry: Mapped[str] = mapped_column(String(40))
    size_band: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Firm(db.Model):
    """A consulting firm: its consultants serve the organisations it is engaged by."""

    __tablename__ = "firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class MembershipRole(enum.StrEnum):
    OWNER = "owner"
    RESPONDENT = "respondent"


class Membership(db.Model):
    """A person of an organisation: its owner, or a respondent."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id"),
        CheckConstraint("role IN ('owner', 'respondent')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=MembershipRole.RESPONDENT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Engagement(db.Model):
    """A firm serving a client organisation: its consultants may see and work on it."""

    __tablename__ = "engagement"
    __table_args__ = (UniqueConstraint("firm_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    firm: Mapped[Firm] = relationship()
    organisation: Mapped[Organisation] = relationship()


class InvitationKind(enum.StrEnum):
    JOIN = "join"  # become a member of the organisation, with an account
    ANSWER = "answer"  # answer one assessment, without an account


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Invitation(db.Model):
    """A signed link sent to a person: to join an organisation, or to answer one assessment.

    The link carries only the invitation's id, signed; whether it still works is decided
    here, by its expiry, its revocation and (to join) its single use.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("kind IN ('join', 'answer')", name="kind_known"),
        CheckConstraint(
            "(kind = 'join' AND role IN ('owner', 'respondent') AND assessment_id IS NULL)"
            " OR (kind = 'answer' AND role IS NULL AND assessment_id IS NOT NULL)",
            name="kind_consistent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # To join: when it was accepted, and by whom. To answer: when the link was first used.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # To answer: the invitee's own sheet of the assessment, made when the link is first used.
    sheet_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    assessment: Mapped[Assessment | None] = relationship(foreign_keys=[assessment_id])
    sheet: Mapped[Assessment | None] = relationship(foreign_keys=[sheet_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def state(self, now: datetime) -> InvitationState:
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.kind == InvitationKind.JOIN and self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING


class AuditEvent(db.Model):
    """One action on an organisation's data. Written once; the app never changes it."""

    __tablename__ = "audit_event"
    # An organisation's trail, newest first, a page at a time.
    __table_args__ = (Index("ix_audit_event_trail", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    action: Mapped[str] = mapped_column(String(40))
    # Who: a signed-in user, else how the action came (a resume link, the command line).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE")
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


class ApiToken(db.Model):
    """A personal token for the JSON API. Only the SHA-256 of the secret is kept; the
    secret itself is shown once, when the token is created."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ReportBatchScope(enum.StrEnum):
    PORTFOLIO = "portfolio"  # every client organisation of the person who asked
    ORGANISATION = "organisation"


class ReportBatch(db.Model):
    """Every report of a portfolio or of one organisation, made in the background.

    Its state is not stored: it follows from its items' states (``core/batch_progress.py``).
    """

    __tablename__ = "report_batch"
    __table_args__ = (
        CheckConstraint("scope IN ('portfolio', 'organisation')", name="scope_known"),
        CheckConstraint("language IN ('zh-CN', 'en')", name="language_known"),
        CheckConstraint("format IN ('pdf', 'docx')", name="format_known"),
        CheckConstraint(
            "(scope = 'organisation' AND organisation_id IS NOT NULL)"
            " OR (scope = 'portfolio' AND organisation_id IS NULL)",
            name="scope_consistent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))  # zh-CN | en
    format: Mapped[str] = mapped_column(String(8), default="pdf", server_default="pdf")  # | docx
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # When its reports were handed to the workers (or made in the request); None while
    # the queue could not be reached.
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    items: Mapped[list[ReportBatchItem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="ReportBatchItem.id"
    )


class ReportBatchItem(db.Model):
    """One report of a batch: one submitted assessment of an organisation."""

    __tablename__ = "report_batch_item"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("report_batch.id", ondelete="CASCADE"), index=True
    )
    # None once the assessment has been deleted: the report then fails, saying so.
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL")
    )
    file_name: Mapped[str] = mapped_column(String(255))  # its name in the zip
    state: Mapped[str] = mapped_column(String(16), default=ItemState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # Why it failed, as a key of batches.service.FAILURE_MESSAGES (the message is shown
    # in the reader's language); kept while it waits to be tried again.
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    # Its copy of the report, relative to the batches folder (BATCH_DIR):
    # "<batch id>/<item id>.pdf" (or .docx).
    report_path: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    batch: Mapped[ReportBatch] = relationship(back_populates="items")
    assessment: Mapped[Assessment | None] = relationship()


class StoredReport(db.Model):
    """A submitted assessment's report in one language and format, made once and kept.

    ``fingerprint`` is the digest of everything the report is made from
    (``reports/fingerprint.py``): the file is served while that digest is unchanged and
    made again, replacing this row and its file, once it is not.
    """

    __tablename__ = "stored_report"
    __table_args__ = (
        UniqueConstraint("assessment_id", "language", "format"),
        CheckConstraint("language IN ('zh-CN', 'en')", name="language_known"),
        CheckConstraint("format IN ('pdf', 'docx')", name="format_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))  # zh-CN | en
    format: Mapped[str] = mapped_column(String(8), default="pdf", server_default="pdf")  # | docx
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256, hex
    # Relative to the batches folder (BATCH_DIR): "stored/<organisation id>/<name>.pdf|docx".
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)


class Target(db.Model):
    """A level an organisation means to reach by a date, in a dimension or in one question.

    Targets belong to the organisation, not to one assessment: every assessment's results
    and report read them against its own stored score (``core/targets.py``). A dimension's
    own target has ``question_id`` "" (not NULL, so that the unique constraint holds).
    """

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("organisation_id", "dimension_id", "question_id"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    dimension_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64), default="")
    level: Mapped[int]
    due_on: Mapped[date | None] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    set_by: Mapped[User | None] = relationship()


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    DOING = "doing"
    DONE = "done"


class PlanAction(db.Model):
    """One action of an organisation's roadmap, in the order its consultant gave it.

    Either a proposed step someone accepted, one question to climb from the level answered
    in the plan's basis assessment to its target level (``question_id``, ``from_level``,
    ``to_level``), or an action of someone's own (``title``). The questionnaire version is
    kept with it, so that its question and descriptors can be shown even after the basis
    assessment is deleted.
    """

    __tablename__ = "plan_action"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'doing', 'done')", name="status_known"),
        CheckConstraint(
            "(question_id IS NOT NULL AND from_level BETWEEN 1 AND 5"
            " AND to_level BETWEEN 1 AND 5 AND from_level < to_level)"
            " OR (question_id IS NULL AND title IS NOT NULL)",
            name="step_or_own",
        ),
        # An organisation's plan, read in its order.
        Index("ix_plan_action_organisation_position", "organisation_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    position: Mapped[int]
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int]
    dimension_id: Mapped[str | None] = mapped_column(String(64))
    question_id: Mapped[str | None] = mapped_column(String(64))
    from_level: Mapped[int | None]
    to_level: Mapped[int | None]
    # The submitted assessment the step was proposed from (own actions: the latest then).
    basis_assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.PLANNED)
    done_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    basis_assessment: Mapped[Assessment | None] = relationship()


class Confidence(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Verification(enum.StrEnum):
    VERIFIED = "verified"
    CHALLENGED = "challenged"


class AnswerReview(db.Model):
    """How sure we are of one answer: the confidence given to it, and a consultant's mark.

    Kept apart from the answer: a submitted assessment's answers never change, but its
    evidence is gathered and checked afterwards.
    """

    __tablename__ = "answer_review"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint(
            "confidence IS NULL OR confidence IN ('low', 'medium', 'high')",
            name="confidence_known",
        ),
        CheckConstraint(
            "verification IS NULL OR verification IN ('verified', 'challenged')",
            name="verification_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, whose first column it is.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[str | None] = mapped_column(String(8))
    verification: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class EvidenceFile(db.Model):
    """A file attached to an answer as evidence. Stored under a random name in the upload
    folder (``file_name``); the name it was uploaded with is only ever shown."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        CheckConstraint("kind IN ('pdf', 'png', 'jpeg', 'xlsx')", name="kind_known"),
        Index("ix_evidence_file_assessment_question", "assessment_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class WebhookEndpoint(db.Model):
    """An HTTPS address of an organisation's that is told of its events, signed with
    ``secret`` (shown once, when it is added; kept, since every message is signed with it).
    """

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(WEBHOOK_URL_MAX_LENGTH))
    secret: Mapped[str] = mapped_column(String(64))  # whsec_<base64>
    # The event types it receives, space-separated ("assessment.submitted report.ready").
    event_types: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    created_by: Mapped[User | None] = relationship()

    @property
    def events(self) -> list[str]:
        return self.event_types.split()


class WebhookDeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt or a retry
    DELIVERED = "delivered"
    FAILED = "failed"  # its last attempt failed, or it may not be sent at all


class WebhookDelivery(db.Model):
    """One message to one endpoint, with its attempts so far.

    ``body`` is the JSON exactly as it is signed and sent, the same at every attempt.
    ``next_attempt_at`` is when it may be tried (again); a sender takes it by moving that
    time past the attempt's end in one conditional update, so no two send it at once.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'delivered', 'failed')", name="state_known"),
        # An organisation's delivery log, newest first, a page at a time.
        Index("ix_webhook_delivery_log", "organisation_id", "created_at", "id"),
        # Deliveries waiting for their (next) attempt.
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=WebhookDeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    # The last attempt: the receiver's status code, and why it failed (a key of
    # webhooks.sending.FAILURE_MESSAGES, shown in the reader's language).
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(32))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    endpoint: Mapped[WebhookEndpoint] = relationship()
