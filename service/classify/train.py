"""train: labeled stories in, a fitted theme classifier, its card and its promotion out.

The recipe is recipe.py's, the figures evaluation.py's; this module trains a
version on every label, writes its card (grouped CV, per-newsletter and
leave-one-newsletter-out figures) and decides whether it replaces the active
model.  The gate: a new model may not get worse, in per-newsletter macro F1,
on any newsletter with at least ``GATE_MIN_STORIES`` labeled stories; when no
newsletter has that many, the overall macro F1 may not drop.  Those figures
compare recipes on today's labels, so they cannot see labels gone missing (a
label file left out, the hand-written examples dropped): a model trained on
fewer examples than the active one is kept out too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sklearn

from service.classify import compiled, model_store
from service.classify.evaluation import EVALUATION, SCORED_AS, evaluate, grouped_folds
from service.classify.examples import (
    TRAIN_ONLY_PREFIX,
    Example,
    data_hash,
    label_matrix,
    load_examples,
)
from service.classify.lexicon import THEME_CUES
from service.classify.model import Classifier
from service.classify.model_store import Card, save_version
from service.classify.recipe import DEFAULT_PARAMS, LEGACY_PARAMS, build_pipeline, train_model
from service.classify.reference import reference_drops
from service.db.types import utc_now
from service.domain import THEMES
from service.errors import ModelError

__all__ = ["DEFAULT_PARAMS", "EVALUATION", "GATE_MIN_STORIES", "THEME_CUES", "TRAIN_ONLY_PREFIX",
           "Example", "TrainingOutcome", "build_pipeline", "data_hash", "evaluate",
           "examples_trained_on", "grouped_folds", "label_matrix", "load_examples", "make_card",
           "paired_macros", "save_version", "train_model", "train_new_version", "worse_sources"]

logger = logging.getLogger(__name__)

GATE_MIN_STORIES = 50


def make_card(examples: Sequence[Example], metrics: Mapping[str, Any],
              params: Mapping[str, Any] | None = None) -> Card:
    """The card of a model trained on ``examples``; save_version adds version, file, sha256."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    return {
        "created_at": utc_now().isoformat(timespec="seconds"),
        "sklearn_version": sklearn.__version__,
        "labels": list(THEMES),
        "thresholds": {t: params["threshold"] for t in THEMES},
        "data_hash": data_hash(examples),
        "n_examples": len(examples),
        "n_train_only": sum(e.train_only for e in examples),
        "metrics": dict(metrics),
        "params": dict(params),
    }


@dataclass(frozen=True)
class TrainingOutcome:
    version: str
    metrics: dict[str, Any]
    promoted: bool
    previous: str | None  # the version that was active before
    baseline_macro_f1: float | None  # the previous model's macro F1 on the same examples
    worse_on: tuple[str, ...] = ()  # newsletters (>= GATE_MIN_STORIES) where it scores lower
    baseline_by_source: dict[str, Any] = field(default_factory=dict)
    passed_gate: bool = True  # False: it is active only because it was forced
    active_examples: int | None = None  # set when the active model saw more examples
    # newsletters where it agrees less with the label files' own labels than the active
    # model by more than reference.MARGIN: {newsletter: (its figure, the active's)}
    reference_drops: dict[str, tuple[float, float]] = field(default_factory=dict)


def train_new_version(models_dir: Path, examples: Sequence[Example], *, force: bool = False,
                      folds: int = 5, params: Mapping[str, Any] | None = None,
                      reference: Sequence[Example] = ()) -> TrainingOutcome:
    """Evaluate, train on everything, save a version; activate it unless it is worse.

    "Worse" is the module docstring's gate, against the active model's figures
    on the same examples, and ``reference.py``'s: against ``reference``, the label
    files' examples as they were before the database's labels replaced any.
    ``force`` activates it anyway (the caller warns).
    """
    model = train_model(examples, params)
    # compiled first: a recipe tagging could never read fails before its cross-validation
    arrays = compiled.export(model)
    metrics = evaluate(examples, folds, params)
    version = save_version(models_dir, model, make_card(examples, metrics, params),
                           arrays=arrays)
    candidate = Classifier.load(models_dir, version)  # never activate what cannot load
    # The model that tags now: ``models_dir``'s ACTIVE, else the installed package's
    # shipped default, which a new version must beat just the same.
    where, previous = model_store.active_choice(models_dir)
    baseline = _baseline_metrics(where, previous, examples, folds)
    worse: tuple[str, ...] = ()
    if baseline is None:
        promoted, baseline_macro = True, None
    else:
        worse = worse_sources(metrics, baseline)
        baseline_macro = float(baseline.get("macro_f1", 0.0))
        large = _large_sources(metrics)
        promoted = not worse if large else metrics["macro_f1"] >= baseline_macro
    seen = examples_trained_on(where, previous)
    fewer = seen if seen is not None and seen > len(examples) else None
    drops = _reference_drops(reference, candidate, where, previous)
    promoted = promoted and fewer is None and not drops
    if force or promoted:
        model_store.set_active(models_dir, version)
    return TrainingOutcome(version, metrics, force or promoted, previous, baseline_macro,
                           worse, dict((baseline or {}).get("by_source", {})), promoted,
                           fewer, drops)


def _reference_drops(reference: Sequence[Example], candidate: Classifier, where: Path,
                     previous: str | None) -> dict[str, tuple[float, float]]:
    if not reference or previous is None:
        return {}
    try:
        active = Classifier.load(where, previous)
    except ModelError as exc:  # (a tampered file: the gate on figures still holds)
        logger.warning("the label files' check is skipped: %s", exc)
        return {}
    return reference_drops(reference, candidate, active, GATE_MIN_STORIES)


def examples_trained_on(models_dir: Path, version: str | None) -> int | None:
    """How many examples ``version`` was trained on, from its card (None: no version, or
    a card that does not say; loading the model says what is wrong with a bad card)."""
    if version is None:
        return None
    try:
        return int(model_store.read_card(models_dir, version)["n_examples"])
    except (ModelError, KeyError, TypeError, ValueError):
        return None


def worse_sources(metrics: Mapping[str, Any], baseline: Mapping[str, Any]) -> tuple[str, ...]:
    """Newsletters with >= GATE_MIN_STORIES scored stories where ``metrics``' macro F1 is
    lower than ``baseline``'s; a baseline without per-newsletter figures is compared
    on its overall macro F1 for every such newsletter.

    Both are compared over the same themes (``paired_macros``): a theme with nothing to
    find and nothing found is left out of a newsletter's macro, so a model that found
    nothing on a newsletter of no themes had none, and a new model's false tags there
    ("0.0") were not lower."""
    before = baseline.get("by_source") or {}
    worse = []
    for source in _large_sources(metrics):
        now_row = metrics["by_source"][source]
        if before:
            now, was = paired_macros(now_row, before.get(source) or {})
        else:
            now, was = now_row["macro"], baseline.get("macro_f1")
        if was is not None and now is not None and now < was:
            worse.append(source)
    return tuple(worse)


def paired_macros(now: Mapping[str, Any], was: Mapping[str, Any]
                   ) -> tuple[float | None, float | None]:
    """Two rows' macro F1 over the themes either scores.  A theme's F1 is None only when
    there was nothing to find and nothing was found (evaluation.source_f1): perfect, 1.0,
    beside a row that found something there.  Rows without per-theme figures (older
    cards) keep their own macros."""
    if not all(theme in now and theme in was for theme in THEMES):
        return now.get("macro"), was.get("macro")
    pairs = [(now[t], was[t]) for t in THEMES if now[t] is not None or was[t] is not None]
    if not pairs:
        return None, None
    return (sum(1.0 if a is None else float(a) for a, _ in pairs) / len(pairs),
            sum(1.0 if b is None else float(b) for _, b in pairs) / len(pairs))


def _large_sources(metrics: Mapping[str, Any]) -> list[str]:
    return [s for s, n in dict(metrics.get("source_sizes") or {}).items()
            if n >= GATE_MIN_STORIES]


def _baseline_metrics(models_dir: Path, active: str | None, examples: Sequence[Example],
                      folds: int) -> dict[str, Any] | None:
    """The active model's figures on ``examples``: from its card when it was evaluated on
    them and scored the same way, else by re-running its recipe (its params) on them."""
    if active is None:
        return None
    card = model_store.read_card(models_dir, active)
    metrics, params = dict(card.get("metrics", {})), {**LEGACY_PARAMS, **card.get("params", {})}
    same_data = card.get("data_hash") == data_hash(examples)
    same_scoring = (metrics.get("evaluation") == EVALUATION.format(folds=folds)
                    and metrics.get("scored_as") == SCORED_AS)
    if same_data and same_scoring:
        return metrics
    if set(params) == set(DEFAULT_PARAMS):
        logger.info("re-evaluating the recipe of %s on the new examples", active)
        return evaluate(examples, folds, params, leave_one_out=False)
    logger.warning("cannot re-run the recipe of %s; comparing with its card's figures", active)
    return metrics
