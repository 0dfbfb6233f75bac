"""``/healthz`` and ``/metrics``: whether the service can do its work, and what it did.

``/healthz`` answers 200 while the database answers, else 503: that is what
a probe should restart a web process for.  The last successful poll, the
queue depth (alerts and digests: not confirmations, which would tell an
address's subscription) and the model version are there for people and alerting rules;
a stale poll is the scheduler's problem, not this process's, so it never
turns the answer into 503.  Both read the database, so any web process
shows what the scheduler and workers on other machines did.  ``/metrics``
is not public: see ``MetricsPage``.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response, jsonify, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import NotFound, Unauthorized

from service.context import Context
from service.db.types import as_utc
from service.ops import metrics
from service.ops.status import JobState, read_health, stale
from service.web.views.base import Page


class HealthCheck(Page):
    def get(self) -> tuple[Response, int]:
        checks = health_checks(self.ctx)
        return jsonify(checks), 200 if checks["database"] == "ok" else 503


class MetricsPage(Page):
    """Prometheus text format: this process's counters, then the database's gauges.

    Not public: the web port answers only a scraper sending ``Authorization:
    Bearer <[metrics] token>``; with no token set it answers 404, and metrics
    are scraped from ``[metrics] port`` instead (bound to loopback by default).
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.registry = metrics.database_registry(ctx)

    def get(self) -> Response:
        token = self.ctx.settings.metrics.token
        if not token:
            raise NotFound("Metrics are served on [metrics] port, or here with [metrics] token.")
        offered = request.headers.get("Authorization", "")
        if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("Metrics need the [metrics] token as a Bearer token.",
                               www_authenticate=WWWAuthenticate("Bearer"))
        return Response(metrics.exposition(self.registry), content_type=metrics.CONTENT_TYPE)


def health_checks(ctx: Context) -> dict[str, Any]:
    """Each check's result by name; "error" marks one that failed."""
    health = read_health(ctx, confirmations=False)  # (public: they would tell who reads)
    if health.database != "ok":
        return {"database": "error"}
    poll = health.last_poll
    last = poll.last_success_at if poll else None
    return {
        "database": "ok",
        "poll": _poll_state(ctx, poll),
        "last_poll": last.isoformat() if last else None,
        "queue_depth": health.queue_depth,
        "model_version": health.model_version,
    }


def _poll_state(ctx: Context, poll: JobState | None) -> str:
    """ok, stale (long overdue), failing (its latest run failed) or never."""
    if poll is None or poll.last_success_at is None:
        return "failing" if poll is not None and poll.failing else "never"
    if poll.failing:
        return "failing"
    return "stale" if stale(poll, as_utc(ctx.now()), ctx.settings.inbox.poll_interval) else "ok"
