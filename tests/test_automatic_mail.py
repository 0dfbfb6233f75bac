"""Mail from a newsletter's own address that is no issue (an operator's review): an
out-of-office reply, a request to confirm a subscription, a meeting invitation.  Taken for
issues, they were mailed to readers and put on the public archive and feeds, a phone
number and a confirmation's secret link with them."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import func, select

from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.errors import NotAnIssue
from service.ingest.automatic import check_automatic, check_invitation
from service.ingest.fetch import ImapInbox
from service.ingest.parse import load_message, read_envelope
from service.ingest.pipeline import Tagger, poll_once
from tests.db import add_instant_reader
from tests.mail import issue_email


def _with(number: int, change: Callable[[EmailMessage], None]) -> bytes:
    message = load_message(issue_email(number))
    assert isinstance(message, EmailMessage)
    change(message)
    return bytes(message)


def _header(name: str, value: str) -> Callable[[EmailMessage], None]:
    def change(message: EmailMessage) -> None:
        del message[name]
        message[name] = value
    return change


def _invitation(method: str | None) -> Callable[[EmailMessage], None]:
    def change(message: EmailMessage) -> None:
        ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Harbour meetup\r\n"
               "DTSTART:20240110T180000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        params = {"method": method} if method else {}
        message.add_attachment(ics, subtype="calendar", filename="event.ics", params=params)
    return change


def _listed(subject: str) -> Callable[[EmailMessage], None]:
    def change(message: EmailMessage) -> None:
        _header("Subject", subject)(message)
        message["List-Unsubscribe"] = "<https://letters.example/unsubscribe>"
    return change


REFUSED = [
    ("auto-reply", _header("Auto-Submitted", "auto-replied")),
    ("auto-reply", _header("X-Autoreply", "yes")),
    ("auto-reply", _header("Precedence", "auto_reply")),
    ("auto-reply", _header("Subject", "Automatic reply: Test Letter 3")),
    ("auto-reply", _header("Subject", "Out of Office: back on Monday")),
    ("subscription-mail", _header("Subject", "Confirm your subscription to Test Letter")),
    ("subscription-mail", _header("Subject", "[Test Letter] Please verify your email address")),
    ("calendar-invite", _invitation("REQUEST")),
    ("calendar-invite", _invitation("CANCEL")),
]


@pytest.mark.parametrize(("code", "change"), REFUSED)
def test_automatic_mail_from_a_trusted_sender_is_refused_with_its_code(
        code: str, change: Callable[[EmailMessage], None]) -> None:
    data = _with(3, change)
    headers = load_message(data, headers_only=True)
    with pytest.raises(NotAnIssue) as refused:
        check_automatic(headers, read_envelope(headers))
        check_invitation(load_message(data))
    assert refused.value.code == code


@pytest.mark.parametrize("change", [
    _header("Auto-Submitted", "auto-generated"),  # a forum's digest, a status page's weekly
    _header("Auto-Submitted", "no"),
    _header("Precedence", "bulk"),
    _header("Precedence", "list"),
    _header("Subject", "Out of office hours: the lab that never sleeps"),
    _header("Subject", "Why labs confirm their results twice"),
    _header("Subject", "The harbour email scam, and how to verify a sender"),
    _invitation(None),  # an event's .ics attached to an issue, no invitation's method
    _invitation("PUBLISH"),
    # (from the review of this rule) words of a subject are believed only of mail with no
    # list headers, and a confirmation's only at its start
    _listed("Out of Office: how AI agents will answer your email"),
    _listed("Confirm your subscription to our conference"),
    _header("Subject", "Regulators want platforms to verify your email before you post"),
])
def test_issues_that_only_look_automatic_are_issues(
        change: Callable[[EmailMessage], None]) -> None:
    data = _with(3, change)
    headers = load_message(data, headers_only=True)
    check_automatic(headers, read_envelope(headers))
    check_invitation(load_message(data))


def test_an_invitation_inside_a_digest_s_enclosed_message_leaves_the_digest_an_issue() -> None:
    """The review of this rule: a list's MIME digest whose one member forwarded a meeting
    invitation was refused whole."""
    from email.mime.message import MIMEMessage
    from email.mime.multipart import MIMEMultipart

    member = load_message(_with(5, _invitation("REQUEST")))
    digest = MIMEMultipart("digest")
    digest["From"], digest["Subject"] = "Test Letter <letters@example.test>", "Digest 12"
    digest.attach(MIMEMessage(member))
    check_invitation(load_message(digest.as_bytes()))
    with pytest.raises(NotAnIssue):
        check_invitation(member)


def test_a_poll_keeps_automatic_mail_out_of_readers_inboxes_and_goes_on(
        imap_server: Any, sqlite_context: Context, tagger: Tagger) -> None:
    add_instant_reader(sqlite_context)
    for number, (_, change) in enumerate(REFUSED, start=10):
        imap_server.deliver(_with(number, change))
    imap_server.deliver(issue_email(99))

    inbox = ImapInbox.from_settings(imap_server.settings())
    summary = poll_once(sqlite_context, inbox, tagger)
    inbox.close()

    assert (summary.counts["stored"], summary.counts["rejected"]) == (1, len(REFUSED))
    with transaction(sqlite_context.sessions) as session:
        codes = sorted(r.code for r in session.scalars(select(tables.RefusedMessage)))
        issues = session.scalars(select(tables.Issue.subject)).all()
        sent = session.scalar(select(func.count()).select_from(tables.Delivery))
    assert codes == sorted(code for code, _ in REFUSED)
    assert issues == ["Test Letter 99"]
    assert sent == 1  # the one issue's alert
