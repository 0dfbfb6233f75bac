"""Segment stage, structural engine: a headline, its subhead and its text joined in one
paragraph, read as the lines they were.

Import AI's plain mirror writes a story's opening as three lines: "Headline:", then
"…subhead…", then the text.  An HTML part rendered from it (Markdown joins soft line
breaks) makes them one paragraph, "Headline: …subhead… text", and the issue came out
as one story (the ninth sweep: Import AI's shape from other senders).  Not every colon
before an ellipsis opens a story: a quote's introduction ("Their CTO said: …it broke…
which…"), a lead-in ("Why this matters:") or an interview's turn ("**Mara Ilves:**
*…we never turned it off…*") stays as it is (the ninth and tenth attacks).
"""

from __future__ import annotations

import re

from service.domain import Block
from service.ingest.bylines import AUTHOR_NAME
from service.ingest.headlines import LEAD_IN, lower_start, title_like

__all__ = ["INLINE_SUBHEAD", "SPEAKS", "as_lines", "linked_run"]

# A columnist's "Things happen": one paragraph of linked headlines and nothing else but the
# full stops between them ("Fed Holds Rates Steady. Harbor Trust Shares Slide After…", the
# sixteenth blind set).  Each link names a headline (four words at least) and each ends in
# a stop, as sentences do: a row of "Twitter · Facebook", a story's sources or a footer's
# links joined by "·" or "|" (the review), or a sentence with links in it stays as it is.
RUN_LINKS = 3
RUN_LINK_WORDS = 4
BETWEEN_LINKS = re.compile(r"\s*[.;]\s*")
AFTER_LINKS = re.compile(r"\s*[.;]?\s*")
SENTENCE_END = re.compile(r"[.;!?]\W*$")
INLINE_HEAD_WORDS = 4  # "Agency spokesperson: …" is a speaker (attack10), "The compute curve: …"
# an essay's section (attack9); a headline runs longer
# ...not a speaker's name ("Mara Ilves: …we never turned it off…", attack10), nor a quote's
# introduction ("One reviewer summed it up:", "The minister's summary was:",
# "Programming note:": the ninth attack)
SPEAKS = re.compile(
    r"\b(?:said|says|say|told|tells|wrote|writes|asked|asks|ask|explained|added|noted|put it"
    r"(?: this way)?|summed it up|was|were|is|are|note|see)\W*:$", re.IGNORECASE)
# "Robots learn to fold laundry: …The task that humbled roboticists cracks… Researchers at…"
INLINE_SUBHEAD = re.compile(
    r"(?P<head>[^\n…]{10,200}?:)[ \t]+(?P<sub>(?:…|\.\.\.)[^\n…]{3,300}?(?:…|\.\.\.))"
    r"(?P<rest>.*)", re.DOTALL)  # (or "...", three full stops: the tenth sweep)


def as_lines(block: Block) -> list[Block]:
    """"Headline: …subhead… text" in one paragraph (HTML that joins the plain mirror's
    lines, Import AI's shape from another sender: the ninth sweep) as the three blocks its
    lines were: the headline, the "…subhead…" that marks it, the text; a paragraph that is
    only its linked headlines, one after the other, as a block each (``linked_run``)."""
    if run := linked_run(block):
        return run
    found = INLINE_SUBHEAD.match(block.text) if block.kind == "paragraph" else None
    head = found["head"].rstrip(":").strip() if found else ""
    if (found is None or len(head.split()) < INLINE_HEAD_WORDS or AUTHOR_NAME.match(head)
            or not title_like(found["head"], marked=True)
            or SPEAKS.search(found["head"]) or LEAD_IN.match(found["head"])
            or lower_start(found["rest"].strip() or "X")):
        # a speaker's turn ("Mara Ilves: …we never turned it off…", attack10), a quote
        # ("Their CTO said: …it broke… which…"), a lead-in
        return [block]
    parts = [Block(kind="paragraph", text=found["head"]),
             Block(kind="paragraph", text=found["sub"])]
    rest = found["rest"].strip()
    return parts + ([Block(kind="paragraph", text=rest, links=block.links)] if rest else [])


def linked_run(block: Block) -> list[Block]:
    """The paragraph's links as a paragraph each, when it holds nothing else (``RUN_LINKS``
    or more, each of ``RUN_LINK_WORDS`` words at least); else none."""
    if block.kind != "paragraph" or len(block.links) < RUN_LINKS or any(
            len(link.text.split()) < RUN_LINK_WORDS or SENTENCE_END.search(link.text)
            for link in block.links):
        return []  # (sentences linked whole, a stop inside each link, are a story's text)
    rest, at = block.text, 0
    for link in block.links:
        found = rest.find(link.text, at)
        if found < 0 or not (BETWEEN_LINKS if at else AFTER_LINKS).fullmatch(rest, at, found):
            return []
        at = found + len(link.text)
    if not AFTER_LINKS.fullmatch(rest, at):
        return []
    return [Block(kind="paragraph", text=link.text, links=(link,)) for link in block.links]
