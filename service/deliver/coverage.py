"""Deliver, one piece of news once: fold a digest by event, leave already-sent news out.

Events come from service/events (the stories of one piece of news share an
event id).  A weekly digest lists each event once, under its longest story,
with "also in" links to the other newsletters that covered it.  An alert or a
digest leaves out a story whose events the reader was already sent in the last
``REPEAT_DAYS`` days (by another newsletter, or the same story in another email),
and says so in one line ("2 stories you already got from Last Week in AI").  A
story in several events (a roundup) is never folded away: it is the only place
its other items appear.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.bulk import chunked, one_of
from service.db.tables import Delivery, Issue, Source, Story, StoryEvent
from service.deliver.render import AlsoIn, EmailIssue, EmailStory
from service.events.candidates import LOOKUP_CHUNK
from service.events.store import events_of

REPEAT_DAYS = 14
ALERT_CACHE_LIMIT = 200  # emails whose members are kept across batches

Events = Mapping[int, Sequence[int]]  # story id -> its event ids


def fold_digest(issues: Sequence[EmailIssue], events: Events,
                lengths: Mapping[int, int]) -> list[EmailIssue]:
    """The issues with each one-event story listed once, under its event's longest story.

    Two stories of one issue are never folded together: the newsletter told them apart
    ("Waymo doubles its robotaxi rides" beside "Waymo and Uber start in Austin"), and a
    wrong event hid one of them with no word in the digest (a subscriber's review)."""
    groups: dict[int, list[tuple[EmailStory, str, int]]] = {}
    for at, issue in enumerate(issues):
        for story in issue.stories:
            if len(events.get(story.id, ())) == 1:
                groups.setdefault(events[story.id][0], []).append((story, issue.source, at))
    shown: dict[int, EmailStory] = {}
    hidden: set[int] = set()
    for members in groups.values():
        best, home, own = max(members, key=lambda item: lengths.get(item[0].id, 0))
        others = [(s, source) for s, source, at in members if at != own]
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
                     sent: Mapping[int, str],
                     sent_stories: Mapping[int, str] | None = None) -> tuple[list[int], str]:
    """The stories left once those whose every event was sent are out, and the line saying so.

    ``sent`` maps each event the reader already got to the newsletter it came from;
    ``sent_stories`` each story they already got itself, events or not (a story stored
    without events, its issue's events having failed, went out twice: a subscriber review).
    """
    kept: list[int] = []
    sources: dict[str, int] = {}
    got = sent_stories or {}
    for story_id in story_ids:
        own = events.get(story_id, ())
        if story_id in got or (own and all(event in sent for event in own)):
            source = got[story_id] if story_id in got else sent[own[0]]
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


@dataclass(frozen=True)
class _Sent:
    delivery_id: int
    story_ids: tuple[int, ...]
    sent_at: datetime


class RecentNews:
    """What a batch's readers were sent in the last REPEAT_DAYS, read for the whole batch at once.

    A handful of statements per batch, however many alerts and digests it holds:
    the stories sharing an event with each email's (kept per email across batches,
    the same for every reader), the readers' sent deliveries, and the events and
    newsletters of the stories in them.  An email sent while its batch is being sent
    is noted (``note_sent``), so a reader's second email in one batch leaves out what
    the first brought, as it would if each email asked the database itself.
    """

    def __init__(self) -> None:
        self._members: dict[tuple[int, ...], set[int]] = {}  # email's stories -> their members
        self._sent: dict[int, list[_Sent]] = {}  # subscriber -> deliveries sent to them
        self._events: dict[int, Sequence[int]] = {}  # a sent story -> its events
        self._sources: dict[int, str] = {}  # a sent story -> its newsletter

    def load(self, session: Session, alerts: Collection[tuple[int, tuple[int, ...]]],
             events: Events, now: datetime) -> None:
        """Read, for these (subscriber, story ids) alerts, what could make a story old news."""
        keys = {story_ids for _, story_ids in alerts}
        missing = keys - set(self._members)
        if len(self._members) + len(missing) > ALERT_CACHE_LIMIT:
            self._members.clear()
            missing = keys
        self._members.update(_members(session, missing, events))
        for key in missing:  # the email's own stories, whether or not they have events
            self._members[key] = self._members[key] | set(key)
        readers = {subscriber for subscriber, key in alerts if self._members[key]}
        self._sent = _sent_to(session, readers, now - timedelta(days=REPEAT_DAYS))
        members = set().union(*(self._members[key] for key in keys))
        got = {s for sends in self._sent.values() for sent in sends for s in sent.story_ids
               if s in members}
        self._events = dict(events_of(session, got))
        self._sources = _sources_of(session, got)

    def note_sent(self, subscriber_id: int, delivery_id: int, story_ids: Sequence[int],
                  when: datetime, events: Events, sources: Mapping[int, str]) -> None:
        """A delivery just sent: later alerts of this batch count it (its stories' values given)."""
        self._sent.setdefault(subscriber_id, []).append(_Sent(delivery_id, tuple(story_ids), when))
        for story_id in story_ids:
            if story_id in sources:
                self._events.setdefault(story_id, events.get(story_id, ()))
                self._sources.setdefault(story_id, sources[story_id])

    def sent_stories(self, subscriber_id: int, delivery_id: int, story_ids: tuple[int, ...],
                     now: datetime) -> dict[int, str]:
        """Stories of ``story_ids`` themselves sent to the subscriber in the last REPEAT_DAYS
        (by another delivery than ``delivery_id``), and their newsletters."""
        since = now - timedelta(days=REPEAT_DAYS)
        own = set(story_ids)
        return {s: self._sources.get(s, "") for sent in self._sent.get(subscriber_id, ())
                if sent.delivery_id != delivery_id and sent.sent_at >= since
                for s in sent.story_ids if s in own}

    def sent_events(self, subscriber_id: int, delivery_id: int, story_ids: tuple[int, ...],
                    events: Events, now: datetime) -> dict[int, str]:
        """Events of ``events`` the subscriber was sent in the last REPEAT_DAYS, and from where.

        ``delivery_id`` is the delivery at hand, which does not count.
        """
        members = self._members.get(story_ids, set())
        if not members:
            return {}
        since = now - timedelta(days=REPEAT_DAYS)
        got = {s for sent in self._sent.get(subscriber_id, ())
               if sent.delivery_id != delivery_id and sent.sent_at >= since
               for s in sent.story_ids if s in members}
        wanted = {event for own in events.values() for event in own}
        found: dict[int, str] = {}
        for story_id in sorted(got):
            for event in self._events.get(story_id, ()):
                if event in wanted:
                    found.setdefault(event, self._sources[story_id])
        return found


def _members(session: Session, alerts: Collection[tuple[int, ...]],
             events: Events) -> dict[tuple[int, ...], set[int]]:
    """Per email, the stories that share one of its events, its own included: the only ones
    to check.  Its own, because the same story may have gone out in another email: an
    alert, then the digest of a reader who moved that theme to weekly (a review)."""
    wanted = {event for key in alerts for story in key for event in events.get(story, ())}
    stories: dict[int, set[int]] = {}
    for chunk in chunked(sorted(wanted), LOOKUP_CHUNK):
        for story_id, event_id in session.execute(
                select(StoryEvent.story_id, StoryEvent.event_id)
                .where(one_of(session, StoryEvent.event_id, chunk))):
            stories.setdefault(event_id, set()).add(story_id)
    return {key: set().union(*(stories.get(event, set()) for story in key
                               for event in events.get(story, ())))
            for key in alerts}


def _sent_to(session: Session, readers: Collection[int], since: datetime) -> dict[int, list[_Sent]]:
    sent: dict[int, list[_Sent]] = {}
    for chunk in chunked(sorted(readers), LOOKUP_CHUNK):
        for delivery_id, subscriber_id, story_ids, sent_at in session.execute(
                select(Delivery.id, Delivery.subscriber_id, Delivery.story_ids, Delivery.sent_at)
                .where(one_of(session, Delivery.subscriber_id, chunk),
                       Delivery.status == "sent", Delivery.sent_at >= since)):
            sent.setdefault(subscriber_id, []).append(  # sent_at >= since: never None here
                _Sent(delivery_id, tuple(story_ids or ()), sent_at or since))
    return sent


def _sources_of(session: Session, story_ids: Collection[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in chunked(sorted(story_ids), LOOKUP_CHUNK):
        names.update((story_id, name) for story_id, name in session.execute(
            select(Story.id, Source.name).join(Issue, Issue.id == Story.issue_id)
            .join(Source, Source.id == Issue.source_id)
            .where(one_of(session, Story.id, chunk))))
    return names
