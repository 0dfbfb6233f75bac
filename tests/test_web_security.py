"""Issue 11, tried as an attacker would: the web app's answers to each finding.

Double opt-in only by a POST; confirmation emails queued and limited per
address (in the database, across processes) and per client; editor logins
throttled and sessions ended by logout or a password change; /metrics not
public; waitress limits; HSTS; a private SQLite file; masked `config show`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.cli.main import main
from service.config import load_settings
from service.context import Context
from service.db.database import make_engine, transaction, upgrade
from service.db.tables import Delivery, Story, Subscriber
from service.deliver.render import requested_themes
from service.deliver.send import send_due
from service.errors import ConfigError
from service.ops.logs import RedactSecrets, secret_values
from service.ops.metrics import serve_process_metrics
from service.subscribers import registry as subscribers
from service.subscribers.csv_import import import_csv
from service.typed_settings import mask_url
from service.web import WebServer, create_app, serve_in_thread
from service.web.throttle import client_key, login_delay
from tests.browser import EDITOR, with_settings
from tests.db import FIXED_NOW
from tests.smtp_server import SmtpSink
from tests.test_web import (
    add_reader,
    add_story,
    csrf_token,
    label_rows,
    links,
    outbox,
    post_form,
    subscribe_form,
    subscriber_state,
    text_body,
)


def at(ctx: Context, minutes: float) -> Context:
    """``ctx`` with its clock ``minutes`` after the fixed test time."""
    return dataclasses.replace(ctx, now=lambda: FIXED_NOW + timedelta(minutes=minutes))


def from_client(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def confirm_deliveries(ctx: Context) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count(Delivery.id))
                                  .where(Delivery.kind == "confirm")) or 0)


# --- double opt-in -----------------------------------------------------------------------------


def test_get_and_head_on_a_confirm_link_leave_the_address_pending(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context, "pending@example.com", confirmed=False)
    path = links(context, reader)["confirm"]
    assert client.head(path).status_code == 200
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my subscription" in page.get_data(as_text=True)
    assert subscriber_state(context, reader.email)["status"] == "pending"
    assert client.post(path).status_code == 400  # no CSRF token: a forged form
    assert subscriber_state(context, reader.email)["status"] == "pending"
    assert post_form(client, path, {}).status_code == 200
    assert subscriber_state(context, reader.email)["status"] == "active"


def emailed_confirm_path(message: Any) -> str:
    """The confirm link of a confirmation email, as a path."""
    found = re.search(r"https?://[^/\s]+(/confirm/\S+)", text_body(message))
    assert found, "the confirmation email has no confirm link"
    return found.group(1)


def test_a_strangers_subscribe_request_keeps_a_former_readers_themes_until_they_confirm(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        reader = subscribers.add_subscriber(session, "former@example.com", ["policy"],
                                            "weekly", confirmed=True, min_score=0.6,
                                            now=context.now())
        subscribers.unsubscribe(session, reader, context.now() - timedelta(days=1))
    before = subscriber_state(context, "former@example.com")
    post_form(client, "/subscribe", subscribe_form("former@example.com", robotics="instant"))
    after = subscriber_state(context, "former@example.com")
    assert after == before  # still unsubscribed, with the themes it had (a read-only review)
    [email] = outbox(context)
    assert "robotics" in text_body(email)
    path = emailed_confirm_path(email)
    client.get(path)
    assert subscriber_state(context, "former@example.com") == before
    post_form(client, path, {})
    state = subscriber_state(context, "former@example.com")
    assert (state["status"], state["themes"]) == ("active", {"robotics": "instant"})


def test_a_strangers_request_for_an_unsubscribed_address_cannot_let_an_import_add_it(
        context: Context, client: FlaskClient, tmp_path: Path) -> None:
    """A read-only review: the form made the address pending, and the CSV import activates
    pending addresses, so a form post and a routine import re-subscribed someone who left."""
    with transaction(context.sessions) as session:
        reader = subscribers.add_subscriber(session, "left@example.com", ["policy"], "weekly",
                                            confirmed=True, now=context.now())
        subscribers.unsubscribe(session, reader, context.now() - timedelta(days=1))
    post_form(client, "/subscribe", subscribe_form("left@example.com", policy="weekly"))
    table = tmp_path / "readers.csv"
    table.write_text("email,themes,cadence\nleft@example.com,policy,weekly\n")
    result = import_csv(context.sessions, table, now=context.now())
    assert result.skipped and "unsubscribed; not subscribed again" in result.skipped[0][1]
    assert subscriber_state(context, "left@example.com")["status"] == "unsubscribed"


def test_spellings_of_one_inbox_share_its_daily_confirmation_emails(
        context: Context, client: FlaskClient) -> None:
    """An attacker's probe: "victim+0..4@gmail.com" and dotted spellings each counted as an
    address of their own, and ten confirmation emails reached one inbox in ten seconds (240
    a day from one client).  An inbox gets five a day, whatever spelling asked."""
    spellings = [f"victim+{n}@gmail.com" for n in range(5)] + [
        "v.ictim@gmail.com", "vi.ctim@gmail.com", "victim@googlemail.com"]
    for address in spellings:
        assert post_form(client, "/subscribe", subscribe_form(address, safety="weekly"),
                         **from_client(f"192.0.2.{len(address)}")).status_code == 200
    assert [m["To"] for m in outbox(context)] == spellings[:5]
    other = post_form(client, "/subscribe", subscribe_form("someone@gmail.com", safety="weekly"))
    assert other.status_code == 200 and len(outbox(context)) == 6  # another inbox: its own


def test_a_bounced_address_gets_no_confirmation_from_the_form(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        reader = subscribers.add_subscriber(session, "gone@example.com", ["policy"], "weekly",
                                            confirmed=True, now=context.now())
        reader.status = "bounced"
    before = subscriber_state(context, "gone@example.com")
    response = post_form(client, "/subscribe", subscribe_form("gone@example.com", safety="weekly"))
    assert response.status_code == 200 and "Check your inbox" in response.get_data(as_text=True)
    assert outbox(context) == [] and confirm_deliveries(context) == 0
    assert subscriber_state(context, "gone@example.com") == before


def test_an_old_confirmation_link_does_not_bring_a_bounced_address_back(
        context: Context, client: FlaskClient) -> None:
    """The web review: a pending address's confirmation email, followed after the address
    had bounced, made it active; only an operator adds a bounced address back."""
    post_form(client, "/subscribe", subscribe_form("frank@example.com", safety="weekly"))
    [message] = outbox(context)
    with transaction(context.sessions) as session:
        found = subscribers.find_subscriber(session, "frank@example.com")
        assert found is not None
        found.status = "bounced"
    path = emailed_confirm_path(message)
    assert client.get(path).status_code == 409
    response = client.post(path, data={"csrf_token": csrf_token(client, "/subscribe")})
    assert response.status_code == 409
    assert subscriber_state(context, "frank@example.com")["status"] == "bounced"


def test_an_address_with_two_slashes_is_no_redirect_to_the_requests_host(
        client: FlaskClient) -> None:
    """Werkzeug merged "//" with a 308 to the Host header's site: "/unsubscribe//<token>"
    sent its signed token to "http://evil.example" (the web review)."""
    for path in ("/unsubscribe//abc", "/stories//1", "/review//login"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 404 and "Location" not in response.headers, path


def test_a_confirmation_email_from_before_an_unsubscribe_does_not_bring_the_address_back(
        context: Context, client: FlaskClient) -> None:
    post_form(client, "/subscribe", subscribe_form("back@example.com", safety="weekly"))
    [first] = outbox(context)
    old = emailed_confirm_path(first)
    assert post_form(client, old, {}).status_code == 200
    reader = subscriber_state(context, "back@example.com")
    assert reader["status"] == "active"
    later = at(context, 60)
    with transaction(later.sessions) as session:
        found = subscribers.find_subscriber(session, "back@example.com")
        assert found is not None
        subscribers.unsubscribe(session, found, later.now())
    client = create_app(at(context, 120)).test_client()
    post_form(client, "/subscribe", subscribe_form("back@example.com", policy="weekly"))
    assert client.get(old).status_code == 409  # the old email's link
    response = client.post(old, data={"csrf_token": csrf_token(client, "/subscribe")})
    assert response.status_code == 409
    assert subscriber_state(context, "back@example.com")["status"] == "unsubscribed"
    [_, second] = outbox(at(context, 120))
    assert post_form(client, emailed_confirm_path(second), {}).status_code == 200
    state = subscriber_state(context, "back@example.com")
    assert (state["status"], state["themes"]) == ("active", {"policy": "weekly"})


def test_a_strangers_later_request_does_not_change_what_a_sent_confirmation_confirms(
        context: Context, client: FlaskClient) -> None:
    """A read-only review: each form post rewrote the pending address's requested themes,
    so the owner's own link confirmed the stranger's choice."""
    post_form(client, "/subscribe", subscribe_form("owner@example.com", safety="instant"))
    [mine] = outbox(context)
    stranger = create_app(at(context, 11)).test_client()
    post_form(stranger, "/subscribe",
              subscribe_form("owner@example.com", policy="weekly", robotics="weekly"))
    page = client.get(emailed_confirm_path(mine)).get_data(as_text=True)
    assert re.findall(r'<span class="theme-name">(\w+)</span>', page) == ["safety"]
    assert post_form(client, emailed_confirm_path(mine), {}).status_code == 200
    assert subscriber_state(context, "owner@example.com")["themes"] == {"safety": "instant"}


def test_the_confirm_page_and_email_name_the_same_themes_those_asked_for(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        reader = subscribers.add_subscriber(session, "former@example.com", ["safety", "compute"],
                                            "weekly", confirmed=True, now=context.now())
        subscribers.unsubscribe(session, reader, context.now() - timedelta(days=1))
    post_form(client, "/subscribe",
              subscribe_form("former@example.com", robotics="instant", policy="weekly"))
    [email] = outbox(context)
    page = client.get(emailed_confirm_path(email)).get_data(as_text=True)
    # one rule (render.requested_themes), in THEMES order: asked for, not stored
    assert re.findall(r'<span class="theme-name">(\w+)</span>', page) == ["policy", "robotics"]
    assert ("news on policy (a weekly digest), robotics (an alert per issue) to "
            "former@example.com") in " ".join(text_body(email).split())


def test_requested_themes_are_those_asked_for_else_those_stored() -> None:
    assert requested_themes({"robotics": "instant", "policy": "weekly"},
                            ["compute"]) == ["policy", "robotics"]
    assert requested_themes(None, ["robotics", "safety"]) == ["safety", "robotics"]
    assert requested_themes({}, []) == []


# --- email bombing -----------------------------------------------------------------------------


def test_twenty_subscribe_requests_for_one_address_send_one_email(
        sqlite_context: Context, smtp_sink: SmtpSink) -> None:
    ctx = with_settings(sqlite_context, **{f"smtp__{key}": value
                                           for key, value in smtp_sink.smtp_settings().items()})
    client = create_app(ctx).test_client()
    for number in range(20):  # from twenty clients, so the per-client limit is not what stops it
        token = csrf_token(client, "/subscribe")
        response = client.post("/subscribe", data={
            **subscribe_form("target@example.com", safety="instant"), "csrf_token": token},
            **from_client(f"198.51.100.{number}"))
        assert response.status_code == 200
    assert smtp_sink.connections == 0, "the web request never talks to the mail server"
    send_due(ctx, worker_id="test-worker")
    assert smtp_sink.recipients() == ["target@example.com"]


def test_one_address_gets_one_confirmation_per_ten_minutes_and_five_a_day(
        context: Context) -> None:
    minutes = [0, 5, 11, 22, 33, 44, 55, 66, 24 * 60 + 67]
    for minute in minutes:
        client = create_app(at(context, minute)).test_client()
        post_form(client, "/subscribe", subscribe_form("often@example.com", policy="weekly"))
    with context.sessions() as session:
        sent = session.scalars(select(Delivery.created_at).where(Delivery.kind == "confirm")
                               .order_by(Delivery.id)).all()
    # 0, 11, 22, 33, 44: five in a day; 5 was too soon; 55 and 66 over the day's five;
    # the next day's request gets one again.
    assert len(sent) == 6


def test_concurrent_requests_in_several_processes_queue_one_confirmation(
        pg_context: Context) -> None:
    apps = [create_app(pg_context) for _ in range(2)]  # two web processes, one database
    add_reader(pg_context, "racer@example.com", confirmed=False)
    with transaction(pg_context.sessions) as session:
        session.execute(Delivery.__table__.delete())
    start = threading.Barrier(10)
    statuses: list[int] = []

    def request(number: int) -> None:
        client = apps[number % 2].test_client()
        token = csrf_token(client, "/subscribe")
        start.wait()
        response = client.post("/subscribe", data={
            **subscribe_form("racer@example.com", compute="weekly"), "csrf_token": token},
            **from_client(f"203.0.113.{number}"))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 10
    assert confirm_deliveries(pg_context) == 1


def test_one_client_may_send_ten_subscribe_requests_an_hour(
        context: Context, client: FlaskClient) -> None:
    for number in range(10):
        assert post_form(client, "/subscribe",
                         subscribe_form(f"r{number}@example.com", safety="weekly")
                         ).status_code == 200
    refused = post_form(client, "/subscribe", subscribe_form("r10@example.com", safety="weekly"))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    assert confirm_deliveries(context) == 10
    later = create_app(at(context, 61)).test_client()
    assert post_form(later, "/subscribe", subscribe_form("r10@example.com", safety="weekly")
                     ).status_code == 200


def side_by_side(count: int, request: Any) -> list[int | str]:
    """The answers of ``request(number)()``, sent at once from ``count`` threads: each
    request is made ready (its CSRF token read) here first, one after another."""
    ready = [request(number) for number in range(count)]
    start = threading.Barrier(count, timeout=30)
    answers: list[int | str] = []

    def run(send: Any) -> None:
        try:
            start.wait()
            answers.append(send())
        except Exception as exc:  # (said in the assertion, not lost in a thread)
            answers.append(repr(exc))

    threads = [threading.Thread(target=run, args=(send,), daemon=True) for send in ready]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(answers, key=str)


def test_subscribe_requests_sent_side_by_side_keep_the_clients_limit(context: Context) -> None:
    """Each request counted the client's earlier ones before writing its own: 40 at once
    from one address got 16 confirmations sent (the web review)."""
    def request(number: int) -> Any:
        client = create_app(context).test_client()
        token = csrf_token(client, "/subscribe")
        return lambda: client.post("/subscribe", data={
            **subscribe_form(f"side{number}@example.com", safety="weekly"),
            "csrf_token": token}, **from_client("198.51.100.9")).status_code

    assert side_by_side(16, request) == [200] * 10 + [429] * 6
    assert confirm_deliveries(context) == 10


# --- editor login ------------------------------------------------------------------------------


def log_in(client: FlaskClient, password: str, **extra: Any) -> Any:
    token = csrf_token(client, "/review/login")
    return client.post("/review/login", data={"username": EDITOR[0], "password": password,
                                              "csrf_token": token}, **extra)


def test_wrong_passwords_sent_side_by_side_get_five_tries_in_all(context: Context) -> None:
    """The count was read before the failure was written: 40 guesses at once had 10
    passwords checked, 8 of 8 on a fresh name (the web review)."""
    editor = with_settings(context, admin__username=EDITOR[0], admin__password=EDITOR[1])

    def request(number: int) -> Any:
        client = create_app(editor).test_client()
        token = csrf_token(client, "/review/login")
        return lambda: client.post("/review/login", data={
            "username": EDITOR[0], "password": f"guess {number}", "csrf_token": token},
            **from_client(f"203.0.113.{number}")).status_code

    assert side_by_side(12, request) == [401] * 5 + [429] * 7


def test_fifteen_wrong_passwords_get_429_and_then_the_right_one_waits_too(
        context: Context, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="service.web.views.review")
    answers = [log_in(client, f"guess {n}").status_code for n in range(15)]
    assert answers == [401] * 5 + [429] * 10
    refused = log_in(client, EDITOR[1])
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "127.0.0.1" in caplog.text and "5 failures" in caplog.text
    # The username is locked too, whatever address the next guess comes from.
    assert log_in(client, EDITOR[1], **from_client("192.0.2.7")).status_code == 429
    later = create_app(with_settings(at(context, 16), admin__username=EDITOR[0],
                                     admin__password=EDITOR[1])).test_client()
    assert log_in(later, EDITOR[1]).status_code == 302


def test_strangers_guesses_do_not_lock_the_editor_out_of_a_browser_they_logged_in_from(
        context: Context, app: Flask, client: FlaskClient) -> None:
    """A read-only review: failures counted per username from any address let anybody keep
    the editor out for good.  The editor's own browser carries a signed device cookie."""
    assert log_in(client, EDITOR[1]).status_code == 302
    client.post("/review/logout", data={"csrf_token": csrf_token(client, "/review")})
    stranger = app.test_client()
    for number in range(6):
        log_in(stranger, f"guess {number}", **from_client(f"198.51.100.{number}"))
    newcomer = app.test_client()  # a browser the editor never logged in from: locked
    assert log_in(newcomer, EDITOR[1], **from_client("192.0.2.50")).status_code == 429
    # the cookie is the editor's, signed: a forged one counts for nothing
    forged = app.test_client()
    forged.set_cookie("newsalerts_editor_device", "eyJ1IjoiZWRpdG9yIn0.forged.cookie",
                      path="/review")
    assert log_in(forged, EDITOR[1], **from_client("192.0.2.52")).status_code == 429
    assert log_in(client, EDITOR[1], **from_client("192.0.2.51")).status_code == 302


def test_failures_from_one_ipv6_network_count_together() -> None:
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9") == \
        "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.7") == client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("unknown") == "unknown"


def test_one_ipv6_network_may_send_ten_subscribe_requests_an_hour(
        context: Context, client: FlaskClient) -> None:
    """A read-only review: each IPv6 address was counted alone, and a host has a /64."""
    answers = [post_form(client, "/subscribe", subscribe_form(f"v{n}@example.com", safety="weekly"),
                         **from_client(f"2001:db8:1:2::{n + 1:x}")).status_code
               for n in range(11)]
    assert answers == [200] * 10 + [429]
    other = post_form(client, "/subscribe", subscribe_form("w@example.com", safety="weekly"),
                      **from_client("2001:db8:1:3::1"))
    assert other.status_code == 200


def test_the_login_delay_doubles_up_to_fifteen_minutes() -> None:
    assert [login_delay(n).total_seconds() for n in (0, 4, 5, 6, 7)] == [0, 0, 30, 60, 120]
    assert login_delay(50) == timedelta(minutes=15)


def copy_session(source: FlaskClient, target: FlaskClient) -> None:
    cookie = source.get_cookie("newsalerts_session")
    assert cookie is not None
    target.set_cookie("newsalerts_session", cookie.value)


def test_logging_out_ends_every_session_even_a_copied_cookie(
        app: Flask, client: FlaskClient) -> None:
    assert log_in(client, EDITOR[1]).status_code == 302
    thief = app.test_client()
    copy_session(client, thief)
    assert thief.get("/review").status_code == 200
    token = csrf_token(client, "/review")
    assert client.post("/review/logout", data={"csrf_token": token}).status_code == 302
    assert thief.get("/review").status_code == 302
    assert client.get("/review").status_code == 302


def test_one_editor_logging_out_leaves_another_editor_s_session(
        app: Flask, context: Context, client: FlaskClient) -> None:
    """A user's review: the editors share the one [admin] account, and one logging out
    ended every session, so another's next label was lost without a word.  Logging out now
    ends that session only (its copied cookie too); "Log out everywhere" ends them all."""
    from tests.db import make_issue

    with transaction(context.sessions) as session:
        story_id = make_issue(session, [{"robotics": 0.6}]).stories[0].id
    other = app.test_client()
    assert log_in(client, EDITOR[1]).status_code == 302
    assert log_in(other, EDITOR[1]).status_code == 302
    client.post("/review/logout", data={"csrf_token": csrf_token(client, "/review")})
    assert client.get("/review").status_code == 302
    assert other.get("/review").status_code == 200  # the other editor works on

    third = app.test_client()
    assert log_in(third, EDITOR[1]).status_code == 302
    token = csrf_token(other, "/review")
    assert other.post("/review/logout", data={"csrf_token": token, "everywhere": "1"}
                      ).status_code == 302
    lost = third.post(f"/review/stories/{story_id}/confirm",
                      data={"csrf_token": csrf_token(third, "/review/login")})
    assert lost.status_code == 302 and lost.headers["Location"].endswith("/review/login")
    page = third.get("/review/login").get_data(as_text=True)
    assert f"You were logged out, so story {story_id} was not saved." in page


def test_a_copied_cookie_of_an_ended_session_never_comes_back(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review of per-session logout: a thief's copy, refreshed by asking now and then,
    outlived the row that revoked it and got in again; and two editors' logouts rewrote
    one shared row.  A session lasts SESSION_HOURS from its login, whatever refreshes its
    cookie, and each ended session has a row of its own."""
    from datetime import UTC, datetime

    from service.web import editor_auth

    started = datetime.now(UTC)

    class Clock(datetime):
        hours = 0.0

        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return started + timedelta(hours=cls.hours)

    monkeypatch.setattr(editor_auth, "datetime", Clock)
    other = app.test_client()
    assert log_in(client, EDITOR[1]).status_code == 302
    assert log_in(other, EDITOR[1]).status_code == 302
    thief, thief2 = app.test_client(), app.test_client()
    copy_session(client, thief)
    copy_session(other, thief2)
    for editor in (client, other):  # both log out, one after the other
        editor.post("/review/logout", data={"csrf_token": csrf_token(editor, "/review")})
    for hours in (0, 6, 11):
        Clock.hours = hours
        assert thief.get("/review").status_code == 302
        assert thief2.get("/review").status_code == 302
    Clock.hours = 13  # another editor's logout forgets the rows of sessions over by now
    third = app.test_client()
    assert log_in(third, EDITOR[1]).status_code == 302
    third.post("/review/logout", data={"csrf_token": csrf_token(third, "/review")})
    Clock.hours = 14
    assert thief.get("/review").status_code == 302
    fresh = app.test_client()  # and a login now lasts its own hours
    assert log_in(fresh, EDITOR[1]).status_code == 302
    assert fresh.get("/review").status_code == 200
    Clock.hours = 14 + editor_auth.SESSION_HOURS + 1
    assert fresh.get("/review").status_code == 302


def test_a_login_made_on_a_process_whose_clock_runs_ahead_holds(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review of the session lifetime: a login on a web process 1.5 s ahead was
    refused by the next request on one behind, and the editor logged out for good."""
    from datetime import UTC, datetime

    from service.web import editor_auth

    class Ahead(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(UTC) + timedelta(seconds=90)

    monkeypatch.setattr(editor_auth, "datetime", Ahead)
    assert log_in(client, EDITOR[1]).status_code == 302
    monkeypatch.undo()
    assert client.get("/review").status_code == 200


def test_a_strangers_logout_does_not_end_the_editors_session(
        app: Flask, client: FlaskClient) -> None:
    assert log_in(client, EDITOR[1]).status_code == 302
    stranger = app.test_client()
    token = csrf_token(stranger, "/review/login")
    assert stranger.post("/review/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/review").status_code == 200


def test_a_password_change_ends_every_session(context: Context, client: FlaskClient) -> None:
    assert log_in(client, EDITOR[1]).status_code == 302
    same = create_app(with_settings(context, admin__username=EDITOR[0],
                                    admin__password=EDITOR[1])).test_client()
    changed = create_app(with_settings(context, admin__username=EDITOR[0],
                                       admin__password="a new password")).test_client()
    for other in (same, changed):
        copy_session(client, other)
    assert same.get("/review").status_code == 200  # the copy works while nothing changed
    assert changed.get("/review").status_code == 302


# --- smaller findings --------------------------------------------------------------------------


# (a generated password holding "/", "?" or "#" was shown whole: the security review)
# (and a user name holding "@", as Azure's "admin@server" does: the review of that change)
@pytest.mark.parametrize(("user", "password"), [
    ("app", "hunter2-secret"), ("app", "Hunter2/SuperSecret"), ("app", "se?cr#et"),
    ("myadmin@myserver", "S3cretPass")])
def test_config_show_masks_the_database_password(user: str, password: str) -> None:
    env = {"NEWSALERTS_DATABASE__URL": f"postgresql+psycopg://{user}:{password}@db:5432/news"}
    result = CliRunner().invoke(main, ["config", "show"], env=env)
    assert result.exit_code == 0, result.output
    assert password not in result.output
    assert f"postgresql+psycopg://{user}:***@db:5432/news" in result.output


def test_the_database_password_is_masked_in_any_log_line() -> None:
    """The start-up line masks the URL; the log filter masks the password anywhere else
    (a driver's error naming it, as written or decoded)."""
    url = "postgresql+psycopg://app:Hunter2%2FSuper/Secret@db:5432/news"
    settings = load_settings(environ={"NEWSALERTS_DATABASE__URL": url})
    assert mask_url(url) == "postgresql+psycopg://app:***@db:5432/news"
    record = logging.LogRecord("service", logging.ERROR, __file__, 1, "connect %s: %s",
                               (url, "password 'Hunter2/Super/Secret' refused"), None)
    RedactSecrets(secret_values(settings)).filter(record)
    assert "Hunter2" not in record.getMessage()


# (an encoded word as the local part was taken, and its confirmation never rendered: an
# ERROR line per try, for anyone to cause; the web review)
@pytest.mark.parametrize("address", ["someone@exa_mple.com", "a,b@example.com",
                                     "x@example..com", "x@-example.com",
                                     "=?utf-8?q?evil=0d=0a?=@example.com",
                                     "=?utf-8?b?ZXZpbA==?=@example.com"])
def test_the_form_refuses_what_the_store_refuses_with_400(
        context: Context, client: FlaskClient, address: str) -> None:
    response = post_form(client, "/subscribe", subscribe_form(address, safety="weekly"))
    assert response.status_code == 400
    assert "does not look like an email address" in response.get_data(as_text=True)
    with context.sessions() as session:
        assert session.scalar(select(func.count(Subscriber.id))) == 0


def test_feedback_after_unsubscribing_is_refused(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    urls = links(context, reader, add_story(context))
    assert client.post(urls["unsubscribe"]).status_code == 200
    response = post_form(client, urls["feedback"], {"themes": "robotics"})
    assert response.status_code == 409
    assert "no longer receives our emails" in response.get_data(as_text=True)
    assert label_rows(context) == []


def test_metrics_are_not_public_on_the_web_port(context: Context) -> None:
    assert create_app(context).test_client().get("/metrics").status_code == 404
    guarded = create_app(with_settings(context, metrics__token="scrape-me")).test_client()
    assert guarded.get("/metrics").status_code == 401
    wrong = guarded.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = guarded.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert right.status_code == 200
    assert "newsalerts_queue_depth" in right.get_data(as_text=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_metrics_port_serves_the_database_gauges(sqlite_context: Context) -> None:
    port = free_port()
    ctx = with_settings(sqlite_context, metrics__port=port)
    server = serve_process_metrics(ctx.settings, ctx)
    assert server is not None
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            assert "newsalerts_queue_depth" in answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()


def test_a_metrics_port_already_taken_is_one_clear_error(sqlite_context: Context) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ctx = with_settings(sqlite_context, metrics__port=taken.getsockname()[1])
        with pytest.raises(ConfigError, match=r"\[metrics\] port"):
            serve_process_metrics(ctx.settings, ctx)


def test_a_huge_one_click_unsubscribe_body_is_refused(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    path = links(context, reader)["unsubscribe"]
    body = "List-Unsubscribe=One-Click&pad=" + "x" * 200_000
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert subscriber_state(context, reader.email)["status"] == "active"


@pytest.fixture
def limited_server(sqlite_context: Context) -> Iterator[tuple[Context, str, int]]:
    ctx = with_settings(sqlite_context, web__connection_limit=5, web__channel_timeout=2)
    server = serve_in_thread(ctx, "127.0.0.1:0")
    try:
        yield ctx, server.host, server.port
    finally:
        server.stop()


def test_the_server_refuses_a_body_over_its_limit_before_reading_it(
        limited_server: tuple[Context, str, int]) -> None:
    ctx, host, port = limited_server
    reader = add_reader(ctx)
    head = (f"POST {links(ctx, reader)['unsubscribe']} HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000000\r\n\r\n").encode()
    with socket.create_connection((host, port), timeout=10) as sock:
        # The head and a first slice of the body: the answer comes before the rest is sent.
        sock.sendall(head + b"x" * 4096)
        with sock.makefile("rb") as reply:  # closed, or it keeps the socket open
            answer = reply.readline()
    assert answer.split()[1] == b"413", answer
    assert subscriber_state(ctx, reader.email)["status"] == "active"


def test_half_open_connections_cannot_starve_the_web_app(
        limited_server: tuple[Context, str, int]) -> None:
    _ctx, host, port = limited_server
    idle = [socket.create_connection((host, port), timeout=5) for _ in range(20)]
    try:
        for sock in idle:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
        # Waitress drops them after channel_timeout, and then answers again.
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=30) as answer:
            assert answer.status == 200
    finally:
        for sock in idle:
            sock.close()


def test_hsts_is_sent_when_the_public_address_is_https(context: Context) -> None:
    https = create_app(with_settings(context, web__base_url="https://news.example.org"))
    assert https.test_client().get("/subscribe").headers["Strict-Transport-Security"] == \
        "max-age=31536000"
    assert "Strict-Transport-Security" not in create_app(context).test_client().get(
        "/subscribe").headers


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "newsalerts.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        modes = {p.name: oct(os.stat(p).st_mode & 0o777) for p in path.parent.iterdir()}
    finally:
        engine.dispose()
    assert modes["newsalerts.db"] == "0o600"
    assert set(modes.values()) == {"0o600"}, modes


# --- from outside, over HTTP -------------------------------------------------------------------


class Visitor:
    """A browser-like HTTP client (cookies, CSRF field) against the live server."""

    def __init__(self, base: str) -> None:
        assert base.startswith("http://127.0.0.1:")
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def get(self, path: str, method: str = "GET") -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path,  # noqa: S310 (loopback)
                                                 method=method))

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        status, page = self.get(path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, f"no form on {path} ({status})"
        data = urllib.parse.urlencode({**fields, "csrf_token": token.group(1)}).encode()
        return self._open(urllib.request.Request(self.base + path,  # noqa: S310 (loopback)
                                                 data=data, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any) -> None:
        return None


def test_from_outside_opt_in_bombing_and_password_guessing(
        live_server: WebServer, live_context: Context) -> None:
    visitor = Visitor(live_server.url)
    for _ in range(20):
        status, _page = visitor.post("/subscribe",
                                     subscribe_form("bombed@example.com", safety="weekly"))
        assert status in (200, 429)
    [email] = outbox(live_context)
    link = re.search(r"https?://\S+/confirm/\S+", text_body(email))
    assert link
    path = "/confirm/" + link.group(0).split("/confirm/", 1)[1]
    assert visitor.get(path, "HEAD")[0] == 200
    assert visitor.get(path)[0] == 200
    assert subscriber_state(live_context, "bombed@example.com")["status"] == "pending"
    assert visitor.post(path, {})[0] == 200
    assert subscriber_state(live_context, "bombed@example.com")["status"] == "active"

    guesses = [visitor.post("/review/login", {"username": EDITOR[0], "password": f"guess{n}"})[0]
               for n in range(15)]
    assert guesses[-1] == 429 and guesses.count(401) == 5


def test_ids_past_a_row_id_s_range_get_404_or_400_not_a_database_error(
        context: Context, client: FlaskClient) -> None:
    """A number no row id can be went to the database and failed there: a 500 (SQLite:
    "Python int too large to convert"; PostgreSQL: integer out of range)."""
    huge = str(2**31)  # PostgreSQL's integer ends at 2**31 - 1
    reader = add_reader(context)
    feedback = links(context, reader, add_story(context))["feedback"]
    assert client.get(f"/stories/{huge}").status_code == 404
    assert client.get(f"/stories/{'9' * 30}").status_code == 404
    assert client.get(feedback.rsplit("/", 1)[0] + f"/{'9' * 30}").status_code == 404
    assert log_in(client, EDITOR[1]).status_code == 302
    token = csrf_token(client, "/review")
    for path in (f"/review/stories/{huge}/confirm", f"/review/events/1/split/{huge}",
                 f"/review/events/{huge}/merge"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    for into in (huge, "9" * 5_000):  # (int() refuses more than 4,300 digits: a 500)
        response = client.post("/review/events/1/merge", data={"csrf_token": token, "into": into})
        assert response.status_code == 400


def test_a_huge_subject_is_shown_cut_short_on_every_page(
        context: Context, client: FlaskClient) -> None:
    """A 200 KB Subject made /stories/<id> a 202 KB page (a new operator's review)."""
    story_id = add_story(context)
    with transaction(context.sessions) as session:
        story = session.get_one(Story, story_id)
        story.issue.subject = "Weekly news " + "x" * 200_000
    reader = add_reader(context)
    for path in (f"/stories/{story_id}", "/stories", links(context, reader, story_id)["feedback"]):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Weekly news xxx" in page.get_data(as_text=True)
        assert len(page.get_data()) < 20_000, path


# --- from a reader's and an editor's review in a browser ----------------------------------------


def test_a_refused_address_keeps_the_themes_the_reader_chose(client: FlaskClient) -> None:
    response = post_form(client, "/subscribe", subscribe_form("dave@localhost", safety="instant",
                                                              compute="weekly"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "does not look like an email address" in page
    assert re.search(r'name="cadence-safety"\s+value="instant"\s*checked', page)
    assert re.search(r'name="cadence-compute"\s+value="weekly"\s*checked', page)


def test_feedback_from_a_former_reader_says_so_before_the_form_is_filled_in(
        context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    urls = links(context, reader, add_story(context))
    assert client.post(urls["unsubscribe"]).status_code == 200
    page = client.get(urls["feedback"]).get_data(as_text=True)
    assert "no longer receives our emails" in page and "/stories/" in page


def test_what_a_form_sent_is_echoed_cut_short(context: Context, client: FlaskClient) -> None:
    reader = add_reader(context)
    urls = links(context, reader, add_story(context))
    answer = post_form(client, urls["feedback"], {"themes": "x" * 60_000})
    assert answer.status_code == 400 and len(answer.get_data()) < 20_000
    search = client.get("/stories?q=" + "a" * 5_000)
    assert search.status_code == 200 and len(search.get_data()) < 20_000


def test_an_editor_s_refused_action_leads_back_to_the_queue(
        context: Context, client: FlaskClient) -> None:
    assert log_in(client, EDITOR[1]).status_code == 302
    token = csrf_token(client, "/review")
    page = client.post("/review/events/1/merge", data={"csrf_token": token, "into": "abc"})
    assert page.status_code == 400 and 'href="/review"' in page.get_data(as_text=True)


def test_a_nul_byte_in_a_query_or_form_gets_a_400_that_says_why(
        context: Context, client: FlaskClient) -> None:
    """A read-only review: PostgreSQL refuses NUL in text, so a search or a login holding one
    answered 503 "briefly unavailable" and logged an error."""
    for path in ("/stories?q=%00", "/stories?%00=1", "/subscribe?x=a%00b"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "NUL character" in response.get_data(as_text=True)
    token = csrf_token(client, "/review/login")
    response = client.post("/review/login", data={"username": "ed\x00itor", "password": "x",
                                                  "csrf_token": token})
    assert response.status_code == 400
    response = client.post("/subscribe", data={**subscribe_form("a\x00@example.com",
                                                                safety="weekly"),
                                               "csrf_token": csrf_token(client, "/subscribe")})
    assert response.status_code == 400
    assert client.get("/stories?q=model").status_code == 200
    with context.sessions() as session:
        assert session.scalars(select(Subscriber)).all() == []
