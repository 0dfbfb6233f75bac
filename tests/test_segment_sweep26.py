"""The twenty-sixth blind sweep's buttons: a link alone on its line that is a call to action,
not a one-line item (service/ingest/buttons.py).  Each was a story before; the same words
at the head of news stay headlines."""

from __future__ import annotations

import pytest

from service.ingest.buttons import CALL_TO_ACTION, READ_MORE
from service.ingest.bylines import ISSUE_DATE
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import ZONES
from tests.test_segment_any import email


@pytest.mark.parametrize("text", [
    "View this changelog on the web", "E-Mail im Browser ansehen", "Take the survey",
    "Book your place", "Send us your question", "Support the museum", "Forward to a friend",
    "Share Prompt Wire with a friend", "Share on XShare on LinkedInShare on Bluesky",
    "Share on X · Share on LinkedIn", "Demo buchen →", "Request a demo", "Apple Podcasts",
    "Apple Podcasts · Spotify · Overcast", "Listen to the bonus episode →",
    "See more jobs on the Prompt Wire Job Board",
])
def test_a_call_to_action_is_a_button(text: str) -> None:
    assert CALL_TO_ACTION.match(text)


@pytest.mark.parametrize("text", [
    "Take the money and run", "Support grows for the permitting bill",
    "Share prices fall with rates", "Spotify cuts 1,500 jobs", "Apple Podcasts adds transcripts",
    "Book publishers sue over AI training", "Send in the drones: the Army's new doctrine",
    "Forward guidance is back at the Fed", "See more: the year in charts and maps of the region",
])
def test_news_that_opens_with_the_same_words_is_no_button(text: str) -> None:
    assert not CALL_TO_ACTION.match(text)


def test_a_survey_link_under_a_story_is_not_a_story() -> None:
    body = """<h2>Have your say on the Quayside cycle lane</h2>
<p>The council wants to hear from residents before the design is fixed in April. Two
options are on the table, one of them removing twelve parking spaces.</p>
<p><a href="https://council.example/survey">Take the survey</a></p>
<h2>Bin collections move a day later over Easter</h2>
<p>Collections from Good Friday to Easter Monday happen one day later than usual.</p>
<p><a href="https://council.example/fwd">Forward to a friend</a></p>"""
    stories = segment(parse_issue(email(body, html=True)))
    assert [s.headline for s in stories] == ["Have your say on the Quayside cycle lane",
                                             "Bin collections move a day later over Easter"]


def test_this_week_at_a_glance_is_a_recap_and_join_our_team_a_jobs_board() -> None:
    items = [("Quillon's 9B model runs on a laptop GPU", "The model fits in 12 GB of memory "
              "and runs at twenty tokens a second on a mid-range card, the lab says."),
             ("Datacenter power contracts hit a record in January", "Utilities signed 9 GW of "
              "new contracts with datacenter builders in one month, twice last year's pace.")]
    recap = "".join(f"<li>{headline}</li>" for headline, _ in items)
    stories = "".join(f"<h2>{headline}</h2><p>{text}</p>" for headline, text in items)
    body = (f"<p><b>This week at a glance</b></p><ul>{recap}</ul>{stories}"
            "<p><b>Join our team</b></p>"
            "<p><a href='https://jobs.example/1'>Senior Policy Analyst, Grid Modernization</a></p>"
            "<p><a href='https://jobs.example/2'>Communications Associate</a></p>")
    assert [s.headline for s in segment(parse_issue(email(body, html=True)))] == [
        headline for headline, _ in items]


@pytest.mark.parametrize("text", ["Get a quote", "Get a free estimate",
                                  "See more of what you like and less of what you don’t."])
def test_more_calls_to_action(text: str) -> None:
    assert CALL_TO_ACTION.match(text)


def _headings_over(items: list[tuple[str, str]]) -> list[str]:
    html = "".join(f"<h2>{headline}</h2><p>{text}</p>" for headline, text in items)
    return [s.headline for s in segment(parse_issue(email(html, html=True)))]


def test_a_run_of_headlines_each_over_one_short_sentence_is_a_run_of_stories() -> None:
    """Each was a section's name over a line (a masthead's shape), so the issue was one
    story under its subject (found while writing the digest tests, stop 30)."""
    items = [("OpenSSH 10.2 fixes ProxyJump", "A hostname could inject shell commands."),
             ("PyPI requires 2FA for owners", "Owners must enable it by December 31."),
             ("Go 1.25.4 fixes a DoS bug", "Malformed certificates took minutes.")]
    assert _headings_over(items) == [headline for headline, _ in items]


def test_a_tagline_over_long_stories_and_a_listing_stay_what_they_were() -> None:
    assert _headings_over([
        ("The Weekly Gradient Newsletter", "Notes on machine learning, every Friday."),
        ("PyPI requires 2FA for owners", "Owner accounts must enable two-factor "
         "authentication by December 31, the foundation said on Tuesday."),
        ("Go 1.25.4 fixes a DoS bug", "Parsing some malformed certificates could take "
         "minutes of CPU time, the Go team said in its release notes.")]) == [
        "PyPI requires 2FA for owners", "Go 1.25.4 fixes a DoS bug"]
    listing = _headings_over([("Berlin · April 16", "Talks on retrieval at the Factory."),
                              ("Toronto · April 21", "A panel on evals at the Hub, 6 pm."),
                              ("Meetup organisers adopt a shared code", "The code covers "
                               "every chapter's events from May, the organisers said on "
                               "Monday after a vote.")])
    assert "Toronto · April 21" not in listing


# ---- the twenty-seventh sweep's (stop 30, written blind after the twenty-sixth's rules) ----


@pytest.mark.parametrize("text", [
    "Enter now", "SHOP THE BOX", "All fixtures and results", "Full district calendar",
    "See all 140+ open roles on our job board →", "Découvrir le programme →",
    "Spotify · Apple Podcasts · YouTube",
])
def test_the_twenty_seventh_sweep_s_buttons(text: str) -> None:
    assert CALL_TO_ACTION.match(text)


@pytest.mark.parametrize("text", ["Shop the look of the year in Paris now open",
                                  "YouTube bans AI slop", "Enter the dragon",
                                  "All results are in for the election",
                                  # a company's name may head its news (the review)
                                  "YouTube", "Spotify", "Shop the look", "Enter the competition",
                                  "Full Moon calendar", "All results"])
def test_news_that_opens_like_those_buttons(text: str) -> None:
    assert not CALL_TO_ACTION.match(text)


@pytest.mark.parametrize(("title", "zone"), [
    ("Climate jobs", "jobs"), ("💼 Security jobs", "jobs"), ("Portfolio jobs", "jobs"),
    ("Au sommaire", "recap"), ("This week in 30 seconds", "recap"),
    ("Dans ce numéro", "recap"), ("Tech jobs vanish", None),
    # over news, not postings (the review): "Steel jobs", "Gender roles", "Store openings";
    # a headline that opens like a recap title is news
    ("Steel jobs", None), ("Gender roles", None), ("Restaurant openings", None),
    ("Au sommaire du Conseil de Paris : la gratuité des transports", None),
    ("Nesta edição do Rock in Rio, 700 mil pessoas", None),
])
def test_the_twenty_seventh_sweep_s_zone_titles(title: str, zone: str | None) -> None:
    assert next((name for name, pattern in ZONES.items() if pattern.search(title)), None) == zone


def test_a_field_s_jobs_over_news_is_news_and_over_postings_a_jobs_board() -> None:
    news = ("<h2>Council passes the budget</h2><p>The council passed next year's budget on "
            "Tuesday night after a four-hour debate over bus fares and libraries.</p>"
            "<h2>Steel jobs</h2><p>The mill will hire 300 people when its new furnace opens "
            "in May, the company said, the first hiring round in ten years.</p>"
            "<h2>Transit adds late buses</h2><p>Three routes will run until 1 a.m. from "
            "March, after a pilot on route 4 doubled its late-night riders.</p>")
    assert "Steel jobs" in [s.headline for s in segment(parse_issue(email(news, html=True)))]
    jobs = news.replace("<h2>Steel jobs</h2><p>The mill", "<h2>Interesting jobs</h2>"
                        "<p><b>Platform Engineer at Finchly</b> Remote, full time.</p><p>The mill")
    assert "Platform Engineer at Finchly" not in [
        s.headline for s in segment(parse_issue(email(jobs, html=True)))]
    # one plural role before "at" is news, not a posting: the items stay (both were lost
    # before the last read of the change)
    layoffs = news.replace(
        "<h2>Steel jobs</h2><p>The mill", "<h2>Tech jobs</h2><ul><li><a href='https://n.example"
        "/meta'>Engineers at Meta protest layoffs</a> — hundreds walked out on Tuesday over "
        "the cuts.</li><li><a href='https://n.example/chips'>Chipmakers hire again in Ohio"
        "</a> — two fabs add 900 jobs this spring.</li></ul><p>The mill")
    headlines = [s.headline for s in segment(parse_issue(email(layoffs, html=True)))]
    assert {"Engineers at Meta protest layoffs", "Chipmakers hire again in Ohio"} <= set(headlines)


def test_an_issue_s_closing_pair_is_no_run_of_news() -> None:
    """Titles over one short sentence count as news in a run of three, and not when the
    newsletter speaks ("We write…", "Write to us…") or asks (the review)."""
    long = ("Owner accounts must enable two-factor authentication by December 31, the "
            "foundation said on Tuesday after a phishing wave.")
    items = [("PyPI requires 2FA for owners", long), ("Go 1.25.4 fixes a DoS bug", long),
             ("About The Morning Circuit", "We write about chips every single week."),
             ("Contact the editors directly", "Write to us at editors@circuit.example.")]
    assert _headings_over(items) == ["PyPI requires 2FA for owners", "Go 1.25.4 fixes a DoS bug"]


# ---- the twenty-eighth sweep's (stop 30, written blind after the review above) ----


@pytest.mark.parametrize("text", [
    "Zur Pressemitteilung", "Modell auf Hugging Face", "Zur Studie (PDF)", "Video ansehen",
    "Read on the Quillstone blog", "Register for webinars", "See the Book Van schedule",
    "Make a gift today", "Get the Jetpack app", "See dates & book", "Book now",
])
def test_the_twenty_eighth_sweep_s_buttons(text: str) -> None:
    assert CALL_TO_ACTION.match(text) or READ_MORE.match(text)


@pytest.mark.parametrize("text", [
    "Register for the event of the year: a guide", "Get the app store ruling",
    "Make a gift economy work", "Video ansehen: Der Bundestag streitet",
])
def test_news_that_opens_like_the_twenty_eighth_sweep_s_buttons(text: str) -> None:
    assert not (CALL_TO_ACTION.match(text) or READ_MORE.match(text))


def test_a_quick_poll_s_answers_are_no_stories() -> None:
    """"🗳️ Quick poll: …?" over its linked answers (the twenty-eighth sweep's beehiiv
    briefing): the answers were three one-line stories."""
    news = ("<h2>Halcyon AI raises $1.2B to design its own inference chips</h2><p>The round "
            "values the two-year-old company at $9B; the first chip tapes out next spring.</p>")
    poll = ("<p><b>🗳️ Quick poll: Would you pay more for a model that thinks longer?</b></p>"
            + "".join(f"<p><a href='https://poll.example/{n}'>{answer}</a></p>"
                      for n, answer in enumerate(["🧠 Yes, accuracy is everything",
                                                  "⚡ No, I need speed",
                                                  "🤷 Depends on the task"])))
    after = ("<h2>EU AI Office opens its first formal AI Act inquiry</h2><p>The office asked "
             "a model provider for its training-data summary and its evaluation reports.</p>")
    headlines = [s.headline for s in segment(parse_issue(email(news + poll + after, html=True)))]
    assert headlines == ["Halcyon AI raises $1.2B to design its own inference chips",
                         "EU AI Office opens its first formal AI Act inquiry"]


@pytest.mark.parametrize("line", ["October 14, 2025 | Read time: 5 min",
                                  "Tuesday, March 3, 2026 · Reading time 12 minutes"])
def test_the_issue_s_date_with_its_reading_time_is_its_masthead(line: str) -> None:
    assert ISSUE_DATE.match(line)
