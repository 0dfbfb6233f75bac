"""Theme cues as scikit-learn transformers: ``ThemeCues`` (cue_counts.py's counting) and
``StoryShape``.  Both, with ``headline_of`` and ``tokens.lowered``, are pickled by name
inside every model file, so they must stay importable from this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from service.classify.cue_counts import (
    SHAPE_NAMES,
    CueCounts,
    headline_of,
    recording_hits,
    split_cues,
    story_shape,
)
from service.classify.lexicon import DEFINITION_CUES, THEME_CUES
from service.classify.tokens import batch_tokens, lowered, tokenize

__all__ = ["DEFINITION_CUES", "THEME_CUES", "StoryShape", "ThemeCues", "batch_tokens",
           "headline_of", "lowered", "recording_hits", "split_cues", "tokenize"]


class ThemeCues(TransformerMixin, BaseEstimator, CueCounts):  # type: ignore[misc]
    """``CueCounts`` for a scikit-learn pipeline: its parameters are ``cues`` and
    ``lead_tokens`` (cloned by cross-validation), its fitted state ``CueCounts``'."""

    def __init__(self, cues: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
                 lead_tokens: int = 60) -> None:
        CueCounts.__init__(self, cues, lead_tokens)


class StoryShape(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """How long a story is: a digest's one-line item and an essay differ in how often a
    theme is their main subject (base rates of 3 and 7 in 10), and in how many passing
    mentions their cue counts hold.  Features: log words / 8, a short-item flag (under
    ``short_words`` words), log paragraphs / 4."""

    _NAMES = SHAPE_NAMES

    def __init__(self, short_words: int = 80) -> None:
        self.short_words = short_words

    def fit(self, texts: Sequence[str], y: object = None) -> StoryShape:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        return story_shape(texts, self.short_words)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        return np.array(self._NAMES, dtype=object)
