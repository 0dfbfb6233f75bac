"""Events stage, for the review page: each story's events and the other stories in them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.tables import Issue, Source, Story, StoryEvent
from service.events.store import events_of


@dataclass(frozen=True)
class Companion:
    story_id: int
    source: str
    headline: str


@dataclass(frozen=True)
class ShownEvent:
    event_id: int
    others: tuple[Companion, ...]  # the event's other stories, oldest first


def events_for_review(session: Session,
                      story_ids: Sequence[int]) -> dict[int, tuple[ShownEvent, ...]]:
    """Per story, its events with their other stories (a story alone in its event: no others)."""
    own = events_of(session, story_ids)
    wanted = {event for found in own.values() for event in found}
    members: dict[int, list[Companion]] = {}
    if wanted:
        rows = session.execute(
            select(StoryEvent.event_id, Story.id, Source.name, Story.headline)
            .join(Story, Story.id == StoryEvent.story_id).join(Issue).join(Source)
            .where(StoryEvent.event_id.in_(wanted)).order_by(Issue.id, Story.index))
        for event_id, story_id, source, headline in rows:
            members.setdefault(event_id, []).append(Companion(story_id, source, headline))
    return {story_id: tuple(ShownEvent(e, tuple(c for c in members.get(e, [])
                                                if c.story_id != story_id))
                            for e in found)
            for story_id, found in own.items()}
