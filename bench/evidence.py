"""Issue 10, sixteenth pass (not adopted): a theme's own evidence.  Rows of
bench/compare_models.py ("own evidence"), and, run alone, the same designs scored on
label files of newsletters in no file here (the stand-ins, which live outside the
repository):

    .venv/bin/python bench/evidence.py [--labels STANDIN.jsonl ...]

The cue blocks (service/classify/cues.py) give one feature per cue and six summaries per
theme, each block scaled to at most 1, and every theme's regression weighs every block.
``ThemeEvidence`` adds, per chosen theme, one unscaled column, ``log(1 + hits)`` of all
its cues in every lexicon; ``OwnEvidence`` lets only that theme's regression weigh it
(shared, the other themes learnt from it too: robotics left out 0.97 → 0.94).

For `safety` it helped every labeled figure (left out: Import AI 0.846 → 0.857, its
safety 0.72 → 0.77; Last Week in AI 0.797 → 0.807, safety 0.71 → 0.75; grouped CV 0.838
→ 0.842; the later half of each newsletter's issues, safety +0.02 and +0.05) and hurt
`safety` on both stand-ins gathered this stop (0.64 → 0.57 and 0.67 → 0.62): the
lexicons were written after reading the labeled newsletters, and amplifying them
amplifies that (models/README.md, sixteenth pass).  For `policy`, `compute` or
`robotics` it was worse left out already.  Stop 30 (eighteenth pass): on a twentieth
stand-in it changed nothing, and a variant counting only the cues written from THEMES.md
("THEMES.md's cues only") gained 0.005 there with the same labeled figures: not adopted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.classify.cues import ThemeCues, split_cues  # noqa: E402
from service.classify.evaluation import source_f1  # noqa: E402
from service.classify.examples import label_matrix, load_examples  # noqa: E402
from service.classify.reading import as_read  # noqa: E402
from service.classify.recipe import DEFAULT_PARAMS, _cue_blocks, build_pipeline  # noqa: E402
from service.classify.subject import gates  # noqa: E402
from service.domain import THEMES  # noqa: E402

Factory = Callable[[], Any]
SHARED = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
EXTRA = ROOT / "models" / "extra_labels.jsonl"


def evidence_lexicon(lexicons: Mapping[str, Mapping[str, Mapping[str, str]]],
                     themes: Sequence[str]) -> dict[str, dict[str, str]]:
    """One lexicon per theme of ``themes``: the cues of every named lexicon (block name →
    lexicon), each kept under its block's name, so a word two lexicons name counts twice,
    as it does in the blocks."""
    return {theme: {f"{block}:{cue}": patterns
                    for block, lexicon in lexicons.items()
                    for cue, patterns in lexicon.get(theme, {}).items()}
            for theme in themes}


class ThemeEvidence(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Per theme of ``cues``, ``log(1 + hits)`` of all its cues in the story, unscaled."""

    def __init__(self, cues: Mapping[str, Mapping[str, str]] | None = None,
                 lead_tokens: int = 60) -> None:
        self.cues = cues
        self.lead_tokens = lead_tokens

    def fit(self, texts: Sequence[str], y: object = None) -> ThemeEvidence:
        self.counter_ = ThemeCues(split_cues(self.cues or {}), self.lead_tokens).fit(texts)
        self.themes_ = list(self.counter_.themes_)
        names = list(self.counter_.get_feature_names_out())
        self.columns_ = [names.index(f"{theme}:summary:hits") for theme in self.themes_]
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        return np.asarray(self.counter_.transform(texts)[:, self.columns_], dtype=np.float64)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        return np.array([f"{theme}:evidence" for theme in self.themes_], dtype=object)


class OwnEvidence(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """One clone of ``estimator`` per theme (a column of y, in ``themes``' order), as
    OneVsRestClassifier fits them, except that the last ``len(own)`` columns of X are
    ``ThemeEvidence``'s for the themes of ``own`` and each theme's regression sees only
    its own: the others are zeroed when it is fitted and their weights are 0."""

    def __init__(self, estimator: Any, themes: tuple[str, ...] = (),
                 own: tuple[str, ...] = ()) -> None:
        self.estimator = estimator
        self.themes = themes
        self.own = own

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> OwnEvidence:
        labels = np.asarray(y)
        if labels.ndim != 2 or labels.shape[1] != len(self.themes):
            raise ValueError(f"y has {labels.shape} labels, expected one column per theme "
                             f"of {list(self.themes)}")
        missing = set(self.own) - set(self.themes)
        if missing:
            raise ValueError(f"evidence for {sorted(missing)}, which are not themes")
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.estimators_ = []
        for column, theme in enumerate(self.themes):
            keep = self._columns_of(theme, X.shape[1])
            regression = clone(self.estimator).fit(_masked(X, keep), labels[:, column],
                                                   **weights)
            regression.coef_[:, ~keep] = 0.0  # so scoring needs no mask
            self.estimators_.append(regression)
        self.classes_ = np.arange(len(self.themes))
        self.n_features_in_ = X.shape[1]
        return self

    def _columns_of(self, theme: str, width: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
        keep = np.ones(width, dtype=bool)
        if self.own:
            keep[width - len(self.own):] = False
            if theme in self.own:
                keep[width - len(self.own) + self.own.index(theme)] = True
        return keep

    def predict_proba(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        return np.column_stack([regression.predict_proba(X)[:, 1]
                                for regression in self.estimators_]).astype(np.float64)

    def predict(self, X: Any) -> np.ndarray[Any, Any]:
        return (self.predict_proba(X) >= 0.5).astype(int)


def _masked(features: Any, keep: np.ndarray[Any, np.dtype[np.bool_]]) -> Any:
    if keep.all():
        return features
    if sparse.issparse(features):
        return sparse.csr_matrix(features) @ sparse.diags(keep.astype(np.float64))
    return np.asarray(features) * keep


def with_evidence(themes: Sequence[str], weight: float = 1.0,
                  params: Mapping[str, Any] | None = None,
                  blocks: Sequence[str] | None = None) -> Any:
    """The active recipe with an evidence column per theme of ``themes``, each weighed by
    its own theme's regression only (the columns go just before the gates' own); its
    cues are those of the named cue ``blocks`` (default: every block the recipe weighs)."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    pipeline = build_pipeline(params)
    union = pipeline.named_steps["features"]
    lexicons = {name: lexicon for name, lexicon, w in _cue_blocks(params)
                if w and (blocks is None or name in blocks)}
    block = ("evidence", ThemeEvidence(evidence_lexicon(lexicons, themes), params["lead_tokens"]))
    gated = sum(name in ("subject", "machines") for name, _ in union.transformer_list)
    union.transformer_list.insert(len(union.transformer_list) - gated, block)
    union.transformer_weights = {**union.transformer_weights, "evidence": weight}
    innermost = gates(pipeline.named_steps["model"])[-1]
    innermost.estimator = OwnEvidence(innermost.estimator.estimator, THEMES, tuple(themes))
    return pipeline


def designs() -> dict[str, Factory]:
    return {
        "  own evidence: safety x1": lambda: with_evidence(["safety"]),
        "  own evidence: safety x0.5": lambda: with_evidence(["safety"], 0.5),
        "  own evidence: safety x2": lambda: with_evidence(["safety"], 2.0),
        # stop 30: only the lexicons written from THEMES.md (definitions, paraphrases),
        # none written after reading the labeled stories
        "  own evidence: safety x1, THEMES.md's cues only": lambda: with_evidence(
            ["safety"], blocks=("definitions", "paraphrases")),
        "  own evidence: policy x1": lambda: with_evidence(["policy"]),
        "  own evidence: compute x1": lambda: with_evidence(["compute"]),
        "  own evidence: robotics x1": lambda: with_evidence(["robotics"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, nargs="*", default=[],
                        help="label files of newsletters in no file here, to score")
    args = parser.parse_args()
    examples = load_examples(sorted((SHARED / "data" / "labeled").glob("*.jsonl")))
    extra = load_examples([EXTRA])
    rows = {path: [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            for path in args.labels}
    for name, make in {"the active recipe": lambda: build_pipeline(DEFAULT_PARAMS),
                       **designs()}.items():
        figures = []
        for left_out in ("Import AI", "Last Week in AI"):
            train = [e for e in examples if e.source != left_out] + extra
            test = [e for e in examples if e.source == left_out]
            model = make().fit([e.text for e in train], label_matrix(train))
            scores = np.asarray(model.predict_proba([as_read(e.text) for e in test]))
            figures.append(f"{left_out} left out {_macro(label_matrix(test), scores)}")
        model = make().fit([e.text for e in examples + extra], label_matrix(examples + extra))
        for path, labeled in rows.items():
            truth = np.array([[t in row["themes"] for t in THEMES] for row in labeled])
            scores = np.asarray(model.predict_proba([as_read(row["text"]) for row in labeled]))
            figures.append(f"{path.parent.name}/{path.name} {_macro(truth, scores)}")
        print(f"{name.strip()}:\n  " + "\n  ".join(figures), flush=True)


def _macro(truth: np.ndarray, scores: np.ndarray) -> str:
    f1 = source_f1(truth.astype(bool), scores >= 0.5)
    return f"{f1['macro']:.3f} ({' / '.join(f'{f1[t] or 0:.2f}' for t in THEMES)})"


if __name__ == "__main__":
    main()
