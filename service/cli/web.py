"""`newsalerts web`: serve the web app alone (for scaled-out deployments).

SIGTERM and Ctrl-C stop it cleanly: requests in progress finish first.
"""

from __future__ import annotations

import click

from service.cli.glue import Command, opened_context, wait_for_stop


@click.command("web", cls=Command)
@click.option("--listen", metavar="HOST:PORT",
              help="Address to bind (default: [web] listen, 127.0.0.1:8080).")
def web_command(listen: str | None) -> None:
    """Serve the subscriber pages and the editor's review queue."""
    from service.ops.metrics import serve_process_metrics
    from service.ops.process import process_id
    from service.ops.runner import started
    from service.web import serve_in_thread

    with opened_context() as context:
        started(context, process_id("web"))
        server = serve_in_thread(context, listen)
        metrics_server = None
        try:
            metrics_server = serve_process_metrics(context.settings, context)
            click.echo(f"newsalerts web app on {server.url} (public address {context.base_url})")
            wait_for_stop()
        finally:  # a metrics port already taken must not leave the web server running
            server.stop()
            if metrics_server is not None:
                metrics_server.shutdown()
