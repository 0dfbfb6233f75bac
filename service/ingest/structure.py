"""Segment stage, structural engine: an issue's Blocks cut into stories by their roles.

Works for newsletters nobody wrote rules for.  Each block gets a role: a title
(heading by level, whole bold line, or short title-like line), a link-led
one-line item (``[Headline](url) - summary``), body text or a rule.  Then:

- a title followed straight by another title or by items is a section name
  (context for the stories under it), as is a title made only of section words;
- every other title, and every link-led item, starts a story;
- titles that open a recap (TL;DR, show notes), a sponsor block, an intro or the
  footer start a zone whose text belongs to no story;
- a letter ("Dear friends,") is one story headlined by its first sentence.

Invariant: linear in the number of blocks; every story start records the
signal that made it, for ``newsalerts segment --explain``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.domain import Block

DECORATION = "*_ \t\xa0"
TITLE_MAX_CHARS = 160
TITLE_MAX_WORDS = 22
BODY_MIN_CHARS = 60  # a title needs some text under it
LETTER_MIN_CHARS = 600  # a letter is more than a greeting
MASTHEAD_MAX_CHARS = 300  # the intro under a newsletter's name is short
TITLE_CASE_SHARE = 0.4  # of words over 3 letters capitalised: "Title Case" reads as a title
SHORT_TITLE_WORDS = 8  # a line this short with text under it is a title even in sentence case
ENUMERATOR = re.compile(r"^\(?(?:\d{1,2}|[a-z])[.)]\s+")
ITEM_TAIL = re.compile(r"\s*(?:$|[-–—:|•]\s|\(|[.:]\s)")
GREETING = re.compile(r"^(?:hey|hi|hello|howdy|greetings|good (?:morning|evening))\b",
                      re.IGNORECASE)
SUBHEAD = re.compile(r"^[*_\s]*(?:…|\.\.\.)")  # "…what the story is about…" under a headline
SETTING = re.compile(r"^\[[^\]]{3,80}\]$")  # "[A city, 2031]" under a tale's title
LABEL = re.compile(r":\s*$")  # an inline bold lead-in such as "What's new:"
SENTENCE_END = re.compile(r"[.,;:]$")
FIRST_SENTENCE = re.compile(r"^(.{20,}?[.!?])(?:\s|$)")
SALUTATION = re.compile(r"^(?:dear|hi|hello|hey)\b[^,.!?]{1,40},$", re.IGNORECASE)
BARE_URL_LINE = re.compile(r"^<?https?://\S+>?$")
ZONES = {
    "recap": re.compile(
        r"^(?:tl;? ?dr|tldr|show ?notes|summary\b|recap\b|in (?:this|today'?s) (?:issue|edition)"
        r"|table of contents|what'?s inside|wrapping up|wrap-?up|that'?s a wrap)",
        re.IGNORECASE),
    "sponsor": re.compile(
        r"\b(?:sponsor(?:ed|s)?|presented by|brought to you by|a message from|advertis\w*"
        r"|partner content|promoted)\b", re.IGNORECASE),
    "intro": re.compile(
        r"^(?:description|intro|introduction|overview|editor'?s note|welcome|good morning"
        r"|hello)\b", re.IGNORECASE),
    "footer": re.compile(
        r"^(?:subscribe|unsubscribe|share (?:this|the)|follow us|about us|thank(?:s| you) for"
        r" (?:reading|subscribing)|copyright|©|you (?:are|were) receiving|--$)", re.IGNORECASE),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a section name is made of ("Big Companies LLMs & APIs", "Open Source"): a title of
# only these is a section even when prose follows it.
SECTION_WORDS = _words("""
ai big co companies company llms llm apis api open source tools tool business research policy
safety robotics vision video voice audio art diffusion 3d news other top misc miscellaneous
applications hardware funding investments investment papers concerns analysis expert opinions
models releases updates quick hits links lightning round agents products industry science ethics
regulation law chips compute startups and & + / in the of more reading events jobs media
""")


@dataclass
class Cut:
    """One story as the engine sees it: where it starts, why, and its blocks."""

    headline: str
    signal: str
    blocks: list[Block] = field(default_factory=list)
    url: str = ""
    section: str = ""


@dataclass(frozen=True)
class Unit:
    """A block with its role: "title" (rank 1-6 heading, 7 bold line, 8 title line),
    "item", "body" or "rule"."""

    role: str
    block: Block
    rank: int = 0
    headline: str = ""
    url: str = ""


def cut(blocks: Sequence[Block]) -> tuple[list[Cut], list[str]]:
    """The stories of an issue, and notes on what was dropped and why (for --explain)."""
    units = _units(blocks)
    cuts: list[Cut] = []
    notes: list[str] = []
    section = zone = ""
    section_rank = 0
    current: Cut | None = None
    for index, unit in enumerate(units):
        if unit.role == "rule":
            current = None if current and current.signal.startswith("item") else current
            continue
        if unit.role == "title":
            kind = _title_kind(unit, units, index)
            if kind not in ZONES and not cuts and _masthead(unit, units, index):
                notes.append(f"masthead: {unit.headline!r} (the newsletter's name)")
                current = None
                continue
            if kind == "section":
                section, zone, current = _clean(unit.headline), "", None
                section_rank = unit.rank
                notes.append(f"section: {unit.headline!r} ({_rank_name(unit.rank)})")
                continue
            if kind in ZONES:
                zone, current = kind, None
                notes.append(f"{kind}: {unit.headline!r} (dropped with its text)")
                continue
            if zone == "footer":
                continue
            zone = ""
            if unit.rank < section_rank:
                section, section_rank = "", 0  # a story as high as the section is not in it
            current = Cut(_clean(unit.headline), _rank_name(unit.rank), [unit.block],
                          unit.url or _url_below(units, index), section)
            cuts.append(current)
        elif zone:
            continue
        elif _opens_recap(unit):
            zone, current = "recap", None
            notes.append(f"recap: {_lines(unit.block)[0]!r} (dropped with its text)")
        elif unit.role == "item":
            current = Cut(_clean(unit.headline), "item: link-led line", [unit.block], unit.url,
                          section)
            cuts.append(current)
        elif current is not None:
            current.blocks.append(unit.block)
        elif letter := _letter(unit, units, index):
            current = letter
            cuts.append(current)
    return cuts, notes


# ---- roles ----------------------------------------------------------------------------------


def _units(blocks: Sequence[Block]) -> list[Unit]:
    units: list[Unit] = []
    related = False  # inside a list introduced by a line ending in ":"
    for block in blocks:
        if block.kind == "rule":
            units.append(Unit("rule", block))
            continue
        lines = _lines(block)
        if len(lines) > 1 and not related and _link_item(block, lines[0]):
            # Link items one a line, no blank line between (plain text): one block each.
            units += [_link_item(line, _lines(line)[0]) or Unit("body", line)
                      for line in _split_lines(block, lines)]
            continue
        item = None if related else _link_item(block, lines[0])
        if item is not None:
            units.append(item)
        elif block.kind == "heading":
            units.append(Unit("title", block, max(1, block.level or 2), lines[0],
                              _lead_link(block, lines[0])))
        elif related and block.kind == "list_item":
            units.append(Unit("body", block))  # "More on this:" links belong to the story
            continue
        elif block.kind != "list_item" and len(lines) > 1 and _split_title(
            block, lines, not units or units[-1].role == "rule"
        ):
            # Titles on the first lines of a paragraph (plain text): blocks of their own.
            while len(lines) > 1 and _split_title(block, lines, False):
                rank = 7 if _is_bold_line(block, lines[0]) else 8
                head = Block(kind="paragraph", text=lines[0], lead=block.lead, links=block.links)
                units.append(Unit("title", head, rank, lines[0], _lead_link(block, lines[0])))
                block, lines = Block(kind="paragraph", text="\n".join(lines[1:]),
                                     links=block.links), lines[1:]
            units.append(Unit("body", block))
        else:
            units.append(Unit("body", block))
        related = block.kind != "heading" and bool(LABEL.search(block.text))
    units = [_promote(units, i) for i in range(len(units))]
    return _demote_inner_titles(units) if _separated(units) else units


def _separated(units: list[Unit]) -> bool:
    """Stories marked by separators: most weak titles come straight after a rule."""
    weak = [i for i, u in enumerate(units) if u.role == "title" and u.rank >= 7]
    after = [i for i in weak if i > 0 and units[i - 1].role == "rule"]
    return len(after) >= 3 and len(after) >= 0.5 * len(weak)


def _demote_inner_titles(units: list[Unit]) -> list[Unit]:
    """In a separated issue a bold line inside a story is a sub-heading: body text."""
    kept: list[Unit] = []
    for index, unit in enumerate(units):
        after_rule = index > 0 and units[index - 1].role == "rule"
        below = _lines(units[index + 1].block)[0] if index + 1 < len(units) else ""
        marked = after_rule or bool(SUBHEAD.match(below) or SETTING.match(below))
        marked = marked or bool(kept and kept[-1].role == "title")  # a section, then its story
        if unit.role == "title" and unit.rank >= 7 and not marked:
            kept.append(Unit("body", unit.block))
        else:
            kept.append(unit)
    return kept


def _promote(units: list[Unit], index: int) -> Unit:
    """A one-line body block that reads like a title, with text under it, is a title."""
    unit = units[index]
    if unit.role != "body" or unit.block.kind == "list_item":
        return unit
    lines = _lines(unit.block)
    following = units[index + 1] if index + 1 < len(units) else None
    below = _lines(following.block)[0] if following else ""
    marked = bool(SUBHEAD.match(below) or SETTING.match(below))
    marked = marked or (index > 0 and units[index - 1].role == "rule")
    if len(lines) != 1 or not _title_like(lines[0], marked) or _labelled(unit.block, lines[0]):
        return unit
    bold = _is_bold_line(unit.block, lines[0])
    if not (bold or marked) and len(re.findall(r"[^\W\d_]{3,}", lines[0])) < 2:
        return unit  # "Mar 12, 2025", "Share": metadata, not a title
    short_line = len(lines[0].split()) <= SHORT_TITLE_WORDS
    numbered = bool(ENUMERATOR.match(lines[0]))  # "1. A title", "b) A title"
    if not (bold or marked or numbered or short_line or _title_case(lines[0])):
        return unit
    if following is None or following.role == "rule":
        return unit
    short = following.role == "body" and len(following.block.text) < BODY_MIN_CHARS
    if short and not (marked or (bold and _title_like(below))):
        return unit
    return Unit("title", unit.block, 7 if bold else 8, lines[0], _lead_link(unit.block, lines[0]))


def _split_lines(block: Block, lines: list[str]) -> list[Block]:
    """Each line as a block of its own, with the links whose text it shows."""
    return [Block(kind=block.kind, text=line,
                  links=tuple(link for link in block.links if link.text and link.text in line))
            for line in lines]


def _link_item(block: Block, first: str) -> Unit | None:
    """``[Headline](url) - summary``: a block that opens with a link's text, then a dash."""
    if not block.links or block.kind == "heading":
        return None
    link = block.links[0]
    text = _clean(ENUMERATOR.sub("", first.strip(DECORATION + "•")))
    name = _clean(link.text)
    if len(name) < 12 or len(re.findall(r"[^\W\d_]{3,}", name)) < 2:
        return None
    if not text.startswith(name) or not link.url.startswith("http"):
        return None
    if not ITEM_TAIL.match(text[len(name):]):
        return None
    return Unit("item", block, 9, name, link.url)


def opens_footer(text: str) -> bool:
    """Whether this text starts the footer (kept past housekeeping so the zone can start)."""
    first = text.split("\n", 1)[0]
    return len(first) <= TITLE_MAX_CHARS and bool(ZONES["footer"].search(_clean(first)))


def _title_kind(unit: Unit, units: list[Unit], index: int) -> str:
    """"story", "section", or the zone ("recap", "sponsor", "intro", "footer") it opens."""
    text = _clean(unit.headline)
    for name, pattern in ZONES.items():
        if pattern.search(text) and (name != "sponsor" or len(text) <= 80):
            return name
    following = next((u for u in units[index + 1:] if u.role != "rule"), None)
    if following is None:
        return "section"  # a title with nothing under it
    if following.role in ("title", "item"):
        return "section"
    under = itertools.takewhile(lambda u: u.role == "body", units[index + 1:])
    if sum(len(u.block.text) for u in under) < BODY_MIN_CHARS and not unit.url:
        return "section"  # a name over a line or two ("Issue 41"): a masthead, not a story
    words = re.findall(r"[\w&+/']+", text.lower())
    if words and len(words) <= 5 and all(w in SECTION_WORDS for w in words):
        return "section"
    return "story"


def _masthead(unit: Unit, units: list[Unit], index: int) -> bool:
    """The newsletter's name over its intro: the first title, alone of its rank, with little
    text and no link under it."""
    if unit.url or any(u.role == "title" and u.rank == unit.rank for u in units[index + 1:]):
        return False
    under = itertools.takewhile(lambda u: u.role == "body", units[index + 1:])
    return sum(len(u.block.text) for u in under) < MASTHEAD_MAX_CHARS


def _opens_recap(unit: Unit) -> bool:
    """A short line such as "TL;DR" or "In this issue:" over a list that repeats the issue."""
    first = _lines(unit.block)[0]
    return len(first) <= 60 and bool(ZONES["recap"].search(_clean(first)))


def _letter(unit: Unit, units: list[Unit], index: int) -> Cut | None:
    """A letter opening the issue ("Dear friends,"): one story under its first sentence."""
    lines = _lines(unit.block)
    if not SALUTATION.match(lines[0]) or index + 1 >= len(units):
        return None
    following = units[index + 1]
    body = itertools.takewhile(lambda u: u.role == "body", units[index + 1:])
    if following.role != "body" or sum(len(u.block.text) for u in body) < LETTER_MIN_CHARS:
        return None  # "Hi there," over a line or two is a greeting, not a letter
    sentence = FIRST_SENTENCE.match(_clean(_lines(following.block)[0]))
    headline = sentence.group(1) if sentence else _clean(_lines(following.block)[0])[:160]
    return Cut(headline, "letter: salutation line", [unit.block])


# ---- line tests -----------------------------------------------------------------------------


def _split_title(block: Block, lines: list[str], after_rule: bool) -> bool:
    first, rest = lines[0], lines[1:]
    marked = after_rule or bool(SUBHEAD.match(rest[0]) or SETTING.match(rest[0]))
    if not _title_like(first, marked) or BARE_URL_LINE.match(first) or _labelled(block, first):
        return False
    if marked or _is_bold_line(block, first):
        return True
    longest = max(len(line) for line in rest)
    body = sum(len(line) for line in rest)
    return body >= BODY_MIN_CHARS and (_title_case(first) or len(first) < 0.8 * longest)


def _title_like(line: str, marked: bool = False) -> bool:
    """Short, capitalised, not a sentence; a trailing ":" only when marked as a headline
    (first after a separator, or a "…subhead…" under it)."""
    if len(line) > 2 * TITLE_MAX_CHARS:
        return False
    text = _clean(line)
    if not text or len(text) > TITLE_MAX_CHARS or len(text.split()) > TITLE_MAX_WORDS:
        return False
    raw = ENUMERATOR.sub("", line.strip(DECORATION)).rstrip(DECORATION)
    end = SENTENCE_END.search(raw.removesuffix(":") if marked else raw)
    if end or text[0].islower() or text[0] in "•·-–—>[(“\"" or BARE_URL_LINE.match(text):
        return False
    if SUBHEAD.match(text):
        return False
    return not SALUTATION.match(text) and not GREETING.match(text)


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _labelled(block: Block, line: str) -> bool:
    """The line opens with a bold label ("What's new: ..."): a lead-in, not a title."""
    return bool(LABEL.search(block.lead)) and _clean(block.lead) != _clean(line)


def _is_bold_line(block: Block, line: str) -> bool:
    # Markdown left unrendered ("**Headline**") is bold too.
    literal = line.startswith("**") and line.rstrip().endswith("**")
    return literal or (bool(block.lead) and _clean(block.lead) == _clean(line))


def _lead_link(block: Block, line: str) -> str:
    """The title's own link: a link whose text is the whole title."""
    title = _clean(ENUMERATOR.sub("", line))
    for link in block.links:
        if _clean(link.text) and _clean(link.text) in title and len(link.text) >= 0.6 * len(title):
            return link.url
    return ""


def _url_below(units: list[Unit], index: int) -> str:
    """In plain text a story's link stands alone on a line of its first paragraph."""
    following = units[index + 1] if index + 1 < len(units) else None
    if following is None or following.role != "body":
        return ""
    urls = (line.strip("<>") for line in _lines(following.block) if BARE_URL_LINE.match(line))
    return next(urls, "")


def _rank_name(rank: int) -> str:
    return {7: "bold line", 8: "title line"}.get(rank, f"heading h{rank}")


def _lines(block: Block) -> list[str]:
    lines = [line.strip() for line in block.text.split("\n") if line.strip(DECORATION)]
    return lines or [""]


def _clean(text: str) -> str:
    """A headline as shown: no emphasis marks, enumerator or trailing colon."""
    text = ENUMERATOR.sub("", text.strip(DECORATION))
    return re.sub(r"\s+", " ", text).strip(DECORATION).removesuffix(":").rstrip()
