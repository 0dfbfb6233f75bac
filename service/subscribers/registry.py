"""Subscribers and what they follow: add, confirm, change, unsubscribe, remove, import.

A subscriber is one lower-cased address with a status (pending, active,
unsubscribed, bounced) and, per theme, a subscription with a cadence
(instant or weekly) and an optional minimum score.  Only active subscribers
are matched (service/deliver/match.py).

Re-adding an address replaces the themes it follows; a theme it keeps keeps
its minimum score unless a new one is given.  A minimum score of 0 (or None)
means "no minimum".

``import_csv`` is the bulk path (service/subscribers/csv_import.py): it streams
the file and writes chunks with set-based statements, so 100,000 rows take
seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.db.tables import Delivery, Subscriber, Subscription
from service.db.types import as_utc, utc_now
from service.deliver.tokens import new_link_secret
from service.domain import THEMES, DeliveryStatus, SubscriberStatus
from service.subscribers.rules import (
    check_cadence,
    check_themes,
    normalise_email,
)

if TYPE_CHECKING:
    from service.subscribers.csv_import import ImportResult

def check_min_score(min_score: float | None) -> float | None:
    """A score in 0..1 as stored: 0 and None both mean "no minimum"."""
    if min_score is None:
        return None
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"minimum score must be between 0 and 1, got {min_score}")
    return min_score or None


def import_csv(sessions: sessionmaker[Session] | Engine, path: Path | str, *,
               now: datetime | None = None) -> ImportResult:
    """Add or update (as confirmed) the subscribers of an ``email,themes,cadence`` CSV.

    See service.subscribers.csv_import.import_csv, imported here on first use
    because it builds on this module's checks.
    """
    from service.subscribers import csv_import as subscriber_import

    return subscriber_import.import_csv(sessions, path, now=now)


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    return session.scalars(
        select(Subscriber).where(Subscriber.email == email.strip().lower())
    ).one_or_none()


def add_subscriber(session: Session, email: str, themes: Sequence[str], cadence: str, *,
                   confirmed: bool, min_score: float | None = None,
                   now: datetime) -> Subscriber:
    """Create or update a subscriber following ``themes`` at ``cadence``.

    A new address is active when ``confirmed``, else pending (double opt-in).
    An existing address gets exactly these themes; ``confirmed`` re-activates
    it, while an unconfirmed re-add of an unsubscribed or bounced address only
    makes it pending again, so that the confirmation link can bring it back.
    """
    address = normalise_email(email)
    chosen = check_themes(themes)
    cadence = check_cadence(cadence)
    score = check_min_score(min_score)
    subscriber = find_subscriber(session, address)
    if subscriber is None:
        subscriber = Subscriber(email=address, status=SubscriberStatus.PENDING,
                                link_secret=new_link_secret(), hard_bounces=0, created_at=now)
        session.add(subscriber)
    _set_status_on_add(subscriber, confirmed, now)
    wanted: dict[str, str | None] = {theme: None for theme in THEMES}
    wanted.update({theme: cadence for theme in chosen})
    set_preferences(session, subscriber, wanted, min_score=score, now=now)
    return subscriber


def _set_status_on_add(subscriber: Subscriber, confirmed: bool, now: datetime) -> None:
    if confirmed:
        _activate(subscriber, now)
    elif subscriber.status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED):
        subscriber.status = SubscriberStatus.PENDING


def _activate(subscriber: Subscriber, now: datetime) -> None:
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    # A confirmed address is one that receives mail: earlier bounces no longer count.
    subscriber.hard_bounces = 0


def set_preferences(session: Session, subscriber: Subscriber,
                    cadences: Mapping[str, str | None],
                    min_score: float | None = None, *, now: datetime | None = None) -> None:
    """Set the cadence per theme; None stops following that theme.

    Themes not named are left as they are.  ``min_score`` (when not None)
    applies to every theme named with a cadence; 0 clears the minimum.  A theme
    moved from weekly to instant remembers when (``weekly_until``, ``now``): what
    arrived before is still owed to the digest of its round (deliver/match.py).
    """
    changes = {check_themes([theme])[0]: cadence for theme, cadence in cadences.items()}
    current = {s.theme: s for s in subscriber.subscriptions}
    for theme, cadence in changes.items():
        existing = current.get(theme)
        if cadence is None:
            if existing is not None:
                subscriber.subscriptions.remove(existing)
            continue
        if existing is None:
            existing = Subscription(theme=theme, min_score=None)
            subscriber.subscriptions.append(existing)
        cadence = check_cadence(cadence)
        if cadence == "weekly":
            existing.weekly_until = None
        elif existing.cadence == "weekly":
            existing.weekly_until = now or utc_now()
        existing.cadence = cadence
        if min_score is not None:
            existing.min_score = check_min_score(min_score)
    session.flush()


def confirm(session: Session, subscriber: Subscriber, now: datetime) -> bool:
    """Activate a pending subscriber (the confirmation link was followed).

    Only pending subscribers change: an old confirmation link followed after
    unsubscribing does not subscribe anyone again.  Returns whether it did.
    """
    if subscriber.status != SubscriberStatus.PENDING:
        return False
    _activate(subscriber, now)
    session.flush()
    return True


def fully_unsubscribed(subscriber: Subscriber) -> bool:
    """Unsubscribed, with no request to come back pending: unsubscribing again changes
    nothing (with one pending, it withdraws it, so its confirmation confirms nothing)."""
    return (subscriber.status == SubscriberStatus.UNSUBSCRIBED
            and not subscriber.requested_choices)


def unsubscribe(session: Session, subscriber: Subscriber, now: datetime) -> int:
    """Stop all mail to the subscriber; returns how many pending deliveries were cancelled.

    Deliveries already claimed are left to their sender, which reads its batch's readers
    again at least every ``compose.READERS_FRESH_SECONDS`` and cancels theirs.
    """
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    subscriber.requested_choices = None  # a request to come back, made before, is withdrawn
    session.flush()
    cancelled = session.execute(
        update(Delivery)
        .where(Delivery.subscriber_id == subscriber.id, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], cancelled).rowcount)


def revoke_links(session: Session, email: str) -> bool:
    """Give the subscriber a new ``link_secret``: every link of the emails sent so far
    (confirm, preferences, unsubscribe, feedback) stops working, and later emails carry
    new ones; a forwarded or leaked email's links then act for nobody.  False if unknown."""
    subscriber = find_subscriber(session, email)
    if subscriber is None:
        return False
    subscriber.link_secret = new_link_secret()
    session.flush()
    return True


def remove_subscriber(session: Session, email: str) -> bool:
    """Delete the subscriber with everything of theirs (subscriptions, deliveries)."""
    subscriber = find_subscriber(session, email)
    if subscriber is None:
        return False
    session.delete(subscriber)
    session.flush()
    return True


def list_subscribers(session: Session) -> Iterator[dict[str, Any]]:
    """Every subscriber as a JSON-ready dict, by email, streamed.

    ``min_score`` is one number (or None) when all the subscriber's themes
    share it, else a {theme: score} mapping.
    """
    rows = session.execute(
        select(Subscriber.id, Subscriber.email, Subscriber.status, Subscriber.created_at,
               Subscriber.confirmed_at, Subscription.theme, Subscription.cadence,
               Subscription.min_score)
        .outerjoin(Subscription, Subscription.subscriber_id == Subscriber.id)
        .order_by(Subscriber.email, Subscription.theme)
        .execution_options(yield_per=1000)
    )
    entry: dict[str, Any] | None = None
    scores: dict[str, float | None] = {}
    for row in rows:
        if entry is None or entry["email"] != row.email:
            if entry is not None:
                yield _finish_entry(entry, scores)
            entry, scores = _start_entry(row), {}
        if row.theme is not None:
            entry["themes"][row.theme] = row.cadence
            scores[row.theme] = row.min_score
    if entry is not None:
        yield _finish_entry(entry, scores)


def describe(subscriber: Subscriber) -> dict[str, Any]:
    """One subscriber as ``list_subscribers`` shows it."""
    entry = _start_entry(subscriber)
    subscriptions = sorted(subscriber.subscriptions, key=lambda s: s.theme)
    entry["themes"] = {s.theme: s.cadence for s in subscriptions}
    return _finish_entry(entry, {s.theme: s.min_score for s in subscriptions})


def _start_entry(row: Any) -> dict[str, Any]:
    return {"email": row.email, "status": row.status, "themes": {}, "min_score": None,
            "created_at": _iso(row.created_at), "confirmed_at": _iso(row.confirmed_at)}


def _finish_entry(entry: dict[str, Any], scores: dict[str, float | None]) -> dict[str, Any]:
    distinct = set(scores.values())
    if len(distinct) > 1:
        entry["min_score"] = dict(scores)
    elif distinct:
        entry["min_score"] = distinct.pop()
    return entry


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, the same from both backends (SQLite hands back naive UTC)."""
    if value is None:
        return None
    return as_utc(value).isoformat()
