"""The editor's login for the review page: one account, from [admin] in the settings.

The login is remembered in Flask's signed session cookie (HttpOnly,
SameSite=Lax, expiring with ``SESSION_HOURS``).  An empty [admin] password
closes the review page altogether rather than leaving it open.

A cookie alone is not enough: it also carries a session id of its own and the time of its
login (a session lasts ``SESSION_HOURS`` from it, however often the cookie is refreshed),
the account's session epoch (the ``service_state`` row ``editor_epoch:<username>``) and a
fingerprint of the password it was made with.  Logging out ends that session, copies of its
cookie too (a row ``editor_revoked:<session id>``, kept until the session would have ended
anyway); "Log out everywhere" bumps the epoch, and changing the password also ends every
session.  Editors share the one account, so one editor logging out must not end another's
session mid-review: it did, and the other's next label was lost (a user's review).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.tables import ServiceState
from service.web.csrf import rotate_csrf_token

SESSION_HOURS = 12
CLOCK_SKEW_SECONDS = 300  # how far ahead another web process's clock may have made a login
_SESSION_KEY = "editor"
_EPOCH_KEY = "editor_epoch"
_PASSWORD_KEY = "editor_password"  # noqa: S105 (a session key, not a password)
_ID_KEY = "editor_session"
_ISSUED_KEY = "editor_since"
_REVOKED_PREFIX = "editor_revoked:"


def review_is_open(settings: Settings) -> bool:
    return bool(settings.admin.password)


def credentials_match(settings: Settings, username: str, password: str) -> bool:
    expected_user = settings.admin.username.encode()
    expected_password = settings.admin.password.encode()
    if not expected_password:
        return False
    # Both compared in full, whatever the first one says, so timing tells nothing.
    user_ok = hmac.compare_digest(expected_user, username.encode())
    password_ok = hmac.compare_digest(expected_password, password.encode())
    return user_ok and password_ok


def log_in(db: Session, settings: Settings, username: str) -> None:
    session.clear()
    rotate_csrf_token()
    session.permanent = True
    session[_SESSION_KEY] = username
    session[_EPOCH_KEY] = current_epoch(db, username)
    session[_PASSWORD_KEY] = _password_fingerprint(settings)
    session[_ID_KEY] = secrets.token_urlsafe(18)
    session[_ISSUED_KEY] = int(datetime.now(UTC).timestamp())


def log_out(db: Session, settings: Settings, *, everywhere: bool = False) -> None:
    """End this session (a copied cookie of it too), or, ``everywhere``, every session of
    the account."""
    now = datetime.now(UTC)
    if everywhere:
        name = _epoch_name(settings.admin.username)
        row = db.get(ServiceState, name, with_for_update=True)
        if row is None:
            db.add(ServiceState(name=name, value={"epoch": 1}, updated_at=now))
        else:
            row.value, row.updated_at = {"epoch": _epoch_of(row) + 1}, now
    elif isinstance(sid := session.get(_ID_KEY), str) and db.get(
            ServiceState, _revoked_name(sid)) is None:
        # One row per ended session, only ever inserted: two editors logging out at once
        # each add their own (one shared row, rewritten, lost one of them on SQLite: the
        # review).  A session lives SESSION_HOURS from its login at most, so a row older
        # than that revokes nothing any more.
        db.execute(delete(ServiceState).where(
            ServiceState.name.startswith(_REVOKED_PREFIX, autoescape=True),
            ServiceState.updated_at < now - timedelta(hours=SESSION_HOURS)))
        try:
            with db.begin_nested():
                db.add(ServiceState(name=_revoked_name(sid), value={}, updated_at=now))
        except IntegrityError:
            pass  # the same session ended twice at once: it is ended
    db.flush()
    session.clear()


def _revoked_name(sid: str) -> str:
    return f"{_REVOKED_PREFIX}{sid}"[:60]


def current_epoch(db: Session, username: str) -> int:
    row = db.get(ServiceState, _epoch_name(username))
    return _epoch_of(row) if row is not None else 0


def _epoch_name(username: str) -> str:
    return f"editor_epoch:{username}"[:60]


def _epoch_of(row: ServiceState) -> int:
    epoch = row.value.get("epoch") if isinstance(row.value, dict) else None
    return epoch if isinstance(epoch, int) else 0


def current_editor(db: Session, settings: Settings) -> str | None:
    """The logged-in editor, if the login is for the account and password configured now."""
    name = session.get(_SESSION_KEY)
    if not isinstance(name, str) or not review_is_open(settings):
        return None
    if not hmac.compare_digest(name.encode(), settings.admin.username.encode()):
        return None
    fingerprint = session.get(_PASSWORD_KEY)
    if not isinstance(fingerprint, str) or not hmac.compare_digest(
            fingerprint.encode(), _password_fingerprint(settings).encode()):
        return None
    if session.get(_EPOCH_KEY) != current_epoch(db, name):
        return None
    sid, issued = session.get(_ID_KEY), session.get(_ISSUED_KEY)
    now = datetime.now(UTC).timestamp()
    # (a login on a web process whose clock runs a little ahead is still one: the review)
    if (not isinstance(sid, str) or not isinstance(issued, int)
            or not issued - CLOCK_SKEW_SECONDS <= now < issued + SESSION_HOURS * 3600
            or db.get(ServiceState, _revoked_name(sid)) is not None):
        # (a lifetime from the login, which refreshing the cookie does not renew: a copied
        # cookie kept alive past its revocation's row came back: the review)
        session.clear()
        return None
    return name


def _password_fingerprint(settings: Settings) -> str:
    """Changes with the password; tells nothing about it without the app's secret key."""
    key = current_app.secret_key
    secret = key.encode() if isinstance(key, str) else bytes(key or b"")
    password = settings.admin.password.encode()
    return hmac.new(secret, b"editor-password\0" + password, hashlib.sha256).hexdigest()[:32]
