"""classify: stories in, themes out, from the active model in models/.

A model is loaded only if it is ours (DESIGN.md invariant 6): the card's
sha256 is checked against the file *before* joblib unpickles it (unpickling
runs code), then the scikit-learn version and the label set.

The model is a scikit-learn pipeline (recipe.py): word TF-IDF of the story
and of its headline, plus ``ThemeCues`` blocks (counts of theme signals, see
cues.py and lexicon.py), feeding one balanced logistic regression per theme.
The cue lexicons are parameters, so each model file carries the lexicons it
was trained with.  Each assigned theme keeps the story's own words that
carried it (explain.py).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn

from service.classify import cues, explain, model_store
from service.classify.reading import read_story
from service.classify.subject import gate_levels, gates
from service.domain import THEMES, Story, TaggedStory
from service.errors import ModelError, ModelIntegrityError

logger = logging.getLogger(__name__)

EXPLANATION_TERMS = 4


@dataclass(frozen=True)
class Classifier:
    """A loaded, verified model: ``score`` texts, ``tag`` stories."""

    version: str
    themes: tuple[str, ...]
    thresholds: Mapping[str, float]
    pipeline: Any  # sklearn Pipeline: "features" (FeatureUnion) then "model" (one-vs-rest)

    @classmethod
    def load(cls, models_dir: Path, version: str | None = None) -> Classifier:
        """Load ``version`` (default: the active one), refusing anything not ours."""
        if version is None:
            models_dir, version = model_store.active_choice(models_dir)
        if version is None:
            raise ModelError(f"no active model in {models_dir}: train one or activate a version")
        card = model_store.read_card(models_dir, version)
        path, data = _verified_model(models_dir, version, card)
        _check_compatible(card, path)
        try:
            # the bytes that were hashed, not the file again: swapped in between, another
            # file would be unpickled unchecked, and unpickling runs code (a read-only review)
            pipeline = joblib.load(io.BytesIO(data))
        except Exception as exc:  # unpickling can fail in many ways; all mean "not loadable"
            raise ModelError(f"{path} cannot be loaded: {exc}") from exc
        if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "named_steps"):
            raise ModelError(f"{path} does not hold a theme classifier pipeline")
        thresholds = {theme: float(card["thresholds"][theme]) for theme in THEMES}
        logger.info("loaded model %s from %s", version, path)
        return cls(version=version, themes=THEMES, thresholds=thresholds, pipeline=pipeline)

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Every theme's probability, 0..1, for each text (read as a story with no headline
        of its own: ``reading.as_read``)."""
        return self.score_stories([Story(index=0, headline="", text=text) for text in texts])

    def score_stories(self, stories: Sequence[Story]) -> list[dict[str, float]]:
        """``score`` of each story's text, its headline read as its first line."""
        if not stories:
            return []
        features = self.pipeline.named_steps["features"].transform(
            [read_story(story)[1] for story in stories])
        return self._scores(features)

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        """Themes at or above their threshold, in THEMES order, with the terms behind them."""
        if not stories:
            return []
        shown, texts = map(list, zip(*(read_story(story) for story in stories), strict=True))
        with cues.recording_hits():  # the explanations below reuse the hits it counts
            features = self.pipeline.named_steps["features"].transform(texts)
            return self._tagged(stories, shown, texts, features)

    def _tagged(self, stories: Sequence[Story], shown: list[str], texts: list[str],
                features: Any) -> list[TaggedStory]:
        tokens = cues.batch_tokens(texts)  # kept from transform: not tokenized again
        all_scores = self._scores(features)
        rows = _Rows(features)
        tagged = []
        for row, (story, scores, held) in enumerate(zip(
                stories, all_scores, self._held(features, all_scores), strict=True)):
            themes = tuple(t for t in self.themes if scores[t] >= self.thresholds[t])
            explanations = (self._explain(shown[row], tokens[row], rows[row], themes)
                            if themes else {})
            tagged.append(TaggedStory(story=story, themes=themes, scores=scores,
                                      model_version=self.version, explanations=explanations,
                                      held=held))
        return tagged

    def _held(self, features: Any, scores: Sequence[Mapping[str, float]]
              ) -> list[tuple[str, ...]]:
        """Per story, the themes a subject gate kept under their threshold: the story
        names nothing of AI (or, for robotics, no machine), and the theme's score before
        the gate reached the threshold (subject.py).  Nothing for a model without one."""
        held: list[list[str]] = [[] for _ in scores]
        for gate, abouts in gate_levels(self.pipeline.named_steps["model"], features):
            if gate.factor <= 0:
                continue
            for kept, about, row in zip(held, abouts, scores, strict=True):
                kept += [] if about else [
                    theme for theme in gate.themes
                    if row[theme] < self.thresholds[theme] <= row[theme] / gate.factor]
        return [tuple(t for t in self.themes if t in kept) for kept in held]

    def _scores(self, features: Any) -> list[dict[str, float]]:
        probabilities = self.pipeline.named_steps["model"].predict_proba(features)
        return [{t: float(p) for t, p in zip(self.themes, row, strict=True)}
                for row in probabilities]

    def _explain(self, text: str, tokens: list[str], values: np.ndarray[Any, Any],
                 themes: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """For each of ``themes``, the story's few words that carry it and pushed it up
        most (explain.py).  ``tokens`` are of the text as read (``as_read``), ``text`` is
        the story as shown: a term is only one written there ("export controls" wrapped
        over two lines is read as one phrase, but not shown as one).  ``values`` is the
        story's row of features."""
        estimators = self.pipeline.named_steps["model"].estimators_
        index, columns = self._feature_index()
        hits = explain.story_hits(tokens, columns)
        weighed = values[:self._regression_width()]  # a subject gate's feature is not weighed
        return {theme: explain.explain(
                    text, weighed * estimators[self.themes.index(theme)].coef_.ravel(), index,
                    hits.get(theme, ()), EXPLANATION_TERMS)
                for theme in themes}

    def _regression_width(self) -> int:
        """How many features the regressions weigh: all of them, but a subject gate's last
        (subject.py).  Checked once, so a misaligned push fails loudly instead."""
        width = self.__dict__.get("_width")
        if width is None:
            features = len(self._feature_index()[0])
            weights = self.pipeline.named_steps["model"].estimators_[0].coef_.size
            if features - weights != len(gates(self.pipeline.named_steps["model"])):
                raise ModelError(f"{features} features, {weights} weights: {self.version} "
                                 "cannot explain its tags")
            width = weights
            object.__setattr__(self, "_width", width)  # frozen dataclass: a cache, not state
        return int(width)

    def _feature_index(self) -> tuple[dict[str, int], explain.Columns]:
        cached = self.__dict__.get("_index")
        if cached is None:
            features = self.pipeline.named_steps["features"]
            names = features.get_feature_names_out()
            index = {str(name): i for i, name in enumerate(names)}
            cached = index, explain.cue_columns(explain.cue_blocks(features), index)
            object.__setattr__(self, "_index", cached)  # frozen dataclass: a cache, not state
        return cached


class _Rows:
    """A feature matrix's rows as dense vectors, read straight from a sparse matrix's
    arrays: indexing a scipy matrix row by row cost the tagger 4%."""

    def __init__(self, features: Any) -> None:
        self._sparse = features.tocsr() if hasattr(features, "tocsr") else None
        if self._sparse is not None and not self._sparse.has_canonical_format:
            self._sparse.sum_duplicates()  # a column's entries summed, as todense() would
        self._dense = None if self._sparse is not None else np.asarray(features)

    def __getitem__(self, row: int) -> np.ndarray[Any, Any]:
        if self._sparse is None:
            return np.ravel(self._dense[row])  # type: ignore[index]
        matrix = self._sparse
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values = np.zeros(matrix.shape[1])
        values[matrix.indices[start:end]] = matrix.data[start:end]
        return values


def _verified_model(models_dir: Path, version: str,
                    card: Mapping[str, Any]) -> tuple[Path, bytes]:
    """The model file's path and bytes, read once and checked against the card's sha256."""
    file_name = str(card.get("file", ""))
    if not file_name or Path(file_name).name != file_name:
        raise ModelIntegrityError(f"card of {version} names an unsafe model file {file_name!r}")
    if card.get("version", version) != version:
        raise ModelIntegrityError(f"the card in {version} is the card of {card.get('version')!r}")
    path = models_dir / version / file_name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"model file {path} is missing or unreadable: {exc}") from exc
    actual, expected = hashlib.sha256(data).hexdigest(), str(card.get("sha256", ""))
    if actual != expected:
        raise ModelIntegrityError(
            f"model file {path} does not match its card: sha256 {actual}, card says "
            f"{expected or 'nothing'}; refusing to load it")
    return path, data


def _check_compatible(card: Mapping[str, Any], path: Path) -> None:
    trained_with = str(card.get("sklearn_version", ""))
    if _major_minor(trained_with) != _major_minor(sklearn.__version__):
        raise ModelError(
            f"{path} was trained with scikit-learn {trained_with or 'unknown'}, this is "
            f"{sklearn.__version__}: retrain it (newsalerts train) before loading")
    labels = tuple(card.get("labels", ()))
    if labels != THEMES:
        raise ModelError(f"{path} predicts {list(labels)}, expected {list(THEMES)}")
    thresholds = card.get("thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(THEMES) or not all(
            isinstance(v, int | float) and 0 <= v <= 1 for v in thresholds.values()):
        raise ModelError(f"the card of {path} needs a threshold in 0..1 for every theme")


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])
