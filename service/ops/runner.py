"""Processes: what `newsalerts poll`, `run`, `scheduler` and `worker` set in motion.

- ``run``: the embedded default, one process: the schedule (poll, send,
  digests, retraining) and the web app in a thread.
- ``scheduler``: the schedule alone (sending only when asked), for scaled-out
  deployments; only one of them acts at a time (service/ops/leader.py).
- ``worker``: sends due deliveries in a loop; run any number on any machines.

SIGTERM or Ctrl-C sets one stop flag: a poll finishes the message in hand, a
sender the batch in hand, then the process exits with status 0.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from service.classify import model_store
from service.classify.model_store import models_dir
from service.config import Settings, tls_context
from service.context import Context
from service.db.database import describe
from service.deliver.send import SendSummary
from service.deliver.wakeup import DeliveryListener
from service.errors import ConfigError, NewsalertsError
from service.ingest.fetch.watch import watch_inbox
from service.ingest.pipeline import PollSummary, Tagger, poll_configured_inbox
from service.ingest.rules import configured_rules
from service.ingest.trust import weak_trust
from service.ops import metrics, status
from service.ops.deployment import check_signing_key, describe_process, signing_key_agrees
from service.ops.leader import leader_lock, wait_for_leadership
from service.ops.process import limit_malloc_arenas, process_id, settle_heap, stop_on_signals
from service.ops.scheduler import (
    Runtime,
    drain_due,
    poll_detail,
    start_scheduler,
    stop_scheduler,
    wake_poll,
)

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 15.0


def active_model_version(settings: Settings) -> str | None:
    """The version the configured models folder names active (or the shipped one's)."""
    folder = models_dir(settings)
    return model_store.active_version(folder) or model_store.shipped_in_use(folder)


def load_classifier(settings: Settings) -> Tagger:
    """The active model, loaded for a long-running process's tagging: the heap it
    joins is then settled (``process.settle_heap``)."""
    from service.classify.model import Classifier

    classifier = Classifier.load(models_dir(settings))
    settle_heap()
    return classifier


def check_files(settings: Settings, *, polls: bool = True, sends: bool) -> None:
    """Read the files the settings name once at the start: a bad ``[segment] rules_dir``
    or ``[inbox]``/``[smtp] ca_file`` stops a long-running process with one error line, where every
    poll failed with a warning, or every send was retried, while it ran on (an operator's
    review; `poll`, `segment` and `send` said it at once)."""
    if polls:  # (a worker segments nothing: its machine may have no rules folder)
        configured_rules(settings)
        if settings.inbox.host and (settings.inbox.ssl or settings.inbox.starttls):
            tls_context(settings.inbox.ca_file, "inbox")
    if sends and settings.smtp.host and (settings.smtp.ssl or settings.smtp.starttls):
        tls_context(settings.smtp.ca_file, "smtp")


def poll_inbox(ctx: Context, classifier: Tagger | None = None) -> PollSummary:
    """One poll (`newsalerts poll`), recorded as the scheduler's poll job is: /healthz and
    `status` then show the last poll of a service polled from cron as well."""
    polled: list[PollSummary] = []
    warn_of_weak_trust(ctx.settings)  # (`newsalerts poll` from cron: as `run` says it at start)

    def poll() -> dict[str, Any]:
        tagger = classifier or load_classifier(ctx.settings)
        polled.append(poll_configured_inbox(ctx, tagger))
        return poll_detail(polled[0], tagger.version)

    status.run_recorded(ctx, "poll", poll)
    return polled[0]


# --- the processes ----------------------------------------------------------------------


def run_all(open_context: Callable[[], Context], *, no_send: bool = False) -> None:
    """The all-in-one service: schedule and web app, until SIGTERM or SIGINT."""
    from service.web import serve_in_thread

    limit_malloc_arenas()
    ctx = open_context()
    settings = ctx.settings
    try:
        check_files(settings, sends=not no_send)
        started(ctx, process_id("run"))
        with stop_on_signals() as stop:
            server = serve_in_thread(ctx)
            metrics.serve_process_metrics(settings, ctx)
            log.info("newsalerts running: inbox %s, sending %s",
                     settings.inbox.host or settings.inbox.dir, "off" if no_send else "on")
            try:
                lead(Runtime(ctx, process_id("run"), lambda: load_classifier(settings),
                             sends=not no_send, stop=stop,
                             active_version=lambda: active_model_version(settings)))
            finally:
                server.stop()
    finally:
        ctx.close()


def run_scheduler(open_context: Callable[[], Context], *, send: bool = False) -> None:
    """The schedule alone: polls, digests, retraining (and sending with ``send``)."""
    limit_malloc_arenas()
    ctx = open_context()
    settings = ctx.settings
    try:
        check_files(settings, sends=send)
        started(ctx, process_id("scheduler"))
        with stop_on_signals() as stop:
            metrics.serve_process_metrics(settings)
            lead(Runtime(ctx, process_id("scheduler"), lambda: load_classifier(settings),
                         sends=send, stop=stop,
                         active_version=lambda: active_model_version(settings)))
    finally:
        ctx.close()


def lead(runtime: Runtime) -> None:
    """Run the schedule whenever this process holds the scheduler lock, until stopped.

    The IMAP IDLE watcher runs beside it (with [inbox] host and idle), waking
    the poll when mail lands: only where the poll job runs.
    """
    ctx, stop = runtime.ctx, runtime.stop
    retry = ctx.settings.scheduler.lock_retry
    lock = leader_lock(ctx)
    try:
        while wait_for_leadership(lock, stop, retry):
            log.info("this scheduler is active (%s, %s)", runtime.worker_id, lock.description)
            scheduler = start_scheduler(runtime)
            try:
                runtime.watcher = watch_inbox(ctx.settings, lambda: wake_poll(runtime))
                while lock.still_held() and not stop.is_set():
                    _heartbeat(runtime)
                    stop.wait(retry)
            finally:
                watcher, runtime.watcher = runtime.watcher, None
                if watcher is not None:
                    watcher.stop()
                stop_scheduler(scheduler)
            if not stop.is_set():
                log.error("scheduler lock lost: jobs paused until it is taken again")
    finally:
        lock.release()
    log.info("scheduler stopped")


def _heartbeat(runtime: Runtime) -> None:
    """Show which scheduler is active, and that it is alive, in `newsalerts status`."""
    try:
        status.record_success(runtime.ctx, status.LEADER, {"holder": runtime.worker_id})
    except Exception as exc:
        log.warning("could not record the scheduler heartbeat: %s", exc)


def run_worker(open_context: Callable[[], Context]) -> None:
    """Send due deliveries until SIGTERM or SIGINT; any number may run side by side."""
    limit_malloc_arenas()
    ctx = open_context()
    try:
        check_files(ctx.settings, polls=False, sends=True)
        started(ctx, process_id("worker"))
        with stop_on_signals() as stop:
            metrics.serve_process_metrics(ctx.settings)
            work(ctx, process_id("worker"), stop)
    finally:
        ctx.close()


def started(ctx: Context, who: str) -> None:
    """Say where this process works, and refuse a link-signing key the others do not use."""
    log.info(describe_process(ctx, who))
    check_signing_key(ctx, who)
    if not who.endswith(":web"):  # (the processes that poll, or may)
        warn_of_weak_trust(ctx.settings)


def warn_of_weak_trust(settings: Settings) -> None:
    """One warning for each way a forged issue could be taken from a real mailbox."""
    for line in weak_trust(settings.sources, settings.trust.authserv_id, settings.inbox.host):
        log.warning("%s", line)


def work(ctx: Context, worker_id: str, stop: threading.Event) -> None:
    """The worker's loop: drain what is due, wait when idle, back off when things fail.

    Idle, it waits up to [worker] idle_sleep, and on PostgreSQL less: new
    deliveries are announced (service/deliver/wakeup.py), and it starts on them at once.
    """
    idle = ctx.settings.worker.idle_sleep
    listener = DeliveryListener(ctx.engine)
    failures = 0
    log.info("worker %s sending", worker_id)
    try:
        while not stop.is_set():
            try:
                send_round(ctx, worker_id, stop)
                if failures:  # (the outage's lines end with one saying it is over)
                    log.info("sending works again after %d failed rounds", failures)
                failures = 0
            except (NewsalertsError, SQLAlchemyError) as exc:
                # the SMTP server or the database down: one line that names it and the wait
                # (a traceback each round while the server was down, 636 lines in a 30 s
                # database outage: the operator's reviews)
                failures += 1
                why = (f"database error: {describe(exc)}" if isinstance(exc, SQLAlchemyError)
                       else exc)
                log.warning("sending failed (%d in a row): %s; trying again in %.1f s",
                            failures, why, _backoff(idle, failures))
                log.debug("sending failed", exc_info=True)
            except Exception:
                failures += 1
                log.exception("sending failed (%d in a row); trying again in %.1f s", failures,
                              _backoff(idle, failures))
            if failures:
                stop.wait(_backoff(idle, failures))
            else:
                listener.wait(idle, stop)
    finally:
        listener.close()
    log.info("worker %s stopped", worker_id)


def _backoff(idle: float, failures: int) -> float:
    """Doubling from the idle wait, at most MAX_BACKOFF_SECONDS: a server back up is used
    within that long (a minute was too long to wait once it was back)."""
    # (the exponent capped: 2.0 ** 1024 overflows, and a day's outage is that many rounds)
    return float(min(idle * 2 ** min(failures, 16), MAX_BACKOFF_SECONDS))


def send_round(ctx: Context, worker_id: str, stop: threading.Event) -> SendSummary:
    """One worker round: send what is due, recorded as the send job when there was any.

    Scaled out, no scheduler runs the send job, so `status` and /healthz would
    say "never run" however much the workers send; an idle round records
    nothing (a write a second per worker, for no news).
    """
    try:
        if not signing_key_agrees(ctx):
            raise ConfigError("this worker's link-signing key is no longer the one this "
                              "database records (`config adopt-key` ran): it sends nothing "
                              "until restarted with the shared [web] secret_key")
        summary = drain_due(ctx, worker_id, stop)
    except Exception as exc:
        status.record_failure_if_possible(ctx, "send", exc)
        raise
    if any(summary.as_dict().values()):
        try:
            status.record_success(ctx, "send", {**summary.as_dict(), "holder": worker_id})
        except Exception as exc:  # the email is out: a missing job row must not retry it
            log.warning("could not record the send job: %s", exc)
    return summary
