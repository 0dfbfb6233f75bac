"""What a subscriber's address, themes and cadence may be: one rule for the
CLI, the CSV import and the web forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.headerregistry import Address

from service.domain import THEMES

CADENCES = ("instant", "weekly")

# Deliberately loose (RFC 5322 allows far more than anyone uses), but it refuses
# what is surely a typo or an injection attempt: spaces, control characters,
# angle brackets, commas, a missing or dotless domain, undecodable bytes (U+FFFD).
# Not in the local part: "%" and "!" (old source routing, which a relay may follow to
# another host) nor an encoded word's "=?"; the domain ends in a name, not a number (an
# IP address: the operator's relay would try the internal host).  The web attacker's probe
# (stop 44) had confirmations written to "x!y%z@127.0.0.1" and "a=?utf-8?q?x?=@b.co".
_EMAIL = re.compile(
    r"(?!.*=\?)[^@\s\x00-\x1f\x7f<>(),;:\"\[\]\\\ufffd%!]+"
    r"@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*"
)


def normalise_email(email: str) -> str:
    """The address as stored (stripped, lower-cased); ValueError when it is not one, or
    when it is beyond ASCII: sending needs SMTPUTF8, which the service does not speak, so
    such an address would be accepted and then never written to (deliver/mime.py)."""
    address = email.strip()
    if not address.isascii():
        raise ValueError(f"{address!r}: only addresses in plain ASCII letters can be "
                         "emailed here")
    address = address.lower()
    if len(address) > 254 or not _EMAIL.fullmatch(address) or ".." in address:
        raise ValueError(f"{email.strip()!r} is not a valid email address")
    try:  # the sender's own reading of it (deliver/mime.py): an encoded word is none
        Address(addr_spec=address)
    except (ValueError, TypeError) as exc:  # (email.errors.HeaderDefect is a ValueError)
        raise ValueError(f"{email.strip()!r} is not a valid email address") from exc
    return address


def check_themes(themes: Iterable[str]) -> list[str]:
    """Known theme names, lower-cased, each once, in the order given."""
    chosen = list(dict.fromkeys(t.strip().lower() for t in themes if t.strip()))
    if not chosen:
        raise ValueError(f"choose at least one theme of: {', '.join(THEMES)}")
    unknown = [t for t in chosen if t not in THEMES]
    if unknown:
        raise ValueError(
            f"unknown theme {', '.join(map(repr, unknown))}; themes are: {', '.join(THEMES)}"
        )
    return chosen


def check_cadence(cadence: str) -> str:
    value = cadence.strip().lower()
    if value not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}; cadences are: {', '.join(CADENCES)}")
    return value
