"""The preferences page: per theme, instant, weekly or off, and a minimum score."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy.orm import Session

from service.db.database import transaction
from service.db.tables import Subscriber
from service.deliver.links import unsubscribe_url
from service.domain import THEMES, SubscriberStatus
from service.subscribers import registry as subscribers
from service.web.forms import FormError, ThemeChoice, parse_choices
from service.web.signed import LinkOwner, link_owner
from service.web.views.base import PAGE_LINKS, Page, submitted_form

EDITABLE = (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE)


class PreferencesPage(Page):
    def get(self, token: str) -> str:
        with transaction(self.ctx.sessions) as session:
            owner = link_owner(session, self.ctx.signer, "preferences", token)
            return self._page(owner, current_choices(owner.subscriber))

    def post(self, token: str) -> tuple[str, int]:
        with transaction(self.ctx.sessions) as session:
            owner = link_owner(session, self.ctx.signer, "preferences", token, lock=True)
            subscriber = owner.subscriber
            if subscriber.status not in EDITABLE:
                return self._page(owner, current_choices(subscriber)), 409
            try:
                choices = parse_choices(submitted_form())
            except FormError as exc:
                return self._page(owner, current_choices(subscriber), error=str(exc)), 400
            save_choices(session, subscriber, choices, self.ctx.now())
            # The owner's own choice replaces whatever a subscribe form asked for.
            subscriber.requested_choices = None
            return self._page(owner, choices, notice=_saved_notice(choices)), 200

    def _page(self, owner: LinkOwner, choices: dict[str, ThemeChoice], **notices: str) -> str:
        subscriber = owner.subscriber
        return render_template(
            "pages/preferences.html", email=subscriber.email, status=subscriber.status,
            active=subscriber.status in EDITABLE, choices=choices,
            # born: its unsubscribe page hands out no preferences link younger than this one
            unsubscribe_url=unsubscribe_url(PAGE_LINKS, self.ctx.signer, subscriber.id,
                                            subscriber.link_secret, born=owner.link.made_at),
            **notices,
        )


def current_choices(subscriber: Subscriber) -> dict[str, ThemeChoice]:
    return {s.theme: ThemeChoice(s.cadence, s.min_score) for s in subscriber.subscriptions}


def save_choices(session: Session, subscriber: Subscriber,
                 choices: dict[str, ThemeChoice], now: datetime) -> None:
    """Exactly ``choices``: every other theme is turned off."""
    for theme in THEMES:
        choice = choices.get(theme)
        if choice is None:
            subscribers.set_preferences(session, subscriber, {theme: None})
        else:
            # 0 clears a minimum left from before; set_preferences keeps it on None.
            subscribers.set_preferences(session, subscriber, {theme: choice.cadence},
                                        min_score=choice.min_score or 0.0, now=now)


def _saved_notice(choices: dict[str, ThemeChoice]) -> str:
    if not choices:
        return ("Saved. Every theme is off, so no alerts or digests will come; "
                "you are still on the list and can turn themes back on here.")
    return "Saved. Your alerts now follow the choices below."
