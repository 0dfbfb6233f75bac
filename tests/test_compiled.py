"""A model compiled to arrays (compiled.py) scores as its scikit-learn pipeline does, and
a process that tags with it never imports scikit-learn."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from service.classify import compiled, model_store, pickled
from service.classify.compiled import CompiledModel, NotCompilable, export
from service.classify.examples import load_examples
from service.classify.model import Classifier
from service.classify.reading import read_story
from service.classify.recipe import DEFAULT_PARAMS, build_pipeline, train_model
from service.classify.train import train_new_version
from service.cli.versions import models_group
from service.domain import THEMES, Story
from service.errors import ModelError
from tests.helpers import REPO, SHARED

MODELS = REPO / "models"


def _labeled_texts() -> list[str]:
    examples = load_examples(sorted((SHARED / "data" / "labeled").glob("*.jsonl")))
    return [read_story(Story(index=0, headline="", text=e.text))[1] for e in examples]


def _pipeline_of(models_dir: Path, version: str) -> object:
    card = model_store.read_card(models_dir, version)
    path, data = model_store.verified_file(models_dir, version, card, "file", "sha256")
    return pickled.load_pipeline(path, data, card)


def test_the_active_model_scores_every_labeled_story_as_its_pipeline() -> None:
    version = model_store.active_version(MODELS)
    assert version is not None
    texts = _labeled_texts()
    expected = np.asarray(_pipeline_of(MODELS, version).predict_proba(texts))  # type: ignore[attr-defined]
    model = Classifier.load(MODELS).model
    assert np.abs(model.probabilities(model.transform(texts)) - expected).max() < 1e-9


@pytest.mark.parametrize("version", model_store.list_versions(MODELS))
def test_every_committed_version_is_compiled_and_scores_as_its_pipeline(version: str) -> None:
    """Its arrays are named in its card (a rollback loads them, not the pickle)."""
    assert model_store.read_card(MODELS, version).get("arrays") == compiled.ARRAYS_FILE
    texts = _labeled_texts()[::40]
    expected = np.asarray(_pipeline_of(MODELS, version).predict_proba(texts))  # type: ignore[attr-defined]
    model = Classifier.load(MODELS, version).model
    assert np.abs(model.probabilities(model.transform(texts)) - expected).max() < 1e-9


def test_a_process_that_tags_never_imports_scikit_learn() -> None:
    """What `newsalerts run` imports, then the active model loaded and a story tagged:
    scikit-learn, SciPy and joblib cost such a process about 80 MiB."""
    code = (
        "import sys\n"
        "import service.cli.main, service.ops.runner, service.web.app\n"
        "from service.classify.model import Classifier\n"
        "from service.domain import Story\n"
        "from pathlib import Path\n"
        f"c = Classifier.load(Path({str(MODELS)!r}))\n"
        "[t] = c.tag([Story(index=0, headline='Humanoid robots join the line', "
        "text='Humanoid robots join the line\\nA carmaker puts robots to work.')])\n"
        "assert t.themes == ('robotics',), t\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'joblib'}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_saved_version_is_compiled_and_loads_from_its_arrays(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    examples = load_examples([SHARED / "data" / "labeled" / "importai.jsonl"])
    pipeline = train_model(examples)
    version = model_store.save_version(tmp_path, pipeline, {
        "labels": list(THEMES), "thresholds": dict.fromkeys(THEMES, 0.5)})
    card = model_store.read_card(tmp_path, version)
    assert card["arrays"] == "model.npz" and card["arrays_format"] == compiled.FORMAT
    (tmp_path / version / "model.joblib").unlink()  # tagging never reads it
    with caplog.at_level(logging.INFO, logger="service.classify.model"):
        classifier = Classifier.load(tmp_path, version)
    assert "model.npz" in caplog.text
    texts = [e.text for e in examples[:30]]
    scores = np.array([[row[t] for t in THEMES] for row in classifier.score(texts)])
    read = [read_story(Story(index=0, headline="", text=text))[1] for text in texts]
    assert np.abs(scores - pipeline.predict_proba(read)).max() < 1e-9


def test_a_pipeline_with_a_part_it_does_not_know_is_not_compiled() -> None:
    examples = load_examples([SHARED / "data" / "labeled" / "importai.jsonl"])[:80]
    texts, labels = [e.text for e in examples], np.array(
        [[t in e.themes for t in THEMES] for e in examples], dtype=int)
    calibrated = build_pipeline(DEFAULT_PARAMS)
    calibrated.steps[-1] = ("model", OneVsRestClassifier(CalibratedClassifierCV(
        LogisticRegression(max_iter=1000), cv=2)))
    with pytest.raises(NotCompilable, match=r"one regression per theme|binary regression"):
        export(calibrated.fit(texts, labels))
    counted = build_pipeline(DEFAULT_PARAMS)
    counted.named_steps["features"].transformer_list[0] = ("words", CountVectorizer())
    with pytest.raises(NotCompilable, match="'words'"):
        export(counted.fit(texts, labels))


def _rewritten(folder: Path, change: Callable[[dict[str, Any], dict[str, Any]], Any]) -> None:
    """The arrays file changed and its card's sha256 made to match: only the reading of
    the numbers themselves can refuse it.  ``change(arrays, meta)`` may return a new meta."""
    with np.load(folder / "model.npz", allow_pickle=False) as loaded:
        arrays = {key: loaded[key] for key in loaded.files}
    meta = json.loads(str(arrays["meta"]))
    changed = change(arrays, meta)
    meta = changed if isinstance(changed, list | dict) else meta
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    model_store.add_arrays(folder.parent, folder.name, buffer.getvalue())


def _block(meta: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(b for b in meta["blocks"] if b["kind"] == kind)


def _repeated_word(arrays: dict[str, Any], meta: dict[str, Any]) -> None:
    words = meta["blocks"][0]["vocabulary"]
    words[1] = words[0]


HOSTILE: dict[str, tuple[Callable[[dict[str, Any], dict[str, Any]], Any], str]] = {
    "idf": (lambda a, m: a.update(idf_0=a["idf_0"][:-1]), "idf for"),
    "format": (lambda a, m: m.update(format=compiled.FORMAT + 1), "format"),
    "preprocessor": (lambda a, m: m["blocks"][0]["params"].update(preprocessor="os.system"),
                     "unknown preprocessor"),
    # (a review of the first version: each of these raised another error, or loaded and
    # then failed or tagged everything or nothing at the first story)
    "flat weights": (lambda a, m: a.update(coef=a["coef"].ravel()), "shape"),
    "a list": (lambda a, m: [], "table of blocks"),
    "infinity": (lambda a, m: _block(m, "cues")["params"].update(lead_tokens=float("inf")),
                 "Infinity"),
    "bad pattern": (lambda a, m: next(iter(next(iter(
        _block(m, "cues")["params"]["cues"].values())).values())).append("(unclosed"),
        "error"),
    "NaN weights": (lambda a, m: a["coef"].__setitem__((0, 0), np.nan), "not finite"),
    "three intercepts": (lambda a, m: a.update(intercept=a["intercept"][:3]), "intercepts"),
    "a scalar intercept": (lambda a, m: a.update(intercept=np.float64(1.0)), "intercepts"),
    "a gate's theme": (lambda a, m: m["gates"][0].update(themes=["weather"]), "theme"),
    "a word twice": (_repeated_word, "distinct"),
    "no sublinear_tf": (lambda a, m: m["blocks"][0]["params"].pop("sublinear_tf"),
                        "sublinear_tf"),
    "a bad AI word": (lambda a, m: _block(m, "about_ai")["params"].update(words="(ai"),
                      "error"),
    "NaN weight": (lambda a, m: m["blocks"][0].update(weight=float("nan")), "NaN"),
    "a zero scale": (lambda a, m: a.__setitem__("scale_1", np.zeros_like(a["scale_1"])),
                     "above 0"),
    "a zip of zeros": (lambda a, m: a.update(padding=np.zeros(9_000_000)), "unpacked"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_arrays_that_do_not_hold_together_are_refused(tmp_path: Path, name: str) -> None:
    version = model_store.active_version(MODELS)
    assert version is not None
    shutil.copytree(MODELS / version, tmp_path / version)
    change, message = HOSTILE[name]
    _rewritten(tmp_path / version, change)
    with pytest.raises(ModelError, match=message):
        Classifier.load(tmp_path, version)


def test_a_file_that_is_no_zip_of_arrays_is_refused(tmp_path: Path) -> None:
    version = model_store.active_version(MODELS)
    assert version is not None
    shutil.copytree(MODELS / version, tmp_path / version)
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))  # a bare .npy
    model_store.add_arrays(tmp_path, version, buffer.getvalue())
    with pytest.raises(ModelError, match="not a compiled model"):
        Classifier.load(tmp_path, version)


def test_models_compile_gives_an_older_version_its_arrays(tmp_path: Path) -> None:
    version = model_store.active_version(MODELS)
    assert version is not None
    shutil.copytree(MODELS / version, tmp_path / version)
    shutil.copytree(MODELS / "starts", tmp_path / "starts")  # no theme model: left alone
    card = model_store.read_card(tmp_path, version)
    for field in ("arrays", "arrays_format", "arrays_sha256"):
        card.pop(field)
    (tmp_path / version / "card.json").write_text(json.dumps(card), encoding="utf-8")
    (tmp_path / version / "model.npz").unlink()
    [before] = Classifier.load(tmp_path, version).score(["Senators pass a bill on AI chips"])

    runner = CliRunner()
    done = runner.invoke(models_group, ["compile", "--models-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert f"{version}: wrote model.npz" in done.output and "starts" not in done.output
    assert model_store.read_card(tmp_path, version)["arrays"] == "model.npz"
    [after] = Classifier.load(tmp_path, version).score(["Senators pass a bill on AI chips"])
    assert after == pytest.approx(before)
    again = runner.invoke(models_group, ["compile", version, "--models-dir", str(tmp_path)])
    assert again.exit_code == 0 and f"{version}: compiled already" in again.output
    listed = runner.invoke(models_group, ["list", "--models-dir", str(tmp_path)])
    assert "starts" not in listed.output and version in listed.output


def test_compiled_features_read_one_story_as_a_dense_row() -> None:
    model = Classifier.load(MODELS).model
    features = model.transform(["Robots\nA humanoid robot", "Nothing here at all"])
    assert isinstance(model, CompiledModel)
    first = features.row(0)
    assert first.shape == (model.width,) and first.any()
    assert len(features.about) == len(model.gates)
    assert [list(a) for a in features.about] == [[True, False], [True, False]]


def test_models_compile_goes_on_past_a_version_it_cannot_compile(tmp_path: Path) -> None:
    """It stopped at the first (a review), leaving the others as they were."""
    for version in ("2026-12-06-3", "2026-12-06-4"):
        shutil.copytree(MODELS / version, tmp_path / version)
        card = model_store.read_card(tmp_path, version)
        for field in ("arrays", "arrays_format", "arrays_sha256"):
            card.pop(field)
        if version.endswith("-3"):
            card["sklearn_version"] = "1.5.0"
        (tmp_path / version / "card.json").write_text(json.dumps(card), encoding="utf-8")
        (tmp_path / version / "model.npz").unlink()
    shutil.copytree(MODELS / "starts", tmp_path / "starts")
    done = CliRunner().invoke(models_group, ["compile", "--models-dir", str(tmp_path)])
    assert done.exit_code != 0 and "not compiled: 2026-12-06-3" in done.output
    assert "scikit-learn 1.5.0" in done.output
    assert "2026-12-06-4: wrote model.npz" in done.output
    assert (tmp_path / "2026-12-06-4" / "model.npz").is_file()
    named = CliRunner().invoke(models_group, ["compile", "starts", "--models-dir",
                                              str(tmp_path)])
    assert named.exit_code != 0 and "not a classifier version" in named.output


def test_a_pipeline_tagging_cannot_read_is_never_saved(tmp_path: Path) -> None:
    """A version the service could never load was saved (a review), and `train` found out
    only after its cross-validation."""
    examples = load_examples([SHARED / "data" / "labeled" / "importai.jsonl"])
    with pytest.raises(ModelError, match="'words'"):
        train_new_version(tmp_path, examples, folds=2, params={"word_ngrams": [1, 2]})
    assert model_store.list_versions(tmp_path) == []
    bigrams = train_model(examples, {"word_ngrams": [1, 2]})
    with pytest.raises(ModelError, match="'words'"):
        model_store.save_version(tmp_path, bigrams, {"labels": list(THEMES)})
    assert not any(tmp_path.iterdir())
