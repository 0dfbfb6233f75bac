"""job runs remember when their run of failures began

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:40:00

job_runs.failing_since: the first failure since the job's last success, set by
the same statement that records a failure (service/ops/status.py), so two
processes recording one job never lose a success between a read and a write (a
review of the first version, which kept it in ``detail``).  `status` printed
"FAILING since 12 s ago" of a poll failing for hours: the latest failure (an
operator's probe).  Null for rows stored before, and for a job not failing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_column("failing_since")
