"""Intake: how much of a message newsalerts will read, checked on its raw bytes and text
before the email package or the HTML parser spends anything on them.

An attacker's probe (stop 43) found shapes well under `[inbox] max_message_bytes` that took
minutes and gigabytes: 5,000 From headers shaped for the address parser (157 s of CPU, and
from a stranger: the poll held for everyone), 260,000 MIME parts (110 s), a table of
990,000 cells (83 s, 1.4 GB).  Real newsletters are far inside every limit here: across
the 1,700 fixture and shared emails, at most 29 header fields (2 KB), 16 Content-Type
lines, 1,061 HTML tags and 404 plain-text lines in one part.
"""

from __future__ import annotations

import re

from service.errors import MalformedMessage

__all__ = ["check_header_section", "check_markup", "check_parts", "check_plain_lines",
           "header_end"]

MAX_HEADER_FIELDS = 1_000  # a long Received chain and its ARC seals are under 100
MAX_HEADER_BYTES = 256 * 1024
MAX_PARTS = 500  # Content-Type lines: a newsletter has a few, an issue with pictures dozens
# lines opening "--" and a character: MIME boundaries (a digest's messages have no
# Content-Type line of their own: 224,000 of them took 81 s), rules drawn in dashes
MAX_DASH_LINES = 2_000
MAX_TAGS = 50_000  # a long Mailchimp issue has some thousands
MAX_ATTRIBUTES = 200_000  # "=" signs: one tag of a million attributes took 890 MiB
MAX_LINES = 50_000

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD_START = re.compile(rb"\n(?![ \t])")
_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:", re.IGNORECASE | re.MULTILINE)
_DASH_LINE = re.compile(rb"^--\S", re.MULTILINE)


def check_header_section(data: bytes) -> None:
    """MalformedMessage("headers-too-large") for a header section over MAX_HEADER_BYTES or
    MAX_HEADER_FIELDS fields, before any header is parsed (and before trust: a stranger's)."""
    end = header_end(data, MAX_HEADER_BYTES + 4)
    if end is None and len(data) > MAX_HEADER_BYTES:
        raise MalformedMessage("headers-too-large", "The message's headers run over "
                               f"{MAX_HEADER_BYTES // 1024} KB, more than newsalerts reads.")
    section = data[:end] if end is not None else data
    fields = 1
    for fields, _ in enumerate(_FIELD_START.finditer(section), start=2):
        if fields > MAX_HEADER_FIELDS:
            raise MalformedMessage("headers-too-large", "The message has over "
                                   f"{MAX_HEADER_FIELDS:,} header fields, more than "
                                   "newsalerts reads.")


def header_end(data: bytes, within: int) -> int | None:
    """Where the blank line that ends the header section starts, looked for in the first
    ``within`` bytes; None if it is not there."""
    found = _HEADER_END.search(data, 0, within)
    return found.start() if found else None


def check_parts(data: bytes) -> None:
    """MalformedMessage("too-complex") for a message of more than MAX_PARTS MIME parts (its
    Content-Type lines counted), before the email package parses them."""
    for pattern, most in ((_CONTENT_TYPE, MAX_PARTS), (_DASH_LINE, MAX_DASH_LINES)):
        for count, _ in enumerate(pattern.finditer(data), start=1):
            if count > most:
                raise MalformedMessage("too-complex", f"The message has over {most:,} MIME "
                                       "parts, more than newsalerts reads.")


def check_markup(markup: str) -> str:
    """``markup``, or MalformedMessage("too-complex") when it holds over MAX_TAGS tags (the
    text/plain part is read instead, as for markup nested too deeply)."""
    if markup.count("<") > MAX_TAGS or markup.count("=") > MAX_ATTRIBUTES:
        raise MalformedMessage("too-complex", f"The message's HTML has over {MAX_TAGS:,} "
                               f"tags or {MAX_ATTRIBUTES:,} attributes, more than newsalerts "
                               "reads.")
    return markup


def check_plain_lines(text: str) -> str:
    """``text``, or MalformedMessage("too-complex") when it runs over MAX_LINES lines."""
    if text.count("\n") > MAX_LINES:
        raise MalformedMessage("too-complex", f"The message's text has over {MAX_LINES:,} "
                               "lines, more than newsalerts reads.")
    return text
