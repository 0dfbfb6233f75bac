"""Retraining when enough labels arrive, and re-tagging stored stories with a new model.

``retrain_if_due`` is the scheduler's retrain job: when at least
``[models] retrain_after_labels`` usable labels (labels.py's agreement rule)
have arrived since the last retrain, it trains on the label files
(``[models] labels_paths``) plus the database's labels, and
``train.train_new_version`` promotes the candidate only if it is not worse
than the active model (never forced).  The watermark, the arrival time of
the newest label the last retrain saw, is kept in the database
(``service_state`` row ``retrain_watermark``), so a scheduler that takes over
on another machine carries on from it, and a candidate that was kept is not
trained again on the same labels an hour later.  Without it every usable
label counts as new; a ``var/retrain.json`` left by an older version is read
once into the database.  Labels from fewer than five issues are not enough
for the grouped cross-validation, and fewer examples than the active model
was trained on means label files went missing: no retrain in either case,
and the summary says so.  A
training error (ModelError) is raised, so the job is recorded as failing.

``retag_since`` gives stories the active model's themes: new rows for the new
version become current and the older rows stay, not current, for comparison.
"""

from __future__ import annotations

import glob
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from service.classify import labels, model_store
from service.classify.editor_tags import as_labeled, editor_labels
from service.classify.examples import with_hand_written
from service.classify.train import (
    Example,
    TrainingOutcome,
    examples_trained_on,
    load_examples,
    train_new_version,
)
from service.config import Settings
from service.context import Context
from service.db.database import transaction
from service.db.tables import Issue, ModelVersion, ServiceState, Story, StoryTheme
from service.domain import Link, TaggedStory
from service.domain import Story as StoryValue
from service.errors import ModelError
from service.ingest.pipeline import Tagger
from service.paths import PROJECT_ROOT, SHIPPED

__all__ = ["WATERMARK", "WATERMARK_FILE", "RetagSummary", "label_files", "read_watermark",
           "record_model_version", "retag_since", "retrain_if_due", "retraining_examples",
           "write_watermark"]

log = logging.getLogger(__name__)

WATERMARK = "retrain_watermark"  # its service_state row
WATERMARK_FILE = "retrain.json"  # where earlier versions kept it, in var/: read once
RETAG_BATCH = 256
FOLDS = 5  # as `newsalerts train`, so cards compare like with like


def retrain_if_due(ctx: Context) -> str:
    """Train, evaluate and promote or keep, if enough new labels arrived; says what it did."""
    needed = ctx.settings.models.retrain_after_labels
    if needed <= 0:
        return "retraining is off ([models] retrain_after_labels = 0)"
    with transaction(ctx.sessions) as session:
        decisions = labels.effective_labels(session)
        since = read_watermark(session, ctx.var_dir, ctx.now())
    arrivals = [d.arrived_at for d in decisions.values() if since is None or d.arrived_at > since]
    if len(arrivals) < needed:
        return _logged(f"not retrained: {len(arrivals)} new usable label(s) since "
                       f"{since.isoformat() if since else 'the start'}, {needed} needed")
    files = label_files(ctx.settings)
    with transaction(ctx.sessions) as session:
        examples = retraining_examples(ctx.settings, session, files)
    issues = len({example.group for example in examples if not example.train_only})
    if issues < FOLDS:
        return _logged(f"not retrained: the labeled stories come from {issues} issue(s); "
                       f"the grouped cross-validation needs {FOLDS}")
    shrunk = _fewer_than_active(ctx.settings, len(examples))
    if shrunk:  # (a warning: label files went missing, which the operator must mend)
        log.warning("%s", shrunk)
        return shrunk
    outcome = train_new_version(_models_dir(ctx.settings), examples, folds=FOLDS,
                                reference=load_examples(files))
    with transaction(ctx.sessions) as session:
        write_watermark(session, max(arrivals), outcome, ctx.now())
    return _logged(describe(outcome, len(arrivals), len(examples)))


def _fewer_than_active(settings: Settings, examples: int) -> str | None:
    """Why not to retrain on fewer examples than the model in use was trained on.

    Labels only accumulate, so fewer means label files went missing (an installed
    package run away from ../shared, a moved folder).  The promotion gate compares
    recipes on today's labels, so it would let such a model through; this keeps it out
    until the files are back (the watermark stays, so it is tried again)."""
    where, version = model_store.active_choice(_models_dir(settings))
    trained_on = examples_trained_on(where, version)
    if trained_on is None or examples >= trained_on:
        return None
    return (f"not retrained: {examples} examples can be read now, fewer than the "
            f"{trained_on} the active model {version} was trained on; check [models] "
            "labels_paths")


def _logged(summary: str) -> str:
    log.info("%s", summary)
    return summary


def retraining_examples(settings: Settings, session: Session,
                        files: list[Path] | None = None) -> list[Example]:
    """The label files' examples (``files``, else ``label_files``'s) merged with the
    database's usable labels, and the hand-written examples (always: they are part of
    the recipe)."""
    files = label_files(settings) if files is None else files
    if not files:
        log.warning("no label file matches [models] labels_paths; training on the "
                    "database's labels alone")
    database = labels.training_examples(session)
    return with_hand_written(labels.merge_examples(load_examples(files), database))


def label_files(settings: Settings) -> list[Path]:
    """The files the ``[models] labels_paths`` globs match, each once, in order."""
    found: list[Path] = []
    for pattern in (p.strip() for p in settings.models.labels_paths.split(",")):
        if not pattern:
            continue
        matches = _glob(pattern)
        if not matches:
            log.warning("[models] labels_paths: %s matches no file (relative paths are read "
                        "from the working directory); skipped", pattern)
        found += [path for path in matches if path not in found]
    return found


def _glob(pattern: str) -> list[Path]:
    """Matches of ``pattern`` in the working folder, else the clone, else the copies an
    installed package carries (``models/extra_labels.jsonl``)."""
    bases = [Path.cwd()] if os.path.isabs(pattern) else [Path.cwd(), _project_dir(), SHIPPED]
    for base in bases:
        matches = sorted(glob.glob(os.path.join(base, pattern)))
        if matches:
            return [Path(os.path.normpath(match)) for match in matches]
    return []


def _project_dir() -> Path:
    return PROJECT_ROOT


def _models_dir(settings: Settings) -> Path:
    return model_store.models_dir(settings)  # the same lookup the tagger loads from


def describe(outcome: TrainingOutcome, new_labels: int, examples: int) -> str:
    """One line: what was trained on, and why it was promoted or kept."""
    trained = (f"retrained on {examples} examples ({new_labels} new usable labels): "
               f"{outcome.version} macro F1 {outcome.metrics['macro_f1']:.3f}")
    if outcome.baseline_macro_f1 is None:
        return f"{trained}; promoted: there was no active model"
    compared = f"{outcome.previous} {outcome.baseline_macro_f1:.3f} on the same labels"
    if outcome.promoted:
        return f"{trained}; promoted: not lower than {compared}"
    if outcome.reference_drops:
        return f"{trained}; kept {outcome.previous} active: {reference_note(outcome)}"
    where = f" on {', '.join(outcome.worse_on)}" if outcome.worse_on else ""
    return f"{trained}; kept {outcome.previous} active: lower{where} than {compared}"


def reference_note(outcome: TrainingOutcome) -> str:
    """Why the label files' check kept a version out, as the end of a sentence."""
    where = ", ".join(f"{source} {now:.3f} against {was:.3f}"
                      for source, (now, was) in outcome.reference_drops.items())
    return (f"{outcome.version} agrees less with the label files' own labels than "
            f"{outcome.previous} ({where}): the database's labels contradict the "
            "annotators' (check them: `newsalerts labels export`; if they are right, "
            "`newsalerts train --force` makes a model trained on them active)")


def read_watermark(session: Session, var_dir: Path, now: datetime) -> datetime | None:
    """The arrival time of the newest label the last retrain saw; None before any."""
    row = session.get(ServiceState, WATERMARK)
    value = row.value if row is not None else _adopt_watermark_file(session, var_dir, now)
    try:
        return datetime.fromisoformat(str(value["labels_until"])) if value else None
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring an unreadable retraining watermark (%s): every usable label "
                    "counts as new", exc)
        return None


def write_watermark(session: Session, labels_until: datetime, outcome: TrainingOutcome,
                    now: datetime) -> None:
    record = {"labels_until": labels_until.isoformat(), "version": outcome.version,
              "promoted": outcome.promoted, "macro_f1": outcome.metrics["macro_f1"]}
    _store(session, record, now)


def _store(session: Session, record: dict[str, Any], now: datetime) -> None:
    row = session.get(ServiceState, WATERMARK)
    if row is None:
        session.add(ServiceState(name=WATERMARK, value=record, updated_at=now))
    else:
        row.value, row.updated_at = record, now


def _adopt_watermark_file(session: Session, var_dir: Path, now: datetime) -> dict[str, Any] | None:
    """An older version's ``var/retrain.json``, copied into the database (read once)."""
    path = var_dir / WATERMARK_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        datetime.fromisoformat(record["labels_until"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable %s (%s): every usable label counts as new", path, exc)
        return None
    _store(session, record, now)
    log.info("retraining watermark moved from %s into the database; the file is no longer "
             "read", path)
    return dict(record)


# --- re-tagging ------------------------------------------------------------------------------


@dataclass
class RetagSummary:
    version: str
    retagged: int = 0
    unchanged: int = 0  # already tagged by this version


def retag_since(session: Session, tagger: Tagger, since: datetime | None,
                now: datetime) -> RetagSummary:
    """Tag the stories of issues dated on/after ``since`` with ``tagger``.

    Running it twice with the same model changes nothing the second time.
    """
    summary = RetagSummary(tagger.version)
    ids = _story_ids_since(session, since)
    for start in range(0, len(ids), RETAG_BATCH):
        stories = _load_stories(session, ids[start:start + RETAG_BATCH])
        stale = [story for story in stories if not _tagged_by(story, tagger.version)]
        summary.unchanged += len(stories) - len(stale)
        labeled = editor_labels(session, [story.id for story in stale])
        for row, tagged in zip(stale, tagger.tag([_value(s) for s in stale]), strict=True):
            _make_current(row, tagged, now)
            if row.id in labeled:  # an editor's label stays the story's themes
                as_labeled(row.themes, labeled[row.id], now)
        summary.retagged += len(stale)
        session.flush()
    return summary


def _story_ids_since(session: Session, since: datetime | None) -> list[int]:
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    query = select(Story.id).join(Story.issue).order_by(dated, Story.issue_id, Story.index)
    if since is not None:
        query = query.where(dated >= since)
    return list(session.scalars(query))


def _load_stories(session: Session, ids: Sequence[int]) -> list[Story]:
    query = select(Story).where(Story.id.in_(ids)).options(selectinload(Story.themes))
    by_id = {story.id: story for story in session.scalars(query)}
    return [by_id[story_id] for story_id in ids]


def _tagged_by(story: Story, version: str) -> bool:
    current = [row for row in story.themes if row.current]
    return bool(current) and all(row.model_version == version for row in current)


def _value(story: Story) -> StoryValue:
    links = tuple(Link(text=link.get("text", ""), url=link.get("url", ""))
                  for link in story.links or [])
    return StoryValue(index=story.index, headline=story.headline, text=story.text,
                      links=links, fiction=story.fiction)


def _make_current(story: Story, tagged: TaggedStory, now: datetime) -> None:
    """This version's rows become current (made, or refreshed after a rollback)."""
    mine = {row.theme: row for row in story.themes if row.model_version == tagged.model_version}
    for row in story.themes:
        row.current = False
    for theme, score in tagged.scores.items():
        row = mine.get(theme) or StoryTheme(theme=theme, model_version=tagged.model_version)
        if theme not in mine:
            story.themes.append(row)
        row.score = score
        row.assigned = theme in tagged.themes
        row.explanation = list(tagged.explanations.get(theme, ()))
        row.held = theme in tagged.held
        row.labeled = False  # (as_labeled marks it again for a labeled story)
        row.current, row.tagged_at = True, now


def record_model_version(session: Session, models_dir: Path, version: str) -> None:
    """Remember the card of a version that tags stories here (the review page reads it)."""
    if session.get(ModelVersion, version) is not None:
        return
    try:
        card: dict[str, Any] = model_store.read_card(models_dir, version)
    except ModelError as exc:
        log.warning("model %s tags stories but its card cannot be read: %s", version, exc)
        return
    session.add(ModelVersion(version=version, sha256=str(card.get("sha256", "")), card=card))
