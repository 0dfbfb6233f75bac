"""What every command shares: one error line, one context, one process id, one stop.

- Errors: a NewsalertsError of any class becomes one line on stderr,
  ``Error: <Class>: <message>``, and exit status 1 (click's usage errors, a
  bad option or a bad address, keep 2).  The group applies it to every
  command; a command invoked on its own (as tests do) gets it from
  ``one_line_errors`` or ``guarded``.
- Context: the main group puts the settings and a context opener in
  ``ctx.obj``; commands open it with ``opened_context()`` and it is closed
  when they are done.  Tests invoke a command with ``obj={"context": ...}``.
- ``process_id`` and ``stop_on_signals`` are ops/process.py's, so that a
  command and the processes it starts name themselves and stop the same way.

Only light modules here: a worker's command must not import scikit-learn.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import click

from service.config import Settings
from service.context import Context
from service.errors import NewsalertsError
from service.ops.process import process_id, stop_on_signals

__all__ = ["command_error", "context_opener", "guarded", "one_line_errors",
           "opened_context", "process_id", "settings", "stop_on_signals", "wait_for_stop"]

P = ParamSpec("P")
R = TypeVar("R")


def command_error(exc: NewsalertsError) -> click.ClickException:
    """``exc`` as the one line a person reads (its class names what failed); exit status 1."""
    return click.ClickException(f"{exc.__class__.__name__}: {exc}")


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command function so that a NewsalertsError becomes ``command_error``."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return guarded(lambda: command(*args, **kwargs))
    return run


def guarded(action: Callable[[], R]) -> R:
    """Run ``action``; a NewsalertsError becomes ``command_error``."""
    try:
        return action()
    except NewsalertsError as exc:
        raise command_error(exc) from exc


def _obj() -> dict[str, Any]:
    obj: dict[str, Any] = click.get_current_context().find_root().obj or {}
    return obj


def settings() -> Settings:
    """The settings the main group loaded."""
    loaded: Settings = _obj()["settings"]
    return loaded


def context_opener() -> Callable[[], Context]:
    """Opens a Context on the configured database (migrated); the caller closes it."""
    opener: Callable[[], Context] = _obj()["context"]
    return opener


@contextmanager
def opened_context() -> Iterator[Context]:
    """The current command's Context, closed afterwards."""
    context = guarded(context_opener())
    try:
        yield context
    finally:
        context.close()


def wait_for_stop() -> None:
    """Block until SIGTERM or SIGINT arrives."""
    with stop_on_signals() as stop:
        while not stop.wait(1.0):
            pass
