"""Values that flow between the stages of the pipeline.

Every stage takes and returns these plain, immutable values; I/O (IMAP, SQL,
SMTP, the clock) stays at the edges.  See DESIGN.md's flow:

    RawMessage ─parse─▶ Issue ─segment─▶ [Story] ─classify─▶ [TaggedStory]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

THEMES: tuple[str, ...] = ("safety", "policy", "compute", "robotics")


class DeliveryStatus(StrEnum):
    """Where one owed email stands (deliveries.status; the strings are stored)."""

    PENDING = "pending"  # due at due_at
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts
    CANCELLED = "cancelled"  # nothing left to send, or the reader left


CONFIRM_KIND = "confirm"  # deliveries.kind of a subscription's confirmation email


class SubscriberStatus(StrEnum):
    """Whether a subscriber gets email (subscribers.status; the strings are stored)."""

    PENDING = "pending"  # not confirmed yet: nothing is sent
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"  # too many hard bounces


class PollOutcome(StrEnum):
    """What became of one fetched message (poll summaries; refused_messages.status)."""

    STORED = "stored"
    DUPLICATE = "duplicate"  # an issue already stored
    REJECTED = "rejected"  # not from a trusted sender
    FAILED = "failed"  # malformed: empty, too large, no stories


@dataclass(frozen=True)
class MailboxPosition:
    """Where an IMAP poll stands: the last UID handled in one mailbox generation."""

    account: str  # "user@host:port"
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class RawMessage:
    """One message as fetched, before anything is believed about it."""

    data: bytes
    origin: str  # where it came from, for people: "imap://user@host/INBOX;UID=7" or a path
    position: MailboxPosition | None = None  # set for IMAP: stored with the result
    size: int | None = None  # the server's RFC822.SIZE when the body was not fetched


@dataclass(frozen=True)
class Envelope:
    """The headers that decide whether and how a message is handled."""

    message_id: str | None  # as received, angle brackets included
    sender: str  # the From address, lower-cased; "" when missing
    sender_name: str
    subject: str
    date: datetime | None  # timezone-aware when the header had one
    list_id: str | None
    authentication_results: tuple[str, ...] = ()
    from_headers: tuple[str, ...] = ()  # every From header, raw: trust refuses two, or a spoof


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Block:
    """A paragraph-level piece of an issue's body, in reading order.

    ``kind`` is "paragraph", "heading", "rule" (a separator such as <hr>, a line
    of ``#`` or ``***``), "list_item", or "message" (the Subject of one of a mailing
    list digest's messages, ``service/ingest/digests.py``).  ``lead`` is the bold (or heading)
    text that opens the block, if any, and ``subhead`` the italic line that
    follows it; newsletters put story headlines there.
    """

    kind: str
    text: str
    lead: str = ""
    subhead: str = ""
    links: tuple[Link, ...] = ()
    level: int = 0  # a heading's level, 1-6 (h1-h6); 0 for other blocks


@dataclass(frozen=True)
class Issue:
    envelope: Envelope
    blocks: tuple[Block, ...]
    content_hash: str  # sha256 of the raw message, hex

    @property
    def dedupe_key(self) -> str:
        """What makes an issue unique: its Message-ID, else its content."""
        return self.envelope.message_id or f"sha256:{self.content_hash}"


@dataclass(frozen=True)
class Story:
    index: int  # 0-based position in the issue
    headline: str
    text: str  # headline, subhead and paragraphs, as plain text
    links: tuple[Link, ...] = ()
    fiction: bool = False
    url: str = ""  # the story's own link (its headline's), where it has one
    section: str = ""  # the section the newsletter put it under ("Robotics"), as context


@dataclass(frozen=True)
class TaggedStory:
    story: Story
    themes: tuple[str, ...]  # the themes assigned, in THEMES order
    scores: dict[str, float] = field(default_factory=dict)  # every theme's score, 0..1
    model_version: str = ""
    # per assigned theme, the few terms that pushed its score most
    explanations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # themes the words alone would have given, held under their threshold because the story
    # names nothing of AI, or for robotics no machine (classify/subject.py, machines.py):
    # the review page says why they are missing
    held: tuple[str, ...] = ()
