"""Segment stage: an Issue's Blocks cut into Stories.

The source's rules file (``service/ingest/rules.py``) picks the engine.  The
``structure`` engine (``structure.py``; every newsletter without rules of its
own) cuts by the roles of blocks: titles, section names, link-led items.  The
``separators`` engine (below; Import AI) follows the file's patterns:
a story starts after a separator, at a headline followed by a "…subhead…"
line (separators are sometimes missing), at a fiction marker ("Tech Tales:"),
and, where the rules say so, at headings and whole bold lines.  Everything
before the first story is the issue's preamble and is dropped; an issue with no
story start at all is a single post, one story under the post's title.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from service.domain import Block, Issue, Link, Story
from service.errors import MalformedMessage
from service.ingest.buttons import BUTTON_BAR, READ_MORE, read_more_url, text_without_button
from service.ingest.closing import without_sign_off
from service.ingest.cuts import Cut
from service.ingest.digests import messages
from service.ingest.essay import one_essay
from service.ingest.finish import finished
from service.ingest.footer import footer_at
from service.ingest.headlines import DECORATION, block_lines, tidy
from service.ingest.masthead import (
    MASTHEAD_BLOCKS,
    names_the_newsletter,
    newsletter_names,
    translated_names,
)
from service.ingest.opening import (
    with_leading_essay,
    with_post_title,
    without_author,
    without_opening_line,
    without_recap_copy,
    without_subtitle,
    without_welcome,
)
from service.ingest.parse import parse_issue
from service.ingest.rules import (
    GENERIC,
    SOURCES_DIR,
    STRUCTURE,
    SourceRules,
    configured_rules,
    load_rules,
    rules_for,
)
from service.ingest.starts import with_learned_starts
from service.ingest.structure import cut
from service.ingest.untitled import untitled_items

__all__ = [
    "GENERIC",
    "SOURCES_DIR",
    "SourceRules",
    "configured_rules",
    "load_rules",
    "rules_for",
    "segment",
    "segment_file",
]

log = logging.getLogger(__name__)

MARKER, TALE, STORY = "marker", "tale", "story"  # what a block can open
LONG_BLOCK_CHARS = 5000
STORY_PEERS = 2  # a heading with this many peers after it heads a story, not the post
TOLD_CHARS = 60  # ... when a paragraph this long came before it (an intro, a markets box)
# ... or when it is no issue's title: "Kestrel Notes: rates, robots and rain" (a name, a colon
# and what the issue holds) is one whatever its peers (the review)
ISSUE_TITLE = re.compile(r"^[^:\n]{2,40}:\s[^,\n]+,\s")
MORE_IN_SUBJECT = re.compile(r"\s*(?:,\s*and|\+|&|;|,\s*plus|\s+plus|\s+and\s+(?:the|a|more)"
                             r"|,[^,;]{1,60}(?:,\s*|\s+)(?:and|&)\s)\s*")
BUTTON_CHARS = 40  # "Read the full story →": a button's words are few


# ---- segmenting -----------------------------------------------------------------------------


def segment(issue: Issue, rules: Sequence[SourceRules] | None = None) -> list[Story]:
    return [finished(story) for story in _segment(issue, rules)]


def _segment(issue: Issue, rules: Sequence[SourceRules] | None) -> list[Story]:
    source = rules_for(issue.envelope, rules)
    if source.engine == STRUCTURE:
        return by_structure(issue, source)[0]  # (which reads a digest first)
    if digest := _digest(issue):
        return digest[0]
    title, blocks = _clean(issue.blocks, issue.envelope.subject, source)
    groups, preamble = _group(blocks, source)
    if not groups and preamble:
        # A post with no story marks at all is one story under the post's title.
        title = title or block_lines(preamble[0])[0]
        groups = [[Block(kind="heading", text=title, lead=title), *preamble]]
    elif preamble and _is_bold_line(preamble[0]):
        groups.insert(0, preamble)  # an essay opening the issue under its own bold headline
    elif preamble:
        log.debug("dropped %d preamble blocks before the first story", len(preamble))
    stories = [_story(group, source) for group in groups]
    stories = [s for s in stories if s.text.strip()]
    if not stories:
        raise MalformedMessage("no-stories", "No story is left once housekeeping is removed.")
    return [Story(i, s.headline, s.text, s.links, s.fiction) for i, s in enumerate(stories)]


def segment_file(path: Path, rules: Sequence[SourceRules] | None = None) -> list[Story]:
    return segment(parse_issue(Path(path).read_bytes()), rules)


def _clean(blocks: Sequence[Block], subject: str, rules: SourceRules) -> tuple[str, list[Block]]:
    """Housekeeping removed, extra separators made rules, the post title taken out."""
    title = _normalize(subject)
    kept: list[Block] = []
    # how many headings of each level are still to come: the subject may be the first
    # story's headline, one of its peers (a markets brief's, the eighteenth sweep)
    later = Counter(b.level for b in blocks if b.kind == "heading")
    told = False  # a paragraph came before: the post's own title would open it (the review)
    for block in blocks:
        if block.kind == "heading":
            later[block.level] -= 1
        if block.kind != "rule" and not block.text.strip():
            continue  # a spacer ("&nbsp;" in a table cell) would split a run of items
        # Housekeeping and titles are short: a long block is kept as it is, in linear time.
        text = _normalize(block.text) if len(block.text) <= LONG_BLOCK_CHARS else block.text
        if block.kind == "rule" or _any_match(rules.separators, text):
            kept.append(Block(kind="rule", text=""))
        elif text and len(text) <= LONG_BLOCK_CHARS and _is_title(
            _normalize(text.strip(DECORATION)), title, block
        ) and not (block.kind == "heading" and later[block.level] >= STORY_PEERS
                   and (told or not ISSUE_TITLE.match(text))):
            title = text
        elif (kept and kept[-1].kind != "rule" and len(text) <= 2 * BUTTON_CHARS
              and _read_more_bar(text) and block.links):
            # A "Read more" ("Full story", "Read article »") button is housekeeping, but its
            # link is the story's: keep the link
            kept[-1] = dataclasses.replace(kept[-1], links=(*kept[-1].links, *block.links))
        elif not _any_match(rules.housekeeping, text.strip(DECORATION)):
            kept.append(block)
            told = told or (block.kind == "paragraph" and len(text) >= TOLD_CHARS)
    return title.strip(DECORATION), kept


def _read_more_bar(text: str) -> bool:
    """"Read more →", or a bar of such buttons: "Read the full story | Read the paper"."""
    parts = [part for part in BUTTON_BAR.split(tidy(text)) if part]
    return bool(parts) and all(READ_MORE.match(part) for part in parts)


def _is_title(text: str, subject: str, block: Block) -> bool:
    """The post's title: the subject itself, or a heading the subject starts with, unless
    the subject goes on to more of the issue ("The benchmark treadmill, and the week in
    evals": the editor's letter is a story, the thirteenth sweep; "3D-printed brains, Super
    Bowl Flu, and spiced Coke.", a list of its topics: the eleventh blind set)."""
    if text == subject:
        return True
    # (an emoji-led subject, "☕ Rates, rails…", is not read without its emoji here: senders
    # put one before their lead story's headline, which must stay a story: the review)
    return (block.kind == "heading" and len(text) >= 10 and subject.startswith(text)
            and not MORE_IN_SUBJECT.match(subject[len(text):]))


def _group(blocks: Sequence[Block], rules: SourceRules) -> tuple[list[list[Block]], list[Block]]:
    groups: list[list[Block]] = []
    preamble: list[Block] = []
    after_rule = in_tale = False
    for index, block in enumerate(blocks):
        if block.kind == "rule":
            after_rule = True
            continue
        start = _story_start(blocks, index, rules)
        # Inside a tale only a separator or a marker ends it: its dialogue looks like headlines.
        if after_rule or start == MARKER or (start and not in_tale):
            groups.append([])
            in_tale = start in (MARKER, TALE)
        (groups[-1] if groups else preamble).append(block)
        after_rule = False
    return groups, preamble


def _story_start(blocks: Sequence[Block], index: int, rules: SourceRules) -> str:
    """MARKER, TALE or STORY when the block opens one, else ""."""
    block = blocks[index]
    if _is_marker(block, rules):
        return MARKER
    if block.kind == "heading":
        return STORY if rules.split_at_headings else ""
    if not _is_headline(block_lines(block)[0].strip(DECORATION), rules):
        return ""
    next_line = _line_after_first(blocks, index).strip(DECORATION)
    if next_line and _any_match(rules.fiction_settings, next_line):
        return TALE
    if next_line and rules.subhead.match(next_line):
        return STORY
    return STORY if rules.split_at_bold_lines and _is_bold_line(block) else ""


def _is_bold_line(block: Block) -> bool:
    """The block opens with a line that is bold from end to end: a headline.

    Not headlines.is_bold_line, which also counts a literal "**line**" and compares tidied
    text (no enumerator, emphasis or trailing colon): a separators-engine rules file that
    splits at bold lines would cut some issues elsewhere.
    """
    return bool(block.lead) and _normalize(block.lead) == _normalize(block_lines(block)[0])


def _is_marker(block: Block, rules: SourceRules) -> bool:
    return _any_match(rules.fiction_markers, block_lines(block)[0].strip(DECORATION))


def _is_headline(line: str, rules: SourceRules) -> bool:
    return 0 < len(line) <= rules.headline_max_chars and not _any_match(rules.not_headlines, line)


def _line_after_first(blocks: Sequence[Block], index: int) -> str:
    lines = block_lines(blocks[index])
    if len(lines) > 1:
        return lines[1]
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return block_lines(following)[0] if following and following.kind != "rule" else ""


def _story(blocks: list[Block], rules: SourceRules) -> Story:
    lines = [line.strip(DECORATION) for block in blocks for line in block_lines(block)]
    fiction = (
        _is_marker(blocks[0], rules)
        or any(_any_match(rules.fiction_signs, line) for line in lines)
        or (len(lines) > 1 and _any_match(rules.fiction_settings, lines[1]))
    )
    headline = _fiction_title(blocks, rules) if fiction else _headline(blocks[0], rules)
    return Story(
        index=0,
        headline=headline,
        text=_story_text(blocks, rules),
        links=_unique_links(blocks),
        fiction=fiction,
    )


def _headline(block: Block, rules: SourceRules) -> str:
    line = _normalize(block.lead or block_lines(block)[0]).strip(DECORATION)
    if len(line) <= rules.headline_max_chars:
        return line
    # A story opening with prose has no headline: its first words stand in for one.
    return line[: rules.headline_max_chars].rsplit(" ", 1)[0] + "…"


def _fiction_title(blocks: list[Block], rules: SourceRules) -> str:
    """The tale's own title: after the marker or on the next line; else the section's name."""
    lines = [line.strip(DECORATION) for block in blocks for line in block_lines(block)]
    marker = next(filter(None, (p.match(lines[0]) for p in rules.fiction_markers)), None)
    if marker is None:  # an unmarked tale opens with its title
        return _headline(blocks[0], rules)
    after = lines[0][marker.end() :].strip(DECORATION + ":")
    title = after or (lines[1] if len(lines) > 1 else "")
    too_long = len(title) > rules.fiction_title_max_chars
    if not title or too_long or _any_match(rules.fiction_settings, title):
        return rules.fiction_untitled
    return _normalize(title).strip(DECORATION)


def _story_text(blocks: list[Block], rules: SourceRules) -> str:
    """Headline, subhead and first paragraph on consecutive lines, then blank-line paragraphs.

    That is the shape of the labeled data the classifier learned from.
    """
    head = 1
    if (len(blocks) > 1 and len(block_lines(blocks[0])) == 1
            and not _is_marker(blocks[0], rules)):
        head = 2  # a headline on a line of its own, followed by its first paragraph
        second = block_lines(blocks[1])
        if len(blocks) > 2 and len(second) == 1 and rules.subhead.match(second[0]):
            head = 3
    first = "\n".join(block.text for block in blocks[:head])
    return "\n\n".join([first, *(block.text for block in blocks[head:])])


def _unique_links(blocks: Iterable[Block]) -> tuple[Link, ...]:
    return tuple(dict.fromkeys(link for block in blocks for link in block.links))


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _any_match(patterns: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def by_structure(issue: Issue, source: SourceRules) -> tuple[list[Story], list[str]]:
    """The structural engine's stories, and its notes on every cut (for --explain)."""
    if digest := _digest(issue):
        return digest
    # The footer's opening line is housekeeping, but it must reach the engine to end the issue.
    footer = footer_at(issue.blocks)
    envelope = issue.envelope
    title, blocks = _clean(issue.blocks[:footer], envelope.subject, source)
    names = newsletter_names(envelope.sender_name, envelope.list_id)
    translated = translated_names(envelope.subject, envelope.sender_name, names)
    cuts, notes, laid_out, _, named = without_opening_line(cut(blocks, names, translated))
    raw = issue.blocks[:footer]
    named = named and _name_above_title(raw, title, names)
    if essay := one_essay(raw, issue.envelope, blocks, cuts, notes):
        cuts, notes = essay  # an essay's headings are its sections, not stories
    elif not named:  # (under the newsletter's name a heading is the first story's)
        cuts, notes = without_author(raw, title, *without_subtitle(raw, title, cuts, notes))
    else:  # ... unless the post's title stands between them (Substack's masthead, title,
        # subtitle and date: the twelfth blind set)
        cuts, notes = without_subtitle(raw, title, cuts, notes, dated=True)
    if not cuts and blocks and not laid_out:
        # No story mark at all: a digest of untitled items, or else (below) a single post.
        items, item_notes = untitled_items(blocks)
        cuts, notes = items, [*notes, *item_notes]
    if not cuts and blocks:
        # A single post, one story under the post's title.
        headline = title or block_lines(blocks[0])[0]
        cuts = [Cut(headline, "whole issue: no story marks", list(blocks))]
        notes = [*notes, f"0. {cuts[0].signal}: {headline!r}"]
    cuts, notes = with_leading_essay(raw, title, blocks, *with_post_title(raw, title, cuts, notes))
    cuts, notes = without_sign_off(*without_recap_copy(*without_welcome(names, cuts, notes)))
    if source.learned_starts:
        cuts, notes = with_learned_starts(issue.blocks, footer, envelope.subject, cuts, notes,
                                          titles=lambda line: _is_headline(line, source))
    stories = [
        Story(index, c.headline, _cut_text(c.headline, c.blocks), _unique_links(c.blocks),
              c.fiction, c.url or read_more_url(c.blocks), c.section)
        for index, c in enumerate(cuts)
    ]
    if not stories:
        raise MalformedMessage("no-stories", "No story is left once housekeeping is removed.")
    return stories, notes


def _digest(issue: Issue) -> tuple[list[Story], list[str]] | None:
    """A mailing list's digest cut at its messages, one story each (``digests.py``)."""
    found = messages(issue.blocks)
    if not found:
        return None
    # (a message with no body is its Subject alone: "[ANN] tidepool 2.5 released" is news)
    stories = [Story(index, subject, _cut_text(subject, body) if body else subject,
                     _unique_links(body))
               for index, (subject, body) in enumerate(found)]
    return stories, [f"{s.index}. digest message: {s.headline!r}" for s in stories]


def _name_above_title(raw: Sequence[Block], title: str, names: Sequence[str]) -> bool:
    """The newsletter's name is set above the post's title (a logo), not under it as its
    author's (Substack's "Lucas Brennan" under the title, sent "from Margin Notes")."""
    for block in raw[:MASTHEAD_BLOCKS]:  # (both are at the top: not a walk of the issue)
        if _normalize(block.text.strip(DECORATION)) == title:
            return False
        if names_the_newsletter(block.text, names):
            return True
    return True


def _cut_text(headline: str, blocks: list[Block]) -> str:
    """Headline and first paragraph on consecutive lines, then blank-line paragraphs."""
    texts = [text_without_button(block) for block in blocks]
    if _is_line(texts[0], headline) and len(texts) > 1:
        texts = [f"{texts[0]}\n{texts[1]}", *texts[2:]]
    elif not _is_line(block_lines(blocks[0])[0], headline):
        texts = [f"{headline}\n{texts[0]}", *texts[1:]]
    return "\n\n".join(texts)


def _is_line(text: str, headline: str) -> bool:
    """The text is the headline's own line (with its emphasis, enumerator or colon)."""
    if len(text) > 2 * len(headline) + 16:  # a long text is not one line: skip the work
        return False
    return headline in _normalize(text) and len(_normalize(text)) <= len(headline) + 8
