"""What the model reads: a story's text with its headline on a line of its own.

The model weighs a story's first line as its headline (the ``headline`` word
block; cues in the headline count apart).  The pipeline's stories have one
(``story_text``), but text from elsewhere may not: a digest's one-line item
"Headline - summary" (388 of Last Week in AI's 421 labeled stories), a story
written as one paragraph (a bold lead-in, text whose line breaks were lost).
Read as it is, the whole item is the headline, its passing mentions weigh as
headline words, and a newsletter nobody trained on is over-tagged.

``headline_line`` gives such a text a first line: the words before its first
spaced dash, else its first sentence, when that is a headline's length.  It
only ever adds a line above the text, so explanations still quote the story's
own words.  Scoring reads through it; training does not (trained on the
labeled texts as they are, the model did best; models/README.md, seventh pass).
Measured with the shipped recipe on the newsletter left out: Last Week in AI
0.759 -> 0.780, Import AI unchanged (0.845); with every line break removed,
Import AI 0.748 -> 0.789; grouped CV unchanged (0.830 -> 0.834, 3 shuffles).
"""

from __future__ import annotations

import re

from service.domain import Story

__all__ = ["MAX_HEADLINE_WORDS", "headline_line", "story_text"]

# A first line longer than this is not a headline (labeled headlines: 90% are
# 15 words or fewer; a digest item's "headline - summary" line has 40-50).
MAX_HEADLINE_WORDS = 30
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def story_text(story: Story) -> str:
    """The pipeline's text of a story: the headline on the first line, as in training."""
    if story.headline and not story.text.startswith(story.headline):
        return f"{story.headline}\n{story.text}"
    return story.text


def headline_line(text: str) -> str:
    """``text`` with a headline line above it when its first line is too long to be one."""
    first = text.lstrip().partition("\n")[0]
    if len(first.split(None, MAX_HEADLINE_WORDS)) <= MAX_HEADLINE_WORDS:
        return text
    for boundary in (_SPACED_DASH, _SENTENCE_END):
        found = boundary.search(first)
        if found and len(first[:found.start()].split()) <= MAX_HEADLINE_WORDS:
            return f"{first[:found.start()].strip()}\n{text}"
    return text
