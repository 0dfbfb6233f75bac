"""Segment stage, structural engine: a kicker under a headline is the story's text.

A weak title line right under a headline, over text: a photo credit, the department
behind an announcement, the first line of a wrapped paragraph (the fourth sweep).
"""

from __future__ import annotations

import re

from service.ingest.headlines import SECTION_WORDS, tidy
from service.ingest.units import Unit

__all__ = ["kickers_as_text"]

KICKER_WORDS = 4  # "Illustration: Brisk Visuals", "Department for Transport"
KICKER_HEADLINE_WORDS = 4  # a heading this long over a kicker is the story's headline


def kickers_as_text(units: list[Unit]) -> list[Unit]:
    """A weak title line right under a headline, over text, is that story's text: a photo
    credit ("Illustration: Brisk Visuals"), the department behind an announcement
    ("Department of Housing"), or the first line of a wrapped paragraph.  Taken for a
    title, it made the headline above it a section and itself the story (the fourth
    sweep).  Only a line of a few words, or one that runs on into the text below; only
    under a heading that reads as a headline, not a section's name."""
    out = list(units)
    for index in range(1, len(out) - 1):
        unit, above, below = out[index], out[index - 1], out[index + 1]
        if (unit.role == "title" and unit.rank == 8 and above.role == "title"
                and above.rank <= 6 and below.role == "body"
                and _reads_as_headline(above.headline) and _kicker(unit.headline, below)
                and not _peer_follows(out, index)):
            out[index] = Unit("body", unit.block)
    return out


def _peer_follows(units: list[Unit], index: int) -> bool:
    """Another weak title line comes after the text under the one at ``index``, before any
    heading: they are titles of a section's items ("What we're reading this week" over
    "The Quiet Bankruptcy", "Salt and Time"…; an attack on the first version)."""
    after = index + 1
    while after < len(units) and units[after].role == "body":
        after += 1
    return after < len(units) and units[after].role == "title" and units[after].rank == 8


def _reads_as_headline(text: str) -> bool:
    words = re.findall(r"[\w&+/']+", tidy(text).lower())
    return len(words) >= KICKER_HEADLINE_WORDS and not all(w in SECTION_WORDS for w in words)


def _kicker(line: str, below: Unit) -> bool:
    """A few words, or a line that stops mid-sentence and goes on below ("…replacing the" /
    "old wooden hide")."""
    words = tidy(line).split()
    runs_on = bool(words) and words[-1].islower() and below.block.text[:1].islower()
    return len(words) <= KICKER_WORDS or runs_on
