"""examine parses a message's bytes once for the issue, and only a trusted sender's."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from service.config import load_settings
from service.domain import RawMessage, Story, TaggedStory
from service.ingest.parse import load_message, parse_issue
from service.ingest.pipeline import Accepted, Refused, examine
from tests.mail import issue_email


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


def _nested(depth: int) -> bytes:
    part = b"Content-Type: text/plain\r\n\r\nhi\r\n"
    for level in range(depth):
        part = (f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'
                .encode() + part + f"\r\n--b{level}--\r\n".encode())
    return part


def test_a_stranger_s_body_is_never_parsed() -> None:
    """A read-only review: the whole MIME tree was parsed before the sender was checked, so
    a stranger's million empty parts took 80 s and 431 MB only to be refused.  The sender
    is read from the headers alone: a body the parser cannot even read is refused for who
    sent it, not for its shape."""
    data = (b"From: Mallory <mallory@attacker.example>\r\nSubject: x\r\n"
            b"Message-ID: <n-1@attacker.example>\r\nMIME-Version: 1.0\r\n" + _nested(3000))
    outcome = examine(RawMessage(data, "test://nested"), load_settings(environ={}).sources,
                      _NoTagger(), 10_000_000)
    assert isinstance(outcome, Refused) and outcome.error.code == "untrusted-sender"
    assert outcome.envelope is not None and outcome.envelope.sender == "mallory@attacker.example"


def test_a_message_the_parser_refuses_is_recorded_with_who_sent_it() -> None:
    """An operator's review: a Content-Type too long to parse left the refusal with no
    sender, subject or Message-ID, so `refused` could not say whose it was."""
    data = (b"From: Mallory <mallory@attacker.example>\r\nSubject: A long one\r\n"
            b"Message-ID: <n-2@attacker.example>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; " + b"a=b; " * 1000 + b"\r\n\r\nhi\r\n")
    outcome = examine(RawMessage(data, "test://long"), load_settings(environ={}).sources,
                      _NoTagger(), 10_000_000)
    assert isinstance(outcome, Refused) and outcome.error.code == "header-too-long"
    assert outcome.envelope is not None
    assert (outcome.envelope.sender, outcome.envelope.subject, outcome.envelope.message_id) == (
        "mallory@attacker.example", "A long one", "<n-2@attacker.example>")


class _NoTagger:
    version = "none"

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        raise AssertionError("a refused message is never tagged")


def test_an_issue_of_more_stories_than_the_limit_is_refused_before_tagging() -> None:
    """An operator's review: a trusted sender's 9 MB issue of 11,920 stories took 83 s and
    580 MB to tag and store, and made a 25 MB alert no SMTP server would take."""
    stories = [(f"Harbour item number {n} reaches the council", TALE) for n in range(12)]
    raw = RawMessage(issue_email(1, stories=stories), "test://many")
    sources = load_settings(environ={}).sources
    outcome = examine(raw, sources, _NoTagger(), 10_000_000, max_stories=10)
    assert isinstance(outcome, Refused) and outcome.error.code == "too-many-stories"
    assert "12 stories" in str(outcome.error) and "[segment] max_stories" in str(outcome.error)
    assert isinstance(examine(raw, sources, _Tagger(), 10_000_000, max_stories=12), Accepted)


TALE = ("The council heard the plan on Tuesday and asked for a second reading next month, "
        "after residents raised the cost of the work and the time it would take.")


class _Tagger:
    version = "test"

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        return [TaggedStory(story, ()) for story in stories]
