"""End to end, the real service path: an issue lands in the IMAP inbox, alerts leave by SMTP.

    .venv/bin/python bench/pipeline.py [--subscribers 1000] [--rounds 5] [--burst 100]
                                       [--mode run|scaled] [--imap dovecot|pymap]

Real parts only: Dovecot (or pymap), started as tests/imap_servers.py starts
them; an aiosmtpd sink that notes when it accepts each email; and the
service as deployed, `python -m service ...` in its own processes:

- ``--mode run`` (default): `newsalerts run`, the all-in-one process, on
  SQLite (its embedded default): IMAP IDLE wakes the poll when mail lands
  (the interval poll, every [inbox] poll_interval's default 300 s, is the
  fallback), and a poll that creates deliveries wakes the sender at once.
- ``--mode scaled``: `newsalerts scheduler` plus one `newsalerts worker` on
  the local PostgreSQL (a schema of its own), the worker looking for due
  deliveries every [worker] idle_sleep (0.2 s here).

``--subscribers`` readers follow every theme as instant alerts, so each issue
owes each of them one email.  Three figures:

1. latency: from the moment an issue's APPEND to the inbox returns to the
   moment the sink accepts the last of its alerts; ``--rounds`` issues, one
   at a time.  Split into "landing to stored" (waiting for a poll,
   fetch, parse, segment, classify, store, match) and "stored to last alert"
   (claiming, rendering and sending every alert).  The service waits for new
   mail with IMAP IDLE ([inbox] idle, on by default), so a landing issue is
   polled within moments (Dovecot reports new mail about half a second
   after the APPEND); the interval poll remains the fallback.
2. throughput: ``--burst`` issues appear in the inbox at once (one IMAP MOVE
   from a staging folder) while the service runs with sending off (`run
   --no-send`: poll and match, as many deliveries as in 1.); issues per
   second from the first stored to the last, and from landing to the last.
3. peak RSS (VmHWM) of each service process, after 1. and after 2.

Targets (issue 5): under 2 s end to end for 1,000 subscribers, under 200 MB.
Nothing is asserted: the figures are printed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aiosmtpd.controller import Controller  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from service.config import load_settings  # noqa: E402
from service.context import Context, open_context  # noqa: E402
from service.db.database import make_engine  # noqa: E402
from service.db.tables import Issue  # noqa: E402
from service.subscribers.registry import import_csv  # noqa: E402
from tests.db import PG_URL  # noqa: E402
from tests.imap_servers import DovecotServer, ImapTestServer, PymapServer, imap_tls  # noqa: E402
from tests.mail import issue_email  # noqa: E402
from tests.processes import Process, kill_all, spawn, wait_until  # noqa: E402

SECRET_KEY = "bench-secret-key-0123456789abcdef"
POLL_INTERVAL = 300  # [inbox] poll_interval's default: IMAP IDLE brings new mail at once
PAUSE = 1.0  # seconds, at most, between one round's last alert and the next landing
STAGING = "Staging"


# --- the SMTP sink: accepts everything, notes when ---------------------------------------------


class TimingHandler:
    """Keeps (accepted at, Message-ID of the issue's alert) and nothing else."""

    def __init__(self) -> None:
        self.accepted: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.accepted.append(time.time())
        return "250 2.0.0 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


@contextmanager
def smtp_sink() -> Iterator[tuple[TimingHandler, int]]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    handler = TimingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


# --- the IMAP server, as the test fixtures start it ------------------------------------------


class _TempDirs:
    """What imap_tls wants of pytest's tmp_path_factory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))


@contextmanager
def imap_server(kind: str, workdir: Path) -> Iterator[ImapTestServer]:
    server: ImapTestServer
    if kind == "dovecot":
        tls = imap_tls.__wrapped__(_TempDirs(workdir))  # type: ignore[attr-defined]
        root = Path(tempfile.mkdtemp(prefix="newsalerts-dovecot-"))  # the dovecot user gets in
        server = DovecotServer(root, tls)
    else:
        root = workdir / "pymap"
        root.mkdir()
        server = PymapServer(root)
    try:
        server.start()
        yield server
    finally:
        server.close_admin()
        server.stop()
        if kind == "dovecot":
            shutil.rmtree(root, ignore_errors=True)


def admin_client(server: ImapTestServer) -> IMAPClient:
    client = IMAPClient(server.host, port=server.port, ssl=False, timeout=30)
    client.login(server.username, server.password)
    return client


# --- the database --------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    drop: Callable[[], None] = field(default=lambda: None)


def make_database(mode: str, workdir: Path) -> Database:
    if mode == "run":
        return Database(f"sqlite:///{workdir / 'newsalerts.db'}")
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return Database(f"{PG_URL}?options=-csearch_path%3D{schema}", drop)


def add_subscribers(ctx: Context, count: int, workdir: Path) -> None:
    csv_file = workdir / "subscribers.csv"
    csv_file.write_text("email,themes,cadence\n" + "".join(
        f"reader{n:06d}@bench.example,safety;policy;compute;robotics,instant\n"
        for n in range(count)))
    import_csv(ctx.sessions, csv_file)
    if ctx.engine.dialect.name == "postgresql":
        # As autovacuum would within a minute: planned on an empty table's statistics,
        # matching each issue scans every story's themes once per subscription.
        with ctx.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def stored_at(ctx: Context) -> dict[str, float]:
    """Message-ID -> when the service stored the issue (its received_at), as a timestamp."""
    with ctx.sessions() as session:
        rows = session.execute(select(Issue.message_id, Issue.received_at))
        # received_at is a UtcDateTime: aware on both backends.
        return {str(mid): at.timestamp() for mid, at in rows}


# --- the service processes ------------------------------------------------------------------


def service_env(database: Database, server: ImapTestServer, smtp_port: int) -> dict[str, str]:
    return {
        "NEWSALERTS_DATABASE__URL": database.url,
        "NEWSALERTS_WEB__SECRET_KEY": SECRET_KEY,
        "NEWSALERTS_WEB__LISTEN": "127.0.0.1:0",
        "NEWSALERTS_WEB__BASE_URL": "https://alerts.bench.example",
        "NEWSALERTS_MODELS__DIR": str(REPO / "models"),
        "NEWSALERTS_MODELS__RETRAIN_AFTER_LABELS": "0",
        "NEWSALERTS_INBOX__POLL_INTERVAL": str(POLL_INTERVAL),
        "NEWSALERTS_SCHEDULER__LOCK_RETRY": "0.5",
        "NEWSALERTS_WORKER__IDLE_SLEEP": "0.2",
        "NEWSALERTS_SMTP__HOST": "127.0.0.1",
        "NEWSALERTS_SMTP__PORT": str(smtp_port),
        "NEWSALERTS_SMTP__FROM": "newsalerts <alerts@bench.example>",
        "NEWSALERTS_LOG__LEVEL": "INFO",
        # Every bench issue carries the same stories, so with events on they are
        # one piece of news and every alert after the first is rightly cancelled.
        # Above 1 nothing matches, but the events step still runs (and is timed).
        "NEWSALERTS_EVENTS__THRESHOLD": "2",
        **server.inbox_env(),
    }


@contextmanager
def service(mode: str, env: dict[str, str], workdir: Path, *,
            send: bool = True) -> Iterator[list[Process]]:
    """The service's processes, started as deployed; stopped with SIGTERM at the end."""
    tag = "send" if send else "nosend"
    if mode == "run":
        commands = [["run"] if send else ["run", "--no-send"]]
    else:
        commands = [["scheduler"]] + ([["worker"]] if send else [])
    processes = [spawn(command, env=env, log=workdir / f"{command[0]}-{tag}.log")
                 for command in commands]
    try:
        processes[0].wait_for_output("this scheduler is active", timeout=60)
        for worker in processes[1:]:
            worker.wait_for_output("sending", timeout=60)
        processes[0].wait_for_output("new message(s) after UID", timeout=30)  # its first poll
        yield processes
        for process in processes:
            process.stop()
    finally:
        kill_all(processes)


def peak_rss_mib(process: Process) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {process.pid}")


# --- 1. latency ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    to_stored: float
    to_first_alert: float  # from stored: the sender waking up, claiming, rendering the draft
    to_last_alert: float

    @property
    def total(self) -> float:
        return self.to_stored + self.to_last_alert


def delivered(sink: TimingHandler, count: int) -> bool:
    return sink.count() >= count


def latency_rounds(ctx: Context, server: ImapTestServer, sink: TimingHandler,
                   processes: list[Process], subscribers: int, rounds: int) -> list[Round]:
    results, pause = [], random.Random(5)
    for number in range(1, rounds + 1):
        awaited = sink.count() + subscribers
        server.deliver(issue_email(number))
        landed = time.time()
        wait_until(f"the alerts of issue {number}", partial(delivered, sink, awaited),
                   *processes, timeout=120, interval=0.005)
        first, last = sink.accepted[awaited - subscribers], sink.accepted[awaited - 1]
        stored = stored_at(ctx)[f"<test-issue-{number}@example.test>"]
        results.append(Round(stored - landed, first - stored, last - stored))
        print(f"  issue {number}: {results[-1].total:.2f} s (landing to stored "
              f"{results[-1].to_stored:.2f} s, stored to first alert "
              f"{results[-1].to_first_alert:.2f} s, to last alert "
              f"{results[-1].to_last_alert:.2f} s)")
        time.sleep(pause.uniform(0, PAUSE))  # not in step with anything the service does
    return results


# --- 2. throughput ------------------------------------------------------------------------


def stage_burst(server: ImapTestServer, first: int, count: int) -> None:
    """``count`` issues into a folder the service does not read."""
    server.create_folder(STAGING)
    for number in range(first, first + count):
        server.deliver(issue_email(number), STAGING)


def land_burst(server: ImapTestServer) -> float:
    """Move the staged issues into INBOX with one command; when that returned."""
    client = admin_client(server)
    try:
        client.select_folder(STAGING)
        uids = client.search("ALL")
        client.move(uids, "INBOX")
        landed = time.time()
    finally:
        client.logout()
    return landed


def burst(ctx: Context, server: ImapTestServer, processes: list[Process], first: int,
          count: int) -> tuple[float, float]:
    """(issues/s from first stored to last, issues/s from landing to last stored)."""
    wanted = {f"<test-issue-{n}@example.test>" for n in range(first, first + count)}
    landed = land_burst(server)
    wait_until(f"{count} issues stored", lambda: wanted <= set(stored_at(ctx)), *processes,
               timeout=600, interval=0.1)
    times = sorted(at for mid, at in stored_at(ctx).items() if mid in wanted)
    return (count - 1) / (times[-1] - times[0]), count / (times[-1] - landed)


# --- the driver ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--mode", choices=("run", "scaled"), default="run")
    parser.add_argument("--imap", choices=("dovecot", "pymap"), default="dovecot")
    args = parser.parse_args()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-pipe-")))
        server = stack.enter_context(imap_server(args.imap, workdir))
        sink, smtp_port = stack.enter_context(smtp_sink())
        database = make_database(args.mode, workdir)
        stack.callback(database.drop)
        ctx = open_context(load_settings(environ={"NEWSALERTS_DATABASE__URL": database.url}),
                           var_dir=workdir)
        stack.callback(ctx.close)
        add_subscribers(ctx, args.subscribers, workdir)
        stage_burst(server, args.rounds + 1, args.burst)
        env = service_env(database, server, smtp_port)
        report_header(args)

        with service(args.mode, env, workdir) as processes:
            rounds = latency_rounds(ctx, server, sink, processes, args.subscribers, args.rounds)
            latency_rss = [(p.name, peak_rss_mib(p)) for p in processes]
        with service(args.mode, env, workdir, send=False) as processes:
            rates = burst(ctx, server, processes, args.rounds + 1, args.burst)
            burst_rss = [(p.name, peak_rss_mib(p)) for p in processes]
        report(args, rounds, rates, latency_rss, burst_rss)


def report_header(args: argparse.Namespace) -> None:
    where = ("`newsalerts run` on SQLite" if args.mode == "run"
             else "`newsalerts scheduler` + `newsalerts worker` on PostgreSQL")
    print(f"{where}; IMAP {args.imap}, IDLE and a poll every {POLL_INTERVAL} s; "
          f"aiosmtpd sink; "
          f"{args.subscribers:,} subscribers on every theme (instant)")
    print(f"1. latency, {args.rounds} issues one at a time:")


def report(args: argparse.Namespace, rounds: list[Round], rates: tuple[float, float],
           latency_rss: list[tuple[str, float]], burst_rss: list[tuple[str, float]]) -> None:
    totals = [r.total for r in rounds]
    alert_rates = [(args.subscribers - 1) / (r.to_last_alert - r.to_first_alert) for r in rounds]
    print(f"   median {statistics.median(totals):.2f} s, worst {max(totals):.2f} s "
          f"(target < 2 s); median landing to stored "
          f"{statistics.median(r.to_stored for r in rounds):.2f} s (poll wait included), "
          f"stored to first alert {statistics.median(r.to_first_alert for r in rounds):.2f} s,"
          f" to last {statistics.median(r.to_last_alert for r in rounds):.2f} s "
          f"({statistics.median(alert_rates):,.0f} alerts/s)")
    print(f"2. throughput, {args.burst} issues landing at once (sending off, "
          f"{args.subscribers:,} deliveries matched per issue): {rates[0]:.1f} issues/s "
          f"from first stored to last; {rates[1]:.1f} issues/s from landing to last stored")
    print("3. peak RSS (VmHWM): after 1.: " + ", ".join(
        f"{name} {mib:.0f} MiB" for name, mib in latency_rss) + "; after 2.: " + ", ".join(
        f"{name} {mib:.0f} MiB" for name, mib in burst_rss) + " (target < 200 MB)")

if __name__ == "__main__":
    main()
