"""Segment stage, structural engine: items told in a paragraph that ends in its link.

Some digests give each piece of news as one paragraph with no headline, its source linked
by a bare word at its end: "Android is discontinuing support for Bluetooth beacons. A
promising idea that never really found a market. Link" (Benedict Evans's newsletter: the
thirteenth blind set, where eleven such items were read as one story's text, or a short
one as a title over the next).  Each such paragraph is an item, headlined by its first
sentence as an untitled list's item is (untitled.py).

Only in an issue that has a run of them: at least ``RUN_MIN`` such paragraphs one after
the other (a paragraph of the item's own between two, its comment, does not end a run);
then a lone one under its own section is an item too.  Only the bare words a
digest ends an item with ("Link", "(link)", "Source", "Read more", "→"), not "here": an
essay's paragraph often ends "…you can read the report here".  One under a headline (a
line that ends no sentence, a heading of four words or more) is that headline's summary,
as in a shop's or a columnist's digest that ends each summary in "Read more".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.headlines import is_bold_line, lead_link, tidy
from service.ingest.units import Unit
from service.ingest.untitled import ITEM_MIN_CHARS, item_headline

__all__ = ["LINK_WORD", "link_word_items"]

RUN_MIN = 3
SIGNAL = "item: paragraph ending in its link"
LINK_WORD = re.compile(r"\(?(?:link|source|read more|more|full story|→|»)\)?", re.IGNORECASE)
_TAIL_PUNCTUATION = ".)]"
ITEM_MAX_CHARS = 4000  # a paragraph longer than this is no one-paragraph item
_HEADLINE_WORDS = 4  # a heading this long over the paragraph is its headline
_HEADLINE_MAX_WORDS = 20  # a line this long is text, not a headline
_TEXT_END = re.compile(r"[.,;:…]['\"’”)]*$")  # a line that ends so is text ("?" may head)


def link_word_items(parts: Sequence[Block]) -> dict[int, Unit]:
    """Index in ``parts`` -> its item, for each such paragraph of an issue that has a run of
    them (then a lone one elsewhere, under its own section, is one too)."""
    before = [_before_link_word(block) for block in parts]  # (each block read once)
    ending = [at for at, text in enumerate(before)
              if text is not None and not _under_headline(parts, at, before)]
    longest, run, last = 0, 0, -2
    for at in ending:
        # (one paragraph of an item's own between two, its comment, does not end a run)
        near = at == last + 1 or (at == last + 2 and parts[last + 1].kind == "paragraph")
        run = run + 1 if near else 1
        longest, last = max(longest, run), at
    if longest < RUN_MIN:
        return {}
    return {at: Unit("item", parts[at], 9, item_headline(str(before[at])),
                     parts[at].links[-1].url, SIGNAL) for at in ending}


def _before_link_word(block: Block) -> str | None:
    """The paragraph's text before the bare word its last link is, when it ends so and
    says something first; else None."""
    if (block.kind not in ("paragraph", "list_item") or not block.links
            or len(block.text) > ITEM_MAX_CHARS):  # (a long block is no item: no tidy of it)
        return None
    word = tidy(block.links[-1].text).rstrip(_TAIL_PUNCTUATION)
    text = tidy(block.text).rstrip(_TAIL_PUNCTUATION).rstrip()
    if LINK_WORD.fullmatch(word) is None or not text.endswith(word):
        return None
    said = text[:len(text) - len(word)].rstrip()
    return said if len(said) >= ITEM_MIN_CHARS else None


def _under_headline(parts: Sequence[Block], at: int, before: Sequence[str | None]) -> bool:
    """The block above is a headline over this paragraph: a bold or linked line, one that
    ends in no stop or comma, or a heading of ``_HEADLINE_WORDS`` or more ("🗞 News" names a
    section)."""
    above = parts[at - 1] if at else None
    if above is None or above.kind == "rule" or before[at - 1] is not None:
        return False
    line = tidy(above.text)
    if "\n" in above.text.strip() or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if above.kind == "heading":
        return len(line.split()) >= _HEADLINE_WORDS
    # (a bold or linked line is one whatever it ends in: "Ready for spring?", "Sale on now!"
    # over a shop's summaries were read as the comment between two items: the review)
    return (is_bold_line(above, line) or lead_link(above, line) != ""
            or _TEXT_END.search(line) is None)
