"""Fetch: new mail from an IMAP folder, or .eml files dropped into a directory.

Inboxes yield ``RawMessage`` values one at a time; the consumer stores each one
with its ``position`` in one transaction before taking the next, so a crash
replays at most the message in hand (DESIGN.md, invariant 1).  Hence the IMAP
inbox asks ``last_uid`` again after every reconnect.  It never changes the
server's copy (read-only SELECT, BODY.PEEK): that copy is our backup.

``watch_inbox`` (watch.py) waits for new IMAP mail with IDLE and only says
when to poll: what is fetched, and when it counts as stored, stays the poll's.
"""


from __future__ import annotations

from pathlib import Path

from service.config import Settings
from service.ingest.fetch.base import Inbox, LastUid
from service.ingest.fetch.folder import DirectoryInbox
from service.ingest.fetch.imap import ImapAccount, ImapInbox
from service.ingest.fetch.watch import InboxWatcher, watch_inbox

__all__ = ["DirectoryInbox", "ImapAccount", "ImapInbox", "Inbox", "InboxWatcher", "LastUid",
           "open_inbox", "watch_inbox"]


def open_inbox(settings: Settings) -> Inbox:
    """The IMAP inbox when [inbox] host is set, else the directory [inbox] dir."""
    if settings.inbox.host:
        return ImapInbox.from_settings(settings)
    return DirectoryInbox(Path(settings.inbox.dir),
                          settings.inbox.max_message_bytes)
