"""The review page's event corrections: editors split a story out and merge events."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from service.context import Context
from service.db.database import transaction
from service.db.tables import EventDecision
from service.events.editors import members, split_story
from service.events.store import events_of
from tests.db import FIXED_NOW
from tests.events_data import QWQ_A, QWQ_B, SESAME, WAYMO, store_issue
from tests.test_web import csrf_token, log_in


def test_an_editor_splits_a_story_out_of_its_event_on_the_review_page(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A])
        second = store_issue(session, "The Batch", [QWQ_B])
        ours, theirs = first.stories[0].id, second.stories[0].id
        event = events_of(session, [ours])[ours][0]
    log_in(client)
    page = client.get("/review").get_data(as_text=True)
    assert f"Event #{event}: the same news as" in page and f"({'The Batch'})" in page
    token = csrf_token(client, "/review")
    split = client.post(f"/review/events/{event}/split/{theirs}", data={"csrf_token": token})
    assert split.status_code == 302 and split.headers["Location"] == f"/review#story-{theirs}"
    with transaction(context.sessions) as session:
        after = events_of(session, [ours, theirs])
        decisions = session.execute(select(EventDecision.story_id, EventDecision.other_story_id,
                                           EventDecision.same, EventDecision.who)).all()
    assert after[ours] == [event] and after[theirs] != [event]
    assert [tuple(row) for row in decisions] == [(theirs, ours, False, "editor")]
    again = client.post(f"/review/events/{event}/split/{theirs}", data={"csrf_token": token})
    assert again.status_code == 400  # not in that event any more


def test_an_editor_merges_two_events_and_a_bad_number_is_refused(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [SESAME])
        second = store_issue(session, "The Batch", [WAYMO])
        ours, theirs = first.stories[0].id, second.stories[0].id
        found = events_of(session, [ours, theirs])
    log_in(client)
    token = csrf_token(client, "/review")
    bad = client.post(f"/review/events/{found[theirs][0]}/merge",
                      data={"csrf_token": token, "into": "soon"})
    assert bad.status_code == 400
    merged = client.post(f"/review/events/{found[theirs][0]}/merge",
                         data={"csrf_token": token, "into": f"#{found[ours][0]}"})
    assert merged.status_code == 302
    with transaction(context.sessions) as session:
        assert events_of(session, [ours, theirs]) == {ours: found[ours], theirs: found[ours]}
    forged = client.post(f"/review/events/{found[ours][0]}/merge", data={"into": "1"})
    assert forged.status_code in (400, 403)  # no CSRF token


def test_the_archive_and_feeds_show_one_entry_per_event(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A, SESAME])
        second = store_issue(session, "The Batch", [QWQ_B, WAYMO],
                             themes={"compute": 0.9, "policy": 0.9})
        qwq, sesame = (story.id for story in first.stories)
        qwq_again, waymo = (story.id for story in second.stories)
    listed = [int(i) for i in re.findall(r'id="story-(\d+)"',
                                          client.get("/stories").get_data(as_text=True))]
    assert sorted(listed) == sorted([qwq, sesame, waymo])  # the QwQ news once
    feed = client.get("/feeds/compute.atom").get_data(as_text=True)
    assert feed.count(QWQ_A[0]) == 1 and QWQ_B[0] not in feed
    # On policy only the later story has the theme: there it stands for the news.
    assert QWQ_B[0] in client.get("/feeds/policy.atom").get_data(as_text=True)
    page = client.get(f"/stories/{qwq}").get_data(as_text=True)
    assert f'Also in: <a href="/stories/{qwq_again}"' in page and ">The Batch</a>" in page
    assert "Also in" not in client.get(f"/stories/{sesame}").get_data(as_text=True)


def test_an_editors_split_changes_the_feed_a_reader_has_cached(
        context: Context, client: FlaskClient) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A])
        store_issue(session, "The Batch", [QWQ_B])
        qwq = first.stories[0].id
    cached = client.get("/feeds/compute.atom")
    assert QWQ_B[0] not in cached.get_data(as_text=True)  # folded under the first story
    with transaction(context.sessions) as session:
        [event] = events_of(session, [qwq])[qwq]
        qwq_again = next(s for s in members(session, event) if s != qwq)
        split_story(session, qwq_again, event, "editor", FIXED_NOW)

    again = client.get("/feeds/compute.atom", headers={"If-None-Match": cached.headers["ETag"]})
    assert again.status_code == 200, "a split changes which stories the feed lists"
    assert QWQ_B[0] in again.get_data(as_text=True)
