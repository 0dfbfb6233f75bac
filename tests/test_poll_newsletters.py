"""A real IMAP inbox holding one issue of each newsletter, their senders configured as
[[sources]]: one poll stores each issue with its stories, urls and sections."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select

from service.cli.main import main
from service.config import load_settings
from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.ingest.fetch import ImapInbox
from service.ingest.pipeline import Tagger, poll_once
from service.ingest.scoring import gold_issues, score
from tests.test_segment_any import NUMBERED, email

SOURCES = [
    {"name": "Last Week in AI", "senders": ["lastweekinai@substack.com"], "require_dkim": True},
    {"name": "The Batch", "senders": ["thebatch@deeplearning.ai"], "require_dkim": True},
    {"name": "ThursdAI", "senders": ["thursdai@substack.com"], "require_dkim": True},
    {"name": "Tinkerer", "senders": ["editor@newsletter.example"], "require_dkim": False},
]


def with_sources(ctx: Context) -> Context:
    settings = load_settings(environ={
        "NEWSALERTS_DATABASE__URL": str(ctx.settings.get("database", "url")),
        "NEWSALERTS_SOURCES": json.dumps(SOURCES),
    })
    return dataclasses.replace(ctx, settings=settings)


def test_one_poll_stores_an_issue_of_each_newsletter_with_its_stories(
    imap_server: Any, sqlite_context: Context, tagger: Tagger, shared_dir: Path
) -> None:
    ctx = with_sources(sqlite_context)
    picks = {}
    for gold in gold_issues(shared_dir):
        picks.setdefault(gold.source, gold)  # the first issue of each newsletter
    for gold in picks.values():
        imap_server.deliver(gold.path.read_bytes())
    imap_server.deliver(email(NUMBERED, subject="The Tinkerer's Digest 41"))

    inbox = ImapInbox.from_settings(imap_server.settings())
    summary = poll_once(ctx, inbox, tagger)
    inbox.close()

    assert summary.counts["stored"] == 4, summary.as_dict()
    with transaction(ctx.sessions) as session:
        issues = {issue.source.name: [(s.headline, s.url, s.section) for s in issue.stories]
                  for issue in session.scalars(select(tables.Issue))}
    assert set(issues) == {"Last Week in AI", "The Batch", "ThursdAI", "Tinkerer"}
    for name, gold in picks.items():
        stored = score([headline for headline, _, _ in issues[name]], gold.headlines)
        assert stored.f1 >= 0.9, (name, stored)
    lwai = issues["Last Week in AI"]
    assert all(url.startswith("https://") for _, url, _ in lwai)
    assert {"Top News", "Business", "Research"} <= {section for _, _, section in lwai}
    assert issues["Tinkerer"][0] == ("Solar kilns dry timber twice as fast as the old sheds did",
                                     "https://tinkerer.example/kilns", "")

    result = CliRunner().invoke(main, ["stories"], env={
        "NEWSALERTS_DATABASE__URL": str(ctx.settings.get("database", "url"))})
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == sum(len(stories) for stories in issues.values())
    assert {"url", "section", "headline", "themes"} <= set(rows[0])
