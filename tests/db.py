"""Database fixtures (a pytest plugin) and factories that write rows through the ORM.

``sqlite_context``: a Context on a fresh, migrated SQLite file in tmp_path.
``pg_context``: a Context on the local PostgreSQL (127.0.0.1:5432, database
``test``), in a schema made for this test run and dropped after it, emptied
before each test; so parallel runs and other suites never see each other's
rows.  It fails (never skips) when PostgreSQL is unreachable: the deployment
story depends on it.  ``context`` runs a test once on each.

Both migrate through Alembic once per run, as a real deployment would; each
test then gets a copy (SQLite) or truncated tables (PostgreSQL), which is fast.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from service.config import load_settings
from service.context import Context
from service.db.database import make_engine, session_factory, transaction, upgrade
from service.db.tables import Base, Delivery, Issue, Source, Story, StoryTheme
from service.deliver.match import create_instant_deliveries
from service.domain import THEMES, DeliveryStatus
from service.subscribers.registry import add_subscriber

PG_URL = os.environ.get("NEWSALERTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET_KEY = "test-secret-key-for-signed-links"
FIXED_NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)  # a Wednesday, ISO week 2024-W20


def make_context(url: str, var_dir: Path) -> Context:
    """A Context on ``url`` with test settings, a fixed clock and no migration."""
    settings = load_settings(environ={
        "NEWSALERTS_DATABASE__URL": url,
        "NEWSALERTS_WEB__SECRET_KEY": SECRET_KEY,
        "NEWSALERTS_SMTP__OUTBOX_DIR": str(var_dir / "outbox"),
        # No floor on the subscribe form's answer time: bench/subscribe_timing.py measures it.
        "NEWSALERTS_WEB__SUBSCRIBE_MIN_SECONDS": "0",
    })
    engine = make_engine(url)
    return Context(settings, engine, session_factory(engine), var_dir, now=lambda: FIXED_NOW)


# --- SQLite --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "newsalerts.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # checkpoints the WAL into the file, so one file is the whole database
    return path


@pytest.fixture
def sqlite_context(_sqlite_template: Path, tmp_path: Path) -> Iterator[Context]:
    path = tmp_path / "newsalerts.db"
    shutil.copyfile(_sqlite_template, path)
    context = make_context(f"sqlite:///{path}", tmp_path / "var")
    yield context
    context.close()


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _pg_schema_url() -> Iterator[str]:
    """A schema of this run's own, migrated; its URL pins search_path to it."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {exc}", pytrace=False)
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _empty_tables(engine: Engine) -> None:
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def pg_context(_pg_schema_url: str, tmp_path: Path) -> Iterator[Context]:
    context = make_context(_pg_schema_url, tmp_path / "var")
    _empty_tables(context.engine)
    yield context
    context.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def context(request: pytest.FixtureRequest) -> Context:
    """The test runs once on SQLite and once on PostgreSQL."""
    name = "pg_context" if request.param == "postgresql" else "sqlite_context"
    backend: Context = request.getfixturevalue(name)
    return backend


@contextmanager
def counted_statements(ctx: Context) -> Iterator[list[str]]:
    """The SQL statements ``ctx``'s engine runs inside the block (an executemany counts once)."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)


# --- factories -----------------------------------------------------------------------------

_serial = itertools.count(1)
ThemeScores = Mapping[str, float]


def add_instant_reader(ctx: Context, email: str = "reader@example.org") -> None:
    """One confirmed reader of every theme, alerted at once."""
    with transaction(ctx.sessions) as session:
        add_subscriber(session, email, list(THEMES), "instant", confirmed=True, now=ctx.now())


def with_values(ctx: Context, **values: object) -> Context:
    """``ctx`` with settings changed: ``delivery__max_issue_age_days=14``."""
    changed = {tuple(key.split("__", 1)): value for key, value in values.items()}
    return dataclasses.replace(ctx, settings=dataclasses.replace(
        ctx.settings, values={**ctx.settings.values, **changed}))


def owe_alerts(ctx: Context, readers: int) -> None:
    """``readers`` confirmed subscribers to safety, each owed an instant alert for one issue."""
    with transaction(ctx.sessions) as session:
        for n in range(readers):
            add_subscriber(session, f"reader{n:03d}@example.test", ["safety"], "instant",
                           confirmed=True, now=FIXED_NOW)
        issue = make_issue(session, [{"safety": 0.9}])
        create_instant_deliveries(session, issue.id, FIXED_NOW)


def get_source(session: Session, name: str = "Import AI") -> Source:
    source = session.query(Source).filter_by(name=name).one_or_none()
    if source is None:
        source = Source(name=name)
        session.add(source)
        session.flush()
    return source


def make_issue(session: Session, stories: Sequence[ThemeScores], *,
               sent_at: datetime | None = FIXED_NOW, received_at: datetime = FIXED_NOW,
               threshold: float = 0.5, model_version: str = "test-v1",
               subject: str | None = None) -> Issue:
    """An issue with one story per mapping of theme scores.

    Every theme gets a current StoryTheme row (0.0 when not named), assigned
    when its score reaches ``threshold``, the way the classifier stores them.
    """
    serial = next(_serial)
    issue = Issue(
        dedupe_key=f"<test-{serial}-{uuid.uuid4().hex}@newsalerts.test>",
        message_id=f"<test-{serial}@newsalerts.test>", source=get_source(session),
        sender="importai@substack.com", subject=subject or f"Test issue {serial}",
        sent_at=sent_at, received_at=received_at, origin="test",
        content_hash=hashlib.sha256(str(serial).encode()).hexdigest(), raw=b"",
    )
    for index, scores in enumerate(stories):
        story = Story(index=index, headline=f"Story {serial}.{index}",
                      text=f"Story {serial}.{index}", links=[])
        story.themes = theme_rows(scores, threshold, model_version)
        issue.stories.append(story)
    session.add(issue)
    session.flush()
    return issue


def sent_alert(session: Session, subscriber_id: int, story_ids: Sequence[int]) -> int:
    """A sent alert to ``subscriber_id`` that held ``story_ids`` (of one issue): the
    delivery id its "wrong themes?" links are signed for."""
    issue_id = session.get_one(Story, story_ids[0]).issue_id
    delivery = Delivery(subscriber_id=subscriber_id, kind="instant", issue_id=issue_id,
                        story_ids=list(story_ids), status=DeliveryStatus.SENT, sent_at=FIXED_NOW)
    session.add(delivery)
    session.flush()
    return delivery.id


def theme_rows(scores: ThemeScores, threshold: float = 0.5,
               model_version: str = "test-v1") -> list[StoryTheme]:
    unknown = set(scores) - set(THEMES)
    assert not unknown, f"unknown themes in a test: {unknown}"
    return [
        StoryTheme(theme=theme, score=scores.get(theme, 0.0),
                   assigned=scores.get(theme, 0.0) >= threshold,
                   model_version=model_version, current=True, explanation=[])
        for theme in THEMES
    ]


def retag(session: Session, story: Story, scores: ThemeScores,
          model_version: str = "test-v2", threshold: float = 0.5) -> None:
    """Tag ``story`` again with a newer model: the older rows stop being current."""
    for row in story.themes:
        row.current = False
    story.themes.extend(theme_rows(scores, threshold, model_version))
    session.flush()
