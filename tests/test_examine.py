"""examine parses a message's bytes once: the envelope and the issue come from one parse."""

from __future__ import annotations

import hashlib

from service.ingest.parse import load_message, parse_issue


def email(body: str, subject: str = "A test") -> bytes:
    return (f"From: Sender <sender@example.test>\r\nSubject: {subject}\r\n"
            "Message-ID: <t-1@example.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()


def test_parse_issue_reads_the_message_it_is_given_instead_of_parsing_again() -> None:
    data = email("What the bytes say.\r\n")
    parsed = load_message(email("What the parsed message says.\r\n", subject="Parsed"))

    issue = parse_issue(data, parsed)

    assert [block.text for block in issue.blocks] == ["What the parsed message says."]
    assert issue.envelope.subject == "Parsed"
    assert issue.content_hash == hashlib.sha256(data).hexdigest()  # still of the raw bytes


def test_parse_issue_alone_still_parses_the_bytes() -> None:
    data = email("Only bytes.\r\n")
    assert parse_issue(data) == parse_issue(data, load_message(data))
