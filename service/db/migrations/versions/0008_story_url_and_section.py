"""story url and section

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 22:15:00

stories.url: the story's own link (its headline's), where the newsletter gives
one.  stories.section: the newsletter's section the story sat under
("Robotics"), shown in emails as context.  Both empty for stories stored before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("url", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("section", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("section")
        batch.drop_column("url")
