"""What ``newsalerts segment`` prints of an issue's cut (segment.py makes the cut).

One plain dict per story (the command's JSON lines), or with ``--explain`` each
story start and why: the structural engine's notes, or the separators engine's
headlines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from service.ingest.parse import parse_issue
from service.ingest.rules import STRUCTURE, SourceRules, rules_for
from service.ingest.segment import by_structure, segment, segment_file

__all__ = ["explain", "segment_records"]


def segment_records(
    paths: Iterable[Path | str], rules: Sequence[SourceRules] | None = None
) -> Iterator[dict[str, object]]:
    """One plain dict per story, for the CLI's ``newsalerts segment`` (JSON lines)."""
    for path in paths:
        for story in segment_file(Path(path), rules):
            yield {
                "file": str(path),
                "index": story.index,
                "headline": story.headline,
                "text": story.text,
                "fiction": story.fiction,
                "url": story.url,
                "section": story.section,
            }


def explain(path: Path, rules: Sequence[SourceRules] | None = None) -> list[str]:
    """How ``newsalerts segment --explain`` shows an issue's cut: each story start and why."""
    issue = parse_issue(Path(path).read_bytes())
    source = rules_for(issue.envelope, rules)
    head = f"{path}: rules {source.name!r}, engine {source.engine}"
    if source.engine == STRUCTURE:
        return [head, *by_structure(issue, source)[1]]
    stories = segment(issue, rules)
    return [head, *(f"{i}. separator/headline pattern: {s.headline!r}" for i, s in
                    enumerate(stories))]
