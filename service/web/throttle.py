"""Limits on what one client (or one name) may try: failed logins, subscribe requests.

Attempts are rows of ``rate_events`` in the database, not process memory, so
every web process behind a load balancer applies the same limits and a
restart forgets nothing.  Old rows are pruned as new ones are written.

Editor login: after ``LOGIN_FREE_FAILURES`` failures from one client address
(an IPv6 address's /64) or for one username, each further try waits a delay that
doubles with every failure, from ``LOGIN_BASE_DELAY`` up to ``LOGIN_MAX_DELAY``;
meanwhile the login answers 429 without looking at the password.  A browser the
editor logged in from before waits only on its own address's count.  A successful
login clears both counts.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.db.tables import RateEvent

log = logging.getLogger(__name__)

LOGIN_FREE_FAILURES = 5
LOGIN_BASE_DELAY = timedelta(seconds=30)
LOGIN_MAX_DELAY = timedelta(minutes=15)
# Failures older than this no longer count (and are pruned).
LOGIN_WINDOW = timedelta(days=1)
SUBSCRIBE_WINDOW = timedelta(hours=1)

LOGIN_CLIENT = "login-client"
LOGIN_USER = "login-user"
SUBSCRIBE_CLIENT = "subscribe-client"
_KEY_CHARS = 320


@dataclass(frozen=True)
class Tally:
    count: int
    last: datetime | None


def client_key(address: str) -> str:
    """Whose attempts a client's count: an IPv4 address, or an IPv6 address's /64 network.
    One host is given a whole /64 (RFC 6177), so counting each IPv6 address alone let one
    client send unlimited subscribe requests (a read-only review)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # "unknown", or whatever a proxy said: counted as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # "::ffff:192.0.2.7" is that IPv4 client
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def tally(session: Session, scope: str, key: str, since: datetime) -> Tally:
    count, last = session.execute(
        select(func.count(RateEvent.id), func.max(RateEvent.at))
        .where(RateEvent.scope == scope, RateEvent.key == key[:_KEY_CHARS],
               RateEvent.at >= since)
    ).one()
    return Tally(int(count), last)  # UtcDateTime: already aware UTC


def hold(session: Session, scope: str, key: str, now: datetime, *, keep: timedelta) -> None:
    """Take ``key``'s attempts for the rest of the transaction, and forget this scope's
    attempts older than ``keep``.  A count read before an attempt is written let requests
    sent side by side all see the old count (40 logins at once: 10 guesses checked, 40
    subscribe requests: 16 sent; the web review).  PostgreSQL: an advisory lock on the key
    until commit; SQLite: the prune is a write, which takes the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(
            func.hashtext(f"{scope}\n{key[:_KEY_CHARS]}"))))
    session.execute(delete(RateEvent).where(RateEvent.scope == scope,
                                            RateEvent.at < now - keep))


def record(session: Session, scope: str, key: str, now: datetime) -> None:
    """Count one attempt (under ``hold``)."""
    session.add(RateEvent(scope=scope, key=key[:_KEY_CHARS], at=now))
    session.flush()


# --- editor login ----------------------------------------------------------------------------


def login_delay(failures: int) -> timedelta:
    """How long to refuse logins after ``failures`` failures (zero below the free ones)."""
    if failures < LOGIN_FREE_FAILURES:
        return timedelta(0)
    doubled: timedelta = LOGIN_BASE_DELAY * 2 ** min(failures - LOGIN_FREE_FAILURES, 16)
    return min(doubled, LOGIN_MAX_DELAY)


def login_wait(session: Session, client: str, username: str, now: datetime, *,
               known_device: bool = False) -> int:
    """Seconds until this client may try this username again; 0: it may try now.  A
    ``known_device`` (a browser the editor logged in from) waits only on its address's
    failures, not on the username's, which strangers can run up."""
    keys = _login_keys(client, username)
    for scope, key in keys:  # (both, in one order: login_failed counts both)
        hold(session, scope, key, now, keep=LOGIN_WINDOW)
    wait = timedelta(0)
    for scope, key in keys[:1 if known_device else 2]:
        seen = tally(session, scope, key, now - LOGIN_WINDOW)
        if seen.last is not None:
            wait = max(wait, seen.last + login_delay(seen.count) - now)
    return max(0, int(-(-wait.total_seconds() // 1)))  # rounded up to whole seconds


def login_failed(session: Session, client: str, username: str, now: datetime) -> int:
    """Count a failed login, in login_wait's transaction; returns the larger of the client's
    and the username's counts."""
    counts = []
    for scope, key in _login_keys(client, username):
        record(session, scope, key, now)
        counts.append(tally(session, scope, key, now - LOGIN_WINDOW).count)
    return max(counts)


def login_succeeded(session: Session, client: str, username: str) -> None:
    for scope, key in _login_keys(client, username):
        session.execute(delete(RateEvent).where(RateEvent.scope == scope,
                                                RateEvent.key == key[:_KEY_CHARS]))


def _login_keys(client: str, username: str) -> tuple[tuple[str, str], ...]:
    return ((LOGIN_CLIENT, client_key(client)), (LOGIN_USER, username.strip().lower()))


# --- subscribe form ----------------------------------------------------------------------------


def allowed(session: Session, scope: str, key: str, now: datetime, most: int,
            window: timedelta) -> bool:
    """Count one attempt of ``key`` unless it had ``most`` in the last ``window``: False."""
    hold(session, scope, key, now, keep=window)
    if tally(session, scope, key, now - window).count >= most:
        return False
    record(session, scope, key, now)
    return True


def subscribe_allowed(session: Session, client: str, now: datetime, per_hour: int) -> bool:
    """Count one subscribe request from ``client``; False when it is over ``per_hour``."""
    return per_hour <= 0 or allowed(session, SUBSCRIBE_CLIENT, client_key(client), now,
                                    per_hour, SUBSCRIBE_WINDOW)

