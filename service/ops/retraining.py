"""The retrain job's work, done in a child process.

Retraining needs scikit-learn and SciPy (80 MiB of imports) and holds the
folds' matrices while it evaluates; done in the scheduler's own process, the
first retrain left `newsalerts run` at twice the memory it tags with, for good
(Python keeps what it imported and rarely gives its heap back), and an error
deep in training, or the kernel killing it for memory, took the service down
with it.  A child started afresh (``spawn``: no copy of the parent's threads,
locks or connections) opens its own connections from the same settings, runs
``retrain.retrain_if_due`` and exits; the parent gets the summary line back,
or the child's error.  Its log lines go to the same stderr, formatted alike.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from service.config import Settings
from service.context import Context, open_context
from service.errors import ModelError
from service.ops.logs import configure_logging

__all__ = ["retrain_apart"]


def retrain_apart(ctx: Context) -> str:
    """``retrain_if_due`` for ``ctx``'s settings, in a child process; its summary."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as child:
        try:
            return child.submit(_retrain_here, ctx.settings, ctx.var_dir).result()
        except BrokenProcessPool as exc:  # killed (out of memory?) or crashed outright
            raise ModelError(f"the retraining process died before it finished: {exc}") from exc


def _retrain_here(settings: Settings, var_dir: Path) -> str:
    """In the child: the parent has brought the schema up to date already."""
    configure_logging(settings)
    from service.classify import retrain  # scikit-learn: this process is the one to pay

    ctx = open_context(settings, migrate=False, var_dir=var_dir)
    try:
        return retrain.retrain_if_due(ctx)
    finally:
        ctx.close()
