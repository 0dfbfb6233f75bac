"""Segment stage, structural engine: the role of each block of an issue.

A block is a title (a heading by its level, rank 1-6; a whole bold line, rank 7;
a short title-like line, rank 8), a link-led one-line item (``[Headline](url) -
summary``), body text or a rule.  Plain text has no markup, so a title is also
found on the first line of a paragraph, and a paragraph of link lines is split
into one item a line.  In an issue whose stories are marked by separators, a
bold line inside a story is a sub-heading, not a title.

Invariant: every test here looks at a line or two, never at a whole block's
text, so the roles take time linear in the size of the issue.  The tests of one
line alone (title-like, bold, labelled, the title's own link, ``tidy``) are
headlines.py's; this module weighs lines against the blocks around them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.buttons import CALL_TO_ACTION, CITATION, LABELLED_PAIRS, WEB_LINK
from service.ingest.bylines import (
    CREDIT,
    DATELINE,
    PAPER_SURNAMES,
    PLACE_DATELINE,
    SEVERITY,
    card_details,
    chapter_list,
    job_card,
    paired_fields,
)
from service.ingest.captions import NEWS_CREDIT, OUTLET
from service.ingest.changelogs import badges_as_text, change_list
from service.ingest.fields import listing_fields, status_led
from service.ingest.headlines import (
    BARE_URL_LINE,
    ENUMERATOR,
    EPISODE_LINE,
    LABEL,
    SECTION_WORDS,
    SENTENCE_CLOSE,
    SENTENCE_THEN_SOURCE,
    STEP,
    TITLE_MAX_CHARS,
    VERDICT,
    block_lines,
    capitalised_share,
    cjk_words,
    is_bold_line,
    is_byline,
    labelled,
    lead_link,
    letter_words,
    lower_start,
    many_titled_items,
    marks_headline_above,
    names_a_list,
    names_author,
    text_size,
    tidy,
    title_like,
)
from service.ingest.joined import as_lines
from service.ingest.kickers import (
    NAMES_UNDER_ITEMS,
    authors_of,
    inner_titles_as_text,
    kickers_as_text,
    name_under_item,
    names_under_items,
    without_kicker_line,
)
from service.ingest.lead_runs import lead_runs
from service.ingest.link_items import (
    icon_link,
    link_item,
    named_link_lines,
    news_label,
    opens_items,
    split_lines,
)
from service.ingest.link_word_items import link_word_items
from service.ingest.links import own_links_as_text
from service.ingest.named import named_runs
from service.ingest.numbered import numbered_items
from service.ingest.plain_items import (
    LEAD_ITEM_MIN_WORDS,
    NOTES,
    address_under,
    authors_under_number,
    boxed,
    byline_under,
    dash_item,
    item_over_address,
    title_meta,
    url_item,
)
from service.ingest.run_in import is_label, runs_in
from service.ingest.subheads import release_parts
from service.ingest.units import Unit, titled_item
from service.ingest.wraps import headline_line, heads_a_story, line_tails, title_above, wrapped
from service.ingest.zones import AD_LABEL

# bench/segment.py tunes BODY_MIN_CHARS, TITLE_CASE_SHARE and SHORT_TITLE_WORDS by setting
# them on this module: they live here, with the tests that read them.
BODY_MIN_CHARS = 60  # a title needs some text under it
ITEM_BODY_MIN_CHARS = 30  # among items, a sentence under a bold lead will do
TITLE_CASE_SHARE = 0.3  # of words over 3 letters capitalised: "Title Case" reads as a title
SHORT_TITLE_WORDS = 8  # a line this short with text under it is a title even in sentence case
# A sentence-case line up to this long is a title too when it does not end like a sentence
# ("Google's new robot folds laundry from a single demonstration"): a headline seldom does.
UNPUNCTUATED_TITLE_WORDS = 14
# "Research team · 14 min read" under a card's title: its kicker and reading time
READ_TIME_TAIL = re.compile(r"[·•|][ \t]*\d{1,3}[ \t]*min(?:ute)?s?[ \t]+read[ \t]*$",
                            re.IGNORECASE)


def roles_of(blocks: Sequence[Block]) -> list[Unit]:
    units: list[Unit] = []
    related = False  # inside a list introduced by a line ending in ":"
    list_head: Unit | None = None  # what the list in hand opens under (kept, not searched)
    parts = [part for whole in blocks for part in as_lines(whole)]
    items_listed = False  # an item since the last heading: the next may be one too
    notes = False  # under a "Notes" line: a post's notes, not a list of items
    top_ten = many_titled_items(blocks)  # list items of a bold headline over paragraphs
    run_leads = lead_runs(parts)  # "**Europe takes aim:** EU regulators…", three or more
    numbered = numbered_items(parts) | link_word_items(parts)  # "1) 📸 <a>…</a>", "…. Link"
    for at, block in enumerate(parts):
        if units and units[-1].block.kind != "list_item":
            list_head = units[-1]
        if block.kind == "rule":
            units.append(Unit("rule", block))
            continue
        block, lines = without_kicker_line(block, block_lines(block))  # "#1", "KFF News:"
        if len(lines) > 1 and not related and link_item(block, lines[0]):
            # Link items one a line, no blank line between (plain text): one block each.
            units += [link_item(line, block_lines(line)[0]) or Unit("body", line)
                      for line in split_lines(block, lines)]
            continue
        if (len(lines) > 1 and not related and opens_items(list_head)
                and (named := named_link_lines(block, lines))):
            units += named  # "gokv 3.0 – …" / "Lattice 1.4 – …": short names, one a line
            continue
        if authors_under_number(units[-1] if units else None, block, lines):
            units.append(Unit("body", block))  # a paper's authors, linked by its "[1]"
            continue
        loose = block.kind == "list_item" and opens_items(list_head)
        # (a linked headline run into its summary, only among items or under a label: in a
        # story's text a paragraph may open with a linked book or agency: the review)
        run_in = (not units or units[-1].role != "body" or is_label(units[-1].block) or items_listed
                  or (at + 1 < len(parts) and runs_in(parts[at + 1])))
        if block.kind == "heading" or (len(lines) == 1 and not block.links):
            # "Notes" or "References" alone on a line: an essay's notes follow, not items
            # ("[1] Halden Labs, …" over its address: the fourteenth attack)
            notes = bool(NOTES.match(lines[0]))
        item = numbered.get(at) or (None if related else (
                                        link_item(block, lines[0], loose, run_in)
                                     or (top_ten and titled_item(block))
                                     or (Unit("item", block, 9, run_leads[at],
                                              lead_link(block, block.lead),
                                              "item: bold lead in a run")
                                         if at in run_leads else None)
                                     or _lead_item(block, lines[0], items_listed)
                                     or dash_item(block, lines[0], ITEM_BODY_MIN_CHARS
                                                  if units and units[-1].role == "item"
                                                  else BODY_MIN_CHARS)
                                     or (None if notes else url_item(
                                         block, lines[0], items_listed or not units
                                         or units[-1].role != "body"))))
        if item is not None:
            units.append(item)
            items_listed = True
        elif block.kind == "heading":
            items_listed = False
            units.append(Unit("title", block, max(1, block.level or 2), lines[0],
                              lead_link(block, lines[0])))
        elif related and block.kind == "list_item":
            units.append(Unit("body", block))  # "More on this:" links belong to the story
            continue
        elif block.kind != "list_item" and len(lines) > 1 and not boxed(
            units, len(units)) and not change_list(lines) and _split_title(
            block, lines, 0, line_tails(lines), after_rule := not units or units[-1].role == "rule",
            chapters := chapter_list(lines), titled := title_above(units)):
            # Titles on the first lines of a paragraph (plain text): blocks of their own (not
            # under a headline boxed between two rules: that paragraph is its text).
            # Walked by index with the tails' sizes known up front, so a huge paragraph
            # of title-like lines costs linear time, not a copy of the rest per line.
            tails, first, plain = line_tails(lines), 0, Block(kind="paragraph", text="",
                                                          links=block.links)
            while len(lines) - first > 1 and not (first and title_meta(lines[first])) and (
                    _split_title(block if first == 0 else plain, lines, first, tails,
                                 after_rule and first == 0, chapters, titled if first == 0
                                 else headline_line(lines[first - 1]))):
                # (a title's author or date line under it is no title: "Tue Jun 4, 6:30pm")
                source = block if first == 0 else plain
                line = lines[first]
                rank = 7 if is_bold_line(source, line) else 8
                head = Block(kind="paragraph", text=line, lead=source.lead, links=block.links)
                units.append(Unit("title", head, rank, line, lead_link(block, line)))
                first += 1
            if first:
                block = Block(kind="paragraph", text="\n".join(lines[first:]), links=block.links)
            units.append(Unit("body", block))
        else:
            units.append(Unit("body", block))
        related = (block.kind != "heading" and bool(LABEL.search(block.text))
                   and not names_a_list(block)
                   # "IN BRIEF:" over linked news (Cooperpress: the sixteenth sweep)
                   and not news_label(block.text))
    authors = authors_of(units)
    bylined = names_under_items(units) >= NAMES_UNDER_ITEMS
    units = own_links_as_text([_promote(units, i, authors, bylined) for i in range(len(units))])
    units = named_runs(release_parts(kickers_as_text(badges_as_text(units))))
    return inner_titles_as_text(units)


def _italic_line(unit: Unit) -> bool:
    """A paragraph all in italics (``body`` reads it as its own subhead): a headline's."""
    subhead = unit.block.subhead
    return unit.role == "body" and bool(subhead) and subhead == unit.block.text


def _bold_title_line(unit: Unit) -> bool:
    """A bold line of its own, still a body unit here (``_promote`` reads the units as they
    were): "**Author evening: Tomasz Wierzba**" over "Thursday 13 November · 7pm"."""
    lines = block_lines(unit.block) if unit.block.text else [""]
    return (unit.role == "body" and len(lines) == 1 and bool(lines[0])
            and is_bold_line(unit.block, lines[0]) and title_like(lines[0]))


def _byline(unit: Unit) -> bool:
    lines = block_lines(unit.block) if unit.block.text else [""]
    return unit.role == "body" and len(lines) == 1 and is_byline(lines[0])


def _promote(units: list[Unit], index: int, authors: set[str], bylined: bool = False) -> Unit:
    """A one-line body block that reads like a title, with text under it, is a title."""
    unit = units[index]
    if unit.role != "body" or unit.block.kind == "list_item":
        return unit
    lines = block_lines(unit.block)
    following = units[index + 1] if index + 1 < len(units) else None
    below = block_lines(following.block)[0] if following else ""
    marked = marks_headline_above(below)
    marked = marked or (index > 0 and units[index - 1].role == "rule")
    if len(lines) != 1 or not title_like(lines[0], marked) or labelled(unit.block, lines[0]):
        return unit
    if (unit.block.links and CALL_TO_ACTION.match(tidy(lines[0]))) or authors_under_number(
            units[index - 1] if index else None, unit.block, lines) or icon_link(unit.block):
        return unit  # a button ("Try Acme free"), a paper's authors, "📄 The dataset": no title
    line = tidy(lines[0])
    if unit.block.links and tidy(unit.block.links[0].text) == line and names_author(lines[0]):
        return unit  # "Marta Kowalczyk | Jun 12 2025 - 6:15 am ET" linked to her page
    if (unit.block.links and WEB_LINK.match(tidy(unit.block.links[-1].text))
            and tidy(lines[0]).endswith(tidy(unit.block.links[-1].text))):
        # "Rotate your tokens. Then read this. View this email in your browser": a preheader
        # with its web-version link (Mailchimp's: the eighteenth sweep)
        return unit
    if (((CITATION.match(line) or NEWS_CREDIT.match(line) or SENTENCE_THEN_SOURCE.search(line))
         and not is_bold_line(unit.block, lines[0])) or LABELLED_PAIRS.match(line)):
        # "Reference: Amundsen, K. et al. (2025)", "Lead: Acme · Also: Beta", "…will suffer
        # most. (Economist $)" (a sentence and its outlet, The Download's); a bold
        # "Sources: Apple in talks…" is a wire headline (the review)
        return unit
    if (EPISODE_LINE.match(tidy(lines[0])) and not unit.block.lead and following is not None
            and following.role == "body" and "\n" not in following.block.text.strip()
            and title_like(block_lines(following.block)[0])):
        # "TIDEWATER HISTORIES · Episode 142 · 48 min" over the episode's title: its kicker;
        # a bold "Severance · Episode 4" over its text is a title (the review)
        return unit
    bold = is_bold_line(unit.block, lines[0])
    above = units[index - 1]  # (the last when index is 0: read only when it is not)
    under_title = index > 0 and (above.role in ("title", "item") or _bold_title_line(above))
    if not bold and (under_title or not index) and (is_byline(lines[0]) or VERDICT.match(line) or (
            under_title and above.role == "item" and PAPER_SURNAMES.match(line))):
        return unit  # under a title (or opening the issue) its author or date: "Jo Ma · Mar 3"
    if under_title and (PLACE_DATELINE.match(line) or SEVERITY.match(line) or CREDIT.match(line)):
        # bold too: "WASHINGTON, MARCH 12", "CRITICAL · CVSS 9.8", "Image source: Halvard
        # Robotics" under a title are its dateline, its badge and its picture's credit, not
        # a story under a section (the twenty-ninth and thirtieth sweeps).  (Not bylines
        # elsewhere: "Photo: Reuters" under a post's first heading names no author.)
        return unit
    if (not bold and index > 1 and under_title and card_details(line)
            and (heads_a_story(above) or (above.role == "item" and job_card(line)))):
        # an event's or a job's card under its title, "Auditorium · 60 minutes" under
        # "Curator Talk: Threads of Trade" (the 44th and 45th sweeps); not the issue's "No. 48
        # · 12 March" under its name, a bold "Robotics Night | Jun 18", an event's own title
        # (the first attack), nor "Episode 212 · 58 min" under "Out now" (stop 34's review);
        # "Hybrid, Dublin · €85–100k" under a linked role (the forty-eighth sweep)
        return unit
    if not bold and (tail := READ_TIME_TAIL.search(lines[0])) and (under_title or (
            OUTLET.fullmatch(lines[0][:tail.start()].strip()))):
        # "Research team · 14 min read" under a card's title (the seventeenth sweep);
        # anywhere, an outlet and a reading time ("Nature | 6 min read": the 13th/14th sets)
        return unit
    if not bold and bylined and name_under_item(units, index):
        # "Lena Marchetti" between two linked items: the one above's author (Cooperpress's
        # weeklies: the sixteenth sweep), when two items at least have one (a lone "Machine
        # Learning" there names a section: the review)
        return unit
    if not bold and tidy(lines[0]) in authors:
        return unit  # under headlines, their authors' names alone: "Hallie Brandt" (Axios's)
    if not bold and index > 1 and units[index - 2].role == "title" and _byline(units[index - 1]):
        return unit  # under the authors, their affiliation: "Kestrel University"
    if not (bold or marked) and letter_words(lines[0]) < 2 and not (
            cjk_words(lines[0])) and not (
            following is not None and tidy(lines[0]).lower() in SECTION_WORDS
            and _headline_over_text(units, index + 1)):
        return unit  # "Mar 12, 2025", "Share": metadata, not a title ("Science" may name one)
    words = len(lines[0].split())
    short_line = words <= SHORT_TITLE_WORDS or (
        words <= UNPUNCTUATED_TITLE_WORDS and not SENTENCE_CLOSE.search(lines[0].rstrip()))
    numbered = bool(ENUMERATOR.match(lines[0]))  # "1. A title", "b) A title"
    if not (bold or marked or numbered or short_line or _title_case(lines[0])):
        return unit
    if (following is not None and following.role == "rule" and boxed(units, index + 2)
            and index + 2 < len(units) and units[index + 2].role == "body"
            and not AD_LABEL.match(tidy(lines[0]))):
        following = units[index + 2]  # a headline boxed between two rules, over its text
    if following is None or following.role == "rule":
        return unit
    italic = _italic_line(following)
    if (item := item_over_address(units, index)) is not None:
        return item
    if (byline_under(units, index) or italic or address_under(units, index)) and (
            index + 2 < len(units)):
        # a byline, a subhead or the story's address alone ("1) Stop padding your batches"
        # over "https://fernleaf.dev/…", plain text) is not the text under a title
        following = units[index + 2]
        if italic and following.role != "body":
            return unit  # a line over an italic note and no text is none (the review)
    short = following.role == "body" and text_size(following.block.text) < BODY_MIN_CHARS
    if short and not (marked or (bold and title_like(below)) or _headline_over_text(units,
                                                                               index + 1)):
        return unit  # (a section name over a short headline is a title: it names the section)
    return Unit("title", unit.block, 7 if bold else 8, lines[0], lead_link(unit.block, lines[0]))


def _headline_over_text(units: list[Unit], index: int) -> bool:
    """``units[index]`` is a one-line, title-like body block with text under it: a short
    headline ("Robot wins at table tennis (5 minute read)") that is promoted in turn."""
    lines = block_lines(units[index].block)
    below = units[index + 1] if index + 1 < len(units) else None
    return (len(lines) == 1 and title_like(lines[0]) and below is not None
            and below.role == "body" and text_size(below.block.text) >= BODY_MIN_CHARS)


def _lead_item(block: Block, first: str, among_items: bool = False) -> Unit | None:
    """"**OpenAI raises $10B.** The company said...": a bold headline opening its paragraph
    (a lead-in ending in ":" is a label inside a story).  ``among_items``: after other items,
    where one sentence under it will do ("**Bridge Street closes.** Expect diversions.")."""
    lead = tidy(block.lead)
    if not lead or LABEL.search(block.lead) or tidy(first) == lead or lower_start(lead):
        return None
    if lead.endswith("?") or block.text[len(block.lead):].lstrip().startswith(":"):
        return None  # "How well does it work?" asks inside a story; "Why this matters:" labels
    if STEP.match(lead):
        return None  # "**Step 1: Collect the transcripts.** …": a tutorial's (19th sweep)
    if DATELINE.match(lead) or PLACE_DATELINE.match(lead) or is_byline(tidy(first)):
        # "**Fri, Oct 18, 7 pm** at the pier": an event's date under its title; "**By Dr.
        # Harriet Wolde**, biosecurity researcher…": a piece's byline (the thirteenth sweep)
        return None
    words = len(lead.split())
    if words < LEAD_ITEM_MIN_WORDS or len(lead) > TITLE_MAX_CHARS:
        return None
    if len(block.text) - len(block.lead) < (ITEM_BODY_MIN_CHARS if among_items
                                            else BODY_MIN_CHARS):
        return None
    return Unit("item", block, 9, lead.rstrip(" .!—–-"), lead_link(block, lead),
                "item: bold lead")


def _split_title(block: Block, lines: Sequence[str], at: int,
                 tails: Sequence[tuple[int, int]], after_rule: bool, chapters: bool,
                 titled: bool = False) -> bool:
    """Whether lines[at] is a title over the lines after it (of which there is one at least);
    ``chapters``: the lines hold a chapter list (bylines.chapter_list, read once);
    ``titled``: a line that reads as a title stands right above the paragraph."""
    first, below = lines[at], lines[at + 1]
    marked = after_rule or marks_headline_above(below)
    if not title_like(first, marked) or BARE_URL_LINE.match(first) or labelled(block, first):
        return False
    if paired_fields(first, below, lines, chapters):
        return False  # "When: Wed 12 Nov, 18:30" over "Where: De Kade": an item's fields
    if marks_headline_above(below) or is_bold_line(block, first):
        return True
    longest, body = tails[at + 1]
    if wrapped(lines, at, longest, titled):
        return False  # a paragraph's first line, wrapped at its width (wraps.py)
    if listing_fields(lines, at, titled) or status_led(lines, at, titled):
        return True  # over its fields, "Price: £45 | Area: …"; led by "[ADOPTED]"
    return after_rule or (body >= BODY_MIN_CHARS
                          and (_title_case(first) or len(first) < 0.8 * longest))


def _title_case(line: str) -> bool:
    return capitalised_share(line) >= TITLE_CASE_SHARE
