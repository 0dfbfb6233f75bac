"""Shapes found on real issues of newsletters nobody tuned for (stop 41: two blind sets
gathered and cut by hand outside the repository, scored before any rule was written),
rewritten here in our own words, each beside the look-alike it must not take:

- stories numbered by hand, each with its parts under lines of the same weight ("The
  backstory", "What it means"), are one story each, parts and all;
- a letter whose author's name and tagline stand above the post's title is one story under
  that title, not under the tagline.
"""

from __future__ import annotations

from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from tests.test_segment_layouts import _headlines, _stories

POINT = ("The council met late into the night and its members said the cost was the part "
         "hardest to agree on.")


def _briefing(stories: list[tuple[str, list[str]]], numbered: bool = True) -> str:
    """A daily briefing: each story a bold line, its points in a list, its parts each under
    a bold line of its own."""
    html = ["<p>Good morning!</p>"]
    for number, (headline, parts) in enumerate(stories, start=1):
        html.append(f"<p><b>{f'{number}. ' if numbered else ''}{headline}</b></p>"
                    f"<ul><li>{POINT}</li><li>{POINT}</li></ul>")
        for part in parts:
            html.append(f"<p><b>{part}</b></p><ul><li>{POINT}</li></ul>")
    return "".join(html) + "<p>Thanks for reading.</p>"


BRIEFING = [("Harbour plan passes after a long night", ["The backstory", "What it means"]),
            ("Rail strike called off at the last minute", ["Who gave way"]),
            ("Why the bridge is closing for a month", ["The detour", "What's next"]),
            ("A library opens its doors on Sundays", [])]  # (the last: nothing tells its end)


def test_the_parts_of_stories_numbered_by_hand_are_their_text() -> None:
    stories = _stories(_briefing(BRIEFING))
    assert [s.headline for s in stories] == [headline for headline, _ in BRIEFING]
    assert "The backstory" in stories[0].text and "What it means" in stories[0].text
    assert "Who gave way" in stories[1].text and "The detour" in stories[2].text


def test_without_numbers_each_bold_line_is_still_a_story() -> None:
    # (nothing tells a part from a story: the bold lines stay titles, as before)
    assert len(_headlines(_briefing(BRIEFING, numbered=False))) > len(BRIEFING)


def test_numbered_section_names_over_their_stories_keep_the_stories() -> None:
    """"1. Policy" over two stories, "2. Research" over two: the numbered lines are
    sections with no text of their own, and the stories under them stay stories."""
    html = "".join(
        f"<p><b>{number}. {section}</b></p>"
        + "".join(f"<p><b>{headline}</b></p><p>{POINT}</p>" for headline in headlines)
        for number, (section, headlines) in enumerate([
            ("Policy", ["Harbour plan passes after a long night",
                        "Rail strike called off at the last minute"]),
            ("Research", ["A library opens its doors on Sundays",
                          "Why the bridge is closing for a month"]),
            ("Sports", ["The home side wins a late derby", "A marathon moves to April"])],
            start=1))
    headlines = _headlines(html)
    assert "Rail strike called off at the last minute" in headlines
    assert "Why the bridge is closing for a month" in headlines


def test_stories_under_a_section_between_numbered_stories_stay_stories() -> None:
    """Numbering that goes on past a section of unnumbered stories ("3.", then "Quick
    hits" over two stories, then "4."): the section's stories are no parts of story 3.
    Demoted, they became the section heading's text and left the issue altogether (a
    read-only review of this rule)."""
    def story(headline: str, number: int | None = None) -> str:
        return f"<p><b>{f'{number}. ' if number else ''}{headline}</b></p><p>{POINT}</p>"

    html = ("<p>Good morning!</p>" + story("Harbour plan passes after a long night", 1)
            + story("Rail strike called off at the last minute", 2)
            + story("Why the bridge is closing for a month", 3)
            + "<h2>Quick hits</h2>" + story("A library opens its doors on Sundays")
            + story("A marathon moves to April")
            + story("The port expansion is approved", 4) + story("School starts early", 5)
            + "<p>Thanks for reading.</p>")
    headlines = _headlines(html)
    assert "A library opens its doors on Sundays" in headlines
    assert "A marathon moves to April" in headlines
    assert "The port expansion is approved" in headlines

def _letter(html: str, subject: str) -> bytes:
    return (f"From: Marta Kowalczyk <marta@lakeside.example>\nTo: reader@example.test\n"
            f"Subject: {subject}\nMessage-ID: <rain-1@lakeside.example>\n"
            f"Content-Type: text/html; charset=utf-8\n\n{html}").encode()


LETTER = ("<p>I watch the quarterly figures to see where spending turns first. This week "
          "the three largest lenders reported, and all three slowed.</p><p>Growth fell by "
          "a fifth in a quarter, the sharpest drop since the series began.</p>"
          "<p>Lopping another tenth off the forecasts would put the median firm at its "
          "lowest in a decade.</p>")


def test_a_letter_under_its_authors_tagline_is_one_story_under_its_title() -> None:
    html = ("<h1>Marta Kowalczyk</h1><p>Economist at Lakeside Capital</p>"
            "<p>If you were forwarded this letter and want it, "
            "<a href='https://lakeside.example/subscribe'>subscribe here</a>.</p>"
            "<h1><a href='https://lakeside.example/rain'>Rain on the rate cuts</a></h1>"
            + LETTER)
    [story] = segment(parse_issue(_letter(html, "Rain on the rate cuts")))
    assert story.headline == "Rain on the rate cuts"
    assert "Economist at Lakeside Capital" not in story.text
    assert "quarterly figures" in story.text


def test_a_short_line_above_a_heading_that_is_not_the_title_stays_a_story() -> None:
    # (the subject names the issue, no heading repeats it: nothing to move)
    html = ("<p><b>Economists weigh the rate cuts</b></p>" + LETTER)
    [story] = segment(parse_issue(_letter(html, "Lakeside letter, week 12")))
    assert story.headline == "Economists weigh the rate cuts"


INTRO = "Here is what happened in the city yesterday, and what is on today."


def _daily(first_heading: str, level: int = 2, under: str = INTRO, stories_at: int = 3) -> str:
    stories = ["Harbour plan passes after a long night", "Rail strike called off at the last "
               "minute", "Why the bridge is closing for a month"]
    return (f"<h1>The Harbour Daily</h1><h{level}>{first_heading}</h{level}><p>{under}</p>"
            + "".join(f"<h{stories_at}>{headline}</h{stories_at}><p>{POINT}</p>"
                      for headline in stories))


def test_a_greeting_over_the_intro_is_no_story_in_any_language() -> None:
    """The ninth blind set's city daily: "☀️ Guten Morgen, Berlin!" as the first heading,
    set above the stories' headings over the intro, was a story."""
    for greeting in ("☀️ Guten Morgen, Hafenstadt!", "Good morning, Hafenstadt!",
                     "☕ Bom dia, Hafenstadt!", "Buenos días, Hafenstadt!"):
        assert _headlines(_daily(greeting))[0] == (
            "Harbour plan passes after a long night"), greeting
    # an exclamation that greets nobody is a story's headline still, and so is a story
    # named by a hello ("Bonjour Paris!" over a travel piece: the review of the first rule)
    for headline in ("Council approves the new harbour budget!", "Bonjour Paris!",
                     "Hi, Robot!"):
        assert _headlines(_daily(headline, 3, f"{POINT} {POINT} {POINT}"))[0] == headline


def test_a_headline_that_opens_with_a_greeting_word_is_a_headline_still() -> None:
    """The greetings in other languages made every headline opening with one no title
    ("Bom Dia Brasil estreia novo cenário", a show's news): its story went into the story
    above (the review).  They greet as "hi" does: alone, before a comma or a name."""
    body = ("A emissora anunciou ontem as mudanças, que entram em vigor na segunda-feira, "
            "com novos apresentadores e um estúdio renovado no centro da cidade.")
    headlines = ["Câmara aprova o novo orçamento do porto", "Bom Dia Brasil estreia novo cenário",
                 "Greve dos comboios desconvocada à última hora",
                 "Boa Noite Cinderela volta aos cinemas", "Ponte fecha durante um mês para obras"]
    html = "<p>Olá a todos, eis as notícias de hoje.</p>" + "".join(
        f"<p><b>{headline}</b></p><p>{body}</p>" for headline in headlines)
    assert [story.headline for story in _stories(html)] == headlines
