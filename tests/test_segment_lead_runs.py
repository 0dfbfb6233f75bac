"""A digest whose stories are paragraphs opening with a bold headline run into the text
(service/ingest/lead_runs.py).  Three real newsletters set so were each cut as one story
(stop 38: measured on real issues kept outside the repository); the issues here are
written in our own words, in their three shapes, and beside them the look-alikes that
must stay one story: a story's labels, a speaker's quotes, a sponsor's features, points
under a line ending in a colon."""

from __future__ import annotations

import pytest

from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from tests.test_segment_any import email

TOP = ("<p><a href='https://example.test/web'>View in browser</a></p>"
       "<h1>The Tidewater Brief</h1>")
END = "<hr><p>Share</p><p>Unsubscribe</p>"
TEXT = ("The council said the work would take most of the year and cost more than planned, "
        "and residents will be asked for their views at two meetings next month.")

COLON_UNDER_SECTION = TOP + "<h2>Technology</h2>" + "".join(
    f"<p><strong>{head}:</strong> {TEXT}</p>" for head in (
        "Harbor gets a robot ferry", "Europe weighs chip rules", "Library goes solar",
        "Power to the neighbours")) + END
DASH_AFTER_RULE = (TOP + "<p>In today's email -</p><ul><li>Robot ferry</li>"
                   "<li>Chip rules</li><li>Solar library</li></ul><hr>" + "".join(
                       f"<p><strong>{head}</strong> - {TEXT}</p>" for head in (
                           "License to sail", "Doctor Doctor", "Leaving Harbor",
                           "The mayor's “colossal” plan")) + END)
NUMBERED_UNDER_TAGLINE = (TOP + "<h2>SCIENCE SUNDAY</h2><p><em>The week's discoveries</em></p>"
                          + "".join(f"<p><strong>{n}. {head}:</strong> {TEXT}</p>" for n, head
                                    in enumerate(("Comet seen breaking apart over the bay",
                                                  "Divers map a sunken harbour wall",
                                                  "Engineers test a tide-powered pump"), 1))
                          + END)


@pytest.mark.parametrize(("body", "headlines"), [
    (COLON_UNDER_SECTION, ["Harbor gets a robot ferry", "Europe weighs chip rules",
                           "Library goes solar", "Power to the neighbours"]),
    (DASH_AFTER_RULE, ["License to sail", "Doctor Doctor", "Leaving Harbor",
                       "The mayor's “colossal” plan"]),
    (NUMBERED_UNDER_TAGLINE, ["Comet seen breaking apart over the bay",
                              "Divers map a sunken harbour wall",
                              "Engineers test a tide-powered pump"]),
])
def test_a_run_of_bold_headlines_run_into_their_text_is_a_run_of_stories(
        body: str, headlines: list[str]) -> None:
    stories = segment(parse_issue(email(body, html=True)))
    assert [s.headline for s in stories] == headlines
    assert all(s.text.rstrip().endswith("next month.") for s in stories)


def _one_story(inside: str) -> list[str]:
    body = (TOP + f"<h2>Harbor board approves the ferry plan</h2><p>{TEXT}</p>{inside}"
            + END)
    return [s.headline for s in segment(parse_issue(email(body, html=True)))]


@pytest.mark.parametrize("inside", [
    # a story's labels between its paragraphs
    "".join(f"<p><strong>{label}:</strong> {TEXT}</p>" for label in (
        "What they did", "How good is it", "Why this matters - the harbour's future")),
    # a speaker's words
    "".join(f"<p><strong>{name}:</strong> \"{TEXT}\"</p>" for name in (
        "Dana Morrow", "A harbour pilot", "The mayor")),
    # a product's features, in lower case after the colon
    "".join(f"<p><strong>{name}:</strong> {TEXT.lower()}</p>" for name in (
        "Instant indexing", "Hybrid search", "Pay per query")),
    # points under a line ending in a colon
    "<p>Three worries:</p>" + "".join(f"<p><strong>{name}:</strong> {TEXT}</p>" for name in (
        "Cost and delays", "Noise on the quay", "Fares for residents")),
])
def test_lead_ins_that_are_a_story_s_own_stay_in_it(inside: str) -> None:
    assert _one_story(inside) == ["Harbor board approves the ferry plan"]


def test_lead_ins_used_again_in_the_issue_are_labels() -> None:
    """Each story's "What's next:" and the like: labels come back, headlines do not."""
    story = "".join(f"<p><strong>{label}:</strong> {TEXT}</p>" for label in (
        "The plan in short", "Who pays for it", "What comes next"))
    body = (TOP + f"<h2>Ferry plan approved</h2>{story}<hr>"
            f"<h2>Library goes solar</h2>{story}" + END)
    assert [s.headline for s in segment(parse_issue(email(body, html=True)))] == [
        "Ferry plan approved", "Library goes solar"]
