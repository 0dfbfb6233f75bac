"""Layouts from a sweep of 30 issues written like newsletters nobody tuned for (stop 19):
bylines and datelines under headlines, buttons, list items led by a link, a bare
"SPONSORED" label, and essays whose headings are sections of one story.  Every issue
here was written for these tests (no newsletter text), cut by the structural engine as
any unknown newsletter is."""

from __future__ import annotations

import time
from typing import Any

import pytest

from service.domain import Block, Story
from service.ingest.bylines import AUTHOR_DATE, BYLINE, DATELINE, PAPER_AUTHORS
from service.ingest.headlines import is_byline, title_like
from service.ingest.named import name_of
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.structure import _Cutter
from service.ingest.units import Unit
from tests.helpers import REPO
from tests.layouts import corpus_score
from tests.test_segment_any import email

P = ("The council spent most of the evening on the budget, and the vote came only after "
     "a long public comment period that ran past eleven.")


def _stories(html: str, subject: str = "This week") -> list[Story]:
    return segment(parse_issue(email(html, html=True, subject=subject)))


def _headlines(html: str, subject: str = "This week") -> list[str]:
    return [s.headline for s in _stories(html, subject)]


@pytest.mark.parametrize("line", [
    "By Dana Ortiz · June 11, 2024, 11:58pm",
    "Marta Kowalczyk · Mar 3",
    "Tue Jun 4, 6:30pm · Hartwell Mill, Room 2B",
    "Fri Jun 7 · Foundry",
    "June 11, 2024",
    "Adebayo K., Chen R. — Journal of Sleep, 2024",
])
def test_author_and_date_lines_under_a_title_are_its_byline(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize("line", [
    "May Day protests spread", "June 11 vote on the transit levy looms",
    "Mar 3 launch set for the new rover", "Sam Altman · OpenAI", "Readers flock to a new app",
])
def test_headlines_that_open_with_a_month_or_a_name_stay_titles(line: str) -> None:
    assert title_like(line) and not is_byline(line)


def test_a_byline_with_a_date_under_a_headline_is_part_of_its_story() -> None:
    html = (f"<h2>Council approves the levy</h2><p>By Dana Ortiz · June 11, 2024</p><p>{P}</p>"
            f"<h2>Bus routes to change</h2><p>By Marcus Bell</p><p>{P}</p>")
    stories = _stories(html)
    assert [s.headline for s in stories] == ["Council approves the levy", "Bus routes to change"]
    assert "By Dana Ortiz" in stories[0].text


def test_events_are_cut_at_their_titles_not_their_dates() -> None:
    html = (f"<h2>Council approves the levy</h2><p>{P}</p><h2>Events</h2>"
            f"<p><b>Hardware Meetup</b><br>Tue Jun 4, 6:30pm · Mill<br>{P}</p>"
            f"<p><b>Pitch Night</b><br>Fri Jun 7 · Foundry<br>{P}</p>")
    assert _headlines(html) == ["Council approves the levy", "Hardware Meetup", "Pitch Night"]


def test_a_paper_title_over_its_authors_surname_first_is_the_headline() -> None:
    html = (f"<h3>Sleep spindles and memory in older adults</h3>"
            f"<p><i>Adebayo K., Chen R. — Journal of Sleep, 2024</i></p><p>{P}</p>"
            f"<h3>Octopus arms decide on their own</h3>"
            f"<p><i>Reyes J., Tanaka H. — Cephalopod Biology</i></p><p>{P}</p>")
    assert _headlines(html) == ["Sleep spindles and memory in older adults",
                                "Octopus arms decide on their own"]


def test_a_button_under_a_story_is_part_of_it() -> None:
    html = (f"<p><a href='https://n.example/web'>View this issue online</a></p>"
            f"<h2>Council approves the levy</h2><p>{P}</p>"
            f"<p><a href='https://n.example/1'>Read the full story</a></p>"
            f"<h2>Bus routes to change</h2><p>{P}</p>"
            f"<p><a href='https://n.example/2'>Continue reading →</a></p>"
            f"<p><a href='https://n.example/3'>Browse the route maps</a></p>")
    stories = _stories(html)
    assert [s.headline for s in stories] == ["Council approves the levy", "Bus routes to change"]
    assert "Browse the route maps" in stories[1].text


def test_a_link_item_that_opens_like_a_button_but_says_more_is_an_item() -> None:
    html = (f"<h2>Council approves the levy</h2><p>{P}</p><h2>Bus routes change</h2><p>{P}</p>"
            "<p><a href='https://n.example/a'>Readers flock to the new bus app</a> - more than "
            "ten thousand downloads in a week.</p>")
    assert _headlines(html) == ["Council approves the levy", "Bus routes change",
                                "Readers flock to the new bus app"]


@pytest.mark.parametrize("tail", [" over a rearview camera fault.", "."])
def test_bullets_led_by_a_link_are_items_whatever_follows_the_link(tail: str) -> None:
    html = (f"<h2>Council approves the levy</h2><p>{P}</p><h2>Elsewhere</h2><ul>"
            f"<li><a href='https://n.example/a'>Carmaker recalls 200,000 SUVs</a>{tail}</li>"
            f"<li><a href='https://n.example/b'>The central bank holds rates</a>{tail}</li></ul>")
    stories = _stories(html)
    assert [s.headline for s in stories] == ["Council approves the levy",
                                             "Carmaker recalls 200,000 SUVs",
                                             "The central bank holds rates"]
    assert [s.url for s in stories[1:]] == ["https://n.example/a", "https://n.example/b"]


def test_the_title_under_a_bare_sponsored_label_is_the_ad() -> None:
    html = (f"<h2>Council approves the levy</h2><p>{P}</p><p>SPONSORED</p>"
            f"<h2>Stop losing hours to expense reports</h2><p>{P}</p>"
            f"<p><a href='https://ad.example/go'>Try Receiptly free</a></p>"
            f"<h2>Bus routes to change</h2><p>{P}</p>")
    assert _headlines(html) == ["Council approves the levy", "Bus routes to change"]


def test_a_bare_sponsored_label_over_the_first_story_drops_nothing() -> None:
    html = (f"<p>SPONSORED</p><h2>Council approves the levy</h2><p>{P}</p>"
            f"<h2>Bus routes to change</h2><p>{P}</p>")
    assert _headlines(html) == ["Council approves the levy", "Bus routes to change"]


ESSAY = (f"<h1>The quiet economics of repair</h1><h3>Why fixing a toaster costs more</h3>"
         f"<p>Marta Kowalczyk · Mar 3</p><p>♡ Like Comment Restack</p><p>{P}</p>"
         f"<h2>Why things stopped being fixable</h2><p>{P}</p><h3>The parts problem</h3>"
         f"<p>{P}</p><h2>What is changing</h2><p>{P}</p>")


def test_an_essay_under_its_title_and_author_is_one_story() -> None:
    stories = _stories(ESSAY, subject="The quiet economics of repair")
    assert [s.headline for s in stories] == ["The quiet economics of repair"]
    text = stories[0].text
    assert "The parts problem" in text and "What is changing" in text and P in text
    assert "Restack" not in text  # the share bar is housekeeping


def test_an_essay_keeps_its_links_roundup_as_items() -> None:
    links = "".join(f"<li><a href='https://n.example/{n}'>Heat pumps sell out in {city}</a>"
                    f" - installers are booked until autumn.</li>"
                    for n, city in enumerate(["Oslo", "Denver", "Leeds"]))
    stories = _stories(f"{ESSAY}<h2>Links</h2><ul>{links}</ul>",
                       subject="The quiet economics of repair")
    assert [s.headline for s in stories] == [
        "The quiet economics of repair", "Heat pumps sell out in Oslo",
        "Heat pumps sell out in Denver", "Heat pumps sell out in Leeds"]


def test_a_digest_under_a_title_and_author_is_not_an_essay() -> None:
    """Its stories each link their source: they stay stories, with or without heading links."""
    head = "<h1>This week</h1><p>By Ada Marsh · Mar 3</p><p>Hello again, readers.</p>"
    linked = "".join(f"<h2><a href='https://n.example/{n}'>{t}</a></h2><p>{P}</p>"
                     for n, t in enumerate(["Council approves the levy", "Bus routes change",
                                            "Library hours grow"]))
    inline = "".join(f"<h2>{t}</h2><p>{P} <a href='https://n.example/{n}'>Source</a>.</p>"
                     for n, t in enumerate(["Council approves the levy", "Bus routes change",
                                            "Library hours grow"]))
    for body in (linked, inline):
        assert _headlines(head + body) == ["Council approves the levy", "Bus routes change",
                                           "Library hours grow"]


def test_headings_with_no_author_named_stay_stories() -> None:
    html = (f"<h1>This week</h1><p>{P}</p><h2>Council approves the levy</h2><p>{P}</p>"
            f"<h2>Bus routes change</h2><p>{P}</p>")
    assert _headlines(html) == ["Council approves the levy", "Bus routes change"]


@pytest.mark.parametrize("opening", [
    f"<p><b>THE RELAY</b><br>Running news, every Saturday</p><p>{P}</p>",
    # with a line of intro between them (the read-through found the rule lost it then)
    f"<h1>THE RELAY</h1><p>Short intro.</p><p>Running news, every Saturday<br>{P}</p>",
])
def test_a_tagline_under_the_masthead_is_the_intro_not_a_story(opening: str) -> None:
    html = (f"{opening}<h3>Council approves the levy</h3><p>{P}</p><h3>Bus routes change</h3>"
            f"<p>{P}</p><h3>Library hours grow</h3><p>{P}</p>")
    assert _headlines(html) == ["Council approves the levy", "Bus routes change",
                                "Library hours grow"]


def test_a_greeting_over_the_intro_is_not_a_story_but_a_lead_story_is() -> None:
    stories = (f"<h2>Council approves the levy</h2><p>{P}</p><h2>Bus routes change</h2><p>{P}</p>"
               f"<h2>Library hours grow</h2><p>{P}</p>")
    assert _headlines(f"<p>Happy Saturday, riders 👋<br>{P} {P} {P}</p>{stories}") == [
        "Council approves the levy", "Bus routes change", "Library hours grow"]
    # the lead story may have the weakest mark of all (ThursdAI's does): it stays
    lead = f"<p>Good news for bus riders<br>{P} {P} {P}</p>"
    assert _headlines(lead + stories)[0] == "Good news for bus riders"


def test_a_masthead_with_the_issue_number_is_no_story_even_among_like_titles() -> None:
    text = "\n\n".join(f"{title}\n{'-' * len(title)}\n\n{P}" for title in (
        "RAIL NOTES #118", "NIGHT TRAIN RETURNS TO THE COAST", "FREIGHT LINE IS ELECTRIFIED",
        "STATION CLOCK IS RESTORED"))
    headlines = [s.headline for s in segment(parse_issue(email(text)))]
    assert headlines == ["NIGHT TRAIN RETURNS TO THE COAST", "FREIGHT LINE IS ELECTRIFIED",
                         "STATION CLOCK IS RESTORED"]


def test_explain_names_text_left_out_of_every_story() -> None:
    """Text before the first story (an intro, a podcast's description under its title) is
    left out; --explain says so, once for each run of it."""
    from service.ingest.rules import load_rules, rules_for
    from service.ingest.segment import by_structure

    issue = parse_issue(email(f"<p>{P}</p><p>{P}</p><h2>Council approves the levy</h2>"
                              f"<p>{P}</p><h2>Bus routes change</h2><p>{P}</p>", html=True))
    _, notes = by_structure(issue, rules_for(issue.envelope, load_rules()))
    dropped = [n for n in notes if n.startswith("   dropped text:")]
    assert dropped == [f"   dropped text: {P[:80]!r} (before the first story)"]


# ---- the narrowing, from an attack on the first versions (40 issues of its own) ----------


DIGEST = (f"<h2>Council delays the levy vote</h2><p>{P}</p>"
          f"<h2>School board names a chief</h2><p>{P}</p>")


@pytest.mark.parametrize(("title", "under"), [
    ("Riverside Weekly: levy, schools and a bridge", "By Dana Ortiz · June 11"),  # a colon
    ("Model Week 31", "By Priya Natarajan · Mar 3"),  # a number
    ("The levy and the schools", "June 11, 2024"),  # a date names no author
])
def test_a_digest_with_a_post_header_is_not_an_essay(title: str, under: str) -> None:
    html = f"<h1>{title}</h1><p>{under}</p><p>Hello again.</p>{DIGEST}"
    assert _headlines(html, subject=title) == ["Council delays the levy vote",
                                               "School board names a chief"]


def test_numbered_headings_under_a_post_header_are_a_listicle_not_an_essay() -> None:
    html = ("<h1>Five robots worth knowing</h1><p>Leila Haddad · Jun 7</p>"
            f"<h3>1. A humanoid signs its first customer</h3><p>{P}</p>"
            f"<h3>2. A robot dog joins a fire brigade</h3><p>{P}</p>")
    assert _headlines(html, subject="Five robots worth knowing") == [
        "A humanoid signs its first customer", "A robot dog joins a fire brigade"]


@pytest.mark.parametrize("headline", [
    "Read the leaked memo on layoffs", "Book publishers sue over training data",
    "Open-source coders fork the editor", "Apply now: grants for climate models",
])
def test_a_headline_that_opens_with_a_verb_is_no_button(headline: str) -> None:
    html = (f"<h2>Council delays the levy vote</h2><p>{P}</p><h2>Quick links</h2><ul>"
            f"<li><a href='https://n.example/a'>{headline}</a></li>"
            "<li><a href='https://n.example/b'>The central bank holds rates</a></li></ul>")
    assert _headlines(html)[1:] == [headline, "The central bank holds rates"]


@pytest.mark.parametrize("between", ["", "<h4>Further reading</h4>"])
def test_bullets_led_by_links_in_a_story_stay_in_it(between: str) -> None:
    html = (f"<h2>Two cloud rivals agree to merge</h2><p>{P}</p>{between}<ul>"
            "<li><a href='https://n.example/a'>The Washington Desk</a> reports talks began "
            "in autumn.</li><li><a href='https://n.example/b'>The regulator's filing</a> "
            f"lists the terms.</li></ul><h2>School board names a chief</h2><p>{P}</p>")
    assert _headlines(html) == ["Two cloud rivals agree to merge", "School board names a chief"]


def test_a_bare_sponsored_label_over_a_story_with_no_button_drops_nothing() -> None:
    """An image ad under the label leaves no block: the story under it is news."""
    html = (f"<h2>Council delays the levy vote</h2><p>{P}</p><p>SPONSORED</p>"
            "<p><a href='https://ad.example'><img src='https://ad.example/b.png'></a></p>"
            f"<h2>School board names a chief</h2><p>{P}</p>")
    assert _headlines(html) == ["Council delays the levy vote", "School board names a chief"]


def test_the_button_under_a_sponsored_label_is_the_ad_and_the_next_item_is_news() -> None:
    items = "".join(f"<p><a href='https://n.example/{n}'>{t}</a> - {P}</p>" for n, t in
                    enumerate(["Chip startup raises $120M for inference cards",
                               "Transit agency tests fare inspectors"]))
    html = (f"<p>Today's links.</p>{items}<p>SPONSORED</p>"
            "<p><a href='https://ad.example/go'>Try Vectorly free</a></p>"
            f"<p><a href='https://n.example/3'>Court lets artists press claims</a> - {P}</p>")
    assert _headlines(html) == ["Chip startup raises $120M for inference cards",
                                "Transit agency tests fare inspectors",
                                "Court lets artists press claims"]


@pytest.mark.parametrize("title", ["PyData Riverside · June 12", "Sovereign A.I. — who builds it"])
def test_a_bold_title_that_reads_like_an_author_and_date_stays_a_title(title: str) -> None:
    html = (f"<h2>Events</h2><p><b>{title}</b></p><p>{P}</p>"
            f"<p><b>Robotics Night at the Mill</b></p><p>{P}</p>")
    assert _headlines(html) == [title, "Robotics Night at the Mill"]


# ---- the two corpora, kept: 30 sweep issues and the 40 that attacked the first fixes ------

LAYOUTS = REPO / "tests" / "fixtures" / "layouts"


@pytest.mark.parametrize("bar", [
    '<a href="https://letter.example/p/42">Read in app</a>',
    '<a href="https://letter.example/v/1">View in browser</a> | '
    '<a href="https://letter.example/s">Subscribe</a>',
    '<a href="https://letter.example/v/1">Read online</a> · '
    '<a href="https://letter.example/s">Sign up</a> · <a href="https://letter.example/a">Share</a>',
])
def test_the_emails_own_link_bar_over_the_first_story_is_no_story(bar: str) -> None:
    # the third sweep: each was the issue's first story, one with the intro inside it
    html = (f"<p>{bar}</p><h1>The Letter #42</h1><p>Hi all, three stories today.</p>"
            f'<h2><a href="https://example.org/1">Robotaxis reach a rainy city</a></h2><p>{P}</p>'
            f'<h2><a href="https://example.org/2">The council passes its budget</a></h2><p>{P}</p>')
    assert _headlines(html) == ["Robotaxis reach a rainy city", "The council passes its budget"]


# ---- runs of named one-liners under a section's title (named.py; the third sweep) -------

TOOLS = ("<h3>🧰 TOOLS</h3>"
         '<p>🔧 <a href="https://example.org/t1"><b>Sift</b></a>: turns a folder of PDFs into a '
         "searchable table with cited answers.</p>"
         '<p>🔧 <a href="https://example.org/t2"><b>Rehearse</b></a>: practice job interviews with '
         "a voice agent that gives blunt feedback.</p>")
LEAD = f'<h2><a href="https://example.org/lead">Robotaxis reach a rainy city</a></h2><p>{P}</p>'


def test_a_run_of_named_lines_under_a_section_is_a_story_each() -> None:
    stories = _stories(LEAD + TOOLS)
    assert [s.headline for s in stories] == ["Robotaxis reach a rainy city", "Sift", "Rehearse"]
    assert stories[1].url == "https://example.org/t1"
    assert "searchable table" in stories[1].text and "blunt feedback" in stories[2].text


def test_named_bullets_keep_the_address_of_the_link_round_their_bold_name() -> None:
    deals = "".join(f'<li><a href="https://example.org/d{i}"><b>{name}</b></a> raised ${i}0M '
                    "to build compilers for analog chips.</li>"
                    for i, name in enumerate(["Quanta Loom", "Fjord Labs", "Openwell"], 1))
    stories = _stories(f"{LEAD}<h2>Deals</h2><ul>{deals}</ul>")
    assert [(s.headline, s.url) for s in stories[1:]] == [
        ("Quanta Loom", "https://example.org/d1"), ("Fjord Labs", "https://example.org/d2"),
        ("Openwell", "https://example.org/d3")]


def test_a_short_bold_lead_opening_quick_hits_is_one_of_them() -> None:
    hits = "".join(f"<p><b>{lead}</b> {P}</p>" for lead in
                   ["Chip tariffs delayed.", "Samsung's memory passes qualification.",
                    "A RISC-V server chip ships."])
    headlines = _headlines(f"{LEAD}<h3>Quick hits</h3>{hits}")
    assert headlines[1:] == ["Chip tariffs delayed", "Samsung's memory passes qualification",
                             "A RISC-V server chip ships"]


@pytest.mark.parametrize("title", ["Jobs board", "Upcoming events", "Agenda"])
def test_named_lines_under_a_jobs_or_events_title_are_listings(title: str) -> None:
    html = LEAD + TOOLS.replace("🧰 TOOLS", title)
    assert "Sift" not in _headlines(html)


def test_one_named_paragraph_under_a_title_is_not_an_item() -> None:
    one = TOOLS[:TOOLS.index("<p>🔧 <a href=\"https://example.org/t2")]
    assert "Sift" not in _headlines(LEAD + one)


def test_linked_headlines_running_into_their_sentence_under_a_list_title_are_items() -> None:
    items = "".join(f'<p><a href="https://example.org/{i}">{h}</a>{tail}</p>' for i, (h, tail) in
                    enumerate([("Brightwell raised $40M to build agents for claims",
                                ", bringing its valuation to $310M."),
                               ("Regulators published a draft code of practice for models",
                                " with a comment period ending in August.")]))
    headlines = _headlines(f"{LEAD}<h2>📰 Everything else in AI today</h2>{items}")
    assert headlines[1:] == ["Brightwell raised $40M to build agents for claims",
                             "Regulators published a draft code of practice for models"]


@pytest.mark.parametrize("title", ["Chip rules tighten", "Quotes of the week",
                                   "Jargon buster", "By the numbers", "NeurIPS keynotes"])
def test_named_lines_under_a_title_that_names_no_kind_of_list_stay_its_text(title: str) -> None:
    # the attack on the first version: each of these cut its story into its lead-ins,
    # quotes, terms, figures or speakers
    lines = "".join(f"<p><b>{name}</b>: {P}</p>"
                    for name in ("Context", "The numbers", "Who is affected"))
    assert _headlines(f"{LEAD}<h2>{title}</h2>{lines}") == ["Robotaxis reach a rainy city",
                                                           title]


@pytest.mark.parametrize("names", [("Monday", "Tuesday", "Wednesday"), ("$4.2 billion", "62%"),
                                   ("Will it stay free?", "How much is it?"),
                                   ("Priya Raman", "Us", "Priya Raman")])
def test_days_figures_questions_and_repeated_names_are_not_items(names: tuple[str, ...]) -> None:
    lines = "".join(f"<p><b>{name}</b>: {P}</p>" for name in names)
    assert not set(names) & set(_headlines(f"{LEAD}<h2>Briefly</h2>{lines}"))


def test_bold_lead_ins_under_a_story_headline_stay_its_text() -> None:
    html = ('<h2><a href="https://example.org/s">Senate passes the chip subsidy bill after '
            "a long night</a></h2>"
            f"<p><b>Context</b>: {P}</p><p><b>The numbers</b>: {P}</p><p><b>What next</b>: {P}</p>")
    assert _headlines(html) == ["Senate passes the chip subsidy bill after a long night"]


# ---- the third sweep's old-editor HTML and issue-number lines --------------------------------


def test_blank_lines_in_one_cell_of_font_runs_part_its_stories() -> None:
    # a whole issue in one <td>, <font> runs, "<br><br>" between paragraphs: one story before
    stories = "".join(f'<font size="4"><b>{title}</b></font><br><font size="2">{P}</font>'
                      "<br><br>" for title in ("A national lab retires its supercomputer",
                                               "Why interconnect decides who trains big models",
                                               "Water use at datacenters gets a standard"))
    html = f"<table><tr><td>{stories}</td></tr></table>"
    assert _headlines(html) == ["A national lab retires its supercomputer",
                                "Why interconnect decides who trains big models",
                                "Water use at datacenters gets a standard"]


@pytest.mark.parametrize(("name", "first"), [
    ("08_font_headings.eml", "A national lab retires its 2018 supercomputer, and the GPUs go "
                             "to universities"),
    ("24_plain_allcaps.eml", "CNC MAKER ADDS A VISION SYSTEM THAT CHECKS PARTS MID-CUT")])
def test_the_issue_number_line_under_the_name_is_the_masthead(name: str, first: str) -> None:
    # "Volume 7, Number 3 — notes on…", "Issue 230 - November 14, 2024" under the name were
    # the first story, and the name every story's section
    stories = segment(parse_issue((LAYOUTS / "sweep3" / name).read_bytes()))
    assert stories[0].headline == first
    assert stories[0].section in ("", "//// FACTORY FLOOR ////")


class _Counted(list):  # type: ignore[type-arg]
    """A list that counts the items read from it."""

    reads = 0

    def __getitem__(self, index: Any) -> Any:
        _Counted.reads += 1
        return super().__getitem__(index)


def test_the_masthead_test_reads_a_few_units_whatever_came_before() -> None:
    # it is asked of every title until a story starts: reading every unit before it made
    # 4 MB of title-like lines take 357 s (bench/segment.py; 7 s now), and so did a run of
    # rules before headings that never start a story (the read-through: 19 s for 0.9 MB)
    rule = Unit("rule", Block(kind="rule", text=""))
    titles = [Unit("title", Block(kind="heading", text=f"Heading number {i}", level=2), 2,
                   f"Heading number {i}") for i in range(300)]
    units = _Counted([rule] * 3000 + titles)
    cutter = _Cutter(units)
    _Counted.reads = 0
    for index, unit in enumerate(list.__iter__(units)):
        if unit.role == "rule":
            cutter.rule(index)
        else:
            cutter.title(unit, index)
    assert not cutter.cuts
    assert _Counted.reads < 10 * len(units)


@pytest.mark.parametrize(("name", "first"), [
    ("28_devweekly_pythonic.eml", "Profiling Python Without Changing Your Code"),
    # (its "PATROCINADO" ad, first before stop 24, is no story: test_segment_sweep13.py)
    ("22_pt_cafecomdados.eml", "🏦 Banco Aurora fecha suas últimas agências físicas")])
def test_the_issue_line_after_a_web_version_link_and_the_name_is_the_masthead(
        name: str, first: str) -> None:
    # "Web version" | "Pythonic Weekly" | "Issue 412 · March 5, 2026": the issue line was the
    # first story; "Edição #311 · quarta-feira…" too (the fourth sweep)
    stories = segment(parse_issue((LAYOUTS / "sweep4" / name).read_bytes()))
    assert stories[0].headline == first


def test_a_story_headline_second_in_the_issue_is_no_masthead() -> None:
    headlines = _headlines("<p><b>The Compute Almanac</b></p><p>Friends, a short issue.</p>"
                           "<p><b>Issue 5 of the chip war: the memory makers</b></p>"
                           f"<p>{P} {P} {P}</p>"
                           f"<p><b>Water use at datacenters gets a standard</b></p><p>{P}</p>")
    assert headlines[0] == "Issue 5 of the chip war: the memory makers"


@pytest.mark.parametrize("title", ["Jobs board", "💼 Open roles", "We're hiring",
                                   "Open positions"])
def test_job_openings_under_their_label_are_no_stories(title: str) -> None:
    jobs = "".join(f'<li><a href="https://jobs.example/{i}">{role}</a> — remote, full time, '
                   "apply by Friday with a short note on what you built.</li>"
                   for i, role in enumerate(["Gripwise: Senior Embedded Engineer",
                                             "Tri-City Transit: Data Analyst"]))
    after = f'<h2><a href="https://example.org/b">The council passes its budget</a></h2><p>{P}</p>'
    assert _headlines(f"{LEAD}<h3>{title}</h3><ul>{jobs}</ul>{after}") == [
        "Robotaxis reach a rainy city", "The council passes its budget"]


@pytest.mark.parametrize("title", ["Jobs", "Careers", "Hiring"])
def test_a_news_section_named_jobs_keeps_its_items(title: str) -> None:
    # a labour-market or campus section (the attack on the first jobs zone)
    items = "".join(f'<p><a href="https://example.org/{i}">{h}</a> - {P}</p>' for i, h in
                    enumerate(["Payrolls grow as factories add robot technicians",
                               "Graduate hiring at chipmakers falls for a second year"]))
    headlines = _headlines(f"{LEAD}<h3>{title}</h3>{items}")
    assert headlines[1:] == ["Payrolls grow as factories add robot technicians",
                             "Graduate hiring at chipmakers falls for a second year"]


def test_a_bold_question_between_headed_stories_is_a_story() -> None:
    # the attack on the first version merged it into the story above
    html = (f"{LEAD}<p><b>Is the AI bubble about to burst?</b></p><p>{P} {P}</p>"
            f'<h2><a href="https://example.org/c">The council passes its budget</a></h2><p>{P}</p>')
    assert _headlines(html) == ["Robotaxis reach a rainy city", "Is the AI bubble about to burst?",
                                "The council passes its budget"]


def test_an_interviews_bold_questions_under_its_heading_are_its_text() -> None:
    questions = "".join(f"<p><b>{q}</b></p><p>{P}</p>" for q in (
        "You started out in computer vision. What pulled you toward manipulation?",
        "Why laundry, of all things?"))
    stories = _stories("<h1>The Gripper #42</h1><p>Hi all, one long conversation this week.</p>"
                       f"<h2>Interview: a roboticist on why laundry is hard</h2><p>{P}</p>"
                       f"{questions}<h3>Also this week</h3>"
                       '<p><a href="https://example.org/k">Humanoid maker opens a second '
                       "factory in Ohio</a> - the plant builds 500 robots a year.</p>")
    assert [s.headline for s in stories] == ["Interview: a roboticist on why laundry is hard",
                                             "Humanoid maker opens a second factory in Ohio"]
    assert "Why laundry, of all things?" in stories[0].text


def test_a_question_among_bold_line_headlines_is_a_story() -> None:
    titles = ("Lab retires its supercomputer", "Is it worth buying used accelerators?",
              "Water use at datacenters gets a standard")
    assert _headlines("".join(f"<p><b>{t}</b></p><p>{P}</p>" for t in titles)) == list(titles)


@pytest.mark.parametrize("kicker", ["Illustration: Brisk Visuals", "Department of Housing",
                                    "Francis Scialabba"])
def test_a_credit_or_department_line_under_a_headline_is_its_text(kicker: str) -> None:
    # the fourth sweep: the headline became a section and the credit the story
    html = (f"<h2>Budget deal hinges on a tiny tax</h2><p>{kicker}</p><p>{P}</p>"
            f"<h2>Transit board pulls the plug on Route 9 cuts</h2><p>{P}</p>")
    stories = _stories(html)
    assert [(s.headline, s.section) for s in stories] == [
        ("Budget deal hinges on a tiny tax", ""),
        ("Transit board pulls the plug on Route 9 cuts", "")]
    assert kicker in stories[0].text


def test_short_titles_under_a_long_section_heading_stay_titles() -> None:
    # "What we're reading this week" over short titled items: the first title was taken
    # for a kicker (an attack on the first version)
    html = (f"<h2>What we're reading this week</h2><p>The Quiet Bankruptcy</p><p>{P}</p>"
            f"<p>Salt and Time</p><p>{P}</p>")
    assert _headlines(html) == ["The Quiet Bankruptcy", "Salt and Time"]


@pytest.mark.parametrize("title", ["AI", "Projects"])
def test_a_weak_list_word_alone_does_not_cut_a_storys_lead_ins(title: str) -> None:
    # the lead-ins right under the title, where a run of named lines would start
    lines = "".join(f"<p><b>{name}</b>: {P}</p>" for name in ("Audits", "Data", "Exit"))
    headlines = _headlines(f"{LEAD}<h2>{title}</h2>{lines}")
    assert not {"Audits", "Data", "Exit"} & set(headlines)


def test_a_short_story_title_under_a_section_name_stays_a_title() -> None:
    html = (f"<h2>Robotics</h2><p>Gripper startup raises</p><p>{P}</p>"
            f"<p>Drones map a glacier</p><p>{P}</p>")
    assert _headlines(html) == ["Gripper startup raises", "Drones map a glacier"]


@pytest.mark.parametrize("button", ["Save your seat →", "Donate today", "Submit a talk",
                                    "Post a job", "Powered by Ghost", "Read the case study",
                                    "Web version", "Ver versão web", "Im Browser ansehen"])
def test_buttons_and_web_version_links_are_no_stories(button: str) -> None:
    # the fourth sweep and its attack: each was cut as a one-line story
    html = (f'<p><a href="https://letter.example/x">{button}</a></p>{LEAD}'
            f'<p><a href="https://letter.example/y">{button}</a></p>'
            f'<h2><a href="https://example.org/b">The council passes its budget</a></h2><p>{P}</p>')
    assert _headlines(html) == ["Robotaxis reach a rainy city", "The council passes its budget"]


# ---- from the read-through of this stop's rules -----------------------------------------------


def test_a_bold_question_under_a_headline_with_a_verb_of_asking_is_a_story() -> None:
    html = (f'<h2><a href="https://example.org/a">OpenAI asks court to dismiss the suit</a></h2>'
            f"<p>{P}</p><p><b>Is the AI bubble about to burst?</b></p><p>{P} {P}</p>")
    assert _headlines(html) == ["OpenAI asks court to dismiss the suit",
                                "Is the AI bubble about to burst?"]


def test_an_undated_edition_headline_with_its_story_is_no_masthead() -> None:
    html = (f"<h1>Policy Weekly</h1><h2>Edition 2 — the AI Act lands</h2><p>{P} {P} {P}</p>"
            f"<h2>Council agrees its position on data retention</h2><p>{P}</p>")
    assert _headlines(html)[0] == "Edition 2 — the AI Act lands"


def test_a_job_postings_bold_title_stays_in_the_jobs_zone() -> None:
    postings = "".join(f"<p><b>{role}</b></p><p>{P}</p>" for role in
                       ("Senior ML Engineer, Acme", "Data Scientist, Beta Robotics"))
    after = f'<h2><a href="https://example.org/b">The council passes its budget</a></h2><p>{P}</p>'
    assert _headlines(f"{LEAD}<h2>We’re hiring</h2>{postings}{after}") == [
        "Robotaxis reach a rainy city", "The council passes its budget"]


def test_a_list_title_with_a_curly_apostrophe_is_a_list_title() -> None:
    lines = "".join(f'<p><a href="https://example.org/{n}"><b>{n}</b></a>: {P}</p>'
                    for n in ("Sift", "Rehearse"))
    assert _headlines(f"{LEAD}<h3>This week’s links</h3>{lines}")[1:] == ["Sift", "Rehearse"]


def test_a_name_ending_in_a_full_stop_runs_into_its_text() -> None:
    block = Block(kind="paragraph", text="Chip tariffs delayed.The Commerce Department pushed "
                  "back the start date for tariffs.", lead="Chip tariffs delayed.")
    assert name_of(block) == ("Chip tariffs delayed", "")


@pytest.mark.parametrize(("corpus", "floor"), [("sweep", 0.92), ("attack", 0.93),
                                               ("sweep3", 0.92), ("named", 0.90),
                                               ("attack3", 0.93), ("sweep4", 0.90),
                                               ("attack4", 0.85), ("sweep5", 0.97),
                                               ("attack5", 0.90), ("sweep6", 0.85),
                                               ("attack6", 0.91), ("sweep7", 0.80),
                                               ("attack7", 0.87), ("sweep8", 0.87),
                                               ("attack8", 0.90), ("sweep9", 0.90),
                                               ("attack9", 0.87), ("sweep10", 0.76),
                                               ("attack10", 0.87), ("sweep11", 0.96),
                                               ("attack11", 0.93), ("sweep12", 0.90),
                                               ("attack12", 0.93), ("sweep13", 0.78),
                                               ("sweep14", 0.72), ("attack13", 0.88),
                                               ("sweep15", 0.82), ("sweep16", 0.80),
                                               ("sweep17", 0.90), ("sweep18", 0.88),
                                               ("attack14", 0.80), ("sweep19", 0.87),
                                               ("sweep20", 0.89), ("sweep21", 0.90),
                                               ("sweep22", 0.82), ("sweep23", 0.93),
                                               ("sweep24", 0.90), ("sweep25", 0.91),
                                               ("sweep26", 0.90), ("sweep27", 0.87),
                                               ("sweep28", 0.85), ("sweep29", 0.87),
                                               ("sweep30", 0.88), ("sweep31", 0.86),
                                               ("sweep32", 0.88), ("sweep33", 0.82),
                                               ("sweep34", 0.93), ("sweep35", 0.83),
                                               ("sweep36", 0.65), ("attack15", 0.93),
                                               ("attack16", 0.98), ("attack17", 0.92)])
def test_the_layout_corpora_are_cut_as_well_as_when_these_rules_landed(
        corpus: str, floor: float) -> None:
    """Issues written by helpers in their own words (no newsletter text), with the stories
    a careful reader cuts (gold.jsonl).  Headline F1 when the rules landed: sweep 0.929,
    attack 0.937 (0.810 and 0.825 before this stop's rules); a change that costs two or
    three of their stories fails here.  sweep3 was written and scored blind after those
    rules: 0.842; 0.925 with the fixes it led to (link bar, named lines, blank lines in
    a cell, issue-number line, jobs, an interview's questions).  named is the
    attack on the first named-lines rule: 0.589 before it, 0.641 with its first version,
    0.904 now.  attack3 attacked the four rules after it: 0.842 before them, 0.941 now.
    sweep4 was written and scored blind after all of them: 0.766; 0.860 with the fixes
    it led to; 0.889 with stop 21's issue chrome (a post's subtitle, a date line at the
    top, web-version links, polls and referral blocks: test_segment_chrome.py).  attack4
    attacked those: 0.725 before them, 0.789 with their first versions, 0.856 now.  sweep5
    was written and scored blind at stop 21: 0.753 (0.762 with its chrome rules); 0.981
    with the fixes it led to (test_segment_chrome.py, test_segment_links.py), which took
    sweep4 to 0.910.  attack5
    attacked those: 0.752 before them, 0.842 with their first versions, 0.916 now.  sweep6
    (AI and tech newsletters) was written and scored blind after all of them: 0.772 (0.744
    with stop 20's engine); 0.876 with the fixes it led to (test_segment_sweep6.py), 0.863
    after the read-through (two authors are no author list: headlines look like that).
    attack6 attacked those: 0.804 with stop 20's engine, 0.865 with their first versions,
    0.928 now.  sweep7 (AI newsletters, two thirds in ../shared's Markdown shape) was
    written and scored blind at stop 22: 0.644; 0.823 with the fixes it led to
    (test_segment_sweep7.py), which took attack6 to 0.933 and sweep6 to 0.897.  attack7
    attacked those: 0.360 with stop 21's engine, 0.785 with their first versions, 0.889
    now (its gold counts "Quotes of the week" as no story; named's counts it as one).
    sweep8 (30 newsletters no sweep had copied) was written and scored blind after those:
    0.741 (0.704 with stop 21's engine); 0.896 with the fixes it led to
    (test_segment_sweep8.py).  attack8 attacked those: 0.600 before them, 0.756 with their
    first versions, 0.930 then (0.925 since attack9's Chinese weighing).
    sweep9 (two thirds in the four shapes of ../shared's
    newsletters, from other senders) was written and scored blind after all of them: 0.868;
    0.931 with the fixes it led to (test_segment_sweep9.py).  attack9 attacked those: 0.758
    with their first versions, 0.912 now.  sweep10 (platform digests, paper alerts,
    single posts) was written and scored blind after all of them: 0.737; 0.788 with the
    fixes it led to (the end of test_segment_sweep9.py).  attack10 attacked those: 0.822
    with their first versions, 0.889 then.  sweep11 (mastheads, buttons, sponsors, deal
    lists, in AI and general newsletters) was written and scored blind at stop 23: 0.874;
    0.987 with the fixes it led to (test_segment_sweep11.py).  attack11 attacked those:
    0.908 with their first versions, 0.958 now.  sweep12 (a newspaper briefing, a town
    update, reviews, a forum summary, Outlook and plain-text lists) was written and scored
    blind after those: 0.825; 0.925 with the fixes it led to (test_segment_sweep12.py).
    attack12 attacked those: 0.909 with their first versions, 0.958 then; after a review
    narrowed the rules, sweep12 0.920 and attack12 0.954.  sweep13 (AI newsletters) and
    sweep14 (the other newsletters a tech reader gets: security, developer, deals, local
    news, mailing lists, five languages) were written and scored blind at stop 24, asked
    for shapes no earlier sweep had: 0.704 and 0.630; 0.800 and 0.678 with
    the fixes they led to (test_segment_sweep13.py).  attack13 attacked those: 0.812 with
    their first versions, 0.899 then.  sweep15 (ordinary AI newsletters as they are) and
    sweep16 (ordinary general ones) were asked for realism, not new shapes, and scored
    blind: 0.797 and 0.691; 0.843 and 0.742 with the fixes they led to.  At stop 25,
    sweep17 and sweep18 (ordinary again) scored blind 0.841 and 0.762, 0.926 and 0.903
    with the fixes they and sweep16's misses led to (test_segment_sweep17.py); attack14
    attacked those: 0.653 with stop 24's rules, 0.733 with their first versions, 0.816
    now.  sweep19 and sweep20 were then scored blind with those: 0.858 and 0.898; 0.890 and
    0.912 with their fixes and a read-only review's narrowing.  sweep21 and sweep22 were
    written and scored blind with all of those: 0.890 and 0.816 (stop 24's rules: 0.879
    and 0.806); 0.926 and 0.836 with a plain-text box's rule, markdown dash bullets left as
    text and a few buttons.  sweep23 (15 AI newsletters, 15 others, as a reader gets
    them) was written and scored blind at stop 28, with no rule changed since: 0.846 (AI
    0.872, the others 0.820); 0.860 with its buttons ("Have your say", "Event details":
    the end of test_segment_sweep17.py), 0.864 with "This email was sent to…" and
    "Privacy Statement" opening the footer; sweep22 0.836 -> 0.838, no corpus lower.  At
    stop 29 the sweep's other misses were read (0.951: test_segment_sweep24.py); then
    sweep24 (15 AI newsletters, 15 others, written blind by another helper) scored 0.820
    with stop 28's rules and 0.837 with those (AI 0.857, the others 0.819).  sweep25 (a
    third helper, written after every rule of stop 29 and the review of them) scored 0.865
    with stop 28's rules and 0.874 with stop 29's (AI 0.838 -> 0.843, the others 0.894 ->
    0.906), before anything was read of it.  sweep26 (14 issues, 8 AI newsletters and 6
    others, a fourth helper, stop 30) scored 0.774 blind; 0.920 with a mailing list's
    digest cut at its messages (test_digests.py; sweep8 0.922 -> 0.934, sweep14 0.695 ->
    0.708, each for its own digest) and its buttons (test_segment_sweep26.py).  sweep27
    (16 ordinary issues, 8 AI and 8 others, a fifth helper, written after those rules)
    scored 0.851 blind (0.844 with stop 29's rules); 0.892 with its buttons, jobs and
    recap titles, 0.884 after a read-only review narrowed them (a bare "YouTube" or
    "Spotify" may head news; the end of test_segment_sweep26.py).  sweep28 (16 more, a
    sixth helper, written after that review) scored 0.836 blind (0.803 with stop 29's
    rules); 0.861 with its buttons in English and German, 0.872 with a
    "Quick poll: …?" over its answers, 0.876 with a date line's "Read time: 5 min".
    sweep29 (16 issues, 8 AI newsletters and 8 others, a seventh helper, stop 31) scored
    0.754 blind; 0.884 with a dateline or a severity badge under a headline, a poll's vote
    links, its buttons, a referral offer, an essay under a bold title and a masthead with
    its date and tagline (test_segment_sweep29.py; sweep27 0.884 -> 0.899 and sweep28 0.876
    -> 0.883 with the same rules and a team's sign-off); 0.894 with a letter's close over
    its signature, a confidentiality notice and "Welcome to Dr. …" as news.  sweep30 (16
    more, an eighth helper, written after all of those) scored 0.822 blind (0.810 with stop
    30's rules); 0.903 with an item's fields ("When:", "Status:"), a date line under a bold
    title, a journalist's desk, an image's credit, a web-version link with another after it,
    "Supported by" and a club's new members (test_segment_sweep30.py); sweep29 0.898 with
    them.  sweep31 (12 issues, a ninth helper, written after every rule of stop 31) scored
    0.802 blind, as with stop 30's rules; 0.885 with a ranked card's "#1" read as no title,
    three Italian buttons, "Place a hold" and a partnership label in other languages (the
    end of test_segment_sweep30.py).  sweep32 (16 issues, a tenth helper, written after every
    rule of stop 31) scored 0.723 blind; 0.906 with an advisory's fields in a column, a
    plain-text "CONTENTS", chapters and "Links from the show", a numbered section of fixes,
    an editors' closing note, a Ghost essay under its linked title (a bookmark card in it,
    its feature image's credit, its feedback links), a paper's link bar and authors, card
    buttons, the sending platform's line, a forwarded message's header, a changelog's bold
    bullets, a poll and a club's fixtures (test_segment_sweep32.py); sweep13, 15, 16, 20,
    22, 25, 28 and 3 are higher with them, none lower.  sweep33 (16 issues, an eleventh
    helper, written after sweep32's rules) scored 0.740 blind, as with stop 31's rules;
    0.845 with an interview's bold questions under a title that opens with the subject,
    two-language buttons and a few more, a poll's coloured answers, a clinical jobs board,
    "Contact us", a Japanese sender's address and contents, a referral line
    (test_segment_sweep33.py).  sweep34 (16 issues, a twelfth helper, four of them plain
    text only, written after stop 32's rules) scored 0.879 blind; 0.939 with a paper's
    authors by surname under its numbered title, "Title [8] -- summary" notes, an essay's
    parts in Roman numerals with footnote links, a headline that counts its numbered points,
    Mailman's footer, a German imprint and a calendar's dated lines, as a read-only review
    narrowed them (test_segment_sweep34.py).  sweep35 (14 AI newsletters, six plain text
    only, a thirteenth helper, written after those) scored 0.791 blind; 0.851 with a plain
    bullet's headline over its summary, a plain-text pitch ending in its address, jobs in
    sentence case, a quoted phrase leading a headline and a calendar under an events title,
    as a read-only review narrowed them (test_segment_sweep35.py).  sweep36 (10 AI
    newsletters sent as plain text only, a fourteenth helper) scored 0.483 blind, the lowest
    of any sweep; 0.681 with arrows as bullet marks and a quick hit's "Headline: summary"
    over its address, for an issue written so throughout, as a read-only review narrowed
    them (test_segment_sweep36.py): plain text is what to mend next.
    attack15 (stop 38) attacked the run of bold headlines run into their text and the recap
    ended by a rule: 1 of 10 single stories kept whole by their first versions, 10 of 10
    now (0.954).
    attack16 (stop 39) attacked the seven mends read from 30 real issues: 0.914 before
    them, 0.881 with their first versions (a magazine's "Issue 12", "'Hello, Dolly!'", a
    how-to's steps as list items with headings, "Postgres 18 released · 4 min read", a
    letter's takeaways as its items), 0.993 now.
    attack17 (stop 39) attacked the five mends read from a third real set: 0.821 before
    them, 0.812 with their first versions (a story's own emoji-led links, a bold headline
    read as a photo credit, linked section names, "Source:" over a citation), 0.935 now.
    """
    total = corpus_score(corpus)
    assert total.f1 >= floor, (corpus, total)


# ---- from the read-through of the stop's change ---------------------------------------------


@pytest.mark.parametrize("line", ["Jun 4, 2024, 6" + " \t" * 100_000 + "x",
                                  "Ada Marsh" + " \t" * 100_000 + "x",
                                  "Marsh A." + " \t" * 100_000 + "x"])
def test_author_and_date_patterns_read_a_long_run_of_blanks_in_linear_time(line: str) -> None:
    started = time.process_time()
    for pattern in (DATELINE, AUTHOR_DATE, PAPER_AUTHORS, BYLINE):
        assert not pattern.match(line)
    assert time.process_time() - started < 2.0  # milliseconds; 57 s for the dateline before


def test_an_essay_with_an_ad_before_its_first_section_is_not_merged_over_the_ad() -> None:
    html = (f"<h1>The quiet economics of repair</h1><p>Marta Kowalczyk · Mar 3</p><p>{P}</p>"
            "<p>TOGETHER WITH ACME</p><h2>Acme keeps your receipts</h2><p>Acme files your "
            f"expenses for you.</p><h2>Why things stopped being fixable</h2><p>{P}</p>"
            f"<h2>What is changing</h2><p>{P}</p>")
    stories = _stories(html, subject="The quiet economics of repair")
    assert not any("Acme files your expenses" in s.text for s in stories)
