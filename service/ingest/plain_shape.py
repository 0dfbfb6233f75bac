"""Parse stage, text/plain bodies: how an issue writes its bullets and headlines.

Read once over the whole issue before any chunk is read (plain.py): whether "→" marks
bullets, whether a bullet is a headline over its summary or a quick hit ending in its own
address, whether ">> " marks headlines.  One such line under a story is its text; an issue
written so throughout is not (the thirty-fifth to thirty-seventh sweeps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingest.bylines import CARD_SEPARATOR

__all__ = [
    "BULLET",
    "PLAIN_BULLETS",
    "SENTENCE_END",
    "SENTENCE_STOP",
    "SUMMARY_LINES",
    "VERSION",
    "WRAPPED_BEFORE",
    "BulletShape",
    "bullet_shape",
    "headline_over_text",
    "hyphen_led",
    "pointed",
    "pointed_over_text",
    "pointed_titles",
    "quick_hit",
    "titled_brief",
]

BULLET = re.compile(r"[*•+–-]\s+(?=\S)")
# "→ Veridian cuts API prices in half: Its flagship…": arrows mark bullets only in an issue
# with three long arrow lines at least (a quick-hits brief, the thirty-sixth sweep); one
# "→ Read the draft: https://…" under a story, or "→ Revenue: $30B" under a headline, is
# its text (the review)
ARROW = re.compile(r"[→▸►‣]\s+(?=\S)")
ARROW_LINES, ARROW_LINE_WORDS = 3, 8
# a quick hit: "Headline: Summary… https://…" or "Headline -- summary… https://…", its own
# address at its end (the thirty-sixth sweep)
QUICK_HIT = re.compile(r"(?P<head>[^:\n]{8,120}?)(?:: (?=[A-Z0-9“\"$])| -- )(?P<rest>[^\n]*?)"
                       r"[ \t]+<?(?P<url>https?://[^\s<>]+)>?[ \t]*$")
QUICK_HITS, QUICK_SHARE = 4, 0.5  # such bullets in an issue, and their share of its bullets
# ">> Marrow walks away from the Kestrel deal" alone between blank lines, over its text: a
# headline so marked (a business daily, the thirty-seventh sweep), only where the issue has
# two such lines at least; a reply's quoted line is a sentence, quoted text under it too
POINTED = re.compile(r"(?:>>|[»▶►■])[ \t]+(?P<title>[^>\s][^\n]{7,159})")  # ("▶", "■": 41st)
POINTED_TITLES = 2
# "Water main work on Quay Street - expect single-lane traffic…": a brief's headline, a
# hyphen, then its text in lower case, a paragraph each (a city digest's "IN BRIEF", the
# thirty-seventh sweep), only in a run of three such paragraphs at least
HYPHEN_LED = re.compile(r"(?P<head>[A-Z0-9][^\n]{8,100}?) - (?=[a-z])")
HYPHEN_RUN, HYPHEN_HEAD_WORDS = 3, (4, 12)
LABEL_WORDS = 4  # a section's name over such a run
HEADLINE_WORDS = 4  # a bullet's headline over its text; "* Nvidia" over text is a name
SUMMARY_LINES = 2  # under a bullet's headline, its summary's lines
SUMMARISED_BULLETS = 3  # bullets of that shape in an issue, at least
SUMMARY_SHARE = 0.59  # of its bullets ("3 of 5": 0.6 x 5 is 3.0000000000000004)
TITLE_WORDS = 14  # a quick hit's headline
POINTED_WORDS = 4  # a ">> " headline's words, at least
SENTENCE_STOP = re.compile(r"[.!?](?:['’\"”)])?(?=\s|$)")
# words a wrapped line ends on, before the next line's name
WRAPPED_BEFORE = frozenset(re.findall(r"\w+", """a an the of to in into for and or but with on at
    by from as its their his her our that which who is are was were be been has have had than
    via per about after before under over between against during including like near"""))
SENTENCE_END = re.compile(r"[.!]['’\"”)]?$")


def pointed(chunk: str) -> str:
    """The headline of a chunk that is one ">> Headline" line, or ""."""
    found = POINTED.fullmatch(chunk.strip())
    title = found.group("title").strip() if found else ""
    return title if (len(title.split()) >= POINTED_WORDS and not SENTENCE_END.search(title)
                     and not SENTENCE_STOP.search(title[:-1])) else ""




def pointed_over_text(chunk: str) -> tuple[str, list[str]]:
    """A ">> Headline" line over its indented lines (">> Jazz in de Domkerk" over "   Do 10
    okt, 20:00 | Domkerk | EUR 18" and what it is: an events listing, the forty-seventh
    sweep): its headline and its text's lines, or ("", []).  Set apart by its text's indent, a
    headline of two words is one."""
    first, _, rest = chunk.strip("\n").partition("\n")
    found = POINTED.fullmatch(first.strip()) if rest else None
    lines = rest.split("\n")
    if found is None or not all(line.startswith(("  ", "\t")) for line in lines):
        return "", []
    title, below = found.group("title").strip(), lines[0].strip()
    if (len(title.split()) < 2 or SENTENCE_END.search(title) or SENTENCE_STOP.search(title[:-1])
            or title[-1] in ",;:" or title.split()[-1].lower() in WRAPPED_BEFORE
            or (below[:1].islower() and not CARD_SEPARATOR.search(below))):
        return "", []  # a bullet's sentence wrapped: "■ Council approves … after a" (review)
    return title, [line.strip() for line in lines if line.strip()]


def pointed_titles(text: str, chunks: list[str]) -> bool:
    """Two ">> Headline" chunks at least, each over a chunk of text that is not quoted, in
    no reply (a "> " line or a "… wrote:" line: its ">>" lines quote a message, the review)."""
    if any(line.startswith("> ") or line.rstrip().endswith("wrote:")
           for line in text.split("\n")):
        return False
    return sum(1 for at, chunk in enumerate(chunks[:-1]) if pointed(chunk)
               and chunks[at + 1].strip()[:1] not in ("", ">")
               and not pointed(chunks[at + 1])) + sum(
        1 for chunk in chunks if pointed_over_text(chunk)[0]) >= POINTED_TITLES


@dataclass(frozen=True)
class BulletShape:
    """How the issue writes its bullets, read once over all of it."""

    arrows: bool = False  # "→" marks bullets
    titled: bool = False  # a bullet is a headline over its summary's lines
    quick: bool = False  # a bullet is "Headline: summary… https://…"

    def mark(self, line: str) -> re.Match[str] | None:
        return BULLET.match(line) or (ARROW.match(line) if self.arrows else None)


PLAIN_BULLETS = BulletShape()  # "*", "•", "-" bullets, each its own text


def bullet_shape(text: str, chunks: list[str]) -> BulletShape:
    arrows = sum(1 for line in text.split("\n") if ARROW.match(line.strip())
                 and len(line.split()) >= ARROW_LINE_WORDS) >= ARROW_LINES
    shape = BulletShape(arrows=arrows)
    bullets = [lines for chunk in chunks
               for lines in _bullets([line.strip() for line in chunk.split("\n")], shape)]
    summarised = sum(map(_summarised, bullets))
    quick = sum(quick_hit(" ".join(lines)) is not None for lines in bullets)
    return BulletShape(arrows, len(bullets) >= SUMMARISED_BULLETS
                       and summarised >= SUMMARY_SHARE * len(bullets),
                       quick >= QUICK_HITS and quick >= QUICK_SHARE * len(bullets))


# "Tabulate – paste any messy table from a PDF and get clean CSV back": a name or a headline,
# a spaced dash, then a summary in lower case (a headline's own "— for now" is shorter)
TITLED_BRIEF = re.compile(r"(?P<head>[^\s–—-][^–—]*?)(?P<rest>[ \t]+[–—-][ \t]+(?=[a-z])\S.*)")
BRIEF_SUMMARY_WORDS = 4
BRIEF_HEAD_CHARS = 12
VERSION = re.compile(r"\bv?\d+(?:\.\d+)+")  # "4.2.0", "v2.1", "5.0.0-rc.1"


def titled_brief(text: str) -> re.Match[str] | None:
    """A bullet's "Title – summary" in one line: its title ends at the first spaced dash."""
    found = TITLED_BRIEF.fullmatch(text)
    if not found:
        return None
    head, rest = found.group("head").strip(), found.group("rest")
    # (not a release's "Pyrite 2.3.1 — lockfile resolution regression fixed": what the
    # version brings is its news, the headline a reader wants: the thirty-fourth sweep)
    # (a link item's text is 12 characters and two words at least: "Tabulate" alone would
    # be no item, so its line stays whole)
    return found if (len(head) >= BRIEF_HEAD_CHARS and 2 <= len(head.split()) <= TITLE_WORDS
                     and not SENTENCE_END.search(head)
                     and not VERSION.search(head.split()[-1])
                     and len(rest.split()) - 1 >= BRIEF_SUMMARY_WORDS
                     and head.count("(") == head.count(")")) else None


def quick_hit(text: str) -> re.Match[str] | None:
    found = QUICK_HIT.match(text)
    head = found.group("head").strip() if found else ""
    words = len(head.split())
    return found if (3 <= words <= TITLE_WORDS and not SENTENCE_END.search(head)
                     and head.count("(") == head.count(")")) else None


def _bullets(lines: list[str], shape: BulletShape) -> list[list[str]]:
    """A chunk's bullets, each with its lines (the first without its mark)."""
    found: list[list[str]] = []
    for line in lines:
        if mark := shape.mark(line):
            found.append([line[mark.end():]])
        elif found and line:
            found[-1].append(line)
    return found


def _summarised(lines: list[str]) -> bool:
    """A headline over a summary of two sentences or more set in under it (the chip letter
    of the thirty-fifth sweep); when most of the issue's bullets, three at least, are so,
    each such is a title over its text.  One news sentence wrapped before a name ("…with
    Constellation" / "Energy to restart…") among one-line bullets is not (the review: it
    took every story of its section)."""
    head, *text = lines
    return (len(text) >= SUMMARY_LINES and headline_over_text(head, text[0])
            and len(SENTENCE_STOP.findall(" ".join(text))) >= 2)


def headline_over_text(head: str, below: str) -> bool:
    """A bullet's first line that is a headline over the first line of its text: it does not
    end as a sentence or a wrapped clause does, and the line under it opens a sentence."""
    words = head.split()
    # (not a line wrapped before a name: "…in Grayfield Systems, a" / "Virginia-based…")
    return (len(words) >= HEADLINE_WORDS and not SENTENCE_END.search(head)
            and head.count("[") == head.count("]") and head.count("(") == head.count(")")
            and below[:1].isupper() and not head.endswith((",", ";", ":", "-", "–", "—"))
            and words[-1].lower() not in WRAPPED_BEFORE)


def hyphen_led(chunks: list[str]) -> dict[int, str]:
    """The chunks, by index, of a run of paragraphs each led by "Headline - text", with
    their headlines; only a run right under a label ("IN BRIEF", "Around town:"): in an
    essay or under a story's own paragraph, " - " is a dash in a sentence (the review)."""
    heads = [_hyphen_head(chunk) for chunk in chunks]
    led: dict[int, str] = {}
    start = 0
    for at in range(len(chunks) + 1):
        if at == len(chunks) or not heads[at]:
            if at - start >= HYPHEN_RUN and start and _label(chunks[start - 1]):
                led.update((i, heads[i]) for i in range(start, at))
            start = at + 1
    return led


def _label(chunk: str) -> bool:
    """A section's name alone: "IN BRIEF", "Around town:", "Briefly" (underlined too)."""
    lines = [line.strip() for line in chunk.strip().split("\n")]
    name = lines[0].strip("=-#*:[] \t")
    underlined = len(lines) == 2 and set(lines[1]) <= set("=-") and len(lines[1]) >= 3
    return (len(lines) == 1 or underlined) and 0 < len(name.split()) <= LABEL_WORDS and (
        name.isupper() or lines[0].endswith(":") or len(name.split()) <= 2)


def _hyphen_head(chunk: str) -> str:
    found = HYPHEN_LED.match(chunk.lstrip())
    head = found.group("head") if found else ""
    low, high = HYPHEN_HEAD_WORDS
    return head if (low <= len(head.split()) <= high and not SENTENCE_STOP.search(head)
                    and "**" not in head) else ""
