"""Migrations: the tables they make are the ORM's, and 0004 carries existing digests over.

Both databases.  0004 turns the digests already built into digest rounds, so
an upgraded service neither sends an issue twice nor loses one stored late.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask.testing import FlaskClient
from sqlalchemy import Connection, MetaData, inspect, select, text

from service.context import Context
from service.db.database import (
    _other_processes,
    alembic_config,
    application_name,
    downgrade,
    make_engine,
    schema_revision,
    transaction,
    upgrade,
)
from service.db.tables import INDEXES_OUTSIDE_THE_ORM, Base, Label, RefusedMessage, StoryTheme
from service.domain import THEMES, RawMessage
from service.errors import StorageError
from service.ingest.store import is_known, refusal_key
from tests.db import PG_URL, make_issue


def _compared(name: Any, type_: str, _parent: Any) -> bool:
    # Indexes one backend alone has are made by migrations only (see tables.py).
    return not (type_ == "index" and name in INDEXES_OUTSIDE_THE_ORM)


def test_the_migrated_schema_is_the_orms(context: Context) -> None:
    with context.engine.connect() as connection:
        migration = MigrationContext.configure(connection, opts={"include_name": _compared})
        differences = compare_metadata(migration, Base.metadata)
    assert differences == []


@pytest.mark.postgres
def test_postgresql_has_the_story_search_index(pg_context: Context) -> None:
    indexes = {index["name"] for index in inspect(pg_context.engine).get_indexes("stories")}
    assert indexes >= INDEXES_OUTSIDE_THE_ORM


@pytest.fixture
def at_0003(context: Context) -> Iterator[Context]:
    """The database as version 0003 left it; back at head afterwards, whatever happens."""
    command.downgrade(alembic_config(context.engine), "0003")
    try:
        yield context
    finally:
        upgrade(context.engine)


def when(day: int, hour: int = 9) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


def _seed(connection: Connection) -> dict[str, int]:
    """Issues around a 2024-W19 digest built on Monday 13 May 08:00; their ids by role."""
    meta = MetaData()
    meta.reflect(connection)
    t = meta.tables
    connection.execute(t["sources"].insert().values(id=1, name="Import AI", created_at=when(1)))
    issues = {  # role: (sent_at, received_at)
        "in_digest": (when(8), when(8)),
        "matched_nobody": (when(7), when(7)),
        "late": (when(9), when(14)),  # dated in W19, stored after its digest was built
        "sunday_night": (when(12, 23), when(12, 23)),  # W20 in Berlin: not certain
        "next_week": (when(15), when(15)),
    }
    ids = {}
    for number, (role, (sent, received)) in enumerate(issues.items(), start=1):
        connection.execute(t["issues"].insert().values(
            id=number, dedupe_key=f"<{role}@x>", message_id=f"<{role}@x>", source_id=1,
            sender="importai@substack.com", subject=role, sent_at=sent, received_at=received,
            origin="test", content_hash="0" * 64, raw=b""))
        connection.execute(t["stories"].insert().values(
            id=number * 10, issue_id=number, index=0, headline=role, text=role, links=[],
            fiction=False))
        ids[role] = number
    connection.execute(t["subscribers"].insert().values(
        id=1, email="weekly@example.com", status="active", link_secret="s", hard_bounces=0,
        created_at=when(1)))
    connection.execute(t["deliveries"].insert().values(
        subscriber_id=1, kind="digest", issue_id=None, week="2024-W19",
        story_ids=[ids["in_digest"] * 10], status="sent", attempts=1, due_at=when(13, 8),
        created_at=when(13, 8)))
    return ids


def test_0004_makes_rounds_of_the_digests_already_built(at_0003: Context) -> None:
    with at_0003.engine.begin() as connection:
        ids = _seed(connection)

    upgrade(at_0003.engine)

    with at_0003.engine.connect() as connection:
        meta = MetaData()
        meta.reflect(connection)
        rounds = connection.execute(select(meta.tables["digest_rounds"])).all()
        issues = meta.tables["issues"]
        weeks = dict(connection.execute(select(issues.c.id, issues.c.digest_week)).all())
    assert [(week, _utc(built)) for week, built in rounds] == [("2024-W19", when(13, 8))]
    assert weeks == {
        ids["in_digest"]: "2024-W19",
        ids["matched_nobody"]: "2024-W19",  # certainly covered when W19 was built
        ids["late"]: None,  # goes into the next round
        ids["sunday_night"]: None,
        ids["next_week"]: None,
    }


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_0012_keys_the_refusals_stored_before_it_by_their_bytes(context: Context) -> None:
    """Refusals were keyed by Message-ID before stop 33: one refused before and after the
    upgrade was stored, and counted, twice."""
    command.downgrade(alembic_config(context.engine), "0011")
    try:
        again, once = b"Message-ID: <a@x>\r\n\r\nspoof", b"Message-ID: <b@x>\r\n\r\nbad"
        rows = [("<a@x>", again, len(again)),  # refused before the upgrade, then after it
                (refusal_key(RawMessage(again, "t")), again, len(again)),
                ("<b@x>", once, len(once)),
                ("<c@x>", b"Message-ID: <c@x>\r\n", 10_000_000)]  # too large: headers only
        with context.engine.begin() as connection:
            table = MetaData()
            table.reflect(connection, only=["refused_messages"])
            refused = table.tables["refused_messages"]
            for key, raw, size in rows:
                connection.execute(refused.insert().values(
                    dedupe_key=key, status="rejected", code="untrusted-sender", reason="r",
                    origin="test", size=size, raw=raw, sender="", subject="",
                    received_at=when(1)))
    finally:
        upgrade(context.engine)
    with context.sessions() as session:
        keys = sorted(session.scalars(select(RefusedMessage.dedupe_key)))
        assert keys == sorted([refusal_key(RawMessage(again, "t")),
                               refusal_key(RawMessage(once, "t")), "<c@x>"])
        assert is_known(session, refusal_key(RawMessage(once, "t")), refused=True)


def test_0014_makes_the_editor_labels_saved_before_it_their_stories_themes(
        context: Context) -> None:
    """Since stop 41 an editor's label is the story's themes; one saved before the upgrade
    had changed nothing, and would have disagreed with every later one."""
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9, "policy": 0.8}, {"compute": 0.9},
                                     {"policy": 0.7}, {"safety": 0.8}])
        relabeled, untouched, cleared, imported = (story.id for story in issue.stories)
        session.add_all([
            Label(story_id=relabeled, themes=["safety"], role="editor", who="e",
                  created_at=when(1)),
            Label(story_id=relabeled, themes=["robotics"], role="editor", who="f",
                  created_at=when(2)),  # the newest editor label wins
            Label(story_id=untouched, themes=[], role="reader", who="r@example.com"),
            Label(story_id=cleared, themes=[], role="editor", who="e"),
            Label(story_id=imported, themes=["safety"], role="editor", who="e",
                  created_at=when(1)),
            Label(story_id=imported, themes=["policy"], role="import", who="file:x",
                  created_at=when(2))])  # an import weighs as an editor's: the newest
    command.downgrade(alembic_config(context.engine), "0013")
    upgrade(context.engine)
    with context.sessions() as session:
        def assigned(story_id: int) -> set[str]:
            return set(session.scalars(select(StoryTheme.theme).where(
                StoryTheme.story_id == story_id, StoryTheme.current.is_(True),
                StoryTheme.assigned.is_(True))))

        assert assigned(relabeled) == {"robotics"}
        assert assigned(untouched) == {"compute"}, "a reader's answer changes no theme"
        assert assigned(cleared) == set()
        assert assigned(imported) == {"policy"}
        marked = set(session.scalars(select(StoryTheme.story_id).where(
            StoryTheme.current.is_(True), StoryTheme.labeled.is_(True))))
        assert marked == {relabeled, cleared, imported}, "a person's themes, marked so"


@pytest.fixture
def empty_pg_schema_urls() -> Iterator[Callable[[], str]]:
    """Fresh, unmigrated PostgreSQL schemas (URLs pinning search_path), dropped at the end."""
    admin = make_engine(PG_URL)
    schemas: list[str] = []

    def new_schema() -> str:
        schema = f"m_{uuid.uuid4().hex[:16]}"
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        schemas.append(schema)
        return f"{PG_URL}?options=-csearch_path%3D{schema}"

    try:
        yield new_schema
    finally:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _migrate_when_all_are_ready(url: str, ready: Any, said: Any) -> None:
    engine = make_engine(url)
    ready.wait()
    said.put(upgrade(engine)[0])  # an error ends the process with exit status 1


@pytest.mark.postgres
def test_processes_migrating_an_empty_database_at_once_all_succeed(
        empty_pg_schema_urls: Callable[[], str]) -> None:
    # A deployment's scheduler, workers and web app all migrate as they start.  Without
    # a lock, all but one failed creating alembic_version in 2 of 3 such rounds.
    spawn = multiprocessing.get_context("spawn")  # Alembic's context is one per process
    for _round in range(3):
        url = empty_pg_schema_urls()
        ready, said = spawn.Barrier(4), spawn.Queue()
        processes = [spawn.Process(target=_migrate_when_all_are_ready, args=(url, ready, said))
                     for _ in range(4)]
        for process in processes:
            process.start()
        befores = [said.get(timeout=120) for _ in processes]
        for process in processes:
            process.join()
        assert [process.exitcode for process in processes] == [0, 0, 0, 0]
        engine = make_engine(url)
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        # one migrated from nothing; the others found it done (all said "from none": the
        # revision was read before the lock, the scale review)
        assert sorted(befores, key=lambda revision: revision or "") == [None, head, head, head]
        upgrade(engine)  # and once more later: nothing to do
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        assert current == (head,)
        engine.dispose()


def test_a_schema_newer_than_the_code_is_one_line_naming_both_revisions(
        context: Context) -> None:
    """An older newsalerts on a database a newer one migrated (a rollback, a rolling
    deploy) died with Alembic's traceback (the PostgreSQL operator's review)."""
    head = ScriptDirectory.from_config(alembic_config(context.engine)).get_current_head()
    with context.engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '0099'"))
    with pytest.raises(StorageError) as refused:
        upgrade(context.engine)
    message = str(refused.value)
    assert "\n" not in message and "0099" in message and f"its newest is {head}" in message
    with context.engine.begin() as connection:  # leave the schema as the next test expects
        connection.execute(text("update alembic_version set version_num = :head"), {"head": head})


def test_migrate_says_what_it_applied(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from service.cli.main import main

    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/m.db"}
    first = CliRunner().invoke(main, ["migrate"], env=env)
    again = CliRunner().invoke(main, ["migrate"], env=env)
    assert first.exit_code == 0 and "migrated from schema revision none to" in first.output
    assert again.exit_code == 0 and "database is up to date (schema revision" in again.output


def test_migrate_to_an_older_revision_lets_the_older_newsalerts_run_again(
        tmp_path: Any) -> None:
    """An operator rolling an upgrade back found the older newsalerts refusing the
    migrated schema in every command, and nothing that could take it back."""
    from click.testing import CliRunner

    from service.cli.main import main

    url = f"sqlite:///{tmp_path}/m.db"
    env = {"NEWSALERTS_DATABASE__URL": url}
    assert CliRunner().invoke(main, ["migrate"], env=env).exit_code == 0

    back = CliRunner().invoke(main, ["migrate", "--to", "0012"], env=env)
    wrong = CliRunner().invoke(main, ["migrate", "--to", "9999"], env=env)

    assert back.exit_code == 0, back.output
    assert "to 0012" in back.output
    engine = make_engine(url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("subscriptions")}
        assert "weekly_until" not in columns  # 0013's, which 0012's code does not know
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == "0012"
    finally:
        engine.dispose()
    assert wrong.exit_code == 1
    assert wrong.output.startswith("Error: StorageError: cannot take the schema back to "
                                   "revision 9999")
    again = CliRunner().invoke(main, ["migrate"], env=env)
    assert again.exit_code == 0 and "from schema revision 0012 to" in again.output


@pytest.mark.parametrize(("message", "unreachable"), [
    ('connection failed: connection to server at "127.0.0.1", port 5432 failed', True),
    ("unable to open database file", True),
    ("table deployment_facts already exists", False),
    ("deadlock detected", False)])
def test_only_a_connection_s_failure_is_called_unreachable(message: str,
                                                           unreachable: bool) -> None:
    from service.db.database import UNREACHABLE

    assert bool(UNREACHABLE.search(message)) is unreachable


def test_0014_changes_the_feeds_stamp_with_the_themes_it_changes(
        context: Context, client: FlaskClient) -> None:
    """A label applied by the upgrade took a story out of a feed while the feed's ETag (the
    latest tagging) stayed: feed readers got 304 with the story still in it (the review)."""
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"robotics": 0.9}, {"compute": 0.9}, {"policy": 0.9}])
        story_id = issue.stories[0].id
        issue.stories[0].themes[THEMES.index("robotics")].explanation = ["humanoid"]
    command.downgrade(alembic_config(context.engine), "0013")
    with transaction(context.sessions) as session:  # saved before stop 41
        session.add(Label(story_id=story_id, themes=["compute"], role="editor", who="e"))
    etag = client.get("/feeds/robotics.atom").headers["ETag"]

    upgrade(context.engine)

    after = client.get("/feeds/robotics.atom", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert f"/stories/{story_id}".encode() not in after.data
    with context.sessions() as session:
        robotics = session.scalars(select(StoryTheme).where(
            StoryTheme.story_id == story_id, StoryTheme.theme == "robotics")).one()
        assert (robotics.assigned, robotics.explanation) == (False, [])


def test_migrate_to_base_or_before_0012_is_refused_and_drops_nothing(tmp_path: Any) -> None:
    """A review of `migrate --to`: "base" dropped every table, subscribers and all, with
    exit status 0; "0001" dropped subscribers, deliveries and labels."""
    from click.testing import CliRunner

    from service.cli.main import main

    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/m.db"}
    assert CliRunner().invoke(main, ["migrate"], env=env).exit_code == 0
    # (and relative revisions, which Alembic reads as steps back: "-14" was base, "0013-2"
    # 0011, past a check of the name alone: a review)
    for revision in ("base", "0001", "0011", "-3", "-14", "0013-2", "0012@base"):
        refused = CliRunner().invoke(main, ["migrate", "--to", revision], env=env)
        assert refused.exit_code == 1, refused.output
        assert "drops tables that hold data" in refused.output
    engine = make_engine(env["NEWSALERTS_DATABASE__URL"])
    try:
        assert "subscribers" in inspect(engine).get_table_names()
        assert schema_revision(engine) == ScriptDirectory.from_config(
            alembic_config(engine)).get_current_head()  # no step back taken
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_migrate_to_is_refused_while_another_newsalerts_process_is_connected(
        pg_context: Context) -> None:
    """The same review: a running worker failed on every job once its columns went, and
    when restarted migrated the schema up again under the operator."""
    import psycopg

    url = pg_context.engine.url.set(drivername="postgresql")
    # (two connections of one process, as its pool holds: named once, an operator's probe
    # saw one pid five times)
    other, its_second = (psycopg.connect(url.render_as_string(hide_password=False),
                                         application_name="newsalerts pid 999999")
                         for _ in range(2))
    try:
        # (the other test workers' connections are there too: the named one is looked for,
        # and this process's own connections are never counted)
        others = _other_processes(pg_context.engine)
        assert others.count("newsalerts pid 999999") == 1
        assert application_name(os.getpid()) not in others
        with pytest.raises(StorageError, match=r"other newsalerts connection.*stop every "
                                               r"newsalerts process"):
            downgrade(pg_context.engine, "0012")
    finally:
        other.close()
        its_second.close()
    assert schema_revision(pg_context.engine) == ScriptDirectory.from_config(
        alembic_config(pg_context.engine)).get_current_head()


def test_a_command_that_upgrades_an_older_database_says_so(
        tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    """An operator's review: `status` on a database an older release made upgraded it from
    0005 to the newest, silently, and that release could not read it any more."""
    from service.config import load_settings
    from service.context import open_context

    url = f"sqlite:///{tmp_path / 'old.db'}"
    settings = load_settings(environ={"NEWSALERTS_DATABASE__URL": url})
    engine = make_engine(url)
    upgrade(engine, "0005")
    engine.dispose()
    with caplog.at_level("WARNING", logger="service.context"):
        open_context(settings, var_dir=tmp_path).close()
        head = ScriptDirectory.from_config(alembic_config(make_engine(url))).get_current_head()
        assert [r.getMessage() for r in caplog.records] == [
            f"database schema upgraded from revision 0005 to {head}"]
        caplog.clear()
        open_context(settings, var_dir=tmp_path).close()  # up to date: nothing to say
        fresh = f"sqlite:///{tmp_path / 'new.db'}"  # a new database: nothing to say either
        open_context(load_settings(environ={"NEWSALERTS_DATABASE__URL": fresh}),
                     var_dir=tmp_path).close()
    assert caplog.records == []
