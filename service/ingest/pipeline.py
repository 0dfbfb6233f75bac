"""The ingest pipeline: one fetched message in, one stored outcome out.

    RawMessage ─trust─▶ ─parse─▶ Issue ─segment─▶ [Story] ─classify─▶ ─events─▶ store

``examine`` is pure: it decides what a message is (an issue with tagged
stories, or a refusal with a reason).  ``poll_once`` is the edge: it pulls
messages from an inbox and stores each outcome, together with the inbox
position, in one transaction, so a crash replays at most the message in hand
and replaying it changes nothing (invariant 1).  No message can stop a poll
(invariant 7): whatever goes wrong with one is stored as its failure.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Protocol

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from service.config import Source
from service.context import Context
from service.db.database import transaction
from service.deliver.match import create_instant_deliveries
from service.domain import Envelope, Issue, PollOutcome, RawMessage, Story, TaggedStory
from service.errors import DuplicateMessage, MalformedMessage, MessageRefused, StorageError
from service.events.store import EventSettings, assign_issue_events
from service.ingest import store
from service.ingest.automatic import check_automatic, check_invitation
from service.ingest.fetch import Inbox, open_inbox
from service.ingest.parse import (
    check_headers,
    load_message,
    parse_issue,
    read_envelope,
    said_envelope,
)
from service.ingest.rules import SourceRules, configured_rules
from service.ingest.segment import segment
from service.ingest.trust import trusted_source

log = logging.getLogger(__name__)


class Tagger(Protocol):
    @property
    def version(self) -> str: ...

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]: ...


@dataclass(frozen=True)
class Accepted:
    issue: Issue
    source: Source
    tagged: list[TaggedStory]


@dataclass(frozen=True)
class Refused:
    envelope: Envelope | None
    error: MessageRefused


def examine(raw: RawMessage, sources: Sequence[Source], tagger: Tagger,
            max_bytes: int, authserv_id: str = "",
            rules: Sequence[SourceRules] | None = None,
            max_stories: int | None = None) -> Accepted | Refused:
    """Decide what one message is. Never raises for anything the message contains.
    ``max_stories``: [segment] max_stories (None: no limit)."""
    envelope: Envelope | None = None
    try:
        # Who sent it, from the headers alone: a stranger's body is never parsed (a read-only
        # review: a million empty MIME parts took 80 s and 431 MB, only to be refused).
        headers = load_message(raw.data, headers_only=True)
        envelope = read_envelope(headers)
        check_headers(headers)  # (before trust: headers cut short lose the List-Id it reads)
        source = trusted_source(envelope, sources, authserv_id)
        check_automatic(headers, envelope)
        _check_size(raw, max_bytes)
        message = load_message(raw.data)  # the one parse of the whole message
        check_invitation(message)
        issue = parse_issue(raw.data, message)
        stories = segment(issue, rules)
        if max_stories is not None and len(stories) > max_stories:
            # (before tagging: 11,920 stories of a 9 MB issue took 83 s and 580 MB, and made
            # a 25 MB alert no server would take: an operator's review)
            raise MalformedMessage(
                "too-many-stories", f"the issue is cut into {len(stories)} stories, over the "
                f"limit of {max_stories} ([segment] max_stories)")
        return Accepted(issue, source, tagger.tag(stories))
    except MessageRefused as refused:
        return Refused(envelope or said_envelope(raw.data), refused)
    except Exception as exc:  # a bug or a pathological message: record it, go on
        log.exception("unexpected error while examining %s", raw.origin)
        reason = f"could not be processed ({exc.__class__.__name__}: {exc})"
        return Refused(envelope or said_envelope(raw.data),
                       MalformedMessage("internal-error", reason[:500]))


def _check_size(raw: RawMessage, max_bytes: int) -> None:
    size = raw.size if raw.size is not None else len(raw.data)
    if size > max_bytes:
        raise MalformedMessage(
            "too-large",
            f"the message is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
            "([inbox] max_message_bytes)",
        )


@dataclass
class PollSummary:
    counts: Counter[PollOutcome] = field(default_factory=Counter)
    stories: int = 0
    deliveries: int = 0
    refusals: list[tuple[str, str, str]] = field(default_factory=list)  # origin, code, reason

    def add(self, other: PollSummary) -> None:
        """Count ``other``'s outcomes in this summary too (a poll that went round again)."""
        self.counts.update(other.counts)
        self.stories += other.stories
        self.deliveries += other.deliveries
        self.refusals.extend(other.refusals)

    def as_dict(self) -> dict[str, object]:
        return {
            **{str(outcome): self.counts[outcome] for outcome in PollOutcome},
            "stories": self.stories, "deliveries": self.deliveries,
            "refused": [{"origin": o, "code": c, "reason": r} for o, c, r in self.refusals],
        }


def poll_once(ctx: Context, inbox: Inbox, tagger: Tagger,
              should_stop: Callable[[], bool] | None = None) -> PollSummary:
    """Fetch what is new in the inbox and store every message's outcome.

    ``should_stop`` is asked before each message (SIGTERM): the message in hand
    is finished and stored, the rest wait for the next poll.
    """
    summary = PollSummary()

    def last_uid(account: str, folder: str, uidvalidity: int) -> int:
        with transaction(ctx.sessions) as session:
            return store.last_uid(session, account, folder, uidvalidity)

    for raw in inbox.messages(last_uid):
        if should_stop is not None and should_stop():
            log.info("stopping the poll: the rest waits for the next one")
            break
        status = handle_message(ctx, raw, tagger, summary)
        inbox.acknowledge(raw, status)
    return summary


def handle_message(ctx: Context, raw: RawMessage, tagger: Tagger,
                   summary: PollSummary) -> str:
    """Examine one message and store its outcome; returns processed|rejected|failed."""
    outcome = examine(raw, ctx.settings.sources, tagger,
                      ctx.settings.inbox.max_message_bytes,
                      ctx.settings.trust.authserv_id,
                      configured_rules(ctx.settings), ctx.settings.segment.max_stories)
    try:
        with transaction(ctx.sessions) as session:
            status = _store_outcome(ctx, session, raw, outcome, summary)
            if raw.position is not None:
                store.advance_position(session, raw.position)
    except StorageError as exc:
        status = _stored_meanwhile(ctx, raw, outcome, exc)
    summary.counts[status] += 1
    # What the inbox does with it: a folder inbox moves it to processed/ or failed/.
    return "processed" if status in (PollOutcome.STORED, PollOutcome.DUPLICATE) else str(status)


def _store_outcome(ctx: Context, session: Session, raw: RawMessage,
                   outcome: Accepted | Refused, summary: PollSummary) -> PollOutcome:
    now = ctx.now()
    if isinstance(outcome, Refused):
        if not store.is_known(session, store.refusal_key(raw), refused=True):
            store.record_refusal(session, raw, outcome.envelope, outcome.error, now,
                                 ctx.settings.inbox.keep_refused_days)
        log.warning("%s %s: %s (%s)", outcome.error.status, raw.origin,
                    outcome.error.reason, outcome.error.code)
        summary.refusals.append((raw.origin, outcome.error.code, outcome.error.reason))
        return outcome.error.status
    if store.is_known(session, outcome.issue.dedupe_key):
        if store.same_issue(session, outcome.issue.dedupe_key, raw, outcome.tagged):
            log.info("already stored: %s (%s)", outcome.issue.dedupe_key, raw.origin)
            return PollOutcome.DUPLICATE
        # (kept with its bytes and said, where it was dropped with an INFO line: an
        # operator's review; nothing is sent again under a Message-ID readers had)
        refused = Refused(outcome.issue.envelope, DuplicateMessage(
            "duplicate-message-id", "Another message with this Message-ID is stored, with "
            "other stories: a corrected resend or a forgery. Kept here, not sent."))
        return _store_outcome(ctx, session, raw, refused, summary)
    copy = store.resent_copy(session, outcome.source.name, outcome.issue.envelope.subject,
                             outcome.tagged, now - RESEND_WINDOW)
    if copy is not None:
        log.info("already stored: %s is %s sent again (the same stories)",
                 outcome.issue.dedupe_key, copy)
        return PollOutcome.DUPLICATE
    issue_id = store.record_issue(session, outcome.issue, outcome.source.name, raw,
                                  outcome.tagged, now)
    # refused before (its source added since, a rule mended) and stored now: no longer
    # counted as refused (`refused --retry`, or a file moved back from failed/)
    store.forget_refusal(session, store.refusal_key(raw))
    _assign_events(ctx, session, issue_id)
    summary.stories += len(outcome.tagged)
    summary.deliveries += _alerts(ctx, session, issue_id, outcome.issue)
    log.info("stored %s: %d stories from %s", outcome.issue.dedupe_key,
             len(outcome.tagged), outcome.source.name)
    return PollOutcome.STORED


RESEND_WINDOW = timedelta(days=14)  # an issue sent again with its stories within this: a copy
OLD_ISSUE_DAYS = 30  # an issue older than this alerted to readers is said, in a warning


def _alerts(ctx: Context, session: Session, issue_id: int, issue: Issue) -> int:
    """The issue's instant alerts, unless it is older than [delivery] max_issue_age_days (a
    new service pointed at a mailbox's archive mailed one reader 33 alerts of years-old
    issues at once: a user's review).  With no limit, alerts made of an old issue are said."""
    now, dated = ctx.now(), issue.envelope.date
    if dated is not None and dated.tzinfo is None:  # a Date with no zone: read as UTC
        dated = dated.replace(tzinfo=UTC)
    old = now - dated if dated is not None else timedelta(0)
    limit = ctx.settings.delivery.max_issue_age_days
    if limit and old > timedelta(days=limit):
        log.info("no alerts for %s: dated %s, %d days ago ([delivery] max_issue_age_days %d)",
                 issue.dedupe_key, dated, old.days, limit)
        return 0
    made = create_instant_deliveries(session, issue_id, now)
    if made and old.days > OLD_ISSUE_DAYS:
        log.warning("%d alerts of %s, dated %d days ago: [delivery] max_issue_age_days leaves "
                    "old issues (a mailbox's archive) out of alerts", made, issue.dedupe_key,
                    old.days)
    return made


def _stored_meanwhile(ctx: Context, raw: RawMessage, outcome: Accepted | Refused,
                      error: StorageError) -> PollOutcome:
    """DUPLICATE when another poll stored the message between our check and our insert.

    Two polls may read one message at once (the scheduler's and one from cron, or
    two schedulers overlapping after a takeover); the unique key keeps one copy and
    the loser's transaction, rolled back, is a duplicate.  Any other error stands.
    """
    key = (store.refusal_key(raw) if isinstance(outcome, Refused)
           else outcome.issue.dedupe_key)
    if isinstance(error.__cause__, IntegrityError):
        with transaction(ctx.sessions) as session:
            if store.is_known(session, key, refused=isinstance(outcome, Refused)):
                log.info("stored meanwhile by another poll: %s (%s)", key, raw.origin)
                return PollOutcome.DUPLICATE
    if isinstance(error.__cause__, DataError):
        return _unstorable(ctx, raw, error.__cause__)
    raise error


def _unstorable(ctx: Context, raw: RawMessage, error: DataError) -> PollOutcome:
    """A value the database refuses (one parsing let through: too long for its column, a
    character PostgreSQL's text cannot hold) fails this message, not the poll: it is kept
    as a refusal with its raw bytes and nothing read from it, and the inbox moves on."""
    reason = ("The database refused a value read from this message "
              f"({str(error.orig or error).splitlines()[0][:200]}); it is kept as received.")
    refused = MalformedMessage("unstorable", reason)
    with transaction(ctx.sessions) as session:
        if not store.is_known(session, store.refusal_key(raw), refused=True):
            store.record_refusal(session, raw, None, refused, ctx.now(),
                                 ctx.settings.inbox.keep_refused_days)
        if raw.position is not None:
            store.advance_position(session, raw.position)
    log.error("failed %s: %s (unstorable)", raw.origin, reason)
    return PollOutcome.FAILED


def _assign_events(ctx: Context, session: Session, issue_id: int) -> None:
    """Put the issue's stories in events; a failure here costs the events, never the issue.

    A savepoint keeps the issue (invariant 7): it is stored without events,
    and `newsalerts events rematch` gives them later.
    """
    try:
        with session.begin_nested():
            assign_issue_events(session, issue_id, EventSettings.of(ctx.settings))
    except Exception:
        log.exception("could not decide the events of issue %s; stored without them", issue_id)


def poll_configured_inbox(ctx: Context, tagger: Tagger,
                          should_stop: Callable[[], bool] | None = None) -> PollSummary:
    """One poll of the inbox the settings name, connection closed afterwards."""
    inbox = open_inbox(ctx.settings)
    try:
        return poll_once(ctx, inbox, tagger, should_stop=should_stop)
    finally:
        inbox.close()
