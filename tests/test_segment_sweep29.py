"""The twenty-ninth blind sweep's misses (16 issues, written by a helper that never read the
rules): a dateline or a severity badge under a headline, a poll's vote links, buttons, a
referral offer, a team's sign-off, an essay under a bold title, a masthead with its date
and tagline.  Each was cut wrong before; the same words as news stay news."""

from __future__ import annotations

import pytest

from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import PLACE_DATELINE, SEVERITY
from service.ingest.footer import SIGN_OFF
from service.ingest.link_items import POLL_VOTE
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import ZONES
from tests.test_segment_any import email

TEXT = ("The committee voted eleven to four to send the bill to the floor, where its sponsors "
        "expect a vote before the summer recess.")


def _headlines(body: str, subject: str = "This week",
               sender: str = "editor@newsletter.example") -> list[str]:
    return [s.headline for s in segment(parse_issue(email(body, html=True, subject=subject,
                                                          sender=sender)))]


@pytest.mark.parametrize("line", ["WASHINGTON, MARCH 12", "THE HAGUE, MARCH 7",
                                  "SAN FRANCISCO, CALIF., JUNE 3, 2025", "BRUSSELS — March 11",
                                  "SEOUL, MARCH 9 —"])
def test_a_place_and_a_date_in_capitals_is_a_dateline(line: str) -> None:
    assert PLACE_DATELINE.match(line)


@pytest.mark.parametrize("line", ["WEDNESDAY, DECEMBER 3, 2025", "MAY DAY RALLY",
                                  "NVIDIA, MARCH 12 EARNINGS", "Washington, March 12"])
def test_an_issue_s_date_or_a_headline_is_no_dateline(line: str) -> None:
    assert not PLACE_DATELINE.match(line)


@pytest.mark.parametrize("line", ["CRITICAL · CVSS 9.8", "HIGH · CVSS 7.5", "High",
                                  "Severity: Medium (6.5)", "Critical (9.1)"])
def test_a_severity_badge(line: str) -> None:
    assert SEVERITY.match(line)


@pytest.mark.parametrize("line", ["Low power chips win", "High hopes for the fusion start-up",
                                  "Critical minerals deal signed"])
def test_news_that_opens_with_a_severity_word_is_no_badge(line: str) -> None:
    assert not SEVERITY.match(line)


def test_a_bold_dateline_under_each_headline_is_part_of_its_story() -> None:
    """A policy brief's bold headline, then its text opening "**WASHINGTON, MARCH 12 —**":
    the datelines were read as the stories and the headlines as their sections."""
    stories = [("Senate committee advances AI procurement bill", "WASHINGTON, MARCH 12 —"),
               ("Three states introduce bills on AI in underwriting", "DENVER, MARCH 10 —"),
               ("Commission opens consultation on reporting templates", "BRUSSELS, MARCH 11 —")]
    body = "".join(f"<p><b>{headline}</b></p><p><b>{dateline}</b> {TEXT}</p>"
                   for headline, dateline in stories)
    assert _headlines(body) == [headline for headline, _ in stories]


def test_a_severity_badge_under_an_advisory_s_heading_is_part_of_it() -> None:
    advisories = [("CVE-2025-90412 — Helix Gateway: path traversal in admin API", "CRITICAL"
                   " · CVSS 9.8"),
                  ("CVE-2025-90377 — Ordinal CMS: stored XSS via SVG uploads", "HIGH · CVSS 7.5")]
    body = "".join(f"<h3>{title}</h3><p><b>{badge}</b></p><p>Affected</p><p>Versions 4.0 to "
                   f"4.6.2</p><p>{TEXT}</p>" for title, badge in advisories)
    assert _headlines(body) == [title for title, _ in advisories]


@pytest.mark.parametrize("url", ["https://promptpulse.ai/poll/2291?answer=yes",
                                 "https://news.example/polls/a71c/option/2",
                                 "https://x.example/poll/7/?utm=a&vote=3"])
def test_a_link_that_casts_a_poll_vote(url: str) -> None:
    assert POLL_VOTE.search(url)


@pytest.mark.parametrize("url", ["https://fivethirtyeight.example/polls/president",
                                 "https://news.example/2025/poll-shows-support-falling",
                                 "https://site.example/story?id=9&answer_key=1"])
def test_a_news_link_about_polls_casts_no_vote(url: str) -> None:
    assert not POLL_VOTE.search(url)


def test_a_poll_s_vote_links_on_one_paragraph_are_no_stories() -> None:
    """beehiiv's poll: the question, then its answers as links in one paragraph, each
    casting a vote ("…/poll/2291?answer=yes")."""
    answers = "<br>".join(
        f"<a href='https://promptpulse.example/poll/2291?answer={key}'>{text}</a>"
        for key, text in [("yes", "🟢 Yes, already saving up"),
                          ("maybe", "🟡 Maybe, if the power bill is sane"),
                          ("no", "🔴 No, the cloud is fine")])
    body = (f"<h2>Meridian Silicon raises $210M for on-device chips</h2><p>{TEXT}</p>"
            f"<p><b>📊 Quick poll: Would you run a 70B model at home?</b></p><p>{answers}</p>"
            f"<h2>Ontario pilots AI disclosure labels on chatbots</h2><p>{TEXT}</p>")
    assert _headlines(body) == ["Meridian Silicon raises $210M for on-device chips",
                                "Ontario pilots AI disclosure labels on chatbots"]


@pytest.mark.parametrize("text", ["Start free today →", "Start for free", "Get your invite link",
                                  "Grab it", "Grab the deal now", "Zum Angebot"])
def test_the_twenty_ninth_sweep_s_buttons(text: str) -> None:
    assert CALL_TO_ACTION.match(text)


@pytest.mark.parametrize("text", ["Start-ups free to bid on the contract",
                                  "Grab-and-go stores close", "Zum ersten Mal seit 2019"])
def test_news_that_opens_like_the_twenty_ninth_sweep_s_buttons(text: str) -> None:
    assert not CALL_TO_ACTION.match(text)


def test_a_sponsor_s_title_over_a_pitch_that_ends_in_a_german_button_is_an_ad() -> None:
    body = (f"<h2>Mittelständler setzen auf eigene Sprachmodelle</h2><p>{TEXT}</p>"
            "<p>ANZEIGE</p><p><b>Partner dieser Ausgabe: Wolkenwerk Cloud</b></p>"
            "<p>GPU-Server in Frankfurt, stundenweise abgerechnet. Jetzt 200 € Startguthaben "
            "sichern.</p><p><a href='https://wolkenwerk.example/'>Zum Angebot</a></p>"
            f"<h2>TU Rheinfeld stellt sparsames Bildmodell vor</h2><p>{TEXT}</p>")
    assert _headlines(body) == ["Mittelständler setzen auf eigene Sprachmodelle",
                                "TU Rheinfeld stellt sparsames Bildmodell vor"]


@pytest.mark.parametrize("text", ["🎁 Give a month, get a month", "Give $20, get $20"])
def test_a_referral_offer_opens_the_feedback_zone(text: str) -> None:
    assert ZONES["feedback"].match(text)


@pytest.mark.parametrize("text", ["Give peace a chance, get out the vote",
                                  "Give a month's notice, get the deposit back"])
def test_news_that_gives_and_gets_is_no_referral_offer(text: str) -> None:
    assert not ZONES["feedback"].match(text)


@pytest.mark.parametrize("line", ["Maya & the Wayfinder Fares team",
                                  "Lena Hartmann und das Team vom KI-Kompass",
                                  "Sam and the Tidewater team", "Inès et l'équipe de Dataviz"])
def test_a_writer_and_the_team_sign_the_issue(line: str) -> None:
    assert SIGN_OFF.match(line)


@pytest.mark.parametrize("line", ["Ferrari and the team principal part ways",
                                  "Apple and the antitrust team: what we know"])
def test_news_about_a_team_is_no_sign_off(line: str) -> None:
    assert not SIGN_OFF.match(line)


def test_an_essay_under_a_bold_title_is_one_story() -> None:
    """Ghost sets a post's title as a bold line, not a heading, and its sections as h2:
    they were four stories and the title none."""
    sections = "".join(f"<h2>{name}</h2><p>{TEXT}</p><p>{TEXT}</p>" for name in (
        "The ninety-percent demo", "Where the last ten percent hides",
        "What we changed at Tillwork", "A rule of thumb"))
    body = ("<p><b>The agent demo trap</b></p><p>By Marcus Adeyemi • 19 Mar 2025</p>"
            f"<p>{TEXT}</p>{sections}")
    assert _headlines(body, subject="The agent demo trap") == ["The agent demo trap"]


def test_the_newsletter_s_name_with_the_date_and_a_tagline_is_its_masthead() -> None:
    items = "".join(f"<p><a href='https://example.org/{n}'>{title}</a> (example.org)</p>"
                    for n, title in enumerate(["A tiny Lisp that fits in a boot sector",
                                               "Why our database migrations take a week"]))
    body = ("<p><b>Frontpage Digest · Tuesday, 18 March 2025 · top links from the last 24 "
            f"hours</b></p>{items}")
    headlines = _headlines(body, sender="digest@frontpage.example")
    assert headlines[0] != "Frontpage Digest · Tuesday, 18 March 2025 · top links from the " \
                           "last 24 hours"


def test_a_letter_s_close_and_the_signature_under_it_are_no_stories() -> None:
    """A department bulletin sent from Outlook ends "Best wishes," over the writer's name,
    role and hours, each line read as a title, then a confidentiality notice."""
    body = (f"<p><b>Internal seed fund: applications due 28 March</b></p><p>{TEXT}</p>"
            f"<p><b>Building access during the Easter break</b></p><p>{TEXT}</p>"
            "<p>Best wishes,</p><p>Margaret</p><p><b>Margaret Lyle</b></p>"
            "<p>Department Administrator | School of Computing</p>"
            "<p>Tel: +44 (0)113 496 0217</p><p>Working hours: Mon–Thu</p>"
            "<p>This email and any attachments are intended solely for the addressee and may "
            "contain confidential information. If you have received this email in error, please "
            "notify the sender and delete it. The University does not accept liability for any "
            "views expressed in this message that are not those of the University.</p>")
    stories = segment(parse_issue(email(body, html=True)))
    assert [s.headline for s in stories] == ["Internal seed fund: applications due 28 March",
                                             "Building access during the Easter break"]
    assert "Best wishes" not in stories[-1].text and "liability" not in stories[-1].text


def test_thanks_at_the_end_of_a_story_before_more_news_cuts_nothing() -> None:
    long_text = " ".join([TEXT] * 3)
    body = (f"<p><b>Building access during the Easter break</b></p><p>{TEXT}</p><p>Thanks,</p>"
            f"<p><b>Seminar: verifying distributed protocols</b></p><p>{long_text}</p>")
    assert _headlines(body) == ["Building access during the Easter break",
                                "Seminar: verifying distributed protocols"]


@pytest.mark.parametrize(("line", "news"), [("Welcome to Dr. Hannah Okafor", True),
                                            ("Welcome to Prof. Ada Marsh", True),
                                            ("Welcome to The Neuron", False)])
def test_welcoming_a_new_colleague_is_news(line: str, news: bool) -> None:
    assert (not ZONES["intro"].search(line)) is news
