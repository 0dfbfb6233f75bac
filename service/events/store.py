"""Events stage, storage: a new issue's stories join events, in the storing transaction.

DESIGN.md's flow is classify -> events -> store: the events of an issue's
stories are decided against the stories already stored whose issues are at
most ``[events] window_days`` apart, so this runs in the transaction that
stores the issue (after its rows are flushed, before its alerts are matched).

Each story's signature is kept as rows of ``story_terms``: the candidate index
(candidates.py).  A new issue asks it, in one query, for the stored stories
holding its stories' heaviest terms, reads only the few most promising
candidates' signatures, and scores them (matching.py); nothing reads the
whole window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.bulk import chunked, insert_all, one_of
from service.db.tables import Base, Event, Issue, Story, StoryEvent
from service.events import signature as sig
from service.events.candidates import (
    LOOKUP_CHUNK,
    Window,
    document_frequency,
    in_memory_postings,
    load_units,
    lookup_terms,
    postings,
    shortlist,
)
from service.events.matching import Candidate, Decisions, Units, choose

TERM_CHARS = 100


@dataclass(frozen=True)
class EventSettings:
    threshold: float = 0.31
    window_days: int = 14
    max_events: int = 5
    common_share: float = 0.3  # a term in more of the window's stories is not looked up

    @classmethod
    def of(cls, settings: Settings) -> EventSettings:
        return cls(threshold=settings.events.threshold,
                   window_days=settings.events.window_days,
                   max_events=settings.events.max_events)


def assign_issue_events(session: Session, issue_id: int, settings: EventSettings) -> int:
    """Store the signatures of an issue's stories and put each in its events.

    Returns how many of its stories joined an event that already existed.
    """
    session.flush()
    issue = session.get(Issue, issue_id)
    if issue is None or not issue.stories:
        return 0
    dated = issue_date(issue)
    window = Window.around(dated, settings.window_days)
    units, frequency, documents = _signatures(session, issue.stories, window)
    rare = lookup_terms(units.values(), frequency, documents, settings.common_share)
    posted = postings(session, rare, window)  # read before this issue's own rows exist
    _store_terms(session, units, dated)
    lists = {s: shortlist(unit, posted, settings.threshold) for s, unit in units.items()}
    stored = {c.units.story_id: c for c in
              load_candidates(session, {i for found in lists.values() for i in found})}
    # the issue's own stories are candidates too (two publishers' takes in one issue),
    # found through postings of their own, in memory
    own = in_memory_postings(units.values(), rare)
    joined = 0
    earlier: dict[int, Candidate] = {}
    for story in issue.stories:
        candidates = [stored[i] for i in lists[story.id] if i in stored]
        siblings = [earlier[i] for i in shortlist(units[story.id], own, settings.threshold)
                    if i in earlier]
        chosen = join_events(session, units[story.id], [*candidates, *siblings], Decisions(),
                             settings)
        joined += any(how == "matched" for how in chosen.events.values())
        earlier[story.id] = Candidate(units[story.id], tuple(chosen.events),
                                      joined_only=chosen.joined_only)
        for other, event in chosen.covering.items():  # later stories see them in it
            for known in (earlier, stored):
                if other in known:
                    known[other] = known[other].joining(event)
    return joined


def issue_date(issue: Issue) -> datetime:
    moment = issue.sent_at or issue.received_at
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _signatures(session: Session, stories: Sequence[Story],
                window: Window) -> tuple[dict[int, Units], Counter[str], int]:
    """Signatures weighted by the document frequencies of the window plus these stories."""
    counted = {s.id: sig.count_story(s.headline, s.text) for s in stories}
    own = sig.story_frequency(counted.values())
    stored, documents = document_frequency(session, own, window)
    documents += len(counted)
    frequency = stored + own
    units = {story_id: Units(story_id, whole, parts)
             for story_id, (whole, parts) in sig.weigh(counted, frequency, documents).items()}
    return units, frequency, documents


def _store_terms(session: Session, units: Mapping[int, Units], dated: datetime) -> None:
    rows = [{"story_id": story_id, "part": part, "term": term[:TERM_CHARS], "weight": weight,
             "dated": dated}
            for story_id, unit in units.items()
            for part, signature in enumerate((unit.whole, *unit.parts))
            for term, weight in signature.weights.items()]
    table = Base.metadata.tables["story_terms"]
    for chunk in chunked(rows, 5000):  # the ORM's bulk path costs 3x here (bulk.py)
        insert_all(session, table, chunk)


def load_candidates(session: Session, story_ids: Iterable[int]) -> list[Candidate]:
    """Stored stories' whole signatures and events.

    Their parts are not read: a new story's parts meet stored wholes, enough
    for a roundup to find its items, and reading every part of every
    candidate would cost most of the time a new issue takes.
    """
    ids = sorted(set(story_ids))
    stored = load_units(session, ids, wholes_only=True)
    found = memberships(session, ids)
    return [candidate(stored[i], found.get(i, [])) for i in ids if i in stored]


def candidate(units: Units, events: Sequence[tuple[int, str]]) -> Candidate:
    """A stored story as a candidate, from its (event, how) memberships."""
    return Candidate(units, tuple(e for e, _ in events),
                     joined_only=bool(events) and all(how == "matched" for _, how in events))


def events_of(session: Session, story_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each story's event ids, in ascending order."""
    return {story_id: [event for event, _ in found]
            for story_id, found in memberships(session, story_ids).items()}


def memberships(session: Session, story_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each story's (event id, how it joined), in ascending order of event."""
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for chunk in chunked(sorted(set(story_ids)), LOOKUP_CHUNK):
        for story_id, event_id, how in session.execute(
                select(StoryEvent.story_id, StoryEvent.event_id, StoryEvent.how)
                .where(one_of(session, StoryEvent.story_id, chunk))
                .order_by(StoryEvent.event_id)):
            found[story_id].append((event_id, how))
    return dict(found)


@dataclass(frozen=True)
class Joined:
    """What ``join_events`` wrote.

    ``events``: the story's, id -> how; ``covering``: the long stories covering
    its news that joined its event too, story id -> event id.
    """

    events: dict[int, str]
    covering: dict[int, int]

    @property
    def joined_only(self) -> bool:
        return all(how == "matched" for how in self.events.values())


def join_events(session: Session, units: Units, candidates: Sequence[Candidate],
                decisions: Decisions, settings: EventSettings,
                movable: Container[int] | None = None) -> Joined:
    """Write the story's events (a new one when nothing matches), and its coverers'.

    ``movable``: the only other stories whose events may change (None: any).
    """
    choice = choose(units, candidates, settings.threshold, decisions, settings.max_events)
    if not choice.events:
        event = Event()
        session.add(event)
        session.flush()
        session.add(StoryEvent(story_id=units.story_id, event_id=event.id, score=1.0,
                               how="founded"))
        events = {event.id: "founded"}
    else:
        for event_id, score in choice.events:
            session.add(StoryEvent(story_id=units.story_id, event_id=event_id, score=score,
                                   how="matched"))
        events = {event_id: "matched" for event_id, _ in choice.events}
    covering: dict[int, int] = {}
    if choice.covering:  # only a short story has coverers, and it is in one event
        [own] = events
        for story_id, score in choice.covering:  # a part of theirs no event held yet
            if movable is not None and story_id not in movable:
                continue
            session.add(StoryEvent(story_id=story_id, event_id=own, score=score, how="matched"))
            covering[story_id] = own
    session.flush()
    return Joined(events, covering)
