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


RULE = "-" * 70


def test_letters_quoted_one_after_another_are_no_digest() -> None:
    """Each message's headers follow a line of dashes: two letters quoted in a newsletter,
    or an Apple Mail forward, are not a digest (they were, and the lead story was lost:
    the review)."""
    body = ("WEEKLY ROUNDUP\n\nTop story: the council passed the budget.\n\n"
            "Two readers wrote in:\n\nFrom: Jane <j@example.org>\nDate: Mon, 2 Feb 2026\n"
            "Subject: Parking\n\nI think the new rules are fine.\n\n"
            "From: Bob <b@example.org>\nDate: Tue, 3 Feb 2026\nSubject: Re: Parking\n\n"
            "I disagree.\n\nSPORTS\n\nThe local team won.\n")
    assert digest_blocks(body, plain_blocks) is None


def test_a_quoted_email_inside_a_message_does_not_split_it() -> None:
    quoted = ("Quoting the original:\n\nFrom: z@example.org\nDate: Sun, 1 Feb 2026\n"
              "Subject: Old thing\n\nold text\n\nMy reply here.")
    stories = segment(parse_issue(email(plain_digest([("First", quoted),
                                                      ("Second", "Another message.")]))))
    assert [s.headline for s in stories] == ["First", "Second"]
    assert "My reply here." in stories[0].text


def test_any_header_may_be_among_a_message_s_and_a_subject_may_be_missing() -> None:
    text = (f"Preamble of the list.\n\n{RULE}\n\nMessage: 1\nFrom: a@example.org\n"
            f"Organization: ACME\nSubject: First\n\nThe first message.\n\n{RULE}\n\n"
            f"Message: 2\nFrom: b@example.org\nDate: Mon, 2 Feb 2026\n\nNo subject here."
            f"\n\n{RULE}\n\nSubject: Digest Footer\n\nlist mailing list\n")
    stories = segment(parse_issue(email(text)))
    assert [s.headline for s in stories] == ["First", "(no subject)"]
    assert "list mailing list" not in stories[1].text


def test_the_footer_is_the_footer_only_after_a_line_of_dashes() -> None:
    """A message that talks about "Subject: Digest Footer" keeps its text, and the messages
    after it are kept (they were all lost: the review)."""
    body = "How do I change the\n\nSubject: Digest Footer\n\nof my list?"
    stories = segment(parse_issue(email(plain_digest([("Mailman question", body),
                                                      ("Second", "Another message."),
                                                      ("Third", "And one more.")]))))
    assert [s.headline for s in stories] == ["Mailman question", "Second", "Third"]
    assert "of my list?" in stories[0].text


def test_a_long_folded_header_is_read_in_linear_time() -> None:
    folded = "From: a@example.org\nSubject: x\n" + " a\n" * 200_000
    text = f"{RULE}\n\n{folded}\nBody.\n\n{RULE}\n\nFrom: b@example.org\nSubject: y\n\nMore."
    blocks = digest_blocks(text, plain_blocks)  # (quadratic: 4 s a megabyte; now milliseconds)
    assert blocks is not None and blocks[0].text.startswith("x a a")
    assert len(blocks[0].text) <= 300


def mime_digest(subjects: list[str], *, typed: bool = True, digest: bool = True,
                first_html: str = "") -> bytes:
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
        if number == 0 and first_html:
            inner.set_content(first_html, subtype="html")
        else:
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
    """...and is its Subject alone: "[ANN] v2 released" is news."""
    data = mime_digest(["Release 2.1 is out", "Empty", "Call for talks"])
    data = data.replace(b"Message 1 says something of its own, at some length.\n", b"")
    stories = segment(parse_issue(data))
    assert [s.headline for s in stories] == ["Release 2.1 is out", "Empty", "Call for talks"]
    assert stories[1].text == "Empty"


def test_one_member_s_long_subject_loses_none_of_the_others() -> None:
    """A 2,100-character Subject refused the whole digest (header-too-long: the review)."""
    stories = segment(parse_issue(mime_digest(["Release 2.1 is out", "x" * 2100,
                                               "Call for talks"])))
    # (its raw text, cut: the header reader's fallback for a header it refuses)
    assert [s.headline for s in stories][::2] == ["Release 2.1 is out", "Call for talks"]
    assert "xxxxxxxxxx" in stories[1].headline and len(stories[1].headline) <= 300


def test_a_digest_inside_a_digest_s_message_is_that_message_s_text() -> None:
    """Nested digests were read one level per recursion, to a RecursionError at 250 levels,
    and flattened, the message holding the inner digest lost (the review)."""
    inner = parse_issue(mime_digest(["Inner one", "Inner two"]))
    assert [s.headline for s in segment(inner)] == ["Inner one", "Inner two"]
    outer = EmailMessage()
    outer["From"] = "list@example.org"
    outer["Subject"] = "Nested"
    outer.make_mixed()
    digest = EmailMessage()
    digest.make_mixed()
    digest.set_type("multipart/digest")
    nested = EmailMessage()
    nested["Subject"] = "Level 0"
    nested.set_content("Level 0's own text.\n")
    for depth in range(30):
        wrapper = EmailMessage()
        wrapper["Subject"] = f"Level {depth + 1}"
        wrapper.make_mixed()
        box = EmailMessage()
        box.make_mixed()
        box.set_type("multipart/digest")
        for message in (nested, _message("Leaf")):
            part = EmailMessage()
            part.set_content(message)
            box.attach(part)
        wrapper.attach(box)
        nested = wrapper
    for message in (nested, _message("Sibling")):
        part = EmailMessage()
        part.set_content(message)
        digest.attach(part)
    outer.attach(digest)
    stories = segment(parse_issue(outer.as_bytes()))
    assert [s.headline for s in stories] == ["Level 30", "Sibling"]


def _message(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message.set_content(f"{subject}'s text.\n")
    return message


def test_explain_names_each_message() -> None:
    issue = parse_issue(email(plain_digest()))
    stories, notes = by_structure(issue, rules_for(issue.envelope))
    assert notes == ["0. digest message: 'Release 2.1 is out'",
                     "1. digest message: 'Call for talks'"]
    assert len(stories) == 2


def test_a_digest_of_one_message_is_read_as_that_message() -> None:
    """A weekly post sent through a list arrives as a digest of one message and the
    footer: its items are the stories, as before digests were read (the eighteenth
    sweep's; the footer counted as a second message and the post became one story)."""
    post = ("Hi all, three items this week.\n\n"
            "[1] OpenSSH 10.2 released with a fix for ProxyJump\n"
            "    https://openssh.example/release-10.2\n\n"
            "    A hostname passed to ProxyJump could inject shell commands.\n\n"
            "[2] PyPI adds mandatory 2FA for organization owners\n"
            "    https://pypi.example/org-2fa\n\n"
            "    Owner accounts must enable two-factor authentication by December 31.\n\n"
            "[3] Go 1.25.4 fixes a crypto/x509 denial of service\n"
            "    https://go.example/go1.25.4\n\n"
            "    Parsing certain malformed certificates could consume excessive CPU.")
    assert digest_blocks(plain_digest([("[oss] This week in security", post)]),
                         plain_blocks) is None


def test_the_list_s_footer_is_no_message_s_text_even_unnamed() -> None:
    last = ("Another message.\n\n_______________________________________________\n"
            "tools-l mailing list -- tools-l@lists.example.org\n"
            "To unsubscribe send an email to tools-l-leave@lists.example.org")
    stories = segment(parse_issue(email(plain_digest([("First", "The first message."),
                                                      ("Second", last)]))))
    assert [s.headline for s in stories] == ["First", "Second"]
    assert "unsubscribe" not in stories[1].text and "Another message." in stories[1].text


def test_a_mime_digest_of_one_message_and_the_footer_is_that_message() -> None:
    """Its items are the stories, not the list's preamble in the first text part."""
    post = ("<h2>OpenSSH 10.2 fixes ProxyJump</h2><p>A hostname passed to ProxyJump could "
            "inject shell commands.</p><h2>PyPI requires 2FA for owners</h2><p>Owner "
            "accounts must enable two-factor authentication by December 31.</p>"
            "<h2>Go 1.25.4 fixes an x509 denial of service</h2><p>Parsing some malformed "
            "certificates could take minutes of CPU.</p>")
    data = mime_digest(["This week in security", "Digest Footer"], first_html=post)
    headlines = [s.headline for s in segment(parse_issue(data))]
    # cut as the same post sent as a newsletter is
    alone = [s.headline for s in segment(parse_issue(email(post, html=True)))]
    assert headlines == alone and "PyPI requires 2FA for owners" in headlines


def test_a_newsletter_with_a_digest_attached_is_that_newsletter() -> None:
    """A one-message digest attached to an HTML newsletter replaced its stories (the
    review): the digest is read only where nothing outside it is HTML."""
    outer = EmailMessage()
    outer["From"] = "editor@weekly.example"
    outer["Subject"] = "Weekly"
    stories = "".join(f"<h2>{h}</h2><p>{h} happened this week, and here is what it means for "
                      f"the city and its residents.</p>"
                      for h in ("Council passes the budget", "Transit adds late buses",
                                "Library opens on Sundays"))
    outer.set_content(stories, subtype="html")
    outer.make_mixed()
    digest = EmailMessage()
    digest.make_mixed()
    digest.set_type("multipart/digest")
    part = EmailMessage()
    part.set_content(_message("Re: your last issue"))
    digest.attach(part)
    outer.attach(digest)
    headlines = [s.headline for s in segment(parse_issue(outer.as_bytes()))]
    assert headlines == ["Council passes the budget", "Transit adds late buses",
                         "Library opens on Sundays"]


def test_another_list_s_footer_inside_a_message_does_not_cut_it() -> None:
    forwarded = ("Forwarding the announcement from the bar list:\n\n"
                 "_______________________________________________\n"
                 "bar-announce mailing list\nbar-announce@lists.example.org\n\n"
                 "Version 2.0 is out, with a new plugin API.")
    stories = segment(parse_issue(email(plain_digest([("Fwd: bar 2.0", forwarded),
                                                      ("Second", "Another message.")]))))
    assert "Version 2.0 is out" in stories[0].text
