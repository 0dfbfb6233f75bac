"""indexes: when story themes were last made current; a reader's waiting deliveries

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:00:00

The feeds' stamp (web/archive_query.py ``feed_stamp``) reads the latest
``story_themes.tagged_at``: a rollback and `models retag` make an older
version's rows current again without a new row, and only their ``tagged_at``
moves.  Read with this index, it costs the same however long the history.

deliveries (subscriber_id, status, id): a delivery is claimed only while no other
of its reader is due or being sent (deliver/claims.py); without it SQLite read
every past delivery of each candidate's reader (1 s a claim at 3,000 each,
holding the write lock).
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_story_themes_tagged_at", "story_themes", ["tagged_at"])
    op.create_index("ix_deliveries_reader_queue", "deliveries",
                    ["subscriber_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_reader_queue", table_name="deliveries")
    op.drop_index("ix_story_themes_tagged_at", table_name="story_themes")
