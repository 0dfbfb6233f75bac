"""Idle workers hear of new deliveries at once on PostgreSQL (LISTEN/NOTIFY), not after a sleep."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from service.context import Context
from service.db.database import transaction
from service.deliver.match import create_instant_deliveries
from service.deliver.wakeup import CHANNEL, DeliveryListener, announce
from service.subscribers.registry import add_subscriber
from tests.db import FIXED_NOW, SECRET_KEY, make_issue
from tests.processes import fork, kill_all, wait_until
from tests.smtp_server import SmtpSink

HOUR = 3600.0
LONG = 20.0  # a wait that ends sooner was ended by an announcement (or a stop)


def announce_in_a_transaction(ctx: Context, *, commit: bool = True) -> None:
    session = ctx.sessions()
    try:
        announce(session)
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def announce_later(ctx: Context, delay: float, **how: bool) -> threading.Thread:
    def later() -> None:
        time.sleep(delay)
        announce_in_a_transaction(ctx, **how)

    thread = threading.Thread(target=later)
    thread.start()
    return thread


@pytest.mark.postgres
def test_a_waiting_listener_hears_an_announcement_at_commit(pg_context: Context) -> None:
    listener = DeliveryListener(pg_context.engine)
    try:
        listener.wait(0, threading.Event())  # starts listening
        announcer = announce_later(pg_context, 0.2)
        assert listener.wait(LONG, threading.Event()) is True
        announcer.join()

        # Rolled back: never delivered, so the wait runs its course.
        announce_later(pg_context, 0.05, commit=False).join()
        assert listener.wait(0.5, threading.Event()) is False
    finally:
        listener.close()


@pytest.mark.postgres
def test_announcements_made_while_busy_end_the_next_wait_once(pg_context: Context) -> None:
    listener = DeliveryListener(pg_context.engine)
    try:
        listener.wait(0, threading.Event())
        for _ in range(3):  # three issues stored while the worker was sending
            announce_in_a_transaction(pg_context)
        assert listener.wait(LONG, threading.Event()) is True
        assert listener.wait(0.3, threading.Event()) is False, "the burst wakes it once"
    finally:
        listener.close()


@pytest.mark.postgres
def test_a_stop_request_ends_the_wait(pg_context: Context) -> None:
    listener, stop = DeliveryListener(pg_context.engine), threading.Event()
    threading.Timer(0.2, stop.set).start()
    try:
        started = time.monotonic()
        assert listener.wait(LONG, stop) is False
        assert time.monotonic() - started < LONG / 2
    finally:
        listener.close()


@pytest.mark.postgres
def test_the_listener_listens_again_after_losing_its_connection(
        pg_context: Context, caplog: pytest.LogCaptureFixture) -> None:
    listener = DeliveryListener(pg_context.engine)
    try:
        listener.wait(0, threading.Event())
        with pg_context.engine.begin() as connection:
            ended = connection.execute(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE pid = ANY(:pids)"), {"pids": _our_listeners(pg_context)}).scalar()
        assert ended == 1, "the listening connection was found and cut"
        with caplog.at_level(logging.WARNING, logger="service.deliver.wakeup"):
            assert listener.wait(0.3, threading.Event()) is False  # sleeps this time
            # one line, the driver's first (an operator's probe: the warning ran over three)
            lost = [r.getMessage() for r in caplog.records
                    if "lost the connection" in r.getMessage()]
            assert len(lost) == 1 and "\n" not in lost[0]
            listener.wait(0, threading.Event())  # listens again, and says so
        assert "listening for new deliveries again" in caplog.text
        announcer = announce_later(pg_context, 0.2)
        assert listener.wait(LONG, threading.Event()) is True
        announcer.join()
    finally:
        listener.close()


def test_on_sqlite_announcing_does_nothing_and_waiting_sleeps(sqlite_context: Context) -> None:
    announce_in_a_transaction(sqlite_context)
    listener = DeliveryListener(sqlite_context.engine)
    started = time.monotonic()
    assert listener.wait(0.2, threading.Event()) is False
    assert time.monotonic() - started >= 0.2


@pytest.mark.postgres
def test_an_idle_worker_sends_new_alerts_at_once_not_after_its_idle_sleep(
        pg_context: Context, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    env = {
        "NEWSALERTS_DATABASE__URL": pg_context.engine.url.render_as_string(hide_password=False),
        "NEWSALERTS_WEB__SECRET_KEY": SECRET_KEY,
        "NEWSALERTS_WORKER__IDLE_SLEEP": str(HOUR),
        "NEWSALERTS_LOG__LEVEL": "DEBUG",
        **smtp_sink.env(),
    }
    worker = fork(["worker"], env=env, log=tmp_path / "worker.log")
    try:
        worker.wait_for_output("sending")
        # Idle: its first drain found nothing, and it now waits up to an hour.
        wait_until("the worker to wait", lambda: _listening(pg_context), worker, timeout=30)
        with transaction(pg_context.sessions) as session:
            add_subscriber(session, "reader@example.test", ["safety"], "instant",
                           confirmed=True, now=FIXED_NOW)
            issue = make_issue(session, [{"safety": 0.9}])
            assert create_instant_deliveries(session, issue.id, FIXED_NOW) == 1
        wait_until("the alert", lambda: smtp_sink.recipients() == ["reader@example.test"],
                   worker, timeout=30)
        assert worker.stop() == 0
    finally:
        kill_all([worker])


def _listening(ctx: Context) -> bool:
    return bool(_our_listeners(ctx))


def _our_listeners(ctx: Context) -> list[int]:
    """Connections listening on this test's channel (its schema's): other test runs on the
    same server listen too, on theirs."""
    with ctx.engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND query = format('LISTEN %I', :channel || ':' || current_schema())"),
            {"channel": CHANNEL}).scalars())
