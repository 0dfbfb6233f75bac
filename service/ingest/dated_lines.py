"""Segment stage, structural engine: a calendar's lines, which are listings, not stories.

A policy weekly's "ON THE CALENDAR" table puts each day in a cell of its own ("2 Apr") over
what happens then; a plain-text chip letter lists "12 Mar   Kestrel Q4 results" under
"DATES" (the thirty-fourth sweep).  The cutter (structure.py) asks ``calendar_entry`` of a
story's title before it starts the story.
"""

from __future__ import annotations

import re

from service.ingest.bylines import MONTH

__all__ = ["calendar_entry"]

# "12 Mar  Kestrel Q4 results", "Apr 2 – Senate vote": a calendar's line, its day first
DATED_ENTRY = re.compile(rf"^\d{{1,2}}[ \t]+{MONTH}[ \t]+\S|^{MONTH}[ \t]+\d{{1,2}}\b",
                         re.IGNORECASE)
SHORT_DAY = re.compile(rf"^\d{{1,2}}[ \t]+{MONTH}$|^{MONTH}[ \t]+\d{{1,2}}$", re.IGNORECASE)
DATED_TEXT = re.compile(rf"^(?:\d{{1,2}}[ \t]+{MONTH}|{MONTH}[ \t]+\d{{1,2}}),?[ \t]+\d{{4}}",
                      re.IGNORECASE)
CALENDAR_NAME = re.compile(r"^\W*(?:(?:key |important )?dates|calendar|diary)\W*$",
                           re.IGNORECASE)


def calendar_entry(headline: str, section: str, below: str | None, *,
                   in_events: bool = False) -> bool:
    """A title that a calendar lists (``below``: the first line of the text under it, None
    when there is none): opening with its day under "DATES" or "CALENDAR" over more such
    lines or nothing ("12 Mar  Kestrel Q4 results"), or with no text under a day named
    short, as a table's cell names it ("2 Apr" over "Colorado Senate floor vote
    expected"); the thirty-fourth sweep's policy weekly and chip letter.  Dated news with
    its text, and a day's news under "Tuesday, March 10", are stories (the review).  Under
    an events zone's title ("DATES TO WATCH": ``in_events``) as under "DATES" (the 35th
    sweep)."""
    if DATED_ENTRY.match(headline) and (in_events or CALENDAR_NAME.match(section)):
        # (over another listing, not over a dateline that opens its text: "June 17, 2025:
        # the board backed…", the review)
        return below is None or (DATED_ENTRY.match(below) is not None
                                 and not DATED_TEXT.match(below))
    return below is None and SHORT_DAY.match(section) is not None
