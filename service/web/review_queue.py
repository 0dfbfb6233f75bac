"""What the review page shows and stores: disputed stories, then recent ones least
certain first, a page at a time.

A story's certainty is how far its least clear theme score sits from that
theme's decision threshold (the model card's ``thresholds``, else 0.5): a
score of 0.49 against 0.5 is a coin toss, 0.02 is a firm no.  Stories an editor
has already labeled go to the end, so the top of the page is always work.

Above them come the stories readers dispute: a reader's "wrong themes?" answer
that differs from the story's themes and that no editor has settled, however
old the story (``DISPUTED``).  Before, the page looked only at the 300 newest
stories, showed 50 and never a reader's answer, so two readers split 2-2 on a
story, polled from an older archive, were never seen (an editor's review).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from service.classify.editor_tags import SETTLING, editor_labels
from service.classify.label_rows import READER
from service.db.tables import Issue, Label, ModelVersion, Source, Story, StoryTheme, Subscriber
from service.domain import THEMES, SubscriberStatus
from service.subscribers.mailboxes import mailbox
from service.web.archive_query import has_theme, matches

DEFAULT_THRESHOLD = 0.5
RECENT_STORIES = 1000  # how far back the queue looks, by issue date
SHOWN = 50  # how many a page lists
DISPUTED = 500  # readers' unsettled answers the queue reads, the newest first


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    score: float
    assigned: bool
    threshold: float
    explanation: tuple[str, ...]
    held: bool = False  # a subject gate kept it under: no AI named (no machine, for robotics)


@dataclass(frozen=True)
class ReviewItem:
    story_id: int
    headline: str
    issue_subject: str
    issue_date: datetime | None
    fiction: bool
    scores: tuple[ThemeScore, ...]
    editor_themes: tuple[str, ...] | None = None  # the latest editor label, if any
    certainty: float = field(default=0.0)
    # readers' answers: each set of themes given, and by how many readers
    reader_votes: tuple[tuple[tuple[str, ...], int], ...] = ()

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(score.theme for score in self.scores if score.assigned)

    @property
    def disputed(self) -> bool:
        """A reader answered other themes, and no editor has labeled the story."""
        return self.editor_themes is None and any(
            themes != self.themes for themes, _ in self.reader_votes)


@dataclass(frozen=True)
class Queue:
    items: list[ReviewItem]
    page: int  # from 0
    more: bool  # a next page has stories
    first: int = 1  # the first item's place in the whole queue, from 1


def certainty(scores: Iterable[ThemeScore]) -> float:
    """The smallest distance of a score to its threshold; 0.0 when untagged."""
    return min((abs(s.score - s.threshold) for s in scores), default=0.0)


@dataclass(frozen=True)
class Filters:
    """What the editor narrowed the queue to (a user's review: with more than the queue's
    window of stories, the older ones could not be reached, and ?theme= was ignored)."""

    theme: str = ""  # a theme the story is tagged with now
    source: str = ""  # a newsletter's name
    text: str = ""  # words in the headline or the text

    def __bool__(self) -> bool:
        return bool(self.theme or self.source or self.text)

    def where(self, session: Session) -> list[Any]:
        """The filters as SQL conditions on Story (joined to its Issue): the archive's own
        theme and search conditions (full-text search on PostgreSQL, LIKE on SQLite)."""
        conditions: list[Any] = []
        if self.theme:
            conditions.append(has_theme(self.theme))
        if self.source:
            conditions.append(Issue.source_id.in_(
                select(Source.id).where(Source.name == self.source)))
        if self.text:
            conditions.append(matches(session, self.text))
        return conditions


def review_queue(session: Session, limit: int = SHOWN, recent: int = RECENT_STORIES,
                 page: int = 0, filters: Filters = Filters()) -> Queue:
    """The disputed stories, then the latest ``recent``: unlabeled before labeled,
    disputed first, least certain first; ``limit`` of them from ``page``.  ``filters``
    narrow both before the window is taken."""
    stories = _recent_stories(session, recent, filters)
    seen = {story.id for story in stories}
    stories += _stories(session, _disputed_ids(session, seen, filters), filters)
    ids = [story.id for story in stories]
    thresholds = _thresholds(session)
    editor, votes = _editor_labels(session, ids), _reader_votes(session, ids)
    items = [_item(story, thresholds, editor.get(story.id), votes.get(story.id, ()))
             for story in stories]
    items.sort(key=lambda item: (item.editor_themes is not None, not item.disputed,
                                 item.certainty))
    start = max(page, 0) * limit
    return Queue(items[start:start + limit], max(page, 0), len(items) > start + limit,
                 start + 1)


def current_themes(story: Story) -> list[str]:
    """The themes the latest tagging assigned, in THEMES order."""
    assigned = {row.theme for row in story.themes if row.current and row.assigned}
    return [theme for theme in THEMES if theme in assigned]


def _recent_stories(session: Session, recent: int, filters: Filters) -> list[Story]:
    dated = func.coalesce(Issue.sent_at, Issue.received_at)
    query = (
        select(Story).join(Story.issue).where(*filters.where(session))
        .options(selectinload(Story.themes), selectinload(Story.issue))
        .order_by(dated.desc(), Story.issue_id.desc(), Story.index)
        .limit(recent)
    )
    return list(session.scalars(query))


def _stories(session: Session, ids: list[int], filters: Filters) -> list[Story]:
    query = (select(Story).join(Story.issue).where(Story.id.in_(ids), *filters.where(session))
             .options(selectinload(Story.themes), selectinload(Story.issue)))
    return list(session.scalars(query))


def sources(session: Session) -> list[str]:
    """The newsletters' names, for the queue's filter."""
    return list(session.scalars(select(Source.name).order_by(Source.name)))


def _disputed_ids(session: Session, skip: set[int], filters: Filters) -> list[int]:
    """Up to ``DISPUTED`` stories not in ``skip`` that readers dispute (an answer that
    differs from the story's themes) and no editor has labeled, newest answer first;
    of those, only the ones ``filters`` keep (before the cap: the review).

    Read a chunk at a time: an answer that agrees with the story is no dispute, and 500
    such answers newer than a real one hid it from the queue for good."""
    settled = select(Label.story_id).where(Label.role.in_(SETTLING))  # (an import too)
    kept = select(Story.id).join(Story.issue).where(*filters.where(session))
    query = (select(Label.story_id).where(Label.role == READER,
                                          Label.story_id.not_in(settled))
             .group_by(Label.story_id)
             .order_by(func.max(Label.created_at).desc(), Label.story_id.desc()))
    if filters:
        query = query.where(Label.story_id.in_(kept))
    found: list[int] = []
    answered = session.scalars(query.execution_options(yield_per=DISPUTED))
    for part in answered.partitions():
        chunk = [story_id for story_id in part if story_id not in skip]
        votes, themes = _reader_votes(session, chunk), _assigned(session, chunk)
        found += [story_id for story_id in chunk
                  if any(answer != themes.get(story_id, ())
                         for answer, _ in votes.get(story_id, ()))]
        if len(found) >= DISPUTED:
            break
    answered.close()
    return found[:DISPUTED]


def _assigned(session: Session, story_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each story's current themes, in THEMES order."""
    found: dict[int, set[str]] = {}
    for story_id, theme in session.execute(
            select(StoryTheme.story_id, StoryTheme.theme)
            .where(StoryTheme.story_id.in_(story_ids), StoryTheme.current.is_(True),
                   StoryTheme.assigned.is_(True))):
        found.setdefault(story_id, set()).add(theme)
    return {story_id: tuple(t for t in THEMES if t in themes)
            for story_id, themes in found.items()}


def _reader_votes(session: Session, story_ids: list[int]
                  ) -> dict[int, tuple[tuple[tuple[str, ...], int], ...]]:
    """Per story, each set of themes readers answered and how many answered it, the most
    given first, counted as training counts them (labels.effective_labels): an active
    reader's latest answer, one per mailbox ("eve+1@" and "eve+2@" are one).  A removed or
    unsubscribed reader's answer showed here as a dispute training never saw (the
    editor's probe, stop 44)."""
    latest: dict[int, dict[str, tuple[str, ...]]] = {}
    query = (select(Label.story_id, Label.who, Label.themes)
             .join(Subscriber, Subscriber.email == Label.who)
             .where(Label.role == READER, Label.story_id.in_(story_ids),
                    Subscriber.status == SubscriberStatus.ACTIVE)
             .order_by(Label.created_at, Label.id))
    for story_id, who, themes in session.execute(query):
        latest.setdefault(story_id, {})[mailbox(who)] = tuple(t for t in THEMES if t in themes)
    return {story_id: tuple(Counter(answers.values()).most_common())
            for story_id, answers in latest.items()}


def _thresholds(session: Session) -> dict[str, dict[str, float]]:
    """Per model version, its per-theme thresholds when its card records them."""
    found: dict[str, dict[str, float]] = {}
    for version, card in session.execute(select(ModelVersion.version, ModelVersion.card)):
        found[version] = _card_thresholds(card)
    return found


def _card_thresholds(card: Any) -> dict[str, float]:
    raw = card.get("thresholds") if isinstance(card, Mapping) else None
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): float(v) for k, v in raw.items() if isinstance(v, int | float)}


def editor_label(session: Session, story_id: int) -> tuple[str, ...] | None:
    """The story's latest editor label, as the page shows it (None: not labeled)."""
    return _editor_labels(session, [story_id]).get(story_id)


def label_seen(themes: Iterable[str] | None) -> str:
    """An editor label as the review forms carry it back: "-" for none yet."""
    return "-" if themes is None else ",".join(themes)


def _editor_labels(session: Session, story_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The newest editor's or imported label of each story: an import weighs as an editor's
    (a story it settled stayed "disputed", and a form drawn before it overwrote it with no
    409: the editor's probe, stop 44)."""
    return editor_labels(session, story_ids)


def _item(story: Story, thresholds: Mapping[str, Mapping[str, float]],
          editor_themes: tuple[str, ...] | None,
          reader_votes: tuple[tuple[tuple[str, ...], int], ...]) -> ReviewItem:
    scores = tuple(_theme_score(row, thresholds) for row in _current_rows(story))
    return ReviewItem(
        story_id=story.id, headline=story.headline, issue_subject=story.issue.subject,
        issue_date=story.issue.sent_at or story.issue.received_at, fiction=story.fiction,
        scores=scores, editor_themes=editor_themes, certainty=certainty(scores),
        reader_votes=reader_votes,
    )


def _current_rows(story: Story) -> list[StoryTheme]:
    rank = {theme: i for i, theme in enumerate(THEMES)}
    current = [row for row in story.themes if row.current]
    return sorted(current, key=lambda row: rank.get(row.theme, len(rank)))


def _theme_score(row: StoryTheme, thresholds: Mapping[str, Mapping[str, float]]) -> ThemeScore:
    threshold = thresholds.get(row.model_version, {}).get(row.theme, DEFAULT_THRESHOLD)
    return ThemeScore(row.theme, row.score, row.assigned, threshold, tuple(row.explanation),
                      bool(row.held))
