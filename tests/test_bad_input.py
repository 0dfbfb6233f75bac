"""Invariant 7: bad input never stops the service and loses nothing."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.cli.main import main
from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.db.types import as_utc
from service.domain import Story, TaggedStory
from service.ingest.fetch import DirectoryInbox
from service.ingest.pipeline import Tagger, poll_once
from tests.mail import broken_corpus, issue_email


def _drop(inbox_dir: Path, files: dict[str, bytes]) -> None:
    inbox_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (inbox_dir / name).write_bytes(data)


def test_each_broken_email_is_stored_with_a_reason_and_the_next_is_processed(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    corpus = broken_corpus()
    files: dict[str, bytes] = {}
    for i, (name, (data, _codes)) in enumerate(corpus.items()):
        files[f"{i:02d}a-{name}.eml"] = data
        files[f"{i:02d}b-good.eml"] = issue_email(100 + i)
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, files)

    summary = poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)

    assert summary.counts["stored"] == len(corpus)
    with transaction(sqlite_context.sessions) as session:
        refused = {r.origin: r for r in session.scalars(select(tables.RefusedMessage))}
        issues = session.scalars(select(tables.Issue)).all()
        assert len(issues) == len(corpus)
        assert all(issue.stories for issue in issues)
    for i, (name, (_data, codes)) in enumerate(corpus.items()):
        row = refused[str(inbox_dir / f"{i:02d}a-{name}.eml")]
        assert row.code in codes, f"{name}: {row.code} {row.reason}"
        assert len(row.reason) > 15, f"{name}: reason too thin: {row.reason!r}"
        assert row.raw, f"{name}: nothing kept of the message"
        assert (inbox_dir / "failed" / f"{i:02d}a-{name}.eml").exists()
        assert (inbox_dir / "processed" / f"{i:02d}b-good.eml").exists()
    huge = refused[str(inbox_dir / f"{list(corpus).index('huge'):02d}a-huge.eml")]
    assert huge.size > 10_000_000 and len(huge.raw) < 10_000  # headers kept, body not read


def test_a_message_without_message_id_is_deduplicated_by_content(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    data = issue_email(7, message_id=None)
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"a.eml": data})
    inbox = DirectoryInbox(inbox_dir, 10_000_000)
    first = poll_once(sqlite_context, inbox, tagger)
    shutil.copy(inbox_dir / "processed" / "a.eml", inbox_dir / "again.eml")
    second = poll_once(sqlite_context, inbox, tagger)
    assert (first.counts["stored"], second.counts["duplicate"]) == (1, 1)
    with transaction(sqlite_context.sessions) as session:
        keys = session.scalars(select(tables.Issue.dedupe_key)).all()
    assert len(keys) == 1 and keys[0].startswith("sha256:")


def test_scripts_in_html_never_reach_stored_text(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    hostile = [("Export controls tighten on chips",
                "<script>alert('owned')</script>The Commerce Department acted.")]
    data = issue_email(8, stories=hostile)  # the story body goes into the HTML unescaped
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"a.eml": data})
    poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)
    with transaction(sqlite_context.sessions) as session:
        texts = session.scalars(select(tables.Story.text)).all()
    assert texts and all("alert(" not in text for text in texts)


def test_an_over_long_message_id_or_sender_neither_fails_the_insert_nor_stops_the_poll(
    context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    """A Message-ID past RFC 5322's 998 characters and a From address past RFC 5321's bounds
    did not fit the database's columns: on PostgreSQL the insert failed and every later poll
    stopped on that message.  Now the Message-ID is none (told apart by content) and the
    address none (so the sender is untrusted), and the next message goes in."""
    long_id = "<" + "m" * 150_000 + "@example.test>"
    stranger = "x" * 400 + "@" + "y" * 300 + ".example"
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"1-long-id.eml": issue_email(1, message_id=long_id),
                      "2-long-sender.eml": issue_email(2, sender=stranger,
                                                       message_id="<m" + "n" * 2000 + ">"),
                      "3-good.eml": issue_email(3)})
    inbox = DirectoryInbox(inbox_dir, 10_000_000)
    summary = poll_once(context, inbox, tagger)
    assert (summary.counts["stored"], summary.counts["rejected"]) == (2, 1)
    with transaction(context.sessions) as session:
        issues = session.scalars(select(tables.Issue).order_by(tables.Issue.id)).all()
        refused = session.scalars(select(tables.RefusedMessage)).one()
        assert [i.message_id for i in issues] == [None, "<test-issue-3@example.test>"]
        assert issues[0].dedupe_key.startswith("sha256:")
        assert (refused.sender, refused.message_id) == ("", None)
    shutil.copy(inbox_dir / "processed" / "1-long-id.eml", inbox_dir / "4-again.eml")
    assert poll_once(context, inbox, tagger).counts["duplicate"] == 1


def test_nul_bytes_in_a_message_are_dropped_so_postgresql_can_store_it(
    context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    """PostgreSQL's text cannot hold NUL: a story with one failed the insert and stopped
    every later poll on that message.  NUL is no character of any text: it is dropped."""
    data = issue_email(5, stories=[("Chips \x00everywhere", "The Commerce Department\x00 acted "
                                    "on export rules for chips and the fabs that make them.")])
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"1-nul.eml": data.replace(b"Test Letter 5", b"Test\x00 Letter 5"),
                      "2-good.eml": issue_email(6)})
    assert poll_once(context, DirectoryInbox(inbox_dir, 10_000_000), tagger).counts["stored"] == 2
    with transaction(context.sessions) as session:
        story = session.scalars(select(tables.Story).order_by(tables.Story.id)).first()
        subject = session.scalars(select(tables.Issue.subject).order_by(tables.Issue.id)).first()
    assert story is not None and story.headline.startswith("Chips everywhere")
    assert "Department acted" in story.text and subject == "Test Letter 5"


class _Unstorable:
    """The real tagger, but its version carries a character no database column takes:
    a stand-in for any value parsing lets through that the database then refuses."""

    def __init__(self, tagger: Tagger) -> None:
        self._tagger = tagger

    @property
    def version(self) -> str:
        return "v\x00" + "x" * 200

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        return [dataclasses.replace(tagged, model_version=self.version)
                for tagged in self._tagger.tag(stories)]


@pytest.mark.postgres
def test_a_value_the_database_refuses_fails_that_message_and_the_poll_goes_on(
    pg_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"1-first.eml": issue_email(1), "2-second.eml": issue_email(2)})
    inbox = DirectoryInbox(inbox_dir, 10_000_000)
    summary = poll_once(pg_context, inbox, _Unstorable(tagger))
    assert summary.counts["failed"] == 2  # each refused, neither stopped the poll
    with transaction(pg_context.sessions) as session:
        refused = session.scalars(select(tables.RefusedMessage)).all()
    assert {r.code for r in refused} == {"unstorable"} and len(refused) == 2
    assert all(r.raw and "database refused" in r.reason for r in refused)
    assert sorted(p.name for p in (inbox_dir / "failed").iterdir()) == ["1-first.eml",
                                                                        "2-second.eml"]


def test_the_refused_command_lists_each_refusal_with_its_reason(tmp_path: Path) -> None:
    """`status` counted refusals, and nothing listed them but SQL (a new operator's review)."""
    inbox_dir = tmp_path / "inbox"
    stranger = issue_email(2, sender="someone@elsewhere.example").replace(
        b"Subject: Test Letter 2", b"Subject: =?utf-8?q?Test_=E2=80=AE_Letter_=C2=9B_2?=")
    _drop(inbox_dir, {"1-garbage.eml": b"\x00\x01 not an email at all",
                      "2-stranger.eml": stranger,
                      "3-good.eml": issue_email(3)})
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db",
           "NEWSALERTS_INBOX__DIR": str(inbox_dir), "NEWSALERTS_WEB__SECRET_KEY": "x" * 32}
    runner = CliRunner()
    assert runner.invoke(main, ["poll"], env=env, catch_exceptions=False).exit_code == 0
    listed = runner.invoke(main, ["refused"], env=env, catch_exceptions=False)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(Path(r["origin"]).name, r["status"], r["code"]) for r in rows] == [
        ("1-garbage.eml", "failed", "unparseable"),
        ("2-stranger.eml", "rejected", "untrusted-sender")]
    assert all(len(r["reason"]) > 15 for r in rows)
    assert rows[1]["sender"] == "someone@elsewhere.example"
    # a stranger's subject reaches the terminal escaped: no 8-bit escape code (a review); a
    # right-to-left override is dropped as the mail is read (the web review)
    assert listed.stdout.isascii() and rows[1]["subject"] == "Test Letter \x9b 2"
    later = runner.invoke(main, ["refused", "--since", "2100-01-01"], env=env)
    assert later.exit_code == 0 and later.stdout == ""


def test_a_date_past_what_utc_holds_is_no_date_and_stops_nothing(
    context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    """"Date: Fri, 31 Dec 9999 23:00:00 -1200" overflowed when stored, and every later poll
    stopped on that message (a review of this stop's changes)."""
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"1-far.eml": issue_email(1, date="Fri, 31 Dec 9999 23:00:00 -1200"),
                      "2-good.eml": issue_email(2)})
    assert poll_once(context, DirectoryInbox(inbox_dir, 10_000_000), tagger).counts["stored"] == 2
    with transaction(context.sessions) as session:
        dates = session.scalars(select(tables.Issue.sent_at).order_by(tables.Issue.id)).all()
    assert dates[0] is None and dates[1] is not None


def test_a_date_after_the_issue_arrived_is_read_as_its_arrival(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    # A Date a year ahead kept the issue out of every weekly digest round until that
    # week came, though instant readers had it the day it arrived (a review).
    ahead = issue_email(9, date="Sat, 15 Nov 2031 10:00:00 +0000")
    behind = issue_email(10, date="Mon, 01 Jan 2024 10:00:00 +0000")
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"ahead.eml": ahead, "behind.eml": behind})
    poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)
    with transaction(sqlite_context.sessions) as session:
        dates = {issue.subject: (as_utc(issue.sent_at), as_utc(issue.received_at))
                 for issue in session.scalars(select(tables.Issue))}
    arrived = dates["Test Letter 9"][1]
    assert dates["Test Letter 9"][0] == arrived
    assert dates["Test Letter 10"][0] == datetime(2024, 1, 1, 10, tzinfo=UTC)  # left as it is


def test_two_messages_refused_under_one_message_id_are_both_kept(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    """Refusals were keyed by Message-ID: a forged copy refused first kept the real issue's
    own refusal (a wrong List-Id, say) out of the table, with its reason and its bytes (an
    operator's review).  The same bytes read twice stay one row."""
    real = issue_email(7)
    forged = issue_email(7, sender="someone@elsewhere.example")
    assert forged != real
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"1-forged.eml": forged, "2-unparseable.eml": b"\x00 not mail"})
    poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)
    _drop(inbox_dir, {"3-forged-again.eml": forged,
                      "4-stranger.eml": issue_email(7, sender="other@elsewhere.example")})
    poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)
    with transaction(sqlite_context.sessions) as session:
        rows = session.scalars(select(tables.RefusedMessage)).all()
        origins = sorted(Path(row.origin).name for row in rows)
    assert origins == ["1-forged.eml", "2-unparseable.eml", "4-stranger.eml"]
