"""The public URLs in emails, one builder per page of the web app.

Emails (render.py) and the web app (web/) must agree on these paths: the web
app's routes are declared with the same ``ROUTES``.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.deliver.tokens import LinkSigner

ROUTES = {
    "subscribe": "/subscribe",
    "confirm": "/confirm/<token>",
    "preferences": "/preferences/<token>",
    "unsubscribe": "/unsubscribe/<token>",
    # One token per email, for the issues it covers; the story is the last part of the path.
    "feedback": "/feedback/<token>/<int:story_id>",
}


def _url(base_url: str, purpose: str, token: str) -> str:
    path = ROUTES[purpose].split("<token>")[0] + token
    return base_url.rstrip("/") + path


def confirm_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str) -> str:
    return _url(base_url, "confirm", signer.sign("confirm", subscriber_id, link_secret))


def preferences_url(base_url: str, signer: LinkSigner, subscriber_id: int,
                    link_secret: str) -> str:
    return _url(base_url, "preferences", signer.sign("preferences", subscriber_id, link_secret))


def unsubscribe_url(base_url: str, signer: LinkSigner, subscriber_id: int,
                    link_secret: str) -> str:
    return _url(base_url, "unsubscribe", signer.sign("unsubscribe", subscriber_id, link_secret))


def feedback_base_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str,
                      issue_ids: Iterable[int]) -> str:
    """The "wrong themes?" link of an email, less the story: signed once for all its stories.

    An email to 10,000 readers would otherwise sign one link per story and
    reader.  The token names the issues the email covers, so a story id
    changed in the path to one of another issue is refused.
    """
    token = signer.sign("feedback", subscriber_id, link_secret, issues=sorted(set(issue_ids)))
    return _url(base_url, "feedback", token)


def story_feedback_url(feedback_base: str, story_id: int) -> str:
    return f"{feedback_base}/{story_id}"


def feedback_url(base_url: str, signer: LinkSigner, subscriber_id: int, link_secret: str,
                 issue_id: int, story_id: int) -> str:
    """One story's "wrong themes?" link."""
    base = feedback_base_url(base_url, signer, subscriber_id, link_secret, [issue_id])
    return story_feedback_url(base, story_id)
