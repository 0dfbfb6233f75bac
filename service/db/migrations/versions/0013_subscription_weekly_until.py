"""subscriptions remember when a theme stopped being weekly

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 14:00:00

subscriptions.weekly_until: when the reader moved the theme from weekly to instant.
The stories on it that arrived before then were owed to a weekly digest; the round
that takes their issues still gives them to the reader (deliver/match.py), where
they were lost: the digest is built from the choices on Monday, and the reader,
instant by then, had none (a subscriber review).  Null for rows stored before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("weekly_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("weekly_until")
