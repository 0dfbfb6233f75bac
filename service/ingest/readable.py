"""Readable text: a decoded body that is mostly undecodable bytes is not an issue.

A part whose transfer encoding is garbage (base64 of nothing, binary where
text was declared) still "decodes": every bad byte becomes U+FFFD, or a
control character in a one-byte charset.  Stored, that is a story of mojibake
sent to every reader.  ``check_readable`` refuses such a text with
``undecodable-body`` (a MalformedMessage, so parse.py moves on to the next
part and, if none is readable, the message is stored as failed with the
reason).  Pure.
"""

from __future__ import annotations

import re

from service.errors import MalformedMessage

# Share of a body's visible characters that may be replacement or control characters.
# Measured on the shared corpus (58 real issues): the worst real body has 0.000; a
# body of random bytes decoded as UTF-8 has 0.54-0.60, as Latin-1 0.19-0.26.
MAX_UNREADABLE_SHARE = 0.15
# A few bad bytes in a short text ("caf\ufffd ok") are a typo, not a broken encoding.
MIN_UNREADABLE = 10
# U+FFFD, C0 and C1 controls other than whitespace, lone surrogates, private use.
_UNREADABLE = re.compile("[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_SPACES = " \t\n\r\f\v\xa0\u3000"


def unreadable_share(text: str) -> float:
    """The share of non-whitespace characters that are U+FFFD or control/unassigned."""
    unreadable, visible = _count(text)
    return unreadable / visible if visible else 0.0


def _count(text: str) -> tuple[int, int]:
    """(unreadable, visible) characters of ``text``: regular expressions, fast on 10 MB."""
    spaces = sum(text.count(space) for space in _SPACES)
    return len(_UNREADABLE.findall(text)), len(text) - spaces


def check_readable(text: str) -> str:
    """``text`` unchanged, or MalformedMessage("undecodable-body") when mostly unreadable."""
    unreadable, visible = _count(text)
    share = unreadable / visible if visible else 0.0
    if share > MAX_UNREADABLE_SHARE and unreadable >= MIN_UNREADABLE:
        raise MalformedMessage(
            "undecodable-body",
            f"The body decodes to {share:.0%} undecodable or control characters "
            f"(more than {MAX_UNREADABLE_SHARE:.0%}): its encoding is broken.")
    return text
