"""Segment stage, structural engine: runs of named one-liners under a section's title.

Tools, deals and briefs are often listed as a short bold or linked name, then what it
is or did: "🔧 **Sift**: turns a folder of PDFs into a table", "**Quanta Loom** raised
$12M seed…", "**Chip tariffs delayed.** The Commerce Department…".  Each is a story
(../shared/data/README.md), but a name of one to five words is too short to pass as a
link-led item's headline or a bold lead's, and an "X: text" lead reads like a label
("Why it matters:").  So they are items only together: two or more in a row, right
under a short section-like title ("Deals", "🧰 TOOLS", "Quick hits", "Kurz notiert").
Under a jobs or events heading they are listings, not stories, and stay as they are.

Found by the third blind sweep (README.md, segmentation): tool lists, deal roundups and
quick hits whose items were merged into one story or dropped with their text.  An attack
on the first version (30 issues aimed at its edges) showed how much a short title and a
bold name can be: a story's headline over its lead-ins ("Context:", "The numbers:"),
quotes of the week, a glossary, a spec list, FAQ, speakers, days of the week, figures,
an interview's turns.  So the title must name a kind of list (``LIST_WORDS``), and the
names must be names: no question, no figure, no weekday, no quote after them, none twice.

A list's title beside other lists' may use other words: "Early stage", "Growth" and
"Acquisitions" over company names (the fifth sweep).  A title of one or two words, of
the rank of a list title with items under it, is read as one too; a story's headline is
longer ("Chip export fight" keeps "**Nvidia** said…" as its text: the review).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from service.domain import Block, Link
from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.headlines import (
    LABEL,
    LEAD_IN,
    RELATED,
    TITLE_MAX_WORDS,
    block_lines,
    tidy,
)
from service.ingest.units import Unit

__all__ = ["RUN_MIN", "name_of", "named_runs", "news_sentence", "section_like"]

NAME_MAX_WORDS = 5  # "Kölner Sprachmodell-Start-up", "Meridian Health AI"
NAME_MAX_CHARS = 60
SECTION_MAX_WORDS = 6  # "Everything else in AI today"; the words must be list words too
# The words of a section that lists items, each its own story: "Deals", "🧰 TOOLS", "Quick
# hits", "In other news", "Also notable", "Product updates", "Kurz notiert", "En bref",
# "Treats to try", "Our picks".
# Every word of the title must be one: "Chip rules tighten" and "Quotes of the week" are
# not such titles.
LIST_WORDS = frozenset(re.findall(r"\S+", """
tools tool launches launched launch releases release new products product updates update
apps repos repositories models papers research open source open-source news headlines
briefs brief briefly quick hits bites takes links roundup round-up lightning round deals
deal funding fundraising raises rounds money investments acquisitions startups notable also
other elsewhere more shorts snippets bits trending in and & + / the of this week's weekly
today's kurz notiert meldungen werkzeuge en bref brèves breves outils breve noticias
herramientas rápidas rapidinhas notícias notizie brevi ai everything else today projects
code around web treats try to our picks finds favorites favourites
venture private equity exits exit funds ipos ipo mergers m&a
interesting libraries library packages crates plugins extensions
fixes fixed improvements improved changes bugfixes good know worth noting reminders
announcements shipped patched a star look
"""))
# A title over one pick: "🔧 Tool of the week", "App of the day", "Repo of the week".
PICK_OF_THE_WEEK = re.compile(r"^\W*(?:(?:ai )?tool|app|pick|product|repo|resource|find|gadget|"
                              r"book|paper|podcast|read|model|dataset)s? of the (?:week|day|month)"
                              r"\W*$", re.IGNORECASE)
# Words that may stand in a list's title but do not make one alone: "AI" or "Projects"
# can head a single story told in bold lead-ins ("Audits:", "Funding:"; an attack).
WEAK_WORDS = frozenset(re.findall(r"\S+", """
ai projects code research models apps product new open in and & + / the of this week's
weekly today's today
"""))
TEXT_MIN_CHARS = 30  # what follows the name says what it is or did
HEADLINE_WORDS = 4  # a link this long is a headline, whatever follows it
RUN_MIN = 2  # one named paragraph under a title may be that story's own lead-in
PEER_MAX_WORDS = 2  # "Early stage", "Series A": a list's title beside "Acquisitions"
# Listings, not stories (data/README.md): a run of names under these is left alone.
LISTINGS = re.compile(r"\b(?:jobs?|hiring|careers?|roles|openings|events?|calendar|agenda|"
                      r"upcoming|sessions?|webinars?|meetups?|conferences?|dates)\b",
                      re.IGNORECASE)
# What may come before a name: bullets, arrows, emoji, spaces ("▸ ", "🔧 ", "• ").
GLYPHS = re.compile(r"^[^\w\"'“‘(\[$€£]+")
# What follows a name: a colon, a dash, a comma, or the rest of a sentence; not a quote.
# Matched at the name's end in the line, so the "." of "Chip tariffs delayed." is seen.
TAIL = re.compile(r"(?:\s*[:—–|,-]\s+|\s+|(?<=\.)\s*)[^\s\"“‘']")
DASH_TAIL = re.compile(r"\s+[—–]\s+\S")  # " — what it is"
# Not names: a question, a figure ("$4.2 billion", "62%"), a day or a part.
NOT_NAME = re.compile(r"\?$|^[\d$€£%#+-]|^(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
                      r"^(?:part|step|day|chapter|round|q)\b", re.IGNORECASE)

def name_of(block: Block) -> tuple[str, str] | None:
    """(name, url) when ``block`` opens, after any bullet or emoji, with a short bold or
    linked name and then says something of it; else None."""
    if block.kind not in ("paragraph", "list_item"):
        return None
    first = block_lines(block)[0]
    text = GLYPHS.sub("", first)
    linked = [(tidy(link.text), link.url) for link in block.links[:1]
              if link.url.startswith("http")]
    lead = tidy(block.lead)
    # a bold name inside its link ("<a><b>Quanta Loom</b></a>") keeps the link's address
    candidates = [(lead, next((url for name, url in linked if name == lead), ""))] if lead else []
    if not (lead and lead == tidy(text)):
        # (a bold line that is a whole headline, "**[Corvane] buys Lattice Labs**", is not
        # named by its link: the fourteenth attack)
        candidates += linked
    for name, url in candidates:
        if not name or not text.startswith(name) or LABEL.search(name) or NOT_NAME.search(name):
            continue
        if url and HEADLINE_WORDS <= len(name.split()) <= TITLE_MAX_WORDS and name != lead:
            # a linked headline running on into its sentence ("<a>Brightwell raised $40M
            # for claims agents</a>, bringing its valuation to $310M.")
            return name.rstrip(" ."), url
        words = len(name.split())
        tail = text[len(name):]
        if tidy(text) == name and len(lines := block_lines(block)) > 1:
            # the name on a line of its own over what it is ("**quiver**<br>A fast, typed
            # dataframe library…", a developer weekly's projects: the sixteenth sweep)
            tail = " " + " ".join(lines[1:])
            text = name + tail
        if (words > NAME_MAX_WORDS or len(name) > NAME_MAX_CHARS
                or CALL_TO_ACTION.match(name) or not TAIL.match(text, len(name))
                or len(tail.strip(" :—–|-")) < TEXT_MIN_CHARS):
            continue
        return name.rstrip(" ."), url
    return None


# A bullet that is one sentence of news: "Keel AI raised $65 million to build inference
# chips.", "The U.S. Department of Commerce proposed reporting rules for clusters."
SENTENCE_WORDS = (6, 45)
SENTENCE = re.compile(r"^[\"“‘'(]?[A-Z0-9][^\n]*[.!)”\"'’]$")
# ...but not the newsletter speaking of itself ("We review the report", "Our series on
# agent memory continues"): a preview of the next issue, no news.
OWN_VOICE = re.compile(r"^(?:we|our|i|you|your|my|us|this (?:week|issue)|next (?:week|issue)|"
                       r"coming up|an interview with)\b", re.IGNORECASE)
# Titles over a story's own points, not a section of news: "Key takeaways", "Highlights".
POINTS = re.compile(r"\b(?:takeaways?|highlights?|points?|details?|summary|recap|tl;?dr|"
                    r"numbers|facts|notes|previews?|coming|next|upcoming|agenda|lessons?|"
                    r"questions?|answers?|why|what(?! else)|how)\b", re.IGNORECASE)
QUOTED = re.compile(r":\s*[\"“]|[\"”]\s*$|^[\"“]")  # 'said: "…"', '"…"', a post quoted in a bullet
SENTENCE_SECTION_WORDS = 4  # "📡 AI Radar", "Government", "Civil Society", "Best of the rest"
# "[7-9] " before a section's name in capitals (the 32nd sweep); "[1] OpenAI ships GPT-5
# today" is a headline (the review)
SECTION_NUMBER = re.compile(r"^\[[\d \t–-]{1,9}\][ \t]*(?=[^a-z]*$)")


def news_sentence(block: Block, kinds: tuple[str, ...] = ("list_item",)) -> bool:
    """A list item (or, under a list's title, a paragraph) that is one sentence of news, in
    the third person, on one line; not a quote ("One former colleague said: "…"")."""
    lines = block_lines(block)
    text = GLYPHS.sub("", tidy(lines[0])) if len(lines) == 1 else ""
    words = len(text.split())
    return (block.kind in kinds and not block.lead
            and SENTENCE_WORDS[0] <= words <= SENTENCE_WORDS[1]
            and bool(SENTENCE.match(text)) and not OWN_VOICE.match(text) and "?" not in text
            and not QUOTED.search(text))


def sentence_section(headline: str) -> bool:
    """A short heading that names a section ("Government", "📡 AI Radar"), not a story's
    headline nor a title over its points, listings or a preview."""
    # (its number in a plain-text digest is no word of it: "[7-9] ALSO PATCHED THIS WEEK")
    words = re.sub(r"[^\w&+/'-]+", " ", SECTION_NUMBER.sub("", tidy(headline))).split()
    return (0 < len(words) <= SENTENCE_SECTION_WORDS and not headline.rstrip().endswith("?")
            and not POINTS.search(headline) and not LISTINGS.search(headline))


def section_like(headline: str) -> bool:
    """A short title naming a kind of list ("Deals", "Quick hits"), not a story's headline
    or a listing's."""
    # (a count in front is no word of it: "3 AI tools to try", "5 quick hits")
    words = re.sub(r"[^\w&+/'-]+", " ", tidy(headline).lower().replace("’", "'")).split()
    words = words[1:] if words and words[0].isdigit() else words
    return (0 < len(words) <= SECTION_MAX_WORDS and all(w in LIST_WORDS for w in words)
            and not all(w in WEAK_WORDS for w in words) and not LISTINGS.search(headline))


def named_runs(units: list[Unit]) -> list[Unit]:
    """Each body unit of a run of named one-liners under a section-like title is an item
    (``name_of``); a run goes on while units are named body blocks or items already.  Then
    the same under a short title of the rank of a list that had such a run ("Early stage",
    "Growth" beside "Acquisitions": ``peer_like``).  Each unit is looked at a few times at
    most: linear."""
    out = _runs(list(units), lambda unit: section_like(unit.headline))
    # "🔧 Tool of the week" over one named paragraph: the tool is the story (the eleventh sweep)
    out = _runs(out, lambda unit: bool(PICK_OF_THE_WEEK.match(tidy(unit.headline))), needed=1)
    out = _sentence_runs(out)
    listed = {out[i].rank for i in range(len(out) - RUN_MIN)
              if out[i].role == "title" and section_like(out[i].headline)
              and all(u.role == "item" for u in out[i + 1:i + 1 + RUN_MIN])}
    if not listed:
        return out
    # (beside such a list one named line makes a list: "EXITS" over one deal, the eleventh sweep)
    return _runs(out, lambda unit: unit.rank in listed and peer_like(unit.headline), needed=1)


def peer_like(headline: str) -> bool:
    """A title as short as a list's ("Early stage", "Series A", "Growth"): beside a list
    title of its rank it names a list too.  A story's headline is longer."""
    words = tidy(headline).split()
    return (0 < len(words) <= PEER_MAX_WORDS and not headline.rstrip().endswith("?")
            and not LISTINGS.search(headline))


def _named_line(unit: Unit) -> bool:
    """A short named line the engine read as a title for the text under it ("**Calyx
    Voice** – translates calls", over the next tool: attack7); in a run, one of its items."""
    return unit.role == "title" and unit.rank == 8 and name_of(unit.block) is not None


def _runs(out: list[Unit], titled: Callable[[Unit], bool], needed: int = RUN_MIN
          ) -> list[Unit]:
    index = 0
    while index < len(out):
        index += 1
        if out[index - 1].role != "title" or not titled(out[index - 1]):
            continue
        run, end, names = [], index, set()
        while end < len(out) and (out[end].role in ("body", "item") or _named_line(out[end])):
            if out[end].role != "item":
                found = name_of(out[end].block) or _bold_dash_lead(out[end].block)
                if found is None:
                    break
                run.append((end, *found))
            names.add(out[end].headline if out[end].role == "item" else run[-1][1])
            end += 1
        # the same name twice is an interview's turns or a table's rows, not news items
        if run and end - index >= needed and len(names) == end - index:
            for at, name, url in run:
                out[at] = Unit("item", out[at].block, 9, name, url, "item: named line")
        index = max(index, end)
    return out


def _bold_dash_lead(block: Block) -> tuple[str, str] | None:
    """A bullet's bold headline before a long dash, longer than a name ("**Dark mode for the
    mobile app** — follows your system setting"): under a list's title, an item of its own
    (a changelog's "ALSO SHIPPED", the thirty-second sweep)."""
    lead = tidy(block.lead)
    rest = tidy(block.text)[len(lead):]
    if (block.kind != "list_item" or not lead or not tidy(block.text).startswith(lead)
            or not DASH_TAIL.match(rest) or len(lead.split()) > TITLE_MAX_WORDS
            or LABEL.search(lead) or len(rest) < TEXT_MIN_CHARS):
        return None
    return lead.rstrip(" ."), ""


def _sentence_runs(out: list[Unit]) -> list[Unit]:
    """Each bullet of a run of news sentences that is all a section heading holds (the
    seventh sweep: "Government", "📡 AI Radar", "Around the Horn" over one-sentence news)
    is an item headlined by its sentence.  The heading must be a heading (rank 1-6) with
    nothing but the run under it, so a story's bullet points under its headline stay its
    text; under a list's title ("QUICK HITS") plain paragraphs count too.  A heading of
    the rank of one that had such a run needs only one ("Civil Society" beside
    "Government")."""
    ranks: set[int] = set()
    out = _sentence_pass(out, lambda title: RUN_MIN, ranks)
    if ranks:
        out = _sentence_pass(out, lambda title: 1 if title.rank in ranks else RUN_MIN, set())
    return out


def _sentence_pass(out: list[Unit], needed: Callable[[Unit], int], ranks: set[int]
                   ) -> list[Unit]:
    index = 0
    while index < len(out):
        title = out[index]
        index += 1
        if title.role != "title":
            continue
        listed = section_like(title.headline)
        if RELATED.match(title.headline) or (
                not listed and (title.rank > 6 or not sentence_section(title.headline))):
            continue  # ("Further reading" over the story's sources: its text)
        kinds = ("list_item", "paragraph") if listed else ("list_item",)
        end, heads = index, list[tuple[str, str]]()  # (headline, "label" or "sentence")
        while end < len(out) and out[end].role == "body":
            block, kind = out[end].block, heads[0][1] if heads else ""  # a run is of one kind
            head = labelled_news(block) if kind != "sentence" else None
            if head is None and kind != "label" and news_sentence(block, kinds):
                head = (_sentence_headline(block), "sentence")
            if head is None:
                break
            heads.append(head)
            end += 1
        closed = end == len(out) or out[end].role in ("title", "rule", "item")
        if len({headline for headline, _ in heads}) < len(heads):
            # the same company twice heads its bullets by their sentences (the review)
            heads = [(GLYPHS.sub("", tidy(block_lines(out[at].block)[0])), kind)
                     if kind == "sentence" else (headline, kind)
                     for at, (headline, kind) in zip(range(index, end), heads, strict=True)]
        if len({headline for headline, _ in heads}) < len(heads):
            # the same label twice is a tag ("**Funding:** <a>Tessellate raises $42M</a>…",
            # attack8): each bullet's link, when it has one, heads it instead
            heads = [(link, "link") if (link := _linked_headline(out[at].block)) else head
                     for at, head in zip(range(index, end), heads, strict=True)]
        distinct = len({headline for headline, _ in heads}) == len(heads)
        if end - index >= needed(title) and closed and distinct:
            ranks.add(title.rank)
            for at, (headline, kind) in zip(range(index, end), heads, strict=True):
                web = _web_link(out[at].block)
                out[at] = Unit("item", out[at].block, 9, headline, web.url if web else "",
                               f"item: news {kind}")
        index = max(index, end)
    return out


NAME_SET_OFF = re.compile(r"\s*(?:,|\(|[—–-]\s)")


def _sentence_headline(block: Block) -> str:
    """A news sentence's headline: the text of the link it opens with ("🔋 **[Voltwright]**,
    a Denver-based maker of batteries, raised $32M", a deals list: the sixteenth sweep), as
    data/README.md heads a one-line item by its link's text; else the sentence."""
    sentence = GLYPHS.sub("", tidy(block_lines(block)[0]))
    link = _web_link(block)
    name = tidy(link.text) if link else ""
    # (only a name set off by a comma, a bracket or a dash: "<a>OpenAI</a> signed a deal…"
    # is headlined by its sentence: the review)
    if (name and sentence.startswith(name) and NAME_SET_OFF.match(sentence, len(name))
            and not CALL_TO_ACTION.match(name)):
        return name
    return sentence


def _web_link(block: Block) -> Link | None:
    """A block's first link to a web page (not "mailto:")."""
    return next((link for link in block.links if link.url.startswith("http")), None)


def _linked_headline(block: Block) -> str:
    """The text of a bullet's first link, when it reads as a headline (four words or more)."""
    link = _web_link(block)
    text = tidy(link.text) if link else ""
    return text if len(text.split()) >= HEADLINE_WORDS else ""


def labelled_news(block: Block) -> tuple[str, str] | None:
    """("Chip shot", "label") for a bullet "**Chip shot:** A memory maker raised its
    outlook…": a short bold label and a sentence of news (Morning Brew: sweep8); not a
    story's own lead-in ("**Why it matters:**", "**The details:**")."""
    lead = tidy(block.lead)
    labelled = (LABEL.search(block.lead) or LABEL.search(lead + block.text[len(block.lead):]
                                                     .lstrip()[:1]))
    if (block.kind != "list_item" or not lead or not labelled or LEAD_IN.match(lead)
            or not 1 <= len(lead.split()) <= NAME_MAX_WORDS):
        return None
    rest = tidy(block.text)[len(lead):].strip(" :")
    return (lead.rstrip(" :"), "label") if len(rest) >= TEXT_MIN_CHARS else None
