"""The processes for real: `python -m service scheduler|worker|run` in subprocesses.

One scheduler acts while a second waits and takes over when the first is
killed (PostgreSQL advisory lock); SIGTERM stops a worker between emails with
nothing sent twice; `run` polls, serves /healthz and /metrics, and stops
cleanly.  Processes log to files, not pipes, so a full pipe never stalls one.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from service.context import Context
from service.db.tables import Delivery
from service.deliver.send import send_due
from service.ops.status import LEADER, read_status
from tests.db import SECRET_KEY, owe_alerts
from tests.helpers import REPO, stopped_at_end
from tests.mail import issue_email
from tests.smtp_server import SmtpSink


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit status."""
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            pytest.fail(f"pid {self.pid} ignored SIGTERM; its log:\n{self.output()[-3000:]}")


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Start ``python -m service ARGS`` with the given NEWSALERTS_* environment."""
    count = itertools.count()

    def start(*args: str, env: dict[str, str]) -> Process:
        log = tmp_path / f"process-{next(count)}.log"
        with log.open("wb") as sink:
            popen = subprocess.Popen(
                [sys.executable, "-m", "service", *args], cwd=tmp_path, stdout=sink,
                stderr=subprocess.STDOUT,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO),
                     **env})
        return Process(popen, log)

    with stopped_at_end(start, kill) as started:
        yield started


def kill(process: Process) -> None:
    if process.popen.poll() is None:
        process.popen.kill()
        process.popen.wait(10)


def base_env(ctx: Context, tmp_path: Path, **extra: str) -> dict[str, str]:
    (tmp_path / "inbox").mkdir(exist_ok=True)
    return {
        "NEWSALERTS_DATABASE__URL": ctx.engine.url.render_as_string(hide_password=False),
        "NEWSALERTS_WEB__SECRET_KEY": SECRET_KEY,
        "NEWSALERTS_INBOX__DIR": str(tmp_path / "inbox"),
        "NEWSALERTS_SMTP__OUTBOX_DIR": str(tmp_path / "outbox"),
        "NEWSALERTS_SCHEDULER__LOCK_RETRY": "0.2",
        "NEWSALERTS_WORKER__IDLE_SLEEP": "0.2",
        "NEWSALERTS_LOG__LEVEL": "INFO",
        **extra,
    }


def wait_for(what: str, condition: Callable[[], bool], *processes: Process,
             timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            if process.popen.poll() is not None:
                pytest.fail(f"pid {process.pid} exited while waiting for {what}:\n"
                            f"{process.output()[-3000:]}")
        if time.monotonic() > deadline:
            logs = "\n---\n".join(p.output()[-2000:] for p in processes)
            pytest.fail(f"timed out waiting for {what}; logs:\n{logs}")
        time.sleep(0.05)


def active_scheduler(ctx: Context) -> str:
    leader = read_status(ctx).jobs.get(LEADER)
    return str(leader.detail.get("holder", "")) if leader else ""


# --- one active scheduler ------------------------------------------------------------------


@pytest.mark.postgres
def test_a_second_scheduler_waits_and_takes_over_when_the_first_is_killed(
    pg_context: Context, tmp_path: Path, spawn: Callable[..., Process],
) -> None:
    env = base_env(pg_context, tmp_path)
    first = spawn("scheduler", env=env)
    wait_for("the first scheduler to lead", lambda: f":{first.pid}:" in active_scheduler(
        pg_context), first)

    second = spawn("scheduler", env=env)
    wait_for("the second scheduler to wait", lambda: "waiting to take over" in second.output(),
             second)
    time.sleep(1.0)  # five of its tries at the lock
    assert f":{first.pid}:" in active_scheduler(pg_context), "only one scheduler may act"

    first.popen.kill()  # SIGKILL: no chance to let go of anything
    first.popen.wait(5)
    wait_for("the second scheduler to take over",
             lambda: f":{second.pid}:" in active_scheduler(pg_context), second, timeout=10)

    assert "takes over" in second.output()
    assert second.stop() == 0
    assert "scheduler stopped" in second.output()


# --- a worker stopped mid-batch ---------------------------------------------------------------


def deliveries_by_status(ctx: Context) -> dict[str, int]:
    with ctx.sessions() as session:
        rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: count for status, count in rows}


@pytest.mark.postgres
def test_sigterm_lets_a_worker_finish_the_email_in_hand_and_exit_0(
    pg_context: Context, tmp_path: Path, spawn: Callable[..., Process], smtp_sink: SmtpSink,
) -> None:
    owe_alerts(pg_context, 40)
    # 20 emails a second in claims of 5: SIGTERM lands in the middle of a batch.
    env = base_env(pg_context, tmp_path, **smtp_sink.env(rate_limit=20, batch_size=5))
    worker = spawn("worker", env=env)
    wait_for("the worker to send", lambda: len(smtp_sink.received) >= 7, worker)

    assert worker.stop() == 0
    sent_by_worker = len(smtp_sink.received)
    statuses = deliveries_by_status(pg_context)
    assert statuses.get("sending", 0) == 0, "a clean stop leaves no claim behind"
    assert statuses["sent"] == sent_by_worker, "every email accepted is marked sent"
    assert 7 <= sent_by_worker < 40, "the worker must stop early, not drain the queue"

    values = {**pg_context.settings.values,
              **{("smtp", key): value for key, value in smtp_sink.smtp_settings().items()}}
    finisher = replace(pg_context, settings=replace(pg_context.settings, values=values))
    send_due(finisher, worker_id="finisher", limit=None)  # another worker sends the rest
    received = Counter(smtp_sink.recipients())
    assert len(received) == 40 and set(received.values()) == {1}, "nobody gets an email twice"


# --- all in one -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http only)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def sample(metrics: bytes, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(metrics.decode()):
        for each in family.samples:
            if each.name == name and each.labels == labels:
                return float(each.value)
    return None


def test_run_polls_sends_serves_health_and_metrics_and_stops_on_sigterm(
    sqlite_context: Context, tmp_path: Path, spawn: Callable[..., Process],
) -> None:
    owe_alerts(sqlite_context, 1)
    port, metrics_port = free_port(), free_port()
    env = base_env(sqlite_context, tmp_path, NEWSALERTS_WEB__LISTEN=f"127.0.0.1:{port}",
                   NEWSALERTS_METRICS__PORT=str(metrics_port))
    (tmp_path / "inbox" / "issue.eml").write_bytes(issue_email(1))
    service = spawn("run", env=env)
    healthz = f"http://127.0.0.1:{port}/healthz"

    def polled() -> bool:
        status, body = get(healthz)
        return status == 200 and json.loads(body).get("poll") == "ok"

    wait_for("a poll", polled, service)
    wait_for("the alert", lambda: any((tmp_path / "outbox").glob("*.eml")), service)
    checks = json.loads(get(healthz)[1])
    assert get(f"http://127.0.0.1:{port}/metrics")[0] == 404  # not public on the web port
    status, metrics = get(f"http://127.0.0.1:{metrics_port}/metrics")

    assert checks["database"] == "ok" and checks["model_version"]
    assert status == 200
    assert sample(metrics, "newsalerts_issues_stored_total") == 1
    assert sample(metrics, "newsalerts_db_issues") == 2  # the owed alert's issue, and this one
    assert (sample(metrics, "newsalerts_deliveries_total", outcome="sent") or 0) >= 1
    assert service.stop() == 0
    assert get(healthz)[0] == 0, "the web app stops with the process"
