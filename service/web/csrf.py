"""CSRF protection: a per-session token, checked on every POST.

The token lives in Flask's session cookie, which is signed with ``[web]
secret_key`` (HttpOnly, SameSite=Lax), and is repeated in a hidden field of
every form.  Another site can make a browser send the cookie but cannot read
it, so it cannot fill in the field.

One POST is exempt: the RFC 8058 one-click unsubscribe, which mail clients
send with no cookies at all; there the signed link is the authorization.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest

FIELD = "csrf_token"
_SESSION_KEY = "csrf"
_EXEMPT_ATTRIBUTE = "csrf_exempt"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

View = TypeVar("View", bound=Callable[..., object])


class CSRFError(BadRequest):
    description = (
        "This form could not be accepted because its security token is missing or "
        "out of date. Go back, reload the page, and send the form again."
    )


def csrf_token() -> str:
    """The session's token, made on first use (so a page with a form sets the cookie)."""
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def rotate_csrf_token() -> None:
    """A new token after logging in or out, so one seen before login is worthless."""
    session.pop(_SESSION_KEY, None)


def exempt(view: View) -> View:
    setattr(view, _EXEMPT_ATTRIBUTE, True)
    return view


def check_csrf(app: Flask) -> None:
    """Refuse an unsafe request without the session's token (a ``before_request`` hook)."""
    if request.method not in _UNSAFE_METHODS:
        return
    if _is_exempt(app):
        return
    expected = session.get(_SESSION_KEY)
    submitted = request.form.get(FIELD, "")
    # As bytes: compare_digest refuses str holding non-ASCII characters.
    if not isinstance(expected, str) or not hmac.compare_digest(
        expected.encode(), submitted.encode()
    ):
        raise CSRFError()


def _is_exempt(app: Flask) -> bool:
    """Whether the handler of this request (a function, or a view class's method) is exempt."""
    view = app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, request.method.lower(), view)
    return bool(getattr(handler, _EXEMPT_ATTRIBUTE, False))


def install(app: Flask) -> None:
    app.before_request(lambda: check_csrf(app))
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field"] = FIELD
