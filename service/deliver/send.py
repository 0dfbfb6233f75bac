"""Send: compose claimed deliveries, hand them to a transport, record each outcome.

Claiming and leases are claims.py's; writing each outcome to its delivery row is
outcomes.py's (this module decides the outcome and logs it).  Invariant 3 in code::

    claim (status "sending" + lease, committed) ─▶ compose ─▶ transport.send
        ─▶ accepted ─▶ sent (its own short transaction)
        ─▶ 4xx, connection lost ─▶ pending again, due after a doubling delay
        ─▶ 5xx ─▶ failed, and one more hard bounce on the subscriber
        ─▶ no usable server (connect, TLS, AUTH) ─▶ the batch is handed back untouched

A crash between acceptance and marking re-sends at most that one email per
connection, with the same Message-ID, once its lease expires.  A live worker
renews its batch's lease as it goes (claims.Lease), however slow the server; a refusal that
arrives after the lease lapsed anyway (the server kept it waiting longer) is written only if
the row is still this claim's (``Lease.holding``).  A weekly digest
to thousands of readers stays cheap because compose.py renders each distinct digest once and
only fills in each reader's address and signed links.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from service.context import Context
from service.db.tables import Delivery
from service.db.types import as_utc
from service.deliver import outcomes
from service.deliver.claims import Claims, Lease, claim_due_deliveries, claimable
from service.deliver.compose import Composer, NothingToSend, Outgoing
from service.deliver.transport import (
    OutboxTransport,
    Pacer,
    SmtpTransport,
    Transport,
    open_transport,
)
from service.domain import DeliveryStatus
from service.errors import (
    DeliveryError,
    PermanentDeliveryError,
    StorageError,
    TransientDeliveryError,
    UnsendableMessage,
)

__all__ = ["Composer", "OutboxTransport", "SendSummary", "SmtpTransport", "Transport",
           "claim_due_deliveries", "open_transport", "send_due"]

log = logging.getLogger(__name__)


@dataclass
class SendSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    rendered: int = 0  # dry run: rendered and logged, not sent

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def total(cls, summaries: Iterable[SendSummary]) -> SendSummary:
        total = cls()
        for summary in summaries:
            for outcome, count in summary.as_dict().items():
                setattr(total, outcome, getattr(total, outcome) + count)
        return total


# --- sending ------------------------------------------------------------------------------


def send_due(ctx: Context, *, worker_id: str, limit: int | None = None, no_send: bool = False,
             should_stop: Callable[[], bool] | None = None) -> SendSummary:
    """Send every delivery due now (at most ``limit``) over ``[smtp] connections`` connections.

    Each connection is a thread that claims a batch, sends it, and claims the
    next, until none is due.  ``should_stop`` is asked before each email
    (SIGTERM): the email in hand is finished, the rest of its batch handed
    back.  With ``no_send`` each due email is composed and logged; nothing is
    sent or marked.
    """
    if no_send:
        return _dry_run(ctx, Composer(ctx), limit)
    # Parallel connections pay off against a server's round trips; an outbox folder has none.
    connections = max(1, ctx.settings.smtp.connections) if ctx.settings.smtp.host else 1
    claims = Claims(ctx, worker_id, limit, should_stop or (lambda: False), connections)
    pacer = Pacer(ctx.settings.smtp.rate_limit)
    if connections <= 1:
        summary = _send_over_one_connection(ctx, claims, pacer)
    else:
        with ThreadPoolExecutor(connections, thread_name_prefix="smtp") as pool:
            running = [pool.submit(_send_over_one_connection, ctx, claims, pacer)
                       for _ in range(connections)]
        summary = SendSummary.total(each.result() for each in running)
    # A worker finds nothing to send every few seconds: not worth a line each time.
    log.log(logging.INFO if any(summary.as_dict().values()) else logging.DEBUG,
            "send: %s", summary.as_dict())
    return summary


def _send_over_one_connection(ctx: Context, claims: Claims, pacer: Pacer) -> SendSummary:
    try:
        with open_transport(ctx.settings) as transport, outcomes.Recorder(ctx.engine) as recorder:
            sender = _Sender(ctx, Composer(ctx), transport, recorder, pacer)
            for lease in claims:
                batch = lease.batch
                sender.composer.load(batch)
                for position, delivery_id in enumerate(batch):
                    if claims.should_stop():
                        lease.release(batch[position:])
                        return sender.summary
                    if not lease.holds(delivery_id):
                        if lease.gone(delivery_id):
                            log.info("delivery %s no longer exists (its reader was removed); "
                                     "skipped", delivery_id)
                        else:  # it stalled past its lease: not ours
                            log.warning("delivery %s was claimed again while this worker held "
                                        "it too long; left to its new claimer", delivery_id)
                        continue
                    try:
                        sender.deliver(delivery_id, lease)
                    except DeliveryError:  # the server itself is unusable: leave the rest
                        lease.release(batch[position:])
                        raise
    except BaseException:
        claims.close()  # the other connections finish their email in hand and stop
        raise
    return sender.summary


@dataclass
class _Sender:
    """One connection's sending: compose, send, record each outcome."""

    ctx: Context
    composer: Composer
    transport: Transport
    recorder: outcomes.Recorder
    pacer: Pacer
    summary: SendSummary = field(default_factory=lambda: SendSummary())

    def deliver(self, delivery_id: int, lease: Lease) -> None:
        outgoing = self._compose(delivery_id)
        if outgoing is None:
            return
        self.pacer.wait()
        try:
            self.transport.send(outgoing.data, outgoing.recipient)
        except TransientDeliveryError as exc:
            retried = outcomes.retry_later(self.ctx, lease.holding(delivery_id), str(exc))
            if retried is None:
                _claimed_again(delivery_id, exc)
                return
            log.warning("delivery %s: %s (%s)", delivery_id, exc,
                        "will retry" if retried else "gave up")
            self.summary.retried += retried
            self.summary.failed += not retried
        except PermanentDeliveryError as exc:
            # (refused for its size, its content, a policy: the email is to blame, not its
            # reader's address)
            unsendable = isinstance(exc, UnsendableMessage)
            if not outcomes.bounce(self.ctx, lease.holding(delivery_id), str(exc),
                                   counted=not unsendable):
                _claimed_again(delivery_id, exc)
                return
            log.warning("delivery %s refused%s: %s", delivery_id,
                        " as an email, not its reader's address" if unsendable else "", exc)
            self.summary.failed += 1
        else:
            self._record_sent(delivery_id, outgoing.message_id, outgoing.story_ids)
            self.summary.sent += 1

    def _compose(self, delivery_id: int) -> Outgoing | None:
        try:
            return self.composer.compose(delivery_id)
        except NothingToSend as exc:
            log.info("delivery %s cancelled: %s", delivery_id, exc)
            self.recorder.finish(delivery_id, DeliveryStatus.CANCELLED, error=str(exc))
            self.summary.cancelled += 1
        except ValueError as exc:  # bad stored data (an address, a link): this one fails
            log.error("delivery %s cannot be rendered: %s", delivery_id, exc)
            self.recorder.finish(delivery_id, DeliveryStatus.FAILED,
                                 error=f"cannot render: {exc}"[:outcomes.MAX_ERROR_CHARS])
            self.summary.failed += 1
        return None

    def _record_sent(self, delivery_id: int, message_id: str,
                     story_ids: tuple[int, ...] | None = None) -> None:
        """Mark an accepted email sent, waiting out a database outage to do it.

        The email is already out: if this row went back to the queue it would
        be sent again.  So the one small write is retried for up to half the
        lease (after the lease another worker may claim the row); only past
        that does the error escape, which is the documented at-least-once window.
        """
        lease = self.ctx.settings.delivery.lease_seconds
        deadline = time.monotonic() + lease / 2
        delay = 0.1
        while True:
            try:
                when = self.ctx.now()
                self.recorder.finish(delivery_id, DeliveryStatus.SENT, message_id=message_id,
                                     sent_at=when, story_ids=story_ids)
                self.composer.note_sent(delivery_id, as_utc(when))
                return
            except StorageError:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("delivery %s was sent but cannot be marked yet; retrying in %.1fs",
                            delivery_id, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)


def _claimed_again(delivery_id: int, error: DeliveryError) -> None:
    log.warning("delivery %s: %s; not recorded: the server answered after this worker's "
                "lease had lapsed, and the delivery was claimed again meanwhile", delivery_id,
                error)


def _dry_run(ctx: Context, composer: Composer, limit: int | None) -> SendSummary:
    summary = SendSummary()
    with ctx.sessions() as session:
        due = select(Delivery.id).where(claimable(ctx.now())).order_by(Delivery.id)
        ids = list(session.scalars(due if limit is None else due.limit(limit)))
    size = ctx.settings.smtp.batch_size
    for position, delivery_id in enumerate(ids):
        if position % size == 0:
            composer.load(ids[position:position + size])
        try:
            outgoing = composer.compose(delivery_id)
        except (NothingToSend, ValueError) as exc:
            log.info("dry run: delivery %s would not be sent: %s", delivery_id, exc)
            continue
        log.info("dry run: would send %r to %s", outgoing.subject, outgoing.recipient)
        summary.rendered += 1
    return summary
