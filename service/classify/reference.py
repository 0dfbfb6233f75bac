"""The promotion gate's fixed point: the label files' own labels.

The gate compares recipes on today's labels (train.py), so wrong labels pass it: an
editor who marked 250 of Last Week in AI's stories "no theme" by mistake trained a model
that agreed with the annotators' labels at 0.673 where the active one agreed at 0.984,
and both recipes, re-run on the same wrong labels, scored alike: the new model was
promoted, and promoted again by the scheduler after a rollback (an editor's review).

So a new model is also held to the annotators' labels as the label files give them,
before any database label replaced one: on every newsletter with enough of them, it may
not agree with them less than the active model does by more than ``MARGIN``.  Both were
trained on those stories, so both agree closely while the labels are sound; an editor's
few real corrections of an annotator move the new model's figure by a point or two.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from service.classify.examples import Example, label_matrix
from service.classify.model import Classifier
from service.domain import THEMES

__all__ = ["MARGIN", "reference_drops"]

log = logging.getLogger(__name__)

MARGIN = 0.05  # of macro F1 against the files' labels, on one newsletter


def reference_drops(reference: Sequence[Example], candidate: Classifier,
                    active: Classifier, min_stories: int) -> dict[str, tuple[float, float]]:
    """Newsletters with ``min_stories`` or more labeled stories in ``reference`` where the
    candidate's macro F1 against their labels is lower than the active model's by more
    than ``MARGIN``: {newsletter: (candidate's, active's)}."""
    by_source: dict[str, list[Example]] = defaultdict(list)
    for example in reference:
        if not example.train_only:  # (hand-written examples are no one's labels of a story)
            by_source[example.source].append(example)
    drops: dict[str, tuple[float, float]] = {}
    for source, examples in sorted(by_source.items()):
        if len(examples) < min_stories:
            continue
        now, was = agreement(candidate, examples), agreement(active, examples)
        if now < was - MARGIN:
            drops[source] = (now, was)
    return drops


def agreement(classifier: Classifier, examples: Sequence[Example]) -> float:
    """Macro F1 of the classifier's tags against the examples' labels; a theme with
    nothing to find and nothing found counts as perfect, so two models' figures are
    always over the same four themes."""
    truth = label_matrix(examples)
    scores = classifier.score([example.text for example in examples])
    predicted = np.array([[row[t] >= classifier.thresholds[t] for t in THEMES]
                          for row in scores], dtype=bool).reshape(truth.shape)
    f1 = []
    for column in range(len(THEMES)):
        both = int((truth[:, column] & predicted[:, column]).sum())
        total = int(truth[:, column].sum() + predicted[:, column].sum())
        f1.append(2 * both / total if total else 1.0)
    return round(float(np.mean(f1)), 4)
