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
# An address in a story's text: a plain-text issue's links, or a link shown as its address.
# Only the characters RFC 3986 allows in one, unbracketed: "。", "—", "”" or a space end it
# (read to the next space, a Japanese sentence after an address was cut with its tracking:
# the last review); "(", ")", "[", "]" and "'" end it too, so a markdown link stays whole.
URL_IN_TEXT = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+")
TRAILING = ".,;:!?"  # a sentence's stop after an address is no part of it
# What may follow an address in text: a space, the end, a closing mark or CJK punctuation.
# Anything else ("|", "é", "{") means the address goes on in characters it should not hold:
# it is left as written, as its rest would be joined to what the cut left (the last review).
AFTER_ADDRESS = re.compile(r"[\s)\]}>\"'”’»›。、，．！？：；…—–]|$")


def without_trackers(url: str) -> str:
    """``url`` without tracking parameters; every other byte of it as it was: the query is
    not decoded and encoded again, and it is cut out of the address as written, not as
    urlsplit reads it (which drops tabs and line breaks: the reviews)."""
    if "?" not in url or len(url) > MAX_URL_CHARS:
        return url
    head, hash_, fragment = url.partition("#")
    base, mark, query = head.partition("?")
    if not mark or not query:
        return url
    parts = split_address(url)
    host = (parts.hostname or "").lower()
    recipient = {name: value for hosts, paths, name, value in RECIPIENT
                 if hosts.search(host) and paths.search(parts.path)}
    pieces = query.split("&")
    kept = [piece for piece in pieces if not _tracking(piece, recipient)]
    if len(kept) == len(pieces):
        return url
    return base + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def text_without_trackers(text: str) -> str:
    """Every address in ``text`` without its tracking parameters."""
    if "?" not in text:
        return text
    return URL_IN_TEXT.sub(_cleaned, text)


def _cleaned(found: re.Match[str]) -> str:
    url = found[0]
    if not AFTER_ADDRESS.match(found.string, found.end()):
        return url
    core = url.rstrip(TRAILING)
    return without_trackers(core) + url[len(core):]


def _tracking(piece: str, recipient: dict[str, re.Pattern[str]]) -> bool:
    key, _, value = piece.partition("=")
    key = unquote(key)
    if TRACKING.fullmatch(key):
        return True
    pattern = recipient.get(key)
    return pattern is not None and bool(pattern.fullmatch(unquote(value)))
