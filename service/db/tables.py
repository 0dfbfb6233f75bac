"""The database schema, as SQLAlchemy 2 ORM classes.

Schema changes go through Alembic (service/db/migrations/); a test fails when
these classes and the migrations disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from service.db.types import StrEnumType, UtcDateTime, utc_now
from service.domain import DeliveryStatus, PollOutcome, SubscriberStatus

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Made by migrations but not declared below, because only one backend has them:
# PostgreSQL's text-search index of stories (0005; SQLite searches with LIKE).
# Alembic cannot compare a per-dialect expression index, so a comparison of
# these classes with a migrated database skips these names (include_name).
INDEXES_OUTSIDE_THE_ORM = frozenset({"ix_stories_search"})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class MailboxPosition(Base):
    """The last IMAP UID handled, per mailbox generation (UIDVALIDITY)."""

    __tablename__ = "mailbox_positions"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(300))
    folder: Mapped[str] = mapped_column(String(300))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now
    )


class Issue(Base):
    __tablename__ = "issues"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Message-ID as received, or "sha256:<hex>" of the raw message without one.
    dedupe_key: Mapped[str] = mapped_column(String(998), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(998))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    sender: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, index=True
    )
    origin: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    # The digest round (ISO week) this issue's stories went into; NULL until one takes it.
    digest_week: Mapped[str | None] = mapped_column(String(10), index=True)
    source: Mapped[Source] = relationship()
    stories: Mapped[list[Story]] = relationship(
        back_populates="issue", order_by="Story.index", cascade="all, delete-orphan"
    )


class Story(Base):
    __tablename__ = "stories"
    __table_args__ = (UniqueConstraint("issue_id", "index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    headline: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    fiction: Mapped[bool] = mapped_column(Boolean, default=False)
    # The story's own link and the newsletter section it sat under; "" when none.
    url: Mapped[str] = mapped_column(Text, default="", server_default="")
    section: Mapped[str] = mapped_column(Text, default="", server_default="")
    issue: Mapped[Issue] = relationship(back_populates="stories")
    themes: Mapped[list[StoryTheme]] = relationship(
        back_populates="story", cascade="all, delete-orphan"
    )


class StoryTheme(Base):
    """One theme's score for a story, from one model version.

    Every theme gets a row (assigned or not), so scores can be shown and a
    re-tag by a newer model keeps the older rows for comparison.
    """

    __tablename__ = "story_themes"
    __table_args__ = (
        UniqueConstraint("story_id", "theme", "model_version"),
        # The themes stories have now: feeds and the archive list stories by these.
        Index("ix_story_themes_assigned", "theme", "story_id",
              sqlite_where=text("current AND assigned"),
              postgresql_where=text("current AND assigned")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    assigned: Mapped[bool] = mapped_column(Boolean)
    model_version: Mapped[str] = mapped_column(String(100))
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # from the latest tagging
    explanation: Mapped[list[str]] = mapped_column(JSON, default=list)
    # kept under the threshold because the story names nothing of AI, or for robotics no
    # machine (classify/subject.py, machines.py)
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the story's themes are a person's label (classify/editor_tags.py), not the model's
    # call: a reader's minimum score, which reads ``score``, does not hold them back
    labeled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # when the row was last made current: the feeds' stamp reads the latest (migration 0011)
    tagged_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
    story: Mapped[Story] = relationship(back_populates="themes")


class RefusedMessage(Base):
    """A message that did not become an issue: rejected (untrusted) or failed (bad)."""

    __tablename__ = "refused_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(998), unique=True)
    status: Mapped[PollOutcome] = mapped_column(  # rejected | failed
        StrEnumType(PollOutcome), index=True)
    code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(998))
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # headers only when too large
    received_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, index=True
    )


class ModelVersion(Base):
    """Which model versions have tagged stories here, and their cards."""

    __tablename__ = "model_versions"
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_used_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Subscriber(Base):
    __tablename__ = "subscribers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower-cased
    status: Mapped[SubscriberStatus] = mapped_column(StrEnumType(SubscriberStatus), index=True)
    # Rotating this invalidates every link ever sent to the subscriber.
    link_secret: Mapped[str] = mapped_column(String(64))
    hard_bounces: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # {theme: cadence} asked for on the subscribe form, applied only when the
    # confirmation is POSTed: a stranger's request never changes stored themes.
    requested_choices: Mapped[dict[str, str] | None] = mapped_column(JSON)
    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan"
    )


class Subscription(Base):
    """One theme a subscriber follows, and how often they want it."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("subscriber_id", "theme"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(String(40))
    cadence: Mapped[str] = mapped_column(String(20))  # instant | weekly
    min_score: Mapped[float | None] = mapped_column(Float)
    # When the theme moved from weekly to instant: what arrived before still goes into the
    # digest of its round (deliver/match.py); None while weekly, or never weekly.
    weekly_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")


class Delivery(Base):
    """One email owed to one subscriber: an alert for an issue or a week's digest.

    The unique keys are invariant 3: running matching twice creates nothing twice.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "issue_id"),
        UniqueConstraint("subscriber_id", "week"),
        # a reader's waiting emails, without their history: claims.py (migration 0011)
        Index("ix_deliveries_reader_queue", "subscriber_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # instant | digest | CONFIRM_KIND
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    week: Mapped[str | None] = mapped_column(String(10))  # ISO week, "2024-W20"
    story_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[DeliveryStatus] = mapped_column(StrEnumType(DeliveryStatus), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(998))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    subscriber: Mapped[Subscriber] = relationship()


class Label(Base):
    """Somebody's statement of a story's true themes: the classifier's teacher."""

    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    themes: Mapped[list[str]] = mapped_column(JSON)
    role: Mapped[str] = mapped_column(String(20))  # editor | reader | import
    who: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class DigestRound(Base):
    """A week whose digests were built: it took every issue no round held yet (match.py)."""

    __tablename__ = "digest_rounds"
    week: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2024-W20"
    built_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class ServiceState(Base):
    """Small named values the service keeps between runs (the retraining watermark).

    In the database, not in a file, so whichever scheduler is active carries on.
    """

    __tablename__ = "service_state"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class DeploymentFact(Base):
    """What every process on this database must agree on, as the first to start recorded
    it: the link-signing key's fingerprint (service/ops/deployment.py)."""

    __tablename__ = "deployment_facts"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))  # host:pid:role
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JobRun(Base):
    """When each scheduled job (poll, send, digest, retrain) last ran, and how it went.

    Kept in the database rather than in process memory so that `/healthz` and
    `newsalerts status` on any machine see what the active scheduler did.
    """

    __tablename__ = "job_runs"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)  # secrets masked
    # the first failure since the last success (None while it succeeds)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the last outcome


class Event(Base):
    """One piece of news (a release, deal, ruling...) that one or more stories report."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class StoryEvent(Base):
    """A story's membership of an event: usually one per story, several for a roundup."""

    __tablename__ = "story_events"
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)  # likeness to its closest member; 1 founds it
    how: Mapped[str] = mapped_column(String(20))  # founded | matched | editor


class StoryTerm(Base):
    """One weighted term of a story's signature (part 0: the whole story; 1..: its parts).

    Indexed on (term, part, dated): the candidate index that finds a new story's
    possible matches among the window's stories without reading them all.
    """

    __tablename__ = "story_terms"
    __table_args__ = (Index("ix_story_terms_term_part_dated", "term", "part", "dated"),
                      Index("ix_story_terms_part_dated", "part", "dated"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    part: Mapped[int] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(String(100))
    weight: Mapped[float] = mapped_column(Float)
    dated: Mapped[datetime] = mapped_column(UtcDateTime())  # the issue's date


class EventDecision(Base):
    """An editor's word on two stories: one piece of news (merge) or not (split).

    Matching obeys these over any score, re-matching included, and
    `newsalerts events tune` measures thresholds against them.
    """

    __tablename__ = "event_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    other_story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    same: Mapped[bool] = mapped_column(Boolean)
    who: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class RateEvent(Base):
    """One counted attempt (a failed login, a subscribe request) by one client or name.

    Kept in the database so that every web process shares the same limits.
    """

    __tablename__ = "rate_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))  # login-client | login-user | subscribe-client
    key: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


Index("ix_rate_events_scope_key_at", RateEvent.scope, RateEvent.key, RateEvent.at)


# APScheduler's job store (SQLAlchemyJobStore(tablename="scheduler_jobs")), declared
# here with APScheduler's own columns so that a migration creates it, not the library.
scheduler_jobs = Table(
    "scheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
