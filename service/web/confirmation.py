"""The double opt-in: a subscribe request queues a confirmation email; only a POST confirms.

The email is a delivery row (kind ``confirm``) that the worker sends, like any
other: the web request never talks to the mail server, so it cannot be used
to send mail quickly, and it answers in the same time whether or not the
address is already on the list.  One address gets at most one confirmation
per ``CONFIRM_INTERVAL`` and ``CONFIRMS_PER_DAY`` a day, counted from the
deliveries table, with the subscriber's row locked, so every web process
keeps to the same limit.

The themes asked for are kept aside (``requested_choices``) and signed into the
confirmation email's link; only that link's POST applies them.  So a stranger
typing somebody's address changes nothing of what that person follows, nor what
a confirmation already in their inbox would confirm, and an unsubscribed or
bounced address stays so until its owner confirms a new link (a read-only
review: the form made such an address pending again, which a CSV import then
activated).  A bounced address gets no confirmation email from the form: it is
not sent to again (an operator may add it back with ``newsalerts subscribers add``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.tables import Delivery, Subscriber
from service.db.types import as_utc
from service.deliver.tokens import SignedLink, made_before_leaving
from service.deliver.wakeup import announce
from service.domain import CONFIRM_KIND, THEMES, DeliveryStatus, SubscriberStatus
from service.subscribers import registry as subscribers
from service.subscribers.mailboxes import mailbox
from service.subscribers.rules import CADENCES
from service.web import throttle

log = logging.getLogger(__name__)

CONFIRM_INTERVAL = timedelta(minutes=10)
CONFIRMS_PER_DAY = 5
CONFIRM_MAILBOX = "confirm-mailbox"  # the rate_events scope of the per-inbox count


def request_subscription(session: Session, email: str, cadences: Mapping[str, str],
                         now: datetime) -> Delivery | None:
    """Record a subscribe request for ``email`` ({theme: cadence}); the queued email or None.

    None when the address is already active (nothing changes) or when it had
    its share of confirmation emails lately.
    """
    existing = subscribers.find_subscriber(session, email)
    if existing is None:
        first = next(iter(cadences.values()))
        subscriber = subscribers.add_subscriber(session, email, list(cadences), first,
                                                confirmed=False, now=now)
        subscribers.set_preferences(session, subscriber, dict(cadences), now=now)
    else:
        # Locked until commit: two requests at once count each other's emails.
        subscriber = session.get_one(Subscriber, existing.id, with_for_update=True,
                                     populate_existing=True)
        if subscriber.status in (SubscriberStatus.ACTIVE, SubscriberStatus.BOUNCED):
            log.info("subscribe form for %s subscriber %s: nothing changed",
                     subscriber.status, subscriber.id)
            return None
    subscriber.requested_choices = {t: cadences[t] for t in THEMES if t in cadences}
    return queue_confirmation(session, subscriber, now)


def queue_confirmation(session: Session, subscriber: Subscriber,
                       now: datetime) -> Delivery | None:
    """A confirmation delivery for ``subscriber``, unless the limits say it had enough."""
    count, last = session.execute(
        select(func.count(Delivery.id), func.max(Delivery.created_at))
        .where(Delivery.subscriber_id == subscriber.id, Delivery.kind == CONFIRM_KIND,
               Delivery.created_at >= now - timedelta(days=1))
    ).one()
    # A confirmation made before the address unsubscribed can no longer confirm it
    # (``confirmable``): it is no email "to use" instead of a new one.  Only the day's
    # limit counts it (a reader who unsubscribed and came back at once got nothing).
    usable = last is not None and not made_before_leaving(last, subscriber.unsubscribed_at)
    if count >= CONFIRMS_PER_DAY or (usable and as_utc(last) > now - CONFIRM_INTERVAL):
        log.info("no confirmation email for subscriber %s: %d sent in the last day",
                 subscriber.id, count)
        return None
    # ... and per inbox, whatever spelling of its address asked (an attacker's probe:
    # "victim+0..4@gmail.com" and dotted spellings, ten emails in ten seconds)
    if not throttle.allowed(session, CONFIRM_MAILBOX, mailbox(subscriber.email), now,
                            CONFIRMS_PER_DAY, timedelta(days=1)):
        log.info("no confirmation email for subscriber %s: %d sent to its inbox in the last "
                 "day", subscriber.id, CONFIRMS_PER_DAY)
        return None
    delivery = Delivery(subscriber_id=subscriber.id, kind=CONFIRM_KIND, issue_id=None, week=None,
                        story_ids=[], status=DeliveryStatus.PENDING, attempts=0, due_at=now,
                        created_at=now)
    session.add(delivery)
    session.flush()
    announce(session)
    log.info("queued a confirmation email for subscriber %s", subscriber.id)
    return delivery


def confirmable(session: Session, subscriber: Subscriber,
                link: SignedLink) -> dict[str, str] | None:
    """The {theme: cadence} a confirmation link would apply ({} keeps the stored themes),
    or None when it can confirm nothing: the address is active, or unsubscribed since
    the link's email was made, or bounced (only an operator adds such an address back: an old
    link made it active again, the web review)."""
    if subscriber.status in (SubscriberStatus.ACTIVE, SubscriberStatus.BOUNCED):
        return None
    delivery_id = link.extra.get("c")
    if delivery_id is None:  # signed before stop 31: the row's request, while pending
        if subscriber.status != SubscriberStatus.PENDING:
            return None
        return dict(subscriber.requested_choices or {})
    delivery = session.get(Delivery, delivery_id) if isinstance(delivery_id, int) else None
    if (delivery is None or delivery.subscriber_id != subscriber.id
            or delivery.kind != CONFIRM_KIND):
        return None
    if made_before_leaving(delivery.created_at, subscriber.unsubscribed_at):
        return None  # an email from before the unsubscribe: it subscribes nobody again
    asked = link.extra.get("choices")
    if not isinstance(asked, dict):
        return {}
    return {t: str(asked[t]) for t in THEMES if t in asked and asked[t] in CADENCES}


def confirm_request(session: Session, subscriber: Subscriber, link: SignedLink,
                    now: datetime) -> bool:
    """The POST of the confirmation page: apply the link's themes and activate."""
    asked = confirmable(session, subscriber, link)
    if asked is None:
        return False
    if asked:
        # Themes asked for get that cadence and keep their minimum score; others stop.
        subscribers.set_preferences(session, subscriber,
                                    {theme: asked.get(theme) for theme in THEMES}, now=now)
    subscriber.requested_choices = None
    if subscriber.status != SubscriberStatus.PENDING:  # unsubscribed: its owner came back
        subscriber.status = SubscriberStatus.PENDING
    return subscribers.confirm(session, subscriber, now)
