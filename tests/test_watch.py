"""IMAP IDLE: new mail is polled at once, not at the next [inbox] poll_interval.

Real Dovecot (which offers IDLE), a real scheduler led by ``runner.lead`` in
a thread, SQLite.  The poll interval is an hour throughout, so an issue
stored within seconds was polled because the watcher woke the poll.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent

from service.context import Context, utc_now
from service.ingest.fetch import ImapAccount
from service.ingest.fetch.watch import InboxWatcher
from service.ops import scheduler
from service.ops.runner import lead
from service.ops.runtime import after_poll
from service.ops.scheduler import Runtime, start_scheduler, stop_scheduler, wake_poll
from service.ops.status import read_status
from tests.imap_servers import DovecotServer
from tests.mail import issue_email
from tests.tcp_proxy import TcpProxy
from tests.test_scheduler import KeywordTagger, wait_for, with_settings

HOUR = 3600


def imap_context(ctx: Context, server: DovecotServer, *, port: int | None = None,
                 **values: object) -> Context:
    """``ctx`` reading ``server`` (through ``port``, a proxy's, if given), polling hourly."""
    return with_settings(
        ctx, inbox__host=server.host, inbox__port=port or server.port, inbox__ssl=False,
        inbox__username=server.username, inbox__password=server.password,
        inbox__timeout=10.0, inbox__poll_interval=HOUR, scheduler__lock_retry=0.2, **values)


def issues(ctx: Context) -> int:
    return read_status(ctx).issues


@contextmanager
def leading(ctx: Context) -> Iterator[Runtime]:
    """``runner.lead`` in a thread, as `newsalerts run` runs it; stopped at the end."""
    runtime = Runtime(ctx, "test-host:1:run", lambda: KeywordTagger(), sends=False)
    thread = threading.Thread(target=lead, args=(runtime,), name="lead", daemon=True)
    thread.start()
    try:
        yield runtime
    finally:
        runtime.stop.set()
        thread.join(20)
        assert not thread.is_alive(), "lead() did not stop within 20 s"


def settled(runtime: Runtime, sessions: int = 1) -> bool:
    """The watcher idles on its ``sessions``-th connection, and no poll runs or is due."""
    watcher = runtime.watcher
    with runtime.poll_lock:
        busy = runtime.polling or runtime.new_mail
    return (watcher is not None and watcher.sessions == sessions
            and watcher.idling.is_set() and not busy)


# --- the scheduler: polled within moments --------------------------------------------------


@pytest.mark.dovecot
def test_an_issue_landing_is_polled_at_once_not_at_the_next_interval(
    dovecot: DovecotServer, sqlite_context: Context
) -> None:
    ctx = imap_context(sqlite_context, dovecot)
    dovecot.deliver(issue_email(1))
    with leading(ctx) as runtime:
        wait_for(lambda: issues(ctx) == 1 and settled(runtime), timeout=20)

        dovecot.deliver(issue_email(2))  # the next interval poll is an hour away

        wait_for(lambda: issues(ctx) == 2, timeout=20)
    assert runtime.watcher is None, "the watcher stops with the scheduler"


@pytest.mark.dovecot
def test_the_watcher_reconnects_after_a_cut_and_still_wakes_the_poll(
    dovecot: DovecotServer, sqlite_context: Context, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with TcpProxy(dovecot.host, dovecot.port) as proxy:
        ctx = imap_context(sqlite_context, dovecot, port=proxy.port)
        with leading(ctx) as runtime:
            wait_for(lambda: settled(runtime), timeout=20)

            proxy.kill_all()
            wait_for(lambda: settled(runtime, sessions=2), timeout=20)
            dovecot.deliver(issue_email(3))

            wait_for(lambda: issues(ctx) == 1, timeout=20)
    warnings = [r.getMessage() for r in caplog.records
                if r.name == "service.ingest.fetch.watch" and r.levelno == logging.WARNING]
    assert any("reconnecting in" in text for text in warnings), warnings
    assert dovecot.password not in caplog.text


@pytest.mark.dovecot
def test_with_idle_off_no_watcher_connects(
    dovecot: DovecotServer, sqlite_context: Context
) -> None:
    with TcpProxy(dovecot.host, dovecot.port) as proxy:
        ctx = imap_context(sqlite_context, dovecot, port=proxy.port, inbox__idle=False)
        dovecot.deliver(issue_email(4))
        with leading(ctx) as runtime:
            wait_for(lambda: issues(ctx) == 1, timeout=20)
            # A watcher would have connected before the first poll stored its issue.
            runtime.stop.wait(0.5)
            assert runtime.watcher is None
            assert proxy.accepted == 1, "only the start-up poll's connection"


# --- the watcher on its own ----------------------------------------------------------------


class Calls:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@contextmanager
def watching(watcher: InboxWatcher) -> Iterator[InboxWatcher]:
    watcher.start()
    try:
        yield watcher
    finally:
        watcher.stop(timeout=10)
        assert not watcher.is_alive(), "the watcher did not stop"


@pytest.mark.dovecot
def test_the_watcher_calls_back_on_new_mail_and_on_each_renewal(
    dovecot: DovecotServer
) -> None:
    account = ImapAccount.from_settings(dovecot.settings())
    calls = Calls()
    with watching(InboxWatcher(account, calls)) as watcher:
        wait_for(lambda: watcher.idling.is_set())
        assert calls.count == 1, "once on connecting: mail may have landed before"
        dovecot.deliver(issue_email(5))
        wait_for(lambda: calls.count == 2)

    renewing = Calls()
    with watching(InboxWatcher(account, renewing, renew_after=0.2, check_every=0.05)) as watcher:
        wait_for(lambda: renewing.count >= 4)
        assert watcher.sessions == 1, "renewing IDLE keeps the connection"


class FailingWake(Calls):
    """A wake that meets the database down (the scheduler's job store, the poll's)."""

    def __call__(self) -> None:
        super().__call__()
        from sqlalchemy.exc import OperationalError
        raise OperationalError("UPDATE scheduler_jobs", {}, Exception("connection refused"))


@pytest.mark.dovecot
def test_a_wake_that_meets_the_database_down_is_one_line_and_the_watcher_goes_on(
        dovecot: DovecotServer, caplog: pytest.LogCaptureFixture) -> None:
    """An operator's review: a 100-line traceback for "waking the poll for new mail failed"
    while PostgreSQL was down."""
    account = ImapAccount.from_settings(dovecot.settings())
    calls = FailingWake()
    with (caplog.at_level(logging.WARNING, logger="service.ingest.fetch.watch"),
          watching(InboxWatcher(account, calls))):
        wait_for(lambda: calls.count == 1)
        dovecot.deliver(issue_email(6))
        wait_for(lambda: calls.count == 2)  # still watching after the first failed
    failed = [r for r in caplog.records if "waking the poll" in r.getMessage()]
    assert len(failed) == 2 and all(r.exc_info is None for r in failed)
    assert failed[0].getMessage().startswith(
        "waking the poll for new mail failed: OperationalError: (builtins.Exception) "
        "connection refused")


@pytest.mark.dovecot
def test_a_refused_login_is_logged_and_retried_without_the_password(
    dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "not-the-password-" + dovecot.password[::-1]
    account = ImapAccount.from_settings(dovecot.settings(password=wrong))
    calls = Calls()
    with watching(InboxWatcher(account, calls)) as watcher:
        wait_for(lambda: sum(r.levelno == logging.ERROR and "refused" in r.getMessage()
                             for r in caplog.records) >= 2)  # tried again after a second
        assert watcher.is_alive() and watcher.sessions == 0 and calls.count == 0
    assert wrong not in caplog.text


# --- waking the poll job ---------------------------------------------------------------------


@pytest.fixture
def folder_context(sqlite_context: Context, tmp_path: Path) -> Context:
    (tmp_path / "inbox").mkdir()
    return with_settings(sqlite_context, inbox__dir=str(tmp_path / "inbox"),
                         inbox__poll_interval=HOUR)


def start_poll_done(runtime: Runtime) -> bool:
    poll = read_status(runtime.ctx).jobs.get("poll")
    with runtime.poll_lock:
        return poll is not None and poll.last_success_at is not None and not runtime.polling


def test_mail_reported_during_a_poll_is_polled_by_that_poll(
    folder_context: Context, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "1.eml").write_bytes(issue_email(6))

    def mail_lands_mid_poll() -> None:
        if not (inbox / "2.eml").exists():
            (inbox / "2.eml").write_bytes(issue_email(7))
            wake_poll(runtime)

    runtime = Runtime(folder_context, "test-host:1:run",
                      lambda: KeywordTagger(on_tag=mail_lands_mid_poll), sends=False)

    detail = scheduler._poll(runtime)

    assert detail["stored"] == 2 and detail["stories"] == 6, detail
    assert issues(folder_context) == 2
    assert not runtime.polling and not runtime.new_mail


def test_a_wake_runs_an_idle_poll_now(folder_context: Context, tmp_path: Path) -> None:
    runtime = Runtime(folder_context, "test-host:1:run", KeywordTagger, sends=False)
    running = start_scheduler(runtime)
    try:
        wait_for(lambda: start_poll_done(runtime))
        (tmp_path / "inbox" / "1.eml").write_bytes(issue_email(8))

        wake_poll(runtime)

        wait_for(lambda: issues(folder_context) == 1)
    finally:
        stop_scheduler(running)


def test_a_wake_that_came_as_a_poll_ended_gets_its_poll(
    folder_context: Context, tmp_path: Path
) -> None:
    runtime = Runtime(folder_context, "test-host:1:run", KeywordTagger, sends=False)
    running = start_scheduler(runtime)
    try:
        wait_for(lambda: start_poll_done(runtime))
        (tmp_path / "inbox" / "1.eml").write_bytes(issue_email(9))
        # As if a wake had found no poll running, and its run had been skipped as an
        # overlap because APScheduler had not yet counted the last one out.
        with runtime.poll_lock:
            runtime.new_mail = True

        after_poll(runtime, JobExecutionEvent(EVENT_JOB_EXECUTED, "poll",
                              "default", utc_now()))

        wait_for(lambda: issues(folder_context) == 1)
    finally:
        stop_scheduler(running)
