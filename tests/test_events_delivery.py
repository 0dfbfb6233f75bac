"""Delivery with events: a digest lists a piece of news once, an alert never repeats it.

Real aiosmtpd sink (tests/smtp_server.py), SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.context import Context
from service.db.database import transaction
from service.db.tables import Delivery
from service.deliver.coverage import already_got_line, fold_digest
from service.deliver.match import create_digest_deliveries, create_instant_deliveries
from service.deliver.render import AlsoIn, EmailIssue, EmailStory
from service.deliver.send import SendSummary, send_due
from service.subscribers.registry import set_preferences
from tests.db import FIXED_NOW, counted_statements
from tests.events_data import COURT, QWQ_A, QWQ_B, SESAME, WAYMO, store_issue
from tests.smtp_server import SmtpSink
from tests.test_send import configure, plain_text, subscribe

WORKER = "events-test"


def test_a_digest_lists_news_from_two_newsletters_once_with_also_in(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "weekly@example.com", ["compute"], "weekly")
        first = store_issue(session, "Last Week in AI", [QWQ_B, COURT],
                            sent_at=FIXED_NOW - timedelta(days=1))
        second = store_issue(session, "The Batch", [SESAME, QWQ_A])
        short, long = first.stories[0], second.stories[1]
        assert len(long.text) > len(short.text)
        links = (short.links[0]["url"], long.links[0]["url"])
        assert create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), ctx.now()) == 1

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    text = plain_text(smtp_sink.messages[0])
    html = smtp_sink.messages[0].get_body(("html",))
    assert html is not None
    assert long.headline in text and short.headline not in text
    assert COURT[0] in text and SESAME[0] in text
    assert "Also in: Last Week in AI" in text and links[0] in text
    assert f'<a href="{links[0]}" style="color:#1d4ed8;">Last Week in AI</a>' in html.get_content()


def test_an_alert_leaves_out_news_the_reader_already_got_and_says_so(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "instant@example.com", ["compute"])
        owe_alert(ctx, session, "Last Week in AI", [QWQ_A, COURT])
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)

    with transaction(ctx.sessions) as session:
        owe_alert(ctx, session, "The Batch", [QWQ_B, WAYMO])
        owe_alert(ctx, session, "ThursdAI", [QWQ_B])
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1, cancelled=1)

    first_text, second_text = (plain_text(m) for m in smtp_sink.messages)
    assert QWQ_A[0] in first_text and COURT[0] in first_text
    assert WAYMO[0] in second_text and QWQ_B[0] not in second_text
    assert "1 story you already got from Last Week in AI." in second_text
    with ctx.sessions() as session:
        statuses = list(session.scalars(select(Delivery.status).order_by(Delivery.id)))
    assert statuses == ["sent", "sent", "cancelled"]


def test_an_alert_leaves_out_news_its_reader_got_earlier_in_the_same_batch(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "instant@example.com", ["compute"])
        owe_alert(ctx, session, "Last Week in AI", [QWQ_A, COURT])
        owe_alert(ctx, session, "The Batch", [QWQ_B, WAYMO])
    # one reader's alerts go out one after another: the second is composed knowing the first
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=2)
    second_text = plain_text(smtp_sink.messages[1])
    assert WAYMO[0] in second_text and QWQ_B[0] not in second_text
    assert "1 story you already got from Last Week in AI." in second_text


def test_alerts_read_what_their_readers_got_in_a_few_statements_per_batch(
        context: Context, smtp_sink: SmtpSink) -> None:
    readers = 12
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        for n in range(readers):
            subscribe(session, f"reader{n}@example.com", ["compute"])
        owe_alert(ctx, session, "Last Week in AI", [QWQ_A, COURT])
    send_due(ctx, worker_id=WORKER)
    with transaction(ctx.sessions) as session:
        owe_alert(ctx, session, "The Batch", [QWQ_B, WAYMO])
    with counted_statements(ctx) as statements:
        assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=readers)
    # what composing reads (claims on PostgreSQL are SELECT ... FOR UPDATE: not counted):
    # deliveries, subscriptions, stories, themes, events, other members, sent deliveries,
    # their events and newsletters; one batch's reads, not three more per alert
    reads = [s for s in statements
             if s.lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in s]
    assert len(reads) <= 10, "\n".join(r[:90].replace("\n", " ") for r in reads)
    assert all("1 story you already got" in plain_text(m) for m in smtp_sink.messages[readers:])


def owe_alert(ctx: Context, session: Session, source: str,
              stories: Sequence[tuple[str, str]]) -> None:
    """An issue of ``source`` sent now, and its instant alerts owed."""
    issue = store_issue(session, source, stories, sent_at=FIXED_NOW)
    create_instant_deliveries(session, issue.id, ctx.now())


def test_news_sent_over_two_weeks_ago_is_news_again(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "instant@example.com", ["compute"])
        owe_alert(ctx, session, "Last Week in AI", [QWQ_A])
    send_due(ctx, worker_id=WORKER)
    ctx.now.advance(timedelta(days=15).total_seconds())  # type: ignore[attr-defined]
    with transaction(ctx.sessions) as session:
        second = store_issue(session, "The Batch", [QWQ_B], sent_at=FIXED_NOW + timedelta(7))
        create_instant_deliveries(session, second.id, ctx.now())
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    assert "already got" not in plain_text(smtp_sink.messages[1])


def story(story_id: int, url: str | None = None) -> EmailStory:
    return EmailStory(story_id, f"Story {story_id}", "", ("compute",), url)


def test_a_roundup_is_never_folded_away_and_each_newsletter_is_named_once() -> None:
    issues = [EmailIssue("A 1", "A", None, (story(1, "https://a.test/1"), story(2))),
              EmailIssue("B 1", "B", None, (story(3, "https://b.test/3"), story(4))),
              EmailIssue("C 1", "C", None, (story(5),))]
    events = {1: [10], 2: [11, 10], 3: [10], 4: [10], 5: [12]}
    lengths = {1: 100, 2: 900, 3: 300, 4: 50, 5: 10}
    folded = fold_digest(issues, events, lengths)
    # (4 is in 3's issue: B told them apart, so the digest does too)
    assert [[s.id for s in issue.stories] for issue in folded] == [[2], [3, 4], [5]]
    assert folded[1].stories[0].also_in == (AlsoIn("A", "https://a.test/1"),)
    assert folded[0].stories[0].also_in == ()


def test_two_stories_of_one_issue_in_one_event_both_stay_in_the_digest() -> None:
    """A subscriber's review: "Waymo has doubled its weekly robotaxi rides" was put in
    the event of "Waymo and Uber's Austin robotaxi expansion begins today", the story
    beside it in the same issue, and the digest left it out with no word."""
    issues = [EmailIssue("A 1", "A", None, (story(1), story(2))),
              EmailIssue("B 1", "B", None, (story(3),))]
    events = {1: [10], 2: [10], 3: [10]}
    folded = fold_digest(issues, events, {1: 500, 2: 200, 3: 100})
    assert [[s.id for s in issue.stories] for issue in folded] == [[1, 2]]
    assert folded[0].stories[0].also_in == (AlsoIn("B", None),)


def test_the_already_got_line_counts_stories_and_names_newsletters() -> None:
    assert already_got_line({}) == ""
    assert already_got_line({"Last Week in AI": 2}) == (
        "2 stories you already got from Last Week in AI")
    assert already_got_line({"A": 1, "B": 1, "C": 1}) == "3 stories you already got from A, B and C"


def test_parallel_connections_never_send_a_reader_the_same_news_twice(
        context: Context, smtp_sink: SmtpSink) -> None:
    # Four connections, a batch per issue: one reader's two alerts on one piece of news were
    # sent by two connections at once, neither knowing of the other (1 reader in 3; a review).
    readers = 40
    ctx = configure(context, smtp_sink, smtp__connections=4, smtp__batch_size=readers)
    with transaction(ctx.sessions) as session:
        for n in range(readers):
            subscribe(session, f"parallel{n}@example.com", ["compute"])
        owe_alert(ctx, session, "Last Week in AI", [QWQ_A, COURT])
        owe_alert(ctx, session, "The Batch", [QWQ_B, WAYMO])
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=2 * readers)
    told = Counter(str(m["To"]) for m in smtp_sink.messages
                   if QWQ_A[0] in plain_text(m) or QWQ_B[0] in plain_text(m))
    assert sorted(told.values()) == [1] * readers


def test_a_digest_leaves_out_news_its_reader_got_in_an_alert_on_another_theme(
        context: Context, smtp_sink: SmtpSink) -> None:
    # Compute at once, policy weekly: a story on both went out in the alert, and the
    # week's digest sent it again (a review).  The digest leaves it out and says so.
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        reader = subscribe(session, "mixed@example.com", ["compute"])
        set_preferences(session, reader, {"policy": "weekly"})
        issue = store_issue(session, "Last Week in AI", [QWQ_A],
                            themes={"compute": 0.9, "policy": 0.9})
        store_issue(session, "The Batch", [COURT], themes={"policy": 0.9})
        create_instant_deliveries(session, issue.id, ctx.now())
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    with transaction(ctx.sessions) as session:
        assert create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), ctx.now()) == 1
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)

    digest = plain_text(smtp_sink.messages[1])
    assert COURT[0] in digest and QWQ_A[0] not in digest
    assert "1 story you already got from Last Week in AI." in digest


def test_an_issue_sent_again_after_its_week_s_round_is_no_second_digest(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "weekly@example.com", ["compute"], "weekly")
        store_issue(session, "Last Week in AI", [QWQ_A, WAYMO])
        assert create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), ctx.now()) == 1
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    with transaction(ctx.sessions) as session:  # the same issue again, a new Message-ID
        store_issue(session, "Last Week in AI", [QWQ_A, WAYMO],
                    sent_at=FIXED_NOW + timedelta(days=6))
        assert create_digest_deliveries(session, "2024-W21", ZoneInfo("UTC"), ctx.now()) == 1
    assert send_due(ctx, worker_id=WORKER) == SendSummary(cancelled=1)
    assert len(smtp_sink.messages) == 1


def test_a_story_left_out_of_an_alert_is_not_counted_as_got(
        context: Context, smtp_sink: SmtpSink) -> None:
    # The reader moved policy to weekly while the alert waited: the alert went out without
    # the court story, yet its record listed it, and the week's digest then left the story
    # out as news already got (the review of this change).
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        reader = subscribe(session, "mover@example.com", ["safety", "policy"])
        issue = store_issue(session, "Import AI", [WAYMO, COURT], themes={"safety": 0.9})
        court = issue.stories[1]
        for row in court.themes:
            row.assigned, row.score = row.theme == "policy", 0.9 if row.theme == "policy" else 0.1
        session.flush()
        create_instant_deliveries(session, issue.id, ctx.now())
        set_preferences(session, reader, {"policy": "weekly"})
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    with transaction(ctx.sessions) as session:
        assert create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), ctx.now()) == 1
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    alert, digest = (plain_text(m) for m in smtp_sink.messages)
    assert COURT[0] not in alert and COURT[0] in digest
