"""The editor's login for the review page: one account, from [admin] in the settings.

The login is remembered in Flask's signed session cookie (HttpOnly,
SameSite=Lax, expiring with ``SESSION_HOURS``).  An empty [admin] password
closes the review page altogether rather than leaving it open.
"""

from __future__ import annotations

import hmac

from flask import session

from service.config import Settings
from service.web.csrf import rotate_csrf_token

SESSION_HOURS = 12
_SESSION_KEY = "editor"


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


def log_in(username: str) -> None:
    session.clear()
    rotate_csrf_token()
    session.permanent = True
    session[_SESSION_KEY] = username


def log_out() -> None:
    session.clear()


def current_editor(settings: Settings) -> str | None:
    """The logged-in editor, if the login is for the account configured now."""
    name = session.get(_SESSION_KEY)
    if not isinstance(name, str) or not review_is_open(settings):
        return None
    if not hmac.compare_digest(name.encode(), settings.admin.username.encode()):
        return None
    return name
