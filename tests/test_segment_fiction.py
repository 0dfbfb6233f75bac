"""Fiction without a rules file: the structural engine marks a story fiction on the
newsletter's own word, a fiction section or a fiction label in its headline.

The issues here are written for these tests, in our own words; the shared
newsletters are read from ../shared at test time (bench/segment.py, 4.).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from service.ingest.parse import parse_issue
from service.ingest.scoring import Score, fiction_score, gold_issues
from service.ingest.segment import segment
from service.ingest.segment_report import explain
from tests.test_segment_any import GENERIC_ONLY, GOLDEN, SHARED, email

SECTIONS = """<html><body>
<h2>Research</h2>
<h3>A sorting robot learns to handle soft fruit</h3>
<p>Engineers taught a gripper to pick plums without bruising them, using a camera that
watches how the skin gives under its fingers, and the packing line now runs a third faster.</p>
<h3>Short stories from the lab bench</h3>
<p>Three quick results this week: a cheaper spectrometer, a quieter centrifuge and a freezer
that texts its owner when the door is left open, all built by graduate students.</p>
<h2>Short fiction</h2>
<h3>The orchard keeper</h3>
<p>The robot had tended the trees for eleven winters when the farmer stopped coming, and it
kept pruning anyway, because nobody had told it that the harvest no longer mattered.</p>
<p>Things that inspired this story: old orchards, and machines that outlive their purpose.</p>
</body></html>
"""

LABELLED = """Workbench Weekly

Solar kilns dry timber twice as fast
------------------------------------

A woodworking co-op built a solar kiln from old windows and found it dried oak planks in
half the time of its shed, with no electricity bill at all over the summer months.

Fiction: The last night shift
-----------------------------

The lathe spoke first. It had never spoken before, and the apprentice, alone in the
workshop at three in the morning, decided that it was best to answer politely.

Non-fiction reading list
------------------------

Two books on the history of hand tools and one on the first factories, each reviewed by a
reader who works with wood every day and has strong views about chisels.
"""


def test_stories_under_a_fiction_section_are_fiction_and_the_rest_are_not() -> None:
    stories = segment(parse_issue(email(SECTIONS, html=True, subject="Lab Notes 7")))
    assert [(s.headline, s.section, s.fiction) for s in stories] == [
        ("A sorting robot learns to handle soft fruit", "Research", False),
        ("Short stories from the lab bench", "Research", False),
        ("The orchard keeper", "Short fiction", True),
    ]


def test_a_headline_labelled_fiction_is_fiction_and_non_fiction_is_not() -> None:
    stories = segment(parse_issue(email(LABELLED, subject="Workbench Weekly 3")))
    assert [(s.headline, s.fiction) for s in stories] == [
        ("Solar kilns dry timber twice as fast", False),
        ("Fiction: The last night shift", True),
        ("Non-fiction reading list", False),
    ]


def test_explain_says_which_stories_are_fiction(tmp_path: Path) -> None:
    path = tmp_path / "lab.eml"
    path.write_bytes(email(SECTIONS, html=True, subject="Lab Notes 7"))
    lines = explain(path)
    assert sum("[fiction]" in line for line in lines) == 1
    assert any("'The orchard keeper' [section: Short fiction] [fiction]" in line
               for line in lines), lines


def test_the_engine_alone_marks_import_ais_tales_and_nothing_in_the_other_newsletters() -> None:
    """Measured: 37 of 45 tales, never more than an issue holds; nothing elsewhere."""
    totals: dict[str, Score] = defaultdict(lambda: Score(0, 0, 0))
    for gold in gold_issues(SHARED, GOLDEN):
        stories = segment(parse_issue(gold.path.read_bytes()), GENERIC_ONLY)
        totals[gold.source] += fiction_score(sum(s.fiction for s in stories), gold.tales)
    tales = totals.pop("Import AI")
    assert tales.gold == 45 and tales.matched == tales.predicted >= 30, tales
    assert all(s.predicted == 0 for s in totals.values()), totals
