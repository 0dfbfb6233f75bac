"""Unsubscribing, then subscribing again at once, gets a confirmation email that works.

The form sends at most one confirmation every ten minutes, and its page says the email
sent then "is the one to use, and its link still works".  But a confirmation made
before an unsubscribe subscribes nobody again (web/confirmation.py), so a reader who
unsubscribed within ten minutes of their last confirmation (one click too many in the
first alert, then back to the form) got no email and a link that was refused
(a subscriber review).  Such an older confirmation no longer counts against the
interval; the day's limit still does.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from service.context import Context
from service.db.database import transaction
from service.db.tables import Delivery
from service.deliver.links import unsubscribe_url
from service.domain import DeliveryStatus
from service.subscribers import registry
from service.web import create_app
from tests.db import FIXED_NOW
from tests.test_web import (
    csrf_token,
    outbox,
    path_of,
    post_form,
    subscribe_form,
    subscriber_state,
    text_body,
)


def _confirm_link(message: object) -> str:
    found = re.search(r"https?://\S+/confirm/\S+", text_body(message))  # type: ignore[arg-type]
    assert found, "the email has no confirm link"
    return path_of(found.group(0))



def test_subscribing_again_right_after_unsubscribing_sends_a_link_that_works(
        context: Context, client: FlaskClient) -> None:
    post_form(client, "/subscribe", subscribe_form("back@example.com", safety="instant"))
    [first] = outbox(context)
    assert post_form(client, _confirm_link(first), {}).status_code == 200
    assert subscriber_state(context, "back@example.com")["status"] == "active"

    later = dataclasses.replace(context, now=lambda: FIXED_NOW + timedelta(minutes=3))
    again = create_app(later).test_client()
    with transaction(later.sessions) as session:
        reader = registry.find_subscriber(session, "back@example.com")
        assert reader is not None
        unsubscribe = unsubscribe_url("", later.signer, reader.id, reader.link_secret)
    assert again.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert subscriber_state(context, "back@example.com")["status"] == "unsubscribed"

    post_form(again, "/subscribe", subscribe_form("back@example.com", safety="weekly"))
    emails = outbox(later)
    assert len(emails) == 2, "no new confirmation email after unsubscribing"
    assert post_form(again, _confirm_link(emails[-1]), {}).status_code == 200
    state = subscriber_state(context, "back@example.com")
    assert state["status"] == "active" and state["themes"] == {"safety": "weekly"}


def test_the_ten_minutes_still_hold_while_nobody_unsubscribed(
        context: Context, client: FlaskClient) -> None:
    for _ in range(3):
        post_form(client, "/subscribe", subscribe_form("eager@example.com", safety="instant"))
    assert len(outbox(context)) == 1


def test_a_confirmation_put_back_after_the_reader_left_is_not_sent_with_a_dead_link(
        context: Context, client: FlaskClient) -> None:
    """A confirmation in a sender's hands when its reader unsubscribed is not cancelled
    (registry.unsubscribe cancels only pending rows); a transient SMTP failure puts it
    back.  After the reader came back, it went out beside the new one, with a link that
    confirmed nothing."""
    post_form(client, "/subscribe", subscribe_form("race@example.com", safety="instant"))
    with transaction(context.sessions) as session:
        reader = registry.find_subscriber(session, "race@example.com")
        assert reader is not None
        [old] = session.scalars(select(Delivery).where(Delivery.subscriber_id == reader.id))
        old.status = DeliveryStatus.SENDING  # claimed by a worker
        later = FIXED_NOW + timedelta(minutes=2)
        registry.unsubscribe(session, reader, later)
        old.status = DeliveryStatus.PENDING  # its send failed with a 451: due again

    back = dataclasses.replace(context, now=lambda: FIXED_NOW + timedelta(minutes=4))
    post_form(create_app(back).test_client(), "/subscribe",
              subscribe_form("race@example.com", safety="weekly"))
    emails = outbox(back)
    assert len(emails) == 1, "the confirmation from before the unsubscribe went out too"
    assert post_form(client, _confirm_link(emails[0]), {}).status_code == 200
    assert subscriber_state(context, "race@example.com")["themes"] == {"safety": "weekly"}


def test_unsubscribing_again_while_coming_back_withdraws_the_request(
        context: Context, client: FlaskClient) -> None:
    """The scale review: unsubscribed, back through the form, then unsubscribed again from
    an older email: the second click did nothing, and the confirmation link then
    subscribed the reader anyway."""
    post_form(client, "/subscribe", subscribe_form("twice@example.com", safety="instant"))
    [first] = outbox(context)
    assert post_form(client, _confirm_link(first), {}).status_code == 200
    with transaction(context.sessions) as session:
        reader = registry.find_subscriber(session, "twice@example.com")
        assert reader is not None
        unsubscribe = unsubscribe_url("", context.signer, reader.id, reader.link_secret)

    later = dataclasses.replace(context, now=lambda: FIXED_NOW + timedelta(minutes=30))
    again = create_app(later).test_client()
    assert again.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    post_form(again, "/subscribe", subscribe_form("twice@example.com", safety="weekly"))
    [_, comeback] = outbox(later)

    latest = dataclasses.replace(context, now=lambda: FIXED_NOW + timedelta(minutes=40))
    last = create_app(latest).test_client()
    # a reader clicking the old link in a browser is offered the button, not told they get
    # nothing (the review: the page had no form, so only a mail client's POST withdrew it)
    page = last.get(unsubscribe).get_data(as_text=True)
    assert "<form" in page[page.find("<main"):] and "receives no emails from us" not in page
    assert last.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    path = _confirm_link(comeback)
    assert last.get(path).status_code == 409
    token = csrf_token(last, "/subscribe")  # the page has no form: the POST is hand-made
    assert last.post(path, data={"csrf_token": token}).status_code == 409
    assert subscriber_state(context, "twice@example.com")["status"] == "unsubscribed"
