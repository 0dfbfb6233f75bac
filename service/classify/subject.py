"""Whether a story is about AI at all, and the themes that need it to be.

THEMES.md defines ``safety`` as whether *AI systems* are safe and secure,
``policy`` as the government, law and politics *of AI*, and ``compute`` as the
hardware and money that make *AI* run.  The labeled newsletters are AI
newsletters, so the model never learnt that a ransomware attack on a hospital,
a Supreme Court ruling on the EPA or a broadband bill is none of them: on a
general tech, security or science newsletter it tagged every such story
(models/README.md, ninth pass).  ``robotics`` (machines acting in the physical
world) needs no AI.

``AboutAI`` adds one feature, 1 when the story names AI or anything THEMES.md
puts in its domain (a model, a chatbot, a robot, a chip, a datacenter…), else 0;
``SubjectGate`` wraps the per-theme regressions and scales the gated themes down
where that feature is 0, under the 0.5 threshold.  Both are pickled by name inside
model files: they must stay importable from this module.  ``robotics`` has a gate
of its own (since 2026-12-06-4), a ``SubjectGate`` of machines.py's
``AboutMachines`` (a story that names a robot, a drone, a self-driving vehicle…)
wrapped around this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone

from service.classify.ai_words import ACRONYMS, GATED_FACTOR, GATED_THEMES, WORDS, about_ai
from service.classify.translations import ELSEWHERE
from service.domain import THEMES

__all__ = ["ACRONYMS", "GATED_FACTOR", "GATED_THEMES", "WORDS", "AboutAI", "SubjectGate",
           "about_ai", "gates"]


class AboutAI(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One feature: 1.0 when the story is about AI (``about_ai``), else 0.0.  The gate
    reads it as the last column of the features.  The words are parameters, so a model
    file keeps those it was trained with (as it keeps its cue lexicons); a model made
    before ``elsewhere`` existed reads English alone, as it did."""

    def __init__(self, acronyms: str = ACRONYMS, words: str = WORDS,
                 elsewhere: str = ELSEWHERE) -> None:
        self.acronyms = acronyms
        self.words = words
        self.elsewhere = elsewhere

    def fit(self, texts: Sequence[str], y: object = None) -> AboutAI:
        return self

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__({"elsewhere": "", **state})  # an older model's: English alone

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        return np.array([[1.0 if about_ai(text, self.acronyms, self.words, self.elsewhere)
                          else 0.0] for text in texts], dtype=np.float64).reshape(-1, 1)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        return np.array(["subject:about_ai"], dtype=object)


class SubjectGate(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """The per-theme regressions (a clone of ``estimator``), with ``themes`` scaled by
    ``factor`` for stories whose last feature (``AboutAI``'s) is 0.  The regressions do
    not see that feature: it is all but constant in AI newsletters, and they would learn
    an intercept from it (measured: 0.01 lower left out)."""

    def __init__(self, estimator: Any, factor: float = GATED_FACTOR,
                 themes: tuple[str, ...] = GATED_THEMES) -> None:
        self.estimator = estimator
        self.factor = factor
        self.themes = themes

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> SubjectGate:
        _subject_column(X)  # refuses features whose last column is not AboutAI's
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.estimator_ = clone(self.estimator).fit(_without_subject(X), y, **weights)
        self.n_features_in_ = X.shape[1]
        return self

    @property
    def estimators_(self) -> list[Any]:  # the per-theme regressions (explanations read them)
        return list(self.estimator_.estimators_)

    @property
    def classes_(self) -> Any:
        return self.estimator_.classes_

    def about(self, X: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Per story, whether it is about AI (its gated themes are left as scored)."""
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"{X.shape[1]} features, the gate was fitted on "
                             f"{self.n_features_in_}")
        return _subject_column(X) > 0

    def predict_proba(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        about = self.about(X)
        scores = np.array(self.estimator_.predict_proba(_without_subject(X)),
                          dtype=np.float64)
        gated = np.array([THEMES.index(theme) for theme in self.themes])
        scores[np.ix_(~about, gated)] *= self.factor
        return scores

    def predict(self, X: Any) -> np.ndarray[Any, Any]:
        return (self.predict_proba(X) >= 0.5).astype(int)


def _subject_column(features: Any) -> np.ndarray[Any, Any]:
    """The last column, which must be a gate's 0/1 (a bench that appends columns of its own
    after it would otherwise gate every story)."""
    if sparse.issparse(features):
        features = sparse.csr_matrix(features)
    last = features[:, -1]
    values = np.asarray(last.todense() if sparse.issparse(last) else last).ravel()
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError("the last feature is not a gate's 0/1 (AboutAI's or "
                         "AboutMachines'): put other columns before the gates'")
    return values


def _without_subject(features: Any) -> Any:
    """The features but the last column (a gate's: ``AboutAI``'s or ``AboutMachines``')."""
    if sparse.issparse(features):
        features = sparse.csr_matrix(features)
    return features[:, :-1]


def gates(model: Any) -> list[SubjectGate]:
    """The gates of ``model``, outermost first: a gate may wrap another (the robotics
    gate wraps the AI gate), each reading the last column of what it is given."""
    found = []
    while isinstance(model, SubjectGate):
        found.append(model)
        model = getattr(model, "estimator_", model.estimator)
    return found
