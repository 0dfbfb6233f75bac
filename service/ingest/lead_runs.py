"""Segment stage, structural engine: paragraphs that each open with a headline of their own,
set in bold and run into the text ("**Europe takes aim:** EU regulators are considering…",
"**License to kill** - The San Francisco police department has proposed…").

A bold lead-in ending in a colon is most often a label inside a story ("What's new:", "Why
it matters:"), and a short one a kicker, so roles.py reads neither as a headline.  But real
newsletters nobody tuned for set a whole digest so (Field & Edge, Superhuman's Sunday
edition, The Robot Remix: each was cut as one story, stop 38).  What tells them apart:

- a headline runs into a sentence of its own, capitalised, on the same line ("Hybrid
  search: combine keyword…" is a feature, "Jensen Huang: \"Every factory…\"" a speaker);
- labels come back, from story to story and from a short list (headlines.LEAD_IN, alone
  or before a dash: "Why this matters - the industrialization of Chinese AI:");
- a story's own labels sit among its paragraphs: Import AI cut by the engine alone reads
  "**Huawei trains a trillion parameter model:**", its text, "**What they did:** …",
  "**Why this matters - …:** …", and the story goes on.

- a story's own parts sit under its headline: a post-mortem's "**The setup:**", "**What
  went wrong:**", "**The fix:**" under "How a one-character typo took down checkout"; a
  digest's items sit under a section's name ("Technology", "SCIENCE SUNDAY") or under no
  heading but the issue's title (an attack on the first version split ten of ten such
  stories: tests/fixtures/layouts/attack15).

So a run of three paragraphs or more in a row, each opening so with a lead-in of two
words or more, all different, none used as a lead-in anywhere else in the issue, standing
apart (a heading, a rule, a short line or an end of the issue on each side; not under a
line that ends in a colon, whose points they are) and under no headline of a story, is a
run of items.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from service.domain import Block
from service.ingest.bylines import DATELINE, PLACE_DATELINE
from service.ingest.headlines import (
    LEAD_IN,
    SECTION_WORDS,
    STEP,
    TITLE_MAX_CHARS,
    lower_start,
    tidy,
)
from service.ingest.zones import ZONES

__all__ = ["lead_runs"]

RUN_MIN = 3  # two bold lead-ins in a row are a story's two points as often as two items
LEAD_MIN_WORDS = 2  # "Results:" is a label; "Doctor Doctor" - … a headline
TEXT_MIN_CHARS = 60  # a sentence under it, as roles.BODY_MIN_CHARS asks of a title
SECTION_NAME_WORDS = 3  # "Technology", "The briefing", "In brief": a section's name is short
APART_CHARS = 120  # a line this short beside a run is a tagline or a button, not story text
_DASH = re.compile(r"^[ \t]*(?:[-–—][ \t]+|[–—])")
_SPACED_DASH = re.compile(r"\s[-–—]\s")


def lead_runs(parts: Sequence[Block]) -> dict[int, str]:
    """Index in ``parts`` -> headline, for each paragraph of such a run."""
    leads = [_lead_headline(block) for block in parts]
    used = Counter(_key(tidy(block.lead)) for block in parts if block.lead)
    headings: list[int | None] = []  # the nearest heading at or above each part: one pass
    for at, block in enumerate(parts):
        headings.append(at if block.kind == "heading" else headings[-1] if headings else None)
    found: dict[int, str] = {}
    start = 0
    while start < len(parts):
        end = start
        while end < len(parts) and leads[end] is not None:
            end += 1
        keys = [_key(lead) for lead in leads[start:end] if lead is not None]
        if (end - start >= RUN_MIN and len(set(keys)) == len(keys)
                and all(used[key] == 1 for key in keys)
                and _apart(parts, start - 1) and _apart(parts, end)
                and _under_a_section(parts, headings[start - 1] if start else None)):
            found.update({at: lead for at, lead in enumerate(leads[start:end], start)
                          if lead is not None})
        start = end + 1
    return found


def _lead_headline(block: Block) -> str | None:
    """The block's bold lead-in as a headline, if it opens a paragraph the way a headline run
    into its text does (a colon or a spaced dash after it, a sentence of text)."""
    if block.kind not in ("paragraph", "list_item") or not block.lead:
        return None
    if not block.text.startswith(block.lead):
        return None
    after = block.text[len(block.lead):]
    colon = block.lead.rstrip().endswith((":", "：")) or after.lstrip(" \t").startswith(":")
    dash = _DASH.match(after)
    if not colon and dash is None:
        return None
    text = after.lstrip(" \t:：") if colon else after[dash.end():] if dash else after
    lead = tidy(block.lead)
    if not (text[:1].isupper() or text[:1].isdigit()) or _label_led(lead):
        # its text on the next line: a headline of its own line (a title, roles.py's);
        # "Hybrid search: combine keyword…" and "Jensen Huang: \"Every factory…\"": a
        # feature's or a speaker's words, not a story's first sentence
        # (and "Why this matters - the industrialization of Chinese AI:" is a label)
        return None
    if (len(text.strip()) < TEXT_MIN_CHARS or "\n" in lead
            or len(lead.split()) < LEAD_MIN_WORDS or len(lead) > TITLE_MAX_CHARS
            or lead.endswith("?") or lower_start(lead)
            or STEP.match(lead) or DATELINE.match(lead) or PLACE_DATELINE.match(lead)):
        return None
    return lead.rstrip(" .!—–-")


def _apart(parts: Sequence[Block], at: int) -> bool:
    """Nothing of a story's text at ``at``, beside a run: an end of the issue, a heading, a
    rule, a bold line alone or a short line; not a line that ends in a colon ("Three
    threats:", "AI Models & APIs:"), which makes the run its points."""
    if at < 0 or at >= len(parts):
        return True
    block = parts[at]
    if block.text.rstrip().endswith((":", "：")):
        return False
    return (block.kind in ("heading", "rule") or len(block.text.strip()) <= APART_CHARS
            or (bool(block.lead) and tidy(block.lead) == tidy(block.text)))


def _label_led(lead: str) -> bool:
    """A known label, alone or before a spaced dash and its words."""
    return LEAD_IN.match(_SPACED_DASH.split(lead, maxsplit=1)[0]) is not None


def _under_a_section(parts: Sequence[Block], above: int | None) -> bool:
    """No heading above the run but the issue's title, or the nearest (``above``) is a
    section's name ("Technology", "SCIENCE SUNDAY", "Quick hits"), not a story's headline:
    under "How a one-character typo took down checkout" the run is that story's setup, fix
    and lessons (an attack on the first version: ten of ten such stories were split)."""
    if above is None:
        return True  # (the issue's own title is taken out before the roles are read)
    name = tidy(parts[above].text)
    words = re.findall(r"[\w&+/']+", name.lower())
    if any(pattern.search(name) for pattern in (ZONES["sponsor"], ZONES["jobs"])):
        return False  # "Together with Parcelwise": an ad's benefits
    return bool(words) and (len(words) <= SECTION_NAME_WORDS or name.isupper()
                            or all(word in SECTION_WORDS for word in words))


def _key(lead: str) -> str:
    return lead.casefold().rstrip(" .!:—–-")
