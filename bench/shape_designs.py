"""Issue 10, fifth pass (not adopted): separate weights for digest items and essays, and
averaged models.  Rows of bench/compare_models.py, each built on the chosen recipe.

- ``ShapeAugmented``: "frustratingly easy domain adaptation" (Daumé III, 2007) with the
  story's shape as the domain, which is known for any newsletter at scoring time: every
  feature appears three times, shared, for short stories only (at most ``words`` words),
  for long ones only, so a cue can weigh differently in a one-line item and in an essay.
  Short digest items lose to a compute intercept of about -5.5 learnt mostly on essays.
- ``Averaged``: the mean of the chosen model's scores and another recipe's.

Sixth pass (not adopted either): ``ShareCues``, a theme's true share of the story's
words (hits / words, not smoothed for short texts as the "density" summary is), so
that a one-line item whose headline names a datacenter weighs like an essay about
one; and a flag for a cue in the headline of a short story.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from service.classify.cues import ThemeCues
from service.classify.recipe import DEFAULT_PARAMS, build_pipeline
from service.classify.tokens import scan_batch

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


class ShareCues(ThemeCues):
    """ThemeCues plus one summary per theme: ``share`` = min(hits / words x ``scale``, 1),
    or ``headline`` = a hit in the headline of a story under 60 words."""

    def __init__(self, cues: Any = None, lead_tokens: int = 60, scale: float = 20.0,
                 mode: str = "share") -> None:
        super().__init__(cues, lead_tokens)
        self.scale, self.mode = scale, mode

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        base = super().transform(texts)
        if not len(texts):
            return base
        tallies = [self._tally(scan) for scan in scan_batch(texts)[1]]
        per_theme = np.zeros((len(self.names_), len(self.themes_)))
        per_theme[np.arange(len(self.names_)), self.theme_of_] = 1.0
        hits = np.array([t.counts for t in tallies], dtype=float) @ per_theme
        words = np.array([[max(t.tokens, 1)] for t in tallies], dtype=float)
        if self.mode == "share":
            extra = np.minimum(hits / words * self.scale, 1.0)
        else:
            headline = np.array([t.headline for t in tallies], dtype=float)
            extra = ((headline > 0) & (words < 60)).astype(float)
        return np.hstack([base, extra])

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [*super().get_feature_names_out(), *(f"{t}:summary:{self.mode}"
                                                     for t in self.themes_)]
        return np.array(names, dtype=object)


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

    def shared_of_words(blocks: Sequence[str], scale: float = 20.0,
                        mode: str = "share") -> Factory:
        def make() -> Pipeline:
            pipeline = recipe()()
            for name, block in pipeline.named_steps["features"].transformer_list:
                if name in blocks and isinstance(block, Pipeline):
                    count = block.named_steps["count"]
                    block.steps[0] = ("count", ShareCues(count.cues, count.lead_tokens,
                                                         scale, mode))
            return pipeline
        return make

    every = ("cues", "definitions", "paraphrases")
    return {
        "  weights per shape, short = at most 40 words": shaped(40),
        "  weights per shape, short = at most 60 words": shaped(60),
        "  weights per shape, short = at most 100 words": shaped(100),
        "  weights per shape, 60 words, nothing shared": shaped(60, shared=False),
        "  averaged with: no THEME_CUES, paraphrases x0.7": lambda: Averaged(
            [recipe(), recipe(cue_weight=0.0, paraphrase_weight=0.7)]),
        "  averaged with: C=1": lambda: Averaged([recipe(), recipe(C=1.0)]),
        # sixth pass
        "  + a theme's share of the words x20, every lexicon": shared_of_words(every),
        "  + a theme's share of the words x50, every lexicon": shared_of_words(every, 50.0),
        "  + a theme's share of the words x20, THEME_CUES only": shared_of_words(("cues",)),
        "  + a cue in the headline of a short story": shared_of_words(every, mode="headline"),
    }
