"""job runs and scheduler jobs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:30:54.309584

job_runs: when each scheduled job last ran and how it went (for /healthz and
`newsalerts status` on any machine).  scheduler_jobs: APScheduler's job store,
with the columns SQLAlchemyJobStore expects, so schedules survive restarts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    op.create_table(
        "scheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_jobs")),
    )
    with op.batch_alter_table("scheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduler_jobs_next_run_time"), ["next_run_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduler_jobs_next_run_time"))
    op.drop_table("scheduler_jobs")
    op.drop_table("job_runs")
