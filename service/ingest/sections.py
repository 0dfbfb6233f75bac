"""Segment stage, structural engine: a long story's own sections, and its continuation.

A long piece heads its parts with short headings deeper than its title ("The setup", "Root
cause", "What changes on Monday"): they are its text, not stories (the thirteenth sweep).
And a digest may cut its lead story with a sponsor's block and go on under "…continued:
<headline>".  structure.py's cutter asks these.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.cuts import Cut
from service.ingest.headlines import tidy

__all__ = ["SUBSECTION_TITLE_WORDS", "continued_story", "counted_point", "has_own_text",
           "section_heading", "section_shaped"]

SUBSECTION_TITLE_WORDS = 3  # the story over its sections has a title, not a name ("Policy")
# A section's heading inside a long story is short ("The setup", "Root cause"); a news
# headline runs longer ("The Fed holds rates steady as inflation cools": the review)
SUBSECTION_WORDS = 5
# "…continued: Meridian's agent goes to work", "Letters to the editor (continued)": the rest
# names the story that goes on (not "Continued drought forces water cuts": the review)
CONTINUED_REST = re.compile(r"^\W*(?:continued|cont\.)\s*[:—–-]\s*(.+)$"
                            r"|^(.+?)\s*\((?:continued|cont\.?)\)\W*$", re.IGNORECASE)
# A headline that counts its own points: "Five things we learned at RoboDeploy Europe", "3
# takeaways from the AI Act vote" (its numbered bold points are its text: the 34th sweep)
COUNT_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
               "eleven", "twelve")
COUNTED_POINTS = re.compile(
    rf"^(?:the |our )?(\d{{1,2}}|{'|'.join(COUNT_WORDS)})"
    r"(?: [\w-]+){0,2}? (?:things|takeaways|lessons|reasons|ways|questions|trends|ideas|tips"
    r"|facts|highlights|predictions|surprises|observations|points|moments|numbers)\b",
    re.IGNORECASE)
NUMBERED_POINT = re.compile(r"^\W*\(?(\d{1,2})[.)]\s")
CONTINUED_MIN_CHARS = 8  # the rest of a "continued" heading names its story
SUBSECTION_AFTER = 200  # characters of the story's own text before its first section
# How a section of a piece is headed, unlike a news headline ("County rejects a gas plant"):
# a question, a label of a word or two ("Root cause", "Persistence"), or a phrase that opens
# on an article, a possessive or a wh-word ("The setup", "What changes on Monday").
_OPENERS = r"the|what|why|how|who|where|when|which|our|my|your|its|their|this|these|some"
_SHAPE = r"\?\W*$|^\W*(?:[\w'’-]+(?:\s+[\w'’-]+)?\W*$|(?:{})\s)"
SUBSECTION = re.compile(_SHAPE.format(_OPENERS + r"|a|an|step \d+|part \w+|\d+[.)]"),
                        re.IGNORECASE)


# The stricter shape an essay's section may link out under (essay.py): a question, a word
# or two, or a wh-word, "the" or a possessive first; not "a"/"an", which open news ("A judge
# blocks…"); a number before it aside ("2. ", "IV. ", "b) ").
NUMBERING = re.compile(r"^\(?(?:\d{1,2}|[IVXLC]{1,6}|[a-z])[.)]\s+")
SECTION_SHAPE = re.compile(_SHAPE.format(_OPENERS), re.IGNORECASE)


def section_shaped(headline: str) -> bool:
    """A heading shaped as a section of a piece, not as news: "Why decoding is slow", "The
    price floor", "What it means for builders", "Conclusion", a question.  Such a section
    may link out (an essay cites its sources: the fifteenth sweep's Substack essays)."""
    return bool(SECTION_SHAPE.search(NUMBERING.sub("", tidy(headline))))


def section_heading(text: str) -> bool:
    """Shaped as a section's heading: short, and a question, a word or two, or opening on an
    article, a possessive, a wh-word or a number."""
    return len(text.split()) <= SUBSECTION_WORDS and bool(SUBSECTION.search(text))


def has_own_text(blocks: Sequence[Block]) -> bool:
    """The story (its title first in ``blocks``) already has a paragraph of its own.  (Summed
    up to the threshold only: summed whole for every section, a 4,000-section story was
    quadratic: the review.)"""
    told = 0
    for block in itertools.islice(blocks, 1, None):
        told += len(block.text)
        if told >= SUBSECTION_AFTER:
            return True
    return False


def continued_story(text: str, cuts: Sequence[Cut]) -> Cut | None:
    """The earlier story a "…continued: X" or "X (continued)" heading goes on with."""
    found = CONTINUED_REST.match(text)
    rest = next((g for g in found.groups() if g), "") if found else ""
    rest = rest.casefold().strip(" :—–-")
    if len(rest) < CONTINUED_MIN_CHARS:
        return None
    heads = ((c, re.sub(r"^\W+", "", c.headline).casefold()) for c in reversed(cuts))
    return next((c for c, h in heads if h and (h.startswith(rest) or rest.startswith(h))), None)


def counted_point(story: Cut, point: Block) -> bool:
    """``point`` opens with its number ("2. Integrators are the bottleneck.") under a
    headline that counts its points, no more than it counts, and links nowhere: a part of
    that story, not one of its own ("10 things in tech you need to know today" over ten
    linked news items keeps them apart: the review)."""
    count = COUNTED_POINTS.match(story.headline)
    number = NUMBERED_POINT.match(point.text)
    return (story.signal.startswith("heading") and count is not None and number is not None
            and not point.links and int(number.group(1)) <= _count(count.group(1)))


def _count(word: str) -> int:
    return int(word) if word.isdigit() else COUNT_WORDS.index(word.lower()) + 2
