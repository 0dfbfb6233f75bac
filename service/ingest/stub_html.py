"""Parse stage: an HTML part that is a stub beside a text/plain part that holds the issue.

Some senders put the issue in the text/plain part alone and send an HTML part of a
"View this email in your browser" link, banners and "Unsubscribe".  Read first, the
stub made the issue refused as no-stories, or one story under its subject (an operator's
probe).  The plain part is read instead when the HTML part has a fraction of its words.
Words are counted without addresses, which fill a plain part's lines (a review: a real
HTML issue was lost to its plain part's tracking links), and the plain part must read as
an issue, several paragraphs, not a signature; one that cannot be read leaves the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from email.message import Message

from service.domain import Block
from service.errors import MalformedMessage

__all__ = ["alternative_plain", "plain_instead"]

STUB_HTML_CHARS = 2_000  # an HTML part shorter than this may be a stub
STUB_SHARE = 0.25
STUB_PLAIN_MIN_CHARS = 400
STUB_PLAIN_MIN_BLOCKS = 3  # paragraphs of a sentence or more ("-- ", a name: a signature's)
STUB_PARAGRAPH_CHARS = 40
MAX_BLOCKS_READ = 500
_ADDRESS = re.compile(r"<?\b(?:https?://|www\.)\S+>?")


def plain_instead(html: Sequence[Block], msg: Message, html_part: Message,
                  read_plain: Callable[[Message], list[Block]]) -> list[Block] | None:
    """The blocks of ``html_part``'s plain alternative when its ``html`` blocks are a stub
    beside them; else None.  The plain part's size as sent bounds its words: most issues'
    HTML holds more than a quarter of it, and their plain part is never read (reading it
    for every short issue doubled the parse's time: the stop's pipeline bench)."""
    shown = _words(html, STUB_HTML_CHARS)
    if shown >= STUB_HTML_CHARS:
        return None  # (counted no further: this runs for every issue)
    part = alternative_plain(msg, html_part)
    if part is None or shown >= STUB_SHARE * len(str(part.get_payload())):
        return None
    try:
        plain = read_plain(part)
    except (MalformedMessage, RecursionError):
        return None  # (an unreadable plain part is no better: the HTML stays)
    size = _words(plain)
    paragraphs = sum(_words([block]) >= STUB_PARAGRAPH_CHARS
                     for block in plain[:MAX_BLOCKS_READ])
    if (paragraphs >= STUB_PLAIN_MIN_BLOCKS and size >= STUB_PLAIN_MIN_CHARS
            and shown < STUB_SHARE * size):
        return plain
    return None


def alternative_plain(msg: Message, html: Message) -> Message | None:
    """The text/plain part that is ``html``'s alternative, in the same multipart/alternative;
    None when it has none (a gateway's disclaimer appended as a text/plain part is no
    alternative: the review)."""
    parent = next((part for part in msg.walk() if part.get_content_type() ==
                   "multipart/alternative" and isinstance(payload := part.get_payload(), list)
                   and any(child is html for child in payload)), None)
    children = parent.get_payload() if parent is not None else []
    return next((child for child in children if isinstance(child, Message)
                 and child.get_content_type() == "text/plain"
                 and child.get_content_disposition() != "attachment"), None)


def _words(blocks: Sequence[Block], enough: int | None = None) -> int:
    """The blocks' characters but addresses, counted until ``enough``."""
    total = 0
    for block in blocks[:MAX_BLOCKS_READ]:
        total += len(_ADDRESS.sub("", block.text).strip())
        if enough is not None and total >= enough:
            break
    return total
