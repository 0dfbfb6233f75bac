"""What the atheris harnesses in bench/ share: start libFuzzer on a corpus, seeds and tokens."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import atheris


def fuzz(work: Path, tokens: Sequence[str], test_one_input: Callable[[bytes], None],
         max_len: int, flags: Sequence[str]) -> None:
    """Fuzz from ``work``/corpus and ``work``/seeds, splicing in ``tokens``; never returns."""
    dictionary = work / "tokens.dict"
    dictionary.write_text("".join(
        '"' + "".join(f"\\x{b:02x}" for b in token.encode()) + '"\n' for token in tokens))
    atheris.Setup([sys.argv[0], str(work / "corpus"), str(work / "seeds"),
                   f"-dict={dictionary}", f"-max_len={max_len}", *flags], test_one_input)
    atheris.Fuzz()
