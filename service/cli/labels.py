"""Commands around people's labels: labels import/export, retag, report.

Added to the main ``newsalerts`` group by cli/main.py.  Commands that need the
database open a Context with glue.opened_context and close it when done; a
newsalerts error is one line and exit 1 (glue.Command).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click

from service.classify import labels, retrain
from service.classify.train import Example, TrainingOutcome
from service.cli.glue import Command, Group, check_writable_file, opened_context
from service.db.database import transaction

_DATE = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])


def database_examples(*, enabled: bool = True) -> tuple[list[Example], datetime | None]:
    """The database's usable labels as examples, and when the newest of them arrived (what
    a training on them has seen, for the retraining watermark); nothing when not asked
    for, or run outside the `newsalerts` group (no context to open, as in a test invoking
    a command alone).  One read of the labels for both."""
    root = click.get_current_context(silent=True)
    obj = root.find_root().obj if root is not None else None
    if not enabled or not isinstance(obj, dict) or "context" not in obj:
        return [], None
    with opened_context() as context, transaction(context.sessions) as session:
        stored = labels.labeled_stories(session)
    click.echo(f"adding {len(stored)} usable label(s) from the database", err=True)
    return (labels.examples_of(stored),
            max((item.decision.arrived_at for item in stored), default=None))


def record_trained_labels(until: datetime | None, outcome: TrainingOutcome) -> None:
    """Advance the scheduler's retraining watermark to the labels `train` just used, as the
    retrain job does: else its next run counted them as new, trained on them again and
    promoted that version, over a `models rollback` the operator had made meanwhile."""
    if until is None:
        return
    with opened_context() as context, transaction(context.sessions) as session:
        since = retrain.read_watermark(session, context.var_dir, context.now())
        if since is None or until > since:
            retrain.write_watermark(session, until, outcome, context.now())


def with_database_labels(examples: Sequence[Example], *, enabled: bool = True) -> list[Example]:
    """``examples`` plus the database's usable labels (labels.merge_examples), for commands
    that train or evaluate (``database_examples``)."""
    return labels.merge_examples(examples, database_examples(enabled=enabled)[0])


@click.group("labels", cls=Group)
def labels_group() -> None:
    """People's labels: import a file of them, export the usable ones."""


@labels_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Store the labels of PATH (JSON lines) as imported labels, which count like an editor's.

    A line is {"story_id", "themes"} or {"message_id", "index", "themes"}.
    A bad line stops the import and stores nothing; a line naming a story
    this database does not hold is skipped and listed.
    """
    with opened_context() as context, transaction(context.sessions) as session:
        summary = labels.import_labels(session, path)
    for reason in summary.skipped:
        click.echo(f"labels import: {reason}; skipped", err=True)
    click.echo(f"imported {summary.imported} label(s) from {path}; "
               f"{len(summary.skipped)} line(s) skipped")


@labels_group.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export_command(out: Path | None) -> None:
    """The usable labels (the agreement rule applied) as JSON lines that `train --labels` reads."""
    if out is not None:
        check_writable_file(out)  # before the database is read
    with opened_context() as context, transaction(context.sessions) as session:
        lines = [json.dumps(row, ensure_ascii=False) + "\n"
                 for row in labels.export_labels(session)]
    if out is None:
        sys.stdout.write("".join(lines))
    else:
        out.write_text("".join(lines), encoding="utf-8")
    click.echo(f"exported {len(lines)} usable label(s)" + (f" to {out}" if out else ""),
               err=True)


@click.command("retag", cls=Command)
@click.option("--since", type=_DATE, required=True,
              help="Re-tag the stories of issues dated on or after this day (UTC).")
def retag_command(since: datetime) -> None:
    """Tag stored stories again with the active model.

    The new model's themes become current; the older ones are kept for
    comparison.  Stories it already tagged are left alone, so running this
    twice changes nothing the second time.
    """
    from service.classify.model import Classifier
    from service.classify.model_store import active_choice, models_dir

    with opened_context() as context:
        # Where the active model is (the shipped default's folder when [models] dir has
        # no ACTIVE): its card is recorded from there.
        directory, version = active_choice(models_dir(context.settings))
        classifier = Classifier.load(directory, version)
        with transaction(context.sessions) as session:
            retrain.record_model_version(session, directory, classifier.version)
            summary = retrain.retag_since(session, classifier, since.replace(tzinfo=UTC),
                                          context.now())
    click.echo(f"retagged {summary.retagged} stories with {summary.version}; "
               f"{summary.unchanged} already had its themes")
