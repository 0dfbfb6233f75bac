"""Segment stage, structural engine: an issue's Blocks cut into stories by their roles.

Works for newsletters nobody wrote rules for.  Each block gets a role (``roles.py``:
title by rank, link-led item, body, rule).  Then:

- a title followed straight by another title or by items is a section name
  (context for the stories under it), as is a title made only of section words;
- every other title, and every link-led item, starts a story;
- titles that open a recap (TL;DR, show notes), a sponsor block, an intro or the
  footer start a zone whose text belongs to no story;
- the newsletter's name over a short intro (a masthead, ``masthead.py``) is dropped;
- a letter ("Dear friends,") is one story headlined by its first sentence;
- a story is fiction when the newsletter says so: under a section named so ("Tech
  Tales", "Short fiction") or headlined with such a label ("Fiction: The last server").

Invariant: linear in the number of blocks; every story start records the signal that
made it, for ``newsalerts segment --explain``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.ads import SPONSORED_TAIL, is_ad, is_button, sponsor_paragraph
from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.cuts import Cut, Cutting, without_last
from service.ingest.dated_lines import calendar_entry
from service.ingest.greetings import SALUTATION
from service.ingest.headlines import (
    ASKS,
    INNER_HEADING,
    RELATED,
    TITLE_MAX_CHARS,
    block_lines,
    rank_name,
    tidy,
)
from service.ingest.link_items import own_icon_link
from service.ingest.masthead import is_masthead, names_the_newsletter, shares_the_newsletter
from service.ingest.roles import roles_of
from service.ingest.sections import (
    SUBSECTION_TITLE_WORDS,
    continued_story,
    counted_point,
    has_own_text,
    section_heading,
)
from service.ingest.title_kinds import label_over_items, news_item, recap_list_over, title_kind
from service.ingest.units import Unit, after, url_below
from service.ingest.zones import (
    EVENT_DAY,
    JOB_TITLE,
    POSTING_PLACE,
    TIME_OF_DAY,
    ZONES,
    event_day,
    opens_recap,
    opens_sponsor,
    posting,
    sponsored_lead,
)

LETTER_MIN_CHARS = 600  # a letter is more than a greeting
FIRST_SENTENCE = re.compile(r"^(.{20,}?[.!?])(?:\s|$)")


def cut(blocks: Sequence[Block], names: Sequence[str] = (),
        translated: Sequence[str] = ()) -> Cutting:
    """The stories of an issue, what started each or was dropped, and whether it is laid
    out with a recap or a sponsor's block.  ``names`` are the newsletter's (its sender's:
    ``masthead.newsletter_names``), ``translated`` its name in a bilingual issue's second
    language (``masthead.translated_names``)."""
    cutter = _Cutter(roles_of(blocks))
    for index, unit in enumerate(cutter.units):
        cutter.ruled = index > 0 and cutter.units[index - 1].role == "rule"
        if cutter.zone == "translation":
            continue  # the issue again in its second language: every story is told above
        if (translated and cutter.cuts and unit.role != "rule"
                and names_the_newsletter(unit.block.text, translated)):
            cutter.zone, cutter.current = "translation", None
            cutter.drop("translation", block_lines(unit.block)[0],
                        "the issue again in its second language")
        elif (names and not cutter.cuts and index in cutter.first
                and names_the_newsletter(unit.block.text, names)):
            # "Zero Day Digest — Week 46", as a title or its logo's link (the eleventh sweep)
            cutter.masthead = cutter.named = True
            cutter.drop("masthead", block_lines(unit.block)[0], "the newsletter's name")
        elif names and unit.role == "title" and shares_the_newsletter(unit.headline, names):
            cutter.zone, cutter.current = "feedback", None  # "SHARE FIRST POUR": a referral's
            cutter.drop("feedback", unit.headline, "the newsletter's share prompt")
        elif unit.role == "rule":
            cutter.rule(index)
        elif unit.role == "title":
            cutter.title(unit, index)
        elif not cutter.zone or (cutter.zone in ("feedback", "extras") and news_item(unit)) or (
                cutter.zone == "recap" and recap_list_over(cutter.units, cutter.recap_at, index)):
            cutter.zone = ""  # a poll's or a quote's zone ends at the next one-line item
            cutter.other(unit, index)
        elif cutter.zone in ("feedback", "extras") and label_over_items(cutter.units, index):
            cutter.zone, cutter.section = "", tidy(unit.block.text)  # "ELSEWHERE" after a poll
            cutter.drop("section", cutter.section, "a label over items after the zone")
        elif cutter.zone == "sponsor" and unit.role == "item":
            cutter.item_in_sponsor(unit, index)
        elif cutter.zone == "sponsor" and is_button(unit) and not cutter.ad_items:
            cutter.ad_items = 1  # the ad's button ("Try Acme free"): the next item is news
            cutter.drop("sponsor", tidy(unit.block.text), "the sponsor's button")
    return Cutting(cutter.cuts, cutter.log, cutter.laid_out, cutter.under_masthead,
                   cutter.named)


# A sponsor's name and its tag under its item: "Tidewater Sponsor", "Acme · Sponsored"
SPONSOR_TAG = re.compile(r"^[A-Z][\w&'’]*(?:[ .-][\w&'’]+){0,3}[ \t]*[(\[·|]?[ \t]*"
                         r"(?:Sponsor|Sponsored|SPONSOR|SPONSORED|Partner|PARTNER|Promoted)"
                         r"[)\]]?$")  # (a name's words and the tag share no character: linear)
SPONSOR_TAG_CHARS, BOLD_LINE_RANK = 60, 7  # (bold and title lines rank 7 and 8: below headings)


class _Cutter:
    """The walk over an issue's units: the story in hand, the section and the zone."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = units
        self.cuts: list[Cut] = []
        self.log: list[str] = []
        self.current: Cut | None = None
        self.section, self.section_rank, self.zone = "", 0, ""
        self.ad_items = 0  # link-led items since the sponsor zone in hand opened
        self.ad_headline: int | None = None  # the index of the last sponsored item dropped
        self.ruled = False  # the unit before the one in hand is a rule
        self.boxed = False  # the story in hand opened right under a rule
        self.zone_rank = 0  # the rank of the zone's title: a job's title ranks below it
        self.recap_at = self.last_rule = -1  # the index of the last recap line, and rule
        self.asked = False  # the poll in hand's question was dropped
        self.current_rank = 0  # the rank of the story in hand's title (an item's: 9)
        self.laid_out = False  # a recap or a sponsor's block was marked as such
        self.gap_noted = False  # the run of text outside any story in hand was noted
        self.masthead = False  # a masthead was dropped, and no story has started since
        self.under_masthead = False  # so the first story started
        self.named = False  # a masthead line named the newsletter (``cut``'s ``names``)
        # the first three blocks that are not rules (the masthead test reads only these)
        self.first = list(itertools.islice(
            (i for i, unit in enumerate(units) if unit.role != "rule"), 3))

    def rule(self, index: int) -> None:
        # A separator ends a one-line item; a story with paragraphs may span one (an item
        # alone between two rules is a headline in its box: "=====" / "2. TSMC…")
        if (self.current and self.current.signal.startswith("item")
                and (len(self.current.blocks) > 1 or not self.boxed)):
            self.current = None
        if self.zone == "recap" and sum(  # its list is over (The Robot Remix: four titles,
                u.role == "item" or u.block.kind == "list_item"  # a rule, the stories)
                for u in self.units[max(self.recap_at, self.last_rule) + 1:index]) > 1:
            self.zone = ""
        self.last_rule = index

    def title(self, unit: Unit, index: int) -> None:
        earlier = continued_story(tidy(unit.headline), self.cuts)
        if earlier is not None and not self.zone.startswith("footer"):
            # "…continued: Meridian's agent goes to work" after a sponsor's block: the story
            # before the block goes on (the thirteenth sweep)
            self.current, self.zone = earlier, ""
            self.current.blocks.append(unit.block)
            return
        if self._inner(unit, index) or (
                self.current is not None and bool(unit.block.links)
                and tidy(unit.headline).casefold() == self.current.headline.casefold()):
            # "Key takeaways", "Summary", "THE SCOOP" under a story's headline: its text; so
            # is its headline again, on a card that links the paper (the thirteenth sweep)
            self.other(Unit("body", unit.block), index)
            return
        kind = title_kind(unit, self.units, index)
        if kind not in ZONES and not self.cuts and is_masthead(unit, self.units, index,
                                                                self.first):
            kind, self.masthead = "masthead", True
            # the name over an issue-number line was taken for a section: it is the masthead
            self.section, self.section_rank = "", 0
        if (self.zone == "feedback" and kind in ("section", "story")
                and tidy(unit.headline).endswith("?")
                and (not self.asked or not self._over_text(index))):
            # the poll's question; after it, one over text heads news (attack11)
            self.asked = True
            self.drop(self.zone, unit.headline, "the poll's question")
            return
        if kind == "body" or (kind == "story" and self._asked_inside(unit)):
            self.other(Unit("body", unit.block), index)
            return
        if (kind == "story" and self.zone == "jobs" and unit.rank > self.zone_rank
                and JOB_TITLE.search(unit.headline)):
            self.drop("jobs", unit.headline, "a job posting")
            return
        if (kind == "story" and self.zone == "events" and unit.rank > self.zone_rank
                and EVENT_DAY.search(unit.headline) and TIME_OF_DAY.search(unit.headline)):
            # "City Council — Tuesday, Dec. 9, 6:30 p.m., Council Chambers" (an attack on the
            # twelfth sweep's rules): a listing, where a headline with no time ends the zone
            self.drop("events", unit.headline, "an event's listing")
            return
        if kind in ("section", "story") and unit.rank > self.zone_rank and (
                (self.zone == "events" and event_day(tidy(unit.headline)))
                or (self.zone == "jobs" and POSTING_PLACE.match(tidy(unit.headline)))):
            # "Tue 6/17" over that day's listings, "Pinegrove · Toronto / Remote" under a
            # role: the calendar or the job board goes on (the 16th and 17th sweeps)
            self.current = None
            self.drop(self.zone, unit.headline, "a listing's day or employer")
            return
        if (kind == "story" and self.zone == "sponsor"
                and is_ad(self.units, index, first=not self.cuts)):
            # "TOGETHER WITH ACME" over "Ship apps 10x faster": the ad's own headline
            self.drop("sponsor", unit.headline, "the sponsor's headline")
            return
        if kind == "story" and not unit.url and calendar_entry(
                tidy(unit.headline), self.section, self._first_line_below(index),
                in_events=self.zone == "events"):
            self.current = None  # "2 Apr" over "Colorado Senate floor vote expected"
            self.drop("events", unit.headline, "a calendar's entry")
            return
        if kind == "story" and self.zone != "footer":
            self.zone = ""
            if unit.rank < self.section_rank:
                self.section, self.section_rank = "", 0  # a story above the section ends it
            self.start(Cut(tidy(unit.headline), rank_name(unit.rank), [unit.block],
                           unit.url or url_below(self.units, index), self.section), unit.rank)
            return
        self.current = None
        if kind == "section":
            self.section, self.section_rank, self.zone = tidy(unit.headline), unit.rank, ""
        elif kind in ZONES:
            self.zone, self.ad_items, self.zone_rank = kind, 0, unit.rank
            self.recap_at = index
            if kind == "sponsor" and self.ad_headline == index - 1:
                # "Sponsored by Driftline" under the ad's own linked headline: the ad has had
                # its link, the next card's is news (a gadget site's daily, the sixteenth sweep)
                self.ad_items = 1
            self.asked = False
            self.laid_out = self.laid_out or kind in ("recap", "sponsor")
        self.drop(kind, unit.headline, rank_name(unit.rank))

    def _asked_inside(self, unit: Unit) -> bool:
        """A bold or plain title line (rank 7 or 8) that asks a question, under a heading
        that names an interview, a Q&A or an explainer: its own question ("Why laundry, of
        all things?"), not a story.  Under any other heading a bold question is a story's
        headline ("Is the AI bubble about to burst?", a reader's question with its answer:
        an attack on the first version, which took every bold question under a heading)."""
        current = self.current
        return (current is not None and unit.rank >= 7 and not self.zone
                and current.signal.startswith("heading") and bool(ASKS.search(current.headline))
                and tidy(unit.headline).endswith("?"))

    def item_in_sponsor(self, unit: Unit, index: int) -> None:
        """The first item under a sponsor's label is its call to action ("Start building for
        free"); another is the digest going on, and ends the ad."""
        self.ad_items += 1
        if self.ad_items == 1 or CALL_TO_ACTION.match(tidy(unit.headline)):
            # (after its pitch's bold lead, the ad's button: "Try Flowpad free for 14 days")
            self.drop("sponsor", unit.headline, "the sponsor's link")
        else:
            self.zone = ""
            self.other(unit, index)

    def other(self, unit: Unit, index: int) -> None:
        if opens_recap(unit.block) and not (  # (a story's own "Summary" over its text)
                self.current is not None and INNER_HEADING.match(tidy(block_lines(unit.block)[0]))
                and self._over_text(index)):
            self.zone, self.current, self.laid_out = "recap", None, True
            self.recap_at = index
            self.drop("recap", block_lines(unit.block)[0], "recap line")
        elif sponsored_lead(unit.block) or sponsor_paragraph(unit.block):
            # one paragraph of ad among items: it alone is dropped
            self.current, self.laid_out = None, True
            self.drop("sponsor", tidy(block_lines(unit.block)[0])[:60], "sponsored paragraph")
        elif opens_sponsor(unit.block):
            if (self.current is not None and len(self.current.blocks) == 1
                    and not self.current.signal.startswith("item")):
                # "How Acme built its search" over a "Sponsored" label: the ad, labelled
                self.cuts, self.log = without_last(
                    self.cuts, self.log, f"   dropped sponsor: {self.current.headline!r} "
                                         "(labelled as sponsored under it)")
            self.zone, self.current, self.ad_items = "sponsor", None, 0
            if unit.block.links and tidy(unit.block.links[0].text) == tidy(
                    block_lines(unit.block)[0]):
                self.ad_items = 1  # "Sponsored: Keep every cable…" is the ad's own link
            self.drop("sponsor", block_lines(unit.block)[0], "sponsor line")
        elif unit.role == "item" and (ZONES["sponsor"].search(unit.headline)
                                      or SPONSORED_TAIL.search(block_lines(unit.block)[0])):
            self.current, self.laid_out, self.ad_headline = None, True, index
            self.drop("sponsor", unit.headline, "sponsored item")
        elif unit.role == "item" and posting(unit.headline, self.section):
            self.drop("jobs", unit.headline, "a job posting under the section's name")
        elif self.current is not None and ((unit.role == "item" and counted_point(
                self.current, unit.block)) or own_icon_link(self.current, unit)):
            # "Five things…" over its numbered points; a story's own "📄 <a>Full report</a>"
            self.current.blocks.append(unit.block)
        elif unit.role == "item":
            self.start(Cut(tidy(unit.headline), unit.signal, [unit.block], unit.url,
                           self.section), unit.rank)
        elif (self.current is not None and self.current.signal.startswith("item")
              and len(self.current.blocks) == 1 and len(unit.block.text) <= SPONSOR_TAG_CHARS
              and SPONSOR_TAG.match(tidy(unit.block.text))):
            # "Tidewater Sponsor" under a linked item: the item is an ad (Cooperpress's
            # weeklies tag their sponsors' items so: the sixteenth sweep)
            self.cuts, self.log = without_last(
                self.cuts, self.log, f"   dropped sponsor: {self.current.headline!r} "
                                     "(tagged as a sponsor under it)")
            self.current, self.laid_out = None, True
        elif self.current is not None:
            self.current.blocks.append(unit.block)
        elif letter := _letter(unit, self.units, index):
            self.start(letter)
        elif unit.role == "body" and not self.gap_noted:
            # say what is left out, once for each run of text outside any story
            where = "before the first story" if not self.cuts else "outside any story"
            self.drop("text", block_lines(unit.block)[0][:80], where)
            self.gap_noted = True

    def _inner(self, unit: Unit, index: int) -> bool:
        """A heading of the story in hand over its own parts (attack7, sweep10): ranked
        below its headline, or a bold line among bold-line stories ("**The numbers**"),
        with text under it.  A "Results" heading of a section's rank after a story's, a
        "Summary" over links (the issue's recap) or a sponsor's label is none (the
        review)."""
        text = tidy(unit.headline)
        rank = self.current_rank
        if (self.current is None or len(text) > TITLE_MAX_CHARS
                or not (unit.rank > rank or BOLD_LINE_RANK <= unit.rank <= rank)
                or ZONES["sponsor"].search(text)):
            return False
        # ("Further reading" under it over the story's sources: its text too)
        return (bool(INNER_HEADING.match(text) or _related_label(text))
                or self._subsection(unit, index)) and self._over_text(index)

    def _subsection(self, unit: Unit, index: int) -> bool:
        """A short unlinked heading deeper than the story in hand's, under its own paragraph:
        its section (sections.py).  Not a zone's title, nor after a separator, nor over one
        paragraph that links out ("How Brindle cut CI time in half": a brief)."""
        current = self.current
        if (current is None or not current.signal.startswith("heading") or unit.url
                or not (self.current_rank < unit.rank < BOLD_LINE_RANK)
                or (index and self.units[index - 1].role == "rule")):
            return False
        under = list(itertools.islice(itertools.takewhile(
            lambda u: u.role == "body", after(self.units, index)), 2))  # (two tell "one")
        if len(under) == 1 and under[0].block.links:
            return False
        text = tidy(unit.headline)
        return (len(current.headline.split()) >= SUBSECTION_TITLE_WORDS
                and section_heading(text) and not any(p.search(text) for p in ZONES.values())
                and has_own_text(current.blocks))

    def _over_text(self, index: int) -> bool:
        """The unit at ``index`` has body text right under it (past any separator)."""
        return self._first_line_below(index) is not None

    def _first_line_below(self, index: int) -> str | None:
        """The first line of the body text right under the unit at ``index``, if any."""
        below = next((u for u in after(self.units, index) if u.role != "rule"), None)
        if below is None or below.role != "body":
            return None
        lines = block_lines(below.block) if below.block.text else []
        return tidy(lines[0]) if lines else ""

    def start(self, story: Cut, rank: int = 0) -> None:
        self.current, self.gap_noted, self.current_rank = story, False, rank
        self.boxed = self.ruled  # it opens right under a rule
        if not self.cuts:
            self.under_masthead = self.masthead
        self.cuts.append(story)
        context = f" [section: {story.section}]" if story.section else ""
        context += " [fiction]" if story.fiction else ""
        link = f" <{story.url}>" if story.url else ""
        self.log.append(f"{len(self.cuts) - 1}. {story.signal}: {story.headline!r}{context}{link}")

    def drop(self, kind: str, text: str, why: str) -> None:
        shown = text if len(text) <= 120 else f"{text[:120]}…"
        self.log.append(f"   dropped {kind}: {shown!r} ({why})")


def _related_label(text: str) -> bool:
    """ "Further reading", "See also" alone under a story (RELATED's words and nothing more);
    not "Sources: Apple in talks…", "Documents reveal cover-up", "Notes from Davos" (news:
    the review)."""
    label = RELATED.match(text)
    return label is not None and not re.search(r"\w", text[label.end():])


def _letter(unit: Unit, units: list[Unit], index: int) -> Cut | None:
    """A letter opening the issue ("Dear friends,"): one story under its first sentence."""
    lines = block_lines(unit.block)
    if not SALUTATION.match(lines[0]) or index + 1 >= len(units):
        return None
    following = units[index + 1]
    body = itertools.takewhile(lambda u: u.role == "body", after(units, index))
    if following.role != "body" or sum(len(u.block.text) for u in body) < LETTER_MIN_CHARS:
        return None  # "Hi there," over a line or two is a greeting, not a letter
    sentence = FIRST_SENTENCE.match(tidy(block_lines(following.block)[0]))
    headline = sentence.group(1) if sentence else tidy(block_lines(following.block)[0])[:160]
    return Cut(headline, "letter: salutation line", [unit.block])

