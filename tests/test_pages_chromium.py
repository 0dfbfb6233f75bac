"""The pages in a real browser: headless Chromium (Debian) driven by Playwright.

The app runs in waitress on a loopback port (tests/browser.py); every test
clicks through the real forms, so the CSRF field, the cookies, the redirects
and the Content-Security-Policy all take part, as they do for a reader.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from service.context import Context
from service.db.database import transaction
from service.db.tables import Label, Subscriber
from service.deliver.links import feedback_url, preferences_url, unsubscribe_url
from service.deliver.send import send_due
from service.subscribers import registry as subscribers
from service.web import WebServer
from tests.browser import EDITOR
from tests.db import make_issue, sent_alert

pytestmark = pytest.mark.chromium

# Set NEWSALERTS_SCREENSHOTS=dir to keep a picture of each page for a person to look at.
SCREENSHOTS = os.environ.get("NEWSALERTS_SCREENSHOTS")


def snapshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def add_reader(ctx: Context, themes: tuple[str, ...] = ("safety",)) -> Subscriber:
    with transaction(ctx.sessions) as session:
        return subscribers.add_subscriber(session, "reader@example.com", list(themes), "instant",
                                          confirmed=True, now=ctx.now())


def add_stories(ctx: Context, *scores: dict[str, float]) -> list[int]:
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, list(scores), subject="Import AI 999: test issue")
        for story, headline in zip(issue.stories, HEADLINES, strict=False):
            story.headline = headline
        return [story.id for story in issue.stories]


HEADLINES = ["Lawmakers propose export controls on AI chips",
             "A humanoid robot learns to fold laundry",
             "Red teamers find new jailbreaks in a chatbot"]


def reader_state(ctx: Context) -> tuple[str, dict[str, str]]:
    with transaction(ctx.sessions) as session:
        found = subscribers.find_subscriber(session, "reader@example.com")
        assert found is not None
        return found.status, {s.theme: s.cadence for s in found.subscriptions}


def labels(ctx: Context) -> list[tuple[int, str, str, list[str]]]:
    with transaction(ctx.sessions) as session:
        rows = session.execute(select(Label.story_id, Label.role, Label.who, Label.themes)
                               .order_by(Label.id))
        return [(r.story_id, r.role, r.who, list(r.themes)) for r in rows]


def test_preferences_change_through_the_form(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    reader = add_reader(live_context, ("safety", "policy"))
    page.goto(preferences_url(live_server.url, live_context.signer, reader.id,
                              reader.link_secret))
    expect(page.get_by_role("heading", name="Your preferences")).to_be_visible()
    page.get_by_label("safety: weekly").check()
    page.get_by_label("policy: off").check()
    page.get_by_label("robotics: instant").check()
    page.get_by_label("Minimum score for robotics").fill("0.7")
    snapshot(page, "preferences")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    assert reader_state(live_context) == ("active", {"robotics": "instant", "safety": "weekly"})
    expect(page.get_by_label("Minimum score for robotics")).to_have_value("0.7")


def test_unsubscribe_needs_the_confirm_button(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    reader = add_reader(live_context)
    page.goto(unsubscribe_url(live_server.url, live_context.signer, reader.id,
                              reader.link_secret))
    expect(page.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
    snapshot(page, "unsubscribe")
    assert reader_state(live_context)[0] == "active"
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert reader_state(live_context)[0] == "unsubscribed"


def test_feedback_form_stores_a_reader_label(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    reader = add_reader(live_context)
    [story_id] = add_stories(live_context, {"safety": 0.8, "compute": 0.2})
    with transaction(live_context.sessions) as session:
        delivery_id = sent_alert(session, reader.id, [story_id])
    page.goto(feedback_url(live_server.url, live_context.signer, reader.id,
                           reader.link_secret, delivery_id, story_id))
    expect(page.get_by_role("heading", name=HEADLINES[0])).to_be_visible()
    page.get_by_role("checkbox", name="safety").uncheck()
    page.get_by_role("checkbox", name="policy").check()
    page.get_by_role("checkbox", name="compute").check()
    page.get_by_role("button", name="Send my themes").click()
    expect(page.get_by_role("status")).to_contain_text("policy, compute")
    snapshot(page, "feedback")
    assert labels(live_context) == [(story_id, "reader", reader.email, ["policy", "compute"])]


def test_a_forged_link_shows_the_error_page(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    reader = add_reader(live_context)
    good = preferences_url(live_server.url, live_context.signer, reader.id, reader.link_secret)
    forged = re.sub(r"\.[^.]+$", ".AAAAAAAAAAAAAAAAAAAAAAAAAAA", good)
    response = page.goto(forged)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(page.get_by_text("Nothing was changed")).to_be_visible()
    snapshot(page, "forged-link")
    assert reader_state(live_context) == ("active", {"safety": "instant"})


def test_subscribe_form_then_the_emailed_confirm_link(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    page.goto(f"{live_server.url}/subscribe")
    page.get_by_label("Email address").fill("reader@example.com")
    page.get_by_label("compute: weekly").check()
    snapshot(page, "subscribe")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert reader_state(live_context) == ("pending", {"compute": "weekly"})
    send_due(live_context, worker_id="test-worker")  # the worker sends the queued email
    [eml] = Path(live_context.settings.smtp.outbox_dir).glob("*.eml")
    body = eml.read_bytes().decode("ascii", "replace").replace("=\n", "")
    token = re.search(r"/confirm/([A-Za-z0-9_.=-]+)", body)
    assert token, "no confirm link in the email"
    # Opening the link (as a mail scanner would) only shows the button.
    page.goto(f"{live_server.url}/confirm/{token.group(1)}")
    expect(page.get_by_role("heading", name="Confirm your subscription")).to_be_visible()
    assert reader_state(live_context)[0] == "pending"
    snapshot(page, "confirm")
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
    assert reader_state(live_context)[0] == "active"


def test_review_login_confirm_and_fix(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    _sure, unsure, middle = add_stories(
        live_context, {"policy": 0.95, "compute": 0.9}, {"robotics": 0.55}, {"safety": 0.75})
    page.goto(f"{live_server.url}/review")
    expect(page.get_by_role("heading", name="Editor login")).to_be_visible()
    page.get_by_label("Username").fill(EDITOR[0])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(EDITOR[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    headings = page.locator(".review-item h2").all_inner_texts()
    assert headings == [HEADLINES[1], HEADLINES[2], HEADLINES[0]]  # least certain first
    snapshot(page, "review")

    page.get_by_role("button", name=f"Confirm themes of story {unsure}").click()
    expect(page.get_by_role("status")).to_contain_text("robotics")
    item = page.locator(f"#story-{middle}")
    item.get_by_role("checkbox", name="safety").uncheck()
    item.get_by_role("checkbox", name="policy").check()
    page.get_by_role("button", name=f"Fix themes of story {middle}").click()
    expect(page.get_by_role("status")).to_contain_text("policy")
    assert labels(live_context) == [(unsure, "editor", EDITOR[0], ["robotics"]),
                                    (middle, "editor", EDITOR[0], ["policy"])]
    # Reviewed stories move to the end of the queue.
    headings = page.locator(".review-item h2").all_inner_texts()
    assert headings[0] == HEADLINES[0]


def test_the_preferences_page_fits_a_phone_and_takes_any_minimum_score(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    """At 360 px the table made the page scroll sideways, and the browser refused 0.33 as a
    minimum score ("the nearest valid values are 0.3 and 0.35"): the web review."""
    reader = add_reader(live_context, ("safety", "policy"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(preferences_url(live_server.url, live_context.signer, reader.id,
                              reader.link_secret))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # ... and its every column is on the screen, not in a box scrolled sideways (a user's
    # review: the minimum score sat at 306-402 px, its saved 0.9 shown as "0")
    shown = page.locator(".scroll").bounding_box()
    assert shown is not None
    for theme in ("safety", "robotics"):
        box = page.get_by_label(f"Minimum score for {theme}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= shown["x"] + shown["width"], box
    page.get_by_label("Minimum score for safety").fill("0.33")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.get_by_label("Minimum score for safety")).to_have_value("0.33")


def test_a_review_item_links_its_story_s_page(
        page: Page, live_server: WebServer, live_context: Context) -> None:
    """The editor labelled from the headline alone: no text, no link (the web review)."""
    [story_id] = add_stories(live_context, {"robotics": 0.55})
    page.goto(f"{live_server.url}/review/login")
    page.get_by_label("Username").fill(EDITOR[0])
    page.get_by_label("Password").fill(EDITOR[1])
    page.get_by_role("button", name="Log in").click()
    page.locator(f"#story-{story_id} h2 a").click()
    expect(page).to_have_url(f"{live_server.url}/stories/{story_id}")
    expect(page.get_by_role("heading", name=HEADLINES[0])).to_be_visible()
