"""Claims: which process sends which due delivery, and for how long (leases).

    pending (due) ─claim─▶ sending (claimed_by, lease_until; committed) ─▶ send.py
    sending, lease expired ─claim─▶ sending again (the worker died mid-batch)
    sending ─release─▶ pending (the server, not the deliveries, was the problem)

A claim is committed before anything is sent, so two workers never hold the
same delivery; a claim whose worker dies comes back once its lease expires.
A live worker keeps its batch's lease (``Lease``): a batch can take longer
than the lease to send (a slow server, a low ``[smtp] rate_limit``), and an
expired lease would let another claimer send the same emails again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from service.context import Context
from service.db.database import transaction
from service.db.tables import Delivery
from service.deliver.wakeup import announce
from service.domain import DeliveryStatus

__all__ = ["Claims", "Lease", "claim_due_deliveries", "claimable", "release"]


def _pending_due(now: datetime) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now)


def _lease_expired(now: datetime) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.SENDING, Delivery.lease_until < now)


def claimable(now: datetime) -> ColumnElement[bool]:
    return or_(_pending_due(now), _lease_expired(now))


def claim_due_deliveries(session: Session, worker_id: str, now: datetime,
                         lease_seconds: float, limit: int) -> list[int]:
    """Mark up to ``limit`` due deliveries as sending for ``worker_id``, commit, return their ids.

    Claims left behind by a dead worker (lease expired) come first, then the
    pending ones, oldest first.  Each kind is found by its own query, so the
    status index finds the first ``limit`` rows without sorting the whole queue.
    """
    until = now + timedelta(seconds=lease_seconds)
    claimed: list[int] = []
    for which in (_lease_expired(now), _pending_due(now)):
        if len(claimed) < limit:
            claimed += _claim(session, which, worker_id, until, limit - len(claimed))
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

    def __iter__(self) -> Iterator[list[int]]:
        while (batch := self._next()):
            yield batch

    def _next(self) -> list[int]:
        with self._lock:
            if self.should_stop() or self._left == 0:
                return []
            size = self._size if self._left is None else min(
                self._size, max(1, -(-self._left // self._share)))
            if self._left is not None:
                self._left -= size
        with self.ctx.sessions() as session:
            batch = claim_due_deliveries(session, self.worker_id, self.ctx.now(),
                                         self._lease, size)
        if self._left is not None:
            with self._lock:
                self._left += size - len(batch)
        return batch


class Lease:
    """A claimed batch's lease, renewed while its emails go out.

    Before each email, once a third of the lease has passed since the last
    renewal, one UPDATE moves the lease of the batch's rows this worker still
    holds forward by a whole lease; a row another claimer took meanwhile (this
    worker stalled past its lease) is no longer held, and is not sent here.
    """

    def __init__(self, ctx: Context, worker_id: str, batch: Sequence[int]) -> None:
        self.ctx, self.worker_id = ctx, worker_id
        self._held = set(batch)
        self._seconds = ctx.settings.delivery.lease_seconds
        self._renewed = ctx.now()  # the claim set the lease just now

    def holds(self, delivery_id: int) -> bool:
        """Is ``delivery_id`` still this worker's to send? Renews the lease when due."""
        now = self.ctx.now()
        if now - self._renewed >= timedelta(seconds=self._seconds / 3):
            self._renew(now)
        return delivery_id in self._held

    def _renew(self, now: datetime) -> None:
        with transaction(self.ctx.sessions) as session:
            self._held = set(session.scalars(
                update(Delivery).where(Delivery.id.in_(sorted(self._held)),
                                       Delivery.status == DeliveryStatus.SENDING,
                                       Delivery.claimed_by == self.worker_id)
                .values(lease_until=now + timedelta(seconds=self._seconds))
                .returning(Delivery.id).execution_options(synchronize_session=False)))
        self._renewed = now


def release(ctx: Context, delivery_ids: Sequence[int], worker_id: str) -> None:
    """Hand back what ``worker_id`` still holds unsent: the server, not they, was the problem."""
    with transaction(ctx.sessions) as session:
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids),
                                               Delivery.status == DeliveryStatus.SENDING,
                                               Delivery.claimed_by == worker_id)
                        .values(status=DeliveryStatus.PENDING, lease_until=None, claimed_by=None))
        announce(session)  # another worker may take them now
