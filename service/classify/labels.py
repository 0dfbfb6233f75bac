"""Labels: people's statements of a story's themes, and which of them training believes.

The agreement rule (``decide``), per story:

1. An editor's label wins: the latest editor (or imported) label is the
   story's label, whatever readers said.  Imported labels (``labels import``,
   role "import") count exactly like editor labels: they come from a file a
   person curated, not from a passing reader.
2. Otherwise reader corrections are votes: each reader's latest answer counts
   once, and a theme set that at least two distinct readers gave is the label.
   When two sets tie for the most votes the readers disagree: no label.
3. Otherwise the story has no usable label; a lone reader vote never trains.

A label "arrives" when it becomes usable: an editor label when it is saved,
a reader agreement when its second vote comes in.  The retrain job counts
arrivals.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from service.classify.editor_tags import SETTLING, label_story_themes
from service.classify.label_rows import READER, save_label
from service.classify.reading import story_text
from service.classify.same_story import FileStories, text_key
from service.classify.train import Example
from service.db.tables import Issue, Label, Story, Subscriber
from service.db.types import utc_now
from service.domain import THEMES, SubscriberStatus
from service.domain import Story as StoryValue
from service.errors import ModelError
from service.subscribers.mailboxes import mailbox

__all__ = [
    "AUTHORITATIVE_ROLES",
    "READERS_NEEDED",
    "Decision",
    "ImportSummary",
    "LabeledStory",
    "UsableLabel",
    "Vote",
    "decide",
    "effective_labels",
    "examples_of",
    "export_labels",
    "import_labels",
    "labeled_stories",
    "merge_examples",
    "text_key",
    "training_examples",
    "usable_labels",
]

# an editor's and an imported label: the newest decides, for training as for readers
AUTHORITATIVE_ROLES = SETTLING
READER_ROLE = READER
IMPORT_ROLE = "import"
READERS_NEEDED = 2
_CHUNK = 500  # story ids per IN (...) query


class UsableLabel(NamedTuple):
    story_id: int
    themes: tuple[str, ...]
    source: str  # "editor", "import" or "readers"


@dataclass(frozen=True)
class Vote:
    """One stored label, as the agreement rule sees it."""

    role: str
    who: str
    themes: tuple[str, ...]
    created_at: datetime
    id: int = 0


@dataclass(frozen=True)
class Decision:
    themes: tuple[str, ...]
    source: str
    arrived_at: datetime  # when the label became usable


def decide(votes: Iterable[Vote]) -> Decision | None:
    """The agreement rule for one story's labels (see the module docstring)."""
    ordered = sorted(votes, key=lambda vote: (vote.created_at, vote.id))
    authoritative = [vote for vote in ordered if vote.role in AUTHORITATIVE_ROLES]
    if authoritative:
        latest = authoritative[-1]
        return Decision(latest.themes, latest.role, latest.created_at)
    latest_per_reader = {vote.who: vote for vote in ordered if vote.role == READER_ROLE}
    by_set: dict[tuple[str, ...], list[datetime]] = {}
    for vote in latest_per_reader.values():
        by_set.setdefault(vote.themes, []).append(vote.created_at)
    ranked = sorted(by_set.items(), key=lambda item: -len(item[1]))
    if not ranked or len(ranked[0][1]) < READERS_NEEDED:
        return None
    if len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]):
        return None  # as many readers say one thing as another: no agreement
    themes, times = ranked[0]
    return Decision(themes, "readers", sorted(times)[READERS_NEEDED - 1])


def effective_labels(session: Session) -> dict[int, Decision]:
    """Every story's usable label by story id (stories without one are absent).  A reader's
    vote counts while the reader is still an active subscriber, and one person's
    "eve+1@…" and "eve+2@…" are one reader (a read-only review)."""
    active = set(session.scalars(select(Subscriber.email)
                                 .where(Subscriber.status == SubscriberStatus.ACTIVE)))
    query = select(Label.story_id, Label.role, Label.who, Label.themes, Label.created_at,
                   Label.id).order_by(Label.story_id, Label.created_at, Label.id)
    decisions: dict[int, Decision] = {}
    for story_id, rows in itertools.groupby(session.execute(query), key=lambda row: row[0]):
        votes = [Vote(role, mailbox(who) if role == READER_ROLE else who,
                      _in_theme_order(themes), created_at, label_id)
                 for _, role, who, themes, created_at, label_id in rows
                 if role != READER_ROLE or who in active]
        decision = decide(votes)
        if decision is not None:
            decisions[story_id] = decision
    return decisions


def usable_labels(session: Session) -> list[UsableLabel]:
    """(story_id, themes, source) of every story whose labels pass the agreement rule."""
    return [UsableLabel(story_id, decision.themes, decision.source)
            for story_id, decision in sorted(effective_labels(session).items())]


@dataclass(frozen=True)
class LabeledStory:
    """A stored story with its usable label: one training example, one export line."""

    story_id: int
    issue_key: str  # the issue's Message-ID (or content hash when it had none)
    message_id: str | None
    index: int
    newsletter: str
    headline: str
    text: str  # what the model is trained on: reading.story_text
    fiction: bool
    decision: Decision

    @property
    def example_id(self) -> str:
        return f"{self.issue_key}#{self.index}"

    @property
    def group(self) -> str:
        # The group train.load_examples gives an exported line: export -> train agrees.
        return f"{self.newsletter}#{self.issue_key}"


def labeled_stories(session: Session) -> list[LabeledStory]:
    """Every story with a usable label, oldest story first."""
    decisions = effective_labels(session)
    found: list[LabeledStory] = []
    ids = sorted(decisions)
    for start in range(0, len(ids), _CHUNK):
        query = (select(Story).where(Story.id.in_(ids[start:start + _CHUNK]))
                 .options(selectinload(Story.issue).selectinload(Issue.source))
                 .order_by(Story.id))
        found += [_labeled(story, decisions[story.id]) for story in session.scalars(query)]
    return found


def _labeled(story: Story, decision: Decision) -> LabeledStory:
    value = StoryValue(index=story.index, headline=story.headline, text=story.text)
    return LabeledStory(
        story_id=story.id, issue_key=story.issue.dedupe_key, message_id=story.issue.message_id,
        index=story.index, newsletter=story.issue.source.name, headline=story.headline,
        text=story_text(value), fiction=story.fiction, decision=decision)


def training_examples(session: Session) -> list[Example]:
    """The usable labels as training examples; an issue's stories share a group."""
    return examples_of(labeled_stories(session))


def examples_of(items: Iterable[LabeledStory]) -> list[Example]:
    """Labeled stories as training examples; an issue's stories share a group."""
    return [Example(id=item.example_id, text=item.text, themes=item.decision.themes,
                    group=item.group, source=item.newsletter,
                    curated=item.decision.source != "readers")
            for item in items]


def export_labels(session: Session) -> Iterator[dict[str, Any]]:
    """One JSON-able object per usable label, in the shape `newsalerts train --labels` reads.

    ``source`` and ``issue`` are the newsletter and its issue, as in
    ../shared/data/labeled/, so training groups an issue's stories together;
    ``label_source`` says who settled the label (editor, import, readers).
    """
    for item in labeled_stories(session):
        # (the issue's key where it had no Message-ID: import reads it back; a null made the
        # whole file refused, a read-only review)
        yield {"id": item.example_id, "message_id": item.message_id or item.issue_key,
               "index": item.index,
               "source": item.newsletter, "issue": item.issue_key, "headline": item.headline,
               "text": item.text, "themes": list(item.decision.themes),
               "fiction": item.fiction, "label_source": item.decision.source,
               "labeled_at": item.decision.arrived_at.isoformat()}


@dataclass
class ImportSummary:
    imported: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: why": no such stored story


def import_labels(session: Session, path: Path, who: str | None = None) -> ImportSummary:
    """Store each line of ``path`` as an "import" label (one per story and file).

    A line is {"story_id", "themes"} or {"message_id", "index", "themes"} (an
    "id" is allowed and ignored).  A malformed line or an unknown theme raises
    ModelError naming the line, and the caller's transaction stores nothing;
    a line whose story is not in this database is skipped and reported.
    """

    summary = ImportSummary()
    seen: dict[int, int] = {}  # story id -> the line that labeled it
    for number, row in _label_rows(path):
        where = f"{path}:{number}"
        themes = _themes_of(row, where)
        if row.get("label_source") == "readers":
            # an import label counts as an editor's; readers' agreement does not (review)
            summary.skipped.append(f"line {number}: settled by readers, not an editor")
            continue
        story_id = _find_story(session, row, where)
        if story_id is None:
            summary.skipped.append(f"line {number}: no stored story {_story_ref(row)}")
            continue
        if story_id in seen:
            raise ModelError(f"{where}: story {story_id} was labeled on line {seen[story_id]} "
                             "already; give each story once")
        seen[story_id] = number
        save_label(session, story_id, themes, IMPORT_ROLE, who or f"file:{path.name}")
        label_story_themes(session, story_id, themes, utc_now())  # readers see it too
        summary.imported += 1
    return summary


def _label_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read labels from {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ModelError(f"{path}:{number}: not JSON ({exc})") from exc
        if not isinstance(row, dict):
            raise ModelError(f"{path}:{number}: not a JSON object")
        yield number, row


def _themes_of(row: Mapping[str, Any], where: str) -> list[str]:
    themes = row.get("themes")
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        raise ModelError(f'{where}: "themes" must be a list of theme names')
    unknown = sorted(set(themes) - set(THEMES))
    if unknown:
        raise ModelError(f"{where}: unknown themes {unknown}; expected some of {list(THEMES)}")
    return list(_in_theme_order(themes))


def _find_story(session: Session, row: Mapping[str, Any], where: str) -> int | None:
    if "story_id" in row:
        if not isinstance(row["story_id"], int) or isinstance(row["story_id"], bool):
            raise ModelError(f'{where}: "story_id" must be a number')
        if "message_id" in row or "index" in row:
            raise ModelError(f'{where}: give "story_id", or "message_id" and "index", '
                             "not both")
        return session.scalar(select(Story.id).where(Story.id == row["story_id"]))
    message_id, index = row.get("message_id"), row.get("index")
    if (not isinstance(message_id, str) or not isinstance(index, int)
            or isinstance(index, bool)):
        raise ModelError(f'{where}: give "story_id", or "message_id" and "index"')
    query = (select(Story.id).join(Story.issue)
             .where(or_(Issue.dedupe_key == message_id, Issue.message_id == message_id),
                    Story.index == index)
             .order_by(Story.id).limit(1))
    return session.scalar(query)


def _story_ref(row: Mapping[str, Any]) -> str:
    if "story_id" in row:
        return f"with id {row['story_id']}"
    return f"{row.get('index')} of {row.get('message_id')}"


def merge_examples(file_examples: Sequence[Example],
                   database_examples: Sequence[Example]) -> list[Example]:
    """File examples plus database ones; a stored story that is also in a file keeps the
    file's id and group but takes the database label (newer, from a person here) when an
    editor or an import settled it, and the other stored stories of its issue join that
    group, so CV never splits the issue.  Readers' agreement never replaces a file's label
    (a read-only review: two throwaway subscriptions relabeled 40 annotated stories and the
    retrain was promoted); such a story keeps the file's.
    """
    stories = FileStories(file_examples)  # (same_story.py: how a stored story is found)
    merged = list(file_examples)
    regroup: dict[str, str] = {}
    unmatched: list[Example] = []
    for example in database_examples:
        position = stories.find(example)
        if position is None:
            unmatched.append(example)
            continue
        known = merged[position]
        if example.curated:
            merged[position] = Example(known.id, known.text, example.themes, known.group,
                                       known.source)
        regroup[example.group] = known.group
    merged += [Example(e.id, e.text, e.themes, regroup.get(e.group, e.group), e.source,
                       e.curated) for e in unmatched]
    return merged


def _in_theme_order(themes: Iterable[str]) -> tuple[str, ...]:
    chosen = set(themes)
    return tuple(theme for theme in THEMES if theme in chosen)
