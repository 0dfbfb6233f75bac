"""`newsalerts refused --retry`: a refused message examined again from its kept bytes (an
operator's review: a new newsletter's first issue, refused before its [[sources]] entry was
added, was never fetched again over IMAP; and a message stored later stayed counted as
refused)."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select

from service.cli.main import refused
from service.config import Source
from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.ingest.fetch import ImapInbox
from service.ingest.pipeline import Tagger, poll_once
from tests.db import add_instant_reader
from tests.mail import issue_email

NEW_SENDER = "editor@harbour-notes.example"


def _poll(ctx: Context, imap_server: Any, tagger: Tagger) -> dict[str, int]:
    inbox = ImapInbox.from_settings(imap_server.settings())
    try:
        return {str(k): v for k, v in poll_once(ctx, inbox, tagger).counts.items()}
    finally:
        inbox.close()


def _cli(ctx: Context, *args: str) -> Any:
    assert args[0] == "refused"
    return CliRunner().invoke(refused, list(args[1:]), obj={"context": lambda: ctx})


def test_an_issue_refused_before_its_source_was_added_is_stored_on_retry(
        imap_server: Any, sqlite_context: Context, tagger: Tagger) -> None:
    add_instant_reader(sqlite_context)
    imap_server.deliver(issue_email(5, sender=NEW_SENDER))
    assert _poll(sqlite_context, imap_server, tagger) == {"rejected": 1}
    [row] = [json.loads(line) for line in _cli(sqlite_context, "refused").output.splitlines()]
    assert row["code"] == "untrusted-sender"

    # the operator adds the newsletter: a poll fetches nothing again (the UID is behind)
    added = dataclasses.replace(sqlite_context, settings=dataclasses.replace(
        sqlite_context.settings, sources=(*sqlite_context.settings.sources,
                                          Source("Harbour Notes", (NEW_SENDER,)))))
    assert sum(_poll(added, imap_server, tagger).values()) == 0

    retried = _cli(added, "refused", "--retry", str(row["id"]))
    assert retried.exit_code == 0, retried.output
    assert retried.output == f"refused message {row['id']}: stored\n"
    assert _cli(added, "refused").output == ""  # no longer counted as refused
    with transaction(added.sessions) as session:
        assert session.scalars(select(tables.Issue.subject)).all() == ["Test Letter 5"]
        assert session.scalar(select(func.count()).select_from(tables.Delivery)) == 1


def test_a_retry_refused_again_says_why_now_and_a_missing_id_is_an_error(
        sqlite_context: Context, imap_server: Any, tagger: Tagger) -> None:
    imap_server.deliver(issue_email(6, sender=NEW_SENDER))
    _poll(sqlite_context, imap_server, tagger)
    [row] = [json.loads(line) for line in _cli(sqlite_context, "refused").output.splitlines()]

    again = _cli(sqlite_context, "refused", "--retry", str(row["id"]), "--retry", "999")
    assert again.exit_code == 1
    assert again.output.startswith(f"refused message {row['id']}: rejected: {NEW_SENDER} is "
                                   "not an allowed sender of any configured source "
                                   "[untrusted-sender]\n")
    assert "Error: NewsalertsError: no refused message 999" in again.output  # (every error
    # line names its class: an operator's probe found this one did not)
    assert len(_cli(sqlite_context, "refused").output.splitlines()) == 1  # still one row


def test_a_refused_file_moved_back_and_stored_is_no_longer_counted_refused(
        sqlite_context: Context, tagger: Tagger) -> None:
    """The folder inbox: moving failed/X.eml back into the inbox stores it, and its
    refusal went on being counted by `refused` and `status`."""
    from service.domain import RawMessage
    from service.ingest.pipeline import PollSummary, handle_message

    data = issue_email(7, sender=NEW_SENDER)
    handle_message(sqlite_context, RawMessage(data, "inbox/7.eml"), tagger, PollSummary())
    added = dataclasses.replace(sqlite_context, settings=dataclasses.replace(
        sqlite_context.settings, sources=(*sqlite_context.settings.sources,
                                          Source("Harbour Notes", (NEW_SENDER,)))))
    assert _cli(added, "refused").output != ""
    handle_message(added, RawMessage(data, "inbox/7.eml"), tagger, PollSummary())
    assert _cli(added, "refused").output == ""


def test_a_big_refused_message_keeps_its_headers_and_old_refusals_are_forgotten(
        sqlite_context: Context, tagger: Tagger) -> None:
    """An attacker's probe: twenty 9.8 MB emails from a stranger, refused in milliseconds,
    added 196 MB to the database, kept for ever."""
    from service.domain import RawMessage
    from service.ingest.pipeline import PollSummary, handle_message
    from service.ingest.store import KEPT_RAW_BYTES

    big = issue_email(8, sender="mallory@attacker.example").replace(
        b"plain text version", b"x" * (2 * KEPT_RAW_BYTES), 1)
    handle_message(sqlite_context, RawMessage(big, "inbox/big.eml"), tagger, PollSummary())
    with transaction(sqlite_context.sessions) as session:
        row = session.scalars(select(tables.RefusedMessage)).one()
        assert row.size == len(big) and len(row.raw) < 2_000
        assert row.raw.startswith(b"From:") or b"\nFrom:" in row.raw
    [listed] = [json.loads(line) for line in _cli(sqlite_context, "refused").output.splitlines()]
    retried = _cli(sqlite_context, "refused", "--retry", str(listed["id"]))
    assert retried.exit_code == 1 and "kept only its headers" in retried.output
    assert "over the 1,000,000 a refusal keeps" in retried.output

    keep = sqlite_context.settings.inbox.keep_refused_days
    later = dataclasses.replace(
        sqlite_context, now=lambda: sqlite_context.now() + timedelta(days=keep + 1))
    handle_message(later, RawMessage(issue_email(9, sender="mallory@attacker.example"),
                                     "inbox/9.eml"), tagger, PollSummary())
    rows = [json.loads(line) for line in _cli(later, "refused").output.splitlines()]
    assert [row["origin"] for row in rows] == ["inbox/9.eml"]  # the old one forgotten
