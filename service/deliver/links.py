"""The public URLs in emails, one builder per page of the web app.

Emails (render.py) and the web app (web/) must agree on these paths: the web
app's routes are declared with the same ``ROUTES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from service.deliver.tokens import LinkSigner

ROUTES = {
    "subscribe": "/subscribe",
    "confirm": "/confirm/<token>",
    "preferences": "/preferences/<token>",
    "unsubscribe": "/unsubscribe/<token>",
    # One token per email (its delivery); the story is the last part of the path.
    "feedback": "/feedback/<token>/<int:story_id>",
}


def _url(base_url: str, purpose: str, token: str) -> str:
    path = ROUTES[purpose].split("<token>")[0] + token
    return base_url.rstrip("/") + path


def confirm_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str,
                delivery_id: int | None = None, choices: Mapping[str, str] | None = None) -> str:
    """The double opt-in link of confirmation email ``delivery_id``, carrying the themes it
    confirms (``choices``; none keeps those stored): a later request by somebody else
    changes neither (web/confirmation.py)."""
    extra: dict[str, object] = {}
    if delivery_id is not None:
        extra = {"c": delivery_id, "choices": dict(choices or {})}
    return _url(base_url, "confirm", signer.sign("confirm", subscriber_id, link_secret, **extra))


def preferences_url(base_url: str, signer: LinkSigner, subscriber_id: int,
                    link_secret: str, born: datetime | None = None) -> str:
    """``born``: when the email behind the link that reached the page handing this one
    out was made; the new link expires as that email's would (tokens.SignedLink.made_at)."""
    return _url(base_url, "preferences", signer.sign("preferences", subscriber_id, link_secret,
                                                     **_born(born)))


def unsubscribe_url(base_url: str, signer: LinkSigner, subscriber_id: int,
                    link_secret: str, born: datetime | None = None) -> str:
    return _url(base_url, "unsubscribe", signer.sign("unsubscribe", subscriber_id, link_secret,
                                                     **_born(born)))


def _born(born: datetime | None) -> dict[str, int]:
    return {} if born is None else {"born": int(born.timestamp())}


def feedback_base_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str,
                      delivery_id: int) -> str:
    """The "wrong themes?" link of an email, less the story: signed once for all its stories.

    An email to 10,000 readers would otherwise sign one link per story and
    reader.  The token names the email (its delivery), so a story id changed
    in the path to one the email did not hold is refused (web/signed.py).  It
    named the issues the email covered until stop 31: a digest of 170 issues
    made a link longer than an email's URLs may be, and was never sent; links
    signed that way are still honoured.
    """
    token = signer.sign("feedback", subscriber_id, link_secret, delivery=delivery_id)
    return _url(base_url, "feedback", token)


def story_feedback_url(feedback_base: str, story_id: int) -> str:
    return f"{feedback_base}/{story_id}"


def feedback_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str,
                 delivery_id: int, story_id: int) -> str:
    """One story's "wrong themes?" link, in the email of delivery ``delivery_id``."""
    base = feedback_base_url(base_url, signer, subscriber_id, link_secret, delivery_id)
    return story_feedback_url(base, story_id)
