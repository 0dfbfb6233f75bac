"""Invariant 1 end to end: real IMAP servers, a real database, the real model."""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text, update

from service.cli.main import main
from service.context import Context
from service.db import tables
from service.db.database import application_name, transaction
from service.domain import PollOutcome, RawMessage
from service.ingest import store
from service.ingest.fetch import ImapInbox
from service.ingest.pipeline import (
    Accepted,
    PollSummary,
    Tagger,
    examine,
    handle_message,
    poll_once,
)
from tests.mail import DKIM_PASS, issue_email
from tests.tcp_proxy import TcpProxy

GOLDEN = Path(__file__).parent / "golden" / "segment"


def _counts(ctx: Context) -> dict[str, int]:
    with transaction(ctx.sessions) as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in (("issues", tables.Issue), ("stories", tables.Story),
                                ("refused", tables.RefusedMessage))
        }


def _golden_story_count(eml: Path) -> int:
    return len(json.loads((GOLDEN / f"{eml.stem}.json").read_text())["stories"])


def test_poll_stores_each_issue_once_and_rejects_strangers(
    imap_server: Any, sqlite_context: Context, tagger: Tagger, importai_emls: list[Path]
) -> None:
    emls = importai_emls[:2]
    for eml in emls:
        imap_server.deliver(eml.read_bytes())
    imap_server.deliver(issue_email(1, sender="importai@substack.com.evil.test"))

    inbox = ImapInbox.from_settings(imap_server.settings())
    first = poll_once(sqlite_context, inbox, tagger)
    second = poll_once(sqlite_context, inbox, tagger)
    inbox.close()

    assert first.counts["stored"] == 2 and first.counts["rejected"] == 1
    assert sum(second.counts.values()) == 0, "re-polling must fetch nothing new"
    assert _counts(sqlite_context) == {
        "issues": 2, "stories": sum(map(_golden_story_count, emls)), "refused": 1}
    with transaction(sqlite_context.sessions) as session:
        refusal = session.scalars(select(tables.RefusedMessage)).one()
    assert refusal.status == "rejected" and refusal.code == "untrusted-sender"
    assert "importai@substack.com.evil.test" in refusal.reason


def test_a_new_uidvalidity_is_said_once_and_the_issues_stay_stored_once(
    imap_server: Any, sqlite_context: Context, tagger: Tagger, importai_emls: list[Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An operator's probe: a mailbox recreated (a new UIDVALIDITY) was read again from its
    start and nothing in the log said why."""
    imap_server.deliver(importai_emls[0].read_bytes())
    inbox = ImapInbox.from_settings(imap_server.settings())
    assert poll_once(sqlite_context, inbox, tagger).counts["stored"] == 1
    imap_server.reset_uidvalidity()
    with caplog.at_level(logging.WARNING, logger="service.ingest.store"):
        again = poll_once(sqlite_context, inbox, tagger)
        poll_once(sqlite_context, inbox, tagger)
    inbox.close()
    assert again.counts.get("stored", 0) == 0 and _counts(sqlite_context)["issues"] == 1
    said = [r.getMessage() for r in caplog.records if "UIDVALIDITY" in r.getMessage()]
    assert len(said) == 1 and "read again" in said[0]


def test_another_message_under_a_stored_message_id_is_kept_and_said_not_dropped(
    imap_server: Any, sqlite_context: Context, tagger: Tagger
) -> None:
    """An operator's review: a corrected resend (or a forgery with a DKIM pass) under issue
    41's Message-ID was counted "already known", its bytes gone and nothing in `refused`.
    The same issue fetched again with other transport headers is still a duplicate."""
    first = issue_email(41)
    imap_server.deliver(first)
    imap_server.deliver(b"Received: from relay.example.test by mx.example.test\r\n" + first)
    imap_server.deliver(issue_email(41, stories=[("A corrected headline", "Corrected text "
                                                   "that says something else entirely.")]))

    inbox = ImapInbox.from_settings(imap_server.settings())
    summary = poll_once(sqlite_context, inbox, tagger)
    inbox.close()

    assert (summary.counts["stored"], summary.counts["duplicate"],
            summary.counts["rejected"]) == (1, 1, 1)
    assert _counts(sqlite_context) == {"issues": 1, "stories": 3, "refused": 1}
    with transaction(sqlite_context.sessions) as session:
        refusal = session.scalars(select(tables.RefusedMessage)).one()
        deliveries = session.scalar(select(func.count()).select_from(tables.Delivery))
    assert refusal.code == "duplicate-message-id" and refusal.raw
    assert refusal.message_id == "<test-issue-41@example.test>"
    assert deliveries == 0  # (no reader here; nothing made for the refused one either)

    # stored as older rules cut it, the same body fetched again is still that issue (the
    # diff's review: an upgrade made a copy read again look like a forgery)
    with transaction(sqlite_context.sessions) as session:
        session.execute(update(tables.Story).values(text="as an older version cut it"))
    imap_server.deliver(b"Received: from another.example.test by mx.example.test\r\n" + first)
    inbox = ImapInbox.from_settings(imap_server.settings())
    again = poll_once(sqlite_context, inbox, tagger)
    inbox.close()
    assert again.counts["duplicate"] == 1 and _counts(sqlite_context)["refused"] == 1


def _handled(ctx: Context, tagger: Tagger, data: bytes, origin: str) -> dict[str, int]:
    summary = PollSummary()
    handle_message(ctx, RawMessage(data, origin), tagger, summary)
    return {str(outcome): count for outcome, count in summary.counts.items()}


def _refusal_codes(ctx: Context) -> list[str]:
    with transaction(ctx.sessions) as session:
        return [r.code for r in session.scalars(select(tables.RefusedMessage))]


def test_a_copy_with_other_line_ends_is_the_same_issue_and_a_headerless_body_is_not(
        sqlite_context: Context, tagger: Tagger) -> None:
    """The last review: a copy stored from a folder (LF) and fetched over IMAP (CRLF) after
    the rules changed was refused as another message; and two messages with no blank line
    after their headers compared equal ("no body" each), so a correction was dropped."""
    first = issue_email(43).replace(b"\r\n", b"\n")
    assert _handled(sqlite_context, tagger, first, "folder:/43.eml") == {"stored": 1}
    with transaction(sqlite_context.sessions) as session:
        session.execute(update(tables.Story).values(text="as an older version cut it"))
    again = first.replace(b"\n", b"\r\n")
    assert _handled(sqlite_context, tagger, again, "imap://43") == {"duplicate": 1}

    head = (b"From: Test Letter <importai@substack.com>\nSubject: Test Letter 7\n"
            b"Message-ID: <no-blank-7@example.test>\nAuthentication-Results: "
            + DKIM_PASS.encode() + b"\nContent-Type: text/html; charset=utf-8\n")
    story = (b"<html><body><p><strong>%s:<br /></strong> %s</p></body></html>\n")
    a = head + story % (b"Lab releases open weights", b"The lab published weights for its "
                        b"model under a permissive licence, with a model card.")
    b = head + story % (b"Lab withdraws its open weights", b"Hours later the lab pulled the "
                        b"weights, citing a licence error in the first release.")
    assert _handled(sqlite_context, tagger, a, "t://a") == {"stored": 1}
    assert _handled(sqlite_context, tagger, b, "t://b") == {"rejected": 1}
    assert _refusal_codes(sqlite_context) == ["duplicate-message-id"]


def test_a_connection_cut_mid_fetch_loses_nothing(
    imap_server: Any, sqlite_context: Context, tagger: Tagger, importai_emls: list[Path]
) -> None:
    emls = importai_emls[:4]
    for eml in emls:
        imap_server.deliver(eml.read_bytes())
    with TcpProxy(imap_server.host, imap_server.port) as proxy:
        inbox = ImapInbox.from_settings(imap_server.settings(port=proxy.port))
        proxy.cut_after(60_000)  # inside the second or third message's body
        summary = poll_once(sqlite_context, inbox, tagger)
        inbox.close()
        assert proxy.accepted >= 2, "the cut should have forced a reconnect"
    assert summary.counts["stored"] == 4
    assert _counts(sqlite_context)["issues"] == 4


class CrashOnSecondIssue:
    """A tagger that dies like a killed process while the second issue is in hand."""

    def __init__(self, inner: Tagger) -> None:
        self.inner, self.version, self.calls = inner, inner.version, 0

    def tag(self, stories: Any) -> Any:
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt("simulated crash")
        return self.inner.tag(stories)


def test_a_crash_replays_only_the_unfinished_message(
    imap_server: Any, sqlite_context: Context, tagger: Tagger, importai_emls: list[Path]
) -> None:
    for eml in importai_emls[:3]:
        imap_server.deliver(eml.read_bytes())
    inbox = ImapInbox.from_settings(imap_server.settings())
    with pytest.raises(KeyboardInterrupt):
        poll_once(sqlite_context, inbox, CrashOnSecondIssue(tagger))
    assert _counts(sqlite_context)["issues"] == 1

    seen: list[RawMessage] = []
    original = inbox.messages

    def recording(last_uid: Any) -> Any:
        for raw in original(last_uid):
            seen.append(raw)
            yield raw

    inbox.messages = recording  # type: ignore[method-assign]  # watching, not replacing
    summary = poll_once(sqlite_context, inbox, tagger)
    inbox.close()
    assert summary.counts["stored"] == 2 and len(seen) == 2
    assert _counts(sqlite_context)["issues"] == 3


def test_poll_and_stories_commands(imap_server: Any, tmp_path: Path,
                                   importai_emls: list[Path]) -> None:
    eml = importai_emls[-1]
    imap_server.deliver(eml.read_bytes())
    env = imap_server.inbox_env() | {
        "NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db",
        "NEWSALERTS_WEB__SECRET_KEY": "x" * 32,
    }
    runner = CliRunner()
    polled = runner.invoke(main, ["poll"], env=env, catch_exceptions=False)
    assert polled.exit_code == 0, polled.output
    assert "1 stored" in polled.output
    again = runner.invoke(main, ["poll", "--json"], env=env, catch_exceptions=False)
    assert json.loads(again.stdout)["stored"] == 0

    listed = runner.invoke(main, ["stories"], env=env, catch_exceptions=False)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == _golden_story_count(eml)
    first = rows[0]
    assert first["message_id"].startswith("<") and first["message_id"].endswith(">")
    assert [row["index"] for row in rows] == list(range(len(rows)))
    assert set(first["scores"]) == {"safety", "policy", "compute", "robotics"}
    assert all(theme in first["scores"] for theme in first["themes"])
    later = runner.invoke(main, ["stories", "--since", "2100-01-01"], env=env)
    assert later.stdout == ""


def test_poll_reports_a_wrong_password_in_one_line(imap_server: Any, tmp_path: Path) -> None:
    env = imap_server.inbox_env(password="not-the-password") | {
        "NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db"}
    result = CliRunner().invoke(main, ["poll"], env=env)
    assert result.exit_code == 1
    assert "InboxError" in result.output and "not-the-password" not in result.output


def _waiting_on_a_lock(ctx: Context) -> bool:
    """Whether one of this test process's connections waits for a row lock (PostgreSQL)."""
    with ctx.engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :me "
            "AND wait_event_type = 'Lock'"), {"me": application_name(os.getpid())}).scalar())


@pytest.mark.postgres
def test_a_message_another_poll_stores_meanwhile_is_a_duplicate(
    pg_context: Context, tagger: Tagger, importai_emls: list[Path]
) -> None:
    # The scheduler's poll and one from cron read the same message: both find it
    # unknown, and the one whose insert comes second waits on the unique key.
    raw = RawMessage(importai_emls[0].read_bytes(), "test://the-same-message")
    settings = pg_context.settings
    accepted = examine(raw, settings.sources, tagger, settings.inbox.max_message_bytes)
    assert isinstance(accepted, Accepted)
    with transaction(pg_context.sessions) as session:
        store.source_id(session, accepted.source.name)  # an earlier issue made it
    summary = PollSummary()
    with ThreadPoolExecutor(1) as pool, transaction(pg_context.sessions) as other_poll:
        store.record_issue(other_poll, accepted.issue, accepted.source.name, raw,
                           accepted.tagged, pg_context.now())
        ours = pool.submit(handle_message, pg_context, raw, tagger, summary)
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(pg_context) and not ours.done():
            assert time.monotonic() < deadline, "our poll neither waited nor finished"
    assert ours.result() == "processed"  # the folder inbox moves it to processed/
    assert summary.counts == Counter({PollOutcome.DUPLICATE: 1})
    assert _counts(pg_context)["issues"] == 1
