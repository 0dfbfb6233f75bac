"""deployment facts shared by every process

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00

deployment_facts: what every process on one database must agree on, recorded by
the first to start (the link-signing key's fingerprint).  A worker or web app
started with another key signs links the others refuse (service/ops/deployment.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deployment_facts",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("deployment_facts")
