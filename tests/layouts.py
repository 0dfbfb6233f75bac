"""The blind sweeps' issues (tests/fixtures/layouts/<corpus>/ with its gold.jsonl) and how
well the segmenter cuts them."""

from __future__ import annotations

import json
from pathlib import Path

from service.ingest.parse import parse_issue
from service.ingest.scoring import Score, score
from service.ingest.segment import segment

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def corpus_score(corpus: str) -> Score:
    """Every issue of one sweep cut and scored against its gold headlines, summed."""
    total = Score(0, 0, 0)
    for line in (LAYOUTS / corpus / "gold.jsonl").read_text().splitlines():
        row = json.loads(line)
        issue = parse_issue((LAYOUTS / corpus / row["file"]).read_bytes())
        total += score([s.headline for s in segment(issue)], row["stories"])
    return total
