"""`newsalerts events`: events as JSON lines, editors' corrections, re-matching, tuning."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from service.cli.glue import Group, opened_context
from service.db.database import transaction
from service.events import editors, report
from service.events.rematch import rematch
from service.events.store import EventSettings

DATE = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])


@click.group("events", cls=Group, invoke_without_command=True)
@click.option("--since", type=DATE, help="Only events with a story dated on or after this day.")
@click.pass_context
def events_group(ctx: click.Context, since: datetime | None) -> None:
    """Events as JSON lines {event, stories: [{message_id, index, source, headline}]}."""
    if ctx.invoked_subcommand is not None:
        return
    with opened_context() as context, transaction(context.sessions) as session:
        for row in report.events_since(session, since.replace(tzinfo=UTC) if since else None):
            click.echo(json.dumps(row, ensure_ascii=False))


@events_group.command("split")
@click.argument("story_id", type=int)
@click.argument("event_id", type=int)
@click.option("--who", default="cli", help="Who decided (kept with the decision).")
def split_command(story_id: int, event_id: int, who: str) -> None:
    """Take a story out of an event; re-matching never puts it back."""
    with opened_context() as context, transaction(context.sessions) as session:
        left_in = editors.split_story(session, story_id, event_id, who, context.now())
    click.echo(json.dumps({"story": story_id, "event": left_in}))


@events_group.command("merge")
@click.argument("event_id", type=int)
@click.argument("into_id", type=int)
@click.option("--who", default="cli", help="Who decided (kept with the decision).")
def merge_command(event_id: int, into_id: int, who: str) -> None:
    """Move every story of EVENT_ID into INTO_ID: they report one piece of news."""
    with opened_context() as context, transaction(context.sessions) as session:
        moved = editors.merge_events(session, event_id, into_id, who, context.now())
    click.echo(json.dumps({"event": into_id, "moved": moved}))


@events_group.command("rematch")
@click.option("--since", type=DATE, required=True, help="Re-match stories dated from this day.")
def rematch_command(since: datetime) -> None:
    """Decide the events of stored stories again (editors' decisions hold)."""
    with opened_context() as context, transaction(context.sessions) as session:
        count = rematch(session, since.replace(tzinfo=UTC), EventSettings.of(context.settings))
    click.echo(json.dumps({"rematched": count}))


@events_group.command("tune")
def tune_command() -> None:
    """The threshold that best agrees with editors' splits and merges, as JSON."""
    with opened_context() as context, transaction(context.sessions) as session:
        found = report.tune(session, EventSettings.of(context.settings).threshold)
    click.echo(json.dumps(found))
