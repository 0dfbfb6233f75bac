"""Segment stage, structural engine: link lines that belong to the story above them.

A link on a line of its own reads as a one-line item ("[Headline](url)"), and the
engine cut one wherever it met such a line.  Three kinds are the story's instead (the
fifth and sixth sweeps):

- the story's own link, right under its text: "Read the draft rules", "See the
  standard", "Grant guidance" on a government bulletin, "Try recurring invoices" or
  "See regional pricing" on a product update.  A few words, nothing after the link, and
  the next story or a rule after it (or a link to the story's own address: "Join The
  Discussion"): a linked title with its summary under it is an item, as is a run of them;
- the author's name linked to their profile ("Marisol Okafor" to
  ``…/@marisol``), over the date or right under a headline: a byline, not a story (a
  person's name heading the text about them stays a story);
- a repository's or site's address shown as the link's text
  ("github.com/tiller-dev/tiller").
"""

from __future__ import annotations

import re

from service.ingest.addresses import split_address
from service.ingest.bylines import AUTHOR_NAME
from service.ingest.headlines import DECORATION, block_lines, is_byline, tidy
from service.ingest.units import Unit

__all__ = ["PROFILE_PATH", "own_links_as_text"]

VOTE_ANSWER_CHARS = 80  # a poll's answer is a short line
VOTE_NOTE_CHARS = 120  # under the last: "Vote in the app. Results show after voting."
OWN_LINK_MAX_WORDS = 4  # "Read the draft rules"; a headline is longer
HEADLINE_MIN_WORDS = 4  # a story's headline; a section's name is shorter
OWN_TEXT_CHARS = 60  # under an author's name, a line or two; under a story's, its text
DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")  # "github.com/tiller-dev/tiller"
PROFILE_PATH = re.compile(r"^/@[\w.-]+/?$|^/(?:authors?|profiles?|people|team|u|user)(?:/|$)",
                          re.IGNORECASE)
# A link that reads as one: a verb of reading over what is read ("Read the draft rules",
# "See the standard"), a verb that takes its object bare ("Try recurring invoices",
# "Download the app"), or a document's name ("Volunteer sign-up form", "Grant guidance").
# Not "Check Point acquires Veriti", "Book sales surge", "EU finalises AI rules", "Mayor
# resigns" (short headlines: the review).
LINK_VERB = re.compile(
    r"^(?:(?:read|see|view|get|learn|explore|open|visit|check|find|browse|join|book|sign|"
    r"shop|order|buy)\s+(?:the|a|an|our|this|these|it|more|all|full|free|up|out|now|here|"
    r"details|your)\b|(?:try|download|watch|listen|register|apply|donate|rsvp)\b"
    # a button's verb over a word in lower case ("See regional pricing", "Set up alerts",
    # "Request a demo": the eleventh sweep); not "Discover Weekly Turns Ten", "Visit
    # Britain Cuts Budget" (Title Case headlines: its review)
    r"|(?:see|set up|get|join|explore|discover|compare|schedule|request|claim|grab|visit|"
    r"check out|create|learn|reserve|talk to|go to|upgrade|enable|turn on|install|sign in|"
    r"log in)\s+(?-i:[a-z]))",
    re.IGNORECASE)
DOCUMENT = re.compile(r"^(?:[\w-]+\s+)?(?:[\w-]+\s+)?(?:form|pdf|report|guide|guidance|details|"
                      r"standard|agenda|slides|transcript|recording|application|documents?|"
                      # a release's papers: "License text", "Release notes", "Model card",
                      # "Our licensing tracker" (the twenty-third sweep's open-weights letter)
                      r"text|notes|card|tracker|leaderboard|paper|preprint|repo|repository|"
                      r"dataset|weights|changelog|docs|documentation|demo|thread|page)"
                      r"(?:\s*\(pdf\))?\W*$", re.IGNORECASE)
# A product update's buttons: "Connect your utility", "Check eligibility", "Shop filters" (the
# sixteenth sweep): the verb over "your" or what a shop or an account offers; not "Check
# fraud rises", "Shop closures hit the high street" (the review).
PRODUCT_BUTTON = re.compile(
    r"^(?:connect|check|shop|start|browse|update)\s+(?:your|my|our|the|eligibility|availability"
    r"|filters?|plans?|pricing|prices|status|settings|deals?|offers?|sizes|stock|now|if|here"
    r"|today|free|hiring|scanning|saving|building|shopping)\b",
    re.IGNORECASE)
# A link that casts a vote: Substack's and beehiiv's poll answers ("?poll=21777a&option=1",
# "?poll_id=…&answer=2": the twenty-third sweep's gaming letter)
VOTE_LINK = re.compile(
    r"[?&](?:poll|poll_id|survey_id|vote)=[^&#]{0,200}&(?:option|answer|choice)="
    r"|[?&](?:option|answer|choice)=[^&#]{0,200}&(?:poll|poll_id|survey_id)=", re.IGNORECASE)
VERB_S = re.compile(r"^\S+\s+[a-z]+s\s+\S")  # "Fed releases report": a headline's verb


def own_links_as_text(units: list[Unit]) -> list[Unit]:
    """``units`` with the story's own link lines and author links made body text."""
    return [Unit("body", unit.block) if _owned(units, index) else unit
            for index, unit in enumerate(units)]


def _owned(units: list[Unit], index: int) -> bool:
    unit = units[index]
    if not unit.block.links:
        return False
    link = unit.block.links[0]
    before = units[index - 1] if index else None
    after = units[index + 1] if index + 1 < len(units) else None
    if unit.role in ("title", "item") and VOTE_LINK.search(unit.url) and (
            len(unit.block.text) <= VOTE_ANSWER_CHARS
            and (after is None or after.role != "body"
                 or len(after.block.text) < VOTE_NOTE_CHARS)):
        # a poll's answer in the post: "A console handheld" to "…?poll=…&option=2", short
        # and with no text of its own (a poll's news over its text is a story: the review)
        return True
    if unit.role == "title" and unit.rank >= 7:  # a bold name linked to the author's page
        return _profile(link.url, tidy(unit.headline)) and _over_a_date(unit, after)
    if unit.role != "item" or not unit.signal.endswith("link-led line"):
        return False
    text = tidy(unit.block.text).strip(DECORATION + "→»>▶ ")
    if text != tidy(link.text).strip(DECORATION + "→»>▶ "):
        return False  # "[Headline](url) - summary": an item
    if _profile(link.url, text):
        return _over_a_date(unit, after) or _under_a_headline(before)
    if DOMAIN.match(text):
        return True  # "github.com/tiller-dev/tiller": the story's address, shown
    return (_reads_as_a_link(text) and before is not None and before.role == "body"
            and (after is None or after.role in ("title", "rule")
                 or (after.role == "body" and len(after.block.text) < OWN_TEXT_CHARS)
                 or link.url == _story_link(units, index)))  # (a sign-off line after it)


def _story_link(units: list[Unit], index: int) -> str:
    """The link of the title or item that heads the text above ``index``: a button to it
    ("Join The Discussion" under a forum topic, the twelfth sweep) is the story's own."""
    head = next((u for u in reversed(units[:index]) if u.role != "body"), None)
    return head.url if head is not None and head.role in ("title", "item") else ""


def _over_a_date(unit: Unit, after: Unit | None) -> bool:
    """The author's line: their name over the date, or over no text of its own ("Kofi
    Mensah" / "Mar 4"); a story about a person has its text under their name."""
    lines = block_lines(unit.block)
    below = lines[1] if len(lines) > 1 else (block_lines(after.block)[0] if after else "")
    return (is_byline(below) or after is None or after.role != "body"
            or len(after.block.text) < OWN_TEXT_CHARS)


def _under_a_headline(before: Unit | None) -> bool:
    """Right under a story's headline ("Notes on a Borrowed Kitchen"), not a section's name
    ("Moves", over people's names that head their own stories)."""
    return (before is not None and before.role == "title"
            and len(before.headline.split()) >= HEADLINE_MIN_WORDS)


def _profile(url: str, text: str) -> bool:
    """An author's name linked to their page ("Kofi Mensah" to ``…/profile``, ``…/@kofi``)."""
    return bool(PROFILE_PATH.search(split_address(url).path) and AUTHOR_NAME.match(text))


def _reads_as_a_link(text: str) -> bool:
    """"Read the draft rules", "Try recurring invoices", "Volunteer sign-up form", "Grant
    guidance": ``LINK_VERB`` or ``DOCUMENT``; not a short headline
    ("OpenGrid Sues Regulator", "Mayor Resigns": the fifth attack)."""
    words = text.split()
    if len(words) > OWN_LINK_MAX_WORDS:
        return False
    return bool(LINK_VERB.match(text) or ((DOCUMENT.match(text) or PRODUCT_BUTTON.match(text))
                                          and not VERB_S.search(text)))
