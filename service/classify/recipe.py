"""The classifier recipe: parameters in, an unfitted scikit-learn pipeline out.

Word TF-IDF of the story and of its headline, plus ``ThemeCues`` blocks
(cues.py): ``THEME_CUES``; ``DEFINITION_CUES``, THEMES.md's own definitions;
``PARAPHRASE_CUES``, those definitions in other words, and ``COUNTER_CUES``,
its "not this theme" column (paraphrases.py).  The last three transfer to
newsletters the model never saw (chosen in bench/compare_models.py by
leave-one-newsletter-out; models/README.md says why).  Optional, off by
default (measured, no gain): ``StoryShape`` (story length) and ``source_cap``
(each newsletter weighs at most that many stories).  One logistic regression
per theme with balanced class weights, and a fixed 0.5 threshold (thresholds
tuned on a few hundred stories overfit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MaxAbsScaler

from service.classify.cues import (
    DEFINITION_CUES,
    THEME_CUES,
    StoryShape,
    ThemeCues,
    headline_of,
    lowered,
    split_cues,
)
from service.classify.examples import Example, label_matrix
from service.classify.machines import MACHINE_WORDS, AboutMachines
from service.classify.paraphrases import COUNTER_CUES, PARAPHRASE_CUES
from service.classify.subject import GATED_FACTOR, AboutAI, SubjectGate, gates
from service.classify.translations import ELSEWHERE, THEME_CUES_TRANSLATED
from service.domain import THEMES
from service.errors import ModelError

__all__ = ["DEFAULT_PARAMS", "LEGACY_PARAMS", "build_pipeline", "train_model"]

DEFAULT_PARAMS: dict[str, Any] = {
    "word_ngrams": [1, 1], "min_df": 2, "stop_words": "english", "cue_weight": 0.7,
    "definition_weight": 0.4, "headline_weight": 0.5, "lead_tokens": 60, "C": 10.0,
    "class_weight": "balanced", "threshold": 0.5, "paraphrase_weight": 0.4,
    "counter_weight": 0.4, "shape_weight": 0.0, "source_cap": 0, "subject_gate": True,
    "translated": True, "machine_gate": True,
}
# Values that rebuild older recipes whose cards predate a parameter (the promotion
# gate re-runs the active model's recipe on today's labels).
LEGACY_PARAMS: dict[str, Any] = {"definition_weight": 0.0, "paraphrase_weight": 0.0,
                                 "counter_weight": 0.0, "shape_weight": 0.0, "source_cap": 0,
                                 "subject_gate": False, "translated": False,
                                 "machine_gate": False}


def build_pipeline(params: Mapping[str, Any]) -> Pipeline:
    """The unfitted pipeline: "features" (a FeatureUnion) then "model" (one-vs-rest LR)."""
    words = TfidfVectorizer(ngram_range=tuple(params["word_ngrams"]), min_df=params["min_df"],
                            stop_words=params["stop_words"], sublinear_tf=True,
                            preprocessor=lowered)
    parts: list[tuple[str, Any]] = [("words", words)]
    weights = {"words": 1.0}
    for name, lexicon, weight in _cue_blocks(params):
        if weight:
            parts.append((name, Pipeline([
                ("count", ThemeCues(split_cues(lexicon), params["lead_tokens"])),
                ("scale", MaxAbsScaler())])))
            weights[name] = weight
    if params["headline_weight"]:  # the headline says what the story is mainly about
        parts.append(("headline", TfidfVectorizer(preprocessor=headline_of, min_df=1,
                                                  stop_words=params["stop_words"],
                                                  sublinear_tf=True)))
        weights["headline"] = params["headline_weight"]
    if params.get("shape_weight"):  # digest item or essay: their base rates differ
        parts.append(("shape", StoryShape()))
        weights["shape"] = params["shape_weight"]
    if params.get("subject_gate"):  # last: the gate reads the final column (subject.py)
        parts.append(("subject", AboutAI(elsewhere=ELSEWHERE if params.get("translated")
                                          else "")))
        weights["subject"] = 1.0
    if params.get("machine_gate"):  # after the AI gate's column: its gate wraps the AI gate
        parts.append(("machines", AboutMachines() if params.get("translated") else
                      AboutMachines(words=MACHINE_WORDS)))
        weights["machines"] = 1.0
    features = FeatureUnion(parts, transformer_weights=weights)
    regression = LogisticRegression(C=params["C"], class_weight=params["class_weight"],
                                    max_iter=5000)
    if params.get("source_cap"):  # train_model passes each story's weight
        with sklearn.config_context(enable_metadata_routing=True):
            regression.set_fit_request(sample_weight=True)
    model: Any = OneVsRestClassifier(regression)
    gated = params.get("subject_gate") or params.get("machine_gate")
    if gated and params["threshold"] <= GATED_FACTOR:
        raise ModelError(f"threshold {params['threshold']} lets the subject gates' scores "
                         f"(x{GATED_FACTOR}) through: raise it or turn the gates off")
    if params.get("subject_gate"):
        model = SubjectGate(model)
    if params.get("machine_gate"):
        model = SubjectGate(model, themes=("robotics",))
    if params.get("source_cap") and isinstance(model, SubjectGate):
        for gate in gates(model):
            with sklearn.config_context(enable_metadata_routing=True):
                gate.set_fit_request(sample_weight=True)
    return Pipeline([("features", features), ("model", model)])


def _cue_blocks(params: Mapping[str, Any]) -> list[tuple[str, Any, float]]:
    """(block name, lexicon, weight) of each cue block; a zero weight leaves it out."""
    blocks = [("cues", THEME_CUES_TRANSLATED if params.get("translated") else THEME_CUES,
               params["cue_weight"]),
              ("definitions", DEFINITION_CUES, params.get("definition_weight", 0.0))]
    paraphrase, counter = params.get("paraphrase_weight", 0.0), params.get("counter_weight", 0.0)
    if paraphrase and paraphrase == counter:  # the same features in one pass over the text
        return [*blocks, ("paraphrases", {**PARAPHRASE_CUES, **COUNTER_CUES}, paraphrase)]
    return [*blocks, ("paraphrases", PARAPHRASE_CUES, paraphrase),
            ("counter", COUNTER_CUES, counter)]


def train_model(examples: Sequence[Example], params: Mapping[str, Any] | None = None) -> Pipeline:
    """Fit the pipeline on every example (train-only ones included)."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    labels = label_matrix(examples)
    missing = [t for t, column in zip(THEMES, labels.T, strict=True)
               if not column.any() or column.all()]
    if missing:
        raise ModelError(f"cannot train: every example agrees on {missing}; need both cases")
    pipeline, texts = build_pipeline(params), [e.text for e in examples]
    if not params.get("source_cap"):
        return pipeline.fit(texts, labels)
    with sklearn.config_context(enable_metadata_routing=True):  # routes sample_weight
        return pipeline.fit(texts, labels, sample_weight=source_weights(examples,
                                                                       params["source_cap"]))


def source_weights(examples: Sequence[Example], cap: int) -> np.ndarray[Any, Any]:
    """Each newsletter weighs at most ``cap`` stories: a newsletter with more has each
    story weigh ``cap / n``, so no one newsletter's style dominates the regression.
    Stories with no newsletter (hand-written, the database's) weigh 1."""
    sizes = Counter(e.source for e in examples if e.source and not e.train_only)
    return np.array([min(1.0, cap / sizes[e.source]) if sizes.get(e.source) else 1.0
                     for e in examples])
