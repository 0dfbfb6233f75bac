"""Issue to inbox, end to end: real IMAP, the real model, a real SMTP server.

Three subscribers with different themes and cadences; two Import AI issues
polled from Dovecot; every subscriber must receive exactly the stories on their
themes, once; a second run sends nothing; an unsubscribed reader gets nothing
more.  The expected stories come from what the classifier stored, so the test
checks the delivery path, not the model.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import escape
from sqlalchemy import select

from service.config import load_settings
from service.context import Context
from service.db import tables
from service.db.database import make_engine, session_factory, transaction, upgrade
from service.deliver.match import create_digest_deliveries, iso_week
from service.deliver.send import send_due
from service.domain import THEMES
from service.ingest.fetch import ImapInbox
from service.ingest.pipeline import Tagger, poll_once
from service.subscribers.registry import add_subscriber, find_subscriber, unsubscribe
from service.web.app import create_app

UTC_ZONE = ZoneInfo("UTC")
READERS = {  # email -> (themes, cadence)
    "alice@example.test": (["safety"], "instant"),
    "bob@example.test": (["policy", "compute"], "weekly"),
    "carol@example.test": (["robotics", "compute"], "instant"),
}


def _context(tmp_path: Path, smtp_sink: Any, clock: list[datetime]) -> Context:
    url = f"sqlite:///{tmp_path}/e2e.db"
    settings = load_settings(environ={
        "NEWSALERTS_DATABASE__URL": url, "NEWSALERTS_WEB__SECRET_KEY": "e2e-secret-key-0123456789",
        "NEWSALERTS_WEB__BASE_URL": "https://alerts.example.test", **smtp_sink.env()})
    engine = make_engine(url)
    upgrade(engine)
    return Context(settings, engine, session_factory(engine), tmp_path / "var",
                   now=lambda: clock[0])


def _stories_by_theme(ctx: Context) -> dict[str, set[tuple[int, str]]]:
    """theme -> {(issue id, headline)} as the classifier tagged them."""
    with transaction(ctx.sessions) as session:
        rows = session.execute(
            select(tables.StoryTheme.theme, tables.Story.issue_id, tables.Story.headline)
            .join(tables.Story).where(tables.StoryTheme.current, tables.StoryTheme.assigned)
        ).all()
    found: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for theme, issue_id, headline in rows:
        found[theme].add((issue_id, headline))
    return found


def _received(smtp_sink: Any) -> dict[str, list[str]]:
    """recipient -> the text part of each email it was sent."""
    mail: dict[str, list[str]] = defaultdict(list)
    for message in smtp_sink.messages:
        mail[str(message["To"]).lower()].append(message.get_body(("plain",)).get_content())
    return mail


def _headlines_in(texts: list[str], all_headlines: set[str]) -> list[str]:
    return [h for text in texts for h in all_headlines if h in text]


def _subscribe_and_deliver(ctx: Context, readers: dict[str, tuple[list[str], str]],
                           dovecot: Any, importai_emls: list[Path]) -> None:
    """``readers`` subscribed and confirmed; Import AI 372 and 373 in the IMAP inbox."""
    with transaction(ctx.sessions) as session:
        for email, (themes, cadence) in readers.items():
            add_subscriber(session, email, themes, cadence, confirmed=True, now=ctx.now())
    for eml in importai_emls:
        if eml.stem in ("import-ai-372", "import-ai-373"):
            dovecot.deliver(eml.read_bytes())


def test_each_reader_gets_exactly_their_stories_once(
    dovecot: Any, smtp_sink: Any, tagger: Tagger, importai_emls: list[Path], tmp_path: Path
) -> None:
    clock = [datetime(2024, 5, 20, 14, 0, tzinfo=UTC)]
    ctx = _context(tmp_path, smtp_sink, clock)
    _subscribe_and_deliver(ctx, READERS, dovecot, importai_emls)

    inbox = ImapInbox.from_settings(dovecot.settings())
    assert poll_once(ctx, inbox, tagger).counts["stored"] == 2
    by_theme = _stories_by_theme(ctx)
    everything = {headline for pairs in by_theme.values() for _, headline in pairs}
    first = send_due(ctx, worker_id="e2e")
    with transaction(ctx.sessions) as session:
        weeks = {iso_week(i.sent_at, UTC_ZONE) for i in session.scalars(select(tables.Issue))}
        for week in weeks:
            create_digest_deliveries(session, week, UTC_ZONE, clock[0])
    digests = send_due(ctx, worker_id="e2e")
    mail = _received(smtp_sink)

    for email, (themes, _cadence) in READERS.items():
        wanted = set().union(*(by_theme[t] for t in themes))
        assert wanted, f"the model tagged nothing for {email}'s themes: pick other issues"
        got = _headlines_in(mail[email], everything)
        assert sorted(got) == sorted(h for _, h in wanted), f"{email} got the wrong stories"
        assert len(got) == len(set(got)), f"{email} got a story twice"
        # one alert per matching issue, or one digest per matching week: a week an issue here
        assert len(mail[email]) == len({issue for issue, _ in wanted})
    assert first.sent >= 1 and digests.sent >= 1

    # Running everything again sends nothing.
    before = len(smtp_sink.messages)
    assert sum(poll_once(ctx, inbox, tagger).counts.values()) == 0
    with transaction(ctx.sessions) as session:
        for week in weeks:
            assert create_digest_deliveries(session, week, UTC_ZONE, clock[0]) == 0
    assert send_due(ctx, worker_id="e2e").sent == 0
    assert len(smtp_sink.messages) == before

    # An unsubscribed reader receives nothing more.
    with transaction(ctx.sessions) as session:
        carol = find_subscriber(session, "carol@example.test")
        assert carol is not None
        unsubscribe(session, carol, clock[0])
    dovecot.deliver(next(p for p in importai_emls if p.stem == "import-ai-371").read_bytes())
    poll_once(ctx, inbox, tagger)
    send_due(ctx, worker_id="e2e")
    inbox.close()
    assert len(_received(smtp_sink)["carol@example.test"]) == len(mail["carol@example.test"])
    ctx.close()


def _web_links_open(client: Any, messages: list[Any]) -> None:
    """Each story's "Read on the web" and the footer's feed links answer in the web app."""
    html = messages[0].get_body(("html",)).get_content()
    stories = re.findall(r'href="https://alerts\.example\.test(/stories/\d+)"', html)
    feeds = re.findall(r'href="https://alerts\.example\.test(/feeds/[a-z]+\.atom)"', html)
    assert stories and sorted(feeds) == sorted(f"/feeds/{theme}.atom" for theme in THEMES)
    for path in stories + feeds:
        assert client.get(path).status_code == 200, path


def test_the_links_of_a_sent_digest_work_in_the_web_app(
    dovecot: Any, smtp_sink: Any, tagger: Tagger, importai_emls: list[Path], tmp_path: Path
) -> None:
    """Every "wrong themes?" link of a digest opens its story; the one-click unsubscribe works."""
    clock = [datetime(2024, 5, 20, 14, 0, tzinfo=UTC)]
    ctx = _context(tmp_path, smtp_sink, clock)
    _subscribe_and_deliver(ctx, {"dora@example.test": (list(THEMES), "weekly")}, dovecot,
                           importai_emls)
    inbox = ImapInbox.from_settings(dovecot.settings())
    poll_once(ctx, inbox, tagger)
    inbox.close()
    with transaction(ctx.sessions) as session:
        for issue in session.scalars(select(tables.Issue)):
            create_digest_deliveries(session, iso_week(issue.sent_at, UTC_ZONE), UTC_ZONE,
                                     clock[0])
    assert send_due(ctx, worker_id="e2e").sent >= 1
    client = create_app(ctx).test_client()

    opened = 0
    for message in smtp_sink.messages:
        html = message.get_body(("html",)).get_content()
        for path, story_id in re.findall(r'href="https://alerts\.example\.test(/feedback/[^/"]+/(\d+))"',
                                         html):
            with ctx.sessions() as session:
                headline = session.get_one(tables.Story, int(story_id)).headline
            page = client.get(path)
            assert page.status_code == 200, path
            assert escape(headline) in page.get_data(as_text=True)
            opened += 1
    assert opened >= 2, "the digests link their stories' feedback pages"
    _web_links_open(client, smtp_sink.messages)

    unsubscribe_link = str(smtp_sink.messages[-1]["List-Unsubscribe"]).strip("<>")
    response = client.post(unsubscribe_link.removeprefix("https://alerts.example.test"),
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with ctx.sessions() as session:
        dora = find_subscriber(session, "dora@example.test")
        assert dora is not None and dora.status == "unsubscribed"
    ctx.close()
