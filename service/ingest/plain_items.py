"""Segment stage, structural engine: plain text's items, a title with its bare address.

Plain text has no links to lead an item, only the address written out: a bullet "kvtrace:
per-request KV-cache visualization https://github.com/… Find the one slow request", a
paragraph of a title over its address, a numbered title with its address alone on the line
under it (the fifteenth and sixteenth sweeps).  And what plain text sets under a title that
is no title of its own: its byline, a paper's authors and year, a listing's fields, a box
of rules around it.  roles.py asks these.
"""

from __future__ import annotations

import re

from service.domain import Block
from service.ingest.buttons import SCORE_LINE
from service.ingest.fields import fields_line, status_line
from service.ingest.headlines import (
    BARE_URL_LINE,
    DECORATION,
    ENUMERATOR,
    block_lines,
    is_byline,
    lead_link,
    letter_words,
    tidy,
    title_like,
)
from service.ingest.plain_shape import WRAPPED_BEFORE
from service.ingest.units import Unit

__all__ = ["LEAD_ITEM_MIN_WORDS", "PAPER_AUTHORS", "address_under", "authors_under_number",
           "boxed", "byline_under", "dash_item", "dashed_head", "item_over_address",
           "title_meta", "url_item"]

# "kvtrace: per-request KV-cache visualization https://github.com/… Find the one slow
# request": a plain-text bullet's title, its address, then what it says (the fifteenth sweep)
URL_ITEM = re.compile(r"^(?P<title>[^\n]{12,160}?)[ \t]+<?(?P<url>https?://[^\s<>]{4,2000})>?"
                      r"(?:[ \t]+[^\n]*)?$")


NUMBERED = re.compile(r"^\s*(?:\[\d{1,3}\]|\(?\d{1,3}[.)])\s+")  # "[1] ", "1. ", "(2) "
# "Notes" or "References" alone on a line: an essay's notes follow, not items (attack14)
NOTES = re.compile(r"^\W*(?:notes|end ?notes|footnotes|references|sources|bibliography"
                   r"|works cited|citations"
                   # "Links mentioned in this issue:" (the review of the 47th sweep's rules)
                   r"|links (?:mentioned|from|in) (?:in )?this (?:issue|post|episode|letter))\W*$",
                   re.IGNORECASE)
LEAD_ITEM_MIN_WORDS = 4  # "Big news:" is a label; "Robots learn to fold shirts." a headline
URL_TITLE_WORDS = 3  # words of three letters or more in a title over its address
# A paper's authors with its year under its numbered title, in plain text: "Okafor,
# Lindqvist, Tanaka (2024) [1]", "Brenner & Adeyemi (2024)", "Zhou et al. (2024)" (a
# reading group's list, the forty-seventh sweep); the year is what says a paper's
PAPER_AUTHORS = re.compile(
    r"^[A-Z][\w'’-]+(?:(?:,[ \t]*|,?[ \t]+(?:&|and)[ \t]+)[A-Z][\w'’-]+){0,11}"
    r"(?:[ \t]+et al\.?)?[ \t]*\((?:19|20)\d\d[a-z]?\)(?:[ \t]*\[\d{1,3}\])?$")
AUTHORS_CHARS = 160  # a line of authors between a numbered title and its address
RUN_LOOKBACK = 20  # pairs of a title over its address read back for what the run opens under
# "Name - what it does": a word in lower case after the hyphen (not a score's "114 - 111")
HYPHENED = re.compile(r"(?<!\d) --? (?=[a-z])")
NAMED_TOOL = re.compile(r"^[a-z0-9][\w.-]{1,30}: \S")


def url_item(block: Block, first: str, listed: bool = False) -> Unit | None:
    """A bullet with its title, then its bare address, then perhaps its summary (``listed``:
    among link items, under a heading or another item); or a paragraph of two lines, a
    title over its bare address ("Honeypot Sees First Attempts Against Helpstack Flaw" over
    "https://…", plain text: the sixteenth sweep)."""
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
    head = HYPHENED.split(title, maxsplit=1)[0]
    if (listed and title and not title_like(title) and head != title
            and len(head.split()) >= LEAD_ITEM_MIN_WORDS and title_like(head)):
        # "- Ollo 2.0 ships local function calling - finally works offline. https://…": its
        # name, a hyphen, what it says, then its address (the forty-seventh sweep); among
        # link items only (a story's own "- Saturday social ride - 40km…" stay its text), and
        # not a score's "114 - 111" (the review)
        title = head
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


def item_over_address(units: list[Unit], index: int) -> Unit | None:
    """A one-line title over its address alone, and no text under them: a link item of plain
    text, its address on an indented line of its own (" 7. promptdiff - git-style diffs for
    prompt templates" / "    https://…", then the next item or section: the forty-seventh
    sweep).  Numbered, or one of a run of them; a title with text under the address is a
    story's title (roles.py)."""
    if not address_under(units, index) or not _opens_a_list(units, index):
        return None
    after = units[index + 2] if index + 2 < len(units) else None
    lines = block_lines(units[index].block)
    if len(lines) != 1:
        return None
    run = after is not None and after.role == "body" and address_under(units, index + 2) and (
        len(block_lines(after.block)) == 1)
    if not (run or (NUMBERED.match(lines[0]) and (
            after is None or after.role == "rule" or after.block.kind == "heading"))):
        return None
    address = units[index + 1].block
    url = address.links[0].url if address.links else tidy(address.text)
    return Unit("item", units[index].block, 9, tidy(NUMBERED.sub("", lines[0])), url,
                "item: title over its address alone")


def _opens_a_list(units: list[Unit], index: int) -> bool:
    """The run of titles over their addresses that ``units[index]`` is in follows a
    heading, a rule or an item: not a story's paragraph ("Here's how:" over its numbered
    steps, "Links mentioned in this issue:" over an essay's links: the review)."""
    at = index - 1
    for _ in range(RUN_LOOKBACK):
        if not (at >= 1 and address_under(units, at - 1) and units[at].role == "body"):
            return at < 0 or units[at].role in ("rule", "title", "item")
        at -= 2  # back over the pairs before this one
    return True  # (read so far back, a run of such pairs is a list of links: linear time)


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


def authors_under_number(above: Unit | None, block: Block, lines: list[str]) -> bool:
    """``block`` is a paper's authors and year, one line under ``above``, a numbered title
    line, with what only a citation has: its reference's link ("[1]"), "et al." or two
    commas (not "Thelma & Louise (1991)" under "2. A close second, with 198 votes.": the
    review)."""
    text = above.block.text.strip() if above is not None else ""
    if not (len(lines) == 1 and above is not None and above.block.kind == "paragraph"
            and "\n" not in text and ENUMERATOR.match(text) and title_like(text)
            and PAPER_AUTHORS.match(tidy(lines[0]))):
        return False
    return bool(block.links) or "et al" in lines[0] or lines[0].count(",") >= 2


def byline_under(units: list[Unit], index: int) -> bool:
    """The block under ``units[index]`` is one line naming its author ("by Ada Marsh"), or
    a paper's authors under its numbered title."""
    below = units[index + 1]
    lines = block_lines(below.block)
    return below.role == "body" and len(lines) == 1 and (
        is_byline(lines[0]) or authors_under_number(units[index], below.block, lines))


def title_meta(line: str) -> bool:
    """A line that says who wrote the title over it, what its fields are, what its status
    is ("Billing service rewrite" over "[ON TRACK] Beta opens…": the review) or its score
    on a link site: no title."""
    return (is_byline(line) or fields_line(line) or status_line(line)
            or bool(SCORE_LINE.match(line)))


def boxed(units: list[Unit], end: int) -> bool:
    """The units before ``end`` close on a line boxed between two rules ("-----" / "1) Linux
    6.19 merge window closes" / "-----", plain text: the twenty-second sweep): what follows
    is its text, not a title of its own."""
    return (3 <= end <= len(units) and units[end - 1].role == "rule"
            and units[end - 3].role == "rule" and units[end - 2].role != "rule"
            and "\n" not in units[end - 2].block.text.strip())
