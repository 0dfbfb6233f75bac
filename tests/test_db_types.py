"""The column types: UTC-aware datetimes and state enums on both backends.

That they changed no stored type is test_migrations.py's comparison.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from service.context import Context
from service.db.database import transaction
from service.db.tables import JobRun, Subscriber
from service.domain import SubscriberStatus
from service.errors import StorageError

PACIFIC = timezone(timedelta(hours=-7))


def test_datetimes_come_back_aware_utc_whatever_zone_went_in(context: Context) -> None:
    moment = datetime(2024, 5, 15, 5, 0, tzinfo=PACIFIC)  # 12:00 UTC
    with transaction(context.sessions) as session:
        session.add(JobRun(name="poll", last_success_at=moment, detail={}))
    with context.sessions() as session:
        stored = session.scalars(select(JobRun.last_success_at)).one()
        found = session.scalars(select(JobRun.name).where(
            JobRun.last_success_at >= datetime(2024, 5, 15, 11, 59, tzinfo=UTC))).all()
    assert stored == datetime(2024, 5, 15, 12, 0, tzinfo=UTC)
    assert stored is not None and stored.utcoffset() == timedelta(0)
    assert found == ["poll"]


def test_a_naive_datetime_is_taken_as_utc(context: Context) -> None:
    with transaction(context.sessions) as session:
        session.add(JobRun(name="send", last_started_at=datetime(2024, 1, 2, 3, 4), detail={}))
    with context.sessions() as session:
        stored = session.scalars(select(JobRun.last_started_at)).one()
    assert stored == datetime(2024, 1, 2, 3, 4, tzinfo=UTC)


def test_states_are_stored_as_their_strings_and_read_back_as_enums(context: Context) -> None:
    with transaction(context.sessions) as session:
        session.add(Subscriber(email="a@example.com", status=SubscriberStatus.ACTIVE,
                               link_secret="s", hard_bounces=0))
    with context.sessions() as session:
        raw = session.scalar(text("SELECT status FROM subscribers"))
        status = session.scalars(select(Subscriber.status)).one()
    assert raw == "active" and type(raw) is str
    assert status is SubscriberStatus.ACTIVE


def test_a_state_typo_is_refused_before_it_is_stored(context: Context) -> None:
    with pytest.raises(StorageError, match="activ"), transaction(context.sessions) as session:
        session.add(Subscriber(email="b@example.com", status="activ",  # type: ignore[arg-type]
                               link_secret="s", hard_bounces=0))

