"""Wake idle workers when deliveries are created: PostgreSQL LISTEN/NOTIFY.

Whoever creates deliveries (a poll matching an issue, the weekly digest job)
calls ``announce`` in the same transaction: PostgreSQL delivers the
notification at commit, and only if the transaction commits.  A worker with
nothing to send waits on a LISTEN connection of its own instead of sleeping,
so it starts on new deliveries at once.  ``[worker] idle_sleep`` stays the
longest wait, for what no notification announces (retries coming due, leases
left by a dead worker).  SQLite has no such channel: there, workers sleep.

The channel is named after the schema (``newsalerts_deliveries:public``):
deployments that share a database in schemas of their own do not wake each
other's workers.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "newsalerts_deliveries"
BURST_SECONDS = 0.05  # how long a burst's later announcements may trail the first
STOP_CHECK_SECONDS = 0.5  # how often a waiting worker looks whether it should stop


def announce(session: Session) -> None:
    """Tell listening workers, at commit, that deliveries are due (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel || ':' || current_schema(), '')"),
                        {"channel": CHANNEL})


class DeliveryListener:
    """Waits for ``announce`` on a connection of its own; on SQLite it only sleeps."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._listens = engine.dialect.name == "postgresql"
        self._connection: Any = None  # a psycopg connection in autocommit, LISTENing
        self._lost = False  # the connection was lost: say so when it is back

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Up to ``seconds``, until deliveries are announced or ``stop`` is set.

        True when an announcement ended the wait.  Announcements that came
        while the worker was busy end the next wait at once: they may be for
        deliveries it has not seen.
        """
        deadline = time.monotonic() + seconds
        if not self._listens or not self._listening():
            stop.wait(seconds)
            return False
        try:
            while not stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if self._heard(min(left, STOP_CHECK_SECONDS)):
                    # A burst of announcements wakes the worker once.  Each commit's
                    # NOTIFY reaches us on its own schedule, so wait a moment for
                    # the rest of the burst rather than only taking what has landed.
                    while self._heard(BURST_SECONDS):
                        pass
                    return True
        except Exception as exc:  # the server went away: sleep now, listen again next time
            # (the driver's message runs over lines: its first says what: an operator's probe)
            log.warning("lost the connection listening for new deliveries (%s); "
                        "sleeping instead until it is back", _first_line(exc))
            self._lost = True
            self.close()
            stop.wait(max(0.0, deadline - time.monotonic()))
        return False

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                log.debug("closing the listening connection failed", exc_info=True)

    def _listening(self) -> bool:
        if self._connection is not None:
            return True
        try:
            from psycopg import sql  # the postgres extra: only a PostgreSQL engine gets here

            pooled = self._engine.raw_connection()
            connection: Any = pooled.driver_connection
            pooled.detach()  # LISTEN belongs to this connection alone: never back to the pool
            connection.autocommit = True
            schema = connection.execute("SELECT current_schema()").fetchone()[0]
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(f"{CHANNEL}:{schema}")))
        except Exception as exc:
            log.warning("cannot listen for new deliveries (%s); sleeping instead",
                        _first_line(exc))
            return False
        if self._lost:
            log.warning("listening for new deliveries again")
            self._lost = False
        self._connection = connection
        return True

    def _heard(self, seconds: float) -> bool:
        return any(True for _ in self._connection.notifies(timeout=seconds, stop_after=1))


def _first_line(exc: BaseException) -> str:
    return next(iter(str(exc).strip().splitlines()), exc.__class__.__name__)


__all__ = ["CHANNEL", "DeliveryListener", "announce"]
