"""`newsalerts classify`: tag JSON lines of stories with the active model's themes.

Added to the main ``newsalerts`` group by main.py.  Lines are scored in batches
(the vectorizers are much faster per batch); a bad line is reported with its
number and skipped, and the rest are still tagged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from service.cli.glue import Command
from service.cli.models import chosen_models_dir, models_dir_option
from service.domain import Story
from service.errors import ModelError

# scikit-learn takes seconds and ~90 MB to import: only when a command runs.
if TYPE_CHECKING:
    from service.classify.model import Classifier

BATCH = 256  # lines scored together


@click.command("classify", cls=Command)
@click.argument("source", type=click.File("rb"), default="-")
@models_dir_option()
def classify_command(source: IO[bytes], models_dir: Path | None) -> None:
    """Tag JSON lines {"id", "text"} from SOURCE (default stdin) with themes.

    An optional "headline" is read as the story's first line, as the pipeline
    gives it (a label file's lines can be given as they are).  Writes one JSON
    line per input: {"id", "themes": [...], "scores": {theme: 0..1}}.  A bad
    line is reported on stderr with its number and skipped; when no line could be
    tagged, the exit status is 1.
    """
    from service.classify.model import Classifier

    classifier = Classifier.load(chosen_models_dir(models_dir))
    bad = tagged = 0
    for batch in _batches(_requests(source)):
        good = [(number, request) for number, request in batch if isinstance(request, dict)]
        for number, request in batch:
            if isinstance(request, str):
                bad += 1
                click.echo(f"classify: line {number}: {request}; skipped", err=True)
        _write_tagged(classifier, [request for _, request in good])
        tagged += len(good)
    if bad and not tagged:
        raise ModelError(f"none of the {bad} line(s) is a story to tag "
                         '(JSON lines {"id", "text"})')
    if bad:
        click.echo(f"classify: {bad} bad line(s) skipped", err=True)


def _requests(source: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, request or the reason it is not one), for every non-blank line.  Read
    as bytes, so a line that is not UTF-8 is one bad line (it was a traceback); a
    byte-order mark before the first is not part of it."""
    for number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield number, f"not UTF-8 ({exc.reason} at byte {exc.start})"
            continue
        if line.strip():
            yield number, _parse_request(line)


def _parse_request(line: str) -> dict[str, Any] | str:
    try:
        request = json.loads(line)
    except ValueError as exc:
        return f"not JSON ({exc})"
    if not isinstance(request, dict):
        return "not a JSON object"
    if "id" not in request:
        return 'no "id"'
    if not isinstance(request.get("text"), str):
        return '"text" missing or not a string'
    if not isinstance(request.get("headline", ""), str):
        return '"headline" not a string'
    return request


def _batches(items: Iterator[tuple[int, dict[str, Any] | str]]
             ) -> Iterator[list[tuple[int, dict[str, Any] | str]]]:
    batch: list[tuple[int, dict[str, Any] | str]] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_tagged(classifier: Classifier, requests: Sequence[Mapping[str, Any]]) -> None:
    scores = classifier.score_stories([Story(index=0, headline=r.get("headline") or "",
                                             text=r["text"]) for r in requests])
    for request, score in zip(requests, scores, strict=True):
        themes = [t for t in classifier.themes if score[t] >= classifier.thresholds[t]]
        rounded = {t: round(score[t], 4) for t in classifier.themes}
        click.echo(json.dumps({"id": request["id"], "themes": themes, "scores": rounded},
                              ensure_ascii=False))
