"""Training, grouped evaluation, model versions and promotion (DESIGN.md invariant 6)."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.classify import model_store
from service.classify.evaluation import SCORED_AS
from service.classify.examples import with_hand_written
from service.classify.model import Classifier
from service.classify.train import (
    EVALUATION,
    Example,
    _baseline_metrics,
    data_hash,
    evaluate,
    grouped_folds,
    load_examples,
    make_card,
    save_version,
    train_model,
)
from service.cli.main import main
from service.cli.models import evaluate_command, train_command
from service.cli.versions import models_group
from service.domain import THEMES
from service.errors import ModelError
from tests.helpers import HAND_WRITTEN, REPO

EXTRA_LABELS = REPO / "models" / "extra_labels.jsonl"


@pytest.fixture(scope="module")
def labeled(shared_dir: Path) -> Path:
    return shared_dir / "data" / "labeled" / "importai.jsonl"


@pytest.fixture(scope="module")
def recent_labels(labeled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stories of the latest issues only: enough of every theme, quick to train on."""
    rows = [json.loads(line) for line in labeled.read_text(encoding="utf-8").splitlines()]
    recent = [row for row in rows if (row["issue"] or 0) >= 360]
    for theme in THEMES:
        assert sum(theme in row["themes"] for row in recent) >= 3, theme
    path = tmp_path_factory.mktemp("labels") / "recent.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in recent), encoding="utf-8")
    return path


def test_grouped_folds_never_put_one_issue_on_both_sides(labeled: Path) -> None:
    examples = load_examples([labeled, EXTRA_LABELS])
    splits = grouped_folds(examples, folds=5)
    tested: list[int] = []
    for train, test in splits:
        train_groups = {examples[i].group for i in train}
        assert not train_groups & {examples[i].group for i in test}
        assert not any(examples[i].train_only for i in test)
        tested += test
    scored = [i for i, e in enumerate(examples) if not e.train_only]
    assert sorted(tested) == scored  # every real story is scored exactly once


def test_stories_of_one_issue_share_a_group(labeled: Path) -> None:
    examples = load_examples([labeled])
    by_id = {e.id: e for e in examples}
    assert by_id["importai-373-0"].group == by_id["importai-373-4"].group
    assert by_id["importai-373-0"].group != by_id["importai-372-0"].group


def test_hand_written_examples_are_marked_and_train_only() -> None:
    examples = load_examples([EXTRA_LABELS])
    assert examples and all(e.id.startswith("extra-") and e.train_only for e in examples)
    rows = [json.loads(line) for line in EXTRA_LABELS.read_text(encoding="utf-8").splitlines()]
    assert all("hand-written" in row["source"] for row in rows)


def test_unknown_theme_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "a", "text": "x", "themes": []}\n'
                    '{"id": "b", "text": "y", "themes": ["sports"]}\n', encoding="utf-8")
    with pytest.raises(ModelError, match=r"labels\.jsonl:2: unknown themes \['sports'\]"):
        load_examples([path])


def test_a_labeled_story_with_no_text_is_skipped_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The editor's probe: blank texts were trained on without a word."""
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "a", "text": "A robot", "themes": ["robotics"]}\n'
                    '{"id": "b", "text": "", "themes": ["safety"]}\n'
                    '{"id": "c", "text": " \\n ", "themes": []}\n', encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert [e.id for e in load_examples([path])] == ["a"]
    assert "skipped 2 labeled stories with no text: labels.jsonl:2, labels.jsonl:3" in caplog.text


def test_too_few_issues_or_a_missing_theme_is_a_clear_error() -> None:
    one_issue = [Example(f"s{i}", "text", ("safety",) if i % 2 else (), "issue-1")
                 for i in range(6)]
    with pytest.raises(ModelError, match="at least 5 issues; the labels hold 1"):
        grouped_folds(one_issue, folds=5)
    with pytest.raises(ModelError, match=r"every example agrees on \['policy', 'compute'"):
        train_model(one_issue)
    with pytest.raises(ModelError, match="every example agrees"):
        train_model([])


def test_data_hash_ignores_order_and_sees_label_changes() -> None:
    one = Example("a", "text a", ("safety",), "g1")
    two = Example("b", "text b", (), "g2")
    assert data_hash([one, two]) == data_hash([two, one])
    assert data_hash([one, two]) != data_hash([Example("a", "text a", (), "g1"), two])


def test_full_grouped_cv_meets_the_floor(labeled: Path) -> None:
    examples = load_examples([labeled, EXTRA_LABELS])
    train_model(examples)  # bench/classify.py times it (the issue's bar: under 30 s)
    metrics = evaluate(examples, folds=5)
    assert metrics["evaluation"] == "grouped 5-fold CV by issue"
    assert metrics["n_scored"] == 268
    # The committed model scores 0.85-0.86; this guards against a regression.
    assert metrics["macro_f1"] >= 0.82, metrics
    assert all(metrics[t]["f1"] >= 0.75 for t in THEMES), metrics


def test_saved_version_has_a_card_matching_its_file(recent_labels: Path, tmp_path: Path) -> None:
    examples = load_examples([recent_labels])
    metrics = {**{t: {"precision": 1.0, "recall": 1.0, "f1": 1.0} for t in THEMES},
               "micro_f1": 1.0, "macro_f1": 1.0, "evaluation": EVALUATION.format(folds=5),
               "scored_as": SCORED_AS}
    version = save_version(tmp_path, train_model(examples), make_card(examples, metrics),
                           today=date(2026, 11, 26))
    card = json.loads((tmp_path / version / "card.json").read_text(encoding="utf-8"))
    assert version == "2026-11-26-1" and card["version"] == version
    assert card["sha256"] == model_store.file_sha256(tmp_path / version / card["file"])
    assert card["labels"] == list(THEMES) and set(card["thresholds"]) == set(THEMES)
    assert card["data_hash"] == data_hash(examples) and card["n_examples"] == len(examples)
    assert {"sklearn_version", "created_at", "metrics", "params"} <= set(card)


def test_versions_sort_by_date_then_number(tmp_path: Path) -> None:
    for version in ("2026-11-26-10", "2026-11-26-9", "2026-11-25-3"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "card.json").write_text("{}", encoding="utf-8")
    assert model_store.list_versions(tmp_path) == ["2026-11-25-3", "2026-11-26-9", "2026-11-26-10"]
    assert model_store.next_version(tmp_path, date(2026, 11, 26)) == "2026-11-26-11"
    assert model_store.next_version(tmp_path, date(2026, 11, 27)) == "2026-11-27-1"


def _fake_better_active(models_dir: Path, labels: Path) -> str:
    """An active version whose card claims a macro F1 no candidate reaches, on the same data
    (the label file and the hand-written examples, as `newsalerts train` reads them)."""
    examples = with_hand_written(load_examples([labels]))
    metrics = {**{t: {"precision": 1.0, "recall": 1.0, "f1": 0.99} for t in THEMES},
               "micro_f1": 0.99, "macro_f1": 0.99, "evaluation": EVALUATION.format(folds=3),
               "scored_as": SCORED_AS}
    version = save_version(models_dir, train_model(examples), make_card(examples, metrics))
    model_store.set_active(models_dir, version)
    return version


def test_worse_candidate_is_not_promoted_and_force_promotes(recent_labels: Path,
                                                           tmp_path: Path) -> None:
    best = _fake_better_active(tmp_path, recent_labels)
    runner = CliRunner()
    arguments = ["--labels", str(recent_labels), "--out", str(tmp_path), "--folds", "3"]

    kept = runner.invoke(train_command, arguments)
    assert kept.exit_code == 0, kept.output
    assert f"kept {best} active" in kept.stdout
    strict = runner.invoke(train_command, [*arguments, "--fail-if-kept"])
    assert strict.exit_code == 3 and f"kept {best} active" in strict.stdout
    assert model_store.active_version(tmp_path) == best
    assert len(model_store.list_versions(tmp_path)) == 3  # saved, just not active

    forced = runner.invoke(train_command, [*arguments, "--force"])
    assert forced.exit_code == 0, forced.output
    newest = model_store.list_versions(tmp_path)[-1]
    assert model_store.active_version(tmp_path) == newest != best
    assert "warning: --force" in forced.stderr
    assert "macro F1" in forced.stdout and "robotics" in forced.stdout


def test_figures_scored_another_way_are_re_run_before_the_gate_compares(
        recent_labels: Path, tmp_path: Path) -> None:
    """A card scored before texts were read through reading.headline_line (no
    "scored_as") is not compared as it is: its recipe is re-run, scored as now."""
    claimed = _fake_better_active(tmp_path, recent_labels)
    card_path = tmp_path / claimed / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    del card["metrics"]["scored_as"]
    card_path.write_text(json.dumps(card), encoding="utf-8")

    result = CliRunner().invoke(train_command, ["--labels", str(recent_labels), "--out",
                                                str(tmp_path), "--folds", "3"])
    assert result.exit_code == 0, result.output
    newest = model_store.list_versions(tmp_path)[-1]
    assert model_store.active_version(tmp_path) == newest != claimed, result.output


def test_first_model_becomes_active_and_rollback_returns(recent_labels: Path,
                                                         tmp_path: Path) -> None:
    runner = CliRunner()
    arguments = ["--labels", str(recent_labels), "--out", str(tmp_path), "--folds", "3"]
    trained = runner.invoke(train_command, arguments)
    assert trained.exit_code == 0
    first = model_store.active_version(tmp_path)
    assert first is not None
    # run from the clone, nothing tags from an empty folder other than models/: said so
    assert (f"{first} is now the active model: {tmp_path} had none, and no shipped model "
            "to compare it with") in trained.output
    # Same recipe, same data: the same score, which is "not worse".
    assert runner.invoke(train_command, arguments).exit_code == 0
    second = model_store.active_version(tmp_path)
    assert second != first

    listed = runner.invoke(models_group, ["--models-dir", str(tmp_path), "list"])
    assert f"* {second}" in listed.stdout and f"  {first}" in listed.stdout
    rolled = runner.invoke(models_group, ["--models-dir", str(tmp_path), "rollback"])
    assert rolled.exit_code == 0 and model_store.active_version(tmp_path) == first
    again = runner.invoke(models_group, ["--models-dir", str(tmp_path), "rollback"])
    assert again.exit_code != 0 and "no version older" in again.output
    activated = runner.invoke(models_group, ["activate", second, "--models-dir", str(tmp_path)])
    assert activated.exit_code == 0 and model_store.active_version(tmp_path) == second

    (tmp_path / first / "model.npz").write_bytes(b"tampered")  # what tagging reads
    refused = runner.invoke(models_group, ["rollback", "--models-dir", str(tmp_path)])
    assert refused.exit_code != 0 and "does not match its card" in refused.output
    assert model_store.active_version(tmp_path) == second


def test_activate_refuses_an_unknown_version(tmp_path: Path) -> None:
    result = CliRunner().invoke(models_group, ["--models-dir", str(tmp_path), "activate", "nope"])
    assert result.exit_code != 0 and "nope" in result.output
    assert model_store.active_version(tmp_path) is None


def test_evaluate_command_prints_the_table_and_writes_json(recent_labels: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "metrics.json"
    result = CliRunner().invoke(evaluate_command, ["--labels", str(recent_labels),
                                                   "--folds", "3", "--json", str(out)])
    assert result.exit_code == 0, result.output
    for theme in THEMES:
        assert theme in result.stdout
    metrics = json.loads(out.read_text(encoding="utf-8"))
    assert set(metrics[THEMES[0]]) >= {"precision", "recall", "f1"}
    assert 0.0 <= metrics["macro_f1"] <= 1.0 and metrics["evaluation"].startswith("grouped 3-fold")


def test_rollback_without_an_active_version_says_so_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(models_group, ["--models-dir", str(tmp_path), "rollback"])
    assert result.exit_code == 1
    assert result.output == f"Error: ModelError: no active model in {tmp_path} to roll back from\n"


def test_a_model_trained_on_fewer_examples_than_the_active_one_is_kept_out(
        recent_labels: Path, tmp_path: Path) -> None:
    # The gate compares recipes on today's labels, where a candidate that lost a label file
    # scores like the active model; it must still not replace a model that saw more.
    runner = CliRunner()
    arguments = ["--labels", str(recent_labels), "--out", str(tmp_path), "--folds", "3",
                 "--no-db-labels"]
    first = runner.invoke(train_command, arguments)
    assert first.exit_code == 0, first.output
    active = model_store.active_version(tmp_path)
    card = model_store.read_card(tmp_path, str(active))
    assert card["n_train_only"] == HAND_WRITTEN  # added by default

    fewer = runner.invoke(train_command, [*arguments, "--no-hand-written"])
    assert fewer.exit_code == 0, fewer.output
    assert model_store.active_version(tmp_path) == active
    assert (f"kept {active} active: {model_store.list_versions(tmp_path)[-1]} was trained on "
            f"{card['n_examples'] - HAND_WRITTEN} examples, fewer than the "
            f"{card['n_examples']}") \
        in fewer.stdout
    # (the flags that left examples out are named: an editor's review read "a label file
    # left out?" after --no-db-labels)
    assert "--no-db-labels and --no-hand-written left examples out" in fewer.stdout

    forced = runner.invoke(train_command, [*arguments, "--no-hand-written", "--force"])
    assert forced.exit_code == 0, forced.output
    assert model_store.active_version(tmp_path) == model_store.list_versions(tmp_path)[-1]
    assert "warning: --force" in forced.stderr and "fewer than the" in forced.stderr


def test_an_old_copy_of_the_hand_written_examples_wins_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    rows = [json.loads(line) for line in EXTRA_LABELS.read_text(encoding="utf-8").splitlines()]
    rows[0]["themes"] = ["policy"]  # a stale copy that still has an old label
    stale = tmp_path / "extra_labels.jsonl"
    stale.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    with caplog.at_level("WARNING", logger="service.classify.examples"):
        examples = with_hand_written(load_examples([stale]))

    assert len(examples) == len(rows)  # each id once, the given file's version
    assert examples[0].themes == ("policy",)
    assert f"their own version of 1 hand-written example(s) ({rows[0]['id']})" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="service.classify.examples"):
        with_hand_written(load_examples([EXTRA_LABELS]))  # the same file: nothing to say
    assert caplog.text == ""


def test_the_model_commands_read_the_models_folder_the_config_file_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`models`, `classify` and `train` read `[models] dir` from the config file, as the
    service does; they read only --models-dir or the environment, and from another folder
    listed no versions and found no active model (a new operator's review)."""
    folder = tmp_path / "our-models"
    folder.mkdir()
    for part in ("2026-12-06-3", "2026-12-06-4"):
        shutil.copytree(REPO / "models" / part, folder / part)
    model_store.set_active(folder, "2026-12-06-4")
    config = tmp_path / "newsalerts.toml"
    config.write_text(f'[models]\ndir = "{folder}"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("NEWSALERTS_MODELS__DIR", raising=False)
    runner = CliRunner()
    listed = runner.invoke(main, ["--config", str(config), "models", "list"])
    assert listed.exit_code == 0, listed.output
    assert "* 2026-12-06-4" in listed.output and "  2026-12-06-3" in listed.output
    rolled = runner.invoke(main, ["--config", str(config), "models", "rollback"])
    assert rolled.exit_code == 0 and model_store.active_version(folder) == "2026-12-06-3"
    tagged = runner.invoke(main, ["--config", str(config), "classify"],
                           input='{"id": 1, "text": "A new robot arm sorts parcels."}\n')
    assert tagged.exit_code == 0, tagged.output
    assert json.loads(tagged.stdout)["themes"] == ["robotics"]


def _versions(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).mkdir()
        (folder / name / "card.json").write_text("{}")


def test_a_rollback_goes_to_the_model_active_before_never_to_a_kept_out_candidate(
        tmp_path: Path) -> None:
    """A read-only review: rollback took the newest older name, a candidate the promotion
    gate had kept out (saved, never active)."""
    _versions(tmp_path, "2026-12-06-1", "2026-12-06-2", "2026-12-06-3")
    model_store.set_active(tmp_path, "2026-12-06-1")
    # -2 was trained and kept out; -3 was promoted
    model_store.set_active(tmp_path, "2026-12-06-3")
    assert model_store.rollback(tmp_path) == "2026-12-06-1"
    assert model_store.active_version(tmp_path) == "2026-12-06-1"
    with pytest.raises(ModelError, match="no version older"):
        model_store.rollback(tmp_path)


def test_a_version_folder_left_without_its_card_does_not_block_the_next_save(
        tmp_path: Path) -> None:
    """A read-only review: a crash between the model and its card left a folder that made
    every later save of the day fail with FileExistsError."""
    _versions(tmp_path, "2026-12-06-1")
    (tmp_path / "2026-12-06-2").mkdir()  # the model written, the card not
    assert model_store.next_version(tmp_path, date(2026, 12, 6)) == "2026-12-06-3"


def test_a_card_copied_under_another_version_s_name_is_refused(tmp_path: Path) -> None:
    active = model_store.active_version(REPO / "models")
    assert active is not None
    shutil.copytree(REPO / "models" / active, tmp_path / "2099-01-01-1")
    with pytest.raises(ModelError, match="is the card of"):
        Classifier.load(tmp_path, "2099-01-01-1")


def test_the_gate_s_baseline_is_not_scored_newsletter_by_newsletter_left_out(
        recent_labels: Path, shared_dir: Path) -> None:
    """A read-only review: the baseline's leave-one-out (one model per newsletter) doubled a
    retrain's time in the scheduler's process, and the gate never reads it."""
    active = model_store.active_version(REPO / "models")
    assert active is not None
    labeled = shared_dir / "data" / "labeled"
    examples = load_examples([recent_labels, labeled / "thursdai.jsonl",
                              labeled / "the-batch.jsonl"])
    baseline = _baseline_metrics(REPO / "models", active, examples, 3)
    assert baseline is not None and baseline["leave_one_out"] == {}
    assert baseline["macro_f1"] > 0 and baseline["by_source"]


def test_a_second_writer_of_the_models_folder_waits_for_the_first(tmp_path: Path) -> None:
    """A read-only review: `newsalerts train` and the scheduler's retrain could pick one
    version name, or write ACTIVE and HISTORY over each other; the folder is now locked."""
    _versions(tmp_path, "2026-12-06-1")
    started, done = threading.Event(), threading.Event()

    def activate() -> None:
        started.set()
        model_store.set_active(tmp_path, "2026-12-06-1")
        done.set()

    with model_store.locked(tmp_path):
        writer = threading.Thread(target=activate, daemon=True)
        writer.start()
        assert started.wait(10)
        assert not done.wait(2), "it wrote while another writer held the folder"
    writer.join(10)
    assert done.is_set() and model_store.active_version(tmp_path) == "2026-12-06-1"


def test_models_list_shows_every_version_and_says_which_cannot_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator's review: one unreadable card made `models list` print only its error,
    no version and no active mark; a model file that no longer matched its card was listed
    as if sound (only the next poll found out)."""
    folder = tmp_path / "models"
    folder.mkdir()
    for part in ("2026-12-06-3", "2026-12-06-4"):
        shutil.copytree(REPO / "models" / part, folder / part)
    model_store.set_active(folder, "2026-12-06-4")
    (folder / "2026-12-06-4" / "model.npz").write_bytes(b"not the model")
    (folder / "2026-12-06-3" / "card.json").write_text('{"broken', encoding="utf-8")
    monkeypatch.delenv("NEWSALERTS_MODELS__DIR", raising=False)

    listed = CliRunner().invoke(main, ["models", "list", "--models-dir", str(folder)])

    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith("  2026-12-06-3     BROKEN: the model card ")
    assert lines[1].startswith("* 2026-12-06-4     BROKEN: model file ")
    assert "does not match its card" in lines[1]
