"""Segment stage, structural engine: a block of an issue with the role roles.py gave it."""

from __future__ import annotations

from dataclasses import dataclass

from service.domain import Block

__all__ = ["Unit"]


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
