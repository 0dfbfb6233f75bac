"""Match: which subscribers are owed which stories, written as delivery rows.

A story matches a subscription when the story's current tagging assigned the
subscription's theme (with a score at least the subscription's minimum, if it
has one).  Each function runs one query over stories x story_themes x
subscriptions x subscribers, groups the pairs per subscriber in order, and
inserts the deliveries in chunks with ON CONFLICT DO NOTHING on the unique
keys, (subscriber, issue) and (subscriber, week): invariant 3, so running
anything twice creates nothing twice.  A digest holds its week's round: each
issue joins exactly one round (``issues.digest_week``), so a story stored
late goes into the reader's next digest, once.

Dates are compared in UTC: every DateTime column holds UTC (SQLite keeps no
offset), and a week is turned into its UTC bounds before querying.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.config import WEEKDAYS
from service.db.bulk import chunked, insert_new
from service.db.tables import (
    Base,
    DigestRound,
    Issue,
    Story,
    StoryTheme,
    Subscriber,
    Subscription,
)
from service.db.types import as_utc
from service.deliver.wakeup import announce
from service.domain import DeliveryStatus, SubscriberStatus

DELIVERIES: Table = Base.metadata.tables["deliveries"]
ROUNDS: Table = Base.metadata.tables["digest_rounds"]
INSERT_CHUNK = 1000
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week(dt: datetime, tz: ZoneInfo) -> str:
    """The ISO week ("2024-W20") ``dt`` falls in, seen from ``tz``; naive means UTC."""
    year, week, _ = as_utc(dt).astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(week: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 of ``week`` and of the week after, in ``tz`` (start inclusive)."""
    monday = _monday_of(week)
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    return start, end


def _monday_of(week: str) -> date:
    found = _WEEK.match(week.strip())
    if found is None:
        raise ValueError(f"{week!r} is not an ISO week like 2024-W20")
    try:
        return date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError as exc:
        raise ValueError(f"{week!r} is not a week of year {found[1]}") from exc


def digest_week_due(now: datetime, tz: ZoneInfo, day: str = "mon") -> str:
    """The week a digest run at ``now`` covers, in ``tz``, when digests go out on ``day``
    ([digest] day).

    On a Monday schedule, the last full ISO week before the run: never the current
    week, which a Monday 08:00 run would hold eight hours of.  A run delayed until
    Wednesday still covers the week just finished, so an outage late in the week loses
    nothing; after an outage spanning a whole week, the next round takes the skipped
    week's issues too (they are in no round yet).

    On a later day, from that day on, the week in progress: its round takes every issue
    no round holds yet, so a Friday digest holds the seven days up to the run, and what
    comes on Saturday and Sunday joins next Friday's.  The last full week there held the
    week before last: up to 13 days old, and nothing of the days just gone (a
    subscriber's review).
    """
    local = now.astimezone(tz).date()
    this_monday = local - timedelta(days=local.weekday())
    days = WEEKDAYS.split()
    due_from = days.index(day) if day in days else 0
    current = 0 < due_from <= local.weekday()
    year, week, _ = (this_monday - timedelta(days=0 if current else 7)).isocalendar()
    return f"{year}-W{week:02d}"


def create_instant_deliveries(session: Session, issue_id: int, now: datetime) -> int:
    """One pending instant alert per active subscriber with a matching story in the issue.

    Runs inside the caller's transaction (the one storing the issue); returns
    how many deliveries were created, 0 when they all existed already.
    """
    session.flush()
    pairs = session.execute(
        _matches("instant").where(Story.issue_id == issue_id)
        .order_by(Subscription.subscriber_id, Story.index)
        .execution_options(yield_per=INSERT_CHUNK)
    )
    return _insert_new(session, _story_ids_per_subscriber(pairs), ["subscriber_id", "issue_id"],
                       {"kind": "instant", "issue_id": issue_id, "week": None, **_pending(now)})


def create_digest_deliveries(session: Session, week: str, tz: ZoneInfo, now: datetime) -> int:
    """One pending digest per active subscriber with matching stories in ``week``'s round.

    A week's round is built once (``digest_rounds``) and takes every issue no
    round holds yet that is dated before the week ends: an issue stored after
    its own week's round was built joins the next round, and each issue is in
    exactly one round, so a reader gets a story in at most one digest
    (invariant 3) and none is lost.  Building the same week again adds
    digests only for readers who have none for it.  An issue's date is its
    Date header (``sent_at``), or when it arrived if it had none; weeks are
    read in ``tz`` ([digest] timezone).  Stories come oldest issue first, in
    issue order.  Returns how many deliveries were created.
    """
    build_round(session, week, tz, now)
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    pairs = session.execute(
        _matches("weekly")
        .where(Issue.digest_week == week)
        .order_by(Subscription.subscriber_id, dated, Issue.id, Story.index)
        .execution_options(yield_per=INSERT_CHUNK)
    )
    return _insert_new(session, _story_ids_per_subscriber(pairs), ["subscriber_id", "week"],
                       {"kind": "digest", "issue_id": None, "week": week, **_pending(now)})


def left_before_rounds(session: Session, tz: ZoneInfo) -> tuple[int, str | None]:
    """How many issues no round holds that are dated before the first round ever built
    (an archive polled later: ``build_round`` never gives them one), and the ISO week of
    the latest of them, which `digest --week` can still build; (0, None) if none."""
    first = session.scalar(select(DigestRound.week)
                           .order_by(DigestRound.built_at, DigestRound.week).limit(1))
    if first is None:
        return 0, None
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    before = (Issue.digest_week.is_(None), dated < week_bounds(first, tz)[0].astimezone(UTC))
    built = set(session.scalars(select(DigestRound.week)))
    count = 0
    weeks: set[str] = set()
    for when in session.scalars(select(dated).where(*before).execution_options(yield_per=500)):
        count += 1
        weeks.add(iso_week(when, tz))
    # (a week whose round is built takes nothing more: `--week` would create nothing there)
    open_weeks = sorted(weeks - built)
    return count, open_weeks[-1] if open_weeks else None


def build_round(session: Session, week: str, tz: ZoneInfo, now: datetime) -> int:
    """Give ``week``'s round the issues no round holds yet, the first time only; how many.

    The lower bound is the first round ever built: issues dated before it (an
    archive polled later) never join one, and a week filled in behind it
    (``digest --week``) takes only its own issues.
    """
    first = session.scalar(select(DigestRound.week)
                           .order_by(DigestRound.built_at, DigestRound.week).limit(1))
    if not insert_new(session, ROUNDS, [{"week": week}], ["week"], same={"built_at": now}):
        return 0  # built before: late issues wait for the next round
    start, end = week_bounds(week, tz)
    earliest = min(start, week_bounds(first, tz)[0]) if first else start
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    # Marked before matching, in this transaction: an issue committed meanwhile stays
    # unmarked and so goes into the next round, never into neither.
    taken = session.execute(
        update(Issue).where(Issue.digest_week.is_(None), dated >= earliest.astimezone(UTC),
                            dated < end.astimezone(UTC))
        .values(digest_week=week).execution_options(synchronize_session=False))
    return int(getattr(taken, "rowcount", 0) or 0)


def _pending(now: datetime) -> dict[str, Any]:
    return {"status": DeliveryStatus.PENDING, "attempts": 0, "due_at": now, "created_at": now}


def _matches(cadence: str) -> Select[int, int]:
    """(subscriber id, story id) for every active subscription at ``cadence`` a story meets.

    Weekly: also a theme moved to instant after the story's issue arrived
    (``weekly_until``): its story was owed to a digest, not an alert, and the reader
    had none built (a subscriber review: such stories were lost).
    """
    at_cadence: Any = Subscription.cadence == cadence
    if cadence == "weekly":
        at_cadence = or_(at_cadence, and_(Subscription.weekly_until.is_not(None),
                                          Issue.received_at < Subscription.weekly_until))
    return (
        select(Subscription.subscriber_id, Story.id)
        .select_from(Story)
        .join(Issue, Issue.id == Story.issue_id)
        .join(StoryTheme, and_(StoryTheme.story_id == Story.id, StoryTheme.current.is_(True),
                               StoryTheme.assigned.is_(True)))
        .join(Subscription, and_(Subscription.theme == StoryTheme.theme,
                                 at_cadence,
                                 or_(Subscription.min_score.is_(None),
                                     StoryTheme.score >= Subscription.min_score,
                                     StoryTheme.labeled.is_(True))))  # a person's themes
        .join(Subscriber, and_(Subscriber.id == Subscription.subscriber_id,
                               Subscriber.status == SubscriberStatus.ACTIVE))
    )


def _story_ids_per_subscriber(pairs: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Group (subscriber, story) pairs sorted by subscriber; a story matching two themes once."""
    current: int | None = None
    stories: dict[int, None] = {}
    for subscriber_id, story_id in pairs:
        if subscriber_id != current:
            if current is not None:
                yield {"subscriber_id": current, "story_ids": list(stories)}
            current, stories = subscriber_id, {}
        stories[story_id] = None
    if current is not None:
        yield {"subscriber_id": current, "story_ids": list(stories)}


def _insert_new(session: Session, rows: Iterable[dict[str, Any]], key: list[str],
                same: dict[str, Any]) -> int:
    """Insert the deliveries whose unique ``key`` is not taken yet, in chunks; count them.

    New ones are announced to idle workers, who hear of them at commit.
    """
    created = sum(insert_new(session, DELIVERIES, chunk, key, same=same)
                  for chunk in chunked(rows, INSERT_CHUNK))
    if created:
        announce(session)
    return created
