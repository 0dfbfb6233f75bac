"""The retrain job's work, done in a child process.

Retraining needs scikit-learn and SciPy (80 MiB of imports) and holds the
folds' matrices while it evaluates; done in the scheduler's own process, the
first retrain left `newsalerts run` at twice the memory it tags with, for good
(Python keeps what it imported and rarely gives its heap back), and an error
deep in training, or the kernel killing it for memory, took the service down
with it.  A child started afresh (``spawn``: no copy of the parent's threads,
locks or connections) opens its own connections from the same settings, runs
``retrain.retrain_if_due`` and exits; the parent gets the summary line back,
or the child's error as a ModelError naming its kind and message.  Its log lines
go to the same stderr, formatted and redacted alike, at the parent's level.

A child whose parent dies (killed outright: SIGKILL, the kernel's out-of-memory
killer) stops within a second instead of finishing alone: it would promote a
model nobody asked for, and then wait for ever on its task queue (a review).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from service.config import Settings
from service.context import Context, open_context
from service.errors import ModelError
from service.ops.logs import configure_logging

__all__ = ["retrain_apart"]

PARENT_CHECK_SECONDS = 1.0


def retrain_apart(ctx: Context) -> str:
    """``retrain_if_due`` for ``ctx``'s settings, in a child process; its summary."""
    spawn = multiprocessing.get_context("spawn")
    verbose = logging.getLogger("service").getEffectiveLevel() <= logging.DEBUG
    # the watch starts as the child does, not with its task: a parent killed before the
    # task reached the child left it waiting for the task for ever
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=_watch_parent,
                             initargs=(os.getpid(),)) as child:
        try:
            return child.submit(_retrain_here, ctx.settings, ctx.var_dir, verbose).result()
        except BrokenProcessPool as exc:  # killed (out of memory?) or crashed outright
            raise ModelError(f"the retraining process died before it finished: {exc}") from exc


def _watch_parent(parent: int) -> None:
    """In the child, first: stop it within a second once ``parent`` is gone."""
    threading.Thread(target=_exit_without, args=(parent,), daemon=True,
                     name="parent-watch").start()


def _retrain_here(settings: Settings, var_dir: Path, verbose: bool) -> str:
    """In the child: the parent has brought the schema up to date already."""
    configure_logging(settings, verbosity=int(verbose))
    try:
        from service.classify import retrain  # scikit-learn: this process is the one to pay

        ctx = open_context(settings, migrate=False, var_dir=var_dir)
        try:
            return retrain.retrain_if_due(ctx)
        finally:
            ctx.close()
    except Exception as exc:
        # as a ModelError of plain text: an error that holds a lock, or whose class the
        # parent cannot rebuild, came back as a pickling error or as "died" (a review)
        raise ModelError(f"{type(exc).__name__}: {exc}") from None


def _exit_without(parent: int) -> None:
    """Stop this process once ``parent`` is gone (this one is then adopted by another)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
