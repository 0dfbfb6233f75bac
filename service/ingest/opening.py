"""Segment stage, structural engine: a first "story" that is the issue's opening.

Under a masthead a newsletter often sets a tagline ("Running news, every
Saturday"), or opens with a greeting ("Happy Saturday, growers 👋"), then its
intro.  The engine reads such a short line over text as a title, the weakest
mark it knows, and made the intro the issue's first story.  When every story
after it has a stronger mark (a heading, a bold line) and the line is right
under a dropped masthead or is a greeting, it is the opening, and is dropped.
A lead story marked only by a short line stays one when it is neither:
ThursdAI's is, under no masthead.

A post's subtitle is the other opening the engine took for a story.  Substack and its
like set the post's title (the subject), a subtitle heading right under it ("Plus: a
teleoperated demo, open books, and a short story"), the author's name and the date,
then the intro: the engine dropped the title but cut a story at the subtitle, with the
intro as its text.  A heading right under the post's title, with no link, over the
author's name or near a date or byline, is the subtitle unless every story after it has
such a line of its own (a news digest's bylines make its first story look the same).

Three more first stories are decided after the cut: the post's own essay under its title
(the title was taken out, and the essay's paragraphs were left as text before the first
story), a first "story" made of the later stories' headlines (the issue's recap), and one
whose text welcomes the reader to the issue (its headline the issue's title or teaser).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import AUTHOR_NAME, ISSUE_DATE, POST_AUTHORS
from service.ingest.cuts import Cut, Cutting, renumbered, story_number
from service.ingest.headlines import (
    DECORATION,
    ENUMERATOR,
    bare_title,
    block_lines,
    is_bold_line,
    is_byline,
    names_author,
    tidy,
)
from service.ingest.masthead import MASTHEAD_BLOCKS, is_the_name

__all__ = ["OPENING_GREETING", "with_post_title", "without_author", "without_opening_line",
           "without_subtitle", "without_welcome"]

MORE_STORIES_THAN = 2  # with fewer stories after it, the line is not weighed against them
OPENING_GREETING = re.compile(  # "Happy Saturday, growers", not "Good news for robot makers"
    r"^(?:happy|good|hello|hi|hey|welcome|greetings|morning|evening)\b[^.?:]{0,40}[,!]",
    re.IGNORECASE)
BYLINE_WITHIN = 3  # blocks under a subtitle: the author's name, the date, a share bar
META_CHARS = 40  # the line under the author's name: a date, "5 min read"
RECAP_MIN_LINES = 3  # a recap repeats this many later headlines at least
ESSAY_MIN_PARAGRAPHS = 3  # an essay under the post's title, not its intro
ESSAY_PARAGRAPH_CHARS = 150
SUBTITLE_CHARS = 120  # a post's subtitle under its title: a line, not a paragraph


def without_opening_line(cutting: Cutting) -> Cutting:
    """``cutting`` without a first story that is the issue's tagline or greeting."""
    cuts = cutting.cuts
    if (len(cuts) <= MORE_STORIES_THAN or not cuts[0].signal.startswith("title line")
            or not all(c.signal.startswith(("heading", "bold line")) for c in cuts[1:])):
        return cutting
    if not cutting.under_masthead and not OPENING_GREETING.match(cuts[0].headline):
        return cutting  # a lead story may have the weakest mark (ThursdAI's does)
    why = (f"   dropped intro: {cuts[0].headline!r} (a title line over the intro; every "
           "story after it has a heading)")
    return cutting._replace(cuts=cuts[1:], log=renumbered(cutting.log, 1, why, 0))


# A subtitle that teases the rest of the issue: "Plus: smartwatches out of class and …"
TEASER = re.compile(r"^(?:plus|also|and|ook|inoltre|además|außerdem|aussi)\s*[:,]\s+\S"
                    # or a list of them: "State of AI Report 2021, Perceive, TinyML, …, and
                    # more" under "Deep Learning Weekly: Issue #220" (a real sweep)
                    r"|,\s+(?:and|&)\s+(?:much\s+)?more\W*$", re.IGNORECASE)


def without_subtitle(raw: Sequence[Block], title: str, cuts: list[Cut], log: list[str],
                     *, dated: bool = False) -> tuple[list[Cut], list[str]]:
    """``cuts`` and ``log`` without a first story that is the post's subtitle over its
    intro.  ``raw`` is the issue's blocks as parsed, ``title`` the post's title found in
    them.  ``dated``: only a subtitle with the post's date right under it, or a teaser
    (under the newsletter's name, where a heading under the issue's title with its byline
    under it is the first story: attack5).  A teaser may be a plain line ("Plus: OpenAI
    raises $8.3B, …" under a beehiiv post's title: the twelfth blind set)."""
    if len(cuts) <= MORE_STORIES_THAN or not cuts[0].blocks or not title:
        return cuts, log
    subtitle = cuts[0].blocks[0]
    teaser = TEASER.search(tidy(subtitle.text))  # "Plus: smartwatches…" (the 18th sweep)
    if dated and not teaser and not (len(cuts[0].blocks) > 1 and ISSUE_DATE.match(
            tidy(block_lines(cuts[0].blocks[1])[0]))):
        return cuts, log
    at = next((i for i, b in enumerate(raw) if b is subtitle), None)
    if (at is None or at == 0 or (subtitle.kind != "heading" and not teaser) or subtitle.links
            or raw[at - 1].kind != "heading" or tidy(raw[at - 1].text.strip(DECORATION)) != title):
        return cuts, log
    under = raw[at + 1:at + 1 + BYLINE_WITHIN]
    named = len(under) > 1 and _names_author(under[0]) and len(under[1].text) < META_CHARS
    if not named and not teaser and not any(_dates(b) for b in under):
        return cuts, log  # the author's name right under it over a short line (the date,
        # "26 gen"; a caption's name is over text), or a date or byline near it
    position = {id(b): i for i, b in enumerate(raw)}
    if all(_has_byline(c, raw, position) for c in cuts[1:]):
        return cuts, log  # every story has its author's line: the first is one too
    why = (f"   dropped subtitle: {cuts[0].headline!r} (a heading right under the post's "
           "title, over its author's line)")
    return cuts[1:], renumbered(log, 1, why, 0)


def without_author(raw: Sequence[Block], title: str, cuts: list[Cut], log: list[str]
                   ) -> tuple[list[Cut], list[str]]:
    """``cuts`` and ``log`` without a first story that is the post's author line: "Dana
    Okafor" or "Tomasz Wierzbicki and Helen Achterberg" right under the post's title and
    over a short line (Substack's "♡ Like" bar, a date), with the intro as its text (the
    eleventh sweep).  A name with text under it is a profile's headline and stays."""
    first = cuts[0].blocks[0] if cuts and cuts[0].blocks else None
    if (len(cuts) <= MORE_STORIES_THAN or first is None or not title or "\n" in first.text
            or first.kind != "paragraph" or first.links):
        return cuts, log  # ("Musk Sues OpenAI" as a heading or a link is a headline: review)
    at = next((i for i, b in enumerate(raw) if b is first), None)
    if at is None or at == 0 or at + 1 >= len(raw):
        return cuts, log
    under_title = _is_title(raw[at - 1], title)
    line = _first_line(first)
    # "Dana Okafor" over a short line, or a line that names the author with the date: "Nadia
    # Farouk · November 18, 2025", "By Ada Marsh" (the thirteenth sweep)
    dated = names_author(line) and not is_bold_line(first, block_lines(first)[0])
    # a dated byline may have the post's subtitle between it and the title: beehiiv's "Rates,
    # rails and a record" over "Your 5-minute money brief" over "Marisa Quintero · November
    # 04, 2025" (the twenty-third sweep)
    if dated and not under_title and at >= 2 and _is_title(raw[at - 2], title):
        under_title = _subtitle_line(raw[at - 1])
    if not under_title or not (
            (POST_AUTHORS.match(line) and len(raw[at + 1].text) < META_CHARS) or dated):
        return cuts, log
    why = f"   dropped author: {cuts[0].headline!r} (a name right under the post's title)"
    return cuts[1:], renumbered(log, 1, why, 0)


def _is_title(block: Block, title: str) -> bool:
    """The post's title as a heading; the subject may carry an emoji the heading does not
    ("☕ Rates, rails and a record…": beehiiv)."""
    bare = bare_title(tidy(block.text.strip(DECORATION)))
    return block.kind == "heading" and bool(bare) and bare == bare_title(title)


def _subtitle_line(block: Block) -> bool:
    """One short line with no link: a post's subtitle, not its intro or a story."""
    return (block.kind in ("paragraph", "heading") and not block.links and "\n" not in block.text
            and 0 < len(block.text.strip()) <= SUBTITLE_CHARS)


def _first_line(block: Block) -> str:
    return tidy(block_lines(block)[0]) if block.text.strip() else ""


def _dates(block: Block) -> bool:
    """"Mar 14", "By Mara Lindqvist · Mar 14", or "Kofi Mensah" over "Mar 4" in one block:
    a date or a byline in its first two lines."""
    lines = block_lines(block)[:2] if block.text.strip() else []
    return any(is_byline(tidy(line)) for line in lines)


def _names_author(block: Block) -> bool:
    """A bare name ("Mara Lindqvist"), not a button ("Read More") nor a caption's name
    under a photo further down."""
    line = _first_line(block)
    return (bool(line) and (is_byline(line) or bool(AUTHOR_NAME.match(line)))
            and not CALL_TO_ACTION.match(line))


def _has_byline(cut: Cut, raw: Sequence[Block], position: dict[int, int]) -> bool:
    at = position.get(id(cut.blocks[0])) if cut.blocks else None
    return at is not None and at + 1 < len(raw) and _names_author(raw[at + 1])


def with_leading_essay(raw: Sequence[Block], title: str, blocks: list[Block], cuts: list[Cut],
                        notes: list[str]) -> tuple[list[Cut], list[str]]:
    """A first story that is the post's own essay under its title: the title heading the
    subject names, taken out as the post's title, over several long paragraphs before the
    first story ("The demo is not the product" over a founder's letter, then "What I'm
    reading" links: the twenty-fourth sweep dropped the essay as text before the first
    story).  An intro is a paragraph or two; an essay is ESSAY_MIN_PARAGRAPHS or more."""
    if not cuts or not title or not any(
            block.kind == "heading" and tidy(block.text.strip(DECORATION)) == title
            for block in raw[:MASTHEAD_BLOCKS]):
        return cuts, notes
    first = cuts[0].blocks[0] if cuts[0].blocks else None
    at = next((i for i, block in enumerate(blocks) if block is first), None)
    lead = [block for block in blocks[:at] if block.kind == "paragraph"] if at else []
    long = [block for block in lead if len(block.text) >= ESSAY_PARAGRAPH_CHARS]
    if len(long) < ESSAY_MIN_PARAGRAPHS:
        return cuts, notes
    essay = Cut(title, "the post's essay under its title", lead)
    shifted = [note if (number := story_number(note)) is None
               else f"{number + 1}. {note.partition('. ')[2]}"
               for note in notes if "(before the first story)" not in note]  # (its text)
    # the essay's line first, after what was dropped above the post's title
    line = next((i for i, note in enumerate(shifted) if not note.startswith("   dropped mast")),
                0)
    return [essay, *cuts], [*shifted[:line], f"0. {essay.signal}: {title!r}", *shifted[line:]]


def with_post_title(raw: Sequence[Block], title: str, cuts: list[Cut],
                    notes: list[str]) -> tuple[list[Cut], list[str]]:
    """One story whose headline line stands above the post's title: the newsletter's
    tagline under its name ("Tomasz Tunguz" / "Venture Capitalist at Redpoint" / "Grey
    Skies in Cloud Earnings", the subject, over the letter: the eighth blind set's
    ConvertKit letter was one story headed by the tagline).  The title heads the story,
    and what stood above it is none of its text."""
    if len(cuts) != 1 or not title or not cuts[0].blocks:
        return cuts, notes
    head = next((i for i, block in enumerate(raw[:MASTHEAD_BLOCKS]) if block.kind == "heading"
                 and tidy(block.text.strip(DECORATION)) == title), None)
    above = {id(block) for block in raw[:head]} if head is not None else set()
    if id(cuts[0].blocks[0]) not in above:
        return cuts, notes  # (the story starts under the title, or the title is not there)
    blocks = [block for block in cuts[0].blocks if id(block) not in above]
    if not blocks:
        return cuts, notes
    cut = Cut(title, "the post's title, under a tagline", blocks)
    return [cut], [*(note for note in notes if story_number(note) is None),
                   f"0. {cut.signal}: {title!r}"]


def without_recap_copy(cuts: list[Cut], notes: list[str]) -> tuple[list[Cut], list[str]]:
    """No first story that is the issue's recap: a list of short lines, most of them the
    headlines of the stories after it ("1. Remote code execution in Larkspur CMS" over "2.
    …", under an "IN THIS ISSUE" the engine read as a plain-text heading: the
    twenty-fourth sweep's security weekly).  Its first line was taken for a headline."""
    if len(cuts) < RECAP_MIN_LINES + 1:
        return cuts, notes
    lines = [tidy(ENUMERATOR.sub("", tidy(line).lstrip("•*-–· ")))
             for block in cuts[0].blocks for line in block_lines(block) if line.strip()]
    later = {tidy(cut.headline).casefold() for cut in cuts[1:]}
    repeated = [line for line in lines if line.casefold() in later]
    # weighed by characters: a lead story's paragraph over a list of what the later stories
    # are about ("Council adopts budget" over "Transit levy", "Library hours") stays (review)
    if (len(repeated) < RECAP_MIN_LINES
            or 3 * sum(map(len, repeated)) < 2 * sum(map(len, lines))):
        return cuts, notes
    why = f"   dropped recap: {cuts[0].headline[:80]!r} (its lines are the later headlines)"
    return cuts[1:], renumbered(notes, 1, why, 0)


# The intro's welcome to this issue, or to the newsletter by its name: "Welcome to issue 47",
# "Welcome to the November edition of Harbor Notes", "Hello and welcome to Guardrail Weekly"
# (not "Welcome to the 214 new readers", "… to the metallic ink edition of our printer", "…
# to the 2025 edition of the AI Index report", "… to Number 10": the review of this rule)
WELCOME = re.compile(r"^\W*(?:(?:hello|hi|hey)(?:\s+and|,)?\s+)?welcome\s+(?:back\s+)?to\s+"
                     r"(?P<rest>\S.*)", re.IGNORECASE | re.DOTALL)
THIS_ISSUE = re.compile(
    r"^(?:(?:the|this|our|today['’]s|this\s+week['’]s)\s+)?(?:(?:january|february|march|april"
    r"|may|june|july|august|september|october|november|december|spring|summer|autumn|fall"
    r"|winter|holiday|weekend|latest|special|first|final|last|\d{1,3}(?:st|nd|rd|th))\s+)?"
    r"(?:edition|issue)\b|^(?:issue|edition|no\.)\s*#?\d", re.IGNORECASE)
# A first "headline" that is the issue telling what it holds, over nothing: "This week we're
# looking at the rise of no-code robots, …, and the Dark Side of the 90s!" (the eleventh
# blind set): the issue speaking, a verb of going through, and a list of topics or a "!".
# Not "This week in robotics: …", "Today, OpenAI launched…", "Today we're sharing our first
# safety report" (news: the review of this rule)
TEASER_HEADLINE = re.compile(
    r"^\W{0,6}(?:this week|today|in (?:this|today['’]s) (?:issue|edition))\W{0,3}\s*"
    r"(?:we['’]re|we are|we['’]ll|we will|we|i['’]m|i am|i['’]ll|i)\s+"
    r"(?:looking|look|covering|cover|talking|talk|diving|dive|exploring|explore|digging|dig)"
    r"\b(?=[^\n]{0,300}(?:,[^\n]{0,200}\band\b|!\W{0,3}$))", re.IGNORECASE)
WELCOME_WITHIN = 3  # the first story's blocks: its headline, a subtitle, the welcome
ESSAY_AFTER = 2  # long paragraphs after the welcome: the post's own essay, not an intro


def without_welcome(names: Sequence[str], cuts: list[Cut], notes: list[str]
                    ) -> tuple[list[Cut], list[str]]:
    """No first story whose text, right under its headline (and a subtitle line), welcomes
    the reader to this issue or to the newsletter by name: the headline was the issue's
    title, masthead or teaser, the text its intro (Transformer's "Can Alexandr Wang save
    Meta?" over "Welcome to Transformer, your weekly briefing…", the tenth blind set; eight
    sweeps' issues).  With an essay of its own after the welcome, the story is the post's
    and stays.  ``names``: the newsletter's (masthead.newsletter_names)."""
    if len(cuts) < 2 or not cuts[0].blocks:
        return cuts, notes
    blocks = cuts[0].blocks
    if TEASER_HEADLINE.match(cuts[0].headline) and _no_essay(blocks[1:]):
        why = f"   dropped intro: {cuts[0].headline[:80]!r} (the issue telling what it holds)"
        return cuts[1:], renumbered(notes, 1, why, 0)
    for at, block in enumerate(blocks[:WELCOME_WITHIN]):
        found = WELCOME.match(block.text)
        if found and (THIS_ISSUE.match(found.group("rest"))
                      or is_the_name(_named(found.group("rest")), names)):
            break
        if at and len(block.text) > SUBTITLE_CHARS:
            return cuts, notes  # a story's own paragraph comes first
    else:
        return cuts, notes
    if not _no_essay(blocks[at + 1:]):
        return cuts, notes
    why = (f"   dropped intro: {cuts[0].headline[:80]!r} (its text welcomes the reader to "
           "the issue)")
    return cuts[1:], renumbered(notes, 1, why, 0)


def _no_essay(blocks: Sequence[Block]) -> bool:
    """Fewer long paragraphs than an essay of the post's own has."""
    return sum(len(b.text) > ESSAY_PARAGRAPH_CHARS for b in blocks) < ESSAY_AFTER


def _named(welcomed: str) -> str:
    """What a welcome names: its words up to the sentence's first stop ("policy.ai" whole)."""
    return re.split(r"[.!?,;:](?:\s|$)", welcomed, maxsplit=1)[0]
