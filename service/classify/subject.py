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
where that feature is 0, below any threshold.  Both are pickled by name inside
model files: they must stay importable from this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

from service.domain import THEMES

__all__ = ["ACRONYMS", "GATED_THEMES", "WORDS", "AboutAI", "SubjectGate", "about_ai"]

GATED_THEMES = ("safety", "policy", "compute")
# A gated theme's score is multiplied by this: below 0.5 however sure the regression was,
# but still ordered (the review queue and scores in exports keep their meaning).
GATED_FACTOR = 0.25

# Written from THEMES.md's four rows (their subjects, typical signals and edge cases), with
# the names of the most reported AI labs and models: a story that names none of these is
# not about AI.  Acronyms match in capitals only ("AI", not the "ai" of "Ai Weiwei").
ACRONYMS = r"AI|A\.I\.|AGI|ASI|ML|LLMs?|GPUs?|TPUs?|NPUs?|GenAI|xAI"
WORDS = (
    r"artificial[- ]intelligence|machine[- ]learning|deep[- ]learning|neural|"
    r"(?:large|small|frontier|foundation|language|reasoning|open|open-source|open-weights?|ai)"
    r" models?|model family|chat-?bots?|chatgpt|gpt-?\w*|openai|anthropic|claude|gemini|"
    r"gemma|deepmind|copilot|llama|grok|deepseek|qwen|mistral|hugging ?face|nvidia|"
    r"generative|deep-?fakes?|synthetic media|algorithm\w*|automated decision\w*|"
    r"facial recognition|face recognition|computer vision|autonomous|self-driving|"
    r"driverless|robot\w*|humanoids?|drones?|agentic|superintelligen\w*|alignment|"
    r"jailbreak\w*|chips?|chipmakers?|semiconductors?|semicon|fabs?|foundr(?:y|ies)|wafers?|"
    r"tsmc|asml|intel|waymo|data ?cent(?:er|re)s?|supercomputers?|hyperscalers?|flops|cuda|"
    r"compute|inference|training runs?|datasets?|automation|intelligent")
# Two searches, not one alternation, and the words in a lower-cased copy rather than with
# IGNORECASE: the acronyms settle four stories in five, and the tagger runs this on every
# story (0.38 s for 10,000 stories as one case-insensitive pattern, 0.10 s so).
_PATTERNS: dict[tuple[str, str], tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _patterns(acronyms: str, words: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    found = _PATTERNS.get((acronyms, words))
    if found is None:
        found = (re.compile(rf"(?<![\w.])(?:{acronyms})(?!\w)"),
                 re.compile(rf"(?<![a-z0-9_])(?=[a-z])(?:{words})\b"))
        _PATTERNS[(acronyms, words)] = found
    return found


def about_ai(text: str, acronyms: str = ACRONYMS, words: str = WORDS) -> bool:
    """The story names AI, or something THEMES.md puts in AI's domain."""
    capitals, lower = _patterns(acronyms, words)
    return capitals.search(text) is not None or lower.search(text.lower()) is not None


class AboutAI(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One feature: 1.0 when the story is about AI (``about_ai``), else 0.0.  The gate
    reads it as the last column of the features.  The words are parameters, so a model
    file keeps those it was trained with (as it keeps its cue lexicons)."""

    def __init__(self, acronyms: str = ACRONYMS, words: str = WORDS) -> None:
        self.acronyms = acronyms
        self.words = words

    def fit(self, texts: Sequence[str], y: object = None) -> AboutAI:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        return np.array([[1.0 if about_ai(text, self.acronyms, self.words) else 0.0]
                         for text in texts], dtype=np.float64).reshape(-1, 1)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        return np.array(["subject:about_ai"], dtype=object)


class SubjectGate(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """The per-theme regressions (``estimator``), with ``themes`` scaled by
    ``factor`` for stories whose last feature (``AboutAI``) is 0.  The regressions do
    not see that feature: it is all but constant in AI newsletters, and they would
    learn an intercept from it (measured: 0.01 lower left out)."""

    def __init__(self, estimator: Any, factor: float = GATED_FACTOR,
                 themes: tuple[str, ...] = GATED_THEMES) -> None:
        self.estimator = estimator
        self.factor = factor
        self.themes = themes

    def fit(self, features: Any, labels: Any, sample_weight: Any = None) -> SubjectGate:
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.estimator.fit(_without_subject(features), labels, **weights)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self.estimator, "estimators_")

    @property
    def estimators_(self) -> list[Any]:  # the per-theme regressions (explanations read them)
        return list(self.estimator.estimators_)

    @property
    def classes_(self) -> Any:
        return self.estimator.classes_

    def predict_proba(self, features: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        scores = np.array(self.estimator.predict_proba(_without_subject(features)),
                          dtype=np.float64)
        last = features[:, -1]
        about = np.asarray(last.todense() if sparse.issparse(last) else last).ravel() > 0
        gated = np.array([THEMES.index(theme) for theme in self.themes])
        scores[np.ix_(~about, gated)] *= self.factor
        return scores

    def predict(self, features: Any) -> np.ndarray[Any, Any]:
        return (self.predict_proba(features) >= 0.5).astype(int)


def _without_subject(features: Any) -> Any:
    """The features but the last column (``AboutAI``'s)."""
    return features[:, :-1]
