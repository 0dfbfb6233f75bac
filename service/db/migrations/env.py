"""Alembic environment: runs against the engine handed over by service.db.database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from service.db.tables import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through `newsalerts migrate`, not the alembic CLI")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
