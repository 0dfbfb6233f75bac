"""Evaluation: labeled examples in, figures that say how the recipe does on unseen stories.

Three views, all on real stories only (train-only "extra-" examples are only
ever trained on):

- grouped cross-validation by issue (an issue's stories never split): the
  per-theme table and micro/macro F1 of ``evaluate``;
- ``by_source``: the same out-of-fold predictions scored per newsletter;
- ``leave_one_out``: for each newsletter, a model trained on the others
  scores it: the honest proxy for a newsletter the project has never seen.

A theme with no labeled story and no prediction in a newsletter has no F1
there (null in JSON) and is left out of that newsletter's macro F1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from service.classify.examples import Example, label_matrix
from service.classify.reading import READING, as_read
from service.classify.recipe import DEFAULT_PARAMS, train_model
from service.domain import THEMES
from service.errors import ModelError

__all__ = ["AS_IT_IS", "EVALUATION", "NO_SOURCE", "SCORED_AS", "Matrix", "evaluate",
           "grouped_folds", "leave_one_out_scores", "metrics", "out_of_fold_scores",
           "score_as_it_is", "source_name", "summarize"]

log = logging.getLogger(__name__)

EVALUATION = "grouped {folds}-fold CV by issue"
AS_IT_IS = "model {version} as it is, no training"
# How held-out texts are read before scoring, as the model reads them when it tags:
# figures scored another way are not compared with these (the promotion gate re-runs them).
SCORED_AS = READING
NO_SOURCE = "(no source)"
Matrix = np.ndarray[Any, Any]


def source_name(example: Example) -> str:
    return example.source or NO_SOURCE


def grouped_folds(examples: Sequence[Example], folds: int = 5
                  ) -> list[tuple[list[int], list[int]]]:
    """(train, test) index lists; a group is never split, train-only examples never tested."""
    scored = [i for i, e in enumerate(examples) if not e.train_only]
    extra = [i for i, e in enumerate(examples) if e.train_only]
    groups = [examples[i].group for i in scored]
    if len(set(groups)) < max(folds, 2):
        raise ModelError(f"grouped {folds}-fold CV needs stories from at least {max(folds, 2)} "
                         f"issues; the labels hold {len(set(groups))}")
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=0)
    return [([scored[i] for i in train] + extra, [scored[i] for i in test])
            for train, test in splitter.split(scored, groups=groups)]


def out_of_fold_scores(examples: Sequence[Example], folds: int, params: Mapping[str, Any],
                       on_fold: Callable[[int], None] | None = None
                       ) -> tuple[list[int], Matrix]:
    """(tested indices, their scores): each real story scored by a model that never saw
    its issue.  ``on_fold(n)`` is called as fold n is done (a progress bar)."""
    scores = np.zeros((len(examples), len(THEMES)))
    tested: list[int] = []
    for number, (fit_on, test_on) in enumerate(grouped_folds(examples, folds), start=1):
        model = train_model([examples[i] for i in fit_on], params)
        scores[test_on] = model.predict_proba([as_read(examples[i].text) for i in test_on])
        tested += test_on
        if on_fold is not None:
            on_fold(number)
    return tested, scores[tested]


def leave_one_out_scores(examples: Sequence[Example], params: Mapping[str, Any]
                         ) -> dict[str, tuple[list[int], Matrix]]:
    """newsletter -> (its real stories' indices, their scores by a model trained on every
    other newsletter); nothing when the labels hold a single newsletter."""
    sources = sorted({source_name(e) for e in examples if not e.train_only})
    found: dict[str, tuple[list[int], Matrix]] = {}
    for source in sources if len(sources) > 1 else ():
        held = [i for i, e in enumerate(examples) if not e.train_only and source_name(e) == source]
        rest = [e for e in examples if e.train_only or source_name(e) != source]
        try:
            model = train_model(rest, params)
        except ModelError as exc:  # the others lack a theme: no honest figure for this one
            log.warning("leave-one-out: %s not scored: %s", source, exc)
            continue
        found[source] = held, np.asarray(model.predict_proba(
            [as_read(examples[i].text) for i in held]))
    return found


def evaluate(examples: Sequence[Example], folds: int = 5,
             params: Mapping[str, Any] | None = None, *,
             leave_one_out: bool = True) -> dict[str, Any]:
    """Grouped CV (per theme, micro and macro F1), per newsletter, and leave-one-out (one
    model per newsletter: the promotion gate's baseline skips it, as the gate reads only
    the grouped figures, a read-only review: it doubled a retrain's time).

    Predictions of all folds are pooled before scoring, which is steadier
    than averaging five small folds.
    """
    params = {**DEFAULT_PARAMS, **(params or {})}
    tested, scores = out_of_fold_scores(examples, folds, params)
    left_out = leave_one_out_scores(examples, params) if leave_one_out else {}
    return summarize(examples, tested, scores, left_out, float(params["threshold"]), folds)


def summarize(examples: Sequence[Example], tested: Sequence[int], scores: Matrix,
              left_out: Mapping[str, tuple[list[int], Matrix]], threshold: float,
              folds: int) -> dict[str, Any]:
    """The metrics dict (evaluate --json, the card) from out-of-fold and leave-one-out scores."""
    truth = label_matrix([examples[i] for i in tested])
    predicted = scores >= threshold
    result = metrics(truth, predicted, folds)
    result.update(_per_source([source_name(examples[i]) for i in tested], truth, predicted))
    result["leave_one_out"] = {
        s: source_f1(label_matrix([examples[i] for i in held]), held_scores >= threshold)
        for s, (held, held_scores) in left_out.items()}
    return result


def score_as_it_is(examples: Sequence[Example], scores: Sequence[Mapping[str, float]],
                   thresholds: Mapping[str, float], version: str) -> dict[str, Any]:
    """The figures of a trained model on labeled stories, from its ``scores`` of them (no
    training): the per-theme table, and ``by_source``.  They say how it does on a
    newsletter only if it was not trained on these stories."""
    truth = label_matrix(examples)
    predicted = np.array([[row[theme] >= thresholds[theme] for theme in THEMES]
                          for row in scores], dtype=bool).reshape(len(scores), len(THEMES))
    result = metrics(truth, predicted, folds=0)
    # A theme nobody labeled and the model never gave has no figures, as in each newsletter's
    # row: a few stories of one newsletter should not read as a macro F1 halved by absent
    # themes.
    for column, theme in enumerate(THEMES):
        if not (truth[:, column].any() or predicted[:, column].any()):
            result[theme].update(precision=None, recall=None, f1=None)
    result["macro_f1"] = source_f1(truth, predicted)["macro"]
    result["evaluation"] = AS_IT_IS.format(version=version)
    result.update(_per_source([source_name(example) for example in examples], truth,
                              predicted))
    return result


def _per_source(sources: Sequence[str], truth: Matrix, predicted: Matrix) -> dict[str, Any]:
    """{"source_sizes", "by_source"}: each newsletter's rows scored on their own."""
    sizes = {s: sources.count(s) for s in sorted(set(sources))}
    return {"source_sizes": sizes, "by_source": {
        s: source_f1(truth[rows], predicted[rows]) for s in sizes
        for rows in [[n for n, name in enumerate(sources) if name == s]]}}


def source_f1(truth: Matrix, predicted: Matrix) -> dict[str, float | None]:
    """{"macro", each theme}: F1 per theme, None where there was nothing to find or find."""
    f1: dict[str, float | None] = {}
    for column, theme in enumerate(THEMES):
        both = int((truth[:, column] & predicted[:, column]).sum())
        total = int(truth[:, column].sum() + predicted[:, column].sum())
        f1[theme] = round(2 * both / total, 4) if total else None
    known = [value for value in f1.values() if value is not None]
    return {"macro": round(float(np.mean(known)), 4) if known else None, **f1}


def metrics(truth: Matrix, predicted: Matrix, folds: int) -> dict[str, Any]:
    """Per-theme precision, recall, F1 and support; micro and macro F1."""
    result: dict[str, Any] = {}
    hits, guesses, actual = 0, 0, 0
    for column, theme in enumerate(THEMES):
        true_pos = int((truth[:, column] & predicted[:, column]).sum())
        n_pred, n_true = int(predicted[:, column].sum()), int(truth[:, column].sum())
        precision = true_pos / n_pred if n_pred else 0.0
        recall = true_pos / n_true if n_true else 0.0
        f1 = 2 * true_pos / (n_pred + n_true) if n_pred + n_true else 0.0
        result[theme] = {"precision": round(precision, 4), "recall": round(recall, 4),
                         "f1": round(f1, 4), "support": n_true}
        hits, guesses, actual = hits + true_pos, guesses + n_pred, actual + n_true
    result["micro_f1"] = round(2 * hits / (guesses + actual), 4) if guesses + actual else 0.0
    result["macro_f1"] = round(float(np.mean([result[t]["f1"] for t in THEMES])), 4)
    result["evaluation"] = EVALUATION.format(folds=folds)
    result["scored_as"] = SCORED_AS
    result["n_scored"] = len(truth)
    return result
