"""Issue 10, fifth pass (not adopted): separate weights for digest items and essays, and
averaged models.  Rows of bench/compare_models.py, each built on the chosen recipe.

- ``ShapeAugmented``: "frustratingly easy domain adaptation" (Daumé III, 2007) with the
  story's shape as the domain, which is known for any newsletter at scoring time: every
  feature appears three times, shared, for short stories only (at most ``words`` words),
  for long ones only, so a cue can weigh differently in a one-line item and in an essay.
  Short digest items lose to a compute intercept of about -5.5 learnt mostly on essays.
- ``Averaged``: the mean of the chosen model's scores and another recipe's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from service.classify.recipe import DEFAULT_PARAMS, build_pipeline

Factory = Callable[[], Any]


class ShapeAugmented(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """The recipe's FeatureUnion, its columns repeated for short and for long stories."""

    def __init__(self, union: Any, words: int = 60, shared: bool = True) -> None:
        self.union, self.words, self.shared = union, words, shared

    def fit(self, texts: Sequence[str], labels: Any = None) -> ShapeAugmented:
        self.union.fit(texts, labels)
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        features = sp.csr_matrix(self.union.transform(texts))
        short = np.array([len(text.split()) <= self.words for text in texts], dtype=float)
        blocks = [sp.diags(short) @ features, sp.diags(1.0 - short) @ features]
        return sp.hstack(([features] if self.shared else []) + blocks).tocsr()


class Averaged:
    """The mean of several models' scores."""

    def __init__(self, factories: Sequence[Factory]) -> None:
        self.models = [factory() for factory in factories]

    def fit(self, texts: list[str], labels: np.ndarray) -> Averaged:
        for model in self.models:
            model.fit(texts, labels)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.mean([np.asarray(m.predict_proba(texts)) for m in self.models], axis=0)


def designs(chosen: Mapping[str, Any]) -> dict[str, Factory]:
    def recipe(**changes: Any) -> Factory:
        return lambda: build_pipeline({**DEFAULT_PARAMS, **chosen, **changes})

    def shaped(words: int, shared: bool = True) -> Factory:
        def make() -> Pipeline:
            pipeline = recipe()()
            union = pipeline.named_steps["features"]
            return Pipeline([("features", ShapeAugmented(union, words, shared)),
                             ("model", pipeline.named_steps["model"])])
        return make

    return {
        "  weights per shape, short = at most 40 words": shaped(40),
        "  weights per shape, short = at most 60 words": shaped(60),
        "  weights per shape, short = at most 100 words": shaped(100),
        "  weights per shape, 60 words, nothing shared": shaped(60, shared=False),
        "  averaged with: no THEME_CUES, paraphrases x0.7": lambda: Averaged(
            [recipe(), recipe(cue_weight=0.0, paraphrase_weight=0.7)]),
        "  averaged with: C=1": lambda: Averaged([recipe(), recipe(C=1.0)]),
    }
