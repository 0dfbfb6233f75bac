"""Import 100,000 subscribers from CSV into SQLite and PostgreSQL; print rows per second.

    .venv/bin/python bench/import_subscribers.py [--rows 100000] [--pg URL]

Each backend gets a fresh database (a temp SQLite file; a throwaway schema in
PostgreSQL, dropped afterwards).  The file is imported twice: the first run
adds every row, the second updates every row (the ON CONFLICT path).  Then one
issue is matched against everyone, timing create_instant_deliveries.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from service.db.database import make_engine, session_factory, transaction, upgrade
from service.db.tables import Issue, Source, Story, StoryTheme
from service.deliver.match import create_instant_deliveries
from service.domain import THEMES
from service.subscribers.registry import import_csv

NOW = datetime(2024, 5, 15, 12, tzinfo=UTC)


def write_csv(path: Path, rows: int) -> None:
    cadences = ("instant", "weekly")
    with path.open("w") as fh:
        fh.write("email,themes,cadence\n")
        for i in range(rows):
            themes = ";".join(THEMES[j] for j in range(4) if (i >> j) & 1) or "safety"
            fh.write(f"reader{i}@example.com,{themes},{cadences[i % 2]}\n")


def one_issue(engine: Engine) -> int:
    with transaction(session_factory(engine)) as session:
        issue = Issue(dedupe_key="<bench@x>", source=Source(name="bench"), sender="a@b.c",
                      subject="bench", sent_at=NOW, origin="bench", content_hash="0", raw=b"")
        for index, theme in enumerate(THEMES * 3):
            issue.stories.append(Story(index=index, headline=str(index), text="", links=[],
                                       themes=[StoryTheme(theme=t, score=0.9 if t == theme else 0.1,
                                                          assigned=t == theme, model_version="b")
                                               for t in THEMES]))
        session.add(issue)
        session.flush()
        return issue.id


def measure(name: str, engine: Engine, csv_path: Path, rows: int) -> None:
    upgrade(engine)
    for label in ("add", "update"):
        started = time.perf_counter()
        result = import_csv(engine, csv_path, now=NOW)
        elapsed = time.perf_counter() - started
        done = result.added + result.updated
        print(f"{name:10} import ({label}): {done:,} rows in {elapsed:.2f}s "
              f"= {done / elapsed:,.0f} rows/s ({len(result.skipped)} skipped)")
    issue_id = one_issue(engine)
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        created = create_instant_deliveries(session, issue_id, NOW)
    elapsed = time.perf_counter() - started
    print(f"{name:10} match: {created:,} instant deliveries in {elapsed:.2f}s "
          f"= {created / elapsed:,.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "subscribers.csv"
        write_csv(csv_path, args.rows)
        sqlite = make_engine(f"sqlite:///{tmp}/bench.db")
        measure("sqlite", sqlite, csv_path, args.rows)
        sqlite.dispose()
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = make_engine(args.pg)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        pg = make_engine(f"{args.pg}?options=-csearch_path%3D{schema}")
        try:
            measure("postgresql", pg, csv_path, args.rows)
        finally:
            pg.dispose()
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
