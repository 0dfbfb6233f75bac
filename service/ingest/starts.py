"""A learned second opinion on where the structural engine's stories start.

The rules in this package were each read off a layout someone looked at; on a newsletter
nobody has looked at they miss stories and cut some in two (issues written blind by
helpers: 0.79 headline F1).  A model of "a story starts at this block", trained on those
helpers' issues with the rules' decisions among its features, overturns the rules only
where it is nearly sure: a story the rules start at p <= 0.15 is joined to the story above
it, and a block inside a story at p >= 0.85 starts one of its own.  Left out one sweep at
a time, that lifts the blind figure to 0.86 and costs the real newsletters of ../shared
0.002 (``docs/segmentation.md``; ``bench/story_starts.py`` trains and measures it).

The model is 100 small regression trees kept as plain arrays (``models/starts/``, its card
holding their sha256): read without unpickling anything, and without importing
scikit-learn's ensemble module into the service.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from hashlib import sha256
from pathlib import Path

import numpy as np

from service.domain import Block
from service.ingest.cuts import Cut
from service.ingest.headlines import block_lines
from service.ingest.start_features import (
    LAYOUT_NAMES,
    RULE_NAMES,
    Units,
    layout_features,
    rule_features,
    unit_headline,
    units_of,
)
from service.paths import project_file

log = logging.getLogger(__name__)

CARD = Path("models") / "starts" / "card.json"


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted trees as arrays: node ``i`` splits on ``feature[i]`` at
    ``threshold[i]`` (left when the value is at most it), or is a leaf worth ``value[i]``;
    ``roots`` is each tree's first node."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    baseline: float
    drop_at: float
    add_at: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(a story starts here) for each row: every tree walked at once, level by level."""
        node = np.broadcast_to(self.roots, (len(rows), len(self.roots))).copy()
        samples = np.arange(len(rows))[:, None]
        while not self.leaf[node].all():
            inner = ~self.leaf[node]
            values = rows[samples, self.feature[node]]
            step = np.where(values <= self.threshold[node], self.left[node], self.right[node])
            node = np.where(inner, step, node)
        raw = self.baseline + self.value[node].sum(axis=1)
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
        return probabilities


def tree_arrays(model: object) -> dict[str, np.ndarray]:
    """A fitted binary ``HistGradientBoostingClassifier``'s trees as ``Trees``' arrays (for
    ``np.savez``): what ``bench/story_starts.py --save`` writes."""
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("feature", "threshold", "left",
                                                           "right", "leaf", "value")}
    roots, offset = [], 0
    for (predictor,) in model._predictors:  # type: ignore[attr-defined]  # (one per round)
        nodes = predictor.nodes
        roots.append(offset)
        parts["feature"].append(nodes["feature_idx"].astype(np.int32))
        parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
        parts["left"].append((nodes["left"] + offset).astype(np.int32))
        parts["right"].append((nodes["right"] + offset).astype(np.int32))
        parts["leaf"].append(nodes["is_leaf"].astype(bool))
        parts["value"].append(nodes["value"].astype(np.float64))
        offset += len(nodes)
    baseline = float(np.ravel(model._baseline_prediction)[0])  # type: ignore[attr-defined]
    return {**{k: np.concatenate(v) for k, v in parts.items()},
            "roots": np.asarray(roots, dtype=np.int32), "baseline": np.asarray(baseline)}


class ModelError(ValueError):
    """The story-start model's files are missing, altered or of another shape."""


def read_trees(card_path: Path) -> Trees:
    """The model a card names, after its file's sha256 matches the card's."""
    card = json.loads(card_path.read_text(encoding="utf-8"))
    data = (card_path.parent / card["file"]).read_bytes()
    if sha256(data).hexdigest() != card["sha256"]:
        raise ModelError(f"{card_path.parent / card['file']} does not match its card's sha256")
    if tuple(card["features"]) != (*LAYOUT_NAMES, *RULE_NAMES):
        raise ModelError(f"{card_path} was trained on other features than this code computes")
    arrays = np.load(io.BytesIO(data), allow_pickle=False)
    return Trees(feature=arrays["feature"], threshold=arrays["threshold"], left=arrays["left"],
                 right=arrays["right"], leaf=arrays["leaf"], value=arrays["value"],
                 roots=arrays["roots"], baseline=float(arrays["baseline"]),
                 drop_at=float(card["drop_at"]), add_at=float(card["add_at"]))


@cache
def shipped_trees() -> Trees | None:
    """The shipped model, read once per process; None (the rules alone) when it cannot be."""
    try:
        return read_trees(project_file(CARD))
    except (OSError, ValueError, KeyError) as exc:
        log.error("story-start model not used, the rules cut alone: %s", exc)
        return None


def with_learned_starts(raw: Sequence[Block], footer: int | None, subject: str, cuts: list[Cut],
                        notes: list[str], trees: Trees | None = None,
                        ) -> tuple[list[Cut], list[str]]:
    """``cuts`` with the model's sure disagreements applied, each named in ``notes``."""
    trees = trees or shipped_trees()
    units = units_of(raw)
    if trees is None or not cuts or len(units.blocks) < 2:
        return cuts, notes
    headlines = [unit_headline(block) for block in units.blocks]
    starts = _rule_starts(units, cuts)
    footer_unit = (units.unit_of[footer] if footer is not None and footer < len(raw)
                   else len(units.blocks))
    rows = [a + b for a, b in zip(
        layout_features(units, headlines, subject),
        rule_features(units, headlines, {u: c.headline for u, c in starts.items()},
                      footer_unit), strict=True)]
    p = trees.probabilities(np.asarray(rows, dtype=np.float64))
    cuts, notes = list(cuts), list(notes)
    for unit, cut in starts.items():  # (a dropped start's blocks join the story above)
        at = next(i for i, c in enumerate(cuts) if c is cut)
        if p[unit] <= trees.drop_at and at > 0:
            above = cuts[at - 1]
            cuts[at - 1] = Cut(above.headline, above.signal, [*above.blocks, *cut.blocks],
                               above.url, above.section)
            del cuts[at]
            notes.append(f"   joined to the story above (learned, p={p[unit]:.2f}): "
                         f"{cut.headline!r}")
    for unit in range(min(footer_unit, len(units.blocks))):
        if unit in starts or p[unit] < trees.add_at:
            continue
        found = _inside(cuts, units.blocks[unit])
        if found is None:
            continue  # housekeeping the rules dropped stays dropped
        at, k = found
        cut = cuts[at]
        headline = unit_headline(cut.blocks[k])
        cuts[at:at + 1] = [Cut(cut.headline, cut.signal, cut.blocks[:k], cut.url, cut.section),
                           Cut(headline, f"learned start, p={p[unit]:.2f}", cut.blocks[k:],
                               section=cut.section)]
        notes.append(f"   a story starts here (learned, p={p[unit]:.2f}): {headline!r}")
    return cuts, notes


def _rule_starts(units: Units, cuts: Sequence[Cut]) -> dict[int, Cut]:
    """The unit each cut starts at (cuts whose first block is no unit are left out)."""
    starts: dict[int, Cut] = {}
    position = {id(block): at for at, block in enumerate(units.blocks)}
    at = 0
    for cut in cuts:
        unit = position.get(id(cut.blocks[0])) if cut.blocks else None
        if unit is None and cut.blocks:
            unit = _unit_holding(units, cut.blocks[0], at)
        if unit is not None and unit not in starts:
            starts[unit] = cut
            at = unit + 1
    return starts


def _unit_holding(units: Units, block: Block, start: int) -> int | None:
    """A cleaned copy's unit: an equal block, else the first from ``start`` holding its
    first line."""
    for at, other in enumerate(units.blocks):
        if other == block:
            return at
    first = next((line.strip() for line in block.text.split("\n") if line.strip()), "")
    if first:
        order: list[int] = [*range(start, len(units.blocks)), *range(start)]
        for at in order:
            if first in units.blocks[at].text:
                return at
    return None


def _inside(cuts: Sequence[Cut], block: Block) -> tuple[int, int] | None:
    """Which cut holds ``block`` (or its cleaned copy) past its first block, and where."""
    first = block_lines(block)[0].strip()
    for same in (lambda other: other is block or other == block,
                 lambda other: bool(first) and other.text.startswith(first)):
        for at, cut in enumerate(cuts):
            for k, other in enumerate(cut.blocks[1:], start=1):
                if same(other):
                    return at, k
    return None
