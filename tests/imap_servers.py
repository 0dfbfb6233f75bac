"""Real IMAP servers on loopback for tests: Dovecot and pymap (a pytest plugin).

Loaded by tests/conftest.py (``pytest_plugins``).  Each server process starts
once per test session, on 127.0.0.1 and a free port, the first time a test
asks for it; every test then gets it emptied (all folders but INBOX deleted,
INBOX expunged).  UIDs keep counting up across tests, so take them from
``deliver()``, never assume they start at 1.

Fixtures
--------
``dovecot``       a DovecotServer (Debian package dovecot-imapd, run as root).
                  A missing binary FAILS the test: run scripts/test, which installs it.
``pymap_server``  a PymapServer (pymap from PyPI, in-memory "dict" backend).
``imap_server``   parametrized over both (ids ``dovecot`` and ``pymap``): a test
                  that uses it runs once against each.
``imap_tls``      (session) TlsFiles: a private CA and a server certificate for
                  127.0.0.1, which Dovecot serves; ``ca_file`` goes into [inbox] ca_file.

Server interface (ImapTestServer)
---------------------------------
``name``, ``host``, ``port``, ``username``, ``password``
``tls_port``      Dovecot: implicit-TLS (IMAPS) listener; ``port`` also offers
                  STARTTLS.  None for pymap (plain only).
``ca_file``       Path of the CA that signed ``tls_port``'s certificate (Dovecot), else None.
``keeps_uidvalidity_on_restart``  True for Dovecot; False for pymap, whose
                  in-memory mailboxes come back with a new UIDVALIDITY.
``deliver(message: bytes, folder="INBOX") -> int``  APPEND; returns the new UID.
``create_folder(name)``, ``uidvalidity(folder="INBOX") -> int``,
``flags(uid, folder="INBOX") -> tuple[bytes, ...]``, ``uids(folder="INBOX") -> list[int]``
``restart()``     stop and start again on the same port; the mail survives (pymap:
                  re-delivered, so UIDs and UIDVALIDITY change).  About 1.1 s for
                  Dovecot, whose master takes a second to shut down; 0.6 s for pymap.
``stop()``, ``start()``, ``is_running()``  for outage tests; the next test's
                  fixture starts a stopped server again.
``reset_uidvalidity(folder="INBOX") -> int``  give the folder a new UIDVALIDITY,
                  keeping its messages (Dovecot: doveadm, UIDs kept; pymap: a
                  restart); returns the new value.
``clear()``       what each test gets done before it starts.
``inbox_env(**overrides) -> dict[str, str]``  NEWSALERTS_INBOX__* variables that
                  point newsalerts at this server (plain IMAP, timeout 10 s);
                  overrides by [inbox] key, e.g. ``port=proxy.port, folder="News"``,
                  ``ssl=True, port=dovecot.tls_port, ca_file=dovecot.ca_file``.
                  Only [inbox]: merge it with your own NEWSALERTS_DATABASE__URL etc.
``settings(**overrides) -> Settings``  ``load_settings(environ=inbox_env(...))``.
``log_tail()``    (Dovecot) the end of its log, for failure messages.

Example::

    def test_poll_stores_new_issue(imap_server, tmp_path):
        uid = imap_server.deliver(raw_bytes)
        env = imap_server.inbox_env() | {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/t.db"}
        settings = load_settings(environ=env)
        ...

To cut connections from the test side, put tests/tcp_proxy.TcpProxy between
the client and ``port`` (``imap_server.settings(port=proxy.port)``).
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from service.config import Settings, load_settings

HOST = "127.0.0.1"
USERNAME = "newsreader"


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_greeting(port: int, why: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                if sock.recv(200).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    pytest.fail(f"{why}: no IMAP greeting on {HOST}:{port} after {timeout} s", pytrace=False)


def _env_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class ImapTestServer:
    """What the two servers have in common: an admin IMAP session and the settings."""

    name = ""
    keeps_uidvalidity_on_restart = True
    host = HOST
    tls_port: int | None = None
    ca_file: Path | None = None

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.username = USERNAME
        self.password = f"pw-{secrets.token_hex(8)}"  # unique, so a leak is detectable
        self._admin_client: Any = None

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def restart(self) -> None:
        self._forget_admin()
        self.stop()
        self.start()

    def reset_uidvalidity(self, folder: str = "INBOX") -> int:
        raise NotImplementedError

    def deliver(self, message: bytes, folder: str = "INBOX") -> int:
        reply = self._admin().append(folder, message)
        found = re.search(rb"APPENDUID \d+ (\d+)", reply)
        assert found, f"{self.name} did not report the UID of the appended message: {reply!r}"
        return int(found.group(1))

    def create_folder(self, name: str) -> None:
        self._admin().create_folder(name)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        return int(self._admin().folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])

    # Read-only looks leave the folder selected: pymap refuses CLOSE on a
    # read-only folder and has no UNSELECT; the next SELECT replaces it anyway.
    def uids(self, folder: str = "INBOX") -> list[int]:
        client = self._admin()
        client.select_folder(folder, readonly=True)
        return sorted(client.search("ALL"))

    def flags(self, uid: int, folder: str = "INBOX") -> tuple[bytes, ...]:
        client = self._admin()
        client.select_folder(folder, readonly=True)
        return tuple(client.get_flags([uid]).get(uid, ()))

    def is_running(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def clear(self) -> None:
        """Delete every folder but INBOX and expunge INBOX: each test starts empty."""
        if not self.is_running():  # a test before this one stopped it
            self._forget_admin()
            self.start()
        client = self._admin()
        for _flags, _delimiter, name in client.list_folders():
            if name.upper() != "INBOX":
                client.delete_folder(name)
        client.select_folder("INBOX")
        uids = client.search("ALL")
        if uids:
            client.delete_messages(uids)
            client.expunge()
        client.close_folder()

    def inbox_env(self, **overrides: object) -> dict[str, str]:
        values: dict[str, object] = {
            "host": self.host, "port": self.port, "ssl": False, "starttls": False,
            "username": self.username, "password": self.password, "timeout": 10,
        }
        values.update(overrides)
        return {f"NEWSALERTS_INBOX__{key.upper()}": _env_text(value)
                for key, value in values.items()}

    def settings(self, **overrides: object) -> Settings:
        return load_settings(environ=self.inbox_env(**overrides))

    def close_admin(self) -> None:
        self._forget_admin()

    def _admin(self) -> Any:
        if self._admin_client is not None:
            try:
                self._admin_client.noop()
                return self._admin_client
            except (OSError, imaplib.IMAP4.error):
                self._forget_admin()
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        # imaplib writes commands in pieces: without this, pymap answers 40 ms late.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login(self.username, self.password)
        self._admin_client = client
        return client

    def _forget_admin(self) -> None:
        client, self._admin_client = self._admin_client, None
        if client is not None:
            try:
                client.logout()
            except (OSError, imaplib.IMAP4.error):
                with contextlib.suppress(OSError):
                    client.shutdown()


# -- Dovecot ---------------------------------------------------------------

_DOVECOT_CONF = """\
base_dir = {root}/base
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
first_valid_uid = 1
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


def _binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        pytest.fail(f"{name} is not installed: run scripts/test, which installs the "
                    "dovecot-imapd Debian package (apt-get install -y dovecot-imapd)",
                    pytrace=False)
    return found


def _process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state == "Z"  # exited; only waiting for a parent that may never reap it


class DovecotServer(ImapTestServer):
    name = "dovecot"
    keeps_uidvalidity_on_restart = True

    def __init__(self, root: Path, tls: TlsFiles) -> None:
        super().__init__(root)
        self.dovecot = _binary("dovecot")
        self.doveadm = _binary("doveadm")
        self.tls_port = _free_port()
        self.ca_file = tls.ca_file
        self.config = root / "dovecot.conf"
        # Dovecot's mail and auth processes run as the dovecot user, not root.
        root.chmod(0o755)
        (root / "mail").mkdir()
        shutil.chown(root / "mail", "dovecot", "dovecot")
        (root / "passwd").write_text(f"{self.username}:{{PLAIN}}{self.password}\n")
        self.config.write_text(_DOVECOT_CONF.format(
            root=root, port=self.port, tls_port=self.tls_port,
            cert=tls.cert_file, key=tls.key_file))

    def start(self) -> None:
        # Output to a file, never a pipe: the daemon keeps inherited pipes open.
        with (self.root / "start.log").open("ab") as out:
            done = subprocess.run([self.dovecot, "-c", str(self.config)], stdout=out,
                                  stderr=subprocess.STDOUT, check=False, timeout=30)
        if done.returncode != 0:
            pytest.fail(f"dovecot did not start (exit {done.returncode}):\n"
                        f"{self.log_tail()}", pytrace=False)
        # Dovecot delays logins from an IP that failed one (up to 15 s): without
        # the anvil socket its auth process turns that penalty off, so a
        # wrong-password test does not slow down every test after it.
        (self.root / "base" / "anvil-auth-penalty").unlink(missing_ok=True)
        _wait_for_greeting(self.port, "dovecot")

    def stop(self) -> None:
        pid_file = self.root / "base" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().split()[0])
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while not _process_gone(pid) and time.monotonic() < deadline:
            time.sleep(0.01)

    def reset_uidvalidity(self, folder: str = "INBOX") -> int:
        new = self.uidvalidity(folder) + 1
        subprocess.run([self.doveadm, "-c", str(self.config), "mailbox", "update",
                        "-u", self.username, "--uid-validity", str(new), folder],
                       check=True, timeout=30, capture_output=True)
        return new

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for name in ("start.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


# -- pymap ------------------------------------------------------------------

# pymap hashes the demo password with 500,000 rounds of PBKDF2 (passlib absent),
# which costs 0.2 s per login.  Its Config takes a hash_context that its command
# line does not expose: hand it pysasl's Cleartext, as Dovecot gets {PLAIN}.
_PYMAP_MAIN = """\
import sys
from pysasl.hashing import Cleartext
from pymap.backend.dict import DictBackend
from pymap.main import main

_init = DictBackend.init.__func__

async def _init_cleartext(cls, args, **overrides):
    return await _init(cls, args, hash_context=Cleartext(), **overrides)

DictBackend.init = classmethod(_init_cleartext)
sys.exit(main())
"""


class PymapServer(ImapTestServer):
    name = "pymap"
    keeps_uidvalidity_on_restart = False

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-c", _PYMAP_MAIN, "--host", HOST, "--port",
                   str(self.port), "--no-tls", "dict", "--demo-user", self.username,
                   "--demo-password", self.password]
        with (self.root / "pymap.log").open("ab") as out:
            self._process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for_greeting(self.port, "pymap")
        except BaseException:
            self.stop()
            print((self.root / "pymap.log").read_text(errors="replace"))
            raise

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self) -> None:
        """The dict backend forgets everything: carry the mail over by IMAP."""
        saved = self._snapshot()
        super().restart()
        for folder, messages in saved:
            if folder.upper() != "INBOX":
                self.create_folder(folder)
            for message in messages:
                self.deliver(message, folder)

    def reset_uidvalidity(self, folder: str = "INBOX") -> int:
        old = self.uidvalidity(folder)
        while True:  # a fresh mailbox draws a random UIDVALIDITY: a repeat is unlikely
            self.restart()
            new = self.uidvalidity(folder)
            if new != old:
                return new

    def _snapshot(self) -> list[tuple[str, list[bytes]]]:
        client = self._admin()
        saved: list[tuple[str, list[bytes]]] = []
        for _flags, _delimiter, name in client.list_folders():
            uids = self.uids(name)
            found = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            saved.append((name, [found[uid][b"BODY[]"] for uid in sorted(found)]))
        return saved


# -- fixtures ---------------------------------------------------------------

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="session")
def imap_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A private CA and a server certificate for 127.0.0.1 signed by it (EC keys: fast)."""
    where = tmp_path_factory.mktemp("imap-tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=newsalerts test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=where)
    _openssl("req", "-new", *ec, "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=127.0.0.1", cwd=where)
    (where / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
             cwd=where)
    return TlsFiles(where / "ca.pem", where / "server.pem", where / "server.key")


@pytest.fixture(scope="session")
def _dovecot_process(imap_tls: TlsFiles) -> Iterator[DovecotServer]:
    _binary("dovecot")
    if os.geteuid() != 0:
        pytest.fail("the Dovecot fixture runs dovecot as root (its mail processes then "
                    "run as the dovecot user): run the tests as root, as scripts/test does",
                    pytrace=False)
    # Not under pytest's basetemp: that is mode 700, and the dovecot user must get in.
    root = Path(tempfile.mkdtemp(prefix="newsalerts-dovecot-"))
    server = DovecotServer(root, imap_tls)
    try:
        server.start()
        yield server
    finally:
        server.close_admin()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def _pymap_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PymapServer]:
    server = PymapServer(tmp_path_factory.mktemp("pymap"))
    try:
        server.start()
        yield server
    finally:
        server.close_admin()
        server.stop()


@pytest.fixture
def dovecot(_dovecot_process: DovecotServer) -> DovecotServer:
    _dovecot_process.clear()
    return _dovecot_process


@pytest.fixture
def pymap_server(_pymap_process: PymapServer) -> PymapServer:
    _pymap_process.clear()
    return _pymap_process


@pytest.fixture(params=[pytest.param("dovecot", marks=pytest.mark.dovecot), "pymap"])
def imap_server(request: pytest.FixtureRequest) -> ImapTestServer:
    fixture = "dovecot" if request.param == "dovecot" else "pymap_server"
    server: ImapTestServer = request.getfixturevalue(fixture)
    return server
