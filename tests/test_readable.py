"""A body whose encoding is garbage is refused (undecodable-body), not stored as mojibake."""

from __future__ import annotations

import base64
import random

import pytest

from service.errors import MalformedMessage
from service.ingest.parse import parse_issue
from service.ingest.readable import MAX_UNREADABLE_SHARE, check_readable, unreadable_share
from tests.conftest import SHARED

BOUNDARY = "b0undary"


def two_parts(html: bytes, plain: bytes) -> bytes:
    """multipart/alternative: a base64 HTML part given as is, and a good text part."""
    return (
        "From: Sender <sender@example.test>\r\nSubject: A test\r\n"
        "Message-ID: <r-1@example.test>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/alternative; boundary="{BOUNDARY}"\r\n\r\n'
        f"--{BOUNDARY}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode() + plain + (
        f"\r\n--{BOUNDARY}\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + html + f"\r\n--{BOUNDARY}--\r\n".encode()


def garbage(seed: int, size: int = 2000) -> bytes:
    return base64.encodebytes(random.Random(seed).randbytes(size))


def test_a_garbage_html_part_gives_way_to_the_readable_text_part() -> None:
    issue = parse_issue(two_parts(garbage(1), b"Robots fold laundry.\r\n\r\nA second story."))
    assert [block.text for block in issue.blocks] == ["Robots fold laundry.", "A second story."]


@pytest.mark.parametrize("seed", range(5))
def test_a_body_of_random_bytes_is_refused_with_the_reason(seed: int) -> None:
    with pytest.raises(MalformedMessage) as err:
        noise = random.Random(seed).randbytes(300).replace(b"-", b"x")
        parse_issue(two_parts(garbage(seed), noise))
    assert err.value.code == "undecodable-body"
    assert "undecodable or control characters" in err.value.reason


@pytest.mark.parametrize("text", ["caf\ufffd ok", "Tabs\tand\r\nnewlines\x0c and a form feed",
                                  "Ünïcödé, 中文, emoji 🤖 and — dashes"])
def test_real_text_with_a_stray_bad_byte_is_kept(text: str) -> None:
    assert check_readable(text) == text


def test_every_real_email_in_the_shared_corpus_reads_as_text() -> None:
    from email import policy
    from email.parser import BytesParser

    shares = []
    for path in sorted((SHARED / "data").glob("**/*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_type() in ("text/html", "text/plain"):
                shares.append(unreadable_share(part.get_content()))
    assert len(shares) > 100 and max(shares) < MAX_UNREADABLE_SHARE / 10
