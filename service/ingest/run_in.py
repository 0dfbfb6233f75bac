"""Segment stage, structural engine: a linked headline run into its summary, and labels.

A newspaper's briefing sets a one-line item as a linked headline and its summary's first
sentence with no dash or colon between ("<a>Tides rally late to beat Miners 3-1</a> Two
goals in the final eight minutes…": the twelfth sweep).  Read so only among items or under
a section's label ("SPORTS"): in a story's text a paragraph may open with a linked book,
agency or company ("<a>The Age of Surveillance Capitalism</a> Zuboff's book argued…").
"""

from __future__ import annotations

from service.domain import Block
from service.ingest.headlines import (
    DECORATION,
    ENUMERATOR,
    SENTENCE_CLOSE,
    block_lines,
    tidy,
    title_like,
)

__all__ = ["headline_then_sentence", "is_label", "runs_in"]

HEADLINE_RUN_WORDS = 5  # a linked headline run into its text is a headline's length
TITLE_CASE_RUN_WORDS = 7  # "Verifying Compute Usage Without Revealing Model Weights"
LABEL_WORDS = 3  # "SPORTS", "ELSEWHERE", "MORE NEWS": a section's label is short


def headline_then_sentence(name: str, tail: str) -> bool:
    """The link's text ``name`` is a headline and ``tail``, the rest of its line, a new
    sentence."""
    words = name.split()
    return (tail[:1].isspace() and tail.lstrip()[:1].isupper()
            and len(words) >= HEADLINE_RUN_WORDS and not SENTENCE_CLOSE.search(name)
            and title_like(name)
            # a name runs into prose too ("<a>Northwind Labs Robotics Group International</a>
            # CEO Dana Morrow said…": the attack): a headline has words in lower case, or
            # more than a name has
            and (any(word[:1].islower() for word in words[1:])
                 or len(words) >= TITLE_CASE_RUN_WORDS))


def runs_in(block: Block) -> bool:
    """The block opens with a linked headline run into its summary: the next of a run of
    such items."""
    first = block_lines(block)[0] if block.text.strip() else ""
    name = tidy(block.links[0].text) if block.links else ""
    text = tidy(ENUMERATOR.sub("", first.strip(DECORATION + "•")))
    return bool(name) and text.startswith(name) and headline_then_sentence(
        name, text[len(name):])


def is_label(block: Block) -> bool:
    """A short label in capitals on a line of its own: "SPORTS", "MORE NEWS"."""
    text = tidy(block.text)
    return "\n" not in text and text.isupper() and 0 < len(text.split()) <= LABEL_WORDS
