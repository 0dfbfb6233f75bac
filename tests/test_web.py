"""The web app through Flask's in-process client, on SQLite and PostgreSQL.

Every page that acts on a signed link is also tried with forged, altered,
expired, wrong-purpose and other-subscriber links: each must get a 4xx page
and leave the database exactly as it was.
"""

from __future__ import annotations

import dataclasses
import email
import errno
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from service.classify.label_rows import save_label
from service.context import Context
from service.db.database import make_engine, session_factory, transaction
from service.db.tables import Label, Story, Subscriber
from service.deliver.links import confirm_url, feedback_url, preferences_url, unsubscribe_url
from service.deliver.send import send_due
from service.deliver.tokens import DAY, fingerprint
from service.domain import THEMES
from service.ops import status
from service.subscribers import registry as subscribers
from service.web import create_app, serve_in_thread
from service.web.forms import FormError, FormFields, ThemeChoice, parse_choices, parse_email
from service.web.review_queue import ThemeScore, certainty, review_queue
from service.web.views.base import THEME_BLURBS
from tests.browser import EDITOR, with_settings
from tests.db import FIXED_NOW, SECRET_KEY, make_issue, sent_alert
from tests.helpers import REPO

# --- helpers -------------------------------------------------------------------------------


def add_reader(ctx: Context, address: str = "reader@example.com",
               themes: tuple[str, ...] = ("safety",), *, confirmed: bool = True) -> Subscriber:
    with transaction(ctx.sessions) as session:
        return subscribers.add_subscriber(session, address, list(themes), "instant",
                                          confirmed=confirmed, now=ctx.now())


def add_story(ctx: Context, scores: dict[str, float] | None = None,
              headline: str | None = None) -> int:
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, [scores or {"safety": 0.9, "policy": 0.4}])
        story = issue.stories[0]
        if headline is not None:
            story.headline = headline
        return story.id


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def links(ctx: Context, subscriber: Subscriber, story_id: int = 0) -> dict[str, str]:
    args = (ctx.signer, subscriber.id, subscriber.link_secret)
    found = {
        "confirm": confirm_url("", *args),
        "preferences": preferences_url("", *args),
        "unsubscribe": unsubscribe_url("", *args),
    }
    if story_id:
        with transaction(ctx.sessions) as session:
            delivery_id = sent_alert(session, subscriber.id, [story_id])
        found["feedback"] = feedback_url("", *args, delivery_id, story_id)
    return found


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **extra: Any) -> Any:
    """POST like a browser: read the page for its CSRF token first."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **extra)


def subscriber_state(ctx: Context, address: str) -> dict[str, Any]:
    with transaction(ctx.sessions) as session:
        found = subscribers.find_subscriber(session, address)
        assert found is not None
        return {**subscribers.describe(found), "unsubscribed_at": found.unsubscribed_at}


def label_rows(ctx: Context) -> list[tuple[int, str, str, list[str]]]:
    with transaction(ctx.sessions) as session:
        rows = session.execute(select(Label.story_id, Label.role, Label.who, Label.themes)
                               .order_by(Label.id))
        return [(r.story_id, r.role, r.who, list(r.themes)) for r in rows]


def outbox(ctx: Context) -> list[Message]:
    """The emails written so far, after the worker has sent what is due (confirmations)."""
    send_due(ctx, worker_id="test-worker")
    folder = Path(ctx.settings.smtp.outbox_dir)
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("**/*.eml"))]


def text_body(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


def get_json(url: str, timeout: float = 5) -> Any:
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (checked above)
        return json.load(response)


def subscribe_form(address: str, **cadences: str) -> dict[str, str]:
    return {"email": address, **{f"cadence-{theme}": c for theme, c in cadences.items()}}


# --- subscribing ---------------------------------------------------------------------------


def test_subscribe_makes_a_pending_subscriber_and_emails_a_confirm_link(
        context: Context, client: FlaskClient) -> None:
    response = post_form(client, "/subscribe",
                         subscribe_form("New@Example.com", safety="instant", compute="weekly"))
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    state = subscriber_state(context, "new@example.com")
    assert state["status"] == "pending"
    assert state["themes"] == {"compute": "weekly", "safety": "instant"}

    [message] = outbox(context)
    assert message["To"] == "new@example.com"
    # how each theme will come, as asked (a subscriber's review: the themes alone)
    said = " ".join(text_body(message).split())
    assert "on safety (an alert per issue), compute (a weekly digest) to" in said
    link = re.search(r"https?://\S+/confirm/\S+", text_body(message))
    assert link, "the confirmation email has no confirm link"
    asked = client.get(path_of(link.group(0)))
    assert asked.status_code == 200
    assert "Confirm my subscription" in asked.get_data(as_text=True)
    assert subscriber_state(context, "new@example.com")["status"] == "pending"
    confirmed = post_form(client, path_of(link.group(0)), {})
    assert confirmed.status_code == 200
    assert "You are subscribed" in confirmed.get_data(as_text=True)
    assert subscriber_state(context, "new@example.com")["status"] == "active"


def test_subscribe_answers_the_same_for_an_active_address_and_changes_nothing(
        context: Context, client: FlaskClient) -> None:
    add_reader(context, "known@example.com", ("policy",))
    before = subscriber_state(context, "known@example.com")
    known = post_form(client, "/subscribe", subscribe_form("known@example.com", safety="weekly"))
    fresh = post_form(client, "/subscribe", subscribe_form("fresh@example.com", safety="weekly"))
    assert known.status_code == fresh.status_code == 200
    assert known.get_data(as_text=True).replace("known@", "X@") == \
        fresh.get_data(as_text=True).replace("fresh@", "X@")
    assert subscriber_state(context, "known@example.com") == before
    assert [m["To"] for m in outbox(context)] == ["fresh@example.com"]


def test_healthz_queue_depth_does_not_tell_who_reads(context: Context, client: FlaskClient
                                                     ) -> None:
    """A confirmation is queued only for an address that is not an active reader: counted in
    the public /healthz, the queue before and after a subscribe request told which it was
    (the web attacker's probe, stop 44).  `status` still counts it."""
    add_reader(context, "known@example.com", ("policy",))
    depths = [client.get("/healthz").get_json()["queue_depth"]]
    for address in ("known@example.com", "fresh@example.com"):
        post_form(client, "/subscribe", subscribe_form(address, safety="weekly"))
        depths.append(client.get("/healthz").get_json()["queue_depth"])
    assert depths == [0, 0, 0]
    assert status.read_status(context).health.queue_depth == 1  # the fresh address's


def test_subscribe_again_while_pending_resends_the_confirmation_after_ten_minutes(
        context: Context, client: FlaskClient) -> None:
    for _ in range(2):
        post_form(client, "/subscribe", subscribe_form("twice@example.com", robotics="weekly"))
    assert [m["To"] for m in outbox(context)] == ["twice@example.com"]
    later = dataclasses.replace(context, now=lambda: FIXED_NOW + timedelta(minutes=11))
    post_form(create_app(later).test_client(), "/subscribe",
              subscribe_form("twice@example.com", robotics="weekly"))
    assert [m["To"] for m in outbox(later)] == ["twice@example.com"] * 2
    assert subscriber_state(context, "twice@example.com")["status"] == "pending"


def test_subscribe_page_is_the_same_when_the_email_cannot_be_sent(context: Context) -> None:
    # Port 9 (discard) is closed on loopback: connecting fails at once.
    unreachable = with_settings(context, smtp__host="127.0.0.1", smtp__port=9, smtp__timeout=2.0)
    client = create_app(unreachable).test_client()
    response = post_form(client, "/subscribe", subscribe_form("lost@example.com", safety="weekly"))
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    assert subscriber_state(context, "lost@example.com")["status"] == "pending"


@pytest.mark.parametrize(("form", "problem"), [
    (subscribe_form("not-an-address", safety="instant"), "email address"),
    (subscribe_form("a@example.com"), "at least one theme"),
    (subscribe_form("a@example.com", safety="hourly"), "instant, weekly or off"),
])
def test_subscribe_refuses_a_bad_form_and_stores_nothing(
        context: Context, client: FlaskClient, form: dict[str, str], problem: str) -> None:
    response = post_form(client, "/subscribe", form)
    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    with transaction(context.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Subscriber)) == 0
    assert outbox(context) == []


def test_an_old_confirm_link_does_not_resubscribe_after_unsubscribing(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context, confirmed=False)
    urls = links(context, reader)
    assert client.get(urls["confirm"]).status_code == 200
    assert client.post(urls["unsubscribe"]).status_code == 200
    assert client.get(urls["confirm"]).status_code == 409
    response = client.post(urls["confirm"], data={"csrf_token": csrf_token(client, "/subscribe")})
    assert response.status_code == 409
    assert subscriber_state(context, reader.email)["status"] == "unsubscribed"


# --- preferences ---------------------------------------------------------------------------


def test_preferences_are_saved_per_theme(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context, themes=("safety", "policy"))
    path = links(context, reader)["preferences"]
    response = post_form(client, path, {
        "cadence-safety": "weekly", "min_score-safety": "0.8",
        "cadence-policy": "off", "cadence-compute": "instant", "cadence-robotics": "off",
    })
    assert response.status_code == 200
    assert "Saved" in response.get_data(as_text=True)
    state = subscriber_state(context, reader.email)
    assert state["themes"] == {"compute": "instant", "safety": "weekly"}
    assert state["min_score"] == {"compute": None, "safety": 0.8}
    # The page shows what was stored.
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'id="cadence-safety-weekly"[^>]*checked', page)
    assert 'value="0.8"' in page


@pytest.mark.parametrize("bad", [{"cadence-safety": "daily"},
                                 {"cadence-safety": "weekly", "min_score-safety": "2"},
                                 {"cadence-safety": "weekly", "min_score-safety": "lots"}])
def test_preferences_refuse_bad_values_and_change_nothing(
        context: Context, client: FlaskClient, bad: dict[str, str]) -> None:
    reader = add_reader(context)
    before = subscriber_state(context, reader.email)
    response = post_form(client, links(context, reader)["preferences"], bad)
    assert response.status_code == 400
    assert subscriber_state(context, reader.email) == before


def test_preferences_of_an_unsubscribed_address_cannot_resubscribe_it(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    urls = links(context, reader)
    client.post(urls["unsubscribe"])
    assert "not subscribed any more" in client.get(urls["preferences"]).get_data(as_text=True)
    token = csrf_token(client, "/subscribe")  # the page has no form: the POST is hand-made
    response = client.post(urls["preferences"],
                           data={"cadence-safety": "instant", "csrf_token": token})
    assert response.status_code == 409
    assert subscriber_state(context, reader.email)["status"] == "unsubscribed"


# --- unsubscribing -------------------------------------------------------------------------


def test_unsubscribe_get_only_asks_and_post_unsubscribes(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    path = links(context, reader)["unsubscribe"]
    page = client.get(path)
    assert page.status_code == 200
    assert "Unsubscribe?" in page.get_data(as_text=True)
    assert subscriber_state(context, reader.email)["status"] == "active"

    for _ in range(2):  # idempotent
        done = client.post(path)
        assert done.status_code == 200
        assert "You are unsubscribed" in done.get_data(as_text=True)
    state = subscriber_state(context, reader.email)
    assert state["status"] == "unsubscribed"
    assert state["unsubscribed_at"] is not None


def test_an_old_unsubscribe_link_works_but_hands_out_no_new_preferences_link(
        context: Context, client: FlaskClient) -> None:
    """A read-only review: the unsubscribe page of a two-year-old email gave a fresh
    preferences link, so an old or forwarded email let anybody change the reader's themes."""
    reader = add_reader(context)
    new = client.get(links(context, reader)["unsubscribe"]).get_data(as_text=True)
    assert "Change your themes" in new and "/preferences/" in new
    old = client.get("/unsubscribe/" + _expired("unsubscribe", reader, {}))
    assert old.status_code == 200 and "Unsubscribe?" in old.get_data(as_text=True)
    assert "/preferences/" not in old.get_data(as_text=True)
    assert client.post("/unsubscribe/" + _expired("unsubscribe", reader, {})).status_code == 200
    assert subscriber_state(context, reader.email)["status"] == "unsubscribed"


def test_a_preferences_link_is_not_renewed_through_its_unsubscribe_page(
        context: Context, client: FlaskClient) -> None:
    """The security review: a 364-day-old preferences link's page gave an unsubscribe link
    signed now, whose page gave a preferences link signed now, and so on for ever: whoever
    held an old or forwarded email could change the reader's themes for good.  A link a
    page hands out now expires with the email that reached the page."""
    reader = add_reader(context)
    page = client.get("/preferences/" + _expired("preferences", reader, {}, days=364))
    assert page.status_code == 200
    hop = re.search(r'href="(/unsubscribe/[^"]+)"', page.get_data(as_text=True))
    assert hop
    offered = re.search(r'href="/preferences/([^"]+)"', client.get(hop.group(1)).get_data(
        as_text=True))
    assert offered, "a preferences link a day from its end is still offered"
    made = context.signer.verify("preferences", offered.group(1)).made_at
    assert made is not None and (datetime.now(UTC) - made).days == 364
    # a day later, as its email's own link would be, it is refused
    born = int(time.time()) - 366 * DAY
    late = context.signer.sign("preferences", reader.id, reader.link_secret, born=born)
    assert client.get("/preferences/" + late).status_code == 403
    unsubscribe = context.signer.sign("unsubscribe", reader.id, reader.link_secret, born=born)
    assert "/preferences/" not in client.get("/unsubscribe/" + unsubscribe).get_data(
        as_text=True)


def test_one_click_unsubscribe_works_without_cookies_or_csrf(
        context: Context, app: Flask) -> None:
    reader = add_reader(context)
    mail_client = app.test_client(use_cookies=False)
    response = mail_client.post(
        links(context, reader)["unsubscribe"], data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert subscriber_state(context, reader.email)["status"] == "unsubscribed"


# --- feedback ------------------------------------------------------------------------------


def test_feedback_stores_one_reader_label_per_story(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    story_id = add_story(context, {"safety": 0.9})
    path = links(context, reader, story_id)["feedback"]
    page = client.get(path).get_data(as_text=True)
    assert "Story " in page and "safety" in page

    assert post_form(client, path, {"themes": ["policy", "compute"]}).status_code == 200
    assert label_rows(context) == [(story_id, "reader", reader.email, ["policy", "compute"])]
    # A second answer replaces the first; "none of these" is an empty list.
    response = post_form(client, path, {})
    assert "none of these themes" in response.get_data(as_text=True)
    assert label_rows(context) == [(story_id, "reader", reader.email, [])]


def test_a_feedback_link_works_only_for_the_stories_of_its_email(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    mine, elsewhere = add_story(context), add_story(context)  # two stories, two issues
    path = links(context, reader, mine)["feedback"]
    assert client.get(path).status_code == 200
    moved = path.rsplit("/", 1)[0] + f"/{elsewhere}"
    assert client.get(moved).status_code == 403
    form = {"themes": "policy", "csrf_token": csrf_token(client, "/subscribe")}
    assert client.post(moved, data=form).status_code == 403
    assert label_rows(context) == []


def test_a_feedback_link_works_only_for_the_stories_its_email_held(
        context: Context, client: FlaskClient) -> None:
    reader, other = add_reader(context), add_reader(context, "other@example.com")
    with transaction(context.sessions) as session:
        issue = make_issue(session, [{"safety": 0.9}, {"policy": 0.9}])
        sent, unsent = (story.id for story in issue.stories)  # one issue, one story sent
        delivery_id = sent_alert(session, reader.id, [sent])
        others = sent_alert(session, other.id, [sent, unsent])
    args = (context.signer, reader.id, reader.link_secret)
    assert client.get(feedback_url("", *args, delivery_id, sent)).status_code == 200
    assert client.get(feedback_url("", *args, delivery_id, unsent)).status_code == 403
    # another reader's email (signed with this reader's own secret) is not this reader's
    assert client.get(feedback_url("", *args, others, sent)).status_code == 403
    assert client.get(feedback_url("", *args, delivery_id + 99, sent)).status_code == 403
    assert label_rows(context) == []


def test_a_feedback_link_signed_for_its_issues_still_works(
        context: Context, client: FlaskClient) -> None:
    """Emails sent before stop 31 signed the issues they covered: their links still work."""
    reader = add_reader(context)
    mine, elsewhere = add_story(context), add_story(context)
    with context.sessions() as session:
        issue_id = session.get_one(Story, mine).issue_id
    token = context.signer.sign("feedback", reader.id, reader.link_secret, issues=[issue_id])
    assert post_form(client, f"/feedback/{token}/{mine}", {"themes": "policy"}).status_code == 200
    assert client.get(f"/feedback/{token}/{elsewhere}").status_code == 403
    bare = context.signer.sign("feedback", reader.id, reader.link_secret)
    assert client.get(f"/feedback/{bare}/{mine}").status_code == 403
    assert label_rows(context) == [(mine, "reader", reader.email, ["policy"])]


def test_feedback_refuses_an_unknown_theme(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    path = links(context, reader, add_story(context))["feedback"]
    assert post_form(client, path, {"themes": ["weather"]}).status_code == 400
    assert label_rows(context) == []


def test_feedback_page_escapes_story_text(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    story_id = add_story(context, headline='<script>alert("x")</script> {{ 7*7 }}')
    page = client.get(links(context, reader, story_id)["feedback"]).get_data(as_text=True)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "{{ 7*7 }}" in page


# --- bad links -----------------------------------------------------------------------------


def _tamper(token: str) -> str:
    payload, _, rest = token.partition(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    return f"{flipped}.{rest}"


def _expired(purpose: str, subscriber: Subscriber, extra: dict[str, Any],
             days: int = 400) -> str:
    """A link signed ``days`` ago (past every lifetime, unless told otherwise)."""
    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - days * DAY

    serializer = URLSafeTimedSerializer(SECRET_KEY, salt=f"newsalerts.{purpose}", signer=LongAgo)
    return str(serializer.dumps({"s": subscriber.id, "f": fingerprint(subscriber.link_secret),
                                 **extra}))


# extra: what a good link for the purpose carries (a feedback link: the email it was in)
BadLink = Callable[[Context, Subscriber, Subscriber, str, dict[str, Any]], str]
BAD_LINKS: dict[str, BadLink] = {
    "forged": lambda ctx, victim, other, purpose, extra: "eyJzIjoxfQ.forged.signature",
    "altered": lambda ctx, victim, other, purpose, extra: _tamper(
        ctx.signer.sign(purpose, victim.id, victim.link_secret, **extra)),
    "wrong-purpose": lambda ctx, victim, other, purpose, extra: ctx.signer.sign(
        "unsubscribe" if purpose != "unsubscribe" else "preferences",
        victim.id, victim.link_secret, **extra),
    "other-key": lambda ctx, victim, other, purpose, extra: URLSafeTimedSerializer(
        "another-secret-key-entirely", salt=f"newsalerts.{purpose}").dumps(
        {"s": victim.id, "f": fingerprint(victim.link_secret), **extra}),
    # Signed for the victim's id, but with another subscriber's link secret.
    "other-subscriber": lambda ctx, victim, other, purpose, extra: ctx.signer.sign(
        purpose, victim.id, other.link_secret, **extra),
    "expired": lambda ctx, victim, other, purpose, extra: _expired(purpose, victim, extra),
}
ACTIONS = [
    ("confirm", "GET", {}),
    ("confirm", "POST", {}),
    ("preferences", "GET", {}),
    ("preferences", "POST", {"cadence-policy": "instant"}),
    ("unsubscribe", "GET", {}),
    ("unsubscribe", "POST", {}),
    ("feedback", "GET", {}),
    ("feedback", "POST", {"themes": "robotics"}),
]


# Unsubscribe links never expire (an old email's link must still work), so no "expired" one.
BAD_LINK_CASES = [(kind, *action) for kind in sorted(BAD_LINKS) for action in ACTIONS
                  if not (kind == "expired" and action[0] == "unsubscribe")]


@pytest.mark.parametrize(("kind", "purpose", "method", "data"), BAD_LINK_CASES)
def test_a_bad_link_gets_a_4xx_page_and_changes_nothing(
        context: Context, client: FlaskClient, kind: str, purpose: str, method: str,
        data: dict[str, str]) -> None:
    victim = add_reader(context, "victim@example.com", confirmed=False)
    other = add_reader(context, "other@example.com")
    story_id = add_story(context)
    with transaction(context.sessions) as session:
        delivery_id = sent_alert(session, victim.id, [story_id])
    before = (subscriber_state(context, victim.email), label_rows(context))
    extra: dict[str, Any] = {"delivery": delivery_id} if purpose == "feedback" else {}
    token = BAD_LINKS[kind](context, victim, other, purpose, extra)
    path = f"/{purpose}/{token}" + (f"/{story_id}" if purpose == "feedback" else "")
    token_field = {"csrf_token": csrf_token(client, "/subscribe")}
    response = client.get(path) if method == "GET" else client.post(path, data={**data,
                                                                            **token_field})
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "This link does not work" in text and "Nothing was changed" in text
    assert (subscriber_state(context, victim.email), label_rows(context)) == before


def test_a_rotated_link_secret_revokes_old_links(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    path = links(context, reader)["unsubscribe"]
    with transaction(context.sessions) as session:
        row = session.get(Subscriber, reader.id)
        assert row is not None
        row.link_secret = "rotated"
    response = client.post(path)
    assert response.status_code == 403
    assert "revoked" in response.get_data(as_text=True)
    assert subscriber_state(context, reader.email)["status"] == "active"


# --- CSRF and headers ----------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "not-the-session-token", "é"])
def test_a_form_without_the_csrf_token_is_refused(
        context: Context, client: FlaskClient, token: str | None) -> None:
    reader = add_reader(context)
    story_id = add_story(context)
    urls = links(context, reader, story_id)
    client.get("/subscribe")  # the session exists, so only the field is missing or wrong
    extra = {} if token is None else {"csrf_token": token}
    for path, data in ((urls["preferences"], {"cadence-policy": "instant"}),
                       (urls["feedback"], {"themes": "robotics"}),
                       ("/subscribe", subscribe_form("x@example.com", safety="instant")),
                       ("/review/login", {"username": EDITOR[0], "password": EDITOR[1]})):
        response = client.post(path, data={**data, **extra})
        assert response.status_code == 400, path
        assert "security token" in response.get_data(as_text=True)
    assert subscriber_state(context, reader.email)["themes"] == {"safety": "instant"}
    assert label_rows(context) == []
    with client.session_transaction() as session:
        assert "editor" not in session


def test_pages_send_security_headers_and_no_scripts(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    urls = links(context, reader, add_story(context))
    for path in ("/subscribe", urls["preferences"], urls["unsubscribe"], urls["feedback"],
                 "/review/login", "/preferences/bad-token"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        assert "<script" not in page and "style=" not in page and "<style" not in page
    cookie = client.get_cookie("newsalerts_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_the_stylesheet_is_served(client: FlaskClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    response.close()


def test_theme_blurbs_cover_every_theme() -> None:
    assert tuple(name for name, _ in THEME_BLURBS) == THEMES


# --- health --------------------------------------------------------------------------------


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_healthz_reports_an_unreachable_database(context: Context) -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    broken = Context(context.settings, engine, session_factory(engine), context.var_dir)
    try:
        response = create_app(broken).test_client().get("/healthz")
    finally:
        broken.close()
    assert response.status_code == 503
    assert response.get_json() == {"database": "error"}


# --- review queue --------------------------------------------------------------------------


def log_in(client: FlaskClient, password: str = EDITOR[1]) -> Any:
    return post_form(client, "/review/login", {"username": EDITOR[0], "password": password})


def test_review_is_closed_without_an_admin_password(context: Context) -> None:
    client = create_app(context).test_client()  # the test settings set no password
    for path in ("/review", "/review/login"):
        response = client.get(path)
        assert response.status_code == 403
        assert "no editor password is set" in response.get_data(as_text=True)


def test_review_needs_a_login(context: Context, client: FlaskClient) -> None:
    story_id = add_story(context)
    assert client.get("/review").headers["Location"] == "/review/login"
    token = csrf_token(client, "/review/login")
    response = client.post(f"/review/stories/{story_id}/confirm", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/login"
    assert label_rows(context) == []

    refused = log_in(client, password="wrong")
    assert refused.status_code == 401
    assert client.get("/review").status_code == 302
    assert log_in(client).headers["Location"] == "/review"
    assert client.get("/review").status_code == 200


def test_review_lists_the_least_certain_stories_first(
        context: Context, client: FlaskClient) -> None:
    sure = add_story(context, {"safety": 0.99, "policy": 0.01}, headline="Sure story")
    unsure = add_story(context, {"safety": 0.52}, headline="Unsure story")
    middle = add_story(context, {"compute": 0.8, "robotics": 0.3}, headline="Middle story")
    log_in(client)
    page = client.get("/review").get_data(as_text=True)
    order = [page.index(f'id="story-{i}"') for i in (unsure, middle, sure)]
    assert order == sorted(order)
    # the scale said (an operator's review: "certainty 0.44" meant nothing)
    assert "certainty 0.02 of 0.50" in page and "0 is a toss-up, 0.50 sure" in page


def test_review_shows_scores_and_explanation_terms(context: Context, client: FlaskClient) -> None:
    story_id = add_story(context, {"policy": 0.81}, headline="Export rules <b>tighten</b>")
    with transaction(context.sessions) as session:
        story = session.get(Story, story_id)
        assert story is not None
        policy = next(row for row in story.themes if row.theme == "policy")
        policy.explanation = ["export controls", "Commerce Department"]
    log_in(client)
    page = client.get("/review").get_data(as_text=True)
    assert "export controls, Commerce Department" in page
    assert "0.81" in page
    assert "Export rules &lt;b&gt;tighten&lt;/b&gt;" in page


def _review_rows_of_a_held_theme(context: Context, client: FlaskClient, scores: dict[str, float],
                                 held: str) -> dict[str, str]:
    """The review page's score rows of a story whose ``held`` theme a gate kept under."""
    story_id = add_story(context, scores, headline="A story a gate held")
    with transaction(context.sessions) as session:
        story = session.get(Story, story_id)
        assert story is not None
        next(row for row in story.themes if row.theme == held).held = True
    log_in(client)
    page = client.get("/review").get_data(as_text=True)
    item = page[page.index(f'id="story-{story_id}"'):]
    return {theme: item[item.index(f">{theme}</th>"):item.index("</tr>",
                                                             item.index(f">{theme}</th>"))]
            for theme in scores}


def test_review_says_why_the_subject_gate_held_a_theme(
        context: Context, client: FlaskClient) -> None:
    rows = _review_rows_of_a_held_theme(context, client, {"policy": 0.2, "safety": 0.1}, "policy")
    assert "names nothing of AI" in rows["policy"]
    assert "names nothing of AI" not in rows["safety"]


def test_review_says_why_the_robotics_gate_held_robotics(
        context: Context, client: FlaskClient) -> None:
    rows = _review_rows_of_a_held_theme(context, client, {"robotics": 0.2}, "robotics")
    assert "names no machine that acts in the physical world" in rows["robotics"]
    assert "names nothing of AI" not in rows["robotics"]


def test_review_confirm_and_fix_store_editor_labels(
        context: Context, client: FlaskClient) -> None:
    first = add_story(context, {"safety": 0.9, "policy": 0.7})
    second = add_story(context, {"robotics": 0.6})
    log_in(client)
    token = csrf_token(client, "/review")
    page = client.get("/review").get_data(as_text=True)
    form = page[page.index(f'action="/review/stories/{first}/confirm"'):]
    shown = re.findall(r'name="shown" value="(\w+)"', form[:form.index("</form>")])
    assert shown == ["safety", "policy"]  # the themes the editor sees, sent with the button
    confirmed = client.post(f"/review/stories/{first}/confirm",
                            data={"csrf_token": token, "shown": shown})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == f"/review#story-{first}"
    fixed = client.post(f"/review/stories/{second}/fix",
                        data={"csrf_token": token, "themes": ["compute", "robotics"]})
    assert fixed.status_code == 302
    assert label_rows(context) == [(first, "editor", EDITOR[0], ["safety", "policy"]),
                                   (second, "editor", EDITOR[0], ["compute", "robotics"])]
    assert "Saved" in client.get("/review").get_data(as_text=True)
    # Fixing again replaces the editor's label.
    client.post(f"/review/stories/{first}/fix", data={"csrf_token": token})
    assert label_rows(context)[-1] == (first, "editor", EDITOR[0], [])
    assert len(label_rows(context)) == 2


def test_review_confirm_refuses_themes_the_story_no_longer_has(
        context: Context, client: FlaskClient) -> None:
    """A read-only review: Confirm saved the themes tagged when it was clicked, so a story
    retagged after the page was drawn got an editor label of themes nobody saw."""
    story_id = add_story(context, {"safety": 0.9})
    log_in(client)
    token = csrf_token(client, "/review")
    with transaction(context.sessions) as session:  # retagged, as `newsalerts retag` does
        for row in session.get_one(Story, story_id).themes:
            row.assigned = row.theme == "policy"
    response = client.post(f"/review/stories/{story_id}/confirm",
                           data={"csrf_token": token, "shown": ["safety"]})
    assert response.status_code == 409
    assert "tagged again" in response.get_data(as_text=True)
    assert label_rows(context) == []
    response = client.post(f"/review/stories/{story_id}/confirm",
                           data={"csrf_token": token, "shown": ["weather"]})
    assert response.status_code == 400 and label_rows(context) == []


def test_review_logout_ends_the_session(context: Context, client: FlaskClient) -> None:
    log_in(client)
    token = csrf_token(client, "/review")
    assert client.post("/review/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/review").status_code == 302


def test_review_queue_puts_reviewed_stories_last(sqlite_context: Context) -> None:
    unsure = add_story(sqlite_context, {"safety": 0.5})
    sure = add_story(sqlite_context, {"safety": 0.99, "policy": 0.01, "compute": 0.01,
                                      "robotics": 0.01})
    with transaction(sqlite_context.sessions) as session:
        session.add(Label(story_id=unsure, themes=["safety"], role="editor", who="e"))
    with transaction(sqlite_context.sessions) as session:
        items = review_queue(session).items
    assert [item.story_id for item in items] == [sure, unsure]
    assert items[1].editor_themes == ("safety",)


def test_review_queue_puts_stories_readers_dispute_first_however_old(
        sqlite_context: Context) -> None:
    """An editor's review: readers split 2-2 on a story of an archive polled later, and it
    was never in the queue (the 300 newest stories only, 50 shown, no reader's answer)."""
    for reader in ("a@x.test", "b@x.test", "c@x.test", "d@x.test"):
        add_reader(sqlite_context, reader)
    with transaction(sqlite_context.sessions) as session:
        old = make_issue(session, [{"safety": 0.9}, {"safety": 0.95}],
                         sent_at=FIXED_NOW - timedelta(days=900)).stories
        disputed, agreed = old[0].id, old[1].id
        for reader, themes in (("a@x.test", ["policy"]), ("b@x.test", ["policy"]),
                               ("c@x.test", ["safety"]), ("d@x.test", ["safety"])):
            session.add(Label(story_id=disputed, themes=themes, role="reader", who=reader))
        session.add(Label(story_id=agreed, themes=["safety"], role="reader", who="a@x.test"))
    newer = [add_story(sqlite_context, {"safety": 0.5}) for _ in range(3)]
    with transaction(sqlite_context.sessions) as session:
        queue = review_queue(session, limit=2, recent=3)
        assert [item.story_id for item in queue.items] == [disputed, newer[2]]  # (newest)
        assert queue.items[0].disputed
        assert queue.items[0].reader_votes == ((("policy",), 2), (("safety",), 2))
        assert queue.more and queue.first == 1
        second = review_queue(session, limit=2, recent=3, page=1)
        assert [item.story_id for item in second.items] == [newer[1], newer[0]]
        assert second.first == 3 and not second.more
        # a reader's answer that agrees with the story's themes is no dispute: an old
        # story with only such answers stays out, as any old story does
        assert agreed not in {item.story_id for item in second.items}


def test_answers_that_agree_do_not_push_a_disputed_story_out_of_the_queue(
        sqlite_context: Context) -> None:
    """The queue reads the newest 500 stories readers answered: 500 answers newer than a
    2-2 split, each agreeing with its story's themes, kept the split out of every page."""
    for reader in ("a@x.test", "b@x.test", "c@x.test"):  # (answers count from readers)
        add_reader(sqlite_context, reader)
    with transaction(sqlite_context.sessions) as session:
        old = make_issue(session, [{"safety": 0.9}], sent_at=FIXED_NOW - timedelta(days=400),
                         received_at=FIXED_NOW - timedelta(days=400))
        disputed = old.stories[0].id
        for reader in ("a@x.test", "b@x.test"):
            session.add(Label(story_id=disputed, themes=["policy"], role="reader", who=reader,
                              created_at=FIXED_NOW - timedelta(days=10)))
        agreed = make_issue(session, [{"safety": 0.9}] * 500,
                            sent_at=FIXED_NOW - timedelta(days=300)).stories
        session.add_all(Label(story_id=story.id, themes=["safety"], role="reader",
                              who="c@x.test", created_at=FIXED_NOW) for story in agreed)
    add_story(sqlite_context, {"safety": 0.5})
    with transaction(sqlite_context.sessions) as session:
        queue = review_queue(session, limit=2, recent=1)
    assert queue.items[0].story_id == disputed and queue.items[0].disputed


def test_review_page_shows_readers_answers_and_pages_on(context: Context,
                                                        client: FlaskClient) -> None:
    story_ids = [add_story(context, {"safety": 0.9}) for _ in range(52)]
    add_reader(context, "r@x.test")
    with transaction(context.sessions) as session:
        session.add(Label(story_id=story_ids[0], themes=[], role="reader", who="r@x.test"))
    log_in(client)
    first = client.get("/review").get_data(as_text=True)
    assert "Readers answered:" in first and "no theme (1)" in first
    first_item = re.search(r'class="review-item[^"]*" id="story-(\d+)"', first)
    assert first_item and int(first_item.group(1)) == story_ids[0], "disputed: first"
    assert 'rel="next"' in first
    second = client.get("/review?page=1").get_data(as_text=True)
    assert second.count('class="review-item') == 2 and 'rel="prev"' in second
    assert 'start="51"' in second
    assert client.get("/review?page=-3").status_code == 200
    assert client.get("/review?page=x").status_code == 200


def test_an_imported_label_settles_a_dispute_and_a_form_drawn_before_it_is_refused(
        context: Context, client: FlaskClient) -> None:
    """`labels import` weighs as an editor's label: the story it settled stayed "disputed"
    at the top of the queue, and a form drawn before it overwrote it (the editor's probe)."""
    from service.web.review_queue import review_queue

    story_id = add_story(context, {"safety": 0.9})
    for reader in ("r3@x.test", "r4@x.test"):
        add_reader(context, reader)
    with transaction(context.sessions) as session:
        for reader in ("r3@x.test", "r4@x.test"):
            session.add(Label(story_id=story_id, themes=["policy"], role="reader", who=reader))
    log_in(client)
    token = csrf_token(client, "/review")
    with context.sessions() as session:
        assert review_queue(session).items[0].disputed
    with transaction(context.sessions) as session:
        save_label(session, story_id, ["robotics"], "import", "file:imp4.jsonl")
    with context.sessions() as session:
        [item] = [i for i in review_queue(session).items if i.story_id == story_id]
        assert not item.disputed and item.editor_themes == ("robotics",)
    response = client.post(f"/review/stories/{story_id}/fix",  # drawn before the import
                           data={"csrf_token": token, "themes": ["policy"], "seen_label": "-"})
    assert response.status_code == 409


def test_the_queue_counts_readers_answers_as_training_does(
        context: Context, client: FlaskClient) -> None:
    """A removed reader's answer, and one person's two "+" addresses, counted on the page
    as answers training never sees (the editor's probe)."""
    from service.web.review_queue import review_queue

    story_id = add_story(context, {"safety": 0.9})
    for reader in ("eve+1@x.test", "eve+2@x.test", "gone@x.test"):
        add_reader(context, reader)
    with transaction(context.sessions) as session:
        for reader in ("eve+1@x.test", "eve+2@x.test", "gone@x.test"):
            session.add(Label(story_id=story_id, themes=["policy"], role="reader", who=reader))
        subscribers.remove_subscriber(session, "gone@x.test")
    with context.sessions() as session:
        [item] = [i for i in review_queue(session).items if i.story_id == story_id]
    assert item.reader_votes == ((("policy",), 1),)


def test_certainty_is_the_smallest_distance_to_a_threshold() -> None:
    scores = [ThemeScore("safety", 0.9, True, 0.5, ()), ThemeScore("policy", 0.35, False, 0.4, ())]
    assert certainty(scores) == pytest.approx(0.05)
    assert certainty([]) == 0.0


# --- forms ---------------------------------------------------------------------------------


def test_parse_choices_reads_cadence_and_min_score_per_theme() -> None:
    form = FormFields({"cadence-safety": ["weekly"], "min_score-safety": [" 0.25 "],
                       "cadence-policy": ["off"], "cadence-compute": ["instant"]})
    assert parse_choices(form) == {"safety": ThemeChoice("weekly", 0.25),
                                   "compute": ThemeChoice("instant", None)}


@pytest.mark.parametrize("value", ["nan", "-0.1", "1.5", "inf"])
def test_parse_choices_refuses_scores_outside_zero_to_one(value: str) -> None:
    with pytest.raises(FormError):
        parse_choices(FormFields({"cadence-safety": ["weekly"], "min_score-safety": [value]}))


@pytest.mark.parametrize("value", ["", "no-at-sign", "a@b", "a b@example.com",
                                   "x@example.com\r\nBcc: y@example.com", "a" * 250 + "@e.com"])
def test_parse_email_refuses_what_is_not_an_address(value: str) -> None:
    with pytest.raises(FormError):
        parse_email(FormFields({"email": [value]}))


@pytest.mark.parametrize("value", ["josé@example.com", "\u0130@example.com", "\u202e@example.com"])
def test_the_form_refuses_an_address_beyond_ascii_and_says_why(
        context: Context, client: FlaskClient, value: str) -> None:
    response = post_form(client, "/subscribe", {"email": value, "themes": ["safety"]})
    assert response.status_code == 400
    assert "plain ASCII letters" in response.get_data(as_text=True)
    with context.sessions() as session:
        assert session.scalars(select(Subscriber)).all() == []


# --- serving -------------------------------------------------------------------------------


def test_serve_in_thread_serves_and_stops(sqlite_context: Context) -> None:
    server = serve_in_thread(sqlite_context, "127.0.0.1:0")
    try:
        assert get_json(f"{server.url}/healthz")["database"] == "ok"
    finally:
        server.stop()
    assert not server.thread.is_alive()
    with pytest.raises(OSError):
        get_json(f"{server.url}/healthz", timeout=2)


def test_serve_in_thread_stops_even_when_its_loops_trigger_is_gone(
        sqlite_context: Context) -> None:
    """Seen once in a full run: the trigger's pipe was closed under the server (EBADF) and
    stop() raised, leaving the server running.  It now closes the sockets itself."""
    server = serve_in_thread(sqlite_context, "127.0.0.1:0")
    trigger: Any = server.server.trigger

    def closed_pipe() -> None:  # what writing to a pipe closed under it raises
        raise OSError(errno.EBADF, "Bad file descriptor")

    trigger._physical_pull = closed_pipe
    server.stop()
    assert not server.thread.is_alive()
    with pytest.raises(OSError):
        get_json(f"{server.url}/healthz", timeout=2)


def test_web_command_serves_until_sigterm(sqlite_context: Context, tmp_path: Path) -> None:
    url = str(sqlite_context.engine.url)
    env = {"PATH": "/usr/bin:/bin", "NEWSALERTS_DATABASE__URL": url,
           "NEWSALERTS_WEB__SECRET_KEY": SECRET_KEY, "NEWSALERTS_WEB__LISTEN": "127.0.0.1:0"}
    process = subprocess.Popen([sys.executable, "-m", "service", "web"], cwd=tmp_path, env={
        **env, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        served = re.search(r"http://127\.0\.0\.1:\d+", line)
        if not served:
            process.kill()
            pytest.fail(f"no address in the output {line!r}; stderr: {process.communicate()[1]}")
        assert get_json(f"{served.group(0)}/healthz")["database"] == "ok"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=5)



def test_a_taken_port_is_one_clear_error(sqlite_context: Context) -> None:
    from service.errors import ConfigError

    first = serve_in_thread(sqlite_context, "127.0.0.1:0")
    taken = r"cannot listen on 127\.0\.0\.1:\d+ \(\[web\] listen\)"
    try:
        with pytest.raises(ConfigError, match=taken):
            serve_in_thread(sqlite_context, f"127.0.0.1:{first.port}")
    finally:
        first.stop()


def test_the_loop_ends_quietly_when_stop_closed_the_sockets_it_was_polling() -> None:
    """stop() closing the sockets from its own thread (the trigger's pipe gone) could meet
    the loop inside select(): EBADF, the loop thread's unhandled exception (a full run)."""
    from service.web.serving import _serve

    class Polling:
        def run(self) -> None:
            raise OSError(errno.EBADF, "Bad file descriptor")

    stopped = threading.Event()
    with pytest.raises(OSError):  # not asked to stop: an error that stands
        _serve(Polling(), stopped)  # type: ignore[arg-type]
    stopped.set()
    _serve(Polling(), stopped)  # type: ignore[arg-type]


def test_review_refuses_a_label_from_a_page_drawn_before_another_label_was_saved(
        context: Context, client: FlaskClient) -> None:
    """An editor's review: with the queue open in two tabs, Fix in one, then Confirm in the
    other (drawn before) stored the model's themes over the fix, and said "Saved"."""
    story_id = add_story(context, {"compute": 0.7})
    log_in(client)
    token = csrf_token(client, "/review")
    stale = client.get("/review").get_data(as_text=True)
    confirm = stale[stale.index(f'action="/review/stories/{story_id}/confirm"'):]
    confirm = confirm[:confirm.index("</form>")]
    seen = re.findall(r'name="seen_label" value="([^"]*)"', confirm)
    assert seen == ["-"]
    fixed = client.post(f"/review/stories/{story_id}/fix",  # the other tab
                        data={"csrf_token": token, "themes": ["robotics"], "seen_label": "-"})
    assert fixed.status_code == 302

    response = client.post(f"/review/stories/{story_id}/confirm",
                           data={"csrf_token": token, "shown": ["compute"], "seen_label": "-"})

    assert response.status_code == 409
    assert "labeled again" in response.get_data(as_text=True)
    assert label_rows(context) == [(story_id, "editor", EDITOR[0], ["robotics"])]
    # drawn again, the page carries the label it shows, and a fix of it is saved
    page = client.get("/review").get_data(as_text=True)
    assert 'name="seen_label" value="robotics"' in page
    again = client.post(f"/review/stories/{story_id}/fix",
                        data={"csrf_token": token, "themes": [], "seen_label": "robotics"})
    assert again.status_code == 302
    assert label_rows(context) == [(story_id, "editor", EDITOR[0], [])]


def test_the_story_page_form_drawn_before_another_label_is_refused_too(
        context: Context, client: FlaskClient) -> None:
    """The story's page has the editor's Fix form as well: it carried no seen_label, so a
    page drawn before a label was saved in the review queue stored its themes over it."""
    story_id = add_story(context, {"compute": 0.7})
    log_in(client)
    token = csrf_token(client, "/review")
    stale = client.get(f"/stories/{story_id}").get_data(as_text=True)
    assert re.findall(r'name="seen_label" value="([^"]*)"', stale) == ["-"]
    fixed = client.post(f"/review/stories/{story_id}/fix",  # the review queue, meanwhile
                        data={"csrf_token": token, "themes": ["robotics"], "seen_label": "-"})
    assert fixed.status_code == 302

    response = client.post(f"/review/stories/{story_id}/fix",  # the story page's form
                           data={"csrf_token": token, "themes": ["compute"], "seen_label": "-"})

    assert response.status_code == 409
    assert label_rows(context) == [(story_id, "editor", EDITOR[0], ["robotics"])]
    page = client.get(f"/stories/{story_id}").get_data(as_text=True)
    assert 'name="seen_label" value="robotics"' in page


@pytest.mark.postgres
def test_a_label_saved_while_a_form_is_being_checked_is_not_saved_over(
        pg_context: Context) -> None:
    """Two editors' forms posted at once, both drawn before either label: each found the
    label it showed (none) and both were saved, the later over the earlier, with no 409.
    The story's row is locked while the form is checked and saved."""
    app = create_app(with_settings(pg_context, admin__username=EDITOR[0],
                                   admin__password=EDITOR[1]))
    story_id = add_story(pg_context, {"compute": 0.7})
    client = app.test_client()
    log_in(client)
    token = csrf_token(client, "/review")
    answers: list[int] = []
    with transaction(pg_context.sessions) as session:  # the other editor's save, in flight
        session.get_one(Story, story_id, with_for_update=True)
        session.add(Label(story_id=story_id, themes=["robotics"], role="editor", who="other"))
        poster = threading.Thread(target=lambda: answers.append(client.post(
            f"/review/stories/{story_id}/fix",
            data={"csrf_token": token, "themes": ["compute"], "seen_label": "-"}).status_code))
        poster.start()
        poster.join(1.0)  # it waits for the other save to commit
    poster.join(10)
    assert answers == [409]


def test_review_filters_reach_stories_past_the_queue_s_window_and_keep_across_pages(
        context: Context, client: FlaskClient) -> None:
    """A user's review: with more stories than the queue's window the oldest never showed,
    and ?theme=, ?source= and ?q= were ignored."""
    from service.web.review_queue import Filters, review_queue

    oldest = add_story(context, {"robotics": 0.9}, headline="Harbour crane learns to stack")
    with transaction(context.sessions) as session:
        many = make_issue(session, [{"policy": 0.9}] * 51, received_at=FIXED_NOW)
        for n, story in enumerate(many.stories):
            story.headline = f"Council vote {n} on the ferry"
    with transaction(context.sessions) as session:
        unfiltered = review_queue(session, recent=3)
        assert oldest not in [item.story_id for item in unfiltered.items]
        robots = review_queue(session, recent=3, filters=Filters(theme="robotics"))
        assert [item.story_id for item in robots.items] == [oldest]
    log_in(client)

    def shown(query: str) -> list[int]:
        page = client.get(f"/review{query}").get_data(as_text=True)
        return [int(i) for i in re.findall(r'id="story-(\d+)"', page)]

    assert shown("?theme=robotics") == [oldest]
    assert shown("?q=crane") == [oldest] and shown("?q=%25") == []
    assert len(shown("?theme=weather")) == 50  # not a theme: no filter
    assert shown("?source=Import+AI&theme=robotics") == [oldest]
    assert shown("?source=Another+letter") == []
    page = client.get("/review?theme=policy").get_data(as_text=True)
    assert 'href="/review?page=1&amp;theme=policy"' in page  # the next page keeps the filter
    assert "The queue holds the newest 1,000 stories that match" in page
    assert len(shown("?theme=policy&page=1")) == 1


def test_an_unknown_theme_filter_says_it_was_dropped(context: Context,
                                                     client: FlaskClient) -> None:
    add_story(context, {"safety": 0.9})
    log_in(client)
    page = client.get("/review?theme=<b>bogus</b>").get_data(as_text=True)
    assert "There is no theme called “&lt;b&gt;bogus&lt;/b&gt;”" in page
    assert "There is no theme called" not in client.get("/review?theme=safety").get_data(
        as_text=True)


def test_review_filters_narrow_the_disputed_stories_before_their_cap(
        context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review of the filters: the newest disputed answers were taken up to their cap
    first and filtered after, so an older disputed story the filter asked for was lost."""
    from service.web import review_queue as queue
    from service.web.review_queue import Filters, review_queue

    monkeypatch.setattr(queue, "DISPUTED", 1)
    crane = add_story(context, {"robotics": 0.9}, headline="Harbour crane learns to stack")
    other = add_story(context, {"policy": 0.9}, headline="Council vote on the ferry")
    for reader in ("a@x.test", "b@x.test"):
        add_reader(context, reader)
    with transaction(context.sessions) as session:
        session.add(Label(story_id=crane, themes=["safety"], role="reader", who="a@x.test",
                          created_at=FIXED_NOW))
        session.add(Label(story_id=other, themes=["safety"], role="reader", who="b@x.test",
                          created_at=FIXED_NOW + timedelta(hours=1)))
    with transaction(context.sessions) as session:
        listed = review_queue(session, recent=0, filters=Filters(text="crane"))
    assert [item.story_id for item in listed.items] == [crane]
