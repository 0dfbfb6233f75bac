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

READER = "reader"  # the role of a reader's answer from an email's "wrong tags?" links


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


def forget_answers(session: Session, who: str) -> int:
    """Delete every answer ``who`` gave as a reader; how many.  Run when the reader's links
    are revoked: whoever held the leaked email may have given them (the editor's probe,
    stop 44), and the reader can answer again from a later email."""
    found = session.execute(delete(Label).where(Label.role == READER, Label.who == who)
                            .execution_options(synchronize_session=False))
    return int(getattr(found, "rowcount", 0) or 0)
