"""Prometheus metrics: what this process did, and what the database holds.

Two kinds, under distinct names so that one scrape can show both:

- counters and a histogram of this process's own work (``newsalerts_*_total``,
  ``newsalerts_send_latency_seconds``, ``newsalerts_loaded_model_info``), in
  prometheus-client's default registry; a scheduler or worker serves them on
  [metrics] port;
- gauges read from the database when scraped (``newsalerts_db_*``,
  ``newsalerts_queue_depth``, ``newsalerts_last_poll_success_timestamp_seconds``),
  which any web process serves at ``/metrics`` together with its own counters.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import select

from service.config import Settings
from service.context import Context
from service.db.tables import Delivery
from service.deliver.send import SendSummary
from service.domain import DeliveryStatus, PollOutcome
from service.errors import ConfigError
from service.ingest.pipeline import PollSummary
from service.ops.status import Status, read_status

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST

ISSUES_STORED = Counter("newsalerts_issues_stored", "Issues stored by this process's polls.")
STORIES_STORED = Counter("newsalerts_stories_stored", "Stories stored by this process's polls.")
DUPLICATES = Counter("newsalerts_messages_duplicate",
                     "Messages polled again that were already stored (replays after a crash).")
REFUSALS = Counter("newsalerts_messages_refused",
                   "Messages refused (rejected or failed) by this process's polls, by code.",
                   ["code"])
DELIVERIES = Counter("newsalerts_deliveries",
                     "Deliveries handled by this process: sent, retried, failed, cancelled.",
                     ["outcome"])
SEND_LATENCY = Histogram(
    "newsalerts_send_latency_seconds",
    "From a delivery falling due to the SMTP server accepting its email.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
)
JOB_RUNS = Counter("newsalerts_job_runs", "Scheduled job runs by job and outcome.",
                   ["job", "outcome"])
LOADED_MODEL = Info("newsalerts_loaded_model", "The classifier model this process tags with.")

SEND_OUTCOMES = ("sent", "retried", "failed", "cancelled")


def observe_poll(summary: PollSummary) -> None:
    ISSUES_STORED.inc(summary.counts[PollOutcome.STORED])
    STORIES_STORED.inc(summary.stories)
    DUPLICATES.inc(summary.counts[PollOutcome.DUPLICATE])
    for _origin, code, _reason in summary.refusals:
        REFUSALS.labels(code=code).inc()


def observe_send(summary: SendSummary, latencies: Sequence[float] = ()) -> None:
    for outcome in SEND_OUTCOMES:
        DELIVERIES.labels(outcome=outcome).inc(getattr(summary, outcome))
    for seconds in latencies:
        SEND_LATENCY.observe(max(seconds, 0.0))


def observe_model(version: str) -> None:
    LOADED_MODEL.info({"version": version})


def send_latencies(ctx: Context, worker_id: str, since: datetime) -> list[float]:
    """Seconds from due to sent of the deliveries ``worker_id`` sent since ``since``."""
    rows = select(Delivery.due_at, Delivery.sent_at).where(
        Delivery.claimed_by == worker_id, Delivery.status == DeliveryStatus.SENT,
        Delivery.sent_at >= since)
    with ctx.sessions() as session:
        return [(sent - due).total_seconds()
                for due, sent in session.execute(rows) if sent is not None]


# --- the database's figures, read at scrape time ----------------------------------------


class DatabaseCollector(Collector):
    """Gauges from the database, read on each scrape (one query per figure)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[GaugeMetricFamily | InfoMetricFamily]:
        status = read_status(self.ctx)
        up = status.health.database == "ok"
        yield GaugeMetricFamily("newsalerts_database_up",
                                "1 when the database answered this scrape.", value=float(up))
        if not up:
            return
        yield from _gauges(status)


def _gauges(status: Status) -> Iterator[GaugeMetricFamily | InfoMetricFamily]:
    yield GaugeMetricFamily("newsalerts_db_issues", "Issues stored.", value=status.issues)
    yield GaugeMetricFamily("newsalerts_db_stories", "Stories stored.", value=status.stories)
    refused = GaugeMetricFamily("newsalerts_db_refused_messages",
                                "Messages refused, by status and code.",
                                labels=["status", "code"])
    for (state, code), count in sorted(status.refused.items()):
        refused.add_metric([state, code], count)
    yield refused
    deliveries = GaugeMetricFamily("newsalerts_db_deliveries", "Deliveries by status.",
                                   labels=["status"])
    for state, count in sorted(status.deliveries.items()):
        deliveries.add_metric([state], count)
    yield deliveries
    yield GaugeMetricFamily("newsalerts_queue_depth", "Deliveries pending or being sent.",
                            value=status.health.queue_depth or 0)
    yield GaugeMetricFamily("newsalerts_deliveries_due", "Pending deliveries due now.",
                            value=status.due_now)
    poll = status.jobs.get("poll")
    if poll is not None and poll.last_success_at is not None:
        yield GaugeMetricFamily("newsalerts_last_poll_success_timestamp_seconds",
                                "When the inbox was last polled successfully (Unix time).",
                                value=poll.last_success_at.timestamp())
    if status.health.model_version:
        yield InfoMetricFamily("newsalerts_model", "The model that tagged the latest stories.",
                               value={"version": status.health.model_version})


class _Registries(Collector):
    """Several registries scraped as one."""

    def __init__(self, *registries: CollectorRegistry) -> None:
        self.registries = registries

    def collect(self) -> Iterator[Metric]:
        for registry in self.registries:
            yield from registry.collect()


def database_registry(ctx: Context) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(ctx))
    return registry


def exposition(database: CollectorRegistry | None = None) -> bytes:
    """This process's metrics, then (for the web app) the database's."""
    text = generate_latest(REGISTRY)
    return text + generate_latest(database) if database is not None else text


def serve_process_metrics(settings: Settings,
                          ctx: Context | None = None) -> WSGIServer | None:
    """Serve this process's metrics on [metrics] host:port in a thread; None when port is 0.

    With ``ctx`` (the web app's processes) the database's gauges are served
    there too: the public web port shows them only behind ``[metrics] token``.
    """
    port = settings.metrics.port
    if not port:
        return None
    registry: CollectorRegistry = REGISTRY
    if ctx is not None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Registries(REGISTRY, database_registry(ctx)))
    try:
        server, _thread = start_http_server(port, addr=settings.metrics.host,
                                            registry=registry)
    except OSError as exc:  # most often: another process already listens there
        raise ConfigError(f"metrics cannot listen on {settings.metrics.host}:{port} "
                          f"([metrics] port): {exc.strerror or exc}") from exc
    log.info("metrics on http://%s:%d/metrics", settings.metrics.host, port)
    return server

