"""Every command says a newsalerts error the same way: `Error: <Class>: <message>`, exit 1.

glue.Command and glue.Group are the one place that maps them; these tests
check that every command is one, and that a command run on its own (as a
test runs it, outside `newsalerts`) says it as `newsalerts` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from service.cli import glue
from service.cli.events import events_group
from service.cli.main import AREA_COMMANDS, main
from service.context import Context
from service.db.database import transaction
from service.db.tables import Subscriber
from service.domain import SubscriberStatus
from service.errors import StorageError
from service.events.store import events_of
from tests.db import PG_URL
from tests.events_data import QWQ_A, SESAME, store_issue


def every_command() -> dict[str, click.Command]:
    """The whole `newsalerts` tree, area commands loaded, by path."""
    found: dict[str, click.Command] = {}
    ctx = click.Context(main)

    def walk(command: click.Command, path: str) -> None:
        found[path] = command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, f"{path} {name}")

    walk(main, "newsalerts")
    return found


def test_every_command_and_group_maps_errors_in_the_one_place() -> None:
    commands = every_command()
    assert {f"newsalerts {name}" for name in AREA_COMMANDS} <= set(commands)
    plain = [path for path, command in commands.items()
             if not isinstance(command, glue.Command | glue.Group)]
    assert plain == []


def test_a_command_run_on_its_own_says_an_error_in_one_line(sqlite_context: Context) -> None:
    with transaction(sqlite_context.sessions) as session:
        story = store_issue(session, "Last Week in AI", [QWQ_A]).stories[0].id
        other = store_issue(session, "The Batch", [SESAME]).stories[0].id
    with sqlite_context.sessions() as session:
        event = events_of(session, [other])[other][0]
    result = CliRunner().invoke(events_group, ["split", str(story), str(event)],
                                obj={"context": lambda: sqlite_context})
    assert result.exit_code == 1
    assert result.stderr == f"Error: EventError: story {story} is not in event {event}\n"


def test_segment_names_each_file_it_cannot_read_in_the_same_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"From: news@example.com\r\nSubject: nothing\r\n\r\n")
    result = CliRunner().invoke(main, ["segment", str(empty)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and f": {empty}: " in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_a_database_url_of_an_unknown_kind_is_one_error_line(tmp_path: Path) -> None:
    env = {"NEWSALERTS_DATABASE__URL": "mysqlx://db.example/news"}
    result = CliRunner().invoke(main, ["subscribers", "list"], env=env)
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit)
    assert result.output.splitlines() == [
        "Error: ConfigError: [database] url names no database SQLAlchemy knows ('mysqlx'): "
        "use sqlite:///PATH or postgresql://..."]


# (a port that is no number printed a traceback from every command: the security review)
# (and never quotes the URL's tail: a password holding "@" and ":" showed its end there)
@pytest.mark.parametrize("url", ["postgresql+psycopg://u:pw@127.0.0.1:notaport/db",
                                 "postgresql+psycopg://u:pw@[::1/db",
                                 "postgresql+psycopg://u:Gen3r@ted:pwtail@db:5432/news"])
def test_a_database_url_that_cannot_be_read_is_one_error_line(url: str) -> None:
    result = CliRunner().invoke(main, ["subscribers", "list"],
                                env={"NEWSALERTS_DATABASE__URL": url})
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit)
    [line] = result.output.splitlines()
    assert line.startswith("Error: ConfigError: [database] url is not a database URL: ")
    assert "pw" not in line and "notaport" not in line


@pytest.mark.parametrize("command", [("stories",), ("refused",), ("subscribers", "list")])
def test_a_read_command_makes_no_database_where_none_is(tmp_path: Path,
                                                        command: tuple[str, ...]) -> None:
    """An operator's review: `stories` from another folder made an empty database there and
    printed nothing, as if nothing had been stored."""
    missing = tmp_path / "var" / "newsalerts.db"
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{missing}"}
    result = CliRunner().invoke(main, list(command), env=env)
    assert result.exit_code == 1 and not missing.exists()
    assert result.output.startswith(f"Error: StorageError: no database at {missing}: ")
    written = CliRunner().invoke(main, ["subscribers", "add", "a@example.org", "--themes",
                                        "safety", "--cadence", "instant", "--confirmed"],
                              env=env)
    assert written.exit_code == 0, written.output  # a command that stores makes it
    assert CliRunner().invoke(main, list(command), env=env).exit_code == 0


def test_a_path_that_cannot_be_written_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("a file, not a folder")
    out = tmp_path / "afile" / "labels.jsonl"
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db"}
    result = CliRunner().invoke(main, ["labels", "export", "--out", str(out)], env=env)
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit)
    assert result.output.splitlines()[-1] == (
        f"Error: NotADirectoryError: [Errno 20] Not a directory: '{out}'")


def test_an_oserror_keeps_its_traceback_for_the_debug_log(tmp_path: Path) -> None:
    # One line for the person; where it came from (deep in a worker, say) at DEBUG.
    (tmp_path / "afile").write_text("a file, not a folder")
    out = tmp_path / "afile" / "labels.jsonl"
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db",
           "NEWSALERTS_LOG__LEVEL": "DEBUG"}
    result = CliRunner().invoke(main, ["labels", "export", "--out", str(out)], env=env)
    assert result.exit_code == 1
    assert "ended on an OSError" in result.output and "Traceback" in result.output
    assert result.output.splitlines()[-1].startswith("Error: NotADirectoryError: ")


@pytest.mark.parametrize("command", [
    ("evaluate", "--labels", "{labels}", "--json", "{out}"),
    ("evaluate", "--labels", "{labels}", "--report", "{out}"),
    ("report", "--labels", "{labels}", "--out", "{out}"),
    ("train", "--labels", "{labels}", "--no-db-labels", "--out", "{out}"),
    ("labels", "export", "--out", "{out}")], ids=" ".join)
def test_a_path_that_cannot_be_written_is_said_before_the_work(tmp_path: Path,
                                                               command: tuple[str, ...]) -> None:
    # The work would fail on its own (one example is no cross-validation; the database
    # is under a file too): only a check made before it names the output path.
    (tmp_path / "afile").write_text("a file, not a folder")
    out = tmp_path / "afile" / "out"
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"id": "s1", "text": "A robot arm folds laundry.",
                                  "themes": ["robotics"], "issue": "i1"}) + "\n")
    arguments = [part.format(out=out, labels=labels) for part in command]
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/afile/cli.db"}
    result = CliRunner().invoke(main, arguments, env=env)
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit)
    assert result.output.splitlines() == [
        f"Error: NotADirectoryError: [Errno 20] Not a directory: '{out}'"]


def test_a_database_error_is_one_line_without_the_rows_values(context: Context) -> None:
    # SQLAlchemy's text spans lines (SQL, parameters, a link) and PostgreSQL's DETAIL
    # quotes the clashing key: here a reader's address.
    def add(session: Session) -> None:
        session.add(Subscriber(email="reader@example.com", status=SubscriberStatus.ACTIVE,
                               link_secret="s"))

    with transaction(context.sessions) as session:
        add(session)
    with pytest.raises(StorageError) as caught, transaction(context.sessions) as session:
        add(session)
    assert "\n" not in str(caught.value)
    assert "reader@example.com" not in str(caught.value)
    assert str(caught.value).split(": ")[:2] in (["database error", "IntegrityError"],
                                                  ["database error", "UniqueViolation"])


@pytest.mark.postgres
def test_a_postgresql_database_that_is_not_there_is_one_error_line() -> None:
    env = {"NEWSALERTS_DATABASE__URL": PG_URL.rsplit("/", 1)[0] + "/newsalerts_not_created"}
    said = ('cannot reach the database: OperationalError: connection failed: connection '
            'to server at "127.0.0.1", port 5432 failed: FATAL:  database '
            '"newsalerts_not_created" does not exist')
    status = CliRunner().invoke(main, ["status"], env=env)
    worker = CliRunner().invoke(main, ["worker"], env=env)
    assert (status.exit_code, status.output.splitlines()) == (1, [f"database     error: {said}"])
    assert (worker.exit_code, worker.output.splitlines()) == (1, [f"Error: StorageError: {said}"])


@pytest.mark.parametrize(("env", "says"), [
    ({"NEWSALERTS_INBOX__HOST": "imap.example.org"}, "[inbox] host is set"),
    ({"NEWSALERTS_SOURCES": '[{"name": "B", "senders": ["b@b.example"]}]'},
     "no [[sources]] trusts the sample's sender"),
])
def test_sample_says_when_a_poll_would_not_read_it(tmp_path: Path, env: dict[str, str],
                                                   says: str) -> None:
    """A read-only review: it said "`newsalerts poll` reads it" where no poll would."""
    inbox = tmp_path / "inbox"
    result = CliRunner().invoke(main, ["sample"],
                                env={**env, "NEWSALERTS_INBOX__DIR": str(inbox)})
    assert result.exit_code == 1 and says in result.stderr
    assert not inbox.exists()


@pytest.mark.parametrize("content, said", [
    (b"\xff\xfe{\"id\"\n", "is not UTF-8 text"),
    (json.dumps({"id": "s1", "text": "t", "themes": "policy"}).encode() + b"\n",
     '"themes" must be a list of theme names')], ids=["not utf-8", "themes a string"])
@pytest.mark.parametrize("command", [
    ("evaluate", "--labels", "{labels}"), ("train", "--labels", "{labels}", "--no-db-labels"),
    ("report", "--labels", "{labels}", "--out", "{out}"),
    ("models", "score", "--labels", "{labels}")], ids=" ".join)
def test_a_bad_label_file_is_one_line(tmp_path: Path, command: tuple[str, ...], content: bytes,
                                      said: str) -> None:
    """Before: a UnicodeDecodeError's traceback; "policy" read as themes p, o, l, i, c, y."""
    labels = tmp_path / "labels.jsonl"
    labels.write_bytes(content)
    arguments = [part.format(out=tmp_path / "out", labels=labels) for part in command]
    # `models score` loads the model first: the repository's (it writes nothing)
    models = Path(__file__).parents[1] / "models" if command[0] == "models" else tmp_path / "models"
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db",
           "NEWSALERTS_MODELS__DIR": str(models)}
    result = CliRunner().invoke(main, arguments, env=env)
    assert result.exit_code == 1, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: ModelError: ") and said in last


@pytest.mark.parametrize(("command", "setting", "said"), [
    ("run", "SEGMENT__RULES_DIR", "[segment] rules_dir {path} is not a folder"),
    ("scheduler", "SEGMENT__RULES_DIR", "[segment] rules_dir {path} is not a folder"),
    ("worker", "SMTP__CA_FILE", "[smtp] ca_file '{path}' is not a readable PEM file"),
    ("run", "SMTP__CA_FILE", "[smtp] ca_file '{path}' is not a readable PEM file"),
    ("scheduler", "INBOX__CA_FILE", "[inbox] ca_file '{path}' is not a readable PEM file")])
def test_a_bad_file_setting_stops_a_long_running_process_at_its_start(
        tmp_path: Path, command: str, setting: str, said: str) -> None:
    """A bad rules folder failed every poll with a warning, mail waiting; a missing SMTP CA
    file was retried by a worker for ever, as "cannot use the SMTP server: [Errno 2]" (an
    operator's review).  A process that does not stop fails here by its timeout."""
    missing = tmp_path / "no-such-file"
    env = {**os.environ, "NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db",
           "NEWSALERTS_INBOX__DIR": str(tmp_path / "inbox"),
           "NEWSALERTS_WEB__LISTEN": "127.0.0.1:0", "NEWSALERTS_SMTP__HOST": "127.0.0.1",
           "NEWSALERTS_SMTP__SSL": "true", f"NEWSALERTS_{setting}": str(missing)}
    if setting.startswith("INBOX"):  # a mailbox over TLS, which the start reads for
        env.update(NEWSALERTS_INBOX__HOST="127.0.0.1", NEWSALERTS_INBOX__SSL="true")
    done = subprocess.run([sys.executable, "-m", "service", command], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: ConfigError: {said.format(path=missing)}"), last


def test_segment_says_a_missing_file_and_cuts_the_others(tmp_path: Path) -> None:
    """A missing file was click's usage error (exit 2) and no file was cut (an operator's
    review; the README: one error line per file it cannot read, and on with the rest)."""
    missing = tmp_path / "nope.eml"
    sample = Path(__file__).parents[1] / "examples" / "sample-issue.eml"
    result = CliRunner().invoke(main, ["segment", str(missing), str(sample), str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: FileNotFoundError: {missing}: No such file or directory",
        f"Error: IsADirectoryError: {tmp_path}: Is a directory"]
    assert len(result.stdout.splitlines()) == 5  # the sample's stories


def test_segment_reads_a_file_in_a_charset_python_cannot_decode_and_goes_on(
        tmp_path: Path) -> None:
    """"charset=rot13" raised LookupError out of `segment`, a traceback, and the next file was
    never cut (the operator's review)."""
    sample = Path(__file__).parents[1] / "examples" / "sample-issue.eml"
    odd = tmp_path / "rot13.eml"
    odd.write_bytes(b"From: s@example.test\r\nSubject: s\r\nContent-Type: text/html; "
                    b"charset=rot13\r\n\r\n<h2>Le caf\xc3\xa9 ferme</h2><p>" + b"Text. " * 20
                    + b"</p>")
    result = CliRunner().invoke(main, ["segment", str(odd), str(sample)])
    assert result.exit_code == 0, result.output
    assert "Le café ferme" in json.loads(result.stdout.splitlines()[0])["text"]
    assert len(result.stdout.splitlines()) == 6


def test_segment_into_a_closed_pipe_says_nothing_of_each_file(shared_dir: Path) -> None:
    """`segment *.eml | head -1` printed "Error: BrokenPipeError" for every file."""
    files = sorted((shared_dir / "data" / "importai").rglob("*.eml"))[:20]
    process = subprocess.Popen([sys.executable, "-m", "service", "segment", *map(str, files)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        process.stdout.readline()
        process.stdout.close()  # as `head -1` does, with megabytes still to come
        errors = process.stderr.read()
        process.wait(timeout=120)
    assert "BrokenPipeError" not in errors
