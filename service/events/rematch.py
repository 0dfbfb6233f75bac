"""Events stage, deciding again: the events of stories dated from a day on; editors' word holds.

Stories are taken oldest first, each against the stories before it, as if
they arrived again.  The reads are made per issue date, not per story: the
stories of one date share their window, so its document frequencies and
postings are read once for all of them (each story still looks up only its
own heaviest terms); signatures never change, so a candidate's is read once;
and the events of the stories being decided again are the ones this run
writes, kept in memory.  A rematch reads a few statements per issue, where
it read six per story, and decides exactly what it decided then.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.db.bulk import chunked, one_of
from service.db.tables import Event, EventDecision, Issue, Story, StoryEvent
from service.events.candidates import (
    LOOKUP_CHUNK,
    Window,
    document_frequency,
    load_units,
    lookup_terms,
    postings,
    shortlist,
)
from service.events.matching import Candidate, Decisions, Units, decisions_from
from service.events.store import EventSettings, candidate, join_events, memberships


def rematch(session: Session, since: datetime, settings: EventSettings) -> int:
    """Decide again the events of stories dated from ``since`` on; editors' decisions hold.

    Returns how many stories were matched again.
    """
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    rows = session.execute(select(Story.id, dated).join(Issue)
                           .where(dated >= since).order_by(dated, Issue.id, Story.index)).all()
    ids = [story_id for story_id, _ in rows]
    rematching = set(ids)
    for chunk in chunked(ids, LOOKUP_CHUNK):
        session.execute(delete(StoryEvent).where(StoryEvent.story_id.in_(chunk)))
    session.execute(delete(Event).where(~Event.id.in_(select(StoryEvent.event_id))))
    session.flush()
    stored = load_units(session, ids)
    decisions = decisions_for(session, ids)
    known = _Known(stored, rematching)
    for when, group in itertools.groupby(rows, key=lambda row: row[1]):
        units = [stored[story_id] for story_id, _ in group if story_id in stored]
        moment = when if when.tzinfo else when.replace(tzinfo=UTC)
        found = _shortlists(session, units, moment, settings)
        known.read(session, {i for listed in found.values() for i in listed}
                   | {p for unit in units for p in decisions.partners(unit.story_id)})
        for unit in units:
            shortlisted = known.candidates(found[unit.story_id])
            partners = decisions.partners(unit.story_id) - {c.units.story_id for c in shortlisted}
            # decided pairs always take part: a split bars its events, a merge joins them.
            # Stories not re-matched yet have no events: they meet this one in their turn.
            candidates = [c for c in [*shortlisted, *known.candidates(partners)] if c.events]
            # a story dated before ``since`` keeps its events, covering or not: a second
            # rematch would find its new one left behind, and add another
            chosen = join_events(session, unit, candidates, decisions, settings, rematching)
            known.events[unit.story_id] = tuple(sorted(chosen.events.items()))
            for other, event in chosen.covering.items():  # joined as if matched to it
                known.events[other] = tuple(sorted({*known.events[other], (event, "matched")}))
    return len(ids)


def _shortlists(session: Session, units: Sequence[Units], moment: datetime,
                settings: EventSettings) -> dict[int, list[int]]:
    """Per story of one date, the stored stories worth scoring it against (candidates.py)."""
    window = Window.around(moment, settings.window_days)
    terms = {t for unit in units for s in (unit.whole, *unit.parts) for t in s.weights}
    frequency, documents = document_frequency(session, terms, window)
    rare = {unit.story_id: lookup_terms([unit], frequency, documents, settings.common_share)
            for unit in units}
    posted = postings(session, set().union(*rare.values()), window)
    # a story is scored on the postings of its own looked-up terms only, as if alone
    return {unit.story_id: shortlist(unit, {t: posted[t] for t in rare[unit.story_id]
                                            if t in posted}, settings.threshold)
            for unit in units}


class _Known:
    """Candidates' whole signatures and events, each read once in a rematch."""

    def __init__(self, stored: Mapping[int, Units], rematched: Collection[int]) -> None:
        # a stored story's whole is what a candidate's read would give (no rows: no candidate)
        self.wholes = {i: Units(i, u.whole, long=u.covers_several)
                       for i, u in stored.items() if u.whole.weights}
        # (event, how) as written by this run, or as stored
        self.events: dict[int, tuple[tuple[int, str], ...]] = {}
        self._read = set(rematched)  # their events are this run's: never read

    def read(self, session: Session, story_ids: Iterable[int]) -> None:
        missing = sorted(set(story_ids) - self._read)
        self._read.update(missing)
        self.wholes.update(load_units(session, missing, wholes_only=True))
        found = memberships(session, missing)
        self.events.update((i, tuple(found.get(i, ()))) for i in missing)

    def candidates(self, story_ids: Iterable[int]) -> list[Candidate]:
        return [candidate(self.wholes[i], self.events.get(i, ()))
                for i in sorted(set(story_ids)) if i in self.wholes]


def decisions_for(session: Session, story_ids: Iterable[int]) -> Decisions:
    # In chunks: a rematch over a long range names more stories than a backend
    # takes parameters in one statement.
    rows: set[tuple[int, int, int, bool]] = set()
    for chunk in chunked(sorted(set(story_ids)), LOOKUP_CHUNK):
        found = session.execute(
            select(EventDecision.id, EventDecision.story_id, EventDecision.other_story_id,
                   EventDecision.same)
            .where(one_of(session, EventDecision.story_id, chunk)
                   | one_of(session, EventDecision.other_story_id, chunk)))
        rows.update((row[0], row[1], row[2], row[3]) for row in found)
    # A pair may come back from two chunks; in id order, so the latest word wins.
    return decisions_from((a, b, same) for _, a, b, same in sorted(rows))
