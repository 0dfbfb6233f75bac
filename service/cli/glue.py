"""What every command shares: one error line, one context, one process id, one stop.

- Errors: a NewsalertsError of any class (or an OSError: a path that cannot
  be written) becomes one line on stderr, ``Error: <Class>: <message>``, and
  exit status 1 (click's usage errors, a bad option or a bad address, keep 2).
  This is the one place that maps them: every command and group is a
  ``Command`` or ``Group`` of this module (a group's subcommands and
  subgroups are made so), whose ``invoke`` does it, so a command run on its
  own (as tests do) says the same as through ``newsalerts``.
- Context: the main group puts the settings and a context opener in
  ``ctx.obj``; commands open it with ``opened_context()`` and it is closed
  when they are done.  Tests invoke a command with ``obj={"context": ...}``.
- Output paths: ``check_writable_file`` and ``check_writable_folder`` raise,
  before a command's work, the OSError its write would raise after it (a
  cross-validation takes minutes).
- ``process_id`` and ``stop_on_signals`` are ops/process.py's, so that a
  command and the processes it starts name themselves and stop the same way.

Only light modules here: a worker's command must not import scikit-learn.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from service.config import Settings
from service.context import Context
from service.errors import NewsalertsError, StorageError
from service.ops.process import process_id, stop_on_signals

__all__ = ["Command", "Group", "check_writable_file", "check_writable_folder", "context_opener",
           "error_line", "opened_context", "process_id", "settings", "stop_on_signals",
           "wait_for_stop"]

log = logging.getLogger(__name__)


def error_line(exc: NewsalertsError | OSError, about: str = "") -> str:
    """``exc`` as the line a person reads after ``Error: `` (its class names what failed)."""
    return f"{exc.__class__.__name__}: {about + ': ' if about else ''}{exc}"


def _one_line(exc: NewsalertsError | OSError) -> click.ClickException:
    # A file or folder named on the command line that cannot be written (train --out,
    # evaluate --json) is an OSError: one line too.  A closed stdout (`| head`) is left to
    # click, which exits quietly.
    if isinstance(exc, BrokenPipeError):
        raise exc
    if isinstance(exc, OSError):  # may come from deep in a worker: where, at [log] level DEBUG
        log.debug("%s ended on an OSError", click.get_current_context().command_path,
                  exc_info=exc)
    return click.ClickException(error_line(exc))


class Command(click.Command):
    """A newsalerts command: a NewsalertsError or OSError is one error line, exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (NewsalertsError, OSError) as exc:
            raise _one_line(exc) from exc


class Group(click.Group):
    """A newsalerts group: its own errors and its commands' are one error line, exit 1."""

    command_class = Command
    group_class: type[click.Group] | type[type] | None = type  # its subgroups are Groups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (NewsalertsError, OSError) as exc:
            raise _one_line(exc) from exc


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
def opened_context(*, reading: bool = False) -> Iterator[Context]:
    """The current command's Context, closed afterwards.  ``reading``: a command that only
    reads what is stored refuses to make a SQLite database that is not there (an operator's
    review: `stories` run from another folder made an empty one and printed nothing)."""
    if reading and (loaded := _obj().get("settings")) is not None:
        missing = _missing_sqlite_file(loaded.database.url)
        if missing is not None:
            raise StorageError(
                f"no database at {missing}: nothing is stored with these settings here "
                "(run it from the service's folder, or name its settings with --config or "
                "NEWSALERTS_CONFIG)")
    context = context_opener()()
    try:
        yield context
    finally:
        context.close()


def wait_for_stop() -> None:
    """Block until SIGTERM or SIGINT arrives."""
    with stop_on_signals() as stop:
        while not stop.wait(1.0):
            pass


def check_writable_file(path: Path) -> None:
    """Raise the OSError that writing ``path`` (its folder is not made) would raise."""
    if path.is_dir():
        raise _refused(errno.EISDIR, path)
    if path.exists():
        if not os.access(path, os.W_OK):
            raise _refused(errno.EACCES, path)
        return
    try:  # a new file: make it and take it away, so the check is the write's own
        path.open("xb").close()
    except FileExistsError:
        return  # made meanwhile, by someone who could
    path.unlink()


def check_writable_folder(path: Path) -> None:
    """Raise the OSError that making ``path`` (parents too) and writing in it would raise."""
    existing = path
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise _refused(errno.ENOTDIR, path)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _refused(errno.EACCES, path)


def _refused(code: int, path: Path) -> OSError:
    # OSError(errno, ...) makes the subclass (NotADirectoryError...) the write would raise.
    return OSError(code, os.strerror(code), str(path))


def _missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url`` when it does not exist; None for any other database."""
    from sqlalchemy.engine import make_url  # (light: SQLAlchemy is loaded by every command)
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None  # not a URL: opening it says so (db/database.py make_engine)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path

