"""Store: issues, stories, their themes, refusals and the inbox position, in SQL.

Every function takes an open Session and leaves committing to the caller, so
the pipeline can store an issue and advance the IMAP position in one
transaction (invariant 1).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from service.db import tables
from service.db.types import as_utc
from service.domain import THEMES, Envelope, Issue, MailboxPosition, RawMessage, TaggedStory
from service.errors import MessageRefused
from service.events.store import events_of
from service.ingest.limits import header_end

log = logging.getLogger(__name__)


def last_uid(session: Session, account: str, folder: str, uidvalidity: int) -> int:
    row = session.scalar(
        select(tables.MailboxPosition.last_uid).where(
            tables.MailboxPosition.account == account,
            tables.MailboxPosition.folder == folder,
            tables.MailboxPosition.uidvalidity == uidvalidity,
        )
    )
    if row is None and (account, folder, uidvalidity) not in _NEW_UIDVALIDITY:
        before = session.scalars(select(tables.MailboxPosition.uidvalidity).where(
            tables.MailboxPosition.account == account,
            tables.MailboxPosition.folder == folder)).all()
        if before:  # (an operator's probe: a mailbox read again from its start said nothing)
            _NEW_UIDVALIDITY.add((account, folder, uidvalidity))
            log.warning("%s/%s: the mailbox's UIDVALIDITY is %d, no longer %s (it was "
                        "recreated or restored): every message in it is read again; issues "
                        "already stored are known by their Message-ID", account, folder,
                        uidvalidity, ", ".join(map(str, sorted(before))))
    return int(row or 0)


_NEW_UIDVALIDITY: set[tuple[str, str, int]] = set()  # said once a process


def advance_position(session: Session, position: MailboxPosition) -> None:
    row = session.scalar(
        select(tables.MailboxPosition).where(
            tables.MailboxPosition.account == position.account,
            tables.MailboxPosition.folder == position.folder,
            tables.MailboxPosition.uidvalidity == position.uidvalidity,
        )
    )
    if row is None:
        session.add(tables.MailboxPosition(
            account=position.account, folder=position.folder,
            uidvalidity=position.uidvalidity, last_uid=position.uid,
        ))
    else:
        # Never backwards, decided by the database: two polls at once each read the row,
        # and the slower one's Python comparison wrote a lower UID (a read-only review).
        session.execute(
            update(tables.MailboxPosition)
            .where(tables.MailboxPosition.id == row.id,
                   tables.MailboxPosition.last_uid < position.uid)
            .values(last_uid=position.uid)
            .execution_options(synchronize_session=False))


def source_id(session: Session, name: str) -> int:
    found = session.scalar(select(tables.Source.id).where(tables.Source.name == name))
    if found is not None:
        return int(found)
    source = tables.Source(name=name)
    session.add(source)
    session.flush()
    return source.id


def is_known(session: Session, dedupe_key: str, *, refused: bool = False) -> bool:
    """Whether an issue (or, ``refused``, a refusal) is stored under ``dedupe_key``.  The
    two are apart: a refusal of a forged copy (or of an issue from a sender not yet in
    [[sources]]) must not make the real issue a duplicate for ever (a read-only review:
    one spoofed Message-ID dropped the issue it named)."""
    table = tables.RefusedMessage if refused else tables.Issue
    return session.scalar(select(table.id).where(table.dedupe_key == dedupe_key)) is not None


def same_issue(session: Session, dedupe_key: str, raw: RawMessage,
               tagged: Sequence[TaggedStory]) -> bool:
    """Whether the issue stored under ``dedupe_key`` is this message: the same body (the same
    issue fetched again, with other Received lines or from another folder) or the same
    stories, headline and text in order; not a different message under its Message-ID (a
    corrected resend, a forgery).  The body first: stories depend on the rules that cut
    them, and a copy read again after an upgrade was taken for a forgery (the diff's
    review)."""
    stored = session.scalar(select(tables.Issue).where(tables.Issue.dedupe_key == dedupe_key))
    if stored is None:
        return False
    body = _body(raw.data)
    if body is not None and stored.raw is not None and _body(stored.raw) == body:
        return True
    return _has_stories(session, stored.id, tagged)


def _has_stories(session: Session, issue_id: int, tagged: Sequence[TaggedStory]) -> bool:
    """The stored issue holds these stories, headline and text, in order."""
    rows = session.execute(select(tables.Story.headline, tables.Story.text)
                           .where(tables.Story.issue_id == issue_id)
                           .order_by(tables.Story.index)).all()
    return [tuple(row) for row in rows] == [(t.story.headline, t.story.text) for t in tagged]


def resent_copy(session: Session, source_name: str, subject: str,
                tagged: Sequence[TaggedStory], since: datetime) -> str | None:
    """The key of an issue of ``source_name`` stored since ``since`` under ``subject`` with
    these very stories, headline and text in order: the same issue sent again under a new
    Message-ID (a user's review: readers were spared it, but the review queue held every
    story twice)."""
    if not tagged:
        return None
    issue, story = tables.Issue, tables.Story
    candidates = session.execute(
        select(issue.id, issue.dedupe_key).join(issue.source)
        .join(story, story.issue_id == issue.id)
        .where(tables.Source.name == source_name, issue.subject == subject,
               issue.received_at >= since, story.index == 0,
               story.headline == tagged[0].story.headline)).all()
    return next((str(key) for issue_id, key in candidates
                 if _has_stories(session, issue_id, tagged)), None)


def _body(data: bytes) -> bytes | None:
    """A message's bytes after its headers, its line ends as LF (a folder's copy and the
    IMAP server's are one message); None when no blank line ends the headers (two such
    messages' "bodies" would be equal: the last review)."""
    text = data.replace(b"\r\n", b"\n")
    end = text.find(b"\n\n")
    return text[end + 2:] if end >= 0 else None


def record_issue(session: Session, issue: Issue, source_name: str, raw: RawMessage,
                 tagged: list[TaggedStory], now: datetime) -> int:
    """Store an issue with its stories and their themes; returns the issue id."""
    envelope = issue.envelope
    row = tables.Issue(
        dedupe_key=issue.dedupe_key, message_id=envelope.message_id,
        source_id=source_id(session, source_name), sender=envelope.sender,
        subject=envelope.subject, sent_at=_sent_at(envelope.date, now), received_at=now,
        origin=raw.origin, content_hash=issue.content_hash, raw=raw.data,
    )
    row.stories = [_story_row(item, now) for item in tagged]
    session.add(row)
    session.flush()
    return row.id


def _sent_at(date: datetime | None, now: datetime) -> datetime | None:
    """The issue's Date, but never after it arrived: a Date a year ahead (a sender's clock,
    or a lie) kept the issue out of every digest round until then, though instant readers
    had it that day (a review).  An issue is dated when it arrived instead."""
    if date is None:
        return None
    return min(as_utc(date), as_utc(now))


def _story_row(item: TaggedStory, now: datetime) -> tables.Story:
    story = item.story
    row = tables.Story(
        index=story.index, headline=story.headline, text=story.text,
        links=[{"text": link.text, "url": link.url} for link in story.links],
        fiction=story.fiction, url=story.url, section=story.section,
    )
    row.themes = [
        tables.StoryTheme(
            theme=theme, score=score, assigned=theme in item.themes,
            model_version=item.model_version, current=True,
            explanation=list(item.explanations.get(theme, ())), held=theme in item.held,
            tagged_at=now,
        )
        for theme, score in item.scores.items()
    ]
    return row


# The bytes kept with a refusal, for `refused --retry`: an issue is some hundred KB; a bigger
# message keeps its headers only (an attacker's probe: twenty 9.8 MB emails from a stranger,
# refused in milliseconds, added 196 MB to the database for ever)
KEPT_RAW_BYTES = 1_000_000


def record_refusal(session: Session, raw: RawMessage, envelope: Envelope | None,
                   error: MessageRefused, now: datetime, keep_days: int = 0) -> None:
    """Keep the refusal, and forget those older than ``keep_days`` ([inbox]
    keep_refused_days; 0: none)."""
    if keep_days > 0:
        session.execute(delete(tables.RefusedMessage).where(
            tables.RefusedMessage.received_at < now - timedelta(days=keep_days)))
    session.add(tables.RefusedMessage(
        dedupe_key=refusal_key(raw), status=error.status, code=error.code,
        reason=error.reason, message_id=envelope.message_id if envelope else None,
        sender=envelope.sender if envelope else "",
        subject=envelope.subject if envelope else "", origin=raw.origin,
        size=raw.size if raw.size is not None else len(raw.data), raw=_kept(raw.data),
        received_at=now,
    ))


def _kept(data: bytes) -> bytes:
    """``data`` whole up to KEPT_RAW_BYTES, else its header section alone."""
    if len(data) <= KEPT_RAW_BYTES:
        return data
    end = header_end(data, KEPT_RAW_BYTES)
    return data[:end] + b"\r\n\r\n" if end is not None else data[:KEPT_RAW_BYTES]


def forget_refusal(session: Session, key: str) -> None:
    """The refusal of these bytes (``refusal_key``) is over: the message is stored now."""
    session.execute(delete(tables.RefusedMessage).where(tables.RefusedMessage.dedupe_key == key))


def refusal_key(raw: RawMessage) -> str:
    """A refused message is known by its bytes, not its Message-ID: a forged copy refused
    first kept the real issue's refusal (under the same Message-ID) out of the table, with
    its reason and its bytes (a read-only review).  The same bytes read again are one row."""
    return "sha256:" + hashlib.sha256(raw.data).hexdigest()


def stories_since(session: Session, since: datetime | None) -> Iterator[dict[str, object]]:
    """Stored stories with their current themes, oldest issue first (for `stories`).

    An issue's date is its Date header, or when it arrived if it had none.
    """
    dated = func.coalesce(tables.Issue.sent_at, tables.Issue.received_at)
    query = (
        select(tables.Issue)
        .options(selectinload(tables.Issue.stories).selectinload(tables.Story.themes))
        .order_by(dated, tables.Issue.id)
    )
    if since is not None:
        query = query.where(dated >= since)
    issues = list(session.scalars(query))
    # One lookup for all (events_of chunks its ids), not a query per issue.
    events = events_of(session, [story.id for issue in issues for story in issue.stories])
    for issue in issues:
        for story in issue.stories:
            current = [t for t in story.themes if t.current]
            yield {
                "message_id": issue.message_id,
                "index": story.index,
                "headline": story.headline,
                "themes": [t.theme for t in _ordered(current) if t.assigned],
                "scores": {t.theme: round(t.score, 4) for t in _ordered(current)},
                "model_version": current[0].model_version if current else None,
                "fiction": story.fiction,
                "events": events.get(story.id, []),
                "url": story.url,
                "section": story.section,
                "subject": issue.subject,
                "date": issue.sent_at.isoformat() if issue.sent_at else None,
            }


def _ordered(rows: list[tables.StoryTheme]) -> list[tables.StoryTheme]:
    rank = {theme: i for i, theme in enumerate(THEMES)}
    return sorted(rows, key=lambda row: rank.get(row.theme, len(rank)))


def refusals_since(session: Session, since: datetime | None) -> Iterator[dict[str, object]]:
    """Refused messages, oldest first (for `refused`): what each was and why it was refused.
    Its raw bytes stay in the database (``refused_messages.raw``)."""
    table = tables.RefusedMessage
    query = select(table).order_by(table.received_at, table.id)
    if since is not None:
        query = query.where(table.received_at >= since)
    for row in session.scalars(query.execution_options(yield_per=500)):
        yield {"id": row.id, "received_at": as_utc(row.received_at).isoformat(),
               "status": str(row.status), "code": row.code, "reason": row.reason,
               "message_id": row.message_id, "sender": row.sender, "subject": row.subject,
               "origin": row.origin, "size": row.size}
