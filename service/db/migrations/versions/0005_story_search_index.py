"""story search index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:00:00

The archive's search box: on PostgreSQL, a GIN index over the stories'
English text-search vector, the expression service/web/archive_query.py
matches with ``websearch_to_tsquery`` (the two must stay the same text);
SQLite searches with LIKE.  On both, a partial index of the themes stories
have now (current and assigned), for the feeds and listings by theme.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_stories_search"
ASSIGNED = "ix_story_themes_assigned"
DOCUMENT = "to_tsvector('english'::regconfig, stories.headline || ' ' || stories.text)"


def upgrade() -> None:
    assigned = sa.text("current AND assigned")
    op.create_index(ASSIGNED, "story_themes", ["theme", "story_id"],
                    sqlite_where=assigned, postgresql_where=assigned)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {INDEX} ON stories USING gin (({DOCUMENT}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")
    op.drop_index(ASSIGNED, "story_themes")
