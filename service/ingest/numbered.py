"""Segment stage, structural engine: paragraphs numbered by hand as a list of items.

Some letters number their links in the text, a paragraph each, where others use a list:
"1) 📸 <a>A mug shot starts a merchandise boom</a>, from mugs to shot glasses", "2) 🇷🇺
<a>On a mercenary's downfall</a>: …", "8) 🪐 Trigger warning: <a>The Sounds of Space.</a>"
(a real letter nobody tuned for: four of its ten items were found, the rest ran into the
one above, as a link's text must open an item and be followed by a dash or a colon).
Numbered so, each is an item: headlined by its link's text when it opens with it, else by
its first sentence.

Only a run of three or more paragraphs numbered one after another (1, 2, 3…), each one
short line that carries a link: an essay's numbered points run longer, seldom carry a
link each, and sit inside a story whose headline is above them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.headlines import ICON_LEAD, tidy
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
            if len(run) >= RUN_MIN:
                found.update({i: _item(parts[i]) for i in run})
            run = [at] if number is not None else []
        last = number or 0
    if len(run) >= RUN_MIN:
        found.update({i: _item(parts[i]) for i in run})
    return found


def _number(block: Block) -> int | None:
    if (block.kind != "paragraph" or not block.links or len(block.text) > ITEM_MAX_CHARS
            or "\n" in block.text.strip()):
        return None
    match = NUMBER.match(block.text)
    return int(match[1]) if match else None


def _item(block: Block) -> Unit:
    return Unit("item", block, 9, *_headline_and_link(block), "item: numbered line")


def _headline_and_link(block: Block) -> tuple[str, str]:
    text = tidy(NUMBER.sub("", block.text, count=1))
    if icon := ICON_LEAD.match(text):
        text = text[icon.end():]
    link = block.links[0]
    name = tidy(link.text)
    if name and text.startswith(name):
        return name.rstrip(" :"), link.url
    return item_headline(text), link.url
