"""How fast the classify stage is, on one core.

    .venv/bin/python bench/classify.py [--models-dir models] [--texts 10000]

Prints: texts scored per second (a batch built by cycling the labeled
stories), stories tagged per second with explanations, training time on all
labeled data of every newsletter (+ the hand-written extras), the size of the file tagging
reads, and load time (hash check + reading the compiled arrays, or, for a version
saved before them, unpickling and compiling).  Targets: >= 2,000/s, < 30 s, < 1 s.  The model is
measured as the service runs it: loaded, then the heap settled (``settle_heap``,
service/ops/process.py); ``--unsettled`` leaves the heap as it is, to compare.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

from service.classify import model_store  # noqa: E402
from service.classify.model import Classifier  # noqa: E402
from service.classify.train import load_examples, train_model  # noqa: E402
from service.domain import Story  # noqa: E402
from service.ops.process import settle_heap  # noqa: E402

SHARED = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
LABELS = sorted((SHARED / "data" / "labeled").glob("*.jsonl"))  # every newsletter
EXTRA = ROOT / "models" / "extra_labels.jsonl"


def timed(action: object) -> tuple[object, float]:
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    return result, time.perf_counter() - started


def cpu_timed(action: object) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): on a busy machine the second is fairer."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--unsettled", action="store_true",
                        help="do not settle the heap after loading, as the service does")
    args = parser.parse_args()
    if not LABELS:
        parser.error(f"no label files in {SHARED / 'data' / 'labeled'} (set NEWSALERTS_SHARED "
                     "to the shared folder)")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, really
    with threadpool_limits(1):
        run(args.models_dir, args.texts, settle=not args.unsettled)


def run(models_dir: Path, count: int, settle: bool = True) -> None:
    # Train first, while no cue has been matched yet in this process: a cold start.
    everything = load_examples([*LABELS, EXTRA] if EXTRA.exists() else LABELS)
    _, train_seconds = timed(lambda: train_model(everything))
    classifier, load_seconds = timed(lambda: Classifier.load(models_dir))
    assert isinstance(classifier, Classifier)
    _, reload_seconds = timed(lambda: Classifier.load(models_dir))
    examples = load_examples(LABELS)
    texts = list(islice(cycle(e.text for e in examples), count))
    if settle:  # as service.ops.runner.load_classifier leaves a long-running process
        settle_heap()
    classifier.score(texts[:200])  # warm the cue cache, as a running service has
    runs = [cpu_timed(lambda: classifier.score(texts)) for _ in range(3)]
    score_seconds, score_cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    stories = [Story(index=i, headline=t.split("\n", 1)[0], text=t)
               for i, t in enumerate(texts[:1000])]
    tag_seconds = min(timed(lambda: classifier.tag(stories))[1] for _ in range(3))
    card = model_store.read_card(models_dir, classifier.version)
    read = str(card.get("arrays") or card["file"])  # what Classifier.load reads
    size = (models_dir / classifier.version / read).stat().st_size
    mean_chars = sum(map(len, texts)) / len(texts)

    print(f"model {classifier.version}, one core, texts of {mean_chars:,.0f} chars on average, "
          f"heap {'settled, as the service runs' if settle else 'unsettled'}")
    print(f"score:  {count / score_seconds:8,.0f} texts/s    ({count:,} texts in "
          f"{score_seconds:.2f} s, best of 3; {count / score_cpu:,.0f}/s of CPU time; "
          "target >= 2,000/s)")
    print(f"tag:    {len(stories) / tag_seconds:8,.0f} stories/s  (with explanations, as the "
          "pipeline tags; best of 3; target >= 2,000/s)")
    print(f"train:  {train_seconds:8.2f} s on {len(everything)} examples (target < 30 s)")
    print(f"size:   {size / 1024:8,.0f} KiB  ({read})")
    print(f"load:   {load_seconds:8.3f} s first, {reload_seconds:.3f} s again "
          f"(sha256 check + {'arrays' if card.get('arrays') else 'unpickle'}; target < 1 s)")


if __name__ == "__main__":
    main()
