"""The one error hierarchy of newsalerts.

    NewsalertsError
    ├── ConfigError              bad or missing configuration
    ├── StorageError             the database refused or is unreachable
    ├── InboxError               the inbox (IMAP server, folder) failed
    │   └── InboxConnectionLost  the connection dropped mid-poll: reconnect and go on
    ├── MessageRefused           one message cannot become an issue (stored, not raised on)
    │   ├── UntrustedSender      status "rejected": not from a source's allowed senders
    │   ├── NotAnIssue           status "rejected": an auto-reply, a confirmation, an invite
    │   └── MalformedMessage     status "failed": empty, huge, undecodable, no stories
    ├── ModelError               the classifier cannot be loaded or trained
    │   └── ModelIntegrityError  a model file does not match its card: never loaded
    ├── DeliveryError            sending an email failed
    │   ├── TransientDeliveryError   4xx, dropped connection: retry with backoff
    │   └── PermanentDeliveryError   5xx: recorded on the delivery, not retried
    ├── InvalidLink              a signed link was forged, altered, expired or misused
    └── EventError               an editor's event correction that cannot apply

Errors of imaplib, smtplib and SQLAlchemy are caught at the module that talks to
them and re-raised as one of these with ``raise X(...) from exc``.
"""

from __future__ import annotations

from service.domain import PollOutcome


class NewsalertsError(Exception):
    """Base of every error newsalerts raises on purpose."""


class ConfigError(NewsalertsError):
    pass


class StorageError(NewsalertsError):
    pass


class InboxError(NewsalertsError):
    pass


class InboxConnectionLost(InboxError):
    pass


class MessageRefused(NewsalertsError):
    """A message that will not become an issue.

    ``code`` is a short stable slug (``untrusted-sender``, ``too-large``,
    ``no-body``...) stored with the message; ``str(err)`` is the sentence a
    person reads.
    """

    status = PollOutcome.FAILED

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class UntrustedSender(MessageRefused):
    status = PollOutcome.REJECTED


class NotAnIssue(MessageRefused):
    """Mail from a trusted sender that is no issue: an automatic reply, a request to
    confirm a subscription, a calendar invitation (``ingest/automatic.py``)."""

    status = PollOutcome.REJECTED


class MalformedMessage(MessageRefused):
    status = PollOutcome.FAILED


class DuplicateMessage(MessageRefused):
    """Another message under a stored issue's Message-ID, with other stories: a corrected
    resend or a forgery; kept, never sent."""

    status = PollOutcome.REJECTED


class ModelError(NewsalertsError):
    pass


class ModelIntegrityError(ModelError):
    pass


class DeliveryError(NewsalertsError):
    pass


class TransientDeliveryError(DeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    pass


class UnsendableMessage(PermanentDeliveryError):
    """The server refuses this email itself, not its reader's address: for its size (552 to
    MAIL FROM with SIZE=), its content or a policy (a 5xx at DATA whose status is not 5.1.x or
    5.2.x, 5.7.x at RCPT): the delivery fails, its reader is not counted a bounce, and the
    next email goes."""


class SubscriberError(NewsalertsError):
    """A command about a reader the store does not hold."""


class InvalidLink(NewsalertsError):
    """A signed link that is forged, altered, expired, or for someone else."""


class EventError(NewsalertsError):
    """An editor's split or merge that cannot apply: ``code`` is a stable slug."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
