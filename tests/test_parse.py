"""Parse stage: MIME bytes to an Issue of Blocks, and every way a message is refused."""

from __future__ import annotations

import base64
import hashlib
import logging
import quopri
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest

from service.domain import Block
from service.errors import MalformedMessage
from service.ingest.parse import load_message, parse_issue, read_envelope
from service.ingest.stub_html import plain_instead

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parse"


def single_part(body: bytes, content_type: str = "text/plain; charset=utf-8",
                encoding: str = "8bit", headers: str = "") -> bytes:
    head = (
        "From: Sender <sender@example.test>\r\n"
        "Subject: A test\r\n"
        "Message-ID: <t-1@example.test>\r\n"
        f"{headers}"
        "MIME-Version: 1.0\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode("ascii") + body


def texts(data: bytes) -> list[str]:
    return [block.text for block in parse_issue(data).blocks]


# ---- charsets and transfer encodings --------------------------------------------------------


def test_latin1_body_is_decoded() -> None:
    body = "Café au lait, déjà vu.".encode("latin-1")
    assert texts(single_part(body, "text/plain; charset=iso-8859-1")) == ["Café au lait, déjà vu."]


def test_windows_1252_smart_quotes_are_decoded() -> None:
    body = "\u201cQuoted\u201d \u2013 and \u20ac5".encode("cp1252")
    assert texts(single_part(body, "text/plain; charset=windows-1252")) == ["“Quoted” – and €5"]


def test_utf8_quoted_printable_html() -> None:
    html = "<p>Naïve café – “smart” quotes</p>".encode()
    data = single_part(quopri.encodestring(html), "text/html; charset=utf-8", "quoted-printable")
    assert texts(data) == ["Naïve café – “smart” quotes"]


def test_utf8_base64_html() -> None:
    html = "<p>Grüße aus Köln</p><p>Zweiter Absatz</p>".encode()
    data = single_part(base64.encodebytes(html), "text/html; charset=utf-8", "base64")
    assert texts(data) == ["Grüße aus Köln", "Zweiter Absatz"]


def test_unknown_charset_label_is_read_when_content_is_utf8() -> None:
    data = single_part("Ünïcode still".encode(), "text/plain; charset=x-no-such-charset")
    assert texts(data) == ["Ünïcode still"]


def test_an_undecodable_html_part_gives_way_to_a_readable_plain_part() -> None:
    data = single_part(
        b"--b\r\nContent-Type: text/html; charset=x-martian\r\n\r\n<p>\xff\xfe\xfa</p>\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nReadable.\r\n--b--\r\n",
        'multipart/alternative; boundary="b"',
    )
    assert texts(data) == ["Readable."]


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=us-ascii"])
def test_8bit_text_without_a_real_charset_is_read_as_windows_1252(content_type: str) -> None:
    body = "Café “robots” – déjà".encode("cp1252")
    assert texts(single_part(body, content_type)) == ["Café “robots” – déjà"]


def test_a_body_read_with_replacements_is_named_in_the_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    # (an operator's probe: "body is not valid utf-8" alone did not say which message)
    data = single_part("déjà caf".encode() + b"\xe9 ok", "text/plain; charset=utf-8")
    with caplog.at_level(logging.WARNING, logger="service.ingest.parse"):
        parse_issue(data)
    assert "<t-1@example.test>: body is not valid utf-8" in caplog.text


def test_wrong_declared_charset_is_read_as_windows_1252_or_with_replacements() -> None:
    # no UTF-8 in it at all: Latin-1 under the wrong label (test_parse_hostile has more)
    assert texts(single_part(b"caf\xe9 ok", "text/plain; charset=utf-8")) == ["café ok"]
    # UTF-8 with one bad byte: the bad byte replaced
    data = single_part("déjà caf".encode() + b"\xe9 ok", "text/plain; charset=utf-8")
    assert texts(data) == ["déjà caf\ufffd ok"]


# ---- HTML structure -------------------------------------------------------------------------


def test_bold_lead_and_italic_subhead_are_kept() -> None:
    html = (b"<p><strong>Robots learn to fold shirts:<br></strong><em>\xe2\x80\xa6A laundry "
            b"milestone\xe2\x80\xa6<br></em>Researchers taught a robot.</p>"
            b"<p><strong>Why this matters:</strong> Laundry is hard.</p>")
    first, second = parse_issue(single_part(html, "text/html; charset=utf-8")).blocks
    assert (first.lead, first.subhead) == ("Robots learn to fold shirts:", "…A laundry milestone…")
    assert first.text.split("\n") == [first.lead, first.subhead, "Researchers taught a robot."]
    assert (second.lead, second.subhead) == ("Why this matters:", "")


@pytest.mark.parametrize("separator", [
    "<hr>", '<hr class="separator">', "<p>####################</p>",
    "<p><strong>#####</strong></p>", "<p>**####  </p>", "<p>***</p>", "<p>**</p>",
    "<p>.***</p>", "<p>$$$</p>", "<p>SEPARATORPLACEHOLDER</p>",
])
def test_each_separator_shape_becomes_a_rule(separator: str) -> None:
    html = f"<p>Before.</p>{separator}<p>After.</p>".encode()
    blocks = parse_issue(single_part(html, "text/html; charset=utf-8")).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Before."), ("rule", ""), ("paragraph", "After.")
    ]


def test_separator_glued_to_a_paragraph_is_split_off() -> None:
    html = b"<p>Before.</p><p>SEPARATORPLACEHOLDER\n<strong>Next headline:</strong><br>Body.</p>"
    blocks = parse_issue(single_part(html, "text/html; charset=utf-8")).blocks
    assert [b.kind for b in blocks] == ["paragraph", "rule", "paragraph"]
    assert blocks[2].lead == "Next headline:"


def test_scripts_styles_comments_hidden_text_and_pixels_are_dropped() -> None:
    html = (b"<html><head><style>p{color:red}</style><script>var leak = 'SCRIPT';</script>"
            b"</head><body><div style='display: none'>HIDDEN preview</div>"
            b"<!-- COMMENT --><p>Visible<script>document.write('INLINE')</script> text."
            b"<img src='https://t.example/p.gif' width='1' height='1' alt='PIXEL'></p>"
            b"<noscript>NOSCRIPT</noscript></body></html>")
    blocks = texts(single_part(html, "text/html; charset=utf-8"))
    assert blocks == ["Visible text."]


def test_only_web_and_mail_links_are_kept_and_the_drop_is_said(
        caplog: pytest.LogCaptureFixture) -> None:
    html = (b'<p><a href="https://a.example/x">web</a> <a href="mailto:me@a.example">mail</a> '
            b'<a href="javascript:alert(1)">script</a> <a href="data:text/html,hi">data</a></p>')
    with caplog.at_level(logging.INFO, logger="service.ingest.body"):
        (block,) = parse_issue(single_part(html, "text/html; charset=utf-8")).blocks
    assert [(link.text, link.url) for link in block.links] == [
        ("web", "https://a.example/x"), ("mail", "mailto:me@a.example")
    ]
    assert "dropped 2 link(s) not http, https or mailto, e.g. 'javascript:alert(1)'" in caplog.text


def test_headings_and_list_items_keep_their_kind() -> None:
    html = b"<h2>Section</h2><ul><li><p>One</p></li><li>Two</li></ul>"
    blocks = parse_issue(single_part(html, "text/html; charset=utf-8")).blocks
    assert [(b.kind, b.text, b.lead) for b in blocks] == [
        ("heading", "Section", "Section"), ("list_item", "One", ""), ("list_item", "Two", "")
    ]


# ---- text/plain fallback --------------------------------------------------------------------


def test_text_only_message_falls_back_to_plain_paragraphs_and_rules() -> None:
    blocks = parse_issue((FIXTURES / "text-only.eml").read_bytes()).blocks
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "rule", "paragraph"]
    assert blocks[1].text.split("\n")[:2] == [
        "Bees prefer blue flowers:", "…A small field study with a clear result…"
    ]
    assert [link.url for link in blocks[1].links] == ["https://tiny.example/bees"]


def test_plain_part_is_used_when_the_html_part_is_empty() -> None:
    boundary = "b-1"
    data = single_part(
        (f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
         "<html><body><script>x()</script></body></html>\r\n"
         f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         f"Plain words.\r\n--{boundary}--\r\n").encode(),
        f'multipart/alternative; boundary="{boundary}"',
    )
    assert texts(data) == ["Plain words."]


PLAIN_ISSUE = "\r\n\r\n".join(
    f"{title}\r\n{'The council met late and the vote came after a long public comment. ' * 3}"
    for title in ("Warehouse robot learns to pick soft fruit", "A new training cluster opens",
                  "Senate committee advances the liability bill"))


@pytest.mark.parametrize(("html", "plain_read"), [
    # a stub: the web version's link, banners and the unsubscribe line (an operator's probe:
    # refused as no-stories, or cut as one story under the subject)
    ('<p><a href="https://x.example/web">View this email in your browser</a></p>'
     '<img src="https://x.example/b.png" alt=""><p><a href="https://x.example/u">'
     "Unsubscribe</a></p>", True),
    ("<p>View this issue online</p>", True),
    # an HTML part that holds the issue as the plain part does
    ("".join(f"<h2>{line}</h2>" if i % 2 == 0 else f"<p>{line}</p>"
             for i, line in enumerate(PLAIN_ISSUE.replace("\r\n\r\n", "\r\n").split("\r\n"))),
     False),
])
def test_a_stub_html_part_gives_way_to_the_plain_part(html: str, plain_read: bool) -> None:
    data = single_part(
        (f"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
         f"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{PLAIN_ISSUE}\r\n"
         "--b--\r\n").encode(), 'multipart/alternative; boundary="b"')
    blocks = parse_issue(data).blocks
    assert any("Warehouse robot" in b.text for b in blocks)
    assert any(b.kind == "heading" for b in blocks) is not plain_read  # (only HTML has them)


HTML_ISSUE = "".join(
    f'<h2><a href="https://a.example/{n}">{title}</a></h2><p>{text}</p>' for n, (title, text) in
    enumerate([("Robot picks soft fruit", "A warehouse robot picked strawberries unbruised."),
               ("New cluster opens", "The lab opened a cluster of accelerators in Iowa."),
               ("Liability bill advances", "A Senate committee advanced the bill 14 to 9.")]))
TRACKED = "https://click.example/link/c/" + "YT0xNjQ4NzE5" * 30


@pytest.mark.parametrize("plain", [
    # the same stories, each line followed by its tracking address (the review: the plain
    # part's length was mostly addresses, and a real HTML issue was read from it)
    "\r\n\r\n".join(f"Story {n}\r\n<{TRACKED}{n}>\r\nA line of the story." for n in range(6)),
    # a signature and a footer only
    "-- \r\nThe editors\r\n" + "Sent to you because you asked for it. " * 40,
])
def test_an_html_issue_keeps_its_html_beside_a_plain_part_of_addresses_or_a_footer(
        plain: str) -> None:
    data = single_part(
        (f"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{HTML_ISSUE}\r\n"
         f"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{plain}\r\n"
         "--b--\r\n").encode(), 'multipart/alternative; boundary="b"')
    assert [b.text for b in parse_issue(data).blocks if b.kind == "heading"] == [
        "Robot picks soft fruit", "New cluster opens", "Liability bill advances"]


def test_a_disclaimer_appended_as_a_plain_part_is_no_alternative_to_the_html() -> None:
    # (the review: a mail gateway's confidentiality notice, a text/plain part of the mixed
    # message after the HTML issue, was read in its place)
    notice = "\r\n\r\n".join(["This message is confidential and for its addressee only. "
                                 "If you are not the addressee, delete it."] * 10)
    data = single_part(
        (f"--m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{HTML_ISSUE}\r\n"
         f"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{notice}\r\n"
         "--m--\r\n").encode(), 'multipart/mixed; boundary="m"')
    assert len([b for b in parse_issue(data).blocks if b.kind == "heading"]) == 3


def test_an_html_issue_beside_an_unreadable_plain_part_is_read_from_its_html() -> None:
    data = single_part(
        (f"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{HTML_ISSUE}\r\n"
         "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").encode()
        + bytes(range(128, 256)) * 4 + b"\r\n--b--\r\n", 'multipart/alternative; boundary="b"')
    assert len([b for b in parse_issue(data).blocks if b.kind == "heading"]) == 3


# ---- envelope -------------------------------------------------------------------------------


def test_envelope_reads_the_headers_that_matter() -> None:
    data = single_part(b"Hi.", headers=(
        "Date: Mon, 25 Mar 2024 13:31:00 +0000\r\n"
        "List-Id: <importai.substack.com>\r\n"
        "Authentication-Results: mx.example.test; dkim=pass header.d=substack.com\r\n"
        "Authentication-Results: other.example.test; spf=pass\r\n"
    )).replace(b"Sender <sender@example.test>", b"Jack <ImportAI@Substack.COM>")
    envelope = read_envelope(load_message(data))
    assert envelope.message_id == "<t-1@example.test>"
    assert (envelope.sender, envelope.sender_name) == ("importai@substack.com", "Jack")
    assert envelope.date == datetime(2024, 3, 25, 13, 31, tzinfo=UTC)
    assert envelope.list_id == "<importai.substack.com>"
    assert envelope.authentication_results == (
        "mx.example.test; dkim=pass header.d=substack.com", "other.example.test; spf=pass"
    )


def test_missing_message_id_falls_back_to_the_content_hash() -> None:
    data = single_part(b"Hi.").replace(b"Message-ID: <t-1@example.test>\r\n", b"")
    issue = parse_issue(data)
    assert issue.envelope.message_id is None
    assert issue.content_hash == hashlib.sha256(data).hexdigest()
    assert issue.dedupe_key == f"sha256:{issue.content_hash}"


@pytest.mark.parametrize("from_header", [
    None, '"unterminated <nobody@', "undisclosed-recipients:;", "\xff\xfe garbage <@@>",
])
def test_odd_headers_degrade_instead_of_raising(from_header: str | None) -> None:
    data = single_part(b"Hi.", headers="Date: the day after tomorrow\r\n")
    old = b"From: Sender <sender@example.test>\r\n"
    new = b"" if from_header is None else f"From: {from_header}\r\n".encode("latin-1")
    envelope = read_envelope(load_message(data.replace(old, new)))
    assert envelope.sender == ""
    assert envelope.date is None


# ---- refusals -------------------------------------------------------------------------------


ATTACHMENT_ONLY = (
    b"From: a@example.test\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
    b"--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
    b'filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--B--\r\n'
)
TRUNCATED = (
    b"From: a@example.test\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="XYZ"\r\n\r\n'
    b"--XYZ\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "unparseable"),
    (b"just some words, no headers at all", "unparseable"),
    (b"From: a@example.test\r\nSubject: nothing\r\n\r\n", "no-body"),
    (ATTACHMENT_ONLY, "only-attachments"),
    (single_part(b"\xff\xfe\xfa not utf-8", "text/plain; charset=x-martian"), "bad-charset"),
    (TRUNCATED, "truncated"),
    (TRUNCATED + b"\r\nPGh0bWw+PGJvZHk+PHA", "truncated"),  # "<html><body><p" and then nothing
    (TRUNCATED.split(b"--XYZ")[0], "truncated"),
    (single_part(b"  \r\n\r\n \t \r\n"), "empty-body"),
    (single_part(b"<html><script>only()</script><p> </p></html>", "text/html"), "empty-body"),
])
def test_malformed_messages_are_refused_with_a_stable_code(data: bytes, code: str) -> None:
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(data)
    assert refused.value.code == code
    assert refused.value.status == "failed"
    assert str(refused.value).endswith(".")  # a sentence a person reads


def test_absurdly_nested_html_is_refused_or_read_from_the_plain_part() -> None:
    deep = b"<div>" * 5000 + b"<p>deep</p>" + b"</div>" * 5000
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(single_part(deep, "text/html; charset=utf-8"))
    assert refused.value.code == "too-complex"
    both = single_part(
        b"--b\r\nContent-Type: text/html\r\n\r\n" + deep + b"\r\n--b\r\n"
        b"Content-Type: text/plain\r\n\r\nThe plain words.\r\n--b--\r\n",
        'multipart/alternative; boundary="b"',
    )
    assert texts(both) == ["The plain words."]


def test_a_body_cut_mid_part_is_still_read() -> None:
    data = TRUNCATED.replace(b"base64", b"8bit") + b"\r\n<p>The first paragraph arrived.</p><p>Th"
    assert texts(data) == ["The first paragraph arrived.", "Th"]


def test_an_issue_s_plain_part_is_read_only_when_its_html_may_be_a_stub() -> None:
    """Reading the plain part of every short issue doubled the parse's time (the stop's
    pipeline bench): its size as sent bounds its words, and most HTML holds more."""
    html = [Block(kind="paragraph", text="A story of some length. " * 10)]  # 240 characters
    read: list[bool] = []

    def reader(part: Message) -> list[Block]:
        read.append(True)
        return []

    for size, asked in ((600, []), (5_000, [True])):
        msg = load_message(single_part(
            (f"--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b\r\nContent-Type: "
             f"text/plain\r\n\r\n{'w' * size}\r\n--b--\r\n").encode(),
            'multipart/alternative; boundary="b"'))
        html_part = next(p for p in msg.walk() if p.get_content_type() == "text/html")
        read.clear()
        assert plain_instead(html, msg, html_part, reader) is None and read == asked
