"""Segment stage: a story as it is stored and sent.

Its headline and text cut to a length, its links without the sender's tracking
(``trackers.py``).  A 50,000-character Subject of a one-story issue was its headline in
every alert and page (an operator's review); one story of 3 MB made its archive page 14.8
MB of HTML and 3 s of CPU a request, for anyone to ask again and again (an attacker's
probe).  The longest labeled story is under 10,000 characters.
"""

from __future__ import annotations

import dataclasses

from service.domain import Link, Story
from service.ingest.trackers import text_without_trackers, without_trackers

__all__ = ["HEADLINE_MAX_CHARS", "LINKS_MAX", "TEXT_MAX_CHARS", "finished"]

HEADLINE_MAX_CHARS = 300
TEXT_MAX_CHARS = 50_000
LINKS_MAX = 200  # a story's links (a long essay's notes have dozens)


def finished(story: Story) -> Story:
    links = tuple(dict.fromkeys(Link(link.text, without_trackers(link.url))
                                for link in story.links[:LINKS_MAX * 4]))[:LINKS_MAX]
    return dataclasses.replace(story, headline=cut(story.headline, HEADLINE_MAX_CHARS),
                               links=links, url=without_trackers(story.url),
                               text=text_without_trackers(cut(story.text, TEXT_MAX_CHARS)))


def cut(text: str, most: int) -> str:
    """``text``, or its first ``most`` characters cut at a word, with "…"."""
    if len(text) <= most:
        return text
    head = text[:most - 1]
    return (head.rsplit(None, 1)[0] if " " in head else head) + "…"
