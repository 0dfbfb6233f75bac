"""The story archive's reads: stories by theme, newest first, for feeds and archive pages.

Read-only.  Newest means when the issue arrived (``received_at``), then the
issue, then the story's place in it.  A listing is two steps, ``story_ids``
(which stories, in order) then ``load_stories`` (their rows): grouping
stories into events changes only the first step: a story another story of its
one event came before is left out (one entry per piece of news; a roundup, in
several events, is always listed).  Search is ``LIKE`` on
SQLite and full-text search on PostgreSQL (the GIN index of migration 0005).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from service.db.tables import Issue, Source, Story, StoryEvent, StoryTheme
from service.db.types import as_utc
from service.domain import THEMES

# Must match the expression of the PostgreSQL index in migration 0005, character for character.
PG_DOCUMENT = "to_tsvector('english'::regconfig, stories.headline || ' ' || stories.text)"
PG_MATCH = text(f"{PG_DOCUMENT} @@ websearch_to_tsquery('english'::regconfig, :search)")
MAX_SEARCH_CHARS = 200
SEARCH_TIMEOUT_MS = 3000  # a search's statements on PostgreSQL, at most


@dataclass(frozen=True)
class TagView:
    theme: str
    explanation: tuple[str, ...]  # the terms that made the model pick it


@dataclass(frozen=True)
class ArchiveStory:
    """One stored story as the archive and the feeds show it."""

    id: int
    headline: str
    text: str
    own_url: str | None  # the story's own link, when the segmenter found one
    links: tuple[tuple[str, str], ...]  # (text, url) of the links in its text, unchecked
    tags: tuple[TagView, ...]
    issue_id: int
    issue_subject: str
    source: str
    received_at: datetime  # when the issue arrived: the entry's ``updated``
    published_at: datetime  # the issue's own date (its Date header), else when it arrived

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(tag.theme for tag in self.tags)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The text's non-empty lines, less a first one that only repeats the headline."""
        lines = [line.strip() for line in self.text.splitlines() if line.strip()]
        if lines and lines[0] == self.headline.strip():
            lines = lines[1:]
        return tuple(lines)


@dataclass(frozen=True)
class Listing:
    stories: tuple[ArchiveStory, ...]
    page: int
    has_more: bool


def story_ids(session: Session, theme: str | None, *, limit: int, offset: int = 0,
              search: str = "") -> list[int]:
    """The ids of the newest stories (with ``theme``, matching ``search``), in order."""
    query = _newest_first(select(Story.id).join(Story.issue)).where(~covered_before(theme))
    if theme is not None:
        query = query.where(has_theme(theme))
    if search.strip():
        query = query.where(matches(session, search))
    return list(session.scalars(query.limit(limit).offset(offset)))


def covered_before(theme: str | None) -> Any:
    """The story's one event holds an earlier story (on ``theme``, when listing a theme)."""
    mine, theirs, others = aliased(StoryEvent), aliased(StoryEvent), aliased(StoryEvent)
    one_event = select(func.count()).where(others.story_id == Story.id).scalar_subquery() == 1
    earlier = exists().where(mine.story_id == Story.id, theirs.event_id == mine.event_id,
                             theirs.story_id < Story.id)
    if theme is not None:
        earlier = earlier.where(exists().where(
            StoryTheme.story_id == theirs.story_id, StoryTheme.theme == theme,
            StoryTheme.current, StoryTheme.assigned))
    return one_event & earlier


def also_in(session: Session, story_id: int) -> list[tuple[int, str, str]]:
    """(id, newsletter, headline) of the other stories of the story's events, oldest first."""
    mine, theirs = aliased(StoryEvent), aliased(StoryEvent)
    rows = session.execute(
        select(Story.id, Source.name, Story.headline).distinct()
        .join(theirs, theirs.story_id == Story.id)
        .join(mine, mine.event_id == theirs.event_id)
        .join(Story.issue).join(Issue.source)
        .where(mine.story_id == story_id, Story.id != story_id).order_by(Story.id))
    return [(int(i), str(source), str(headline)) for i, source, headline in rows]


def has_theme(theme: str) -> Any:
    """The story's latest tagging assigned it ``theme``."""
    # Written as the partial index ix_story_themes_assigned's condition, so it can serve.
    return exists().where(StoryTheme.story_id == Story.id, StoryTheme.theme == theme,
                          StoryTheme.current, StoryTheme.assigned)


def matches(session: Session, search: str) -> Any:
    search = search.strip()[:MAX_SEARCH_CHARS]
    if session.get_bind().dialect.name == "postgresql":
        return PG_MATCH.bindparams(search=search)
    # SQLite's LIKE ignores ASCII case by itself; ilike would lower() every row first.
    pattern = "%" + _escape_like(search) + "%"
    return or_(Story.headline.like(pattern, escape="\\"), Story.text.like(pattern, escape="\\"))


def listing(session: Session, theme: str | None, *, page: int, size: int,
            search: str = "") -> Listing:
    """Page ``page`` (from 1) of the archive: one more id is read to know if more follow.

    A search is anyone's request, so on PostgreSQL it must use the full-text index: one that
    only leaves words out ("-model") matches nothing here, where it made PostgreSQL read
    every story's text (2–14 s on 100,000 stories; 16 at once held every web thread for 90
    s: the web attacker's probe, stop 44), and no statement of a listing may run longer
    than ``SEARCH_TIMEOUT_MS``."""
    if search.strip() and session.get_bind().dialect.name == "postgresql":
        if not _indexable(session, search):
            return Listing((), page, False)
        session.execute(text(f"SET LOCAL statement_timeout = {SEARCH_TIMEOUT_MS}"))
    ids = story_ids(session, theme, limit=size + 1, offset=(page - 1) * size, search=search)
    return Listing(tuple(load_stories(session, ids[:size])), page, len(ids) > size)


def _indexable(session: Session, search: str) -> bool:
    """The search names a word to look for (PostgreSQL's querytree is "T" when the query
    has nothing the index can find)."""
    tree = session.scalar(text("SELECT querytree(websearch_to_tsquery('english'::regconfig, "
                               ":search))"), {"search": search.strip()[:MAX_SEARCH_CHARS]})
    return tree not in (None, "", "T")


def latest(session: Session, theme: str | None, limit: int) -> list[ArchiveStory]:
    return load_stories(session, story_ids(session, theme, limit=limit))


def one_story(session: Session, story_id: int) -> ArchiveStory | None:
    found = load_stories(session, [story_id])
    return found[0] if found else None


def load_stories(session: Session, ids: Sequence[int]) -> list[ArchiveStory]:
    """The stories of ``ids``, in that order (ids no longer stored are left out).

    Plain column reads, not ORM objects: a feed of 50 stories is read in two
    short queries, and building ORM instances was most of a feed's time.
    """
    if not ids:
        return []
    rows = session.execute(
        select(Story.id, Story.headline, Story.text, Story.links, Issue.id, Issue.subject,
               Issue.received_at, Source.name, func.coalesce(Issue.sent_at, Issue.received_at),
               *_optional_columns())
        .join(Story.issue).join(Issue.source).where(Story.id.in_(ids))).all()
    tags = _current_tags(session, ids)
    found = {row[0]: _archive_story(row, tags.get(row[0], ())) for row in rows}
    return [found[i] for i in ids if i in found]


def _current_tags(session: Session, ids: Sequence[int]) -> dict[int, tuple[TagView, ...]]:
    rank = {theme: i for i, theme in enumerate(THEMES)}
    query = (select(StoryTheme.story_id, StoryTheme.theme, StoryTheme.explanation)
             .where(StoryTheme.story_id.in_(ids), StoryTheme.current, StoryTheme.assigned))
    found: dict[int, list[TagView]] = {}
    for story_id, theme, explanation in session.execute(query):
        found.setdefault(story_id, []).append(TagView(theme, tuple(explanation or ())))
    return {story_id: tuple(sorted(views, key=lambda v: rank.get(v.theme, len(rank))))
            for story_id, views in found.items()}


def _optional_columns() -> list[Any]:
    # The ``url`` column arrives with issue 9's segmenter; until then there is none.
    url = getattr(Story, "url", None)
    return [url] if url is not None else []


def feed_stamp(session: Session) -> tuple[int, int, int, int, int, int, datetime | None]:
    """What changes whenever any feed's content can: newest rows, issue count, the latest
    tagging (in microseconds), and the last change.

    Primary-key maxima and a count of issues, in one statement (one round
    trip to PostgreSQL): a feed reader's conditional request is answered
    without reading a story.
    """
    newest_tag = select(StoryTheme.id).order_by(StoryTheme.id.desc()).limit(1)
    # The latest tagging, not the newest row's: a rollback or `models retag` makes an older
    # version's rows current again, moving only their tagged_at (the feeds stayed as they
    # were, answering 304; a review).  Indexed (migration 0011).
    tagged_at = select(func.max(StoryTheme.tagged_at))
    # Event rows too: an editor's split or merge, or a rematch, changes which
    # stories a feed lists (one entry per event) without a new story or tag.
    tag_id, story_id, issues, event_sum, event_rows, arrived, tagged = session.execute(select(
        newest_tag.scalar_subquery(), select(func.max(Story.id)).scalar_subquery(),
        select(func.count(Issue.id)).scalar_subquery(),
        select(func.coalesce(func.sum(StoryEvent.event_id), 0)).scalar_subquery(),
        select(func.count()).select_from(StoryEvent).scalar_subquery(),
        select(func.max(Issue.received_at)).scalar_subquery(), tagged_at.scalar_subquery(),
    )).one()
    changed = [as_utc(moment) for moment in (arrived, tagged) if moment is not None]
    tagged_us = int(as_utc(tagged).timestamp() * 1_000_000) if tagged is not None else 0
    return (tag_id or 0, story_id or 0, int(issues or 0), int(event_sum or 0), int(event_rows or 0),
            tagged_us, max(changed) if changed else None)


def known_theme(theme: str) -> bool:
    return theme in THEMES


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Issue.received_at.desc(), Issue.id.desc(), Story.index)


def _archive_story(row: Any, tags: tuple[TagView, ...]) -> ArchiveStory:
    story_id, headline, text_, links, issue_id, subject, received_at, source, dated = row[:9]
    own_url = row[9] if len(row) > 9 else None
    return ArchiveStory(
        id=story_id, headline=headline, text=text_,
        own_url=own_url if isinstance(own_url, str) and own_url else None,
        links=tuple((str(link.get("text", "")), str(link.get("url", "")))
                    for link in links or [] if isinstance(link, dict)),
        tags=tags, issue_id=issue_id, issue_subject=subject, source=source,
        received_at=as_utc(received_at), published_at=as_utc(dated),
    )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

