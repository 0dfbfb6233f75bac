"""A weekly digest holds at most DIGEST_PER_ISSUE stories of an issue and DIGEST_STORIES in
all, and says how many did not fit: a week of ten 495-story issues made an 11 MB digest,
which a relay's 10 MB limit refused for every weekly reader (the outgoing-mail probe)."""

from __future__ import annotations

from typing import Any

from service.context import Context
from service.db.database import transaction
from service.deliver import compose
from service.deliver.send import send_due
from tests.db import make_issue
from tests.test_cadence_switch import NEXT_MONDAY, TUESDAY, _build_round, _with_reader


def _big_issue(ctx: Context, stories: int, name: str) -> None:
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, [{"policy": 0.9}] * stories, sent_at=TUESDAY,
                           received_at=TUESDAY)
        for number, story in enumerate(issue.stories):
            story.headline = f"{name} story {number:03d}"
            story.text = f"{story.headline}. What happened, at some length."


def test_a_digest_keeps_to_its_size_and_says_what_did_not_fit(
        context: Context, smtp_sink: Any) -> None:
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "bob@example.test", "weekly")
    _big_issue(ctx, compose.DIGEST_PER_ISSUE + 10, "Flood")
    _big_issue(ctx, 3, "Real")
    _build_round(ctx, clock, NEXT_MONDAY, "2024-W20")
    send_due(ctx, worker_id="test")

    [digest] = [m for m in smtp_sink.messages if str(m["To"]) == "bob@example.test"]
    text = digest.get_body(("plain",)).get_content()
    assert sum(f"Flood story {n:03d}" in text for n in range(compose.DIGEST_PER_ISSUE + 10)) \
        == compose.DIGEST_PER_ISSUE
    assert all(f"Real story {n:03d}" in text for n in range(3)), "the week's real news is in"
    assert "10 more stories on your themes this week did not fit in this email" in text


def test_many_long_issues_leave_room_for_a_later_one(context: Context, smtp_sink: Any,
                                                     monkeypatch: Any) -> None:
    """The review: eight long issues filled every place before a later issue's news."""
    monkeypatch.setattr(compose, "DIGEST_STORIES", 20)
    clock = [TUESDAY]
    ctx = _with_reader(context, smtp_sink, clock, "bob@example.test", "weekly")
    for number in range(8):
        _big_issue(ctx, 5, f"Flood{number}")
    _big_issue(ctx, 3, "Real")
    _build_round(ctx, clock, NEXT_MONDAY, "2024-W20")
    send_due(ctx, worker_id="test")

    [digest] = [m for m in smtp_sink.messages if str(m["To"]) == "bob@example.test"]
    text = digest.get_body(("plain",)).get_content()
    assert all(f"Real story {n:03d}" in text for n in range(2)), "a later issue's news is in"
    assert "23 more stories on your themes this week did not fit in this email" in text
