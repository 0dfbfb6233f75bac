"""Parse stage, a mailing list's digest: several whole messages sent as one.

A list server (Mailman, Sympa, Google Groups) gathers a day's messages into one
email in either of two shapes: plain text in RFC 1153's, each message its own
header lines ("Message: 3", "Date:", "From:", "Subject:") over its body, between
lines of dashes, after the list's own preamble and a table of "Today's Topics";
or a MIME ``multipart/digest`` with each message a ``message/rfc822`` part
(RFC 2046 5.1.5).  Either way each message is a story, headlined by its Subject,
its headings and paragraphs its text; the list's preamble, the topics (a recap of the
same subjects) and the "Digest Footer" message are left out.  One set of
headers is no digest: a forwarded issue quotes its original's headers once, and
is read as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from email.message import EmailMessage, Message
from typing import Any

from service.domain import Block

MIN_MESSAGES = 2
MESSAGE = "message"  # the kind of block that opens one of a digest's messages
# The headers a digest shows for each message (RFC 1153 keeps Date, From, Subject; Mailman
# adds Message, To, Cc, Message-ID, Content-Type…).  Any other "Word: text" line ends the run.
HEADER = re.compile(
    r"(?:Message|Date|From|To|Cc|Subject|Message-ID|Content-Type|Content-Transfer-Encoding"
    r"|MIME-Version|In-Reply-To|References|Reply-To|Sender|Keywords|Summary):[ \t]",
    re.IGNORECASE,
)
CONTINUATION = re.compile(r"[ \t]+\S")  # a folded header's next line (RFC 5322 2.2.3)
FOOTER_SUBJECT = re.compile(r"digest footer", re.IGNORECASE)
FOOTER = re.compile(r"Subject:[ \t]*Digest Footer", re.IGNORECASE)  # the footer's own "headers"
LIST_TAG = re.compile(r"\[[^\]\n]{1,60}\]\s+(?=\S)")
END_LINE = re.compile(r"^End of .{1,200}?Digest\b.*$", re.IGNORECASE | re.MULTILINE)


def digest_blocks(text: str, read: Callable[[str], list[Block]]) -> list[Block] | None:
    """The blocks of a plain-text digest: each message's Subject as a heading over what
    ``read`` makes of its body, from the first message on and without the list's footer;
    None when ``text`` holds fewer than two messages' headers (a newsletter, a forwarded
    issue)."""
    chunks = re.split(r"\n[ \t]*\n", text)
    starts = [at for at, chunk in enumerate(chunks) if _subject(chunk) is not None]
    if len(starts) < MIN_MESSAGES:
        return None
    footer = next((at for at, chunk in enumerate(chunks)
                   if at > starts[0] and FOOTER.fullmatch(chunk.strip())), len(chunks))
    messages = []
    for number, at in enumerate(starts):
        if at >= footer:
            break
        end = min(starts[number + 1] if number + 1 < len(starts) else len(chunks), footer)
        body = "\n\n".join(chunks[at + 1:end])
        messages.append((_subject(chunks[at]) or "", END_LINE.sub("", body)))
    return _as_stories(messages, read)


def _subject(chunk: str) -> str | None:
    """The Subject of a chunk that is nothing but a message's header lines, one of them a
    Subject and one a From or a Date; None for any other chunk."""
    lines = [line for line in chunk.strip("\n").split("\n") if line.strip()]
    if len(lines) < 2 or not HEADER.match(lines[0]):
        return None
    fields: dict[str, str] = {}
    name = ""
    for line in lines:
        if CONTINUATION.match(line) and name:
            fields[name] += " " + line.strip()
        elif HEADER.match(line):
            name, _, value = line.partition(":")
            name = name.lower()
            fields[name] = value.strip()
        else:
            return None
    if "subject" not in fields or not ({"from", "date"} & fields.keys()):
        return None
    return fields["subject"] or "(no subject)"


def mime_digest_blocks(msg: EmailMessage,
                       read: Callable[[EmailMessage], list[Block]]) -> list[Block] | None:
    """The blocks of a MIME digest: each enclosed message's Subject as a heading over what
    ``read`` makes of it; None when ``msg`` encloses fewer than two messages."""
    enclosed = [part for digest in _digests(msg) for part in digest.get_payload()
                if isinstance(part, Message) and part.get_content_type() == "message/rfc822"]
    messages = [inner for part in enclosed for inner in _payloads(part)]
    if len(messages) < MIN_MESSAGES:
        return None
    return _as_stories([(" ".join(str(inner.get("Subject", "")).split()), inner)
                        for inner in messages], read)


def _as_stories(messages: list[tuple[str, Any]], read: Callable[[Any], list[Block]]
                ) -> list[Block]:
    """A ``message`` block (the Subject) over the blocks ``read`` makes of each message,
    its own rules left out.  The segment stage cuts at those blocks alone (``messages``):
    a message is one story, and its own headings or lines that look like titles must not
    cut it (they did: an advisory's boxed title headed the story, its "Fix" another)."""
    kept = [(" ".join(subject.split()), body) for subject, body in messages
            if not FOOTER_SUBJECT.fullmatch(subject.strip())]
    # the list's own tag on every subject ("[ml-discuss] CFP: …"; Mailman's subject_prefix)
    tags = {found.group() if (found := LIST_TAG.match(subject)) else "" for subject, _ in kept}
    tag = tags.pop() if len(tags) == 1 else ""
    blocks: list[Block] = []
    for subject, body in kept:
        subject = (subject.removeprefix(tag) if tag else subject) or "(no subject)"
        blocks.append(Block(kind=MESSAGE, text=subject, lead=subject))
        blocks.extend(block for block in read(body) if block.kind != "rule")
    return blocks


def messages(blocks: Sequence[Block]) -> list[tuple[str, list[Block]]]:
    """A digest's messages, each its Subject and its blocks; none for any other issue."""
    found: list[tuple[str, list[Block]]] = []
    for block in blocks:
        if block.kind == MESSAGE:
            found.append((block.text, []))
        elif found and block.text.strip():
            found[-1][1].append(block)
    return found


def _digests(msg: Message) -> list[Message]:
    """The ``multipart/digest`` parts of ``msg``, not looking inside enclosed messages (a
    digest forwarded in one of them is that message's) nor taking messages merely attached
    to a newsletter for its stories."""
    found, stack = [], [msg]
    while stack:  # (not recursive: nesting depth is the sender's to choose)
        part = stack.pop()
        if part.get_content_type() == "multipart/digest":
            found.append(part)
        elif part.get_content_maintype() == "multipart" and isinstance(part.get_payload(), list):
            stack.extend(reversed([p for p in part.get_payload() if isinstance(p, Message)]))
    return found


def _payloads(part: Message) -> list[EmailMessage]:
    payload = part.get_payload()
    inner = payload if isinstance(payload, list) else [payload]
    return [message for message in inner if isinstance(message, EmailMessage)]
