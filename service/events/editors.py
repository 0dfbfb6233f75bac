"""Events stage, editors' corrections: split a story out of an event, merge two events.

Each correction is stored as pair decisions (``event_decisions``): a split
says the story is not the same news as each story left in the event, a merge
says every story of one event is the same news as every story of the other.
Matching obeys them ever after (a re-match never undoes a split), and
`newsalerts events tune` scores thresholds against them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.db.tables import Event, EventDecision, StoryEvent
from service.errors import EventError


def members(session: Session, event_id: int) -> list[int]:
    return list(session.scalars(select(StoryEvent.story_id)
                                .where(StoryEvent.event_id == event_id)
                                .order_by(StoryEvent.story_id)))


def split_story(session: Session, story_id: int, event_id: int, who: str,
                now: datetime) -> int:
    """Take ``story_id`` out of ``event_id``; returns the event it is left in (maybe new)."""
    current = members(session, event_id)
    others = [s for s in current if s != story_id]
    if len(others) == len(current):
        raise EventError("not-a-member", f"story {story_id} is not in event {event_id}")
    if not others:
        raise EventError("alone", f"story {story_id} is the only story of event {event_id}")
    session.add_all(EventDecision(story_id=story_id, other_story_id=other, same=False, who=who,
                                  created_at=now) for other in others)
    session.execute(delete(StoryEvent).where(StoryEvent.story_id == story_id,
                                             StoryEvent.event_id == event_id))
    left = session.scalars(select(StoryEvent.event_id)
                           .where(StoryEvent.story_id == story_id)).first()
    if left is not None:
        return left
    event = Event(created_at=now)
    session.add(event)
    session.flush()
    session.add(StoryEvent(story_id=story_id, event_id=event.id, score=1.0, how="editor"))
    session.flush()
    return event.id


def merge_events(session: Session, event_id: int, into_id: int, who: str,
                 now: datetime) -> int:
    """Move every story of ``event_id`` into ``into_id``; returns how many stories moved."""
    if event_id == into_id:
        raise EventError("same-event", "an event cannot be merged into itself")
    moving, staying = members(session, event_id), members(session, into_id)
    if not moving or not staying:
        missing = event_id if not moving else into_id
        raise EventError("no-event", f"event {missing} does not exist")
    session.add_all(EventDecision(story_id=a, other_story_id=b, same=True, who=who,
                                  created_at=now)
                    for a in moving for b in staying if a != b)
    session.execute(delete(StoryEvent).where(StoryEvent.event_id == event_id))
    session.add_all(StoryEvent(story_id=a, event_id=into_id, score=1.0, how="editor")
                    for a in moving if a not in staying)
    session.execute(delete(Event).where(Event.id == event_id))
    session.flush()
    return len([a for a in moving if a not in staying])
