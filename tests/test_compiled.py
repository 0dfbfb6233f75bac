"""A model compiled to arrays (compiled.py) scores as its scikit-learn pipeline does, and
a process that tags with it never imports scikit-learn."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

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


def _rewritten(folder: Path, change: str) -> None:
    """The arrays file changed and its card's sha256 made to match: only the reading of
    the numbers themselves can refuse it."""
    with np.load(folder / "model.npz", allow_pickle=False) as loaded:
        arrays = {key: loaded[key] for key in loaded.files}
    meta = json.loads(str(arrays["meta"]))
    if change == "idf":
        arrays["idf_0"] = arrays["idf_0"][:-1]
    elif change == "format":
        meta["format"] = compiled.FORMAT + 1
    elif change == "preprocessor":
        meta["blocks"][0]["params"]["preprocessor"] = "os.system"
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    model_store.add_arrays(folder.parent, folder.name, buffer.getvalue())


@pytest.mark.parametrize(("change", "message"), [
    ("idf", "idf for"), ("format", "format"), ("preprocessor", "unknown preprocessor")])
def test_arrays_that_do_not_hold_together_are_refused(tmp_path: Path, change: str,
                                                      message: str) -> None:
    version = model_store.active_version(MODELS)
    assert version is not None
    shutil.copytree(MODELS / version, tmp_path / version)
    _rewritten(tmp_path / version, change)
    with pytest.raises(ModelError, match=message):
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
