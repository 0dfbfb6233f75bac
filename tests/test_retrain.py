"""Retraining on the scheduler's clock, and re-tagging stored stories with the active model."""

from __future__ import annotations

import dataclasses
import json
import logging
import pickle
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.classify import model_store, retrain
from service.classify.evaluation import SCORED_AS
from service.classify.train import EVALUATION, load_examples, make_card, save_version, train_model
from service.cli.labels import retag_command
from service.config import Settings
from service.context import Context
from service.db.database import transaction
from service.db.tables import Label, ModelVersion, ServiceState, Story, StoryTheme
from service.domain import THEMES
from service.ingest.pipeline import Tagger
from tests.db import FIXED_NOW, make_issue
from tests.helpers import HAND_WRITTEN, REPO

# Hand-written stories (not newsletter text), one per theme and one of none.
STORIES = {
    ("safety",): "Red-teamers found jailbreaks that get past the model's safeguards.",
    ("policy",): "The Commerce Department wrote new export controls and lawmakers debated them.",
    ("compute",): "A datacenter of ten thousand GPUs and new chips doubled training throughput.",
    ("robotics",): "A humanoid robot learned to grasp cups with dexterous hands in a kitchen.",
    (): "A new benchmark measures how well language models summarize novels.",
}


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    """A copy of the committed models/ (the repository's own is never touched)."""
    copy = tmp_path / "models"
    shutil.copytree(REPO / "models", copy)
    return copy


def configured(context: Context, models_dir: Path, label_files: str,
               after: int) -> Context:
    values = {**context.settings.values, ("models", "dir"): str(models_dir),
              ("models", "labels_paths"): label_files, ("models", "retrain_after_labels"): after}
    return dataclasses.replace(context, settings=Settings(values, context.settings.sources))


def labeled_issues(session: Session, issues: int) -> list[int]:
    """``issues`` issues of the hand-written stories, each story labeled by an editor."""
    labeled = []
    for _ in range(issues):
        issue = make_issue(session, [{}] * len(STORIES))
        for story, (themes, text) in zip(issue.stories, STORIES.items(), strict=True):
            story.headline, story.text = text.split(" ", 3)[-1].capitalize(), text
            session.add(Label(story_id=story.id, themes=list(themes), role="editor", who="ed"))
            labeled.append(story.id)
    session.flush()
    return labeled


@pytest.fixture
def extras_only(tmp_path: Path) -> str:
    """The hand-written extras as the label files: every theme, and quick to train on."""
    path = tmp_path / "extra.jsonl"
    shutil.copyfile(REPO / "models" / "extra_labels.jsonl", path)
    return str(path)


def test_retraining_reads_every_newsletter_label_file(context: Context, models_dir: Path,
                                                    shared_dir: Path) -> None:
    default = context.settings.models.labels_paths
    assert "data/labeled/*.jsonl" in default and "models/extra_labels.jsonl" in default
    pattern = f"{shared_dir}/data/labeled/*.jsonl, models/extra_labels.jsonl"
    ctx = configured(context, models_dir, pattern, after=1)
    files = retrain.label_files(ctx.settings)
    assert {path.name for path in files} == {"importai.jsonl", "last-week-in-ai.jsonl",
                                             "the-batch.jsonl", "thursdai.jsonl",
                                             "extra_labels.jsonl"}
    with transaction(ctx.sessions) as session:
        examples = retrain.retraining_examples(ctx.settings, session)
    assert {e.source for e in examples if not e.train_only} >= {
        "Import AI", "Last Week in AI", "The Batch", "ThursdAI"}


def test_retraining_adds_the_hand_written_examples_when_the_paths_leave_them_out(
        context: Context, models_dir: Path, shared_dir: Path) -> None:
    ctx = configured(context, models_dir, f"{shared_dir}/data/labeled/importai.jsonl", after=1)
    with transaction(ctx.sessions) as session:
        examples = retrain.retraining_examples(ctx.settings, session)
    hand_written = [e for e in examples if e.train_only]
    assert len(hand_written) == HAND_WRITTEN and len(examples) == 268 + HAND_WRITTEN


# --- retrain_if_due --------------------------------------------------------------------------


def test_retraining_waits_for_enough_usable_labels(context: Context, models_dir: Path,
                                                   extras_only: str) -> None:
    ctx = configured(context, models_dir, extras_only, after=3)
    with transaction(ctx.sessions) as session:
        [edited, lone, *_] = labeled_issues(session, 1)[:2]
        session.query(Label).filter(Label.story_id != edited).delete()
        session.add(Label(story_id=lone, themes=["policy"], role="reader", who="a@example.org"))
    before = model_store.list_versions(models_dir)

    summary = retrain.retrain_if_due(ctx)

    assert summary.startswith("not retrained: 1 new usable label(s)") and "3 needed" in summary
    assert model_store.list_versions(models_dir) == before
    with transaction(ctx.sessions) as session:
        assert session.get(ServiceState, retrain.WATERMARK) is None
    too_few_issues = configured(context, models_dir, extras_only, after=1)
    assert retrain.retrain_if_due(too_few_issues) == (
        "not retrained: the labeled stories come from 1 issue(s); "
        "the grouped cross-validation needs 5")
    off = configured(context, models_dir, extras_only, after=0)
    assert retrain.retrain_if_due(off).startswith("retraining is off")


@pytest.fixture
def small_models_dir(tmp_path: Path, extras_only: str) -> Path:
    """A models folder whose active model was trained on the hand-written extras alone."""
    folder = tmp_path / "small-models"
    examples = load_examples([Path(extras_only)])
    metrics = {**{t: {"precision": 0.0, "recall": 0.0, "f1": 0.0} for t in THEMES},
               "micro_f1": 0.0, "macro_f1": 0.0, "evaluation": EVALUATION.format(folds=5),
               "scored_as": SCORED_AS}
    version = save_version(folder, train_model(examples), make_card(examples, metrics))
    model_store.set_active(folder, version)
    return folder


def test_retraining_trains_promotes_and_then_waits_again(
        context: Context, small_models_dir: Path, extras_only: str) -> None:
    models_dir = small_models_dir
    ctx = configured(context, models_dir, extras_only, after=20)
    with transaction(ctx.sessions) as session:
        stored = labeled_issues(session, 5)  # five issues: one per fold of the grouped CV
    active = model_store.active_version(models_dir)
    total = len(load_examples([Path(extras_only)])) + len(stored)

    summary = retrain.retrain_if_due(ctx)

    newest = model_store.list_versions(models_dir)[-1]
    assert newest != active and model_store.active_version(models_dir) == newest
    assert f"retrained on {total} examples ({len(stored)} new usable labels)" in summary
    assert f"promoted: not lower than {active}" in summary
    card = model_store.read_card(models_dir, newest)
    assert card["n_examples"] == total and card["metrics"]["n_scored"] == len(stored)
    with transaction(ctx.sessions) as session:
        state = session.get(ServiceState, retrain.WATERMARK)
        assert state is not None
        watermark = dict(state.value)
    assert watermark["version"] == newest and watermark["promoted"] is True
    assert not (ctx.var_dir / retrain.WATERMARK_FILE).exists(), "kept in the database"
    # the same labels do not train again, here or on a machine with another var/
    assert retrain.retrain_if_due(ctx).startswith("not retrained: 0 new usable label(s) since")
    elsewhere = dataclasses.replace(ctx, var_dir=ctx.var_dir / "another-machine")
    assert retrain.retrain_if_due(elsewhere).startswith(
        f"not retrained: 0 new usable label(s) since {watermark['labels_until']}")


def test_no_retraining_on_fewer_examples_than_the_active_model_was_trained_on(
        sqlite_context: Context, models_dir: Path, extras_only: str,
        caplog: pytest.LogCaptureFixture) -> None:
    # The committed model saw every newsletter's labels; here only the extras can be read
    # (an installed package run away from ../shared): a model of those would be far worse,
    # and the gate, comparing recipes on today's labels, would not see it.
    ctx = configured(sqlite_context, models_dir, extras_only, after=1)
    with transaction(ctx.sessions) as session:
        labeled_issues(session, 5)
    before = model_store.list_versions(models_dir)

    with caplog.at_level(logging.INFO, logger="service.classify.retrain"):
        summary = retrain.retrain_if_due(ctx)

    trained_on = model_store.read_card(models_dir, before[-1])["n_examples"]
    assert summary.startswith("not retrained: ") and f"fewer than the {trained_on}" in summary
    # (a warning: `status` shows the job ok, so the log must say what the operator must mend;
    # an operator's probe found it at INFO)
    assert any(r.levelno == logging.WARNING and "fewer than the" in r.getMessage()
               for r in caplog.records)
    assert "labels_paths" in summary
    assert model_store.list_versions(models_dir) == before
    with transaction(ctx.sessions) as session:
        assert session.get(ServiceState, retrain.WATERMARK) is None, "tried again later"


def test_a_watermark_file_of_an_earlier_version_moves_into_the_database(
        context: Context, models_dir: Path, extras_only: str) -> None:
    ctx = configured(context, models_dir, extras_only, after=1)
    with transaction(ctx.sessions) as session:
        labeled_issues(session, 1)
        newest = max(label.created_at for label in session.scalars(select(Label)))
    until = (newest if newest.tzinfo else newest.replace(tzinfo=UTC)).isoformat()
    ctx.var_dir.mkdir(parents=True, exist_ok=True)
    record = {"labels_until": until, "version": "2026-11-26-2", "promoted": True,
              "macro_f1": 0.8}
    (ctx.var_dir / retrain.WATERMARK_FILE).write_text(json.dumps(record), encoding="utf-8")

    summary = retrain.retrain_if_due(ctx)

    assert summary.startswith(f"not retrained: 0 new usable label(s) since {until}")
    with transaction(ctx.sessions) as session:
        state = session.get(ServiceState, retrain.WATERMARK)
        assert state is not None and state.value == record
    (ctx.var_dir / retrain.WATERMARK_FILE).unlink()  # the database has it now
    elsewhere = dataclasses.replace(ctx, var_dir=ctx.var_dir / "another-machine")
    assert retrain.retrain_if_due(elsewhere) == summary


def test_a_candidate_worse_than_the_active_model_is_kept_out_with_the_reason(
        sqlite_context: Context, tmp_path: Path, extras_only: str) -> None:
    # The database side is the same on both backends (see the test above); SQLite only,
    # to keep the suite quick.
    models_dir = tmp_path / "models"
    ctx = configured(sqlite_context, models_dir, extras_only, after=1)
    with transaction(ctx.sessions) as session:
        stored = labeled_issues(session, 5)
        # one issue's labels are shifted by a story: no model scores perfectly on these
        shifted = [*list(STORIES)[1:], next(iter(STORIES))]
        for story_id, themes in zip(stored[:len(STORIES)], shifted, strict=True):
            session.query(Label).filter_by(story_id=story_id).update({"themes": list(themes)})
        examples = retrain.retraining_examples(ctx.settings, session)
    claims = {**{t: {"precision": 1.0, "recall": 1.0, "f1": 0.99} for t in THEMES},
              "micro_f1": 0.99, "macro_f1": 0.99, "evaluation": EVALUATION.format(folds=5),
              "scored_as": SCORED_AS}
    best = save_version(models_dir, train_model(examples), make_card(examples, claims))
    model_store.set_active(models_dir, best)

    summary = retrain.retrain_if_due(ctx)

    assert f"kept {best} active: lower than {best} 0.990 on the same labels" in summary
    assert model_store.active_version(models_dir) == best
    assert len(model_store.list_versions(models_dir)) == 2, "the candidate is saved, not active"


# --- retag -----------------------------------------------------------------------------------


# Names nothing of AI; its words alone would tag it `policy` (tests/test_subject.py).
BROADBAND_BILL = ("Senate passes a bill on broadband subsidies\nThe Senate voted 62-38 to fund "
                  "rural broadband; the House must now pass the bill before the president can "
                  "sign it.")


def current_versions(session: Session, story_id: int) -> dict[bool, set[str]]:
    rows = session.scalars(select(StoryTheme).where(StoryTheme.story_id == story_id)).all()
    return {flag: {r.model_version for r in rows if r.current is flag} for flag in (True, False)}


def test_retag_makes_the_active_model_current_and_keeps_older_tags(context: Context,
                                                                   tagger: Tagger) -> None:
    with transaction(context.sessions) as session:
        old = make_issue(session, [{"safety": 0.9}], sent_at=datetime(2024, 4, 1, tzinfo=UTC))
        new = make_issue(session, [{"policy": 0.9}, {}])
        new.stories[0].text = STORIES[("robotics",)]
        new.stories[1].text = BROADBAND_BILL
        old_story, new_stories = old.stories[0].id, [s.id for s in new.stories]

    code, out = _retag(context, "2024-05-01")
    assert code == 0, out
    assert f"retagged 2 stories with {tagger.version}; 0 already had its themes" in out
    with transaction(context.sessions) as session:
        for story_id in new_stories:
            assert current_versions(session, story_id) == {True: {tagger.version},
                                                           False: {"test-v1"}}
        assert current_versions(session, old_story) == {True: {"test-v1"}, False: set()}
        story = session.get(Story, new_stories[0])
        assert story is not None
        robotics = next(r for r in story.themes if r.current and r.theme == "robotics")
        assert robotics.assigned and robotics.explanation and robotics.tagged_at is not None
        assert not any(row.held for row in story.themes)
        bill = session.get(Story, new_stories[1])
        assert bill is not None  # the subject gate kept its policy under: stored as held
        assert {r.theme for r in bill.themes if r.current and r.held} == {"policy"}
        assert session.get(ModelVersion, tagger.version) is not None, "its card is recorded"
        rows = len(session.scalars(select(StoryTheme)).all())

    code, out = _retag(context, "2024-05-01")
    assert code == 0 and "retagged 0 stories" in out and "2 already had its themes" in out
    with transaction(context.sessions) as session:
        assert len(session.scalars(select(StoryTheme)).all()) == rows


def test_retag_after_a_rollback_makes_the_older_rows_current_again(sqlite_context: Context,
                                                                   tagger: Tagger) -> None:
    with transaction(sqlite_context.sessions) as session:
        story_id = make_issue(session, [{}]).stories[0].id
        retrain.retag_since(session, tagger, None, FIXED_NOW)
        for row in session.scalars(select(StoryTheme)).all():  # a later model tagged it
            row.current = row.model_version == "test-v1"
        summary = retrain.retag_since(session, tagger, None, FIXED_NOW)
        assert summary.retagged == 1
        assert current_versions(session, story_id) == {True: {tagger.version},
                                                       False: {"test-v1"}}
        assert len(session.scalars(select(StoryTheme)).all()) == 2 * len(THEMES)


def _retag(context: Context, since: str) -> tuple[int, str]:
    result = CliRunner().invoke(retag_command, ["--since", since],
                                obj={"context": lambda: context})
    return result.exit_code, result.output


# --- the scheduler's retrain job -------------------------------------------------------------

RETRAIN_JOB = """
import json, pickle, sys
from pathlib import Path
from service.context import open_context
from service.ops import scheduler
from service.ops.runtime import Runtime
from service.ops.status import read_status

settings = pickle.loads(Path(sys.argv[1]).read_bytes())
ctx = open_context(settings, migrate=False, var_dir=Path(sys.argv[2]))
scheduler.set_runtime(Runtime(ctx, "test-host:1:run", lambda: None))
scheduler.retrain_job()
job = read_status(ctx).jobs["retrain"]
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"sklearn", "scipy", "joblib"})
print(json.dumps([loaded, job.detail.get("outcome"), job.last_error]))
"""


def test_the_retrain_job_trains_in_a_child_process(sqlite_context: Context,
                                                   small_models_dir: Path, extras_only: str,
                                                   tmp_path: Path) -> None:
    """The scheduler's own process (`newsalerts run`) never imports scikit-learn nor holds
    the training's memory: it tags with 108 MiB, and kept 190 after its first retrain."""
    ctx = configured(sqlite_context, small_models_dir, extras_only, after=20)
    with transaction(ctx.sessions) as session:
        labeled_issues(session, 5)
    active = model_store.active_version(small_models_dir)
    settings = tmp_path / "settings.pickle"
    settings.write_bytes(pickle.dumps(ctx.settings))

    done = subprocess.run([sys.executable, "-c", RETRAIN_JOB, str(settings), str(ctx.var_dir)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)

    assert done.returncode == 0, done.stderr
    loaded, outcome, error = json.loads(done.stdout.strip().splitlines()[-1])
    assert error is None and f"promoted: not lower than {active}" in outcome
    assert loaded == []
    assert model_store.active_version(small_models_dir) == model_store.list_versions(
        small_models_dir)[-1] != active


KILLED_PARENT = """
import multiprocessing, pickle, sys, threading, time
from pathlib import Path
from service.context import open_context
from service.ops.retraining import retrain_apart

settings = pickle.loads(Path(sys.argv[1]).read_bytes())
ctx = open_context(settings, migrate=False, var_dir=Path(sys.argv[2]))
threading.Thread(target=retrain_apart, args=(ctx,), daemon=True).start()
while not multiprocessing.active_children():
    time.sleep(0.01)
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # (a zombie has exited; nobody may reap it here)


def test_a_retraining_child_stops_when_its_parent_is_killed(
        sqlite_context: Context, small_models_dir: Path, extras_only: str,
        tmp_path: Path) -> None:
    """It trained on alone, promoted a model and then waited for ever on its task queue
    (a review: the parent killed by SIGKILL or for memory)."""
    ctx = configured(sqlite_context, small_models_dir, extras_only, after=20)
    with transaction(ctx.sessions) as session:
        labeled_issues(session, 5)
    settings = tmp_path / "settings.pickle"
    settings.write_bytes(pickle.dumps(ctx.settings))
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, str(settings),
                               str(ctx.var_dir)], cwd=REPO, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait(timeout=30)
        if parent.stdout is not None:
            parent.stdout.close()
    deadline = time.monotonic() + 30
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)


def test_newsalerts_train_on_the_database_labels_moves_the_retraining_watermark(
        sqlite_context: Context, small_models_dir: Path, extras_only: str) -> None:
    """An operator's review: `newsalerts train` used the database's labels but left the
    watermark, so the scheduler's next retrain counted them all as new, trained on them
    again and promoted that version over the operator's `models rollback` of the first."""
    from service.cli.models import train_command

    ctx = configured(sqlite_context, small_models_dir, extras_only, after=5)
    with transaction(ctx.sessions) as session:
        labeled_issues(session, 5)
    obj = {"context": lambda: ctx, "settings": ctx.settings}
    result = CliRunner().invoke(train_command, ["--labels", extras_only], obj=obj)
    assert result.exit_code == 0, result.output
    trained = model_store.active_version(small_models_dir)
    model_store.rollback(small_models_dir)
    before = model_store.list_versions(small_models_dir)

    summary = retrain.retrain_if_due(ctx)

    assert summary.startswith("not retrained: 0 new usable label(s) since"), summary
    assert model_store.list_versions(small_models_dir) == before
    assert model_store.active_version(small_models_dir) != trained, "the rollback holds"
    with transaction(ctx.sessions) as session:
        state = session.get(ServiceState, retrain.WATERMARK)
        assert state is not None and state.value["version"] == trained
