"""Shapes from two blind sets written like newsletters nobody tuned for (stop 45: sweep51
and sweep52, each written and cut by hand by a helper who never saw the segmenter, scored
before any rule was written), each beside the look-alike it must not take:

- an essay letter's "View this Article on the web" is its web version, and under a title
  the author's name over the date, each a line of its own (Substack's, behind a redirect
  that hides the profile's path), makes the post one essay;
- an alert service's results: a linked title, the outlet's name, a snippet and "Flag as
  irrelevant" are one story;
- a columnist's paragraph made only of linked headlines is a story per link;
- "HOT AI JOBS", "JOBS & FELLOWSHIPS", "STELLENMARKT" head job listings; a rating poll may
  follow the sign-off on its line;
- a photo credit under a headline is its text though a capitalised section name or a
  sponsor's label follows the story; "Share" and the newsletter's own name is its prompt;
- an arrow leads a linked item as a dash does; "Tester Résumeo →", "Zum ausführlichen
  Überblick »" are buttons; "Ce numéro vous est offert par Datalyon" labels an ad.
"""

from __future__ import annotations

import pytest

from service.domain import Block, Link
from service.ingest.buttons import CALL_TO_ACTION, WEB_LINK
from service.ingest.joined import linked_run
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import AD_LABEL, ZONES
from tests.layouts import LAYOUTS, corpus_score

P = ("The council spent most of the evening on the budget, and the vote came only after "
     "a long public comment period that ran past eleven.")


def _headlines(html: str, subject: str = "Tidewater Brief #12",
               sender: str = "Tidewater Brief") -> list[str]:
    data = (f"From: {sender} <brief@tidewater.example>\nTo: reader@example.test\n"
            f"Subject: {subject}\nMessage-ID: <{abs(hash(html))}@t.example>\n"
            f"Content-Type: text/html; charset=utf-8\n\n{html}").encode()
    return [story.headline for story in segment(parse_issue(data))]


# sweep51 to sweep55 blind: 0.857, 0.746, 0.796, 0.826 and 0.634 (the first two with stop
# 44's rules, the others with this stop's before each was read)
@pytest.mark.parametrize(("corpus", "blind", "floor"), [("sweep51", 0.857, 0.907),
                                                        ("sweep52", 0.746, 0.954),
                                                        ("sweep53", 0.796, 0.844),
                                                        ("sweep54", 0.826, 0.895),
                                                        ("sweep55", 0.634, 0.684)])
def test_the_blind_sets_are_cut_at_least_as_well_as_now(corpus: str, blind: float,
                                                        floor: float) -> None:
    total = corpus_score(corpus)
    assert total.f1 >= floor - 0.0005, (corpus, total, blind)


@pytest.mark.parametrize(("line", "web"), [
    ("View this Article on the web", True), ("Read this essay online", True),
    ("View this column in your browser", True), ("View the article that started it", False),
])
def test_an_article_s_web_version(line: str, web: bool) -> None:
    assert bool(WEB_LINK.match(line)) is web


SECTIONS = ["Why the ferry is late", "What the council missed", "Where this leaves us"]


def _essay(author: str) -> str:
    return ('<h1><a href="https://brief.example/p/the-long-wait">The Long Wait</a></h1>'
            f"{author}<p>{P}</p>"
            + "".join(f"<h2>{name}</h2><p>{P}</p><p>{P}</p>" for name in SECTIONS))


@pytest.mark.parametrize("name", [
    "<p>Nora Castellanos</p>",
    # linked to her page through a redirect, in a letter sent in her name (Substack's)
    '<p><a href="https://substack.com/redirect/2/eyJlIjoiaHR0cHM6">Nora Castellanos</a></p>'])
def test_the_author_over_the_date_each_a_line_makes_the_post_one_essay(name: str) -> None:
    assert _headlines(_essay(f"{name}<p>Mar 9</p>"), subject="The Long Wait",
                      sender="Nora Castellanos") == ["The Long Wait"]


def test_a_name_over_no_date_is_no_author() -> None:
    # the same post with "Nora Castellanos" over a sentence: nothing names an author
    headlines = _headlines(_essay(f"<p>Nora Castellanos</p><p>{P}</p>"),
                           subject="The Long Wait")
    assert headlines[-3:] == SECTIONS


def _alert(results: list[tuple[str, str]]) -> str:
    return "<p>battery recycling</p><p>NEWS</p>" + "".join(
        f'<p><a href="https://news.example/{i}">{title}</a></p><p>{outlet}</p><p>{P}</p>'
        f'<p><a href="https://alerts.example/feedback?{i}">Flag as irrelevant</a></p>'
        for i, (title, outlet) in enumerate(results)) + (
        '<p><a href="https://alerts.example/more">See more results</a></p>'
        '<p><a href="https://alerts.example/edit">Edit this alert</a></p>')


def test_an_alert_s_results_are_a_story_each_with_their_outlet_as_text() -> None:
    results = [("Recycler opens a plant outside Reno", "The Charge Report"),
               ("Battery passports reach the recyclers", "Cleantech Observer"),
               ("Lithium prices squeeze recycling startups", "Metals Weekly")]
    assert _headlines(_alert(results)) == [title for title, _ in results]


@pytest.mark.parametrize(("line", "button"), [
    ("Flag as irrelevant", True), ("See more results", True), ("Edit this alert", True),
    ("Tester Résumeo →", True), ("Zum ausführlichen Überblick »", True),
    ("Support this work with a subscription", True), ("Support my writing", True),
    ("Leer el anuncio →", True), ("Ver el registro →", True), ("Probar Bodega", True),
    ("▶ Watch (1:48)", True), ("Watch (3 min)", True), ("Watch the ferry sink (1:48)", False),
    ("View thread →", True), ("Book a 20-minute demo", True),
    ("Join the discussion →", True), ("Read on LinkedIn", True),
    ("See all of yesterday’s launches", True), ("Learn why we included this.", True),
    ("Más en El Economista Digital →", True), ("Leer el anuncio del gobierno", False),
    ("Tester Résumeo", False), ("Edit this alert system, says regulator", False),
])
def test_buttons_of_this_stop(line: str, button: bool) -> None:
    assert bool(CALL_TO_ACTION.match(line)) is button


THINGS = ["Fed Holds Rates Steady, Signals Patience on Cuts",
          "Harbor Trust Shares Slide After Office-Loan Charge",
          "Goat Yoga Chain Files for Chapter 11"]


def _paragraph(text: str, links: list[str]) -> Block:
    return Block(kind="paragraph", text=text, links=tuple(
        Link(text=t, url=f"https://x.example/{i}") for i, t in enumerate(links)))


def test_a_paragraph_of_linked_headlines_is_a_block_each() -> None:
    run = linked_run(_paragraph(". ".join(THINGS) + ".", THINGS))
    assert [b.text for b in run] == THINGS and all(len(b.links) == 1 for b in run)


@pytest.mark.parametrize(("text", "links"), [
    # a sentence with its links is text
    (f"As {THINGS[0]} and {THINGS[1]} showed, {THINGS[2]}.", THINGS),
    # a share row: links too short to be headlines
    ("Twitter · Facebook · LinkedIn", ["Twitter", "Facebook", "LinkedIn"]),
    # two links are no run
    (". ".join(THINGS[:2]), THINGS[:2]),
])
def test_paragraphs_that_are_not_a_run_of_headlines(text: str, links: list[str]) -> None:
    assert linked_run(_paragraph(text, links)) == []


def test_things_happen_in_one_paragraph_are_a_story_each() -> None:
    things = "".join(f'<a href="https://x.example/{i}">{t}</a>. ' for i, t in enumerate(THINGS))
    html = f"<h2>The treasury strategy</h2><p>{P}</p><h2>Things happen</h2><p>{things}</p>"
    assert _headlines(html)[-3:] == THINGS


@pytest.mark.parametrize(("label", "zone"), [
    ("💼 HOT AI JOBS", "jobs"), ("JOBS & FELLOWSHIPS", "jobs"), ("STELLENMARKT", "jobs"),
    ("KI-Jobs der Woche", "jobs"), ("Jobs", None), ("Steve Jobs and fellowships", None),
    ("That’s it for today! Before you go, how would you rate today’s newsletter?",
     "feedback"),
    ("That’s it for today! The council meets again on Monday.", None),
    ("Love Compile Daily? Tell your friends and get rewards!", "feedback"),
    ("¿Qué te pareció este número?", "feedback"),
    ("NEXT WEEK’S CALENDAR", "events"), ("Next Week's Calendar Shows a Rate Cut", None),
    ("🤝 This issue is supported by Spanwise", "sponsor"),
    ("Supported by unions, strikers return to the port", None),
])
def test_labels_of_this_stop(label: str, zone: str | None) -> None:
    assert next((name for name, pattern in ZONES.items() if pattern.search(label)), None) == zone


BRIEFS = ["An open model of seven billion parameters trained on French data only",
          "The privacy regulator publishes its advice on training on public data",
          "A hospital in Nantes tries an assistant that drafts its reports"]


def test_an_arrow_leads_a_linked_item() -> None:
    items = "".join(f'<p>→ <a href="https://x.example/{i}">{t}</a> — with a short line.</p>'
                    for i, t in enumerate(BRIEFS))
    html = (f"<h2>The treasury strategy</h2><p>{P}</p><h2>The second big story here</h2>"
            f'<p>{P}</p><p><a href="https://x.example/read">Lire l’article →</a></p>'
            f"<p>EN BREF</p>{items}")
    assert _headlines(html)[-3:] == BRIEFS


@pytest.mark.parametrize(("line", "ad"), [
    ("PARTENAIRE — CE NUMÉRO VOUS EST OFFERT PAR DATALYON", True),
    ("Cette édition est offerte par Datalyon", True),
    ("Ce numéro spécial est consacré à la robotique", False),
])
def test_a_french_issue_sponsor(line: str, ad: bool) -> None:
    assert bool(AD_LABEL.search(line)) is ad


def test_a_credit_under_a_headline_is_text_though_a_section_in_capitals_follows() -> None:
    html = (f"<h1>Council approves the levy</h1><p>{P}</p>"
            f"<h1>The chip plant that ate a cornfield</h1><p>Getty Images</p><p>{P}</p>"
            f"<p>🗞️ TOUR DE HEADLINES</p><p><b>Airlines raised their outlook.</b> {P}</p>")
    assert _headlines(html)[1] == "The chip plant that ate a cornfield"


def test_titles_of_a_section_s_items_are_still_titles() -> None:
    # "What we're reading" over weak titles, each over its text: peers, not kickers
    html = (f"<h1>What we are reading this week</h1><p>The Quiet Bankruptcy</p><p>{P}</p>"
            f"<p>Salt and Time</p><p>{P}</p>")
    assert _headlines(html)[-2:] == ["The Quiet Bankruptcy", "Salt and Time"]


@pytest.mark.parametrize(("line", "prompt"), [
    ("Share Synapse Daily", True), ("🤝 SHARE SYNAPSE DAILY", True),
    ("Share the Synapse Daily", True), ("Share Buybacks Surge", False),
    ("Think About Supporting Synapse Daily!", True), ("Supporting Local Farms", False),
])
def test_share_and_the_newsletter_s_name_is_its_prompt(line: str, prompt: bool) -> None:
    html = (f"<h2>Council approves the levy</h2><p>{P}</p><h2>{line}</h2>"
            f"<p>You currently have 0 referrals, only 3 away from a free mug and more.</p>")
    headlines = _headlines(html, subject="Synapse Daily", sender="Synapse Daily")
    assert (line in headlines) is not prompt


# ---- from a read-only review of these rules: each failed on their first version ----------

STORIES = ["Ferry contract delayed again", "Harbour dredging to start in May",
           "Library extends its weekend hours"]


def _stories_then(row: str) -> str:
    return "".join(f"<h2>{title}</h2><p>{P}</p>" + (row if i == 0 else "")
                   for i, title in enumerate(STORIES))


@pytest.mark.parametrize("row", [
    # a story's sources joined by "·": its text
    '<p><a href="https://x.example/1">Reuters report on the ferry contract</a> · <a href='
    '"https://x.example/2">The council’s own budget statement here</a> · <a href="https://x'
    '.example/3">Analyst note from the harbour authority</a></p>',
    # a footer's links of four words and more
    '<p><a href="https://x.example/f">Forward this email to a friend</a> · <a href="https:'
    '//x.example/s">Share this issue on LinkedIn</a> · <a href="https://x.example/p">Read '
    'past issues of Tidewater</a></p>',
    # a story's own link after an arrow
    '<p>→ <a href="https://x.example/g">Full story in the Harbour Gazette</a></p>',
])
def test_rows_of_links_that_are_no_run_of_headlines(row: str) -> None:
    assert _headlines(_stories_then(row)) == STORIES


def test_a_short_headline_under_a_story_s_source_link_is_news() -> None:
    # "Tesla Recalls Cybertruck" between a source link and its text reads as an outlet's
    # name only where a button ends the snippet, as an alert service's results do
    titles = ["Amazon Cuts Jobs", "Tesla Recalls Cybertruck", "Nvidia Beats Estimates"]
    html = "".join(f"<p>{title}</p><p>{P} {P}</p><p><a href='https://x.example/{i}'>"
                   f"Source report on the matter number {i} today</a></p>"
                   for i, title in enumerate(titles))
    assert all(title in _headlines(html) for title in titles)


def test_a_linked_masthead_over_the_date_is_no_author() -> None:
    html = ('<h1>Ferry contract delayed again</h1><p><a href="https://tidewater.example/">'
            "Tidewater Brief</a></p><p>Mar 9, 2025</p>"
            + "".join(f"<h2>{title}</h2><p>{P}</p><p>{P}</p>" for title in STORIES[1:])
            + f"<h2>School board picks a new superintendent</h2><p>{P}</p><p>{P}</p>")
    assert len(_headlines(html, subject="Ferry contract delayed again")) >= 3


def test_a_french_headline_about_an_edition_offered_by_the_town_is_news() -> None:
    html = (f"<h2>Cette édition est offerte par la mairie aux habitants</h2><p>{P}</p>"
            f"<h2>La bibliothèque ouvre le dimanche</h2><p>{P}</p>")
    assert _headlines(html)[0] == "Cette édition est offerte par la mairie aux habitants"


def test_a_top_story_label_over_a_caption_is_no_story() -> None:
    html = ("<p>March 27, 2025</p><p>TOP STORY</p><p>Atlas humanoid at Hyundai Motor Group "
            "Metaplant America. Photo: Boston Dynamics</p><h1><a href='https://x.example/h'>"
            f"Hyundai to buy tens of thousands of robots</a></h1><p>{P}</p><p>{P}</p>"
            f"<h2>Figure opens a humanoid factory</h2><p>{P}</p>")
    assert _headlines(html) == ["Hyundai to buy tens of thousands of robots",
                                "Figure opens a humanoid factory"]


# ---- from a second read-only review (each failed on the version it read) ----------------

def _between(title: str, more: str = "") -> str:
    return (f"<h2>Council approves the levy</h2><p>{P}</p><h2>{title}</h2><p>{P}</p>"
            f"<p>{P}</p>{more}<h2>Bus routes to change</h2><p>{P}</p>")


@pytest.mark.parametrize("title", [
    "Featured", "Top Story", "Featured Stories", "The AI Story", "The Story of AI Chips",
    "Why It's Getting Harder for Airline Loyalty Members to Earn Rewards",
    "New Card Rules Change How Grocery Shoppers Get Rewards",
])
def test_headlines_that_only_look_like_labels_stay_stories(title: str) -> None:
    assert _headlines(_between(title))[1] == title


@pytest.mark.parametrize(("title", "sender"), [
    ("Support Local News", "Local News"), ("Consider Supporting Austin", "Austin"),
    ("Forward Party", "Party"),
])
def test_news_named_like_its_sender_is_no_prompt(title: str, sender: str) -> None:
    assert title in _headlines(_between(title), sender=sender)


def test_titles_in_capitals_are_peers_of_a_section_s_items() -> None:
    html = (f"<h2>Council approves the levy</h2><p>{P}</p>"
            f"<h2>What we're reading this week</h2><p>THE QUIET BANKRUPTCY</p><p>{P}</p>"
            f"<p>SALT AND TIME</p><p>{P}</p>")
    assert _headlines(html)[-2:] == ["THE QUIET BANKRUPTCY", "SALT AND TIME"]


@pytest.mark.parametrize("line", [
    '<p>📄 <a href="https://x.example/b">The full budget</a> (PDF)</p>',
    '<p>🎧 <a href="https://x.example/i">Listen to the interview</a> (32 min)</p>',
    '<p>→ <a href="https://x.example/b">The full budget</a> (PDF, 2 MB)</p>',
    # sentences linked whole, one after another, in a story's text
    '<p><a href="https://x.example/1">The council voted to raise the levy.</a> <a href="'
    'https://x.example/2">The mayor said she would veto the plan.</a> <a href="https://x.'
    'example/3">The board may override her veto next week.</a></p>',
])
def test_a_story_s_own_links_stay_its_text(line: str) -> None:
    assert _headlines(_between("Library extends its weekend hours", line)) == [
        "Council approves the levy", "Library extends its weekend hours",
        "Bus routes to change"]


def test_a_press_release_s_boilerplate_is_no_story() -> None:
    # a county's release digest (the eighteenth set): each release under its link, its date,
    # "FOR IMMEDIATE RELEASE", a dek, the text, a rule and the media contact
    path = LAYOUTS / "sweep53" / "marlow-county-news-releases.eml"
    headlines = [story.headline for story in segment(parse_issue(path.read_bytes()))]
    assert len(headlines) >= 7
    assert "FOR IMMEDIATE RELEASE" not in headlines
    assert not any(h.startswith("Media contact") for h in headlines)


# ---- from a fourth read-only review (each failed on the version it read) -----------------

@pytest.mark.parametrize("title", [
    "Media contact: the mayor's office stops answering reporters",
    "Press inquiries: newsroom faces 40% cut",
    "¿Qué te pareció el número de Bad Bunny en el Super Bowl?",
])
def test_news_that_opens_like_boilerplate_stays_a_story(title: str) -> None:
    assert _headlines(_between(title))[1] == title


def test_a_contact_line_run_on_into_text_keeps_the_text() -> None:
    html = _between("Library extends its weekend hours",
                    "<p>Media contact: Janelle Brooks<br>The ribbon cutting is at 10 a.m. "
                    "Monday, and the mayor will open the new wing.</p>")
    stories = segment(parse_issue(("From: T <t@t.example>\nTo: r@example.test\nSubject: T\n"
                                   "Message-ID: <m@t.example>\nContent-Type: text/html; "
                                   f"charset=utf-8\n\n{html}").encode()))
    assert any("ribbon cutting" in story.text for story in stories)


@pytest.mark.parametrize("line", ["Plus sur Mars : la NASA confirme de l'eau liquide →",
                                  "Mais em conta: o novo passe de metrô custa R$ 5 →"])
def test_a_headline_opening_like_more_at_is_no_button(line: str) -> None:
    assert not CALL_TO_ACTION.match(line)


def test_a_link_site_s_score_line_under_an_item_is_its_text() -> None:
    # "Title (domain)" over "812 points, 301 comments", the score linked to its thread
    items = "".join(
        f'<p><a href="https://x.example/{n}">{title}</a> (x.example)<br>'
        f'<a href="https://news.example/item?id={n}">{points} points, {n + 40} comments</a>'
        "<br>A note from the editor on why it is worth reading.</p>"
        for n, (title, points) in enumerate([("We ran our CI on an old Mac Pro", 812),
                                             ("The hidden cost of just adding a cache", 544),
                                             ("A visual guide to attention sinks", 497)]))
    assert not any(h.endswith("comments") for h in _headlines(f"<h2>Favorites</h2>{items}"))
    # or a paragraph of its own under a headline and its text
    html = "".join(f"<h2>{title}</h2><p>{P}</p><p>{n} points, 12 comments</p>"
                   for n, title in enumerate(STORIES))
    assert _headlines(html) == STORIES
