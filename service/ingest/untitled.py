"""Segment stage, structural engine: an issue with no story marks that is a list of items.

Some digests give their news as items with no headline of their own: a bullet
list of one- or two-sentence items ("On May 4, the Senate Commerce Committee
held a hearing on …"), or short paragraphs that each carry their own link.
With no title, link-led item or letter to cut at, the engine would read the
issue as one post under its subject, and every reader of any theme it touches
would get all of it.  Here each item is a story, headlined by its words
before a spaced dash, else its first sentence, else its opening words.

Only when the items make up most of the issue, in one run: a post with a short
list of points inside (three bullets in an essay) stays one post, and so do
stories with lists of points under them whose headlines the engine missed.  Text before the
first item is the issue's intro and is dropped; text between items belongs to
the item above it; text after the last item (a sign-off) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.headlines import tidy
from service.ingest.structure import Cut

__all__ = ["ITEM_MIN_CHARS", "MIN_ITEMS", "item_headline", "untitled_items"]

MIN_ITEMS = 3  # fewer is a post with a few points, not a digest
ITEM_MIN_CHARS = 40  # "Read more", a menu of links: not an item
LINKED_ITEM_MAX_CHARS = 700  # a paragraph item is a few sentences, not an essay's paragraph
ITEMS_SHARE = 0.6  # of the text, in its items
MAX_INTERRUPTIONS = 1  # other blocks between the first item and the last
HEADLINE_MAX_WORDS = 22
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_SENTENCE_END = re.compile(r"(?<=[^\s.]{2}[.!?])\s")  # not "U.S." nor "Dr."


def untitled_items(blocks: Sequence[Block]) -> tuple[list[Cut], list[str]]:
    """Each item of an untitled list digest as a story, and notes for --explain; nothing when
    the blocks are not one (a single post)."""
    items = [i for i, b in enumerate(blocks) if _item(b, "list_item")]
    signal = "untitled list item"
    if len(items) < MIN_ITEMS:
        items = [i for i, b in enumerate(blocks) if _item(b, "paragraph") and b.links
                 and len(b.text) <= LINKED_ITEM_MAX_CHARS]
        signal = "untitled linked paragraph"
    total = sum(len(b.text) for b in blocks)
    if len(items) < MIN_ITEMS or sum(len(blocks[i].text) for i in items) < ITEMS_SHARE * total:
        return [], []
    if items[-1] - items[0] + 1 - len(items) > MAX_INTERRUPTIONS:
        return [], []  # lists of points under stories the engine found no headline for
    cuts: list[Cut] = []
    notes = [f"   dropped intro: {tidy(b.text)[:60]!r} (before the first item)"
             for b in blocks[:items[0]]]
    for start, end in zip(items, [*items[1:], items[-1] + 1], strict=True):
        block = blocks[start]
        cuts.append(Cut(item_headline(block.text), signal, [block, *blocks[start + 1:end]],
                        block.links[0].url if block.links else ""))
        notes.append(f"{len(cuts) - 1}. {signal}: {cuts[-1].headline!r}")
    notes += [f"   dropped sign-off: {tidy(b.text)[:60]!r} (after the last item)"
              for b in blocks[items[-1] + 1:]]
    return cuts, notes


def item_headline(text: str) -> str:
    """An item's headline: its words before a spaced dash, else its first sentence, else
    its opening words (a long first sentence)."""
    line = tidy(text.strip().split("\n", 1)[0])
    opening = " ".join(line.split()[:HEADLINE_MAX_WORDS + 1])
    dash = _SPACED_DASH.search(opening)
    if dash and len(opening[:dash.start()].split()) >= 3:
        return opening[:dash.start()].strip()
    end = _SENTENCE_END.search(line)
    sentence = line[:end.start()] if end else line
    if len(sentence.split()) <= HEADLINE_MAX_WORDS:
        return sentence
    return " ".join(line.split()[:HEADLINE_MAX_WORDS]) + " …"


def _item(block: Block, kind: str) -> bool:
    return block.kind == kind and len(tidy(block.text)) >= ITEM_MIN_CHARS
