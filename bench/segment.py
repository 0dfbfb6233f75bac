"""Segmentation quality and speed on the dev set; prints figures, asserts nothing.

    NEWSALERTS_SHARED=../shared .venv/bin/python bench/segment.py [--quick]

Dev set: the issues in ../shared/data/newsletters (gold.jsonl: Last Week in AI,
The Batch, ThursdAI) and the 46 Import AI emails (expected cuts in
tests/golden/segment).  Headlines are scored with service.ingest.scoring (the
same scorer as the tests: token overlap, one-to-one, in order).

1. As deployed: each issue with the rules that match its sender (Import AI's
   own file; the generic structural engine for the rest), HTML as sent.
2. The structural engine alone on every newsletter, Import AI included (no
   rules written for any of them): HTML as sent, and the text/plain part
   alone (how a plain-text-only newsletter arrives).
3. Leave-one-newsletter-out: the engine's tunable thresholds (TITLE_CASE_SHARE,
   SHORT_TITLE_WORDS, BODY_MIN_CHARS) are chosen on the other newsletters
   (best macro F1 over them) and the held-out one is scored with that choice.
4. Fiction, the structural engine alone: per issue, the stories it marks
   fiction against the tales the gold files hold (counted: a tale's headline
   may be its title or its section's name), HTML and text/plain.
5. Speed: issues per second (parse + segment) over the dev set, a 4 MB
   single-paragraph HTML body, and bodies of <br> lines up to the tags intake reads.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.domain import Issue  # noqa: E402
from service.errors import MalformedMessage  # noqa: E402
from service.ingest import roles  # noqa: E402
from service.ingest.limits import MAX_TAGS  # noqa: E402
from service.ingest.parse import parse_issue  # noqa: E402
from service.ingest.rules import GENERIC, load_rules  # noqa: E402
from service.ingest.scoring import (  # noqa: E402
    GoldIssue,
    Score,
    fiction_score,
    gold_issues,
    plain_variant,
    score,
)
from service.ingest.segment import segment  # noqa: E402

GRID = {
    "TITLE_CASE_SHARE": (0.3, 0.4, 0.5),
    "SHORT_TITLE_WORDS": (6, 8, 10),
    "BODY_MIN_CHARS": (40, 60, 100),
}


@contextmanager
def thresholds(values: dict[str, float]) -> Iterator[None]:
    saved = {name: getattr(roles, name) for name in values}
    for name, value in values.items():
        setattr(roles, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(roles, name, value)


def scores(issues: Sequence[tuple[GoldIssue, Issue]], generic_only: bool) -> dict[str, Score]:
    rules = [r for r in load_rules() if r.name == GENERIC] if generic_only else None
    totals: dict[str, Score] = defaultdict(lambda: Score(0, 0, 0))
    for gold, issue in issues:
        try:
            headlines = [s.headline for s in segment(issue, rules)]
        except Exception:  # an issue the engine cannot cut scores as no stories
            headlines = []
        totals[gold.source] += score(headlines, gold.headlines)
    return dict(totals)


def fiction(issues: Sequence[tuple[GoldIssue, Issue]]) -> dict[str, Score]:
    rules = [r for r in load_rules() if r.name == GENERIC]
    totals: dict[str, Score] = defaultdict(lambda: Score(0, 0, 0))
    for gold, issue in issues:
        try:
            flagged = sum(s.fiction for s in segment(issue, rules))
        except Exception:  # an issue the engine cannot cut marks nothing
            flagged = 0
        totals[gold.source] += fiction_score(flagged, gold.tales)
    return dict(totals)


def table(title: str, by_source: dict[str, Score]) -> None:
    print(f"\n{title}")
    print(f"  {'newsletter':18s} {'stories':>7s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for source, s in sorted(by_source.items()):
        print(f"  {source:18s} {s.gold:7d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    macro = statistics.mean(s.f1 for s in by_source.values())
    print(f"  {'macro F1':18s} {'':>7s} {'':>6s} {'':>6s} {macro:6.3f}")


def leave_one_out(issues: Sequence[tuple[GoldIssue, Issue]], grid: dict[str, tuple[float, ...]]
                  ) -> dict[str, Score]:
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    per_combo: list[dict[str, Score]] = []
    for combo in combos:
        with thresholds(combo):
            per_combo.append(scores(issues, generic_only=True))
    held_out: dict[str, Score] = {}
    for source in sorted({gold.source for gold, _ in issues}):
        def others(result: dict[str, Score], held: str = source) -> float:
            return statistics.mean(s.f1 for name, s in result.items() if name != held)
        best = max(range(len(combos)), key=lambda i: others(per_combo[i]))
        held_out[source] = per_combo[best][source]
        print(f"  held out {source:18s} chose {combos[best]}")
    return held_out


def timed(make: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        make()
    return (time.perf_counter() - start) / repeat


def big_body(unit: str, size: int = 4_000_000) -> bytes:
    body = (unit * (size // len(unit) + 1))[:size]
    head = "From: big@example.test\nSubject: A big issue\nContent-Type: text/html; charset=utf-8"
    return f"{head}\n\n<p>{body}</p>".encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the leave-one-out grid")
    args = parser.parse_args()
    shared = Path(os.environ.get("NEWSALERTS_SHARED", REPO.parent / "shared"))
    golds = gold_issues(shared, REPO / "tests" / "golden" / "segment")
    raw = [(gold, gold.path.read_bytes()) for gold in golds]
    html = [(gold, parse_issue(data)) for gold, data in raw]
    plain = [(gold, plain_variant(data)) for gold, data in raw]

    table("1. as deployed (matching rules file; HTML as sent)", scores(html, generic_only=False))
    table("2a. structural engine alone, HTML as sent", scores(html, generic_only=True))
    table("2b. structural engine alone, text/plain part only", scores(plain, generic_only=True))
    if not args.quick:
        print("\n3. leave-one-newsletter-out (thresholds tuned on the others)")
        table("3a. held-out F1, HTML", leave_one_out(html, GRID))
        table("3b. held-out F1, text/plain only", leave_one_out(plain, GRID))

    for title, issues in (("4a. fiction, structural engine alone, HTML", html),
                          ("4b. fiction, structural engine alone, text/plain only", plain)):
        print(f"\n{title}")
        for source, s in sorted(fiction(issues).items()):
            print(f"  {source:18s} {s.gold:3d} tales, {s.predicted:3d} stories marked fiction, "
                  f"{s.matched:3d} of them in issues with as many tales")

    print("\n5. speed")
    seconds = timed(lambda: [segment(parse_issue(data)) for _, data in raw])
    print(f"  dev set: {len(raw)} issues in {seconds:.2f} s = {len(raw) / seconds:.0f} issues/s")
    # (<br> lines up to the tags intake reads, service/ingest/limits.py: more are refused)
    lines = MAX_TAGS - 1_000
    for name, unit, size in (
            ("4 MB single-paragraph HTML", "the model learns and the robot follows ", 4_000_000),
            (f"{lines:,} short <br> lines", "the model learns quickly<br>", 0),
            # Title-like lines: each may split off the paragraph as a title.
            (f"{lines:,} Title Case <br> lines", "Robots Learn Fold Shirts<br>", 0)):
        data = big_body(unit, size or lines * len(unit))
        print(f"  {name} ({len(data) / 1e6:.1f} MB): "
              f"{timed(lambda data=data: segment(parse_issue(data))):.2f} s")
    refused = big_body("Robots Learn Fold Shirts<br>")
    print(f"  4 MB of Title Case <br> lines, refused as too-complex: "
          f"{timed(lambda: _refused(refused)):.2f} s")


def _refused(data: bytes) -> None:
    try:
        segment(parse_issue(data))
    except MalformedMessage:
        return
    raise AssertionError("over the limit of tags, and not refused")


if __name__ == "__main__":
    main()
