"""A mailing list's digest is cut at its messages, one story each (service/ingest/digests.py).

Before it, a plain digest's preamble ("To subscribe or unsubscribe via the World Wide Web,
visit") and its header lines ("To: …", "Subject: Digest Footer") were taken for stories and
an advisory's own boxed title and "Fix" section for two more (the twenty-sixth sweep: F1
0.125); a MIME digest was read from its first text part only, so every message after the
first was lost (the fourteenth sweep's).
"""

from __future__ import annotations

from email.message import EmailMessage

from service.ingest.digests import digest_blocks
from service.ingest.parse import parse_issue
from service.ingest.plain import plain_blocks
from service.ingest.rules import rules_for
from service.ingest.segment import by_structure, segment
from tests.test_segment_any import email

PREAMBLE = """Send tools-l mailing list submissions to
\ttools-l@lists.example.org

To subscribe or unsubscribe via the World Wide Web, visit
\thttps://lists.example.org/mailman/listinfo/tools-l
or, via email, send a message with subject or body 'help' to
\ttools-l-request@lists.example.org

Today's Topics:

   1. Release 2.1 is out (Ana Ruiz)
   2. Call for talks (Ben Okafor)
"""

MESSAGES = [
    ("[tools-l] Release 2.1 is out", """Version 2.1
===========

Version 2.1 adds streaming exports and fixes the locale bug
reported last week.

Fix
---

Upgrade with the usual command; nothing in the config changes."""),
    ("[tools-l] Call for talks", """Our spring meetup wants talks on packaging and
testing. Send an abstract of a paragraph by 3 April."""),
]

FOOTER = """Subject: Digest Footer

_______________________________________________
tools-l mailing list
tools-l@lists.example.org
https://lists.example.org/mailman/listinfo/tools-l"""


def plain_digest(messages: list[tuple[str, str]] = MESSAGES) -> str:
    rule = "\n\n" + "-" * 70 + "\n\n"
    parts = [PREAMBLE]
    for number, (subject, body) in enumerate(messages, 1):
        parts.append(f"Message: {number}\nDate: Mon, 9 Feb 2026 14:02:11 +0000\n"
                     f"From: Someone <someone@example.org>\nTo: tools-l@lists.example.org\n"
                     f"Subject: {subject}\nMessage-ID: <{number}@example.org>\n"
                     f"Content-Type: text/plain; charset=\"us-ascii\"\n\n{body}")
    parts.append(FOOTER)
    return rule.join(parts) + "\n\nEnd of tools-l Digest, Vol 3, Issue 9\n" + "*" * 40 + "\n"


def test_a_plain_digest_is_a_story_per_message_headed_by_its_subject() -> None:
    stories = segment(parse_issue(email(plain_digest(), subject="tools-l Digest, Vol 3, Issue 9")))
    # the list's tag on every subject is dropped; the preamble, the topics and the footer
    # are no stories; the message's own heading and "Fix" section are its text
    assert [s.headline for s in stories] == ["Release 2.1 is out", "Call for talks"]
    assert "Version 2.1" in stories[0].text and "nothing in the config" in stories[0].text
    assert all("unsubscribe" not in s.text and "Digest Footer" not in s.text for s in stories)
    assert "End of tools-l Digest" not in stories[1].text


def test_subjects_tagged_each_their_own_way_keep_their_tags() -> None:
    messages = [("[ANN] tidepool 2.5.0 released", "It is out, with faster joins."),
                ("Memory blowup with read_parquet", "Reading a 2 GB file takes 40 GB.")]
    stories = segment(parse_issue(email(plain_digest(messages))))
    assert [s.headline for s in stories] == [s for s, _ in messages]


def test_one_set_of_headers_is_no_digest() -> None:
    """A forwarded issue quotes its original's headers once: it is read as before."""
    body = ("---------- Forwarded message ---------\nFrom: Editor <e@example.org>\n"
            "Date: Mon, 9 Feb 2026\nSubject: The week in chips\n\nHello all.\n")
    assert digest_blocks(body, plain_blocks) is None
    assert digest_blocks(plain_digest(), plain_blocks) is not None


def test_a_header_run_needs_a_subject_and_a_sender_or_date() -> None:
    body = "\n\n".join(["Subject: one\nTo: a@example.org", "Subject: two\nTo: b@example.org",
                        "Price: 3\nSize: 4"])
    assert digest_blocks(body, plain_blocks) is None


def mime_digest(subjects: list[str], *, typed: bool = True, digest: bool = True) -> bytes:
    outer = EmailMessage()
    outer["From"] = "tools-l-request@lists.example.org"
    outer["To"] = "reader@example.test"
    outer["Subject"] = "tools-l Digest, Vol 3, Issue 9"
    outer.set_content(PREAMBLE)
    outer.make_mixed()
    container = EmailMessage()
    container.make_mixed()
    if digest:
        container.set_type("multipart/digest")
    for number, subject in enumerate(subjects):
        inner = EmailMessage()
        inner["From"] = "someone@example.org"
        inner["Subject"] = subject
        inner.set_content(f"Message {number} says something of its own, at some length.\n")
        part = EmailMessage()
        part.set_content(inner)
        container.attach(part)
    outer.attach(container)
    data = outer.as_bytes()
    # Mailman leaves a digest's parts untyped: message/rfc822 is their default (RFC 2046)
    return data if typed else data.replace(b"Content-Type: message/rfc822\n", b"")


def test_a_mime_digest_is_a_story_per_enclosed_message() -> None:
    for typed in (True, False):
        data = mime_digest(["[tools-l] Release 2.1 is out", "[tools-l] Call for talks",
                            "Digest Footer"],
                           typed=typed)
        stories = segment(parse_issue(data))
        assert [s.headline for s in stories] == ["Release 2.1 is out", "Call for talks"]
        assert "Message 1 says" in stories[1].text


def test_messages_attached_to_a_newsletter_are_not_its_stories() -> None:
    data = mime_digest(["Release 2.1 is out", "Call for talks"], digest=False)
    assert [s.headline for s in segment(parse_issue(data))] != ["Release 2.1 is out",
                                                                "Call for talks"]


def test_a_message_with_no_readable_body_loses_none_of_the_others() -> None:
    data = mime_digest(["Release 2.1 is out", "Empty", "Call for talks"])
    data = data.replace(b"Message 1 says something of its own, at some length.\n", b"")
    stories = segment(parse_issue(data))
    assert [s.headline for s in stories] == ["Release 2.1 is out", "Call for talks"]


def test_explain_names_each_message() -> None:
    issue = parse_issue(email(plain_digest()))
    stories, notes = by_structure(issue, rules_for(issue.envelope))
    assert notes == ["0. digest message: 'Release 2.1 is out'",
                     "1. digest message: 'Call for talks'"]
    assert len(stories) == 2
