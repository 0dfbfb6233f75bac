"""Alembic environment: runs against the engine handed over by service.db.database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

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
        if connection.dialect.name == "postgresql":
            # Every command migrates first, so a deployment's processes start migrating
            # at once: the first takes this lock and migrates, the others wait for its
            # commit and then find nothing to do (both would CREATE TABLE otherwise).
            # One lock per schema, like the scheduler's: deployments sharing a database
            # do not wait for each other.
            connection.execute(text("SELECT pg_advisory_xact_lock("
                                    "hashtext('newsalerts.migrate:' || current_schema()))"))
        # (read under the lock: read before it, four processes migrating at once each said
        # they had migrated from none; the scale review)
        config.attributes["revision_before"] = context.get_context().get_current_revision()
        context.run_migrations()
    connection.commit()
