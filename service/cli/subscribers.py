"""`newsalerts subscribers ...`: add, list, remove and import subscribers; revoke their links.

The names and flags are a contract checked by outside tools.  Each command
opens its Context with glue.opened_context and closes it when done.  A bad
address, theme or cadence exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from service.classify.label_rows import forget_answers
from service.cli.glue import Group, opened_context
from service.db.database import transaction
from service.domain import SubscriberStatus
from service.errors import SubscriberError
from service.subscribers.registry import (
    add_subscriber,
    describe,
    import_csv,
    list_subscribers,
    remove_subscriber,
    revoke_links,
)
from service.subscribers.rules import CADENCES


@click.group("subscribers", cls=Group)
def subscribers_group() -> None:
    """Manage the people who receive alerts and digests."""


@subscribers_group.command("add")
@click.argument("email")
@click.option("--themes", required=True, help="Comma-separated themes: safety,policy,...")
@click.option("--cadence", required=True, type=click.Choice(CADENCES, case_sensitive=False),
              help="instant: an alert per issue; weekly: one digest per ISO week.")
@click.option("--confirmed", is_flag=True,
              help="Active at once; without it the subscriber stays pending until confirmed.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None,
              help="Only stories scoring at least this (0..1) on the theme.")
def add_command(email: str, themes: str, cadence: str, confirmed: bool,
                min_score: float | None) -> None:
    """Add EMAIL, or replace its themes and cadence; prints it as JSON."""
    with opened_context() as context:
        try:
            with transaction(context.sessions) as session:
                subscriber = add_subscriber(session, email, themes.split(","), cadence,
                                            confirmed=confirmed, min_score=min_score,
                                            now=context.now())
                row = describe(subscriber)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
    click.echo(json.dumps(row))
    if row["status"] == SubscriberStatus.PENDING:
        click.echo(f"{row['email']} is pending: nothing is sent until it is confirmed "
                   "(or added again with --confirmed).", err=True)


@subscribers_group.command("list")
def list_command() -> None:
    """Print every subscriber as one JSON object per line."""
    with opened_context(reading=True) as context, context.sessions() as session:
        for row in list_subscribers(session):
            click.echo(json.dumps(row))


@subscribers_group.command("remove")
@click.argument("email")
def remove_command(email: str) -> None:
    """Delete EMAIL with its subscriptions and deliveries (exit 1 if unknown)."""
    with opened_context() as context, transaction(context.sessions) as session:
        removed = remove_subscriber(session, email)
    if not removed:
        raise SubscriberError(f"no subscriber {email.strip().lower()}")
    click.echo(f"removed {email.strip().lower()}")


@subscribers_group.command("revoke-links")
@click.argument("email")
def revoke_links_command(email: str) -> None:
    """Make every link in the emails EMAIL was sent so far stop working (a forwarded or
    leaked email), and forget the tag corrections answered through them; later emails
    carry new links.  Exit 1 if unknown."""
    with opened_context() as context, transaction(context.sessions) as session:
        revoked = revoke_links(session, email)
        # (answers given through those links may be whoever held the email's: forgotten;
        # as stored, as revoke_links found it: an address stored before a rule refused it)
        forgotten = forget_answers(session, email.strip().lower()) if revoked else 0
    if not revoked:
        raise SubscriberError(f"no subscriber {email.strip().lower()}")
    click.echo(f"revoked the links of every email sent to {email.strip().lower()} so far; "
               "its unsubscribe links too: later emails carry new ones; "
               f"forgot {forgotten} tag correction(s) answered through them")


@subscribers_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Add or update the subscribers of FILE, a CSV with columns email,themes,cadence.

    Themes are separated by ";"; everyone imported is confirmed.  Bad rows are
    skipped and listed on stderr.
    """
    with opened_context() as context:
        try:
            result = import_csv(context.sessions, file, now=context.now())
        except ValueError as exc:
            raise click.UsageError(f"{file}: {exc}") from exc
    for line, reason in result.skipped:
        click.echo(f"{file}:{line}: skipped: {reason}", err=True)
    click.echo(f"added {result.added}, updated {result.updated}, "
               f"skipped {len(result.skipped)}")
