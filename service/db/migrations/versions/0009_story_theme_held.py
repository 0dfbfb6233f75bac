"""story theme held by the subject gate

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 13:00:00

story_themes.held: the theme's score would have reached its threshold, but the
story names nothing of AI, so the model's subject gate kept it under
(classify/subject.py).  The review page says so.  False for rows stored before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("story_themes") as batch:
        batch.add_column(sa.Column("held", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("story_themes") as batch:
        batch.drop_column("held")
