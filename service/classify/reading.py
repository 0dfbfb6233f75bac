"""What the model reads: a story's text with its headline on a line of its own.

The model weighs a story's first line as its headline (the ``headline`` word
block; cues in the headline count apart).  The pipeline's stories have one
(``story_text``), but text from elsewhere may not: a digest's one-line item
"Headline - summary" (388 of Last Week in AI's 421 labeled stories), a story
written as one paragraph (a bold lead-in, text whose line breaks were lost).
Read as it is, the whole item is the headline, its passing mentions weigh as
headline words, and a newsletter nobody trained on is over-tagged.

A plain-text newsletter wrapped at 72 columns has the opposite trouble: every
wrapped line reads as a paragraph, and a cue broken over two lines ("export
controls") is missed.  And text in markdown carries its links' addresses,
whose slugs repeat theme words a reader never sees ("…/nvidia-h100-gpus-…",
"utm_campaign=…"); the pipeline's stories hold the link text only.

``as_read`` is what the model reads: ``without_addresses`` drops web addresses
(a markdown link keeps its text), ``unwrapped`` joins a line that does not end
a sentence to a next line that starts in lower case, then
``headline_line`` gives a first line too long to be a headline one above it
(the words before its first spaced dash, else its first sentence), and reads a
one-line item short enough to be a headline as its headline and its text
("Governor signs a bill on AI companions for minors": policy 0.49 read as a
headline with no text, 0.81 so).  Nothing else changes.  Explanations show only
terms written in the story as shown (a cue phrase wrapped over two lines counts
but is not shown; model.py).  Scoring
reads through it; training does not (trained on the labeled texts as they
are, the model did best).  Measured with the shipped recipe on the newsletter
left out (bench/layouts.py, models/README.md, seventh pass): Last Week in AI
0.759 -> 0.780 as labeled, 0.708 -> 0.751 wrapped at 72; Import AI 0.845
unchanged, 0.748 -> 0.789 with its line breaks removed, 0.814 -> 0.840
wrapped; headlines as markdown links 0.839 / 0.759 -> 0.845 / 0.780; grouped
CV level.  The short one-line item (v5, models/README.md, eighth pass): Last Week in
AI left out 0.787 -> 0.796, 325 stories of newsletters in no file here 0.695 -> 0.728.
"""

from __future__ import annotations

import re

from service.domain import Story

__all__ = ["MAX_HEADLINE_WORDS", "MIN_SENTENCE_HEADLINE_WORDS", "READING", "READ_AT_MOST",
           "as_read", "headline_line", "read_story", "story_text", "unwrapped",
           "without_addresses"]

# Names how ``as_read`` reads: figures scored another way are not comparable
# (evaluation.py stores it with the metrics; the promotion gate checks it).
READING = ("as_read v5: web addresses dropped, wrapped lines joined (never to a known "
           "headline), a headline line above a long first line, a short one-line item "
           "read as its own headline and text")

# A first line longer than this is not a headline (labeled headlines: 90% are
# 15 words or fewer; a digest item's "headline - summary" line has 40-50).
MAX_HEADLINE_WORDS = 30
# A first "sentence" shorter than this ends at an abbreviation ("U.S.", "Dr.", "e.g.").
MIN_SENTENCE_HEADLINE_WORDS = 3
# The first line's first MAX_HEADLINE_WORDS + 1 words: where a headline may end.
_OPENING_WORDS = re.compile(rf"\S*(?:\s+\S+){{0,{MAX_HEADLINE_WORDS}}}")
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
# A line break before lower case is a wrap when its line does not end a sentence.
# (Found from the "\n", not tried at every character: 30x faster on real stories.)
_BREAK_BEFORE_LOWER = re.compile(r"\n(?=[a-z(])")
_LINE_ENDS = frozenset(".!?:;\"'”’)]\n")
# A markdown link's target "](https://…)" (up to its first ")" or blank), or a bare address.
_LINK_TARGET = re.compile(r"\]\((?:https?://|www\.|mailto:)[^\s)]*\)?", re.IGNORECASE)
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


# What a story is mainly about shows long before its 50,000th character (the longest
# labeled story has under 10,000); a hostile story of megabytes of words never seen would
# cost seconds of cue matching (bench figures in models/README.md, fifteenth pass).
READ_AT_MOST = 50_000


def story_text(story: Story) -> str:
    """The pipeline's text of a story: the headline on the first line, as in training."""
    if story.headline and not story.text.startswith(story.headline):
        return f"{story.headline}\n{story.text}"
    return story.text


def as_read(text: str, headline_first: bool = False) -> str:
    """The text the model scores: ``headline_line(unwrapped(without_addresses(text)))``.
    ``headline_first``: the first line is a known headline (``story_text`` of a story
    with one), never joined to a body that starts in lower case ("iPhone maker …")."""
    text = without_addresses(text)
    if headline_first:
        headline, newline, body = text.partition("\n")
        return headline_line(headline + newline + unwrapped(body))
    return headline_line(unwrapped(text))


def read_story(story: Story) -> tuple[str, str]:
    """(the story as shown, ``story_text``; the text the model scores: of its first
    ``READ_AT_MOST`` characters)."""
    shown = story_text(story)
    return shown, as_read(shown[:READ_AT_MOST], headline_first=bool(story.headline))


def without_addresses(text: str) -> str:
    """``text`` without web addresses: "[the ruling](https://…)" reads "[the ruling]"."""
    lowered = text.lower()
    if "http" not in lowered and "www." not in lowered and "mailto:" not in lowered:
        return text
    return _ADDRESS.sub(_trailing_punctuation, _LINK_TARGET.sub("]", text))


def _trailing_punctuation(address: re.Match[str]) -> str:
    """What ends the sentence after an address ("see www.x.org.") is the sentence's."""
    found = address.group(0)
    return found[len(found.rstrip(".,;:!?)]\"'”’")):]


def unwrapped(text: str) -> str:
    """``text`` with its hard line wraps (mid-sentence, before lower case) read as spaces."""
    if "\n" not in text:
        return text

    def wrap_or_break(found: re.Match[str]) -> str:
        at = found.start() - 1
        while at >= 0 and text[at] in " \t\r":  # each run of blanks is walked once
            at -= 1
        return " " if at >= 0 and text[at] not in _LINE_ENDS else "\n"

    return _BREAK_BEFORE_LOWER.sub(wrap_or_break, text)


def headline_line(text: str) -> str:
    """``text`` with a headline line above it when its first line is too long to be one,
    and a one-line item short enough to be a headline read as its own headline and text."""
    first, _, rest = text.strip().partition("\n")
    if len(first.split(None, MAX_HEADLINE_WORDS)) <= MAX_HEADLINE_WORDS:
        return _one_line_item(first, rest, text)
    start = _OPENING_WORDS.match(first)
    opening = first[:start.end()] if start else first
    found = _SPACED_DASH.search(opening)
    if found and len(opening[:found.start()].split()) <= MAX_HEADLINE_WORDS:
        return f"{opening[:found.start()].strip()}\n{text}"
    for found in _SENTENCE_END.finditer(opening):  # "U.S. regulators …": not "U.S."
        words = len(opening[:found.start()].split())
        if MIN_SENTENCE_HEADLINE_WORDS <= words <= MAX_HEADLINE_WORDS:
            return f"{opening[:found.start()].strip()}\n{text}"
    return text


def _one_line_item(first: str, rest: str, text: str) -> str:
    """A story is a headline and the text under it; a one-line item is both.  Read as a
    headline alone it has no text, and the model, which learnt from stories that have
    one, scores its themes low however plainly the line says them."""
    return f"{first}\n{text}" if first and not rest else text
