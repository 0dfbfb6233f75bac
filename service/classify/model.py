"""classify: stories in, themes out, from the active model in models/.

A model is loaded only if it is ours (DESIGN.md invariant 6): the card's
sha256 is checked against the file before anything is read from it, then the
label set and thresholds.

The model is trained as a scikit-learn pipeline (recipe.py): word TF-IDF of
the story and of its headline, plus ``ThemeCues`` blocks (counts of theme
signals, see cue_counts.py and lexicon.py), feeding one balanced logistic
regression per theme.  It is saved as that pipeline's numbers too
(compiled.py: ``model.npz``), which is what tagging reads: nothing is
unpickled, and a process that tags never imports scikit-learn.  A version
saved before then is read from its pickle (pickled.py) and compiled as it
loads.  The cue lexicons are parameters, so each model file carries the
lexicons it was trained with.  Each assigned theme keeps the story's own
words that carried it (explain.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from service.classify import explain, model_store
from service.classify.compiled import CompiledModel, Features
from service.classify.cue_counts import recording_hits
from service.classify.reading import read_story
from service.classify.tokens import batch_tokens
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
    model: CompiledModel  # the pipeline's numbers (compiled.py): no scikit-learn to tag

    @classmethod
    def load(cls, models_dir: Path, version: str | None = None) -> Classifier:
        """Load ``version`` (default: the active one), refusing anything not ours."""
        if version is None:
            models_dir, version = model_store.active_choice(models_dir)
        if version is None:
            raise ModelError(f"no active model in {models_dir}: train one or activate a version")
        card = model_store.read_card(models_dir, version)
        _check_card(card, models_dir / version)
        if card.get("arrays"):
            path, data = model_store.verified_file(models_dir, version, card, "arrays",
                                                 "arrays_sha256")
            try:
                model = CompiledModel.from_bytes(data)
            except ModelError as exc:
                raise ModelError(f"{path} cannot be loaded: {exc}") from exc
        else:  # saved before compiled.py: its pickle, compiled here (scikit-learn imported)
            from service.classify import pickled
            path, data = model_store.verified_file(models_dir, version, card, "file", "sha256")
            model = pickled.compiled(path, data, card)
        thresholds = {theme: float(card["thresholds"][theme]) for theme in THEMES}
        logger.info("loaded model %s from %s", version, path)
        return cls(version=version, themes=THEMES, thresholds=thresholds, model=model)

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Every theme's probability, 0..1, for each text (read as a story with no headline
        of its own: ``reading.as_read``)."""
        return self.score_stories([Story(index=0, headline="", text=text) for text in texts])

    def score_stories(self, stories: Sequence[Story]) -> list[dict[str, float]]:
        """``score`` of each story's text, its headline read as its first line."""
        if not stories:
            return []
        features = self.model.transform([read_story(story)[1] for story in stories])
        return self._scores(features)

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        """Themes at or above their threshold, in THEMES order, with the terms behind them."""
        if not stories:
            return []
        shown, texts = map(list, zip(*(read_story(story) for story in stories), strict=True))
        with recording_hits():  # the explanations below reuse the hits it counts
            features = self.model.transform(texts)
            return self._tagged(stories, shown, texts, features)

    def _tagged(self, stories: Sequence[Story], shown: list[str], texts: list[str],
                features: Features) -> list[TaggedStory]:
        tokens = batch_tokens(texts)  # kept from transform: not tokenized again
        all_scores = self._scores(features)
        tagged = []
        for row, (story, scores, held) in enumerate(zip(
                stories, all_scores, self._held(features, all_scores), strict=True)):
            themes = tuple(t for t in self.themes if scores[t] >= self.thresholds[t])
            explanations = (self._explain(shown[row], tokens[row], features.row(row), themes)
                            if themes else {})
            tagged.append(TaggedStory(story=story, themes=themes, scores=scores,
                                      model_version=self.version, explanations=explanations,
                                      held=held))
        return tagged

    def _held(self, features: Features, scores: Sequence[Mapping[str, float]]
              ) -> list[tuple[str, ...]]:
        """Per story, the themes a subject gate kept under their threshold: the story
        names nothing of AI (or, for robotics, no machine), and the theme's score before
        the gate reached the threshold (subject.py).  Nothing for a model without one."""
        held: list[list[str]] = [[] for _ in scores]
        for (factor, themes), abouts in zip(self.model.gates, features.about, strict=True):
            if factor <= 0:
                continue
            for kept, about, row in zip(held, abouts, scores, strict=True):
                kept += [] if about else [
                    theme for theme in themes
                    if row[theme] < self.thresholds[theme] <= row[theme] / factor]
        return [tuple(t for t in self.themes if t in kept) for kept in held]

    def _scores(self, features: Features) -> list[dict[str, float]]:
        probabilities = self.model.probabilities(features)
        return [{t: float(p) for t, p in zip(self.themes, row, strict=True)}
                for row in probabilities]

    def _explain(self, text: str, tokens: list[str], values: np.ndarray[Any, Any],
                 themes: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """For each of ``themes``, the story's few words that carry it and pushed it up
        most (explain.py).  ``tokens`` are of the text as read (``as_read``), ``text`` is
        the story as shown: a term is only one written there ("export controls" wrapped
        over two lines is read as one phrase, but not shown as one).  ``values`` is the
        story's row of the regressions' features (a subject gate's is not weighed)."""
        index, columns = self._feature_index()
        hits = explain.story_hits(tokens, columns)
        return {theme: explain.explain(
                    text, values * self.model.coef[self.themes.index(theme)], index,
                    hits.get(theme, ()), EXPLANATION_TERMS)
                for theme in themes}

    def _feature_index(self) -> tuple[dict[str, int], explain.Columns]:
        cached = self.__dict__.get("_index")
        if cached is None:
            index = {name: i for i, name in enumerate(self.model.feature_names)}
            cached = index, explain.cue_columns(self.model.cue_blocks, index)
            object.__setattr__(self, "_index", cached)  # frozen dataclass: a cache, not state
        return cached


def _check_card(card: Mapping[str, Any], folder: Path) -> None:
    if card.get("version", folder.name) != folder.name:
        raise ModelIntegrityError(f"the card in {folder.name} is the card of "
                                  f"{card.get('version')!r}")
    labels = tuple(card.get("labels", ()))
    if labels != THEMES:
        raise ModelError(f"{folder} predicts {list(labels)}, expected {list(THEMES)}")
    thresholds = card.get("thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(THEMES) or not all(
            isinstance(v, int | float) and 0 <= v <= 1 for v in thresholds.values()):
        raise ModelError(f"the card of {folder} needs a threshold in 0..1 for every theme")
