"""The public URLs in emails, one builder per page of the web app.

Emails (render.py) and the web app (web/) must agree on these paths: the web
app's routes are declared with the same ``ROUTES``.
"""

from __future__ import annotations

from service.tokens import LinkSigner

ROUTES = {
    "subscribe": "/subscribe",
    "confirm": "/confirm/<token>",
    "preferences": "/preferences/<token>",
    "unsubscribe": "/unsubscribe/<token>",
    "feedback": "/feedback/<token>",
}


def _url(base_url: str, purpose: str, token: str) -> str:
    return base_url.rstrip("/") + ROUTES[purpose].replace("<token>", token)


def confirm_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str) -> str:
    return _url(base_url, "confirm", signer.sign("confirm", subscriber_id, link_secret))


def preferences_url(base_url: str, signer: LinkSigner, subscriber_id: int,
                    link_secret: str) -> str:
    return _url(base_url, "preferences", signer.sign("preferences", subscriber_id, link_secret))


def unsubscribe_url(base_url: str, signer: LinkSigner, subscriber_id: int,
                    link_secret: str) -> str:
    return _url(base_url, "unsubscribe", signer.sign("unsubscribe", subscriber_id, link_secret))


def feedback_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str,
                 story_id: int) -> str:
    token = signer.sign("feedback", subscriber_id, link_secret, story=story_id)
    return _url(base_url, "feedback", token)
