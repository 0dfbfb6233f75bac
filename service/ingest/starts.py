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
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from hashlib import sha256
from pathlib import Path

import numpy as np

from service.domain import Block
from service.errors import ModelError, ModelIntegrityError
from service.ingest.cuts import Cut
from service.ingest.headlines import block_lines
from service.ingest.start_features import (
    LAYOUT_NAMES,
    RULE_NAMES,
    Units,
    layout_features,
    rule_features,
    shapes_of,
    unit_headline,
    units_of,
)
from service.paths import project_file

log = logging.getLogger(__name__)

CARD = Path("models") / "starts" / "card.json"
NEAR = 64  # units searched past the last story's start for a piece split off one


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


def read_trees(card_path: Path) -> Trees:
    """The model a card names, after its file's sha256 matches the card's."""
    card = json.loads(card_path.read_text(encoding="utf-8"))
    data = (card_path.parent / card["file"]).read_bytes()
    if sha256(data).hexdigest() != card["sha256"]:
        raise ModelIntegrityError(
            f"{card_path.parent / card['file']} does not match its card's sha256")
    if tuple(card["features"]) != (*LAYOUT_NAMES, *RULE_NAMES):
        raise ModelError(f"{card_path} was trained on other features than this code computes")
    arrays = np.load(io.BytesIO(data), allow_pickle=False)
    trees = Trees(feature=arrays["feature"], threshold=arrays["threshold"], left=arrays["left"],
                  right=arrays["right"], leaf=arrays["leaf"], value=arrays["value"],
                  roots=arrays["roots"], baseline=float(arrays["baseline"]),
                  drop_at=float(card["drop_at"]), add_at=float(card["add_at"]))
    if problem := _malformed(trees, len(card["features"])):
        raise ModelError(f"{card_path.parent / card['file']}: {problem}")
    return trees


def _malformed(trees: Trees, features: int) -> str:
    """What makes the arrays no forest of trees that a walk ends in (a sha256 that matches
    says who wrote them, not that they are sound): empty when nothing does."""
    nodes = len(trees.leaf)
    arrays = (trees.feature, trees.threshold, trees.left, trees.right, trees.value)
    if not nodes or not len(trees.roots) or any(a.shape != (nodes,) for a in arrays):
        return "its arrays are empty or of different lengths"
    if trees.leaf.dtype != bool or any(a.dtype.kind != "i" for a in (
            trees.feature, trees.left, trees.right, trees.roots)):
        return "its arrays are of the wrong types"
    inner = np.flatnonzero(~trees.leaf)
    if not np.isfinite([*trees.value, *trees.threshold[inner], trees.baseline]).all():
        return "it holds values that are not finite"
    if ((trees.roots < 0) | (trees.roots >= nodes)).any():
        return "a tree's root is no node"
    children = np.concatenate([trees.left[inner], trees.right[inner]])
    parents = np.concatenate([inner, inner])
    if ((children <= parents) | (children >= nodes)).any():  # (a child after its parent:
        return "a node's child is no later node"           # every walk ends at a leaf)
    if ((trees.feature[inner] < 0) | (trees.feature[inner] >= features)).any():
        return "a split names a feature that is not computed"
    if not 0.0 <= trees.drop_at < 0.5 < trees.add_at <= 1.0:
        return "its guards are not 0 <= drop_at < 0.5 < add_at <= 1"
    return ""


@cache
def shipped_trees() -> Trees | None:
    """The shipped model, read once per process; None (the rules alone) when it cannot be."""
    return trees_or_none(project_file(CARD))


def trees_or_none(card_path: Path) -> Trees | None:
    try:
        return read_trees(card_path)
    except (ModelError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        # (a card of another shape raises the last three: a list, a null file name)
        log.error("story-start model not used, the rules cut alone: %s", exc)
        return None


def with_learned_starts(raw: Sequence[Block], footer: int | None, subject: str, cuts: list[Cut],
                        notes: list[str], trees: Trees | None = None,
                        titles: Callable[[str], bool] = bool,
                        ) -> tuple[list[Cut], list[str]]:
    """``cuts`` with the model's sure disagreements applied, each named in ``notes``.  A
    start the model is sure of is still refused a headline ``titles`` rejects (the rules
    file's ``not_headlines`` and ``headline_max_chars``: the newsletter's own word)."""
    trees = trees or shipped_trees()
    units = units_of(raw)
    if trees is None or not cuts or len(units.blocks) < 2:
        return cuts, notes
    headlines = [unit_headline(block) for block in units.blocks]
    shapes = shapes_of(units, headlines)
    starts = _rule_starts(units, cuts)
    footer_unit = (units.unit_of[footer] if footer is not None and footer < len(raw)
                   else len(units.blocks))
    rows = [a + b for a, b in zip(
        layout_features(units, headlines, subject, shapes),
        rule_features(units, shapes, {u: c.headline for u, c in starts.items()}, footer_unit),
        strict=True)]
    p = trees.probabilities(np.asarray(rows, dtype=np.float64))
    notes = list(notes)
    # Joins, in one pass: a dropped start's blocks join the story above (never the first).
    start_of = {id(cut): unit for unit, cut in starts.items()}
    kept: list[tuple[Cut, list[Block]]] = []
    for cut in cuts:
        unit = start_of.get(id(cut))
        if unit is not None and p[unit] <= trees.drop_at and kept:
            kept[-1][1].extend(cut.blocks)
            notes.append(f"   joined to the story above (learned, p={p[unit]:.2f}): "
                         f"{cut.headline!r}")
        else:
            kept.append((cut, list(cut.blocks)))
    # Starts, in one pass: a block (or its cleaned copy) the model starts a story at, found by
    # identity, text or first line; housekeeping the rules dropped stays dropped.
    wanted = [u for u in range(min(footer_unit, len(units.blocks)))
              if u not in starts and p[u] >= trees.add_at]
    by_id = {id(units.blocks[u]): u for u in wanted}
    by_text: dict[str, int] = {}
    by_first: dict[str, int] = {}
    for u in wanted:
        by_text.setdefault(units.blocks[u].text, u)
        if line := _first_line(units.blocks[u]):  # (a separator's copy has none)
            by_first.setdefault(line, u)
    out: list[Cut] = []
    used: set[int] = set()
    for cut, blocks in kept:
        head, begin = cut, 0
        for k in range(1, len(blocks)):
            block = blocks[k]
            unit = by_id.get(id(block), by_text.get(block.text))
            if unit is None:
                unit = by_first.get(_first_line(block))
            if unit is None or unit in used:  # (a unit starts one story: its first copy)
                continue
            headline = unit_headline(block)
            if not headline:  # a block of marks alone is no title
                continue
            if not titles(headline):
                notes.append(f"   no story starts here (learned, p={p[unit]:.2f}, but the "
                             f"rules say it is no headline): {headline!r}")
                continue
            used.add(unit)
            out.append(Cut(head.headline, head.signal, blocks[begin:k], head.url, head.section))
            head, begin = Cut(headline, f"learned start, p={p[unit]:.2f}",
                              section=cut.section), k
            notes.append(f"   a story starts here (learned, p={p[unit]:.2f}): {headline!r}")
        out.append(Cut(head.headline, head.signal, blocks[begin:], head.url, head.section))
    return out, notes


def _rule_starts(units: Units, cuts: Sequence[Cut]) -> dict[int, Cut]:
    """The unit each cut starts at: its first block, an equal one, or else the next unit
    (from the last one found) with the same first line; cuts matching none are left out.
    Looked up in dictionaries: an issue of thousands of stories is read in linear time."""
    position: dict[int, int] = {}
    equal: dict[Block, int] = {}
    first_lines: dict[str, list[int]] = {}
    for at, block in enumerate(units.blocks):
        position[id(block)] = at
        equal.setdefault(block, at)
        if line := _first_line(block):
            first_lines.setdefault(line, []).append(at)
    starts: dict[int, Cut] = {}
    after = 0
    for cut in cuts:
        if not cut.blocks:
            continue
        first = cut.blocks[0]
        unit = position.get(id(first), equal.get(first))
        if unit is None and (same := first_lines.get(_first_line(first))):
            later = bisect_left(same, after)
            unit = same[later] if later < len(same) else same[0]
        if unit is None and (line := _first_line(first)):  # a piece split off a unit
            unit = next((at for at in range(after, min(after + NEAR, len(units.blocks)))
                         if line in units.blocks[at].text), None)
        if unit is not None and unit not in starts:
            starts[unit] = cut
            after = unit + 1
    return starts


def _first_line(block: Block) -> str:
    return block_lines(block)[0].strip()
