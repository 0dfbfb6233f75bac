"""Parse stage, hostile input: markup the HTML parser rejects, bodies shaped to make a
pattern or a parser backtrack, headers too long to parse (found fuzzing the ingest stage).

Every body here is built in the test: short shapes repeated, no newsletter text.
"""

from __future__ import annotations

import time

import pytest

from service.deliver.mime import one_line
from service.errors import MalformedMessage
from service.ingest.parse import MAX_HEADER_CHARS, parse_issue
from service.ingest.segment import segment
from tests.test_parse import single_part, texts
from tests.test_segment_any import email

PLAIN = "text/plain; charset=utf-8"


def test_html_the_parser_rejects_is_refused_or_read_from_the_plain_part() -> None:
    # html.parser gives up on "<![" with no name after it; that was an internal error.
    rejected = b"<p>A story.</p><![>"
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(single_part(rejected, "text/html; charset=utf-8"))
    assert refused.value.code == "bad-html"
    assert str(refused.value).endswith(".")
    both = single_part(
        b"--b\r\nContent-Type: text/html\r\n\r\n" + rejected + b"\r\n--b\r\n"
        b"Content-Type: text/plain\r\n\r\nThe plain words.\r\n--b--\r\n",
        'multipart/alternative; boundary="b"',
    )
    assert texts(both) == ["The plain words."]


@pytest.mark.parametrize("line", [
    "![](a)](b)" * 14 + "x",  # image pattern: every split tried (7 s at 141 bytes)
    "# a" + " " * 60_000 + "b",  # markdown heading: closing "#"s searched from every end
    "[1]" + " " * 60_000 + "x",  # reference line: the blanks split every way around ":"
    "[" * 60_000,  # markdown link: each "[" read to the line's end
    "http://" * 9_000 + ")",  # bare URL: each "http" read to the word's end
], ids=["image", "heading", "reference", "link", "bare-url"])
def test_plain_lines_shaped_to_backtrack_are_read_in_linear_time(line: str) -> None:
    started = time.process_time()
    blocks = texts(single_part(f"Intro\n\n{line}\n\nThe end.\n".encode(), PLAIN))
    assert time.process_time() - started < 2.0  # milliseconds now; seconds to hours before
    assert blocks[0] == "Intro"


@pytest.mark.parametrize("tail", ["<a ", '<a b="', "<b", "<!--x"])
def test_html_ending_in_tags_never_closed_is_read_in_linear_time(tail: str) -> None:
    # No ">" after them: html.parser re-read the rest for each "<" (14 s for 32 KB of "<a ").
    markup = "<p>A story.</p>" + tail * (60_000 // len(tail)) + "x"
    started = time.process_time()
    blocks = texts(single_part(markup.encode(), "text/html; charset=utf-8"))
    assert time.process_time() - started < 2.0
    assert blocks[0] == "A story." and blocks[1].startswith(tail.strip())


@pytest.mark.parametrize(("line", "text"), [
    ("![logo](https://example.test/a_(b).png)", ""),  # an image line is dropped
    ("[![logo](https://example.test/l.png)](https://example.test/)", ""),
    ("![logo](https://example.test/l.png)[](https://example.test/)", ""),
    ("## A heading ##", "A heading"),
])
def test_the_linear_patterns_read_ordinary_lines_as_before(line: str, text: str) -> None:
    got = texts(single_part(f"Intro\n\n{line}\n".encode(), PLAIN))
    assert got == (["Intro", text] if text else ["Intro"])


def test_bare_urls_and_markdown_links_are_still_links() -> None:
    line = ("[A report](https://example.test/r) said so, see https://example.test/a?b=c or"
            " x(https://example.test/d) and [[1] https://example.test/e")
    links = parse_issue(single_part(f"Intro\n\n{line}\n".encode(), PLAIN)).blocks[1].links
    assert [(link.text, link.url) for link in links] == [
        ("A report", "https://example.test/r"),
        ("https://example.test/a?b=c", "https://example.test/a?b=c"),
        ("https://example.test/e", "https://example.test/e"),
    ]


@pytest.mark.parametrize("multipart", [False, True])
def test_a_header_too_long_to_parse_quickly_is_refused_unparsed(multipart: bool) -> None:
    # The email package took 9 s over 16 KB of quotes in a Content-Type (quadratic).
    content_type = "text/plain; a=" + '"' * 16_000
    data = single_part(b"Words.\r\n", content_type)
    if multipart:
        data = single_part(f"--b\r\nContent-Type: {content_type}\r\n\r\nWords.\r\n--b--\r\n"
                           .encode(), 'multipart/mixed; boundary="b"')
    started = time.process_time()
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(data)
    assert time.process_time() - started < 2.0
    assert refused.value.code == "header-too-long"
    assert "Content-Type header is 16014 characters long" in str(refused.value)


def test_an_envelope_header_too_long_to_parse_is_kept_as_its_raw_text() -> None:
    subject = "=?utf-8?q?Long?= " * (MAX_HEADER_CHARS // 10)
    issue = parse_issue(single_part(b"Words.\r\n").replace(b"Subject: A test",
                                                          f"Subject: {subject}".encode()))
    assert issue.envelope.subject == subject.strip()
    assert [block.text for block in issue.blocks] == ["Words."]


def test_a_body_of_many_links_and_one_unsafe_compares_no_links(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Saying which link was dropped looked each link up among the kept ones: one
    "javascript:" link among 16,000 others took 16 s (the read of the whole change)."""
    from service.domain import Link
    from service.ingest import body

    compared = 0

    class Counted(Link):
        def __eq__(self, other: object) -> bool:
            nonlocal compared
            compared += 1
            return super().__eq__(other)

        __hash__ = Link.__hash__

    monkeypatch.setattr(body, "Link", Counted)
    html = ("<p>" + "".join(f"<a href='https://a.example/{i}'>x</a> " for i in range(500))
            + "<a href='javascript:alert(1)'>j</a></p>").encode()
    (block,) = parse_issue(single_part(html, "text/html; charset=utf-8")).blocks
    assert len(block.links) == 500 and compared == 0


def test_wrapped_numbered_headlines_ask_the_number_pattern_a_bounded_number_of_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each wrapped numbered headline walked back over every numbered chunk before it, to
    find the paragraph they follow (quadratic: ×7 time for ×4 size)."""
    from service.ingest import plain

    calls = 0
    pattern = plain.NUMBERED

    class Counting:
        def match(self, text: str) -> object:
            nonlocal calls
            calls += 1
            return pattern.match(text)

    monkeypatch.setattr(plain, "NUMBERED", Counting())
    chunks = 400
    body = "Intro here:\n\n" + "".join(
        f"{n % 90 + 1}) Agricultural robot maker Furrow raises Series B to expand\n"
        "   into vineyards\n\n" for n in range(chunks))
    parse_issue(single_part(body.encode(), PLAIN))
    assert calls <= 6 * chunks, calls


P = ("The council said the work would take most of the year and cost more than planned, "
     "and residents will be asked for their views at two meetings next month.")


@pytest.mark.parametrize("html", [
    # an author's name linked under a headline (links.py reads its page's path)
    f"<h2>Notes on a Borrowed Kitchen</h2><p><a href='http://['>Kofi Mensah</a></p>"
    f"<p>June 3, 2025</p><p>{P}</p><h2>Ferry fares rise</h2><p>{P}</p>",
    # a short bold name linked at the top (masthead.py: a logo to the home page?)
    f"<p><b><a href='http://[::1'>Harbour Notes</a></b></p><p>Our weekly letter.</p>"
    f"<h2>Ferry fares rise</h2><p>{P}</p><h2>Pumps restart</h2><p>{P}</p>",
    # an essay's parts citing sources (essay.py reads each link's parts)
    "<h1>This week</h1><p><a href='http://['>Kofi Mensah</a></p>" + "".join(
        f"<h2>Part {n}</h2><p>{P} <a href='http://[x'>source</a></p>" for n in range(3)),
])
def test_an_address_urlsplit_cannot_read_refuses_nothing(html: str) -> None:
    """A fuzzer (stop 39): "http://[" in one href raised ValueError from urlsplit deep in the
    structural engine, and the whole issue was refused as an internal error."""
    assert segment(parse_issue(email(html, html=True)))


# A café in UTF-8 under a label Python's codec registry answers to but no mail is written in:
# transforms that are no text encoding (LookupError on decode), and Python's own text codecs
# (some raise UnicodeError whatever the error handler).  Each was an internal error, and
# `segment` stopped at the first (the operator's review).
@pytest.mark.parametrize("label", ["rot13", "hex_codec", "zlib_codec", "uu_codec", "base64",
                                   "idna", "undefined", "punycode", "unicode_escape"])
@pytest.mark.parametrize("kind", ["text/plain", "text/html"])
def test_a_charset_that_is_no_mail_charset_reads_the_text_as_utf8(label: str, kind: str) -> None:
    body = "<p>Le café du coin ferme.</p>" if kind == "text/html" else "Le café du coin ferme."
    assert texts(single_part(body.encode(), f"{kind}; charset={label}")) == [
        "Le café du coin ferme."]


def test_such_a_charset_on_bytes_that_are_not_utf8_is_refused_as_a_bad_charset() -> None:
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(single_part(b"caf\xe9 \xff\xfe", "text/plain; charset=rot13"))
    assert refused.value.code == "bad-charset"


def test_headers_cut_short_by_a_line_that_is_no_header_are_refused() -> None:
    """A Subject wrapped without folding ends the headers for the email package: the
    Content-Type after it was lost and the MIME body (base64, boundaries) stored as one
    story and mailed to every reader (the operator's review)."""
    data = (b"From: Sender <sender@example.test>\r\nSubject: A night of practice,\r\n"
            b"a fall, and solo drones\r\nMessage-ID: <t-1@example.test>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe story.\r\n")
    with pytest.raises(MalformedMessage) as refused:
        parse_issue(data)
    assert refused.value.code == "malformed-headers"
    # a line with no colon where a body begins without its blank line is still the body
    assert texts(data.replace(b"Subject: A night of practice,\r\na fall, and solo drones\r\n",
                              b"Subject: s\r\n").replace(b"\r\n\r\nThe story.",
                                                         b"\r\nThe story.\r\nAnd more.")) != []


def test_bidi_overrides_are_removed_from_the_subject_and_the_text() -> None:
    """A subject "Import AI 9\u202e lmth.exe" displayed reversed in every alert's Subject,
    page and archive (the web review): embeddings, overrides and isolates are dropped."""
    subject = "=?utf-8?q?Import_AI_9=E2=80=AE_lmth.exe?="
    data = single_part("<p>Read \u2067this\u2069 \u202dnow\u202c.</p>".encode(),
                       "text/html; charset=utf-8").replace(b"Subject: A test",
                                                           f"Subject: {subject}".encode())
    issue = parse_issue(data)
    assert issue.envelope.subject == "Import AI 9 lmth.exe"
    assert [block.text for block in issue.blocks] == ["Read this now."]
    assert one_line("A\u202eB\u2066C") == "A B C"
    # written as HTML references, they become characters only once the markup is read (the
    # diff's review)
    refs = single_part(b"<h2>Import AI 9&#x202E;lmth.exe</h2>"
                       b"<p>Read <b>&#8238;now</b>&#x202C;.</p>", "text/html; charset=utf-8")
    assert [block.text for block in parse_issue(refs).blocks] == [
        "Import AI 9lmth.exe", "Read now."]


def test_latin1_text_labelled_utf8_is_read_as_windows_1252() -> None:
    """An operator's review: a Latin-1 body under a UTF-8 label reached readers as
    "Qu\ufffdbec r\ufffdgulateur", said only at INFO."""
    body = "Québec: le régulateur de Zürich a dit « non » — 5 €.".encode("cp1252")
    assert texts(single_part(body, "text/plain; charset=utf-8")) == [
        "Québec: le régulateur de Zürich a dit « non » — 5 €."]


def test_utf8_text_with_one_broken_byte_stays_utf8() -> None:
    """The look-alike: real UTF-8 with one bad byte keeps its accents (read as Windows-1252
    it would be "QuÃ©bec" throughout); only the bad byte is replaced."""
    body = "Québec et Zürich ".encode() + b"\xff" + b" ont dit non."
    assert texts(single_part(body, "text/plain; charset=utf-8")) == [
        "Québec et Zürich \ufffd ont dit non."]
