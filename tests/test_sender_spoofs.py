"""Issue 11, sender trust from outside: spoofed mail read over IMAP is refused, the real issue kept.

Real IMAP servers (Dovecot, pymap), both databases, the real model.  The real
issue is a shared Import AI email; the spoofs are our own test letters dressed
as Import AI, each with one trick that used to get through.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from service.config import Settings
from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.ingest.fetch import ImapInbox
from service.ingest.parse import load_message, read_envelope
from service.ingest.pipeline import Tagger, poll_once
from tests.mail import DKIM_PASS, issue_email

FROM = b"From: Test Letter <importai@substack.com>\n"
RESULTS = f"Authentication-Results: {DKIM_PASS}\n".encode()


def spoof(number: int, old: bytes, new: bytes) -> bytes:
    """Test letter ``number`` with header ``old`` (unfolded, as written) replaced by ``new``."""
    data = re.sub(rb"\n[ \t]+", b" ", issue_email(number).replace(b"\r\n", b"\n"))
    assert old in data, "the test letter changed shape"
    return data.replace(old, new, 1)


# Message-ID -> the refusal code it must get
SPOOFS = {
    "<test-issue-1@example.test>": (
        spoof(1, FROM, b"From: importai@substack.com <evil@attacker.example>\n"),
        "ambiguous-sender"),
    "<test-issue-2@example.test>": (
        spoof(2, FROM, FROM + b"From: Evil <evil@attacker.example>\n"), "ambiguous-sender"),
    # a verdict written by another server than the receiving one (mx.example.test)
    "<test-issue-3@example.test>": (
        spoof(3, RESULTS, RESULTS.replace(b"mx.example.test", b"relay.attacker.example")),
        "no-dkim"),
    # the receiving server's own verdict on top, a forged pass below it
    "<test-issue-4@example.test>": (
        spoof(4, RESULTS, b"Authentication-Results: mx.example.test; dkim=none\n"
              + RESULTS.replace(b"mx.example.test", b"relay.attacker.example")),
        "dkim-failed"),
    # a pass inside a comment of another method's clause
    "<test-issue-5@example.test>": (
        spoof(5, RESULTS, b"Authentication-Results: mx.example.test; spf=pass "
              b"(\xe2\x80\xa6 dkim=pass+header.d=substack.com@\xe2\x80\xa6) "
              b"smtp.mailfrom=attacker.example\n"),
        "dkim-failed"),
}


def test_spoofed_senders_and_foreign_verdicts_are_refused_and_the_real_issue_stored(
    imap_server: Any, context: Context, tagger: Tagger, importai_emls: list[Path]
) -> None:
    values = {**context.settings.values, ("trust", "authserv_id"): "mx.example.test"}
    ctx = dataclasses.replace(context, settings=Settings(values, context.settings.sources))
    real = importai_emls[0].read_bytes()
    imap_server.deliver(real)
    for data, _code in SPOOFS.values():
        imap_server.deliver(data)

    inbox = ImapInbox.from_settings(imap_server.settings())
    summary = poll_once(ctx, inbox, tagger)
    inbox.close()

    assert (summary.counts["stored"], summary.counts["rejected"]) == (1, len(SPOOFS))
    with transaction(ctx.sessions) as session:
        [issue] = session.scalars(select(tables.Issue)).all()
        refused = {row.message_id: row for row in session.scalars(select(tables.RefusedMessage))}
        assert issue.sender == "importai@substack.com" and issue.stories
        assert issue.message_id == read_envelope(load_message(real)).message_id
    assert {key: row.code for key, row in refused.items()} == {
        key: code for key, (_data, code) in SPOOFS.items()}
    assert all(row.status == "rejected" and row.raw for row in refused.values())


def test_a_forged_copy_refused_first_leaves_the_real_issue_to_be_stored(
    imap_server: Any, context: Context, tagger: Tagger, importai_emls: list[Path]
) -> None:
    """A read-only review: refusals and issues shared one dedupe key space, so a stranger's
    mail carrying the next issue's Message-ID made the real issue "already known" for ever."""
    real = importai_emls[0].read_bytes()
    message_id = read_envelope(load_message(real)).message_id
    forged = spoof(1, FROM, b"From: Import AI <mallory@attacker.example>\n").replace(
        b"<test-issue-1@example.test>", message_id.encode())
    imap_server.deliver(forged)
    imap_server.deliver(real)

    inbox = ImapInbox.from_settings(imap_server.settings())
    summary = poll_once(context, inbox, tagger)
    inbox.close()

    assert (summary.counts["stored"], summary.counts["rejected"]) == (1, 1)
    with transaction(context.sessions) as session:
        [issue] = session.scalars(select(tables.Issue)).all()
        [refusal] = session.scalars(select(tables.RefusedMessage)).all()
    assert issue.sender == "importai@substack.com" and issue.message_id == message_id
    assert refusal.sender == "mallory@attacker.example" and refusal.code == "untrusted-sender"
