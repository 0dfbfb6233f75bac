"""Subscribing with double opt-in: the form, and the link in the confirmation email.

The form's answer never tells whether an address is already on the list: a
new, pending, unsubscribed or active address all get the same page.  An active
subscriber's themes are left alone (anyone can type their address here); the
others become pending with the chosen themes and get a confirmation email.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import render_template
from sqlalchemy.orm import Session

from service.db.database import transaction
from service.db.tables import Subscriber
from service.deliver.links import preferences_url
from service.domain import SubscriberStatus
from service.errors import NewsalertsError
from service.subscribers import registry as subscribers
from service.web.confirmation import send_confirmation
from service.web.forms import FormError, ThemeChoice, parse_email, parse_subscription
from service.web.signed import link_owner
from service.web.views.base import PAGE_LINKS, Page, submitted_form
from service.web.views.preferences import current_choices, save_choices

log = logging.getLogger(__name__)


class SubscribePage(Page):
    def get(self) -> str:
        return render_template("pages/subscribe.html", email="", choices={})

    def post(self) -> tuple[str, int]:
        form = submitted_form()
        try:
            email = parse_email(form)
            choices = parse_subscription(form)
        except FormError as exc:
            page = render_template("pages/subscribe.html", email=form.get("email"),
                                   choices={}, error=str(exc))
            return page, 400
        with transaction(self.ctx.sessions) as session:
            pending = _request_subscription(session, email, choices, self.ctx.now())
            themes = [s.theme for s in pending.subscriptions] if pending else []
        if pending is not None:
            self._send_confirmation(pending, themes)
        return render_template("pages/subscribe_sent.html", email=email), 200

    def _send_confirmation(self, subscriber: Subscriber, themes: list[str]) -> None:
        try:
            send_confirmation(self.ctx, subscriber, themes)
        except NewsalertsError as exc:
            # Shown or not, the page must stay the same, or it would tell who is subscribed.
            log.error("could not send the confirmation email to subscriber %s: %s",
                      subscriber.id, exc)


def _request_subscription(session: Session, email: str, choices: dict[str, ThemeChoice],
                          now: datetime) -> Subscriber | None:
    """The subscriber to send a confirmation to, or None for an already active address."""
    existing = subscribers.find_subscriber(session, email)
    if existing is not None and existing.status == SubscriberStatus.ACTIVE:
        log.info("subscribe form for already active subscriber %s: nothing changed", existing.id)
        return None
    first = next(iter(choices.values()))
    subscriber = subscribers.add_subscriber(session, email, list(choices), first.cadence,
                                            confirmed=False, now=now)
    save_choices(session, subscriber, choices)
    return subscriber


class ConfirmPage(Page):
    def get(self, token: str) -> tuple[str, int]:
        with transaction(self.ctx.sessions) as session:
            subscriber = link_owner(session, self.ctx.signer, "confirm", token,
                                    lock=True).subscriber
            confirmed = subscribers.confirm(session, subscriber, self.ctx.now())
            if confirmed or subscriber.status == SubscriberStatus.ACTIVE:
                return render_template(
                    "pages/confirmed.html", confirmed=True, email=subscriber.email,
                    choices=current_choices(subscriber),
                    preferences_url=preferences_url(PAGE_LINKS, self.ctx.signer,
                                                    subscriber.id, subscriber.link_secret),
                ), 200
            return render_template("pages/confirmed.html", confirmed=False,
                                   reason=_not_confirmed_reason(subscriber.status)), 409


def _not_confirmed_reason(status: str) -> str:
    if status == SubscriberStatus.UNSUBSCRIBED:
        return ("This address unsubscribed after the confirmation email was sent, so the "
                "old link no longer subscribes it.")
    return "This address cannot receive our emails at the moment."
