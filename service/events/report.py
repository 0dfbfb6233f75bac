"""Events stage, reading back: events as JSON lines, and thresholds scored on editors' word."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.tables import EventDecision, Issue, Source, Story, StoryEvent
from service.events.candidates import load_units
from service.events.matching import (
    best_threshold,
    decisions_from,
    pair_scores,
    precision_recall_f1,
)


def events_since(session: Session, since: datetime | None) -> Iterator[dict[str, Any]]:
    """``{"event", "stories": [{"message_id", "index", "source", "headline"}]}`` per event.

    Events come in the order of their first story's issue date; an event is
    listed when one of its stories is dated ``since`` or later, with all its stories.
    """
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    query = (select(StoryEvent.event_id, Issue.message_id, Story.index, Source.name,
                    Story.headline)
             .join(Story, Story.id == StoryEvent.story_id).join(Issue).join(Source)
             .order_by(dated, Issue.id, Story.index, StoryEvent.event_id))
    if since is not None:
        recent = (select(StoryEvent.event_id).join(Story, Story.id == StoryEvent.story_id)
                  .join(Issue).where(dated >= since))
        query = query.where(StoryEvent.event_id.in_(recent))
    grouped: dict[int, list[dict[str, Any]]] = {}
    for event_id, message_id, index, source, headline in session.execute(query):
        grouped.setdefault(event_id, []).append(
            {"message_id": message_id, "index": index, "source": source, "headline": headline})
    for event_id, stories in grouped.items():
        yield {"event": event_id, "stories": stories}


def tune(session: Session, current: float) -> dict[str, Any]:
    """The threshold that best agrees with editors' split and merge decisions.

    ``{"pairs", "same", "threshold", "f1", "current", "current_f1"}``: the
    operator sets ``[events] threshold`` from it.  Without a merge among the
    decisions there is nothing to fit, and the figures are null.
    """
    decisions = decisions_from(session.execute(
        select(EventDecision.story_id, EventDecision.other_story_id, EventDecision.same)
        .order_by(EventDecision.id)))
    labeled: list[tuple[int, int, bool]] = []
    for pairs, same in ((decisions.same, True), (decisions.different, False)):
        labeled += [(min(pair), max(pair), same) for pair in pairs]
    units = load_units(session, sorted({s for a, b, _ in labeled for s in (a, b)}))
    scored = pair_scores(units, labeled)
    if not any(same for _, same in scored):  # nothing to fit yet
        return {"pairs": len(scored), "same": 0, "threshold": None, "f1": None,
                "current": current, "current_f1": None}
    threshold, f1 = best_threshold(scored)
    positives = sum(same for _, same in scored)
    _, _, current_f1 = precision_recall_f1(scored, current)
    return {"pairs": len(scored), "same": positives, "threshold": threshold, "f1": f1,
            "current": current, "current_f1": round(current_f1, 4)}
