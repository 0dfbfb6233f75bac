"""The story archive's reads: stories by theme, newest first, for feeds and archive pages.

Read-only.  Newest means when the issue arrived (``received_at``), then the
issue, then the story's place in it.  A listing is two steps, ``story_ids``
(which stories, in order) then ``load_stories`` (their rows): grouping
stories into events later changes only the first step.  Search is ``LIKE`` on
SQLite and full-text search on PostgreSQL (the GIN index of migration 0004).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, text
from sqlalchemy.orm import Session, joinedload, selectinload

from service.db.tables import Issue, Story, StoryTheme
from service.domain import THEMES

# Must match the expression of the PostgreSQL index in migration 0004, character for character.
PG_DOCUMENT = "to_tsvector('english'::regconfig, stories.headline || ' ' || stories.text)"
PG_MATCH = text(f"{PG_DOCUMENT} @@ websearch_to_tsquery('english'::regconfig, :search)")
MAX_SEARCH_CHARS = 200


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

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(tag.theme for tag in self.tags)


@dataclass(frozen=True)
class Listing:
    stories: tuple[ArchiveStory, ...]
    page: int
    has_more: bool


def story_ids(session: Session, theme: str | None, *, limit: int, offset: int = 0,
              search: str = "") -> list[int]:
    """The ids of the newest stories (with ``theme``, matching ``search``), in order."""
    query = _newest_first(select(Story.id).join(Story.issue))
    if theme is not None:
        query = query.where(has_theme(theme))
    if search.strip():
        query = query.where(matches(session, search))
    return list(session.scalars(query.limit(limit).offset(offset)))


def has_theme(theme: str) -> Any:
    """The story's latest tagging assigned it ``theme``."""
    # Written as the partial index ix_story_themes_assigned's condition, so it can serve.
    return exists().where(StoryTheme.story_id == Story.id, StoryTheme.theme == theme,
                          StoryTheme.current, StoryTheme.assigned)


def matches(session: Session, search: str) -> Any:
    search = search.strip()[:MAX_SEARCH_CHARS]
    if session.get_bind().dialect.name == "postgresql":
        return PG_MATCH.bindparams(search=search)
    pattern = "%" + _escape_like(search) + "%"
    return or_(Story.headline.ilike(pattern, escape="\\"), Story.text.ilike(pattern, escape="\\"))


def listing(session: Session, theme: str | None, *, page: int, size: int,
            search: str = "") -> Listing:
    """Page ``page`` (from 1) of the archive: one more id is read to know if more follow."""
    ids = story_ids(session, theme, limit=size + 1, offset=(page - 1) * size, search=search)
    return Listing(tuple(load_stories(session, ids[:size])), page, len(ids) > size)


def latest(session: Session, theme: str | None, limit: int) -> list[ArchiveStory]:
    return load_stories(session, story_ids(session, theme, limit=limit))


def one_story(session: Session, story_id: int) -> ArchiveStory | None:
    found = load_stories(session, [story_id])
    return found[0] if found else None


def load_stories(session: Session, ids: Sequence[int]) -> list[ArchiveStory]:
    """The stories of ``ids``, in that order (ids no longer stored are left out)."""
    if not ids:
        return []
    query = (select(Story).where(Story.id.in_(ids))
             .options(selectinload(Story.themes),
                      joinedload(Story.issue).load_only(Issue.id, Issue.subject,
                                                        Issue.received_at, Issue.source_id)
                      .joinedload(Issue.source)))
    rows = {story.id: story for story in session.scalars(query)}
    return [_archive_story(rows[i]) for i in ids if i in rows]


def feed_stamp(session: Session) -> tuple[int, int, int, datetime | None]:
    """What changes whenever any feed's content can: newest rows, issue count, last change.

    Primary-key maxima and a count of issues: a few index lookups, so a feed
    reader's conditional request is answered without reading a story.
    """
    newest_tag = session.execute(select(StoryTheme.id, StoryTheme.tagged_at)
                                 .order_by(StoryTheme.id.desc()).limit(1)).first()
    newest_story = session.scalar(select(func.max(Story.id))) or 0
    issues, arrived = session.execute(select(func.count(Issue.id),
                                             func.max(Issue.received_at))).one()
    changed = [_utc(moment) for moment in (arrived, newest_tag[1] if newest_tag else None)
               if moment is not None]
    return (newest_tag[0] if newest_tag else 0, newest_story, int(issues),
            max(changed) if changed else None)


def known_theme(theme: str) -> bool:
    return theme in THEMES


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Issue.received_at.desc(), Issue.id.desc(), Story.index)


def _archive_story(story: Story) -> ArchiveStory:
    current = {row.theme: row for row in story.themes if row.current and row.assigned}
    tags = tuple(TagView(theme, tuple(current[theme].explanation or ()))
                 for theme in THEMES if theme in current)
    issue = story.issue
    return ArchiveStory(
        id=story.id, headline=story.headline, text=story.text, own_url=_own_url(story),
        links=tuple((str(link.get("text", "")), str(link.get("url", "")))
                    for link in story.links or [] if isinstance(link, dict)),
        tags=tags, issue_id=issue.id, issue_subject=issue.subject, source=issue.source.name,
        received_at=_utc(issue.received_at),
    )


def _own_url(story: Story) -> str | None:
    # The ``url`` column arrives with issue 9's segmenter; until then there is none.
    url = getattr(story, "url", None)
    return url if isinstance(url, str) and url else None


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)

