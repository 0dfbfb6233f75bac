"""Parse stage: raw email bytes to an Issue, a flat list of paragraph-level Blocks.

The HTML part is preferred because it keeps what segmentation needs (bold
headlines, italic subheads, separators, links); text/plain is the fallback.
Every way a message can fail to yield a body is a MalformedMessage with a
stable code, so the pipeline can store it as failed and move on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, datetime
from email import errors as email_errors
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy, compat32
from email.utils import parseaddr, parsedate_to_datetime
from functools import partial
from typing import Any, cast

from bs4.exceptions import ParserRejectedMarkup

from service.domain import Block, Envelope, Issue, Link
from service.errors import MalformedMessage
from service.ingest.body import ASCII_SPACE, html_blocks
from service.ingest.charsets import payload_of, text_codec
from service.ingest.digests import mime_digest_blocks
from service.ingest.limits import (
    MAX_HEADER_BYTES,
    check_header_section,
    check_markup,
    check_parts,
    check_plain_lines,
)
from service.ingest.plain import plain_blocks
from service.ingest.readable import check_readable
from service.ingest.stub_html import plain_instead

log = logging.getLogger(__name__)

# An address as RFC 5321 bounds it (64 characters before the "@", 255 after): a longer one
# is no address, and would not fit the database's columns either.
ADDRESS = re.compile(r"[^@\s<>\"(),;:]{1,64}@[^@\s<>\"(),;:]{1,255}")
# RFC 5322 caps a line at 998 characters: a longer Message-ID is none, and the message is
# told apart by its content as one without (it must fit the dedupe key's column on
# PostgreSQL: a longer one failed the insert and stopped every later poll on that message).
MAX_MESSAGE_ID_CHARS = 998
MAX_ADDRESS_CHARS = 320  # the sender columns' width
_FROM_LINE = re.compile(r"From[ \t]*:", re.IGNORECASE)
# Bidi embeddings, overrides and isolates, and NUL: a sender's text must not display reversed
# ("Import AI 9\u202e lmth.exe" in a subject, a headline: the web review), and PostgreSQL's
# text cannot hold NUL.  Right-to-left text needs none of them to read right.
_HIDDEN = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")
# A header field a message's body does not open with: after a line the email package could
# not read as a header, such lines mean the headers were cut there, not that a body began.
_HEADER_LINE = re.compile(r"(?:Content-[\w-]+|MIME-Version|Message-ID|List-[\w-]+|Date|To|Cc"
                          r"|Subject|From|Sender|Reply-To|Received|Return-Path|DKIM-Signature"
                          r"|Authentication-Results|X-[\w-]+)[ \t]*:", re.IGNORECASE)

# Parser defects that mean the MIME structure was cut short or mangled.
TRUNCATION_DEFECTS = (email_errors.StartBoundaryNotFoundDefect,
                      email_errors.CloseBoundaryNotFoundDefect,
                      email_errors.MultipartInvariantViolationDefect)
REASONS = {
    "no-body": "The message has no text or HTML body at all.",
    "only-attachments": "The message has attachments but no text or HTML body.",
    "truncated": "The message's MIME structure is cut short and no readable body is left.",
    "empty-body": "The message body is empty once markup and whitespace are removed.",
    "too-complex": "The message's HTML is nested too deeply to be read safely.",
    "bad-html": "The message's HTML is malformed beyond what the HTML parser reads "
                "(a declaration such as \"<![\" without a name).",
    "malformed-headers": "A line among the message's headers is no header (a Subject wrapped "
                         "without folding?): the headers after it, Content-Type among them, "
                         "would be read as its body.",
}

# The email package parses a header value in time growing with the square of its length
# (16 KB of quotes in a Content-Type: a second, and a part's type is read a dozen times).
# Real values are under 300 characters; a longer one is never parsed: in a part's MIME
# headers it refuses the message, in the envelope its raw text stands (_header_values).
MAX_HEADER_CHARS = 2000
MAX_HEADER_BLOCK_CHARS = 100_000  # where headers cut short are looked for after the cut


class _Policy(EmailPolicy):
    """``policy.default``, refusing a header value too long to parse in reasonable time."""

    def header_fetch_parse(self, name: str, value: str) -> Any:  # a header object
        if len(value) > MAX_HEADER_CHARS:
            raise MalformedMessage(
                "header-too-long",
                f"The message's {name} header is {len(value)} characters long, over the "
                f"{MAX_HEADER_CHARS} newsalerts reads.")
        return super().header_fetch_parse(name, value)


_READING: ContextVar[str] = ContextVar("reading", default="a message")  # its Message-ID
POLICY = cast("EmailPolicy[EmailMessage]", _Policy())  # EmailPolicy is generic only in typeshed


def load_message(data: bytes, *, headers_only: bool = False) -> EmailMessage:
    """Read raw bytes as an email; MalformedMessage("unparseable") if they are not one.
    ``headers_only`` leaves the body unread: enough to know who sent it (pipeline.py asks
    that before parsing a body, which may hold a million MIME parts)."""
    if not isinstance(data, bytes | bytearray) or not bytes(data).strip():
        raise MalformedMessage("unparseable", "The message is empty: there is nothing to read.")
    check_header_section(bytes(data))
    if not headers_only:
        check_parts(bytes(data))
    try:
        msg = BytesParser(policy=POLICY).parsebytes(bytes(data), headersonly=headers_only)
    except MalformedMessage:
        raise
    except Exception as exc:  # the parser is lenient; whatever it still throws means garbage
        raise MalformedMessage("unparseable", f"The message cannot be read: {exc}") from exc
    if not msg.keys():
        raise MalformedMessage("unparseable", "The message has no headers, so it is not email.")
    return msg


def said_envelope(data: bytes) -> Envelope | None:
    """Who sent a message the email package refused to read, and what it was: its From,
    Subject and Message-ID as written, for the refusal's record (an operator's review: a
    header too long to parse left `refused` with no sender, subject or Message-ID).  Read
    with compat32, which parses no value; never trusted, only shown."""
    try:
        # (the first MAX_HEADER_BYTES only: a million header fields took 384 MiB to read)
        msg = BytesParser(policy=compat32).parsebytes(bytes(data[:MAX_HEADER_BYTES]),
                                                      headersonly=True)
        said = {name: ASCII_SPACE.sub(" ", _HIDDEN.sub("", str(msg.get(name) or "")))
                .strip()[:MAX_HEADER_CHARS] for name in ("From", "Subject", "Message-ID")}
    except Exception:  # (only shown: anything odd is as good as nothing)
        return None
    name, address = _parse_address(said["From"])
    return Envelope(message_id=_message_id(said["Message-ID"]), sender=address.lower(),
                    sender_name=name, subject=said["Subject"], date=None, list_id=None)


def read_envelope(msg: EmailMessage) -> Envelope:
    """The headers that matter, read defensively: odd values degrade, never raise."""
    sender_name, sender = _parse_address(_first(msg, "From"))
    return Envelope(
        message_id=_message_id(_first(msg, "Message-ID")),
        sender=sender.lower(),
        sender_name=sender_name,
        subject=_first(msg, "Subject"),
        date=_parse_date(_first(msg, "Date")),
        # every one: a List-Id added above a DKIM-signed message's own is not covered by
        # its signature; two <...> are no list id trust accepts (RFC 2919 allows one)
        list_id=", ".join(_header_values(msg, "List-Id", limit=2)) or None,
        # raw: RFC 8601 has no encoded words, and decoding them would let what the sender chose
        # (an envelope sender copied into the receiving server's header) become a clause
        authentication_results=tuple(_raw_values(msg, "Authentication-Results")),
        from_headers=tuple(_from_values(msg)),
    )


def parse_issue(data: bytes, msg: EmailMessage | None = None) -> Issue:
    """``data`` as an Issue; ``msg`` is ``data`` already read by load_message (parsed once)."""
    msg = load_message(data) if msg is None else msg
    check_headers(msg)
    envelope = read_envelope(msg)
    # (named in the warnings of what its body held: "body is not valid utf-8" alone did not
    # say which message: an operator's probe)
    token = _READING.set(envelope.message_id or envelope.subject[:80] or "a message")
    try:
        blocks = tuple(_body_blocks(msg))
    finally:
        _READING.reset(token)
    return Issue(envelope=envelope, blocks=blocks,
                 content_hash=hashlib.sha256(bytes(data)).hexdigest())


def check_headers(msg: Message) -> None:
    """MalformedMessage("malformed-headers") when the email package ended the headers at a
    line that is no header, with header fields after it: read on, the MIME body became one
    story of base64 and markup, mailed to every reader, or the lost List-Id refused it as
    another list's (the operator's review)."""
    if not any(isinstance(defect, email_errors.MissingHeaderBodySeparatorDefect)
               for defect in msg.defects):
        return
    payload = payload_of(msg)
    text = payload if isinstance(payload, str) else ""
    rest = re.split(r"\r?\n[ \t]*\r?\n", text[:MAX_HEADER_BLOCK_CHARS], maxsplit=1)[0]
    if any(_HEADER_LINE.match(line) for line in rest.splitlines()):
        raise MalformedMessage("malformed-headers", REASONS["malformed-headers"])


def _header_values(msg: Message, name: str, limit: int | None = None) -> list[str]:
    """The first ``limit`` (default: every) ``name`` headers, parsed: each parse of a hostile
    value costs, and 5,000 From headers took 157 s (an attacker's probe)."""
    # A header the registry cannot parse still has its raw text: better than failing.
    values: list[str] = []
    for key, raw in msg.raw_items():
        if key.lower() != name.lower():
            continue
        if limit is not None and len(values) >= limit:
            break
        try:
            text = str(msg.policy.header_fetch_parse(key, raw))
        except Exception:  # any bug in header parsing: keep the raw value
            text = str(raw)
        values.append(ASCII_SPACE.sub(" ", _HIDDEN.sub("", text)).strip())
    return values


def _raw_values(msg: Message, name: str) -> list[str]:
    """Each ``name`` header unfolded but not parsed: what parsing would tidy away stays."""
    return [ASCII_SPACE.sub(" ", str(raw)).strip()
            for key, raw in msg.raw_items() if key.lower() == name.lower()]


def _from_values(msg: Message) -> list[str]:
    """Every From header, raw, also those the email package does not read as headers: "From : x"
    (RFC 5322 obs-syntax, read as From by others) it drops as an mbox "From " line, and after a
    line it cannot read as a header (say "From\t: x") the rest of the headers become body."""
    dropped = [msg.get_unixfrom() or ""] + [
        str(getattr(defect, "line", "")) for defect in msg.defects
        if isinstance(defect, email_errors.MisplacedEnvelopeHeaderDefect)]
    payload = payload_of(msg)
    if isinstance(payload, str) and any(isinstance(
            defect, email_errors.MissingHeaderBodySeparatorDefect) for defect in msg.defects):
        dropped += re.split(r"\r?\n[ \t]*\r?\n", payload, maxsplit=1)[0].splitlines()
    return _raw_values(msg, "From") + [ASCII_SPACE.sub(" ", line.partition(":")[2]).strip()
                                       for line in dropped if _FROM_LINE.match(line)]


def _first(msg: Message, name: str) -> str:
    return next(iter(_header_values(msg, name, limit=1)), "")


def _parse_address(value: str) -> tuple[str, str]:
    try:
        name, address = parseaddr(value)
    except Exception:  # a hostile From must not stop the envelope
        return "", ""
    # (lower-cased as stored: "İ" lengthens, so the bound is checked on that: the review)
    return name, address if (ADDRESS.fullmatch(address)
                             and len(address.lower()) <= MAX_ADDRESS_CHARS) else ""


def _message_id(value: str) -> str | None:
    return value if value and len(value) <= MAX_MESSAGE_ID_CHARS else None


def _parse_date(value: str) -> datetime | None:
    """The Date header; None when absent, unreadable, or out of what UTC can hold ("Fri, 31
    Dec 9999 23:00:00 -1200" stopped every poll where it was stored: the review)."""
    try:
        when = parsedate_to_datetime(value) if value else None
        return when.astimezone(UTC) if when is not None and when.tzinfo else when
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _body_blocks(msg: EmailMessage) -> list[Block]:
    subject_of = partial(_first, name="Subject")
    if (digest := mime_digest_blocks(msg, _message_blocks, subject_of)) is not None:
        return digest  # a list's MIME digest: a story per enclosed message
    return _text_blocks(msg)


def _html(markup: str) -> list[Block]:
    return html_blocks(check_markup(markup))


def _plain(text: str) -> list[Block]:
    return plain_blocks(check_plain_lines(text))


def _text_blocks(msg: EmailMessage) -> list[Block]:
    readers: list[tuple[Message, Callable[[str], list[Block]]]] = [
        *((part, _html) for part in _inline_parts(msg, "text/html")),
        *((part, _plain) for part in _inline_parts(msg, "text/plain")),
    ]
    refusal: MalformedMessage | None = None  # why the first unreadable part was unreadable
    for part, to_blocks in readers:
        try:
            blocks = _visible(to_blocks(check_readable(_decode(part))))
        except MalformedMessage as exc:  # an undecodable part: another may still be readable
            refusal = refusal or exc
            continue
        except RecursionError:  # absurdly nested markup: likewise
            refusal = refusal or MalformedMessage("too-complex", REASONS["too-complex"])
            continue
        except ParserRejectedMarkup:  # markup html.parser gives up on ("<![>"): likewise
            refusal = refusal or MalformedMessage("bad-html", REASONS["bad-html"])
            continue
        if blocks and to_blocks is _html and (
                plain := plain_instead(blocks, msg, part, _plain_read)):
            return plain
        if blocks:
            return blocks
    if refusal:
        raise refusal
    if _is_truncated(msg):
        code = "truncated"
    elif readers:
        has_bytes = any(part.get_payload(decode=True) for part, _ in readers)
        code = "empty-body" if has_bytes else "no-body"
    else:  # no text part: whatever else carries content is an attachment
        leaves = [part for part in msg.walk() if not part.is_multipart()]
        code = "only-attachments" if any(payload_of(p) for p in leaves) else "no-body"
    raise MalformedMessage(code, REASONS[code])


def _plain_read(part: Message) -> list[Block]:
    return _visible(_plain(check_readable(_decode(part))))  # MalformedMessage: unreadable


def _shown(text: str) -> str:
    """``text`` without NUL and bidi controls (ASCII text, most mail, holds no bidi control:
    one fast check instead of a pattern's pass over megabytes)."""
    return text.replace("\x00", "") if text.isascii() else _HIDDEN.sub("", text)


def _visible(blocks: list[Block]) -> list[Block]:
    """``blocks`` without bidi controls that HTML wrote as references ("&#x202E;"), which
    the HTML parser turns into characters only after ``_decode`` dropped the raw ones (the
    diff's review: "Import AI 9&#x202E;lmth.exe" still displayed reversed)."""
    return [replace(block, text=_HIDDEN.sub("", block.text), lead=_HIDDEN.sub("", block.lead),
                    subhead=_HIDDEN.sub("", block.subhead),
                    links=tuple(Link(_HIDDEN.sub("", link.text), link.url)
                                for link in block.links))
            if not (block.text.isascii() and block.lead.isascii())
            and (_HIDDEN.search(block.text) or _HIDDEN.search(block.lead)) else block
            for block in blocks]


def _message_blocks(msg: EmailMessage) -> list[Block]:
    """A digest's enclosed message's blocks; none when it has no readable body (the others
    are still read)."""
    try:
        return _text_blocks(msg)  # (not _body_blocks: a digest inside is this message's)
    except MalformedMessage as exc:
        log.info("a digest's message has no readable body: %s", exc)
        return []


def _inline_parts(msg: EmailMessage, content_type: str) -> list[Message]:
    return [
        part
        for part in msg.walk()
        if part.get_content_type() == content_type
        and part.get_content_disposition() != "attachment"
    ]


def _is_truncated(msg: Message) -> bool:
    defects = (defect for part in msg.walk() for defect in part.defects)
    cut_multipart = msg.get_content_maintype() == "multipart" and not msg.is_multipart()
    return cut_multipart or any(isinstance(d, TRUNCATION_DEFECTS) for d in defects)


# One well-formed UTF-8 sequence of two bytes or more: text that holds one is UTF-8
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                           rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(part: Message) -> str:
    """The part's text in its declared charset, else UTF-8; an unknown label needs valid UTF-8."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    label = part.get_content_charset() or "utf-8"
    codec = text_codec(label)
    # 8-bit text with no charset (or "us-ascii", which it cannot be) is, when not UTF-8,
    # most likely Windows-1252, as browsers read such a label (WHATWG Encoding).
    unlabelled = part.get_content_charset() is None or codec == "ascii"
    for candidate in [c for c in (codec, "utf-8", "cp1252" if unlabelled else None) if c]:
        try:
            return _shown(data.decode(candidate))
        except UnicodeDecodeError:
            continue
    if codec is None:
        reason = f"The body's charset {label!r} is unknown and the body is not UTF-8 either."
        raise MalformedMessage("bad-charset", reason)
    if codec == "utf-8" and not UTF8_SEQUENCE.search(data):
        # Labelled UTF-8 with not one UTF-8 sequence in it: Latin-1 or Windows-1252 text
        # under the wrong label ("Qu\xe9bec"), read as browsers read unlabelled 8-bit text;
        # replaced, every accent was "\ufffd" in readers' alerts (an operator's review)
        log.warning("%s: body labelled UTF-8 is not UTF-8; read as Windows-1252",
                    _READING.get())
        return _shown(data.decode("cp1252", errors="replace"))
    log.warning("%s: body is not valid %s; undecodable bytes replaced", _READING.get(), codec)
    return _shown(data.decode(codec, errors="replace"))
