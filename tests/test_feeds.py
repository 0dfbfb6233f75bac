"""Atom feeds: valid Atom 1.0 holding exactly the stored stories, and cheap 304 answers.

Through Flask's in-process client on SQLite and PostgreSQL; feedparser reads
the feeds as a feed reader would.  The last test polls three Import AI issues
from Dovecot and checks every theme's feed against the stories stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import feedparser
from flask.testing import FlaskClient
from sqlalchemy import select

from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.db.types import as_utc
from service.domain import THEMES
from service.ingest.fetch import ImapInbox
from service.ingest.pipeline import Tagger, poll_once
from service.web import atom, create_app
from service.web.archive_query import ArchiveStory, TagView
from service.web.views.feeds import RenderedFeeds
from tests.browser import EDITOR, with_settings
from tests.db import FIXED_NOW, get_source, make_issue, retag

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_HEADLINE = '<script>alert("feed")</script> Chips & <b>bold</b> claims'
HOSTILE_TEXT = ("Read <a href=\"javascript:alert(1)\">this</a>\x0b\x07 and <img src=x "
                "onerror=alert(2)>\nSecond paragraph ]]> end")


def add_issue(ctx: Context, scores: list[dict[str, float]], *, hours: int = 0,
              source: str = "Import AI") -> list[int]:
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, scores, received_at=FIXED_NOW + timedelta(hours=hours),
                           subject=f"{source} {hours}: an issue")
        issue.source = get_source(session, source)
        for story in issue.stories:
            story.themes[THEMES.index("policy")].explanation = ["licence", "agency"]
        session.flush()
        return [story.id for story in issue.stories]


def parse(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def entry_story_ids(feed: Any) -> list[int]:
    return [int(entry.id.rsplit("/", 1)[1]) for entry in feed.entries]


def test_each_feed_holds_its_themes_stories_newest_first(
        context: Context, client: FlaskClient) -> None:
    older = add_issue(context, [{"policy": 0.9}, {"robotics": 0.8, "compute": 0.7}, {}])
    newer = add_issue(context, [{"safety": 0.9, "policy": 0.6}, {"robotics": 0.9}],
                      hours=3, source="Test Letter")

    expected = {"safety": [newer[0]], "policy": [newer[0], older[0]],
                "compute": [older[1]], "robotics": [newer[1], older[1]],
                "all": newer + older}
    for name, ids in expected.items():
        assert entry_story_ids(parse(client, f"/feeds/{name}.atom")) == ids, name


def test_an_entry_carries_headline_text_link_date_source_and_themes(
        context: Context, client: FlaskClient) -> None:
    [story_id] = add_issue(context, [{"policy": 0.9, "safety": 0.7}], hours=2)
    with transaction(context.sessions) as session:
        story = session.get_one(tables.Story, story_id)
        story.headline, story.text = "Lawmakers weigh a licence", "A draft bill.\nA hearing."

    feed = parse(client, "/feeds/policy.atom")

    [entry] = feed.entries
    assert entry.title == "Lawmakers weigh a licence"
    assert entry.link == f"http://127.0.0.1:8080/stories/{story_id}"  # [web] base_url
    assert entry.updated == (FIXED_NOW + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert entry.author == "Import AI"
    assert [tag.term for tag in entry.tags] == ["safety", "policy"]
    html = entry.content[0].value
    assert "<p>A draft bill.</p>" in html and "<p>A hearing.</p>" in html
    assert "policy (licence, agency)" in html
    assert entry.id == f"tag:127.0.0.1,{atom.TAG_DATE}:stories/{story_id}"
    assert feed.feed.title == "newsalerts: policy stories"
    assert client.get(f"/stories/{story_id}").status_code == 200  # the link works


def test_a_feed_keeps_the_latest_fifty(context: Context, client: FlaskClient) -> None:
    ids = [story for hour in range(3) for story in add_issue(context, [{"compute": 0.9}] * 20,
                                                             hours=hour)]
    newest_first = ids[40:] + ids[20:40] + ids[:20]

    assert entry_story_ids(parse(client, "/feeds/compute.atom")) == newest_first[:50]


def test_a_hostile_story_stays_escaped_text_in_the_feed(
        context: Context, client: FlaskClient) -> None:
    [story_id] = add_issue(context, [{"safety": 0.9}])
    with transaction(context.sessions) as session:
        story = session.get_one(tables.Story, story_id)
        story.headline, story.text = HOSTILE_HEADLINE, HOSTILE_TEXT
        story.links = [{"text": "x", "url": "javascript:alert(1)"}]

    raw = client.get("/feeds/safety.atom").data
    root = ET.fromstring(raw)  # noqa: S314 (our own output) well-formed: VT and BEL dropped

    assert b"<script" not in raw and b"<img" not in raw
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == HOSTILE_HEADLINE  # text, shown as typed
    content = entry.findtext(f"{ATOM}content") or ""
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;" in content  # HTML-escaped once
    assert "<" not in content.replace("<p>", "").replace("</p>", "").replace(
        "<em>", "").replace("</em>", "")
    assert [link.get("href") for link in entry.iter(f"{ATOM}link")] == [
        f"http://127.0.0.1:8080/stories/{story_id}"]


def test_a_feed_answers_304_until_a_story_arrives(context: Context, client: FlaskClient) -> None:
    add_issue(context, [{"robotics": 0.9}])
    first = client.get("/feeds/robotics.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    again = client.get("/feeds/robotics.atom", headers={"If-None-Match": etag})
    since = client.get("/feeds/robotics.atom", headers={"If-Modified-Since": modified})
    assert (again.status_code, again.data, since.status_code) == (304, b"", 304)
    assert again.headers["ETag"] == etag

    add_issue(context, [{"robotics": 0.9}], hours=1)
    changed = client.get("/feeds/robotics.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert len(feedparser.parse(changed.data).entries) == 2


def test_a_retag_changes_the_etag(context: Context, client: FlaskClient) -> None:
    [story_id] = add_issue(context, [{"robotics": 0.9}])
    etag = client.get("/feeds/robotics.atom").headers["ETag"]
    with transaction(context.sessions) as session:
        retag(session, session.get_one(tables.Story, story_id), {"compute": 0.9})

    after = client.get("/feeds/robotics.atom", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert feedparser.parse(after.data).entries == []


def test_a_rollback_that_makes_an_older_tagging_current_again_changes_the_etag(
        context: Context, client: FlaskClient) -> None:
    # `models rollback`, then `retag`: the older version's rows become current again, no
    # row is added, and the feed kept its ETag, answering 304 with the story gone (a review).
    [story_id] = add_issue(context, [{"robotics": 0.9}])
    with transaction(context.sessions) as session:
        retag(session, session.get_one(tables.Story, story_id), {"compute": 0.9})
    etag = client.get("/feeds/robotics.atom").headers["ETag"]
    with transaction(context.sessions) as session:  # as retrain._make_current does
        rows = session.get_one(tables.Story, story_id).themes
        later = max(as_utc(row.tagged_at) for row in rows) + timedelta(hours=1)
        for row in rows:
            row.current = row.model_version == "test-v1"
            if row.current:
                row.tagged_at = later

    after = client.get("/feeds/robotics.atom", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert entry_story_ids(feedparser.parse(after.data)) == [story_id]


def test_an_unknown_theme_has_no_feed(client: FlaskClient) -> None:
    assert client.get("/feeds/weather.atom").status_code == 404


def test_a_private_archive_keeps_its_feeds_for_the_editor(context: Context) -> None:
    add_issue(context, [{"policy": 0.9}])
    private = with_settings(context, web__public_archive=False, admin__username=EDITOR[0],
                            admin__password=EDITOR[1])
    app = create_app(private)
    app.testing = True
    client = app.test_client()

    refused = client.get("/feeds/policy.atom")
    assert refused.status_code == 403 and b"<entry" not in refused.data
    assert client.get("/stories").status_code == 302
    login = client.get("/review/login")
    token = login.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/review/login", data={"username": EDITOR[0], "password": EDITOR[1],
                                       "csrf_token": token})
    allowed = client.get("/feeds/policy.atom")
    assert allowed.status_code == 200 and allowed.headers["Cache-Control"].startswith("private")
    assert client.get("/stories").status_code == 200


def test_rendered_feeds_keep_the_newest_bodies_by_etag() -> None:
    rendered = RenderedFeeds(size=2)
    rendered.put("a", b"A")
    rendered.put("b", b"B")
    assert rendered.get("a") == b"A"  # now the most recent
    rendered.put("c", b"C")

    assert (rendered.get("a"), rendered.get("b"), rendered.get("c")) == (b"A", None, b"C")


def test_an_entry_links_the_story_own_url_when_it_has_a_safe_one() -> None:
    story = ArchiveStory(7, "h", "t", "https://example.org/a", (), (TagView("policy", ()),), 1,
                         "Issue", "Letter", datetime(2024, 5, 1, tzinfo=UTC),
                         datetime(2024, 5, 1, tzinfo=UTC))
    unsafe = ArchiveStory(8, "h", "t", "javascript:alert(1)", (), (), 1, "Issue", "Letter",
                          datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC))

    assert atom.story_link("https://alerts.example", story) == "https://example.org/a"
    assert atom.story_link("https://alerts.example", unsafe) == "https://alerts.example/stories/8"


def test_after_a_poll_each_theme_feed_holds_exactly_its_stored_stories(
        dovecot: Any, tagger: Tagger, importai_emls: list[Path], sqlite_context: Context) -> None:
    later = [eml for eml in importai_emls if eml.stem in
             ("import-ai-371", "import-ai-372", "import-ai-373")]
    assert len(later) == 3
    for eml in later:
        dovecot.deliver(eml.read_bytes())
    inbox = ImapInbox.from_settings(dovecot.settings())
    assert poll_once(sqlite_context, inbox, tagger).counts["stored"] == 3
    inbox.close()
    client = create_app(sqlite_context).test_client()

    with transaction(sqlite_context.sessions) as session:
        rows = session.execute(
            select(tables.StoryTheme.theme, tables.Story.id, tables.Story.headline)
            .join(tables.Story).where(tables.StoryTheme.current, tables.StoryTheme.assigned)).all()
    assert {theme for theme, _, _ in rows} == set(THEMES)
    for theme in THEMES:
        stored = {(story_id, headline) for t, story_id, headline in rows if t == theme}
        feed = parse(client, f"/feeds/{theme}.atom")
        assert {(i, e.title) for i, e in zip(entry_story_ids(feed), feed.entries,
                                             strict=True)} == stored, theme
        assert all(entry.link and entry.updated_parsed for entry in feed.entries)
