"""The layout's promises that a fresh interpreter can check: who imports scikit-learn."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO

# The worker, the sender, the scheduler, the web app, the commands that start them, and
# the tagger itself: a model compiled to arrays tags with numpy (classify/compiled.py).
LIGHT_MODULES = ("service.ops.runner", "service.ops.scheduler", "service.deliver.send",
                 "service.web.app", "service.web", "service.cli.main", "service.cli.ops",
                 "service.cli.delivery", "service.cli.web", "service.cli.subscribers",
                 "service.classify.model", "service.classify.compiled",
                 "service.ingest.pipeline")

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "sklearn" or m.startswith("sklearn."))))
"""


def sklearn_modules_after_importing(*modules: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], cwd=REPO, check=True,
                          capture_output=True, text=True, timeout=120)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_worker_sender_and_web_app_leave_scikit_learn_unimported() -> None:
    assert sklearn_modules_after_importing(*LIGHT_MODULES) == []


@pytest.mark.parametrize("module", ["service.classify.recipe", "service.classify.train",
                                    "service.classify.pickled"])
def test_the_probe_sees_scikit_learn_where_the_classifier_is(module: str) -> None:
    """Without this, a probe that never saw sklearn would pass the test above for nothing."""
    assert "sklearn" in sklearn_modules_after_importing(module)
