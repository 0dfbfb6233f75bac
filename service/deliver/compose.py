"""Compose: a delivery's rows, read from the database, as an email ready to send.

The I/O half of rendering: reads deliveries, subscribers, their themes and
the stories (with their current themes and the model's explanation terms),
signs each subscriber's links (invariant 5), and lets render.py and mime.py
turn those values into bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from service.context import Context
from service.db.tables import Delivery, Issue, Story, Subscriber, Subscription
from service.db.types import as_utc
from service.deliver import coverage, links, render
from service.deliver.tokens import made_before_leaving
from service.domain import THEMES, SubscriberStatus
from service.events.store import events_of

CADENCE_OF_KIND = {"instant": "instant", "digest": "weekly"}
CONFIRM = "confirm"  # a double opt-in email (service/web/confirmation.py)
WAS_WEEKLY = "was-weekly"  # a theme moved from weekly to instant (subscriptions.weekly_until)
STORY_CACHE_LIMIT = 5000
READERS_FRESH_SECONDS = 2.0  # a batch's readers' status and choices, read again past this
REMOVED = "removed"  # a batch's reader whose row is gone (`subscribers remove`)
DRAFT_CACHE_LIMIT = 200


class NothingToSend(Exception):
    """The delivery is no longer owed: its subscriber left, or its stories are gone."""


@dataclass(frozen=True)
class Outgoing:
    recipient: str
    message_id: str
    subject: str
    data: bytes  # the whole email, ready for the wire
    # the stories it holds, when fewer than the delivery was made with (the reader's choices
    # changed, or some was news they had): what the delivery records once sent
    story_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class _IssueHeading:
    order: tuple[datetime, int]
    heading: render.EmailIssue  # without stories


DIGEST_PER_ISSUE = 25  # a digest's stories of one issue, at most (see Composer._fitted)
DIGEST_STORIES = 200  # and in all: about 450 KB of email
# kind, week, story ids, followed themes, the alert's "already got" line
DraftKey = tuple[str, str | None, tuple[int, ...], tuple[str, ...], str]


class Composer:
    """Turns deliveries into emails: reads them a batch at a time, renders each draft once.

    Deliveries holding the same stories for the same themes (a week's digest
    for thousands of readers) share one draft; only the address and the
    signed links differ.  Stories and drafts are cached, with bounds, so
    memory stays flat however many deliveries a run sends.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._batch: dict[int, tuple[Delivery, dict[str, tuple[str, ...]]]] = {}
        # subscriber -> (cadence, theme) -> the subscription's minimum score (or None)
        self._wanted: dict[int, dict[tuple[str, str], float | None]] = {}
        self._status: dict[int, str] = {}  # subscriber -> their status when last read
        self._secrets: dict[int, str] = {}  # subscriber -> their link secret when last read
        self._read_at = ctx.now()  # when the batch's readers were read
        self._stories: dict[int, tuple[render.EmailStory, int]] = {}
        self._scores: dict[int, dict[str, float]] = {}  # story id -> its themes' scores
        self._events: dict[int, tuple[int, ...]] = {}  # story id -> its events
        self._lengths: dict[int, int] = {}  # story id -> length of its text
        self._recent = coverage.RecentNews()  # what the batch's readers already got
        # composed, not yet sent: delivery id -> its subscriber and stories (note_sent)
        self._composed: dict[int, tuple[int, tuple[int, ...]]] = {}
        self._issues: dict[int, _IssueHeading] = {}
        # a draft, and the issues its stories come from (its feedback link covers them)
        self._drafts: dict[DraftKey, render.Draft | None] = {}

    def load(self, delivery_ids: Sequence[int]) -> None:
        """Read a batch of deliveries, their subscribers, themes and stories in a few queries."""
        with self.ctx.sessions() as session:
            deliveries = session.scalars(select(Delivery).where(Delivery.id.in_(delivery_ids))
                                         .options(joinedload(Delivery.subscriber))).all()
            self._status = {d.subscriber_id: d.subscriber.status for d in deliveries}
            self._secrets = {d.subscriber_id: d.subscriber.link_secret for d in deliveries}
            followed = self._read_choices(session, {d.subscriber_id for d in deliveries})
            self._load_stories(session, {i for d in deliveries for i in d.story_ids})
            # one read for the batch's alerts and digests, not one per email
            self._recent.load(session, {(d.subscriber_id, tuple(d.story_ids))
                                        for d in deliveries if d.kind in CADENCE_OF_KIND},
                              self._events, as_utc(self.ctx.now()))
        self._composed.clear()
        self._batch = {d.id: (d, followed.get(d.subscriber_id, {})) for d in deliveries}
        self._read_at = self.ctx.now()

    def _read_choices(self, session: Session, subscribers: set[int]
                      ) -> dict[int, dict[str, tuple[str, ...]]]:
        """Per subscriber, the themes followed at each cadence (in THEMES order); their
        minimum scores go to ``_wanted``."""
        followed: dict[int, dict[str, list[str]]] = {}
        for subscriber_id in subscribers:
            self._wanted[subscriber_id] = {}
        for subscriber_id, cadence, theme, min_score, weekly_until in session.execute(
                select(Subscription.subscriber_id, Subscription.cadence, Subscription.theme,
                       Subscription.min_score, Subscription.weekly_until)
                .where(Subscription.subscriber_id.in_(subscribers))):
            followed.setdefault(subscriber_id, {}).setdefault(cadence, []).append(theme)
            self._wanted[subscriber_id][(cadence, theme)] = min_score
            if weekly_until is not None:
                # moved to instant: what arrived while weekly is still owed to a digest
                # (match.py matched only that), so a digest keeps its stories on the theme
                self._wanted[subscriber_id][(WAS_WEEKLY, theme)] = min_score
        return {subscriber_id: {cadence: tuple(t for t in THEMES if t in themes)
                                for cadence, themes in by_cadence.items()}
                for subscriber_id, by_cadence in followed.items()}

    def _read_readers_again(self) -> None:
        """The batch's readers' status and choices, read again: a batch sent slowly (a rate
        limit, a slow server) takes minutes, and a reader who unsubscribed meanwhile was
        still sent its email (a review).  At most every ``READERS_FRESH_SECONDS``."""
        waiting = {delivery.subscriber_id for delivery, _ in self._batch.values()}
        with self.ctx.sessions() as session:
            rows = session.execute(select(Subscriber.id, Subscriber.status,
                                          Subscriber.link_secret)
                                   .where(Subscriber.id.in_(waiting))).all()
            # (a reader removed meanwhile has no row: "removed", never its old status; the
            # review of the operator's probe found a removed reader still sent)
            self._status.update((subscriber_id, REMOVED) for subscriber_id in waiting)
            self._status.update((subscriber_id, status) for subscriber_id, status, _ in rows)
            # (links revoked meanwhile, `subscribers revoke-links`: the review of that command)
            self._secrets.update((subscriber_id, secret) for subscriber_id, _, secret in rows)
            followed = self._read_choices(session, waiting)
        self._batch = {i: (d, followed.get(d.subscriber_id, {}))
                       for i, (d, _) in self._batch.items()}
        self._read_at = self.ctx.now()

    def compose(self, delivery_id: int) -> Outgoing:
        if delivery_id not in self._batch:
            self.load([delivery_id])
        if delivery_id not in self._batch:
            raise NothingToSend("the delivery no longer exists")
        if (self.ctx.now() - self._read_at).total_seconds() > READERS_FRESH_SECONDS:
            self._read_readers_again()
        delivery, followed = self._batch.pop(delivery_id)
        subscriber = delivery.subscriber
        if delivery.kind == CONFIRM:
            return self._confirmation(delivery, followed)
        status = self._status.get(delivery.subscriber_id, subscriber.status)
        if status != SubscriberStatus.ACTIVE:
            raise NothingToSend(f"subscriber is {status}")
        story_ids, already_got = self._news_for(delivery, self._still_wanted(delivery))
        if delivery.kind == "digest":
            story_ids, already_got = self._fitted(story_ids, already_got)
        themes = self._themes_of(delivery, followed, story_ids)
        draft = self._draft((delivery.kind, delivery.week, tuple(story_ids), themes,
                             already_got))
        if draft is None:
            raise NothingToSend("its stories no longer exist")
        # what this email holds, not what it was made with: a story left out was not got
        # (its digest must not leave it out again: the review of this change)
        self._composed[delivery.id] = (delivery.subscriber_id, tuple(story_ids))
        sent = tuple(story_ids) if list(story_ids) != list(delivery.story_ids) else None
        ctx = self.ctx
        message_id = render.delivery_message_id(delivery.id, delivery.created_at, ctx.base_url)
        letterhead = render.Letterhead(ctx.settings.smtp.from_, ctx.base_url,
                                       as_utc(ctx.now()), message_id)
        data = render.personalise(draft, subscriber.email,
                                  self._signed_links(subscriber, delivery.id), letterhead)
        return Outgoing(subscriber.email, message_id, draft.subject, data, sent)

    def note_sent(self, delivery_id: int, when: datetime) -> None:
        """The transport took this delivery's email: the rest of the batch counts it as got."""
        if delivery_id not in self._composed:
            return
        subscriber_id, story_ids = self._composed.pop(delivery_id)
        sources = {s: self._issues[self._stories[s][1]].heading.source
                   for s in story_ids if s in self._stories}
        self._recent.note_sent(subscriber_id, delivery_id, story_ids, when, self._events, sources)

    def _themes_of(self, delivery: Delivery, followed: dict[str, tuple[str, ...]],
                   story_ids: list[int]) -> tuple[str, ...]:
        """The themes an email names as followed: those at its cadence, and for a digest
        the themes moved to instant since whose earlier stories it holds."""
        themes = followed.get(CADENCE_OF_KIND[delivery.kind], ())
        if delivery.kind != "digest":
            return themes
        wanted = self._wanted.get(delivery.subscriber_id, {})
        held = {theme for story_id in story_ids for theme in self._scores.get(story_id, {})}
        moved = {theme for cadence, theme in wanted if cadence == WAS_WEEKLY and theme in held}
        return tuple(t for t in THEMES if t in themes or t in moved)

    def _still_wanted(self, delivery: Delivery) -> list[int]:
        """The delivery's stories its reader still follows at its cadence, as matching chose
        them (a current theme, at the subscription's minimum score).  A delivery is made
        when the issue lands, and may wait (a retry, a long queue, a digest built Monday):
        a theme turned off since, or every theme, no longer goes out (a review).  An
        alert's story now followed weekly goes to the week's digest instead, unless that
        round was built already with no digest of the reader's holding it (the alert
        waited on the mail server past it): then the alert keeps it, as no digest will."""
        cadence = CADENCE_OF_KIND[delivery.kind]
        kept = self._followed(delivery, (cadence, WAS_WEEKLY) if cadence == "weekly"
                              else (cadence,))
        moved = ([s for s in self._followed(delivery, ("weekly",)) if s not in kept]
                 if cadence == "instant" else [])
        if moved:
            orphans = self._in_no_digest(delivery.subscriber_id, moved)
            kept = [story_id for story_id in delivery.story_ids
                    if story_id in kept or story_id in orphans]
        if not kept:
            raise NothingToSend("its reader no longer follows any of its stories' themes "
                                f"at {cadence}")
        return kept

    def _in_no_digest(self, subscriber_id: int, story_ids: list[int]) -> set[int]:
        """Of ``story_ids``, those whose issue's round is built and none of the reader's
        digests holds: no digest will ever carry them (each issue is in one round)."""
        with self.ctx.sessions() as session:
            rounds: dict[int, str | None] = {story_id: week for story_id, week in session.execute(
                select(Story.id, Issue.digest_week).join(Issue).where(
                    Story.id.in_(story_ids), Issue.digest_week.is_not(None)))}
            held = {story_id for digest in session.scalars(select(Delivery.story_ids).where(
                        Delivery.subscriber_id == subscriber_id, Delivery.kind == "digest",
                        Delivery.week.in_(set(rounds.values()))))
                    for story_id in digest}
        return {story_id for story_id in rounds if story_id not in held}

    def _followed(self, delivery: Delivery, cadences: tuple[str, ...]) -> list[int]:
        """The delivery's stories on a theme its reader follows at one of ``cadences``."""
        wanted = self._wanted.get(delivery.subscriber_id, {})
        return [story_id for story_id in delivery.story_ids
                if any((at, theme) in wanted and score >= (wanted[(at, theme)] or 0.0)
                       for theme, score in self._scores.get(story_id, {}).items()
                       for at in cadences)]

    def _news_for(self, delivery: Delivery, story_ids: list[int]) -> tuple[list[int], str]:
        """An alert's or a digest's stories less those whose news the reader already got
        (coverage.py): a digest too, or a reader following one theme at once and another
        weekly, or an issue sent again after the week's round, got the news twice (a
        review)."""
        events = {s: self._events.get(s, ()) for s in story_ids}
        now = as_utc(self.ctx.now())
        sent = self._recent.sent_events(delivery.subscriber_id, delivery.id,
                                        tuple(delivery.story_ids), events, now)
        got = self._recent.sent_stories(delivery.subscriber_id, delivery.id,
                                        tuple(delivery.story_ids), now)
        kept, line = coverage.drop_already_got(story_ids, events, sent, got)
        if not kept:
            raise NothingToSend(f"every story is news the reader already got ({line})")
        return kept, line

    def _fitted(self, story_ids: list[int], already_got: str) -> tuple[list[int], str]:
        """A digest's stories, at most ``DIGEST_PER_ISSUE`` of an issue and ``DIGEST_STORIES``
        in all, taken an issue's story at a time, and its closing line saying how many did
        not fit.  A week of ten 495-story issues made an 11 MB digest, which a relay's 10 MB
        limit refused for every weekly reader, the week's real news with it (the
        outgoing-mail probe, stop 44)."""
        by_issue: dict[int, list[int]] = {}
        for story_id in story_ids:
            if story_id in self._stories:
                by_issue.setdefault(self._stories[story_id][1], []).append(story_id)
        order = sorted(by_issue, key=lambda issue_id: self._issues[issue_id].order)
        # Each issue's first story, then each one's second…: eight long issues took the 200
        # places before a later issue's news (the review of the first version)
        turns = sorted((rank, position, story_id) for position, issue_id in enumerate(order)
                       for rank, story_id in enumerate(by_issue[issue_id][:DIGEST_PER_ISSUE]))
        chosen = {story_id for _, _, story_id in turns[:DIGEST_STORIES]}
        kept = [story_id for story_id in story_ids if story_id in chosen]
        left = sum(story_id in self._stories for story_id in story_ids) - len(kept)
        if not left:
            return story_ids, already_got
        more = (f"{left} more {'story' if left == 1 else 'stories'} on your themes this week "
                "did not fit in this email" + (": the archive has them"
                                               if self.ctx.settings.web.public_archive else ""))
        return kept, f"{already_got}; {more}" if already_got else more

    def _confirmation(self, delivery: Delivery,
                      followed: dict[str, tuple[str, ...]]) -> Outgoing:
        """The double opt-in email: owed while the address is pending, or unsubscribed with
        a request to come back.  Its link carries the themes asked for (web/confirmation.py)."""
        subscriber = delivery.subscriber
        asked = subscriber.requested_choices
        if not (subscriber.status == SubscriberStatus.PENDING
                or (subscriber.status == SubscriberStatus.UNSUBSCRIBED and asked)):
            raise NothingToSend(f"subscriber is {subscriber.status}")
        if made_before_leaving(delivery.created_at, subscriber.unsubscribed_at):
            # in a sender's hands when the reader left, then put back by a transient
            # failure: its link could confirm nothing, and the request that brought the
            # reader back has an email of its own
            raise NothingToSend("a confirmation from before the reader unsubscribed")
        stored = {theme: cadence for cadence, themes in followed.items() for theme in themes}
        draft = render.draft_confirmation(render.requested_themes(asked, stored),
                                          {**stored, **(asked or {})})
        ctx = self.ctx
        message_id = render.delivery_message_id(delivery.id, delivery.created_at, ctx.base_url)
        letterhead = render.Letterhead(ctx.settings.smtp.from_, ctx.base_url,
                                       as_utc(ctx.now()), message_id)
        url = links.confirm_url(ctx.base_url, ctx.signer, subscriber.id, self._secret(subscriber),
                                delivery.id, asked)
        data = render.personalise(draft, subscriber.email, {"confirm": url}, letterhead)
        return Outgoing(subscriber.email, message_id, draft.subject, data)

    def _signed_links(self, subscriber: Subscriber, delivery_id: int) -> dict[str, str]:
        """The subscriber's own links, each signed for its purpose (invariant 5)."""
        sign = (self.ctx.base_url, self.ctx.signer, subscriber.id, self._secret(subscriber))
        return {"preferences": links.preferences_url(*sign),
                "unsubscribe": links.unsubscribe_url(*sign),
                "feedback": links.feedback_base_url(*sign, delivery_id)}

    def _secret(self, subscriber: Subscriber) -> str:
        """The reader's link secret as last read (the batch's readers are read again)."""
        return self._secrets.get(subscriber.id, subscriber.link_secret)

    def _draft(self, key: DraftKey) -> render.Draft | None:
        if key not in self._drafts:
            if len(self._drafts) >= DRAFT_CACHE_LIMIT:
                self._drafts.clear()
            kind, week, story_ids, themes, already_got = key
            issues = self._issues_of(story_ids)
            if not issues:
                self._drafts[key] = None
            else:
                # A private archive ([web] public_archive = false) is not linked.
                web = self.ctx.settings.web.public_archive
                draft = (render.draft_digest(week or "", coverage.fold_digest(
                    [issue for _, issue in issues], self._events, self._lengths), themes,
                    already_got, web_links=web)
                         if kind == "digest"
                         else render.draft_alert(issues[0][1], themes, already_got,
                                                 web_links=web))
                self._drafts[key] = draft
        return self._drafts[key]

    def _issues_of(self, story_ids: Sequence[int]) -> list[tuple[int, render.EmailIssue]]:
        grouped: dict[int, list[render.EmailStory]] = {}
        for story_id in story_ids:
            if story_id in self._stories:
                story, issue_id = self._stories[story_id]
                grouped.setdefault(issue_id, []).append(story)
        ordered = sorted(grouped, key=lambda issue_id: self._issues[issue_id].order)
        return [(i, replace(self._issues[i].heading, stories=tuple(grouped[i]))) for i in ordered]

    def _load_stories(self, session: Session, story_ids: set[int]) -> None:
        missing = [story_id for story_id in story_ids if story_id not in self._stories]
        if not missing:
            return
        if len(self._stories) + len(missing) > STORY_CACHE_LIMIT:
            self._stories.clear()  # keeps memory flat however many issues a run covers
            self._scores.clear()
            self._issues.clear()
            self._events.clear()
            self._lengths.clear()
            missing = list(story_ids)
        rows = session.scalars(select(Story).where(Story.id.in_(missing)).options(
            selectinload(Story.themes),
            joinedload(Story.issue).defer(Issue.raw).joinedload(Issue.source)))
        for row in rows:
            self._stories[row.id] = (_email_story(row), row.issue_id)
            # (a theme a person labeled passes any minimum score: 1.0)
            self._scores[row.id] = {t.theme: 1.0 if t.labeled else t.score for t in row.themes
                                    if t.current and t.assigned}
            self._issues.setdefault(row.issue_id, _heading(row.issue))
            self._lengths[row.id] = len(row.text)
        for story_id, events in events_of(session, missing).items():
            self._events[story_id] = tuple(events)


def _email_story(row: Story) -> render.EmailStory:
    current = {t.theme: t for t in row.themes if t.current and t.assigned}
    themes = [theme for theme in THEMES if theme in current]
    return render.email_story(
        id=row.id, headline=row.headline, text=row.text,
        links=[link.get("url", "") for link in row.links or []], themes=themes,
        url=row.url or "", section=row.section or "", fiction=bool(row.fiction),
        explanations={theme: current[theme].explanation or [] for theme in themes})


def _heading(issue: Issue) -> _IssueHeading:
    when = issue.sent_at or issue.received_at
    title = render.issue_title(issue.subject, issue.source.name)
    return _IssueHeading((when, issue.id), render.EmailIssue(title, issue.source.name, None, ()))
