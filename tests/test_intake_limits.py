"""How much of a message intake reads (service/ingest/limits.py), from an attacker's probe:
shapes well under [inbox] max_message_bytes took minutes and gigabytes (5,000 From headers
from a stranger, 157 s of CPU with the poll held for everyone; 260,000 MIME parts, 110 s;
a table of 990,000 cells, 83 s and 1.4 GB).  Each is refused with a code, in time linear in
its size, before the email package or the HTML parser spends anything on it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from service.config import load_settings
from service.domain import RawMessage, Story, TaggedStory
from service.errors import MalformedMessage
from service.ingest import limits
from service.ingest.parse import load_message, parse_issue, said_envelope
from service.ingest.pipeline import Accepted, Refused, examine
from tests.mail import issue_email

STRANGER = (b"From: Mallory <mallory@attacker.example>\r\nSubject: x\r\n"
            b"Message-ID: <m@a.example>\r\n")


class _Tagger:
    version = "test"

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        return [TaggedStory(story, ()) for story in stories]


def _examine(data: bytes) -> Accepted | Refused:
    return examine(RawMessage(data, "test://limits"), load_settings(environ={}).sources,
                   _Tagger(), 10_000_000)


@pytest.mark.parametrize("headers", [
    # a stranger's From headers shaped for the address parser: refused before any is parsed
    b"".join(b"From: " + b"@a," * 600 + b"\r\n" for _ in range(limits.MAX_HEADER_FIELDS + 1)),
    b"X-Filler: " + b"a" * (limits.MAX_HEADER_BYTES + 10) + b"\r\n",
])
def test_a_header_section_over_the_limits_is_refused_unparsed(headers: bytes) -> None:
    outcome = _examine(STRANGER + headers + b"\r\nhi\r\n")
    assert isinstance(outcome, Refused) and outcome.error.code == "headers-too-large"
    # who sent it is still recorded, from the first fields alone
    assert outcome.envelope is not None and outcome.envelope.sender == "mallory@attacker.example"


def test_many_header_fields_under_the_limit_are_read() -> None:
    received = b"".join(b"Received: from relay%d.example by mx.example\r\n" % n
                        for n in range(200))
    assert isinstance(_examine(received + issue_email(3)), Accepted)


def _trusted_mime(parts: int, digest: bool = False) -> bytes:
    head = issue_email(4).split(b"\nContent-Type", 1)[0]
    kind = b"multipart/digest" if digest else b"multipart/mixed"
    part = (b"\r\nFrom: someone@example.test\r\n\r\nOne message.\r\n" if digest
            else b"Content-Type: text/plain\r\n\r\nOne part.\r\n")
    body = b"".join(b"--b\r\n" + part for _ in range(parts)) + b"--b--\r\n"
    return (head + b"\nMIME-Version: 1.0\r\nContent-Type: " + kind
            + b'; boundary="b"\r\n\r\n' + body)


@pytest.mark.parametrize(("parts", "digest"), [(limits.MAX_PARTS + 1, False),
                                               (limits.MAX_DASH_LINES + 1, True)])
def test_a_message_of_too_many_mime_parts_is_refused_before_they_are_parsed(
        parts: int, digest: bool) -> None:
    with pytest.raises(MalformedMessage) as refused:
        load_message(_trusted_mime(parts, digest))
    assert refused.value.code == "too-complex"
    assert load_message(_trusted_mime(parts, digest), headers_only=True)  # who sent it: read


def _alternative(html: str, plain: str | None) -> bytes:
    from email.message import EmailMessage
    message = EmailMessage()
    message["From"], message["Subject"] = "Letter <letter@example.test>", "An issue"
    if plain is not None:
        message.set_content(plain)
        message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    return bytes(message)


def test_html_of_too_many_tags_is_left_for_the_plain_part_or_refused() -> None:
    table = "<table><tr>" + "<td>a</td>" * (limits.MAX_TAGS // 2 + 1) + "</tr></table>"
    issue = parse_issue(_alternative(table, "Harbour news\n\nThe plan passed on Tuesday."))
    assert [b.text for b in issue.blocks] == ["Harbour news", "The plan passed on Tuesday."]
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(_alternative(table, None))
    assert refused.value.code == "too-complex"
    attributes = "<p " + " ".join(f"a{n}=1" for n in range(limits.MAX_ATTRIBUTES + 1)) + ">x</p>"
    with pytest.raises(MalformedMessage):
        parse_issue(_alternative(attributes, None))


def _plain_only(text: str) -> bytes:
    from email.message import EmailMessage
    message = EmailMessage()
    message["From"], message["Subject"] = "Letter <letter@example.test>", "An issue"
    message.set_content(text)
    return bytes(message)


def test_plain_text_of_too_many_lines_is_refused() -> None:
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(_plain_only("line\n" * (limits.MAX_LINES + 1)))
    assert refused.value.code == "too-complex"
    lines = "\n".join(f"Line {n} of a long plain letter." for n in range(2_000))
    assert parse_issue(_plain_only(lines)).blocks


def test_the_record_of_a_refusal_reads_only_the_first_header_bytes() -> None:
    data = STRANGER + b"X-Filler: a\r\n" * 2_000_000 + b"\r\nhi\r\n"
    said = said_envelope(data)
    assert said is not None and said.sender == "mallory@attacker.example"
    # a header past the first bytes is never read (it was: 384 MiB for a million fields)
    late = b"X-Filler: a\r\n" * 30_000 + b"Subject: read too far\r\n" + data
    assert said_envelope(late) is not None
    assert said_envelope(late).subject == ""  # type: ignore[union-attr]


def test_a_story_is_stored_cut_to_a_length_its_links_too() -> None:
    """An attacker's probe: one 3 MB story made its archive page 14.8 MB of HTML and 3 s of
    CPU for each request, anyone's; the longest labeled story is under 10,000 characters."""
    from service.ingest.finish import LINKS_MAX, TEXT_MAX_CHARS
    from service.ingest.segment import segment

    links = "".join(f'<a href="https://x.example/{n}">link {n}</a> ' for n in range(1_000))
    body = f"<h2>One long story</h2><p>{'the harbour plan passed again ' * 100_000}{links}</p>"
    [story] = segment(parse_issue(_alternative(body, None)))
    assert TEXT_MAX_CHARS - 40 < len(story.text) <= TEXT_MAX_CHARS
    assert story.text.endswith("again…")
    assert len(story.links) == LINKS_MAX
    short = segment(parse_issue(_alternative("<h2>A story</h2><p>It passed.</p>", None)))
    assert short[0].text.endswith("It passed.")
