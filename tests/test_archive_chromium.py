"""The archive in a real browser: headless Chromium (Debian) driven by Playwright.

Browsing a theme, the search box, a story's page and its feed link, the
editor's "Wrong themes?", and a hostile story that must stay text: no script
of its runs, no dialog opens, no javascript: link is made.
"""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import select

from service.context import Context
from service.db.database import transaction
from service.db.tables import Label, Story
from service.web import WebServer
from tests.browser import EDITOR
from tests.db import FIXED_NOW, make_issue

pytestmark = pytest.mark.chromium

HOSTILE = '<script>window.pwned = 1; alert("x")</script><img src=x onerror="window.pwned=2">'


def add_story(ctx: Context, headline: str, text: str, themes: dict[str, float], *,
              hours: int = 0, links: list[dict[str, str]] | None = None) -> int:
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, [themes], subject=f"Import AI {hours}: news",
                           received_at=FIXED_NOW + timedelta(hours=hours))
        story = issue.stories[0]
        story.headline, story.text, story.links = headline, text, links or []
        session.flush()
        return story.id


def fail_on_dialog(page: Page) -> list[str]:
    opened: list[str] = []

    def record(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def test_browse_a_theme_search_and_open_a_story(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    add_story(live_context, "Export controls on AI chips", "Lawmakers act.", {"policy": 0.9})
    wanted = add_story(live_context, "A licence for training runs", "A kangaroo clause.",
                       {"policy": 0.9, "safety": 0.8}, hours=1)
    add_story(live_context, "A robot folds laundry", "Kangaroo-free.", {"robotics": 0.9}, hours=2)

    page.goto(f"{live_server.url}/stories")
    expect(page.locator(".archive-item h2")).to_have_text(
        ["A robot folds laundry", "A licence for training runs", "Export controls on AI chips"])
    page.get_by_role("navigation", name="Themes").get_by_role("link", name="policy").click()
    expect(page.get_by_role("heading", name="Stories on policy")).to_be_visible()
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == "/feeds/policy.atom"
    page.get_by_role("searchbox", name="Search stories").fill("kangaroo")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".archive-item h2")).to_have_text(["A licence for training runs"])
    page.get_by_role("link", name="A licence for training runs").click()

    expect(page.get_by_role("heading", name="A licence for training runs")).to_be_visible()
    assert page.url.endswith(f"/stories/{wanted}")
    expect(page.locator(".story-themes .tag")).to_have_text(["safety", "policy"])
    expect(page.get_by_text("Import AI 1: news")).to_be_visible()
    response = page.request.get(f"{live_server.url}/feeds/policy.atom")
    titles = [entry.title for entry in feedparser.parse(response.body()).entries]
    assert titles == ["A licence for training runs", "Export controls on AI chips"]


def test_a_hostile_story_stays_text_in_the_archive(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    story_id = add_story(live_context, HOSTILE, f"{HOSTILE}\nSecond line.", {"safety": 0.9},
                         links=[{"text": "click me", "url": "javascript:window.pwned=3"}])
    dialogs = fail_on_dialog(page)

    for path in ("/stories", "/themes/safety", f"/stories/{story_id}",
                 f"/stories?q={HOSTILE[:20]}"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_text(HOSTILE).first).to_be_visible()  # shown as typed
        assert page.evaluate("document.scripts.length") == 0, path
        assert page.locator("img").count() == 0, path
        assert page.locator('a[href^="javascript:" i]').count() == 0, path
        assert page.evaluate("window.pwned === undefined"), path
    assert dialogs == []


def test_the_editor_fixes_themes_from_a_story_page(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    story_id = add_story(live_context, "A humanoid robot", "It walks.", {"robotics": 0.9})
    page.goto(f"{live_server.url}/stories/{story_id}")
    expect(page.get_by_text("Wrong themes?")).to_have_count(0)

    page.goto(f"{live_server.url}/review/login")
    page.get_by_label("Username").fill(EDITOR[0])
    page.get_by_label("Password").fill(EDITOR[1])
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/stories/{story_id}")
    form = page.locator("form.fix")
    expect(form.get_by_text("Wrong themes?")).to_be_visible()
    form.get_by_role("checkbox", name="compute").check()
    form.get_by_role("button", name="Save themes").click()

    expect(page.get_by_role("status")).to_contain_text("compute, robotics")
    with transaction(live_context.sessions) as session:
        rows = session.execute(select(Label.story_id, Label.role, Label.themes)).all()
        assert session.get_one(Story, story_id).headline == "A humanoid robot"
    assert [(r.story_id, r.role, list(r.themes)) for r in rows] == [
        (story_id, "editor", ["compute", "robotics"])]
