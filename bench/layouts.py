"""Does the classifier's answer depend on how a story's text is laid out?

    .venv/bin/python bench/layouts.py [--seeds 3]

The same labeled stories, written three ways at scoring time:

- "as labeled": the label files' text (Last Week in AI: one line, "Headline - summary");
- "pipeline": as the segmenter gives a story (the headline on a line of its own
  above the text, unless the text's first line is the headline already);
- "one line": every line break removed (a story in one paragraph: a bold lead-in, or
  text whose line breaks were lost);
- "wrapped": every line wrapped at 72 columns (a plain-text newsletter);
- "linked": the first line a markdown link to an address whose slug repeats it;
- "bulleted": the body one sentence a line, each a "• " item (a bullet digest);

each scored as it is, through ``reading.headline_line`` alone and through
``reading.as_read`` (what ``Classifier`` does: wraps joined, then a headline line),
and by a model whose training texts were read through it too ("trained read").
Prints macro F1 (per theme for the newsletter left out): leave one newsletter out
(Import AI, Last Week in AI; trained on the others + the hand-written examples) and
grouped 5-fold CV by issue over ``--seeds`` fold shuffles.  Results: models/README.md,
seventh pass.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.classify.evaluation import source_f1  # noqa: E402
from service.classify.examples import Example, label_matrix, load_examples  # noqa: E402
from service.classify.reading import as_read, headline_line  # noqa: E402
from service.classify.recipe import train_model  # noqa: E402
from service.domain import THEMES  # noqa: E402

SHARED = Path(os.environ.get("NEWSALERTS_SHARED", ROOT.parent / "shared"))
LABELS = sorted((SHARED / "data" / "labeled").glob("*.jsonl"))
EXTRA = ROOT / "models" / "extra_labels.jsonl"
LEFT_OUT = ("Import AI", "Last Week in AI")


def _headlines() -> dict[str, str]:
    """example id -> its headline, from the label files' "headline" field."""
    return {row["id"]: str(row.get("headline") or "") for path in LABELS
            for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def layouts(headlines: dict[str, str]) -> dict[str, Callable[[Example], str]]:
    def pipeline(example: Example) -> str:
        headline = headlines.get(example.id, "")
        if not headline or example.text.partition("\n")[0].strip() == headline.strip():
            return example.text
        return f"{headline}\n{example.text}"
    return {"as labeled": lambda e: e.text, "pipeline": pipeline,
            "one line": lambda e: re.sub(r"\s*\n\s*", " ", e.text),
            "wrapped": lambda e: "\n".join(textwrap.fill(line, 72) for line in e.text.split("\n")),
            "linked": linked, "bulleted": bulleted}


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def bulleted(example: Example) -> str:
    """The headline, then every sentence of the body as a "• " item (a bullet digest)."""
    head, _, body = example.text.partition("\n")
    items = [s for line in body.split("\n") for s in _SENTENCE.split(line) if s.strip()]
    return head + "\n" + "\n".join(f"• {item}" for item in items)


def linked(example: Example) -> str:
    """The first line as a markdown link whose address repeats its words (a news slug)."""
    first, newline, rest = example.text.partition("\n")
    slug = "-".join(re.findall(r"[a-z0-9]+", first.lower())[:12])
    return (f"[{first}](https://news.example.com/2025/01/{slug}/?utm_source=newsletter"
            f"&utm_campaign=weekly){newline}{rest}")


READINGS: dict[str, Callable[[str], str]] = {"as it is": lambda text: text,
                                             "headline line": headline_line,
                                             "as_read": as_read}


def _fit(train: Sequence[Example], read_training: bool) -> Any:
    if read_training:
        train = [Example(e.id, as_read(e.text), e.themes, e.group, e.source)
                 for e in train]
    return train_model(train)


def left_out(scored: list[Example], extra: list[Example],
             forms: dict[str, Callable[[Example], str]]) -> None:
    print("left out: macro (safety policy compute robotics)")
    for read_training in (False, True):
        for source in LEFT_OUT:
            model = _fit([e for e in scored if e.source != source] + extra, read_training)
            test = [e for e in scored if e.source == source]
            truth = label_matrix(test)
            for form, write in forms.items():
                for reading, read in READINGS.items():
                    if read_training and reading != "as_read":
                        continue
                    texts = [read(write(e)) for e in test]
                    f1 = source_f1(truth, np.asarray(model.predict_proba(texts)) >= 0.5)
                    themes = " ".join(f"{f1[t] or 0:.2f}" for t in THEMES)
                    trained = "trained read, " if read_training else ""
                    print(f"  {source:16} {form:11} {trained}{reading:14} "
                          f"{f1['macro'] or 0:.3f} ({themes})", flush=True)


def grouped_cv(scored: list[Example], extra: list[Example],
               forms: dict[str, Callable[[Example], str]], seeds: int) -> None:
    print(f"grouped 5-fold CV by issue, mean of {seeds} fold shuffles: all / Import AI / LWAI")
    truth = label_matrix(scored)
    sources = np.array([e.source for e in scored])
    results: dict[tuple[str, str], list[tuple[float, ...]]] = {}
    for read_training in (False, True):
        for seed in range(seeds):
            groups = sorted({e.group for e in scored})
            np.random.RandomState(seed).shuffle(groups)
            fold_of = {group: i % 5 for i, group in enumerate(groups)}
            predicted = {(f, r): np.zeros_like(truth) for f in forms for r in READINGS}
            for fold in range(5):
                fit = [e for e in scored if fold_of[e.group] != fold] + extra
                test = [i for i, e in enumerate(scored) if fold_of[e.group] == fold]
                model = _fit(fit, read_training)
                for (form, reading), into in predicted.items():
                    texts = [READINGS[reading](forms[form](scored[i])) for i in test]
                    into[test] = np.asarray(model.predict_proba(texts)) >= 0.5
            for (form, reading), found in predicted.items():
                if read_training and reading != "as_read":
                    continue
                key = (form, ("trained read, " if read_training else "") + reading)
                results.setdefault(key, []).append(tuple(
                    source_f1(truth[mask], found[mask])["macro"] or 0.0
                    for mask in (np.ones(len(scored), bool), sources == LEFT_OUT[0],
                                 sources == LEFT_OUT[1])))
    for (form, reading), rows in results.items():
        mean = np.mean(rows, axis=0)
        print(f"  {form:11} {reading:29} " + " / ".join(f"{x:.3f}" for x in mean))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    scored = load_examples(LABELS)
    extra = load_examples([EXTRA])
    forms = layouts(_headlines())
    left_out(scored, extra, forms)
    grouped_cv(scored, extra, forms, args.seeds)


if __name__ == "__main__":
    main()
