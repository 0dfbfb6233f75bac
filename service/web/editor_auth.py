"""The editor's login for the review page: one account, from [admin] in the settings.

The login is remembered in Flask's signed session cookie (HttpOnly,
SameSite=Lax, expiring with ``SESSION_HOURS``).  An empty [admin] password
closes the review page altogether rather than leaving it open.

A cookie alone is not enough: it also carries a session id of its own, the account's
session epoch (the ``service_state`` row ``editor_epoch:<username>``) and a fingerprint of
the password it was made with.  Logging out ends that session, copies of its cookie too
(its id is kept as revoked, in ``editor_revoked:<username>``, until the session would have
expired); "Log out everywhere" bumps the epoch, and changing the password also ends every
session.  Editors share the one account, so one editor logging out must not end another's
session mid-review: it did, and the other's next label was lost (a user's review).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.tables import ServiceState
from service.web.csrf import rotate_csrf_token

SESSION_HOURS = 12
_SESSION_KEY = "editor"
_EPOCH_KEY = "editor_epoch"
_PASSWORD_KEY = "editor_password"  # noqa: S105 (a session key, not a password)
_ID_KEY = "editor_session"


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


def log_out(db: Session, settings: Settings, *, everywhere: bool = False) -> None:
    """End this session (a copied cookie of it too), or, ``everywhere``, every session of
    the account."""
    username, now = settings.admin.username, datetime.now(UTC)
    if everywhere:
        row = db.get(ServiceState, _epoch_name(username), with_for_update=True)
        _write(db, row, _epoch_name(username), {"epoch": (_epoch_of(row) if row else 0) + 1})
    elif isinstance(sid := session.get(_ID_KEY), str):
        row = db.get(ServiceState, _revoked_name(username), with_for_update=True)
        until = (now + timedelta(hours=SESSION_HOURS)).timestamp()
        live = {key: when for key, when in _revoked(row).items() if when > now.timestamp()}
        _write(db, row, _revoked_name(username), {"revoked": {**live, sid: until}})
    session.clear()


def _write(db: Session, row: ServiceState | None, name: str, value: dict[str, object]) -> None:
    if row is None:
        db.add(ServiceState(name=name, value=value, updated_at=datetime.now(UTC)))
    else:
        row.value, row.updated_at = value, datetime.now(UTC)
    db.flush()


def _revoked_name(username: str) -> str:
    return f"editor_revoked:{username}"[:60]


def _revoked(row: ServiceState | None) -> dict[str, float]:
    """The revoked session ids of the account and until when each would have lasted."""
    value = row.value.get("revoked") if row is not None and isinstance(row.value, dict) else None
    if not isinstance(value, dict):
        return {}
    return {str(k): float(v) for k, v in value.items() if isinstance(v, (int, float))}


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
    sid = session.get(_ID_KEY)
    if not isinstance(sid, str) or sid in _revoked(db.get(ServiceState, _revoked_name(name))):
        return None
    return name


def _password_fingerprint(settings: Settings) -> str:
    """Changes with the password; tells nothing about it without the app's secret key."""
    key = current_app.secret_key
    secret = key.encode() if isinstance(key, str) else bytes(key or b"")
    password = settings.admin.password.encode()
    return hmac.new(secret, b"editor-password\0" + password, hashlib.sha256).hexdigest()[:32]
