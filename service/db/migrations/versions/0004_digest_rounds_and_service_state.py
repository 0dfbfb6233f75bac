"""digest rounds and service state

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 22:00:00.000000

digest_rounds and issues.digest_week: each issue joins exactly one week's
digest round, so an issue stored after its week's digests were built goes
into the next round instead of none.  Existing digests become rounds: an
issue whose stories a digest already holds joins that digest's week, and so
does every issue that was certainly covered when it was built (dated before
the week ended in every time zone, stored before it was built); the rest go
into the next round.  service_state: named values kept between runs (the
retraining watermark), so a scheduler on another machine carries on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The earliest a week can end anywhere (UTC+14): coverage certain in every [digest] timezone.
_EARLIEST_END = timedelta(hours=14)


def upgrade() -> None:
    op.create_table(
        "digest_rounds",
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("week", name=op.f("pk_digest_rounds")),
    )
    op.create_table(
        "service_state",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_service_state")),
    )
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_week", sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f("ix_issues_digest_week"), ["digest_week"], unique=False)
    _rounds_from_existing_digests(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issues_digest_week"))
        batch_op.drop_column("digest_week")
    op.drop_table("service_state")
    op.drop_table("digest_rounds")


def _rounds_from_existing_digests(bind: sa.Connection) -> None:
    meta = sa.MetaData()
    deliveries = sa.Table("deliveries", meta, autoload_with=bind)
    stories = sa.Table("stories", meta, autoload_with=bind)
    issues = sa.Table("issues", meta, autoload_with=bind)
    rounds = sa.Table("digest_rounds", meta, autoload_with=bind)
    built = bind.execute(
        sa.select(deliveries.c.week, sa.func.min(deliveries.c.created_at))
        .where(deliveries.c.kind == "digest", deliveries.c.week.is_not(None))
        .group_by(deliveries.c.week).order_by(deliveries.c.week)).all()
    dated = sa.func.coalesce(issues.c.sent_at, issues.c.received_at)
    for week, built_at in built:
        bind.execute(rounds.insert().values(week=week, built_at=built_at))
        held = _story_ids(bind, deliveries, week)
        for chunk in (held[i:i + 500] for i in range(0, len(held), 500)):
            in_digest = sa.select(stories.c.issue_id).where(stories.c.id.in_(chunk))
            bind.execute(issues.update().where(issues.c.digest_week.is_(None),
                                               issues.c.id.in_(in_digest))
                         .values(digest_week=week))
        bind.execute(issues.update().where(
            issues.c.digest_week.is_(None), issues.c.received_at <= built_at,
            dated < _week_end_utc(week) - _EARLIEST_END).values(digest_week=week))


def _story_ids(bind: sa.Connection, deliveries: sa.Table, week: str) -> list[int]:
    held: dict[int, None] = {}
    rows = bind.execute(sa.select(deliveries.c.story_ids)
                        .where(deliveries.c.kind == "digest", deliveries.c.week == week))
    for (ids,) in rows:
        held.update(dict.fromkeys(_ints(ids)))
    return list(held)


def _ints(value: Any) -> list[int]:
    return [int(i) for i in value] if isinstance(value, list) else []


def _week_end_utc(week: str) -> datetime:
    year, number = int(week[:4]), int(week[6:8])
    monday = date.fromisocalendar(year, number, 1)
    return datetime.combine(monday + timedelta(days=7), time(0), tzinfo=UTC)
