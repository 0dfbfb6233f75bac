"""Intake: a refused message examined again from the bytes kept with its refusal.

A new newsletter's first issue often lands before its ``[[sources]]`` entry does, and is
refused as `untrusted-sender`; an IMAP poll never fetches it again (its UID is behind the
mailbox's position), so it was lost (an operator's review).  `newsalerts refused --retry`
runs the kept bytes through the same intake as a poll: stored now, the refusal is gone
(``pipeline._store_outcome`` forgets a refusal of the same bytes); refused again, the
refusal says why now.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.domain import PollOutcome, RawMessage
from service.errors import NewsalertsError
from service.ingest.pipeline import PollSummary, Tagger, handle_message
from service.ingest.store import KEPT_RAW_BYTES, forget_refusal, refusal_key

__all__ = ["Retried", "retry_refused"]


@dataclass(frozen=True)
class Retried:
    refusal_id: int
    outcome: PollOutcome
    code: str = ""  # refused again: its code now
    reason: str = ""


def retry_refused(ctx: Context, tagger: Tagger, refusal_id: int) -> Retried:
    """Examine refused message ``refusal_id`` again.  NewsalertsError when there is no such
    refusal, or when only its headers were kept (it was over the size limit)."""
    with transaction(ctx.sessions) as session:
        row = session.get(tables.RefusedMessage, refusal_id)
        if row is None:
            raise NewsalertsError(f"no refused message {refusal_id} (see `newsalerts refused`)")
        data, size, origin = bytes(row.raw), row.size, row.origin
    if size > len(data):
        raise NewsalertsError(f"refused message {refusal_id} kept only its headers ({size:,} "
                              f"bytes, over the {KEPT_RAW_BYTES:,} a refusal keeps): nothing "
                              "to examine; have it sent again")
    raw, summary = RawMessage(data, origin), PollSummary()
    handle_message(ctx, raw, tagger, summary)
    outcome = next(iter(summary.counts))
    if outcome == PollOutcome.DUPLICATE:  # stored meanwhile (a copy moved back into the inbox)
        with transaction(ctx.sessions) as session:
            forget_refusal(session, refusal_key(raw))
    if outcome not in (PollOutcome.REJECTED, PollOutcome.FAILED):
        return Retried(refusal_id, outcome)
    _, code, reason = summary.refusals[-1]
    with transaction(ctx.sessions) as session:  # (its row is found by its bytes: one row)
        session.execute(update(tables.RefusedMessage)
                        .where(tables.RefusedMessage.dedupe_key == refusal_key(raw))
                        .values(status=outcome, code=code, reason=reason,
                                received_at=ctx.now()))
    return Retried(refusal_id, outcome, code, reason)
