"""Serving the app with waitress, in a thread that can be stopped.

``newsalerts web`` runs only this; ``newsalerts run`` runs it beside the
scheduler in the same process; tests run it on a free loopback port.  Stopping
closes the listening socket and every open connection from inside waitress's
own loop (its trigger), then waits for requests in progress to finish.
"""

from __future__ import annotations

import errno
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from service.context import Context
from service.errors import ConfigError
from service.web.app import create_app

log = logging.getLogger(__name__)

THREADS = 8
STOP_TIMEOUT = 10


def parse_listen(listen: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:8080`` for IPv6) as a (host, port) pair."""
    host, sep, port = listen.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"[web] listen must be host:port, like 127.0.0.1:8080, not {listen!r}")
    return host, int(port)


def waitress_limits(ctx: Context) -> dict[str, Any]:
    """Waitress's defaults trust the internet: an hour per idle connection, 1 GB bodies.

    Idle and half-sent connections are closed after ``[web] channel_timeout``
    (checked every few seconds, not waitress's default 30), so a crowd of
    them cannot take every connection slot for long.
    """
    settings = ctx.settings
    timeout = max(1, settings.web.channel_timeout)
    limits: dict[str, Any] = {
        "channel_timeout": timeout,
        "cleanup_interval": max(1, min(30, timeout // 2)),
        "connection_limit": max(1, settings.web.connection_limit),
        "max_request_body_size": max(1, settings.web.max_request_body_size),
    }
    proxy = settings.web.trusted_proxy.strip()
    if proxy:
        limits.update(trusted_proxy=proxy, trusted_proxy_count=1,
                      trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"})
    return limits


def _serve(server: BaseWSGIServer, stopped: threading.Event) -> None:
    """The loop, until its sockets are closed.  When ``stop()`` had to close them from its
    own thread (the trigger's pipe gone), the loop may be polling them: select() then fails
    with EBADF, and that is the end it asked for, not an error (it failed a full test run
    once as the loop thread's unhandled exception)."""
    try:
        server.run()
    except OSError as exc:
        if exc.errno != errno.EBADF or not stopped.is_set():
            raise


@dataclass
class WebServer:
    """A running server; ``stop()`` is safe to call from any thread, more than once."""

    server: BaseWSGIServer
    thread: threading.Thread
    socket_map: dict[int, Any]  # waitress's loop runs while this holds a socket
    host: str
    port: int  # the one bound, when asked for port 0
    _stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self, timeout: int = STOP_TIMEOUT) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self.thread.is_alive():
            # The stubs call the trigger an int; it is waitress.trigger.trigger.
            loop_trigger: Any = self.server.trigger
            try:
                loop_trigger.pull_trigger(self._close_everything)
            except OSError as exc:
                # The trigger's pipe was closed under it (seen once in a full test run:
                # EBADF, some other code closing a descriptor number it no longer owned).
                # Close from here instead: the loop ends at its next poll, the map empty.
                log.warning("web app: cannot wake its loop (%s); closing its sockets here",
                            exc)
                self._close_everything()
            self.thread.join(timeout)
        self.server.task_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
        log.info("web app stopped")

    def _close_everything(self) -> None:
        # Runs in the loop's thread: the loop ends once its socket map is empty.
        for dispatcher in list(self.socket_map.values()):
            dispatcher.close()


def serve_in_thread(ctx: Context, listen: str | None = None,
                    threads: int = THREADS) -> WebServer:
    """Bind ``listen`` (default [web] listen; port 0 picks a free one) and serve in a thread.

    Serving goes on until the returned handle's ``stop()``.
    """
    host, port = parse_listen(listen or ctx.settings.web.listen)
    socket_map: dict[int, Any] = {}
    try:
        server = create_server(create_app(ctx), map=socket_map, host=host, port=port,
                               threads=threads, ident="newsalerts",
                               clear_untrusted_proxy_headers=True, **waitress_limits(ctx))
    except OSError as exc:  # most often: another process already listens there
        for channel in list(socket_map.values()):  # waitress's half-made sockets and pipes
            channel.close()
        raise ConfigError(f"the web app cannot listen on {host}:{port} ([web] listen): "
                          f"{exc.strerror or exc}") from exc
    if isinstance(server, MultiSocketServer):  # only with several listen addresses
        raise ConfigError("[web] listen must name one address")
    bound_host, bound_port = server.getsockname()
    stopped = threading.Event()
    thread = threading.Thread(target=_serve, args=(server, stopped), name="newsalerts-web",
                              daemon=True)
    thread.start()
    handle = WebServer(server, thread, socket_map, bound_host, int(bound_port), stopped)
    log.info("web app listening on %s", handle.url)
    return handle

