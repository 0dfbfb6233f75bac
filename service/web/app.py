"""The web app: ``create_app(ctx)`` builds the Flask application for one Context.

Pages are plain HTML from ``templates/pages/`` (autoescaped, no JavaScript),
one view class per page in ``service/web/views/``.  This module only wires
them: settings, the session cookie, CSRF, security headers and error pages.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, Response, abort, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter, Map

from service.context import Context
from service.deliver.render import templates_dir
from service.deliver.tokens import load_or_create_secret_key
from service.errors import InvalidLink, StorageError
from service.web import csrf
from service.web.editor_auth import SESSION_HOURS
from service.web.views import register_views
from service.web.views.base import MAX_ROW_ID

log = logging.getLogger(__name__)

CONTEXT_KEY = "newsalerts.context"

# No inline script or style anywhere, so the policy can forbid both outright.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Page URLs carry signed tokens: never hand them to another site as a Referer.
    "Referrer-Policy": "no-referrer",
}

class RowId(IntegerConverter):
    """``<int:…>`` in every route: a row's id, never larger than a row id can be (a path
    with a larger number names no row: 404, where it failed in the database: 500)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, *args, **{"max": MAX_ROW_ID, **kwargs})


HSTS = "max-age=31536000"
MAX_FORM_BYTES = 64 * 1024


def create_app(ctx: Context) -> Flask:
    # The same templates/ folder as the emails (render.py knows where it is installed).
    templates = templates_dir()
    app = Flask(__name__, template_folder=str(templates),
                static_folder=str(templates / "pages" / "static"), static_url_path="/static")
    # Flask escapes only .html templates by default; escape every one.  Set before
    # the Jinja environment is first used, which is when Flask reads it.
    app.jinja_options = {**app.jinja_options, "autoescape": True, "trim_blocks": True,
                         "lstrip_blocks": True}
    app.config.update(_flask_config(ctx))
    app.extensions[CONTEXT_KEY] = ctx
    app.url_map.converters["int"] = RowId
    # "/unsubscribe//<token>" was redirected to the slashes merged, on the request's Host
    # ("Location: http://evil.example/unsubscribe/<token>": the web review); no address
    # here has two slashes in a row, so such a request is a 404, not a redirect.
    app.url_map.merge_slashes = False
    app.before_request(_refuse_nul_bytes)
    csrf.install(app)
    app.after_request(_add_security_headers)
    if ctx.base_url.startswith("https://"):
        app.after_request(_add_hsts)
    _register_error_pages(app)
    register_views(app, ctx)
    return app


def _flask_config(ctx: Context) -> dict[str, Any]:
    return {
        "SECRET_KEY": load_or_create_secret_key(ctx.settings.web.secret_key,
                                                ctx.var_dir),
        "SESSION_COOKIE_NAME": "newsalerts_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": ctx.base_url.startswith("https://"),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
        # The cookie is sent when the session changes (login, a form's token), not on every
        # answer: a cacheable one (a feed, a stylesheet) carried the editor's session to any
        # cache that ignores Vary (the web attacker's probe, stop 44).  A session lasts
        # SESSION_HOURS from login either way (editor_auth).
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Every form here is a few fields; refuse anything bigger before parsing it
        # (waitress refuses it before reading it: [web] max_request_body_size).
        "MAX_CONTENT_LENGTH": MAX_FORM_BYTES,
    }


def _refuse_nul_bytes() -> None:
    """No field of any form or query holds a NUL byte: PostgreSQL refuses one in text, so a
    search or a login with one answered 503 "briefly unavailable" and logged an error (a
    read-only review).  A 400 that says why, before anything reads the database."""
    sent = list(request.args.lists())
    if request.method == "POST" and request.mimetype in _FORM_TYPES:
        sent += request.form.lists()
    if any("\x00" in name or any("\x00" in value for value in values)
           for name, values in sent):
        abort(400, description="A field of this request holds a NUL character, which no "
                               "field here can take. Nothing was changed.")


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        # Pages show one subscriber's data behind a token: no shared caches, no back-cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _add_hsts(response: Response) -> Response:
    # Served over https (base_url says so): browsers must never try plain http again.
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _register_error_pages(app: Flask) -> None:
    app.register_error_handler(InvalidLink, _invalid_link_page)
    app.register_error_handler(StorageError, _storage_error_page)
    app.register_error_handler(HTTPException, _http_error_page)
    app.register_error_handler(InternalServerError, _internal_error_page)


def _invalid_link_page(error: InvalidLink) -> tuple[str, int]:
    # The reason names no subscriber and no secret: safe to show and to log.
    log.info("refused a signed link: %s", error)
    return render_template("pages/error.html", status=403, title="This link does not work",
                           message=_sentence(str(error)), bad_link=True), 403


def _storage_error_page(error: StorageError) -> tuple[str, int]:
    log.error("database error while serving a page: %s", error)
    return render_template("pages/error.html", status=503, title="Please try again shortly",
                           message="The service is briefly unavailable. Nothing was changed.",
                           bad_link=False), 503


def _http_error_page(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    return render_template("pages/error.html", status=status, title=error.name,
                           message=error.description, bad_link=False), status


def _internal_error_page(error: InternalServerError) -> tuple[str, int]:
    original = getattr(error, "original_exception", None)
    if original is not None:
        log.error("unexpected error while serving a page", exc_info=original)
    return render_template("pages/error.html", status=500, title="Something went wrong",
                           message="The page could not be shown. Please try again later.",
                           bad_link=False), 500


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return (reason[:1].upper() + reason[1:]).rstrip(".") + "."
