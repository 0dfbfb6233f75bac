"""Send stage, the database side: each email's outcome written to its delivery row.

send.py decides what happened to an email and says so in the log; this module only
writes it down, each outcome in its own short transaction, committed before the
next email goes out::

    accepted, cancelled, cannot render ─▶ Recorder.finish (one UPDATE, one held connection)
    4xx, connection lost                ─▶ retry_later: pending again after a doubling delay,
                                           or failed after [delivery] max_attempts
    5xx                                 ─▶ bounce: failed, and one more hard bounce on the
                                           subscriber (bounced at [delivery] hard_bounce_limit)

The split from send.py is where the SQL starts: sending needs a transport and a
composer, recording needs only the database.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import JSON, ColumnElement, String, bindparam, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from service.context import Context
from service.db.database import describe, transaction
from service.db.tables import Delivery, Subscriber
from service.db.types import UtcDateTime
from service.domain import DeliveryStatus, SubscriberStatus
from service.errors import StorageError

MAX_ERROR_CHARS = 1000  # of an error kept in deliveries.last_error

log = logging.getLogger(__name__)

# Built once: the statement runs once per email, and building it costs more than running it.
_FINISH = update(Delivery).where(Delivery.id == bindparam("delivery")).values(
    status=bindparam("new_status"), lease_until=None, last_error=bindparam("error"),
    message_id=func.coalesce(bindparam("mid", type_=String), Delivery.message_id),
    sent_at=func.coalesce(bindparam("when", type_=UtcDateTime()), Delivery.sent_at))
# ...and the stories the email held, when fewer than the delivery was made with: what the
# reader got is what later emails leave out (coverage.py)
_FINISH_FEWER = _FINISH.values(story_ids=bindparam("stories", type_=JSON))


class Recorder:
    """Writes emails' outcomes, each in its own short transaction, over one held connection.

    Taking a connection from the pool for every email would cost more than the
    UPDATE itself (on PostgreSQL, pool_pre_ping adds a round trip each time).
    After an error the connection is dropped, and the next write takes a
    fresh one from the pool.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._drop()

    def finish(self, delivery_id: int, status: DeliveryStatus, *, error: str | None = None,
               message_id: str | None = None, sent_at: datetime | None = None,
               story_ids: Sequence[int] | None = None) -> None:
        try:
            if self._connection is None:
                # One UPDATE of one row is its own transaction: in autocommit it
                # costs one round trip to the database, not three (BEGIN, UPDATE, COMMIT).
                self._connection = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT")
            values = {"delivery": delivery_id, "new_status": status, "error": error,
                      "mid": message_id, "when": sent_at}
            if story_ids is None:
                self._connection.execute(_FINISH, values)
            else:
                self._connection.execute(_FINISH_FEWER, {**values, "stories": list(story_ids)})
        except SQLAlchemyError as exc:
            self._drop()
            raise StorageError(f"database error: {describe(exc)}") from exc

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                connection.close()


def retry_later(ctx: Context, held: ColumnElement[bool], error: str) -> bool | None:
    """Back to pending after a doubling delay, or failed after max_attempts: retried?

    ``held`` (claims.Lease.holding) picks the row while it is still this claim's.  None: it is
    not, because the server answered only after the lease had lapsed and another
    claimer took the row meanwhile, and may have sent it and marked it sent: putting
    it back in the queue would send it again, so nothing is written.
    """
    base = ctx.settings.delivery.retry_base_seconds
    with transaction(ctx.sessions) as session:
        attempts = session.scalar(select(Delivery.attempts).where(held))
        if attempts is None:
            return None
        retry = attempts + 1 < ctx.settings.delivery.max_attempts
        written = session.execute(
            update(Delivery).where(held, Delivery.attempts == attempts).values(
                due_at=ctx.now() + timedelta(seconds=base * 2 ** attempts),
                attempts=attempts + 1,
                status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
                last_error=error[:MAX_ERROR_CHARS], lease_until=None,
            ).execution_options(synchronize_session=False))
        if written.rowcount != 1:  # type: ignore[attr-defined]
            return None
    return retry


def bounce(ctx: Context, held: ColumnElement[bool], error: str, *, counted: bool = True
           ) -> bool:
    """A permanent refusal: the delivery failed, and its address is one bounce nearer out
    (not when ``counted`` is False: the server refused the email itself: its size, its
    content, a policy).

    False, and nothing written, when the row is no longer this claim's (``held``, as
    for retry_later): its new claimer's outcome stands, and the reader is not counted
    a bounce for a refusal that no longer describes their delivery.
    """
    limit = ctx.settings.delivery.hard_bounce_limit
    with transaction(ctx.sessions) as session:
        subscriber_id = session.scalar(
            update(Delivery).where(held).values(
                status=DeliveryStatus.FAILED, last_error=error[:MAX_ERROR_CHARS],
                attempts=Delivery.attempts + 1, lease_until=None,
            ).returning(Delivery.subscriber_id).execution_options(synchronize_session=False))
        if subscriber_id is None:
            return False
        if not counted:
            return True
        subscriber = Subscriber.id == subscriber_id
        count = session.scalar(update(Subscriber).where(subscriber)
                               .values(hard_bounces=Subscriber.hard_bounces + 1)
                               .returning(Subscriber.hard_bounces))
        stopped = session.execute(update(Subscriber).where(
            subscriber, Subscriber.status == SubscriberStatus.ACTIVE,
            Subscriber.hard_bounces >= limit,
        ).values(status=SubscriberStatus.BOUNCED))
    if getattr(stopped, "rowcount", 0):  # (an operator asked why a reader got nothing more)
        log.warning("subscriber %s marked bounced after %s hard bounces; the last: %s",
                    subscriber_id, count, error[:MAX_ERROR_CHARS])
    return True
