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

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone

from service.classify.alphabets import OTHER_LETTERS, folded
from service.classify.translations import ELSEWHERE, other_languages
from service.domain import THEMES

__all__ = ["ACRONYMS", "GATED_THEMES", "WORDS", "AboutAI", "SubjectGate", "about_ai",
           "gate_levels", "gates"]

GATED_THEMES = ("safety", "policy", "compute")
# A gated theme's score is multiplied by this: under the 0.5 threshold however sure the
# regression was.  Scores stay ordered, but a gated 0.25 is no longer a probability.
GATED_FACTOR = 0.25

# Written from THEMES.md's four rows (their subjects, typical signals and edge cases), with
# the names of the most reported AI labs and models: a story that names none of these is
# not about AI.  Words that also mean something else in the news are left out or narrowed:
# "intel" (threat intel), "AGI" (the IRS's), "alignment" (a country's), "autonomous"
# (regions), "algorithms" (encryption), "datasets" (leaked), "Claude", "Gemini", "Llama",
# "Grok", "Mistral" (people, exchanges, animals, winds), and "chips", "compute",
# "inference", "automation", "intelligent" alone (potato chips, compute the cost,
# statistical inference, intelligent design), and "jailbreak" (a phone's): a story about
# those names AI, a model or a kind of chip too.  Capitals only where the lower case means
# something else: "ML" (millilitres), "Intel" (not "intel"), "Copilot" and "Autopilot" (a
# plane's, or an economy "on autopilot").
ACRONYMS = r"AIs?|A\.I\.?|ML|LLMs?|GPUs?|TPUs?|NPUs?|GenAI|xAI|Intel|Copilot|Autopilot|RLHF"
# In a lower-cased copy of the story: "ai" in any case ("new ai rules"), "character.ai".
WORDS = (
    r"ai|ais|[a-z0-9]+\.ai|artificial intelligence|machine learning|deep learning|neural|"
    r"(?:large|small|frontier|foundation|language|reasoning|open|open-source|open-weights?|"
    r"image|video|speech|voice|vision|world|diffusion|multimodal|ai) models?|model family|"
    r"frontier (?:systems?|labs?)|chat-?bots?|chatgpt|gpt-?\w*|openai|anthropic|deepmind|"
    r"gemma|deepseek|qwen|hugging ?face|nvidia|text-to-(?:image|video|speech)|"
    r"image generat\w*|voice clon\w*|training data|training runs?|sora|midjourney|"
    r"stable diffusion|generative|deep-?fakes?|synthetic media|automated decision\w*|"
    r"algorithmic|facial recognition|face recognition|computer vision|"
    r"autonomous (?:vehicles?|cars?|driving|trucks?|weapons?|systems?|agents?|robots?)|"
    r"self-driving|driverless|waymo|robot\w*|humanoids?|drones?|agentic|superintelligen\w*|"
    r"superalignment|misalign\w*|alignment (?:research|team|problem)|interpretability|"
    r"unlearning|(?:ai|gpu|memory|computer|semiconductor|advanced|\d+nm) chips?|"
    r"chips? (?:act|makers?|exports?|industry|plants?|factor(?:y|ies)|shortages?|sales|"
    r"designers?)|chipmak\w*|chip-mak\w*|semiconductors?|semicon|fabs?|hbm\w*|"
    r"foundr(?:y|ies)|wafers?|tsmc|asml|[hb]100s?|[hb]200s?|gb200s?|a100s?|mi3\d\d\w*|"
    r"data ?cent(?:er|re)s?|supercomputers?|hyperscalers?|flops|cuda|"
    r"compute (?:capacity|power|clusters?|costs?)|inference (?:chips?|costs?|servers?|providers?)|"
    r"industrial automation")
# Two searches, not one alternation, and the words in a lower-cased copy rather than with
# IGNORECASE: the acronyms settle four stories in five, and the tagger runs this on every
# story (0.38 s for 10,000 stories as one case-insensitive pattern, 0.10 s so).
_PATTERNS: dict[tuple[str, str], tuple[re.Pattern[str], re.Pattern[str]]] = {}
# The other languages' words are looked for in a story's first 20,000 characters, fewer
# than the model reads (reading.READ_AT_MOST): several hundred patterns are searched at
# every position, where the cues' patterns are tried once per word.
_ELSEWHERE_WITHIN = 20_000


def _patterns(acronyms: str, words: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    found = _PATTERNS.get((acronyms, words))
    if found is None:
        # a space in the words is any space ("artificial\u00a0intelligence"); the bounds are
        # ASCII, so "AI" counts inside Chinese or Japanese ("生成AIによる") as in English
        spaced = words.replace(" ", r"\s")
        found = (re.compile(rf"(?<![A-Za-z0-9_])(?:{acronyms})(?![A-Za-z0-9_])"),
                 re.compile(rf"(?<![a-z0-9_])(?=[a-z0-9])(?:{spaced})(?![a-z0-9_])"))
        _PATTERNS[(acronyms, words)] = found
    return found


def about_ai(text: str, acronyms: str = ACRONYMS, words: str = WORDS,
             elsewhere: str = ELSEWHERE) -> bool:
    """The story names AI, or something THEMES.md puts in AI's domain; ``elsewhere`` says
    so in other languages (translations/), asked only when English did not."""
    capitals, lower = _patterns(acronyms, words)
    if capitals.search(text) is not None:
        return True
    lowered = text.lower()
    if lower.search(lowered) is not None:
        return True
    if not elsewhere or (" the " in lowered and OTHER_LETTERS.search(lowered) is None):
        return False  # English (the other languages' words take 1 ms a story to look for)
    return other_languages(elsewhere).search(folded(text), 0,
                                             _ELSEWHERE_WITHIN) is not None


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


def _subject_column(features: Any, back: int = 1) -> np.ndarray[Any, Any]:
    """The ``back``-th column from the end, which must be a gate's 0/1 (a bench that
    appends columns of its own after it would otherwise gate every story)."""
    if sparse.issparse(features):
        features = sparse.csr_matrix(features)
    last = features[:, -back]
    values = np.asarray(last.todense() if sparse.issparse(last) else last).ravel()
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError(f"feature {back} from the end is not a gate's 0/1 (AboutAI's or "
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


def gate_levels(model: Any, features: Any) -> list[tuple[SubjectGate, np.ndarray[Any, Any]]]:
    """Each of ``gates(model)`` with which stories of ``features`` it leaves as scored: the
    gate ``depth`` levels in reads the ``depth + 1``-th column from the end (read in place,
    not by copying the matrix without the outer gates' columns)."""
    levels = []
    for depth, gate in enumerate(gates(model)):
        if features.shape[1] - depth != gate.n_features_in_:
            raise ValueError(f"{features.shape[1]} features, the gates were fitted on "
                             f"{gate.n_features_in_ + depth}")
        levels.append((gate, _subject_column(features, depth + 1) > 0))
    return levels
