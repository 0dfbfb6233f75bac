"""A real SMTP server on loopback for tests (aiosmtpd), with faults on demand (a pytest plugin).

Fixtures
--------
``smtp_sink``          an SmtpSink: plain SMTP on 127.0.0.1 and a free port,
                       collecting every accepted message.
``smtp_sink_factory``  start more sinks: ``smtp_sink_factory(tls="starttls"|"ssl",
                       login=("user", "pass"))``; TLS uses tests.imap_servers'
                       private CA (``sink.ca_file``), AUTH then requires TLS.

SmtpSink
--------
``host``, ``port``, ``ca_file``, ``received`` (list of Received: mail_from,
rcpt_tos, data), ``messages`` (the accepted ones, parsed with email.policy.default),
``connections`` (how many sessions said EHLO/HELO), ``open_sessions`` (sessions
whose client handling has not ended: 0 once a killed client's last email is stored
or dropped), ``data_commands``,
``smtp_settings(**overrides) -> dict`` ([smtp] keys and typed values pointing at
it), ``env(**overrides) -> dict`` (the same as NEWSALERTS_SMTP__* variables),
``faults`` (Faults, change it any time):

- ``transient = N``: answer ``transient_reply`` (451 by default; 421 closes
  the session too) to the next N DATA commands, then accept again;
- ``refuse = {"a@x"}``: answer ``refuse_reply`` (550) to RCPT TO those addresses;
- ``drop = N``: cut the connection at the next N DATA commands, after the
  client sent the message and before any reply: nothing is stored;
- ``size_limit = N``: from the next session, take emails of at most N bytes (552 to a
  larger MAIL FROM ... SIZE=);
- ``mail_reply = "501 …"``: answer it to every MAIL FROM.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.helpers import stopped_at_end

HOST = "127.0.0.1"


@dataclass
class Faults:
    transient: int = 0
    transient_reply: str = "451 4.3.0 Mailbox busy, try again later"
    refuse: set[str] = field(default_factory=set)
    refuse_reply: str = "550 5.1.1 No such mailbox here"
    drop: int = 0
    # The largest email taken, advertised from the next session on (EHLO's "SIZE"); over it,
    # MAIL FROM ... SIZE=n is refused with 552 (RFC 1870). 0: aiosmtpd's default.
    size_limit: int = 0
    # The reply to every MAIL FROM, when set ("501 5.5.4 Syntax: MAIL FROM:<a> [SIZE=n]")
    mail_reply: str = ""
    # Run once, in the server's thread, when the next RCPT arrives: what happens elsewhere
    # while this server keeps a client waiting (a stall past the client's lease).
    meanwhile: Callable[[], None] | None = None
    # The reply to every DATA, when set, the email not stored ("554 5.7.1 refused as spam")
    data_reply: str = ""
    # Seconds the server keeps the client waiting for its reply to a whole email (stored)
    reply_delay: float = 0.0


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes


class FaultyHandler:
    """aiosmtpd handler: stores what it accepts, misbehaves as ``faults`` say."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.received: list[Received] = []
        self.connections = 0
        self.data_commands = 0
        self.open_sessions = 0  # sessions whose client handling has not ended yet
        self._lock = threading.Lock()

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        with self._lock:
            self.connections += 1
            limit = self.faults.size_limit
        session.host_name = hostname
        if limit:
            server.data_size_limit = limit
            responses = [f"250-SIZE {limit}" if r.startswith("250-SIZE") else r
                         for r in responses]
        return responses

    async def handle_HELO(self, server: Any, session: Any, envelope: Any,
                          hostname: str) -> str:
        with self._lock:
            self.connections += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        if self.faults.mail_reply:
            return self.faults.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self._lock:
            meanwhile, self.faults.meanwhile = self.faults.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        if address.lower() in {a.lower() for a in self.faults.refuse}:
            return self.faults.refuse_reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.data_commands += 1
            faults = self.faults
            if faults.drop > 0:
                faults.drop -= 1
                server.transport.close()
                return "451 4.4.2 connection dropped"  # never reaches the client
            if faults.transient > 0:
                faults.transient -= 1
                if faults.transient_reply.startswith("421"):
                    server.loop.call_soon(server.transport.close)
                return faults.transient_reply
            if faults.data_reply:
                return faults.data_reply
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                          bytes(envelope.original_content or envelope.content)))
            delay = faults.reply_delay
        if delay:
            await asyncio.sleep(delay)  # (a slow scanner: the behaviour under test, not a wait)
        return "250 2.0.0 Message accepted"


class _SessionCountingSMTP(SMTP):
    """Counts sessions until aiosmtpd has handled all their client sent: a client killed
    right after writing its DATA leaves that email in the socket, and the server stores
    it after the kill (tests waiting on what a killed sender got need to know when)."""

    async def _handle_client(self) -> None:
        handler = self.event_handler
        with handler._lock:
            handler.open_sessions += 1
        try:
            await super()._handle_client()
        finally:
            with handler._lock:
                handler.open_sessions -= 1


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _SessionCountingSMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class SmtpSink:
    controller: Controller
    handler: FaultyHandler
    host: str
    port: int
    tls: str = ""  # "", "starttls" or "ssl"
    login: tuple[str, str] | None = None
    ca_file: Path | None = None

    @property
    def faults(self) -> Faults:
        return self.handler.faults

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def messages(self) -> list[EmailMessage]:
        return [_parse(r.data) for r in self.handler.received]

    @property
    def connections(self) -> int:
        return self.handler.connections

    @property
    def open_sessions(self) -> int:
        return self.handler.open_sessions

    @property
    def data_commands(self) -> int:
        return self.handler.data_commands

    def recipients(self) -> list[str]:
        return [rcpt for r in self.handler.received for rcpt in r.rcpt_tos]

    def smtp_settings(self, **overrides: object) -> dict[str, object]:
        """[smtp] settings (typed) that point newsalerts at this sink."""
        values: dict[str, object] = {
            "host": self.host, "port": self.port, "ssl": self.tls == "ssl",
            "starttls": self.tls == "starttls", "timeout": 10.0,
            "ca_file": str(self.ca_file or ""),
        }
        if self.login:
            values["username"], values["password"] = self.login
        values.update(overrides)
        return values

    def env(self, **overrides: object) -> dict[str, str]:
        return {f"NEWSALERTS_SMTP__{key.upper()}": _env_text(value)
                for key, value in self.smtp_settings(**overrides).items()}


def _parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _env_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _authenticator(login: tuple[str, str]) -> Callable[..., AuthResult]:
    def check(server: Any, session: Any, envelope: Any, mechanism: str,
              auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == login
        return AuthResult(success=ok, handled=False)
    return check


def start_sink(*, tls: str = "", login: tuple[str, str] | None = None,
               cert: tuple[Path, Path, Path] | None = None) -> SmtpSink:
    """Start a sink; ``cert`` is (ca_file, cert_file, key_file) when ``tls`` is set."""
    handler = FaultyHandler()
    kwargs: dict[str, Any] = {"hostname": HOST, "port": _free_port(), "ready_timeout": 10}
    if tls:
        assert cert is not None, "a TLS sink needs a certificate"
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert[1], cert[2])
        if tls == "ssl":
            kwargs["ssl_context"] = context
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    if login:
        # aiosmtpd only knows of TLS it started itself (STARTTLS); SMTPS is TLS from the start.
        kwargs.update(authenticator=_authenticator(login), auth_require_tls=tls == "starttls")
    controller = _Controller(handler, **kwargs)
    controller.start()
    return SmtpSink(controller, handler, HOST, kwargs["port"], tls, login,
                    cert[0] if cert else None)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = start_sink()
    yield sink
    sink.controller.stop()


@pytest.fixture
def smtp_sink_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., SmtpSink]]:
    def make(*, tls: str = "", login: tuple[str, str] | None = None) -> SmtpSink:
        cert = None
        if tls:
            files = request.getfixturevalue("imap_tls")
            cert = (files.ca_file, files.cert_file, files.key_file)
        return start_sink(tls=tls, login=login, cert=cert)

    with stopped_at_end(make, lambda sink: sink.controller.stop()) as start:
        yield start
