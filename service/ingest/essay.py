"""Segment stage, structural engine: a post whose headings are the sections of one essay.

An essay newsletter (Substack and its like) shows the post's title, often a
subtitle and the author's line ("Marta Kowalczyk · Mar 3", "By Dana Ortiz ·
June 11"), then its text under subheadings ("Why things stopped being
fixable", "The parts problem").  The engine cuts at headings, so one essay
became five stories, none under its title, and a reader got its sections as
separate alerts.  By the definition of a story (../shared/data/README.md) an
essay is one story.

A post is read so only when its author is named: the subject's title heads the
body with an author line in the few blocks under it, or the first story's
heading has one right under it.  Then the stories that follow, while each is
headed by a heading with no link of its own (a section of the essay, deeper
than the first story's heading in the second case), become one story with
the text above them, unless most of them carry a link (a digest's stories
link their sources; an essay's sections seldom do).  A "Links" roundup of
one-line items after the essay stays a story each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.headlines import DECORATION, block_lines, is_byline
from service.ingest.structure import Cut

__all__ = ["AUTHOR_WITHIN", "one_essay"]

AUTHOR_WITHIN = 4  # blocks under the title (a subtitle, an author line, a share bar)
MIN_SECTIONS = 2  # one heading is a story, not an essay's sections
_HEADING_RANK = re.compile(r"^heading h(\d)\b")
_NUMBERED = re.compile(r"^(\d+)\. ")


def one_essay(raw: Sequence[Block], subject: str, blocks: Sequence[Block], cuts: list[Cut],
              notes: list[str]) -> tuple[list[Cut], list[str]] | None:
    """``cuts`` with an essay's sections made one story, and ``notes`` to match; None when
    the post is not an essay.  ``raw`` is the issue's blocks as parsed (with the post's
    title), ``blocks`` as cleaned (the cuts' blocks are theirs)."""
    title, first = _shown_title(raw, subject), 0
    if title is None:
        if not cuts or not _under_byline(cuts[0], raw):
            return None
        title, first = cuts[0].headline, 1  # a story with its author: its subheads follow
    top = (_rank(cuts[0]) or 0) if first else 0
    sections = first
    for story in cuts[first:]:
        rank = _rank(story)
        if rank is None or rank <= top or story.url:
            break
        sections += 1
    if sections - first < MIN_SECTIONS:
        return None
    linked = sum(1 for story in cuts[first:sections] if any(b.links for b in story.blocks))
    if linked > (sections - first) // 2:
        return None  # a digest's stories each link their source; an essay's sections seldom
    start = next((i for i, b in enumerate(blocks) if b is cuts[0].blocks[0]), 0)
    merged = [*blocks[:start], *(b for story in cuts[:sections] for b in story.blocks)]
    essay = Cut(title, "whole post: an essay under its title", merged, cuts[0].url if first
                else "", cuts[0].section if first else "")
    note = (f"0. {essay.signal}: {title!r} ({sections - first} headings read as its sections,"
            " with the author named)")
    return [essay, *cuts[sections:]], [note, *_renumbered(notes, sections)]


def _shown_title(raw: Sequence[Block], subject: str) -> str | None:
    """The post's title as a heading that equals the subject, with an author line under it."""
    wanted = _plain(subject)
    for at, block in enumerate(raw):
        if block.kind == "heading" and wanted and _plain(block.text) == wanted:
            under = raw[at + 1:at + 1 + AUTHOR_WITHIN]
            if any(is_byline(block_lines(b)[0]) for b in under if b.kind != "rule"):
                return block.text.strip(DECORATION)
            return None
    return None


def _under_byline(story: Cut, raw: Sequence[Block]) -> bool:
    """The story's heading has its author's line right under it."""
    if _rank(story) is None:
        return False
    at = next((i for i, b in enumerate(raw) if b.kind == "heading"
               and _plain(b.text) == _plain(story.headline)), None)
    return at is not None and at + 1 < len(raw) and is_byline(block_lines(raw[at + 1])[0])


def _rank(story: Cut) -> int | None:
    found = _HEADING_RANK.match(story.signal)
    return int(found.group(1)) if found else None


def _renumbered(notes: list[str], merged: int) -> list[str]:
    """The notes of the stories after the essay, numbered from 1; the merged ones' go."""
    kept = []
    for line in notes:
        found = _NUMBERED.match(line)
        if found is None:
            kept.append(line)
        elif int(found.group(1)) >= merged:
            kept.append(f"{int(found.group(1)) - merged + 1}. {line[found.end():]}")
    return kept


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip(DECORATION)).casefold()
