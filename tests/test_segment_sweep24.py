"""Segment: what the twenty-third sweep's issues still lost (stop 29), and the twenty-fourth
blind sweep's rules.  Every issue here is written for these tests (no newsletter text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.domain import Block
from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import ISSUE_DATE, LINKED_AUTHORS, RECIPE_META
from service.ingest.essay import _announces_items
from service.ingest.footer import POSTAL_END, opens_footer
from service.ingest.headlines import bare_title, is_byline, title_like
from service.ingest.links import _reads_as_a_link
from service.ingest.masthead import ISSUE_LINE, MONTHLY_NAME, _dated_name
from service.ingest.parse import parse_issue
from service.ingest.plain import _hanging, _is_caps_line, _without_pgp_armor
from service.ingest.segment import segment
from service.ingest.segment_report import explain
from service.ingest.zones import ZONES
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
    "Ivanova & Petit · arXiv:2503.23315",
    "Adebayo, Sato, Kirchner and Vell — Ostrava Institute of Technology",
    "Salo et al. — Google DeepMind", "Kaur, Delacroix · University of Toronto"])
def test_surnames_over_a_paper_s_address_are_its_authors(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize("line", ["Quillstack -- https://quillstack.example",
                                  "Read the paper -- https://arxiv.org/abs/2503.20411",
                                  "Sparse Routing Revisited -- https://arxiv.org/abs/2503.20411",
                                  "Ferreira, Lind (Univ. of Tarrow) -- see the thread",
                                  "Apple, Google — Research shows phones last longer",
                                  "Apple and Google — a truce"])
def test_a_tool_or_a_title_over_an_address_is_no_author_line(line: str) -> None:
    assert not LINKED_AUTHORS.match(line)


def test_the_authors_pattern_is_linear_on_hostile_lines() -> None:
    import time
    started = time.process_time()
    for line in ["Ab, " * 30_000 + "x", "Ab, Cd -- https://" + "a" * 100_000 + " b",
                 "Ab et al. (" + "x" * 100_000]:
        LINKED_AUTHORS.match(line)
    assert time.process_time() - started < 2


# ---- a post's byline under its subtitle (beehiiv) ------------------------------------------

INTRO = ("Good morning. Markets were calm yesterday, which in this economy counts as news. "
         "Here is what moved and what matters this week.")
NEWS = ("The decision was unanimous, and the statement said the committee would wait for more "
        "data before it moved again, which most analysts had expected.")
STORIES = ["The central bank holds rates", "Regulators block the rail merger",
           "Mortgage applications jump"]


def _post(subject: str, under_title: str) -> bytes:
    html = (f"<h1>Rates, rails and a record for mortgage apps</h1>{under_title}"
            f"<p>Marisa Quintero · November 04, 2025</p><p>{INTRO}</p>"
            + "".join(f"<p><b>{s}</b></p><p>{NEWS}</p>" for s in STORIES))
    return email(html, html=True, subject=subject)


@pytest.mark.parametrize("subject", ["Rates, rails and a record for mortgage apps",
                                     "☕ Rates, rails and a record for mortgage apps"])
def test_a_dated_byline_under_the_post_s_subtitle_is_no_story(subject: str) -> None:
    data = _post(subject, "<p>Your 5-minute money brief for Tuesday</p>")
    assert [s.headline for s in segment(parse_issue(data))] == STORIES


def test_a_lead_story_whose_headline_an_emoji_subject_repeats_stays_a_story() -> None:
    """Senders put an emoji before their lead story's headline in the subject: read without
    it, the subject took the lead for the post's title and dropped it (the review)."""
    html = (f"<h2>City council approves new transit budget</h2><p>{NEWS}</p>"
            f"<h2>Library extends weekend hours</h2><p>{NEWS}</p>")
    data = email(html, html=True, subject="⚡ City council approves new transit budget")
    assert [s.headline for s in segment(parse_issue(data))] == [
        "City council approves new transit budget", "Library extends weekend hours"]


def test_a_dated_line_under_a_paragraph_of_news_is_not_taken_for_the_byline() -> None:
    # the title is over a paragraph (a lead story's text), not a one-line subtitle
    data = _post("Rates, rails and a record for mortgage apps", f"<p>{NEWS} {NEWS}</p>")
    headlines = [s.headline for s in segment(parse_issue(data))]
    assert headlines[-3:] == STORIES
    assert "Marisa Quintero · November 04, 2025" in headlines


@pytest.mark.parametrize(("subject", "bare"), [("☕ Rates, rails", "Rates, rails"),
                                              ("🤖 \"Quoted\" title →", "\"Quoted\" title"),
                                              ("(Aside) ✨", "(Aside)"), ("Why? 👀", "Why?"),
                                              ("→→→", "")])
def test_a_subject_s_emoji_and_arrows_are_no_part_of_its_title(subject: str, bare: str) -> None:
    assert bare_title(subject) == bare


def test_a_subject_of_marks_is_read_in_linear_time() -> None:
    import time
    started = time.process_time()
    bare_title("☕" * 200_000 + "x" + "☕" * 200_000)
    assert time.process_time() - started < 2


# ---- a food letter: recipe cards under a dated serial name -----------------------------------

RECIPES = [("Brown-Butter Squash Soup with Crispy Sage", "45 minutes · Serves 6"),
           ("Red Wine–Braised Short Ribs", "3 hours 30 minutes · Serves 4"),
           ("Weeknight Chickpea and Spinach Stew", "Prep 10 min | Cook 20 min · Vegetarian")]
DISH = ("Roasting the squash until the edges char, then finishing with brown butter, turns a "
        "weeknight staple into something you would serve to guests.")


def test_a_recipe_card_is_headlined_by_its_name_not_its_time_and_servings() -> None:
    html = ("<p>The Sunday Letter · November 9</p>"
            "<p>The first truly cold week of the year calls for soup, a slow braise and bread "
            "you tear with your hands. Here are three recipes our kitchen made on repeat.</p>"
            + "".join(f"<h2><a href='https://brine.example/r/{n}'>{name}</a></h2><p>{meta}</p>"
                      f"<p>{DISH}</p>" for n, (name, meta) in enumerate(RECIPES)))
    headlines = [s.headline for s in segment(parse_issue(email(html, html=True)))]
    assert headlines == [name for name, _ in RECIPES]


@pytest.mark.parametrize("line", [meta for _, meta in RECIPES] + [
    "Serves 6", "Makes 24 cookies · 1 hr 10 min", "Ready in 25 minutes, Serves 2-3"])
def test_a_recipe_s_time_and_servings_are_no_headline(line: str) -> None:
    assert is_byline(line) and not title_like(line)


@pytest.mark.parametrize("headline", ["45 minutes that changed the league", "60 Minutes",
                                      "48 Hours",
                                      "Serves him right: the referee's verdict",
                                      "Makes sense of the budget"])
def test_headlines_that_open_like_a_recipe_s_time_stay_headlines(headline: str) -> None:
    assert not RECIPE_META.match(headline)


@pytest.mark.parametrize(("line", "masthead"), [("The Sunday Letter · November 9", True),
                                                ("Morning Edition | Nov 3", True),
                                                ("Open letter · November 9", False),
                                                ("Earnings roundup — November 7, 2025", False)])
def test_a_dated_letter_s_name_is_its_masthead(line: str, masthead: bool) -> None:
    assert _dated_name(line, serial=False) is masthead


# ---- a pantry's update: a volunteer button, a footer that opens with the reader's address ----


def test_a_footer_opening_with_unsubscribe_and_the_reader_s_address_is_no_story() -> None:
    html = ("".join(f"<p><b>{s}</b></p><p>{NEWS}</p>" for s in STORIES)
            + "<p><a href='https://pantry.example/give'>Donate today</a></p>"
            "<p>Riverbend Community Pantry | 18 Mill Race Rd | Riverbend, VT 05060 US</p>"
            "<p><a href='https://visitor.cc.example/do?p=un'>Unsubscribe george@aol.example</a>"
            "<br><a href='https://visitor.cc.example/do?p=oo'>Update Profile</a> | Data Notice"
            "<br>Sent by news@pantry.example</p>")
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == STORIES


@pytest.mark.parametrize(("line", "footer"), [("Unsubscribe george.abernathy@aol.example", True),
                                              ("Unsubscribe reader@example.org.", True),
                                              ("Unsubscribe rates jump at news sites", False)])
def test_unsubscribe_with_the_reader_s_address_opens_the_footer(line: str, footer: bool) -> None:
    assert opens_footer(line) is footer


@pytest.mark.parametrize(("line", "button"), [("Volunteer for box day", True),
                                              ("Volunteer today →", True),
                                              ("Volunteer firefighters honored", False),
                                              ("Volunteer for the census draws thousands", False),
                                              ("Volunteer for the census", False)])
def test_a_call_to_volunteer_is_a_button(line: str, button: bool) -> None:
    assert bool(CALL_TO_ACTION.match(line)) is button


# ---- a listserv bulletin: titles at the margin over indented text ----------------------------

BULLETIN = """Department of Earth Sciences
Weekly Bulletin - Week of February 10, 2025

Items for next week's bulletin are due Wednesday at noon.


DEPARTMENT NEWS
===============

Research vessel returns from winter cruise
    The ship docked Tuesday after 19 days sampling oxygen-minimum
    zones off the coast. Fourteen students sailed.

Welcome to our new graduate coordinator
    Please welcome Mariela Santos, who joins us from the Biology
    department. Her office is Sorensen 104.

OPPORTUNITIES
=============

Summer field course TA positions
    Deadline: February 21
    Two teaching assistants needed for the six-week summer field course
    in the valley. Stipend plus room and board.

Undergraduate research awards
\tDate: March 7
\tUp to $2,500 for undergraduate research projects supervised by
\tfaculty. Application form on the department website.
"""


def test_a_bulletin_s_titles_at_the_margin_head_their_indented_text() -> None:
    assert _plain_headlines(BULLETIN)[-4:] == [
        "Research vessel returns from winter cruise", "Welcome to our new graduate coordinator",
        "Summer field course TA positions", "Undergraduate research awards"]


@pytest.mark.parametrize(("chunk", "hanging"), [
    ("Welcome to our coordinator\n    Please welcome Mariela Santos, who joins us", True),
    ("Research awards\n\tDate: March 7\n\tUp to $2,500 for projects", True),
    # a numbered item keeps its lines apart: its counts and its address line (sweep4)
    ("1. Show: a tiny spreadsheet engine\n   412 points, 133 comments\n   https://t.example/1",
     False),
    ("A release of the week\n   Improved math scores.\n   https://modeldiff.example/r/2", False),
    ("A title\n    - a bullet under it\n    - another", False),
    ("A paragraph that wraps\nat its width with no indent", False),
    ("  An indented first line\n    and more", False)])
def test_only_a_title_over_indented_prose_is_read_as_one(chunk: str, hanging: bool) -> None:
    assert _hanging(chunk) is hanging


def test_a_bulletin_s_dated_name_with_a_hyphen_is_its_masthead() -> None:
    assert _dated_name("Weekly Bulletin - Week of February 10, 2025", serial=False)
    assert not _dated_name("Apple event recap - Sept 9, 2025", serial=False)


# ---- an open-weights letter: each story ends in a link to its papers -------------------------


@pytest.mark.parametrize("link", ["License text", "Release notes", "Our licensing tracker",
                                  "System card", "Dataset", "Hacker News thread"])
def test_a_link_to_a_story_s_papers_under_its_text_is_no_story(link: str) -> None:
    html = "".join(f"<p><b>{s}</b></p><p>{NEWS}</p><p><a href='https://w.example/{n}'>{link}</a>"
                   "</p>" for n, s in enumerate(STORIES))
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == STORIES


@pytest.mark.parametrize("headline", ["Paper mill owner charged with fraud",
                                      "Card issuers cut fees for small shops",
                                      "Court releases notes"])
def test_a_short_headline_ending_like_a_document_is_no_link_text(headline: str) -> None:
    assert not _reads_as_a_link(headline)


def test_a_poll_s_answers_in_a_post_are_no_stories() -> None:
    url = "https://savepoint.substack.com/p/the-remaster"
    poll = ("<table><tr><td>Which handheld do you play on most?</td></tr>"
            + "".join(f"<tr><td><a href='{url}?poll=21777a&amp;option={n}'>{answer}</a></td></tr>"
                      for n, answer in enumerate(["A handheld PC", "A console handheld",
                                                  "I don't play on handhelds"], 1))
            + "</table>")
    html = "".join(f"<h2>{s}</h2><p>{NEWS}</p>" + (poll if n == 0 else "")
                   for n, s in enumerate(STORIES))
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == STORIES


# ---- the twenty-fourth sweep ----------------------------------------------------------------


@pytest.mark.parametrize("title", ["Mark your calendar", "What's on", "Dates for your diary",
                                   "On today and this week",
                                   "PROSSIMI APPUNTAMENTI", "Próximos eventos"])
def test_a_calendar_s_title_opens_the_events_zone(title: str) -> None:
    assert ZONES["events"].search(title)


@pytest.mark.parametrize("headline", ["Mark your calendar for the budget vote, council says",
                                      "What's on the menu at the new canteen",
                                      "Fixtures",  # a match report's heading (sweep9)
                                      "What's on this week", "On this week"])  # critics' picks
def test_news_that_opens_like_a_calendar_s_title_does_not_open_it(headline: str) -> None:
    assert not ZONES["events"].search(headline)


def test_a_calendar_at_the_end_of_an_issue_is_no_story() -> None:
    html = ("".join(f"<h2>{s}</h2><p>{NEWS}</p>" for s in STORIES)
            + "<p><b>Mark your calendar</b></p><p>Sat, Apr 26 - Tree planting day, 9am</p>"
            "<p>Thu, May 8 - Planning Commission hearing, City Hall, 6pm</p>"
            "<p>Sat, June 21 - Summer block party (save the date!)</p>")
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == STORIES


@pytest.mark.parametrize(("line", "button"), [
    ("Print this recipe", True), ("See the full programme", True),
    ("See the full city calendar", True), ("Book tickets", True), ("Visit our website", True),
    ("Try it in any table →", True), ("Book tickets sell out in minutes", False),
    ("Visit our website redesign", False), ("Try it on: the new jackets", False),
    ("Try it with tahini", False)])
def test_the_twenty_fourth_sweep_s_buttons(line: str, button: bool) -> None:
    assert bool(CALL_TO_ACTION.match(line)) is button


ADVISORY = ("The media upload handler trusted the client-supplied content type, and an "
            "unauthenticated attacker could upload a script and run it. Upgrade now.")
ADVISORIES = ["Remote code execution in Larkspur CMS file uploads",
              "Authentication bypass in Orbitgate VPN appliance web portal",
              "Denial of service in the Quartzline XML parser"]


def _advisories(signed: bool) -> str:
    recap = "".join(f"  {n}. {a}\n" for n, a in enumerate(ADVISORIES, 1))
    body = "".join(f"{'-' * 70}\n\n{a}\n\nSeverity: High | CVSS 8.6\nAffected: 7.2 and 7.3\n"
                   f"Fixed in: 7.3.9\n\n{ADVISORY}\n\n"
                   for a in ADVISORIES)
    text = (f"NORTHBRIDGE CERT SECURITY WEEKLY\nIssue 2025-13 | 28 March 2025\n\nThis weekly "
            f"summary covers what was published in the past seven days.\n\nIN THIS ISSUE\n\n"
            f"{recap}\n{body}- -- \nThe CERT team\n")
    if not signed:
        return text.replace("- -- \n", "-- \n")
    return ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + text
            + "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEETyqcEX0wuOUKbD6R1EJ7BYH6\n"
              "=Jd2v\n-----END PGP SIGNATURE-----\n")


@pytest.mark.parametrize("signed", [True, False])
def test_a_clearsigned_advisory_list_is_cut_as_its_text_with_no_recap_copy(signed: bool) -> None:
    assert _plain_headlines(_advisories(signed)) == ADVISORIES


@pytest.mark.parametrize("line", ["November 2024 Edition", "THE MAY LETTER",
                                  "The October Update", "March 2025 Newsletter"])
def test_an_issue_named_by_its_month_is_the_masthead(line: str) -> None:
    assert MONTHLY_NAME.match(line)


@pytest.mark.parametrize("line", ["May letter from the mayor sparks a row",
                                  "November 2024 elections: the results", "The May Day march"])
def test_news_that_names_a_month_is_no_monthly_name(line: str) -> None:
    assert not MONTHLY_NAME.match(line)


def test_an_italian_notiziario_s_number_line_is_the_masthead() -> None:
    assert ISSUE_LINE.match("Notiziario n. 4 - aprile 2025")
    assert ISSUE_LINE.match("Bollettino n. 12")
    assert not ISSUE_LINE.match("Notizie dal mondo: 4 nuovi telescopi")


@pytest.mark.parametrize(("line", "authors"), [
    ("Rafael Quintero, Sunniva Dahl (Bergen School of Data Science)", True),
    ("Wen Liqiao and Dario Montesano (independent)", True),
    ("Nvidia Beats Estimates, Shares Fall", False),
    ("Apple and Google (Again) Team Up", False)])
def test_two_authors_with_their_affiliation_are_a_byline(line: str, authors: bool) -> None:
    assert is_byline(line) is authors


@pytest.mark.parametrize(("line", "authors"), [
    ("Authors: Yusra Haddad, Felix Brandvold, Min-ji Cho", True),
    ("AUTHORS: Oluwaseun Bello and Greta Lindahl", True),
    ("Speaker: Dr. Amaya Pruett (Oregon Coast Research Station)", True),
    ("Authors: publishers must pay", False), ("Authors Guild sues OpenAI", False),
    ("Authors: The New York Times", False)])
def test_labelled_authors_are_a_byline_not_a_headline(line: str, authors: bool) -> None:
    assert is_byline(line) is authors and title_like(line) is not authors


def test_a_reading_group_s_numbered_papers_over_their_authors_head_their_stories() -> None:
    papers = [("Measuring Sycophancy Under Pressure in Multi-Turn Dialogue",
               "Yusra Haddad, Felix Brandvold, Min-ji Cho"),
              ("Auditing Hidden Objectives with Interpretability Tools: A Blind Study",
               "Teodora Kalinowska, Ravi Sundaram, Ellen Vasquez-Park"),
              ("Reward Hacking in Code Generation Environments", "Oluwaseun Bello, Greta Lindahl")]
    body = "Hi all,\n\nHere are this week's readings.\n\n" + "".join(
        f"{'=' * 72}\n\n{n}. {title}\n   Authors: {who}\n   Venue: preprint, February 2025\n"
        f"   https://arxiv.example.org/abs/2502.1{n}\n\n   {SUMMARY}\n\n"
        for n, (title, who) in enumerate(papers, 1))
    assert _plain_headlines(body) == [title for title, _ in papers]


@pytest.mark.parametrize(("line", "postal"), [
    ("100 Civic Plaza, Maplebrook, OR 97321", True),
    ("KI-Woche · Weidemann Medien UG · Lindenstraße 41 · 10969 Berlin", True),
    ("Riverbend Community Pantry | 18 Mill Race Rd | Riverbend, VT 05060 US", True),
    ("Acme Ltd, 3 Crown Pl, Leeds LS2 8JB, UK", True),
    ("Council approves 2025 budget with new sidewalk fund", False),
    ("Fed holds rates at 4.5%, signals 2 cuts in 2025", False),
    ("Volkswagen, union agree: 35000 Jobs", False),
    ("Tesla recalls 2,000 cars, NHTSA says", False)])
def test_the_sender_s_postal_address_opens_the_footer(line: str, postal: bool) -> None:
    assert opens_footer(line) is postal


def test_a_postal_address_under_the_last_story_is_no_story() -> None:
    html = ("".join(f"<h2>{s}</h2><p>{NEWS}</p>" for s in STORIES)
            + "<p><b>City of Maplebrook</b></p><p>100 Civic Plaza, Maplebrook, OR 97321</p>")
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == STORIES


def test_a_long_line_is_searched_for_a_postcode_in_linear_time() -> None:
    import time
    started = time.process_time()
    for line in ["1, " + "a" * 150, "1, " + "AB " * 50_000, ("1 a, " * 40_000) + "OR 97321"]:
        opens_footer(line)
        POSTAL_END.search(line)
    assert time.process_time() - started < 2


def test_the_issue_s_date_with_its_curator_is_the_masthead() -> None:
    assert ISSUE_DATE.match("12 June 2025 · curated by Yara Haddad")
    assert ISSUE_DATE.match("Friday, 6 June 2025 | edited by Tom Reed")
    assert not ISSUE_DATE.match("12 June 2025 · curated by a committee of readers")


def test_stories_with_bylines_after_a_subscribe_box_are_no_footer() -> None:
    stories = ["The moon that should not have an ocean", "How octopuses taste with their arms",
               "The hidden cooling power of city trees",
               "Why some people never catch the common cold",
               "Batteries made from seawater salt pass a crucial test"]
    card = "<h2><a href='https://helix.example/{n}'>{s}</a></h2><p>By Paloma Reyes</p><p>{t}</p>"
    cards = [card.format(n=n, s=s, t=NEWS) for n, s in enumerate(stories)]
    offer = ("<p>SUBSCRIBER OFFER</p><p>12 issues of Helix in print for £24</p>"
             "<p><a href='https://helix.example/subscribe'>Subscribe now</a></p>")
    html = "".join(cards[:3]) + offer + "".join(cards[3:]) + (
        "<p>This email was sent to alex@example.com</p><p>Unsubscribe | Privacy Policy</p>")
    headlines = [s.headline for s in segment(parse_issue(email(html, html=True)))]
    assert headlines[:3] == stories[:3] and headlines[-2:] == stories[3:]


def test_the_publisher_s_own_offer_label_opens_the_sponsor_zone() -> None:
    assert ZONES["sponsor"].search("SUBSCRIBER OFFER")
    assert not ZONES["sponsor"].search("Subscriber offers fall flat, publishers say")


def test_a_bold_lead_item_with_one_short_sentence_among_others_is_its_own_story() -> None:
    leads = [("Ferry fares to Inchmore rise 5% from Monday.", NEWS),
             ("Bridge Street closes for gas works from 22 April.",
              "Expect diversions via Market Wynd."),
             ("New bakery opens in the old bank on Shore Road.", NEWS)]
    html = "<h3>Also this morning</h3>" + "".join(f"<p><strong>{lead}</strong> {text}</p>"
                                                  for lead, text in leads)
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == [
        lead.rstrip(".") for lead, _ in leads]


def test_a_lone_bold_lead_over_a_short_sentence_stays_in_its_story() -> None:
    html = (f"<h2>Council buys the cannery site</h2><p>{NEWS}</p>"
            "<p><strong>The vote was close in the end.</strong> Nine to four.</p>"
            f"<h2>Ferry fares rise</h2><p>{NEWS}</p>")
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == [
        "Council buys the cannery site", "Ferry fares rise"]


@pytest.mark.parametrize("title", ["This week's numbers", "The week in numbers"])
def test_a_numbers_table_s_title_is_an_extra(title: str) -> None:
    assert ZONES["extras"].search(title)


# ---- from the read-only review of these rules -----------------------------------------------


def test_a_contact_heading_or_a_subscribe_address_in_a_story_drops_no_later_story() -> None:
    html = (f"<h2>Food bank needs weekend volunteers</h2><p>{NEWS}</p>"
            "<h3>Contact</h3><p>Call Maria Lopez at 555-0142 or write to her.</p>"
            "<p>Subscribe help@example.org</p>"
            + "".join(f"<h2>{s}</h2><p>{NEWS}</p>" for s in STORIES))
    headlines = [s.headline for s in segment(parse_issue(email(html, html=True)))]
    assert headlines[0] == "Food bank needs weekend volunteers" and headlines[-3:] == STORIES


def test_a_lead_story_over_a_list_of_the_later_headlines_is_no_recap() -> None:
    topics = ["Transit levy", "Library hours", "Park renovation", "Police overtime cap"]
    html = (f"<h2>Council adopts $2.1bn budget after late-night session</h2><p>{NEWS} {NEWS}</p>"
            "<ul>" + "".join(f"<li>{t}</li>" for t in topics) + "</ul>"
            + "".join(f"<h2>{t}</h2><p>{NEWS}</p>" for t in topics))
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == [
        "Council adopts $2.1bn budget after late-night session", *topics]


SIGNATURE = ("-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n=Jd2v\n"
             "-----END PGP SIGNATURE-----\n")


def test_a_digest_of_signed_messages_keeps_each_message_and_what_is_between() -> None:
    signed = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{}\n- --- a rule\n"
    text = (f"Message: 1\n{signed.format('Advisory one')}{SIGNATURE}\nMessage: 2\n"
            f"{signed.format('Advisory two')}{SIGNATURE}\nEnd of digest\n")
    assert _without_pgp_armor(text) == ("Message: 1\n\nAdvisory one\n--- a rule\n\nMessage: 2"
                                        "\n\nAdvisory two\n--- a rule\n\nEnd of digest\n")


def test_an_escaped_signature_inside_signed_text_is_no_signature() -> None:
    text = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOuter news\n"
            "- -----BEGIN PGP SIGNATURE-----\n- inner\n- -----END PGP SIGNATURE-----\n"
            f"More outer news\n{SIGNATURE}After the signature\n")
    cleaned = _without_pgp_armor(text)
    assert "More outer news" in cleaned and cleaned.endswith("After the signature\n")


def test_pgp_armor_is_read_in_linear_time() -> None:
    import time
    started = time.process_time()
    for text in ["-----BEGIN PGP SIGNED MESSAGE-----\n" * 20_000,
                 "-----BEGIN PGP SIGNED MESSAGE-----\nHash: x\n\n"
                 + "-----BEGIN PGP SIGNATURE-----\n" * 20_000]:
        _without_pgp_armor(text)
    assert time.process_time() - started < 2


def test_a_key_s_fingerprint_on_a_line_of_its_own_is_no_heading() -> None:
    assert not _is_caps_line("3E91 D442 7B05 81FA 2C6D.")
    assert _is_caps_line("COVID-19 UPDATE") and _is_caps_line("2025 BUDGET")


@pytest.mark.parametrize("headline", ["Nvidia Beats Estimates, Shares Fall (Updated)",
                                      "Apple Sues Samsung and Google Responds (Video)",
                                      "Tim Cook, Sundar Pichai (Video)"])
def test_a_title_case_headline_ending_in_brackets_is_no_author_pair(headline: str) -> None:
    assert title_like(headline) and not is_byline(headline)


@pytest.mark.parametrize("lead", ["The September Issue", "November 2025 Update",
                                  "Buffett's Thanksgiving letter — November 10, 2025",
                                  "FOMC - December 10, 2025"])
def test_a_first_story_that_names_a_month_or_a_letter_over_news_stays_a_story(lead: str) -> None:
    html = f"<h2>{lead}</h2><p>{NEWS} {NEWS}</p>" + "".join(
        f"<h2>{s}</h2><p>{NEWS}</p>" for s in STORIES)
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == [lead, *STORIES]


def test_sections_over_indented_titles_over_their_text_keep_the_titles() -> None:
    body = ("Hello readers,\n\nHere is the week.\n\nCITY\n  Council passes the transit levy\n"
            "    The levy raises forty million a year for buses and\n    trams across the "
            "region, officials said on Tuesday.\n\nSCHOOLS\n  Board names new superintendent\n"
            "    The board voted five to two for the candidate from\n    the neighbouring "
            "district after a long search.\n")
    assert _plain_headlines(body) == ["Council passes the transit levy",
                                      "Board names new superintendent"]


def test_a_poll_s_news_linked_with_a_poll_query_over_its_text_is_a_story() -> None:
    url = "https://pollster.example.org/crosstabs?poll=2025-11&amp;answer=all"
    html = (f"<h3>{STORIES[0]}</h3><p>{NEWS}</p>"
            f"<h3><a href='{url}'>Poll: 62% back the transit levy</a></h3><p>{NEWS}</p>"
            f"<h3>{STORIES[1]}</h3><p>{NEWS}</p>")
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == [
        STORIES[0], "Poll: 62% back the transit levy", STORIES[1]]


# ---- a founder's letter: the post's own essay under its title, then links -------------------

ESSAY = ("Every week someone shows me a demo that works perfectly on stage and then falls over "
         "the moment a real customer uploads a scanned invoice from 2011. The gap is not model "
         "quality; it is everything around the model.")
LINKS = ["The long tail of document formats", "Pricing AI products by outcome, not by seat",
         "Notes on hiring your first ops lead"]


def _letter(paragraphs: int) -> bytes:
    html = ("<h1>The demo is not the product</h1>" + f"<p>{ESSAY}</p>" * paragraphs
            + "<h2>What I'm reading</h2><ul>" + "".join(
                f"<li><a href='https://r.example/{n}'>{link}</a> - why it is worth an "
                "evening of your time this week.</li>" for n, link in enumerate(LINKS))
            + "</ul>")
    return email(html, html=True, subject="The demo is not the product")


def test_the_post_s_own_essay_under_its_title_is_its_first_story() -> None:
    stories = segment(parse_issue(_letter(4)))
    assert [s.headline for s in stories] == ["The demo is not the product", *LINKS]
    assert stories[0].text.count("Every week someone") == 4


def test_a_post_s_intro_under_its_title_is_no_story() -> None:
    assert [s.headline for s in segment(parse_issue(_letter(1)))] == LINKS


def test_explain_names_the_essay_first_and_numbers_the_rest_after_it(tmp_path: Path) -> None:
    path = tmp_path / "letter.eml"
    path.write_bytes(_letter(4))
    lines = explain(path)
    numbered = [line for line in lines if line[:1].isdigit()]
    assert lines[1] == numbered[0] == ("0. the post's essay under its title: 'The demo is not "
                                       "the product'")
    assert [line.split(".")[0] for line in numbered] == ["0", "1", "2", "3"]
    assert not any("before the first story" in line for line in lines)


@pytest.mark.parametrize(("line", "button"), [("Listen now · 1:04:51", True),
                                              ("▶ Play · 48 min", True),
                                              ("Listen now · the full story", False),
                                              ("Watch · 3:10 of drama", False)])
def test_a_player_s_button_with_the_episode_s_length_is_a_button(line: str, button: bool) -> None:
    assert bool(CALL_TO_ACTION.match(line)) is button


# ---- the twenty-fifth sweep: a one-author digest of bold headlines between rules ------------

DIGEST = ["Harborline releases a 400-billion-parameter open-weights model",
          "Judge lets authors' class action against Veritext proceed",
          "Orrin Semiconductor pushes its next accelerator into 2026",
          "Study: coding assistants slowed experienced developers on code they knew well",
          "Pellucid raises $220 million to automate hospital billing"]


def _digest(intro: str) -> bytes:
    stories = [f"<p><strong>{h}</strong></p><p>{NEWS}</p><p>{NEWS}</p>" for h in DIGEST]
    ad = ("<div><p>A message from Quillstack</p><p>Quillstack turns your docs into answers. "
          "Start a free 30-day trial.</p><p><a href='https://q.example'>Try Quillstack</a></p>"
          "</div>")
    html = ("<h1>Tuesday: open weights go big</h1><h3>Also: a lawsuit and a chip</h3>"
            "<p>Noor Castellanos</p><p>Mar 18, 2025</p>" f"<p>{intro}</p>"
            + "<hr>".join(stories[:3]) + "<hr>" + ad + "".join(stories[3:4]) + "<hr>"
            + stories[4] + "<p>That's it for today.</p>")
    return email(html, html=True, subject="Tuesday: open weights go big")


def test_a_digest_whose_intro_counts_its_stories_is_no_essay() -> None:
    intro = "Good morning. Five stories today, and a long one on open weights."
    assert [s.headline for s in segment(parse_issue(_digest(intro)))] == DIGEST


@pytest.mark.parametrize("intro", ["Good morning. Here are 5 things worth your time.",
                                   "Seven quick reads for the week ahead."])
def test_an_intro_that_counts_items_is_read_as_a_digest_s(intro: str) -> None:
    assert _announces_items([Block(kind="paragraph", text=intro)])


def test_an_essay_s_intro_that_counts_something_else_is_no_digest_s() -> None:
    assert not _announces_items([Block(kind="paragraph", text="Five years ago I left my job.")])


def test_a_reading_group_s_numbered_papers_over_authors_and_address_head_their_stories() -> None:
    papers = [("Attention Sinks Revisited: Why the First Token Matters",
               "Farah Qureshi, Liam O'Donnell (2025)"),
              ("Scaling Laws for Data Filtering Are Not Monotonic",
               "A. Mensah, K. Yilmaz, R. Fontaine (2025)"),
              ("Learning to Plan with Latent Actions", "Y. Sato, D. Brennan (2024)")]
    body = ("Hi everyone,\n\nHere are the candidates for the reading group on Thursday, "
            "room 2.14 and on the usual video link. Vote for two by replying to me.\n\n"
            + "".join(f"[{n}] {title}\n    {who}\n    https://arxiv.org/abs/2502.1187{n}\n\n"
                      f"{SUMMARY}\n\n" for n, (title, who) in enumerate(papers, 1)))
    assert _plain_headlines(body) == [title for title, _ in papers]


@pytest.mark.parametrize(("line", "button"), [("Support our work", True),
                                              ("Open volunteer shifts", True),
                                              ("Instagram · Facebook", True),
                                              ("Facebook | Instagram | YouTube", True),
                                              ("Im Browser lesen", True),
                                              ("Support our work grows, charity says", False),
                                              ("Instagram tests a new feed", False)])
def test_the_twenty_fifth_sweep_s_buttons(line: str, button: bool) -> None:
    assert bool(CALL_TO_ACTION.match(line)) is button


def test_a_model_page_link_under_a_release_is_the_release_s() -> None:
    html = "".join(f"<h3>{s}</h3><p>{NEWS}</p><p><a href='https://m.example/{n}'>Model page →"
                   "</a></p>" for n, s in enumerate(STORIES))
    assert [s.headline for s in segment(parse_issue(email(html, html=True)))] == STORIES
