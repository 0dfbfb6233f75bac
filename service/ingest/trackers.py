"""Segment stage: a story's links without what ties them to our own subscription.

A newsletter's links carry its sender's tracking: campaign tags (``utm_*``), and ids of
the subscriber the email was sent to, which is this service's inbox.  Passed on in every
alert, on the archive's pages and in the public feeds, each reader's click counted against
the operator's subscription and published its subscriber id (an operator's review:
Mailchimp's ``…/track/click?u=…&id=…&e=<subscriber>``, Ghost's ``/r/<id>?m=<member>``).

Only parameters known to be tracking are dropped, so the link still leads where it did
(a click-tracking redirect works without its subscriber's id).  Redirects whose path
holds the id (beehiiv's ``/ss/c/…``, Substack's ``/redirect/…``) are left as they are:
they cannot be read without following them, which the service never does.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from service.ingest.addresses import split_address

__all__ = ["text_without_trackers", "without_trackers"]

# Anywhere: campaign tags and the mail platforms' per-recipient ids.
TRACKING = re.compile(r"utm_\w+|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ck_subscriber_id|"
                      r"oly_enc_id|oly_anon_id|vero_id|vero_conv|fbclid|gclid|msclkid|"
                      r"_bhlid|sc_cid|rb_clickid", re.IGNORECASE)
# The recipient's id in a platform's own click-tracking redirect: (host, path, parameter,
# what its value looks like).
RECIPIENT = (
    # Mailchimp's "…list-manage.com/track/click?u=…&id=…&e=<subscriber>"
    (re.compile(r"(?:^|\.)list-manage\.com$"), re.compile(r"^/track/click"), "e",
     re.compile(r"[0-9a-f]{6,}")),
    # Ghost's "/r/<hash>?m=<member uuid>", on the publication's own host
    (re.compile(r""), re.compile(r"^/r/[0-9a-f]{6,}$"), "m", re.compile(r"[0-9a-f-]{4,}")),
)
MAX_URL_CHARS = 8192  # a longer address is left alone (a hostile one: no work on it)
# An address in a story's text: a plain-text issue's links, or a link shown as its address
# (not its sentence's last stop or comma)
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'()\[\]]{0,8191}[^\s<>\"'()\[\].,;:!?]")


def without_trackers(url: str) -> str:
    """``url`` without tracking parameters; every other byte of it as it was (the query is
    not decoded and encoded again: that changed where some links went, the diff's review)."""
    if "?" not in url or len(url) > MAX_URL_CHARS:
        return url
    parts = split_address(url)
    if not parts.query:
        return url
    host = (parts.hostname or "").lower()
    recipient = {name: value for hosts, paths, name, value in RECIPIENT
                 if hosts.search(host) and paths.search(parts.path)}
    pieces = parts.query.split("&")
    kept = [piece for piece in pieces if not _tracking(piece, recipient)]
    if len(kept) == len(pieces):
        return url
    query = "&".join(kept)
    before, _, rest = url.partition("?")
    fragment = rest[len(parts.query):]  # "#…", if any, as written
    return f"{before}?{query}{fragment}" if query else f"{before}{fragment}"


def text_without_trackers(text: str) -> str:
    """Every address in ``text`` without its tracking parameters."""
    if "?" not in text:
        return text
    return URL_IN_TEXT.sub(lambda found: without_trackers(found[0]), text)


def _tracking(piece: str, recipient: dict[str, re.Pattern[str]]) -> bool:
    key, _, value = piece.partition("=")
    key = unquote(key)
    if TRACKING.fullmatch(key):
        return True
    pattern = recipient.get(key)
    return pattern is not None and bool(pattern.fullmatch(unquote(value)))
