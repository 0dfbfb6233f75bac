"""`newsalerts scheduler`, `worker` and `status`: the operator's commands.

``scheduler`` and ``worker`` run until SIGTERM or Ctrl-C, finish the work in
hand and exit 0.  ``status`` prints what /healthz and /metrics know, for a
person (or ``--json`` for a script); it exits 1 when the database cannot be
reached.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from service.cli.glue import Command, context_opener
from service.domain import DeliveryStatus, PollOutcome
from service.errors import NewsalertsError
from service.ops.status import (
    JOBS,
    LEADER,
    STALE_AFTER_INTERVALS,
    JobState,
    Status,
    read_status,
    stale,
)


@click.command("scheduler", cls=Command)
@click.option("--send", is_flag=True,
              help="Also send due deliveries (when no `newsalerts worker` runs).")
def scheduler_command(send: bool) -> None:
    """Run the schedule: poll the inbox, weekly digests, retraining.

    Start as many as you like: one acts, the others wait and take over when it dies.
    """
    from service.ops.runner import run_scheduler

    run_scheduler(context_opener(), send=send)


@click.command("worker", cls=Command)
def worker_command() -> None:
    """Send due deliveries until stopped; run any number of workers on any machines."""
    from service.ops.runner import run_worker

    run_worker(context_opener())


@click.command("status", cls=Command)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def status_command(as_json: bool) -> None:
    """The service at a glance: database, last poll, queue, deliveries, model, jobs."""
    try:
        context = context_opener()()
    except NewsalertsError as exc:  # unreachable is a status too: said in the usual shape
        _print_unreachable(exc, as_json)
        sys.exit(1)
    try:
        figures = read_status(context)
    finally:
        context.close()
    click.echo(json.dumps(figures.as_dict(), indent=2) if as_json else describe(figures))
    if figures.health.database != "ok":
        sys.exit(1)


def _print_unreachable(error: NewsalertsError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"database": "error", "error": str(error)}))
    else:
        click.echo(f"database     error: {error}")


def describe(figures: Status) -> str:
    """The status as aligned lines for a terminal."""
    if figures.health.database != "ok":
        return "database     error: unreachable"
    now = figures.checked_at
    deliveries = figures.deliveries
    refused = {s: sum(n for (state, _), n in figures.refused.items() if state == s)
               for s in (PollOutcome.REJECTED, PollOutcome.FAILED)}
    poll, leader = figures.jobs.get("poll"), figures.jobs.get(LEADER)
    waited = (f"; the oldest due {_ago(figures.oldest_due_at, now)}"
              if figures.oldest_due_at is not None else "")
    lines = [
        "database     ok",
        f"last poll    {_job_line(poll, now)}"
        + _stale_note(stale(poll, now, figures.poll_interval), "no poll for"),
        f"queue        {figures.health.queue_depth} waiting ({figures.due_now} due now, "
        f"{figures.being_sent} being sent{_held_note(figures.held)}{waited})"
        + _retry_note(figures),
        f"deliveries   {deliveries.get(DeliveryStatus.SENT, 0)} sent, "
        f"{deliveries.get(DeliveryStatus.FAILED, 0)} failed, "
        f"{deliveries.get(DeliveryStatus.CANCELLED, 0)} cancelled",
        f"issues       {figures.issues} stored ({figures.stories} stories), "
        f"{refused[PollOutcome.REJECTED]} rejected, {refused[PollOutcome.FAILED]} failed",
        f"model        {figures.health.model_version or 'none yet'}",
        f"scheduler    {_leader_line(leader, now)}"
        + _stale_note(stale(leader, now, figures.leader_interval), "no heartbeat for"),
    ]
    lines += [f"job {name:<8} {_job_line(figures.jobs.get(name), now)}"
              for name in JOBS if name != "poll"]
    return "\n".join(lines)


def _retry_note(figures: Status) -> str:
    """Waiting emails that met a transient failure, and the server's newest such reply."""
    if not figures.retrying:
        return ""
    return f"; {figures.retrying} retrying after a failure, the last: {figures.retry_error}"


def _held_note(held: int) -> str:
    """Due, but behind a reader's email a worker holds (a killed one's, until its lease ends)."""
    return f", {held} behind a reader's email being sent" if held else ""


def _stale_note(is_stale: bool, what: str) -> str:
    """A dead scheduler shows here as /healthz shows it ("stale"), not as a time alone."""
    if not is_stale:
        return ""
    return f" (STALE: {what} {STALE_AFTER_INTERVALS} intervals; is its process running?)"


def _job_line(job: JobState | None, now: datetime) -> str:
    # (a run started and never ended said "never run": a scheduler killed during it)
    unfinished = (f"; last started {_ago(job.last_started_at, now)}, not finished (running, "
                  "or stopped during it)" if job is not None and job.unfinished else "")
    if job is None or (job.last_success_at is None and job.last_failure_at is None):
        return f"never finished{unfinished}" if unfinished else "never run"
    line = f"ok {_ago(job.last_success_at, now)}" if job.last_success_at else "never succeeded"
    if job.failing and job.last_failure_at is not None:
        since = job.failing_since or job.last_failure_at
        tries = (f", last try {_ago(job.last_failure_at, now)}"
                 if since < job.last_failure_at else "")
        line += f"; FAILING since {_ago(since, now)}{tries}: {job.last_error}"
    return line + unfinished


def _leader_line(job: JobState | None, now: datetime) -> str:
    if job is None or job.last_success_at is None:
        return "none has run yet"
    return f"{job.detail.get('holder', '?')}, last seen {_ago(job.last_success_at, now)}"


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago ({moment:%Y-%m-%d %H:%M:%S} UTC)"
    return f"{seconds} s ago ({moment:%Y-%m-%d %H:%M:%S} UTC)"


__all__ = ["describe", "scheduler_command", "status_command", "worker_command"]
