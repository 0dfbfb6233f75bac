"""Emails written for the tests: good issues in our own words, and broken ones.

Nothing here is newsletter text. ``broken_corpus`` is the bad-input corpus of
issue 2: every entry must end stored as a failure or rejection with a reason.
"""

from __future__ import annotations

import base64
import random
import textwrap
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart

TRUSTED = "importai@substack.com"
DKIM_PASS = "mx.example.test; dkim=pass header.d=substack.com; spf=pass"

STORIES = [
    ("Lawmakers propose export controls on advanced AI chips",
     "The Commerce Department would license every shipment of data-center GPUs abroad, "
     "and a congressional committee wants a yearly report on enforcement."),
    ("A startup trains a humanoid robot to fold laundry",
     "The robot learned manipulation from teleoperated demonstrations and transfers "
     "from simulation to a real home with a dexterous two-fingered gripper."),
    ("Researchers red-team a chatbot and find new jailbreaks",
     "The red team got the model to give step-by-step misuse instructions, so the lab "
     "retrained it for harmlessness and published its safety evaluations."),
]


def issue_email(number: int, *, sender: str = TRUSTED, message_id: str | None = "auto",
                stories: list[tuple[str, str]] | None = None, date: str | None = None) -> bytes:
    """A small, well-formed issue in the Substack shape (bold headline, italic subhead)."""
    parts = ["<p>Welcome to the test letter. Subscribe for more.</p>"]
    for i, (headline, body) in enumerate(stories or STORIES):
        if i:
            parts.append("<p>####################################################</p>")
        parts.append(f"<p><strong>{headline}:<br /></strong><em>…a subhead for story "
                     f"{i}…<br /></em> {body}</p>")
        parts.append(f'<p><strong>Read more</strong>: <a href="https://example.org/{number}/{i}">'
                     f"the paper</a>.</p>")
    message = EmailMessage()
    message["From"] = f"Test Letter <{sender}>"
    message["To"] = "inbox@example.test"
    message["Subject"] = f"Test Letter {number}"
    message["Date"] = date or f"Mon, {1 + number % 27:02d} Jan 2024 10:00:00 +0000"
    if message_id == "auto":
        message["Message-ID"] = f"<test-issue-{number}@example.test>"
    elif message_id:
        message["Message-ID"] = message_id
    message["Authentication-Results"] = DKIM_PASS
    message.set_content("plain text version")
    message.add_alternative("<html><body>" + "\n".join(parts) + "</body></html>", subtype="html")
    return bytes(message)


def _headers(subject: str, message_id: str, content_type: str = "") -> str:
    lines = [f"From: {TRUSTED}", "To: inbox@example.test", f"Subject: {subject}",
             "Date: Mon, 01 Jan 2024 10:00:00 +0000", f"Message-ID: {message_id}",
             f"Authentication-Results: {DKIM_PASS}",
             "MIME-Version: 1.0"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    return "\r\n".join(lines) + "\r\n"


def _only_attachments() -> bytes:
    outer = MIMEMultipart("mixed")
    for key, value in (("From", TRUSTED), ("Subject", "only attachments"),
                       ("Message-ID", "<bad-attachments@example.test>"),
                       ("Authentication-Results", DKIM_PASS)):
        outer[key] = value
    outer.attach(MIMEApplication(b"%PDF-1.4 not really", "pdf", Name="issue.pdf"))
    outer.attach(MIMEApplication(b"\x00\x01\x02", "octet-stream", Name="blob.bin"))
    return outer.as_bytes()


def _huge(size: int) -> bytes:
    line = "A story that goes on and on, far past any newsletter's length.\n"
    body = line * (size // len(line) + 1)
    return (_headers("huge", "<bad-huge@example.test>", "text/plain; charset=utf-8")
            + "\r\n" + body).encode()


def broken_corpus(huge_bytes: int = 20_000_000) -> dict[str, tuple[bytes, set[str]]]:
    """name -> (raw message, the refusal codes that count as a clear answer)."""
    boundary = "XYZ"
    return {
        "no-body": ((_headers("no body", "<bad-nobody@example.test>") + "\r\n").encode(),
                    {"no-body", "empty-body"}),
        "only-attachments": (_only_attachments(), {"only-attachments", "no-body"}),
        "invalid-charset": (
            (_headers("bad charset", "<bad-charset@example.test>",
                      "text/html; charset=x-no-such-charset")
             + "\r\n").encode() + b"<p>\xff\xfe\x80 broken \xc3\x28 bytes \xa0\xa1</p>",
            {"bad-charset"}),
        "truncated-mime": (
            (_headers("truncated", "<bad-truncated@example.test>",
                      f'multipart/alternative; boundary="{boundary}"')
             + f"\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\nPGh0bWw+PGJvZHk+PHA").encode(),
            {"truncated", "no-body", "empty-body", "no-stories", "bad-encoding"}),
        "html-only-scripts": (
            (_headers("scripts only", "<bad-scripts@example.test>", "text/html; charset=utf-8")
             + "\r\n<html><body><script>alert('x')</script><script>steal()</script>"
               "<style>p{}</style></body></html>").encode(),
            {"empty-body", "no-body", "no-stories"}),
        "html-the-parser-rejects": (
            (_headers("rejected html", "<bad-markup@example.test>", "text/html; charset=utf-8")
             + "\r\n<p>A story.</p><![>").encode(),
            {"bad-html"}),
        "no-message-id-untrusted": (
            issue_email(900, sender="phish@evil.test", message_id=None), {"untrusted-sender"}),
        # (a Subject wrapped without folding: the List-Id and Content-Type after it were lost)
        "headers-cut-short": (
            (_headers("wrapped,\r\nnot folded", "<bad-cut@example.test>",
                      "text/html; charset=utf-8")
             + "\r\n<h2>A story</h2><p>Its text.</p>").encode(),
            {"malformed-headers"}),
        "not-an-email": (b"\x00\x01 this is not an email at all \xff" * 10,
                         {"untrusted-sender", "no-sender", "unparseable", "no-body"}),
        "huge": (_huge(huge_bytes), {"too-large"}),
        "garbage-base64": (_base64_html("<bad-base64@example.test>",
                                        "Th!s is ~not~ base64 at all; " * 60),
                           {"undecodable-body"}),
        "random-bytes-base64": (_base64_html("<bad-random@example.test>",
                                             _encoded(random.Random(11).randbytes(3000))),
                                {"undecodable-body"}),
    }


def _encoded(data: bytes) -> str:
    return "\r\n".join(textwrap.wrap(base64.b64encode(data).decode(), 76))


def _base64_html(message_id: str, body: str) -> bytes:
    """An HTML-only message whose base64 body decodes to bytes that are no text."""
    return (_headers("garbage base64", message_id, "text/html; charset=utf-8")
            + "Content-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n").encode()
