"""The fetch stage against real IMAP servers (Dovecot and pymap) and a real folder."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import main
from service.config import load_settings
from service.domain import MailboxPosition, RawMessage
from service.errors import ConfigError, InboxConnectionLost, InboxError
from service.ingest.fetch import DirectoryInbox, ImapInbox, Inbox, open_inbox
from service.ingest.fetch.base import HEADER_BYTES, header_only
from tests.imap_servers import DovecotServer, ImapTestServer
from tests.tcp_proxy import TcpProxy

FAST_RETRIES = (0.0, 0.05, 0.1)


def make_message(subject: str, *, pad: int = 0) -> bytes:
    """A small synthetic message; pad adds about that many bytes of body."""
    body = "Hello.\r\n" + ("x" * 76 + "\r\n") * (pad // 78)
    return (f"From: Sample <sample@newsalerts.invalid>\r\n"
            f"To: reader@newsalerts.invalid\r\n"
            f"Subject: {subject}\r\n"
            f"Message-ID: <{subject}@newsalerts.invalid>\r\n"
            f"Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
            f"\r\n{body}").encode()


def header_of(message: bytes) -> bytes:
    return message.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"


class PositionBook:
    """Plays the consumer: stores each message's position before taking the next."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str, int], int] = {}
        self.asked: list[tuple[str, str, int]] = []

    def last_uid(self, account: str, folder: str, uidvalidity: int) -> int:
        self.asked.append((account, folder, uidvalidity))
        return self.stored.get((account, folder, uidvalidity), 0)

    def store(self, raw: RawMessage) -> None:
        assert raw.position is not None
        position = raw.position
        self.stored[(position.account, position.folder, position.uidvalidity)] = position.uid

    def consume(self, inbox: Inbox,
                after_each: Callable[[list[RawMessage]], None] | None = None
                ) -> list[RawMessage]:
        got: list[RawMessage] = []
        for raw in inbox.messages(self.last_uid):
            self.store(raw)
            got.append(raw)
            if after_each is not None:
                after_each(got)
        return got


OpenImap = Callable[..., ImapInbox]


@pytest.fixture
def open_imap() -> Iterator[OpenImap]:
    """Opens ImapInboxes on a server's settings (plus overrides) and closes them after."""
    opened: list[ImapInbox] = []

    def open_(server: ImapTestServer, **overrides: object) -> ImapInbox:
        inbox = ImapInbox.from_settings(server.settings(**overrides), retry_delays=FAST_RETRIES)
        opened.append(inbox)
        return inbox

    yield open_
    for inbox in opened:
        inbox.close()


@pytest.fixture
def proxy(imap_server: ImapTestServer) -> Iterator[TcpProxy]:
    with TcpProxy(imap_server.host, imap_server.port) as tcp_proxy:
        yield tcp_proxy


# -- IMAP, against both servers ------------------------------------------------

def test_new_messages_are_yielded_once_in_uid_order_with_positions(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    sent = [make_message(f"issue-{n}") for n in range(3)]
    uids = [imap_server.deliver(message) for message in sent]
    inbox, book = open_imap(imap_server), PositionBook()

    got = book.consume(inbox)

    uidvalidity = imap_server.uidvalidity()
    account = f"{imap_server.username}@127.0.0.1:{imap_server.port}"
    assert [raw.data for raw in got] == sent
    assert [raw.position for raw in got] == [
        MailboxPosition(account, "INBOX", uidvalidity, uid) for uid in uids]
    assert got[0].origin == (f"imap://{imap_server.username}@127.0.0.1:{imap_server.port}"
                             f"/INBOX;UIDVALIDITY={uidvalidity}/;UID={uids[0]}")
    assert all(raw.size is None for raw in got)
    assert book.consume(inbox) == []


def test_stored_position_means_nothing_is_yielded_again(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    uids = [imap_server.deliver(make_message(f"old-{n}")) for n in range(2)]
    inbox, book = open_imap(imap_server), PositionBook()
    key = (inbox.account, "INBOX", imap_server.uidvalidity())

    book.stored[key] = uids[-1]  # past the highest UID: "UID n:*" still matches it
    assert book.consume(inbox) == []
    book.stored[key] = uids[0]
    assert [raw.position.uid for raw in book.consume(inbox) if raw.position] == [uids[1]]
    newer = imap_server.deliver(make_message("new"))
    assert [raw.position.uid for raw in book.consume(inbox) if raw.position] == [newer]


def test_new_uidvalidity_restarts_from_zero(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    sent = [make_message(f"issue-{n}") for n in range(2)]
    for message in sent:
        imap_server.deliver(message)
    inbox, book = open_imap(imap_server), PositionBook()
    first = book.consume(inbox)
    old = imap_server.uidvalidity()

    new = imap_server.reset_uidvalidity()
    again = book.consume(inbox)

    assert new != old
    assert [raw.data for raw in first] == [raw.data for raw in again] == sent
    assert {raw.position.uidvalidity for raw in again if raw.position} == {new}
    assert book.asked[-1] == (inbox.account, "INBOX", new)


def test_poll_after_a_server_restart_reconnects(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    before, after = make_message("before"), make_message("after")
    imap_server.deliver(before)
    inbox, book = open_imap(imap_server), PositionBook()
    assert [raw.data for raw in book.consume(inbox)] == [before]

    imap_server.restart()
    imap_server.deliver(after)

    got = [raw.data for raw in book.consume(inbox)]
    # pymap's in-memory mailbox comes back with a new UIDVALIDITY: all is new again
    assert got == ([after] if imap_server.keeps_uidvalidity_on_restart else [before, after])


def test_connection_killed_between_messages_resumes_without_loss(
        imap_server: ImapTestServer, open_imap: OpenImap, proxy: TcpProxy) -> None:
    sent = [make_message(f"issue-{n}") for n in range(5)]
    for message in sent:
        imap_server.deliver(message)
    inbox, book = open_imap(imap_server, port=proxy.port), PositionBook()

    def kill_after_second(got: list[RawMessage]) -> None:
        if len(got) == 2:
            assert proxy.kill_all() == 1

    got = book.consume(inbox, kill_after_second)

    assert [raw.data for raw in got] == sent
    assert proxy.accepted == 2
    assert len(book.asked) == 2  # asked again after reconnecting, not remembered


def test_connection_cut_in_the_middle_of_a_message_resumes_without_loss(
        imap_server: ImapTestServer, open_imap: OpenImap, proxy: TcpProxy) -> None:
    sent = [make_message(f"big-{n}", pad=200_000) for n in range(3)]
    for message in sent:
        imap_server.deliver(message)
    inbox, book = open_imap(imap_server, port=proxy.port), PositionBook()

    def cut_inside_the_next(got: list[RawMessage]) -> None:
        if len(got) == 1:
            proxy.cut_after(100_000)  # half of the next message's body

    got = book.consume(inbox, cut_inside_the_next)

    assert [raw.data for raw in got] == sent
    assert proxy.accepted == 2
    assert len(book.asked) == 2


def test_connection_cut_during_the_greeting_is_retried(
        imap_server: ImapTestServer, open_imap: OpenImap, proxy: TcpProxy) -> None:
    sent = make_message("issue")
    imap_server.deliver(sent)
    proxy.cut_after(10)

    got = PositionBook().consume(open_imap(imap_server, port=proxy.port))

    assert [raw.data for raw in got] == [sent]
    assert proxy.accepted == 2


def test_reconnect_that_keeps_failing_raises_connection_lost(
        imap_server: ImapTestServer, open_imap: OpenImap, proxy: TcpProxy) -> None:
    for n in range(3):
        imap_server.deliver(make_message(f"issue-{n}"))
    inbox, book = open_imap(imap_server, port=proxy.port), PositionBook()

    def go_away(got: list[RawMessage]) -> None:
        proxy.refuse()
        proxy.kill_all()

    with pytest.raises(InboxConnectionLost, match=rf"127\.0\.0\.1:{proxy.port}") as lost:
        book.consume(inbox, go_away)
    assert "reconnect" in str(lost.value)
    assert proxy.accepted == 1 + len(FAST_RETRIES)
    assert len(book.stored) == 1  # the first message was handed over before the loss


def test_wrong_password_raises_inbox_error_without_the_password(
        imap_server: ImapTestServer, open_imap: OpenImap,
        caplog: pytest.LogCaptureFixture) -> None:
    wrong = f"wrong-{imap_server.password}"
    inbox = open_imap(imap_server, password=wrong)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(InboxError) as refused:
        PositionBook().consume(inbox)

    message = str(refused.value)
    assert imap_server.username in message and "127.0.0.1" in message
    assert not isinstance(refused.value, InboxConnectionLost)
    for secret in (wrong, imap_server.password):
        assert secret not in message
        assert secret not in str(refused.value.__cause__)
        assert secret not in caplog.text


def test_oversized_message_is_yielded_as_headers_and_size(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    small, big = make_message("small"), make_message("big", pad=50_000)
    imap_server.deliver(small)
    big_uid = imap_server.deliver(big)

    got = PositionBook().consume(open_imap(imap_server, max_message_bytes=10_000))

    assert got[0].data == small and got[0].size is None
    assert got[1].data == header_of(big)
    assert got[1].size == len(big)
    assert got[1].position is not None and got[1].position.uid == big_uid


def test_an_oversized_message_with_no_blank_line_is_read_no_further_than_its_header_limit(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    """A read-only review: with no blank line a message is all header to the server, and
    BODY.PEEK[HEADER] of a 12 MB one brought all 12 MB (483 MB of memory for 30 MB)."""
    headless = b"Subject: no body\r\nX-Fill: " + b"a" * 400_000
    uid = imap_server.deliver(headless)

    [got] = PositionBook().consume(open_imap(imap_server, max_message_bytes=10_000))

    assert got.size == len(headless) and got.position is not None and got.position.uid == uid
    assert len(got.data) <= HEADER_BYTES and got.data.startswith(b"Subject: no body")


def test_header_only_ends_at_the_first_blank_line() -> None:
    assert header_only(b"A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore") == b"A: 1\r\nB: 2\r\n\r\n"
    assert header_only(b"A: 1\n\nbody") == b"A: 1\n\n"
    assert header_only(b"A: 1\r\nno end") == b"A: 1\r\nno end"


def test_the_directory_inbox_reads_a_large_file_s_header_only_and_skips_dot_files(
        tmp_path: Path) -> None:
    (tmp_path / "huge.eml").write_bytes(b"Subject: x\nX-Fill: " + b"a" * 300_000)
    (tmp_path / ".partial.eml").write_bytes(make_message("still being written"))
    [raw] = DirectoryInbox(tmp_path, 10_000).messages(never_asked)
    assert raw.origin.endswith("huge.eml") and len(raw.data) <= HEADER_BYTES


def test_folder_setting_is_honoured(imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    imap_server.create_folder("Newsletters")
    imap_server.deliver(make_message("elsewhere"))
    wanted = make_message("newsletter")
    uid = imap_server.deliver(wanted, folder="Newsletters")

    got = PositionBook().consume(open_imap(imap_server, folder="Newsletters"))

    assert [raw.data for raw in got] == [wanted]
    assert got[0].position is not None
    assert (got[0].position.folder, got[0].position.uid) == ("Newsletters", uid)
    assert "/Newsletters;UIDVALIDITY=" in got[0].origin


def test_fetching_leaves_the_server_copy_unseen(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    uid = imap_server.deliver(make_message("issue"))
    inbox = open_imap(imap_server, max_message_bytes=10)  # the header-only path too
    uid_big = imap_server.deliver(make_message("big"))

    got = PositionBook().consume(inbox)
    for raw in got:
        inbox.acknowledge(raw, "processed")

    assert len(got) == 2
    assert b"\\Seen" not in imap_server.flags(uid)
    assert b"\\Seen" not in imap_server.flags(uid_big)
    assert imap_server.uids() == [uid, uid_big]


def test_missing_folder_raises_inbox_error(
        imap_server: ImapTestServer, open_imap: OpenImap) -> None:
    with pytest.raises(InboxError, match="Nowhere"):
        PositionBook().consume(open_imap(imap_server, folder="Nowhere"))


# -- IMAP, TLS against Dovecot --------------------------------------------------

def test_starttls_with_a_private_ca(dovecot: DovecotServer, open_imap: OpenImap) -> None:
    sent = make_message("issue")
    dovecot.deliver(sent)
    inbox = open_imap(dovecot, starttls=True, ca_file=dovecot.ca_file)

    assert [raw.data for raw in PositionBook().consume(inbox)] == [sent]


def test_implicit_tls_with_a_private_ca(dovecot: DovecotServer, open_imap: OpenImap) -> None:
    sent = make_message("issue")
    dovecot.deliver(sent)
    inbox = open_imap(dovecot, ssl=True, port=dovecot.tls_port, ca_file=dovecot.ca_file)

    assert [raw.data for raw in PositionBook().consume(inbox)] == [sent]


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_untrusted_certificate_is_refused(
        dovecot: DovecotServer, open_imap: OpenImap, mode: str) -> None:
    port = dovecot.tls_port if mode == "ssl" else dovecot.port
    inbox = open_imap(dovecot, port=port, **{mode: True})

    with pytest.raises(InboxError, match="ca_file") as refused:
        PositionBook().consume(inbox)
    assert not isinstance(refused.value, InboxConnectionLost)


def test_tls_spoken_to_a_plain_port_says_which_setting_to_change(
        dovecot: DovecotServer, open_imap: OpenImap) -> None:
    """`[SSL: WRONG_VERSION_NUMBER] wrong version number` told an operator nothing (a new
    operator's review); it is refused at once, naming [inbox] ssl and starttls."""
    inbox = open_imap(dovecot, port=dovecot.port, ssl=True, ca_file=dovecot.ca_file)

    with pytest.raises(InboxError, match=r"set \[inbox\] ssl = false.*starttls = true"):
        PositionBook().consume(inbox)


def test_unreadable_ca_file_is_a_config_error(tmp_path: Path) -> None:
    settings = load_settings(environ={"NEWSALERTS_INBOX__HOST": "127.0.0.1",
                                      "NEWSALERTS_INBOX__CA_FILE": str(tmp_path / "none.pem")})
    with pytest.raises(ConfigError, match="ca_file"):
        ImapInbox.from_settings(settings)


def test_unreachable_server_raises_inbox_error() -> None:
    with TcpProxy("127.0.0.1", 9) as closed:
        closed.refuse()
        settings = load_settings(environ={
            "NEWSALERTS_INBOX__HOST": "127.0.0.1", "NEWSALERTS_INBOX__PORT": str(closed.port),
            "NEWSALERTS_INBOX__SSL": "false"})
        inbox = ImapInbox.from_settings(settings, retry_delays=FAST_RETRIES)
        with pytest.raises(InboxError, match="cannot connect") as failed:
            PositionBook().consume(inbox)
    assert not isinstance(failed.value, InboxConnectionLost)


# -- choosing the inbox -------------------------------------------------------------

def test_open_inbox_reads_imap_when_a_host_is_set(tmp_path: Path) -> None:
    inbox = open_inbox(load_settings(environ={"NEWSALERTS_INBOX__HOST": "mail.example.org",
                                              "NEWSALERTS_INBOX__USERNAME": "news"}))
    assert isinstance(inbox, ImapInbox)
    assert inbox.account == "news@mail.example.org:993"


def test_open_inbox_reads_the_directory_without_a_host(tmp_path: Path) -> None:
    inbox = open_inbox(load_settings(environ={"NEWSALERTS_INBOX__DIR": str(tmp_path)}))
    assert isinstance(inbox, DirectoryInbox)


# -- directory inbox -------------------------------------------------------------------

def never_asked(account: str, folder: str, uidvalidity: int) -> int:
    raise AssertionError("a directory has no UIDs to ask about")


def test_directory_inbox_yields_eml_files_by_name(tmp_path: Path) -> None:
    (tmp_path / "b.eml").write_bytes(make_message("b"))
    (tmp_path / "a.eml").write_bytes(make_message("a"))
    (tmp_path / "notes.txt").write_text("not mail")
    (tmp_path / "dir.eml").mkdir()

    got = list(DirectoryInbox(tmp_path, 10_000).messages(never_asked))

    assert [raw.origin for raw in got] == [str(tmp_path / "a.eml"), str(tmp_path / "b.eml")]
    assert [raw.data for raw in got] == [make_message("a"), make_message("b")]
    assert all(raw.position is None and raw.size is None for raw in got)


def test_directory_inbox_moves_acknowledged_files(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.eml").write_bytes(make_message(name))
    inbox = DirectoryInbox(tmp_path, 10_000)

    for raw, status in zip(inbox.messages(never_asked), ["processed", "failed", "rejected"],
                           strict=True):
        inbox.acknowledge(raw, status)

    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["a.eml"]
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == ["b.eml", "c.eml"]
    assert (tmp_path / "processed" / "a.eml").read_bytes() == make_message("a")
    assert list(inbox.messages(never_asked)) == []


def test_directory_inbox_never_overwrites_a_moved_file(tmp_path: Path) -> None:
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "issue.eml").write_bytes(b"first")
    (tmp_path / "processed" / "issue-1.eml").write_bytes(b"second")
    (tmp_path / "issue.eml").write_bytes(b"third")
    inbox = DirectoryInbox(tmp_path, 10_000)

    for raw in inbox.messages(never_asked):
        inbox.acknowledge(raw, "processed")

    moved = {p.name: p.read_bytes() for p in (tmp_path / "processed").iterdir()}
    assert moved == {"issue.eml": b"first", "issue-1.eml": b"second", "issue-2.eml": b"third"}
    assert not (tmp_path / "issue.eml").exists()


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
def test_directory_inbox_yields_oversized_files_as_headers_and_size(
        tmp_path: Path, newline: bytes) -> None:
    message = make_message("big", pad=200_000).replace(b"\r\n", newline)
    (tmp_path / "big.eml").write_bytes(message)

    [raw] = DirectoryInbox(tmp_path, 10_000).messages(never_asked)

    assert raw.data == message.split(newline * 2)[0] + newline * 2
    assert raw.size == len(message)


def test_directory_inbox_creates_a_missing_folder(tmp_path: Path) -> None:
    inbox = DirectoryInbox(tmp_path / "var" / "inbox", 10_000)
    assert list(inbox.messages(never_asked)) == []
    assert (tmp_path / "var" / "inbox").is_dir()


def test_directory_inbox_refuses_an_unknown_status(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(make_message("a"))
    inbox = DirectoryInbox(tmp_path, 10_000)
    [raw] = inbox.messages(never_asked)
    with pytest.raises(ValueError, match="status"):
        inbox.acknowledge(raw, "done")
    assert (tmp_path / "a.eml").exists()


def test_an_inbox_folder_that_is_a_file_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "inbox").write_text("a file where the folder should be")
    env = {"NEWSALERTS_INBOX__DIR": str(tmp_path / "inbox"),
           "NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/cli.db"}
    result = CliRunner().invoke(main, ["poll"], env=env)
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit)
    assert result.output.splitlines()[-1:] == [
        f"Error: InboxError: cannot read the inbox folder {tmp_path / 'inbox'} ([inbox] dir): "
        "File exists"]
