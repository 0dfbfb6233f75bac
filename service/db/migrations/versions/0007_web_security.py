"""web security: rate events, requested choices

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:05:00.000000

rate_events: failed logins and subscribe requests per client or name, so that
every web process applies the same limits.  subscribers.requested_choices: themes asked for on the
subscribe form, applied only when the confirmation is POSTed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_rate_events_scope_key_at", ["scope", "key", "at"],
                              unique=False)
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_choices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("requested_choices")
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_events_scope_key_at")
        batch_op.drop_index(batch_op.f("ix_rate_events_at"))
    op.drop_table("rate_events")
