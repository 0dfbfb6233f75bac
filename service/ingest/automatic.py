"""Intake: mail from a newsletter's own address that is no issue of it.

A trusted sender also sends an out-of-office reply (the editor's mailbox answers ours), a
"confirm your subscription" request (the platform's, from the newsletter's address, with
the confirmation's secret link) and a meeting invitation.  Taken for issues, they went to
readers as stories, the editor's phone number and the secret link with them, and onto
the public archive and feeds (an operator's review).  Each is refused with its own code,
kept in ``refused_messages``, and never sent.

Not refused: ``Auto-Submitted: auto-generated`` (a forum's digest, a status page's
weekly: newsletters both) nor ``Precedence: bulk`` or ``list`` (every mailing list), nor
an event's ``.ics`` attached to an issue, nor an invitation inside a digest's enclosed
message; only a reply (``auto-replied``, or an auto-reply's subject on mail with no list
headers), an invitation (``method=REQUEST``) and a subscription's own confirmation (its
subject, on mail with no list headers).
"""

from __future__ import annotations

import re
from email.message import Message

from service.domain import Envelope
from service.errors import NotAnIssue

__all__ = ["check_automatic", "check_invitation"]

# RFC 3834's answer to a message ("auto-replied"), and the headers mail programs set on one
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")
# ... and an auto-reply's subject, believed only of mail with no list headers (a column
# "Out of Office: how agents answer your email" is an issue: the review of this rule)
AUTO_REPLY_SUBJECT = re.compile(r"^(?:automatic reply|auto(?:matic)?[- ]?reply|autoreply"
                                r"|out of (?:the )?office(?: reply| auto[- ]?reply)?)\s*:",
                                re.IGNORECASE)
# The platform asking to confirm a subscription, from the newsletter's own address: the
# subject opens so, and the mail has no list headers (an issue about "platforms that verify
# your email" has them: the review of this rule)
CONFIRMATION_SUBJECT = re.compile(
    r"^\W*(?:\[[^\]]{1,80}\]\s*)?(?:please\s+|action required:?\s*)?(?:confirm|verify"
    r"|activate)\s+(?:your\s+)?(?:newsletter\s+)?(?:subscription|e-?mail(?:\s+address)?"
    r"|sign[- ]?up)\b", re.IGNORECASE)
LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post")
INVITATION_METHODS = {"request", "cancel", "counter", "declinecounter", "reply", "add",
                      "refresh"}
MAX_PARTS_READ = 200  # a hostile message's thousand parts are not all looked at


def check_automatic(headers: Message, envelope: Envelope) -> None:
    """NotAnIssue when the headers or the subject say an automatic reply or a request to
    confirm a subscription."""
    submitted = str(headers.get("Auto-Submitted", "")).strip().lower()
    precedence = str(headers.get("Precedence", "")).strip().lower()
    listed = any(headers.get(name) is not None for name in LIST_HEADERS)
    if (submitted.startswith("auto-replied") or precedence == "auto_reply"
            or any(headers.get(name) is not None for name in AUTO_REPLY_HEADERS)
            or (not listed and AUTO_REPLY_SUBJECT.match(envelope.subject))):
        raise NotAnIssue("auto-reply", "The message is an automatic reply (an out-of-office "
                         "or autoresponder), not an issue of the newsletter.")
    if not listed and CONFIRMATION_SUBJECT.match(envelope.subject):
        raise NotAnIssue("subscription-mail", "The message asks to confirm a subscription "
                         "(its link is the subscription's secret), not an issue of the "
                         "newsletter.")


def check_invitation(message: Message) -> None:
    """NotAnIssue when a part is a calendar invitation (text/calendar with an iTIP method:
    a meeting request, its cancellation or an answer), not an event's file attached to an
    issue."""
    for part in _own_parts(message):
        if part.get_content_type() not in ("text/calendar", "application/ics"):
            continue
        method = str(part.get_param("method", "") or "").strip().lower()
        if method in INVITATION_METHODS:
            raise NotAnIssue("calendar-invite", "The message is a calendar invitation, not "
                             "an issue of the newsletter.")


def _own_parts(message: Message) -> list[Message]:
    """The message's own parts, not those of messages it encloses (a list's digest holding
    a member's forwarded invitation is an issue: the review of this rule); MAX_PARTS_READ
    at most."""
    found: list[Message] = []
    waiting = [message]
    while waiting and len(found) < MAX_PARTS_READ:
        part = waiting.pop(0)
        found.append(part)
        if part.is_multipart() and part.get_content_maintype() != "message":
            children = part.get_payload()
            waiting.extend(child for child in children if isinstance(child, Message))
    return found
