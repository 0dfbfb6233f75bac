"""The web app: subscribe, confirm, preferences, unsubscribe, feedback, review, health.

``create_app(ctx)`` builds the WSGI application; ``serve_in_thread(ctx)``
serves it with waitress until the returned handle is stopped.
"""

from __future__ import annotations

from service.web.app import create_app
from service.web.serving import WebServer, serve_in_thread

__all__ = ["WebServer", "create_app", "serve_in_thread"]
