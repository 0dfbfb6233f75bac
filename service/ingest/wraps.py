"""Segment stage, structural engine: whether a line of plain text ends where its paragraph
was wrapped, or where a headline ends.

Plain text has no markup: a title is found on the first line of a paragraph
(roles.py), and a paragraph's first line, as wide as the text under it and going on in
the next, is not one.  Every test here reads a line or two, and the paragraph's widths
read once (``line_tails``): linear in the size of the issue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.ingest.headlines import capitalised_share, letter_words, title_like
from service.ingest.units import Unit

__all__ = ["headline_line", "heads_a_story", "line_tails", "title_above", "wrapped"]

WRAP_MIN_CHARS = 60  # a line this long, as wide as the text under it, was wrapped there
WRAP_SHARE = 0.9
HEADLINE_CASE = 0.7  # of a line's longer words capitalised: a headline in Title Case
PROSE_CASE = 0.5  # English prose capitalises a fifth of its longer words, German more than half
# A line that ends in an article, a conjunction or "to" goes on in the next: a headline
# does not end there ("…from 9 a.m. to noon to" / "plant 200 native shrubs…")
# (in lower case only: a Title Case headline may end in "To", "A" or "Die": the review)
DANGLING_WORD = re.compile(
    r"(?:^|\s)(?:the|a|an|and|or|of|to|from|with|than|that|which|whose|its|their|our|your"
    r"|der|die|das|den|dem|des|ein|eine|einen|einem|einer|und|oder|mit|zu|für|von"
    r"|le|la|les|un|une|des|du|de|à|au|aux|pour|avec|sur|el|los|las|una|del|y|con"
    r"|para|por)$")
HEADLINE_ABOVE_WORDS = 4  # words of 3 letters or more: a story's headline, not a section's name


def line_tails(lines: Sequence[str]) -> list[tuple[int, int]]:
    """For each index i: the longest line and the total length of lines[i:]."""
    tails, longest, total = [(0, 0)] * (len(lines) + 1), 0, 0
    for i in range(len(lines) - 1, -1, -1):
        longest, total = max(longest, len(lines[i])), total + len(lines[i])
        tails[i] = (longest, total)
    return tails


def title_above(units: list[Unit]) -> bool:
    """A headline stands right above the block in hand (``heads_a_story``)."""
    return bool(units) and heads_a_story(units[-1])


def heads_a_story(unit: Unit) -> bool:
    """``unit`` reads as a story's headline: a line of its own that reads as a title ("(4)
    Departmental seminar: …", which plain text sets apart from the paragraph under it), or a
    heading that is not a section's name ("▶ Bürgeramt Neustadt testet Chatbot…"; under
    "EFFICIENCY" a paper's title in Title Case may fill the line)."""
    if unit.role not in ("title", "body"):
        return False
    text = unit.block.text.strip()
    if unit.role == "body" and "\n" in text:
        return False  # a paragraph (read no further: it may be megabytes)
    if not headline_line(text) or text.isupper():
        return False  # "March 11, 2025", "City Hall", "EFFICIENCY": a date, a kicker, a section
    return unit.role == "title" or title_like(text)


def headline_line(line: str) -> bool:
    """Long enough for a story's headline, not a kicker's or a section's name ("City Hall")."""
    return letter_words(line) >= HEADLINE_ABOVE_WORDS


def wrapped(lines: Sequence[str], at: int, longest: int, titled: bool) -> bool:
    """``lines[at]`` (over one line at least) is as wide as the lines below it, the longest
    ``longest``, and goes on in the next: a paragraph wrapped at its width.  ``titled``: a
    line that reads as a headline stands right above (``title_above``)."""
    # (After a rule too: "=====" / "1. Headline [1]" / "=====" / a wrapped paragraph, plain
    # text's headline between two rules: the nineteenth sweep.)  As wide as the lines below
    # it and going on in the next: "…will take place in Ljubljana on April" / "17-19,
    # 2026…" (the twelfth sweep); a long headline's text starts a sentence (its attack), or
    # with a quote, "$40 million" or "2026": a headline in Title Case is one (the review),
    # but not one that ends in "to" or "the", nor right under a headline ("Wednesday 12
    # March, 4 p.m., Lecture Theatre 2. Dr. Kirsten…" under its seminar's title), nor where
    # the text is as capitalised as it (German's nouns: the forty-first sweep).  Only under
    # a headline does a first word too long for the line say it wrapped: a headline over its
    # text may be as wide as the text (the review of the forty-third sweep's rules).
    first, below = lines[at], lines[at + 1]
    if not (min(len(first), longest) >= WRAP_MIN_CHARS and len(first) >= WRAP_SHARE * longest):
        return False
    dangling = bool(DANGLING_WORD.search(first))
    goes_on = (not below.lstrip()[:1].isupper() or dangling
               or (titled and at + 2 < len(lines) and _no_room(first, below, longest)))
    return goes_on and (capitalised_share(first) < HEADLINE_CASE or titled or dangling
                        or _capitals_tell_nothing(lines, at))


def _capitals_tell_nothing(lines: Sequence[str], at: int) -> bool:
    """The two lines under ``lines[at]`` start as many words with a capital as a title in
    Title Case does: German capitalises its nouns, so a capitalised line there is no sign
    of a headline."""
    return capitalised_share(" ".join(lines[at + 1:at + 3]), skip_first=True) >= PROSE_CASE


def _no_room(first: str, below: str, width: int) -> bool:
    """The next line's first word would not have fitted on ``first`` at the paragraph's
    width: the break is the wrap's, whatever case that word takes ("…from October 14 to" /
    "October 24, working weeknights…"; a German paragraph's nouns: the forty-first sweep).
    Asked only of a paragraph that goes on for two lines at least: over one line, "Topic:
    [ADVISORY] …" over its "Url:" or "Lost terrier home - Biscuit, who…" over "Point, …"
    may be a headline or an item wider than what follows (the review)."""
    word = below.split(maxsplit=1)[0] if below.strip() else ""
    return bool(word) and len(first.rstrip()) + 1 + len(word) > width
