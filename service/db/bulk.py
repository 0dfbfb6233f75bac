"""Set-based writes that stay fast on both backends: chunks, insert-if-new, array lookups.

SQLite runs one prepared INSERT over many parameter sets (executemany).
PostgreSQL gets one ``INSERT ... SELECT unnest(array), ... ON CONFLICT``
statement per chunk, each column sent as one array: psycopg's executemany and
SQLAlchemy's multi-row VALUES both spend their time in per-row Python and in
rewriting thousands of placeholders (measured 3-5x slower at 100,000 rows).
Lookups by many values use ``= ANY(array)`` on PostgreSQL for the same reason.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    CursorResult,
    Result,
    Table,
    Text,
    bindparam,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")
# SQLAlchemy keeps an INSERT's rowcount only when asked to.
_COUNTED = {"preserve_rowcount": True}


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter), read lazily."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def is_postgresql(session: Session) -> bool:
    name = session.get_bind().dialect.name
    if name not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"bulk writes are written for SQLite and PostgreSQL, not {name}")
    return name == "postgresql"


def one_of(session: Session, column: InstrumentedAttribute[Any],
           values: Collection[Any]) -> ColumnElement[bool]:
    """``column IN values``, as one array parameter on PostgreSQL."""
    if is_postgresql(session):
        array = cast(bindparam(None, list(values)), postgresql.ARRAY(column.type))
        return column == func.any(array)
    return column.in_(list(values))


def insert_new(session: Session, table: Table, rows: Sequence[Mapping[str, Any]],
               key: Sequence[str], *, same: Mapping[str, Any] | None = None) -> int:
    """Insert the rows whose unique ``key`` is still free; how many were inserted.

    ``same`` holds the values every row shares (sent once, not per row).  A
    row whose key is taken is left alone (ON CONFLICT DO NOTHING), so running
    the same insert twice inserts nothing the second time.
    """
    if not rows:
        return 0
    same = same or {}
    if is_postgresql(session):
        varying = list(rows[0])
        source = select(*(_unnest_column(table.c[name]) for name in varying),
                        *(literal(value, table.c[name].type) for name, value in same.items()))
        stmt = (postgresql.insert(table).from_select([*varying, *same], source)
                .on_conflict_do_nothing(index_elements=list(key)))
        arrays = {name: _column_array(table, name, rows) for name in varying}
        return _rowcount(session.execute(stmt, arrays, execution_options=_COUNTED))
    # No RETURNING here: it would turn sqlite3's fast executemany into multi-row VALUES.
    lite = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(key))
    rows = [{**same, **row} for row in rows]
    return _rowcount(session.execute(lite, rows, execution_options=_COUNTED))


def insert_all(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert every row: ``INSERT ... SELECT unnest(...)`` on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if not is_postgresql(session):
        session.execute(table.insert(), list(rows))
        return
    names = list(rows[0])
    source = select(*(_unnest_column(table.c[name]) for name in names))
    session.execute(postgresql.insert(table).from_select(names, source),
                    {name: _column_array(table, name, rows) for name in names})


def _rowcount(result: Result[Any]) -> int:
    # Exact for one INSERT ... SELECT, and sqlite3 sums it over an executemany.
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _column_array(table: Table, name: str, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    values = [row[name] for row in rows]
    if isinstance(table.c[name].type, JSON):
        return [None if v is None else json.dumps(v) for v in values]
    return values


def _unnest_column(column: Column[Any]) -> ColumnElement[Any]:
    """unnest(:name): one row per array position; several line up (PostgreSQL 10+)."""
    if isinstance(column.type, JSON):
        # JSON travels as text: an array of lists would be sent as a 2-D int array.
        return cast(func.unnest(cast(bindparam(column.name), postgresql.ARRAY(Text))),
                    column.type)
    return func.unnest(cast(bindparam(column.name), postgresql.ARRAY(column.type)))
