"""editor labels saved before stop 41 become their stories' themes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:40:00

Since stop 41 an editor's label is the story's themes for readers too
(classify/editor_tags.py): saving one sets the story's current theme rows'
``assigned`` to the label's themes, and marks them ``labeled`` (new here: the
themes are a person's, so a reader's minimum score, which reads the model's
score, does not keep a labeled theme from them).  Labels saved before it had
changed nothing readers saw; each story's newest editor's or imported label is
applied here the same way, so feeds, pages and alerts agree on every labeled
story, old or new.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

labels = sa.table("labels", sa.column("id", sa.Integer), sa.column("story_id", sa.Integer),
                  sa.column("themes", sa.JSON), sa.column("role", sa.String),
                  sa.column("created_at", sa.DateTime))
story_themes = sa.table("story_themes", sa.column("story_id", sa.Integer),
                        sa.column("theme", sa.String), sa.column("assigned", sa.Boolean),
                        sa.column("current", sa.Boolean), sa.column("held", sa.Boolean),
                        sa.column("explanation", sa.JSON), sa.column("labeled", sa.Boolean),
                        sa.column("tagged_at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table("story_themes") as batch:
        batch.add_column(sa.Column("labeled", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    bind = op.get_bind()
    newest: dict[int, list[str]] = {}
    for story_id, themes in bind.execute(
            sa.select(labels.c.story_id, labels.c.themes).where(labels.c.role.in_(("editor", "import")))
            .order_by(labels.c.created_at, labels.c.id)):
        newest[story_id] = json.loads(themes) if isinstance(themes, str) else list(themes)
    now = datetime.now(UTC)
    for story_id, themes in newest.items():
        # as editor_tags.as_labeled: a row whose assigned changes moves its tagged_at (the
        # feeds' stamp reads the latest: without it a feed answered 304 with the story
        # still in it), a theme taken away loses its terms
        mine = (story_themes.c.story_id == story_id) & story_themes.c.current.is_(True)
        bind.execute(story_themes.update().where(mine).values(labeled=True))
        bind.execute(story_themes.update().where(mine, story_themes.c.theme.not_in(themes),
                                                 story_themes.c.assigned.is_(True))
                     .values(assigned=False, explanation=[], tagged_at=now))
        if themes:
            ours = mine & story_themes.c.theme.in_(themes)
            bind.execute(story_themes.update().where(ours, story_themes.c.assigned.is_(False))
                         .values(assigned=True, tagged_at=now))
            bind.execute(story_themes.update().where(ours).values(held=False))


def downgrade() -> None:
    """The column goes; the themes stay as labeled (the model's scores are kept, and a
    retag sets the rows again)."""
    with op.batch_alter_table("story_themes") as batch:
        batch.drop_column("labeled")
