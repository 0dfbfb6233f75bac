"""Parse stage, a mailing list's digest: several whole messages sent as one.

A list server (Mailman, Sympa, Google Groups) gathers a day's messages into one
email in either of two shapes: plain text in RFC 1153's, each message its own
header lines ("Message: 3", "Date:", "From:", "Subject:") over its body, between
lines of dashes, after the list's own preamble and a table of "Today's Topics";
or a MIME ``multipart/digest`` with each message a ``message/rfc822`` part
(RFC 2046 5.1.5).  Either way each message is a story, headlined by its Subject,
its headings and paragraphs its text; the list's preamble, the topics (a recap of the
same subjects) and the list's footer are left out.  A plain digest's messages
each follow a line of dashes, so letters quoted one after another in a
newsletter, or a forwarded thread, are no digest; and a digest of one message (a
weekly post sent through a list) is read as that message, its items each a
story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from email.message import EmailMessage, Message
from typing import Any

from service.domain import Block
from service.ingest.charsets import payload_of

MIN_MESSAGES = 2
MESSAGE = "message"  # the kind of block that opens one of a digest's messages
MAX_SUBJECT_CHARS = 300  # a headline, not a member's 2,000-character Subject
# The line of dashes a digest sets before each message's headers (RFC 1153: 30; Mailman:
# 70).  It is what tells a digest from a newsletter quoting two letters or a forwarded
# thread: two runs of "From:/Date:/Subject:" lines alone were taken for a digest (the review)
RULE = re.compile(r"-{20,}[ \t]*")
FIELD = re.compile(r"[A-Za-z][\w-]{0,40}[ \t]*:")  # any header's name ("Organization:")
CONTINUATION = re.compile(r"[ \t]+\S")  # a folded header's next line (RFC 5322 2.2.3)
FOOTER_SUBJECT = re.compile(r"digest footer", re.IGNORECASE)
LIST_TAG = re.compile(r"\[[^\]\n]{1,60}\]\s+(?=\S)")
LIST_FOOTER = re.compile(r"_{20,}[ \t]*\n[^\n]{0,120}\bmailing list\b", re.IGNORECASE)
END_LINE = re.compile(r"^End of .{1,200}?Digest\b.*$", re.IGNORECASE | re.MULTILINE)


def digest_blocks(text: str, read: Callable[[str], list[Block]]) -> list[Block] | None:
    """The blocks of a plain-text digest: each message's Subject as a heading over what
    ``read`` makes of its body, from the first message on and without the list's footer;
    None when ``text`` holds fewer than two messages' headers each after a line of dashes
    (a newsletter, a forwarded issue or thread, letters quoted one after another)."""
    chunks = re.split(r"\n[ \t]*\n", text)
    heads = {at: fields for at, chunk in enumerate(chunks)
             if at and RULE.fullmatch(chunks[at - 1].strip())
             and (fields := _headers(chunk)) is not None}
    starts = sorted(heads)
    # (the list's footer is no message: a digest of one message, a weekly post sent through
    # a list, is read as that post, its items each a story: the eighteenth sweep's)
    real = [at for at in starts if not FOOTER_SUBJECT.fullmatch(heads[at].get("subject", ""))]
    if len(real) < MIN_MESSAGES:
        return None
    messages = []
    for number, at in enumerate(starts):
        last = at == real[-1]
        end = starts[number + 1] if number + 1 < len(starts) else len(chunks)
        body_chunks = [chunk for chunk in chunks[at + 1:end]
                       if not RULE.fullmatch(chunk.strip())]
        # (the list's footer follows its last message; one inside a message is a forwarded
        # post's, and the message goes on after it: the review)
        body = "\n\n".join(_until_footer(body_chunks) if last else body_chunks)
        messages.append((heads[at].get("subject", ""), END_LINE.sub("", body)))
    return _as_stories(messages, read)


def _until_footer(chunks: list[str]) -> list[str]:
    """A message's chunks up to the list's footer, where the footer is not a message of its
    own: Mailman's line of underscores over "<list> mailing list" and its addresses."""
    for at, chunk in enumerate(chunks):
        if LIST_FOOTER.match(chunk.strip()):
            return chunks[:at]
    return chunks


def _headers(chunk: str) -> dict[str, str] | None:
    """A chunk's header fields (lower-cased names), when it is nothing but header lines
    with a From, a Date or a Subject among them ("Subject: Digest Footer" alone is the
    footer's); None for any other chunk."""
    lines = [line for line in chunk.strip("\n").split("\n") if line.strip()]
    if not lines or not FIELD.match(lines[0]):
        return None
    fields: dict[str, list[str]] = {}
    name = ""
    for line in lines:
        if CONTINUATION.match(line) and name:
            fields[name].append(line.strip())  # (appended, joined once: linear)
        elif FIELD.match(line):
            name, _, value = line.partition(":")
            name = name.strip().lower()
            fields.setdefault(name, []).append(value.strip())
        else:
            return None
    if not {"from", "date", "subject"} & fields.keys():
        return None
    return {key: " ".join(values) for key, values in fields.items()}


def mime_digest_blocks(msg: EmailMessage, read: Callable[[EmailMessage], list[Block]],
                       subject_of: Callable[[EmailMessage], str]) -> list[Block] | None:
    """The blocks of a MIME digest: each enclosed message's Subject (``subject_of``, which
    must not raise) as a heading over what ``read`` makes of it; the one message's own
    blocks when it encloses one (and the footer); None when it encloses none.  ``read``
    must not look for digests again: a digest inside an enclosed message is that
    message's text (nested digests recursed once per level, to a RecursionError at 250:
    the review)."""
    digests, html = _digests(msg)
    if not digests or html:
        return None  # a newsletter with a digest attached is that newsletter (the review)
    enclosed = [part for digest in digests for part in digest.get_payload()
                if isinstance(part, Message) and part.get_content_type() == "message/rfc822"]
    messages = [(subject_of(inner), inner) for part in enclosed for inner in _payloads(part)]
    posts = [inner for subject, inner in messages
             if not FOOTER_SUBJECT.fullmatch(subject.strip())]
    if len(posts) == 1:
        # one message and the footer (a weekly post sent through a list): that message is
        # the issue, cut as any other, not the list's preamble in the first text part
        return read(posts[0])
    return _as_stories(messages, read) if len(posts) >= MIN_MESSAGES else None


def _as_stories(messages: list[tuple[str, Any]], read: Callable[[Any], list[Block]]
                ) -> list[Block]:
    """A ``message`` block (the Subject) over the blocks ``read`` makes of each message,
    its own rules left out.  The segment stage cuts at those blocks alone (``messages``):
    a message is one story, and its own headings or lines that look like titles must not
    cut it (they did: an advisory's boxed title headed the story, its "Fix" another)."""
    kept = [(" ".join(subject[:4 * MAX_SUBJECT_CHARS].split())[:MAX_SUBJECT_CHARS], body)
            for subject, body in messages if not FOOTER_SUBJECT.fullmatch(subject.strip())]
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


def _digests(msg: Message) -> tuple[list[Message], bool]:
    """The ``multipart/digest`` parts of ``msg``, not looking inside enclosed messages (a
    digest forwarded in one of them is that message's); and whether anything outside them
    is HTML: a newsletter's own body, where a list's digest has only its plain preamble and
    footer beside it (messages attached to a newsletter are not its stories)."""
    found: list[Message] = []
    html, stack = False, [msg]
    while stack:  # (one walk, not recursive: nesting depth is the sender's to choose)
        part = stack.pop()
        payload = payload_of(part)
        if part.get_content_type() == "multipart/digest":
            found.append(part)
        elif part.get_content_maintype() == "multipart" and isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
        elif part.get_content_type() == "text/html":
            html = True
    return found, html


def _payloads(part: Message) -> list[EmailMessage]:
    payload = payload_of(part)
    inner = payload if isinstance(payload, list) else [payload]
    return [message for message in inner if isinstance(message, EmailMessage)]
