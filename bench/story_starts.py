"""Does a learned model of "a story starts at this block" beat the segmenter's rules on
layouts it has not seen, or improve them stacked on them?

Candidate units are an issue's blocks as ``parse_issue`` gives them (a plain-text email's too:
``plain.py`` makes blocks of it), rules and empty blocks left out.  A unit's headline is its
first line, or the bold lead or link text that opens that line ("**Lead.** text", "Tool - what
it does" with "Tool" linked).  A unit is a story start when a gold headline is aligned to it:
gold and units matched one-to-one and in order by ``scoring.similar`` (a longest common
subsequence, ties to the closer token overlap), as ``scoring.score`` matches.  The rules'
decision is read from ``segment()`` itself: each story's first block (recorded as
``by_structure`` builds its text) is mapped to its unit.

Features per unit (65, ``service/ingest/start_features.py``, which the service computes
too): kind, heading level, bold line / bold lead-in, link-led, link share, sizes in words
and characters, capitalised share, all caps, end and start marks (period, colon, question,
enumerator, bullet, emoji), position, the neighbours' sizes and kinds, separators before /
after, how many units share its shape, its text repeated earlier / later, like the subject
(the email having an HTML part was one until stop 37); and for the stacked model 6 of the
rules: it starts a rules' story, its neighbours do, the rules' story count, the share of its
same-shape units the rules start at, past the rules' footer line. Models:
HistGradientBoosting (100 trees of 15 leaves, seed 0,
no early stopping) and a logistic regression (the -LR rows), trained leave-one-corpus-out
over tests/fixtures/layouts; a unit is a start at p >= 0.5; the starts in order are the
issue's headlines (the stacked model keeps the rules' headline where the rules start at that
unit), scored by ``scoring.score``, micro-summed.

Rows: rules (``segment()``, the official figure); rules@units (the rules' starts with the
units' headlines: what the granularity costs); layout (no rule feature); stacked (with them);
guarded (the rules, a start dropped only at p <= 0.15 and added only at p >= 0.85); bound
(every labelled unit: the share of gold a unit can match at all).  ``--blind`` reads every
sweep with the code of the commit before the one that added it (``git archive`` into
/tmp/reranker, read-only): its rules and parse as they were when it was written blind (this
reproduces the blind figures in the commit messages: sweep36 0.483, sweep45 0.717, sweep49
0.546...), and scores beside them models that never saw the sweep, among them models trained
only on corpora committed before it ("-past") and a stacker trained on the other sweeps'
blind rules ("stacked-b").  ``--dev`` adds the real newsletters of $NEWSALERTS_SHARED.

Figures at 9044850 (``--code`` a ``git archive`` of it, ``--fresh sweep49,sweep50``: the two
sweeps that commit's rules were not mended on; F1):

                            rules  layout  stacked  guarded  bound
    64 trained-on corpora   0.907  0.875   0.935    0.923    0.994   (rules in-sample)
      html issues           0.915  0.887   0.942    0.931
      plain issues          0.861  0.805   0.889    0.876
      sweep45               0.741  0.768   0.811    0.775
      sweep46               0.815  0.885   0.883    0.843
    fresh sweep49+50        0.715  0.760   0.738    0.726    0.991   (all out-of-sample)

    blind (49 sweeps, 7,549 gold)   rules  layout  layout-past  stacked  stacked-b  -b-past
      all sweeps                    0.791  0.882   0.873        0.872    0.894      0.880
      html issues                   0.814  0.901   0.894        0.901    0.915      0.906
      plain issues                  0.670  0.787   0.770        0.722    0.792      0.751
      the 44 with a past            0.788  0.881   0.873        0.868    0.889      0.880
    (today's rules, mended on them, 0.893 on the same issues; layout beats the blind rules on
    47 of 49 sweeps, layout-past on 40 of 44; stacked-b on all 49)

    dev set (12 real issues, rules tuned on them): rules 0.996, layout 0.960, stacked 0.987

Top features by permutation (layout): block_chars, link_led, bold_line, next_chars,
head_chars, position_share, repeated_before; stacked: rule_start far ahead, then
repeated_before, head_chars, rule_shape_share.  The model is precise (0.90-0.95) and loses
on recall; its threshold is not tuned (F1 on the trained-on corpora is flat from 0.3 to 0.5,
fresh sweeps gain below 0.5).  The stacker trained on mended rules learns to trust them
(they are near-perfect in-sample) and on blind plain text falls below the layout model;
trained on blind rules it does not.

Stop 37: ``--save DIR`` trains the stacker on every sweep's blind cut and writes it as the
service reads it (``models/starts/``: ``service/ingest/starts.py``, a rules file's
``learned_starts``); the dev set gains the rows of that model ("stacked-b", "guarded-b"),
and both tables rows of other guards ("guarded.05.95-b": joins at p <= 0.05, starts at
p >= 0.95; "00" never joins).  Figures: docs/segmentation.md, "Stop 37".

Runs in 4 to 6 minutes on two cores with ``--blind --dev`` once /tmp/reranker holds the
parsed issues and the old trees' reads (about 45 s and 2 minutes more the first time); the
model rows cost most (``--jobs``).  Deterministic: two runs print the same table.

    NEWSALERTS_SHARED=../shared .venv/bin/python bench/story_starts.py \
        [--code DIR] [--fresh sweep49,sweep50] [--blind] [--dev] [--no-cache] [--no-importance]
        [--save models/starts]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import io
import json
import os
import pickle
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # (folds run in parallel processes instead)

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PARSER = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
PARSER.add_argument("--code", type=Path, default=ROOT,
                    help="the directory whose service/ is the rules measured (default: this "
                         "tree; e.g. a `git archive HEAD service` export, for a fixed state)")
PARSER.add_argument("--fresh", default="",
                    help="comma-separated corpora in no training set (only predicted): "
                         "sweeps the rules measured have not been mended on")
PARSER.add_argument("--exclude", default="", help="comma-separated corpora left out")
PARSER.add_argument("--blind", action="store_true",
                    help="also each sweep read by the code as it was before the sweep was "
                         "committed (git history): the rules blind, the model out-of-corpus")
PARSER.add_argument("--dev", action="store_true",
                    help="also the real newsletters of $NEWSALERTS_SHARED/data/newsletters "
                         "(scoring.gold_issues), by a model trained on every corpus")
PARSER.add_argument("--no-cache", action="store_true", help="parse and segment again")
PARSER.add_argument("--no-importance", action="store_true", help="skip the permutation")
PARSER.add_argument("--jobs", type=int, default=2, help="folds trained in parallel")
PARSER.add_argument("--save", type=Path,
                    help="with --blind: train the stacker on every sweep's blind rules and "
                         "write it as the service reads it (models/starts/: arrays + card)")
PARSER.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # (--blind's worker)
PARSER.add_argument("--corpora", default="", help=argparse.SUPPRESS)
ARGS = PARSER.parse_args() if __name__ == "__main__" else PARSER.parse_args([])
sys.path.insert(0, str(ARGS.code.resolve()))

# Only these two are read from an old tree (--blind's worker): every version has them.
from service.ingest import segment as segment_module  # noqa: E402
from service.ingest.parse import parse_issue  # noqa: E402

if ARGS.dump is None:
    from service.domain import Block, Link
    from service.ingest.scoring import Score, score, similar, tokens
    from service.ingest.start_features import (
        LAYOUT_NAMES,
        RULE_NAMES,
        layout_features,
        rule_features,
        shapes_of,
        unit_headline,
        units_of,
    )
    from service.ingest.starts import tree_arrays

LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
CACHE = Path("/tmp/reranker")
RAW_VERSION = "1"  # the raw dump's shape: bump to read old trees again
SEED = 0
THRESHOLD = 0.5
ADD_AT, DROP_AT = 0.85, 0.15  # the guarded stacker's confidence to overturn the rules
GUARDS = ("05.95", "10.90", "00.85", "15.99", "00.95")  # other guards measured (drop.add)
EXEMPT = ("guardedx-b", "guardedy-b")  # the guard with the rules' headings kept (predictions)
_excluded = {c for c in ARGS.exclude.split(",") if c}
CORPORA = sorted(p.name for p in LAYOUTS.iterdir()
                 if (p / "gold.jsonl").exists() and p.name not in _excluded)


# ---- an issue as the code measured reads it (the only part an old tree runs) ----------------


def raw_issue(corpus: str, row: dict, path: Path | None = None) -> dict:
    """The issue's blocks as plain tuples, the rules' headlines and the index of the block each
    rules' story opened at (-1 when not found here), and where the footer starts."""
    data = (path or LAYOUTS / corpus / row["file"]).read_bytes()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    html = any(part.get_content_type() == "text/html" for part in msg.walk())
    issue = parse_issue(data)
    seen: list = []
    original = segment_module._cut_text

    def recording(headline, blocks):  # by_structure makes each story's text from its blocks
        seen.append(blocks[0])
        return original(headline, blocks)

    segment_module._cut_text = recording
    try:  # (the built-in rules: generic.toml leaves the learned starts, what is measured, off)
        stories = segment_module.segment(issue)
    except Exception:  # an issue the rules refuse: no stories
        stories = []
    finally:
        segment_module._cut_text = original
    heads = [s.headline for s in stories]
    firsts = seen if len(seen) == len(heads) else [None] * len(heads)
    blocks = issue.blocks
    starts, at = [], 0
    for first in firsts:
        found = _block_at(first, blocks, at)
        starts.append(found)
        at = found + 1 if found >= 0 else at
    try:
        from service.ingest.footer import footer_at

        footer = footer_at(blocks)
    except ImportError:
        footer = None
    return {
        "corpus": corpus, "file": row["file"], "html": html, "gold": row["stories"],
        "subject": issue.envelope.subject, "rules": heads, "starts": starts, "footer": footer,
        "blocks": [(b.kind, b.text, b.lead, b.subhead, tuple((k.text, k.url) for k in b.links),
                    b.level) for b in blocks],
    }


def _block_at(block, blocks: Sequence, start: int) -> int:
    """The index of ``block`` (a story's first block) in the issue's: the same object, an equal
    one, or the first from ``start`` holding its first line; -1 when none does."""
    if block is None:
        return -1
    for at, other in enumerate(blocks):
        if other is block:
            return at
    for at, other in enumerate(blocks):
        if other == block:
            return at
    first = next((line.strip() for line in block.text.split("\n") if line.strip()), "")
    if first:
        for at in (*range(start, len(blocks)), *range(start)):
            if first in blocks[at].text:
                return at
    return -1


# ---- units and labels ----------------------------------------------------------------------


def _dice(a: Sequence[str], b: Sequence[str]) -> float:
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b)) if a and b else 0.0


def align(units: Sequence[Sequence[str]], gold: Sequence[Sequence[str]]) -> list[int]:
    """For each unit, the gold headline aligned to it (-1 for none): most matches in order,
    then the most token overlap, as ``scoring.score`` counts matches."""
    n, m = len(units), len(gold)
    best = [[(0, 0.0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            if similar(units[i], gold[j]):
                count, overlap = best[i + 1][j + 1]
                options.append((count + 1, overlap + _dice(units[i], gold[j])))
            best[i][j] = max(options)
    matched = [-1] * n
    i = j = 0
    while i < n and j < m:
        if similar(units[i], gold[j]):
            count, overlap = best[i + 1][j + 1]
            if best[i][j] == (count + 1, overlap + _dice(units[i], gold[j])):
                matched[i] = j
                i, j = i + 1, j + 1
                continue
        if best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return matched


def build(raw: dict) -> dict:
    """Units, their labels and features from a raw issue (read by this tree's helpers)."""
    blocks_all = [Block(kind, text, lead, subhead, tuple(Link(t, u) for t, u in links), level)
                  for kind, text, lead, subhead, links, level in raw["blocks"]]
    units = units_of(blocks_all)
    blocks, unit_of = units.blocks, units.unit_of
    footer = raw["footer"]
    footer_unit = unit_of[footer] if footer is not None and footer < len(unit_of) else len(blocks)
    headlines = [unit_headline(b) for b in blocks]
    shapes = shapes_of(units, headlines)
    unit_tokens = [tokens(h) for h in headlines]
    labels = [m >= 0 for m in align(unit_tokens, [tokens(h) for h in raw["gold"]])]
    rule_start: dict[int, str] = {}
    pointer = 0
    for headline, start in zip(raw["rules"], raw["starts"], strict=True):
        found = unit_of[start] if 0 <= start < len(unit_of) else -1
        if found < 0 or found >= len(blocks):  # not read from the cut: the headline's unit
            wanted = tokens(headline)
            found = next((at for at in (*range(pointer, len(blocks)), *range(pointer))
                          if similar(unit_tokens[at], wanted)), -1)
        if found >= 0 and found not in rule_start:
            rule_start[found] = headline
            pointer = found + 1
    return {
        "corpus": raw["corpus"], "file": raw["file"], "html": raw["html"], "gold": raw["gold"],
        "rules": raw["rules"], "unmapped": len(raw["rules"]) - len(rule_start),
        "headlines": headlines, "labels": labels, "rule_start": rule_start,
        "layout": layout_features(units, headlines, raw["subject"], shapes),
        "stacked": rule_features(units, shapes, rule_start, footer_unit),
    }


# ---- the corpora, cached --------------------------------------------------------------------


def _code_hash(service: Path) -> str:
    digest = hashlib.sha256(RAW_VERSION.encode())
    for path in sorted([*service.rglob("*.py"), *service.rglob("*.toml")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _gold_rows(corpus: str) -> list[dict]:
    return [json.loads(line) for line in (LAYOUTS / corpus / "gold.jsonl").read_text().splitlines()]


def load_raw(corpora: Sequence[str], use_cache: bool) -> list[dict]:
    """Each corpus's raw issues as the code measured reads them (cached by code and gold)."""
    code = _code_hash(Path(segment_module.__file__).resolve().parents[1])
    raws = []
    for corpus in corpora:
        gold = (LAYOUTS / corpus / "gold.jsonl").read_bytes()
        key = hashlib.sha256(gold + code.encode()).hexdigest()[:16]
        path = CACHE / "raw" / f"{corpus}-{key}.pkl"
        if use_cache and path.exists():
            raws.extend(pickle.loads(path.read_bytes()))  # noqa: S301 (this script's own cache)
            continue
        rows = [raw_issue(corpus, row) for row in _gold_rows(corpus)]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(rows))
        raws.extend(rows)
    return raws


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def history(corpora: Sequence[str]) -> dict[str, tuple[int, str]]:
    """Each corpus's place in the history (the position of the commit that added its gold;
    one not committed yet comes last) and the commit before that one (HEAD for one not
    committed yet): the code it was written blind to."""
    commits = _git("rev-list", "--reverse", "HEAD").splitlines()
    position = {commit: at for at, commit in enumerate(commits)}
    found = {}
    for corpus in corpora:
        added = _git("log", "--diff-filter=A", "--format=%H", "--",
                     f"tests/fixtures/layouts/{corpus}/gold.jsonl").splitlines()
        if added:
            found[corpus] = (position[added[-1]], _git("rev-parse", f"{added[-1]}^"))
        else:
            found[corpus] = (len(commits), commits[-1])
    return found


def blind_raws(corpora: Sequence[str], use_cache: bool,
               blind_to: dict[str, tuple[int, str]]) -> list[dict]:
    """Each sweep read by the code it was written blind to (``history``): the rules and the
    parse as they were.  Read-only git: ``git archive`` of that commit's service/ into the
    cache, read in a subprocess (``--dump``)."""
    by_commit: dict[str, list[str]] = {}
    for corpus in corpora:
        by_commit.setdefault(blind_to[corpus][1], []).append(corpus)
    raws: list[dict] = []
    for commit, names in sorted(by_commit.items()):
        tree = CACHE / "blind" / commit
        gold = b"".join((LAYOUTS / name / "gold.jsonl").read_bytes() for name in names)
        key = hashlib.sha256(gold + RAW_VERSION.encode()).hexdigest()[:12]
        out = CACHE / "blind" / f"{commit}-{'-'.join(names)}-{key}.pkl"
        if not (use_cache and out.exists()):
            if not (tree / "service").exists():
                tree.mkdir(parents=True, exist_ok=True)
                archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "service"],
                                         capture_output=True, check=True).stdout
                subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
            subprocess.run([sys.executable, __file__, "--code", str(tree), "--dump", str(out),
                            "--corpora", ",".join(names)], check=True)
        raws.extend(pickle.loads(out.read_bytes()))  # noqa: S301 (its worker's dump)
    return raws


# ---- models and scoring ---------------------------------------------------------------------


def _model():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=15,
                                          min_samples_leaf=20, l2_regularization=1.0,
                                          early_stopping=False, random_state=SEED)


def _logistic():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))


def _fit(kind: str, x: np.ndarray, y: np.ndarray):
    return (_model() if kind == "hgb" else _logistic()).fit(x, y)


def _matrix(issues: Sequence[dict], stacked: bool) -> np.ndarray:
    rows = [a + b if stacked else a for issue in issues
            for a, b in zip(issue["layout"], issue["stacked"], strict=True)]
    return np.asarray(rows, dtype=np.float64)


def leave_one_corpus_out(issues: list[dict], stacked: bool, fresh: set[str],
                         kind: str = "hgb") -> tuple[dict[int, np.ndarray], tuple]:
    """Out-of-corpus probabilities for each issue (by its index), and each corpus's model (the
    one that never saw it).  A ``fresh`` corpus is in no training set."""
    from joblib import Parallel, delayed

    x = _matrix(issues, stacked)
    y = np.asarray([label for issue in issues for label in issue["labels"]], dtype=int)
    owner = np.asarray([i for i, issue in enumerate(issues) for _ in issue["labels"]])
    corpus_of = np.asarray([issues[i]["corpus"] for i in owner])
    trainable = ~np.isin(corpus_of, sorted(fresh))
    names = sorted(set(corpus_of))
    helds = [corpus_of == corpus for corpus in names]
    fitted = Parallel(n_jobs=ARGS.jobs)(
        delayed(_fit)(kind, x[trainable & ~held], y[trainable & ~held]) for held in helds)
    probabilities = np.zeros(len(y))
    models = {}
    for corpus, held, model in zip(names, helds, fitted, strict=True):
        probabilities[held] = model.predict_proba(x[held])[:, 1]
        models[corpus] = (model, held)
    by_issue = {i: probabilities[owner == i] for i in range(len(issues))}
    return by_issue, (x, y, models)


def apply(models: dict, issues: list[dict], stacked: bool) -> dict[int, np.ndarray]:
    """Each issue's probabilities from the model that never saw its corpus (none where there
    is no such model)."""
    return {i: models[issue["corpus"]][0].predict_proba(_matrix([issue], stacked))[:, 1]
            for i, issue in enumerate(issues) if models.get(issue["corpus"]) is not None}


MIN_PAST = 5  # corpora a model trained on the past needs


def past_models(train: list[dict], tests: Sequence[str], place: dict[str, int],
                stacked: bool) -> dict[str, tuple | None]:
    """For each corpus of ``tests``, a model trained only on the corpora of ``train`` added
    before it (none when fewer than MIN_PAST were)."""
    from joblib import Parallel, delayed

    x = _matrix(train, stacked)
    y = np.asarray([label for issue in train for label in issue["labels"]], dtype=int)
    when = np.asarray([place[issue["corpus"]] for issue in train for _ in issue["labels"]])
    points = sorted({place[c] for c in tests
                     if len({i["corpus"] for i in train if place[i["corpus"]] < place[c]})
                     >= MIN_PAST})
    fitted = Parallel(n_jobs=ARGS.jobs)(
        delayed(_fit)("hgb", x[when < point], y[when < point]) for point in points)
    by_point = dict(zip(points, fitted, strict=True))
    return {c: (by_point[place[c]], None) if place[c] in by_point else None for c in tests}


def predictions(issue: dict, p: np.ndarray | None, row: str) -> list[str]:
    heads, starts = issue["headlines"], issue["rule_start"]
    if row == "rules":
        return issue["rules"]
    if row == "bound":
        return [h for h, label in zip(heads, issue["labels"], strict=True) if label]
    if row == "rules@units":
        return [heads[at] for at in sorted(starts)]
    assert p is not None
    if row == "layout":
        return [h for h, q in zip(heads, p, strict=True) if q >= THRESHOLD]
    if row == "stacked":
        return [starts.get(at, h) for at, (h, q) in enumerate(zip(heads, p, strict=True))
                if q >= THRESHOLD]
    # the rules' starts, one dropped at p <= DROP_AT, one added at ADD_AT ("guarded"), or at
    # the row's own ("guarded.05.95": 0.05 and 0.95; "guarded.00.85": never dropped)
    # "guardedx": no join of a heading or a link-led unit; "guardedy": nor a start at a list
    # item either (what the rules were mended to keep, by the tests that fail with it on)
    assert row.startswith("guarded")
    drop, add = ((int(row.split(".")[1]) / 100 or -1.0, int(row.split(".")[2]) / 100)
                 if "." in row else (DROP_AT, ADD_AT))
    layout = issue["layout"]
    heading, link_led = LAYOUT_NAMES.index("kind_heading"), LAYOUT_NAMES.index("link_led")
    kept_start = [row.startswith(("guardedx", "guardedy")) and bool(f[heading] or f[link_led])
                  for f in layout]
    no_add = [row.startswith("guardedy") and bool(f[LAYOUT_NAMES.index("kind_list_item")])
              for f in layout]
    return [starts.get(at, h) for at, (h, q) in enumerate(zip(heads, p, strict=True))
            if (at in starts and (q > drop or kept_start[at]))
            or (at not in starts and q >= add and not no_add[at])]


def importance(xym, names: list[str], top: int = 12) -> list[tuple[str, float]]:
    """Each feature's permutation importance: the drop in out-of-corpus unit-level F1 when
    its column is shuffled within every held-out corpus (one fixed shuffle)."""
    x, y, models = xym
    models = list(models.values())
    rng = np.random.default_rng(SEED)

    def unit_f1(columns: int | None) -> float:
        hit = pred = 0
        for model, held in models:
            part = x[held].copy()
            if columns is not None:
                part[:, columns] = rng.permutation(part[:, columns])
            guess = model.predict_proba(part)[:, 1] >= THRESHOLD
            hit += int(np.sum(guess & (y[held] == 1)))
            pred += int(np.sum(guess))
        return 2 * hit / (pred + int(np.sum(y)))

    base = unit_f1(None)
    drops = [(name, base - unit_f1(column)) for column, name in enumerate(names)]
    return sorted(drops, key=lambda d: -d[1])[:top]


def tally(issues: list[dict], rows: dict[str, dict[int, np.ndarray] | None],
          groups_of) -> dict[tuple[str, str], Score]:
    """Scores summed by (group, row); ``rows`` maps a row's name to its probabilities (None for
    a row with none), ``groups_of`` an issue to the groups it counts in."""
    totals: dict[tuple[str, str], Score] = {}
    for i, issue in enumerate(issues):
        for row, probabilities in rows.items():
            if probabilities is not None and i not in probabilities:
                continue  # (no model for this issue's corpus)
            p = probabilities[i] if probabilities is not None else None
            got = score(predictions(issue, p, row.split("-")[0]), issue["gold"])
            for group in groups_of(issue):
                totals[(group, row)] = totals.get((group, row), Score(0, 0, 0)) + got
    return totals


def table(totals, rows: Sequence[str], groups: Sequence[str], base: str, model: str,
          labels: dict[str, str] | None = None) -> None:
    header = (f"{'corpus':<16}{'gold':>6}" + "".join(f"{r:>13}" for r in rows)
              + f"{model[:7] + '-' + base[:5]:>14}")
    print(header)
    for group in groups:
        if group == "-":
            print("-" * len(header))
            continue
        if (group, base) not in totals:
            continue
        cells = "".join(f"{totals[(group, r)].f1:>13.3f}" if (group, r) in totals
                        else f"{'-':>13}" for r in rows)
        gain = totals[(group, model)].f1 - totals[(group, base)].f1
        print(f"{(labels or {}).get(group, group):<16}{totals[(group, base)].gold:>6}{cells}"
              f"{gain:>+14.3f}")


def versus(totals, corpora: Sequence[str], base: str, rows: Sequence[str]) -> None:
    for row in rows:
        gains = [totals[(c, row)].f1 - totals[(c, base)].f1 for c in corpora]
        print(f"  {row} vs {base}, per corpus: better on {sum(d > 0.005 for d in gains)}, "
              f"worse on {sum(d < -0.005 for d in gains)}, within 0.005 on "
              f"{sum(abs(d) <= 0.005 for d in gains)} of {len(corpora)}")


def main() -> None:
    if ARGS.dump is not None:  # --blind's worker, in an old tree: the raw issues only
        names = ARGS.corpora.split(",")
        ARGS.dump.write_bytes(pickle.dumps([raw_issue(c, row) for c in names
                                            for row in _gold_rows(c)]))
        return
    began = time.time()
    fresh = {c for c in ARGS.fresh.split(",") if c}
    issues = [build(raw) for raw in load_raw(CORPORA, not ARGS.no_cache)]
    read = time.time()
    runs = {(stacked, kind): leave_one_corpus_out(issues, stacked, fresh, kind)
            for stacked in (False, True) for kind in ("hgb", "logistic")}
    trained = time.time()
    rows = {"rules": None, "rules@units": None, "layout": runs[(False, "hgb")][0],
            "stacked": runs[(True, "hgb")][0], "guarded": runs[(True, "hgb")][0],
            "layout-LR": runs[(False, "logistic")][0], "stacked-LR": runs[(True, "logistic")][0],
            "bound": None}
    plain_corpora = [c for c in CORPORA if c not in fresh
                     and not any(i["html"] for i in issues if i["corpus"] == c)]

    def groups_of(issue: dict) -> list[str]:
        if issue["corpus"] in fresh:
            return ["fresh", issue["corpus"]]
        return ["all", "html" if issue["html"] else "plain", issue["corpus"],
                *(["plain corpora"] if issue["corpus"] in plain_corpora else [])]

    totals = tally(issues, rows, groups_of)
    print(f"rules measured: {Path(segment_module.__file__).resolve().parents[2]}")
    print(f"{len(issues)} issues in {len(CORPORA)} corpora, "
          f"{sum(len(i['labels']) for i in issues)} units, "
          f"{sum(len(i['gold']) for i in issues)} gold headlines; "
          f"{sum(i['unmapped'] for i in issues)} of {sum(len(i['rules']) for i in issues)} "
          f"rules' stories not mapped to a unit (they count in 'rules' only)")
    print(f"F1 (micro); model rows leave-one-corpus-out (in no training set: "
          f"{', '.join(sorted(fresh)) or 'none'}); threshold {THRESHOLD}; guarded flips a rule "
          f"at p <= {DROP_AT} / >= {ADD_AT}\n")
    names = {"html": "html issues", "plain": "plain issues",
             "fresh": "fresh: " + "+".join(sorted(fresh))}
    table(totals, list(rows), [*CORPORA, "-", "all", "html", "plain", "plain corpora",
                               "sweep45", "sweep46", *(["fresh"] if fresh else [])],
          "rules", "stacked", names)
    print("\nprecision / recall:")
    for group in ("all", "html", "plain", "sweep45", "sweep46", *(["fresh"] if fresh else [])):
        print(f"  {names.get(group, group):<22}" + "  ".join(
            f"{r} {totals[(group, r)].precision:.3f}/{totals[(group, r)].recall:.3f}"
            for r in ("rules", "layout", "stacked", "guarded")))
    versus(totals, [c for c in CORPORA if c not in fresh], "rules",
           ("layout", "stacked", "guarded"))
    if not ARGS.no_importance:
        for name, key, features in (("layout", (False, "hgb"), list(LAYOUT_NAMES)),
                                    ("stacked", (True, "hgb"), [*LAYOUT_NAMES, *RULE_NAMES])):
            print(f"\ntop features, {name} (drop in out-of-corpus unit F1 when shuffled):")
            print("  " + ", ".join(f"{n} {d:.3f}"
                                   for n, d in importance(runs[key][1], features)))
        x, y, _ = runs[(True, "logistic")][1]
        trainable = np.asarray([i["corpus"] not in fresh for i in issues for _ in i["labels"]])
        weights = _logistic().fit(x[trainable], y[trainable])[-1].coef_[0]
        order = np.argsort(-np.abs(weights))[:14]
        print("\nlargest standardised weights, stacked logistic regression (all trained-on "
              "corpora):\n  " + ", ".join(
                  f"{([*LAYOUT_NAMES, *RULE_NAMES])[k]} {weights[k]:+.2f}" for k in order))
    blind = blind_section(issues, runs, fresh) if ARGS.blind else []
    if ARGS.save and blind:
        save_stacker(blind, ARGS.save)
    if ARGS.dev:
        dev_section(issues, fresh, blind)
    print(f"\nread {read - began:.0f}s, trained {trained - read:.0f}s, "
          f"total {time.time() - began:.0f}s")


def blind_section(issues: list[dict], runs: dict, fresh: set[str]) -> list[dict]:
    """The sweeps as the code they were written blind to read them: its rules, and models
    that never saw the sweep: trained on every other corpus as this code reads them
    ('layout'; 'stacked' learnt on mended rules), on the other sweeps' blind rules
    ('stacked-b'), or only on what was committed before the sweep ('-past')."""
    sweeps = [c for c in CORPORA if re.fullmatch(r"sweep\d*", c)]
    blind_to = history(CORPORA)
    place = {c: blind_to[c][0] for c in CORPORA}
    blind = [build(raw) for raw in blind_raws(sweeps, not ARGS.no_cache, blind_to)]
    now = {(i["corpus"], i["file"]): i for i in issues}
    for issue in blind:
        issue["now"] = now[(issue["corpus"], issue["file"])]["rules"]
    layout_models, stacked_models = runs[(False, "hgb")][1][2], runs[(True, "hgb")][1][2]
    stacked_b = leave_one_corpus_out(blind, True, set())[0]
    layout_past = past_models(issues, sweeps, place, stacked=False)
    stacked_b_past = past_models(blind, sweeps, place, stacked=True)
    rows = {"rules": None, "layout": apply(layout_models, blind, False),
            "layout-past": apply(layout_past, blind, False),
            "stacked": apply(stacked_models, blind, True), "stacked-b": stacked_b,
            "stacked-b-past": apply(stacked_b_past, blind, True), "guarded-b": stacked_b,
            **{f"guarded.{v}-b": stacked_b for v in GUARDS},
            **{name: stacked_b for name in EXEMPT}, "bound": None}
    has_past = {c for c in sweeps if stacked_b_past[c] is not None}

    def groups_of(issue: dict) -> list[str]:
        return [issue["corpus"], "all sweeps", "html" if issue["html"] else "plain",
                *(["with a past"] if issue["corpus"] in has_past else [])]

    totals = tally(blind, rows, groups_of)
    for issue in blind:  # today's rules on the same issues (in-sample but for new sweeps)
        got = score(issue["now"], issue["gold"])
        for group in groups_of(issue):
            totals[(group, "rules-now")] = totals.get((group, "rules-now"), Score(0, 0, 0)) + got
    print("\n\nBLIND: each sweep read by the code of the commit before the one that added it "
          "(its rules and its parse blind); every model row never saw the sweep")
    print("  rules-now: today's rules on it (mended on it, but for sweeps added since); "
          "layout / stacked: the models above;\n  stacked-b / guarded-b: stacker trained on the"
          " other sweeps' blind rules; -past: trained only on corpora committed before the "
          f"sweep\n  (- where fewer than {MIN_PAST}); commit: the code it was blind to\n")
    table(totals, ["rules-now", *rows],
          [*sweeps, "-", "all sweeps", "html", "plain", "with a past"], "rules", "layout",
          {"html": "html issues", "plain": "plain issues",
           **{c: f"{c} {blind_to[c][1][:7]}" for c in sweeps}})
    versus(totals, sweeps, "rules", ("layout", "stacked", "stacked-b", "guarded-b"))
    versus(totals, sorted(has_past), "rules", ("layout-past", "stacked-b-past"))
    return blind


def save_stacker(blind: list[dict], folder: Path) -> None:
    """The service's model (``service/ingest/starts.py``): the stacker trained on every
    sweep as the code it was written blind to cut it, its trees exported as arrays."""
    y = np.asarray([label for issue in blind for label in issue["labels"]], dtype=int)
    model = _fit("hgb", _matrix(blind, True), y)
    arrays = tree_arrays(model)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    folder.mkdir(parents=True, exist_ok=True)
    name = "story-starts.npz"
    (folder / name).write_bytes(data)
    sweeps = sorted({issue["corpus"] for issue in blind})
    card = {
        "model": "story starts: gradient-boosted trees stacked on the structural engine's "
                 "decisions (bench/story_starts.py --blind --save)",
        "file": name, "sha256": hashlib.sha256(data).hexdigest(),
        "features": [*LAYOUT_NAMES, *RULE_NAMES], "drop_at": DROP_AT, "add_at": ADD_AT,
        "trained_on": {"issues": len(blind), "units": len(y), "starts": int(y.sum()),
                       "corpora": sweeps, "rules": "each sweep's, blind: the code of the "
                                                   "commit before the one that added it"},
        "params": {k: v for k, v in model.get_params().items()
                   if isinstance(v, int | float | str | bool) or v is None},
        "sklearn_version": __import__("sklearn").__version__,
    }
    (folder / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"\nsaved {folder / name} ({len(data):,} bytes, {len(arrays['roots'])} trees) "
          "and its card")


def dev_section(issues: list[dict], fresh: set[str], blind: list[dict]) -> None:
    """The real newsletters of the dev set (no rules file of their own: the structural
    engine), by models trained on every corpus here (but the fresh ones); with ``--blind``
    also the stacker trained on every sweep's blind rules ('stacked-b'), as it would ship."""
    from service.ingest.scoring import gold_issues

    shared = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
    dev = [build(raw_issue(g.source, {"file": g.path.name, "stories": list(g.headlines)},
                           g.path)) for g in gold_issues(shared)]
    train = [i for i in issues if i["corpus"] not in fresh]
    y = np.asarray([label for issue in train for label in issue["labels"]], dtype=int)
    models = {stacked: _fit("hgb", _matrix(train, stacked), y) for stacked in (False, True)}
    probabilities = {stacked: {i: models[stacked].predict_proba(_matrix([issue], stacked))[:, 1]
                               for i, issue in enumerate(dev)} for stacked in (False, True)}
    rows = {"rules": None, "rules@units": None, "layout": probabilities[False],
            "stacked": probabilities[True], "guarded": probabilities[True], "bound": None}
    if blind:
        blind_y = np.asarray([label for issue in blind for label in issue["labels"]], dtype=int)
        stacker = _fit("hgb", _matrix(blind, True), blind_y)
        rows["stacked-b"] = rows["guarded-b"] = {
            i: stacker.predict_proba(_matrix([issue], True))[:, 1] for i, issue in enumerate(dev)}
        for v in GUARDS:
            rows[f"guarded.{v}-b"] = rows["guarded-b"]
        for name in EXEMPT:
            rows[name] = rows["guarded-b"]
    totals = tally(dev, rows, lambda issue: [issue["corpus"], "dev set"])
    print(f"\n\nDEV SET: {len(dev)} real issues of {shared / 'data' / 'newsletters'}, the "
          "structural engine; models trained on every corpus above\n")
    table(totals, list(rows), [*sorted({i["corpus"] for i in dev}), "-", "dev set"], "rules",
          "stacked")


if __name__ == "__main__":
    main()
