"""Database: engines, sessions, the ORM tables, bulk inserts and migrations.

SQLite (WAL) by default, PostgreSQL by URL; every schema change is an Alembic
migration under migrations/.
"""
