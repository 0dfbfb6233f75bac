"""Segment stage, structural engine: paragraphs numbered by hand as a list of items.

Some letters number their links in the text, a paragraph each, where others use a list:
"1) 📸 <a>A mug shot starts a merchandise boom</a>, from mugs to shot glasses", "2) 🇷🇺
<a>On a mercenary's downfall</a>: …", "8) 🪐 Trigger warning: <a>The Sounds of Space.</a>"
(a real letter nobody tuned for: four of its ten items were found, the rest ran into the
one above, as a link's text must open an item and be followed by a dash or a colon).
Numbered so, each is an item: headlined by its link's text when it opens with it, else by
its first sentence.

Only a run of three or more paragraphs numbered one after another from 1, each one short
line that carries a link, most of them opening with it (a list of links, not of points
that cite something midway), that stands apart: after a heading, a rule, a short line
("Here are ten links worth your time:") or nothing.  An essay's numbered reasons and a
story's numbered points follow a paragraph of its text, and their links sit inside their
sentences (a read-only review: an essay's three linked reasons, "1. The levees are old.
<a>Most were finished…</a>", became two stories, its title and intro lost).  Such a run is
a list under a label ending in a colon too, where a paragraph is otherwise read as the
label's point ("Links worth your time:" lost the first item: the last review).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.headlines import ICON_LEAD, tidy
from service.ingest.lead_runs import APART_CHARS  # (a line this short is a label, not text)
from service.ingest.units import Unit
from service.ingest.untitled import item_headline

__all__ = ["numbered_items"]

NUMBER = re.compile(r"[ \t]*\(?(\d{1,3})[.)][ \t]+")
RUN_MIN = 3
ITEM_MAX_CHARS = 400  # one line of a link and a sentence or two about it


def numbered_items(parts: Sequence[Block]) -> dict[int, Unit]:
    """Index in ``parts`` -> its item, for each paragraph of such a run."""
    found: dict[int, Unit] = {}
    run: list[int] = []
    last = 0
    for at, block in enumerate(parts):
        number = _number(block)
        if number is not None and run and number == last + 1:
            run.append(at)
        else:
            found.update(_items(parts, run))
            run = [at] if number == 1 and _apart(parts, at - 1) else []
        last = number or 0
    found.update(_items(parts, run))
    return found


def _items(parts: Sequence[Block], run: list[int]) -> dict[int, Unit]:
    items = {i: _item(parts[i]) for i in run} if len(run) >= RUN_MIN else {}
    link_led = sum(item.signal == LINK_LED for item in items.values())
    return items if 3 * link_led >= 2 * len(items) else {}


def _apart(parts: Sequence[Block], at: int, label: bool = True) -> bool:
    """Nothing, a heading, a rule or a short line at ``at``: no story's text above the run.
    A short plain line (not bold) is a label only under nothing, a heading, a rule or a
    short line itself: "Here is what the board approved:" under an essay's paragraph
    introduces its points (the last review: an essay became four stories)."""
    if at < 0 or parts[at].kind in ("heading", "rule"):
        return True
    text = parts[at].text.strip()
    if len(text) > APART_CHARS:
        return False
    if not label:
        return True  # (a short line over the label: a greeting, the line)
    return tidy(parts[at].lead) == tidy(text) or _apart(parts, at - 1, label=False)


def _number(block: Block) -> int | None:
    if (block.kind != "paragraph" or not block.links or len(block.text) > ITEM_MAX_CHARS
            or "\n" in block.text.strip()):
        return None
    match = NUMBER.match(block.text)
    return int(match[1]) if match else None


LINK_LED = "item: numbered link"


def _item(block: Block) -> Unit:
    text = tidy(NUMBER.sub("", block.text, count=1))
    if icon := ICON_LEAD.match(text):
        text = text[icon.end():]
    link = block.links[0]
    name = tidy(link.text)
    if name and text.startswith(name):
        return Unit("item", block, 9, name.rstrip(" :"), link.url, LINK_LED)
    return Unit("item", block, 9, item_headline(text), link.url, "item: numbered line")
