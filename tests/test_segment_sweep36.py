"""The thirty-sixth blind sweep (10 AI newsletters sent as plain text only, a helper that
never read the rules): 0.483 blind, the lowest of any sweep.  Mended here, for an issue
written so throughout: "→" and other arrows as bullet marks, a quick hit's "Headline:
summary" or "Headline -- summary" over its own address, a bullet's "Headline —" pointing at
its address on the next line.  A read-only review of the first version found seven ways a
story's own points became stories or lost its headline; each is a test here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.ingest.parse import parse_issue
from service.ingest.plain_items import dashed_head
from service.ingest.segment import segment

SWEEP = Path(__file__).parent / "fixtures" / "layouts" / "sweep36"


def _plain(body: str) -> list[str]:
    data = ("From: Signal <hi@signal.example>\nTo: r@example.test\nSubject: Signal/Noise\n"
            "Message-ID: <s-1@example.test>\nContent-Type: text/plain; charset=utf-8\n\n"
            + body).encode()
    return [s.headline for s in segment(parse_issue(data))]


QUICK_HITS = """SIGNAL/NOISE · Tuesday, June 10, 2025

Good morning. Six items, zero fluff.

MODELS
→ Veridian cuts API prices in half: Its flagship Auric-4 model now costs
  $1.50 per million input tokens, undercutting its two closest rivals.
  https://veridian.example/blog/pricing-update
→ Sorrel releases a 7B coder that runs on a laptop: Apache-2.0, 128K
  context, and a strong score on repo-level tasks.
  https://sorrel.example/blog/coder

MONEY
→ Quarrystone raises $85M for AI-native accounting: The Series B values the
  bookkeeping-agent startup at $900M.
  https://quarrystone.example/press/series-b
→ Haskett Capital launches a $400M robotics fund: Its first two checks go to
  warehouse and farm robots. https://haskett.example/news/fund-iv
"""


def test_a_quick_hits_brief_with_arrow_bullets() -> None:
    """"→" was no bullet mark, so every item was text outside any story (0.0 blind)."""
    assert _plain(QUICK_HITS) == ["Veridian cuts API prices in half",
                                  "Sorrel releases a 7B coder that runs on a laptop",
                                  "Quarrystone raises $85M for AI-native accounting",
                                  "Haskett Capital launches a $400M robotics fund"]


def test_podcast_notes_headlines_pointing_at_their_addresses() -> None:
    body = ("NEWS WE DISCUSSED\n\n"
            "- Veridian cuts API prices in half —\n"
            "  https://veridian.example/blog/pricing-update\n"
            "- Ridgeway report: most AI audit firms lack independence —\n"
            "  https://ridgeway.example/reports/audit-market-2025\n")
    assert _plain(body) == ["Veridian cuts API prices in half",
                            "Ridgeway report: most AI audit firms lack independence"]


@pytest.mark.parametrize(("text", "head"), [
    ("Kittiwake ships its first warehouse arms — 40 units went live.",
     "Kittiwake ships its first warehouse arms"),
    # a colon or " -- " is a quick hit's only over a whole issue of them (plain.py)
    ("Veridian cuts API prices in half: Its flagship model now costs less. "
     "https://v.example/p", ""),
    ("Drivers will pay eight dollars at peak hours -- less for electric cars.", "")])
def test_a_bullet_s_head(text: str, head: str) -> None:
    assert dashed_head(text) == head


STORY = ("Congestion Charge Approved for the City Centre\n\nThe council voted 31-12 on "
         "Tuesday to charge drivers entering the centre at peak hours.\n\n{points}\n\n"
         "Open Models Catch Up on Coding Benchmarks\n\nThree open-weight models now match "
         "last year's best closed model on the repo-level benchmark.\n")


@pytest.mark.parametrize("points", [
    # a story's points set with arrows, sub-bullets, " -- " and a source at the end (the
    # review of the first version: each became a story, or took its headline away)
    "→ Revenue: $30B, up 122%\n→ Data center: $26.3B\n→ Guidance: $32.5B next quarter",
    "- Drivers will pay eight dollars at peak hours -- less for electric cars and nothing "
    "at all on weekends, the city said in a statement.",
    "→ Install Ollama from the official site and open the app once to start the server.\n"
    "→ Open a terminal and pull a model with ollama pull and wait for the download.\n"
    "→ Point your editor plugin at http://localhost:11434 so completions use the model."])
def test_a_story_s_points_stay_its_text(points: str) -> None:
    assert _plain(STORY.format(points=points)) == [
        "Congestion Charge Approved for the City Centre",
        "Open Models Catch Up on Coding Benchmarks"]


def test_the_sweep_s_quick_hits_issue_is_cut_as_its_gold() -> None:
    gold = {row["file"]: row["stories"] for row in map(
        json.loads, (SWEEP / "gold.jsonl").read_text(encoding="utf-8").splitlines())}
    name = "03_beehiiv_signalnoise_quick-hits.eml"
    headlines = [s.headline for s in segment(parse_issue((SWEEP / name).read_bytes()))]
    assert len(headlines) >= len(gold[name]) - 1 and headlines[:3] == gold[name][:3]


def test_a_paragraph_s_chapter_list_is_read_once_not_once_per_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each line of a paragraph asked whether all its lines were a chapter list: 4 MB of
    Title Case <br> lines took 56 minutes (bench/segment.py; stop 29 measured 9 s)."""
    from service.ingest import bylines

    calls = 0
    pattern = bylines.CHAPTER_LINE

    class Counting:
        def match(self, text: str) -> object:
            nonlocal calls
            calls += 1
            return pattern.match(text)

    monkeypatch.setattr(bylines, "CHAPTER_LINE", Counting())
    lines = 3000
    body = "<p>" + "Robots Learn Fold Shirts<br>" * lines + "</p>"
    data = ("From: a@b.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n"
            + body).encode()
    segment(parse_issue(data))
    assert calls < 10 * lines  # 9,000,000 before
