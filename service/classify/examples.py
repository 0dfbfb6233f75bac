"""Labeled examples: label files in, ``Example`` values out (the training and scoring unit).

An example keeps its newsletter (``source``) so that evaluation can score each
newsletter on its own and leave one out; its ``group`` (newsletter + issue)
keeps an issue's stories on one side of a split.  Examples whose id starts with
"extra-" (hand-written, not newsletter text) are only ever trained on.

The hand-written examples (``models/extra_labels.jsonl``: each theme's
definition and the edge cases THEMES.md decides, in our own words) are part of
the recipe, like its lexicons: ``with_hand_written`` adds them to whatever label
files a command is given, so that `newsalerts train --labels <newsletter files>`
trains what was measured.  Without them a model scores 0.03-0.04 lower on a
newsletter it never saw (models/README.md), and the promotion gate, which
compares recipes on the same labels, cannot see the loss.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from service.domain import THEMES
from service.errors import ModelError
from service.paths import project_file

logger = logging.getLogger(__name__)

__all__ = ["HAND_WRITTEN", "TRAIN_ONLY_PREFIX", "Example", "data_hash", "label_matrix",
           "load_examples", "with_hand_written"]

TRAIN_ONLY_PREFIX = "extra-"
HAND_WRITTEN = Path("models") / "extra_labels.jsonl"  # in the clone; a wheel carries a copy


@dataclass(frozen=True)
class Example:
    """One labeled story; ``group`` keeps an issue's stories on one side of a split."""

    id: str
    text: str
    themes: tuple[str, ...]
    group: str
    source: str = ""  # the newsletter's name ("Import AI"); "" when the label file has none
    # False for a label only readers settled: trained on, never the truth a model is scored
    # against, and never over an annotator's label (labels.py)
    curated: bool = True

    @property
    def train_only(self) -> bool:
        return self.id.startswith(TRAIN_ONLY_PREFIX) or not self.curated


def load_examples(paths: Iterable[Path]) -> list[Example]:
    """Read JSON-lines label files ({"id", "text", "themes", "issue"?, "source"?}); a story
    with no text is skipped, with a warning."""
    examples: list[Example] = []
    empty: list[str] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise ModelError(f"cannot read labels from {path}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ModelError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                             "label files are JSON lines in UTF-8") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            example = _parse_example(line, f"{path}:{number}", path.stem)
            if example.text.strip():
                examples.append(example)
            else:  # nothing to learn from, and trained on without a word (the editor's probe)
                empty.append(f"{path.name}:{number}")
    if empty:
        logger.warning("skipped %d labeled stor%s with no text: %s", len(empty),
                       "y" if len(empty) == 1 else "ies", ", ".join(empty[:5]))
    ids = [e.id for e in examples]
    if len(set(ids)) != len(ids):
        raise ModelError("the label files repeat an example id; each story must appear once")
    return examples


def with_hand_written(examples: Sequence[Example], path: Path | None = None) -> list[Example]:
    """``examples`` plus the hand-written examples (``path``, by default the clone's or the
    installed package's ``HAND_WRITTEN``) whose ids are not among them already.  A label
    file's own version of one wins, with a warning: an old copy would quietly undo a fix."""
    path = path or project_file(HAND_WRITTEN)
    if not path.is_file():
        raise ModelError(f"the hand-written examples are missing: {path} (a broken install? "
                         "reinstall newsalerts)")
    given = {example.id: example for example in examples}
    shipped = load_examples([path])
    differ = [e.id for e in shipped if e.id in given
              and (given[e.id].text, given[e.id].themes) != (e.text, e.themes)]
    if differ:
        logger.warning("the label files give their own version of %d hand-written example(s) "
                       "(%s), used instead of %s", len(differ), ", ".join(differ[:5]), path)
    return [*examples, *(e for e in shipped if e.id not in given)]


def _parse_example(line: str, where: str, file_stem: str) -> Example:
    try:
        row = json.loads(line)
        if not isinstance(row["themes"], list) or not all(
                isinstance(t, str) for t in row["themes"]):
            raise ModelError(f"{where}: \"themes\" must be a list of theme names, such as "
                             f'["policy"] or [] (got {row["themes"]!r:.60})')
        themes = tuple(t for t in THEMES if t in row["themes"])
        unknown = set(row["themes"]) - set(THEMES)
        example_id, text = str(row["id"]), str(row["text"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{where}: not a labeled story ({exc!r})") from exc
    if unknown:
        raise ModelError(f"{where}: unknown themes {sorted(unknown)}; expected some of {THEMES}")
    # a file without "source" is a newsletter of its own, named after the file: two such
    # files were one "(no source)" newsletter, figures and gate alike
    issue, source = row.get("issue"), str(row.get("source") or file_stem)
    group = f"{source}#{issue}" if issue is not None else example_id
    # an export's label that only readers settled stays train-only (labels.merge_examples)
    return Example(id=example_id, text=text, themes=themes, group=group, source=source,
                   curated=row.get("label_source") != "readers")


def label_matrix(examples: Sequence[Example]) -> np.ndarray[Any, Any]:
    """examples x THEMES, True where the example has the theme."""
    return np.array([[t in e.themes for t in THEMES] for e in examples], dtype=bool).reshape(
        len(examples), len(THEMES))


def data_hash(examples: Sequence[Example]) -> str:
    """sha256 of the examples as canonical JSON (sorted by id): same labels, same hash."""
    rows = sorted(({"id": e.id, "text": e.text, "themes": list(e.themes)} for e in examples),
                  key=lambda row: str(row["id"]))
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
