"""Segment stage, structural engine: plain text's items, a title with its bare address.

Plain text has no links to lead an item, only the address written out: a bullet "kvtrace:
per-request KV-cache visualization https://github.com/… Find the one slow request", a
paragraph of a title over its address, a numbered title with its address alone on the line
under it (the fifteenth and sixteenth sweeps).  roles.py asks these.
"""

from __future__ import annotations

import re

from service.domain import Block
from service.ingest.headlines import (
    BARE_URL_LINE,
    DECORATION,
    block_lines,
    is_byline,
    lead_link,
    letter_words,
    tidy,
    title_like,
)
from service.ingest.plain_shape import WRAPPED_BEFORE
from service.ingest.units import Unit

__all__ = ["LEAD_ITEM_MIN_WORDS", "address_under", "dash_item", "dashed_head", "url_item"]

# "kvtrace: per-request KV-cache visualization https://github.com/… Find the one slow
# request": a plain-text bullet's title, its address, then what it says (the fifteenth sweep)
URL_ITEM = re.compile(r"^(?P<title>[^\n]{12,160}?)[ \t]+<?(?P<url>https?://[^\s<>]{4,2000})>?"
                      r"(?:[ \t]+[^\n]*)?$")


NUMBERED = re.compile(r"^\s*(?:\[\d{1,3}\]|\(?\d{1,3}[.)])\s+")  # "[1] ", "1. ", "(2) "
# "Notes" or "References" alone on a line: an essay's notes follow, not items (attack14)
NOTES = re.compile(r"^\W*(?:notes|end ?notes|footnotes|references|sources|bibliography"
                   r"|works cited|citations)\W*$", re.IGNORECASE)
LEAD_ITEM_MIN_WORDS = 4  # "Big news:" is a label; "Robots learn to fold shirts." a headline
URL_TITLE_WORDS = 3  # words of three letters or more in a title over its address
AUTHORS_CHARS = 160  # a line of authors between a numbered title and its address
NAMED_TOOL = re.compile(r"^[a-z0-9][\w.-]{1,30}: \S")


def url_item(block: Block, first: str) -> Unit | None:
    """A bullet with its title, then its bare address, then perhaps its summary; or a
    paragraph of two lines, a title over its bare address ("Honeypot Sees First Attempts
    Against Helpstack Flaw" over "https://…", plain text: the sixteenth sweep)."""
    lines = block_lines(block)
    # (the title read only over an address: a paragraph's first line may be megabytes)
    # the address right under the title, or under a numbered title's authors ("[1] Title" /
    # "Farah Qureshi, Liam O'Donnell (2025)" / "https://arxiv.org/…": the twenty-fifth sweep)
    at = 1 if len(lines) >= 2 and BARE_URL_LINE.match(lines[1]) else (
        2 if (len(lines) >= 3 and NUMBERED.match(lines[0]) and len(lines[1]) <= AUTHORS_CHARS
              and BARE_URL_LINE.match(lines[2])) else 0)
    head = tidy(NUMBERED.sub("", lines[0])) if at else ""
    if (block.kind == "paragraph" and head and (len(lines) == 2 or head != tidy(lines[0]))
            and title_like(head) and block.links and not is_byline(head)
            and letter_words(head) >= URL_TITLE_WORDS):
        # (not "412 points, 133 comments" over the item's address: the fourth sweep); a
        # numbered one may have its summary under the address ("[1] Diffusion Policies
        # Revisited" / "https://arxiv.org/…" / "Argues that…": a reading group's list, the
        # seventeenth sweep)
        url = next((link.url for link in block.links if link.url in lines[at]),
                   block.links[-1].url)
        return Unit("item", block, 9, head, url, "item: title over its address")
    if block.kind != "list_item":
        return None
    found = URL_ITEM.match(first.strip(DECORATION + "•→▸►‣"))
    # ("- Veridian cuts API prices in half —" over its address: the dash points at it, the
    # thirty-sixth sweep's podcast notes)
    title = tidy(found.group("title")).rstrip(" —–-:") if found else ""
    # (a tool's name in lower case before a colon is a title too: "kvtrace: per-request …")
    # (nor a sentence running on to the address: "→ Point your editor plugin at http://…",
    # a tutorial's step, the review of the thirty-sixth sweep's rules)
    if (found is None or not title or "http" in title or title.split()[-1] in WRAPPED_BEFORE
            or not (title_like(title) or NAMED_TOOL.match(title))):
        return None
    return Unit("item", block, 9, title, found.group("url"), "item: title and its address")


def address_under(units: list[Unit], index: int) -> bool:
    """The unit under the one at ``index`` is a bare address alone on its line."""
    below = units[index + 1] if index + 1 < len(units) else None
    return (below is not None and below.role == "body" and "\n" not in below.block.text.strip()
            and bool(BARE_URL_LINE.match(below.block.text.strip())))


def dash_item(block: Block, first: str, body_min: int) -> Unit | None:
    """``• Headline — summary``: a bullet whose title-like opening runs to a long dash, the
    link-led item of a newsletter without links (plain text); ``body_min``: the text it
    needs beyond its headline."""
    if block.kind != "list_item":
        return None
    head = dashed_head(first)
    if len(head.split()) < LEAD_ITEM_MIN_WORDS or not title_like(head):
        return None
    if len(block.text) - len(head) < body_min:
        return None
    return Unit("item", block, 9, tidy(head), lead_link(block, head), "item: dash-led line")


def dashed_head(first: str) -> str:
    """A bullet's opening up to its long dash ("• Headline — summary"); "" when it has none.
    (" -- " and "Headline: summary" over the bullet's own address are read by plain.py,
    for a whole issue of them: as every bullet's, they made a story's points stories, the
    review of the thirty-sixth sweep's rules.)"""
    text = first.strip(DECORATION + "•")
    for dash in (" — ", " – "):
        head, found, _ = text.partition(dash)
        if found:
            return head
    return ""
