"""``newsalerts models``: the versions in the models folder, listed, activated, rolled back,
scored as they are and compiled (model_store.py keeps the folder).

Added to the main ``newsalerts`` group by cli.py.  Each command prints one clear
line and exits non-zero on a newsalerts error.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from service.classify import compiled, model_store
from service.cli.glue import Group, check_writable_file
from service.cli.models import (
    chosen_models_dir,
    models_dir_option,
    more_labels_argument,
    score_labels_option,
)
from service.cli.tables import metrics_table, source_tables
from service.errors import ModelError

__all__ = ["models_group"]


@click.group("models", cls=Group)
@models_dir_option()
@click.pass_context
def models_group(ctx: click.Context, models_dir: Path | None) -> None:
    """Model versions: list them, activate one, roll back, score one as it is, compile."""
    ctx.meta["models_dir"] = models_dir


# Also accepted after the subcommand: `newsalerts models list --models-dir X`.
_here_option = click.option("--models-dir", "here", default=None,
                            type=click.Path(file_okay=False, path_type=Path),
                            help="Folder of model versions (overrides the group's).")


def _chosen_dir(ctx: click.Context, here: Path | None) -> Path:
    return here or chosen_models_dir(ctx.meta["models_dir"])


@models_group.command("list")
@_here_option
@click.pass_context
def list_models(ctx: click.Context, here: Path | None) -> None:
    """Every version, newest last; * marks the active one.

    Until the folder has an active version of its own, the model shipped in the
    package tags: it is listed last, active and marked as the shipped default.
    """
    models_dir = _chosen_dir(ctx, here)
    active = model_store.active_version(models_dir)
    versions = model_store.list_versions(models_dir)
    shipped = model_store.shipped_in_use(models_dir)
    if not versions and shipped is None:
        click.echo(f"no model versions in {models_dir}")
    for version in versions:
        click.echo(_version_line(models_dir, version, active=version == active))
    if shipped is not None:
        click.echo(_version_line(model_store.SHIPPED_MODELS, shipped, active=True)
                   + f"  (shipped default: no active version in {models_dir})")


def _version_line(models_dir: Path, version: str, *, active: bool) -> str:
    """One version's line; a version that cannot load says why, and the rest are still
    listed (one unreadable card hid every version, the active one's mark too: an
    operator's review)."""
    mark = f"{'*' if active else ' '} {version:16}"
    try:
        card = model_store.read_card(models_dir, version)
        arrays = bool(card.get("arrays"))
        model_store.verified_file(models_dir, version, card, "arrays" if arrays else "file",
                                  "arrays_sha256" if arrays else "sha256")
        macro = float(card.get("metrics", {}).get("macro_f1", float("nan")))
    except (ModelError, AttributeError, TypeError, ValueError) as exc:
        return f"{mark} BROKEN: {exc}"
    return (f"{mark} macro F1 {macro:.3f}  "
            f"{card.get('n_examples', '?')} examples  {card.get('created_at', '')}")


@models_group.command("activate")
@click.argument("version")
@_here_option
@click.pass_context
def activate_model(ctx: click.Context, version: str, here: Path | None) -> None:
    """Make VERSION the active model (it must load and pass its integrity check)."""
    _activate(_chosen_dir(ctx, here), version)
    click.echo(f"{version} is now the active model")


@models_group.command("rollback")
@_here_option
@click.pass_context
def rollback_model(ctx: click.Context, here: Path | None) -> None:
    """Activate the version before the active one (if it passes its integrity check)."""
    models_dir = _chosen_dir(ctx, here)
    version = model_store.previous_version(models_dir)
    _activate(models_dir, version, rollback=True)
    click.echo(f"rolled back: {version} is now the active model")


@models_group.command("compile")
@click.argument("versions", nargs=-1, metavar="[VERSION]...")
@_here_option
@click.pass_context
def compile_models(ctx: click.Context, versions: tuple[str, ...], here: Path | None) -> None:
    """Give versions saved before model.npz existed their compiled numbers (default: every
    version).  Tagging then reads those, unpickling nothing and never importing
    scikit-learn; without them a version is compiled each time it loads."""
    from service.classify import pickled
    from service.classify.model import Classifier

    models_dir = _chosen_dir(ctx, here)
    failed = []
    for version in versions or model_store.list_versions(models_dir):
        if version in model_store.NOT_VERSIONS:
            failed.append(version)
            click.echo(f"{version}: not a classifier version (the segmenter's model)", err=True)
            continue
        try:  # each on its own: one that cannot be compiled leaves the others to be
            if not pickled.compile_version(models_dir, version):
                click.echo(f"{version}: compiled already")
                continue
            Classifier.load(models_dir, version)  # what was written loads back, or says why
        except ModelError as exc:
            failed.append(version)
            click.echo(f"{version}: not compiled: {exc}", err=True)
            continue
        click.echo(f"{version}: wrote {compiled.ARRAYS_FILE}")
    if failed:
        raise click.ClickException(f"not compiled: {', '.join(failed)}")


@models_group.command("score")
@score_labels_option
@more_labels_argument
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the figures as JSON to this file.")
@click.option("--model", "version", metavar="VERSION",
              help="The model version to score (default: the active one).")
@_here_option
@click.pass_context
def score_model(ctx: click.Context, labels: tuple[Path, ...], more_labels: tuple[Path, ...],
                json_out: Path | None, version: str | None, here: Path | None) -> None:
    """Score a model version as it is on labeled stories, per newsletter.

    No training: the figures say how the model tags a newsletter it was not
    trained on (label a few dozen of its stories on the review page, `labels
    export` them, score them here).  Stories it was trained on score higher than
    new ones would.  Hand-written "extra-" examples are only ever trained on, so
    they are skipped.
    """
    from service.classify.evaluation import score_as_it_is
    from service.classify.examples import load_examples
    from service.classify.model import Classifier

    if json_out is not None:
        check_writable_file(json_out)
    models_dir = _chosen_dir(ctx, here)
    if version is not None and version == model_store.shipped_in_use(models_dir):
        models_dir = model_store.SHIPPED_MODELS  # named, as `models list` shows it
    classifier = Classifier.load(models_dir, version)
    examples = [e for e in load_examples([*labels, *more_labels]) if not e.train_only]
    if not examples:
        raise click.ClickException("the label files hold no story to score")
    scores = classifier.score([e.text for e in examples])
    figures = score_as_it_is(examples, scores, classifier.thresholds, classifier.version)
    click.echo(metrics_table(figures))
    click.echo(f"\n{source_tables(figures, by_source=f'per newsletter ({classifier.version})')}")
    if json_out is not None:
        json_out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        click.echo(f"wrote {json_out}")


def _activate(models_dir: Path, version: str, *, rollback: bool = False) -> None:
    """Never point ACTIVE at a model the service would refuse to load.  A rollback goes
    back along the activations' history, which it shortens."""
    from service.classify.model import Classifier

    Classifier.load(models_dir, version)
    if rollback:
        model_store.rollback(models_dir)
    else:
        model_store.set_active(models_dir, version)
