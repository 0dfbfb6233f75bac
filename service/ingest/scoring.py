"""Segmentation quality: predicted story headlines scored against a gold list.

Shared by the tests and ``bench/segment.py`` so both report the same figure.
Headlines are compared as normalised word tokens (case, punctuation, markdown
and quote styles ignored); two headlines match when their token Dice overlap is
at least ``THRESHOLD`` or one is a prefix of the other (a headline cut short
with "…").  Matching is one-to-one and in order (a longest common subsequence),
so a story found in the wrong place does not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 0.6


@dataclass(frozen=True)
class Score:
    predicted: int
    gold: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.predicted + self.gold
        return 2 * self.matched / total if total else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.predicted + other.predicted, self.gold + other.gold,
                     self.matched + other.matched)


def tokens(headline: str) -> list[str]:
    text = unicodedata.normalize("NFKC", headline).lower().replace("’", "'")
    return re.findall(r"[^\W_]+", text)


def similar(a: Sequence[str], b: Sequence[str]) -> bool:
    if not a or not b:
        return False
    short, long = sorted((list(a), list(b)), key=len)
    if len(short) >= 3 and long[: len(short)] == short:
        return True
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b)) >= THRESHOLD


def score(predicted: Sequence[str], gold: Sequence[str]) -> Score:
    """Precision, recall and F1 of one issue's predicted headlines against its gold ones."""
    mine = [tokens(h) for h in predicted]
    theirs = [tokens(h) for h in gold]
    # Longest common subsequence over "similar": O(len(mine) * len(theirs)), issues are small.
    previous = [0] * (len(theirs) + 1)
    for a in mine:
        row = [0]
        for j, b in enumerate(theirs):
            row.append(previous[j] + 1 if similar(a, b) else max(previous[j + 1], row[j]))
        previous = row
    return Score(len(mine), len(theirs), previous[-1])
