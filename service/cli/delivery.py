"""`newsalerts send` and `newsalerts digest`: the send stage from the command line.

Both take their Context from the main group (``ctx.obj["context"]``), so tests
invoke them with ``obj={"context": lambda: context}``.
"""

from __future__ import annotations

import functools
import os
import re
import socket
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import click

from service.context import Context
from service.db.database import transaction
from service.deliver.send import SendSummary, send_due
from service.errors import NewsalertsError

WEEK = re.compile(r"^\d{4}-W\d{2}$")
P = ParamSpec("P")
R = TypeVar("R")


def worker_id() -> str:
    """Who holds a claim: enough to find the process when a lease is left behind."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """A NewsalertsError becomes one clear line and exit status 1, as everywhere in the CLI."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except NewsalertsError as exc:
            raise click.ClickException(f"{exc.__class__.__name__}: {exc}") from exc
    return run


def _open_context() -> Context:
    opener: Callable[[], Context] = click.get_current_context().obj["context"]
    return opener()


def _describe(summary: SendSummary, no_send: bool) -> str:
    if no_send:
        return f"dry run: {summary.rendered} emails rendered, nothing sent"
    return (f"sent {summary.sent}, retried {summary.retried}, failed {summary.failed}, "
            f"cancelled {summary.cancelled}")


def _check_week(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from service.deliver.match import week_bounds

    if value is None:
        return None
    try:
        if not WEEK.match(value):
            raise ValueError(value)
        week_bounds(value, ZoneInfo("UTC"))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO week like 2024-W20") from exc
    return value


NO_SEND = click.option("--no-send", is_flag=True,
                       help="Dry run: render and log the due emails; send and mark nothing.")


@click.command("send")
@NO_SEND
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many emails.")
@_one_line_errors
def send_command(no_send: bool, limit: int | None) -> None:
    """Send every delivery that is due now, once, and print a summary."""
    context = _open_context()
    try:
        summary = send_due(context, worker_id=worker_id(), limit=limit, no_send=no_send)
    finally:
        context.close()
    click.echo(_describe(summary, no_send))


@click.command("digest")
@click.option("--week", callback=_check_week, metavar="YYYY-Www",
              help="ISO week to build, like 2024-W20 (default: the last full week).")
@NO_SEND
@_one_line_errors
def digest_command(week: str | None, no_send: bool) -> None:
    """Build the weekly digests of WEEK and send them now.

    Digests already built for that week are not built again.  With --no-send
    they are still built (they are owed), then rendered and logged, not sent.
    """
    from service.deliver.match import create_digest_deliveries, digest_week_due

    context = _open_context()
    try:
        zone = ZoneInfo(context.settings.digest.timezone)
        week = week or digest_week_due(context.now(), zone)
        with transaction(context.sessions) as session:
            created = create_digest_deliveries(session, week, zone, context.now())
        summary = send_due(context, worker_id=worker_id(), no_send=no_send)
    finally:
        context.close()
    click.echo(f"digest {week}: {created} digests created; {_describe(summary, no_send)}")


__all__ = ["digest_command", "send_command", "worker_id"]
