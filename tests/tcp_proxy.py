"""A loopback TCP forwarder that tests can use to cut connections on purpose.

    with TcpProxy("127.0.0.1", server.port) as proxy:
        settings = server.settings(port=proxy.port)   # the client talks to the proxy
        ...
        proxy.kill_all()          # drop every live connection now
        proxy.cut_after(50_000)   # drop the connection that carries the 50,000th byte
                                  # from the server from now on (once)
        proxy.refuse(True)        # accept new connections and close them at once
        proxy.accepted            # how many connections were accepted so far

Dropping a connection shuts both sides down, so the client sees EOF in the
middle of whatever it was reading: the same as a server or a NAT box going
away, with no patching of the client library.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType


class _Link:
    """One client connection and its upstream twin, pumped by two threads."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self._lock = threading.Lock()
        self._pumps_done = 0

    def kill(self) -> None:
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):  # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)

    def pump_finished(self) -> None:
        """Close the sockets once both pumps have stopped using them."""
        self.kill()
        with self._lock:
            self._pumps_done += 1
            last = self._pumps_done == 2
        if last:
            self.client.close()
            self.upstream.close()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.accepted = 0
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._threads: list[threading.Thread] = []
        self._budget: int | None = None
        self._refusing = False
        self._stopping = threading.Event()
        self._start(self._accept_loop)

    def kill_all(self) -> int:
        """Drop every live connection; returns how many there were."""
        with self._lock:
            links = list(self._links)
        for link in links:
            link.kill()
        return len(links)

    def cut_after(self, nbytes: int) -> None:
        """Let nbytes more bytes flow from the server, then drop that connection (once)."""
        with self._lock:
            self._budget = nbytes

    def refuse(self, refusing: bool = True) -> None:
        """While refusing, new connections are accepted and closed before any greeting."""
        self._refusing = refusing

    def close(self) -> None:
        self._stopping.set()
        # Wake the blocking accept() so the accept thread sees it should stop.
        with socket.create_connection(("127.0.0.1", self.port), timeout=5):
            pass
        self.kill_all()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping.is_set():
                client.close()
                return
            self.accepted += 1
            if self._refusing:
                client.close()
                continue
            self._open_link(client)

    def _open_link(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self._target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        for sock in (client, upstream):
            # Forward small writes at once: Nagle plus delayed ACKs add 40 ms a reply.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        link = _Link(client, upstream)
        with self._lock:
            self._links.add(link)
        self._start(self._pump, link, client, upstream, False)
        self._start(self._pump, link, upstream, client, True)

    def _pump(self, link: _Link, source: socket.socket, sink: socket.socket,
              from_server: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                data, cut = self._spend(data) if from_server else (data, False)
                sink.sendall(data)
                if cut:
                    break
        except OSError:
            pass  # the link was killed or a side went away: same outcome
        finally:
            with self._lock:
                self._links.discard(link)
            link.pump_finished()

    def _spend(self, data: bytes) -> tuple[bytes, bool]:
        with self._lock:
            if self._budget is None or len(data) < self._budget:
                if self._budget is not None:
                    self._budget -= len(data)
                return data, False
            keep, self._budget = self._budget, None
        return data[:keep], True
