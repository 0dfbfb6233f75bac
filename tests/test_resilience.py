"""The service against a busy queue and failing neighbours: real processes, real servers.

- Three `newsalerts worker` processes drain 5,000 deliveries from the local
  PostgreSQL to an aiosmtpd sink: each email goes out exactly once, and every
  worker takes a share (FOR UPDATE SKIP LOCKED claims, invariant 3).
- The IMAP server restarts in the middle of a poll: the poll reconnects and
  goes on, and every message ends stored once (invariant 1).
- The IMAP server is unreachable for longer than a poll's reconnection tries:
  that poll fails, and the next one catches up.
- PostgreSQL refuses connections for two seconds (a TcpProxy in front of it
  drops every connection and turns new ones away) while a worker sends, and
  while a scheduler polls: the job fails, runs again, and nothing is lost or
  sent twice.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, func, select, update

from service.context import Context
from service.db.database import transaction
from service.db.tables import Base, Delivery, Issue, RefusedMessage, Story
from service.deliver.match import create_instant_deliveries
from service.subscribers.registry import import_csv
from tests.db import FIXED_NOW, SECRET_KEY, make_issue, owe_alerts
from tests.helpers import REPO
from tests.imap_servers import DovecotServer, ImapTestServer
from tests.mail import issue_email
from tests.processes import Process, fork, kill_all, spawn, wait_until
from tests.smtp_server import SmtpSink
from tests.tcp_proxy import TcpProxy

UNSENT = ("pending", "sending")


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Processes a test starts; whatever still runs at its end is killed."""
    started: list[Process] = []
    try:
        yield started
    finally:
        kill_all(started)


def service_env(ctx: Context, **extra: str) -> dict[str, str]:
    return {
        "NEWSALERTS_DATABASE__URL": ctx.engine.url.render_as_string(hide_password=False),
        "NEWSALERTS_WEB__SECRET_KEY": SECRET_KEY,
        "NEWSALERTS_MODELS__DIR": str(REPO / "models"),
        "NEWSALERTS_LOG__LEVEL": "INFO",
        "NEWSALERTS_WORKER__IDLE_SLEEP": "0.2",
        **extra,
    }


def count(ctx: Context, table: type[Base], *where: ColumnElement[bool]) -> int:
    with ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(table).where(*where)) or 0


def message_id(data: bytes) -> str:
    return str(BytesHeaderParser(policy=default_policy).parsebytes(data)["Message-ID"])


def sent_message_ids(ctx: Context) -> set[str]:
    with ctx.sessions() as session:
        return {str(mid) for mid in session.scalars(select(Delivery.message_id))}


# --- three workers, 5,000 deliveries -------------------------------------------------------


def owe_alerts_in_bulk(ctx: Context, tmp_path: Path, readers: int) -> None:
    """``readers`` subscribers (CSV import) each owed one alert, not yet due."""
    csv_file = tmp_path / "readers.csv"
    csv_file.write_text("email,themes,cadence\n" + "".join(
        f"reader{n:05d}@example.test,safety,instant\n" for n in range(readers)))
    assert import_csv(ctx.sessions, csv_file, now=FIXED_NOW).added == readers
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9, "policy": 0.7}])
        assert create_instant_deliveries(session, issue.id, FIXED_NOW) == readers
        session.execute(update(Delivery).values(due_at=FIXED_NOW + timedelta(days=36500)))


@pytest.mark.postgres
def test_three_workers_drain_5000_deliveries_exactly_once(
    pg_context: Context, smtp_sink: SmtpSink, tmp_path: Path, processes: list[Process],
) -> None:
    readers = 5000
    owe_alerts_in_bulk(pg_context, tmp_path, readers)
    env = service_env(pg_context, **smtp_sink.env())
    workers = [spawn(["worker"], env=env, log=tmp_path / f"worker-{n}.log") for n in range(3)]
    processes.extend(workers)
    for worker in workers:  # all three idle and looking before anything is due
        worker.wait_for_output("sending", timeout=60)
    with transaction(pg_context.sessions) as session:
        session.execute(update(Delivery).values(due_at=FIXED_NOW))
    started = time.monotonic()

    wait_until("the queue to drain",
               lambda: count(pg_context, Delivery, Delivery.status.in_(UNSENT)) == 0,
               *workers, timeout=120, interval=0.2)
    elapsed = time.monotonic() - started
    assert [worker.stop() for worker in workers] == [0, 0, 0]

    with pg_context.sessions() as session:
        statuses = Counter(session.scalars(select(Delivery.status)))
        shares = Counter(session.scalars(select(Delivery.claimed_by)))
    recipients = Counter(rcpt for r in smtp_sink.received for rcpt in r.rcpt_tos)
    message_ids = Counter(message_id(r.data) for r in smtp_sink.received)
    print(f"\n{readers} emails in {elapsed:.1f} s ({readers / elapsed:.0f}/s) by three "
          f"workers: {sorted(shares.values())}")
    assert statuses == {"sent": readers}
    assert len(smtp_sink.received) == readers
    assert len(recipients) == readers and set(recipients.values()) == {1}
    assert set(message_ids.values()) == {1}, "no Message-ID arrives twice"
    assert set(message_ids) == sent_message_ids(pg_context)
    pids = {re.sub(r"^.*:(\d+):worker$", r"\1", str(holder)) for holder in shares}
    assert pids == {str(worker.pid) for worker in workers}, "every worker took a share"


# --- IMAP: a restart in the middle of a poll, an outage longer than its retries ------------


def deliver_issues(server: ImapTestServer, numbers: range) -> None:
    for number in numbers:
        server.deliver(issue_email(number))


def assert_stored_once(ctx: Context, issues: int) -> None:
    with ctx.sessions() as session:
        stored = Counter(session.scalars(select(Issue.message_id)))
    assert stored == Counter({f"<test-issue-{n}@example.test>": 1 for n in range(1, issues + 1)})
    assert count(ctx, Story) == 3 * issues, "each issue's three stories, once each"
    assert count(ctx, RefusedMessage) == 0


def test_imap_server_restarted_mid_poll_loses_nothing(
    imap_server: ImapTestServer, sqlite_context: Context, tmp_path: Path,
    processes: list[Process],
) -> None:
    issues = 60  # ~20 ms each, and the restart comes after the third
    deliver_issues(imap_server, range(1, issues + 1))
    with TcpProxy(imap_server.host, imap_server.port) as proxy:
        env = service_env(sqlite_context, **imap_server.inbox_env(port=proxy.port))
        poller = fork(["poll"], env=env, log=tmp_path / "poll-1.log")
        processes.append(poller)
        wait_until("the poll to store some issues", lambda: count(sqlite_context, Issue) >= 3,
                   poller, interval=0.005)
        # Dovecot's imap processes outlive a restart of its master, sessions and all; a
        # server that goes down takes its connections with it: drop them, then restart.
        proxy.kill_all()
        imap_server.restart()
        stored_at_restart = count(sqlite_context, Issue)
        first = poller.join(60)
        catch_up = fork(["poll"], env=env, log=tmp_path / "poll-2.log")
        processes.append(catch_up)
        assert catch_up.join(60) == 0, catch_up.tail()

    assert 3 <= stored_at_restart < issues, "the restart must come in the middle of the poll"
    assert first == 0, f"the poll should reconnect and finish:\n{poller.tail()}"
    assert "reconnecting" in poller.output()
    assert_stored_once(sqlite_context, issues)


@pytest.mark.dovecot
def test_imap_outage_past_the_retries_fails_the_poll_and_the_next_catches_up(
    dovecot: DovecotServer, sqlite_context: Context, tmp_path: Path,
    processes: list[Process],
) -> None:
    issues = 30
    deliver_issues(dovecot, range(1, issues + 1))
    with TcpProxy(dovecot.host, dovecot.port) as proxy:
        env = service_env(sqlite_context, **dovecot.inbox_env(port=proxy.port))
        poller = fork(["poll"], env=env, log=tmp_path / "poll-1.log")
        processes.append(poller)
        wait_until("the poll to store some issues", lambda: count(sqlite_context, Issue) >= 5,
                   poller, interval=0.005)
        proxy.refuse(True)
        proxy.kill_all()
        failed = poller.join(30)  # reconnecting for 0.5 + 1 + 2 s, then giving up
        stored_in_outage = count(sqlite_context, Issue)
        proxy.refuse(False)
        catch_up = fork(["poll"], env=env, log=tmp_path / "poll-2.log")
        processes.append(catch_up)
        assert catch_up.join(60) == 0, catch_up.tail()

    assert failed == 1 and "InboxConnectionLost" in poller.output(), poller.tail()
    assert 5 <= stored_in_outage < issues
    assert_stored_once(sqlite_context, issues)


# --- PostgreSQL refusing connections for a while -------------------------------------------


def through(proxy: TcpProxy, ctx: Context) -> str:
    """The context's database URL (schema and all), reaching PostgreSQL through ``proxy``."""
    return ctx.engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)


def database_outage(proxy: TcpProxy, seconds: float) -> int:
    """Every connection dropped, and new ones refused, for ``seconds``: a restarting server.

    Returns how many connections were turned away: the service felt the outage.
    """
    proxy.refuse(True)
    accepted = proxy.accepted
    proxy.kill_all()
    time.sleep(seconds)
    proxy.refuse(False)
    return proxy.accepted - accepted


@pytest.mark.postgres
def test_postgresql_refusing_connections_mid_send_loses_and_duplicates_nothing(
    pg_context: Context, smtp_sink: SmtpSink, tmp_path: Path, processes: list[Process],
) -> None:
    readers = 60
    owe_alerts(pg_context, readers)
    with TcpProxy("127.0.0.1", pg_context.engine.url.port or 5432) as proxy:
        # Ten emails a second, all claimed at once; the outage begins 20 ms after an email
        # was accepted: the worker waits for the next one's turn, which it sends while
        # the database is away, and must still record as sent.
        env = service_env(pg_context, NEWSALERTS_DATABASE__URL=through(proxy, pg_context),
                          NEWSALERTS_DELIVERY__LEASE_SECONDS="10",
                          **smtp_sink.env(rate_limit=10, batch_size=100))
        worker = fork(["worker"], env=env, log=tmp_path / "worker.log")
        processes.append(worker)
        wait_until("the worker to send", lambda: len(smtp_sink.received) >= 10, worker,
                   interval=0.001)
        time.sleep(0.02)
        sent_before = len(smtp_sink.received)
        turned_away = database_outage(proxy, 2.0)
        wait_until("the queue to drain",
                   lambda: count(pg_context, Delivery, Delivery.status.in_(UNSENT)) == 0,
                   worker, timeout=60, interval=0.1)
        assert worker.stop() == 0

    message_ids = Counter(message_id(r.data) for r in smtp_sink.received)
    twice = sorted(mid for mid, copies in message_ids.items() if copies > 1)
    assert sent_before < readers and turned_away, "the outage must come in the middle of sending"
    assert count(pg_context, Delivery, Delivery.status == "sent") == readers
    assert set(message_ids) == sent_message_ids(pg_context), "no email lost"
    assert not twice, f"sent twice across the outage: {twice}"


@pytest.mark.postgres
@pytest.mark.dovecot
def test_postgresql_refusing_connections_mid_poll_loses_nothing(
    pg_context: Context, dovecot: DovecotServer, tmp_path: Path, processes: list[Process],
) -> None:
    issues = 30
    deliver_issues(dovecot, range(1, issues + 1))
    with TcpProxy("127.0.0.1", pg_context.engine.url.port or 5432) as proxy:
        env = service_env(pg_context, NEWSALERTS_DATABASE__URL=through(proxy, pg_context),
                          NEWSALERTS_INBOX__POLL_INTERVAL="1",
                          NEWSALERTS_SCHEDULER__LOCK_RETRY="0.2",
                          NEWSALERTS_MODELS__RETRAIN_AFTER_LABELS="0",
                          **dovecot.inbox_env())
        scheduler = fork(["scheduler"], env=env, log=tmp_path / "scheduler.log")
        processes.append(scheduler)
        wait_until("the poll to store some issues", lambda: count(pg_context, Issue) >= 5,
                   scheduler, timeout=30, interval=0.005)
        stored_at_outage = count(pg_context, Issue)
        turned_away = database_outage(proxy, 2.0)
        wait_until("every issue stored", lambda: count(pg_context, Issue) == issues,
                   scheduler, timeout=60, interval=0.1)
        assert scheduler.stop() == 0, scheduler.tail()

    assert stored_at_outage < issues and turned_away, "the outage must come mid-poll"
    assert "poll failed" in scheduler.output(), scheduler.tail()
    assert_stored_once(pg_context, issues)
