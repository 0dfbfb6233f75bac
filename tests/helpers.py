"""Small things many test modules need: where the project and the shared data are,
and a fixture body that stops at the end whatever a test started."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

REPO = Path(__file__).resolve().parents[1]
# How many hand-written examples ship (models/extra_labels.jsonl): training adds them all.
HAND_WRITTEN = sum(1 for line in (REPO / "models" / "extra_labels.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip())
SHARED = Path(os.environ.get("NEWSALERTS_SHARED", REPO.parent / "shared"))

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def stopped_at_end(start: Callable[P, T], stop: Callable[[T], object]) -> Iterator[Callable[P, T]]:
    """``start``, remembering what it starts; each is stopped on leaving, in order.

    A fixture yields from it: ``with stopped_at_end(start_x, stop_x) as start: yield start``.
    """
    started: list[T] = []

    def start_one(*args: P.args, **kwargs: P.kwargs) -> T:
        started.append(start(*args, **kwargs))
        return started[-1]

    try:
        yield start_one
    finally:
        for each in started:
            stop(each)
