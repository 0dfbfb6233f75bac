"""Segment stage, structural engine: an issue with no story marks that is a list of items.

Some digests give their news as a bullet list of items with no headline of
their own, one or two sentences each ("On May 4, the Senate Commerce Committee
held a hearing on …").  With no title, link-led item or letter to cut at, the
engine would read the issue as one post under its subject, and every reader
of any theme it touches would get all of it.  Here each item is a story,
headlined by its words before a spaced dash, else its first sentence, else its
opening words.

Only when the list is the issue: at least five items, in one run, holding
three quarters of its text.  A post with a few points in a list (an essay's
takeaways), stories with points under them whose headlines the engine
missed, and an issue where the engine found a sponsor block or a recap stay
as they were.  Paragraphs that each carry a link are not items: a blog post's
paragraphs do too.  Text before the first item is the issue's intro and is
dropped; a block between items belongs to the item above it; text after the
last item (a sign-off) is dropped; --explain names each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.cuts import Cut
from service.ingest.headlines import ICON_LEAD as ICON
from service.ingest.headlines import tidy

__all__ = ["ITEM_MIN_CHARS", "MIN_ITEMS", "item_headline", "untitled_items"]

MIN_ITEMS = 5  # fewer is a post with a few points, not a digest
ITEM_MIN_CHARS = 40  # "Read more", a menu of links: not an item
ITEMS_SHARE = 0.75  # of the text, in its items
MAX_INTERRUPTIONS = 1  # other blocks between the first item and the last
HEADLINE_MAX_WORDS = 22
MIN_SENTENCE_WORDS = 3  # a shorter first "sentence" ends at an abbreviation too
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_ABBREVIATION = re.compile(r"(?:[A-Z][a-z]{0,3}|(?:[A-Za-z]\.)+[A-Za-z]?)\.")  # Jan. U.S.


def untitled_items(blocks: Sequence[Block]) -> tuple[list[Cut], list[str]]:
    """Each item of an untitled list digest as a story, and notes for --explain; nothing when
    the blocks are not one (a single post)."""
    items = [i for i, b in enumerate(blocks) if _item_like(b)]
    # (an intro set apart by a rule above the first item is no part of the list's issue)
    apart = max((i + 1 for i in range(items[0]) if blocks[i].kind == "rule"), default=0
                ) if items else 0
    total = sum(len(b.text) for b in blocks[apart:])
    if len(items) < MIN_ITEMS or sum(len(blocks[i].text) for i in items) < ITEMS_SHARE * total:
        return [], []
    if items[-1] - items[0] + 1 - len(items) > MAX_INTERRUPTIONS:
        return [], []  # lists of points under stories the engine found no headline for
    signal = "untitled list item"
    cuts: list[Cut] = []
    notes = [f"   dropped intro: {tidy(b.text)[:60]!r} (before the first item)"
             for b in blocks[:items[0]]]
    for start, end in zip(items, [*items[1:], items[-1] + 1], strict=True):
        block = blocks[start]
        headline = item_headline(ICON.sub("", block.text, count=1))  # (an emoji is no word)
        cuts.append(Cut(headline, signal, [block, *blocks[start + 1:end]],
                        block.links[0].url if block.links else ""))
        notes.append(f"{len(cuts) - 1}. {signal}: {cuts[-1].headline!r}")
    notes += [f"   dropped sign-off: {tidy(b.text)[:60]!r} (after the last item)"
              for b in blocks[items[-1] + 1:]]
    return cuts, notes


def _item_like(block: Block) -> bool:
    """A bullet of a sentence or more; or a paragraph led by an icon that carries a link, an
    emoji set as its bullet ("🤡 It's hilarious: <a>a carmaker sues a country</a>…": a
    real letter nobody tuned for, read as one post)."""
    if not (block.kind == "list_item" or (block.kind == "paragraph" and block.links
                                          and ICON.match(block.text) is not None)):
        return False  # (before tidying: a paragraph may be megabytes)
    return len(tidy(block.text)) >= ITEM_MIN_CHARS


def item_headline(text: str) -> str:
    """An item's headline: its words before a spaced dash, else its first sentence, else
    its opening words (a long first sentence)."""
    line = tidy(text.strip().split("\n", 1)[0])
    opening = " ".join(line.split()[:HEADLINE_MAX_WORDS + 1])
    dash = _SPACED_DASH.search(opening)
    if dash and len(opening[:dash.start()].split()) >= MIN_SENTENCE_WORDS:
        return opening[:dash.start()].strip()
    ends = (end.start() for end in _SENTENCE_END.finditer(line)
            if len(line[:end.start()].split()) >= MIN_SENTENCE_WORDS
            and not _ABBREVIATION.fullmatch(line[:end.start()].split()[-1]))
    sentence = line[:next(ends, len(line))]
    if len(sentence.split()) <= HEADLINE_MAX_WORDS:
        return sentence
    return " ".join(line.split()[:HEADLINE_MAX_WORDS]) + " …"
