"""Events stage: which events a new story joins (pure; the window is read by store.py).

A story joins the event of the most similar stored story when the two are at
least ``threshold`` alike (cosine of their signatures; for long stories, the
best of their parts).  A story with parts (an editorial, a roundup) joins the
event of each item it covers, up to ``max_events``.  Without a match it starts
an event of its own.  A long story's events that it joined by matching, part by
part, say nothing of which event a short story it is alike belongs to: the
short story goes by its other matches, or starts an event the long story then
joins too (``Choice.covering``), as had it come first.  Editors' decisions
outrank the score: a pair they said is one piece of news always matches, and a
story they split out of an event never joins an event holding a story they
split it from, however alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from service.events.signature import Signature


@dataclass(frozen=True)
class Units:
    """A story's signatures: the whole story, and its parts when it is long."""

    story_id: int
    whole: Signature
    parts: tuple[Signature, ...] = ()
    long: bool = False  # has parts, though they were not read (a stored candidate's whole)

    @property
    def covers_several(self) -> bool:
        """Long enough to be matched part by part: it may cover several pieces of news."""
        return self.long or bool(self.parts)


@dataclass(frozen=True)
class Candidate:
    units: Units
    events: tuple[int, ...]  # the events the stored story belongs to
    joined_only: bool = False  # it joined each of them by matching, founding none

    @property
    def covering(self) -> bool:
        """A long story whose events each came from one of its parts.

        Which part matched which event is not kept, so its events cannot tell
        a short story alike it (through another part, maybe: the item after the
        QwQ-32B paragraph of a roundup) which news it reports.  A long story
        that founded its event has no such doubt: that event is its own news.
        """
        return self.units.covers_several and self.joined_only

    def joining(self, event: int) -> Candidate:
        """This candidate once it joined ``event`` too (by matching)."""
        return replace(self, events=tuple(sorted({*self.events, event})))


@dataclass(frozen=True)
class Decisions:
    """Editors' word on pairs of stories: one piece of news, or not."""

    same: frozenset[frozenset[int]] = frozenset()
    different: frozenset[frozenset[int]] = frozenset()

    def says(self, a: int, b: int) -> bool | None:
        pair = frozenset((a, b))
        if pair in self.different:
            return False
        return True if pair in self.same else None

    def partners(self, story_id: int) -> set[int]:
        """The stories an editor said are, or are not, the same news as ``story_id``."""
        pairs = self.same | self.different
        return {other for pair in pairs if story_id in pair for other in pair} - {story_id}


@dataclass(frozen=True)
class Choice:
    """The events a story joins, each with how alike its closest member is.

    ``covering``: long stories (story id, score) that cover a short story's news
    without being in its event yet; they join it, as they would have had the
    short story been stored first.
    """

    events: tuple[tuple[int, float], ...] = field(default_factory=tuple)
    covering: tuple[tuple[int, float], ...] = field(default_factory=tuple)


def similarity(a: Units, b: Units) -> float:
    """How alike two stories are: the best cosine of whole-or-part against whole."""
    best = a.whole.cosine(b.whole)
    for part in a.parts:
        best = max(best, part.cosine(b.whole))
    for part in b.parts:
        best = max(best, a.whole.cosine(part))
    return best


def choose(story: Units, candidates: Sequence[Candidate], threshold: float,
           decisions: Decisions = Decisions(), max_events: int = 5) -> Choice:
    """The events ``story`` joins among its candidates' (empty: it starts a new one)."""
    barred = _barred_events(story.story_id, candidates, decisions)
    support: dict[int, float] = {}  # per event: best score of a one-event member
    roundup: dict[int, float] = {}  # per event: best score of a several-event member
    covering: dict[int, tuple[Candidate, float]] = {}  # a short story's covering matches
    for candidate in candidates:
        said = decisions.says(story.story_id, candidate.units.story_id)
        score = 1.0 if said else similarity(story, candidate.units)
        if said is False or (said is None and score < threshold):
            continue
        if not story.parts and said is None and candidate.covering:
            # its events are other parts' news, as far as anyone can tell (Candidate.covering)
            covering[candidate.units.story_id] = (candidate, score)
            continue
        into = support if len(candidate.events) == 1 else roundup
        for event in candidate.events:
            if event not in barred:
                into[event] = max(into.get(event, 0.0), score)
    ranked = sorted(set(support) | set(roundup),
                    key=lambda e: (-support.get(e, 0.0), -roundup.get(e, 0.0), e))
    keep = ranked[:max_events] if story.parts else ranked[:1]
    joined = set(keep)
    return Choice(tuple((e, round(max(support.get(e, 0.0), roundup.get(e, 0.0)), 4))
                        for e in keep),
                  tuple((story_id, round(score, 4))
                        for story_id, (candidate, score) in sorted(covering.items())
                        if not joined & set(candidate.events)
                        and len(candidate.events) < max_events
                        and not joined & _barred_events(story_id, candidates, decisions)))


def _barred_events(story_id: int, candidates: Iterable[Candidate],
                   decisions: Decisions) -> set[int]:
    """Events holding a story an editor split ``story_id`` from."""
    return {event for candidate in candidates
            if decisions.says(story_id, candidate.units.story_id) is False
            for event in candidate.events}


def decisions_from(rows: Iterable[tuple[int, int, bool]]) -> Decisions:
    """Decisions from (story, other story, same) rows; the latest word on a pair wins."""
    latest: dict[frozenset[int], bool] = {}
    for a, b, same in rows:
        latest[frozenset((a, b))] = same
    return Decisions(frozenset(p for p, s in latest.items() if s),
                     frozenset(p for p, s in latest.items() if not s))


def best_threshold(scored: Iterable[tuple[float, bool]]) -> tuple[float, float]:
    """The threshold with the best pairwise F1 over (score, same) pairs, and that F1."""
    pairs = sorted(scored, key=lambda item: -item[0])
    positives = sum(1 for _, same in pairs if same)
    best = (0.0, 1.0)
    true_pos = 0
    for rank, (score, same) in enumerate(pairs, start=1):
        true_pos += same
        if positives and true_pos:
            f1 = 2 * true_pos / (rank + positives)
            if f1 > best[0]:
                best = (f1, score)
    return round(best[1], 4), round(best[0], 4)


def precision_recall_f1(scored: Iterable[tuple[float, bool]],
                        threshold: float) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of calling pairs scored ``threshold`` or more the same."""
    pairs = list(scored)
    hits = sum(1 for score, same in pairs if same and score >= threshold)
    flagged = sum(1 for score, _ in pairs if score >= threshold)
    positives = sum(1 for _, same in pairs if same)
    return (hits / flagged if flagged else 1.0, hits / positives if positives else 1.0,
            2 * hits / (flagged + positives) if flagged + positives else 0.0)


def pair_scores(units: Mapping[int, Units],
                pairs: Iterable[tuple[int, int, bool]]) -> list[tuple[float, bool]]:
    """(similarity, same) for each labeled pair whose two stories are both known."""
    return [(similarity(units[a], units[b]), same) for a, b, same in pairs
            if a in units and b in units]
