"""Transports: where a rendered email goes. The I/O seam of the send stage.

``SmtpTransport`` speaks SMTP through smtplib over one connection reused for
a batch; ``OutboxTransport`` writes each email as an .eml file (the embedded
default, with no [smtp] host).  Both have ``send(message, recipient)``, and
smtplib's errors become service.errors here, at the boundary:

- a 4xx reply or a lost connection: ``TransientDeliveryError`` (retry later);
- a 5xx reply to the recipient or the message: ``PermanentDeliveryError``; when its status
  code says it is not the reader's address or mailbox (the message's size, a spam or policy
  refusal): ``UnsendableMessage`` (its reader is not to blame);
- no usable server at all (connect, TLS, AUTH, our sender refused):
  ``DeliveryError``, which stops the batch without blaming its deliveries.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol

from service.config import Settings, tls_context
from service.errors import (
    ConfigError,
    DeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnsendableMessage,
)

log = logging.getLogger(__name__)

MESSAGE_TOO_BIG = 552  # to MAIL FROM with SIZE= (RFC 1870)
# The enhanced status code (RFC 3463) that opens a line of a reply's text, "550 5.1.1 …", or
# "#5.7.1" (Exchange): only there; an address or a version later in the text is none ("550
# 5.7.1 [5.2.17.40] … blocklist" read as a mailbox's, "550 5.1.1 <rob.5.7.12@…>" as a
# policy's: the reviews).  The first such line of a multi-line reply names it.
ENHANCED = re.compile(r"^#?([245])\.(\d{1,3})\.(\d{1,3})\b", re.MULTILINE)
# qmail writes it last, in brackets: "554 sorry, message looks like spam (#5.7.1)"
QMAIL_STATUS = re.compile(r"\(#([245])\.(\d{1,3})\.(\d{1,3})\)")
SIZE_STATUS = ("5", "3", "4")  # "message too big": at MAIL FROM only this says so ("501
# 5.5.4 Syntax: MAIL FROM:<a> [SIZE=n]" names SIZE and is our sender's refusal, and 5.3.2
# "not accepting messages" is the server's, which stops the run)
# Whose a 5xx is, by that code: X.1.x (address) and X.2.x (mailbox) are the reader's; once
# the address is taken, any other (5.7.1 "refused as spam", 5.6.x content, 5.3.x system) is
# this email's or our sender's, and a relay refusing every email so bounced a whole list in
# three issues (the scale review).  A reply with no code is the reader's, as before.  At
# RCPT, 5.7.x is a policy: "relaying denied" (our relay's settings) as often as a mailbox's
# rule: retried, never a bounce.
# (RFC 3463's: 5.1.0–5.1.6 the recipient's address, 5.2.0–5.2.2 their mailbox; not 5.1.7 and
# 5.1.8, our sender's address, nor 5.2.3 the message's length: the last review)
READERS_CODES = {("1", str(n)) for n in range(7)} | {("2", str(n)) for n in range(3)}
POLICY_SUBJECT = "7"
# RFC 5321's syntax and sequence errors (500–504): with no status code, a reply to DATA so
# says the conversation went wrong, not that the reader's mailbox refused the email
COMMAND_ERRORS = range(500, 505)


class Transport(Protocol):
    def send(self, message: EmailMessage | bytes, recipient: str) -> None: ...

    def close(self) -> None: ...


@contextmanager
def open_transport(settings: Settings) -> Iterator[Transport]:
    """SMTP when [smtp] host is set, else the outbox folder; closed on leaving."""
    transport: Transport
    if settings.smtp.host:
        transport = SmtpTransport(settings)
    else:
        transport = OutboxTransport(Path(settings.smtp.outbox_dir))
    try:
        yield transport
    finally:
        transport.close()


class OutboxTransport:
    """Writes each email to ``directory`` as <Message-ID>.eml, atomically.

    A re-sent delivery keeps its Message-ID, so it replaces its own file.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage | bytes, recipient: str) -> None:
        data = message if isinstance(message, bytes) else bytes(message)
        message_id = BytesHeaderParser(policy=default).parsebytes(data)["Message-ID"]
        name = re.sub(r"[^A-Za-z0-9@._-]", "_", str(message_id or "").strip("<> "))
        target = self.directory / f"{name or time.time_ns()}.eml"
        temporary = self.directory / f".{target.name}.{os.getpid()}.tmp"
        try:
            # Each email holds its reader's signed links (confirm, preferences, unsubscribe):
            # readable by the service's user alone, as the database and the signing key are.
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except OSError as exc:
            raise DeliveryError(f"cannot write to the outbox {self.directory}: {exc}") from exc
        log.debug("wrote %s for %s", target, recipient)

    def close(self) -> None:
        pass


class _PatientSMTP(smtplib.SMTP):
    """Waits ``reply_timeout`` for the reply to a whole email (the "." ending DATA), not the
    command timeout: a server may take minutes to scan it (RFC 5321 4.5.3.2.6: 10 min).
    Given up on after 30 s, a relay that answered at 35 s got each reader the email
    [delivery] max_attempts times, each one recorded as failed (the scale review)."""

    reply_timeout: float = 0.0

    def send(self, s: Any) -> None:  # (typeshed's ReadableBuffer | str)
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n") and self.sock is not None:
            self.sock.settimeout(max(self.timeout, self.reply_timeout))

    def getreply(self) -> tuple[int, bytes]:
        try:
            return super().getreply()
        finally:
            if self.sock is not None:
                self.sock.settimeout(self.timeout)


class _PatientSMTPSSL(smtplib.SMTP_SSL, _PatientSMTP):
    """SMTPS with the same patience."""


class SmtpTransport:
    """One SMTP connection, opened on the first send and reopened after it drops."""

    def __init__(self, settings: Settings) -> None:
        smtp = settings.smtp
        self.host = smtp.host
        self.ssl = smtp.ssl
        self.starttls = smtp.starttls and not smtp.ssl
        self.port = smtp.port or (465 if self.ssl else 587 if self.starttls else 25)
        self.timeout = smtp.timeout
        # (under half the lease, which is not renewed while one email waits: past it, another
        # worker may claim the delivery and send it again)
        self.reply_timeout = min(smtp.data_timeout, settings.delivery.lease_seconds / 2)
        self._login = (smtp.username, smtp.password)
        self._ca_file = smtp.ca_file
        self.envelope_from = parseaddr(smtp.from_)[1]
        self._connection: smtplib.SMTP | None = None
        self._tls_context: ssl.SSLContext | None = None
        self._warned_clear = False

    def send(self, message: EmailMessage | bytes, recipient: str) -> None:
        connection = self._connect()
        try:
            if isinstance(message, bytes):
                connection.sendmail(self.envelope_from, [recipient], message)
            else:
                connection.send_message(message, self.envelope_from, [recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(recipient, (0, b"refused"))
            said = _reply(code, reply)
            if 500 <= code < 600 and _status(reply)[:2] == ("5", POLICY_SUBJECT):
                raise TransientDeliveryError(f"{said} (a policy refusal of the recipient: "
                                             "retried, never counted a bounce)") from exc
            raise self._reply_error(code, reply) from exc
        except smtplib.SMTPSenderRefused as exc:
            if 400 <= exc.smtp_code < 500:
                raise self._reply_error(exc.smtp_code, exc.smtp_error) from exc
            said = _reply(exc.smtp_code, exc.smtp_error)
            if exc.smtp_code == MESSAGE_TOO_BIG or _status(exc.smtp_error) == SIZE_STATUS:
                # RFC 1870: a 552 to MAIL FROM ... SIZE=n is this email over the server's
                # fixed maximum, not our sender refused: taken as the latter, one big alert
                # stopped every send for every reader (an operator's review)
                raise UnsendableMessage(said) from exc
            self.close()
            raise DeliveryError(f"the SMTP server {self.host} refuses our sender "
                                f"{self.envelope_from}: {said}") from exc
        except smtplib.SMTPDataError as exc:
            said = _reply(exc.smtp_code, exc.smtp_error)
            status = _status(exc.smtp_error)
            if not status and exc.smtp_code in COMMAND_ERRORS:
                # the conversation's error, nobody's mailbox: a relay answering a bare 500
                # for a minute marked 23 readers bounced, a strike an email (the scale review)
                raise TransientDeliveryError(f"{said} (a command error, not the reader's: "
                                             "retried, never counted a bounce)") from exc
            # (with no code, whose it is cannot be told: the reader's, as RCPT's would be)
            readers = not status or (status[0] == "5" and status[1:] in READERS_CODES)
            if 500 <= exc.smtp_code < 600 and not readers:
                raise UnsendableMessage(said) from exc
            raise self._reply_error(exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPResponseException as exc:
            raise self._reply_error(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise TransientDeliveryError(f"connection to {self.host} lost: {exc}") from exc
        except smtplib.SMTPException as exc:  # e.g. an address needing SMTPUTF8 it lacks
            raise PermanentDeliveryError(f"{self.host} cannot take this email: {exc}") from exc

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    def _reply_error(self, code: int, reply: bytes | str) -> DeliveryError:
        if 500 <= code < 600:
            return PermanentDeliveryError(_reply(code, reply))
        self._drop()  # after a 4xx (421 above all) the server may be closing: start afresh
        return TransientDeliveryError(_reply(code, reply))

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        if self._connection is None:
            try:
                self._connection = self._open()
            except (smtplib.SMTPException, OSError, ConfigError) as exc:
                # (a CA file gone since the start is this email's failure, retried: the
                # claimed batch is released, not held for its lease: a read-only review)
                raise DeliveryError(
                    f"cannot use the SMTP server {self.host}:{self.port}: {exc}") from exc
        return self._connection

    def _tls(self) -> ssl.SSLContext:
        # Made once: building a context reads the CA store (tens of milliseconds).
        if self._tls_context is None:
            # (an unreadable ca_file is a ConfigError naming it, not "cannot use the SMTP
            # server: [Errno 2]…" retried for ever: an operator's review)
            self._tls_context = tls_context(self._ca_file, "smtp")
        return self._tls_context

    def _open(self) -> smtplib.SMTP:
        tls = self._tls() if self.ssl or self.starttls else None
        connection = (
            _PatientSMTPSSL(self.host, self.port, timeout=self.timeout, context=tls)
            if self.ssl else _PatientSMTP(self.host, self.port, timeout=self.timeout)
        )
        connection.reply_timeout = self.reply_timeout
        try:
            if self.starttls:
                connection.starttls(context=tls)
            if self._login[0]:
                if tls is None and not self._warned_clear:
                    # (the scale review: nothing said so; a local relay may be fine, a
                    # remote one reads the password off the wire)
                    self._warned_clear = True
                    log.warning("[smtp] username is set but neither ssl nor starttls: the "
                                "SMTP password goes to %s in clear text", self.host)
                connection.login(*self._login)
        except (smtplib.SMTPException, OSError):
            connection.close()
            raise
        return connection


class Pacer:
    """Spaces calls of ``wait`` at most ``rate`` per second apart; rate 0: no limit.

    One pacer serves every connection of a process, so the rate is the
    process's, however many connections share it.
    """

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self._interval:
            return
        with self._lock:  # take the next free slot; sleep for it outside the lock
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            time.sleep(slot - now)


def _status(reply: bytes | str) -> tuple[str, ...]:
    """The enhanced status code opening a line of the reply's text ("5", "1", "1"), or ()."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    found = ENHANCED.search(text[:2000]) or QMAIL_STATUS.search(text[:2000])
    return (found[1], found[2], found[3]) if found else ()


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}"
