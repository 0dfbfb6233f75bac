"""Segment stage, structural engine: one line of a block, read as a headline.

Whether a line reads like a title (short, capitalised, not a sentence, not a
greeting or a byline), whether it is the block's bold line or a bold label, the
link that is the title's own, and the line as it is shown (``tidy``).  Every
test here looks at a single line (with its block's bold lead and links at most).

roles.py, which gives each block its role, builds on these; the split is where
a test stops looking at one line and starts weighing a line against the blocks
around it.  The thresholds that weighing uses, and that ``bench/segment.py``
tunes by setting them on ``roles``, stay in roles.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.bylines import (
    AUTHOR_DATE,
    AUTHOR_LIST,
    AUTHORS,
    BYLINE,
    CITED_AUTHORS,
    DASH_BYLINE,
    DATELINE,
    EVENT_PLACE,
    LABELED_AUTHORS,
    LINKED_AUTHORS,
    LOWER_BYLINE,
    NAMED_AUTHORS,
    PAPER_AUTHORS,
    PLACE_DATELINE,
    RECIPE_META,
    ROLE_BYLINE,
    SCHOLAR_AUTHORS,
    SEVERITY,
    SURNAMES,
    THREAD_COUNTS,
    posting_meta,
)
from service.ingest.captions import CAPTION
from service.ingest.fields import BRACKET_STATUS
from service.ingest.greetings import GREETING, SALUTATION

DECORATION = "*_ \t\xa0"
TITLE_MAX_CHARS = 160
# "Read: https://tinderbox.example/r/halyard": a story's address under a label (35th sweep)
LABELLED_URL = re.compile(r"^[^\W\d]+(?: [^\W\d]+)?:[ \t]+<?https?://\S+$")
# "Read the full changelog → https://…": a button written out in plain text (39th sweep);
# not a headline pointing at its address ("Council passes the levy → https://…": review)
POINTED_URL = re.compile(r"^(?:read|see|view|get|try|watch|listen|download|learn|sign up|join)"
                         r"\b[^\n→»]{0,40}[→»][ \t]*<?https?://\S+>?$", re.IGNORECASE)
# '"Disclosure is not consent": Irish regulator fines…': a quoted phrase, its colon, the
# news (not a pull quote with its speaker: '"We are not a frontier lab" -- Ada Fenn')
QUOTED_LEAD = re.compile(r"^[“\"][^“”\"\n]{2,80}[”\"]:[ \t]+\S+[ \t]+\S")
TITLE_MAX_WORDS = 22
# A heading over links that belong to the story above: its sources, not items.
RELATED = re.compile(r"^\W*(?:further reading|related|sources?|references|see also|"
                     r"more on this|read more|resources|links mentioned|notes|read the|"
                     r"documents?|downloads?|files|attachments)\b", re.IGNORECASE)
ENUMERATOR = re.compile(r"^\(?(?:\d{1,3}|[a-z])[.)]\s+")  # "100. " in a list of a hundred too
# "[OSA-2025-041] libquill: heap overflow…", "[CVE-2025-1234] …": an advisory's number
# before its title (a security list: the thirty-eighth sweep).  Not "[1]", a footnote, nor a
# word ("[UPDATE]", "[PDF]", "[A]": a story's note, attachment or quiz answer, the review).
TAGGED_TITLE_MIN_WORDS = 3
BRACKET_TAG = re.compile(r"^\[(?:[A-Z]{2,10}(?:-[A-Za-z0-9]{1,12}){0,3}-\d{1,8}"
                         rf"|{BRACKET_STATUS})\][ \t]+(?=\S)")  # (or a tracker's status)
# An emoji or two before a line's link, a mark of its kind ("😻", "💩"): not its words
ICON_LEAD = re.compile(r"^[^\w\s\"'“‘«(\[<$€£#@&*_~-]{1,3}\ufe0f?[ \t]+")
SUBHEAD = re.compile(r"^[*_\s]*(?:…|\.\.\.)")  # "…what the story is about…" under a headline
SETTING = re.compile(r"^\[[^\]]{3,80}\]$")  # "[A city, 2031]" under a tale's title
# A story's summary run in after "tl;dr": "tl;dr - A major marketing firm has…" (the eleventh
# blind set: a question headline over it, "Are 'sustainable' products…?", was text).  Not a
# recap's own "TL;DR of all topics covered:".
TLDR_LEAD = re.compile(r"^[*_\s]*tl;?dr[*_]*\s*[-–—:][*_]*\s+\S", re.IGNORECASE)
LABEL = re.compile(r"[:：]\s*$")  # an inline bold lead-in such as "What's new:" (or "：")
# (and a Chinese or Japanese sentence's full stop or comma: "。", "，", "、": sweep8)
SENTENCE_END = re.compile(r"[.,;:。，、；：]$")
# Chinese, Japanese and Korean run without spaces: a line of more of their characters than
# this is a paragraph, however few "words" it has (a headline there is 10-40 characters).
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
TITLE_MAX_CJK = 50
CJK_WEIGHT = 2  # in ``text_size``, a CJK character counts as 1 + 2 = three Latin ones
# A line that stops on an article, "of", "and" or a possessive in lower case is a wrapped
# sentence's first line ("Short one, as half of you are at the"), never a headline; "in",
# "on", "to" may end one ("A translator on leaving the jokes in").
CUT_SHORT = re.compile(r"\s(?:the|a|an|of|and|or|our|your|their|its)$")
# A heading inside a story over its own points (the seventh attack): "Key takeaways",
# "Results", "The details", "Why it matters", "The numbers", "My take" ("By the numbers" may
# head a section of its own: the named attack).
INNER_HEADING = re.compile(
    r"^\W*(?:key (?:takeaways?|points|findings|results|details)|takeaways?|results?|findings"
    r"|the details|details|why (?:it|this) matters|the numbers|highlights"
    r"|(?:my|our) take|the bottom line|bottom line|what(?:['’]s| is) new|background"
    r"|methods?|limitations|why does (?:it|this) matter|summary|overview"
    # Semafor's parts of one story: "THE SCOOP", "KNOW MORE", "REED'S VIEW", "ROOM FOR
    # DISAGREEMENT", "THE VIEW FROM BEIJING", "NOTABLE" (sweep8)
    r"|the scoop|know more|room for disagreement|the view from [^\n]{1,40}|notable"
    r"|\w[\w'’-]{0,40}['’]s view"
    r")\W*$"
    # a tutorial's steps: "Step 2: Extract, don't summarise" (the nineteenth sweep)
    r"|^\W*step \d{1,2}\b[^\n]{0,80}$", re.IGNORECASE)
STEP = re.compile(r"^\W*step \d{1,2}\b", re.IGNORECASE)  # a tutorial's step, as a bold lead
# A story's lead-in labels, as bold leads of its paragraphs or bullets (Axios, The Batch,
# the Rundown): "Why it matters:", "Driving the news:", "The details:".
LEAD_IN = re.compile(
    r"^\W*(?:why (?:it|this) matters|the details|details|what['’]s new|what happened|the big "
    r"picture|big picture|zoom (?:in|out)|between the lines|yes,? but|the bottom line|bottom "
    r"line|go deeper|context|background|catch up quick|driving the news|state of play|what "
    r"they['’]re saying|the other side|what['’]s next|what to watch|the takeaway|takeaways?|"
    r"results?|the numbers|by the numbers|our take|my take|the rundown|behind the news|"
    r"we['’]re thinking|the catch|flashback|reality check|the intrigue|the latest)\W*$",
    re.IGNORECASE)

# A paper's or a release's links in a row: "📄 Paper | 💻 Code", "PDF · Code · Demo" (the
# thirty-second sweep)
_RESOURCE = (r"(?:paper|code|pdf|arxiv|github|demo|project(?: page)?|website|blog(?: post)?"
             r"|dataset|data|models?|weights|slides|video|poster|hugging ?face|abstract|repo"
             r"|docs|thread)")
RESOURCE_BAR = re.compile(rf"^\W*{_RESOURCE}(?:[ \t]*[|·•][^\w\n]*{_RESOURCE}){{1,6}}\W*$",
                          re.IGNORECASE)
# A forwarded message's header, a line each: "Subject: AI Docket Watch | Colorado delays"
# (an Apple Mail forward, the thirty-second sweep)
# ("Subject: Line Tricks Fool Gmail's…" is a headline: only the lines that name an address or
# a date, the review)
MAIL_HEADER = re.compile(r"^(?:(?:From|To|Cc|Reply-To):[ \t]+[^\n]*(?:@|<)"
                         # a whole date: "Date: 20 January 2026 at 07:00:12 GMT-5" (not
                         # "Date: 12 May for Google I/O": the review)
                         r"|(?:Date|Sent):[ \t]+(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?[ \t]+)?"
                         r"(?:\d{1,2}[ \t]+[A-Z][a-z]+,?[ \t]+\d{4}|[A-Z][a-z]+[ \t]+\d{1,2},?"
                         r"[ \t]+\d{4}|\d{4}-\d{2}-\d{2}))")
BARE_URL_LINE = re.compile(r"^<?https?://\S+>?$")
# A line that ends a sentence or a clause: "…rose 4%.", "…said:" (in CJK too).
SENTENCE_CLOSE = re.compile(r"[.!?,;:…。！？，、；：]['\"’”)）」』]*$")
# A sentence and the outlet it is from: "…will suffer most. (Economist $)", "…who is it for?
# (Slate $)" after another sentence (MIT Technology Review's The Download: the thirteenth
# blind set).  A title has no full stop before its source ("Robot wins at table tennis (5
# minute read)"), a question alone is one ("Ask: How do you keep notes? (forum)"), and a
# caption's credit is no outlet ("… meeting. (Courier photo / Dana Whitt)").  The stop ends
# a word of two lower-case letters or more, not "U.S." or "Inc." (a headline's "Fed holds
# rates in the U.S. (Reuters)"), nor "…" (a headline cut short: the stop's review).
_WORD_ENDS = r"(?<=[a-z]{2})(?<!\bInc)(?<!\bCorp)(?<!\bLtd)(?<!\bvs)(?<!\bno)"
SENTENCE_THEN_SOURCE = re.compile(rf"(?:{_WORD_ENDS}\.|{_WORD_ENDS}[.!?]\s+[A-Z].*[!?])"
                                  r"['\"’”]*\s+"
                                  r"\((?:The |the )?[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,3}"
                                  r"(?: \$)?\)$")
# A heading over its own questions: an interview, a Q&A, an explainer ("…, explained").  Not
# verbs: "OpenAI asks court to dismiss…" and "…explains" head news (the read-through).
# ("Spotlight — Tamsin Achebe on …" opens one; "Nvidia in the spotlight as earnings loom" is
# news: the review)
ASKS = re.compile(r"^\W*spotlight\b|\b(?:interviews?|q ?& ?a|in conversation|conversation with"
                  r"|faq|explainer|explained|ask me anything|your questions|questions and answers"
                  r"|questions (?:for|with))\b", re.IGNORECASE)
# A card's reading time: "6 min read · ✦ Member-only", "9 minute read".
READING_TIME = re.compile(r"^\d+[- ]?min(?:ute)?s?[- ]read\b", re.IGNORECASE)  # "5-minute read"
# A podcast episode's show, number and length over its title: "TIDEWATER HISTORIES ·
# Episode 142 · 48 min" (the twelfth sweep): a kicker, no title.
EPISODE_LINE = re.compile(
    r"^[^\n]{0,80}?(?:^|[·•|—–]\s*)(?:episode|ep\.?|folge|épisode|episodio)\s*#?\d+"
    r"(?:\s*[·•|—–]\s*\d+\s*(?:min(?:utes?|s)?|h(?:ours?|r)?)(?:\s*\d+\s*min)?)?\s*$",
    re.IGNORECASE)
# An episode's kind or number and its length under its title: "Episode 212 · 58 min",
# "Bonus · 22 min", "Shorts #48 · 6 min" (a podcast's recap: the thirty-eighth sweep); not a
# title with its length, "Weeknight Chicken Curry · 40 min" (a recipe: the review)
RUNNING_TIME = re.compile(r"^(?:episode|ep\.?|bonus|shorts?|minisode|trailer|special|part)\b"
                          r"[^\n·•|]{0,20}[·•|][ \t]*\d{1,3}[ \t]*(?:min(?:ute)?s?"
                          r"|h(?:ours?|rs?)?)\.?$", re.IGNORECASE)
# Words a section name is made of ("Big Companies LLMs & APIs", "Open Source"): a title of
# only these is a section even when prose follows it (structure.py), and a one-word line of
# one ("Science") over a headline is a section name, not a date or a "Share" (roles.py).
LETTER_WORD = re.compile(r"[^\W\d_]{3,}")
SECTION_WORDS = frozenset(re.findall(r"\S+", """
ai big co companies company llms llm apis api open source tools tool business research policy
safety robotics vision video voice audio art diffusion 3d news other top misc miscellaneous
applications hardware funding investments investment papers concerns analysis expert opinions
models releases updates quick hits links lightning round agents products industry science ethics
regulation law chips compute startups and & + / in the of more reading events jobs media
"""))


def capitalised_share(text: str, skip_first: bool = False) -> float:
    """The share of words over three letters that start with a capital (after the first
    word with ``skip_first``, which a sentence capitalises too): Title Case reads high."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)[int(skip_first):] if len(w) > 3]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def letter_words(text: str) -> int:
    """How many words of three letters or more ``text`` holds (digits and marks aside):
    "412 points, 133 comments" has two, a title three or more."""
    return len(LETTER_WORD.findall(text))


def text_size(text: str) -> int:
    """A text's length in Latin characters: a Chinese, Japanese or Korean character says as
    much as three (a 23-character sentence under a headline is its text: attack8)."""
    return len(text) + CJK_WEIGHT * len(CJK.findall(text))


def title_like(line: str, marked: bool = False) -> bool:
    """Short, capitalised, not a sentence; a trailing ":" only when marked as a headline
    (first after a separator, or a "…subhead…" under it)."""
    if len(line) > 2 * TITLE_MAX_CHARS:
        return False
    text = tidy(line)
    if not text or len(text) > TITLE_MAX_CHARS or len(text.split()) > TITLE_MAX_WORDS:
        return False
    if len(text) > TITLE_MAX_CJK and len(CJK.findall(text)) > TITLE_MAX_CJK:
        return False
    raw = ENUMERATOR.sub("", line.strip(DECORATION)).rstrip(DECORATION)
    end = SENTENCE_END.search(raw.removesuffix(":") if marked else raw)
    tag = BRACKET_TAG.match(text)  # after a tag, "nimbus-auth: …" is a package's name
    if tag and len(text[tag.end():].split()) < TAGGED_TITLE_MIN_WORDS:
        return False  # "[PDF] Slides": a link's kind, not a title
    if end or (lower_start(text) and not tag) or BARE_URL_LINE.match(text) or (
            LABELLED_URL.match(text) or POINTED_URL.match(text)) or (
            text[0] in "•·-–—>→➜➔[(“\"" and not tag and not QUOTED_LEAD.match(text)):
        return False  # (a quotation is a pull quote; a quoted phrase that leads a headline
        # before its colon is not, the thirty-fifth sweep; "→ Annual revenue is at $13B" a
        # story's point, the twelfth blind set)
    if SUBHEAD.match(text) or " * " in text:  # "More on this: * a link * another"
        return False
    if (CAPTION.search(text) or _meta_parts(text) or CUT_SHORT.search(text)
            or READING_TIME.match(text) or AUTHOR_LIST.match(text) or posting_meta(text)
            or RECIPE_META.match(text) or LABELED_AUTHORS.match(text)
            or SURNAMES.match(text) or RESOURCE_BAR.match(text) or MAIL_HEADER.match(text)):
        return False
    if BYLINE.match(text) or AUTHORS.match(text):  # "By Staff Writer", "L. Chen, R. Okafor"
        return False  # under a headline: its authors, not a title
    return not SALUTATION.match(text) and not GREETING.match(text)


def _meta_parts(text: str) -> bool:
    """Three or more short parts parted by "·" or "|": a row of links, poll answers or an
    episode's details ("58 min · Apple Podcasts · Spotify · RSS", "Loved it | Meh | Nope"),
    not a headline."""
    parts = [len(re.findall(r"[^\W\d_]+", p)) for p in re.split(r"\s[·|•]\s", text)]
    # ("Tech | AI | OpenAI raises $6.6B" ends in a headline: a kicker's sections over it)
    return len(parts) >= 3 and all(words <= 3 for words in parts) and parts[-1] <= 2


# A review's verdict under its title: "9/10 Best laptop for most pros", "★★★★☆ Great value",
# "Score: 8.5/10" (a gadget site's weekly: the eighteenth sweep)
VERDICT = re.compile(r"^(?:(?:score|rating|verdict)\s*:\s*)?(?:\d{1,2}(?:\.\d)?\s*/\s*10\b"
                     r"|[★☆½]{3,6}(?=\s|$))(?:[ \t]+[^\s]+){0,6}$", re.IGNORECASE)


def is_byline(line: str) -> bool:
    """ "By Ada Marsh, Example Research", "Ada Marsh · Mar 3", "Tue Jun 4, 6:30pm · Mill"
    under a headline: its author or its date, part of the story."""
    text = tidy(line)
    return bool(BYLINE.match(text) or DASH_BYLINE.match(text) or LOWER_BYLINE.match(text)
                or PAPER_AUTHORS.match(text) or SCHOLAR_AUTHORS.match(text)
                or AUTHOR_DATE.match(text) or DATELINE.match(text)
                or NAMED_AUTHORS.match(text) or AUTHOR_LIST.match(text) or EVENT_PLACE.match(text)
                or THREAD_COUNTS.match(text) or CITED_AUTHORS.match(text)
                or LINKED_AUTHORS.match(text) or RECIPE_META.match(text)
                or LABELED_AUTHORS.match(text) or PLACE_DATELINE.match(text)
                or SEVERITY.match(text) or ROLE_BYLINE.match(text) or RUNNING_TIME.match(text)
                or posting_meta(text))


def names_author(line: str) -> bool:
    """ "By Ada Marsh", "Ada Marsh · Mar 3": a line that names a post's author (not a date
    alone, nor a paper's authors)."""
    text = tidy(line)
    return bool(BYLINE.match(text) or AUTHOR_DATE.match(text))


def lower_start(text: str) -> bool:
    """Starts in lower case, as a sentence's continuation does; not a brand written so
    ("xAI raises $6 billion", "iPhone sales slow")."""
    first = text.split(None, 1)[0]
    return first[0].islower() and not any(c.isupper() for c in first[1:])


def marks_headline_above(line: str) -> bool:
    """A "…subhead…", a "[setting]" or a "tl;dr - …" line: the line above it is a headline."""
    return bool(SUBHEAD.match(line) or SETTING.match(line) or TLDR_LEAD.match(line))


def labelled(block: Block, line: str) -> bool:
    """The line opens with a bold label ("What's new: ..."): a lead-in, not a title."""
    return bool(LABEL.search(block.lead)) and tidy(block.lead) != tidy(line)


def is_bold_line(block: Block, line: str) -> bool:
    # Markdown left unrendered ("**Headline**") is bold too.
    literal = line.startswith("**") and line.rstrip().endswith("**")
    return literal or (bool(block.lead) and tidy(block.lead) == tidy(line))


def lead_link(block: Block, line: str) -> str:
    """The title's own link: a link whose text is the whole title."""
    title = tidy(ENUMERATOR.sub("", line))
    for link in block.links:
        if tidy(link.text) and tidy(link.text) in title and len(link.text) >= 0.6 * len(title):
            return link.url
    return ""


def rank_name(rank: int) -> str:
    return {7: "bold line", 8: "title line"}.get(rank, f"heading h{rank}")


def block_lines(block: Block) -> list[str]:
    lines = [line.strip() for line in block.text.split("\n") if line.strip(DECORATION)]
    return lines or [""]


_BLANKS = re.compile(r"\s+")
TIDY_CACHED_CHARS = 300  # a line; a whole paragraph is not kept in the cache


# Marks at a title's ends that are no part of it: a subject's emoji ("☕ Rates, rails and a
# record", beehiiv's habit), an arrow; not quotes, brackets or a question's mark.
KEPT_FIRST = "\"'“‘(["
KEPT_LAST = "\"'”’)]?!."


def bare_title(text: str) -> str:
    """``text`` without the emoji or arrows at its ends: a subject compared with a heading.
    (Character by character: a pattern anchored at the end is quadratic on a subject of
    marks.)"""
    start, end = 0, len(text)
    while start < end and not (text[start].isalnum() or text[start] in KEPT_FIRST):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in KEPT_LAST):
        end -= 1
    return text[start:end]


def tidy(text: str) -> str:
    """A headline as shown: no emphasis marks, enumerator or trailing colon.  Short lines are
    cached: the rules ask it of the same line many times (a title's tests, its section's,
    its zone's); a hostile message's megabyte paragraphs are not kept."""
    return _tidy_line(text) if len(text) <= TIDY_CACHED_CHARS else _tidy(text)


@functools.lru_cache(maxsize=4096)
def _tidy_line(text: str) -> str:
    return _tidy(text)


def _tidy(text: str) -> str:
    text = ENUMERATOR.sub("", text.strip(DECORATION))
    return _BLANKS.sub(" ", text).strip(DECORATION).removesuffix(":").rstrip()


CJK_TITLE_CHARS = 8  # a plain title in Chinese or Japanese, with no link or bold, this long
RANK_LINE = re.compile(r"^(?:#|no\.\s?|n[º°]\s?)\d{1,3}$", re.IGNORECASE)  # "#1", "No. 3"


def cjk_words(line: str) -> bool:
    """A Chinese or Japanese line with words enough to be a headline ("广告主开始用AI批量生成
    短视频广告"), not a date ("2025年7月14日号") nor a button ("▼詳しくはこちら")."""
    return len(CJK.findall(line)) >= CJK_TITLE_CHARS and len(re.findall(r"\d", line)) < 4


def names_a_list(block: Block) -> bool:
    """A bold line of its own that titles the list under it ("**Three things worth your
    time this week:**"): its items are stories, where the links under "More on this:" or
    "**Further reading:**" are the story's."""
    text = tidy(block.text)
    return bool(text) and text == tidy(block.lead) and not RELATED.match(text)


TITLED_ITEM_WORDS = 4
TITLED_ITEM_BODY_CHARS = 200  # a list item's text under its bold headline line: a story's
# such items in an issue, at least: three bold lessons or steps are one essay's (the review)
TITLED_ITEMS = 5


def titled_list_item(block: Block) -> str:
    """The headline of a list item whose first line is all a bold headline, over paragraphs
    of its own: a story of a numbered top ten (a Substack roundup, the thirty-eighth sweep);
    "" for any other block.  A story's own points under bold heads ("**Faster inference**"
    over a sentence) are shorter."""
    lead = tidy(block.lead)
    if (block.kind != "list_item" or not lead or "\n" not in block.text
            or tidy(block.text.split("\n", 1)[0]) != lead):
        return ""
    if (len(lead.split()) < TITLED_ITEM_WORDS or not title_like(lead) or LABEL.search(lead)
            or lead.endswith("?") or STEP.match(lead)
            or len(block.text) - len(block.lead) < TITLED_ITEM_BODY_CHARS):
        return ""
    return lead


def many_titled_items(blocks: Sequence[Block]) -> bool:
    """The issue is a top ten of ``titled_list_item`` stories: five of them at least."""
    return sum(1 for block in blocks if titled_list_item(block)) >= TITLED_ITEMS
