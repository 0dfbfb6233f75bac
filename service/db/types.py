"""Column types that give back what the code means: UTC-aware datetimes, state enums.

SQLite stores datetimes without a zone and hands them back naive; PostgreSQL
hands back aware ones in the session's zone.  ``UtcDateTime`` makes both give
back aware UTC, and turns an aware value of any zone into UTC on the way in,
so no caller needs its own ``_utc``.  The stored type is unchanged
(``DateTime(timezone=True)``), so no migration.  ``StrEnumType`` stores a
``StrEnum``'s string in the same ``String`` column it always was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


def utc_now() -> datetime:
    """The one clock: Context.now defaults to it, column defaults use it."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken to be UTC already (as SQLite stores it)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that reads and writes aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None,
                             dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class StrEnumType(TypeDecorator[E], Generic[E]):
    """A ``String(length)`` column whose values are members of ``enum``."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 20) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        # A plain string is checked too: a typo fails here, not in a later query.
        return None if value is None else str(self.enum(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)
