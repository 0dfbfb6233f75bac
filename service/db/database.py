"""Engine, sessions and migrations: the one place that knows SQL backends differ.

SQLite gets WAL (readers never block the writer), foreign keys, and a busy
timeout; PostgreSQL is used as is.  ``upgrade`` brings any database to the
newest schema through Alembic, so `newsalerts run` on a fresh laptop and a
new deployment's first `newsalerts migrate` both end at the same schema.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from service.errors import ConfigError, StorageError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"[database] url is not a database URL: {exc}") from exc
    except ValueError as exc:  # its text quotes the URL's tail, where a password may be
        raise ConfigError("[database] url is not a database URL: what follows its host "
                          "is no port number (write an @ or : in a password as %40, %3A)"
                          ) from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, pool_pre_ping=True, future=True)
    except NoSuchModuleError as exc:  # a scheme SQLAlchemy has no dialect for
        raise ConfigError(f"[database] url names no database SQLAlchemy knows "
                          f"({parsed.drivername!r}): use sqlite:///PATH or "
                          f"postgresql://...") from exc
    except ImportError as exc:  # the driver is an optional extra
        if parsed.get_backend_name() == "postgresql":
            raise ConfigError("[database] url is PostgreSQL but its driver (psycopg) is not "
                              "installed: install newsalerts[postgres]") from exc
        raise ConfigError(f"[database] url needs a driver that is not installed: {exc}") from exc

    @event.listens_for(engine, "do_connect")
    def _name_the_connection(_dialect: Any, _record: Any, _cargs: Any, cparams: Any) -> None:
        # pg_stat_activity then tells which newsalerts process holds each connection
        # (the pid is read at connect time, so forked workers get their own).
        cparams.setdefault("application_name", application_name(os.getpid()))

    return engine


def application_name(pid: int) -> str:
    return f"newsalerts pid {pid}"


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        _create_private(Path(database))
    engine = create_engine(url, connect_args={"timeout": 30}, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (0600, like the secret key).

    It holds subscribers' addresses and signing secrets.  SQLite gives its -wal
    and -shm files the same mode as the database file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # An existing database keeps the mode its owner gave it.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def describe(exc: SQLAlchemyError) -> str:
    """``exc`` in one line: the driver's error class and the first line of its message.

    SQLAlchemy's own text spans lines (the SQL, its parameters, a link) and the
    driver's adds DETAIL lines that may quote a row's values (an address): an
    error line says what failed, the log of the database says the rest.
    """
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()
    return f"{cause.__class__.__name__}: {first[0].strip() if first else ''}"


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    try:
        with sessions.begin() as session:
            yield session
    except SQLAlchemyError as exc:
        raise StorageError(f"database error: {describe(exc)}") from exc


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


# A driver's words for a database it cannot reach (psycopg, SQLite)
UNREACHABLE = re.compile(r"connection (?:failed|refused)|could not connect|unable to open "
                         r"database|does not exist|timeout expired|no such host", re.IGNORECASE)


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision``; the revisions before and after (equal: nothing
    to do).  A schema newer than this code (a rollback, a rolling deploy) is one line
    that names both, where Alembic raised a traceback."""
    config = alembic_config(engine)
    try:
        before = schema_revision(engine)
        command.upgrade(config, revision)
        return config.attributes.get("revision_before", before), schema_revision(engine)
    except CommandError as exc:
        known = ScriptDirectory.from_config(config).get_current_head()
        raise StorageError(
            f"the database's schema is at revision {before}, which this newsalerts does not "
            f"know (its newest is {known}): run the newsalerts that migrated it, or a newer "
            "one") from exc
    except SQLAlchemyError as exc:
        # (not every OperationalError is a connection's: "table … already exists" from two
        # processes migrating SQLite at once, a deadlock: the review)
        unreachable = isinstance(exc, OperationalError) and UNREACHABLE.search(str(exc.orig))
        what = "cannot reach the database" if unreachable else "could not migrate the database"
        raise StorageError(f"{what}: {describe(exc)}") from exc


OLDEST_ROLLBACK = "0012"  # stop 40's schema; the downgrades before it drop whole tables


def downgrade(engine: Engine, revision: str) -> tuple[str | None, str | None]:
    """Take the schema back to ``revision``, an older one, for an older newsalerts that
    refuses a schema it does not know (an upgrade rolled back); the revisions before and
    after.  Every command of this newsalerts migrates it up again."""
    # only a revision named in full: Alembic also takes relative ones ("-3", "0013-2"),
    # which reached base past a check of the name alone (a review)
    if not revision.isdigit() or int(revision) < int(OLDEST_ROLLBACK):
        raise StorageError(f"refusing to take the schema back to {revision}: name a "
                           f"revision, {OLDEST_ROLLBACK} or later (before {OLDEST_ROLLBACK} "
                           "a downgrade drops tables that hold data: subscribers, "
                           "deliveries, labels)")
    if others := _other_processes(engine):
        raise StorageError(f"{len(others)} other newsalerts connection(s) are open "
                           f"({', '.join(others[:5])}): stop every newsalerts process first "
                           "(they would fail on the older schema, and a restarted one would "
                           "migrate it up again)")
    config = alembic_config(engine)
    try:
        before = schema_revision(engine)
        command.downgrade(config, revision)
        return before, schema_revision(engine)
    except CommandError as exc:
        raise StorageError(f"cannot take the schema back to revision {revision}: "
                           f"{str(exc).splitlines()[0]}") from exc
    except SQLAlchemyError as exc:
        raise StorageError(f"could not migrate the database: {describe(exc)}") from exc


def _other_processes(engine: Engine) -> list[str]:
    """On PostgreSQL, the application names of other newsalerts processes' connections to
    this database (``application_name``); SQLite has none to ask."""
    if engine.dialect.name != "postgresql":
        return []
    mine = application_name(os.getpid())
    with engine.connect() as connection:
        return list(connection.scalars(text(
            # (DISTINCT: a process holds a pool of connections, each named for it; its pid
            # was listed five times: an operator's probe)
            "SELECT DISTINCT application_name FROM pg_stat_activity"
            " WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND application_name LIKE 'newsalerts pid %'"
            " AND application_name <> :mine ORDER BY application_name"), {"mine": mine}))


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database's schema is at; None before the first."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
