"""Invariant 7: bad input never stops the service and loses nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.ingest.fetch import DirectoryInbox
from service.ingest.pipeline import Tagger, poll_once
from tests.mail import broken_corpus, issue_email


def _drop(inbox_dir: Path, files: dict[str, bytes]) -> None:
    inbox_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (inbox_dir / name).write_bytes(data)


def test_each_broken_email_is_stored_with_a_reason_and_the_next_is_processed(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    corpus = broken_corpus()
    files: dict[str, bytes] = {}
    for i, (name, (data, _codes)) in enumerate(corpus.items()):
        files[f"{i:02d}a-{name}.eml"] = data
        files[f"{i:02d}b-good.eml"] = issue_email(100 + i)
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, files)

    summary = poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)

    assert summary.counts["stored"] == len(corpus)
    with transaction(sqlite_context.sessions) as session:
        refused = {r.origin: r for r in session.scalars(select(tables.RefusedMessage))}
        issues = session.scalars(select(tables.Issue)).all()
        assert len(issues) == len(corpus)
        assert all(issue.stories for issue in issues)
    for i, (name, (_data, codes)) in enumerate(corpus.items()):
        row = refused[str(inbox_dir / f"{i:02d}a-{name}.eml")]
        assert row.code in codes, f"{name}: {row.code} {row.reason}"
        assert len(row.reason) > 15, f"{name}: reason too thin: {row.reason!r}"
        assert row.raw, f"{name}: nothing kept of the message"
        assert (inbox_dir / "failed" / f"{i:02d}a-{name}.eml").exists()
        assert (inbox_dir / "processed" / f"{i:02d}b-good.eml").exists()
    huge = refused[str(inbox_dir / f"{list(corpus).index('huge'):02d}a-huge.eml")]
    assert huge.size > 10_000_000 and len(huge.raw) < 10_000  # headers kept, body not read


def test_a_message_without_message_id_is_deduplicated_by_content(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    data = issue_email(7, message_id=None)
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"a.eml": data})
    inbox = DirectoryInbox(inbox_dir, 10_000_000)
    first = poll_once(sqlite_context, inbox, tagger)
    shutil.copy(inbox_dir / "processed" / "a.eml", inbox_dir / "again.eml")
    second = poll_once(sqlite_context, inbox, tagger)
    assert (first.counts["stored"], second.counts["duplicate"]) == (1, 1)
    with transaction(sqlite_context.sessions) as session:
        keys = session.scalars(select(tables.Issue.dedupe_key)).all()
    assert len(keys) == 1 and keys[0].startswith("sha256:")


def test_scripts_in_html_never_reach_stored_text(
    sqlite_context: Context, tagger: Tagger, tmp_path: Path
) -> None:
    hostile = [("Export controls tighten on chips",
                "<script>alert('owned')</script>The Commerce Department acted.")]
    data = issue_email(8, stories=hostile)  # the story body goes into the HTML unescaped
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, {"a.eml": data})
    poll_once(sqlite_context, DirectoryInbox(inbox_dir, 10_000_000), tagger)
    with transaction(sqlite_context.sessions) as session:
        texts = session.scalars(select(tables.Story.text)).all()
    assert texts and all("alert(" not in text for text in texts)
