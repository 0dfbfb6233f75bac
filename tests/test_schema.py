"""The migrated schema is the ORM's, on SQLite and PostgreSQL.

Indexes only one backend has (``INDEXES_OUTSIDE_THE_ORM``: PostgreSQL's
text-search index of stories) are made by migrations alone and skipped here;
the archive's search tests show they serve.
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from service.context import Context
from service.db.tables import INDEXES_OUTSIDE_THE_ORM, Base


def _compared(name: Any, type_: str, _parent: Any) -> bool:
    return not (type_ == "index" and name in INDEXES_OUTSIDE_THE_ORM)


def test_the_migrated_schema_is_the_orms(context: Context) -> None:
    with context.engine.connect() as connection:
        migration = MigrationContext.configure(connection, opts={"include_name": _compared})
        assert compare_metadata(migration, Base.metadata) == []


@pytest.mark.postgres
def test_postgresql_has_the_story_search_index(pg_context: Context) -> None:
    indexes = {index["name"] for index in inspect(pg_context.engine).get_indexes("stories")}
    assert indexes >= INDEXES_OUTSIDE_THE_ORM
