"""A reader who moves a theme between instant and weekly mid-week loses no story and gets none
twice.

Weekly to instant: the stories that arrived while the theme was weekly were owed to the
week's digest, which is built on Monday from the choices then; the reader, now instant,
had no digest built, and those stories never reached them (a subscriber review).  They go
out in that round's digest now.  Instant to weekly: the stories already alerted are not
sent again in the digest (coverage.py); the rest are, and an alert still waiting (SMTP
down) when its week's round was built goes out as an alert, as no digest holds it.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select

from service.context import Context
from service.db.database import transaction
from service.db.tables import Issue, Story
from service.deliver.links import preferences_url
from service.deliver.match import create_digest_deliveries, create_instant_deliveries
from service.deliver.send import send_due
from service.subscribers import registry as subscribers
from service.web import create_app
from tests.db import make_issue
from tests.test_send import configure

UTC_ZONE = ZoneInfo("UTC")
TUESDAY = datetime(2024, 5, 14, 9, 0, tzinfo=UTC)  # ISO week 2024-W20
WEDNESDAY = datetime(2024, 5, 15, 9, 0, tzinfo=UTC)
THURSDAY = datetime(2024, 5, 16, 9, 0, tzinfo=UTC)
SUNDAY_NIGHT = datetime(2024, 5, 19, 21, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2024, 5, 20, 8, 0, tzinfo=UTC)
NEXT_TUESDAY = datetime(2024, 5, 21, 9, 0, tzinfo=UTC)
MONDAY_AFTER = datetime(2024, 5, 27, 8, 0, tzinfo=UTC)


def _at(ctx: Context, clock: list[datetime]) -> Context:
    return dataclasses.replace(ctx, now=lambda: clock[0])


def _with_reader(context: Context, smtp_sink: Any, clock: list[datetime], address: str,
                 cadence: str) -> Context:
    """The test's context on ``clock``, sending to the sink, with one reader of policy."""
    ctx = _at(configure(context, smtp_sink), clock)
    with transaction(ctx.sessions) as session:
        subscribers.add_subscriber(session, address, ["policy"], cadence, confirmed=True,
                                   now=clock[0])
    return ctx


def _build_round(ctx: Context, clock: list[datetime], when: datetime, week: str) -> int:
    """The clock moved to ``when`` and ``week``'s digests built, as the digest job does."""
    clock[0] = when
    with transaction(ctx.sessions) as session:
        return create_digest_deliveries(session, week, UTC_ZONE, when)


def _issue_on(ctx: Context, when: datetime, headline: str) -> int:
    """An issue arriving at ``when`` with one policy story, matched as the poll does."""
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, [{"policy": 0.9}], sent_at=when, received_at=when)
        issue.stories[0].headline = headline
        issue.stories[0].text = f"{headline}. What happened, at some length."
        create_instant_deliveries(session, issue.id, when)
        return issue.stories[0].id


def _choose(ctx: Context, address: str, **cadences: str) -> None:
    """The reader's own preferences page, as a browser posts it (CSRF token first)."""
    with transaction(ctx.sessions) as session:
        reader = subscribers.find_subscriber(session, address)
        assert reader is not None
        path = preferences_url("", ctx.signer, reader.id, reader.link_secret)
    client: FlaskClient = create_app(ctx).test_client()
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {"csrf_token": token.group(1),
            **{f"cadence-{theme}": cadence for theme, cadence in cadences.items()}}
    assert client.post(path, data=form).status_code == 200


def _headlines_got(smtp_sink: Any, address: str, headlines: list[str]) -> list[str]:
    return [h for message in smtp_sink.messages if str(message["To"]) == address
            for h in headlines if h in message.get_body(("plain",)).get_content()]


def test_stories_that_arrived_while_weekly_reach_a_reader_who_moved_to_instant(
        context: Context, smtp_sink: Any) -> None:
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "bob@example.test", "weekly")
    before = _issue_on(ctx, TUESDAY, "Senate passes the AI audit bill")
    send_due(ctx, worker_id="test")  # nothing: bob is weekly
    clock[0] = WEDNESDAY
    _choose(ctx, "bob@example.test", policy="instant")
    clock[0] = THURSDAY
    _issue_on(ctx, THURSDAY, "Regulator fines a chatbot maker")
    send_due(ctx, worker_id="test")
    _build_round(ctx, clock, NEXT_MONDAY, "2024-W20")
    send_due(ctx, worker_id="test")

    headlines = ["Senate passes the AI audit bill", "Regulator fines a chatbot maker"]
    got = _headlines_got(smtp_sink, "bob@example.test", headlines)
    assert sorted(got) == sorted(headlines), "a story was lost or sent twice"
    with transaction(ctx.sessions) as session:
        assert session.get_one(Story, before).issue.digest_week == "2024-W20"


def test_a_reader_who_moved_to_instant_gets_no_digest_of_later_issues(
        context: Context, smtp_sink: Any) -> None:
    """Only what arrived while the theme was weekly goes into a digest."""
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "bob@example.test", "weekly")
    _choose(ctx, "bob@example.test", policy="instant")
    clock[0] = THURSDAY
    _issue_on(ctx, THURSDAY, "Regulator fines a chatbot maker")
    send_due(ctx, worker_id="test")
    assert _build_round(ctx, clock, NEXT_MONDAY, "2024-W20") == 0
    send_due(ctx, worker_id="test")
    [alert] = [m for m in smtp_sink.messages if str(m["To"]) == "bob@example.test"]
    assert "Weekly digest" not in str(alert["Subject"])


def test_stories_alerted_before_a_move_to_weekly_are_not_in_the_digest(
        context: Context, smtp_sink: Any) -> None:
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "carol@example.test", "instant")
    _issue_on(ctx, TUESDAY, "Senate passes the AI audit bill")
    send_due(ctx, worker_id="test")
    clock[0] = WEDNESDAY
    _choose(ctx, "carol@example.test", policy="weekly")
    clock[0] = THURSDAY
    _issue_on(ctx, THURSDAY, "Regulator fines a chatbot maker")
    send_due(ctx, worker_id="test")
    _build_round(ctx, clock, NEXT_MONDAY, "2024-W20")
    with transaction(ctx.sessions) as session:
        assert session.scalar(select(Issue.digest_week).limit(1)) == "2024-W20"
    send_due(ctx, worker_id="test")
    headlines = ["Senate passes the AI audit bill", "Regulator fines a chatbot maker"]
    got = _headlines_got(smtp_sink, "carol@example.test", headlines)
    assert sorted(got) == sorted(headlines), "a story was lost or sent twice"


def test_an_alert_held_by_smtp_past_its_weeks_round_is_not_lost_by_a_move_to_weekly(
        context: Context, smtp_sink: Any) -> None:
    """The alert waits on a 451 over Monday, when its week's round is built (the reader
    instant then: no digest); the reader moves the theme to weekly on Tuesday.  The
    alert was dropped as no longer wanted at once, and no later round takes its issue."""
    clock = [SUNDAY_NIGHT]
    ctx = _with_reader(context, smtp_sink, clock, "dave@example.test", "instant")
    _issue_on(ctx, SUNDAY_NIGHT, "Senate passes the AI audit bill")
    smtp_sink.faults.transient = 1
    send_due(ctx, worker_id="test")
    assert smtp_sink.messages == []
    assert _build_round(ctx, clock, NEXT_MONDAY, "2024-W20") == 0
    clock[0] = NEXT_TUESDAY
    _choose(ctx, "dave@example.test", policy="weekly")
    send_due(ctx, worker_id="test")
    _build_round(ctx, clock, MONDAY_AFTER, "2024-W21")
    send_due(ctx, worker_id="test")
    got = _headlines_got(smtp_sink, "dave@example.test", ["Senate passes the AI audit bill"])
    assert got == ["Senate passes the AI audit bill"], "the story was lost or sent twice"


def _subjects_with(smtp_sink: Any, address: str, headline: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp_sink.messages if str(m["To"]) == address
            and headline in m.get_body(("plain",)).get_content()]


def test_an_alert_held_past_a_round_whose_digest_holds_its_story_leaves_it_there(
        context: Context, smtp_sink: Any) -> None:
    """Moved to weekly on Wednesday, the alert still held on Monday: the round's digest
    holds the story, so the alert does not (the review of the rule above: the alert kept
    it, and the digest went without)."""
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "erin@example.test", "instant")
    _issue_on(ctx, TUESDAY, "Senate passes the AI audit bill")
    smtp_sink.faults.transient = 1
    send_due(ctx, worker_id="test")
    clock[0] = WEDNESDAY
    _choose(ctx, "erin@example.test", policy="weekly")
    assert _build_round(ctx, clock, NEXT_MONDAY, "2024-W20") == 1
    send_due(ctx, worker_id="test")
    [subject] = _subjects_with(smtp_sink, "erin@example.test", "Senate passes the AI audit bill")
    assert "Weekly digest" in subject


def test_an_alert_held_past_a_round_drops_a_story_whose_instant_theme_was_turned_off(
        context: Context, smtp_sink: Any) -> None:
    """Policy at once and safety weekly, a story on both: with policy turned off while the
    alert waited, the story comes once, in the digest that holds it through safety."""
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "fay@example.test", "instant")
    with transaction(ctx.sessions) as session:
        reader = subscribers.find_subscriber(session, "fay@example.test")
        assert reader is not None
        subscribers.set_preferences(session, reader, {"safety": "weekly"}, now=TUESDAY)
        issue = make_issue(session, [{"policy": 0.9, "safety": 0.9}], sent_at=TUESDAY,
                           received_at=TUESDAY)
        issue.stories[0].headline = "Senate passes the AI audit bill"
        issue.stories[0].text = "Senate passes the AI audit bill. What happened, at length."
        create_instant_deliveries(session, issue.id, TUESDAY)
    smtp_sink.faults.transient = 1
    send_due(ctx, worker_id="test")
    assert _build_round(ctx, clock, NEXT_MONDAY, "2024-W20") == 1
    _choose(ctx, "fay@example.test", policy="off", safety="weekly")
    send_due(ctx, worker_id="test")
    [subject] = _subjects_with(smtp_sink, "fay@example.test", "Senate passes the AI audit bill")
    assert "Weekly digest" in subject
