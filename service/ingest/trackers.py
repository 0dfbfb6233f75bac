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
from urllib.parse import parse_qsl, urlencode, urlunsplit

from service.ingest.addresses import split_address

__all__ = ["without_trackers"]

# Anywhere: campaign tags and the mail platforms' per-recipient ids.
TRACKING = re.compile(r"utm_\w+|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ck_subscriber_id|"
                      r"oly_enc_id|oly_anon_id|vero_id|vero_conv|fbclid|gclid|msclkid|"
                      r"_bhlid|sc_cid|rb_clickid", re.IGNORECASE)
# The recipient's id in a platform's own click-tracking redirect: (host, path, parameter).
RECIPIENT = (
    (re.compile(r"(?:^|\.)list-manage\.com$"), re.compile(r"^/track/click"), "e"),  # Mailchimp
    (re.compile(r""), re.compile(r"^/r/[0-9a-f]{6,}$"), "m"),  # Ghost's /r/<hash>?m=<member>
)
MAX_URL_CHARS = 8192  # a longer address is left alone (a hostile one: no work on it)


def without_trackers(url: str) -> str:
    """``url`` without tracking parameters; unchanged when it has none."""
    if "?" not in url or len(url) > MAX_URL_CHARS:
        return url
    parts = split_address(url)
    if not parts.query:
        return url
    host = (parts.hostname or "").lower()
    recipient = {name for hosts, paths, name in RECIPIENT
                 if hosts.search(host) and paths.search(parts.path)}
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs
            if not TRACKING.fullmatch(key) and key not in recipient]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))
