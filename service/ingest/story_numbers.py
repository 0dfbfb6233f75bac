"""Segment stage, structural engine: stories numbered by hand, and the parts between them.

A daily briefing may number its stories ("1. World's talking about Adani, but Parliament
won't", "2. How …") and head each story's parts with lines of the same weight
("Opposition wants probe", "The backstory", "What it means").  Read alone, every part is
a title of its own and one story comes out as six (the eighth blind set's briefing).
Where the titles are numbered from 1 in order, most with their text right under them, an
unnumbered title between two of them, no stronger than they are, is a part of the story
above it: its text.  A title after the last number is left as it is (nothing tells where
the last story ends), and so is an item.
"""

from __future__ import annotations

import itertools

from service.ingest.headlines import tidy
from service.ingest.subheads import PART_NUMBER
from service.ingest.units import Unit
from service.ingest.zones import ZONES

__all__ = ["parts_between_numbers"]

NUMBERED_STORIES = 3  # "1.", "2.", "3.": fewer may be an essay's two points
NUMBER_STEP = 2  # 3 then 5: one story's number line read as text ("4. … not..." is a sentence)
TEXT_UNDER_SHARE = 2 / 3  # of the numbered titles, with their text right under them


def parts_between_numbers(units: list[Unit]) -> list[Unit]:
    """The unnumbered titles between numbered stories' headlines, as those stories' text."""
    demoted: set[int] = set()
    for run in _runs(units):
        with_text = sum(at + 1 < len(units) and units[at + 1].role == "body" for at in run)
        if len(run) < NUMBERED_STORIES or with_text < TEXT_UNDER_SHARE * len(run):
            continue  # section names numbered over their stories ("1. Policy"), or a list
        strongest = min(units[at].rank for at in run)  # (a rank grows as a title weakens)
        for first, last in itertools.pairwise(run):
            between = range(first + 1, last)
            if any(_section(units[at], strongest) for at in between):
                continue  # the numbering goes on past a section of its own: its stories stay
            demoted.update(at for at in between if _part(units[at], strongest))
    if not demoted:
        return units
    return [Unit("body", u.block) if at in demoted else u for at, u in enumerate(units)]


def _runs(units: list[Unit]) -> list[list[int]]:
    """The numbered titles, in runs that count up from 1 (a story missed on the way is
    allowed); a number that does not follow starts the next run."""
    runs: list[list[int]] = []
    last = 0
    for at, unit in enumerate(units):
        if unit.role != "title" or not (found := PART_NUMBER.match(unit.block.text.strip())):
            continue
        number = int(found.group(1))
        if runs and last < number <= last + NUMBER_STEP:
            runs[-1].append(at)
        elif number == 1:
            runs.append([at])
        else:
            runs.append([])  # a number out of turn ends the run
        last = number
    return runs


def _section(unit: Unit, strongest: int) -> bool:
    """A heading stronger than the numbered titles ("Quick hits" over unnumbered stories
    between story 3 and story 4): what it heads is no part of the story above it."""
    return unit.role == "title" and unit.rank < strongest


def _part(unit: Unit, strongest: int) -> bool:
    if unit.role != "title" or unit.rank < strongest:
        return False  # an item, text, or a section's heading above the numbered stories
    name = tidy(unit.headline or unit.block.text).lower()
    return not PART_NUMBER.match(unit.block.text.strip()) and not any(
        zone.search(name) for zone in ZONES.values())  # a sponsor's block, the footer
