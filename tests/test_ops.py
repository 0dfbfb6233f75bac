"""Operations: /healthz, /metrics, `newsalerts status`, and the container files.

The health and metrics tests run the web app on SQLite and on PostgreSQL.
No Docker engine runs here, so the Dockerfile and compose.yaml are held to
the code instead: every COPY source exists, the image's build step (the same
package build) runs, the built package runs from the image's layout, and
every command, route, port and NEWSALERTS_* variable they name is real.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask import Flask
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from service.cli.main import main
from service.cli.ops import status_command
from service.config import ENV_PREFIX, SETTINGS, load_settings
from service.context import Context, open_context
from service.db.database import make_engine, session_factory, transaction
from service.db.tables import Delivery, RefusedMessage
from service.deliver.match import create_instant_deliveries
from service.deliver.send import SendSummary
from service.errors import InboxError
from service.ingest.pipeline import Tagger
from service.ops import metrics, status
from service.ops.runner import poll_inbox, send_round
from service.subscribers.registry import add_subscriber
from service.web import create_app
from tests.browser import with_settings
from tests.db import FIXED_NOW, make_issue
from tests.helpers import REPO


def owe_alerts_and_a_refusal(ctx: Context, readers: int) -> None:
    """``readers`` instant alerts for one two-story issue; one refused message."""
    with transaction(ctx.sessions) as session:
        for n in range(readers):
            add_subscriber(session, f"reader{n}@example.test", ["safety"], "instant",
                           confirmed=True, now=FIXED_NOW)
        issue = make_issue(session, [{"safety": 0.9}, {"policy": 0.8}], model_version="m-7")
        create_instant_deliveries(session, issue.id, FIXED_NOW)
        session.add(RefusedMessage(dedupe_key="<spoof@evil.test>", status="rejected",
                                   code="untrusted-sender", reason="not a listed sender",
                                   origin="test", size=10, raw=b"", received_at=FIXED_NOW))


def later(ctx: Context, seconds: float) -> Context:
    return replace(ctx, now=lambda: FIXED_NOW + timedelta(seconds=seconds))


# --- /healthz ------------------------------------------------------------------------------


def test_healthz_reports_database_poll_queue_and_model(context: Context) -> None:
    owe_alerts_and_a_refusal(context, 2)
    status.record_success(context, "poll", {"stored": 1, "model_version": "m-8"})

    response = create_app(later(context, 60)).test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {
        "database": "ok", "poll": "ok", "last_poll": FIXED_NOW.isoformat(),
        "queue_depth": 2, "model_version": "m-8",
    }


def test_healthz_tells_a_stale_or_failing_poll_but_stays_200(sqlite_context: Context) -> None:
    client = create_app(sqlite_context).test_client()
    assert client.get("/healthz").get_json()["poll"] == "never"

    status.record_success(sqlite_context, "poll", {})
    stale = later(sqlite_context, 3 * 300 + 1)  # three [inbox] poll_intervals overdue
    assert create_app(stale).test_client().get("/healthz").get_json()["poll"] == "stale"

    status.record_failure(later(sqlite_context, 5), "poll", OSError("inbox unreachable"))
    response = create_app(later(sqlite_context, 6)).test_client().get("/healthz")
    assert (response.status_code, response.get_json()["poll"]) == (200, "failing")


def test_a_poll_from_the_command_line_is_the_last_poll_healthz_and_status_show(
        sqlite_context: Context, tagger: Tagger, tmp_path: Path) -> None:
    """`newsalerts poll` run from cron, with no scheduler: its polls are the service's."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "examples" / "sample-issue.eml", inbox)
    ctx = later(with_settings(sqlite_context, inbox__dir=str(inbox)), 10)

    assert poll_inbox(ctx, tagger).stories == 5

    health = create_app(later(ctx, 60)).test_client().get("/healthz").get_json()
    assert (health["poll"], health["last_poll"]) == ("ok", ctx.now().isoformat())
    detail = status.read_status(ctx).jobs["poll"].detail
    assert (detail["stored"], detail["stories"], detail["model_version"]) == (
        1, 5, tagger.version)

    shutil.rmtree(inbox)
    inbox.write_text("not a folder")  # the next poll cannot read its inbox
    with pytest.raises(InboxError):
        poll_inbox(later(ctx, 120), tagger)
    health = create_app(later(ctx, 180)).test_client().get("/healthz").get_json()
    assert health["poll"] == "failing"


def test_a_workers_sending_is_the_send_job_status_shows(
        sqlite_context: Context, tmp_path: Path) -> None:
    """Scaled out, no scheduler runs the send job: the workers' rounds are the service's."""
    owe_alerts_and_a_refusal(sqlite_context, 2)
    ctx = later(with_settings(sqlite_context, smtp__host="", smtp__outbox_dir=str(tmp_path)), 30)

    assert send_round(ctx, "box:7:worker", threading.Event()) == SendSummary(sent=2)
    assert send_round(later(ctx, 60), "box:7:worker", threading.Event()) == SendSummary()

    job = status.read_status(later(ctx, 90)).jobs["send"]
    assert job.detail == {**SendSummary(sent=2).as_dict(), "holder": "box:7:worker"}
    assert job.last_success_at == ctx.now(), "an idle round records nothing"


def test_healthz_is_503_when_the_database_is_unreachable(sqlite_context: Context) -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    broken = Context(sqlite_context.settings, engine, session_factory(engine),
                     sqlite_context.var_dir)
    try:
        response = create_app(broken).test_client().get("/healthz")
    finally:
        broken.close()
    assert (response.status_code, response.get_json()) == (503, {"database": "error"})


def test_a_failure_is_recorded_without_secrets(sqlite_context: Context) -> None:
    values = {**sqlite_context.settings.values, ("smtp", "password"): "hunter2-very-secret"}
    ctx = replace(sqlite_context, settings=replace(sqlite_context.settings, values=values))
    status.record_failure(ctx, "send", OSError("AUTH hunter2-very-secret refused"))

    error = status.read_status(ctx).jobs["send"].last_error
    assert error == "OSError: AUTH ******** refused"


# --- /metrics ------------------------------------------------------------------------------


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def process_sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_show_the_database_and_this_process(context: Context) -> None:
    owe_alerts_and_a_refusal(context, 3)
    status.record_success(context, "poll", {"model_version": "m-8"})
    sent_before = process_sample("newsalerts_deliveries_total", outcome="sent")
    latency_before = process_sample("newsalerts_send_latency_seconds_count")
    metrics.observe_send(SendSummary(sent=2, failed=1), [0.3, 1.5])

    app = create_app(with_settings(context, metrics__token="scrape"))
    response = app.test_client().get("/metrics", headers={"Authorization": "Bearer scrape"})
    found = samples(response.get_data(as_text=True))

    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert found[("newsalerts_database_up", frozenset())] == 1
    assert found[("newsalerts_db_issues", frozenset())] == 1
    assert found[("newsalerts_db_stories", frozenset())] == 2
    assert found[("newsalerts_db_deliveries", frozenset({("status", "pending")}))] == 3
    assert found[("newsalerts_queue_depth", frozenset())] == 3
    assert found[("newsalerts_db_refused_messages",
                  frozenset({("status", "rejected"), ("code", "untrusted-sender")}))] == 1
    assert found[("newsalerts_model_info", frozenset({("version", "m-8")}))] == 1
    assert found[("newsalerts_last_poll_success_timestamp_seconds", frozenset())] == (
        FIXED_NOW.timestamp())
    assert found[("newsalerts_deliveries_total", frozenset({("outcome", "sent")}))] == (
        sent_before + 2)
    assert found[("newsalerts_send_latency_seconds_count", frozenset())] == latency_before + 2


# --- newsalerts status ---------------------------------------------------------------------


def run_status(ctx: Context, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(status_command, list(args), obj={"context": lambda: ctx})
    return result.exit_code, result.output


def test_status_prints_the_same_figures(sqlite_context: Context) -> None:
    owe_alerts_and_a_refusal(sqlite_context, 2)
    status.record_success(sqlite_context, "poll", {"model_version": "m-8"})
    status.record_success(sqlite_context, status.LEADER, {"holder": "box:42:scheduler"})
    status.record_failure(sqlite_context, "digest", OSError("disk full"))

    code, text = run_status(later(sqlite_context, 125))

    assert code == 0
    lines = dict(line.split(None, 1) for line in text.splitlines() if not line.startswith("job"))
    assert lines["database"] == "ok"
    assert lines["last"] == "poll    ok 2 min ago (2024-05-15 12:00:00 UTC)"
    assert lines["queue"] == ("2 waiting (2 due now, 0 being sent; the oldest due 2 min ago "
                              "(2024-05-15 12:00:00 UTC))")
    assert lines["issues"] == "1 stored (2 stories), 1 rejected, 0 failed"
    assert lines["model"] == "m-8"
    assert lines["scheduler"].startswith("box:42:scheduler, last seen 2 min ago")
    assert "job digest   never succeeded; FAILING since 2 min ago" in text
    assert "OSError: disk full" in text


def test_status_says_when_a_run_of_failures_began(sqlite_context: Context) -> None:
    """A poll failing for hours read "FAILING since 12 s ago", its latest failure (an
    operator's probe); a success ends the run, and the next failure starts another."""
    status.record_success(sqlite_context, "poll", {"model_version": "m-8"})
    for seconds in (60, 600, 1800):
        status.record_failure(later(sqlite_context, seconds), "poll", OSError("refused"))
    _, text = run_status(later(sqlite_context, 1810))
    assert ("FAILING since 29 min ago (2024-05-15 12:01:00 UTC), last try 10 s ago "
            "(2024-05-15 12:30:00 UTC): OSError: refused") in text
    status.record_failure(later(sqlite_context, 1800), "send", OSError(
        "connection refused\n(Background on this error at: https://sqlalche.me/e/20/e3q8)"))
    _, text = run_status(later(sqlite_context, 1810))
    assert "job send     never succeeded; FAILING since 10 s ago" in text
    assert "OSError: connection refused\n" in text and "Background" not in text
    status.record_success(later(sqlite_context, 1900), "poll", {"model_version": "m-8"})
    status.record_failure(later(sqlite_context, 1960), "poll", OSError("refused"))
    _, text = run_status(later(sqlite_context, 1970))
    assert "FAILING since 10 s ago (2024-05-15 12:32:40 UTC): OSError: refused" in text


def test_a_failure_after_another_process_s_success_starts_a_new_run(context: Context) -> None:
    """The review of the first version, which read the row, then wrote it: a success another
    process recorded between the two was overwritten, and its detail lost."""
    status.record_success(context, "send", {"sent": 1})
    status.record_failure(later(context, 60), "send", OSError("refused"))
    status.record_success(later(context, 3599), "send", {"sent": 9})  # another worker
    status.record_failure(later(context, 3600), "send", OSError("refused"))
    job = status.read_status(later(context, 3610)).jobs["send"]
    assert job.failing_since == FIXED_NOW + timedelta(seconds=3600)
    assert dict(job.detail) == {"sent": 9}


def test_status_counts_a_dead_worker_s_claims_as_due_and_marks_a_dead_scheduler_stale(
        context: Context) -> None:
    """All workers killed mid-send: `status` said "4 being sent" and nothing of a scheduler
    silent for minutes, where /healthz said "stale" (the PostgreSQL operator's review)."""
    owe_alerts_and_a_refusal(context, 3)
    with transaction(context.sessions) as session:
        session.execute(update(Delivery).values(
            status="sending", claimed_by="box:7:worker",
            lease_until=FIXED_NOW + timedelta(seconds=40)))
    status.record_success(context, "poll", {"model_version": "m-8"})
    status.record_success(context, status.LEADER, {"holder": "box:42:scheduler"})
    interval = context.settings.inbox.poll_interval
    alive = dict(line.split(None, 1) for line in run_status(later(context, 10))[1].splitlines()
                 if not line.startswith("job"))
    assert alive["queue"].startswith("3 waiting (0 due now, 3 being sent")
    assert "STALE" not in alive["last"] and "STALE" not in alive["scheduler"]
    code, text = run_status(later(context, 4 * interval))
    dead = dict(line.split(None, 1) for line in text.splitlines() if not line.startswith("job"))
    assert code == 0 and dead["queue"].startswith("3 waiting (3 due now, 0 being sent; the "
                                                  "oldest due")
    assert "(STALE: no poll for 3 intervals" in dead["last"]
    assert "(STALE: no heartbeat for 3 intervals" in dead["scheduler"]
    figures = json.loads(run_status(later(context, 4 * interval), "--json")[1])
    assert figures["due_now"] == 3 and figures["oldest_due_at"].startswith("2024-05-15T12:00")


def test_a_poll_failing_every_round_is_failing_not_stale(sqlite_context: Context) -> None:
    """An operator's review: a process alive and failing every 5 s (a corrupt model) was
    shown "STALE … is its process running?", which sent the operator after a dead process."""
    status.record_success(sqlite_context, "poll", {"model_version": "m-8"})
    interval = sqlite_context.settings.inbox.poll_interval
    failing = later(sqlite_context, 10 * interval)
    status.record_failure(failing, "poll", RuntimeError("model file does not match its card"))

    soon = later(sqlite_context, 10 * interval + 1)
    line = next(line for line in run_status(soon)[1].splitlines() if line.startswith("last poll"))
    assert "FAILING" in line and "STALE" not in line
    assert create_app(soon).test_client().get("/healthz").get_json()["poll"] == "failing"
    gone = next(line for line in run_status(later(sqlite_context, 14 * interval + 1))[1]
                .splitlines() if line.startswith("last poll"))
    assert "(STALE: no poll for 3 intervals" in gone  # and then it stopped trying


def test_status_counts_a_reader_s_next_email_behind_a_live_lease_apart(
        context: Context) -> None:
    """A worker killed mid-send holds its reader's next email back until its lease runs out:
    `status` said that one was "due now", though no worker could take it (stop 33's review)."""
    owe_alerts_and_a_refusal(context, 1)
    with transaction(context.sessions) as session:
        session.execute(update(Delivery).values(
            status="sending", claimed_by="box:7:worker",
            lease_until=FIXED_NOW + timedelta(seconds=40)))
        issue = make_issue(session, [{"safety": 0.95}], model_version="m-7")
        create_instant_deliveries(session, issue.id, FIXED_NOW)
    held = dict(line.split(None, 1) for line in run_status(later(context, 10))[1].splitlines()
                if not line.startswith("job"))
    assert held["queue"].startswith(
        "2 waiting (0 due now, 1 being sent, 1 behind a reader's email being sent")
    figures = json.loads(run_status(later(context, 10), "--json")[1])
    assert (figures["due_now"], figures["held_behind_a_lease"]) == (0, 1)
    assert figures["oldest_due_at"] is None
    free = json.loads(run_status(later(context, 60), "--json")[1])  # the lease ran out
    assert (free["due_now"], free["being_sent"], free["held_behind_a_lease"]) == (2, 0, 0)


def test_status_says_how_many_emails_wait_on_a_retry_and_the_servers_last_reply(
        context: Context) -> None:
    """Every email met 451: `status` said "3 waiting" and nothing else (the scale review)."""
    owe_alerts_and_a_refusal(context, 3)
    with transaction(context.sessions) as session:
        session.execute(update(Delivery).values(
            attempts=1, due_at=FIXED_NOW + timedelta(seconds=60),
            last_error="451 4.3.0 Mailbox busy, try again later"))
    lines = dict(line.split(None, 1) for line in run_status(later(context, 10))[1].splitlines()
                 if not line.startswith("job"))
    assert lines["queue"].endswith(
        "; 3 retrying after a failure, the last: 451 4.3.0 Mailbox busy, try again later")
    figures = json.loads(run_status(later(context, 10), "--json")[1])
    assert (figures["retrying"], figures["retry_error"]) == (
        3, "451 4.3.0 Mailbox busy, try again later")


def test_status_json_and_an_unreachable_database(sqlite_context: Context) -> None:
    owe_alerts_and_a_refusal(sqlite_context, 1)
    code, text = run_status(sqlite_context, "--json")
    figures = json.loads(text)
    assert code == 0
    assert (figures["queue_depth"], figures["issues"], figures["stories"]) == (1, 1, 2)
    assert figures["deliveries"] == {"pending": 1}

    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    broken = Context(sqlite_context.settings, engine, session_factory(engine))
    try:
        code, text = run_status(broken, "--json")
    finally:
        broken.close()
    assert (code, json.loads(text)["database"]) == (1, "error")


# --- the container files ------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in dockerfile():
        if instruction == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def cli_commands() -> set[str]:
    return set(main.list_commands(click.Context(main)))


def known_variable(name: str) -> bool:
    return name in {s.env_name for s in SETTINGS} | {
        f"{ENV_PREFIX}CONFIG", f"{ENV_PREFIX}SOURCES", f"{ENV_PREFIX}TEMPLATES"}


def test_the_dockerfile_names_only_real_files_commands_and_routes() -> None:
    steps = dockerfile()
    stages = [args for instruction, args in steps if instruction == "FROM"]
    assert len(stages) == 2 and all(s.startswith("python:3.11-slim") for s in stages)
    for instruction, args in steps:
        if instruction == "COPY" and not args.startswith("--from"):
            for source in args.split()[:-1]:
                assert (REPO / source).exists(), f"COPY {source}: not in the repository"
    assert ("USER", "newsalerts") in steps, "the image must not run as root"
    assert ("VOLUME", '["/app/var"]') in steps

    cmd = json.loads(next(args for instruction, args in steps if instruction == "CMD"))
    assert cmd[0] == "newsalerts" and cmd[1] in cli_commands()
    probe = next(args for instruction, args in steps if instruction == "HEALTHCHECK")
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\w+)", probe)
    assert url is not None
    env = image_env()
    assert env["NEWSALERTS_WEB__LISTEN"].endswith(f":{url.group(1)}")
    routes = {rule.rule for rule in create_app_for_routes().url_map.iter_rules()}
    assert url.group(2) in routes
    assert all(known_variable(n) for n in env if n.startswith(ENV_PREFIX)), env


def create_app_for_routes() -> Flask:
    settings = load_settings(environ={"NEWSALERTS_DATABASE__URL": "sqlite://",
                                      "NEWSALERTS_WEB__SECRET_KEY": "routes-only"})
    return create_app(open_context(settings, migrate=False))


def test_compose_runs_postgres_one_scheduler_two_workers_and_the_web_app() -> None:
    text = (REPO / "compose.yaml").read_text()
    commands = re.findall(r'command: \["newsalerts", "(\w+)"', text)
    assert sorted(commands) == ["migrate", "scheduler", "web", "worker"]
    assert set(commands) <= cli_commands()
    assert re.search(r"worker:\n(?:    .*\n)*?    deploy:\n      replicas: 2\n", text)
    assert "image: postgres:" in text and text.count("build: .") == 2
    assert "NEWSALERTS_DATABASE__URL: postgresql+psycopg://" in text
    variables = set(re.findall(r"^\s+(NEWSALERTS_\w+):", text, re.MULTILINE))
    unknown = {name for name in variables if not known_variable(name)}
    assert not unknown, f"compose.yaml sets variables no setting reads: {unknown}"


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The image's build step: the package built from exactly what the build stage copies."""
    source = tmp_path_factory.mktemp("image-src")
    build = next(i for i, (ins, args) in enumerate(dockerfile()) if ins == "FROM")
    for instruction, args in dockerfile()[build + 1:]:
        if instruction == "FROM":
            break
        if instruction == "COPY":
            for name in args.split()[:-1]:
                copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
                copy(REPO / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "--disable-pip-version-check", "-w", str(dist), "."],
                   cwd=source, check=True, capture_output=True, timeout=300)
    return next(dist.glob("newsalerts-*.whl"))


def final_stage() -> tuple[str, list[tuple[str, str]]]:
    """The runtime stage's WORKDIR, and its COPY (source, destination) pairs from the repo."""
    steps = dockerfile()
    last = max(i for i, (instruction, _) in enumerate(steps) if instruction == "FROM")
    workdir, copies = "/", []
    for instruction, args in steps[last + 1:]:
        if instruction == "WORKDIR":
            workdir = args
        elif instruction == "COPY" and not args.startswith("--from"):
            source, destination = args.split()
            copies.append((source, str(Path(workdir) / destination)))
    return workdir, copies


def test_the_built_package_runs_from_the_image_layout(built_wheel: Path, tmp_path: Path) -> None:
    site, app = tmp_path / "site", tmp_path / "app"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                    "--disable-pip-version-check", "--target", str(site), str(built_wheel)],
                   check=True, capture_output=True, timeout=120)
    workdir, copies = final_stage()
    app.mkdir()
    for source, destination in copies:
        (app / Path(destination).relative_to(workdir)).symlink_to(REPO / source)
    # The image's own variables, its paths moved from WORKDIR to the stand-in folder.
    env = {name: value.replace(workdir, str(app)) for name, value in image_env().items()}
    env.update(PATH="/usr/bin:/bin", PYTHONPATH=str(site),
               NEWSALERTS_DATABASE__URL=f"sqlite:///{app}/var/newsalerts.db")

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=app, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    located = run("-c", "import service, service.deliver.render as r; "
                        "print(service.__file__); print(r.templates_dir())").split()
    assert located[0].startswith(str(site)), "the installed package, not the checkout"
    assert (Path(located[1]) / "email").is_dir(), "the image must find its templates"
    assert "database migrated from schema revision none to" in run("-m", "service", "migrate")
    assert json.loads(run("-m", "service", "status", "--json"))["database"] == "ok"
    # Its models folder is on the volume, empty at first: the shipped model tags until the
    # scheduler trains a version there (the image's own models/ is not the service's to write).
    assert env["NEWSALERTS_MODELS__DIR"].startswith(f"{app}/var/")
    assert "shipped default" in run("-m", "service", "models", "list")
    run("-m", "service", "sample")
    assert "5 stories" in run("-m", "service", "poll")


def test_postgresql_connections_name_the_process_that_holds_them(pg_context: Context) -> None:
    # An operator reading pg_stat_activity (and the crash test) can tell whose connection it is.
    with pg_context.engine.connect() as connection:
        name = connection.exec_driver_sql("SHOW application_name").scalar()
    assert name == f"newsalerts pid {os.getpid()}"


def test_service_processes_cap_malloc_arenas_unless_the_environment_does() -> None:
    script = "from service.ops.process import limit_malloc_arenas; print(limit_malloc_arenas())"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO)}

    def applied(extra: dict[str, str]) -> str:
        return subprocess.run([sys.executable, "-c", script], env={**env, **extra},
                              capture_output=True, text=True, check=True).stdout.strip()

    assert applied({}) == "True"  # this is glibc on Linux: mallopt took the cap
    assert applied({"MALLOC_ARENA_MAX": "4"}) == "False"  # the operator's setting stands


def test_the_worker_s_backoff_stops_at_its_cap_however_long_the_outage() -> None:
    from service.ops.runner import MAX_BACKOFF_SECONDS, _backoff

    assert _backoff(0.5, 1) == 1.0
    assert _backoff(0.5, 5_000) == MAX_BACKOFF_SECONDS  # 2.0 ** 1024 overflowed


def test_a_loaded_model_settles_the_heap_and_a_later_settle_frees_what_it_froze(
        tmp_path: Path) -> None:
    # In a process of its own: freezing is process-wide, and this test process's own
    # garbage should not be frozen for the rest of the run.
    script = """
import gc, weakref
from service.config import load_settings
from service.ops.process import settle_heap
from service.ops.runner import load_classifier

class Node:
    pass

node = Node()
node.me = node  # a cycle: only the collector frees it
gone = weakref.ref(node)
tagger = load_classifier(load_settings(environ={}))
frozen = gc.get_freeze_count()
del node  # garbage now, but frozen with the model: a plain collection leaves it
gc.collect()
still_there = gone() is not None
settle_heap()  # the next model's load: what the last one froze is collected first
print(frozen > 10_000, still_there, gone() is None, gc.get_freeze_count() > 10_000)
"""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO),
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True"]


class _Collect(logging.Handler):
    """Records of one logger, and an event set once ``enough`` of them say ``marker``."""

    def __init__(self, marker: str, enough: int) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.marker, self.enough, self.seen = marker, enough, threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if sum(self.marker in r.getMessage() for r in self.records) >= self.enough:
            self.seen.set()


def test_a_worker_whose_database_is_down_says_so_in_one_line_a_round(tmp_path: Path) -> None:
    """An operator's review: with PostgreSQL unreachable, every round logged a chained
    traceback (636 lines in 30 s) and its "sending failed" never said why."""
    from service.ops.runner import work
    from tests.db import make_context

    ctx = make_context("postgresql+psycopg://postgres@127.0.0.1:1/test", tmp_path)
    values = {**ctx.settings.values, ("worker", "idle_sleep"): 0.01}
    ctx = replace(ctx, settings=replace(ctx.settings, values=values))
    collect, logger = _Collect("sending failed", 3), logging.getLogger("service.ops.runner")
    logger.addHandler(collect)
    old_level, stop = logger.level, threading.Event()
    logger.setLevel(logging.INFO)
    worker = threading.Thread(target=work, args=(ctx, "w1", stop))
    worker.start()
    try:
        assert collect.seen.wait(30), [r.getMessage() for r in collect.records]
    finally:
        stop.set()
        worker.join(30)
        logger.removeHandler(collect)
        logger.setLevel(old_level)
        ctx.close()
    failed = [r for r in collect.records if "sending failed" in r.getMessage()]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in failed)
    assert "database error: OperationalError: connection failed" in failed[0].getMessage()
