"""`newsalerts models score`: a stored model, as it is, on labeled stories of a newsletter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.classify import classify_command
from service.cli.versions import models_group
from service.domain import THEMES
from tests.helpers import REPO

MODELS = REPO / "models"


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _f1(truth: list[set[str]], given: list[set[str]], theme: str) -> float | None:
    both = sum(theme in t and theme in g for t, g in zip(truth, given, strict=True))
    total = sum(theme in t for t in truth) + sum(theme in g for g in given)
    return round(2 * both / total, 4) if total else None


def test_score_agrees_with_what_classify_tags(shared_dir: Path, tmp_path: Path) -> None:
    labeled = shared_dir / "data" / "labeled"
    rows = _rows(labeled / "last-week-in-ai.jsonl")[:80] + _rows(labeled / "thursdai.jsonl")
    labels = _write(tmp_path / "labels.jsonl", rows)
    runner = CliRunner()
    scored = runner.invoke(models_group, ["--models-dir", str(MODELS), "score", "--labels",
                                          str(labels), "--json", str(tmp_path / "f.json")])
    assert scored.exit_code == 0, scored.output
    figures = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert figures["source_sizes"] == {"Last Week in AI": 80, "ThursdAI": 28}
    assert "as it is" in figures["evaluation"]

    # The same stories through `classify` (the text alone: the label files' text starts
    # with its headline), scored here by hand.
    tagged = runner.invoke(classify_command, ["--models-dir", str(MODELS), "-"], input="".join(
        json.dumps({"id": row["id"], "text": row["text"]}) + "\n" for row in rows))
    assert tagged.exit_code == 0, tagged.output
    given = {line["id"]: set(line["themes"]) for line in map(json.loads,
                                                             tagged.output.splitlines())}
    for source in figures["source_sizes"]:
        mine = [row for row in rows if row["source"] == source]
        truth = [set(row["themes"]) for row in mine]  # type: ignore[call-overload]
        guesses = [given[str(row["id"])] for row in mine]
        expected = {theme: _f1(truth, guesses, theme) for theme in THEMES}
        known = [value for value in expected.values() if value is not None]
        assert figures["by_source"][source] == {
            "macro": round(sum(known) / len(known), 4), **expected}
        assert source in scored.output


def test_absent_themes_have_no_f1_and_do_not_halve_the_macro(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [{"id": "n-1", "source": "Tiny", "themes": ["robotics"],
             "text": "Humanoid robot learns to fold laundry\nA two-armed humanoid robot "
                     "learned manipulation from demonstrations and now folds towels."},
            {"id": "n-2", "source": "Tiny", "themes": [],
             "text": "A new benchmark of poetry\nResearchers collected poems to test how "
                     "well language models write verse."}]
    labels = _write(tmp_path / "labels.jsonl", rows)
    result = CliRunner().invoke(models_group, ["score", "--models-dir", str(MODELS),
                                               "--labels", str(labels), "--json",
                                               str(tmp_path / "f.json")])
    assert result.exit_code == 0, result.output
    figures = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert figures["by_source"]["Tiny"] == {"macro": 1.0, "safety": None, "policy": None,
                                            "compute": None, "robotics": 1.0}
    assert figures["macro_f1"] == 1.0
    assert figures["safety"] == {"precision": None, "recall": None, "f1": None, "support": 0}
    assert figures["robotics"]["f1"] == 1.0
    assert "safety             –       –      –       0" in result.output


def test_hand_written_examples_are_not_scored(tmp_path: Path) -> None:
    labels = _write(tmp_path / "labels.jsonl", _rows(MODELS / "extra_labels.jsonl")[:3])
    result = CliRunner().invoke(models_group, ["score", "--models-dir", str(MODELS),
                                               "--labels", str(labels)])
    assert result.exit_code != 0
    assert "no story to score" in result.output


@pytest.mark.parametrize("version", ["2099-01-01-1", "../models"])
def test_an_unknown_version_is_a_clear_error(tmp_path: Path, version: str) -> None:
    labels = _write(tmp_path / "labels.jsonl", [{"id": "x", "text": "A\nb", "themes": []}])
    result = CliRunner().invoke(models_group, ["score", "--models-dir", str(MODELS),
                                               "--labels", str(labels), "--model", version])
    assert result.exit_code != 0
    assert version in result.output
    assert "Traceback" not in result.output
