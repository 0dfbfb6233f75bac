"""Segment stage, structural engine: how an issue closes, after its last story.

A newsletter signs off ("That's it for today!", "— The editors", "Maya & the Wayfinder
Fares team"); a letter closes ("Best wishes,") over its writer's name, role and hours,
lines the engine reads as titles.  ``without_sign_off`` takes those off the cuts and
keeps the ``--explain`` notes true (cuts.py's ``without_last``).
"""

from __future__ import annotations

import dataclasses

from service.ingest.cuts import Cut, without_last
from service.ingest.footer import (
    SIGN_OFF,
    SIGNATURE_CHARS,
    SIGNATURE_CUTS,
    VALEDICTION,
    sign_off_at,
)
from service.ingest.headlines import block_lines, tidy

__all__ = ["without_sign_off"]


def _without_signature(cuts: list[Cut], notes: list[str]) -> tuple[list[Cut], list[str]]:
    """A letter's close: "Best wishes," in one of the last stories, and after it only short
    ones (the writer's name, role and hours, each line read as a title): those go, and the
    story ends at the closing word."""
    for index in range(len(cuts) - 1, max(-1, len(cuts) - 1 - SIGNATURE_CUTS), -1):
        if any(sum(len(b.text) for b in cut.blocks) > SIGNATURE_CHARS
               for cut in cuts[index + 1:]):
            return cuts, notes
        blocks = cuts[index].blocks
        at = next((i for i in range(1, len(blocks)) if "\n" not in blocks[i].text.strip()
                   and VALEDICTION.match(tidy(blocks[i].text))), None)
        if at is None:
            continue
        for _ in cuts[index + 1:]:
            cuts, notes = without_last(cuts, notes, f"   dropped signature: "
                                                    f"{cuts[-1].headline[:80]!r} (after "
                                                    f"{tidy(blocks[at].text)!r})")
        notes = [*notes, f"   dropped sign-off: {tidy(blocks[at].text)!r} (after the last story)"]
        return [*cuts[:-1], dataclasses.replace(cuts[-1], blocks=blocks[:at])], notes
    return cuts, notes


def without_sign_off(cuts: list[Cut], notes: list[str]) -> tuple[list[Cut], list[str]]:
    """The last story without the issue's sign-off ("That's it for today!", "— The editors");
    no last story at all when its headline is one ("Love the Brief? Tell your friends")."""
    cuts, notes = _without_signature(cuts, notes)
    if not cuts:
        return cuts, notes
    last = cuts[-1]
    if len(cuts) > 1 and SIGN_OFF.match(tidy(last.headline)):
        return without_last(cuts, notes, f"   dropped sign-off: {last.headline[:80]!r} "
                                         "(after the last story)")
    at = sign_off_at(last.blocks)
    if at == len(last.blocks):
        return cuts, notes
    cut_off = tidy(block_lines(last.blocks[at])[0])[:80]
    notes = [*notes, f"   dropped sign-off: {cut_off!r} (after the last story)"]
    if at == 1 and len(cuts) > 1 and last.signal in ("title line", "bold line"):
        # a line taken for a headline only because the sign-off was under it ("Paper · Code")
        return without_last(cuts, notes, f"   dropped line: {last.headline[:80]!r} (only a "
                                         "sign-off under it)")
    return [*cuts[:-1], dataclasses.replace(last, blocks=last.blocks[:at])], notes
