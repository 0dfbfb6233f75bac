"""`newsalerts refused --retry`: a refused message examined again from its kept bytes (an
operator's review: a new newsletter's first issue, refused before its [[sources]] entry was
added, was never fetched again over IMAP; and a message stored later stayed counted as
refused)."""

from __future__ import annotations

import dataclasses
import json
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
from service.subscribers.registry import add_subscriber
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
    with transaction(sqlite_context.sessions) as session:
        add_subscriber(session, "reader@example.org", ["safety", "policy", "compute",
                                                       "robotics"], "instant", confirmed=True,
                       now=sqlite_context.now())
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
    assert "Error: no refused message 999" in again.output
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
