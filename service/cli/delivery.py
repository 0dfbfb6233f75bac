"""`newsalerts send` and `newsalerts digest`: the send stage from the command line.

Both take their Context from the main group through glue.opened_context, so
tests invoke them with ``obj={"context": lambda: context}``.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import click

from service.cli.glue import Command, opened_context, process_id
from service.db.database import transaction
from service.deliver.send import SendSummary, send_due

WEEK = re.compile(r"^\d{4}-W\d{2}$")


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


@click.command("send", cls=Command)
@NO_SEND
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many emails.")
def send_command(no_send: bool, limit: int | None) -> None:
    """Send every delivery that is due now, once, and print a summary."""
    from service.ops.deployment import check_signing_key

    with opened_context() as context:
        check_signing_key(context, process_id("send"))  # from cron too: one key for all
        summary = send_due(context, worker_id=process_id("send"), limit=limit, no_send=no_send)
    click.echo(_describe(summary, no_send))


@click.command("digest", cls=Command)
@click.option("--week", callback=_check_week, metavar="YYYY-Www",
              help="ISO week to build, like 2024-W20 (default: the last full week).")
@click.option("--no-send", is_flag=True,
              help="Dry run: count the digests the week would get; save and send nothing.")
def digest_command(week: str | None, no_send: bool) -> None:
    """Build the weekly digests of WEEK and send them now.

    Digests already built for that week are not built again.  With --no-send
    nothing is saved or sent: the digests the week would get are counted, and
    the week's round is left to the schedule (a round is built once; built by
    a dry run, its digests would go out at the next send).
    """
    from service.deliver.match import (
        create_digest_deliveries,
        digest_week_due,
        left_before_rounds,
        week_bounds,
    )
    from service.ops import status
    from service.ops.deployment import check_signing_key

    with opened_context() as context:
        check_signing_key(context, process_id("digest"))
        zone = ZoneInfo(context.settings.digest.timezone)
        week = week or digest_week_due(context.now(), zone, context.settings.digest.day)
        if no_send:
            with context.sessions() as session:
                would = create_digest_deliveries(session, week, zone, context.now())
                session.rollback()
            click.echo(f"digest {week}: dry run: {would} digests would be built; "
                       "nothing saved or sent")
            return

        def build() -> dict[str, object]:
            with transaction(context.sessions) as session:
                return {"week": week,
                        "created": create_digest_deliveries(session, week, zone, context.now())}

        # recorded as the scheduler's job is, for `status`
        created = status.run_recorded(context, "digest", build)["created"]
        summary = send_due(context, worker_id=process_id("digest"), no_send=no_send)
        with context.sessions() as session:
            left, latest = left_before_rounds(session, zone)
        unfinished = week_bounds(week, zone)[1] > context.now()
    click.echo(f"digest {week}: {created} digests created; "
               f"{_describe(summary, no_send)}")
    if unfinished:
        # built now, the round is closed: what the week still brings joins next week's
        click.echo(f"note: week {week} has not ended; issues dated later in it go to the "
                   "next week's digest")
    if left and latest:
        # an archive polled after the first round: no round takes it unless asked for
        click.echo(f"note: {left} issues are dated before the first digest round and are in "
                   f"no digest; `newsalerts digest --week {latest}` builds the latest of "
                   "their weeks with no digest yet")


__all__ = ["digest_command", "send_command"]
