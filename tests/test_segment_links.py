"""Link lines, lists and dates that belong to a story, and plain-text headings (the fifth
sweep, stop 21: 30 issues written blind, 0.753 before these rules).  Every issue here is
written for these tests (no newsletter text)."""

from __future__ import annotations

import pytest

from service.ingest.headlines import is_byline
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from tests.test_segment_any import email

P = ("The council spent most of the evening on the budget, and the vote came only after "
     "a long public comment period that ran past eleven.")


def _headlines(body: str, html: bool = True, subject: str = "This week") -> list[str]:
    return [s.headline for s in segment(parse_issue(email(body, html=html, subject=subject)))]


@pytest.mark.parametrize("link", ["Read the draft rules", "See the standard", "Grant guidance",
                                  "Try recurring invoices"])
def test_a_storys_own_short_link_under_its_text_is_no_story(link: str) -> None:
    html = "".join(f"<h2>{h}</h2><p>{P}</p><p><a href='https://x.example/{n}'>{link}</a></p>"
                   for n, h in enumerate(["Consultation opens on data-sharing rules",
                                          "New accessibility standard takes effect",
                                          "Rural broadband grants are due in May"]))
    stories = segment(parse_issue(email(html, html=True)))
    assert [s.headline for s in stories] == ["Consultation opens on data-sharing rules",
                                             "New accessibility standard takes effect",
                                             "Rural broadband grants are due in May"]
    assert stories[0].links[-1].url == "https://x.example/0"


def test_a_linked_title_with_its_summary_under_it_stays_an_item() -> None:
    items = "".join(f"<p><a href='https://x.example/{n}'>{t}</a></p><p>{P}</p>"
                    for n, t in enumerate(["Async Database Drivers Compared", "pyroute-lite"]))
    html = (f"<h2>Profiling Python Without Changing Your Code</h2><p>{P}</p>{items}"
            f"<h2>Type Hints for Decorators</h2><p>{P}</p>")
    assert _headlines(html)[1:3] == ["Async Database Drivers Compared", "pyroute-lite"]


def test_the_authors_profile_link_under_a_posts_title_is_no_story() -> None:
    title = "The Grid Ledger #41: transformers, rebates and a salt cavern"
    html = (f"<h1>{title}</h1><h3>Plus three quick hits</h3>"
            "<p><a href='https://gridledger.example/@marisol'>Marisol Okafor</a></p>"
            f"<p>Mar 14</p><p>Hi all. {P}</p>"
            + "".join(f"<h2>{h}</h2><p>{P}</p>" for h in [
                "Utilities wait two years for transformers", "A heat-pump rebate ran out",
                "Texas grid sets a demand record"]))
    assert _headlines(html, subject=title) == ["Utilities wait two years for transformers",
                                               "A heat-pump rebate ran out",
                                               "Texas grid sets a demand record"]


def test_a_paper_title_over_its_authors_and_arxiv_id_is_the_headline() -> None:
    line = "Lina Okonkwo, Felix Brandt, Mei Sato · arXiv:2503.04417 · PDF"
    assert is_byline(line) and not is_byline("Sam Altman · OpenAI")
    html = "".join(f"<h2>{t}</h2><p>{line}</p><p>{P}</p>" for t in [
        "Sparse Adapters Are Enough for Speech Recognition", "Scaling Laws for Tabular Models"])
    assert _headlines(html) == ["Sparse Adapters Are Enough for Speech Recognition",
                                "Scaling Laws for Tabular Models"]


def test_an_events_bold_date_under_its_title_is_its_text() -> None:
    events = "".join(f"<h3>{t}</h3><p><b>{d}</b> at the pier. {P}</p>" for t, d in [
        ("Lantern walk on the east pier", "Fri, Oct 18, 7 pm"),
        ("Net-mending workshop", "Sat, Oct 19, 10 am, Fishermen's Hall")])
    html = f"<h2>Council delays the vote on ferry fares</h2><p>{P}</p><h2>Events</h2>{events}"
    assert _headlines(html) == ["Council delays the vote on ferry fares",
                                "Lantern walk on the east pier", "Net-mending workshop"]


def test_a_bold_line_titling_a_list_makes_its_links_stories() -> None:
    items = "".join(f"<li><a href='https://x.example/{n}'>{t}</a> — {P}</li>" for n, t in
                    enumerate(["The Japanese saw that changed my dovetails",
                               "A free cut-list calculator for grain direction"]))
    html = (f"<h2>Why I stopped sanding past 220</h2><p>{P}</p>"
            f"<p><strong>Three things worth your time this week:</strong></p><ol>{items}</ol>")
    assert _headlines(html)[-2:] == ["The Japanese saw that changed my dovetails",
                                     "A free cut-list calculator for grain direction"]


@pytest.mark.parametrize("label", ["Further reading:", "Read the documents:"])
def test_links_under_a_related_or_documents_label_stay_the_storys(label: str) -> None:
    items = "".join(f"<li><a href='https://x.example/{n}'>{t}</a> — a summary.</li>" for n, t in
                    enumerate(["The first report on the cuts", "Auditor's final report (PDF)"]))
    html = (f"<h2>Council approves the levy</h2><p>{P}</p>"
            f"<p><strong>{label}</strong></p><ul>{items}</ul>"
            f"<h2>Bus routes to change</h2><p>{P}</p>")
    assert _headlines(html) == ["Council approves the levy", "Bus routes to change"]


def test_a_plain_text_heading_between_equals_signs_is_a_section() -> None:
    names = ["Larkspur 3.0", "pgmeter 1.4", "Hollyhock 0.9", "Brine 2.2", "Quill 1.0"]
    items = "".join(f"* {name} - a small tool; this release adds incremental builds, drops an "
                    f"old runtime and cuts memory use by half.\n  https://x.example/{n}\n\n"
                    for n, name in enumerate(names))
    text = ("RELEASE RADAR -- Week 14, 2025\n\nHi all,\n\nFive releases this week.\n\n"
            f"== Releases ==\n\n{items}== Reading ==\n\n"
            "* \"How we deprecate things\" - a maintainer's checklist for removing features "
            "without angering everyone.\n  https://x.example/read\n")
    headlines = _headlines(text, html=False)
    assert [h.split(" - ")[0] for h in headlines] == [*names, '"How we deprecate things"']


# ---- the attack on those rules (stop 21): 0.752 before them, 0.842 with their first
# versions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("headline", ["OpenGrid Sues Regulator", "Mayor Resigns"])
def test_a_short_linked_headline_under_a_storys_text_stays_a_story(headline: str) -> None:
    html = (f"<h2>County Proposes Limits on Data Center Water Use</h2><p>{P}</p>"
            f"<p><a href='https://x.example/1'>{headline}</a></p><hr>"
            f"<h2>Harbor District Picks a New Director</h2><p>{P}</p>")
    assert headline in _headlines(html)


def test_a_documents_name_under_a_storys_text_is_its_link() -> None:
    html = (f"<h2>Call for volunteers: Summer Arts Fair</h2><p>{P}</p>"
            "<p><a href='https://x.example/form'>Volunteer sign-up form</a></p>"
            f"<h2>Youth orchestra heads to Lisbon</h2><p>{P}</p>")
    assert _headlines(html) == ["Call for volunteers: Summer Arts Fair",
                                "Youth orchestra heads to Lisbon"]


def test_one_liners_after_a_poll_are_stories_and_its_answers_are_not() -> None:
    answers = "".join(f"<p><a href='https://x.example/p{n}'>{a}</a></p>" for n, a in
                      enumerate(["⚡⚡⚡ Fully charged", "⚡⚡ Half charged", "⚡ Fumes"]))
    items = "".join(f"<p><a href='https://x.example/{n}'>{t}</a> — {P}</p>" for n, t in
                    enumerate(["Battery recycler Voltloop raises $80M",
                               "Kestrel Air delays its electric commuter plane"]))
    html = (f"<h2>Chipmaker Halts Plans for a Second Fab</h2><p>{P}</p>"
            f"<h2>📊 POLL</h2><p>How charged up are you about grid storage?</p>{answers}<hr>"
            f"{items}")
    assert _headlines(html) == ["Chipmaker Halts Plans for a Second Fab",
                                "Battery recycler Voltloop raises $80M",
                                "Kestrel Air delays its electric commuter plane"]


@pytest.mark.parametrize("headline", [
    "Impressum fehlt: Abmahnwelle trifft kleine Onlinehändler",
    "Mentions légales : la CNIL épingle 40 boutiques en ligne",
    "Aviso legal a las eléctricas: Competencia abre expediente",
    "How Would You Rate the Buses? 9,000 Riders Answered",
    "Welcome to the Neighborhood: Three Shops Open on Elm Street",
    "Welcome Back, Night Market",
    # the sixth attack's: referral and show-notes words at the start of news
    "Tell your friends: Chatterly lets group chats share one assistant",
    "Shoppers can now earn rewards for rating chatbot answers",
    "Timestamps, watermarks and the fight over provenance",
    "In this episode of the chip war, the Netherlands tightens again"])
def test_news_that_opens_like_chrome_is_a_story(headline: str) -> None:
    html = (f"<h2>Council delays the vote on ferry fares</h2><p>{P}</p>"
            f"<h2>{headline}</h2><p>{P}</p><h2>The old cannery gets a buyer</h2><p>{P}</p>")
    assert _headlines(html) == ["Council delays the vote on ferry fares", headline,
                                "The old cannery gets a buyer"]


def test_reporting_by_under_a_headline_is_its_byline() -> None:
    assert is_byline("Reporting by Amaka Osei and Jules Brandt")


def _deals(title: str, names: list[str]) -> str:
    return f"<h2>{title}</h2>" + "".join(
        f"<p><b><a href='https://x.example/{n}'>{name}</a></b> (Lisbon) raised a $12M Series A "
        f"to build solar-powered cold storage for fishing co-ops.</p>" for n, name in
        enumerate(names))


def test_named_lines_under_a_short_title_beside_a_list_title_are_stories() -> None:
    html = (_deals("Early stage", ["Lumora", "Brightwell Health"])
            + _deals("Growth", ["Parcelnorth", "Tessel"])
            + _deals("Acquisitions", ["Oakline Software", "Finch & Ward"]))
    assert _headlines(html) == ["Lumora", "Brightwell Health", "Parcelnorth", "Tessel",
                                "Oakline Software", "Finch & Ward"]


def test_bold_names_under_a_headline_beside_a_list_stay_its_text() -> None:
    story = ("<h2>Chip rules tighten again</h2>"
             "<p><b>Nvidia</b> said on Tuesday that the new rule would cut its China sales by "
             "a fifth this year.</p><p><b>AMD</b> said it was still reading the rule and "
             "would comment after its earnings call.</p>")
    html = story + _deals("Acquisitions", ["Oakline Software", "Finch & Ward"])
    assert _headlines(html) == ["Chip rules tighten again", "Oakline Software", "Finch & Ward"]


def test_an_essay_under_its_authors_bare_name_and_date_is_one_story() -> None:
    title = "What the orchard taught me about deadlines"
    sections = "".join(f"<h2>{h}</h2><p>{P} {P}</p>" for h in ["Grafting", "Frost", "Harvest"])
    html = (f"<h1>{title}</h1><h3>Some dates are grafts, some are frosts</h3>"
            "<p><a href='https://quietmiddle.example/@ines'>Ines Carvalho</a><br>Oct 5, 2025</p>"
            f"<p>My grandmother kept an orchard. {P}</p>{sections}")
    assert _headlines(html, subject=title) == [title]


def test_the_newsletters_name_linked_to_its_home_page_is_its_logo() -> None:
    title = "The sidewalk math that decides where a city grows"
    sections = "".join(f"<h3>{h}</h3><p>{P} {P}</p>" for h in [
        "The permit rule nobody reads", "A feedback loop with a paper trail"])
    html = (f"<p><b><a href='https://fieldnotes.example/'>Field Notes</a></b></p>"
            f"<h1>{title}</h1><p>By Ines Carvalho • 2 Sep 2025</p><p>{P} {P} {P}</p>{sections}")
    assert _headlines(html, subject=title) == [title]
