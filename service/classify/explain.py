"""Explanations: for a tagged theme, the story's own words that carry it and pushed it up.

A term is shown only if (1) it occurs in the story, as the reader sees it, and
(2) it matches one of the theme's cues (lexicon.py: THEMES.md's signals), so
it carries the theme: never a cue group's name ("sim2real" for a story that
says nothing of simulation), never a filler word the regression happened to
weigh ("powered", "easy").  Terms are ranked by how much they pushed the
theme's score: value x coefficient of the cue features they fired plus their
own word and headline features; a term that pushed nothing is left out, and
one term stands for each cue.  Each is spelled as the story spells it.  When
no term's own features pushed, the theme's summary features (how many hits,
in the headline, in the lead) still count its cue hits: the best-ranked of
those, up to two, name the tag, so a tag the model gave shows a term whenever
the story holds one of the theme's cue words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from service.classify.alphabets import HAS_CJK, LONGEST_WORD

__all__ = ["cue_columns", "explain", "story_hits"]


# feature block -> the CueCounts counting in it ("cues", "definitions": compiled.py)
Blocks = Mapping[str, Any]
# block -> (its ThemeCues, per cue: (its theme, its count feature's name and column))
Columns = Mapping[str, tuple[Any, Sequence[tuple[str, str, int | None]]]]
# theme -> (words, count feature, its column) of each of the story's hits of the theme
Hits = Mapping[str, Sequence[tuple[str, str, int | None]]]


# "$3.5", "2025", "billion", and (the editor's probe, stop 44) "$600-ish", "dollars",
# "10-billion-parameter": a number, its unit or both, and what it counts
AMOUNT = re.compile(r"^[$€£¥]?[\d.,]*(?:\s*(?:k|m|bn|b|%|percent|per cent)|[-\s]*(?:millions?"
                    r"|billions?|trillions?|thousands?|hundreds?|dollars?|euros?))?"
                    r"(?:-(?:ish|plus|odd|parameters?|dollars?))?$", re.IGNORECASE)


# Words whose cue is a part that means something else here: "fine-tuning" holds no fine
# (policy's penalty), "law-abiding" no law, a "cyberpunk" tale no cyber attack (the
# editor's probe, stop 44: each was shown as its theme's term).  The model still counts
# them, as it was trained to; a reader is not told they carry the theme.
OTHER_SENSE = re.compile(r"^(?:fine-(?:tun|grain)\w*|law-abiding|cyberpunks?)$", re.IGNORECASE)


def cue_columns(blocks: Blocks, index: Mapping[str, int]) -> dict[str, tuple[Any, list[
        tuple[str, str, int | None]]]]:
    """Each block's cues with their theme and count feature: named once per model, not
    once per hit of every story explained."""
    columns = {}
    for block, counter in blocks.items():
        named = [(theme, f"{block}__{theme}:{name}") for theme, name in counter.names_]
        columns[block] = counter, [(theme, feature, index.get(feature))
                                   for theme, feature in named]
    return columns


def story_hits(tokens: list[str], columns: Columns) -> Hits:
    """Every block's cue hits in a story's ``tokens`` (cues.tokenize of the text as read),
    by theme, found once: a story tagged with three themes is explained three times from
    them.  A slug's hit (longer than any word) names no term."""
    by_theme: dict[str, list[tuple[str, str, int | None]]] = {}
    for counter, cues in columns.values():
        for cue, gram in counter.token_hits(tokens):
            if len(gram) <= LONGEST_WORD:
                theme, feature, column = cues[cue]
                by_theme.setdefault(theme, []).append((gram, feature, column))
    return by_theme


def explain(text: str, pushes: np.ndarray[Any, Any], index: Mapping[str, int],
            hits: Sequence[tuple[str, str, int | None]], limit: int) -> tuple[str, ...]:
    """Up to ``limit`` terms of ``text`` (the story as shown) behind a theme; ``pushes``
    is value x coefficient per feature of the story's row, ``index`` maps feature names to
    columns, ``hits`` is the theme's ``story_hits`` in the text as the model read it
    (reading.as_read): a hit not written in ``text`` as such (a phrase wrapped over two
    lines) is not shown."""
    lowered = text.lower()
    found: dict[str, tuple[float, set[str]]] = {}  # term -> (its push, the cues it fired)
    for gram, feature, column in hits:
        known = found.get(gram)
        push, cues = known if known is not None else (
            _word_push(pushes, index, gram.split(" ")), set())
        if feature not in cues:  # a cue's count feature pushes once per term
            cues.add(feature)
            push += float(pushes[column]) if column is not None else 0.0
        found[gram] = push, cues
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
    spelled: dict[str, str | None] = {}

    def written(gram: str) -> bool:
        """Is ``gram`` in the story as shown?  Asked lazily, best-ranked first, and once
        per term: a long story of wrapped phrases is not searched once per hit."""
        if gram not in spelled:
            spelled[gram] = _as_written(gram, text, lowered)
        return spelled[gram] is not None

    # (an amount, "$3.5", "2025" or "billion", carries no theme a reader would see: the
    # model may weigh it, the explanation does not name it)
    worded = [(gram, push, cues) for gram, (push, cues) in ranked
              if not AMOUNT.match(gram) and not OTHER_SENSE.match(gram)]
    chosen = _distinct(((gram, cues) for gram, push, cues in worded
                        if push > 0 and written(gram)), limit)
    if not chosen:  # no term's own features pushed, but the theme's summaries (hits, in
        # the headline, in the lead) count exactly these hits: name the best of them
        chosen = _distinct(((gram, cues) for gram, _, cues in worded if written(gram)),
                           min(limit, 2))
    return tuple(str(spelled[gram]) for gram in chosen)


def _distinct(ranked: Iterable[tuple[str, set[str]]], limit: int) -> list[str]:
    """The first ``limit`` terms, one per cue: "democracy, democratic" says it twice."""
    chosen: list[str] = []
    used: set[str] = set()
    for gram, cues in ranked:
        if len(chosen) == limit:
            break
        if not cues & used and gram.rstrip("s") not in {c.rstrip("s") for c in chosen}:
            chosen.append(gram)
        used |= cues
    return chosen


def _as_written(gram: str, text: str, lowered: str) -> str | None:
    """The term as the story spells it ("Commerce Department", "H100s"), as whole words;
    None when the story does not write it so (a phrase wrapped over two lines; "eu" only
    inside "European")."""
    if len(lowered) == len(text):
        at = lowered.find(gram)
        while at >= 0:  # str.find, not a pattern per term: explaining is on the hot path
            end = at + len(gram)
            if not (_joins(lowered, at - 1, gram[0]) or _joins(lowered, end, gram[-1])):
                return text[at:end]
            at = lowered.find(gram, at + 1)
        return None
    # lower() changed the length ("İ" is two characters lowered): positions differ
    found = re.search(rf"(?<![\w$£€^]){re.escape(gram)}(?!\w)", text, re.IGNORECASE)
    return found.group(0) if found else None


def _joins(text: str, at: int, edge: str) -> bool:
    """The character at ``at`` would make a term whose end next to it is ``edge`` part of a
    longer word: a letter or digit, unless one of them is Chinese, Japanese or Korean
    ("AI芯片" is "ai" and "芯片", as cues.py reads it; "ロボット" is a word inside
    "自律型ロボットが")."""
    if not (0 <= at < len(text) and (text[at].isalnum() or text[at] in "_$£€^")):
        return False
    if HAS_CJK.match(edge):  # those scripts put no space between words: a word ends anywhere
        return False
    return not HAS_CJK.match(text[at])


def _push(pushes: np.ndarray[Any, Any], index: Mapping[str, int], name: str) -> float:
    column = index.get(name)
    return float(pushes[column]) if column is not None else 0.0


def _word_push(pushes: np.ndarray[Any, Any], index: Mapping[str, int],
               tokens: Sequence[str]) -> float:
    return sum(_push(pushes, index, f"{block}__{token}") for token in tokens
               for block in ("words", "headline"))
