"""Matching: who gets an instant alert or a weekly digest, with which stories, and only once.

Database tests run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.context import Context
from service.db.database import transaction
from service.db.tables import Delivery, Issue, Subscriber
from service.deliver.match import (
    create_digest_deliveries,
    create_instant_deliveries,
    digest_week_due,
    iso_week,
    week_bounds,
)
from service.subscribers.registry import add_subscriber, import_csv, set_preferences, unsubscribe
from tests.db import FIXED_NOW, counted_statements, make_issue, retag

NOW = FIXED_NOW
BERLIN = ZoneInfo("Europe/Berlin")


def subscribe(session: Session, email: str, themes: Sequence[str], cadence: str, *,
              status: str = "active", min_score: float | None = None) -> Subscriber:
    subscriber = add_subscriber(session, email, themes, cadence, confirmed=True,
                                min_score=min_score, now=NOW)
    if status == "unsubscribed":
        unsubscribe(session, subscriber, NOW)
    else:
        subscriber.status = status
    session.flush()
    return subscriber


def deliveries(context: Context) -> dict[str, Delivery]:
    """Every delivery by its subscriber's address (a test makes one per subscriber)."""
    with context.sessions() as session:
        rows = session.execute(select(Subscriber.email, Delivery)
                               .join(Delivery, Delivery.subscriber_id == Subscriber.id)).all()
    found: dict[str, Delivery] = {}
    for email, delivery in rows:
        assert email not in found, f"{email} got two deliveries"
        found[email] = delivery
    return found


def story_ids(issue: Issue, *indexes: int) -> list[int]:
    return [issue.stories[i].id for i in indexes]


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns naive UTC


# --- instant alerts ------------------------------------------------------------------------


def test_instant_alerts_follow_themes_cadences_min_scores_and_status(context: Context) -> None:
    with transaction(context.sessions) as session:
        issue = make_issue(session, [
            {"safety": 0.9}, {"policy": 0.6, "safety": 0.55}, {"compute": 0.8}, {},
            {"robotics": 0.95}, {"safety": 0.45, "compute": 0.49},
        ])
        subscribe(session, "safety@example.com", ["safety"], "instant")
        subscribe(session, "picky@example.com", ["safety", "policy"], "instant", min_score=0.7)
        subscribe(session, "weekly@example.com", ["compute"], "weekly")
        mixed = subscribe(session, "mixed@example.com", ["safety"], "instant")
        set_preferences(session, mixed, {"compute": "weekly"})  # not in an instant alert
        subscribe(session, "strict@example.com", ["robotics"], "instant", min_score=0.99)
        subscribe(session, "policy@example.com", ["policy"], "instant")
        for status in ("pending", "unsubscribed", "bounced"):
            subscribe(session, f"{status}@example.com", ["safety", "policy"], "instant",
                      status=status)
        created = create_instant_deliveries(session, issue.id, NOW)
    assert created == 4
    found = deliveries(context)
    assert {email: d.story_ids for email, d in found.items()} == {
        "safety@example.com": story_ids(issue, 0, 1),
        "picky@example.com": story_ids(issue, 0),
        "mixed@example.com": story_ids(issue, 0, 1),
        "policy@example.com": story_ids(issue, 1),
    }
    for delivery in found.values():
        assert (delivery.kind, delivery.issue_id, delivery.week, delivery.status) == (
            "instant", issue.id, None, "pending")
        assert as_utc(delivery.due_at) == NOW


def test_instant_alerts_are_created_once_however_often_matching_runs(context: Context) -> None:
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9}])
        subscribe(session, "first@example.com", ["safety"], "instant")
        assert create_instant_deliveries(session, issue.id, NOW) == 1
    with transaction(context.sessions) as session:
        assert create_instant_deliveries(session, issue.id, NOW) == 0
        subscribe(session, "late@example.com", ["safety"], "instant")
        assert create_instant_deliveries(session, issue.id, NOW) == 1  # only the newcomer
    assert sorted(deliveries(context)) == ["first@example.com", "late@example.com"]


def test_a_story_on_two_followed_themes_is_listed_once(context: Context) -> None:
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"compute": 0.7}, {"safety": 0.8, "policy": 0.9}])
        subscribe(session, "both@example.com", ["safety", "policy", "compute"], "instant")
        create_instant_deliveries(session, issue.id, NOW)
    assert deliveries(context)["both@example.com"].story_ids == story_ids(issue, 0, 1)


def test_only_the_current_tagging_counts(context: Context) -> None:
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9}, {"robotics": 0.9}])
        retag(session, issue.stories[0], {"policy": 0.8})
        subscribe(session, "safety@example.com", ["safety"], "instant")
        subscribe(session, "policy@example.com", ["policy"], "instant")
        create_instant_deliveries(session, issue.id, NOW)
    assert {e: d.story_ids for e, d in deliveries(context).items()} == {
        "policy@example.com": story_ids(issue, 0)}


def test_an_issue_nobody_follows_creates_nothing(context: Context) -> None:
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"robotics": 0.9}, {}])
        subscribe(session, "safety@example.com", ["safety"], "instant")
        assert create_instant_deliveries(session, issue.id, NOW) == 0


def test_ten_thousand_subscribers_are_matched_in_bulk(context: Context, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    themes = ["safety", "policy;compute", "robotics", "safety;robotics"]
    path.write_text("email,themes,cadence\n" + "".join(
        f"user{i}@example.com,{themes[i % 4]},instant\n" for i in range(10_000)))
    assert import_csv(context.sessions, path, now=NOW).added == 10_000
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9}, {"policy": 0.8}, {}, {"compute": 0.7}])
        with counted_statements(context) as statements:
            created = create_instant_deliveries(session, issue.id, NOW)
    assert created == 7_500  # everyone but the robotics-only quarter
    # In bulk: a handful of statements, not one per subscriber (an executemany counts once).
    assert len(statements) < 20, len(statements)
    with context.sessions() as session:
        stories = session.scalars(select(Delivery.story_ids).where(
            Delivery.subscriber_id == select(Subscriber.id).where(
                Subscriber.email == "user1@example.com").scalar_subquery())).one()
    assert stories == story_ids(issue, 1, 3)


# --- ISO weeks -----------------------------------------------------------------------------


def test_a_sunday_night_utc_issue_belongs_to_mondays_week_in_berlin() -> None:
    sunday_night = datetime(2024, 5, 12, 23, 30, tzinfo=UTC)  # Monday 01:30 in Berlin
    assert iso_week(sunday_night, ZoneInfo("UTC")) == "2024-W19"
    assert iso_week(sunday_night, BERLIN) == "2024-W20"
    assert iso_week(sunday_night.replace(tzinfo=None), BERLIN) == "2024-W20"  # naive is UTC


def test_week_bounds_are_local_midnights_across_dst_and_years() -> None:
    start, end = week_bounds("2024-W20", BERLIN)
    assert (start, end) == (datetime(2024, 5, 13, tzinfo=BERLIN),
                            datetime(2024, 5, 20, tzinfo=BERLIN))
    assert start.astimezone(UTC) == datetime(2024, 5, 12, 22, 0, tzinfo=UTC)
    start, end = week_bounds("2024-W13", BERLIN)  # clocks go forward on Sunday 31 March
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=7, hours=-1)
    assert week_bounds("2020-W53", BERLIN)[1] == datetime(2021, 1, 4, tzinfo=BERLIN)
    assert iso_week(datetime(2024, 12, 30, 12, tzinfo=UTC), BERLIN) == "2025-W01"


@pytest.mark.parametrize("week", ["2021-W53", "2024-20", "2024-W00", "W20", ""])
def test_a_week_that_does_not_exist_is_refused(week: str) -> None:
    with pytest.raises(ValueError, match="week"):
        week_bounds(week, BERLIN)


@pytest.mark.parametrize(("now", "tz", "week"), [
    (datetime(2024, 5, 20, 6, 0, tzinfo=UTC), BERLIN, "2024-W20"),  # Monday 08:00 Berlin
    (datetime(2024, 5, 22, 9, 0, tzinfo=UTC), BERLIN, "2024-W20"),  # a late run, Wednesday
    (datetime(2024, 5, 19, 22, 30, tzinfo=UTC), BERLIN, "2024-W20"),  # Monday 00:30 Berlin
    (datetime(2024, 5, 19, 22, 30, tzinfo=UTC), ZoneInfo("UTC"), "2024-W19"),  # still Sunday
    (datetime(2025, 1, 6, 8, 0, tzinfo=UTC), ZoneInfo("UTC"), "2025-W01"),
    (datetime(2025, 1, 1, 8, 0, tzinfo=UTC), ZoneInfo("UTC"), "2024-W52"),
])
def test_the_digest_due_covers_the_last_full_week(now: datetime, tz: ZoneInfo,
                                                  week: str) -> None:
    assert digest_week_due(now, tz) == week


@pytest.mark.parametrize(("now", "day", "week"), [
    (datetime(2024, 5, 24, 8, 0, tzinfo=UTC), "fri", "2024-W21"),  # Friday: this week
    (datetime(2024, 5, 26, 8, 0, tzinfo=UTC), "sun", "2024-W21"),  # Sunday: this week
    (datetime(2024, 5, 26, 8, 0, tzinfo=UTC), "fri", "2024-W21"),  # a late run, Sunday
    (datetime(2024, 5, 23, 8, 0, tzinfo=UTC), "fri", "2024-W20"),  # `digest` by hand, Thursday
    (datetime(2024, 5, 20, 8, 0, tzinfo=UTC), "sun", "2024-W20"),  # by hand, Monday
    (datetime(2024, 5, 22, 8, 0, tzinfo=UTC), "mon", "2024-W20"),  # Monday's: as above
])
def test_a_digest_on_a_later_day_covers_the_week_up_to_it(now: datetime, day: str,
                                                            week: str) -> None:
    """A subscriber's review: a Sunday digest held the week before last, up to 13 days
    old, and none of the six days just gone."""
    assert digest_week_due(now, ZoneInfo("UTC"), day) == week


# --- weekly digests ------------------------------------------------------------------------


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


def test_digests_hold_the_weeks_matching_stories_in_the_configured_time_zone(
        context: Context) -> None:
    with transaction(context.sessions) as session:
        # Berlin's 2024-W20 runs from Sunday 12 May 22:00 UTC to Sunday 19 May 22:00 UTC.
        late_sunday = make_issue(session, [{"safety": 0.9}, {"policy": 0.9}],
                                 sent_at=utc(12, 23, 30))
        undated = make_issue(session, [{"safety": 0.7}], sent_at=None, received_at=utc(15, 9))
        last_minute = make_issue(session, [{"compute": 0.6}, {"safety": 0.8}],
                                 sent_at=utc(19, 21, 59))
        make_issue(session, [{"safety": 0.9}], sent_at=utc(19, 22, 30))  # Monday, W21
        make_issue(session, [{"safety": 0.9}], sent_at=utc(12, 21, 30))  # Sunday, W19
        subscribe(session, "weekly@example.com", ["safety", "compute"], "weekly")
        subscribe(session, "picky@example.com", ["safety"], "weekly", min_score=0.75)
        subscribe(session, "instant@example.com", ["safety", "policy"], "instant")
        subscribe(session, "robots@example.com", ["robotics"], "weekly")
        subscribe(session, "gone@example.com", ["safety"], "weekly", status="unsubscribed")
        subscribe(session, "new@example.com", ["safety"], "weekly", status="pending")
        assert create_digest_deliveries(session, "2024-W20", BERLIN, NOW) == 2
    found = deliveries(context)
    assert {email: d.story_ids for email, d in found.items()} == {
        "weekly@example.com": (story_ids(late_sunday, 0) + story_ids(undated, 0)
                               + story_ids(last_minute, 0, 1)),
        "picky@example.com": story_ids(late_sunday, 0) + story_ids(last_minute, 1),
    }
    for delivery in found.values():
        assert (delivery.kind, delivery.week, delivery.issue_id, delivery.status) == (
            "digest", "2024-W20", None, "pending")
    with transaction(context.sessions) as session:
        assert create_digest_deliveries(session, "2024-W20", BERLIN, NOW) == 0


def test_the_same_week_in_utc_holds_different_issues(context: Context) -> None:
    with transaction(context.sessions) as session:
        make_issue(session, [{"safety": 0.9}], sent_at=utc(12, 23, 30))  # UTC: W19
        monday = make_issue(session, [{"safety": 0.9}], sent_at=utc(19, 22, 30))  # UTC: W20
        subscribe(session, "weekly@example.com", ["safety"], "weekly")
        create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), NOW)
    assert deliveries(context)["weekly@example.com"].story_ids == story_ids(monday, 0)


def test_a_digest_and_an_alert_for_the_same_subscriber_do_not_collide(
        context: Context) -> None:
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9}, {"policy": 0.9}], sent_at=utc(14, 8))
        both = subscribe(session, "both@example.com", ["safety"], "instant")
        set_preferences(session, both, {"policy": "weekly"})
        assert create_instant_deliveries(session, issue.id, NOW) == 1
        assert create_digest_deliveries(session, "2024-W20", BERLIN, NOW) == 1
    with context.sessions() as session:
        rows = session.execute(select(Delivery.kind, Delivery.story_ids)
                               .order_by(Delivery.kind)).all()
    assert [tuple(r) for r in rows] == [("digest", story_ids(issue, 1)),
                                        ("instant", story_ids(issue, 0))]


# --- late stories: each issue joins exactly one digest round ------------------------------


def digests(context: Context) -> dict[tuple[str, str], list[int]]:
    """(address, week) -> the digest's story ids."""
    with context.sessions() as session:
        rows = session.execute(select(Subscriber.email, Delivery.week, Delivery.story_ids)
                               .join(Delivery, Delivery.subscriber_id == Subscriber.id)
                               .where(Delivery.kind == "digest")).all()
    return {(email, week): list(ids) for email, week, ids in rows}


def test_a_story_stored_after_its_weeks_digests_goes_into_the_readers_next_one(
        context: Context) -> None:
    utc_zone = ZoneInfo("UTC")
    with transaction(context.sessions) as session:
        # polled from an archive before any digest: dated before the first round
        make_issue(session, [{"safety": 0.9}], sent_at=datetime(2024, 3, 4, tzinfo=UTC),
                   received_at=utc(13, 9))
        on_time = make_issue(session, [{"safety": 0.9}], sent_at=utc(14, 8),
                             received_at=utc(14, 8))
        subscribe(session, "weekly@example.com", ["safety"], "weekly")
        assert create_digest_deliveries(session, "2024-W20", utc_zone, utc(20, 8)) == 1
    with transaction(context.sessions) as session:
        # dated Thursday of W20, stored on Tuesday of W21: after W20's digests were built
        late = make_issue(session, [{"safety": 0.9}, {"policy": 0.9}], sent_at=utc(16, 8),
                          received_at=utc(21, 9))
        assert create_digest_deliveries(session, "2024-W20", utc_zone, utc(21, 10)) == 0
        following = make_issue(session, [{"safety": 0.9}], sent_at=utc(22, 8),
                               received_at=utc(22, 8))
        subscribe(session, "joined@example.com", ["safety"], "weekly")
        assert create_digest_deliveries(session, "2024-W21", utc_zone, utc(27, 8)) == 2
        assert create_digest_deliveries(session, "2024-W21", utc_zone, utc(27, 9)) == 0
        assert create_digest_deliveries(session, "2024-W22", utc_zone, utc(3, 8) + timedelta(
            days=31)) == 0, "nothing new: W22 has no story"

    next_digest = story_ids(late, 0) + story_ids(following, 0)
    assert digests(context) == {
        ("weekly@example.com", "2024-W20"): story_ids(on_time, 0),
        ("weekly@example.com", "2024-W21"): next_digest,
        ("joined@example.com", "2024-W21"): next_digest,
    }


def test_friday_digests_hold_the_seven_days_up_to_each_friday(context: Context) -> None:
    """With [digest] day = fri: each Friday's digest holds what came since the last one,
    the weekend's stories go into the next Friday's, none in two and none lost."""
    utc_zone = ZoneInfo("UTC")

    def friday_round(when: datetime) -> None:
        week = digest_week_due(when, utc_zone, "fri")
        create_digest_deliveries(session, week, utc_zone, when)

    with transaction(context.sessions) as session:
        subscribe(session, "weekly@example.com", ["safety"], "weekly")
        tuesday = make_issue(session, [{"safety": 0.9}], sent_at=utc(21, 8), received_at=utc(21, 8))
        friday_round(utc(24, 8))  # Friday of W21
        saturday = make_issue(session, [{"safety": 0.9}], sent_at=utc(25, 8),
                              received_at=utc(25, 8))
        thursday = make_issue(session, [{"safety": 0.9}], sent_at=utc(30, 8),
                              received_at=utc(30, 8))
        friday_round(utc(31, 8))  # Friday of W22
    assert digests(context) == {
        ("weekly@example.com", "2024-W21"): story_ids(tuesday, 0),
        ("weekly@example.com", "2024-W22"): story_ids(saturday, 0) + story_ids(thursday, 0),
    }


def test_a_week_filled_in_behind_the_first_round_takes_only_its_own_issues(
        context: Context) -> None:
    with transaction(context.sessions) as session:
        w18 = make_issue(session, [{"safety": 0.9}], sent_at=datetime(2024, 5, 1, tzinfo=UTC))
        make_issue(session, [{"safety": 0.9}], sent_at=datetime(2024, 5, 8, tzinfo=UTC))  # W19
        w20 = make_issue(session, [{"safety": 0.9}], sent_at=utc(14, 8))
        subscribe(session, "weekly@example.com", ["safety"], "weekly")
        create_digest_deliveries(session, "2024-W20", BERLIN, NOW)
        # `digest --week 2024-W18` an hour later, then the next week's round
        create_digest_deliveries(session, "2024-W18", BERLIN, NOW + timedelta(hours=1))
        create_digest_deliveries(session, "2024-W21", BERLIN, NOW + timedelta(days=7))
    assert digests(context) == {("weekly@example.com", "2024-W20"): story_ids(w20, 0),
                                ("weekly@example.com", "2024-W18"): story_ids(w18, 0)}
