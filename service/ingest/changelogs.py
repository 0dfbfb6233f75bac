"""Segment stage, structural engine: what a changelog sets around its releases.

A release's badge under its headline ("New", "Fixed"), its list of changes led by their
kind ("NEW   --json output on every command"), its date under its name boxed between two
rules ("Released 2024-07-19"): none of them a headline of its own (the forty-seventh and
forty-eighth sweeps).  roles.py and plain.py ask these.
"""

from __future__ import annotations

import html
import re

from service.ingest.body import SEPARATOR_TEXT
from service.ingest.headlines import tidy
from service.ingest.units import Unit
from service.ingest.wraps import headline_line

__all__ = ["CHANGE_BADGE", "CHANGE_LINE", "badges_as_text", "boxed_release", "change_list"]

CHANGE_BADGES = 2  # badges under headlines in an issue: a changelog's

# A change's badge under its headline in a changelog: "New", "Improved", "Fixed", "Heads-up",
# "[BETA]" (the forty-eighth sweep's), alone on its line
_BADGE = (r"(?:new|improved|improvement|fixed|fix|bug ?fix|deprecated|deprecation|removed"
          r"|changed|added|updated?|heads-up|breaking(?: change)?|beta|alpha|preview"
          r"|experimental|security)")
CHANGE_BADGE = re.compile(rf"^(?:{_BADGE}|\[{_BADGE}\]|\({_BADGE}\))$", re.IGNORECASE)


def badges_as_text(units: list[Unit]) -> list[Unit]:
    """Each change's badge right under its headline is its text: in a changelog (two badges
    at least), or alone under a headline of four words ("Passkeys come to every
    organisation" over a bold "Security"); not one bold "Security" under "Cloud", a section's
    name over an untitled story."""
    badges = {at for at, unit in enumerate(units)
              if at and unit.role == "title" and units[at - 1].role == "title"
              and "\n" not in unit.block.text.strip()
              and CHANGE_BADGE.match(tidy(unit.block.text))}
    if len(badges) < CHANGE_BADGES:
        badges = {at for at in badges if headline_line(units[at - 1].block.text.strip())}
    return [Unit("body", unit.block) if at in badges else unit for at, unit in enumerate(units)]


# A changelog's line of one change, led by its kind in capitals: "NEW   --json output on every
# command", "FIX: stale reads after a failover (#4471)" (the forty-seventh sweep's)
# (not the SEC, nor a dateline's "NEW YORK (Reuters) -" or "NEW DELHI, March 3": a finance
# brief's, the review; so a change naming a product first, "FIX: Postgres (#12) reconnects",
# is not counted either)
CHANGE_LINE = re.compile(r"^[\[(]?(?:NEW|FIX(?:ED)?|PERF|SECURITY|CHANGED?|ADDED|REMOVED"
                         r"|DEPRECATED|BREAKING|IMPROVED|UPDATED?|DOCS?|FEAT)[\])]?"
                         r"(?::[ \t]*|[ \t]+[-–—]?[ \t]*)(?=\S)"
                         r"(?![A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?[ \t]*(?:\(|,|[-–—][ \t]))")


def change_list(lines: list[str]) -> bool:
    """Lines half of which or more, two at least, are changes led by their kind ("NEW …",
    "FIX …"): a release's list of changes, none of them a headline ("NEW rules for drones
    take effect" over its text is one)."""
    changes = sum(bool(CHANGE_LINE.match(line)) for line in lines)
    return changes >= 2 and 2 * changes >= len(lines) and bool(CHANGE_LINE.match(lines[0]))


# a release's date under its name: "Released 2024-07-19", "Published on 3 March 2025"
RELEASED = re.compile(r"(?:released|published|posted|shipped|updated)(?: on)?:?[ \t]+"
                      r"(?=[^\n]*\d)[\w ,./-]{4,30}", re.IGNORECASE)  # (a date has a digit)


def boxed_release(out: list[str], pending: list[str]) -> bool:
    """The two lines pending follow a rule, the second a release's date."""
    return (bool(out) and out[-1].startswith("<p>") and bool(SEPARATOR_TEXT.fullmatch(
        html.unescape(out[-1][3:-4]))) and bool(RELEASED.fullmatch(pending[1].strip()))
        and len(pending[0]) <= 120)
