"""Segment: what the twenty-third sweep's issues still lost (stop 29), and the twenty-fourth
blind sweep's rules.  Every issue here is written for these tests (no newsletter text)."""

from __future__ import annotations

import pytest

from service.ingest.bylines import LINKED_AUTHORS
from service.ingest.headlines import is_byline
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from tests.test_segment_any import email

RULE = "-" * 70
PAPERS = [("Sparse Routing Revisited for Long Documents",
           "Ferreira, Lind (Univ. of Tarrow) -- https://arxiv.org/abs/2503.20411"),
          ("Lookup Tables Inside Arithmetic Heads", "Oyelaran, Becker, Ng -- "
           "https://arxiv.org/abs/2503.18820"),
          ("A Negative Result on State-Space Learners", "Kaur et al. -- "
           "https://arxiv.org/abs/2503.22190")]
SUMMARY = ("Argues that the usual advice comes from badly tuned baselines, and shows that a "
           "properly warmed-up run matches the large one in tokens to target.")


def _plain_headlines(body: str) -> list[str]:
    return [s.headline for s in segment(parse_issue(email(body)))]


def test_a_reading_list_s_papers_are_headlined_by_their_titles_not_their_authors() -> None:
    papers = "".join(f"{RULE}\n{title}\n{authors}\n\n{SUMMARY}\n\n" for title, authors in PAPERS)
    body = (f"Hi all,\n\nHere are the candidates for Thursday. Vote in the channel by noon.\n\n"
            f"{papers}See you Thursday,\n\nRafael\n")
    assert _plain_headlines(body) == [title for title, _ in PAPERS]


@pytest.mark.parametrize("line", [authors for _, authors in PAPERS] + [
    "Mbeki, Tan, Olsen and Haddad — https://arxiv.org/abs/2503.17736",
    "Ivanova & Petit · arXiv:2503.23315"])
def test_surnames_over_a_paper_s_address_are_its_authors(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize("line", ["Quillstack -- https://quillstack.example",
                                  "Read the paper -- https://arxiv.org/abs/2503.20411",
                                  "Sparse Routing Revisited -- https://arxiv.org/abs/2503.20411",
                                  "Ferreira, Lind (Univ. of Tarrow) -- see the thread"])
def test_a_tool_or_a_title_over_an_address_is_no_author_line(line: str) -> None:
    assert not LINKED_AUTHORS.match(line)


def test_the_authors_pattern_is_linear_on_hostile_lines() -> None:
    import time
    started = time.process_time()
    for line in ["Ab, " * 30_000 + "x", "Ab, Cd -- https://" + "a" * 100_000 + " b",
                 "Ab et al. (" + "x" * 100_000]:
        LINKED_AUTHORS.match(line)
    assert time.process_time() - started < 2
