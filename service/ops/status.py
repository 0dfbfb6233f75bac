"""What the service has been doing, kept in and read from the database.

Scheduled jobs record when they last ran and how it went in ``job_runs``;
``/healthz``, ``/metrics`` and ``newsalerts status`` read it back together
with counts of issues, stories, refusals and deliveries.  Nothing here lives
in process memory, so a web process on one machine reports what the active
scheduler on another did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service.context import Context
from service.db.tables import Delivery, Issue, JobRun, RefusedMessage, Story, StoryTheme
from service.db.types import as_utc
from service.deliver.claims import behind_a_live_lease, claimable
from service.domain import CONFIRM_KIND, DeliveryStatus
from service.errors import StorageError
from service.ops.logs import MASK, secret_values

log = logging.getLogger(__name__)

JOBS = ("poll", "send", "digest", "retrain")
LEADER = "scheduler"  # the job_runs row the active scheduler keeps fresh
# A poll (or the active scheduler's heartbeat) this many intervals overdue is "stale".
STALE_AFTER_INTERVALS = 3
MAX_ERROR_CHARS = 500
QUEUED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


# --- recording ------------------------------------------------------------------------------


def run_recorded(ctx: Context, name: str, work: Callable[[], Mapping[str, Any]]
                 ) -> Mapping[str, Any]:
    """Run ``work`` as job ``name``: its start, then its detail or its error, in ``job_runs``.

    The scheduler's jobs and the same work started by hand (`newsalerts poll` from
    cron) record alike.  ``work``'s own error is what is raised: a database too
    broken to record the failure only adds a warning.
    """
    record_start(ctx, name)
    try:
        detail = work()
    except Exception as exc:
        record_failure_if_possible(ctx, name, exc)
        raise
    record_success(ctx, name, detail)
    return detail


def record_failure_if_possible(ctx: Context, name: str, error: BaseException) -> None:
    try:
        record_failure(ctx, name, error)
    except Exception as exc:
        log.warning("could not record the %s failure either: %s", name, exc)


def record_start(ctx: Context, name: str) -> None:
    _upsert(ctx, name, {"last_started_at": ctx.now()})


def record_success(ctx: Context, name: str, detail: Mapping[str, Any]) -> None:
    _upsert(ctx, name, {"last_success_at": ctx.now(), "detail": dict(detail),
                        "failing_since": None})


def record_failure(ctx: Context, name: str, error: BaseException) -> None:
    """The failure, and when the run of failures began (``failing_since``): a poll failing
    for hours read "FAILING since 12 s ago", its latest (an operator's probe).  Set in the
    same statement from the row it updates, so a success another process records meanwhile
    is never overwritten (the review of a first version that read, then wrote)."""
    now = ctx.now()
    # (a success clears failing_since: kept while set, the run of failures goes on)
    _upsert(ctx, name, {"last_failure_at": now, "last_error": error_text(ctx, error),
                        "failing_since": now},
            on_update={"failing_since": func.coalesce(
                column := JobRun.__table__.c.failing_since, literal(now, column.type))})


def error_text(ctx: Context, error: BaseException) -> str:
    """A one-line description of ``error`` that is safe to store and show: secrets masked.
    Its first line: a driver's error runs on with "[SQL: …]" and "(Background on this error
    at: …)" lines, which `status` printed under the job's (an operator's probe)."""
    first = next(iter(str(error).strip().splitlines()), "")
    described = f"{error.__class__.__name__}: {first}"
    for secret in secret_values(ctx.settings):
        if len(secret) >= 4:
            described = described.replace(secret, MASK)
    return described[:MAX_ERROR_CHARS]


def _upsert(ctx: Context, name: str, values: dict[str, Any],
            on_update: Mapping[str, Any] | None = None) -> None:
    # One statement, so two processes recording the same job never trip over the insert.
    insert = pg_insert if ctx.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(JobRun).values(name=name, **{"detail": {}, **values})
    statement = statement.on_conflict_do_update(index_elements=[JobRun.name],
                                                set_={**values, **(on_update or {})})
    try:
        with ctx.engine.begin() as connection:
            connection.execute(statement)
    except SQLAlchemyError as exc:
        raise StorageError(f"could not record the {name} job: {exc.__class__.__name__}") from exc


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobState:
    name: str
    last_started_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    started_failing: datetime | None = None  # the first failure since the last success

    @property
    def failing(self) -> bool:
        """Its latest run failed (a success since then clears it)."""
        if self.last_failure_at is None:
            return False
        return self.last_success_at is None or self.last_failure_at > self.last_success_at

    @property
    def failing_since(self) -> datetime | None:
        """The first failure of the latest run of failures (rows recorded before it was kept:
        the latest failure)."""
        if not self.failing:
            return None
        return self.started_failing or self.last_failure_at

    @property
    def unfinished(self) -> bool:
        """Its latest run started and has not ended: it runs now, or its process stopped
        during it (killed: a scheduler taking over runs it again, ``install_jobs``)."""
        started = self.last_started_at
        return started is not None and all(
            ended is None or ended < started
            for ended in (self.last_success_at, self.last_failure_at))

    def as_dict(self) -> dict[str, Any]:
        return {"last_started_at": _iso(self.last_started_at),
                "last_success_at": _iso(self.last_success_at),
                "last_failure_at": _iso(self.last_failure_at),
                "last_error": self.last_error, "failing": self.failing,
                "failing_since": _iso(self.failing_since),
                "unfinished": self.unfinished, "detail": dict(self.detail)}


@dataclass(frozen=True)
class Health:
    """The few figures /healthz shows; cheap enough for a probe every few seconds."""

    database: str  # "ok" | "error"
    last_poll: JobState | None = None
    queue_depth: int | None = None  # deliveries pending or being sent (see read_health)
    model_version: str | None = None


@dataclass(frozen=True)
class Status:
    """Everything `newsalerts status` and /metrics show."""

    health: Health
    checked_at: datetime
    jobs: dict[str, JobState] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)  # by status
    due_now: int = 0
    oldest_due_at: datetime | None = None  # the longest-waiting delivery due now
    being_sent: int = 0  # claims whose lease has not run out
    held: int = 0  # due, but behind their reader's email being sent
    poll_interval: float = 0.0  # seconds: how old a poll or heartbeat may be (``stale``)
    leader_interval: float = 0.0
    issues: int = 0
    stories: int = 0
    refused: dict[tuple[str, str], int] = field(default_factory=dict)  # (status, code)
    retrying: int = 0  # waiting again after a transient failure (a 4xx, a lost connection)
    retry_error: str | None = None  # the newest such failure's reply

    def as_dict(self) -> dict[str, Any]:
        health = self.health
        return {
            "database": health.database, "checked_at": _iso(self.checked_at),
            "queue_depth": health.queue_depth, "due_now": self.due_now,
            "oldest_due_at": _iso(self.oldest_due_at), "being_sent": self.being_sent,
            "held_behind_a_lease": self.held, "retrying": self.retrying,
            "retry_error": self.retry_error,
            "model_version": health.model_version,
            "jobs": {name: job.as_dict() for name, job in self.jobs.items()},
            "deliveries": self.deliveries, "issues": self.issues, "stories": self.stories,
            "refused": [{"status": s, "code": c, "count": n}
                        for (s, c), n in sorted(self.refused.items())],
        }


def read_health(ctx: Context, *, confirmations: bool = True) -> Health:
    """``confirmations``: count subscription confirmations in the queue.  /healthz is public
    and leaves them out: a subscribe form queues one only for an address that is not already
    an active reader, so the count before and after a request told who reads (the web
    attacker's probe, stop 44).  `status` and /metrics, which are not public, count them."""
    try:
        with ctx.sessions() as session:
            session.execute(text("SELECT 1"))
            jobs = _jobs(session)
            kinds = [] if confirmations else [Delivery.kind != CONFIRM_KIND]
            depth = session.scalar(select(func.count()).where(Delivery.status.in_(QUEUED), *kinds))
            return Health("ok", jobs.get("poll"), int(depth or 0), _model_version(session, jobs))
    except SQLAlchemyError as exc:
        log.warning("database unreachable: %s", exc.__class__.__name__)
        return Health("error")


def read_status(ctx: Context) -> Status:
    now = as_utc(ctx.now())  # shown as UTC
    health = read_health(ctx)
    if health.database != "ok":
        return Status(health, now)
    try:
        with ctx.sessions() as session:
            due_now, oldest_due, held = _due_now(session, now)
            return Status(health, now, jobs=_jobs(session), deliveries=_deliveries(session),
                          due_now=due_now, oldest_due_at=oldest_due,
                          being_sent=_being_sent(session, now), held=held,
                          poll_interval=ctx.settings.inbox.poll_interval,
                          leader_interval=ctx.settings.scheduler.lock_retry,
                          issues=_count(session, Issue.id), stories=_count(session, Story.id),
                          refused=_refused(session), **_retrying(session))
    except SQLAlchemyError as exc:
        log.warning("database unreachable: %s", exc.__class__.__name__)
        return Status(Health("error"), now)


def unfinished_jobs(ctx: Context) -> set[str]:
    """The jobs whose latest run started and never ended (see ``JobState.unfinished``)."""
    with ctx.sessions() as session:
        return {name for name, job in _jobs(session).items() if job.unfinished}


def _jobs(session: Session) -> dict[str, JobState]:
    return {row.name: JobState(row.name, row.last_started_at,
                               row.last_success_at,
                               row.last_failure_at, row.last_error,
                               row.detail or {}, row.failing_since)
            for row in session.scalars(select(JobRun))}


def _model_version(session: Session, jobs: Mapping[str, JobState]) -> str | None:
    """The model the last poll tagged with; before any poll, the newest one in the database."""
    poll = jobs.get("poll")
    if poll is not None and poll.detail.get("model_version"):
        return str(poll.detail["model_version"])
    newest = session.scalar(select(StoryTheme.model_version)
                            .order_by(StoryTheme.id.desc()).limit(1))
    return str(newest) if newest else None


def _deliveries(session: Session) -> dict[str, int]:
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    return {status: int(count) for status, count in rows}


def _due_now(session: Session, now: datetime) -> tuple[int, datetime | None, int]:
    """How many deliveries are due and unclaimed, since when the oldest has waited, and how
    many more are held behind their reader's email under a live lease (a killed worker's,
    until the lease runs out): not due yet, no worker may take them.  A claim whose lease
    ran out counts as due: its worker died (the PostgreSQL operator's review: all workers
    killed, `status` said "4 being sent").  One pass over the claimable rows."""
    held = behind_a_live_lease(now)
    count, oldest, waiting = session.execute(
        select(func.count().filter(~held), func.min(Delivery.due_at).filter(~held),
               func.count().filter(held)).where(claimable(now))).one()
    return (int(count or 0), as_utc(oldest) if oldest is not None else None,
            int(waiting or 0))


def _retrying(session: Session) -> dict[str, Any]:
    """How many waiting deliveries failed before and will be tried again, and the newest
    failure's reply: `status` said only "3 waiting" while every email met 451 (the scale
    review)."""
    again = (Delivery.status == DeliveryStatus.PENDING) & (Delivery.attempts > 0)
    count = int(session.scalar(select(func.count()).where(again)) or 0)
    error = session.scalar(select(Delivery.last_error).where(again)
                           .order_by(Delivery.due_at.desc(), Delivery.id.desc()).limit(1))
    return {"retrying": count, "retry_error": error}


def _being_sent(session: Session, now: datetime) -> int:
    """Claims a live worker holds: its lease has not run out."""
    live = select(func.count()).where(Delivery.status == DeliveryStatus.SENDING,
                                      Delivery.lease_until >= now)
    return int(session.scalar(live) or 0)


def stale(job: JobState | None, now: datetime, interval: float) -> bool:
    """A job that has not run (started, succeeded or failed) for more than
    STALE_AFTER_INTERVALS runs: its process is gone or stuck (`status` and /healthz say so
    alike).  One that runs and fails each time is failing, not stale: its process is there
    (an operator's review: "is its process running?" beside a poll failing every 5 s)."""
    if job is None or job.last_success_at is None:
        return False
    last = max(when for when in (job.last_started_at, job.last_success_at,
                                 job.last_failure_at) if when is not None)
    return (now - last).total_seconds() > STALE_AFTER_INTERVALS * interval


def _count(session: Session, column: Any) -> int:
    return int(session.scalar(select(func.count(column))) or 0)


def _refused(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(RefusedMessage.status, RefusedMessage.code, func.count())
                           .group_by(RefusedMessage.status, RefusedMessage.code))
    return {(status, code): int(count) for status, code, count in rows}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
