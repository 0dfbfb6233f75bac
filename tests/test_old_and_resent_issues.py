"""Issues that are not news to readers, from a user's review: a mailbox's archive (36 old
issues mailed one reader 33 alerts at once: `[delivery] max_issue_age_days` leaves old
issues out of alerts, and with no limit an alert made of an old issue is said in a
warning), and an issue sent again under a new Message-ID (a copy, not a second issue)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.domain import RawMessage
from service.ingest.pipeline import PollSummary, Tagger, handle_message
from tests.db import add_instant_reader, with_values
from tests.mail import issue_email


def _alerts_for(ctx: Context, tagger: Tagger, date: str, number: int) -> int:
    summary = PollSummary()
    handle_message(ctx, RawMessage(issue_email(number, date=date), f"inbox/{number}.eml"),
                   tagger, summary)
    return summary.deliveries


def test_an_issue_older_than_the_limit_gets_no_alerts_and_is_still_stored(
        sqlite_context: Context, tagger: Tagger, caplog: pytest.LogCaptureFixture) -> None:
    add_instant_reader(sqlite_context)
    limited = with_values(sqlite_context, delivery__max_issue_age_days=14)
    now = sqlite_context.now()
    old, recent = (f"{now - timedelta(days=days):%a, %d %b %Y %H:%M:%S %z}" for days in (400, 3))
    with caplog.at_level(logging.INFO, logger="service.ingest.pipeline"):
        assert _alerts_for(limited, tagger, old, 1) == 0
        assert _alerts_for(limited, tagger, recent, 2) == 1
        assert "max_issue_age_days 14" in caplog.text
        caplog.clear()
        # no limit (the default): the old issue is alerted, and the log says so
        assert _alerts_for(sqlite_context, tagger, old, 3) == 1
    assert "dated 400 days ago: [delivery] max_issue_age_days" in caplog.text
    with transaction(sqlite_context.sessions) as session:
        assert session.scalar(select(func.count()).select_from(tables.Issue)) == 3


def test_an_issue_sent_again_under_a_new_message_id_is_a_copy_not_a_second_issue(
        sqlite_context: Context, tagger: Tagger) -> None:
    """A user's review: readers were spared a resend (their events), but editors saw every
    story twice in the review queue, each "the same news as" its own copy."""
    first = issue_email(21, message_id="<first@example.test>")
    again = issue_email(21, message_id="<again@example.test>")
    corrected = issue_email(21, message_id="<corrected@example.test>", stories=[
        ("A corrected headline", "The text says something else now.")])
    outcomes = []
    for number, data in enumerate((first, again, corrected)):
        summary = PollSummary()
        outcomes.append(handle_message(sqlite_context, RawMessage(data, f"inbox/{number}.eml"),
                                       tagger, summary))
    assert outcomes == ["processed", "processed", "processed"]
    with transaction(sqlite_context.sessions) as session:
        keys = session.scalars(select(tables.Issue.message_id).order_by(tables.Issue.id)).all()
    assert keys == ["<first@example.test>", "<corrected@example.test>"]


def test_the_age_limit_counts_hours_and_refuses_a_negative_number(
        sqlite_context: Context, tagger: Tagger) -> None:
    """The review of this setting: a limit of 1 day let an issue 47 hours old through
    (whole days compared), and -1 silently turned every alert off."""
    from service.config import load_settings
    from service.errors import ConfigError

    add_instant_reader(sqlite_context)
    limited = with_values(sqlite_context, delivery__max_issue_age_days=1)
    two_days = f"{sqlite_context.now() - timedelta(hours=47):%a, %d %b %Y %H:%M:%S %z}"
    assert _alerts_for(limited, tagger, two_days, 31) == 0
    with pytest.raises(ConfigError, match="MAX_ISSUE_AGE_DAYS must be 0 or more"):
        load_settings(environ={"NEWSALERTS_DELIVERY__MAX_ISSUE_AGE_DAYS": "-1"})
