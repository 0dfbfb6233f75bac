"""Writing people's labels: one row per (story, role, who), the latest wins.

Kept apart from labels.py (which reads labels into training examples and so
imports the model): the web app stores labels and must not load scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from service.db.tables import Label
from service.domain import THEMES


def save_label(session: Session, story_id: int, themes: Sequence[str], role: str,
               who: str) -> Label:
    """Store ``who``'s label for a story, replacing their earlier one (one each)."""
    session.execute(delete(Label).where(
        Label.story_id == story_id, Label.role == role, Label.who == who
    ))
    label = Label(story_id=story_id, themes=[t for t in THEMES if t in themes],
                  role=role, who=who)
    session.add(label)
    session.flush()
    return label
