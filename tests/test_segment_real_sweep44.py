"""Shapes found on real issues of newsletters nobody tuned for (stop 44: a thirteenth blind
set gathered and cut by hand outside the repository, scored before any rule was written),
rewritten here in our own words, each beside the look-alike it must not take:

- a sentence and the outlet it is from ("…will suffer most. (Economist $)") under a
  numbered headline is that story's text, not a title over the next;
- a caption naming who is pictured and the photographer with the agency ("…, Anna
  Moneymaker/Getty Images") is no headline;
- paragraphs with no headline, each ending in its source linked as "Link", are a story
  each; under a headline, such a paragraph is its summary.
"""

from __future__ import annotations

import pytest

from service.ingest.buttons import READ_MORE
from service.ingest.captions import CAPTION, OUTLET
from service.ingest.headlines import SENTENCE_THEN_SOURCE
from service.ingest.link_word_items import LINK_WORD
from service.ingest.parse import parse_issue
from service.ingest.segment import segment

POINT = ("The council met late into the night and its members said the cost was the part "
         "hardest to agree on, with a vote expected next week.")


def _headlines(body: str, subject: str = "Tidewater Brief #12") -> list[str]:
    data = (f"From: Tidewater Brief <brief@tidewater.example>\nTo: reader@example.test\n"
            f"Subject: {subject}\nMessage-ID: <{abs(hash(body))}@t.example>\n"
            f"Content-Type: text/html; charset=utf-8\n\n{body}").encode()
    return [story.headline for story in segment(parse_issue(data))]


MUST_READS = [
    ("1 The harbour tunnel is late again",
     "The contractor now blames the clay under the old dock for the delay. (Tidewater Post $)",
     ["+ The last delay cost the city a whole year of tolls. (Coastal Times)",
      "+ Commuters have stopped believing the opening dates. (Harbour Wire)"]),
    ("2 Ferry crews want shorter night shifts",
     "The talks broke down over how many crews work after midnight. (Harbour Wire)",
     ["+ What a walkout would mean for the island's commuters. (Tidewater Post $)"]),
    ("3 Why the gulls came back to the pier",
     "Nobody is quite sure. Is it the fish, or the quieter boats? (Bird Weekly)",
     ["+ A map of every nesting site along the coast this spring. (Bird Weekly)",
      "+ The pier's cafe has given up on its gull-proof roof. (Coastal Times)"]),
]


def test_a_sentence_and_its_outlet_under_a_numbered_headline_is_its_text() -> None:
    body = "<h3>The must-reads</h3><p>The stories worth your time today.</p>" + "".join(
        f"<h3>{title}</h3><p>{text}</p>" + "".join(f"<p>{line}</p>" for line in more)
        for title, text, more in MUST_READS)
    assert _headlines(body)[-3:] == [title for title, _, _ in MUST_READS]


@pytest.mark.parametrize(("line", "sentence"), [
    ("The contractor blames the clay. (Tidewater Post $)", True),
    ("Nobody is quite sure. Is it the fish? (Bird Weekly)", True),

    # the look-alikes: titles with their source, a question alone, a caption's credit
    ("Robot wins at table tennis (5 minute read)", False),
    ("Ask: How do you keep notes that you actually reread? (forum)", False),
    ("Is the harbour tunnel worth it? (Tidewater Post)", False),
    ("Parents line up at the meeting. (Courier photo / Dana Whitt)", False),
    # the review's: an abbreviation's stop, a headline cut short
    ("Fed holds rates steady in the U.S. (Reuters)", False),
    ("Ferry crews say they will walk out… (AP)", False),
    ("Harbour Holdings buys a rival, Acme Inc. (Reuters)", False),
])
def test_a_sentence_then_its_source(line: str, sentence: bool) -> None:
    assert (SENTENCE_THEN_SOURCE.search(line) is not None) is sentence


@pytest.mark.parametrize(("line", "caption"), [
    ("Rochelle Walensky speaking. CDC Director Rochelle Walensky, Anna Moneymaker/Getty Images",
     True),
    ("The mayor at the pier. Harbour chief Ana Ruiz, Jo Whit/Reuters", True),
    ("The mayor is seen at the pier, July 27, 2024, in Tidewater. | Jo Whit/AP", True),
    # a headline with a slash and a comma in it is no caption
    ("Reuters, AP and AFP/Getty Images agree a new photo deal", False),
    ("Ferry crews vote to strike, union says", False),
])
def test_a_caption_naming_the_photographer_and_agency(line: str, caption: bool) -> None:
    assert (CAPTION.search(line) is not None) is caption


NEWS = [
    "The council will publish its budget on Friday, a week later than it promised.",
    "Ferry crews voted to strike over night shifts; talks resume on Monday.",
    "A new survey counts twice as many gulls nesting on the pier as last year.",
    "The harbour tunnel is late again, and the contractor blames the clay.",
]


def _linked(text: str, word: str = "Link") -> str:
    return f'<p>{text} <a href="https://news.example/{abs(hash(text))}">{word}</a></p>'


def test_paragraphs_ending_in_their_link_are_a_story_each() -> None:
    body = ("<h2>✏️ Posts</h2>" + _linked("I wrote about what the tunnel will cost us all.")
            + "<p>(More on that next week.)</p><h2>🗞 News</h2>"
            + "".join(_linked(text) for text in NEWS) + "<p>That's all for this week.</p>")
    assert _headlines(body) == ["I wrote about what the tunnel will cost us all.", *NEWS]


WALKOUT = "Crews voted to walk out over night shifts, and the union says talks will resume."


def test_a_summary_under_its_headline_ending_in_read_more_stays_its_text() -> None:
    """The look-alike: a shop's or a columnist's digest, a headline over each summary."""
    titles = ["Budget slips a week", "Ferry crews walk out", "Gulls come back",
              "Tunnel late again"]
    body = "<h2>This week</h2>" + "".join(
        f"<p><strong>{title}</strong></p>" + _linked(text, "Read more")
        for title, text in zip(titles, [NEWS[0], WALKOUT, *NEWS[2:]], strict=True))
    assert _headlines(body) == titles


def test_one_paragraph_ending_in_link_is_no_item() -> None:
    """Only an issue with a run of them: a post whose paragraph ends in a link is a post."""
    body = (f"<h2>Why the gulls came back</h2><p>{POINT}</p>" + _linked(NEWS[2], "source")
            + f"<p>{POINT}</p>")
    assert _headlines(body) == ["Why the gulls came back"]


@pytest.mark.parametrize(("word", "counts"), [
    ("Link", True), ("(link)", True), ("Source", True), ("Read more", True), ("→", True),
    ("here", False), ("the report", False),
])
def test_the_words_a_digest_links_its_source_with(word: str, counts: bool) -> None:
    assert (LINK_WORD.fullmatch(word) is not None) is counts


def test_axios_reading_time_is_housekeeping_and_leaves_no_story_above_it() -> None:
    """Axios's "Today's newsletter is 879 words — a 3.5-minute read." made the shout-out
    line above it a story's headline."""
    body = ("<h1>Tidewater Brief</h1><p>Happy Monday! We hope you had a good weekend.</p>"
            "<p>🎂 Happy birthday to our members Ana Ruiz and Jo Whit!</p>"
            "<p>Today's newsletter is 879 words — a 3.5-minute read. Edited by Sam Lee.</p>"
            f"<hr><h2>1 big thing: The ferry fares are frozen</h2><p>{POINT}</p>"
            f"<h2>2. Gulls are back on the pier</h2><p>{POINT}</p>")
    assert _headlines(body) == ["1 big thing: The ferry fares are frozen",
                                "Gulls are back on the pier"]


# --- the fourteenth blind set --------------------------------------------------------------


@pytest.mark.parametrize("outlet", ["404 Media", "9to5Mac", "arXiv", "Axios AI+",
                                    "Ámbito Financiero", "The\u00a0Verge"])
def test_an_outlet_is_any_script_s_capitalised_name(outlet: str) -> None:
    """The third review: a digit or an accent first, "arXiv", a "+" or a no-break space
    made an outlet's reading-time line a story."""
    assert OUTLET.fullmatch(outlet)


def test_an_outlet_and_its_reading_time_under_a_story_is_no_title() -> None:
    """Nature Briefing's "Nature | 6 min read" under each story's text was a story."""
    body = (f"<p>Hello readers,</p><h2>Grants frozen across the labs</h2><p>{POINT}</p>"
            f"<p>Nature | 6 min read</p><h2>Small journals protect species</h2><p>{POINT}</p>"
            "<p>Nature | 4 min read</p>")
    assert _headlines(body) == ["Grants frozen across the labs", "Small journals protect species"]


@pytest.mark.parametrize(("line", "button"), [
    ("Read the whole Dev Digest", True), ("Read the rest of today's Scoop", True),
    ("Read the rest of Issue 411", True), ("Read the full issue online", True),
    ("Continue reading the full brief →", True), ("Keep reading on the web", True),
    ("Reuters Read Article", True), ("Read the rest of this edition on tidewater.example", True),
    # headlines that only look like one
    ("Read the full text of the harbour bill", False), ("Why you should read article one", False),
    ("Keep Reading: the story of a ferry", False),
])
def test_a_link_to_the_rest_of_the_issue_is_a_button(line: str, button: bool) -> None:
    assert (READ_MORE.match(line) is not None) is button


def test_the_link_to_the_rest_of_the_issue_is_no_last_story() -> None:
    body = (f"<h2>Grants frozen across the labs</h2><p>{POINT}</p>"
            f"<h2>Small journals protect species</h2><p>{POINT}</p>"
            '<p><a href="https://tidewater.example/issue/411">Read the rest of Issue 411</a></p>')
    assert _headlines(body) == ["Grants frozen across the labs", "Small journals protect species"]


def test_a_date_and_authors_opening_the_issue_are_no_story() -> None:
    """Axios's "June 17, 2021 · John Frank and Alayna Alvarez" over its intro, and a photo
    credit of seven words after "Photo:", were stories."""
    body = ("<p>June 17, 2021 · Jo Ma and Ana Ruiz</p><p>It's Thursday, and it is hot again. "
            "Expect sunny skies and a high of 99 degrees across the valley today.</p><hr>"
            "<h2>1 big thing: The council against the mayor</h2>"
            "<p>The harbour building. Photo: Craig F. Walker/Tidewater Post via Getty Images</p>"
            f"<p>{POINT}</p><h2>2. A new ferry concern</h2><p>{POINT}</p>")
    assert _headlines(body) == ["1 big thing: The council against the mayor",
                                "A new ferry concern"]


def test_headlines_with_their_outlet_stay_headlines() -> None:
    """The review of the outlet rule: three headline lines over their text, read as text."""
    heads = ["Fed holds rates steady in the U.S. (Reuters)",
             "Apple sues Samsung over chips (Bloomberg)",
             "Nvidia ships new GPUs to China… (The Verge)"]
    body = "".join(f"<p>{head}</p><p>{POINT}</p>" for head in heads)
    assert _headlines(body) == heads


def test_a_shop_digest_with_bold_questions_over_read_more_summaries_keeps_its_headlines() -> None:
    """The review of the link rule: bold headlines ending in "?" or "!" were read as the
    comment between two items, and a digest of three became six stories."""
    for titles in (["Ready for spring?", "Time for a new shirt?", "What are we reading?"],
                   ["Sale on now!", "Linen is back!", "Books we loved!"]):
        body = "<h1>The Shop Weekly</h1>" + "".join(
            f'<p><strong><a href="https://shop.example/{n}">{title}</a></strong></p>'
            + _linked(text, "Read more")
            for n, (title, text) in enumerate(zip(titles, NEWS, strict=False)))
        assert _headlines(body) == titles


@pytest.mark.parametrize("line", ["Rust 2.0 explained · 6 min read",
                                  "Nvidia earnings recap | 5 min read"])
def test_a_headline_with_its_reading_time_stays_a_headline(line: str) -> None:
    """The review: the outlet rule took any three words before a reading time."""
    body = f"<p>{line}</p><p>{POINT}</p><p>Ferry fares frozen for a year</p><p>{POINT}</p>"
    assert _headlines(body)[0] == line
