"""IMAP inbox: imapclient over SSL, STARTTLS or plain, read-only, reconnecting."""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from ssl import SSLContext  # in ImapAccount, "ssl" is a field
from typing import Any
from urllib.parse import quote

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from service.config import Settings, tls_context
from service.domain import MailboxPosition, RawMessage
from service.errors import InboxConnectionLost, InboxError
from service.ingest.fetch.base import HEADER_BYTES, LastUid, check_status, header_only

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)

# A dropped or stalled connection: worth reconnecting.  ssl.SSLError and
# socket.timeout are OSErrors; imaplib reports EOF and garbage as IMAP4.abort.
CONNECTION_ERRORS = (OSError, imaplib.IMAP4.abort)


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    ssl: bool = True
    starttls: bool = False
    ca_file: str = ""
    timeout: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapAccount:
        inbox = settings.inbox
        return cls(host=inbox.host, port=inbox.port or (993 if inbox.ssl else 143),
                   username=inbox.username, password=inbox.password,
                   folder=inbox.folder, ssl=inbox.ssl, starttls=inbox.starttls,
                   ca_file=inbox.ca_file, timeout=inbox.timeout)

    @property
    def name(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def tls_context(self) -> SSLContext | None:
        """The context for ssl or starttls (ConfigError for an unreadable ca_file), else None."""
        return tls_context(self.ca_file, "inbox") if self.ssl or self.starttls else None

    def origin(self, uidvalidity: int, uid: int) -> str:
        """An RFC 5092 IMAP URL, so a person can find the message on the server."""
        return (f"imap://{quote(self.username, safe='')}@{self.host}:{self.port}/"
                f"{quote(self.folder)};UIDVALIDITY={uidvalidity}/;UID={uid}")


@dataclass
class _Batch:
    """The messages one connection found to yield."""

    uidvalidity: int
    uids: list[int]  # still to yield, ascending
    sizes: dict[int, int]  # RFC822.SIZE by UID


class ImapInbox:
    """New messages of one IMAP folder, in UID order, each with its position."""

    def __init__(self, account: ImapAccount, max_message_bytes: int,
                 retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS) -> None:
        self._account = account
        self._max_bytes = max_message_bytes
        self._retry_delays = tuple(retry_delays)
        self._tls = account.tls_context()
        self._client: Any = None

    @classmethod
    def from_settings(cls, settings: Settings,
                      retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS) -> ImapInbox:
        return cls(ImapAccount.from_settings(settings),
                   settings.inbox.max_message_bytes, retry_delays)

    @property
    def account(self) -> str:
        return self._account.name

    def messages(self, last_uid: LastUid) -> Iterator[RawMessage]:
        failures, connected_once = 0, False
        batch: _Batch | None = None
        while True:
            try:
                if batch is None:
                    batch = self._start_poll(last_uid)
                    connected_once = True
                if not batch.uids:
                    return
                raw = self._fetch(batch, batch.uids[0])
            except CONNECTION_ERRORS as exc:
                failures += 1
                self._wait_or_give_up(failures, connected_once, exc)
                batch = None  # the consumer may have stored more since: ask last_uid again
                continue
            except imaplib.IMAP4.error as exc:
                self._drop()
                raise InboxError(f"IMAP server {self._where()} refused a command: {exc}") from exc
            del batch.uids[0]
            failures = 0
            if raw is not None:
                yield raw

    def acknowledge(self, raw: RawMessage, status: str) -> None:
        """Nothing to do: the server copy stays as it is, the position is the record."""
        check_status(status)
        log.debug("acknowledged %s as %s", raw.origin, status)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            logout_quietly(client)

    def _start_poll(self, last_uid: LastUid) -> _Batch:
        client = self._connected()
        uidvalidity = select_readonly(client, self._account)
        after = last_uid(self.account, self._account.folder, uidvalidity)
        # "UID n:*" also matches the highest UID when n is past it: filter.
        uids = sorted(uid for uid in client.search(["UID", f"{after + 1}:*"]) if uid > after)
        log.info("%s/%s: %d new message(s) after UID %d", self.account,
                 self._account.folder, len(uids), after)
        return _Batch(uidvalidity, uids, _sizes(client, uids))

    def _fetch(self, batch: _Batch, uid: int) -> RawMessage | None:
        size = batch.sizes.get(uid, 0)
        too_large = size > self._max_bytes
        if too_large:
            # Its header only, and at most HEADER_BYTES of it: a message with no blank line
            # is all header to the server, which sent all 12 MB of one (a read-only review)
            reply = self._client.fetch([uid], [f"BODY.PEEK[HEADER]<0.{HEADER_BYTES}>"])
            found = reply.get(uid, {})
            data = next((value for key, value in found.items()
                         if key.startswith(b"BODY[HEADER]")), None)
            data = data if data is None else header_only(bytes(data))
        else:
            data = self._client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
        if data is None:
            log.warning("%s: UID %d vanished before it was fetched", self.account, uid)
            return None
        position = MailboxPosition(self.account, self._account.folder, batch.uidvalidity, uid)
        return RawMessage(data=bytes(data), origin=self._account.origin(batch.uidvalidity, uid),
                          position=position, size=size if too_large else None)

    def _connected(self) -> Any:
        if self._client is None:
            self._client = connect(self._account, self._tls)
        return self._client

    def _wait_or_give_up(self, failures: int, connected_once: bool, exc: BaseException) -> None:
        self._drop()
        if failures > len(self._retry_delays):
            if connected_once:
                raise InboxConnectionLost(
                    f"lost the connection to IMAP server {self._where()} and could not "
                    f"reconnect after {failures - 1} tries: {exc}") from exc
            raise InboxError(f"cannot connect to IMAP server {self._where()} "
                             f"after {failures} tries: {exc}") from exc
        delay = self._retry_delays[failures - 1]
        log.warning("IMAP connection to %s failed (%s); reconnecting in %.1f s",
                    self._where(), exc, delay)
        time.sleep(delay)

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _shutdown_quietly(client)

    def _where(self) -> str:
        return self._account.where


def connect(account: ImapAccount, tls: ssl.SSLContext | None) -> Any:
    """A logged-in IMAPClient for ``account`` (``tls`` from ``account.tls_context()``).

    A refusal (wrong login, untrusted certificate, no STARTTLS) raises
    InboxError: trying again at once won't help.  A dropped or unreachable
    connection raises one of CONNECTION_ERRORS.
    """
    client = None
    try:
        client = IMAPClient(account.host, port=account.port, ssl=account.ssl,
                            ssl_context=tls, timeout=account.timeout)
        # imaplib writes a command in pieces; with Nagle on, some servers then
        # wait for a delayed ACK: 40 ms a command.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if account.starttls and not account.ssl:
            client.starttls(tls)
        client.login(account.username, account.password)
    except BaseException as exc:
        if client is not None:
            _shutdown_quietly(client)
        refused = _refusal(account, exc)
        if refused is None:
            raise
        raise refused from exc
    return client


def select_readonly(client: Any, account: ImapAccount) -> int:
    """SELECT the account's folder read-only (EXAMINE); returns its UIDVALIDITY."""
    try:
        info = client.select_folder(account.folder, readonly=True)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        raise InboxError(f"cannot open folder {account.folder!r} "
                         f"of {account.name}: {exc}") from exc
    return int(info[b"UIDVALIDITY"])


def logout_quietly(client: Any) -> None:
    """LOGOUT, or just close the socket when the connection is already broken."""
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        _shutdown_quietly(client)


def _sizes(client: Any, uids: list[int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    # In slices: thousands of UIDs in one command would pass servers' line limits.
    for start in range(0, len(uids), 500):
        found = client.fetch(uids[start:start + 500], ["RFC822.SIZE"])
        sizes.update({uid: int(item[b"RFC822.SIZE"]) for uid, item in found.items()
                      if b"RFC822.SIZE" in item})
    return sizes


def _refusal(account: ImapAccount, exc: BaseException) -> InboxError | None:
    """The server said no (wrong login, bad certificate, no STARTTLS): retrying won't help.

    The message names host and user, never the password.  None for anything else,
    such as a dropped connection, which the retry loop handles.
    """
    if isinstance(exc, LoginError):
        return InboxError(f"IMAP login to {account.host}:{account.port} as "
                          f"{account.username!r} was refused: {exc}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return InboxError(f"the TLS certificate of {account.host}:{account.port} is not "
                          f"trusted ({exc.verify_message}); set [inbox] ca_file to its CA")
    # (OpenSSL 3.2 and later say RECORD_LAYER_FAILURE where older ones said
    # WRONG_VERSION_NUMBER: the review)
    if isinstance(exc, ssl.SSLError) and exc.reason in ("WRONG_VERSION_NUMBER",
                                                         "RECORD_LAYER_FAILURE"):
        # TLS spoken to a port that answers in plain text (143 with ssl = true)
        return InboxError(f"{account.host}:{account.port} does not speak TLS from the start "
                          f"({exc.reason}): for a plain IMAP port set [inbox] ssl = false "
                          "(and starttls = true to upgrade), or use the server's IMAPS port")
    if isinstance(exc, imaplib.IMAP4.error) and not isinstance(exc, imaplib.IMAP4.abort):
        step = "STARTTLS" if account.starttls and not account.ssl else "the login"
        return InboxError(f"IMAP server {account.host}:{account.port} refused {step}: {exc}")
    return None


def _shutdown_quietly(client: Any) -> None:
    try:
        client.shutdown()
    except (OSError, imaplib.IMAP4.error):
        log.debug("closing a broken IMAP connection failed", exc_info=True)

