"""Claims: which process sends which due delivery, and for how long (leases).

    pending (due) ─claim─▶ sending (claimed_by, lease_until; committed) ─▶ send.py
    sending, lease expired ─claim─▶ sending again (the worker died mid-batch)
    sending ─Lease.release─▶ pending (the server, not the deliveries, was the problem)

A claim is committed before anything is sent, so two workers never hold the
same delivery; a claim whose worker dies comes back once its lease expires.
A live worker keeps its batch's lease (``Lease``): a batch can take longer
than the lease to send (a slow server, a low ``[smtp] rate_limit``), and an
expired lease would let another claimer send the same emails again.

One reader's emails go out one after another: a delivery is claimable only
while no earlier one of its reader is due or being sent, and no other is being
sent under a live lease (``_next_of_its_reader``).
Each alert is composed knowing what was already sent (coverage.py leaves that
news out); two connections or workers sending a reader's two alerts at once
could not, and sent one reader in three the same news twice (a review).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from service.context import Context
from service.db.database import describe, transaction
from service.db.tables import Delivery
from service.deliver.wakeup import announce
from service.domain import DeliveryStatus
from service.errors import StorageError

__all__ = ["Claims", "Lease", "claim_due_deliveries", "claimable"]


def _pending_due(now: datetime) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now)


def _lease_expired(now: datetime) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.SENDING, Delivery.lease_until < now)


def _lease_end(claimed_at: datetime, lease_seconds: float) -> datetime:
    return claimed_at + timedelta(seconds=lease_seconds)


def claimable(now: datetime) -> ColumnElement[bool]:
    return or_(_pending_due(now), _lease_expired(now))


def behind_a_live_lease(now: datetime) -> ColumnElement[bool]:
    """Another delivery of the same reader is being sent under a live lease: no worker takes
    this one until that one is sent or its lease runs out (``status`` counts these apart)."""
    other = aliased(Delivery)
    return exists().where(other.subscriber_id == Delivery.subscriber_id, other.id != Delivery.id,
                          other.status == DeliveryStatus.SENDING, other.lease_until >= now)


def _next_of_its_reader(now: datetime) -> ColumnElement[bool]:
    """No earlier delivery of the same reader is due or being sent, and no other is being
    sent under a live lease.  In every snapshot a concurrent claimer can read, that earlier
    one is pending or sending, so two claims never hold two of one reader's emails; and a
    retry that comes due while the reader's next email is out waits for it (the review of
    this rule).  One waiting on a retry (due later) does not hold the next back: whichever
    goes second is composed knowing the first.  A row whose lease ran out holds back only
    the later ones, so two left by a dead worker go out in turn.  Read through the
    (subscriber, status, id) index (migration 0011): a reader's history is not read."""
    other = aliased(Delivery)
    waiting = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
    return ~exists().where(
        other.subscriber_id == Delivery.subscriber_id, other.status.in_(waiting),
        other.id != Delivery.id,
        or_(and_(other.id < Delivery.id,
                 or_(other.status == DeliveryStatus.SENDING, other.due_at <= now)),
            and_(other.status == DeliveryStatus.SENDING, other.lease_until >= now)))


def claim_due_deliveries(session: Session, worker_id: str, now: datetime,
                         lease_seconds: float, limit: int) -> list[int]:
    """Mark up to ``limit`` due deliveries as sending for ``worker_id``, commit, return their ids.

    Claims left behind by a dead worker (lease expired) come first, then the
    pending ones, oldest first.  Each kind is found by its own query, so the
    status index finds the first ``limit`` rows without sorting the whole queue.
    """
    until = _lease_end(now, lease_seconds)
    claimed: list[int] = []
    for which in (_lease_expired(now), _pending_due(now)):
        if len(claimed) < limit:
            claimed += _claim(session, and_(which, _next_of_its_reader(now)), worker_id, until,
                              limit - len(claimed))
    session.commit()
    return sorted(claimed)


def _claim(session: Session, which: ColumnElement[bool], worker_id: str,
           lease_until: datetime, limit: int) -> list[int]:
    """PostgreSQL: the candidates are locked with ``FOR UPDATE SKIP LOCKED``, so
    concurrent workers skip each other's rows instead of waiting or sharing.
    SQLite has one writer at a time, so one conditional UPDATE is atomic: a row
    another process claimed first no longer matches and is not returned.
    """
    due = select(Delivery.id).where(which).order_by(Delivery.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            return []
        chosen = Delivery.id.in_(ids)
    else:
        chosen = Delivery.id.in_(due.scalar_subquery())
    return list(session.scalars(
        update(Delivery).where(chosen, which)
        .values(status=DeliveryStatus.SENDING, claimed_by=worker_id, lease_until=lease_until)
        .returning(Delivery.id).execution_options(synchronize_session=False)))


class Claims:
    """Claimed batches for any number of connections, until ``limit`` or a stop.

    Each connection iterates on its own and stops when its claim finds
    nothing due.  A claim takes at most ``[smtp] batch_size`` deliveries, and
    no more than an even share of what ``limit`` leaves, so that every
    connection gets work.
    """

    def __init__(self, ctx: Context, worker_id: str, limit: int | None,
                 should_stop: Callable[[], bool], connections: int) -> None:
        self.ctx, self.worker_id = ctx, worker_id
        self._left = limit
        self._should_stop = should_stop
        self._closed = False  # an error or a stop request: no more emails
        self._lock = threading.Lock()
        self._size = ctx.settings.smtp.batch_size
        self._lease = ctx.settings.delivery.lease_seconds
        self._share = connections

    def should_stop(self) -> bool:
        return self._closed or self._should_stop()

    def close(self) -> None:
        self._closed = True

    def __iter__(self) -> Iterator[Lease]:
        while (lease := self._next()) is not None:
            yield lease

    def _next(self) -> Lease | None:
        with self._lock:
            if self.should_stop() or self._left == 0:
                return None
            size = self._size if self._left is None else min(
                self._size, max(1, -(-self._left // self._share)))
            if self._left is not None:
                self._left -= size
        now = self.ctx.now()
        try:
            with self.ctx.sessions() as session:
                batch = claim_due_deliveries(session, self.worker_id, now, self._lease, size)
        except SQLAlchemyError as exc:
            # (one line naming the driver's error, as transaction() says it: the raw error
            # logged a traceback with the SQL each round of an outage, the scale review)
            raise StorageError(f"database error: {describe(exc)}") from exc
        if self._left is not None:
            with self._lock:
                self._left += size - len(batch)
        if not batch:
            return None
        return Lease(self.ctx, self.worker_id, batch, _lease_end(now, self._lease))


class Lease:
    """A claimed batch's lease, renewed while its emails go out, and the claim's token.

    Before each email, once a third of the lease has passed, one UPDATE moves
    the lease of the batch's rows this claim still holds forward by a whole
    lease.  A row is held while its ``lease_until`` is the one this claim set:
    claiming a lapsed row always sets a later one, so a row claimed again after
    this worker stalled past its lease is no longer held, and is not sent,
    released or given an outcome here (``holding``), even when the new claimer is
    another connection of this same worker (they share ``claimed_by``).
    """

    def __init__(self, ctx: Context, worker_id: str, batch: Sequence[int],
                 until: datetime) -> None:
        self.ctx, self.worker_id, self.batch = ctx, worker_id, list(batch)
        self._held = set(batch)
        self._gone: set[int] = set()  # rows deleted while held (their reader removed)
        self._seconds = ctx.settings.delivery.lease_seconds
        self._until = until

    def holds(self, delivery_id: int) -> bool:
        """Is ``delivery_id`` still this claim's to send? Renews the lease when due."""
        now = self.ctx.now()
        if self._until - now <= timedelta(seconds=self._seconds * 2 / 3):
            self._renew(now)
        return delivery_id in self._held

    def gone(self, delivery_id: int) -> bool:
        """``delivery_id`` was not claimed again but deleted while held: its reader was
        removed (not a lease too short, as the warning for a row claimed again says)."""
        return delivery_id in self._gone

    def holding(self, delivery_id: int) -> ColumnElement[bool]:
        """The condition that ``delivery_id`` is still this claim's, for an outcome's write:
        checked in the same statement, so a row claimed again after this worker's lease
        lapsed (a server that answered too late) is left to its new claimer."""
        return self._still_mine([delivery_id])

    def release(self, delivery_ids: Sequence[int]) -> None:
        """Hand back what this claim still holds unsent: the server, not they, was the problem."""
        with transaction(self.ctx.sessions) as session:
            session.execute(update(Delivery).where(self._still_mine(delivery_ids))
                            .values(status=DeliveryStatus.PENDING, lease_until=None,
                                    claimed_by=None))
            announce(session)  # another worker may take them now

    def _renew(self, now: datetime) -> None:
        until = _lease_end(now, self._seconds)
        with transaction(self.ctx.sessions) as session:
            held = set(session.scalars(
                update(Delivery).where(self._still_mine(sorted(self._held)))
                .values(lease_until=until)
                .returning(Delivery.id).execution_options(synchronize_session=False)))
            if lost := self._held - held:
                self._gone |= lost - set(session.scalars(
                    select(Delivery.id).where(Delivery.id.in_(sorted(lost)))))
        self._held, self._until = held, until

    def _still_mine(self, delivery_ids: Sequence[int]) -> ColumnElement[bool]:
        return and_(Delivery.id.in_(delivery_ids), Delivery.status == DeliveryStatus.SENDING,
                    Delivery.claimed_by == self.worker_id, Delivery.lease_until == self._until)
