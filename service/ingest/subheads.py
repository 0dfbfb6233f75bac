"""Segment stage, structural engine: a story's own sub-headings, and a section's listings.

A heading under a story's headline may be a part of that story (a recipe's "Method", a
release's "Breaking changes"), and a weak title under a section's name one of its items
(an event under "APRIL EVENTS"): which is which is read from the headings around them.
Each pass walks the units once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from service.ingest.headlines import tidy
from service.ingest.named import section_like
from service.ingest.plain_shape import VERSION
from service.ingest.units import BOLD_RANK, Unit
from service.ingest.zones import ZONES

__all__ = ["PART_NUMBER", "listed_titles", "release_parts", "repeated_subheads"]

# "1. How we got here", "(2) What the debt looks like": a numbered part or item
PART_NUMBER = re.compile(r"^\(?(\d{1,2})[.)][ \t]+\S")


def release_parts(units: list[Unit]) -> list[Unit]:
    """A release's parts under its version's heading, "Breaking changes", "Upgrading",
    "Fixes" (a project's announcement list, the forty-fifth sweep), are its text.  Read
    before a heading's run of one-sentence bullets is taken for news items (named.py):
    under "Breaking changes" they are the release's.  Only under a heading that names a
    version: in a digest, "Security" or "What's new" is a section of news (the review)."""
    return _subheads_as_text(units, lambda name, parents: bool(RELEASE_PART.match(name)) and all(
        VERSION.search(units[p].headline) for p in parents))


def repeated_subheads(units: list[Unit]) -> list[Unit]:
    """A heading whose words come back under each of several higher headings ("Ingredients"
    and "Method" under each recipe's, "Show notes" under each episode's) is a part of each
    story, not a story: the recipes are (a cooking letter, the forty-fourth sweep).  Not a
    sponsor's, a section's or a footer's name: two sponsor blocks are two blocks to drop.
    (Read after a heading's run of one-sentence bullets became news items: "Also today"
    under each city's story holds its news, the review.)"""
    return _subheads_as_text(units, lambda name, parents: len(parents) >= REPEATED_SUBHEADS)


def _subheads_as_text(units: list[Unit], part: Callable[[str, set[int]], bool]) -> list[Unit]:
    """The short headings ``part`` says are parts of the stories above them, as text."""
    under: dict[int, tuple[str, int]] = {}  # a title with a title ranked above it: its key
    names: dict[tuple[str, int], set[int]] = {}  # a key: the titles it stands under
    stack: list[tuple[int, int]] = []  # (rank, index) of the titles in hand, rank ascending
    for at, unit in enumerate(units):
        if unit.role != "title":
            continue
        while stack and stack[-1][0] >= unit.rank:
            stack.pop()
        if stack:
            under[at] = key = (tidy(unit.headline).lower().rstrip(":"), unit.rank)
            names.setdefault(key, set()).add(stack[-1][1])
        stack.append((unit.rank, at))
    # (a short label, each time under a story with its own text: not a teaser's headline
    # repeated in full, a market on Saturday and Sunday, "Road closures" under "North
    # County" and "South County", two sections' names: the review)
    parts = {key for key, parents in names.items()
             if part(key[0], parents) and len(key[0].split()) <= SUBHEAD_WORDS
             and all(p + 1 < len(units) and units[p + 1].role == "body" for p in parents)
             and not any(zone.search(key[0]) for zone in ZONES.values())}
    if not parts:
        return units
    return [Unit("body", u.block) if under.get(at) in parts else u for at, u in enumerate(units)]


REPEATED_SUBHEADS = 2  # under this many stories at least
# A release's parts under its version's heading, each once: "Highlights", "Breaking
# changes", "Upgrading", "Fixes" (a project's announcement list, the forty-fifth sweep)
RELEASE_PART = re.compile(
    r"^(?:highlights|breaking changes?|upgrad(?:e|ing)(?: notes)?|(?:bug )?fix(?:es)?"
    r"|security(?: fixes)?|deprecat(?:ed|ions?)|new features|improvements|known issues"
    r"|changes|changelog|contributors|installation|other changes|what['’]s new)\W*$")
SUBHEAD_WORDS = 3  # "Ingredients", "Show notes", "What you'll need"
SECTION_INTRO_CHARS = 300  # "All events are free…": a section's note, not a story's text
# A section of listings by its name: "APRIL EVENTS", "Dates for your diary"; not "MEMBER
# SPOTLIGHT: GWEN OKONJO" over her interview's bold questions (the review)
LISTING_NAME = re.compile(r"\b(?:events?|calendar|diary|dates|what['’]s on|happenings|termine"
                          r"|veranstaltungen|agenda|(?:é|e)v(?:é|e)nements|eventos|listings)\b",
                          re.IGNORECASE)
LISTED_TITLES = 2


def listed_titles(units: list[Unit]) -> set[int]:
    """The weak titles under a section of listings or a list's word, up to the next rule or
    heading ("APRIL EVENTS", a short note, then "Toddler Tales –
    Tuesdays, 10:30 a.m." over its text, and more such): the section's items, not a story's
    sub-headings (a library's letter, the forty-third sweep).  Two at least, none numbered
    (an essay's "1. How we got here" parts are its own, a contents list's lines a recap),
    and no more than a note between the name and the first: a headline's story has its
    text there."""
    listed: set[int] = set()
    titles: list[int] = []
    head = False
    intro = 0

    def close() -> None:  # at a rule, a heading or the end
        if head and len(titles) >= LISTED_TITLES and intro <= SECTION_INTRO_CHARS:
            listed.update(titles)

    for index, unit in enumerate(units):
        heading = unit.role == "title" and unit.rank < BOLD_RANK
        if unit.role == "rule" or heading:
            close()
            name = tidy(unit.headline) if heading else ""
            titles, head, intro = [], heading and bool(
                section_like(name) or LISTING_NAME.search(name)), 0
        elif unit.role == "title" and head:
            if PART_NUMBER.match(unit.block.text.strip()) or unit.block.kind == "list_item":
                head = False
            titles.append(index)
        elif unit.role == "body" and not titles:
            intro += len(unit.block.text)
    close()
    return listed
