"""Segment stage, structural engine: the lines plain text sets with a title that say what
kind of item it heads: a listing's fields under it ("Price: £45 | Area: Fernhill Road |
Posted 2h ago"), a tracker's status before it ("[ADOPTED] Commission publishes…"), the
forty-ninth sweep's.  No import of the other modules: headlines.py reads the status.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["BRACKET_STATUS", "fields_line", "listing_fields", "status_led", "status_line"]

# A listing's fields under its title: "Price: £45 | Area: Fernhill Road | Posted 2h ago",
# "Area: Meadow Lane / allotments | Posted 8h ago" (a classifieds digest, the 49th sweep):
# a second label or a number after the first part ("Interview: Demis Hassabis | The Big
# Interview" is a headline, "Nominees: A · B · C" a story's line: the review)
FIELDS_LINE = re.compile(r"^[\w'’-]{1,20}(?: [\w'’-]{1,20})?:[ \t][^\n|·•]{1,60}"
                         r"(?:[ \t]+[|·•][ \t]+[^\n|·•]{1,60}){1,5}$")
FIELD_PART = re.compile(r"[ \t][|·•][ \t]+(?:[^\n|·•]*\d|[\w'’-]{1,20}(?: [\w'’-]{1,20})?:)")


def fields_line(line: str) -> bool:
    """A listing's fields: "Price: £45 | Area: Fernhill Road | Posted 2h ago"."""
    return bool(FIELDS_LINE.match(line.strip())) and bool(FIELD_PART.search(line))


# A tracker's status in brackets before its headline: "[ADOPTED] Commission publishes…",
# "[IN PROGRESS] …" (the forty-ninth sweep).  Not a story's own note ("[UPDATE]"), an
# attachment's kind ("[PDF]"), an ad's label in any language, a log's level or a
# transcript's cue (the reviews of this rule).
BRACKET_STATUS = (
    r"(?![A-Z -]*(?:SPONSOR|PARTNER|PAID|PROMO|ADVERT|ANZEIGE|WERBUNG))"  # "[PAID POST]"
    r"(?!(?:PDF|DOCX?|PPTX?|XLSX?|VIDEO|AUDIO|PODCAST|SLIDES|LINK|PAPER|CODE|REPO|ADS|PUB"
    r"|UPDATED?|CORRECTION|CLARIFICATION|EDIT|NOTE|INFO|WARN(?:ING)?|ERROR|DEBUG|TRACE"
    r"|FATAL|PASS|FAIL|SPOILERS?|LAUGHTER|LAUGHS|APPLAUSE|MUSIC|CROSSTALK|INAUDIBLE"
    r"|SILENCE|PAUSE)\])[A-Z][A-Z -]{2,20}")
# "[ADOPTED] Commission publishes final guidelines…" over its text: a tracker's status in
# capitals before its headline (a policy tracker's, the forty-ninth sweep); not "[1]", "[PDF]"
STATUS_LED = re.compile(rf"^\[{BRACKET_STATUS}\][ \t]+[A-Z0-9“\"]")
LISTING_TITLE_WORDS = 3  # "FREE: Pine bunk beds" over its fields; not "Per serving"


def status_line(line: str) -> bool:
    """A line led by a tracker's status in brackets: "[ON TRACK] Beta opens…"."""
    return bool(STATUS_LED.match(line.strip()))


def status_led(lines: Sequence[str], at: int, titled: bool) -> bool:
    """A paragraph's first line led by its status in brackets ("[IN PROGRESS] AI Office opens
    40 posts"), over a sentence (a build log's next "[INFO]" line is none: "[" is no
    capital), with no title above it (a project's status under its name: the review)."""
    if at or titled:
        return False
    return status_line(lines[at]) and lines[at + 1].strip()[:1].isupper()


def listing_fields(lines: Sequence[str], at: int, titled: bool) -> bool:
    """``lines[at]`` is a listing's title over its fields and text ("FOR SALE: Ninja air
    fryer…" / "Price: £70 | Area: Station Road | Posted 6h ago" / its text), with no title
    above it (a venue's name over "Tickets: £12 | Doors: 7pm" under an event's: the
    review)."""
    return (at + 2 < len(lines) and not titled
            and len(lines[at].split()) >= LISTING_TITLE_WORDS and fields_line(lines[at + 1]))
