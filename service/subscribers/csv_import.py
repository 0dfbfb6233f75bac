"""Bulk import of subscribers from a CSV file: ``email,themes,cadence``, themes split by ";".

Everyone imported is confirmed (active).  The file is streamed, and each chunk
of rows is one transaction of a few set-based statements (service/db/bulk.py),
never one ORM object per row: 100,000 rows take seconds.  A chunk is
idempotent, so an interrupted import can simply be run again.

Bad rows are skipped with their line number and a reason, as are addresses
that unsubscribed or bounced: importing a list must not override an opt-out.
An address already subscribed gets exactly the row's themes at the row's
cadence (a theme it keeps keeps its minimum score).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, Table, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from service.db.bulk import chunked, insert_new, one_of
from service.db.database import session_factory, transaction
from service.db.tables import Base, Subscriber, Subscription
from service.db.types import utc_now
from service.deliver.tokens import new_link_secret
from service.domain import SubscriberStatus
from service.subscribers.rules import check_cadence, check_themes, normalise_email

COLUMNS = ("email", "themes", "cadence")
CHUNK = 5000
SUBSCRIBERS: Table = Base.metadata.tables["subscribers"]
SUBSCRIPTIONS: Table = Base.metadata.tables["subscriptions"]


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


@dataclass(frozen=True)
class _Row:
    line: int
    email: str
    themes: tuple[str, ...]
    cadence: str


def import_csv(sessions: sessionmaker[Session] | Engine, path: Path | str, *,
               now: datetime | None = None) -> ImportResult:
    """Import the file at ``path``; ValueError when it lacks the header row."""
    factory = session_factory(sessions) if isinstance(sessions, Engine) else sessions
    now = now or utc_now()
    result = ImportResult()
    for chunk in chunked(_read_rows(Path(path), result), CHUNK):
        with transaction(factory) as session:
            _import_chunk(session, chunk, now, result)
    if result.added > CHUNK:
        _refresh_statistics(factory)
    return result


def _refresh_statistics(factory: sessionmaker[Session]) -> None:
    """PostgreSQL plans matching from table statistics; a bulk import makes them stale
    (matching 1,000 subscribers ran 4x slower until the next autovacuum)."""
    with transaction(factory) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE subscribers, subscriptions"))


def _read_rows(path: Path, result: ImportResult) -> Iterator[_Row]:
    # utf-8-sig drops the BOM spreadsheets write; undecodable bytes become U+FFFD
    # and so fail validation as that row's problem, not the whole file's.
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        columns = _header(next(reader, None))
        seen: dict[str, int] = {}
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            row = _parse_row(reader.line_num, values, columns, seen, result)
            if row is not None:
                seen[row.email] = row.line
                yield row


def _header(values: list[str] | None) -> dict[str, int]:
    names = [v.strip().lower() for v in values or []]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ValueError(f"the CSV needs a header row with columns {','.join(COLUMNS)}; "
                         f"missing: {', '.join(missing)}")
    return {c: names.index(c) for c in COLUMNS}


def _parse_row(line: int, values: list[str], columns: dict[str, int],
               seen: dict[str, int], result: ImportResult) -> _Row | None:
    try:
        if len(values) <= max(columns.values()):
            raise ValueError(f"expected the columns {','.join(COLUMNS)}, got {len(values)}")
        email = normalise_email(values[columns["email"]])
        if email in seen:
            raise ValueError(f"{email} already appears on line {seen[email]}")
        themes = check_themes(values[columns["themes"]].split(";"))
        cadence = check_cadence(values[columns["cadence"]])
    except ValueError as exc:
        result.skipped.append((line, str(exc)))
        return None
    return _Row(line, email, tuple(themes), cadence)


def _import_chunk(session: Session, chunk: list[_Row], now: datetime,
                  result: ImportResult) -> None:
    known = _known(session, [r.email for r in chunk])
    rows = [r for r in chunk if _importable(r, known, result)]
    new = [r for r in rows if r.email not in known]
    inserted = _insert_subscribers(session, new, now)
    # Looked up, not returned by the insert: an address someone else added
    # meanwhile gets the import's themes only if it is active or pending.
    ids = {email: id_ for email, (id_, status) in _known(session, [r.email for r in new]).items()
           if status in (SubscriberStatus.ACTIVE, SubscriberStatus.PENDING)}
    ids.update({email: id_ for email, (id_, _) in known.items()})
    _activate_pending(session, [id_ for id_, status in known.values()
                                if status == SubscriberStatus.PENDING], now)
    imported = {ids[r.email]: r for r in rows if r.email in ids}
    _set_subscriptions(session, imported, now)
    result.added += inserted
    result.updated += len(imported) - inserted


def _importable(row: _Row, known: dict[str, tuple[int, SubscriberStatus]],
                result: ImportResult) -> bool:
    status = known[row.email][1] if row.email in known else None
    if status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED):
        result.skipped.append((row.line, f"{row.email} is {status}; not subscribed again"))
        return False
    return True


def _known(session: Session, emails: list[str]) -> dict[str, tuple[int, SubscriberStatus]]:
    """{email: (id, status)} of the addresses already stored."""
    if not emails:
        return {}
    query = (select(Subscriber.email, Subscriber.id, Subscriber.status)
             .where(one_of(session, Subscriber.email, emails)))
    return {email: (id_, status) for email, id_, status in session.execute(query)}


def _insert_subscribers(session: Session, rows: list[_Row], now: datetime) -> int:
    return insert_new(
        session, SUBSCRIBERS,
        [{"email": r.email, "link_secret": new_link_secret()} for r in rows], key=["email"],
        same={"status": SubscriberStatus.ACTIVE, "hard_bounces": 0, "created_at": now,
              "confirmed_at": now},
    )


def _activate_pending(session: Session, ids: list[int], now: datetime) -> None:
    """Imported means confirmed: the same change as subscribers.confirm, for many."""
    if ids:
        session.execute(
            update(Subscriber)
            .where(one_of(session, Subscriber.id, ids),
                   Subscriber.status == SubscriberStatus.PENDING)
            .values(status=SubscriberStatus.ACTIVE, hard_bounces=0, unsubscribed_at=None,
                    confirmed_at=func.coalesce(Subscriber.confirmed_at, now))
            .execution_options(synchronize_session=False)
        )


def _set_subscriptions(session: Session, rows: dict[int, _Row], now: datetime) -> None:
    """Make each subscriber follow exactly its row's themes at its row's cadence."""
    if not rows:
        return
    stale: list[int] = []
    recadenced: dict[str, list[int]] = {}
    have: set[tuple[int, str]] = set()
    for sub_id, subscriber_id, theme, cadence in session.execute(
        select(Subscription.id, Subscription.subscriber_id, Subscription.theme,
               Subscription.cadence).where(one_of(session, Subscription.subscriber_id, rows))
    ):
        row = rows[subscriber_id]
        have.add((subscriber_id, theme))
        if theme not in row.themes:
            stale.append(sub_id)
        elif cadence != row.cadence:
            recadenced.setdefault(row.cadence, []).append(sub_id)
    _delete_and_recadence(session, stale, recadenced, now)
    insert_new(session, SUBSCRIPTIONS, [
        {"subscriber_id": subscriber_id, "theme": theme, "cadence": row.cadence}
        for subscriber_id, row in rows.items() for theme in row.themes
        if (subscriber_id, theme) not in have
    ], key=["subscriber_id", "theme"], same={"min_score": None})


def _delete_and_recadence(session: Session, stale: list[int],
                          recadenced: dict[str, list[int]], now: datetime) -> None:
    if stale:
        session.execute(delete(Subscription).where(one_of(session, Subscription.id, stale))
                        .execution_options(synchronize_session=False))
    for cadence, ids in recadenced.items():
        # weekly to instant: what arrived while weekly still goes into its round's digest
        # (registry.set_preferences, deliver/match.py)
        until = None if cadence == "weekly" else now
        session.execute(update(Subscription).where(one_of(session, Subscription.id, ids))
                        .values(cadence=cadence, weekly_until=until)
                        .execution_options(synchronize_session=False))
