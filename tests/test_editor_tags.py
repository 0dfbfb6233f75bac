"""An editor's label is the story's themes for readers too: the pending alert, the
digest, the theme feeds and the story's page follow it, and a retag by a new model does
not undo it (an editor's review: labeled "no theme", the story still went out to four
readers as four themes, and stayed in the wrong feeds)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select

from service.classify import retrain
from service.classify.labels import import_labels
from service.context import Context
from service.db.database import transaction
from service.db.tables import Label, StoryTheme
from service.deliver.match import (
    create_digest_deliveries,
    create_instant_deliveries,
    digest_week_due,
)
from service.deliver.send import send_due
from service.domain import THEMES, Story, TaggedStory
from service.subscribers import registry as subscribers
from tests.db import FIXED_NOW, make_issue
from tests.test_feeds import entry_story_ids, parse
from tests.test_send import configure
from tests.test_web import add_story, csrf_token, log_in


class SafetyTagger:
    """A later model that reads every story as safety (a real tagger's interface)."""

    version = "later-model-2"

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        scores = {theme: 0.9 if theme == "safety" else 0.1 for theme in THEMES}
        return [TaggedStory(story, ("safety",), scores, self.version) for story in stories]


def _assigned(ctx: Context, story_id: int) -> set[str]:
    with transaction(ctx.sessions) as session:
        return set(session.scalars(select(StoryTheme.theme).where(
            StoryTheme.story_id == story_id, StoryTheme.current.is_(True),
            StoryTheme.assigned.is_(True))))


def test_an_editors_fix_is_the_story_s_themes_in_feeds_and_after_a_retag(
        context: Context, client: FlaskClient) -> None:
    story_id = add_story(context, {"safety": 0.9, "policy": 0.8})
    other = add_story(context, {"safety": 0.9})
    log_in(client)
    token = csrf_token(client, "/review")

    fixed = client.post(f"/review/stories/{story_id}/fix",
                        data={"csrf_token": token, "themes": ["robotics"]})

    assert fixed.status_code == 302
    assert _assigned(context, story_id) == {"robotics"}
    assert story_id not in entry_story_ids(parse(client, "/feeds/safety.atom"))
    assert story_id not in entry_story_ids(parse(client, "/feeds/policy.atom"))
    assert story_id in entry_story_ids(parse(client, "/feeds/robotics.atom"))
    assert other in entry_story_ids(parse(client, "/feeds/safety.atom"))  # (unlabeled: as was)

    with transaction(context.sessions) as session:
        summary = retrain.retag_since(session, SafetyTagger(), None, FIXED_NOW)
    assert summary.retagged == 2
    assert _assigned(context, story_id) == {"robotics"}, "the retag kept the editor's label"
    assert _assigned(context, other) == {"safety"}
    with transaction(context.sessions) as session:
        scores = {row.theme: row.score for row in session.scalars(select(StoryTheme).where(
            StoryTheme.story_id == story_id, StoryTheme.current.is_(True)))}
    assert scores["safety"] == 0.9, "the new model's scores are kept, for the review page"


def test_an_editors_no_theme_takes_the_story_out_of_the_pending_alert(
        context: Context, client: FlaskClient, smtp_sink: Any) -> None:
    """The alert was made at the poll, from the model's tags; the editor's label, saved
    before it went out, leaves the story out of it."""
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribers.add_subscriber(session, "bob@example.test", ["safety"], "instant",
                                   confirmed=True, now=FIXED_NOW)
        issue = make_issue(session, [{"safety": 0.9}, {"safety": 0.8}])
        wrong, right = issue.stories
        wrong.headline, right.headline = "A cooking robot burns toast", "Labs sign a red-team pact"
        create_instant_deliveries(session, issue.id, FIXED_NOW)
        wrong_id = wrong.id
    log_in(client)
    token = csrf_token(client, "/review")
    assert client.post(f"/review/stories/{wrong_id}/fix",
                       data={"csrf_token": token}).status_code == 302  # no theme

    send_due(ctx, worker_id="test")

    [alert] = [m for m in smtp_sink.messages if str(m["To"]) == "bob@example.test"]
    text = alert.get_body(("plain",)).get_content()
    assert "Labs sign a red-team pact" in text
    assert "A cooking robot burns toast" not in text


def test_an_imported_label_is_the_story_s_themes_as_an_editor_s_is(
        context: Context, tmp_path: Path) -> None:
    """`newsalerts labels import` stores labels that weigh as an editor's in training
    (the newest of the two counts): readers see them the same way (a review of this
    stop's change: the import trained the model while readers kept the older editor's)."""
    story_id = add_story(context, {"safety": 0.9})
    with transaction(context.sessions) as session:
        session.add(Label(story_id=story_id, themes=["safety"], role="editor", who="e",
                          created_at=FIXED_NOW))
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"story_id": story_id, "themes": ["compute"]}) + "\n")
    with transaction(context.sessions) as session:
        assert import_labels(session, path).imported == 1
    assert _assigned(context, story_id) == {"compute"}
    with transaction(context.sessions) as session:
        retrain.retag_since(session, SafetyTagger(), None, FIXED_NOW)
    assert _assigned(context, story_id) == {"compute"}, "the newest, imported, label holds"


def test_a_theme_an_editor_added_reaches_a_reader_with_a_minimum_score(
        context: Context, client: FlaskClient, smtp_sink: Any) -> None:
    """A reader's minimum score reads the model's score: an editor who gave a story a theme
    the model scored 0.05 did not reach a reader who asked for scores of 0.9 and above."""
    ctx = configure(context, smtp_sink)
    with transaction(ctx.sessions) as session:
        subscribers.add_subscriber(session, "picky@example.test", ["robotics"], "weekly",
                                   confirmed=True, now=FIXED_NOW, min_score=0.9)
        issue = make_issue(session, [{"policy": 0.9, "robotics": 0.05}])
        issue.stories[0].headline = "A warehouse fleet of robot arms goes on strike"
        story_id = issue.stories[0].id
    log_in(client)
    token = csrf_token(client, "/review")
    assert client.post(f"/review/stories/{story_id}/fix",
                       data={"csrf_token": token, "themes": ["robotics"]}).status_code == 302
    week = digest_week_due(FIXED_NOW + timedelta(days=7), ZoneInfo("UTC"))
    with transaction(ctx.sessions) as session:
        # (due now, on the test's clock: the week is the one the story's issue is in)
        assert create_digest_deliveries(session, week, ZoneInfo("UTC"), FIXED_NOW) == 1

    send_due(ctx, worker_id="test")

    [digest] = [m for m in smtp_sink.messages if str(m["To"]) == "picky@example.test"]
    assert "A warehouse fleet of robot arms goes on strike" in (
        digest.get_body(("plain",)).get_content())
