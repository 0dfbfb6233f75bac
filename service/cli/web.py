"""`newsalerts web`: serve the web app alone (for scaled-out deployments).

SIGTERM and Ctrl-C stop it cleanly: requests in progress finish first.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

import click

from service.context import Context


@click.command("web")
@click.option("--listen", metavar="HOST:PORT",
              help="Address to bind (default: [web] listen, 127.0.0.1:8080).")
@click.pass_context
def web_command(ctx: click.Context, listen: str | None) -> None:
    """Serve the subscriber pages and the editor's review queue."""
    from service.web import serve_in_thread

    opener: Callable[[], Context] = ctx.obj["context"]
    context = opener()
    try:
        server = serve_in_thread(context, listen)
        click.echo(f"newsalerts web app on {server.url} (public address {context.base_url})")
        wait_for_stop_signal()
        server.stop()
    finally:
        context.close()


def wait_for_stop_signal() -> None:
    """Block until SIGTERM or SIGINT arrives."""
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
