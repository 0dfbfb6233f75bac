"""Subscribing with double opt-in: the form, and the page the confirmation email links to.

The form's answer never tells whether an address is already on the list: a
new, pending, unsubscribed or active address all get the same page, in the
same time (the email is queued, never sent from here, see
service/web/confirmation.py; and the answer waits out ``[web]
subscribe_min_seconds``).  An active subscriber's themes are left alone
(anyone can type their address here).

The confirmation link only shows a page with a button: mail scanners fetch
links (GET, HEAD) without anybody clicking, so only the button's POST, with
its CSRF token, confirms.
"""

from __future__ import annotations

import logging
import time

from flask import render_template

from service.db.database import transaction
from service.db.tables import Subscriber
from service.deliver.links import preferences_url
from service.deliver.render import requested_themes
from service.domain import SubscriberStatus
from service.web import throttle
from service.web.confirmation import confirm_request, confirmable, request_subscription
from service.web.forms import FormError, FormFields, parse_email, parse_subscription
from service.web.signed import link_owner
from service.web.views.base import PAGE_LINKS, Page, client_address, submitted_form
from service.web.views.preferences import current_choices

log = logging.getLogger(__name__)


class SubscribePage(Page):
    def get(self) -> str:
        return render_template("pages/subscribe.html", email="", choices={})

    def post(self) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        form = submitted_form()
        try:
            email = parse_email(form)
            choices = parse_subscription(form)
        except FormError as exc:
            page = render_template("pages/subscribe.html", email=form.get("email"),
                                   choices=_as_chosen(form), error=str(exc))
            return page, 400
        started = time.monotonic()
        client, now = client_address(), self.ctx.now()
        per_hour = self.ctx.settings.web.subscribe_per_client_per_hour
        with transaction(self.ctx.sessions) as session:
            allowed = throttle.subscribe_allowed(session, client, now, per_hour)
            if allowed:
                request_subscription(session, email,
                                     {t: c.cadence for t, c in choices.items()}, now)
        if not allowed:
            log.warning("subscribe form: %s sent more than %d requests in an hour",
                        client, per_hour)
            page = render_template("pages/subscribe.html", email=email, choices={},
                                   error="Too many requests from your address. "
                                         "Please try again in an hour.")
            return page, 429, {"Retry-After": "3600"}
        page = render_template("pages/subscribe_sent.html", email=email)
        self._answer_no_sooner_than(started)
        return page, 200

    def _answer_no_sooner_than(self, started: float) -> None:
        """Wait out ``[web] subscribe_min_seconds``: a new address costs a few more
        writes than a known one, and the time of the answer must not tell which."""
        floor = self.ctx.settings.web.subscribe_min_seconds
        remaining = floor - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)


def _as_chosen(form: FormFields) -> dict[str, object]:
    """The themes a refused form asked for, shown again: a mistyped address must not reset
    every choice (the web review)."""
    try:
        return dict(parse_subscription(form))
    except FormError:
        return {}


class ConfirmPage(Page):
    def get(self, token: str) -> tuple[str, int]:
        """Only shows what the button would confirm: a GET or HEAD changes nothing."""
        with transaction(self.ctx.sessions) as session:
            owner = link_owner(session, self.ctx.signer, "confirm", token)
            subscriber = owner.subscriber
            asked = confirmable(session, subscriber, owner.link)
            if asked is not None:
                themes = requested_themes(asked, (s.theme for s in subscriber.subscriptions))
                return render_template("pages/confirm.html", email=subscriber.email,
                                       themes=themes), 200
            return self._answer(subscriber, confirmed=False)

    def post(self, token: str) -> tuple[str, int]:
        with transaction(self.ctx.sessions) as session:
            owner = link_owner(session, self.ctx.signer, "confirm", token, lock=True)
            subscriber = owner.subscriber
            confirmed = confirm_request(session, subscriber, owner.link, self.ctx.now())
            if confirmed:
                log.info("subscriber %s confirmed", subscriber.id)
            return self._answer(subscriber, confirmed=confirmed)

    def _answer(self, subscriber: Subscriber, *, confirmed: bool) -> tuple[str, int]:
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
