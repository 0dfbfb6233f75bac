"""events: one piece of news across newsletters

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 22:00:00

events, story_events (a story's events), story_terms (story signatures, the
candidate index on (term, part, dated)) and event_decisions (editors' splits and
merges as pair decisions).  Stories stored before this revision have no
events until `newsalerts events rematch` is run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_table(
        "story_events",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("how", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE",
                                name=op.f("fk_story_events_event_id_events")),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE",
                                name=op.f("fk_story_events_story_id_stories")),
        sa.PrimaryKeyConstraint("story_id", "event_id", name=op.f("pk_story_events")),
    )
    with op.batch_alter_table("story_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_events_event_id"), ["event_id"], unique=False)
    op.create_table(
        "story_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("dated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE",
                                name=op.f("fk_story_terms_story_id_stories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_terms")),
    )
    with op.batch_alter_table("story_terms", schema=None) as batch_op:
        batch_op.create_index("ix_story_terms_term_part_dated", ["term", "part", "dated"],
                              unique=False)
        batch_op.create_index("ix_story_terms_part_dated", ["part", "dated"], unique=False)
        batch_op.create_index(batch_op.f("ix_story_terms_story_id"), ["story_id"], unique=False)
    op.create_table(
        "event_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("other_story_id", sa.Integer(), nullable=False),
        sa.Column("same", sa.Boolean(), nullable=False),
        sa.Column("who", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["other_story_id"], ["stories.id"], ondelete="CASCADE",
                                name=op.f("fk_event_decisions_other_story_id_stories")),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE",
                                name=op.f("fk_event_decisions_story_id_stories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_decisions")),
    )
    with op.batch_alter_table("event_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_decisions_story_id"), ["story_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_event_decisions_other_story_id"),
                              ["other_story_id"], unique=False)


def downgrade() -> None:
    op.drop_table("event_decisions")
    op.drop_table("story_terms")
    op.drop_table("story_events")
    op.drop_table("events")
