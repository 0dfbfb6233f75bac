"""train: labeled stories in, a fitted theme classifier and its card out.

The recipe (chosen in bench/compare_models.py; models/README.md says why):
word TF-IDF of the story and of its headline, plus ``ThemeCues`` counts of the
hand-written signals in ``theme_cues.THEME_CUES``, one logistic regression per
theme with balanced class weights, and a fixed 0.5 threshold (thresholds tuned
on 268 stories overfit).

Evaluation is grouped cross-validation: the stories of one issue are always on
the same side, so a score says how the model does on an issue it never saw.
Examples whose id starts with "extra-" (hand-written, not newsletter text) are
only ever trained on, never scored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MaxAbsScaler

from service.classify import model_store
from service.classify.cues import THEME_CUES, ThemeCues, headline_of, split_cues
from service.classify.model import Classifier
from service.classify.model_store import Card, save_version
from service.domain import THEMES
from service.errors import ModelError

__all__ = ["DEFAULT_PARAMS", "THEME_CUES", "Example", "TrainingOutcome", "data_hash", "evaluate",
           "grouped_folds", "load_examples", "make_card", "save_version", "train_model",
           "train_new_version"]

logger = logging.getLogger(__name__)

TRAIN_ONLY_PREFIX = "extra-"
EVALUATION = "grouped {folds}-fold CV by issue"

DEFAULT_PARAMS: dict[str, Any] = {
    "word_ngrams": [1, 1], "min_df": 2, "stop_words": "english", "cue_weight": 0.7,
    "headline_weight": 0.5, "lead_tokens": 60, "C": 10.0, "class_weight": "balanced",
    "threshold": 0.5,
}

@dataclass(frozen=True)
class Example:
    """One labeled story; ``group`` keeps an issue's stories on one side of a split."""

    id: str
    text: str
    themes: tuple[str, ...]
    group: str

    @property
    def train_only(self) -> bool:
        return self.id.startswith(TRAIN_ONLY_PREFIX)


def load_examples(paths: Iterable[Path]) -> list[Example]:
    """Read JSON-lines label files ({"id", "text", "themes", "issue"?, "source"?})."""
    examples: list[Example] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ModelError(f"cannot read labels from {path}: {exc}") from exc
        for number, line in enumerate(lines, start=1):
            if line.strip():
                examples.append(_parse_example(line, f"{path}:{number}"))
    ids = [e.id for e in examples]
    if len(set(ids)) != len(ids):
        raise ModelError("the label files repeat an example id; each story must appear once")
    return examples


def _parse_example(line: str, where: str) -> Example:
    try:
        row = json.loads(line)
        themes = tuple(t for t in THEMES if t in row["themes"])
        unknown = set(row["themes"]) - set(THEMES)
        example_id, text = str(row["id"]), str(row["text"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{where}: not a labeled story ({exc!r})") from exc
    if unknown:
        raise ModelError(f"{where}: unknown themes {sorted(unknown)}; expected some of {THEMES}")
    issue = row.get("issue")
    group = f"{row.get('source', '')}#{issue}" if issue is not None else example_id
    return Example(id=example_id, text=text, themes=themes, group=group)


def build_pipeline(params: Mapping[str, Any]) -> Pipeline:
    words = TfidfVectorizer(ngram_range=tuple(params["word_ngrams"]), min_df=params["min_df"],
                            stop_words=params["stop_words"], sublinear_tf=True)
    cues = Pipeline([("count", ThemeCues(split_cues(THEME_CUES), params["lead_tokens"])),
                     ("scale", MaxAbsScaler())])
    parts: list[tuple[str, Any]] = [("words", words), ("cues", cues)]
    weights = {"words": 1.0, "cues": params["cue_weight"]}
    if params["headline_weight"]:  # the headline says what the story is mainly about
        parts.append(("headline", TfidfVectorizer(preprocessor=headline_of, min_df=1,
                                                  stop_words=params["stop_words"],
                                                  sublinear_tf=True)))
        weights["headline"] = params["headline_weight"]
    features = FeatureUnion(parts, transformer_weights=weights)
    regression = LogisticRegression(C=params["C"], class_weight=params["class_weight"],
                                    max_iter=5000)
    return Pipeline([("features", features), ("model", OneVsRestClassifier(regression))])


def train_model(examples: Sequence[Example], params: Mapping[str, Any] | None = None) -> Pipeline:
    """Fit the pipeline on every example (train-only ones included)."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    labels = _label_matrix(examples)
    missing = [t for t, column in zip(THEMES, labels.T, strict=True)
               if not column.any() or column.all()]
    if missing:
        raise ModelError(f"cannot train: every example agrees on {missing}; need both cases")
    return build_pipeline(params).fit([e.text for e in examples], labels)


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


def evaluate(examples: Sequence[Example], folds: int = 5,
             params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Grouped cross-validation: per-theme precision/recall/F1, micro and macro F1.

    Predictions of all folds are pooled before scoring, which is steadier
    than averaging five small folds.
    """
    params = {**DEFAULT_PARAMS, **(params or {})}
    splits = grouped_folds(examples, folds)
    tested = [i for _, test in splits for i in test]
    predicted = np.zeros((len(examples), len(THEMES)), dtype=bool)
    for train, test in splits:
        model = train_model([examples[i] for i in train], params)
        scores = model.predict_proba([examples[i].text for i in test])
        predicted[test] = scores >= params["threshold"]
    return _metrics(_label_matrix(examples)[tested], predicted[tested], folds)


def _metrics(truth: np.ndarray[Any, Any], predicted: np.ndarray[Any, Any],
             folds: int) -> dict[str, Any]:
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
    result["n_scored"] = len(truth)
    return result


def _label_matrix(examples: Sequence[Example]) -> np.ndarray[Any, Any]:
    return np.array([[t in e.themes for t in THEMES] for e in examples], dtype=bool).reshape(
        len(examples), len(THEMES))


def data_hash(examples: Sequence[Example]) -> str:
    """sha256 of the examples as canonical JSON (sorted by id): same labels, same hash."""
    rows = sorted(({"id": e.id, "text": e.text, "themes": list(e.themes)} for e in examples),
                  key=lambda row: str(row["id"]))
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def make_card(examples: Sequence[Example], metrics: Mapping[str, Any],
              params: Mapping[str, Any] | None = None) -> Card:
    """The card of a model trained on ``examples``; save_version adds version, file, sha256."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sklearn_version": sklearn.__version__,
        "labels": list(THEMES),
        "thresholds": {t: params["threshold"] for t in THEMES},
        "data_hash": data_hash(examples),
        "n_examples": len(examples),
        "n_train_only": sum(e.train_only for e in examples),
        "metrics": dict(metrics),
        "params": dict(params),
    }


@dataclass(frozen=True)
class TrainingOutcome:
    version: str
    metrics: dict[str, Any]
    promoted: bool
    previous: str | None  # the version that was active before
    baseline_macro_f1: float | None  # the previous model's macro F1 on the same examples


def train_new_version(models_dir: Path, examples: Sequence[Example], *, force: bool = False,
                      folds: int = 5, params: Mapping[str, Any] | None = None) -> TrainingOutcome:
    """Evaluate, train on everything, save a version; activate it unless it is worse.

    "Worse" means a lower grouped-CV macro F1 than the active model's on the
    same examples.  ``force`` activates it anyway (the caller warns).
    """
    metrics = evaluate(examples, folds, params)
    model = train_model(examples, params)
    version = save_version(models_dir, model, make_card(examples, metrics, params))
    Classifier.load(models_dir, version)  # never activate what cannot be loaded back
    previous = model_store.active_version(models_dir)
    baseline = _baseline_macro_f1(models_dir, previous, examples, folds)
    promoted = force or baseline is None or metrics["macro_f1"] >= baseline
    if promoted:
        model_store.set_active(models_dir, version)
    return TrainingOutcome(version, metrics, promoted, previous, baseline)


def _baseline_macro_f1(models_dir: Path, active: str | None, examples: Sequence[Example],
                       folds: int) -> float | None:
    """The active model's macro F1 on ``examples``: from its card when it was evaluated
    on them, else by re-running its recipe (its params) on them."""
    if active is None:
        return None
    card = model_store.read_card(models_dir, active)
    metrics, params = card.get("metrics", {}), card.get("params", {})
    same_data = card.get("data_hash") == data_hash(examples)
    if same_data and metrics.get("evaluation") == EVALUATION.format(folds=folds):
        return float(metrics["macro_f1"])
    if set(params) == set(DEFAULT_PARAMS):
        logger.info("re-evaluating the recipe of %s on the new examples", active)
        return float(evaluate(examples, folds, params)["macro_f1"])
    logger.warning("cannot re-run the recipe of %s; comparing with its card's macro F1", active)
    return float(metrics.get("macro_f1", 0.0))
