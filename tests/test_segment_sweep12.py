"""The twelfth blind sweep (stop 23): 30 issues of AI and general newsletters and hard shapes
(a newspaper briefing, a town update, a review, a forum summary, Outlook and plain-text
lists), 0.825 with the eleventh sweep's rules.  Every issue here is written for these tests
(no newsletter text)."""

from __future__ import annotations

import pytest

from service.ingest.headlines import is_byline
from service.ingest.masthead import _dated_tagline
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from tests.test_segment_sweep11 import TWO, P, _headlines, _stories

STORIES = ["Router maker patches seven flaws", "Ransomware gang changes tactics"]


@pytest.mark.parametrize("name", [
    "Upcoming meetings", "Dates to watch", "On our calendar", "UPCOMING LECTURES",
    "RESEARCH BY THE NUMBERS", "Markets at the close", "Earnings to watch next week",
    "Footnotes", "Leaderboard movers (general chat arena)"])
def test_calendars_tables_and_notes_after_the_stories_are_no_story(name: str) -> None:
    html = (f"{TWO}<h2>{name}</h2><p>Town Council, Tuesday 7 pm, Town Hall Room 200. Planning "
            "Board, Thursday 6 pm. S&amp;P 500 +0.4%, Nasdaq +0.9%, oil −1.2%.</p>")
    assert _headlines(html) == STORIES


@pytest.mark.parametrize("line", ["Reviewed by Colm Dwyer", "Interviewed by Dana Okafor",
                                  "Starter Help 46 replies · 88 likes",
                                  "Show & Tell 1.2k views · 40 replies"])
def test_a_reviewers_line_or_a_threads_counts_are_a_byline(line: str) -> None:
    assert is_byline(line)


def test_a_reviews_book_line_over_its_byline_is_under_the_reviews_headline() -> None:
    html = "".join(f"<h2>{h}</h2><p>{book}</p><p>Reviewed by Colm Dwyer</p><p>{P}</p><p>{P}</p>"
                   for h, book in [
                       ("A Novel That Refuses to Hurry",
                        "The Salt Orchard, by Inés Valbuena (Harbor Press, 512 pp.)"),
                       ("The Accountant Who Mapped the Ocean",
                        "Fathom: A Life of Margarethe Lind, by Owen Stroud (Quarry Books)")])
    stories = _stories(html)
    assert [s.headline for s in stories] == ["A Novel That Refuses to Hurry",
                                             "The Accountant Who Mapped the Ocean"]
    assert "The Salt Orchard, by Inés Valbuena" in stories[0].text


def test_forum_topics_over_their_counts_and_join_buttons_are_one_story_each() -> None:
    topics = "".join(
        f"<p><a href='https://forum.example/t/{n}'>{t}</a><br>Starter Help {n} replies · 88 "
        f"likes</p><p>{P}</p><p><a href='https://forum.example/t/{n}'>Join The Discussion</a></p>"
        for n, t in enumerate(["Why does my starter smell like nail polish remover?",
                               "Show us your holiday bakes (2025 thread)",
                               "Rye bread that doesn't turn into a brick"]))
    assert _headlines(f"<h2>Top topics this week</h2>{topics}") == [
        "Why does my starter smell like nail polish remover?",
        "Show us your holiday bakes (2025 thread)", "Rye bread that doesn't turn into a brick"]


@pytest.mark.parametrize("tagline", [
    "⏱️ 5-minute read",
    "November 2025 · The best of our engineering blog, once a month",
    "Climate and energy, explained with data. Issue #64",
    "Ten things worth knowing today · Tuesday, December 23"])
def test_a_mastheads_dated_tagline_is_read_as_the_masthead(tagline: str) -> None:
    assert _dated_tagline(tagline)


@pytest.mark.parametrize("headline", [
    "Apple event recap — Sept 9, 2025", "Issue 2 — the AI Act lands",
    "Tech layoffs — November 2025", "Storm closes schools — Monday update",
    "Google I/O recap — Sundar Pichai bets the company on agents",
    "Mon, June 10 — Phone maker leans on AI at its keynote", "Fed holds rates. Markets rally"])
def test_a_headline_with_a_date_or_a_number_is_no_dated_tagline(headline: str) -> None:
    assert not _dated_tagline(headline)


@pytest.mark.parametrize("headline", ["Jobs report — November 2025",
                                      "Mon, June 10 — Phone maker leans on AI at its keynote"])
def test_a_dated_headline_over_its_story_stays_news(headline: str) -> None:
    html = f"<p><b>{headline}</b></p><p>{P} {P} {P}</p>{TWO}"
    assert _headlines(html, sender="Anything Else")[0] == headline


def test_a_linked_headline_run_into_its_summary_is_an_item() -> None:
    items = "".join(f"<p><a href='https://courier.example/{n}'>{h}</a> {text}</p>"
                    for n, (h, text) in enumerate([("Tides rally late to beat Miners 3-1",
                                "Two goals in the final eight minutes lifted the Tides."),
                               ("Marathon organizers cap entries at 6,000 runners",
                                "Registration opens in January.")]))
    assert _headlines(f"{TWO}<p>SPORTS</p>{items}")[-2:] == [
        "Tides rally late to beat Miners 3-1", "Marathon organizers cap entries at 6,000 runners"]


def test_a_paragraph_that_opens_with_a_short_link_is_text() -> None:
    html = (f"{TWO}<p><a href='https://x.example/o'>OpenAI</a> Said on Tuesday that it would "
            f"open an office in the city. {P}</p>")
    assert _headlines(html) == STORIES


def _plain_email(body: str, sender: str = "Kettle Linux Project") -> list[str]:
    data = (f"From: {sender} <news@kettle.example>\nTo: reader@example.test\nSubject: News\n"
            f"Message-ID: <{abs(hash(body))}@kettle.example>\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}").encode()
    return [s.headline for s in segment(parse_issue(data))]


def test_a_paragraph_wrapped_at_its_width_is_no_title_over_its_rest() -> None:
    stories = [("Kettle Mini Conference Announced for Ljubljana",
                "The first Kettle mini conference will take place in Ljubljana on April\n"
                "17-19, 2026 [2]. The call for talks is open until February 1. Travel\n"
                "sponsorship is available for contributors who could not otherwise\n"
                "attend the event this year."),
               ("Mirror Network Passes 300 Sites",
                "With new mirrors in Nairobi, Montevideo and Ulaanbaatar, the project now\n"
                "has 303 official mirrors in 71 countries [5]. Thanks to the universities\n"
                "and companies that donate bandwidth to the project every single month.")]
    body = "NEWS\n----\n\n" + "\n\n".join(f"{h}\n\n{t}" for h, t in stories) + "\n"
    assert _plain_email(body) == [h for h, _ in stories]


def test_paper_authors_with_their_affiliations_are_the_papers_byline() -> None:
    line = "Ana Ruiz, Benedikt Cole, Wei Chen, Farah Idris (Osterfeld University; Northlight AI)"
    assert is_byline(line)
    html = "<h2>📄 Papers</h2>" + "".join(
        f"<p><b>{t}</b><br>{line}<br>{P}</p>" for t in [
            "Sparse Memories: Retrieval Heads Are All You Need for Long Documents",
            "When Does Synthetic Data Help? A Controlled Study Across 40 Tasks"])
    assert _headlines(html) == [
        "Sparse Memories: Retrieval Heads Are All You Need for Long Documents",
        "When Does Synthetic Data Help? A Controlled Study Across 40 Tasks"]


def test_posts_of_the_week_are_no_story() -> None:
    html = (f"{TWO}<h2>🐦 Posts of the week</h2><p>\"My agent spent four hours renaming one "
            "variable.\"<br>— @someone</p><p>\"Every benchmark is a finite resource.\"</p>")
    assert _headlines(html) == STORIES


def test_a_podcast_episodes_show_and_number_line_is_no_title() -> None:
    html = "".join(f"<p>{show} · Episode {n} · 48 min</p><p>{title}</p><p>{P}</p>"
                   f"<p>Listen on: <a href='https://pod.example/{n}'>Apple Podcasts</a> | "
                   f"<a href='https://spot.example/{n}'>Spotify</a></p>"
                   for n, (show, title) in enumerate([
                       ("TIDEWATER HISTORIES", "The Salt Road"),
                       ("SMALL BUSINESS, BIG QUESTIONS", "Should you ever raise your prices in "
                                                         "a recession?"),
                       ("THE NIGHT SKY", "Why December has the best meteor shower")]))
    headlines = _headlines(html)
    assert "The Salt Road" in headlines
    assert not [h for h in headlines if "Episode" in h]


# ---- the attack on the twelfth sweep's rules ------------------------------------------------


def test_a_long_plain_headline_right_over_its_text_stays_a_title() -> None:
    stories = [("Fenwick 3.2 Ships With a Rewritten Scheduler and Faster Cold Starts",
                "The release notes list forty changes, most of them small. The scheduler\n"
                "rewrite is the big one: cold starts are down by a third on our\n"
                "benchmarks, and memory use is flat."),
               ("Path Traversal Bug in the Static File Handler Is Fixed in 3.1.4 Today",
                "Versions before 3.1.4 let a crafted request read files outside the web\n"
                "root. Upgrade now; there is no workaround for older releases at all.")]
    body = "\n\n".join(f"{h}\n{t}" for h, t in stories) + "\n"
    assert _plain_email(body) == [h for h, _ in stories]


def test_a_linked_company_name_run_into_prose_is_text() -> None:
    html = (f"<h2>A robotics maker opens a technician training center</h2><p>{P}</p>"
            "<p><a href='https://nw.example'>Northwind Labs Robotics Group International</a> "
            f"CEO Dana Morrow said the center will train 200 technicians a year. {P}</p>{TWO}")
    assert _headlines(html) == ["A robotics maker opens a technician training center", *STORIES]


def test_a_byline_with_the_reporters_city_is_a_byline() -> None:
    assert is_byline("By Lucía Ferrer in Panama City")


def test_meetings_listed_with_their_times_are_no_stories_and_news_after_them_is() -> None:
    html = (f"{TWO}<h2>Upcoming meetings</h2>" + "".join(
        f"<p><b>{m}</b></p><p>Agenda and livestream link on the city's website, posted the "
        "Friday before the meeting.</p>" for m in [
            "City Council — Tuesday, Dec. 9, 6:30 p.m., Council Chambers",
            "Planning Commission — Thursday, Dec. 11, 7 p.m., Town Hall Room B"])
            + f"<h2>Police chief Dana Whitfield will retire after 22 years</h2><p>{P}</p>")
    assert _headlines(html) == [*STORIES, "Police chief Dana Whitfield will retire after 22 years"]


def test_a_german_ads_jetzt_button_ends_its_pitch() -> None:
    html = (f"{TWO}<p>Anzeige</p><h2>Stadtwerke Elbtal: Jetzt zu 100 % Ökostrom wechseln</h2>"
            "<p>Wechseln Sie in fünf Minuten, ohne Kündigungsfrist.</p>"
            "<p><a href='https://stadtwerke.example/'>Jetzt wechseln</a></p><hr>"
            f"<h2>Elbbrücke wird ab Januar saniert</h2><p>{P}</p>")
    assert _headlines(html) == [*STORIES, "Elbbrücke wird ab Januar saniert"]


# ---- a read-only review of the twelfth sweep's rules and their attack -----------------------


@pytest.mark.parametrize("headline", ["Microsoft patches zero-day exploited since Monday",
                                      "Council approves budget at 11 p.m. after long session"])
def test_news_with_a_day_or_a_time_in_an_events_zone_is_news(headline: str) -> None:
    html = (f"{TWO}<h2>Upcoming events</h2><p><b>BSides Oslo — Tuesday, Dec. 9, 6:30 p.m.</b></p>"
            f"<p>Talks all evening at the old library.</p><p><b>{headline}</b></p><p>{P}</p>")
    assert _headlines(html)[-1] == headline


@pytest.mark.parametrize("section", ["Agenda", "Calendar"])
def test_news_under_agenda_or_calendar_is_news(section: str) -> None:
    html = (f"{TWO}<h2>{section}</h2><h3>Senate votes Tuesday on the stopgap bill</h3>"
            f"<p>{P}</p><h3>House leaders plan a weekend session</h3><p>{P}</p>")
    assert _headlines(html)[-2:] == ["Senate votes Tuesday on the stopgap bill",
                                     "House leaders plan a weekend session"]


def test_bold_episode_lines_over_their_text_are_titles() -> None:
    html = "".join(f"<p><b>{t}</b></p><p>{P} {P}</p>" for t in [
        "Severance · Episode 4", "The Bear · Episode 7", "Andor — Episode 3"])
    assert _headlines(html) == ["Severance · Episode 4", "The Bear · Episode 7",
                                "Andor — Episode 3"]


@pytest.mark.parametrize("link", ["The Age of Surveillance Capitalism",
                                  "Why we stopped shipping on Fridays"])
def test_a_linked_title_opening_a_paragraph_of_a_story_stays_its_text(link: str) -> None:
    html = (f"<h2>Router maker patches seven flaws</h2><p>{P}</p>"
            f"<p><a href='https://books.example/1'>{link}</a> Zuboff's book argued the same "
            f"a decade ago. {P}</p><h2>Ransomware gang changes tactics</h2><p>{P}</p>")
    assert _headlines(html) == STORIES


@pytest.mark.parametrize("opening", ["“We have no choice this summer,” the chair said",
                                     "$40 million in emergency funds will go to farms",
                                     "2026 spending rises for the third year in a row"])
def test_a_long_title_case_plain_headline_over_text_that_opens_oddly_stays(opening: str) -> None:
    headline = "Regional Water Board Approves Emergency Drought Limits for Valley Farms"
    text = (f"{opening}, and the\nboard will meet again in the spring to review the limits "
            "for the\nnext season, after the growers' association files its report.")
    other = "Council Names a New Harbor Master\nThe council named a new harbor master on Friday."
    assert _plain_email(f"{other}\n\n{headline}\n{text}\n")[-1] == headline


@pytest.mark.parametrize("headline", ["Leaderboard update: Gemini 3 takes the crown",
                                      "Layoffs by the numbers"])
def test_news_that_opens_like_a_table_is_news(headline: str) -> None:
    html = f"{TWO}<h2>{headline}</h2><p>{P}</p>"
    assert _headlines(html)[-1] == headline


def test_a_title_over_a_byline_under_a_picks_heading_is_the_headline() -> None:
    html = ("<h2>Our pick of the week</h2><p>The Quiet Bankruptcy of the Small Farm</p>"
            f"<p>By Ada Marsh</p><p>{P}</p><p>{P}</p>{TWO}")
    assert _headlines(html)[0] == "The Quiet Bankruptcy of the Small Farm"


def test_a_headline_with_a_vote_count_is_no_byline() -> None:
    assert not is_byline("Stopgap bill passes with 52 votes")


def test_a_spanish_february_date_is_a_date() -> None:
    from service.ingest.masthead import MONTH
    assert MONTH.search("12 de febrero de 2026")


def test_a_closing_block_with_its_copyright_line_opens_the_footer() -> None:
    html = (f"{TWO}<p>The Harbor Ledger<br>© 2025 Harbor Media LLC<br>12 Quay St, "
            "Portland</p>")
    assert "Harbor Media" not in _stories(html)[-1].text
