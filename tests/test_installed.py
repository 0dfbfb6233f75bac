"""Installed, not cloned: the built wheel in a fresh virtualenv, run from an empty folder.

The wheel is built from a copy of the sources (as ``pip install .`` would) and
installed into a new venv that has no newsalerts but can import the test
venv's dependencies (a .pth line), so nothing is downloaded and the check
takes seconds.  The commands then run in an empty folder with no config file
and no NEWSALERTS_* variable: everything they read at run time (the model,
templates, the sample issue) must come from the package itself.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from contextlib import closing
from email import message_from_bytes
from pathlib import Path

import pytest

from tests.helpers import HAND_WRITTEN

REPO = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "service",
                "templates", "examples", "models")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what `pip install .` builds from."""
    source = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(REPO / name, source / name)
    return source


def build_wheel(what: str, cwd: Path, dist: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "--disable-pip-version-check", "-w",
                           str(dist), what], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return next(dist.glob("newsalerts-*.whl"))


@pytest.fixture(scope="module")
def installed(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv where only the built wheel provides newsalerts."""
    wheel = build_wheel(".", source, tmp_path_factory.mktemp("dist"))
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], check=True, capture_output=True,
                             text=True).stdout.strip()
    # The dependencies (and pip) from the test venv, after the new venv's own packages.
    (Path(purelib) / "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True, timeout=120)
    return venv / "bin"


def clean_env(home: Path) -> dict[str, str]:
    """No NEWSALERTS_* variable, no config: the built-in defaults only."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NEWSALERTS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    return env


def newsalerts(bin_dir: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "newsalerts"), *args], cwd=folder,
                          env=clean_env(folder), capture_output=True, text=True, timeout=120)


def run(bin_dir: Path, folder: Path, *args: str) -> str:
    done = newsalerts(bin_dir, folder, *args)
    assert done.returncode == 0, f"newsalerts {' '.join(args)}: {done.stderr}"
    return done.stdout


def test_the_installed_package_polls_and_sends_from_an_empty_folder(
        installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    where = subprocess.run([str(installed / "python"), "-c",
                            "import service; print(service.__file__)"], cwd=folder,
                           env=clean_env(folder), capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(installed.parent)), "the wheel, not the clone"

    run(installed, folder, "subscribers", "add", "reader@example.org",
        "--themes", "safety,policy,compute,robotics", "--cadence", "instant", "--confirmed")
    run(installed, folder, "sample")
    assert (folder / "var" / "inbox" / "sample-issue.eml").is_file()
    poll = json.loads(run(installed, folder, "poll", "--json"))
    assert poll["stored"] == 1, poll
    stories = [json.loads(line) for line in run(installed, folder, "stories").splitlines()]
    assert stories and any(story["themes"] for story in stories), stories
    run(installed, folder, "send")

    [alert] = sorted((folder / "var" / "outbox").glob("**/*.eml"))
    message = message_from_bytes(alert.read_bytes())
    assert message["To"] == "reader@example.org"
    assert not (folder / "models").exists(), "the shipped model is read in place"


def test_the_installed_package_ships_the_active_model_checked_by_its_card(
        installed: Path, tmp_path: Path) -> None:
    script = ("from service.classify import model_store as m; "
              "print(m.active_choice(m.Path('models'))[1]); print(m.SHIPPED_MODELS)")
    done = subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path,
                          env=clean_env(tmp_path), capture_output=True, text=True, check=True)
    version, shipped = done.stdout.split()
    assert version == (REPO / "models" / "ACTIVE").read_text().strip()
    card = json.loads((Path(shipped) / version / "card.json").read_text())
    from service.classify.model_store import file_sha256

    assert card["sha256"] == file_sha256(Path(shipped) / version / card["file"])


def test_the_installed_package_trains_on_the_hand_written_examples_too(
        installed: Path, tmp_path: Path) -> None:
    # The default [models] labels_paths names models/extra_labels.jsonl: an installed
    # package must find its own copy, or its retraining and `evaluate` silently lose them.
    script = ("from service.config import load_settings; "
              "from service.classify.retrain import label_files; "
              "print(*label_files(load_settings(None)), sep='\\n')")
    done = subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path,
                          env=clean_env(tmp_path), capture_output=True, text=True, check=True)
    [found] = [Path(line) for line in done.stdout.splitlines() if "extra_labels" in line]
    assert found.read_bytes() == (REPO / "models" / "extra_labels.jsonl").read_bytes()
    assert REPO not in found.parents, "it read the clone's copy, not the package's"


def test_a_postgresql_url_without_the_driver_is_one_line_naming_the_extra(
        installed: Path, tmp_path: Path) -> None:
    # psycopg made unimportable, as in an install without the [postgres] extra.
    script = ("import sys; sys.modules['psycopg'] = None; sys.argv = ['newsalerts', 'migrate']; "
              "from service.cli.main import main; main()")
    env = {**clean_env(tmp_path),
           "NEWSALERTS_DATABASE__URL": "postgresql://newsalerts@127.0.0.1:5432/newsalerts"}
    done = subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "install newsalerts[postgres]" in line


def test_the_installed_package_lists_its_shipped_model_and_will_not_roll_back_past_it(
        installed: Path, tmp_path: Path) -> None:
    shipped = (REPO / "models" / "ACTIVE").read_text().strip()
    listed = run(installed, tmp_path, "models", "list").splitlines()
    assert [line.split()[:2] for line in listed] == [["*", shipped]], listed
    assert "shipped default" in listed[0]

    done = newsalerts(installed, tmp_path, "models", "rollback")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: ModelError: ") and shipped in line, line
    assert "None" not in line


def test_the_installed_package_scores_its_shipped_model_by_name(installed: Path,
                                                                 tmp_path: Path) -> None:
    shipped = (REPO / "models" / "ACTIVE").read_text().strip()
    labels = tmp_path / "mine.jsonl"
    labels.write_text(json.dumps({"id": "m-1", "source": "Mine", "themes": ["robotics"],
                                  "text": "Humanoid robot folds laundry\nA humanoid robot "
                                          "learned to fold towels from demonstrations."})
                      + "\n", encoding="utf-8")
    for chosen in ((), ("--model", shipped)):
        scored = run(installed, tmp_path, "models", "score", "--labels", str(labels), *chosen)
        assert f"per newsletter ({shipped})" in scored and "Mine" in scored, scored


def test_the_installed_package_records_the_shipped_model_it_retags_with(
        installed: Path, tmp_path: Path) -> None:
    # No story to tag in the new database: the version is recorded all the same.
    done = newsalerts(installed, tmp_path, "retag", "--since", "2026-01-01")
    assert done.returncode == 0, done.stderr
    assert "cannot be read" not in done.stderr
    version = (REPO / "models" / "ACTIVE").read_text().strip()
    with closing(sqlite3.connect(tmp_path / "var" / "newsalerts.db")) as db:
        rows = db.execute("SELECT version, sha256 FROM model_versions").fetchall()
    card = json.loads((REPO / "models" / version / "card.json").read_text())
    assert rows == [(version, card["sha256"])]


def test_the_source_distribution_builds_a_package_with_what_setup_py_ships(
        source: Path, tmp_path: Path) -> None:
    # `pip install newsalerts-<v>.tar.gz` and `python -m build` build the wheel from the
    # sdist: it must carry every file setup.py copies into the package (MANIFEST.in).
    subprocess.run([sys.executable, "setup.py", "-q", "sdist", "-d", str(tmp_path)],
                   cwd=source, check=True, capture_output=True, timeout=300)
    [sdist] = tmp_path.glob("newsalerts-*.tar.gz")
    wheel = build_wheel(str(sdist), tmp_path, tmp_path / "dist")
    with zipfile.ZipFile(wheel) as built:
        names = set(built.namelist())
    active = (REPO / "models" / "ACTIVE").read_text().strip()
    assert "service/shipped/models/extra_labels.jsonl" in names
    assert {f"service/classify/default_model/{active}/{name}"
            for name in ("model.joblib", "model.npz", "card.json")} <= names
    assert {"service/shipped/models/starts/card.json",
            "service/shipped/models/starts/story-starts.npz"} <= names


def test_the_installed_package_reads_its_story_start_model(installed: Path,
                                                            tmp_path: Path) -> None:
    # A rules file may turn the learned starts on: the model must come with the package.
    script = ("from service.ingest import starts; t = starts.shipped_trees(); "
              "print(starts.project_file(starts.CARD)); print(len(t.roots))")
    done = subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path,
                          env=clean_env(tmp_path), capture_output=True, text=True, check=True)
    card, trees = done.stdout.split()
    assert REPO not in Path(card).parents and trees == "100", done.stdout


def test_a_model_trained_on_fewer_examples_than_the_shipped_one_does_not_replace_it(
        installed: Path, tmp_path: Path, shared_dir: Path) -> None:
    # Until [models] dir has an ACTIVE of its own, the shipped model tags: the gate compares
    # a new version with it, as retraining does, so one newsletter's labels do not replace it.
    shipped = (REPO / "models" / "ACTIVE").read_text().strip()
    card = json.loads((REPO / "models" / shipped / "card.json").read_text())
    done = newsalerts(installed, tmp_path, "train", "--labels",
                      str(shared_dir / "data" / "labeled" / "importai.jsonl"), "--folds", "3",
                      "--no-db-labels")
    assert done.returncode == 0, done.stderr
    [version] = [folder.name for folder in (tmp_path / "models").iterdir() if folder.is_dir()]
    assert (f"kept {shipped} active: {version} was trained on {268 + HAND_WRITTEN} examples, "
            f"fewer than the {card['n_examples']} of {shipped}") in done.stdout, done.stdout
    listed = run(installed, tmp_path, "models", "list").splitlines()
    assert listed[-1].startswith(f"* {shipped} ") and "shipped default" in listed[-1]


def test_a_version_trained_here_never_takes_the_shipped_model_s_name(
        installed: Path, tmp_path: Path) -> None:
    # Trained on the day the shipped model was made: "<day>-1" would be two models at once
    # (in messages, and in the database's record of which model tagged a story).
    script = ("from datetime import date; from pathlib import Path; "
              "from service.classify import model_store as m; "
              "shipped = m.active_version(m.SHIPPED_MODELS); "
              "print(shipped, m.next_version(Path('models'), date.fromisoformat(shipped[:10])))")
    done = subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path,
                          env=clean_env(tmp_path), capture_output=True, text=True, check=True)
    shipped, new = done.stdout.split()
    day, number = shipped.rsplit("-", 1)
    assert new == f"{day}-{int(number) + 1}"
