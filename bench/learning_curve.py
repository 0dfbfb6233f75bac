"""How many labeled stories of a new newsletter the classifier needs: a learning curve.

    .venv/bin/python bench/learning_curve.py [--newsletter "Last Week in AI"] [--steps 0 1 2 4 8]
                                             [--weight 3]

The newsletter is left out of training, as if new; its issues, in the order of
their names (issue numbers or dates), are split in two halves.  The later half is
the test set, fixed for every row.  Each row trains on every other newsletter plus
the first k issues of the earlier half, labeled as an editor would on the review
page, and scores the later half: macro F1 and per theme (safety policy compute
robotics).  Row 0 is the newsletter unseen; the last row has the whole earlier half.
The later half is scored as the model reads it when it tags (``reading.as_read``).
``--weight W``: each of the newsletter's own labeled stories weighs W stories in the
regression (would an operator's editors' labels teach a new newsletter faster if
they counted more?).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import sklearn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.classify.evaluation import source_f1  # noqa: E402
from service.classify.examples import Example, label_matrix, load_examples  # noqa: E402
from service.classify.reading import as_read  # noqa: E402
from service.classify.recipe import DEFAULT_PARAMS, build_pipeline  # noqa: E402
from service.domain import THEMES  # noqa: E402

SHARED = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
EXTRA = ROOT / "models" / "extra_labels.jsonl"


def issue_order(group: str) -> tuple[int, str]:
    """Issue numbers in numeric order, dated names in date order."""
    digits = re.findall(r"\d+", group)
    return (int(digits[0]) if len(digits) == 1 else 0, group)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newsletter", default="Last Week in AI")
    parser.add_argument("--steps", type=int, nargs="*", default=[0, 1, 2, 4, 8, 16])
    parser.add_argument("--weight", type=float, default=1.0,
                        help="what each of the newsletter's own labeled stories weighs")
    args = parser.parse_args()
    examples = load_examples(sorted((SHARED / "data" / "labeled").glob("*.jsonl")))
    extra = load_examples([EXTRA]) if EXTRA.exists() else []
    others = [e for e in examples if e.source != args.newsletter] + extra
    new = [e for e in examples if e.source == args.newsletter]
    issues = sorted({e.group for e in new}, key=issue_order)
    half = len(issues) // 2
    test = [e for e in new if e.group in set(issues[half:])]
    truth = label_matrix(test)
    print(f"{args.newsletter}: {len(issues)} issues; test = the later {len(issues) - half} "
          f"({len(test)} stories); training adds the first k of the earlier {half}\n")
    print(f"{'k issues':>8} {'stories':>7} {'macro':>6}  " + " ".join(f"{t:>8}" for t in THEMES))
    for k in [s for s in args.steps if s <= half] + ([half] if half not in args.steps else []):
        labeled: list[Example] = [e for e in new if e.group in set(issues[:k])]
        model = _train(others, labeled, args.weight)
        predicted = np.asarray(model.predict_proba([as_read(e.text) for e in test])) >= 0.5
        f1 = source_f1(truth, predicted)
        print(f"{k:8} {len(labeled):7} {f1['macro']:6.3f}  "
              + " ".join(f"{f1[t] or 0:8.2f}" for t in THEMES), flush=True)


def _train(others: list[Example], labeled: list[Example], weight: float) -> Any:
    """The chosen recipe on both, each labeled story of the newsletter weighing ``weight``."""
    train = others + labeled
    pipeline = build_pipeline({**DEFAULT_PARAMS, "source_cap": 1})  # routes sample_weight
    weights = np.array([1.0] * len(others) + [weight] * len(labeled))
    with sklearn.config_context(enable_metadata_routing=True):
        return pipeline.fit([e.text for e in train], label_matrix(train), sample_weight=weights)


if __name__ == "__main__":
    main()
