"""Commands of the classifier's life cycle: train, evaluate, report (the ``models`` group of
versions is versions.py).

Added to the main ``newsalerts`` group by cli.py.  Each command prints one clear
line and exits non-zero on a newsalerts error.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from service.classify import model_store
from service.cli.glue import Command, check_writable_file, check_writable_folder
from service.cli.tables import metrics_table, source_tables
from service.config import Settings, load_settings

# scikit-learn takes seconds and ~90 MB to import: only the commands that use it do.
if TYPE_CHECKING:
    from service.classify.examples import Example
    from service.classify.train import TrainingOutcome

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_LABELS_HELP = ("JSON-lines label files ({id, text, themes, issue}); repeat or list several "
                "(default: the files [models] labels_paths names, as retraining reads).")


def models_dir_option(*names: str) -> Callable[[F], F]:
    """The folder of model versions: the option, else the settings' ``[models] dir`` (the
    config file or NEWSALERTS_MODELS__DIR): the one the running service reads."""
    return click.option(*(names or ("--models-dir",)), "models_dir", default=None,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="Folder of model versions (default: [models] dir of the "
                             "settings, env NEWSALERTS_MODELS__DIR).")


def chosen_models_dir(given: Path | None) -> Path:
    """``given``, else the folder the settings name, found as the service finds it."""
    return given if given is not None else model_store.models_dir(_current_settings())


def _current_settings() -> Settings:
    """The settings the main group loaded, or loaded here (a command run on its own: tests)."""
    obj = click.get_current_context().find_root().obj or {}
    loaded: Settings = obj.get("settings") or load_settings()
    return loaded


def _labels(*, required: bool, help_text: str) -> Callable[[F], F]:
    return click.option("--labels", "labels", multiple=True, required=required,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help=help_text)


_labels_option = _labels(required=False, help_text=_LABELS_HELP)
score_labels_option = _labels(
    required=True, help_text="JSON-lines label files of stories the model was not trained on.")
more_labels_argument = click.argument("more_labels", nargs=-1,
                              type=click.Path(exists=True, dir_okay=False, path_type=Path))
_db_labels_option = click.option(
    "--db-labels/--no-db-labels", default=True, show_default=True,
    help="Also use the database's usable labels (service/classify/labels.py).")
_hand_written_option = click.option(
    "--hand-written/--no-hand-written", "hand_written", default=True, show_default=True,
    help="Also train on the project's hand-written examples (models/extra_labels.jsonl: "
         "THEMES.md's definitions and edge cases; never scored).")


# Two or more: a grouped cross-validation of one fold does not exist (scikit-learn's
# traceback, before).
_folds_option = click.option("--folds", default=5, show_default=True, type=click.IntRange(min=2),
                             help="Folds of the grouped CV.")


def _examples(files: Sequence[Path], hand_written: bool) -> list[Example]:
    """The label files' examples (none named: the ones ``[models] labels_paths`` names, as
    the scheduler's retraining reads them), plus the hand-written ones unless left out."""
    from service.classify.examples import HAND_WRITTEN, load_examples, with_hand_written
    from service.paths import project_file

    files = list(files) or _configured_label_files()
    if not hand_written:  # ([models] labels_paths names them too, by default)
        files = [f for f in files if f.resolve() != project_file(HAND_WRITTEN).resolve()]
    examples = load_examples(files)
    return with_hand_written(examples) if hand_written else examples


def _configured_label_files() -> list[Path]:
    from service.classify.retrain import label_files

    settings = _current_settings()
    files = label_files(settings)
    if not files:
        raise click.UsageError("no label file given, and [models] labels_paths "
                               f"({settings.models.labels_paths!r}) matches none: "
                               "name them with --labels")
    click.echo(f"labels: {', '.join(str(f) for f in files)}", err=True)
    return files


KEPT_OUT = 3  # `train --fail-if-kept`: the new version was saved, the gate kept it out


@click.command("train", cls=Command)
@_labels_option
@more_labels_argument
@models_dir_option("--out", "--models-dir")
@click.option("--force", is_flag=True, help="Activate the new model even if the gate keeps it "
              "out (it scores lower, or saw fewer examples than the active one).")
@click.option("--fail-if-kept", is_flag=True,
              help="Exit with status 3 when the gate keeps the new version out (a script's "
              "`train && deploy`; without it that case exits 0, the version saved).")
@_folds_option
@_db_labels_option
@_hand_written_option
def train_command(labels: tuple[Path, ...], more_labels: tuple[Path, ...],
                  models_dir: Path | None, force: bool, fail_if_kept: bool, folds: int,
                  db_labels: bool, hand_written: bool) -> None:
    """Train on the labels, evaluate by grouped CV, save a new model version.

    The new version becomes active only if its macro F1 is not lower than the
    active model's (or, with none in the folder, the shipped model's, which an
    installed package falls back to; run from a clone, a folder other than its
    models/ has none) on any newsletter with at least 50 labeled stories, on the
    same labels, and it saw no fewer examples (--force activates it anyway).
    """
    from service.classify.labels import merge_examples
    from service.classify.train import train_new_version
    from service.cli.labels import database_examples, record_trained_labels

    models_dir = chosen_models_dir(models_dir)
    check_writable_folder(models_dir)  # now, not after the cross-validation
    files = _examples([*labels, *more_labels], hand_written)
    stored, until = database_examples(enabled=db_labels)
    examples = merge_examples(files, stored)
    outcome = train_new_version(models_dir, examples, force=force, folds=folds,
                                reference=files)
    if models_dir.resolve() == model_store.models_dir(_current_settings()).resolve():
        record_trained_labels(until, outcome)  # the folder the scheduler retrains into
    click.echo(metrics_table(outcome.metrics))
    if tables := source_tables(outcome.metrics):
        click.echo(f"\n{tables}\n")
    baseline = ("" if outcome.baseline_macro_f1 is None
                else f" (active {outcome.previous}: {outcome.baseline_macro_f1:.3f})")
    click.echo(f"saved {models_dir / outcome.version}; macro F1 "
               f"{outcome.metrics['macro_f1']:.3f}{baseline}")
    why = _why_not(outcome, len(examples), db_labels, hand_written)
    if outcome.promoted and not outcome.passed_gate:
        click.echo(f"warning: --force: {outcome.version} is active although {why}", err=True)
    elif outcome.promoted and outcome.previous is None:
        # (said, not left to guess: run from a clone, a folder other than its models/ has
        # no shipped model to beat; an operator's review took the silence for no gate)
        click.echo(f"{outcome.version} is now the active model: {models_dir} had none, and "
                   "no shipped model to compare it with")
    elif outcome.promoted:
        click.echo(f"{outcome.version} is now the active model")
    else:
        click.echo(f"kept {outcome.previous} active: {why} (use --force, or "
                   "`newsalerts models activate`)")
        if fail_if_kept:  # (the editor's probe: cron could not tell kept from promoted)
            raise click.exceptions.Exit(KEPT_OUT)


def _why_not(outcome: TrainingOutcome, examples: int, db_labels: bool = True,
             hand_written: bool = True) -> str:
    """What the gate held against the new version, as the end of a sentence."""
    if outcome.active_examples is not None:
        flags = [flag for flag, on in (("--no-db-labels", db_labels),
                                       ("--no-hand-written", hand_written)) if not on]
        cause = (f"{' and '.join(flags)} left examples out, or a label file?" if flags
                 else "a label file left out?")
        return (f"{outcome.version} was trained on {examples} examples, fewer than the "
                f"{outcome.active_examples} of {outcome.previous} ({cause})")
    if outcome.reference_drops:
        from service.classify.retrain import reference_note
        return reference_note(outcome)
    worse = _worse(outcome.worse_on, outcome.baseline_by_source, outcome.metrics)
    return (f"{outcome.version} scores lower than {outcome.previous} on "
            f"{worse or 'all labels'}")


def _worse(sources: Sequence[str], before: Mapping[str, Any], metrics: Mapping[str, Any]) -> str:
    """"Import AI (0.812 < 0.843), ..." for the newsletters the gate refused on, each pair
    over the themes the gate compared (train.paired_macros)."""
    from service.classify.train import paired_macros

    now = metrics.get("by_source", {})
    parts = []
    for source in sources:
        pair = paired_macros(now[source], before[source]) if source in before else (None, None)
        parts.append(f"{source} ({pair[0]:.3f} < {pair[1]:.3f})"
                     if None not in pair else source)
    return ", ".join(parts)


@click.command("evaluate", cls=Command)
@_labels_option
@more_labels_argument
@click.option("--json", "json_out", is_flag=False, flag_value="-", default=None,
              type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Also write the metrics as JSON to this file; --json alone (or --json -): "
                   "the JSON alone on stdout, the tables on stderr.")
@_folds_option
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write an HTML report with plots in this folder ([report] extra).")
@_db_labels_option
@_hand_written_option
def evaluate_command(labels: tuple[Path, ...], more_labels: tuple[Path, ...],
                     json_out: Path | None, folds: int, report_dir: Path | None,
                     db_labels: bool, hand_written: bool) -> None:
    """Grouped cross-validation (an issue's stories never split) of the current recipe, per
    newsletter, and leave-one-newsletter-out (trained on the others, scored on it)."""
    from service.classify.report import cross_validate, require_matplotlib, write_report
    from service.cli.labels import with_database_labels

    to_stdout = json_out is not None and str(json_out) == "-"
    # Before the training, not after: the extra and the paths the results go to.
    if json_out is not None and not to_stdout:
        if _holds_labels(json_out):
            # ("evaluate --json labels.jsonl": --json takes an optional path, so a label
            # file meant to be read would be written over with the figures)
            raise click.UsageError(f"--json {json_out} looks like a label file; use --json "
                                   "alone for stdout, or another path")
        check_writable_file(json_out)
    if report_dir is not None:
        check_writable_folder(report_dir)
        require_matplotlib()
    examples = _examples([*labels, *more_labels], hand_written)
    examples = with_database_labels(examples, enabled=db_labels)
    result = cross_validate(examples, folds)
    metrics = result.metrics
    say = functools.partial(click.echo, err=to_stdout)  # stdout: the JSON alone, if asked
    say(metrics_table(metrics))
    if tables := source_tables(metrics):
        say(f"\n{tables}")
    if report_dir is not None:
        page = write_report(report_dir, result.examples, result.scores, metrics,
                            result.thresholds)
        say(f"wrote {page}")
    if to_stdout:
        click.echo(json.dumps(metrics, indent=2))
    elif json_out is not None:
        json_out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        say(f"wrote {json_out}")


def _holds_labels(path: Path) -> bool:
    """``path`` is a file whose first line is a labeled story (a JSON object with "themes")."""
    try:
        with path.open(encoding="utf-8", errors="replace") as opened:
            first = next((line for line in opened if line.strip()), "")
        row = json.loads(first)
    except (OSError, ValueError):
        return False
    return isinstance(row, dict) and "themes" in row


@click.command("report", cls=Command)
@_labels_option
@more_labels_argument
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for index.html and its PNG plots.")
@_folds_option
@_db_labels_option
@_hand_written_option
def report_command(labels: tuple[Path, ...], more_labels: tuple[Path, ...], out: Path,
                   folds: int, db_labels: bool, hand_written: bool) -> None:
    """Grouped cross-validation as an HTML report with plots (needs the [report] extra)."""
    from service.classify.report import cross_validate, require_matplotlib, write_report
    from service.cli.labels import with_database_labels

    require_matplotlib()  # before minutes of training, not after; so is the folder
    check_writable_folder(out)
    examples = _examples([*labels, *more_labels], hand_written)
    examples = with_database_labels(examples, enabled=db_labels)
    with click.progressbar(length=folds, label=f"grouped CV on {len(examples)} examples",
                           file=sys.stderr) as bar:
        result = cross_validate(examples, folds, on_fold=lambda _: bar.update(1))
    click.echo(metrics_table(result.metrics))
    if tables := source_tables(result.metrics):
        click.echo(f"\n{tables}")
    page = write_report(out, result.examples, result.scores, result.metrics,
                        result.thresholds)
    click.echo(f"wrote {page}")
