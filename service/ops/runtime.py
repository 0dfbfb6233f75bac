"""What a process's scheduled jobs share, and the wakes that run a job before its time.

``Runtime`` is the state of one process's jobs: its context, its model, its
stop flag, its scheduler and inbox watcher, and whether a poll is running.
The jobs are module-level functions in service/ops/scheduler.py (the job
store refers to them by name), so they find it here through
``current_runtime``.

A wake brings a job's next run forward to now: ``wake_send`` when a poll or
a digest made deliveries, ``wake_poll`` when the inbox watcher (IMAP IDLE,
service/ingest/fetch/watch.py) reports new mail.  Mail reported while a poll
runs makes that poll go round again (service.ops.scheduler's ``_poll``), since
a run of its own would be skipped as an overlap; ``after_poll`` catches a wake
that came as a poll was ending.

Split from scheduler.py, which keeps what the jobs do and how the schedule is
built and installed; this module is the state they share and the
out-of-schedule runs, which the runner and the inbox watcher call too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from apscheduler.events import JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler

from service.context import Context
from service.ingest.fetch.watch import InboxWatcher
from service.ingest.pipeline import Tagger
from service.ops import metrics

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What the jobs of this process work with."""

    ctx: Context
    worker_id: str  # who claims deliveries: host:pid:role
    load_tagger: Callable[[], Tagger]
    sends: bool = True  # False: `run --no-send`, or a scheduler beside workers
    # The version the models folder names as active now (its ACTIVE file, read at each
    # poll): `models activate` or `rollback` while the service runs takes effect at the
    # next poll, where it waited for a restart (the PostgreSQL operator's review)
    active_version: Callable[[], str | None] | None = None
    # the version named active that would not load: not tried again at every poll (each try
    # hashes the file and logs a traceback) until the folder names another (the review)
    failed_version: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    tagger: Tagger | None = None
    reload_tagger: bool = False
    scheduler: BackgroundScheduler | None = None
    watcher: InboxWatcher | None = None  # IMAP IDLE, while this process leads
    # Whether a poll is running, and whether new mail was reported since it began;
    # both under poll_lock (the watcher's thread sets new_mail, the poll clears it).
    poll_lock: threading.Lock = field(default_factory=threading.Lock)
    polling: bool = False
    new_mail: bool = False

    def current_tagger(self) -> Tagger:
        """The loaded model; loaded on first use, again after a retrain, and again when the
        models folder names another version active."""
        if self.tagger is not None and not self.reload_tagger and self.active_version:
            try:
                named = self.active_version()
            except OSError as exc:  # an unreadable folder: keep tagging with what is loaded
                log.warning("could not read the active model's name: %s", exc)
                named = None
            if named is not None and named not in (self.tagger.version, self.failed_version):
                log.info("the models folder names %s active; loading it in place of %s",
                         named, self.tagger.version)
                self.reload_tagger, self.failed_version = True, named
        if self.tagger is None or self.reload_tagger:
            try:
                self.tagger = self.load_tagger()
                metrics.observe_model(self.tagger.version)
                self.failed_version = None
            except Exception:
                if self.tagger is None:
                    raise
                log.exception("could not load the new model; tagging with %s",
                              self.tagger.version)
            self.reload_tagger = False
        return self.tagger


_runtime: Runtime | None = None


def set_runtime(runtime: Runtime) -> None:
    """What this process's jobs work with (start_scheduler sets it)."""
    global _runtime
    _runtime = runtime


def current_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("no scheduler runtime in this process")
    return _runtime


# --- running a job now ---------------------------------------------------------------------


def wake_send(runtime: Runtime) -> None:
    """Send new deliveries now rather than at the send job's next time."""
    _run_now(runtime, "send")


def _run_now(runtime: Runtime, job_id: str) -> None:
    """Bring job ``job_id``'s next run forward to now, if this process schedules it."""
    scheduler = runtime.scheduler
    if scheduler is not None and scheduler.running and scheduler.get_job(job_id) is not None:
        scheduler.modify_job(job_id, next_run_time=runtime.ctx.now())


def wake_poll(runtime: Runtime) -> None:
    """Poll now: new mail has landed (the inbox watcher's callback).

    While a poll runs, it polls again when done instead: a run of the job
    now would be skipped as an overlap, and the mail would wait an interval.
    """
    with runtime.poll_lock:
        runtime.new_mail = True
        if runtime.polling:
            return
    _run_now(runtime, "poll")


def after_poll(runtime: Runtime, event: JobExecutionEvent) -> None:
    """Catch a wake that came as a poll was ending (a listener on the scheduler's jobs).

    Between ``_poll`` returning and APScheduler counting the run as finished,
    a wake finds no poll running, yet its run is skipped as an overlap.  This
    listener runs once the run is counted out: a wake left unserved by then
    gets its poll.
    """
    if event.job_id != "poll" or runtime.stop.is_set():
        return
    with runtime.poll_lock:
        unserved = runtime.new_mail and not runtime.polling
    if unserved:
        _run_now(runtime, "poll")


__all__ = ["Runtime", "after_poll", "current_runtime", "set_runtime", "wake_poll", "wake_send"]
