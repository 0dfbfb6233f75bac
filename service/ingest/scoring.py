"""Segmentation quality: predicted story headlines scored against a gold list.

Shared by the tests and ``bench/segment.py`` so both report the same figure.
Headlines are compared as normalised word tokens (case, punctuation, markdown
and quote styles ignored); two headlines match when their token Dice overlap is
at least ``THRESHOLD`` or one is a prefix of the other (a headline cut short
with "…").  Matching is one-to-one and in order (a longest common subsequence),
so a story found in the wrong place does not count.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from service.domain import Issue
from service.ingest.parse import load_message, parse_issue
from service.ingest.plain import plain_blocks

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


# ---- the dev set ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldIssue:
    """One issue of the shared data with its expected headlines, in order."""

    path: Path
    source: str
    headlines: tuple[str, ...]
    tales: int = 0  # how many of its stories are fiction


def fiction_score(flagged: int, tales: int) -> Score:
    """An issue's stories marked fiction against its tales, counted (not matched by headline:
    a tale's headline is its title, its section's name or both)."""
    return Score(flagged, tales, min(flagged, tales))


def gold_issues(shared: Path, golden_dir: Path | None = None) -> list[GoldIssue]:
    """The newsletters in ``shared/data/newsletters`` (gold.jsonl), and the Import AI emails
    with the expected cuts in ``golden_dir`` (the repository's tests/golden/segment)."""
    root = shared / "data" / "newsletters"
    by_file: dict[str, list[dict[str, object]]] = {}
    for line in (root / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_file.setdefault(row["file"], []).append(row)
    issues = [_gold(next(root.glob(f"*/{name}")), str(rows[0]["source"]), rows)
              for name, rows in by_file.items()]
    if golden_dir is None:
        return issues
    for path in sorted((shared / "data" / "importai").glob("*/*.eml")):
        golden = json.loads((golden_dir / f"{path.stem}.json").read_text(encoding="utf-8"))
        issues.append(_gold(path, "Import AI", golden["stories"]))
    return issues


def _gold(path: Path, source: str, stories: Sequence[dict[str, object]]) -> GoldIssue:
    return GoldIssue(path, source, tuple(str(s["headline"]) for s in stories),
                     sum(bool(s.get("fiction")) for s in stories))


def plain_variant(data: bytes) -> Issue:
    """The issue as a plain-text-only newsletter would send it: its text/plain part alone."""
    issue = parse_issue(data)
    part = load_message(data).get_body(("plain",))
    text = part.get_content() if isinstance(part, EmailMessage) else ""
    return dataclasses.replace(issue, blocks=tuple(plain_blocks(str(text))))
