"""Every benchmark script still starts: its imports of the service and of its sibling scripts
hold.  A rename in the service broke `bench/compare_models.py` once and no test saw it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

# The fuzzers need atheris, which is not a dependency (README, Measured).
NEEDS_ATHERIS = {"fuzz_ingest.py", "fuzz_trust.py", "fuzzing.py"}


def test_every_bench_script_starts() -> None:
    scripts = sorted(p for p in (REPO / "bench").glob("*.py") if p.name not in NEEDS_ATHERIS)
    assert len(scripts) >= 10
    running = {script: subprocess.Popen([sys.executable, str(script), "--help"], cwd=REPO,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
               for script in scripts}
    failed = {}
    for script, process in running.items():
        out, err = process.communicate(timeout=120)
        if process.returncode != 0:  # the helper modules (embeddings.py…) only import
            failed[Path(script).name] = (err or out).strip().splitlines()[-1:]
    assert not failed, failed


def test_the_bench_cue_blocks_still_count() -> None:
    """Bench designs that subclass the service's ThemeCues call its internals: they must
    follow a change of them (stop 28's shared scan broke `ShareCues`, which only a run of
    `bench/compare_models.py` would have shown)."""
    code = ("import sys; sys.path.insert(0, 'bench'); import shape_designs as s; "
            "from service.classify.cues import THEME_CUES, split_cues; "
            "[row] = s.ShareCues(split_cues(THEME_CUES)).fit([]).transform("
            "['Jailbreaks of a new model\\nRed teams found them']); "
            "assert row.max() > 0, row; print(len(row))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
