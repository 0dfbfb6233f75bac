"""Segment stage, structural engine: a block that opens with a link is an item.

``[Headline](url) - summary`` and its kin: a link-led line (roles.py asks ``link_item`` of
every block), short linked names one a line ("gokv 3.0 – …"), and whether a list's bullets
open items of their own (``opens_items``: under a section's title or a news label such as
"IN BRIEF:", not under a story's "Links:" or "Further reading").  Each test reads a line
or two, and the lines of a block are paired with its links in order: linear time.
"""

from __future__ import annotations

import itertools
import re

from service.domain import Block
from service.ingest.buttons import BUTTON_BAR, CALL_TO_ACTION, SCORE_LINE, WEB_LINK
from service.ingest.cuts import Cut
from service.ingest.headlines import (
    BARE_URL_LINE,
    CJK,
    DECORATION,
    ENUMERATOR,
    ICON_LEAD,
    RELATED,
    letter_words,
    names_author,
    tidy,
)
from service.ingest.named import section_like
from service.ingest.run_in import headline_then_sentence
from service.ingest.units import Unit

__all__ = ["icon_link", "link_item", "named_link_lines", "news_label", "opens_items",
           "own_icon_link", "split_lines"]

# "Links:", "More links": a story's sources; "Quick Links:" are news (sweep8's)
LINKS = re.compile(r"^(?:more |the |some |useful )?links?(?: mentioned)?$", re.IGNORECASE)
# What may follow a link-led line's link: a dash, a colon, a bracket, a source in CJK
# ("（日経）"), and a card's reading time ("[Flaky tests are a staffing problem] · 4 min
# read": attack14)
ITEM_TAIL = re.compile(r"\s*(?:$|[-–—:|•]\s|\(|[.:]\s|[（：]|·\s*\d{1,3}\s*min)")
DASH_BULLET = re.compile(r"^[-–]\s+")
LABEL_CHARS = 80  # a label over a list ("IN BRIEF:", "Quick hits") is short
BAR_PART_WORDS = 3  # a button's name in a bar of them: "Apple Podcasts", "Pocket Casts"
CJK_LINK_CHARS = 6  # a linked headline in Chinese or Japanese is one "word" with no spaces

# "gokv 3.0 – Key-value abstraction with 18 backends.": a short linked name, a dash, what it is
NAMED_LINK_TAIL = re.compile(r"\s[-–—]\s+\S")


# A link that casts a vote in a reader poll: "…/poll/2291?answer=yes" (beehiiv's),
# "…/polls/a71c/option/2": a poll's answer, never a headline (the twenty-seventh and
# twenty-ninth sweeps).  A news link to a site's "/polls/" page has no vote in it.
POLL_VOTE = re.compile(r"/polls?/[\w-]{1,40}/(?:option|answer|vote|choice)s?/"
                       r"|/polls?/[\w-]{1,40}/?\?(?:[^#]*&)?(?:answer|vote|option|choice)="
                       # Ghost's "👍 More like this" / "👎 Less like this" (the 32nd sweep)
                       r"|#/feedback/[\w-]{1,40}/[01]/",
                       re.IGNORECASE)


# A poll's answer, marked by a coloured square and nothing after its link: "🟩 Yes, we'll
# drop RAG", "🟥 No" (the 33rd sweep); not "🔴 Live: Apple's keynote" (news: the review)
POLL_ANSWER = re.compile(r"^[🟩🟨🟥🟧🟦🟪🟫⬜⬛]")


def named_link_lines(block: Block, lines: list[str]) -> list[Unit]:
    """Each line as an item when every line opens with a link of its own, in order, then a
    dash: a list of releases or tools, however short their names ("gokv 3.0", "Lattice
    1.4": Cooperpress's quick releases, the sixteenth sweep); else none.  The lines and
    links are paired in order, in linear time (a hostile block of thousands: the review)."""
    if len(block.links) != len(lines):
        return []
    items = []
    for line, link in zip(lines, block.links, strict=True):
        item = _named_link(Block(kind=block.kind, text=line, links=(link,)))
        if item is None:
            return []
        items.append(item)
    return items


def _named_link(block: Block) -> Unit | None:
    line = tidy(block.text)
    link = block.links[0] if block.links else None
    name = tidy(link.text) if link else ""
    if (link is None or not name or not link.url.startswith("http") or not line.startswith(name)
            or not NAMED_LINK_TAIL.match(line, len(name)) or POLL_VOTE.search(link.url)):
        return None
    return Unit("item", block, 9, name, link.url, "item: link-led line")


# A source's name, up to three capitalised words, and its reading time: "Nature | 3 min
# read", "The Guardian · 5 min read"; not a headline with its reading time, "OpenAI raises
# $6.6B · 5 min read", "Rust drops i686-windows | 5 min read" (attack16)
SOURCE_READ_TIME = re.compile(r"^(?-i:(?:The )?[A-Z][A-Za-z&.'’-]*(?: [A-Z][A-Za-z&.'’-]*){0,2})"
                              r"[ \t]*[|·•][ \t]*\d{1,3}[ \t]*min(?:ute)?s?[ \t]+read$",
                              re.IGNORECASE)


def split_lines(block: Block, lines: list[str]) -> list[Block]:
    """Each line as a block of its own, with the links whose text it shows."""
    return [Block(kind=block.kind, text=line,
                  links=tuple(link for link in block.links if link.text and link.text in line))
            for line in lines]


def news_label(text: str) -> bool:
    """ "IN BRIEF:", "Quick hits": a label over news, not over the story's own sources
    ("Links:", "More links", "Sources:": the review)."""
    if len(text) > LABEL_CHARS:
        return False  # (a label is short: a long paragraph is not tidied on every bullet)
    label = tidy(text).rstrip(": ")
    return section_like(label) and not RELATED.match(label) and not LINKS.search(label)


def opens_items(head: Unit | None) -> bool:
    """A bullet opens with its own item whatever follows its link when its list comes
    right under a section's title (``head``), not under a story's text or "Further
    reading"."""
    if head is not None and head.role == "body":
        # "IN BRIEF:" or "Quick hits" (not yet promoted to a title) over its linked news
        # (Cooperpress, a beehiiv brief: the sixteenth and eighteenth sweeps)
        return news_label(head.block.text) and "\n" not in head.block.text.strip()
    return head is not None and head.role == "title" and not RELATED.match(head.headline)


def link_item(block: Block, first: str, loose: bool = False, run_in: bool = False
               ) -> Unit | None:
    """``[Headline](url) - summary``: a block that opens with a link's text, then a dash;
    ``loose``, a bullet of a list of items that opens with one, then anything ("<li><a>Ford
    recalls SUVs</a> over a camera fault.</li>", or a bare ".")."""
    if not block.links or block.kind == "heading":
        return None
    link = block.links[0]
    # (a markdown bullet left as text: "- [Gemma adds a 1B vision variant] — runs in a
    # browser tab", the twenty-first sweep)
    text = tidy(ENUMERATOR.sub("", DASH_BULLET.sub("", first.strip(DECORATION + "•"))))
    name = tidy(link.text)
    signal = "item: link-led line"
    if (icon := ICON_LEAD.match(text)) and not ICON_LEAD.match(name):
        # "🙀 <a>The propane industry is…</a>" (a real sweep)
        text, signal = text[icon.end():], ICON_LINK_LINE
    lead = tidy(block.lead)
    # "**[Corvane] buys Lattice Labs for $1.2B**" over its paragraph: the bold line is the
    # headline, its link only names the company (the fourteenth attack); in a bullet under
    # a section, however short the link
    bold_line = lead if name and lead.startswith(name) and lead == text else ""
    if loose and bold_line:
        name = bold_line
    if len(name) < 12 or (letter_words(name) < 2
                          and len(CJK.findall(name)) < CJK_LINK_CHARS):
        return None
    if BARE_URL_LINE.match(name) or SCORE_LINE.match(name):
        return None  # a bare address under a story is its link; "812 points, 301 comments"
    if not text.startswith(name) or not link.url.startswith("http") or POLL_VOTE.search(
            link.url) or (POLL_ANSWER.match(name) and name == text and ":" not in name):
        return None
    tail = text[len(name):]
    # (a bullet's link may run on after a comma: "<a>A Klimt portrait sold for $236
    # million</a>, the second-most expensive…", the eighteenth sweep)
    if not ITEM_TAIL.match(tail) and not (loose and (tail[:1] in (" ", "\t", ",", ";")
                                                     or tail == ".")) and (
            not (run_in and headline_then_sentence(name, tail))):
        return None
    if CALL_TO_ACTION.match(name) and not tail.strip(" →»>"):
        return None  # the story's or the button: body, not an item
    if WEB_LINK.match(name) or _link_bar(block, text):
        return None  # "View in your browser | Manage newsletters": the issue's own links
    if names_author(name) or SOURCE_READ_TIME.match(name):
        # "Marta Kowalczyk | Jun 12 2025 - 6:15 am ET" linked to her profile; "Nature | 3
        # min read" under a briefing's story, its source's link (a real sweep)
        return None
    return Unit("item", block, 9, bold_line or name, link.url, signal)


ICON_LINK_LINE = "item: icon, link-led line"
# (a dash, then a sentence's words: not "(PDF)" or "(32 min)", a link's own facts: the review)
SUMMARY_AFTER = re.compile(r"\s*[—–-]\s+\S+(?:\s+\S+){2}")
OWN_TEXT_CHARS = 100  # a story's text over its own links; a section's intro is a line


def own_icon_link(current: Cut, unit: Unit) -> bool:
    """An emoji-led link under a story's text is that story's ("📄 <a>The dataset</a>", "🎧
    <a>The interview</a>": attack17), not an item, as under a section's one-line intro; one
    with a summary after its link is an item ("→ <a>La CNIL publie…</a> — avec une fiche
    pratique.", a French letter's "En bref" under the last story: the sixteenth blind set)."""
    if (unit.signal != ICON_LINK_LINE or current.signal.startswith("item")
            or _summary_after_link(unit.block)):
        return False
    text = 0  # (summed until enough: asked of each link, the whole story's sum was quadratic)
    for block in itertools.islice(current.blocks, 1, None):
        text += len(block.text)
        if text >= OWN_TEXT_CHARS:
            return True
    return False


def _summary_after_link(block: Block) -> bool:
    """Words after the icon's link: "→ <a>La CNIL publie…</a> — avec une fiche…"."""
    icon = ICON_LEAD.match(block.text)
    rest, name = tidy(block.text[icon.end():] if icon else block.text), tidy(
        block.links[0].text) if block.links else ""
    return bool(name) and rest.startswith(name) and bool(SUMMARY_AFTER.match(rest, len(name)))


def icon_link(block: Block) -> bool:
    """An icon and one link's text, alone: a story's "📄 The dataset", no title (the stop's
    review: read as a title line, it became a section's name over the next link)."""
    icon = ICON_LEAD.match(block.text)
    if icon is None or not block.links:
        return False
    return tidy(block.text[icon.end():]) == tidy(block.links[0].text)


def _link_bar(block: Block, text: str) -> bool:
    """"Apple Podcasts | Spotify | YouTube": the line is only its links, parted by bars (a
    podcast's listen buttons, the fortieth sweep), not a headline with its source."""
    parts = {tidy(part) for part in BUTTON_BAR.split(text) if part.strip()}
    # (each a short name: "<a>EU fines Meta €1.2bn</a> | <a>Reuters</a>" is a headline and
    # its source, "<a>Show HN: …</a> | <a>412 comments</a>" a story: the review)
    return len(block.links) >= 2 and len(parts) >= 2 and all(
        len(part.split()) <= BAR_PART_WORDS for part in parts) and parts <= {
        tidy(link.text) for link in block.links}
