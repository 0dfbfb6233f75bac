"""Segment stage, structural engine: a kicker or an author's name under a headline is the
story's text.

A weak title line right under a headline, over text: a photo credit, the department
behind an announcement, the first line of a wrapped paragraph (the fourth sweep).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from service.domain import Block
from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import AUTHOR_NAME, POST_AUTHORS
from service.ingest.captions import OUTLET
from service.ingest.headlines import (
    ICON_LEAD,
    LABEL,
    RANK_LINE,
    SECTION_WORDS,
    block_lines,
    capitalised_share,
    is_byline,
    marks_headline_above,
    tidy,
)
from service.ingest.named import section_like
from service.ingest.story_numbers import parts_between_numbers
from service.ingest.subheads import PART_NUMBER, listed_titles, repeated_subheads
from service.ingest.units import BOLD_RANK, LINE_RANK, Unit
from service.ingest.zones import AD_LABEL, ZONES

__all__ = ["authors_of", "kickers_as_text", "without_kicker_line"]

HEADLINE_WORDS = 4  # a headline, not a section's name ("Business"), over its author's name
NAME_WORDS = 4  # "Ana Lucía Reyes Ortiz": a person's name is short

KICKER_WORDS = 4  # "Illustration: Brisk Visuals", "Department for Transport"
KICKER_HEADLINE_WORDS = 4  # a heading this long over a kicker is the story's headline
TITLE_CASE_HEADLINE = 0.7  # of the headline's longer words capitalised: Title Case
DEK_TITLE_CASE = 0.2  # ... and of the line under it, at most: sentence case
# A work and its maker, the line a review sets under its headline: "The Salt Orchard, by
# Inés Valbuena", "Three Sisters, directed by Hana Sato" (not any title over a byline: the
# review, "Our pick of the week" over "The Quiet Bankruptcy…" over "By Ada Marsh").
CREDITS = re.compile(r",? (?:by|directed by|written by|edited by|translated by) [A-Z]")
DEK_MIN_WORDS = 6  # a dek is a sentence; a shorter line is a kicker's business


def kickers_as_text(units: list[Unit]) -> list[Unit]:
    """A weak title line right under a headline, over text, is that story's text: a photo
    credit ("Illustration: Brisk Visuals"), the department behind an announcement
    ("Department of Housing"), or the first line of a wrapped paragraph.  Taken for a
    title, it made the headline above it a section and itself the story (the fourth
    sweep).  Only a line of a few words, or one that runs on into the text below, or a
    dek (``_dek``), or a line all in italics (also under a bold headline), or a line over
    the story's byline (a review's "The Salt Orchard, by Inés Valbuena (Harbor Press)" over
    "Reviewed by Colm Dwyer": the twelfth sweep); only under a heading that reads as a
    headline, not a section's name."""
    out = list(units)
    for index in range(1, len(out) - 1):
        unit, above, below = out[index], out[index - 1], out[index + 1]
        italic = bool(unit.block.subhead) and unit.block.subhead == unit.block.text
        if (unit.role == "title" and unit.rank == 8 and above.role == "title"
                and (above.rank <= 6 or (italic and above.rank == 7)) and below.role == "body"
                and _reads_as_headline(above.headline)
                and (_kicker(unit.headline, below) or _dek(above.headline, unit.headline)
                     or italic or (CREDITS.search(unit.headline)
                                   and is_byline(block_lines(below.block)[0])))
                and not _peer_follows(out, index)):
            out[index] = Unit("body", unit.block)
    return out


def _peer_follows(units: list[Unit], index: int) -> bool:
    """Another weak title line comes after the text under the one at ``index``, before any
    heading: they are titles of a section's items ("What we're reading this week" over
    "The Quiet Bankruptcy", "Salt and Time"…; an attack on the first version)."""
    after = index + 1
    while after < len(units) and units[after].role == "body":
        after += 1
    return (after < len(units) and units[after].role == "title" and units[after].rank == 8
            and not _label(units[after].headline))


def _label(headline: str) -> bool:
    """A line that names what follows, not a peer of the kicker: a sponsor's label, a zone's
    ("TOGETHER WITH LEDGERLY") or a section's, in capitals after its icon ("🗞️ TOUR DE
    HEADLINES": a photo credit over a daily's first story was read as a peer of them, the
    sixteenth blind set)."""
    line = tidy(headline)
    letters = [c for c in line if c.isalpha()]
    return (bool(AD_LABEL.match(re.sub(r"^\W+", "", line)))
            or any(pattern.search(line) for pattern in ZONES.values())
            or (bool(ICON_LEAD.match(line)) and len(letters) >= 3
                and all(c.isupper() for c in letters)))  # ("THE QUIET BANKRUPTCY" is a peer)


def _reads_as_headline(text: str) -> bool:
    words = re.findall(r"[\w&+/']+", tidy(text).lower())
    return len(words) >= KICKER_HEADLINE_WORDS and not all(w in SECTION_WORDS for w in words)


def _kicker(line: str, below: Unit) -> bool:
    """A few words, or a line that stops mid-sentence and goes on below ("…replacing the" /
    "old wooden hide")."""
    words = tidy(line).split()
    runs_on = bool(words) and words[-1].islower() and below.block.text[:1].islower()
    return len(words) <= KICKER_WORDS or runs_on


def _dek(headline: str, line: str) -> bool:
    """A sentence-case line under a headline in Title Case: its dek, the standfirst that
    says more ("This Gripper Can Tell When a Glass Is About to Slip" over "Optical sensors
    in the fingertips detect shear before an object moves": sweep8)."""
    return capitalised_share(tidy(headline), skip_first=True) >= TITLE_CASE_HEADLINE \
        and capitalised_share(tidy(line), skip_first=True) < DEK_TITLE_CASE \
        and len(tidy(line).split()) >= DEK_MIN_WORDS


def authors_of(units: list[Unit]) -> set[str]:
    """Names alone on a line right under a headline, each under two headlines at least: the
    stories' authors ("Hallie Brandt", "Oren Matsuda" under an Axios-style issue's items, the
    sixteenth sweep), not titles ("The Quiet Bankruptcy" under a reading list's name)."""
    seen: Counter[str] = Counter()
    for index in range(1, len(units)):
        unit, above = units[index], units[index - 1]
        line = tidy(unit.block.text) if unit.role == "body" else ""
        if (line and "\n" not in unit.block.text.strip() and above.role == "title"
                and len(above.headline.split()) >= HEADLINE_WORDS
                and len(line.split()) <= NAME_WORDS and POST_AUTHORS.match(line)):
            seen[line] += 1
    return {name for name, count in seen.items() if count > 1}


NAME_LINE_CHARS = 80  # a line that may be a person's name
NAMES_UNDER_ITEMS = 2  # a person's name under this many items is their author's (Cooperpress)


def name_under_item(units: list[Unit], index: int) -> bool:
    """A person's name alone between two items: "Lena Marchetti" (Cooperpress); or an
    outlet's name between a linked item and its snippet, which a button ends: "The Charge
    Report" over "…" and "Flag as irrelevant" (an alert service's results: the sixteenth
    blind set; without the button a short headline such as "Tesla Recalls Cybertruck"
    under a story's source link is news: the review)."""
    unit = units[index]
    if not (0 < index < len(units) - 1 and unit.role == "body"
            and units[index - 1].role == "item" and len(unit.block.text) <= NAME_LINE_CHARS):
        return False  # (a long paragraph is no name: not tidied, its size may be megabytes)
    text = tidy(unit.block.text)
    if "\n" in text or section_like(text) or text.lower() in SECTION_WORDS:
        return False
    if units[index + 1].role in ("item", "title", "rule"):
        return bool(AUTHOR_NAME.match(text))
    return (units[index + 1].role == "body" and not unit.block.links
            and bool(OUTLET.fullmatch(text)) and index + 2 < len(units)
            and units[index + 2].role == "body" and bool(units[index + 2].block.links)
            and bool(CALL_TO_ACTION.match(tidy(units[index + 2].block.text))))


def names_under_items(units: list[Unit]) -> int:
    return sum(name_under_item(units, index) for index in range(len(units)))


def inner_titles_as_text(units: list[Unit]) -> list[Unit]:
    """In an issue whose stories are marked by separators, a bold line inside a story is a
    sub-heading, not a title: its text.  So is a line all in italics inside a story, where
    the issue's headlines are bold lines (``_italic_subheads``)."""
    units = _demote_inner_titles(units) if _separated(units) else units
    return parts_between_numbers(
        _questions(_numbered_parts(_italic_subheads(repeated_subheads(units)))))


HEADED_STORIES = 3  # headings each with text of its own: the stories are headings
QUESTIONS = 2  # an interview's, in one story


def _questions(units: list[Unit]) -> list[Unit]:
    """"**Why abandon seat pricing?**" between an interview's paragraphs, under its heading:
    the interview's questions, where the issue's stories are headings with text of their
    own (a business weekly on Ghost, the forty-second sweep).  Under a heading with no text
    before it, a bold question is a story's headline ("Research" over "Is scale enough?")."""
    headed = {at for at, u in enumerate(units) if u.role == "title" and u.rank < BOLD_RANK
              and at + 1 < len(units) and units[at + 1].role == "body"}
    if len(headed) < HEADED_STORIES:
        return units
    asked: dict[int, list[int]] = {}  # a heading's story: its questions, after its text
    story = -1
    for at, unit in enumerate(units):
        question = (unit.role == "title" and unit.rank == BOLD_RANK
                    and tidy(unit.headline).endswith("?"))
        if unit.role == "title" and not question:
            story = at if at in headed else -1
        elif question and story >= 0 and units[at - 1].role == "body":
            asked.setdefault(story, []).append(at)
    # (two questions at least: one bold question between headings is a story of its own, a
    # poll's question opens the poll: the third and sixth attacks)
    demoted = {at for found in asked.values() if len(found) >= QUESTIONS for at in found}
    return [Unit("body", u.block) if at in demoted else u for at, u in enumerate(units)]


# "1. How we got here", "2. What the debt looks like" under an essay's title: its parts,
# where a numbered news list's items are headlines of their own (the thirty-seventh and
# thirty-ninth sweeps: a plain-text letter's lead essay cut at each part)
PART_WORDS = 8  # a part's heading, with its number: "3. What a better trigger looks like"
# A list's title, not an essay's: a count ("Five robots worth knowing") or a digest's word
# ("Top stories this morning", "Other headlines this week": the review)
LIST_TITLE = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
                        r"|twelve|things|stories|headlines|news|briefing|reading|links|picks"
                        r"|top|today|week|weekly|morning|roundup|digest|highlights)\b",
                        re.IGNORECASE)
CAPTION_CHARS = 400  # between the essay's title and its first part: an image's caption
PARTS = 2


def _numbered_parts(units: list[Unit]) -> list[Unit]:
    """Numbered title lines from 1 on, short, right under a headline (at most a caption
    between): the parts of its story, its text."""
    kept = list(units)
    for at, unit in enumerate(units):
        if not _essay_title(unit):
            continue
        first = next((i for i in range(at + 1, len(units)) if units[i].role != "body"), None)
        if first is None or sum(len(units[i].block.text) for i in range(at + 1, first)) > (
                CAPTION_CHARS):
            continue
        parts: list[int] = []
        at_part = first
        while (at_part < len(units) and units[at_part].role == "title"
               and (number := PART_NUMBER.match(units[at_part].headline))
               and int(number.group(1)) == len(parts) + 1 and _part_heading(units[at_part])):
            parts.append(at_part)
            at_part = next((i for i in range(at_part + 1, len(units))
                            if units[i].role != "body"), len(units))
        if len(parts) >= PARTS:
            for part in parts:
                kept[part] = Unit("body", units[part].block)
    return kept


def _essay_title(unit: Unit) -> bool:
    headline = tidy(unit.headline)
    return (unit.role == "title" and len(headline.split()) >= HEADLINE_WORDS
            and not PART_NUMBER.match(headline) and headline != headline.upper()
            and not section_like(headline) and not LIST_TITLE.search(headline))


def _part_heading(unit: Unit) -> bool:
    """"2. What the debt looks like": short, no figure, no name after its first word (news
    names its company or its place: "2. Harbor Bank buys Coastline Credit"); a line, not a
    heading (an essay's <h2> sections are essay.py's, under the post's own title)."""
    words = PART_NUMBER.sub("", tidy(unit.headline)).split()
    return (unit.rank >= BOLD_RANK and len(words) < PART_WORDS
            and not any(c.isdigit() for c in "".join(words))
            and all(word == "I" or not word[:1].isupper() for word in words[1:]))


BOLD_HEADLINES = 2  # bold title lines of HEADLINE_WORDS or more, in an issue at least


def _italic_subheads(units: list[Unit]) -> list[Unit]:
    """"*What the bill requires*" between a story's paragraphs, under a bold headline with
    text of its own: a lead story's sub-heading, where the issue titles its stories with bold
    lines (a policy letter sent with Kit, the thirty-eighth sweep).  Under a bold section
    name with no text of its own, or a heading ("In brief"), italic lines are the stories'
    titles (the review)."""
    if sum(1 for u in units if _bold_headline(u)) < BOLD_HEADLINES:
        return units
    kept: list[Unit] = []
    in_story = False  # inside a bold headline's story, past its first text
    for at, unit in enumerate(units):
        italic = unit.role == "title" and unit.rank == LINE_RANK and _italic(unit)
        if unit.role == "title" and not italic:
            in_story = (_bold_headline(unit) and at + 1 < len(units)
                        and units[at + 1].role == "body")
        demote = italic and in_story and units[at - 1].role == "body"
        kept.append(Unit("body", unit.block) if demote else unit)
    return kept


def _bold_headline(unit: Unit) -> bool:
    return (unit.role == "title" and unit.rank == BOLD_RANK and not _italic(unit)
            and len(unit.headline.split()) >= HEADLINE_WORDS)


def _italic(unit: Unit) -> bool:
    return bool(unit.block.subhead) and tidy(unit.block.subhead) == tidy(unit.block.text)


def _separated(units: list[Unit]) -> bool:
    """Stories marked by separators: most weak titles come straight after a rule."""
    weak = [i for i, u in enumerate(units) if u.role == "title" and u.rank >= 7]
    after = [i for i in weak if i > 0 and units[i - 1].role == "rule"]
    return len(after) >= 3 and len(after) >= 0.5 * len(weak)


def _demote_inner_titles(units: list[Unit]) -> list[Unit]:
    """In a separated issue a bold line inside a story is a sub-heading: body text."""
    kept: list[Unit] = []
    opening = _opening_story(units)
    listed = listed_titles(units)
    after_ad = False  # a sponsor's block since the last rule: the next title is a story's
    for index, unit in enumerate(units):
        after_rule = index == opening or (index > 0 and units[index - 1].role == "rule")
        below = block_lines(units[index + 1].block)[0] if index + 1 < len(units) else ""
        marked = after_rule or marks_headline_above(below) or (after_ad and unit.role == "title")
        marked = marked or bool(kept and kept[-1].role == "title")  # a section, then its story
        marked = marked or index in listed
        if unit.role == "rule" or (unit.role == "title" and after_ad):
            after_ad = False
        elif unit.role == "title" and ZONES["sponsor"].search(tidy(unit.headline)):
            # ("A message from Quillstack", its pitch and button, then a bold headline with no
            # rule of its own: the twenty-fifth sweep's digest lost that story)
            after_ad = True
        if (unit.role == "title" and unit.rank >= 7 and not marked) or (
            unit.signal == "item: bold lead" and not after_rule
        ):
            kept.append(Unit("body", unit.block))
        else:
            kept.append(unit)
    return kept


def _opening_story(units: list[Unit]) -> int:
    """The index of the first story's title when separators only stand between stories:
    a weak title whose text runs straight into the first rule (no rule comes before the
    first story then); -1 if there is none."""
    first_rule = next((i for i, u in enumerate(units) if u.role == "rule"), -1)
    index = first_rule - 1
    while index >= 0 and units[index].role == "body":
        index -= 1
    if index < 0 or index == first_rule - 1:
        return -1
    unit = units[index]
    return index if unit.role == "title" and unit.rank >= 7 else -1


SOURCE_LABEL_WORDS = 4  # "Kaiser Health News:", "The Washington Post:"


def without_kicker_line(block: Block, lines: list[str]) -> tuple[Block, list[str]]:
    """``block`` without the line over its title that only places or sources it, in the
    same paragraph: a ranked card's "#1" over "Tallyho — Shared expense tracking…" (a
    launches digest, the thirty-first sweep); a news roundup's bold "Kaiser Health News:"
    over its linked headline, "<b>Source:</b><br><a><b>Headline</b></a>" (a real health
    brief, cut as one story)."""
    if len(lines) < 2:
        return block, lines
    first = tidy(lines[0])
    source = (len(lines) == 2 and bool(LABEL.search(lines[0])) and tidy(block.lead) == first
              and 2 <= len(first.split()) <= SOURCE_LABEL_WORDS
              and all(w[0].isupper() for w in first.rstrip(":").split() if len(w) > 3)
              and any(tidy(link.text) == tidy(lines[1]) for link in block.links))
    if not (RANK_LINE.match(first) or source):
        return block, lines
    lines = lines[1:]
    return dataclasses.replace(block, text="\n".join(lines), lead=""), lines

