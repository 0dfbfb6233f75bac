"""Deliver, one piece of news once: fold a digest by event, leave already-sent news out of alerts.

Events come from service/events (the stories of one piece of news share an
event id).  A weekly digest lists each event once, under its longest story,
with "also in" links to the other newsletters that covered it.  An instant
alert leaves out a story whose events the reader was already sent in the last
``REPEAT_DAYS`` days, and says so in one line ("2 stories you already got
from Last Week in AI").  A story in several events (a roundup) is never folded
away: it is the only place its other items appear.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.tables import Delivery, Issue, Source, Story, StoryEvent
from service.deliver.render import AlsoIn, EmailIssue, EmailStory
from service.events.store import events_of

REPEAT_DAYS = 14

Events = Mapping[int, Sequence[int]]  # story id -> its event ids


def fold_digest(issues: Sequence[EmailIssue], events: Events,
                lengths: Mapping[int, int]) -> list[EmailIssue]:
    """The issues with each one-event story listed once, under its event's longest story."""
    groups: dict[int, list[tuple[EmailStory, str]]] = {}
    for issue in issues:
        for story in issue.stories:
            if len(events.get(story.id, ())) == 1:
                groups.setdefault(events[story.id][0], []).append((story, issue.source))
    shown: dict[int, EmailStory] = {}
    hidden: set[int] = set()
    for members in groups.values():
        best, home = max(members, key=lambda item: lengths.get(item[0].id, 0))
        others = [(s, source) for s, source in members if s.id != best.id]
        hidden.update(s.id for s, _ in others)
        also_in = _also_in([(s, source) for s, source in others if source != home])
        if also_in:
            shown[best.id] = replace(best, also_in=also_in)
    folded = [replace(issue, stories=tuple(shown.get(s.id, s) for s in issue.stories
                                           if s.id not in hidden)) for issue in issues]
    return [issue for issue in folded if issue.stories]


def _also_in(others: Sequence[tuple[EmailStory, str]]) -> tuple[AlsoIn, ...]:
    """One entry per other newsletter (its first story's link), in digest order."""
    firsts: dict[str, EmailStory] = {}
    for story, source in others:
        firsts.setdefault(source, story)
    return tuple(AlsoIn(source, story.url) for source, story in firsts.items())


def drop_already_got(story_ids: Sequence[int], events: Events,
                     sent: Mapping[int, str]) -> tuple[list[int], str]:
    """The stories left once those whose every event was sent are out, and the line saying so.

    ``sent`` maps each event the reader already got to the newsletter it came from.
    """
    kept: list[int] = []
    sources: dict[str, int] = {}
    for story_id in story_ids:
        own = events.get(story_id, ())
        if own and all(event in sent for event in own):
            source = sent[own[0]]
            sources[source] = sources.get(source, 0) + 1
        else:
            kept.append(story_id)
    return kept, already_got_line(sources)


def already_got_line(sources: Mapping[str, int]) -> str:
    """ "2 stories you already got from Last Week in AI" (and "and The Batch" for more)."""
    total = sum(sources.values())
    if not total:
        return ""
    names = list(sources)
    named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{total} {'story' if total == 1 else 'stories'} you already got from {named}"


def other_members(session: Session, events: Events) -> set[int]:
    """Stories outside ``events``' own that share one of their events: the only ones to check.

    The same for every reader of an alert, so the caller keeps it per alert.
    """
    wanted = {event for own in events.values() for event in own}
    if not wanted:
        return set()
    rows = session.scalars(select(StoryEvent.story_id).where(StoryEvent.event_id.in_(wanted)))
    return set(rows) - set(events)


def sent_events(session: Session, subscriber_id: int, members: Collection[int], events: Events,
                before: int, now: datetime) -> dict[int, str]:
    """Events of ``events`` the subscriber was sent in the last REPEAT_DAYS, and from where.

    ``members`` (other_members) are the stories that could have brought them;
    ``before`` is the delivery at hand, which does not count.
    """
    if not members:
        return {}
    since = now - timedelta(days=REPEAT_DAYS)
    got: set[int] = set()
    for (story_ids,) in session.execute(
            select(Delivery.story_ids).where(
                Delivery.subscriber_id == subscriber_id, Delivery.status == "sent",
                Delivery.sent_at >= since, Delivery.id != before)):
        got.update(s for s in story_ids or () if s in members)
    wanted = {event for own in events.values() for event in own}
    return _sources_of_events(session, got, events_of(session, got), wanted)


def _sources_of_events(session: Session, got: Collection[int], events: Events,
                       wanted: set[int]) -> dict[int, str]:
    if not got:
        return {}
    names = dict(session.execute(
        select(Story.id, Source.name).join(Issue, Issue.id == Story.issue_id)
        .join(Source, Source.id == Issue.source_id).where(Story.id.in_(got))).all())
    found: dict[int, str] = {}
    for story_id in sorted(got):
        for event in events.get(story_id, ()):
            if event in wanted:
                found.setdefault(event, names[story_id])
    return found
