"""Segment stage, structural engine: what a title line opens, and what ends a zone.

``title_kind`` reads a title against the units under it: a story's headline, a section's
name, a zone's title (a recap, a sponsor's block, the intro, jobs, events, a poll,
extras, the footer: zones.py), or no title after all.  structure.py's walk asks it of
every title; the tests here read the units right under the title, never the whole issue.
"""

from __future__ import annotations

import itertools
import re

from service.ingest import roles
from service.ingest.buttons import read_more_url
from service.ingest.captions import CAPTION
from service.ingest.headlines import (
    ASKS,
    CJK,
    INNER_HEADING,
    SECTION_WORDS,
    TITLE_MAX_CHARS,
    text_size,
    tidy,
)
from service.ingest.link_items import POLL_VOTE
from service.ingest.plain_items import LEAD_ITEM_MIN_WORDS
from service.ingest.run_in import is_label
from service.ingest.units import Unit, after, text_under
from service.ingest.zones import POLL_QUESTION, POSTING_PLACE, ZONES, role_title

__all__ = ["label_over_items", "news_item", "recap_list_over", "title_kind"]

# A title that is the issue's number alone, by the word that numbers issues: "Issue #657",
# "Edition 12", "Ausgabe Nr. 31", with no title of its rank after it: the masthead's (two real
# sweeps).  Not "No. 3" (a countdown's) nor "Week 45" (a build log's): stop 38's review.
ISSUE_NUMBER_ONLY = re.compile(r"^(?:issue|edition|ausgabe|edici[oó]n|edi[cç][aã]o|edizione"
                               r"|num[eé]ro)\s?(?:#|n[º°o.]\.?|nr\.|no\.)?\s?\d{1,5}$",
                               re.IGNORECASE)
# The week's points in a list before its stories: "This Week's Takeaways:" over a <ul> (a
# real sweep); over paragraphs, the letter's own items (attack16)
TAKEAWAYS = re.compile(r"^\W*(?:this|the) week['’]?s takeaways\W*$", re.IGNORECASE)
NEWS_SUMMARY_CHARS = 20  # a one-line news item says what happened after its headline
# "<word> jobs" is a jobs board over postings only: "Steel jobs" over news is news
FIELD_JOBS = re.compile(r"^\W*\w[\w-]* (?:jobs|roles)\W*$", re.IGNORECASE)
# A sentence that introduces the list under it: "Here's this week's…", "Here are…", "Below
# are…" (a line ending in a colon makes the items the story's own: roles.py's ``related``)
LIST_INTRO = re.compile(r"^(?:here(?:['’]s| is| are)|below)\b", re.IGNORECASE)
LIST_INTRO_CHARS = 200
CAPTION_CHARS = 200  # a photo's caption is a line
NEWS_RUN = 3  # headlines over one short sentence each, in a row: news, not a closing pair
# the newsletter speaking to its reader: "We write about chips…", "Write to us at…"
SPEAKING = re.compile(r"(?:we|you|our|your|i|us|write|join|listen|follow|reply|forward"
                      r"|subscribe|tell|send)\b", re.IGNORECASE)


def title_kind(unit: Unit, units: list[Unit], index: int) -> str:
    """"story", "section", "body" (no title after all), or the zone ("recap", "sponsor",
    "intro", "jobs", "feedback", "extras", "footer") it opens."""
    text = tidy(unit.headline)
    if ISSUE_NUMBER_ONLY.match(text) and not any(
            u.role == "title" and u.rank == unit.rank for u in after(units, index)):
        return "section"  # (over its peers, "Issue 12" is a magazine's story: attack16)
    if TAKEAWAYS.match(text) and next((u.block.kind == "list_item" for u in after(
            units, index) if u.role != "rule"), False):
        return "recap"
    for name, pattern in ZONES.items() if len(text) <= TITLE_MAX_CHARS else ():
        # (a zone's title is short; a long heading is read no further: the patterns'
        # word classes overlap their endings, quadratic on a hostile 16,000-character one)
        if pattern.search(text) and (name != "sponsor" or len(text) <= 80):
            return name
    if FIELD_JOBS.match(text) and _postings_under(units, index):
        return "jobs"  # "Interesting jobs" over "Platform Engineer at Finchly" (the review)
    if POLL_QUESTION.match(text) and not _over_a_paragraph(units, index):
        return "feedback"  # the poll's question over its options, not over a story's text
    following = next((u for u in after(units, index) if u.role != "rule"), None)
    if (following is not None and following.role == "title" and following.rank > unit.rank
            and len(following.headline) <= TITLE_MAX_CHARS
            and INNER_HEADING.match(tidy(following.headline))):
        return "story"  # a headline over its own parts ("THE SCOOP", "KNOW MORE")
    if (following is not None and following.role == "title" and following.rank > unit.rank
            and ASKS.search(text) and tidy(following.headline).endswith("?")):
        return "story"  # "Spotlight — Tamsin Achebe on …" over its questions (attack14)
    if following is None:
        return "section"  # a title with nothing under it
    if following.role == "title" and following.rank < unit.rank and unit.rank >= 7:
        return "body"  # a line that only looks like a title, over a heading: text, not a name
    if _over_a_caption_and_heading(unit, units, index):
        return "section"  # "TOP STORY" over the photo's caption and the headline (set 15)
    if following.role in ("title", "item") or _over_a_list_intro(units, index):
        return "section"
    # (under a Chinese or Japanese title, its text says more per letter: ``text_size``)
    under = text_under(units, index, text_size if CJK.search(text) else len)
    if (under < roles.BODY_MIN_CHARS and not unit.url and not _read_more_under(units, index)
            and not _news_over_a_sentence(text, units, index)):
        return "section"  # a name over a line or two ("Issue 41"): a masthead, not a story
    words = re.findall(r"[\w&+/']+", text.lower())
    if words and len(words) <= 5 and all(w in SECTION_WORDS for w in words):
        return "section"
    return "story"


def _over_a_caption_and_heading(unit: Unit, units: list[Unit], index: int) -> bool:
    """Under the title, a photo's caption alone ("Atlas at the plant. Photo: Boston
    Dynamics"), then a heading above the title's rank: the title labels that story."""
    below = [u for u in itertools.islice(after(units, index), 2) if u.role != "rule"]
    return (len(below) == 2 and below[0].role == "body" and below[1].role == "title"
            and below[1].rank < unit.rank and "\n" not in below[0].block.text.strip()
            and len(below[0].block.text) <= CAPTION_CHARS
            and bool(CAPTION.search(tidy(below[0].block.text))))


def _over_a_list_intro(units: list[Unit], index: int) -> bool:
    """One short paragraph under the title says what the items below it are ("Here's one
    important… news item." over three link-led items, the eleventh blind set): the title
    names a section of items, not a story told in the paragraph."""
    below = [u for u in itertools.islice(after(units, index), 4) if u.role != "rule"]
    return (len(below) >= 3 and below[0].role == "body"
            and len(below[0].block.text) <= LIST_INTRO_CHARS
            and bool(LIST_INTRO.match(below[0].block.text.strip()))
            and all(u.role == "item" for u in below[1:3]))


def _postings_under(units: list[Unit], index: int) -> bool:
    """The next title or item under the one at ``index`` is a job posting's title: a role
    of two words or more before its employer ("Platform Engineer at Finchly"; not
    "Engineers at Meta protest layoffs", news)."""
    below = next((u for u in after(units, index) if u.role in ("title", "item")), None)
    return below is not None and role_title(
        re.split(r"\s+at\s+", below.headline, maxsplit=1)[0], min_words=2)


def _news_over_a_sentence(text: str, units: list[Unit], index: int) -> bool:
    """One of a run of at least three headlines each over one short sentence of news
    ("OpenSSH 10.2 fixes ProxyJump" over "A hostname could inject shell commands."):
    stories, where a name over a line ("Issue 41" over "March 2026", a tagline over the
    first long story) is a masthead, and an issue's closing pair ("About The Circuit" over
    "We write about chips every week.", "Contact the editors") is no news (the review).
    Such a digest was one story under its subject (stop 30)."""
    if not _over_a_sentence(text, units, index):
        return False
    run = 1
    for step in (-1, 1):
        at: int | None = index
        while run < NEWS_RUN and at is not None:
            at = _peer(units, at, step)
            if at is None or not _over_a_sentence(tidy(units[at].headline), units, at):
                break
            run += 1
    return run >= NEWS_RUN


def _peer(units: list[Unit], index: int, step: int) -> int | None:
    """The title of the same rank just before (``step`` -1) or after (1) the one at
    ``index``, with only body text between; None if another title or item comes first."""
    at = index + step
    while 0 <= at < len(units) and units[at].role in ("body", "rule"):
        at += step
    inside = 0 <= at < len(units)
    return at if inside and units[at].role == "title" and units[at].rank == units[index].rank \
        else None


def _over_a_sentence(text: str, units: list[Unit], index: int) -> bool:
    """A headline of a few words, no question (not a listing's "Berlin · April 16"), over
    one short sentence of news, not the newsletter speaking ("We…", "Write to us…"), and
    nothing more, before the next title."""
    if (len(text.split()) < LEAD_ITEM_MIN_WORDS or POSTING_PLACE.match(text)
            or text.endswith("?")):
        return False
    below = [u for u in itertools.takewhile(lambda u: u.role in ("body", "rule"),
                                            after(units, index)) if u.role == "body"]
    if len(below) != 1:
        return False
    sentence = below[0].block.text.strip()
    return (NEWS_SUMMARY_CHARS <= len(sentence) < roles.BODY_MIN_CHARS
            and len(sentence.split()) >= 4 and sentence[-1] in ".!?" and sentence[:1].isupper()
            and not SPEAKING.match(sentence))


def _over_a_paragraph(units: list[Unit], index: int) -> bool:
    """The first block under the title at ``index`` is a paragraph of news, not a poll's
    short options (nor its answers in one paragraph, each link a vote: beehiiv's)."""
    below = next((u for u in after(units, index) if u.role != "rule"), None)
    return (below is not None and below.role == "body"
            and len(below.block.text) >= roles.BODY_MIN_CHARS
            and not (below.block.links
                     and all(POLL_VOTE.search(link.url) for link in below.block.links)))


def _read_more_under(units: list[Unit], index: int) -> bool:
    """The text under the title ends in its "Read more →" link (segment.py's ``_clean``
    folds the button into the text above it): a card's headline over its teaser."""
    under = itertools.takewhile(lambda u: u.role == "body",
                                (u for u in after(units, index) if u.role != "rule"))
    return bool(read_more_url(u.block for u in under))


def news_item(unit: Unit) -> bool:
    """A one-line item that reads as news, with its summary ("Battery recycler Voltloop
    raises $80M — the company…"); not a poll's answer ("⚡⚡ Half charged", "No, I'll live
    with ads") or a share button."""
    return (unit.role == "item" and len(re.findall(r"[^\W\d_]+", unit.headline)) >= 4
            and len(unit.block.text) - len(unit.headline) >= NEWS_SUMMARY_CHARS)


def label_over_items(units: list[Unit], index: int) -> bool:
    """A short label in capitals over one-line items ("ELSEWHERE" after a poll's answers):
    a section of news, which ends the poll's zone (an attack on the eleventh sweep's
    rules)."""
    below = next((u for u in after(units, index) if u.role != "rule"), None)
    return (units[index].role == "body" and is_label(units[index].block)
            and below is not None and below.role == "item")


def recap_list_over(units: list[Unit], recap_at: int, index: int) -> bool:
    """The recap opened at ``recap_at`` was a list of two entries or more, and the item at
    ``index`` is no entry of it: a paragraph's headline run into its text after the bullets
    ("In today's email -" over four bullets, then "**License to kill** - The police…", a
    real issue with no rule between them; with one, ``_Cutter.rule`` ends the recap)."""
    unit = units[index]
    if unit.role != "item" or unit.block.kind == "list_item":
        return False
    entries = 0  # (counted, not listed: asked of each item in a recap, a copy was quadratic)
    for at in range(recap_at + 1, index):
        if units[at].role == "rule":
            continue
        if units[at].block.kind != "list_item":
            return False
        entries += 1
    return entries > 1

