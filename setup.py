"""Build hook: ship what the service reads at run time inside the package.

Everything else is in pyproject.toml.  The copies are made only in the build
tree (a wheel or ``pip install .``), never in the clone, so nothing is
committed twice:

- ``templates/`` and ``examples/`` -> ``service/shipped/``;
- ``models/extra_labels.jsonl`` (the hand-written training examples) ->
  ``service/shipped/models/``, so that training and evaluating where the
  package is installed use the same examples as in the clone;
- ``models/starts/`` (the segmenter's story-start model and its card) ->
  ``service/shipped/models/starts/``;
- the active model, ``models/<models/ACTIVE>/`` and an ACTIVE naming it ->
  ``service/classify/default_model/``, which the classifier falls back to
  when ``[models] dir`` has no active model of its own.

An editable install (``pip install -e .``) runs from the clone and needs none.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithRuntimeFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "service"
        shipped = package / "shipped"
        for folder in ("templates", "examples"):
            target = shipped / folder
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / folder, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (shipped / "models").mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "models" / "extra_labels.jsonl", shipped / "models")
        starts = shipped / "models" / "starts"  # the story-start model (ingest/starts.py)
        shutil.rmtree(starts, ignore_errors=True)
        shutil.copytree(ROOT / "models" / "starts", starts)
        self._copy_active_model(package / "classify" / "default_model")

    @staticmethod
    def _copy_active_model(target: Path) -> None:
        models = ROOT / "models"
        version = (models / "ACTIVE").read_text(encoding="utf-8").strip()
        if not version or not (models / version / "card.json").is_file():
            raise SystemExit(f"models/ACTIVE names {version!r}, which has no card: "
                             "cannot ship a default model")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(models / version, target / version)
        (target / "ACTIVE").write_text(f"{version}\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildWithRuntimeFiles})
