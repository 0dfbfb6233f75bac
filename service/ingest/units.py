"""Segment stage, structural engine: a block of an issue with the role roles.py gave it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from service.domain import Block
from service.ingest.headlines import BARE_URL_LINE, block_lines, lead_link, titled_list_item

__all__ = ["BOLD_RANK", "LINE_RANK", "Unit", "after", "text_under", "titled_item", "url_below"]

BOLD_RANK = 7  # a bold line of its own: below every heading (1-6)
LINE_RANK = 8  # a title line, marked by nothing but its shape


@dataclass(frozen=True)
class Unit:
    """A block with its role: "title" (rank 1-6 heading, 7 bold line, 8 title line),
    "item", "body" or "rule"."""

    role: str
    block: Block
    rank: int = 0
    headline: str = ""
    url: str = ""
    signal: str = ""  # for an item, what made it one (--explain)


def after(units: list[Unit], index: int) -> Iterator[Unit]:
    """The units after ``index``, without copying the list (it is walked once per title;
    islice would step over the first ``index`` again each time)."""
    return (units[i] for i in range(index + 1, len(units)))


def text_under(units: list[Unit], index: int, size: Callable[[str], int] = len) -> int:
    """How much body text a title has under it, up to the next title or item, each
    block's text measured by ``size``."""
    following = (u for u in after(units, index) if u.role != "rule")
    under = itertools.takewhile(lambda u: u.role == "body", following)
    return sum(size(u.block.text) for u in under)


def url_below(units: list[Unit], index: int) -> str:
    """In plain text a story's link stands alone on a line of its first paragraph, or as a
    paragraph of its own under the story's text."""
    following = units[index + 1] if index + 1 < len(units) else None
    if following is None or following.role != "body":
        return ""
    lines = block_lines(following.block)
    urls = (line.strip("<>") for line in lines if BARE_URL_LINE.match(line))
    if first := next(urls, ""):
        return first
    under = itertools.takewhile(lambda u: u.role == "body", after(units, index))
    alone = (block_lines(u.block) for u in under)
    return next((lines[0].strip("<>") for lines in alone
                 if len(lines) == 1 and BARE_URL_LINE.match(lines[0])), "")


def titled_item(block: Block) -> Unit | None:
    """A top ten's list item: its bold headline line over its paragraphs (headlines.py)."""
    titled = titled_list_item(block)
    return Unit("item", block, 9, titled.rstrip(" .!—–-"), lead_link(block, titled),
                "item: bold headline over its text") if titled else None
