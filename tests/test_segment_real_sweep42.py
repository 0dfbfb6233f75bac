"""Shapes found on real issues of newsletters nobody tuned for (stop 42: a tenth blind set
gathered and cut by hand outside the repository, scored before any rule was written),
rewritten here in our own words, each beside the look-alike it must not take:

- a first "story" whose text, right under its headline (and a subtitle), welcomes the
  reader to this issue or to the newsletter by name is the issue's title over its intro,
  and is dropped (Transformer's post title over "Welcome to Transformer, your weekly
  briefing…"; eight earlier sweeps' issues had the same shape);
- a picture's caption ending in its credit with no colon, an outlet's art desk over an
  agency ("EV Earnings on Deck. Heatmap Illustration/Getty Images"), is no headline.
"""

from __future__ import annotations

import pytest

from service.ingest.captions import CAPTION
from service.ingest.parse import parse_issue
from service.ingest.segment import segment

POINT = ("The council met late into the night and its members said the cost was the part "
         "hardest to agree on, with a vote expected next week.")
STORIES = ["Harbour plan passes after a long night", "Rail strike called off at the last minute"]


def _headlines(opening: str, sender: str = "Tidewater Brief") -> list[str]:
    stories = "".join(f"<p><strong>{headline}.</strong> {POINT}</p>" for headline in STORIES)
    html = f"{opening}<h2>Top stories</h2>{stories}<p>Thanks for reading.</p>"
    data = (f"From: {sender} <brief@tidewater.example>\nTo: reader@example.test\n"
            f"Subject: Tidewater Brief #12\nMessage-ID: <{abs(hash(html))}@t.example>\n"
            f"Content-Type: text/html; charset=utf-8\n\n{html}").encode()
    return [story.headline for story in segment(parse_issue(data))]


@pytest.mark.parametrize("welcome", [
    "Welcome to Tidewater Brief, your weekly look at what matters on the coast.",
    "Hello and welcome to the Tidewater Brief! Forwarded this? Subscribe below.",
    "Welcome to issue 47. This week: a plan, a strike and a late vote.",
    "Welcome back to the November edition. The nights are drawing in.",
])
def test_a_title_over_a_welcome_to_the_issue_is_its_intro(welcome: str) -> None:
    opening = ("<h2>Can the harbour plan survive?</h2>"
               "<p><em>Tidewater Brief: a plan passes, and more</em></p>"
               f"<p>{welcome}</p><p><strong>Housekeeping:</strong> a shorter issue today.</p>")
    assert _headlines(opening) == STORIES


@pytest.mark.parametrize(("headline", "text"), [
    # a story's news told as a welcome: to a shop, to an edition of something else
    ("The risograph that prints in gold",
     "Welcome to the metallic ink edition of our printer: the makers released a gold drum "
     "this week, and the first posters are already on the wall by the door."),
    # a letter welcoming new readers, then its essay
    ("Evaluations are the new moat",
     "Welcome to the 214 new readers who joined since last week. This week is about why "
     "the labs now compete on their tests more than on their models."),
    ("Welcome to the Neighbourhood: three shops open on Mill Street",
     "A bakery, a bike repair shop and a bookshop opened their doors on Saturday morning."),
    # (from the review of this rule) a report's own edition; an event named after the
    # sender; an address that is no issue's number
    ("The 2025 Harbour Index is out",
     "Welcome to the 2025 edition of the Harbour Index report. This year it tracks freight "
     "falling by a third and the rise of small ports."),
    ("Everything we showed at the summit",
     "Welcome to Tidewater Brief Summit 2025! Three new ferries, a timetable app and a "
     "season ticket for every island."),
    ("The mayor's first day in office",
     "Welcome to Number 10: the new mayor moved in on Monday and met the harbour board."),
])
def test_a_story_whose_text_welcomes_to_something_else_stays(headline: str, text: str) -> None:
    opening = f"<h2>{headline}</h2><p>{text}</p><p>{POINT}</p>"
    assert _headlines(opening)[0] == headline


def test_a_post_whose_essay_follows_the_welcome_stays_a_story() -> None:
    """The title, the welcome, then the lead essay in the same cut (the review of this
    rule): dropping the intro took the essay with it."""
    essay = f"<p>{POINT} {POINT}</p>" * 3
    opening = ("<h2>Can the harbour plan survive?</h2><p>Welcome to Tidewater Brief, your weekly "
               f"look at what matters on the coast.</p>{essay}")
    assert _headlines(opening)[0] == "Can the harbour plan survive?"


@pytest.mark.parametrize(("line", "caption"), [
    ("Ferries on the Sound. Tidewater Illustration/Getty Images", True),
    ("The harbour at dawn. Photo/Reuters", True),
    # headlines that name such words are none
    ("Photos/Getty Images licensing deal signed", False),
    ("Harbour plan passes. Illustration/Getty Images deal follows", False),
])
def test_a_caption_ending_in_an_art_desk_and_an_agency_is_a_caption(
        line: str, caption: bool) -> None:
    assert bool(CAPTION.search(line)) is caption
