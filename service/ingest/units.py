"""Segment stage, structural engine: a block of an issue with the role roles.py gave it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from service.domain import Block

__all__ = ["Unit", "after", "text_under"]


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
