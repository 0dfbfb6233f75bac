"""The eleventh blind sweep (stop 23): 30 issues of AI and general newsletters from invented
senders (mastheads, buttons, sponsors, deal lists, a poll), 0.874 with the tenth sweep's
rules.  Every issue here is written for these tests (no newsletter text)."""

from __future__ import annotations

import hashlib

import pytest

from service.domain import Story
from service.ingest.masthead import names_the_newsletter, newsletter_names
from service.ingest.parse import parse_issue
from service.ingest.segment import segment

P = ("The council spent most of the evening on the budget, and the vote came only after "
     "a long public comment period that ran past eleven.")


def _email(html: str, *, sender: str = "Zero Day Digest", subject: str = "This week",
           list_id: str = "") -> bytes:
    digest = hashlib.sha256(html.encode()).hexdigest()[:16]
    listed = f"List-Id: {list_id}\n" if list_id else ""
    return (f"From: {sender} <news@newsletter.example>\nTo: reader@example.test\n"
            f"Subject: {subject}\nMessage-ID: <{digest}@newsletter.example>\n{listed}"
            f"Content-Type: text/html; charset=utf-8\n\n{html}").encode()


def _stories(html: str, **headers: str) -> list[Story]:
    return segment(parse_issue(_email(html, **headers)))


def _headlines(html: str, **headers: str) -> list[str]:
    return [s.headline for s in _stories(html, **headers)]


TWO = (f"<h2>Router maker patches seven flaws</h2><p>{P}</p>"
       f"<h2>Ransomware gang changes tactics</h2><p>{P}</p>")


@pytest.mark.parametrize("masthead", [
    '<p><a href="https://zerodaydigest.example">Zero Day Digest</a></p>',
    '<p><a href="https://zerodaydigest.example">Zero Day Digest — Week 46</a></p>',
    "<p>ZERO DAY DIGEST #46</p>",
    "<p>Zero Day Digest<br>11/18/2025 10:00 AM EST</p>",
    "<p>Zero Day Digest</p><p>Zero Day Digest — Week 46</p>",
])
def test_a_masthead_line_with_the_newsletters_name_is_no_story(masthead: str) -> None:
    html = f"{masthead}<p>Welcome back. {P}</p>{TWO}"
    assert _headlines(html) == ["Router maker patches seven flaws",
                                "Ransomware gang changes tactics"]


def test_a_headline_that_opens_with_the_newsletters_name_is_news() -> None:
    html = f"<h2>Zero Day Digest readers pick the worst bug of the year</h2><p>{P}</p>{TWO}"
    assert _headlines(html)[0] == "Zero Day Digest readers pick the worst bug of the year"


def test_the_newsletters_names_come_from_the_sender_and_the_list() -> None:
    assert newsletter_names("Priya Raman from Gradient Notes", None) == (
        "priya raman from gradient notes", "priya raman", "gradient notes")
    assert newsletter_names("The Harbor Ledger", "Tech Morning <tech.harbor.example>") == (
        "the harbor ledger", "tech morning")
    names = newsletter_names("KI-Briefing", None)
    assert names_the_newsletter("KI-Briefing\nDonnerstag, 20. November 2025", names)
    assert names_the_newsletter("🎙️ KI-BRIEFING · Read on the web", names)
    assert not names_the_newsletter("KI-Briefing: Bund legt Leitlinien vor", names)
    assert not names_the_newsletter("Donnerstag, 20. November 2025", names)


def test_under_the_newsletters_name_the_first_heading_is_a_story_not_a_subtitle() -> None:
    """Substack sets a post's subtitle right under its title; a newsletter that sets its
    name above the issue's title starts its first story there (attack5's a01 kept it only
    while the name was itself read as a story)."""
    html = (f"<p>Tidewater Ledger</p><h1>Tidewater Ledger — Week of March 9</h1>"
            f"<h2>Port Authority Votes to Raise Docking Fees</h2><p>By Lena Ortiz</p><p>{P}</p>"
            f"<h2>Ferry Schedule Shrinks for Spring</h2><p>{P}</p>"
            f"<h2>Cannery Lofts Get Final Approval</h2><p>{P}</p>")
    assert _headlines(html, sender="Tidewater Ledger",
                      subject="Tidewater Ledger — Week of March 9") == [
        "Port Authority Votes to Raise Docking Fees", "Ferry Schedule Shrinks for Spring",
        "Cannery Lofts Get Final Approval"]


def test_an_issue_title_shown_whole_with_the_newsletters_name_heads_no_essay() -> None:
    title = "The Weekend Reader: Four Long Reads"
    html = (f"<p>The Weekend Reader</p><h1>{title}</h1>"
            f"<h2>The Last Lighthouse Keeper</h2><p>By Carys Penhallow</p>"
            f"<p>{P}</p><h2>How a Seed Library Outgrew Its Shelf</h2><p>{P}</p>"
            f"<h2>The Quiet Economics of Night Buses</h2><p>{P}</p>")
    assert len(_headlines(html, sender="The Weekend Reader", subject=title)) == 3


@pytest.mark.parametrize("button", ["Full story", "Read article »", "Read the full story →"])
def test_a_read_more_button_is_its_storys_link_not_a_story(button: str) -> None:
    html = "".join(
        f'<h3><a href="https://news.example/{n}">{h}</a></h3><p>{P}</p>'
        f'<p><b><a href="https://news.example/{n}">{button}</a></b></p>'
        for n, h in enumerate(["Humanoid pilot expands to a second plant",
                               "Surgical robot cleared for gallbladder removal"]))
    stories = _stories(html)
    assert [s.headline for s in stories] == ["Humanoid pilot expands to a second plant",
                                             "Surgical robot cleared for gallbladder removal"]
    assert stories[1].url == "https://news.example/1"


def test_a_card_over_a_short_teaser_and_its_read_more_link_is_a_story() -> None:
    """Folding the button into the teaser left too little text under the title, which then
    read as a section's name (sweep5's travel cards)."""
    html = "".join(f'<h3>{h}</h3><p>Here is where locals go.</p>'
                   f'<p><a href="https://travel.example/{n}">Read more →</a></p>'
                   for n, h in enumerate(["Where to eat in Oaxaca on a Monday",
                                          "The night trains are back in Central Europe"]))
    assert _headlines(html) == ["Where to eat in Oaxaca on a Monday",
                                "The night trains are back in Central Europe"]


@pytest.mark.parametrize("button", ["See regional pricing", "Set up alerts", "Request a demo"])
def test_a_short_button_under_a_storys_text_is_part_of_it(button: str) -> None:
    html = (f"<h3>São Paulo region now generally available</h3><p>{P}</p>"
            f'<p><a href="https://cloud.example/pricing">{button}</a></p>'
            f"<h3>Billing alerts can now go to chat apps</h3><p>{P}</p>")
    stories = _stories(html)
    assert [s.headline for s in stories] == ["São Paulo region now generally available",
                                             "Billing alerts can now go to chat apps"]
    assert button in stories[0].text


def test_short_linked_headlines_in_a_list_stay_stories() -> None:
    items = ["Museum Drops Admission Fees", "Choir Wins Regional Title",
             "Gallery Night Moves Online"]
    html = "<h2>Arts</h2>" + "".join(
        f'<p><a href="https://arts.example/{n}">{h}</a></p>' for n, h in enumerate(items))
    assert _headlines(html) == items


def test_a_presented_by_pitch_over_the_first_story_is_an_ad() -> None:
    html = ("<p>PRESENTED BY STACKLY</p><h2>Your invoices are lying to you</h2>"
            f"<p>Most small businesses find out too late. Stackly connects your bank. {P}</p>"
            '<p><a href="https://stackly.example/">Try Stackly free for 30 days</a></p>'
            f"<hr><h2>The pickleball court gold rush is over</h2><p>{P}</p>"
            f"<h2>Shrinkflation, explained with one bag of chips</h2><p>{P}</p>")
    assert _headlines(html, sender="The Tally") == [
        "The pickleball court gold rush is over", "Shrinkflation, explained with one bag of chips"]


def test_a_presented_by_masthead_over_a_first_story_that_does_not_sell_stays_news() -> None:
    html = (f"<p>Presented by Stackly</p><h2>The pickleball court gold rush is over</h2><p>{P}</p>"
            f"<h2>Shrinkflation, explained with one bag of chips</h2><p>{P}</p>")
    assert _headlines(html, sender="The Tally")[0] == "The pickleball court gold rush is over"


def test_a_sponsors_try_free_button_after_its_pitch_is_part_of_the_ad() -> None:
    html = ("<p><b>TOGETHER WITH FLOWPAD</b></p>"
            '<p><img src="https://cdn.example/flowpad.png" alt="Flowpad"></p>'
            "<p><b>Your meeting notes, already turned into tasks.</b> Flowpad listens to your "
            "calls, writes the summary, and files the action items straight into your tracker, "
            "assigned to the right person. Over 12,000 teams use it every day.</p>"
            '<p><a href="https://flowpad.example/">Try Flowpad free for 14 days →</a></p><hr>'
            f"<h3>Orrery opens its 400B model to every developer</h3><p>{P}</p>"
            f"<h3>Cinder raises $80M for insurance claims</h3><p>{P}</p>")
    assert _headlines(html, sender="The Prompt Shift") == [
        "Orrery opens its 400B model to every developer", "Cinder raises $80M for insurance claims"]


def test_a_polls_question_is_no_story_even_over_its_options() -> None:
    html = (f"<h3>Orrery opens its 400B model to every developer</h3><p>{P}</p>"
            "<h2>🗳️ TODAY'S POLL</h2>"
            "<p><b>Would you pay 4x more per token for a noticeably smarter model?</b></p>"
            "<p>Yes, for hard tasks. No, cheaper is fine. Depends on the task, honestly. "
            "Vote by clicking one of the answers above.</p>")
    assert _headlines(html, sender="The Prompt Shift") == [
        "Orrery opens its 400B model to every developer"]


def test_deal_bullets_under_venture_sections_are_stories_one_deal_too() -> None:
    def deals(names: list[str]) -> str:
        return "<ul>" + "".join(
            f"<li><b>{n}</b>, a Denver-based maker of software, raised $14 million in Series A "
            "funding led by Oakhurst.</li>" for n in names) + "</ul>"
    html = (f"<h2>Why seed rounds keep getting bigger</h2>{f'<p>{P}</p>' * 3}"
            f"<p><b>VENTURE DEALS</b></p>{deals(['Fernwell', 'Mosswood Health'])}"
            f"<p><b>PRIVATE EQUITY</b></p>{deals(['Granite Peak Partners', 'Arden Equity'])}"
            f"<p><b>EXITS</b></p>{deals(['Brightpath Security'])}")
    assert _headlines(html, sender="Cap Table") == [
        "Why seed rounds keep getting bigger", "Fernwell", "Mosswood Health",
        "Granite Peak Partners", "Arden Equity", "Brightpath Security"]
