"""The thirty-second blind sweep's misses (16 issues, a helper that never read the rules): a
security digest's advisory fields set in a column, a plain-text "CONTENTS", a podcast's
chapters and "Links from the show", a numbered section of one-line fixes, an editors'
closing note, a Ghost essay under a title that is its link (with a bookmark card and a
feature image's credit), Ghost's feedback links, a paper's link bar and authors by surname,
card buttons, the sending platform's line, a forwarded message's header, a changelog's bold
bullets and a club's poll and fixtures.  The same words as news stay news."""

from __future__ import annotations

import pytest

from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import FIELD_LINE, SURNAMES, paired_fields
from service.ingest.headlines import title_like
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import ZONES
from tests.test_segment_any import email

TEXT = ("The vendor confirms limited exploitation in the wild since late January, and the flaw "
        "was added to the known-exploited catalogue two days later.")


def _headlines(body: str, *, html: bool = True, subject: str = "This week") -> list[str]:
    return [s.headline for s in segment(parse_issue(email(body, html=html, subject=subject)))]


def _ghost_headlines(body: str) -> list[str]:
    """A Ghost email of the post "The Benchmark Is Not the Territory" from "Slow Takeoff"."""
    data = ("From: Slow Takeoff <noreply@slow.example.blog>\nTo: reader@example.test\n"
            "Subject: The Benchmark Is Not the Territory\nMessage-ID: <ghost-1@example.test>\n"
            f"Content-Type: text/html; charset=utf-8\n\n{body}").encode()
    return [s.headline for s in segment(parse_issue(data))]


OPENING = (f"<h2>Quayside VPN flaw exploited</h2><p>{TEXT}</p><h2>Libtessel heap overflow "
           f"patched</h2><p>{TEXT}</p>")


def test_an_advisory_s_fields_in_a_column_are_its_text() -> None:
    """"Severity : CRITICAL" over "CVE      : CVE-2026-…" were read as titles, and each
    advisory's own title as their section."""
    titles = ["[1] Quayside SSL VPN: pre-auth remote code execution",
              "[2] libtessel: heap overflow in TIFF tile decoder"]
    body = "".join(
        f"{'=' * 60}\n{title}\n{'-' * 60}\nSeverity : CRITICAL (CVSS 9.8)\n"
        f"CVE      : CVE-2026-1023{n}\nAffected : Quayside Secure Access 22.4\n"
        f"Fixed in : 22.7R3\n\n{TEXT}\n\n" for n, title in enumerate(titles))
    assert _headlines(body, html=False) == titles


@pytest.mark.parametrize("line", ["CVE      : CVE-2026-10233", "CVSS: 9.8", "Vendor: Quayside",
                                  "Published: 2 February 2026"])
def test_an_advisory_s_field(line: str) -> None:
    assert FIELD_LINE.match(line)


def test_a_chapter_list_is_no_title_over_its_lines() -> None:
    chapters = ["00:00 Intro and housekeeping", "02:41 Why every lab rebuilds evals",
                "(1:12:40) Fine-tune or prompt?", "(1:24:55) Mailbag"]
    assert paired_fields(chapters[0], chapters[1], chapters)
    assert paired_fields(chapters[2], chapters[3], chapters)
    assert not paired_fields("Robots fold shirts", chapters[1], chapters)
    # a live blog's times are headlines (the review): two, or a list not from 00:00
    live = ["10:30 Fed holds rates steady", "10:45 Powell says cuts may wait", "11:02 Markets"]
    assert not paired_fields(live[0], live[1], live)
    assert not paired_fields(chapters[0], chapters[1], chapters[:2])


@pytest.mark.parametrize("line", ["CONTENTS", "Links from the show", "LINKS FROM THE EPISODE",
                                  "Resources mentioned in this episode", "Show links"])
def test_a_recap_label(line: str) -> None:
    assert ZONES["recap"].search(line)


@pytest.mark.parametrize("line", ["Contents of a leaked memo", "Links from the show's host "
                                  "to a PAC revealed"])
def test_news_that_opens_like_a_recap_label_is_none(line: str) -> None:
    assert not ZONES["recap"].search(line)


def test_a_numbered_section_of_one_line_fixes_is_an_item_each() -> None:
    body = ("QUAYSIDE VPN FLAW\n\n" + TEXT + "\n\n[7-9] ALSO PATCHED THIS WEEK\n\n"
            "  * Kestrel Mail 3.4.2 -- fixes IMAP IDLE denial of service (CVE-2026-10291)\n"
            "  * Boxwood PDF 8.1.1 -- fixes out-of-bounds read in font parser (CVE-2026-10302)"
            "\n")
    assert _headlines(body, html=False)[1:] == [
        "Kestrel Mail 3.4.2 -- fixes IMAP IDLE denial of service (CVE-2026-10291)",
        "Boxwood PDF 8.1.1 -- fixes out-of-bounds read in font parser (CVE-2026-10302)"]


def test_the_editors_closing_note_is_no_story() -> None:
    body = (OPENING + "<h2>NOTES FROM THE EDITORS</h2><p>From March the digest moves to "
            "Tuesdays so that it can include the monthly vendor patch releases.</p>")
    assert _headlines(body) == ["Quayside VPN flaw exploited", "Libtessel heap overflow patched"]
    news = (f"<h2>Quayside VPN flaw exploited</h2><p>{TEXT}</p><h2>Editors' notes leak "
            f"shows newsroom split</h2><p>{TEXT}</p>")
    assert _headlines(news)[-1] == "Editors' notes leak shows newsroom split"


GHOST_HEAD = ('<p><a href="https://slow.example.blog/">Slow Takeoff</a></p>'
              '<p><a href="https://slow.example.blog/benchmark/">The Benchmark Is Not the '
              'Territory</a></p><p>By Theo Marchetti • 14 Dec 2025</p>'
              '<p><a href="https://slow.example.blog/benchmark/?uuid=1">View in browser</a></p>'
              "<p>Photo by Anika Rowe / Unsplash</p>")
ESSAY = ("Every few weeks a chart goes around: a new model, a new number, a line that goes up "
         "and to the right, and every few weeks I decide not to share it.")


def test_a_ghost_essay_under_its_linked_title_is_one_story() -> None:
    """Ghost sets the post's title as its link, sized by a class, over the author, the
    feature image's credit and numbered sections; a bookmark card sits in one of them."""
    body = (GHOST_HEAD + f"<p>{ESSAY}</p><h2>1. What a leaderboard measures</h2><p>{ESSAY}</p>"
            f"<h2>2. The Goodhart spiral</h2><p>{ESSAY}</p>"
            '<p><a href="https://arxiv.org/abs/2509.01844"><span>Leaderboard Dynamics in Open '
            "Model Evaluation</span><br><span>We study 2,400 leaderboard submissions over 30 "
            "months.</span><br><span>arXiv.org</span></a></p>"
            f"<p>{ESSAY}</p><h2>3. What I'd do instead</h2><p>{ESSAY}</p>"
            '<h2>Elsewhere this week</h2><ul><li><a href="https://a.example.com/cards">The '
            "quiet death of the model card</a> — on why documentation got shorter.</li>"
            '<li><a href="https://b.example.com/evals">Evals are a product, not a paper</a> — '
            "a case for staffing eval work like a product team.</li></ul>"
            '<p><a href="https://slow.example.blog/benchmark/#/feedback/6761c0/1/?uuid=1">'
            "👍 More like this</a></p>"
            '<p><a href="https://slow.example.blog/benchmark/#/feedback/6761c0/0/?uuid=1">'
            "👎 Less like this</a></p>")
    assert _ghost_headlines(body) == [
        "The Benchmark Is Not the Territory", "The quiet death of the model card",
        "Evals are a product, not a paper"]


def test_a_ghost_digest_under_its_linked_title_keeps_its_stories() -> None:
    """The same header over news under headings, each linking out: a digest whose title
    names the issue."""
    body = (GHOST_HEAD + "<h2>The great video podcast migration</h2>"
            f"<p>{ESSAY}</p><h3>Think about subscribing to Slow Takeoff!</h3><p>{ESSAY}</p>"
            "<h2>A very normal week on Stitchboard</h2>"
            f'<p>{ESSAY} <a href="https://news.example.com/stitch">The post</a>.</p>')
    headlines = _ghost_headlines(body)
    assert "The Benchmark Is Not the Territory" not in headlines
    assert "The great video podcast migration" in headlines


@pytest.mark.parametrize("line", ["Photo by Anika Rowe / Unsplash", "📄 Paper | 💻 Code",
                                  "Photograph by Ana Li on Unsplash",
                                  "PDF · Code · Demo", "From: AI Docket Watch <hello@example.com>",
                                  "Date: 20 January 2026 at 07:00:12 GMT-5",
                                  "Ferreira, Nakamura, Ode et al. · Quillon AI",
                                  "Mensah, Duval, Petrakis · Open Eval Collective"])
def test_lines_that_are_never_titles(line: str) -> None:
    assert not title_like(line)


@pytest.mark.parametrize("line", ["Photos by Mars rover reveal an ancient lake", "Code Red",
                                  "Data Models", "Apple, Google and Meta face a probe",
                                  "Subject to change: the new tariff rules", "Data / Models",
                                  # the review of the stop's rules:
                                  "Photos By NASA Rover Reveal Ancient Lake Bed",
                                  "Image by Midjourney Wins State Fair Art Prize",
                                  "Nvidia, AMD, Intel | Chip Stocks Slide After Export Rule",
                                  "Hinton, Bengio, LeCun · Turing winners split on AI risk",
                                  "Subject: Line Tricks Fool Gmail's New AI Spam Filter"])
def test_titles_that_look_like_them(line: str) -> None:
    assert title_like(line)
    assert not SURNAMES.match(line)


@pytest.mark.parametrize("line", ["Read →", "Read", "Become a member from £4 a month",
                                  "Schedule a review", "Publier une offre"])
def test_a_button(line: str) -> None:
    assert CALL_TO_ACTION.match(line)


@pytest.mark.parametrize("line", ["Read the fine print on chips", "Readers flock to a new app",
                                  "Schedule a review of the merger, regulators say"])
def test_news_that_opens_like_a_button(line: str) -> None:
    assert not CALL_TO_ACTION.match(line)


@pytest.mark.parametrize("line", ["Powered by ghost workers, AI's data pipeline strains",
                                  "Powered by Substack, a new wave of AI newsletters",
                                  "Sent by Kit, the AI agent that books your travel"])
def test_news_that_opens_like_the_platform_s_line(line: str) -> None:
    assert not ZONES["footer"].search(line)


def test_the_sending_platform_s_line_opens_the_footer() -> None:
    body = (OPENING + '<p><a href="https://buttondown.com/refer/forkcast">Powered by '
            "Buttondown, the easiest way to start and grow your newsletter.</a></p>")
    assert _headlines(body) == ["Quayside VPN flaw exploited", "Libtessel heap overflow patched"]


def test_a_changelog_s_bold_bullets_under_also_shipped_are_an_item_each() -> None:
    body = (OPENING + "<h3>ALSO SHIPPED</h3>"
            "<ul><li><b>Bulk archive</b> — select up to 500 workflows and archive or restore "
            "them in one go.</li><li><b>Dark mode for the mobile app</b> — follows your "
            "system setting on iOS and Android.</li></ul>")
    assert _headlines(body)[2:] == ["Bulk archive", "Dark mode for the mobile app"]


def test_repos_worth_a_star_lists_its_repos() -> None:
    body = (OPENING + "<h2>⭐ Repos worth a star</h2><ul>"
            '<li><a href="https://github.com/a/evalkit"><code>evalkit</code></a>: pytest-style '
            "assertions for LLM outputs, with cached judge calls.</li>"
            '<li><a href="https://github.com/b/promptfmt"><code>promptfmt</code></a>: a '
            "formatter for prompt templates, with a pre-commit hook.</li></ul>")
    assert _headlines(body)[2:] == ["evalkit", "promptfmt"]


@pytest.mark.parametrize("line", ["VOTE: MARCH PLAYER OF THE MONTH", "Vote now"])
def test_a_poll_label(line: str) -> None:
    assert ZONES["feedback"].search(line)


@pytest.mark.parametrize("line", ["UPCOMING FIXTURES", "This week's fixtures"])
def test_a_listing_label(line: str) -> None:
    assert ZONES["events"].search(line)


@pytest.mark.parametrize("line", ["Vote delayed as senators walk out", "Fixtures and fittings "
                                  "maker cuts jobs", "Vote: Senate confirms new FTC chair in "
                                  "61-38 tally", "Upcoming Olympic Games", "Upcoming Matches"])
def test_news_that_opens_like_a_poll_or_a_listing(line: str) -> None:
    assert not ZONES["feedback"].search(line) and not ZONES["events"].search(line)
