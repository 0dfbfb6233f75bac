"""The seventh blind sweep (stop 22): 30 AI newsletters, two thirds in the shape of
../shared's emails (Markdown rendered), 0.644 with stop 21's engine.  Every issue here
is written for these tests (no newsletter text)."""

from __future__ import annotations

import pytest

from service.domain import Block
from service.ingest.footer import footer_at, opens_footer
from service.ingest.named import news_sentence, section_like
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from tests.test_segment_any import email

P = ("The council spent most of the evening on the budget, and the vote came only after "
     "a long public comment period that ran past eleven.")
NEWS = ["Keel AI raised $65 million to build inference chips for edge devices.",
        "Harbor Labs unveiled a model that writes and verifies Lean proofs.",
        "Gatekeep announced a firewall for detecting prompt injection in enterprise apps."]
TOP = "".join(f"<h2>{h}</h2><p>{P}</p>" for h in [
    "Helix ships a model that plans before it types", "Brightline puts humanoids on nights"])


def _headlines(html: str, subject: str = "This week") -> list[str]:
    return [s.headline for s in segment(parse_issue(email(html, html=True, subject=subject)))]


def _bullets(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


# ---- a subscribe button in the body is no footer ----------------------------------------------


def test_a_subscribe_button_under_the_intro_does_not_end_the_issue() -> None:
    """Before, everything after "Subscribe now" was the footer: one story was left."""
    html = (f"<p>Welcome to Export ML. {P}</p><p><a href='https://x.example/s'>Subscribe "
            f"now</a></p><hr>{TOP}<hr><p>Thanks for reading!</p>"
            "<p><a href='https://x.example/u'>Unsubscribe</a></p>")
    assert _headlines(html) == ["Helix ships a model that plans before it types",
                                "Brightline puts humanoids on nights"]


def test_the_footer_still_starts_at_its_first_line_when_only_the_footer_follows() -> None:
    blocks = [Block(kind="paragraph", text=P * 20), Block(kind="paragraph", text="Subscribe"),
              Block(kind="paragraph", text="You are receiving this because you signed up. "
                    * 20), Block(kind="paragraph", text="Unsubscribe")]
    assert footer_at(blocks) == 1
    # most of the issue after it: a button, and the footer is the later line
    assert footer_at([blocks[1], *blocks[:1], *blocks[1:]]) == 2


# ---- a section's one-sentence news items ------------------------------------------------------


def test_each_news_sentence_under_a_section_heading_is_a_story() -> None:
    html = f"{TOP}<h2>📡 AI Radar</h2>{_bullets(NEWS)}"
    assert _headlines(html)[2:] == NEWS


def test_one_sentence_under_a_heading_beside_sections_of_them_is_a_story() -> None:
    html = (f"{TOP}<h2>Government</h2>{_bullets(NEWS[:2])}<h2>Civil Society</h2>"
            f"{_bullets(NEWS[2:])}")
    assert _headlines(html)[2:] == NEWS


def test_plain_sentences_under_a_lists_title_are_stories() -> None:
    html = f"{TOP}<p><b>QUICK HITS</b></p>" + "".join(f"<p>{n}</p>" for n in NEWS)
    assert _headlines(html)[2:] == NEWS


@pytest.mark.parametrize("heading", [
    "Helix ships a model that plans before it types and checks it",  # a story's headline
    "Key takeaways", "What we know", "Next week"])
def test_bullets_under_a_storys_headline_or_its_points_stay_its_text(heading: str) -> None:
    html = f"{TOP}<h2>{heading}</h2>{_bullets(NEWS)}"
    assert not set(NEWS) & set(_headlines(html))


@pytest.mark.parametrize("line", [
    "We review the Cobalt-VL technical report in depth next week.",
    "Our series on agent memory continues with episodic stores.",
    'On the resignation, one former colleague said: "Nobody will be surprised."',
    "Would you let a coding agent merge to main without review?",
    "Yes, for small changes",
])
def test_previews_quotes_questions_and_answers_are_no_news_sentences(line: str) -> None:
    assert not news_sentence(Block(kind="list_item", text=line))


def test_a_bullet_story_runs_to_the_next_heading_not_over_text_under_the_run() -> None:
    """A run with a paragraph under it is a story's list, not a section of news."""
    html = f"{TOP}<h2>Industry</h2>{_bullets(NEWS)}<p>{P}</p>"
    assert not set(NEWS) & set(_headlines(html))


@pytest.mark.parametrize("title", ["3 AI tools to try", "5 quick hits", "🧰 3 new tools"])
def test_a_lists_title_may_count_its_items(title: str) -> None:
    assert section_like(title)


def test_a_count_alone_or_with_a_story_is_no_lists_title() -> None:
    assert not section_like("3")
    assert not section_like("3 reasons chips got dear")


# ---- an essay ---------------------------------------------------------------------------------


ESSAY = "The post-training tax: why open models keep falling behind"


def _essay(title: str, middle: str) -> str:
    return (f"<h1>{title}</h1><p>By Nora Ellery · Crosswired · Oct 2, 2025</p>"
            "<p><a href='https://x.example/audio'>Listen to this post (read by the author, "
            f"14 min)</a></p><hr><p>{P}</p><h2>Where the gap lives</h2><p>{P}</p>{middle}"
            f"<h2>What would help</h2><p>{P}</p>")


def test_an_essays_title_may_have_a_colon_and_its_audio_line_is_chrome() -> None:
    assert _headlines(_essay(ESSAY, ""), subject=ESSAY) == [ESSAY]


def test_bold_points_under_an_essays_heading_are_the_essays_text() -> None:
    points = "".join(f"<p><b>{lead}.</b> {P}</p>" for lead in [
        "Preference data is perishable", "The recipes are tacit", "Evaluation is the bottleneck"])
    html = _essay(ESSAY, f"<h2>Three reasons it is hard in the open</h2>{points}")
    stories = segment(parse_issue(email(html, html=True, subject=ESSAY)))
    assert [s.headline for s in stories] == [ESSAY]
    assert "Three reasons it is hard in the open" in stories[0].text
    assert "The recipes are tacit" in stories[0].text


def test_a_digests_title_with_a_colon_over_a_list_is_still_a_digest() -> None:
    title = "Riverside Weekly: levy, schools and a bridge"
    assert len(_headlines(_essay(title, ""), subject=title)) > 1


# ---- from the attack on those rules (attack7) -------------------------------------------------


@pytest.mark.parametrize("headline", [
    "Unsubscribe rates jump as AI-written newsletters flood inboxes",
    "Subscribe buttons are everywhere, one product manager says"])
def test_a_headline_about_subscriptions_does_not_open_the_footer(headline: str) -> None:
    html = f"{TOP}<h2>{headline}</h2><p>{P}</p><h2>Quillmark adds a paywall</h2><p>{P}</p>"
    assert _headlines(html)[2:] == [headline, "Quillmark adds a paywall"]


@pytest.mark.parametrize("line", ["Subscribe", "Subscribe now", "Unsubscribe | Preferences",
                                  "Unsubscribe   Manage preferences", "SUBSCRIBER SERVICES:",
                                  "Subscribe to our podcast"])
def test_the_word_as_a_button_opens_the_footer(line: str) -> None:
    assert opens_footer(line)


def test_a_share_box_between_stories_is_no_footer_but_the_one_at_the_end_is() -> None:
    box = ("<p><b>Share The Wire Brief.</b> Know someone who'd like it? Forward this email.</p>"
           "<p><a href='https://x.example/s'>Subscribe</a></p>")
    html = (f"{TOP}{box}<h2>Cobalt moves its chip orders</h2><p>{P}</p>"
            f"<p>Thanks for reading!</p><p><b>Share</b></p><p>© 2025 The Wire Brief · "
            "548 Market Street, San Francisco, CA 94104</p>")
    stories = segment(parse_issue(email(html, html=True)))
    assert [s.headline for s in stories][-1] == "Cobalt moves its chip orders"
    assert "Market Street" not in stories[-1].text


@pytest.mark.parametrize("heading", ["Next week", "Coming Friday", "Poll results",
                                     "2 open roles at Devlog", "Next Week in The Sequencer"])
def test_previews_poll_results_and_counted_job_lists_are_no_stories(heading: str) -> None:
    html = (f"{TOP}<h2>{heading}</h2><p><b>Orrery</b>: maps your codebase as a graph, a "
            "longer line.</p>")
    assert _headlines(html) == _headlines(TOP)


@pytest.mark.parametrize("label", ["Key takeaways", "Results", "The details", "Why it matters"])
def test_a_storys_own_points_heading_is_its_text(label: str) -> None:
    html = f"{TOP}<h3>{label}</h3>{_bullets(['It is fast.', 'It is cheap.'])}"
    stories = segment(parse_issue(email(html, html=True)))
    assert [s.headline for s in stories] == _headlines(TOP)
    assert label in stories[-1].text


def test_a_quote_in_a_bullet_is_no_news_sentence() -> None:
    quote = '"Open weights are a floor, not a ceiling," said the lab\'s lead researcher.'
    assert not news_sentence(Block(kind="list_item", text=quote))


def test_spacer_paragraphs_do_not_break_a_run_of_named_tools() -> None:
    tools = "<p>&nbsp;</p>".join(
        f"<p><b><a href='https://{n.lower()}.example'>{n}</a></b> – {d}</p>" for n, d in [
            ("Orrery", "maps your codebase as an interactive graph"),
            ("Calyx", "translates support calls in real time"),
            ("Ledgerly", "drafts your month-end accounting package")])
    html = f"{TOP}<p>&nbsp;</p><h2>3 AI tools to try</h2>{tools}<p>&nbsp;</p>"
    assert _headlines(html)[2:] == ["Orrery", "Calyx", "Ledgerly"]


def test_an_essays_bold_byline_under_its_subtitle_is_no_story() -> None:
    title = "Who pays for provenance?"
    html = (f"<h1>{title}</h1><p>The code is final. The bill is still open.</p>"
            "<p><b>Dana Whitlock</b> · Nov 18, 2025</p><p><a href='https://x.example/s'>Subscribe"
            f" now</a></p><p>{P}</p><h2>Where the money goes</h2><p>{P}</p>"
            f"<h2>What I'd do</h2><p>{P}</p>")
    assert _headlines(html, subject=title) == [title]
