"""Wait for new mail with IMAP IDLE (RFC 2177), so that a new issue is polled at once.

The watcher only says "poll now": the interval poll stays, and stays the
source of truth.  It holds a connection of its own, the folder selected
read-only, and calls ``on_new_mail`` when the server reports EXISTS, and each
time it starts watching again (a new connection, a renewed IDLE), since mail
may have landed while it was not.  IDLE is renewed every RENEW_SECONDS,
before servers drop idle sessions (after 30 minutes, RFC 2177).  A dropped
connection or a refused login is logged and tried again after a doubling
delay; a server without IDLE leaves the interval poll to do the work.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from service.config import Settings
from service.errors import NewsalertsError
from service.ingest.fetch.imap import (
    CONNECTION_ERRORS,
    ImapAccount,
    connect,
    logout_quietly,
    select_readonly,
)

log = logging.getLogger(__name__)

RENEW_SECONDS = 25 * 60.0
CHECK_SECONDS = 1.0  # how often an idling watcher looks whether it should stop
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
GOODBYE_TIMEOUT = 2.0  # for DONE and LOGOUT on the way out: a dead server must not hold us


def watch_inbox(settings: Settings, on_new_mail: Callable[[], None]) -> InboxWatcher | None:
    """A started watcher when [inbox] host is set and [inbox] idle is on; else None."""
    if not settings.inbox.host or not settings.inbox.idle:
        return None
    watcher = InboxWatcher(ImapAccount.from_settings(settings), on_new_mail)
    watcher.start()
    return watcher


class InboxWatcher(threading.Thread):
    """A daemon thread that calls ``on_new_mail`` when mail lands in the account's folder."""

    def __init__(self, account: ImapAccount, on_new_mail: Callable[[], None], *,
                 renew_after: float = RENEW_SECONDS, check_every: float = CHECK_SECONDS,
                 max_retry: float = MAX_RETRY_SECONDS) -> None:
        super().__init__(name=f"imap-idle {account.name}", daemon=True)
        self._account = account
        self._on_new_mail = on_new_mail
        self._renew_after = renew_after
        self._check_every = check_every
        self._max_retry = max_retry
        self._stopping = threading.Event()
        # Set while an IDLE command is in place and the poll was woken for what came before.
        self.idling = threading.Event()
        self.sessions = 0  # connections on which IDLE began

    def stop(self, timeout: float = 5.0) -> None:
        """End IDLE, log out, and wait up to ``timeout`` seconds for the thread to end."""
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)
        if self.is_alive():
            log.warning("the IMAP IDLE watcher of %s did not stop within %.0f s; left behind",
                        self._account.where, timeout)

    def run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            client = None
            try:
                client = connect(self._account, self._account.tls_context())
                select_readonly(client, self._account)
                if not client.has_capability("IDLE"):
                    log.info("IMAP server %s has no IDLE: new mail waits for the next poll",
                             self._account.where)
                    return
                failures = 0
                self.sessions += 1
                log.info("waiting for new mail in %s/%s with IMAP IDLE", self._account.name,
                         self._account.folder)
                while not self._stopping.is_set():
                    self._idle(client)
            except CONNECTION_ERRORS as exc:
                if self._stopping.is_set():  # a goodbye to a server already gone
                    log.debug("IMAP IDLE connection to %s ended while stopping: %s",
                              self._account.where, exc)
                    continue
                failures += 1
                log.warning("IMAP IDLE connection to %s failed (%s); reconnecting in %.0f s",
                            self._account.where, str(exc) or type(exc).__name__,
                            self._retry_delay(failures))
            except NewsalertsError as exc:  # a refused login or folder, an unreadable ca_file
                failures += 1
                log.error("IMAP IDLE: %s; trying again in %.0f s", exc,
                          self._retry_delay(failures))
            except Exception:
                failures += 1
                log.exception("IMAP IDLE on %s failed; trying again in %.0f s",
                              self._account.where, self._retry_delay(failures))
            finally:
                self.idling.clear()
                if client is not None:
                    self._goodbye(client)
            if failures:
                self._stopping.wait(self._retry_delay(failures))

    def _idle(self, client: Any) -> None:
        """One IDLE command: until it is due for renewal, the connection ends, or stop."""
        client.idle()
        # Mail may have landed while nobody watched (or, read with the server's
        # "+ idling", be waiting in imaplib's buffer where idle_check cannot see it).
        self._notify()
        self.idling.set()
        try:
            renew_at = time.monotonic() + self._renew_after
            sock = client.socket()
            while not self._stopping.is_set() and time.monotonic() < renew_at:
                if not _readable(sock, self._check_every):
                    continue
                responses = client.idle_check(timeout=0)
                if not responses:
                    # imapclient swallows EOF: readable with nothing to show means the
                    # server closed the connection (or sent half a line); DONE tells which.
                    break
                self._look_for_new_mail(responses)
        finally:
            self.idling.clear()
        if self._stopping.is_set():
            client.socket().settimeout(GOODBYE_TIMEOUT)
        _text, responses = client.idle_done()
        self._look_for_new_mail(responses)

    def _look_for_new_mail(self, responses: Sequence[Any]) -> None:
        if any(isinstance(each, tuple) and len(each) > 1 and each[1] == b"EXISTS"
               for each in responses):
            self._notify()

    def _notify(self) -> None:
        try:
            self._on_new_mail()
        except (NewsalertsError, SQLAlchemyError) as exc:  # the database down: one line
            log.warning("waking the poll for new mail failed: %s: %s",
                        exc.__class__.__name__, str(exc).splitlines()[0] if str(exc) else "")
        except Exception:  # the watcher outlives a failed wake: the interval poll remains
            log.exception("waking the poll for new mail failed")

    def _retry_delay(self, failures: int) -> float:
        return float(min(FIRST_RETRY_SECONDS * 2 ** (failures - 1), self._max_retry))

    def _goodbye(self, client: Any) -> None:
        with contextlib.suppress(OSError):  # already closed
            client.socket().settimeout(GOODBYE_TIMEOUT)
        logout_quietly(client)


def _readable(sock: socket.socket, timeout: float) -> bool:
    """Whether the server sent something (or closed) within ``timeout`` seconds."""
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(timeout * 1000))
