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
_HEADLINE_WORDS = 4  # a heading this long over the paragraph is its headline
_HEADLINE_MAX_WORDS = 20  # a line this long is text, not a headline
_TEXT_END = re.compile(r"[.,;:…]['\"’”)]*$")  # a line that ends so is text ("?" may head)


def link_word_items(parts: Sequence[Block]) -> dict[int, Unit]:
    """Index in ``parts`` -> its item, for each such paragraph of an issue that has a run of
    them (then a lone one elsewhere, under its own section, is one too)."""
    ending = [at for at, block in enumerate(parts)
              if _ends_in_link_word(block) and not _under_headline(parts, at)]
    longest, run, last = 0, 0, -2
    for at in ending:
        # (one paragraph of an item's own between two, its comment, does not end a run)
        near = at == last + 1 or (at == last + 2 and parts[last + 1].kind == "paragraph")
        run = run + 1 if near else 1
        longest, last = max(longest, run), at
    if longest < RUN_MIN:
        return {}
    return {at: Unit("item", parts[at], 9, item_headline(_without_link_word(parts[at])),
                     parts[at].links[-1].url, SIGNAL) for at in ending}


def _ends_in_link_word(block: Block) -> bool:
    if block.kind not in ("paragraph", "list_item") or not block.links:
        return False
    if len(block.text) > 4 * ITEM_MIN_CHARS * 25:  # (a long block is no item: no tidy of it)
        return False
    word = tidy(block.links[-1].text)
    text = tidy(block.text).rstrip(_TAIL_PUNCTUATION).rstrip()
    return (LINK_WORD.fullmatch(word.rstrip(_TAIL_PUNCTUATION)) is not None
            and text.endswith(word.rstrip(_TAIL_PUNCTUATION))
            and len(text) - len(word) >= ITEM_MIN_CHARS)


def _without_link_word(block: Block) -> str:
    text = tidy(block.text).rstrip(_TAIL_PUNCTUATION).rstrip()
    return text[:len(text) - len(tidy(block.links[-1].text).rstrip(_TAIL_PUNCTUATION))].rstrip()


def _under_headline(parts: Sequence[Block], at: int) -> bool:
    """The block above is a headline over this paragraph: a bold or linked line, one that
    ends in no stop or comma, or a heading of ``_HEADLINE_WORDS`` or more ("🗞 News" names a
    section)."""
    above = parts[at - 1] if at else None
    if above is None or above.kind == "rule" or _ends_in_link_word(above):
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
