"""What a block looks like to the story-start model (``starts.py``): its own shape, its
neighbours', where it sits, whether its shape repeats in the issue, and whether the rules
start a story there.

The model's units are an issue's blocks as ``parse_issue`` gives them, separators and empty
blocks left out; a unit's headline is its first line, or the bold lead or link text that
opens that line.  ``bench/story_starts.py`` trains and measures the model on these same
functions, so the features it learnt from are the ones the service computes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain import Block
from service.ingest.headlines import ENUMERATOR, block_lines, capitalised_share, tidy
from service.ingest.scoring import similar, tokens

BULLET = re.compile(r"^[•·▸▪►‣◦○●■□➤➔→*+–—-]\s")
DASH = re.compile(r"\s[-–—|]\s")
URL = re.compile(r"https?://|www\.")
KINDS = ("paragraph", "heading", "list_item", "message")


@dataclass(frozen=True)
class Units:
    """An issue's blocks as the model's units, and where each raw block falls among them."""

    blocks: list[Block]  # the units: no separators, no empty blocks
    raw_index: list[int]  # each unit's index in the blocks
    unit_of: list[int]  # each raw block's unit: its own, or the next one's
    ruled_before: list[bool]  # a separator right before the unit
    ruled_after: list[bool]


def units_of(raw: Sequence[Block]) -> Units:
    unit_of: list[int] = []
    kept: list[int] = []
    for at, block in enumerate(raw):
        unit_of.append(len(kept))
        if block.kind != "rule" and block.text.strip():
            kept.append(at)
    ruled_before = [False] * len(kept)
    ruled_after = [False] * len(kept)
    for at, block in enumerate(raw):
        if block.kind == "rule":
            if unit_of[at] < len(kept):
                ruled_before[unit_of[at]] = True
            if unit_of[at] > 0:
                ruled_after[unit_of[at] - 1] = True
    return Units([raw[at] for at in kept], kept, unit_of, ruled_before, ruled_after)


def unit_headline(block: Block) -> str:
    """The unit's headline: its first line, or the bold lead or link text that opens it."""
    line = tidy(block_lines(block)[0])
    bare = _bare(line)
    lead = tidy(block.lead) if block.lead else ""
    if lead and len(lead) < len(line) and bare.startswith(_bare(lead)) and _bare(lead):
        return lead
    if block.links:
        text = tidy(block.links[0].text)
        if text and len(text) < len(line) and _bare(text) and bare.startswith(_bare(text)):
            return text
    return line


def _bare(text: str) -> str:
    return re.sub(r"^\W+", "", text).casefold()


def _shape(block: Block, headline: str) -> tuple[object, ...]:
    line = tidy(block_lines(block)[0])
    words = len(headline.split())
    return (block.kind, block.level, bool(block.lead) and tidy(block.lead) == line,
            headline != line, bool(BULLET.match(line) or ENUMERATOR.match(line)),
            min(words // 4, 4), len(block_lines(block)) > 1)


def shapes_of(units: Units, headlines: Sequence[str]) -> list[tuple[object, ...]]:
    """Each unit's shape (both feature sets count the units that share it)."""
    return [_shape(b, h) for b, h in zip(units.blocks, headlines, strict=True)]


def layout_features(units: Units, headlines: Sequence[str], subject: str,
                    shapes: Sequence[tuple[object, ...]] | None = None) -> list[list[float]]:
    """One row per unit, in ``LAYOUT_NAMES``' order."""
    blocks = units.blocks
    n = len(blocks)
    shapes = shapes if shapes is not None else shapes_of(units, headlines)
    shape_count = Counter(shapes)
    kind_count = Counter((b.kind, b.level) for b in blocks)
    keys = [h.casefold() for h in headlines]
    first_at: dict[str, int] = {}
    last_at: dict[str, int] = {}
    for at, key in enumerate(keys):
        first_at.setdefault(key, at)
        last_at[key] = at
    subject_tokens = tokens(subject)
    rows = []
    for at, (block, head) in enumerate(zip(blocks, headlines, strict=True)):
        line = tidy(block_lines(block)[0])
        lead = tidy(block.lead) if block.lead else ""
        link_text = tidy(block.links[0].text) if block.links else ""
        prev = blocks[at - 1] if at else None
        after = blocks[at + 1] if at + 1 < n else None
        row = [
            *(float(block.kind == k) for k in KINDS),
            block.level,
            float(bool(lead) and lead == line),  # bold_line
            float(bool(lead) and lead != line),  # bold_lead_in
            float(bool(block.subhead)),
            min(len(block.links), 5),
            float(bool(link_text) and _bare(line).startswith(_bare(link_text))
                  and bool(_bare(link_text))),  # link_led
            float(bool(link_text) and link_text == line),
            sum(len(link.text) for link in block.links) / max(len(block.text), 1),
            float(head != line),
            len(head.split()),
            len(head),
            len(line.split()),
            len(block.text),
            len(block_lines(block)),
            capitalised_share(head),
            float(head.isupper()),
            *(float(head.endswith(mark)) for mark in ".:?!"),
            float(bool(head) and not head[-1].isalnum() and head[-1] not in ".:?!"),
            float(line.endswith(".")),
            float(bool(ENUMERATOR.match(line))),
            float(bool(BULLET.match(block_lines(block)[0].strip()))),
            float(bool(line) and not line[0].isalnum()),
            float(bool(line) and line[0].islower()),
            float(any(c.isdigit() for c in head)),
            float(bool(DASH.search(line[:100]))),
            float(":" in head[:-1]),
            float(bool(URL.search(line))),
            at,
            at / max(n - 1, 1),
            n - 1 - at,
            n,
            float(units.ruled_before[at]),
            float(units.ruled_after[at]),
            *_neighbour(prev),
            *_neighbour(after)[:4],
            float(after is not None and bool(after.links)  # next_link_led
                  and block_lines(after)[0].startswith(after.links[0].text)),
            len(blocks[at + 2].text) if at + 2 < n else -1,
            shape_count[shapes[at]],
            shape_count[shapes[at]] / n,
            kind_count[(block.kind, block.level)],
            float(at + 1 < n and shapes[at + 1] == shapes[at]),
            float(at > 0 and shapes[at - 1] == shapes[at]),
            float(first_at[keys[at]] < at),  # repeated_before
            float(last_at[keys[at]] > at),
            float(similar(tokens(head), subject_tokens)),
        ]
        rows.append([float(value) for value in row])
    return rows


def _neighbour(block: Block | None) -> list[float]:
    """words of its first line, characters, a heading, bold, ends with a period."""
    if block is None:
        return [-1.0, -1.0, 0.0, 0.0, 0.0]
    return [float(len(block_lines(block)[0].split())), float(len(block.text)),
            float(block.kind == "heading"), float(bool(block.lead)),
            float(block.text.rstrip().endswith("."))]


LAYOUT_NAMES = (
    *(f"kind_{k}" for k in KINDS), "level", "bold_line", "bold_lead_in", "subhead", "links",
    "link_led", "link_whole", "link_share", "head_shorter", "head_words", "head_chars",
    "line_words", "block_chars", "block_lines", "caps_share", "all_caps", "ends_period",
    "ends_colon", "ends_question", "ends_bang", "ends_other", "line_ends_period",
    "starts_enum", "starts_bullet", "starts_mark", "starts_lower", "has_digit", "has_dash",
    "has_colon", "has_url", "position", "position_share", "from_end", "units", "ruled_before",
    "ruled_after", "prev_words", "prev_chars", "prev_heading", "prev_bold", "prev_period",
    "next_words", "next_chars", "next_heading", "next_bold", "next_link_led", "next2_chars",
    "same_shape", "same_shape_share", "same_kind", "same_shape_next", "same_shape_prev",
    "repeated_before", "repeated_after", "subject_like")
RULE_NAMES = ("rule_start", "rule_prev_start", "rule_next_start", "rule_stories",
              "rule_shape_share", "after_rule_footer")


def rule_features(units: Units, shapes: Sequence[tuple[object, ...]],
                  rule_start: Mapping[int, str], footer_unit: int) -> list[list[float]]:
    """One row per unit, in ``RULE_NAMES``' order: what the rules decided around it."""
    total, started = Counter(shapes), Counter(shapes[at] for at in rule_start)
    rows = []
    for at in range(len(units.blocks)):
        mine = at in rule_start
        others = total[shapes[at]] - 1
        share = (started[shapes[at]] - mine) / others if others else -1.0
        rows.append([float(mine), float(at - 1 in rule_start), float(at + 1 in rule_start),
                     float(len(rule_start)), share, float(at >= footer_unit)])
    return rows
