"""Segmentation rules: how each newsletter marks its stories, as data.

Each ``*.toml`` in ``service/ingest/sources/`` (and in the operator's ``[segment]
rules_dir``) names the senders / List-Ids / domains it applies to and the patterns
for separators, headlines, subheads, fiction and housekeeping, and picks an
engine: ``structure`` (roles of blocks; the default, for newsletters in general)
or ``separators`` (the patterns; Import AI).  ``generic.toml`` applies when no
other file matches.  An operator's file comes before a built-in one, so it can
override it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.config import Settings
from service.domain import Envelope
from service.errors import ConfigError
from service.ingest.trust import list_id_of

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
GENERIC = "generic"
STRUCTURE, SEPARATORS = "structure", "separators"  # the two engines a rules file can pick


@dataclass(frozen=True)
class SourceRules:
    """One newsletter's segmentation rules, read from a TOML file."""

    name: str
    list_ids: tuple[str, ...]
    senders: tuple[str, ...]
    domains: tuple[str, ...]
    separators: tuple[re.Pattern[str], ...]
    subhead: re.Pattern[str]
    headline_max_chars: int
    not_headlines: tuple[re.Pattern[str], ...]
    split_at_headings: bool
    split_at_bold_lines: bool
    fiction_markers: tuple[re.Pattern[str], ...]
    fiction_signs: tuple[re.Pattern[str], ...]
    fiction_settings: tuple[re.Pattern[str], ...]
    fiction_title_max_chars: int
    fiction_untitled: str
    housekeeping: tuple[re.Pattern[str], ...]
    engine: str = STRUCTURE  # "structure" (roles of blocks) or "separators" (the patterns)
    # The structure engine's cut overturned where the story-start model is sure (starts.py)
    learned_starts: bool = False

    def matches(self, envelope: Envelope) -> bool:
        list_id = list_id_of(envelope.list_id)  # the same reading as trust's
        domain = envelope.sender.rpartition("@")[2]
        return bool(
            (list_id and list_id in self.list_ids)
            or (envelope.sender and envelope.sender in self.senders)
            or (domain and domain in self.domains)
        )


def _patterns(values: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(value, re.IGNORECASE) for value in values)


# A story's italic "…subhead…" line: generic.toml's, for a file that names none.
DEFAULT_SUBHEAD = r"^[*_\s]*(?:…|\.\.\.)"


# What a rules file may hold: a misspelt key ("sender", a top-level "engine") was ignored,
# and the newsletter fell to the generic rules with no word (a read-only review).
_KEYS = {
    "": {"name", "match", "stories", "housekeeping"},
    "match": {"list_ids", "senders", "domains"},
    "stories": {"separators", "subhead", "headline_max_chars", "not_headlines",
                "split_at_headings", "split_at_bold_lines", "fiction_markers", "fiction_signs",
                "fiction_settings", "fiction_title_max_chars", "fiction_untitled", "engine",
                "learned_starts"},
    "housekeeping": {"blocks", "inherit"},
}
_LISTS = {"list_ids", "senders", "domains", "separators", "not_headlines", "fiction_markers",
          "fiction_signs", "fiction_settings", "blocks"}


def _checked(data: dict[str, Any]) -> None:
    """Unknown tables or keys, and a list written as one string, are errors naming them."""
    for table, allowed in _KEYS.items():
        values = data.get(table, {}) if table else data
        if not isinstance(values, dict):
            raise ValueError(f"[{table}] must be a table")
        unknown = sorted(set(values) - allowed)
        if unknown:
            where = f"[{table}]" if table else "the top level"
            raise ValueError(f"unknown key {', '.join(unknown)} in {where}; known: "
                             f"{', '.join(sorted(allowed))}")
        for key in _LISTS & set(values):
            if not (isinstance(values[key], list)
                    and all(isinstance(v, str) for v in values[key])):
                raise ValueError(f"{key} must be a list of strings, like {key} = [\"...\"]")


def _rules_from_toml(data: dict[str, Any]) -> SourceRules:
    # Every key but the name has a default, so an operator's file holds only what it changes.
    _checked(data)
    match, stories = data.get("match", {}), data.get("stories", {})
    housekeeping = data.get("housekeeping", {})
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ValueError("it needs a name = \"...\" line")
    rules = SourceRules(
        name=data["name"],
        list_ids=tuple(v.lower().strip().strip("<>") for v in match.get("list_ids", [])),
        senders=tuple(v.lower() for v in match.get("senders", [])),
        domains=tuple(v.lower() for v in match.get("domains", [])),
        separators=_patterns(stories.get("separators", [])),
        subhead=re.compile(stories.get("subhead", DEFAULT_SUBHEAD), re.IGNORECASE),
        headline_max_chars=int(stories.get("headline_max_chars", 200)),
        not_headlines=_patterns(stories.get("not_headlines", [])),
        split_at_headings=bool(stories.get("split_at_headings", False)),
        split_at_bold_lines=bool(stories.get("split_at_bold_lines", False)),
        fiction_markers=_patterns(stories.get("fiction_markers", [])),
        fiction_signs=_patterns(stories.get("fiction_signs", [])),
        fiction_settings=_patterns(stories.get("fiction_settings", [])),
        fiction_title_max_chars=int(stories.get("fiction_title_max_chars", 160)),
        fiction_untitled=str(stories.get("fiction_untitled", "Fiction")),
        housekeeping=_patterns(housekeeping.get("blocks", [])),
        engine=_engine(stories.get("engine", STRUCTURE)),
        learned_starts=_flag("learned_starts", stories.get("learned_starts", False)),
    )
    if rules.learned_starts and rules.engine != STRUCTURE:  # (it would do nothing, silently)
        raise ValueError('learned_starts = true needs engine = "structure"')
    return rules


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):  # ("no" would read as true)
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def _engine(value: object) -> str:
    if value not in (STRUCTURE, SEPARATORS):
        raise ValueError(f"engine must be {STRUCTURE!r} or {SEPARATORS!r}, not {value!r}")
    return str(value)


@functools.cache
def load_rules(
    directory: Path = SOURCES_DIR, operator_dir: Path | None = None
) -> tuple[SourceRules, ...]:
    """Every source's rules, the operator's first; the generic fallback is last."""
    rules: list[SourceRules] = []
    if operator_dir is not None:
        if not operator_dir.is_dir():
            raise ConfigError(f"[segment] rules_dir {operator_dir} is not a folder")
        defaults = tomllib.loads((directory / f"{GENERIC}.toml").read_text(encoding="utf-8"))
        rules += _read_folder(operator_dir, defaults=defaults)
    rules += _read_folder(directory)
    # The operator's generic.toml, if any (layered over the built-in one), comes instead.
    generic = next((r for r in rules if r.name == GENERIC), None)
    rules = [r for r in rules if r.name != GENERIC] + ([generic] if generic else [])
    if not rules or rules[-1].name != GENERIC:
        raise ConfigError(f"No {GENERIC}.toml segmentation rules in {directory}")
    return tuple(rules)


def _read_folder(directory: Path, defaults: dict[str, Any] | None = None) -> list[SourceRules]:
    rules: list[SourceRules] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            if defaults is not None:
                data = _over(defaults, data)
            rules.append(_rules_from_toml(data))
        except (KeyError, TypeError, ValueError, re.error, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Segmentation rules in {path} are invalid: {exc}") from exc
    return rules


def _over(generic: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """An operator's file over ``generic.toml``: the generic rules' ``[stories]`` keys where
    it sets none, and its ``[housekeeping]`` patterns added to theirs (a file holding a name
    and a sender loses no "Unsubscribe" or "Like · Comment · Restack" line).  An operator's
    own "generic" takes the built-in one's match too, so a file of two lines turns
    ``learned_starts`` on for every newsletter without a file of its own, and a copy of an
    older generic.toml still gets the patterns added since (it replaced the built-in one
    whole, and froze them).  ``[housekeeping] inherit = false`` keeps a file's own patterns
    alone: the way to be rid of a built-in one."""
    _checked(data)  # (its own unknown keys, before they could hide among the defaults)
    own = data.get("housekeeping", {})
    if not isinstance(own.get("inherit", True), bool):
        raise ValueError("[housekeeping] inherit must be true or false")
    # inherit = false: its own patterns alone, so a built-in one that drops this
    # newsletter's news ("Listen on Spotify, watch on YouTube: podcasts go video") can go
    built_in = generic.get("housekeeping", {}).get("blocks", []) if own.get(
        "inherit", True) else []
    layered = {**data,
               "stories": {**generic.get("stories", {}), **data.get("stories", {})},
               "housekeeping": {**own, "blocks": list(dict.fromkeys(
                   [*built_in, *own.get("blocks", [])]))}}  # a copy's patterns count once
    return {**generic, **layered} if data.get("name") == GENERIC else layered


def configured_rules(settings: Settings) -> tuple[SourceRules, ...]:
    """The rules the settings ask for: built-in ones plus ``[segment] rules_dir``'s."""
    folder = settings.segment.rules_dir.strip()
    return load_rules(SOURCES_DIR, Path(folder).resolve() if folder else None)


def rules_for(envelope: Envelope, rules: Sequence[SourceRules] | None = None) -> SourceRules:
    candidates = load_rules() if rules is None else rules
    return next((r for r in candidates if r.matches(envelope)), candidates[-1])
