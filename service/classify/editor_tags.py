"""An editor's label is the story's themes, for readers as for training.

An editor who labels a story says what it is about; until stop 41 that label only taught
the next model, while the alert still pending, the weekly digest, the theme feeds and the
story's page all went on with the model's tags ("no theme" from the editor, then four
themes in four readers' alerts: an editor's review).  So the story's current theme rows
take the label's themes as assigned (the model's scores stay, for the review page), and a
retag by a new model puts the label back over its tags.  A label imported with
`newsalerts labels import` is a person's label too, and weighs the same: the newest of
the two kinds counts, as in training (labels.decide).  The rows are marked ``labeled``:
a reader's minimum score reads the model's score, and does not hold back a theme a person
gave.  Readers' agreement teaches the model only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.tables import Label, StoryTheme

__all__ = ["EDITOR", "SETTLING", "as_labeled", "editor_labels", "label_story_themes"]

EDITOR = "editor"  # the role of an editor's label (labels.role)
SETTLING = (EDITOR, "import")  # a person's labels: the newest of them decides


def as_labeled(rows: Iterable[StoryTheme], themes: Sequence[str], now: datetime) -> None:
    """The story's current rows assign exactly ``themes``.  A theme the label takes away
    loses its terms; one it adds has none (no word of the model's carried it), and is no
    longer held under by a subject gate."""
    for row in rows:
        if not row.current:
            continue
        row.labeled = True  # (a reader's minimum score reads the model's score: not here)
        assigned = row.theme in themes
        if assigned != row.assigned:
            row.assigned, row.tagged_at = assigned, now  # (the feeds' stamp moves)
            row.explanation = list(row.explanation or []) if assigned else []
        if assigned:
            row.held = False


def label_story_themes(session: Session, story_id: int, themes: Sequence[str],
                       now: datetime) -> None:
    """An editor's label just saved: the story's current theme rows follow it."""
    rows = session.scalars(select(StoryTheme).where(StoryTheme.story_id == story_id,
                                                    StoryTheme.current.is_(True)))
    as_labeled(rows, themes, now)


def editor_labels(session: Session, story_ids: Sequence[int],
                  roles: Sequence[str] = SETTLING) -> dict[int, tuple[str, ...]]:
    """The newest editor's or imported label (``roles``) of each story that has one."""
    query = (select(Label.story_id, Label.themes)
             .where(Label.role.in_(roles), Label.story_id.in_(story_ids))
             .order_by(Label.created_at, Label.id))
    # (later rows overwrite earlier ones: the newest wins)
    return {story_id: tuple(themes) for story_id, themes in session.execute(query)}
