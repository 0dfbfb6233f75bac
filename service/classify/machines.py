"""``AboutMachines``, the robotics gate's feature as a scikit-learn transformer: 1 when the
story names a machine that acts in the physical world (machine_words.py), else 0.
Pickled by name inside model files: it must stay importable from this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from service.classify.machine_words import (
    MACHINE_ACRONYMS,
    MACHINE_WORDS,
    MACHINE_WORDS_EVERYWHERE,
    about_machines,
)
from service.classify.tokens import batch_tokens

__all__ = ["MACHINE_ACRONYMS", "MACHINE_WORDS", "MACHINE_WORDS_EVERYWHERE", "AboutMachines",
           "about_machines"]


class AboutMachines(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One feature: 1.0 when the story names a machine (``about_machines``), else 0.0.
    The robotics gate reads it as the last column of the features.  The words are
    parameters, so a model file keeps those it was trained with."""

    def __init__(self, acronyms: str = MACHINE_ACRONYMS,
                 words: str = MACHINE_WORDS_EVERYWHERE) -> None:
        self.acronyms = acronyms
        self.words = words

    def fit(self, texts: Sequence[str], y: object = None) -> AboutMachines:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        tokens = batch_tokens(texts)  # the cue blocks' own, when they read the same list
        return np.array([[1.0 if about_machines(text, words_of, self.acronyms, self.words)
                          else 0.0]
                         for text, words_of in zip(texts, tokens, strict=True)],
                        dtype=np.float64).reshape(-1, 1)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        return np.array(["subject:about_machines"], dtype=object)
