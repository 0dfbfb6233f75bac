"""The schedule: poll the inbox, send due deliveries, weekly digests, retraining.

Jobs live in APScheduler's job store in the service's own database (table
``scheduler_jobs``), so a restart keeps each job's next run: a digest due
while the scheduler was down runs once when it is back (coalesce, and no
misfire limit), never once per missed week.  No job overlaps itself
(max_instances=1).  Stored jobs name module-level functions of this module
(``service.ops.scheduler:poll_job``), which find what they need in the
process's ``Runtime``; a job that fails is logged and recorded in
``job_runs`` and runs again at its next time.

Besides its interval, the poll runs when the inbox watcher (IMAP IDLE,
service/ingest/fetch/watch.py) reports new mail: ``wake_poll``.  Mail reported while
a poll runs makes that poll go round again, since a run of its own would be
skipped as an overlap.  ``Runtime`` and the wakes are in service/ops/runtime.py
(re-exported here): this module is what the jobs do and how the schedule is
built and installed.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from service.context import Context
from service.db.database import transaction
from service.deliver.match import create_digest_deliveries, digest_week_due
from service.deliver.send import SendSummary, send_due
from service.errors import NewsalertsError
from service.ingest.pipeline import PollSummary, poll_configured_inbox
from service.ops import metrics, status
from service.ops.retraining import retrain_apart
from service.ops.runtime import (
    Runtime,
    after_poll,
    current_runtime,
    set_runtime,
    wake_poll,
    wake_send,
)

log = logging.getLogger(__name__)

JOB_TABLE = "scheduler_jobs"
JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
# Jobs run again at start when their last run never ended (``install_jobs``): the weekly
# digest, whose next run is a week away.  Poll and send run at start anyway; a retrain that
# took its whole process down (a cgroup's OOM kill) would only do it again at every start
# (the review of this rule): it waits for its interval, as before.
RERUN_UNFINISHED = frozenset({"digest"})


# --- the jobs (module-level: the job store refers to them by name) -------------------------


def poll_job() -> None:
    _guarded("poll", _poll)


def send_job() -> None:
    _guarded("send", _send)


def digest_job() -> None:
    _guarded("digest", _digest)


def retrain_job() -> None:
    _guarded("retrain", _retrain)


def _guarded(name: str, work: Callable[[Runtime], Mapping[str, Any]]) -> None:
    runtime = current_runtime()
    try:
        detail = status.run_recorded(runtime.ctx, name, lambda: work(runtime))
    except NewsalertsError as exc:
        # a server down, a wrong password: one line saying which (its traceback is no news
        # to an operator, and it came every few seconds while the SMTP server was down)
        metrics.JOB_RUNS.labels(job=name, outcome="failed").inc()
        log.warning("%s failed: %s; it runs again at its next time", name, exc)
        log.debug("%s failed", name, exc_info=True)
        return
    except Exception:
        metrics.JOB_RUNS.labels(job=name, outcome="failed").inc()
        log.exception("%s failed; it runs again at its next time", name)
        return
    metrics.JOB_RUNS.labels(job=name, outcome="ok").inc()
    # Polls and sends that found nothing happen every few seconds: not worth a line each.
    idle = name in ("poll", "send") and not any(
        value for value in detail.values() if isinstance(value, int))
    log.log(logging.DEBUG if idle else logging.INFO, "%s: %s", name, detail)


def _poll(runtime: Runtime) -> dict[str, Any]:
    """Poll the inbox, and again while new mail was reported during the poll before."""
    total = PollSummary()
    with runtime.poll_lock:
        # Cleared first: a poll that fails must not be woken again and again.
        runtime.polling, runtime.new_mail = True, False
    try:
        while True:
            tagger = runtime.current_tagger()
            summary = poll_configured_inbox(runtime.ctx, tagger,
                                            should_stop=runtime.stop.is_set)
            metrics.observe_poll(summary)
            if summary.deliveries and runtime.sends:
                wake_send(runtime)
            total.add(summary)
            with runtime.poll_lock:
                if not runtime.new_mail or runtime.stop.is_set():
                    runtime.polling = False
                    break
                runtime.new_mail = False
            log.info("poll: new mail arrived while polling; polling again")
    finally:
        with runtime.poll_lock:
            runtime.polling = False
    return poll_detail(total, tagger.version)


def poll_detail(summary: PollSummary, model_version: str) -> dict[str, Any]:
    """What a poll job keeps in ``job_runs``: its counts (not the refusals' list)."""
    counts = {k: v for k, v in summary.as_dict().items() if k != "refused"}
    return {**counts, "model_version": model_version}


def _send(runtime: Runtime) -> dict[str, Any]:
    return drain_due(runtime.ctx, runtime.worker_id, runtime.stop).as_dict()


def _digest(runtime: Runtime) -> dict[str, Any]:
    ctx = runtime.ctx
    zone = ZoneInfo(ctx.settings.digest.timezone)
    week = digest_week_due(ctx.now(), zone, ctx.settings.digest.day)
    with transaction(ctx.sessions) as session:
        created = create_digest_deliveries(session, week, zone, ctx.now())
    if created and runtime.sends:
        wake_send(runtime)
    return {"week": week, "created": created}


def _retrain(runtime: Runtime) -> dict[str, Any]:
    # In a child process: scikit-learn and the training's memory never stay in this one
    # (retraining.py says why)
    outcome = retrain_apart(runtime.ctx)
    runtime.reload_tagger = True  # a promoted model tags from the next poll on
    return {"outcome": outcome}


def drain_due(ctx: Context, worker_id: str, stop: threading.Event) -> SendSummary:
    """Send what is due until none is, or ``stop`` is set.

    A stop request lets each connection finish the email in hand; the rest
    of its claimed batch goes back to the queue, so no claim is left behind.
    """
    started = ctx.now()
    summary = send_due(ctx, worker_id=worker_id, should_stop=stop.is_set)
    metrics.observe_send(summary, metrics.send_latencies(ctx, worker_id, started))
    return summary


# --- building the schedule --------------------------------------------------------------


@dataclass(frozen=True)
class PlannedJob:
    func: Callable[[], None]
    trigger: IntervalTrigger | CronTrigger
    run_at_start: bool = False


def planned_jobs(runtime: Runtime) -> dict[str, PlannedJob]:
    """The jobs this process should have, from the settings in force."""
    settings = runtime.ctx.settings
    zone = ZoneInfo(settings.digest.timezone)
    jobs = {
        "poll": PlannedJob(poll_job, IntervalTrigger(
            seconds=settings.inbox.poll_interval, timezone=zone), run_at_start=True),
        "digest": PlannedJob(digest_job, CronTrigger(
            day_of_week=settings.digest.day, hour=settings.digest.hour,
            timezone=zone)),
    }
    if runtime.sends:
        jobs["send"] = PlannedJob(send_job, IntervalTrigger(
            seconds=settings.scheduler.send_interval, timezone=zone), run_at_start=True)
    if settings.models.retrain_after_labels > 0:
        jobs["retrain"] = PlannedJob(retrain_job, IntervalTrigger(
            seconds=settings.scheduler.retrain_interval, timezone=zone))
    return jobs


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    """Start the jobs of ``planned_jobs`` in a background thread, from the stored schedule."""
    set_runtime(runtime)
    zone = ZoneInfo(runtime.ctx.settings.digest.timezone)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.ctx.engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults=JOB_DEFAULTS, timezone=zone,
    )
    scheduler.start(paused=True)  # the store is open, no job runs yet
    install_jobs(scheduler, planned_jobs(runtime), runtime.ctx.now(),
                 status.unfinished_jobs(runtime.ctx) & RERUN_UNFINISHED)
    scheduler.add_listener(functools.partial(after_poll, runtime),
                           EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    runtime.scheduler = scheduler
    scheduler.resume()
    return scheduler


def install_jobs(scheduler: BackgroundScheduler, planned: Mapping[str, PlannedJob],
                 now: datetime, unfinished: Collection[str] = ()) -> None:
    """Bring the stored jobs in line with ``planned``, keeping each one's pending run.

    A stored next run earlier than the new trigger's first one is kept: it is
    a run missed while no scheduler ran (or the current rhythm), and it runs
    once on start.  So does a job in ``unfinished``, whose run started and never
    ended: APScheduler stores the next run when it starts one, so a scheduler
    killed during Monday's digest left next week's time, and the week went without
    a digest (the scale review).  Jobs no longer planned (sending switched off) are
    removed.
    """
    for job in scheduler.get_jobs():
        if job.id not in planned:
            log.info("removing the %s job: not planned in this process", job.id)
            job.remove()
    for job_id, plan in planned.items():
        first = (now if plan.run_at_start or job_id in unfinished
                 else plan.trigger.get_next_fire_time(None, now))
        stored = scheduler.get_job(job_id)
        if stored is not None and stored.next_run_time is not None:
            first = min(first, stored.next_run_time)
        scheduler.add_job(plan.func, plan.trigger, id=job_id, name=job_id,
                          replace_existing=True, next_run_time=first)
        log.debug("job %s: next run %s", job_id, first)


def stop_scheduler(scheduler: BackgroundScheduler) -> None:
    """Wait for running jobs to finish their item in hand (they watch the runtime's stop)."""
    if scheduler.running:
        scheduler.shutdown(wait=True)


__all__ = ["JOB_DEFAULTS", "PlannedJob", "Runtime", "drain_due", "install_jobs",
           "planned_jobs", "set_runtime", "start_scheduler", "stop_scheduler", "wake_poll"]
