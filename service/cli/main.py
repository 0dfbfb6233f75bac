"""The `newsalerts` command: one group, one small function per command.

Commands of other areas live in their own modules (classify.py, models.py, subscribers.py,
...) and are added to the group here when used.  Every NewsalertsError
becomes one clear line on stderr and a non-zero exit (glue.py).
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from service.cli import glue
from service.cli.settings_docs import settings_table_markdown
from service.config import load_settings
from service.context import open_context
from service.db.database import transaction
from service.errors import NewsalertsError
from service.ingest import store
from service.ops.logs import configure_logging


class Group(glue.Group):
    """The main group: area commands are imported only when named (AREA_COMMANDS)."""

    group_class = glue.Group  # `config` is a plain newsalerts group, without the area commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *AREA_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in AREA_COMMANDS and name not in self.commands:
            module_name, attribute = AREA_COMMANDS[name]
            module = importlib.import_module(module_name)
            self.add_command(getattr(module, attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=Group)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML settings file (default: $NEWSALERTS_CONFIG, else built-in defaults).")
@click.option("-v", "--verbose", count=True, help="Log debug details.")
@click.version_option(package_name="newsalerts")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: int) -> None:
    """Newsletter issues in, tagged stories out, alerts to subscribers."""
    settings = load_settings(config_path)
    configure_logging(settings, verbose)
    ctx.obj = {"settings": settings, "context": lambda: open_context(settings)}


@main.command()
@click.option("--to", "revision", metavar="REVISION", default=None,
              help="Take the schema back to this older revision, for an older newsalerts "
                   "(a rolled-back upgrade); default: up to date.")
def migrate(revision: str | None) -> None:
    """Bring the database schema up to date (every command also does this).

    With --to, take it back to an older revision first, so that the newsalerts that
    knew only that one runs again: run it with this newsalerts, before reinstalling the
    older one (whose every command refuses a schema newer than it knows).
    """
    from service.db.database import downgrade, make_engine, upgrade

    engine = make_engine(glue.settings().database.url)
    try:
        before, after = upgrade(engine) if revision is None else downgrade(engine, revision)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"database is up to date (schema revision {after})")
    else:
        click.echo(f"database migrated from schema revision {before or 'none'} to {after}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def poll(as_json: bool) -> None:
    """Fetch and process new mail once, and print a summary."""
    from service.ops.runner import poll_inbox

    with glue.opened_context() as context:
        summary = poll_inbox(context)
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
        return
    counts = summary.as_dict()
    click.echo(
        f"poll: {counts['stored']} stored ({summary.stories} stories, "
        f"{summary.deliveries} deliveries), {counts['duplicate']} already known, "
        f"{counts['rejected']} rejected, {counts['failed']} failed"
    )
    for origin, code, reason in summary.refusals:
        click.echo(f"  refused {origin}: {reason} [{code}]")


@main.command()
# (not exists=True: a missing file is one error line among the others, and the rest are cut)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--explain", is_flag=True,
              help="Print each story start with the signal that made it, and what was dropped.")
def segment(files: tuple[Path, ...], explain: bool) -> None:
    """Cut .eml files into stories: JSON lines {file, index, headline, text, fiction, url,
    section}."""
    from service.ingest.segment import configured_rules
    from service.ingest.segment_report import explain as explain_cut
    from service.ingest.segment_report import segment_records

    rules = configured_rules(glue.settings())  # a bad [segment] rules_dir: one error, once
    failed = 0
    for path in files:
        try:
            if explain:
                click.echo("\n".join(explain_cut(path, rules)))
                continue
            for record in segment_records([path], rules):
                click.echo(json.dumps(record, ensure_ascii=False))
        except BrokenPipeError:
            raise  # (`segment *.eml | head`: click exits quietly, not an error per file)
        except (NewsalertsError, OSError) as exc:
            failed += 1
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            click.echo(f"Error: {exc.__class__.__name__}: {path}: {reason}", err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Only issues dated on or after this day (UTC).")
def stories(since: datetime | None) -> None:
    """Stored stories as JSON lines {message_id, index, headline, themes, scores, events,
    url, section, ...}."""
    with glue.opened_context(reading=True) as context, transaction(context.sessions) as session:
        for row in store.stories_since(session, since.replace(tzinfo=UTC) if since else None):
            click.echo(json.dumps(row, ensure_ascii=False))


@main.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Only messages received on or after this day (UTC).")
@click.option("--retry", "retry_ids", type=int, multiple=True, metavar="ID",
              help="Examine refused message ID again from its kept bytes (its newsletter "
                   "added to [[sources]] since, say); repeat for more.")
def refused(since: datetime | None, retry_ids: tuple[int, ...]) -> None:
    """Refused messages as JSON lines {id, received_at, status, code, reason, sender,
    subject, origin, ...}: why each did not become an issue (`status` counts them).  With
    --retry, each one named is examined again: stored, it leaves this list."""
    if retry_ids:
        _retry(retry_ids)
        return
    with glue.opened_context(reading=True) as context, transaction(context.sessions) as session:
        for row in store.refusals_since(session, since.replace(tzinfo=UTC) if since else None):
            # (ASCII: a stranger's subject must not put terminal controls, a right-to-left
            # override or an 8-bit escape, on the operator's screen: the review)
            click.echo(json.dumps(row))


def _retry(refusal_ids: tuple[int, ...]) -> None:
    from service.ingest.retry import retry_refused
    from service.ops.runner import load_classifier

    failed = 0
    with glue.opened_context() as context:
        tagger = load_classifier(context.settings)
        for refusal_id in refusal_ids:
            try:
                retried = retry_refused(context, tagger, refusal_id)
            except NewsalertsError as exc:
                failed += 1
                click.echo(f"Error: {glue.error_line(exc)}", err=True)  # as every command says
                continue
            why = f": {retried.reason} [{retried.code}]" if retried.code else ""
            click.echo(f"refused message {refusal_id}: {retried.outcome}{why}")
    if failed:
        sys.exit(1)


@main.command("sample")
def sample() -> None:
    """Copy the sample newsletter issue into the inbox folder ([inbox] dir), to try a poll."""
    from service.paths import project_file

    settings = glue.settings()
    # (it said "`newsalerts poll` reads it" where a poll never would: a read-only review)
    if settings.inbox.host:
        raise click.ClickException("[inbox] host is set: polls read that IMAP mailbox, not "
                                   f"{settings.inbox.dir}; send the sample there instead")
    if not any(SAMPLE_SENDER in source.senders for source in settings.sources):
        raise click.ClickException(f"no [[sources]] trusts the sample's sender {SAMPLE_SENDER}: "
                                   "a poll would refuse it as untrusted-sender")
    inbox = Path(settings.inbox.dir)
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / SAMPLE_ISSUE
    shutil.copyfile(project_file(f"examples/{SAMPLE_ISSUE}"), target)
    click.echo(f"copied the sample issue to {target}; `newsalerts poll` reads it")


SAMPLE_ISSUE = "sample-issue.eml"
SAMPLE_SENDER = "sample@newsalerts.invalid"


@main.group()
def config() -> None:
    """Show the settings in force, or the table of every setting."""


@config.command("show")
def config_show() -> None:
    """The settings in force (secrets masked), as JSON."""
    settings = glue.settings()
    shown: dict[str, Any] = dict(settings.redacted())
    shown["sources"] = [vars(source) for source in settings.sources]
    click.echo(json.dumps(shown, indent=2, default=list))


@config.command("adopt-key")
def config_adopt_key() -> None:
    """Make this process's link-signing key ([web] secret_key) the one every process on
    this database must use, after changing it on purpose: links signed with the old key
    stop working."""
    from service.ops.deployment import adopt_signing_key
    from service.ops.process import process_id

    with glue.opened_context() as context:
        before, after = adopt_signing_key(context, process_id("adopt-key"))
    click.echo(f"link-signing key {after} adopted" + (f" (was {before})" if before else ""))


@config.command("docs")
def config_docs() -> None:
    """The Markdown table of every setting (docs/settings.md is made from it)."""
    click.echo(settings_table_markdown())


@main.command()
@click.option("--no-send", is_flag=True, help="Dry run: poll and match, but send nothing.")
def run(no_send: bool) -> None:
    """Run the service: poll on a schedule, send, and serve the web app."""
    from service.ops.runner import run_all

    run_all(glue.context_opener(), no_send=no_send)


# Commands that live beside their stage, imported only when used: a worker
# should not pay for scikit-learn (seconds, ~90 MB) that only `classify` needs.
AREA_COMMANDS: dict[str, tuple[str, str]] = {
    "classify": ("service.cli.classify", "classify_command"),
    "train": ("service.cli.models", "train_command"),
    "evaluate": ("service.cli.models", "evaluate_command"),
    "models": ("service.cli.versions", "models_group"),
    "subscribers": ("service.cli.subscribers", "subscribers_group"),
    "send": ("service.cli.delivery", "send_command"),
    "digest": ("service.cli.delivery", "digest_command"),
    "web": ("service.cli.web", "web_command"),
    "scheduler": ("service.cli.ops", "scheduler_command"),
    "worker": ("service.cli.ops", "worker_command"),
    "status": ("service.cli.ops", "status_command"),
    "labels": ("service.cli.labels", "labels_group"),
    "retag": ("service.cli.labels", "retag_command"),
    "report": ("service.cli.models", "report_command"),
    "events": ("service.cli.events", "events_group"),
}
