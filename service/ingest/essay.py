"""Segment stage, structural engine: a post whose headings are the sections of one essay.

An essay newsletter (Substack and its like) shows the post's title (the email's
subject), often a subtitle, and its author's line ("Marta Kowalczyk · Mar 3",
"By Dana Ortiz"), then its text under subheadings ("Why things stopped being
fixable", "The parts problem").  The engine cuts at headings, so one essay
became five stories, none under its title.  By the definition of a story
(../shared/data/README.md) an essay is one story.

A digest's post header looks the same (title, author, date), so the rule asks
for more than that.  The post is read as one essay only when:

- the subject heads the body as a heading with a line naming the author (not a
  date alone) in the few blocks under it;
- the title does not hold the newsletter's name (the sender's), a number or a
  colon before a list ("The Inference Brief #42", "Riverside Weekly: levy,
  schools and a bridge", "Model Week 31" head digests);
- the stories the engine found after it, while each is headed by a heading
  deeper than the title's, carry no link at all (a digest's stories link their
  sources), no section name, no numbered heading ("1. A humanoid startup…") and
  no author or date line of their own (a news story's).

Those stories, and the text above them, become one story under the title. Whatever
follows (a "Links" roundup, a heading as high as the title's) is cut as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block, Envelope
from service.ingest.addresses import split_address
from service.ingest.bylines import AUTHOR_NAME, POST_AUTHORS
from service.ingest.cuts import Cut, renumbered, story_number
from service.ingest.headlines import (
    ASKS,
    DECORATION,
    ENUMERATOR,
    block_lines,
    is_bold_line,
    is_byline,
    names_author,
    tidy,
)
from service.ingest.links import PROFILE_PATH
from service.ingest.sections import section_shaped
from service.ingest.units import BOLD_RANK

__all__ = ["AUTHOR_WITHIN", "one_essay"]

SHARE_BAR_CHARS = 40  # "♡ Like", "Comment", a date: the short line under an author's name
AUTHOR_WITHIN = 4  # blocks under the title (a subtitle, an author line, a share bar)
OWN_PAGE = re.compile(r"/(?:subscribe|signup|comments?|share|unsubscribe|account)\b"
                      r"|[?&]action=(?:share|like|comment|restack)\b")
NAME_PREFIX_WORDS = 3  # "Second Order: …", "Field Guide: …": a newsletter's name before a title
WORD = re.compile(r"[^\W_]")
SPACE = re.compile(r"\s+")
QUOTES = re.compile(r"[\"“”‘’']")
# a footnote's anchor: "#footnote-1", "#footnote-anchor-1", "#fn:1", "#fnref2"
FOOTNOTE = re.compile(r"(?:footnote|fnref|fn)(?=[-_:\d]|$)", re.IGNORECASE)
ROMAN_HEAD = re.compile(r"\(?[IVX]{1,5}[.)]\s")
ROMAN = {numeral: value for value, numeral in enumerate(
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], start=1)}
INTERVIEW_SUBJECT_CHARS = 20  # a subject this long that opens an interview's title names it
# A subtitle that announces more than one piece: "Episode 87 is out — plus a listener
# question" (the sixth sweep's podcast issue).
MORE_THAN_ONE = re.compile(r"\bplus\b|\band more\b|\b(?:and|&) \w+ more\b", re.IGNORECASE)
MIN_SECTIONS = 2  # headings (a subtitle counts): fewer make a story, not an essay's sections
# An intro that counts what follows as items: "Six stories today", "5 things to read"
ANNOUNCED_ITEMS = re.compile(
    r"\b(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[ \t]+(?:big |"
    r"short |quick |new )?(?:stories|items|things|links|papers|updates|headlines|picks|reads)\b",
    re.IGNORECASE)
INTRO_BLOCKS = 6  # the post's first blocks: its subtitle, author, date, intro
INTRO_CHARS = 400
# A digest's title: "Riverside Weekly: levy, schools and a bridge", "Model Week 31", "The
# Brief #42".  An essay's seldom has a number, or a colon before a list ("The quiet
# economics of repair"; "The post-training tax: why open models fall behind", the seventh
# sweep).
# A digit after a letter is a name's ("Lumora K2"), not a number's (the fourteenth sweep).
DIGEST_TITLE = re.compile(r"(?<![^\W\d_])\d|[|#]|:[^:]*[,;&+]|,[^,]*,"
                          r"|^[^,:]{1,30}, [^,]{1,30} (?:and|&) ")


def one_essay(raw: Sequence[Block], envelope: Envelope, blocks: Sequence[Block],
              cuts: list[Cut], notes: list[str]) -> tuple[list[Cut], list[str]] | None:
    """``cuts`` with an essay's sections made one story, and ``notes`` to match; None when
    the post is not an essay.  ``raw`` is the issue's blocks as parsed (with the post's
    title), ``blocks`` as cleaned (the cuts' blocks are theirs)."""
    shown = _shown_title(raw, envelope)
    if shown is None or not cuts:
        return None
    title, level, header, linked, asked = shown
    if _structured_opening(notes, header):
        return None  # an ad, a recap or a section before the first heading: not a plain post
    if _announces_items(blocks):
        return None  # "Six stories today": a digest by one author, however essay-like
    position = {id(block): at for at, block in enumerate(raw)}  # _clean keeps the blocks
    sections, interview = 0, bool(ASKS.search(title))
    last_number: int | None = None  # the number of the last section taken, if numbered
    pointed: set[str] = set()  # essay headings the engine read as sections over bold points
    bylines = subtitles = headings = 0  # the author's line, read as a title over the text
    cards = 0  # link cards in a section, cut as stories of their own
    ranks: set[int | None] = set()  # of the headings taken as sections
    deeper = {_plain(b.text) for b in raw if b.kind == "heading" and (b.level or 1) > level}
    known = {*header, _plain(title)}  # the post's own title and subtitle, cut as stories
    for story in cuts:
        rank = _rank(story)
        if rank == BOLD_RANK and not headings and not story.headline.endswith("?"):
            rank = None  # bold lines with no heading section before them head a digest's items
        if (bylines == 0 and sections == subtitles and not story.url
                and is_byline(story.headline)):
            bylines = 1  # "**Dana Whitlock** · Nov 18, 2025" under the subtitle (attack7)
            continue
        if _plain(story.headline) in known and not story.url:
            sections += 1  # the subtitle over the author's line, or the title itself
            subtitles += sections == subtitles + 1
            headings += rank is not None and rank < BOLD_RANK  # a subtitle as a heading
            continue
        if interview and story.signal.startswith("bold line") and story.headline.endswith("?"):
            sections += 1  # an interview's questions, in bold
            continue
        if asked:
            break  # known only by its title's words: its bold questions and nothing else (a
            # digest led by an interview keeps its other stories: the review)
        if (sections and (card := _card(story.blocks))
                and not any(_links_out(b) for b in story.blocks[card:])):
            cards += 1  # a link card in a section (Ghost's bookmark), and the text after it
            continue
        # (under a title known only as its link, bold points are no sign of an essay: a
        # Ghost briefing's "Also this morning" items would be its sections)
        own_section = bool(sections) and not linked and (
            story.section in pointed if rank is not None else _section_point(story, deeper))
        if own_section and rank is None:
            pointed.add(story.section)
        section = "" if _plain(story.section) in header else story.section  # a subtitle's
        opening = story.blocks[0].text.strip(DECORATION) if story.blocks else ""
        number = _number(opening)
        # (a numbered section goes on the numbering of the one before: "3. A minimal
        # implementation" after "2. The draft-then-verify idea"; not Roman numerals, which
        # number a digest's news as well: "II." over a Reuters link, the review)
        shaped = section_shaped(story.headline) or (
            number is not None and last_number is not None and number == last_number + 1
            and not ROMAN_HEAD.match(opening))
        if ((rank is None and not own_section) or (rank is not None and rank <= level)
                or (linked and number is None)  # under a linked title, numbered parts only
                or story.url or (any(_links_out(b, numbered=number is not None)
                                     for b in story.blocks) and not shaped)
                or (section and not own_section)
                or (rank is not None and rank < BOLD_RANK and not shaped
                    and ENUMERATOR.match(story.blocks[0].text.strip(DECORATION)))
                or _has_own_byline(story, raw, position)):
            # (a digest names its sections and numbers its items' headings; an essay does
            # not, though a line of its own may number its parts: "1. Day One Is
            # Calibration", the eighth attack)
            if linked and rank in ranks:
                return None  # under a title known only as its link, a peer heading that is
                # news (a link of its own) makes the headings stories: a Ghost digest
            break
        sections += 1
        headings += rank is not None and rank < BOLD_RANK
        ranks.add(rank)
        last_number = number
    if sections < MIN_SECTIONS:
        return None
    taken = sections + bylines + cards
    at = {id(block): index for index, block in enumerate(blocks)}  # one index: linear
    start = at.get(id(cuts[0].blocks[0]), 0)
    merged = [*blocks[:start], *(b for story in cuts[:taken]
                                 for b in (*_section_heading(story, blocks, at), *story.blocks))]
    essay = Cut(title, "whole post: an essay under its title", merged)
    note = (f"0. {essay.signal}: {title!r} ({sections} headings read as its sections: the "
            "author is named, no section links out)")
    return [essay, *cuts[taken:]], renumbered(notes, taken, note, 1)


def _announces_items(blocks: Sequence[Block]) -> bool:
    """The post's first paragraphs count what follows as items: "Six stories today, and a
    long one on open weights", "Here are 5 things worth your time" (the twenty-fifth
    sweep's digest of bold headlines was read as one essay)."""
    opening = [block.text[:INTRO_CHARS] for block in blocks[:INTRO_BLOCKS]
               if block.kind == "paragraph"]
    return bool(ANNOUNCED_ITEMS.search(" ".join(opening)))


def _shown_title(raw: Sequence[Block], envelope: Envelope
                 ) -> tuple[str, int, set[str], bool, bool] | None:
    """The post's title, its heading level and the headings of its header (a subtitle): a
    heading equal to the subject, not the newsletter's name nor an issue's, with a line
    naming the author under it."""
    # ("[Field Notes] The Kestrel K2 review": a bracketed series name before the title)
    subject = _plain(re.sub(r"^\s*\[[^\[\]\n]{1,40}\]\s*", "", envelope.subject))
    sender = _plain(envelope.sender_name)
    # "Fieldstone Memo: Mapping the agent stack" over a heading "Mapping the agent stack"
    named, colon, rest = subject.partition(": ")
    wanted = rest if colon and rest and not DIGEST_TITLE.search(named) and (
        sender in named or len(named.split()) <= NAME_PREFIX_WORDS) else subject
    if not wanted or (DIGEST_TITLE.search(subject) and not ASKS.search(subject)) or (
            len(sender) > 3 and sender in wanted):
        return None
    shown = {wanted, subject}
    for at, block in enumerate(raw):
        # (or the title as a bold line of its own, as Ghost's emails set it: ranked as the
        # top heading, so the post's h2s are its sections: the twenty-ninth sweep; or as a
        # line that is its link to the post, sized by a class: the thirty-second sweep)
        interview = _interview_title(block, shown)
        if (block.kind == "heading" or _bold_title_line(block) or _linked_title_line(block)
                ) and (_plain(block.text) in shown or interview):
            # (icons with no word, "♡ 💬 ↗" under a Substack title, take no place)
            under = [b for b in raw[at + 1:at + 1 + 2 * AUTHOR_WITHIN]
                     if b.kind == "rule" or WORD.search(b.text)][:AUTHOR_WITHIN]
            author = next((i for i, b in enumerate(under) if b.kind != "rule" and (
                _names_the_author(b) or _bare_author(b, under[i + 1:i + 2])
                or _author_over_date(b, under[i + 1:i + 2]))), None)
            asked = author is None and interview and not MORE_THAN_ONE.search(envelope.subject)
            if asked:
                author = 0  # an interview names whom it asks in its title
            if author is not None:
                # a subtitle: a heading, or a line of its own above the author's (Substack's);
                # under a title known only as its link (not a heading, not bold), above the
                # author's only (a Ghost digest's first story follows the author's line: the
                # thirty-second sweep)
                linked = _linked_title_line(block) and not (
                    block.kind == "heading" or _bold_title_line(block))
                header = set() if asked else {  # (an interview's title has no subtitle)
                    _plain(b.text) for i, b in enumerate(under)
                    if (b.kind == "heading" and not (linked and i > author))
                    or (i < author and b.kind == "paragraph" and "\n" not in b.text)}
                return block.text.strip(DECORATION), block.level or 1, header, linked, asked
            return None
    return None


def _interview_title(block: Block, shown: set[str]) -> bool:
    """A heading that opens with the subject's words and says it is an interview: "“Benchmarks
    are a memory…”: a conversation with Imani Rourke" under the subject ""Benchmarks are a
    memory…" — Imani Rourke" (a Q&A post, the thirty-third sweep).  Its bold questions are
    its text."""
    heading = QUOTES.sub("", _plain(block.text))
    opening = (QUOTES.sub("", re.split(r" [—–-] |: ", title)[0]).strip() for title in shown)
    return (block.kind == "heading" and bool(ASKS.search(block.text))
            and any(len(words) >= INTERVIEW_SUBJECT_CHARS and heading.startswith(words)
                    for words in opening))


def _bold_title_line(block: Block) -> bool:
    return (block.kind == "paragraph" and "\n" not in block.text.strip()
            and is_bold_line(block, block.text.strip()))


def _card(blocks: Sequence[Block]) -> int:
    """How many of ``blocks`` are a link card (Ghost's bookmark, an embedded post): a title,
    its description and its site, all one link, however the engine split its lines (the
    thirty-second sweep); 0 when they do not start with one."""
    if not blocks or len(blocks[0].links) != 1:
        return 0
    link, text = blocks[0].links[0], ""
    for count, block in enumerate(blocks, 1):
        if [(one.text, one.url) for one in block.links] != [(link.text, link.url)]:
            return 0
        text += SPACE.sub("", block.text)
        if text == SPACE.sub("", link.text):
            return count if count > 1 or "\n" in blocks[0].text.strip() else 0
    return 0


def _linked_title_line(block: Block) -> bool:
    return (block.kind == "paragraph" and "\n" not in block.text.strip()
            and len(block.links) == 1 and tidy(block.links[0].text) == tidy(block.text))


def _names_the_author(block: Block) -> bool:
    """"By Ada Marsh", "Ada Marsh · Mar 3", or the author's name linked to their profile
    or over the date on the next line ("Ines Carvalho" / "Oct 5, 2025": Substack's)."""
    lines = block_lines(block)
    if names_author(lines[0]):
        return True
    name = tidy(lines[0])
    return bool(AUTHOR_NAME.match(name)) and (
        (len(lines) > 1 and is_byline(lines[1]))
        or any(tidy(link.text) == name and PROFILE_PATH.search(split_address(link.url).path)
               for link in block.links))


def _bare_author(block: Block, after: Sequence[Block]) -> bool:
    """The author's name alone ("Lucas Brennan") over the post's share bar ("♡ Like"), as
    Substack sets it (the eleventh sweep)."""
    return (block.kind == "paragraph" and not block.links and "\n" not in block.text.strip()
            and bool(POST_AUTHORS.match(tidy(block.text)))
            and bool(after) and len(after[0].text) < SHARE_BAR_CHARS)


def _author_over_date(block: Block, after: Sequence[Block]) -> bool:
    """The author's name (linked, not to a home page: the review) over the date, each a block:
    "Nora Castellanos" / "Mar 9" (the fifteenth set)."""
    name = tidy(block.text)
    return (block.kind == "paragraph" and "\n" not in block.text.strip()
            and bool(POST_AUTHORS.match(name))
            and all(tidy(link.text) == name and split_address(link.url).path.strip("/")
                    for link in block.links)
            and bool(after) and after[0].kind == "paragraph" and not after[0].links
            and "\n" not in after[0].text.strip() and is_byline(tidy(after[0].text)))


def _number(text: str) -> int | None:
    """The number a heading opens with: 3 for "3. A minimal implementation", and for
    "III. What would change my mind" (an essay's parts in Roman numerals, the thirty-fourth
    sweep)."""
    found = re.match(r"\(?(\d{1,2}|[IVX]{1,5})[.)]\s", text)  # (ROMAN_HEAD's shape too)
    if found is None:
        return None
    digits = found.group(1)
    return int(digits) if digits.isdigit() else ROMAN.get(digits)


def _section_point(story: Cut, deeper: set[str]) -> bool:
    """A bold-led point under one of the essay's own headings (``deeper``: their plain
    texts), as "**The recipes are tacit.**" under "Three reasons post-training is hard"
    (the seventh sweep); not a digest's item.  A heading the engine then put in that
    section is the essay's too (``pointed``)."""
    return (story.signal.startswith("item: bold lead") and bool(story.section)
            and _plain(story.section) in deeper)


def _section_heading(story: Cut, blocks: Sequence[Block], at: dict[int, int]) -> list[Block]:
    """The heading a section's first point was cut under (the engine dropped it as a
    section name), so the essay keeps it: once, before that point (``at``: each block's
    index, by identity)."""
    if not story.section or not story.blocks:
        return []
    index = at.get(id(story.blocks[0]), 0)
    before = blocks[index - 1] if index else None
    return [before] if (before is not None and before.kind == "heading"
                        and _plain(before.text) == _plain(story.section)) else []


def _links_out(block: Block, *, numbered: bool = False) -> bool:
    """A link to a source: not an address to write to, nor the post's own subscribe,
    comment or share page (the last section's "You're a free subscriber…": sweep8)."""
    parts = [split_address(link.url) for link in block.links]
    # (nor, in a numbered part, a footnote's mark, which Substack writes as the post's
    # address with "#footnote-1": the thirty-fourth sweep's essay; a digest's news that
    # cites its sources in footnotes is not numbered so: the review)
    return any(part.scheme in ("http", "https")
               and not (numbered and FOOTNOTE.match(part.fragment))
               and not OWN_PAGE.search(f"{part.path}?{part.query}") for part in parts)


def _has_own_byline(story: Cut, raw: Sequence[Block], position: dict[int, int]) -> bool:
    """The story's heading has an author or date line of its own right under it
    (``position``: each raw block's index, by identity)."""
    at = position.get(id(story.blocks[0])) if story.blocks else None
    return at is not None and at + 1 < len(raw) and is_byline(block_lines(raw[at + 1])[0])


def _rank(story: Cut) -> int | None:
    """The level of the heading that starts ``story``; None when no heading does."""
    head = story.blocks[0] if story.blocks else None
    if head is not None and story.signal.startswith("bold line"):
        return BOLD_RANK  # "**Why is this interesting?**" over a section of the post
    if head is None or head.kind != "heading" or not story.signal.startswith("heading"):
        return None
    return head.level or 1


# A recap of the issue's items ("In today's email:"): a digest's, never an essay's (a long
# post may list its own parts under "Table of contents").  The thirteenth sweep: a digest
# under its lead story's title and its author's line was read as one essay.
ISSUE_RECAP = re.compile(r"^   dropped recap: [\"']\W*in (?:this|today['’]?s) "
                         r"(?:issue|edition|email|newsletter|digest|rundown)", re.IGNORECASE)


def _structured_opening(notes: list[str], header: set[str]) -> bool:
    """Before the first story the engine dropped a zone or a section (not only text; not the
    post's own subtitle, ``header``), or anywhere a recap of the issue's items."""
    if any(ISSUE_RECAP.match(line) for line in notes):
        return True
    for line in notes:
        if story_number(line) is not None:
            return False
        if line.startswith("   dropped section:") and _subtitle_note(line, header):
            continue  # the subtitle, read as a section's name (the sixteenth sweep)
        if line.startswith("   dropped") and not line.startswith(("   dropped text:",
                                                                   "   dropped masthead:")):
            return True
    return False


def _subtitle_note(line: str, header: set[str]) -> bool:
    """The note drops one of ``header``'s lines (shown cut short at 120 characters)."""
    shown = re.match(r"   dropped section: ([\"'])(.*)\1 \(", line)
    text = _plain(shown.group(2).rstrip("…")) if shown else ""
    return (bool(text) and not MORE_THAN_ONE.search(text)
            and any(entry.startswith(text) for entry in header))


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip(DECORATION)).casefold()
