"""The thirty-third blind sweep's misses (16 issues, a helper that never read the rules): an
interview whose title opens with the subject and whose bold questions are its text, buttons
in two languages and a few more, a poll's answers marked by colour, a clinical jobs board,
a bulletin's closing "Contact us", a Japanese sender's address and table of contents, a
referral line.  The same words as news stay news."""

from __future__ import annotations

import pytest

from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import FIELD_LINE
from service.ingest.headlines import title_like
from service.ingest.link_items import POLL_ANSWER
from service.ingest.named import sentence_section
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import ZONES

ANSWER = ("We use them as smoke tests. If a new model drops ten points on something public, "
          "that tells us something broke, but a gain there tells us very little.")


def _interview(subject: str, title: str) -> list[str]:
    questions = "".join(f"<p><b>{q}</b></p><p>{ANSWER}</p>" for q in (
        "What do you use instead?", "How big is the sample?",
        "Isn't human grading slow and expensive?"))
    body = (f"<p>Off the Leaderboard · No. 31</p><p>Hi friend,</p><h1>{title}</h1>"
            f"<p>{ANSWER}</p><h3>On building evals</h3>{questions}<h3>On careers</h3>"
            f"<p><b>What would you tell someone starting out?</b></p><p>{ANSWER}</p>")
    data = (f"From: Off the Leaderboard <hello@leaderboard.example>\nTo: r@example.test\n"
            f"Subject: {subject}\nMessage-ID: <qa-1@example.test>\n"
            f"Content-Type: text/html; charset=utf-8\n\n{body}").encode()
    return [s.headline for s in segment(parse_issue(data))]


def test_an_interview_under_a_title_that_opens_with_the_subject_is_one_story() -> None:
    """Its bold questions, under its own section headings, were each a story."""
    title = ("“Benchmarks are a memory of what we used to find hard”: a conversation with "
             "Imani Rourke")
    assert _interview('"Benchmarks are a memory of what we used to find hard" — Imani Rourke',
                      title) == [title]


def test_bold_questions_under_a_title_that_is_no_interview_stay_stories() -> None:
    headlines = _interview("Benchmarks are a memory of what we used to find hard",
                           "Benchmarks are a memory of what we used to find hard, and more")
    assert "What do you use instead?" in headlines


@pytest.mark.parametrize("line", ["Book now / Archebwch nawr ›", "Archebwch nawr / Book now ›",
                                  "See the season / Gweld y tymor", "Join today / Ymunwch heddiw",
                                  "View web version", "Read the case studies ›",
                                  "Register for AI Assurance Week ›", "Contact us",
                                  "Leer en español", "All openings",
                                  "Full release notes on GitHub →", "Upgrade guide for v4.4",
                                  "論文を読む（arXiv）›"])
def test_a_button(line: str) -> None:
    assert CALL_TO_ACTION.match(line)


@pytest.mark.parametrize("line", ["Senate / House split on AI bill",
                                  "Contact us: how the FTC wants tips on AI fraud",
                                  "Read the room: investors sour on AI",
                                  "Register for the draft? Not this year",
                                  "Release notes are out for Chrome 140"])
def test_news_that_opens_like_a_button(line: str) -> None:
    assert not CALL_TO_ACTION.match(line)


def test_a_poll_s_answers_marked_by_colour_are_no_items() -> None:
    assert POLL_ANSWER.match("🟩 Yes, we'll drop RAG for most of it")
    assert POLL_ANSWER.match("🟥 No, cost and latency still matter")
    assert not POLL_ANSWER.match("📊 Nvidia's quarter, in one chart")
    assert not POLL_ANSWER.match("🔴 Live: Apple's WWDC keynote")  # news (the review)


@pytest.mark.parametrize(("zone", "line"), [
    ("jobs", "CLINICAL JOBS"), ("jobs", "Teaching roles"), ("footer", "Contact us"),
    ("footer", "〒150-0002 東京都渋谷区渋谷2-0-0"), ("recap", "▼ 今週のトピック"),
    ("feedback", "Share Morning Logits with a friend")])
def test_a_zone_label(zone: str, line: str) -> None:
    assert ZONES[zone].search(line)


@pytest.mark.parametrize(("zone", "line"), [
    ("jobs", "Clinical trials for AI triage begin"), ("footer", "Contact us, says the FBI"),
    ("feedback", "Share prices fall as AI spending slows")])
def test_news_that_opens_like_a_zone_label(zone: str, line: str) -> None:
    assert not ZONES[zone].search(line)


# ---- a read-only review of the stop's rules: news they caught, now left alone -------------


@pytest.mark.parametrize("line", ["Read/write flaw hits Redis", "Sign up / log in flows get "
                                  "passkeys", "Book now / pay later: airlines adopt BNPL",
                                  "Read the Senate findings", "Register for Earth Day"])
def test_news_that_opens_like_one_of_the_stop_s_buttons(line: str) -> None:
    assert not CALL_TO_ACTION.match(line)


@pytest.mark.parametrize(("zone", "line"), [
    ("footer", "Powered by Substack, the newsletter boom goes mainstream"),
    ("footer", "Sent with Kit, the email startup doubles revenue"),
    ("feedback", "Share your ChatGPT chats with friends"),
    ("feedback", "Share Netflix with friends?"),
    ("feedback", "More like this: Netflix's new rows")])
def test_news_that_opens_like_one_of_the_stop_s_zone_labels(zone: str, line: str) -> None:
    assert not ZONES[zone].search(line)


@pytest.mark.parametrize("line", ["Photo by Reuters Withdrawn", "Image by Webb Stuns Astronomers",
                                  "OpenAI, Anthropic, Google · Model Wars",
                                  "Date: 12 May for Google I/O"])
def test_headlines_that_read_like_the_stop_s_captions_authors_or_headers(line: str) -> None:
    assert title_like(line)


@pytest.mark.parametrize("line", ["Updated: CrowdStrike outage grounds flights worldwide",
                                  "Vendor: Okta confirms a second breach",
                                  "Published: OpenAI's o1 system card"])
def test_headlines_that_open_like_an_advisory_s_field(line: str) -> None:
    assert not FIELD_LINE.match(line)


def test_a_numbered_headline_is_no_section_name() -> None:
    assert not sentence_section("[1] OpenAI ships GPT-5 today")
    assert sentence_section("[7-9] ALSO PATCHED THIS WEEK")


NEWS = ("Regulators said the rules would take effect next spring, and companies that miss the "
        "deadline face fines of up to four percent of revenue.")


def test_a_digest_led_by_an_interview_keeps_its_other_stories() -> None:
    title = "Why Nvidia keeps winning: a conversation with Jensen Huang"
    body = (f"<p>Good morning.</p><h2>{title}</h2><p>{NEWS}</p>" + "".join(
        f"<h2>{h}</h2><p>{NEWS}</p>" for h in ("Apple delays its Siri overhaul",
                                               "The bridge reopens in March")))
    data = (f"From: Editor <e@news.example>\nTo: r@example.test\nSubject: {title}\n"
            f"Message-ID: <i-2@example.test>\nContent-Type: text/html; charset=utf-8\n\n"
            f"{body}").encode()
    assert [s.headline for s in segment(parse_issue(data))] == [
        title, "Apple delays its Siri overhaul", "The bridge reopens in March"]
