"""The offline embedding tools of issue 10's fourth pass (measured, not adopted):
the pure-Python WordPiece tokenizer, the safetensors reader, and the bench's
token-embedding block, on a small vocabulary and table made here."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from embeddings import TokenEmbeddings  # noqa: E402
from minilm import read_safetensors  # noqa: E402
from wordpiece import WordPiece  # noqa: E402

from service.errors import ModelError  # noqa: E402

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "!", "'", ",", "£", "東", "京",
              "un", "##aff", "##able", "hello", "open", "##ai", "s", "h", "##100", "##s",
              "the", "chips", "export", "robot"]


def test_wordpiece_splits_as_bert_does() -> None:
    pieces = WordPiece(VOCABULARY)
    # lower-case, accents stripped, punctuation split off, longest match first with "##"
    assert pieces.tokens("Unaffable Héllo, OpenAI's H100s!") == [
        "un", "##aff", "##able", "hello", ",", "open", "##ai", "'", "s", "h", "##100",
        "##s", "!"]
    assert pieces.tokens("£100") == ["£", "##100"]  # a symbol, not punctuation: not split off
    assert pieces.tokens("東京") == ["東", "京"]  # CJK characters stand alone
    assert pieces.tokens("open\u200bai") == ["open", "##ai"]  # format characters dropped
    assert pieces.tokens("zebra unx") == ["[UNK]", "[UNK]"]  # no piece fits the rest: [UNK]
    assert pieces.tokens("h" * 101) == ["[UNK]"]  # longer than BERT's 100 characters


def test_wordpiece_cache_gives_the_same_ids() -> None:
    pieces = WordPiece(VOCABULARY)
    first = pieces.encode("Export chips, the robots!")
    assert first == pieces.encode("Export chips, the robots!")
    assert pieces.tokens("Export chips, the robots!") == [
        "export", "chips", ",", "the", "robot", "##s", "!"]


def test_safetensors_reader_reads_a_file_made_here() -> None:
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3),
               "b": np.array([7, 8], dtype=np.int64)}
    header, data, offset = {}, b"", 0
    for name, array in tensors.items():
        raw = array.tobytes()
        dtype = {"float32": "F32", "int64": "I64"}[str(array.dtype)]
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        data, offset = data + raw, offset + len(raw)
    text = json.dumps({"__metadata__": {"format": "np"}, **header}).encode()
    found = read_safetensors(struct.pack("<Q", len(text)) + text + data)
    assert set(found) == {"a", "b"}
    np.testing.assert_array_equal(found["a"], tensors["a"])
    np.testing.assert_array_equal(found["b"], tensors["b"])


def _table(path: Path, seed: int) -> str:
    vectors = np.random.default_rng(seed).normal(size=(len(VOCABULARY), 8))
    np.savez(path, vectors=vectors.astype(np.float16), vocabulary=np.array(VOCABULARY))
    return str(path)


def test_token_embeddings_are_unit_vectors_and_deterministic(tmp_path: Path) -> None:
    table = _table(tmp_path / "table.npz", seed=0)
    texts = ["Export chips\nthe robots!", "Hello, OpenAI", "robots"]
    block = TokenEmbeddings("story", dims=4, table=table).fit(texts)
    vectors = block.transform(texts)
    assert vectors.shape == (3, 4)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(vectors, block.transform(texts))
    headline = TokenEmbeddings("headline", dims=4, table=table).fit(texts).transform(texts)
    assert not np.allclose(headline[0], vectors[0])  # the first line only
    np.testing.assert_allclose(headline[2], vectors[2], rtol=1e-6)  # one line: the same
    assert list(block.get_feature_names_out()[:2]) == ["story:dim0", "story:dim1"]


def test_token_embeddings_refuse_another_table(tmp_path: Path) -> None:
    path = tmp_path / "table.npz"
    block = TokenEmbeddings("story", dims=4, table=_table(path, seed=0)).fit(["robots"])
    other = tmp_path / "other.npz"
    block.table = _table(other, seed=1)
    with pytest.raises(ModelError, match="not the ones this model was trained with"):
        block.transform(["robots"])
