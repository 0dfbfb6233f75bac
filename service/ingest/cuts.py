"""Segment stage, structural engine: a story as the engine cuts it, and the notes of a cut.

``Cut`` is one story (where it starts, why, its blocks); ``Cutting`` an issue's cuts
with the notes ``--explain`` prints, one a line: "N. <signal>: '<headline>'" for the
story numbered N, "   dropped <kind>: …" for what was left out.  The rules that fold or
drop stories after the walk (essay.py, opening.py, closing.py's sign-off) keep those notes
true with ``renumbered`` and ``without_last``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from service.domain import Block
from service.ingest.headlines import tidy

__all__ = ["FICTION_LABEL", "FICTION_NAME", "Cut", "Cutting", "renumbered", "story_number",
           "without_last"]

# A section name or headline label that says the piece is a tale: the newsletter's own word,
# the one sign of fiction that needs no rules file.  Only names made of these words ("AI in
# fiction" may be news about films; "Short stories" may be short news).
FICTION_NAME = re.compile(
    r"^(?:(?:tech|ai|short|flash|micro|speculative|science|weekend|sunday|friday|our|a|the) )*"
    r"(?:fiction|tales?|short story)$|^story ?time$", re.IGNORECASE)
FICTION_LABEL = re.compile(r"^([\w' ]{3,30}?)\s*[:|–—]\s+\S")


@dataclass
class Cut:
    """One story as the engine sees it: where it starts, why, and its blocks."""

    headline: str
    signal: str
    blocks: list[Block] = field(default_factory=list)
    url: str = ""
    section: str = ""

    @property
    def fiction(self) -> bool:
        """A tale: under a fiction section, or named or labelled one in its headline."""
        label = FICTION_LABEL.match(self.headline)
        names = (self.section, self.headline, label.group(1) if label else "")
        return any(FICTION_NAME.match(tidy(name)) for name in names if name)


class Cutting(NamedTuple):
    """An issue's stories; in reading order what started each one or was dropped (for
    --explain); and whether it has a recap or a sponsor's block marked as such (a title, a
    recap line, a sponsored item): laid out, so not a bare list of items (untitled.py)."""

    cuts: list[Cut]
    log: list[str]
    laid_out: bool
    under_masthead: bool = False  # the first story starts after a dropped masthead
    # A masthead line set the newsletter's name above the title (a logo), as a
    # newsletter's issue does and a post on Substack never does: no subtitle under it
    named: bool = False


def renumbered(log: list[str], gone: int, instead: str, first: int) -> list[str]:
    """``log`` once the first ``gone`` stories are folded away: their lines go, ``instead``
    takes the first one's place, the others are numbered from ``first``, and the notes of
    text left out before them go too when they are folded into a story (``first`` 1)."""
    kept: list[str] = []
    started = False
    for line in log:
        number = story_number(line)
        if number is not None:
            started = True
            if number == 0:
                kept.append(instead)
            elif number >= gone:
                kept.append(f"{number - gone + first}. {line.partition('. ')[2]}")
        elif started or not (first and line.startswith("   dropped text:")):
            kept.append(line)
    return kept


def story_number(line: str) -> int | None:
    """The number of the story a note starts ("3. heading h2: …"); None for other notes."""
    number, dot, _ = line.partition(". ")
    return int(number) if dot and number.isdigit() else None


def without_last(cuts: list[Cut], log: list[str], why: str) -> tuple[list[Cut], list[str]]:
    """``cuts`` without the last story, and ``log`` without the line that started it, plus
    ``why`` it was dropped."""
    started = f"{len(cuts) - 1}. "
    return cuts[:-1], [*(line for line in log if not line.startswith(started)), why]
