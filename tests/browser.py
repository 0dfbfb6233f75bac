"""The web app in a real server, and a real headless Chromium to drive it (a pytest plugin).

``live_server``: the app served by waitress in a thread on a free loopback
port, over a fresh SQLite database (``live_context``), stopped after the test.
``browser``: one Chromium per test run, from the Debian ``chromium`` package,
driven by Playwright; ``page``: a fresh browser context (no cookies) per test.

A missing /usr/bin/chromium is a failure, never a skip: these tests are how the
pages are known to work.  ``playwright install`` is never used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, sync_playwright

from service.config import Settings
from service.context import Context
from service.web import WebServer, create_app, serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-proxy-server",
]
EDITOR = ("editor", "correct horse battery staple")
TIMEOUT_MS = 10_000


def with_settings(ctx: Context, **changes: object) -> Context:
    """``ctx`` with some settings replaced: ``with_settings(ctx, admin__password="x")``."""
    values = dict(ctx.settings.values)
    for name, value in changes.items():
        section, key = name.split("__")
        assert (section, key) in values, f"no setting [{section}] {key}"
        values[(section, key)] = value
    settings = Settings(values, ctx.settings.sources, ctx.settings.path)
    return dataclasses.replace(ctx, settings=settings)


@pytest.fixture
def live_context(sqlite_context: Context) -> Context:
    """The database context the live server uses, with the editor account set."""
    return with_settings(sqlite_context, admin__username=EDITOR[0], admin__password=EDITOR[1])


@pytest.fixture
def live_server(live_context: Context) -> Iterator[WebServer]:
    server = serve_in_thread(live_context, "127.0.0.1:0")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the page tests need the Debian chromium package. "
            "Run scripts/test, which installs it (apt-get install -y chromium).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- the web app in-process, for tests that need no browser -----------------------------------


@pytest.fixture
def app(context: Context) -> Flask:
    """The web app on the test database, with the editor's login configured."""
    app = create_app(with_settings(context, admin__username=EDITOR[0],
                                   admin__password=EDITOR[1]))
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
