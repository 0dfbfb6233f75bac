"""The unsubscribe page: GET asks, POST unsubscribes (RFC 8058 one-click too).

Mail clients that honour ``List-Unsubscribe-Post`` POST ``List-Unsubscribe=
One-Click`` here with no cookies and no form token; the signed link in the URL
is the whole authorization, so this POST is exempt from CSRF.  Unsubscribing
twice is the same as once.
"""

from __future__ import annotations

import logging

from flask import render_template, request

from service.db.database import transaction
from service.deliver.links import preferences_url
from service.subscribers import registry as subscribers
from service.web import csrf
from service.web.signed import link_owner
from service.web.views.base import PAGE_LINKS, Page

log = logging.getLogger(__name__)


class UnsubscribePage(Page):
    def get(self, token: str) -> str:
        with transaction(self.ctx.sessions) as session:
            owner = link_owner(session, self.ctx.signer, "unsubscribe", token)
            subscriber = owner.subscriber
            # An unsubscribe link never expires; a preferences link lasts a year.  Handing
            # out a fresh one for an old link would let anybody holding an old or forwarded
            # email change the reader's themes for ever (a read-only review).
            fresh = owner.link.younger_than("preferences")
            return render_template(
                "pages/unsubscribe.html", email=subscriber.email,
                # (a request to come back pending: the button withdraws it, the review)
                already=subscribers.fully_unsubscribed(subscriber),
                preferences_url=preferences_url(PAGE_LINKS, self.ctx.signer,
                                                subscriber.id, subscriber.link_secret,
                                                born=owner.link.made_at)
                if fresh else "",
            )

    @csrf.exempt
    def post(self, token: str) -> str:
        # Read the form even though only the signed link counts: reading is what applies
        # the 64 KiB limit (413) instead of letting a huge body through unread.
        request.form.get("List-Unsubscribe")
        with transaction(self.ctx.sessions) as session:
            subscriber = link_owner(session, self.ctx.signer, "unsubscribe", token,
                                    lock=True).subscriber
            # (unsubscribed, with a request to come back pending: the reader changed their
            # mind again, and the confirmation on its way must confirm nothing: the scale
            # review found this click did nothing, and the link then subscribed them)
            if not subscribers.fully_unsubscribed(subscriber):
                cancelled = subscribers.unsubscribe(session, subscriber, self.ctx.now())
                log.info("subscriber %s unsubscribed; %s pending deliveries cancelled",
                         subscriber.id, cancelled)
            email = subscriber.email
        return render_template("pages/unsubscribed.html", email=email)
