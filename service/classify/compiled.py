"""A trained model as plain arrays: tagging with numpy alone, nothing unpickled.

``newsalerts run`` only ever tags, and a scikit-learn pipeline costs a process
that tags about 80 MiB for scikit-learn's and SciPy's imports (of a 200 MB
budget: 191 MiB at stop 37) and half a second to load.  What the fitted
pipeline computes is simple: word TF-IDF of the story and of its headline, the
cue blocks' counts (cue_counts.py) scaled by their largest training value, the
subject gates' 0/1 columns (ai_words.py, machine_words.py), and one logistic
regression per theme.  ``export`` reads those numbers off the fitted pipeline
when a version is saved; ``CompiledModel`` recomputes the same scores from them
(to 1e-9: tests/test_compiled.py checks every labeled story).

The file is an ``.npz`` read with ``allow_pickle=False``: numbers, and one JSON
document (vocabularies, lexicons, gate words, block weights).  Functions are
named, never stored: a vectorizer's preprocessor must be one of ``_READERS``.
A pipeline with a part this module does not know (a calibrated regression in a
bench) is not compiled: ``NotCompilable`` says which.  A version saved before
this module is compiled when it is loaded (model.py): its pickle is read once.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.classify.ai_words import about_ai
from service.classify.cue_counts import SHAPE_NAMES, CueCounts, headline_of, story_shape
from service.classify.machine_words import about_machines
from service.classify.tokens import batch_tokens, lowered
from service.domain import THEMES
from service.errors import ModelError

__all__ = ["ARRAYS_FILE", "FORMAT", "CompiledModel", "Features", "NotCompilable", "export"]

ARRAYS_FILE = "model.npz"
# The shipped model is 0.6 MB unpacked: a file that unpacks to more is not one of ours
MAX_ARRAY_BYTES = 64 * 1024 * 1024
FORMAT = 1
_READERS: dict[str, Callable[[str], str]] = {"lowered": lowered, "headline_of": headline_of,
                                             "lower": str.lower}  # the first versions'

_WORD = r"(?u)\b\w\w+\b"  # scikit-learn's default token_pattern, the only one compiled

Vector = np.ndarray[Any, np.dtype[np.float64]]


class NotCompilable(ModelError):
    """The pipeline holds a part ``export`` does not know: keep it as a pickle only."""


@dataclass(frozen=True)
class Features:
    """A batch's features as the regressions read them: a sparse matrix by rows
    (``indptr``, ``indices``, ``data``, as scikit-learn's CSR) of ``width`` columns, and
    each subject gate's 0/1 per story, outermost gate first."""

    indptr: np.ndarray[Any, np.dtype[np.int64]]
    indices: np.ndarray[Any, np.dtype[np.int64]]
    data: Vector
    width: int
    about: tuple[np.ndarray[Any, np.dtype[np.bool_]], ...]

    def row(self, row: int) -> Vector:
        """One story's features as a dense vector of ``width``."""
        start, end = self.indptr[row], self.indptr[row + 1]
        values = np.zeros(self.width)
        values[self.indices[start:end]] = self.data[start:end]
        return values


@dataclass(frozen=True)
class _Block:
    """One part of the feature union: ``kind`` says how its columns are computed."""

    name: str
    kind: str  # "tfidf", "cues", "shape", "about_ai", "about_machines"
    weight: float
    params: Mapping[str, Any]
    vocabulary: Mapping[str, int] | None = None
    idf: Vector | None = None
    scale: Vector | None = None
    counter: CueCounts | None = None

    @property
    def names(self) -> list[str]:
        if self.kind == "tfidf":
            assert self.vocabulary is not None
            return sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        if self.kind == "cues":
            assert self.counter is not None
            return [str(name) for name in self.counter.get_feature_names_out()]
        if self.kind == "shape":
            return list(SHAPE_NAMES)
        return [f"subject:{self.kind}"]


class CompiledModel:
    """What a fitted pipeline computes, from ``export``'s arrays."""

    def __init__(self, blocks: Sequence[_Block], coef: Vector, intercept: Vector,
                 gates: Sequence[tuple[float, tuple[str, ...]]]) -> None:
        self.blocks = tuple(blocks)
        self.coef = coef  # themes x regression columns
        self.intercept = intercept
        self.gates = tuple(gates)  # (factor, themes), outermost first: its column is last
        columns = [block.names for block in self.blocks]  # (a vocabulary sorted once, here)
        names = [f"{block.name}__{name}" for block, own in zip(self.blocks, columns,
                                                                strict=True) for name in own]
        self.feature_names = names
        # where each block's columns start: read at every transform, so not sorted again
        self.offsets = [sum(map(len, columns[:at])) for at in range(len(columns))]
        self.width = len(names) - len(self.gates)
        if self.coef.shape != (len(THEMES), self.width) or self.intercept.shape != (
                len(THEMES),):
            raise ModelError(f"weights of shape {self.coef.shape} and intercepts of shape "
                             f"{self.intercept.shape} for {len(THEMES)} themes and "
                             f"{self.width} features: the arrays do not belong together")
        if not (np.isfinite(self.coef).all() and np.isfinite(self.intercept).all()):
            raise ModelError("weights that are not finite numbers")
        if any(not 0 <= factor <= 1 or not set(themes) <= set(THEMES)
               for factor, themes in self.gates):
            raise ModelError("a gate with a factor outside 0..1 or a theme not among "
                             f"{list(THEMES)}")
        abouts = [i for i, b in enumerate(self.blocks) if b.kind.startswith("about_")]
        if abouts != list(range(len(self.blocks) - len(self.gates), len(self.blocks))):
            raise ModelError("one subject column per gate, after every other feature")
        self.cue_blocks = {b.name: b.counter for b in self.blocks if b.counter is not None}

    @classmethod
    def from_bytes(cls, data: bytes) -> CompiledModel:
        """Read ``export``'s file (checked against its card by the caller).  Whatever is
        wrong with it, a ModelError says so: numbers that do not hold together, a part of a
        kind this code does not know, patterns that do not compile, or more than
        ``MAX_ARRAY_BYTES`` once unpacked (a zip of zeros)."""
        try:
            loaded, meta = _unpacked(data)
            if not isinstance(meta, dict) or not isinstance(meta.get("blocks"), list) or (
                    not isinstance(meta.get("gates"), list)):
                raise ValueError("its description is not a table of blocks and gates")
            if meta.get("format") != FORMAT:
                raise ModelError(f"compiled model format {meta.get('format')!r}, this code "
                                 f"reads {FORMAT}: recompile it (newsalerts models compile)")
            blocks = [_read_block(index, block, loaded)
                      for index, block in enumerate(meta["blocks"])]
            gates = [(float(g["factor"]), tuple(str(t) for t in g["themes"]))
                     for g in meta["gates"]]
            return cls(blocks, np.asarray(loaded["coef"], dtype=np.float64),
                       np.asarray(loaded["intercept"], dtype=np.float64), gates)
        except ModelError:
            raise
        except Exception as exc:  # a crafted file can fail in many ways; all mean "not ours"
            raise ModelError(f"not a compiled model this code can read: {exc!r}") from exc

    def transform(self, texts: Sequence[str]) -> Features:
        """The features of ``texts`` (each a story as read: reading.read_story)."""
        parts: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], Vector]] = []
        about: list[np.ndarray[Any, np.dtype[np.bool_]]] = []
        for block, offset in zip(self.blocks, self.offsets, strict=True):
            if block.kind == "tfidf":
                rows, columns, values = self._tfidf(block, texts)
            elif block.kind in ("cues", "shape"):
                if block.counter is not None and block.scale is not None:
                    dense = block.counter.transform(texts) / block.scale * block.weight
                else:
                    dense = story_shape(texts, int(block.params["short_words"])) * block.weight
                rows, columns = np.nonzero(dense)
                values = dense[rows, columns]
            elif block.kind == "about_ai":
                about.append(np.array([about_ai(text, **block.params) for text in texts],
                                      dtype=bool))
                continue
            else:
                tokens = batch_tokens(texts)  # the cue blocks' own: tokenized once
                about.append(np.array([about_machines(text, words, **block.params)
                                       for text, words in zip(texts, tokens, strict=True)],
                                      dtype=bool))
                continue
            parts.append((rows, columns + offset, values))
        rows = np.concatenate([r for r, _, _ in parts]) if parts else np.zeros(0, np.int64)
        order = np.argsort(rows, kind="stable")  # by story; blocks in their columns' order
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        return Features(
            indptr=indptr,
            indices=np.concatenate([c for _, c, _ in parts]).astype(np.int64)[order] if parts
            else np.zeros(0, dtype=np.int64),
            data=np.concatenate([v for _, _, v in parts])[order] if parts else np.zeros(0),
            width=self.width, about=tuple(reversed(about)))  # outermost gate first

    def probabilities(self, features: Features) -> Vector:
        """Stories x themes, as the gated one-vs-rest regressions give them."""
        stories = len(features.indptr) - 1
        if not stories:
            return np.zeros((0, len(THEMES)))
        rows = np.repeat(np.arange(stories), np.diff(features.indptr))
        logits = np.column_stack([
            np.bincount(rows, weights=features.data * self.coef[t, features.indices],
                        minlength=stories) for t in range(len(THEMES))]).reshape(stories, -1)
        scores: Vector = 1.0 / (1.0 + np.exp(-(logits + self.intercept)))
        for (factor, themes), about in zip(self.gates, features.about, strict=True):
            gated = np.array([THEMES.index(theme) for theme in themes])
            scores[np.ix_(~about, gated)] *= factor
        return scores

    @staticmethod
    def _tfidf(block: _Block, texts: Sequence[str]
               ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], Vector]:
        """scikit-learn's TfidfVectorizer.transform: tokens of the preprocessed text,
        counted over the vocabulary (a stop word is never in it), 1 + log(count), times
        idf, over the row's L2 norm; then times the block's weight.  (story, column,
        value) of every word a story holds."""
        assert block.vocabulary is not None and block.idf is not None
        read, known = _READERS[block.params["preprocessor"]], block.vocabulary.get
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            found = Counter(c for c in map(known, _TOKEN.findall(read(text))) if c is not None)
            rows += [row] * len(found)
            columns += found.keys()
            counts += found.values()
        values = np.array(counts, dtype=np.float64)
        if block.params["sublinear_tf"]:
            values = np.log(values) + 1.0
        at = np.array(columns, dtype=np.int64)
        values *= block.idf[at]
        story = np.array(rows, dtype=np.int64)
        norms = np.sqrt(np.bincount(story, weights=values * values, minlength=len(texts)))
        return story, at, values / norms[story] * block.weight


_TOKEN = re.compile(_WORD)


def _unpacked(data: bytes) -> tuple[dict[str, Any], Any]:
    """The arrays and the parsed description of an ``.npz``, its size checked from the zip's
    own directory before anything is unpacked."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(entry.file_size for entry in archive.infolist()) > MAX_ARRAY_BYTES:
            raise ValueError(f"more than {MAX_ARRAY_BYTES:,} bytes once unpacked")
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        loaded = {key: arrays[key] for key in arrays.files}
    meta = json.loads(str(loaded.pop("meta")), parse_constant=_no_constant)
    return loaded, meta


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is no number a model holds")


def export(pipeline: Any) -> bytes:
    """The fitted ``pipeline`` (recipe.build_pipeline's, fitted) as ``CompiledModel``'s
    file; ``NotCompilable`` names the part it cannot carry over."""
    union, model = pipeline.named_steps["features"], pipeline.named_steps["model"]
    weights = union.transformer_weights or {}
    arrays: dict[str, Any] = {}
    blocks = [_export_block(index, name, part, float(weights.get(name, 1.0)), arrays)
              for index, (name, part) in enumerate(union.transformer_list)]
    gates, inner = [], model
    while hasattr(inner, "factor") and hasattr(inner, "estimator_"):  # SubjectGate
        gates.append({"factor": float(inner.factor), "themes": list(inner.themes)})
        inner = inner.estimator_
    if not getattr(inner, "multilabel_", False) or len(inner.estimators_) != len(THEMES):
        raise NotCompilable(f"{type(inner).__name__} is not one regression per theme")
    for regression in inner.estimators_:
        if not hasattr(regression, "coef_") or list(getattr(regression, "classes_", ())) != [0, 1]:
            raise NotCompilable(f"{type(regression).__name__} is not a fitted binary regression")
    arrays["coef"] = np.vstack([r.coef_.ravel() for r in inner.estimators_]).astype(np.float64)
    arrays["intercept"] = np.array([float(r.intercept_[0]) for r in inner.estimators_])
    meta = {"format": FORMAT, "blocks": blocks, "gates": gates}
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    CompiledModel.from_bytes(data)  # what was written reads back, or nothing is saved
    return data


def _export_block(index: int, name: str, part: Any, weight: float,
                  arrays: dict[str, Any]) -> dict[str, Any]:
    kind = type(part).__name__
    if kind == "TfidfVectorizer":
        preprocessor = getattr(part.preprocessor, "__name__", None)
        if part.preprocessor is None and part.lowercase and part.strip_accents is None:
            preprocessor = "lower"  # scikit-learn's default: the text lower-cased
        elif preprocessor is None or _READERS.get(preprocessor) is not part.preprocessor:
            preprocessor = None
        if (preprocessor is None
                or part.analyzer != "word" or part.tokenizer
                or tuple(part.ngram_range) != (1, 1) or part.token_pattern != _WORD
                or part.norm != "l2" or part.binary or not part.use_idf
                or np.dtype(part.dtype) != np.float64):
            raise NotCompilable(f"block {name!r}: a TF-IDF this module does not compute")
        arrays[f"idf_{index}"] = np.asarray(part.idf_, dtype=np.float64)
        return {"name": name, "kind": "tfidf", "weight": weight,
                "vocabulary": sorted(part.vocabulary_, key=part.vocabulary_.__getitem__),
                "params": {"preprocessor": preprocessor, "sublinear_tf": bool(part.sublinear_tf)}}
    if kind == "Pipeline" and [s for s, _ in part.steps] == ["count", "scale"] and \
            type(part.named_steps["scale"]).__name__ == "MaxAbsScaler":
        counter = part.named_steps["count"]
        arrays[f"scale_{index}"] = np.asarray(part.named_steps["scale"].scale_, dtype=np.float64)
        return {"name": name, "kind": "cues", "weight": weight,
                "params": {"cues": {t: dict(named) for t, named in counter.cues.items()},
                           "lead_tokens": int(counter.lead_tokens)}}
    if kind == "StoryShape":
        return {"name": name, "kind": "shape", "weight": weight,
                "params": {"short_words": int(part.short_words)}}
    if kind == "AboutAI":
        return {"name": name, "kind": "about_ai", "weight": weight,
                "params": {"acronyms": part.acronyms, "words": part.words,
                           "elsewhere": part.elsewhere}}
    if kind == "AboutMachines":
        return {"name": name, "kind": "about_machines", "weight": weight,
                "params": {"acronyms": part.acronyms, "words": part.words}}
    raise NotCompilable(f"block {name!r} ({kind}) is not one this module computes")


def _read_block(index: int, block: Mapping[str, Any], arrays: Mapping[str, Any]) -> _Block:
    kind, params = str(block["kind"]), dict(block["params"])
    name, weight = str(block["name"]), float(block["weight"])
    if not math.isfinite(weight):
        raise ValueError(f"block {name!r}: weight {weight}")
    if kind == "tfidf":
        if params.get("preprocessor") not in _READERS:
            raise ValueError(f"unknown preprocessor {params.get('preprocessor')!r}")
        vocabulary = {str(term): column for column, term in enumerate(block["vocabulary"])}
        idf = np.asarray(arrays[f"idf_{index}"], dtype=np.float64)
        if idf.shape != (len(vocabulary),) or len(vocabulary) != len(block["vocabulary"]):
            raise ValueError(f"block {name!r}: {idf.size} idf for {len(vocabulary)} distinct "
                             f"words of {len(block['vocabulary'])}")
        if not np.isfinite(idf).all() or not isinstance(params.get("sublinear_tf"), bool):
            raise ValueError(f"block {name!r}: idf or sublinear_tf not as export writes them")
        return _Block(name, kind, weight, params, vocabulary=vocabulary, idf=idf)
    if kind == "cues":
        counter = CueCounts(params["cues"], int(params["lead_tokens"])).fit([])
        scale = np.asarray(arrays[f"scale_{index}"], dtype=np.float64)
        if scale.shape != (len(counter.get_feature_names_out()),) or not (
                np.isfinite(scale).all() and (scale > 0).all()):
            raise ValueError(f"block {name!r}: {scale.size} scales, each finite and above 0 "
                             f"({len(counter.get_feature_names_out())} wanted)")
        return _Block(name, kind, weight, params, counter=counter, scale=scale)
    if kind == "shape":
        return _Block(name, kind, weight, {"short_words": int(params["short_words"])})
    if kind in ("about_ai", "about_machines"):
        words = ("acronyms", "words", "elsewhere") if kind == "about_ai" else ("acronyms", "words")
        kept = {key: str(params[key]) for key in words}
        for key in ("acronyms", "words"):
            re.compile(kept[key].replace("; ", "|"))  # an error now, not at the first story
        return _Block(name, kind, weight, kept)
    raise ValueError(f"unknown block kind {kind!r}")
