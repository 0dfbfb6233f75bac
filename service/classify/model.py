"""classify: stories in, themes out, from the active model in models/.

A model is loaded only if it is ours (DESIGN.md invariant 6): the card's
sha256 is checked against the file *before* joblib unpickles it (unpickling
runs code), then the scikit-learn version and the label set.

The model is a scikit-learn pipeline: word TF-IDF of the story and of its
headline, plus ``ThemeCues`` (counts of hand-written theme signals, see
theme_cues.py), feeding one balanced logistic regression per theme.  The cue
lexicon is a parameter, so each model file carries the lexicon it was
trained with.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn

from service.classify import model_store
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
        version = version or model_store.active_version(models_dir)
        if version is None:
            raise ModelError(f"no active model in {models_dir}: train one or activate a version")
        card = model_store.read_card(models_dir, version)
        path = _verified_model_path(models_dir, version, card)
        _check_compatible(card, path)
        try:
            pipeline = joblib.load(path)
        except Exception as exc:  # unpickling can fail in many ways; all mean "not loadable"
            raise ModelError(f"{path} cannot be loaded: {exc}") from exc
        if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "named_steps"):
            raise ModelError(f"{path} does not hold a theme classifier pipeline")
        thresholds = {theme: float(card["thresholds"][theme]) for theme in THEMES}
        logger.info("loaded model %s from %s", version, path)
        return cls(version=version, themes=THEMES, thresholds=thresholds, pipeline=pipeline)

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Every theme's probability, 0..1, for each text."""
        if not texts:
            return []
        features = self.pipeline.named_steps["features"].transform(list(texts))
        return self._scores(features)

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        """Themes at or above their threshold, in THEMES order, with the terms behind them."""
        if not stories:
            return []
        features = self.pipeline.named_steps["features"].transform(
            [story_text(story) for story in stories])
        tagged = []
        for row, (story, scores) in enumerate(zip(stories, self._scores(features), strict=True)):
            themes = tuple(t for t in self.themes if scores[t] >= self.thresholds[t])
            explanations = {t: self._explain(features[row], t) for t in themes}
            tagged.append(TaggedStory(story=story, themes=themes, scores=scores,
                                      model_version=self.version, explanations=explanations))
        return tagged

    def _scores(self, features: Any) -> list[dict[str, float]]:
        probabilities = self.pipeline.named_steps["model"].predict_proba(features)
        return [{t: float(p) for t, p in zip(self.themes, row, strict=True)}
                for row in probabilities]

    def _explain(self, row: Any, theme: str) -> tuple[str, ...]:
        """The few present terms whose coefficient x value pushed ``theme`` up most.

        Terms are the story's words and this theme's cues; another theme's cue
        ("compute: energy" helping safety) is a real push but reads as nonsense.
        """
        estimator = self.pipeline.named_steps["model"].estimators_[self.themes.index(theme)]
        values = np.asarray(row.todense()).ravel() if hasattr(row, "todense") else np.ravel(row)
        pushes = values * estimator.coef_.ravel()
        chosen: dict[str, str] = {}  # "robot" and "robots" are one term to a reader
        for index in np.argsort(-pushes):
            if pushes[index] <= 0 or len(chosen) == EXPLANATION_TERMS:
                break
            term = _readable(self._feature_names()[index], theme)
            if term:
                chosen.setdefault(term.lower().rstrip("s"), term)
        return tuple(chosen.values())

    def _feature_names(self) -> list[str]:
        names = self.__dict__.get("_names")
        if names is None:
            names = list(self.pipeline.named_steps["features"].get_feature_names_out())
            object.__setattr__(self, "_names", names)  # frozen dataclass: a cache, not state
        return names


def story_text(story: Story) -> str:
    """The text the model reads: the headline on the first line, as in training."""
    if story.headline and not story.text.startswith(story.headline):
        return f"{story.headline}\n{story.text}"
    return story.text


def _readable(feature: str, theme: str) -> str:
    """ "words__chips" -> "chips", "cues__policy:export controls" -> "export
    controls"; "" for summaries and for other themes' cues."""
    name = feature.split("__", 1)[-1]
    if ":" not in name:
        return name
    cue_theme, cue = name.split(":", 1)
    return cue if cue_theme == theme and not cue.startswith("summary:") else ""


def _verified_model_path(models_dir: Path, version: str, card: Mapping[str, Any]) -> Path:
    file_name = str(card.get("file", ""))
    if not file_name or Path(file_name).name != file_name:
        raise ModelIntegrityError(f"card of {version} names an unsafe model file {file_name!r}")
    path = models_dir / version / file_name
    if not path.is_file():
        raise ModelError(f"model file {path} is missing")
    actual, expected = model_store.file_sha256(path), str(card.get("sha256", ""))
    if actual != expected:
        raise ModelIntegrityError(
            f"model file {path} does not match its card: sha256 {actual}, card says "
            f"{expected or 'nothing'}; refusing to load it")
    return path


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
