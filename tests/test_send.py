"""Sending: claims, SMTP faults, retries, bounces, transports (invariant 3).

Against a real aiosmtpd server on loopback (tests/smtp_server.py); database
tests run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging
import re
import stat
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from service.cli.delivery import digest_command, send_command
from service.context import Context
from service.db.database import transaction
from service.db.tables import Delivery, DigestRound, Story, Subscriber
from service.deliver import compose
from service.deliver.claims import claim_due_deliveries
from service.deliver.match import create_digest_deliveries, create_instant_deliveries
from service.deliver.send import Composer, SendSummary, send_due
from service.errors import DeliveryError
from service.ops.status import read_status
from service.subscribers import registry
from service.subscribers.registry import add_subscriber, set_preferences, unsubscribe
from service.web.app import create_app
from tests.db import FIXED_NOW, make_issue
from tests.smtp_server import SmtpSink

WORKER = "test-worker"


class Clock:
    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def configure(ctx: Context, sink: SmtpSink | None = None, **settings: object) -> Context:
    """``ctx`` pointed at ``sink``, with other settings as ``section__key=value``."""
    values = dict(ctx.settings.values)
    named = {f"smtp__{k}": v for k, v in (sink.smtp_settings() if sink else {}).items()}
    for name, value in {**named, **settings}.items():
        key = tuple(name.split("__"))
        assert key in values, f"no setting {key}"
        values[key] = value
    return replace(ctx, settings=replace(ctx.settings, values=values), now=Clock())


def advance(ctx: Context, seconds: float) -> None:
    assert isinstance(ctx.now, Clock)
    ctx.now.advance(seconds)


def subscribe(session: Session, email: str, themes: Sequence[str],
              cadence: str = "instant") -> Subscriber:
    subscriber = add_subscriber(session, email, themes, cadence, confirmed=True, now=FIXED_NOW)
    session.flush()
    return subscriber


def alerts_for(ctx: Context, emails: Sequence[str], themes: Sequence[str] = ("safety",),
               issues: int = 1) -> list[int]:
    """Subscribers of ``themes`` and ``issues`` issues with a story on them: their delivery ids."""
    with transaction(ctx.sessions) as session:
        for email in emails:
            subscribe(session, email, themes)
        for _ in range(issues):
            issue = make_issue(session, [{theme: 0.9 for theme in themes}])
            create_instant_deliveries(session, issue.id, ctx.now())
    return delivery_ids(ctx)


def delivery_ids(ctx: Context) -> list[int]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Delivery.id).order_by(Delivery.id)))


def rows(ctx: Context) -> dict[str, list[Delivery]]:
    """Every delivery by its subscriber's address."""
    with ctx.sessions() as session:
        found: dict[str, list[Delivery]] = {}
        for email, delivery in session.execute(
                select(Subscriber.email, Delivery).join(Delivery.subscriber).order_by(Delivery.id)):
            found.setdefault(email, []).append(delivery)
        return found


def statuses(ctx: Context) -> dict[str, list[str]]:
    return {email: [d.status for d in found] for email, found in rows(ctx).items()}


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text.replace("\r\n", "\n")


def warnings_of_send(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The send stage's warnings, under its own logger (an earlier test may have let INFO in)."""
    return [r for r in caplog.records
            if r.name == "service.deliver.send" and r.levelno == logging.WARNING]


def subscriber(ctx: Context, email: str) -> Subscriber:
    with ctx.sessions() as session:
        return session.scalars(select(Subscriber).where(Subscriber.email == email)).one()


EMAILS = [f"reader{i}@example.com" for i in range(4)]


def test_every_due_delivery_is_sent_once_and_a_second_run_sends_nothing(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "safe@example.com", ["safety"])
        subscribe(session, "policy@example.com", ["policy"])
        subscribe(session, "robots@example.com", ["robotics"])
        issue = make_issue(session, [{"safety": 0.9}, {"policy": 0.8}, {"compute": 0.7}],
                           subject="Test Letter 12: three things")
        headlines = [story.headline for story in issue.stories]
        create_instant_deliveries(session, issue.id, ctx.now())

    first = send_due(ctx, worker_id=WORKER)
    second = send_due(ctx, worker_id=WORKER)

    assert first == SendSummary(sent=2)
    assert second == SendSummary()
    assert sorted(smtp_sink.recipients()) == ["policy@example.com", "safe@example.com"]
    by_rcpt = {m["To"].addresses[0].addr_spec: m for m in smtp_sink.messages}
    safety_text = plain_text(by_rcpt["safe@example.com"])
    assert headlines[0] in safety_text and headlines[1] not in safety_text
    assert by_rcpt["safe@example.com"]["Subject"] == (
        "[newsalerts] Test Letter 12: 1 story on safety")
    sent = rows(ctx)
    assert {d.status for found in sent.values() for d in found} == {"sent"}
    assert sent["safe@example.com"][0].message_id == by_rcpt["safe@example.com"]["Message-ID"]
    assert smtp_sink.connections == 1


@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "421 4.3.2 Going down"])
def test_transient_replies_then_recovery_deliver_every_email_exactly_once(
        context: Context, smtp_sink: SmtpSink, reply: str) -> None:
    ctx = configure(context, smtp_sink, delivery__retry_base_seconds=60.0)
    alerts_for(ctx, EMAILS)
    smtp_sink.faults.transient, smtp_sink.faults.transient_reply = 2, reply

    first = send_due(ctx, worker_id=WORKER)
    too_soon = send_due(ctx, worker_id=WORKER)
    advance(ctx, 61)
    later = send_due(ctx, worker_id=WORKER)

    assert (first, too_soon, later) == (SendSummary(sent=2, retried=2), SendSummary(),
                                        SendSummary(sent=2))
    assert sorted(smtp_sink.recipients()) == sorted(EMAILS)
    retried = [d for found in rows(ctx).values() for d in found if d.attempts]
    assert len(retried) == 2
    assert all(d.status == "sent" and d.last_error is None for d in retried)


def test_retry_delay_doubles_and_gives_up_after_max_attempts(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    ctx = configure(context, smtp_sink, delivery__retry_base_seconds=10.0,
                    delivery__max_attempts=3)
    alerts_for(ctx, EMAILS[:1])
    smtp_sink.faults.transient = 100
    outcomes, delays = [], []
    for _ in range(3):
        outcomes.append(send_due(ctx, worker_id=WORKER))
        delivery = rows(ctx)[EMAILS[0]][0]
        delays.append((delivery.due_at.replace(tzinfo=None)
                       - ctx.now().replace(tzinfo=None)).total_seconds())
        advance(ctx, 1000)

    assert outcomes == [SendSummary(retried=1), SendSummary(retried=1), SendSummary(failed=1)]
    assert delays[:2] == [10.0, 20.0]
    final = rows(ctx)[EMAILS[0]][0]
    assert (final.status, final.attempts) == ("failed", 3)
    assert final.last_error is not None and final.last_error.startswith("451")
    said = [r.getMessage() for r in warnings_of_send(caplog)]
    assert [m.rsplit(" ", 2)[-2:] for m in said] == [["(will", "retry)"]] * 2 + [["(gave", "up)"]]


def test_a_dropped_connection_is_retried_and_the_rest_go_out_on_a_new_one(
        context: Context, smtp_sink: SmtpSink) -> None:
    # One connection: this is about how one connection recovers.
    ctx = configure(context, smtp_sink, delivery__retry_base_seconds=0.0, smtp__connections=1)
    alerts_for(ctx, EMAILS)
    smtp_sink.faults.drop = 1

    summary = send_due(ctx, worker_id=WORKER)

    # retry_base 0: the dropped one is due again at once and goes out in the same run
    assert summary == SendSummary(sent=4, retried=1)
    assert sorted(smtp_sink.recipients()) == sorted(EMAILS)
    assert smtp_sink.connections == 2


def test_a_550_fails_that_delivery_and_the_rest_go_out(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS)
    smtp_sink.faults.refuse = {EMAILS[1]}

    summary = send_due(ctx, worker_id=WORKER)

    assert summary == SendSummary(sent=3, failed=1)
    assert sorted(smtp_sink.recipients()) == sorted(set(EMAILS) - {EMAILS[1]})
    refused = rows(ctx)[EMAILS[1]][0]
    assert refused.status == "failed"
    assert refused.last_error == "550 5.1.1 No such mailbox here"
    bounced = subscriber(ctx, EMAILS[1])
    assert (bounced.hard_bounces, bounced.status) == (1, "active")
    assert [r.getMessage() for r in warnings_of_send(caplog)] == [
        f"delivery {refused.id} refused: 550 5.1.1 No such mailbox here"]
    assert send_due(ctx, worker_id=WORKER) == SendSummary()


def test_an_email_too_big_for_the_server_fails_alone_and_blames_no_reader(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    """An operator's review: the server's 552 to MAIL FROM ... SIZE= (RFC 1870) was read
    as our sender refused, which stops the run: one big alert held every reader's mail."""
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, EMAILS[0], ["policy"])
        subscribe(session, EMAILS[1], ["safety"])
        issue = make_issue(session, [{"safety": 0.9}] + [{"policy": 0.9}] * 60)
        create_instant_deliveries(session, issue.id, ctx.now())
    big, small = (len(compose_for(ctx, email)) for email in EMAILS[:2])
    smtp_sink.faults.size_limit = (big + small) // 2

    summary = send_due(ctx, worker_id=WORKER)

    assert summary == SendSummary(sent=1, failed=1)
    assert smtp_sink.recipients() == [EMAILS[1]]
    refused = rows(ctx)[EMAILS[0]][0]
    assert refused.status == "failed" and refused.last_error.startswith("552 ")
    assert subscriber(ctx, EMAILS[0]).hard_bounces == 0
    assert [r.getMessage() for r in warnings_of_send(caplog)] == [
        f"delivery {refused.id} refused as an email, not its reader's address: "
        f"{refused.last_error}"]


@pytest.mark.parametrize("reply", [
    "554 5.7.1 Message refused as spam",
    "552 5.3.4 Message too big for this system",
    # qmail's code comes last; 5.1.8 is our sender's address, 5.2.3 the message's length
    # (the last review)
    "554 sorry, message looks like spam (#5.7.1)",
    "550 5.1.8 Access denied, bad outbound sender",
    "552 5.2.3 Your message exceeded the size limits",
    # (a status inside the text is none: an IP address that reads 5.2.x, the diff's review)
    "550 5.7.1 [5.2.17.40 12] Our system has detected unsolicited mail",
])
def test_a_refusal_of_the_email_not_its_reader_bounces_nobody(
        context: Context, smtp_sink: SmtpSink, reply: str) -> None:
    """The scale review: a relay answering 5.7.1 to the content of three issues marked every
    reader bounced (3 hard bounces), emptying the list.  Only an address's or a mailbox's
    status (5.1.x, 5.2.x), opening the reply, counts against the reader."""
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:2], issues=3)
    smtp_sink.faults.data_reply = reply

    summary = send_due(ctx, worker_id=WORKER)

    assert summary == SendSummary(failed=6)
    assert {d.last_error for found in rows(ctx).values() for d in found} == {reply}
    assert [(subscriber(ctx, e).hard_bounces, subscriber(ctx, e).status)
            for e in EMAILS[:2]] == [(0, "active")] * 2


@pytest.mark.parametrize(("reply", "bounced"), [
    ("550 5.7.1 Relaying denied", False),  # our relay's settings as often: retried
    ("550 5.1.1 <rob.5.7.12@example.com>: User unknown", True),  # the reader's, whatever after
    # (the code opens a line of a multi-line reply, or follows Exchange's "#": the last review)
    ("550-Recipient rejected by policy\r\n550 5.7.1 Relaying denied", False),
    ("550 #5.7.1 Relaying denied", False),
    ("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", False),
])
def test_a_policy_refusal_of_a_recipient_is_retried_and_an_unknown_user_bounces(
        context: Context, smtp_sink: SmtpSink, reply: str, bounced: bool) -> None:
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:1])
    smtp_sink.faults.refuse, smtp_sink.faults.refuse_reply = {EMAILS[0]}, reply

    summary = send_due(ctx, worker_id=WORKER)

    [delivery] = rows(ctx)[EMAILS[0]]
    assert summary == (SendSummary(failed=1) if bounced else SendSummary(retried=1))
    assert delivery.status == ("failed" if bounced else "pending")
    assert subscriber(ctx, EMAILS[0]).hard_bounces == int(bounced)


@pytest.mark.parametrize("reply", [
    "550-Message rejected\r\n550 5.1.1 mailbox unknown",  # (the code on a later line)
    "550 Mailbox unavailable",  # no code to tell whose: the reader's, as before this stop
])
def test_a_dead_mailbox_named_at_data_is_a_bounce(
        context: Context, smtp_sink: SmtpSink, reply: str) -> None:
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:1])
    smtp_sink.faults.data_reply = reply
    assert send_due(ctx, worker_id=WORKER) == SendSummary(failed=1)
    assert subscriber(ctx, EMAILS[0]).hard_bounces == 1


@pytest.mark.parametrize("reply", ["500 Error: bad syntax", "503 Bad sequence of commands"])
def test_a_command_error_at_data_is_retried_and_bounces_nobody(
        context: Context, smtp_sink: SmtpSink, reply: str) -> None:
    """The scale review: a relay that answered a bare "500" to DATA for a minute marked 23
    healthy readers bounced (one strike an email).  A syntax or sequence error with no
    status code is the conversation's: retried, never a bounce."""
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:1], issues=3)
    smtp_sink.faults.data_reply = reply

    assert send_due(ctx, worker_id=WORKER) == SendSummary(retried=3)
    assert subscriber(ctx, EMAILS[0]).hard_bounces == 0
    assert {d.status for d in rows(ctx)[EMAILS[0]]} == {"pending"}


def test_a_server_slow_to_take_an_email_gets_it_once(
        context: Context, smtp_sink: SmtpSink) -> None:
    """The scale review: a relay that answered the end of DATA after the command timeout got
    each reader the email [delivery] max_attempts times, each recorded as failed.  The reply
    to a whole email is awaited for [smtp] data_timeout."""
    ctx = configure(context, smtp_sink, smtp__timeout=0.5, smtp__data_timeout=30.0)
    alerts_for(ctx, EMAILS[:2])
    smtp_sink.faults.reply_delay = 1.5

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=2)
    assert sorted(smtp_sink.recipients()) == sorted(EMAILS[:2])
    assert {d.status for found in rows(ctx).values() for d in found} == {"sent"}


@pytest.mark.parametrize("reply", [
    "501 5.5.4 Syntax: MAIL FROM:<address> [SIZE=n]",
    # the server's state, not the email's size: read as the whole 5.3.x family, every email
    # failed for good (stop 40's last review)
    "554 5.3.2 System not accepting network messages",
])
def test_a_refusal_of_our_sender_that_names_size_still_stops_the_run(
        context: Context, smtp_sink: SmtpSink, reply: str) -> None:
    """The stop's review: any 5xx to MAIL FROM whose words named "size" was taken for the
    email's size, and every delivery failed for good; a syntax refusal is ours."""
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:2])
    smtp_sink.faults.mail_reply = reply

    with pytest.raises(DeliveryError, match="refuses our sender"):
        send_due(ctx, worker_id=WORKER)

    assert {d.status for found in rows(ctx).values() for d in found} == {"pending"}
    assert subscriber(ctx, EMAILS[0]).hard_bounces == 0


def compose_for(ctx: Context, email: str) -> bytes:
    """The email ``email``'s delivery would send, as bytes."""
    delivery = rows(ctx)[email][0]
    outgoing = Composer(ctx).compose(delivery.id)
    assert outgoing is not None
    return outgoing.data


def test_repeated_hard_bounces_mark_the_subscriber_bounced(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    ctx = configure(context, smtp_sink, delivery__hard_bounce_limit=2)
    alerts_for(ctx, EMAILS[:2], issues=2)
    smtp_sink.faults.refuse = {EMAILS[0]}
    caplog.set_level("WARNING", logger="service.deliver.outcomes")

    summary = send_due(ctx, worker_id=WORKER)

    # said once, when it happens (the scale review: nothing told an operator why), with
    # the reader's own count (the review of that line: it said the limit)
    [said] = [r.getMessage() for r in caplog.records if "marked bounced" in r.getMessage()]
    assert "after 2 hard bounces" in said and "550" in said

    assert summary == SendSummary(sent=2, failed=2)
    assert statuses(ctx) == {EMAILS[0]: ["failed", "failed"], EMAILS[1]: ["sent", "sent"]}
    bounced, fine = subscriber(ctx, EMAILS[0]), subscriber(ctx, EMAILS[1])
    assert (bounced.status, bounced.hard_bounces) == ("bounced", 2)
    assert (fine.status, fine.hard_bounces) == ("active", 0)
    assert smtp_sink.recipients() == [EMAILS[1]] * 2


def test_deliveries_of_an_unsubscribed_reader_are_cancelled(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:2])
    with transaction(ctx.sessions) as session:
        leaver = session.scalars(select(Subscriber).where(Subscriber.email == EMAILS[0])).one()
        leaver.status = "unsubscribed"  # as if the web app's unsubscribe ran after matching

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1, cancelled=1)
    assert smtp_sink.recipients() == [EMAILS[1]]
    assert statuses(ctx) == {EMAILS[0]: ["cancelled"], EMAILS[1]: ["sent"]}


def test_an_expired_lease_is_claimed_again_and_sent_once(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink, delivery__lease_seconds=300)
    [delivery_id] = alerts_for(ctx, EMAILS[:1])
    with ctx.sessions() as session:  # a worker that claims, then dies before sending
        assert claim_due_deliveries(session, "crashed", ctx.now(), 300, 10) == [delivery_id]

    held = send_due(ctx, worker_id=WORKER)
    advance(ctx, 301)
    reclaimed = send_due(ctx, worker_id=WORKER)

    assert (held, reclaimed) == (SendSummary(), SendSummary(sent=1))
    assert smtp_sink.recipients() == EMAILS[:1]
    delivery = rows(ctx)[EMAILS[0]][0]
    assert (delivery.status, delivery.claimed_by) == ("sent", WORKER)


def test_a_batch_slower_than_its_lease_keeps_it_and_no_one_else_sends_it(
        context: Context, smtp_sink: SmtpSink) -> None:
    # Each email takes half a lease (a slow server, a low rate limit): the batch's lease
    # would lapse at its third email, and another worker claiming then would send the rest
    # a second time.
    ctx = configure(context, smtp_sink, delivery__lease_seconds=300, smtp__connections=1)
    alerts_for(ctx, EMAILS)
    taken_by_another: list[list[int]] = []

    def slow_server() -> bool:  # asked before each claim and each email
        advance(ctx, 150)
        if len(smtp_sink.recipients()) == 3 and not taken_by_another:
            with ctx.sessions() as session:
                taken_by_another.append(
                    claim_due_deliveries(session, "another-worker", ctx.now(), 300, 10))
        return False

    assert send_due(ctx, worker_id=WORKER, should_stop=slow_server) == SendSummary(sent=4)
    assert taken_by_another == [[]]
    assert sorted(smtp_sink.recipients()) == sorted(EMAILS)


# Connections of one worker share its id: the claim's lease, not the id, says whose a row is.
@pytest.mark.parametrize("claimer", ["another-worker", WORKER])
def test_a_worker_that_stalled_past_its_lease_leaves_what_was_claimed_again(
        context: Context, smtp_sink: SmtpSink, claimer: str) -> None:
    ctx = configure(context, smtp_sink, delivery__lease_seconds=300, smtp__connections=1)
    alerts_for(ctx, EMAILS)
    taken_by_another: list[int] = []

    def stalls_after_two() -> bool:  # asked before each claim and each email
        if len(smtp_sink.recipients()) == 2 and not taken_by_another:
            advance(ctx, 301)  # paused (swapped out, a GC pause) past its lease
            with ctx.sessions() as session:
                taken_by_another.extend(
                    claim_due_deliveries(session, claimer, ctx.now(), 300, 10))
        return False

    assert send_due(ctx, worker_id=WORKER, should_stop=stalls_after_two) == SendSummary(sent=2)
    assert len(taken_by_another) == 2
    assert len(smtp_sink.recipients()) == 2, "it sent what another worker had claimed"
    with ctx.sessions() as session:
        held = session.execute(select(Delivery.status, Delivery.claimed_by)
                               .where(Delivery.id.in_(taken_by_another))).all()
    assert held == [("sending", claimer)] * 2


def test_a_reader_removed_while_their_email_is_held_is_skipped_and_said_so(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    """An operator's probe: removing a reader whose delivery a worker held logged "claimed
    again while this worker held it too long", which points at the lease; nothing claimed it."""
    ctx = configure(context, smtp_sink, delivery__lease_seconds=300, smtp__connections=1)
    alerts_for(ctx, EMAILS)
    removed: list[str] = []

    def removes_one_after_two() -> bool:  # asked before each claim and each email
        if len(smtp_sink.recipients()) == 2 and not removed:
            advance(ctx, 150)  # past a third of the lease: the next email renews it
            gone = next(email for email in EMAILS if email not in smtp_sink.recipients())
            with transaction(ctx.sessions) as session:
                assert registry.remove_subscriber(session, gone)
            removed.append(gone)
        return False

    with caplog.at_level(logging.INFO, logger="service.deliver.send"):
        summary = send_due(ctx, worker_id=WORKER, should_stop=removes_one_after_two)
    assert summary == SendSummary(sent=3)
    assert removed and removed[0] not in smtp_sink.recipients()
    assert "no longer exists (its reader was removed)" in caplog.text
    assert "claimed again" not in caplog.text


def test_a_reader_removed_mid_batch_is_not_sent_once_the_readers_are_read_again(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    """The review of the operator's probe: a removed reader's status stayed "active" when
    the batch's readers were read again (no row); only their missing choices cancelled it,
    and the log said "no longer follows any of its stories' themes"."""
    ctx = configure(context, smtp_sink, delivery__lease_seconds=300, smtp__connections=1)
    alerts_for(ctx, EMAILS)
    removed: list[str] = []

    def removes_one_after_two() -> bool:  # asked before each claim and each email
        if len(smtp_sink.recipients()) == 2 and not removed:
            gone = next(email for email in EMAILS if email not in smtp_sink.recipients())
            with transaction(ctx.sessions) as session:
                assert registry.remove_subscriber(session, gone)
            removed.append(gone)
            advance(ctx, compose.READERS_FRESH_SECONDS + 1)  # not a third of the lease
        return False

    with caplog.at_level(logging.INFO, logger="service.deliver.send"):
        summary = send_due(ctx, worker_id=WORKER, should_stop=removes_one_after_two)
    assert (summary.sent, summary.cancelled) == (3, 1)
    assert removed and removed[0] not in smtp_sink.recipients()
    assert "cancelled: subscriber is removed" in caplog.text


def test_a_resent_delivery_keeps_its_message_id(context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink, delivery__retry_base_seconds=0.0)
    [delivery_id] = alerts_for(ctx, EMAILS[:1])
    first = Composer(ctx).compose(delivery_id)
    advance(ctx, 3600)
    smtp_sink.faults.drop = 1  # the first attempt is lost in transit

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1, retried=1)
    [message] = smtp_sink.messages
    assert message["Message-ID"] == first.message_id
    assert message["Date"] != message_from_bytes(first.data, policy=default_policy)["Date"]


@pytest.mark.parametrize("public", [True, False])
def test_emails_link_the_archive_only_when_it_is_public(
        sqlite_context: Context, public: bool) -> None:
    ctx = configure(sqlite_context, web__public_archive=public,
                    web__base_url="https://alerts.example.net")
    [delivery_id] = alerts_for(ctx, EMAILS[:1])
    with ctx.sessions() as session:
        story_id = session.scalars(select(Story.id)).first()

    email = Composer(ctx).compose(delivery_id).data.decode("ascii", "replace")

    links = (f"https://alerts.example.net/stories/{story_id}",
             "https://alerts.example.net/feeds/safety.atom")
    assert [link in email for link in links] == [public, public]
    assert ("Read on the web" in email) is public


@pytest.mark.postgres
def test_concurrent_claimers_on_postgresql_skip_each_others_rows(
        pg_context: Context) -> None:
    ctx = configure(pg_context)
    ids = alerts_for(ctx, [f"many{i}@example.com" for i in range(20)])
    with ctx.sessions() as holder:  # an open claim of another worker: rows locked, not committed
        locked = list(holder.scalars(select(Delivery.id).order_by(Delivery.id).limit(5)
                                     .with_for_update()))
        with ctx.sessions() as session:
            session.execute(text("SET LOCAL lock_timeout = '3s'"))  # fail, don't hang, if it waits
            started = time.monotonic()
            claimed = claim_due_deliveries(session, "other", ctx.now(), 300, 100)
        assert time.monotonic() - started < 5, "the claim waited for the lock"
        holder.rollback()

    assert claimed == sorted(set(ids) - set(locked))


@pytest.mark.postgres
def test_two_threads_claiming_on_postgresql_never_get_the_same_row(
        pg_context: Context) -> None:
    ctx = configure(pg_context)
    ids = alerts_for(ctx, [f"racer{i}@example.com" for i in range(40)], issues=5)
    got: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claimer(name: str) -> None:
        start.wait()
        while True:
            with ctx.sessions() as session:
                batch = claim_due_deliveries(session, name, ctx.now(), 300, 7)
            if not batch:
                return
            got[name].extend(batch)
            with transaction(ctx.sessions) as session:  # sent: each reader's next one is due
                session.execute(update(Delivery).where(Delivery.id.in_(batch))
                                .values(status="sent", sent_at=ctx.now()))

    threads = [threading.Thread(target=claimer, args=(name,)) for name in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not set(got["a"]) & set(got["b"])
    assert sorted(got["a"] + got["b"]) == ids
    assert got["a"] and got["b"], "one thread took everything: no concurrency was tested"


def test_a_reader_s_next_email_waits_while_an_earlier_one_is_due_or_being_sent(
        context: Context) -> None:
    # Each alert is composed knowing what its reader was already sent: two connections
    # holding one reader's two alerts at once sent one reader in three the same news
    # twice (a review).  So a reader's emails go out one after another.
    ctx = configure(context)
    first, second = alerts_for(ctx, EMAILS[:1], issues=2)
    other = alerts_for(ctx, EMAILS[1:2])[-1]
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "a", ctx.now(), 300, 10) == [first, other]
        assert claim_due_deliveries(session, "b", ctx.now(), 300, 10) == []  # first: sending
    with transaction(ctx.sessions) as session:
        session.execute(update(Delivery).where(Delivery.id == first)
                        .values(status="sent", sent_at=ctx.now()))
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "b", ctx.now(), 300, 10) == [second]


def test_an_earlier_email_waiting_on_a_retry_does_not_hold_the_next_back(
        context: Context) -> None:
    ctx = configure(context)
    first, second = alerts_for(ctx, EMAILS[:1], issues=2)
    with transaction(ctx.sessions) as session:  # greylisted: tried again in an hour
        session.execute(update(Delivery).where(Delivery.id == first)
                        .values(due_at=ctx.now() + timedelta(hours=1)))
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "a", ctx.now(), 300, 10) == [second]


def test_a_theme_turned_off_while_its_alert_waits_is_left_out_of_it(
        context: Context, smtp_sink: SmtpSink) -> None:
    # A delivery is made when the issue lands and may wait (a retry, a long queue): the
    # reader's choices when it goes out are the ones that count (a review).
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        reader = subscribe(session, EMAILS[0], ["safety", "policy"])
        issue = make_issue(session, [{"safety": 0.9}, {"policy": 0.9}])
        on_safety, on_policy = (story.headline for story in issue.stories)
        create_instant_deliveries(session, issue.id, ctx.now())
        set_preferences(session, reader, {"safety": None})

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    [email] = smtp_sink.messages
    assert on_policy in plain_text(email) and on_safety not in plain_text(email)
    assert "1 story on policy" in str(email["Subject"])


def test_a_reader_who_turned_every_theme_off_gets_no_digest_built_before(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        reader = subscribe(session, EMAILS[0], ["safety"], "weekly")
        make_issue(session, [{"safety": 0.9}])
        assert create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), ctx.now()) == 1
        set_preferences(session, reader, {"safety": None})  # "no alerts or digests will come"

    assert send_due(ctx, worker_id=WORKER) == SendSummary(cancelled=1)
    assert smtp_sink.messages == []


def test_a_story_under_a_raised_minimum_score_is_left_out_of_a_waiting_alert(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        reader = subscribe(session, EMAILS[0], ["safety"])
        issue = make_issue(session, [{"safety": 0.95}, {"safety": 0.6}])
        sure, unsure = (story.headline for story in issue.stories)
        create_instant_deliveries(session, issue.id, ctx.now())
        set_preferences(session, reader, {"safety": "instant"}, min_score=0.9)

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    text_of = plain_text(smtp_sink.messages[0])
    assert sure in text_of and unsure not in text_of


def test_a_reader_who_unsubscribes_while_a_slow_batch_goes_out_is_not_sent_it(
        context: Context, smtp_sink: SmtpSink) -> None:
    # A batch read its readers once: sent slowly (a rate limit, a slow server), it took
    # minutes, and a reader who unsubscribed meanwhile was still sent their email (a review).
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS[:3])
    left: list[str] = []

    def slow_server() -> bool:  # asked before each claim and each email
        advance(ctx, 1.5)
        if len(smtp_sink.recipients()) == 1 and not left:
            with transaction(ctx.sessions) as session:
                leaving = session.scalars(select(Subscriber)
                                          .where(Subscriber.email == EMAILS[2])).one()
                unsubscribe(session, leaving, ctx.now())
            left.append(EMAILS[2])
        return False

    assert send_due(ctx, worker_id=WORKER, should_stop=slow_server) == SendSummary(
        sent=2, cancelled=1)
    assert smtp_sink.recipients() == EMAILS[:2]
    assert statuses(ctx)[EMAILS[2]] == ["cancelled"]


def test_a_retry_that_comes_due_while_the_reader_s_next_email_is_out_waits_for_it(
        context: Context) -> None:
    # The first alert was greylisted; the second went out meanwhile, slowly.  The first,
    # due again, was claimed beside it, and neither knew of the other (the review).
    ctx = configure(context)
    first, second = alerts_for(ctx, EMAILS[:1], issues=2)
    with transaction(ctx.sessions) as session:
        session.execute(update(Delivery).where(Delivery.id == first)
                        .values(due_at=ctx.now() + timedelta(seconds=60)))
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "a", ctx.now(), 300, 10) == [second]
    advance(ctx, 61)
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "b", ctx.now(), 300, 10) == []
    with transaction(ctx.sessions) as session:
        session.execute(update(Delivery).where(Delivery.id == second)
                        .values(status="sent", sent_at=ctx.now()))
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "b", ctx.now(), 300, 10) == [first]


def test_two_emails_a_dead_worker_left_go_out_in_turn(context: Context) -> None:
    ctx = configure(context)
    first, _ = alerts_for(ctx, EMAILS[:1], issues=2)
    with transaction(ctx.sessions) as session:  # both claimed, the worker died
        session.execute(update(Delivery).values(status="sending", claimed_by="dead",
                                                lease_until=ctx.now()))
    advance(ctx, 1)
    with ctx.sessions() as session:
        assert claim_due_deliveries(session, "a", ctx.now(), 300, 10) == [first]


def test_a_claim_reads_no_reader_s_history_on_sqlite(sqlite_context: Context) -> None:
    # Without the (subscriber, status, id) index SQLite read every past delivery of each
    # candidate's reader: 1 s a claim at 3,000 each, holding the write lock (the review).
    from service.deliver.claims import _next_of_its_reader

    ctx = configure(sqlite_context)
    query = select(Delivery.id).where(_next_of_its_reader(ctx.now()))
    with ctx.sessions() as session:
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row) for row in session.execute(
            text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_deliveries_reader_queue" in plan, plan


def test_the_outbox_transport_writes_one_eml_file_per_email(context: Context) -> None:
    ctx = configure(context)  # no [smtp] host: the embedded default
    alerts_for(ctx, EMAILS)
    outbox = ctx.var_dir / "outbox"
    assert ctx.settings.smtp.outbox_dir == str(outbox)

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=4)

    files = sorted(outbox.iterdir())
    assert [f.suffix for f in files] == [".eml"] * 4
    parsed = [message_from_bytes(f.read_bytes(), policy=default_policy) for f in files]
    assert sorted(str(m["To"]) for m in parsed) == sorted(EMAILS)
    assert {f.stem for f in files} == {m["Message-ID"].strip("<>") for m in parsed}
    # each holds its reader's signed links: for the service's user alone (the security
    # review found them readable by every local user)
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700


def test_a_dry_run_renders_but_sends_and_marks_nothing(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    ctx = configure(context, smtp_sink)
    alerts_for(ctx, EMAILS)
    caplog.set_level("INFO", logger="service.deliver.send")

    summary = send_due(ctx, worker_id=WORKER, no_send=True)

    assert summary == SendSummary(rendered=4)
    assert smtp_sink.data_commands == 0 and smtp_sink.connections == 0
    assert {s for found in statuses(ctx).values() for s in found} == {"pending"}
    assert sum("would send" in r.getMessage() for r in caplog.records) == 4


def test_limit_caps_how_many_are_sent(context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink, smtp__batch_size=2)
    alerts_for(ctx, EMAILS)

    assert send_due(ctx, worker_id=WORKER, limit=3) == SendSummary(sent=3)
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)


def test_rate_limit_spaces_the_emails_of_all_connections(
        sqlite_context: Context, smtp_sink: SmtpSink) -> None:
    # One email a claim, so that the four go out over parallel connections.
    ctx = configure(sqlite_context, smtp_sink, smtp__rate_limit=20.0, smtp__batch_size=1,
                    smtp__connections=4)
    alerts_for(ctx, EMAILS)

    started = time.monotonic()
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=4)

    assert time.monotonic() - started >= 3 / 20  # four emails: three gaps of 50 ms
    assert smtp_sink.connections > 1, "one connection sent all: the shared rate went untested"


def test_parallel_connections_share_the_queue_and_send_each_email_once(
        context: Context, smtp_sink: SmtpSink) -> None:
    readers = [f"reader{i}@example.com" for i in range(24)]
    ctx = configure(context, smtp_sink, smtp__batch_size=3, smtp__connections=3)
    alerts_for(ctx, readers)

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=24)

    assert sorted(smtp_sink.recipients()) == sorted(readers)
    assert smtp_sink.connections == 3
    assert {s for found in statuses(ctx).values() for s in found} == {"sent"}


def test_a_stop_request_finishes_the_email_in_hand_and_hands_back_the_rest(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink, smtp__connections=1)
    alerts_for(ctx, EMAILS)
    def sigterm_after_two() -> bool:  # asked before each claim and each email
        return len(smtp_sink.recipients()) >= 2

    summary = send_due(ctx, worker_id=WORKER, should_stop=sigterm_after_two)

    assert summary == SendSummary(sent=2)
    with ctx.sessions() as session:
        left = session.execute(select(Delivery.status, Delivery.claimed_by)
                               .where(Delivery.status != "sent")).all()
    assert left == [("pending", None), ("pending", None)]


@pytest.mark.parametrize("tls", ["starttls", "ssl", ""])
def test_tls_and_auth_reach_the_server(sqlite_context: Context, smtp_sink_factory: Any,
                                        tls: str, caplog: pytest.LogCaptureFixture) -> None:
    """With no TLS the password goes in clear text, and the log says so once (the scale
    review: nothing did)."""
    sink = smtp_sink_factory(tls=tls, login=("mailer", "s3cret-pass"))
    ctx = configure(sqlite_context, sink)
    alerts_for(ctx, EMAILS[:2])

    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=2)
    assert sorted(sink.recipients()) == EMAILS[:2]
    clear = [r for r in caplog.records if "in clear text" in r.getMessage()]
    assert len(clear) == (0 if tls else 1)


def test_an_unusable_server_stops_the_run_and_blames_no_delivery(
        sqlite_context: Context, smtp_sink_factory: Any, caplog: pytest.LogCaptureFixture) -> None:
    sink = smtp_sink_factory(tls="starttls", login=("mailer", "s3cret-pass"))
    ctx = configure(sqlite_context, sink, smtp__password="wrong-pass")
    alerts_for(ctx, EMAILS[:2])

    with pytest.raises(DeliveryError, match="cannot use the SMTP server") as raised:
        send_due(ctx, worker_id=WORKER)

    assert "wrong-pass" not in str(raised.value)
    with ctx.sessions() as session:
        left = session.execute(
            select(Delivery.status, Delivery.attempts, Delivery.claimed_by)).all()
    assert set(left) == {("pending", 0, None)}
    assert subscriber(ctx, EMAILS[0]).hard_bounces == 0


def test_send_command_prints_a_summary(sqlite_context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(sqlite_context, smtp_sink)
    alerts_for(ctx, EMAILS[:2])

    dry = CliRunner().invoke(send_command, ["--no-send"], obj={"context": lambda: ctx})
    real = CliRunner().invoke(send_command, [], obj={"context": lambda: ctx})

    assert dry.exit_code == 0, dry.output
    assert "dry run: 2 emails rendered" in dry.output
    assert real.exit_code == 0, real.output
    assert "sent 2, retried 0, failed 0, cancelled 0" in real.output
    assert sorted(smtp_sink.recipients()) == EMAILS[:2]


def test_send_command_reports_an_unusable_server_in_one_line(
        sqlite_context: Context) -> None:
    ctx = configure(sqlite_context, smtp__host="127.0.0.1", smtp__port=1, smtp__timeout=2.0)
    alerts_for(ctx, EMAILS[:1])

    result = CliRunner().invoke(send_command, [], obj={"context": lambda: ctx})

    assert result.exit_code == 1
    assert "cannot use the SMTP server 127.0.0.1:1" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_digest_command_builds_and_sends_that_weeks_digests(
        context: Context, smtp_sink: SmtpSink) -> None:
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "weekly@example.com", ["safety", "policy"], "weekly")
        subscribe(session, "instant@example.com", ["safety"], "instant")
        for number, day in ((20, 13), (21, 14)):
            make_issue(session, [{"safety": 0.9}, {"policy": 0.9}, {"robotics": 0.9}],
                       sent_at=FIXED_NOW.replace(day=day), subject=f"Letter {number}: news")
        make_issue(session, [{"safety": 0.9}], sent_at=FIXED_NOW.replace(day=6),
                   subject="Letter 19: last week")
    def invoke() -> Result:
        return CliRunner().invoke(digest_command, ["--week", "2024-W20"],
                                  obj={"context": lambda: ctx})

    first, second = invoke(), invoke()

    assert first.exit_code == 0, first.output
    assert "2024-W20: 1 digests" in first.output and "sent 1" in first.output
    assert second.exit_code == 0 and "2024-W20: 0 digests" in second.output
    [digest] = smtp_sink.messages
    assert digest["Subject"] == ("[newsalerts] Weekly digest 2024-W20: 4 stories on safety, "
                                 "policy from Import AI")
    text = plain_text(digest)
    assert text.index("== Letter 20 ==") < text.index("== Letter 21 ==")
    assert "Letter 19" not in text
    # dated before the first round: in no digest, and the command says how to send it (a
    # new operator's review: a first batch of old issues gave weekly readers nothing, silently)
    assert ("note: 1 issues are dated before the first digest round and are in no digest; "
            "`newsalerts digest --week 2024-W19`") in first.output
    assert read_status(ctx).jobs["digest"].detail == {"week": "2024-W20", "created": 0}
    earlier = CliRunner().invoke(digest_command, ["--week", "2024-W19"],
                                 obj={"context": lambda: ctx})
    assert "2024-W19: 1 digests" in earlier.output and "note:" not in earlier.output
    assert "Letter 19" in plain_text(smtp_sink.messages[-1])


def test_a_digest_of_two_hundred_issues_is_sent_and_its_feedback_links_work(
        sqlite_context: Context, smtp_sink: SmtpSink) -> None:
    """A read-only review: the feedback link named every issue of the email, so a digest of
    170 issues made a link longer than a URL may be, and was failed for good, unsent."""
    ctx = configure(sqlite_context, smtp_sink)
    with transaction(ctx.sessions) as session:
        reader = subscribe(session, "weekly@example.com", ["safety"], "weekly")
        last = [make_issue(session, [{"safety": 0.9}], sent_at=FIXED_NOW.replace(day=14),
                           subject=f"Letter {n}") for n in range(200)][-1]
        story_id = last.stories[0].id
        assert create_digest_deliveries(session, "2024-W20", ZoneInfo("UTC"), ctx.now()) == 1
    assert send_due(ctx, worker_id=WORKER) == SendSummary(sent=1)
    html = smtp_sink.messages[0].get_body(("html",))
    assert html is not None
    links = re.findall(r'href="https?://[^/"]+(/feedback/[^"/]+/(\d+))"', html.get_content())
    assert len(links) == 200 and all(len(path) < 300 for path, _ in links)
    path = dict((int(sid), path) for path, sid in links)[story_id]
    client = create_app(ctx).test_client()
    assert client.get(path).status_code == 200
    assert reader.id == subscriber(ctx, "weekly@example.com").id


def test_digest_command_rejects_a_malformed_week(sqlite_context: Context) -> None:
    result = CliRunner().invoke(digest_command, ["--week", "2024-20"],
                                obj={"context": lambda: sqlite_context})

    assert result.exit_code == 2
    assert "2024-W20" in result.output  # the usage error shows the expected form



def test_story_cache_evictions_keep_every_email_whole(
        sqlite_context: Context, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compose, "STORY_CACHE_LIMIT", 3)  # below what the second email needs
    ctx = configure(sqlite_context, smtp_sink, smtp__batch_size=1)
    with transaction(ctx.sessions) as session:
        subscribe(session, "first@example.com", ["safety"], "weekly")
        subscribe(session, "second@example.com", ["safety", "policy"], "weekly")
        for day in (13, 14, 15):
            make_issue(session, [{"safety": 0.9}, {"policy": 0.8}],
                       sent_at=FIXED_NOW.replace(day=day), subject=f"Letter {day}: news")
        headlines = [s.headline for s in session.scalars(select(Story).order_by(Story.id))]
    invoke = CliRunner().invoke(digest_command, ["--week", "2024-W20"],
                                obj={"context": lambda: ctx})

    assert invoke.exit_code == 0, invoke.output
    by_rcpt = {m["To"].addresses[0].addr_spec: plain_text(m) for m in smtp_sink.messages}
    assert [h for h in headlines if h in by_rcpt["second@example.com"]] == headlines
    assert [h for h in headlines if h in by_rcpt["first@example.com"]] == headlines[::2]


def test_digest_command_defaults_to_the_last_full_week(sqlite_context: Context) -> None:
    ctx = configure(sqlite_context)  # FIXED_NOW is a Wednesday of 2024-W20

    result = CliRunner().invoke(digest_command, ["--no-send"], obj={"context": lambda: ctx})

    assert result.exit_code == 0, result.output
    assert result.output.startswith("digest 2024-W19: dry run: 0 digests would be built")


def test_a_dry_run_digest_saves_nothing_a_later_send_could_send(
        sqlite_context: Context, smtp_sink: SmtpSink) -> None:
    """`digest --no-send` built the week's round and its due digests, which the next
    `send` (or the running service) mailed: a dry run that sent (a user's review)."""
    ctx = configure(sqlite_context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribe(session, "weekly@example.com", ["safety"], "weekly")
        make_issue(session, [{"safety": 0.9}], sent_at=FIXED_NOW - timedelta(days=7))
    runner = CliRunner()

    dry = runner.invoke(digest_command, ["--no-send"], obj={"context": lambda: ctx})
    assert dry.exit_code == 0, dry.output
    assert "1 digests would be built; nothing saved or sent" in dry.output
    assert send_due(ctx, worker_id=WORKER).sent == 0
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert session.scalar(select(func.count()).select_from(DigestRound)) == 0

    real = runner.invoke(digest_command, [], obj={"context": lambda: ctx})
    assert real.exit_code == 0, real.output
    assert real.output.startswith("digest 2024-W19: 1 digests created; sent 1")
    assert "has not ended" not in real.output
    assert len(smtp_sink.messages) == 1


def test_a_digest_of_the_week_in_progress_says_what_it_leaves_to_the_next(
        sqlite_context: Context) -> None:
    ctx = configure(sqlite_context)  # FIXED_NOW is a Wednesday of 2024-W20

    result = CliRunner().invoke(digest_command, ["--week", "2024-W20"],
                                obj={"context": lambda: ctx})

    assert result.exit_code == 0, result.output
    assert ("note: week 2024-W20 has not ended; issues dated later in it go to the next "
            "week's digest") in result.output


def test_a_run_that_sends_nothing_logs_below_info(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    ctx = configure(context, smtp_sink)
    with caplog.at_level(logging.INFO, logger="service.deliver.send"):
        send_due(ctx, worker_id=WORKER)  # nothing due: idle workers do this every second
        assert not [r for r in caplog.records if r.getMessage().startswith("send: ")]
        alerts_for(ctx, EMAILS[:1])
        send_due(ctx, worker_id=WORKER)
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("send: ")] == [
        "send: {'sent': 1, 'retried': 0, 'failed': 0, 'cancelled': 0, 'rendered': 0}"]


@pytest.mark.parametrize("refusal", ["transient", "permanent"])
def test_a_refusal_that_arrives_after_the_lease_lapsed_leaves_the_new_claimers_row(
        context: Context, smtp_sink: SmtpSink, refusal: str) -> None:
    # The server keeps this worker waiting past its lease; meanwhile another worker claims
    # the row, sends it and marks it sent.  The late 4xx must not put the row back in the
    # queue (a second email), nor the late 5xx mark it failed and count a bounce.
    ctx = configure(context, smtp_sink, delivery__lease_seconds=300, smtp__connections=1,
                    delivery__retry_base_seconds=0.0)
    [delivery_id] = alerts_for(ctx, EMAILS[:1])

    def another_worker_sends_it() -> None:
        advance(ctx, 301)
        with ctx.sessions() as session:  # the claim commits itself
            assert claim_due_deliveries(session, "another-worker", ctx.now(), 300, 10) == [
                delivery_id]
        with transaction(ctx.sessions) as session:
            session.execute(update(Delivery).where(Delivery.id == delivery_id)
                            .values(status="sent", lease_until=None))

    smtp_sink.faults.meanwhile = another_worker_sends_it
    if refusal == "transient":
        smtp_sink.faults.transient = 1
    else:
        smtp_sink.faults.refuse = {EMAILS[0]}

    assert send_due(ctx, worker_id=WORKER) == SendSummary()
    [delivery] = rows(ctx)[EMAILS[0]]
    assert (delivery.status, delivery.claimed_by, delivery.attempts) == (
        "sent", "another-worker", 0)
    with ctx.sessions() as session:
        reader = session.scalars(select(Subscriber).where(Subscriber.email == EMAILS[0])).one()
        assert (reader.status, reader.hard_bounces) == ("active", 0)
    advance(ctx, 3600)
    assert send_due(ctx, worker_id=WORKER) == SendSummary()  # nothing queued again


def test_a_worker_facing_a_server_that_is_down_logs_one_line_a_round(
        sqlite_context: Context, caplog: pytest.LogCaptureFixture) -> None:
    """Each failed round logged ERROR and a 60-line traceback, and "trying again shortly"
    never said how long (the PostgreSQL operator's review)."""
    import threading

    from service.ops.runner import work

    ctx = configure(sqlite_context, smtp__host="127.0.0.1", smtp__port=1, smtp__timeout=2.0,
                    worker__idle_sleep=0.05)
    alerts_for(ctx, EMAILS[:1])
    caplog.set_level(logging.DEBUG, logger="service.ops.runner")
    stop = threading.Event()
    worker = threading.Thread(target=work, args=(ctx, "box:1:worker", stop))
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not [
                r for r in caplog.records if r.getMessage().startswith("sending failed (1 in")]:
            time.sleep(0.01)
    finally:
        stop.set()
        worker.join(timeout=20)
    failed = [r for r in caplog.records
              if r.levelno >= logging.WARNING and r.getMessage().startswith("sending failed")]
    assert failed and all(r.exc_info is None and r.levelno == logging.WARNING for r in failed)
    assert "cannot use the SMTP server 127.0.0.1:1" in failed[0].getMessage()
    assert failed[0].getMessage().endswith("trying again in 0.1 s")


def test_a_worker_facing_a_database_outage_logs_one_line_a_round_and_its_end(
        sqlite_context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    """The scale review: a claim that failed in the database logged ERROR with a traceback
    quoting the SQL each round (the README: one line naming the driver's error), and
    nothing said when the database was back."""
    import threading

    from service.ops.runner import work

    ctx = configure(sqlite_context, smtp_sink, worker__idle_sleep=0.05)
    caplog.set_level(logging.DEBUG, logger="service.ops.runner")

    def logged(start: str) -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.getMessage().startswith(start)]

    def wait_for(start: str) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not logged(start):
            time.sleep(0.01)
        assert logged(start), start

    with transaction(ctx.sessions) as session:
        session.execute(text("ALTER TABLE deliveries RENAME TO deliveries_away"))
    stop = threading.Event()
    worker = threading.Thread(target=work, args=(ctx, "box:1:worker", stop))
    worker.start()
    try:
        wait_for("sending failed (1 in")
        with transaction(ctx.sessions) as session:
            session.execute(text("ALTER TABLE deliveries_away RENAME TO deliveries"))
        wait_for("sending works again after")
        alerts_for(ctx, EMAILS[:1])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not smtp_sink.recipients():
            time.sleep(0.01)
    finally:
        stop.set()
        worker.join(timeout=20)
    failed = [r for r in logged("sending failed") if r.levelno >= logging.WARNING]
    assert failed and all(r.exc_info is None and r.levelno == logging.WARNING for r in failed)
    assert "database error: OperationalError: no such table" in failed[0].getMessage()
    assert "SELECT" not in failed[0].getMessage()
    assert smtp_sink.recipients() == [EMAILS[0]]


def test_the_digest_note_names_no_week_whose_round_is_built(sqlite_context: Context) -> None:
    """A late issue in a week whose round was built later than the first (a `--week` for an
    earlier week) got the note `digest --week W`, which builds nothing more (a review)."""
    from zoneinfo import ZoneInfo

    from service.db.tables import DigestRound
    from service.deliver.match import left_before_rounds

    zone = ZoneInfo("UTC")
    with transaction(sqlite_context.sessions) as session:
        session.add(DigestRound(week="2024-W20", built_at=FIXED_NOW))
        session.add(DigestRound(week="2024-W18", built_at=FIXED_NOW + timedelta(hours=1)))
        for day in (1, 8):  # May 1 (W18, built) and May 8 (W19, none)
            make_issue(session, [{"safety": 0.9}], sent_at=FIXED_NOW.replace(day=day))
    with transaction(sqlite_context.sessions) as session:
        assert left_before_rounds(session, zone) == (2, "2024-W19")
        session.add(DigestRound(week="2024-W19", built_at=FIXED_NOW + timedelta(hours=2)))
    with transaction(sqlite_context.sessions) as session:
        assert left_before_rounds(session, zone) == (2, None)


def test_a_ca_file_gone_since_the_start_is_a_delivery_error() -> None:
    """It was a ConfigError out of the send, which left the claimed batch "sending" for its
    lease (a read-only review); a delivery error releases it for a retry."""
    from service.config import load_settings
    from service.deliver.transport import SmtpTransport
    from service.errors import DeliveryError

    settings = load_settings(None, environ={
        "NEWSALERTS_SMTP__HOST": "127.0.0.1", "NEWSALERTS_SMTP__STARTTLS": "true",
        "NEWSALERTS_SMTP__CA_FILE": "/no/such/ca.pem"})
    with pytest.raises(DeliveryError, match="ca_file"):
        SmtpTransport(settings).send(b"Subject: x\r\n\r\nx\r\n", "reader@example.org")


def test_a_batch_under_way_signs_with_the_secret_revoke_links_gave(
        context: Context, smtp_sink: SmtpSink) -> None:
    """The review of `subscribers revoke-links`: a batch loaded before it went on signing
    with the revoked secret, List-Unsubscribe included, for as long as the batch took."""
    ctx = configure(context, smtp_sink)
    ids = alerts_for(ctx, EMAILS[:1], issues=2)
    clock = [FIXED_NOW]
    ctx = replace(ctx, now=lambda: clock[0])
    composer = Composer(ctx)
    composer.load(ids)
    composer.compose(ids[0])
    with transaction(ctx.sessions) as session:
        assert registry.revoke_links(session, EMAILS[0])
    clock[0] = FIXED_NOW + timedelta(seconds=30)  # the batch goes on (a rate limit)
    later = message_from_bytes(composer.compose(ids[1]).data, policy=default_policy)
    found = re.search(r"/unsubscribe/([^>/]+)>", str(later["List-Unsubscribe"]))
    assert found
    with transaction(ctx.sessions) as session:
        reader = registry.find_subscriber(session, EMAILS[0])
        assert reader is not None
        ctx.signer.verify("unsubscribe", found.group(1)).check_owner(reader.link_secret)


def test_the_bounce_line_gives_the_readers_own_count(
        context: Context, smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture) -> None:
    ctx = configure(context, smtp_sink, delivery__hard_bounce_limit=2)
    alerts_for(ctx, EMAILS[:1])
    with transaction(ctx.sessions) as session:  # counted while the limit was higher
        session.execute(update(Subscriber).values(hard_bounces=3))
    smtp_sink.faults.refuse = {EMAILS[0]}
    caplog.set_level("WARNING", logger="service.deliver.outcomes")
    send_due(ctx, worker_id=WORKER)
    [said] = [r.getMessage() for r in caplog.records if "marked bounced" in r.getMessage()]
    assert "after 4 hard bounces" in said
