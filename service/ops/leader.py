"""One active scheduler at a time, however many are started.

A scheduler acts only while it holds a lock that dies with its process:

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a
  connection of its own, kept open for as long as the process leads.  The
  server drops the lock the moment that connection ends, crash or not.
- SQLite: an exclusive ``flock`` on a file beside the database, which the
  kernel drops when the process ends.

Every other scheduler waits, trying again every [scheduler] lock_retry
seconds, and takes over when the lock comes free.  Jobs stay correct if two
ever overlap (claims and unique keys), so the lock saves work, not data.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from service.context import Context
from service.db.database import describe

log = logging.getLogger(__name__)

LOCK_NAME = "newsalerts.scheduler"


class LeaderLock(Protocol):
    description: str
    reachable: bool  # the last try reached the lock (False: the database was down)

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


def leader_lock(ctx: Context) -> LeaderLock:
    """The lock that fits the configured database."""
    if ctx.engine.dialect.name == "postgresql":
        return AdvisoryLock(ctx.engine)
    return FileLock(lock_file_beside(ctx.engine, ctx.var_dir))


def wait_for_leadership(lock: LeaderLock, stop: threading.Event, retry_seconds: float) -> bool:
    """Block until ``lock`` is ours (True) or ``stop`` is set (False)."""
    waiting = False
    while not stop.is_set():
        if lock.try_acquire():
            if waiting:
                log.info("the scheduler lock came free: this scheduler takes over")
            return True
        if not waiting and lock.reachable:
            # (not while the database is down: the lock was not even asked, and "another
            # scheduler" sent the operator after one that did not exist: an operator's review)
            log.info("another scheduler is active (%s); waiting to take over", lock.description)
            waiting = True
        stop.wait(retry_seconds)
    return False


def advisory_key(schema: str) -> int:
    """A signed 64-bit key per schema: deployments sharing a database do not block each other."""
    digest = hashlib.sha256(f"{LOCK_NAME}:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a dedicated connection."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self.key: int | None = None
        self.description = "PostgreSQL advisory lock"
        self.reachable = True

    def try_acquire(self) -> bool:
        try:
            connection = self._connect()
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": self.key}).scalar()
            connection.commit()  # a session lock outlives the transaction; end it, stay idle
        except SQLAlchemyError as exc:
            log.warning("could not try the scheduler lock: %s", describe(exc))
            self._drop()
            self.reachable = False
            return False
        self.reachable = True
        return bool(got)

    def still_held(self) -> bool:
        """Held as long as its session lives: a lost connection has lost the lock."""
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except SQLAlchemyError as exc:
            log.error("lost the connection holding the scheduler lock: %s",
                      exc.__class__.__name__)
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self._connection.commit()
            self._connection.close()
        except SQLAlchemyError:
            self._drop()  # closing the session releases the lock anyway
        self._connection = None

    def _connect(self) -> Connection:
        if self._connection is None:
            connection = self._engine.connect()
            schema = connection.execute(text("SELECT current_schema()")).scalar() or "public"
            connection.commit()
            self._connection, self.key = connection, advisory_key(str(schema))
            self.description = f"PostgreSQL advisory lock {self.key} (schema {schema})"
        return self._connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()  # never hand a dead session back to the pool
                connection.close()
            except SQLAlchemyError:
                pass


def lock_file_beside(engine: Engine, var_dir: Path) -> Path:
    """``<database file>.scheduler.lock``; var/scheduler.lock for an in-memory database."""
    database = make_url(str(engine.url)).database
    if database and database != ":memory:":
        return Path(f"{database}.scheduler.lock")
    return var_dir / "scheduler.lock"


class FileLock:
    """An exclusive, non-blocking ``flock`` on one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"lock file {path}"
        self.reachable = True
        self._file: IO[str] | None = None
        self._held = False

    def try_acquire(self) -> bool:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._file.truncate(0)
        self._file.write(f"{os.getpid()}\n")  # for a person wondering who holds it
        self._file.flush()
        self._held = True
        return True

    def still_held(self) -> bool:
        return self._held  # nobody can take a flock from its holder

    def release(self) -> None:
        file, self._file, self._held = self._file, None, False
        if file is not None:
            fcntl.flock(file, fcntl.LOCK_UN)
            file.close()
