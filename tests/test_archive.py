"""The story archive through Flask's in-process client, on SQLite and PostgreSQL.

Lists newest first and paged, search (LIKE on SQLite, full-text search on
PostgreSQL), each story's page, and the feed each page links.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.web import create_app
from service.web.archive_query import MAX_SEARCH_CHARS
from service.web.views.archive import MAX_PAGE, MAX_SEARCH_PAGE, PAGE_SIZE
from tests.browser import EDITOR
from tests.db import FIXED_NOW, make_issue


def add_stories(ctx: Context, texts: list[tuple[str, str]], themes: dict[str, float],
                hours: int = 0) -> list[int]:
    """One issue whose stories have these (headline, text) and the same theme scores."""
    with transaction(ctx.sessions) as session:
        issue = make_issue(session, [themes] * len(texts), subject=f"Letter {hours}: news",
                           received_at=FIXED_NOW + timedelta(hours=hours))
        for story, (headline, text) in zip(issue.stories, texts, strict=True):
            story.headline, story.text = headline, text
        session.flush()
        return [story.id for story in issue.stories]


def listed(client: FlaskClient, path: str) -> list[int]:
    response = client.get(path)
    assert response.status_code == 200, path
    return [int(i) for i in re.findall(r'id="story-(\d+)"', response.get_data(as_text=True))]


def login(client: FlaskClient) -> None:
    page = client.get("/review/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post("/review/login", data={"username": EDITOR[0], "password": EDITOR[1],
                                       "csrf_token": token.group(1)})


def test_theme_pages_list_their_stories_newest_first(
        context: Context, client: FlaskClient) -> None:
    old_policy = add_stories(context, [("Old bill", "A bill."), ("Old law", "A law.")],
                             {"policy": 0.9})
    robots = add_stories(context, [("Robot", "A robot.")], {"robotics": 0.9}, hours=1)
    new_policy = add_stories(context, [("New bill", "Another bill.")], {"policy": 0.9}, hours=2)

    assert listed(client, "/themes/policy") == new_policy + old_policy
    assert listed(client, "/themes/robotics") == robots
    assert listed(client, "/stories") == new_policy + robots + old_policy
    assert client.get("/themes/weather").status_code == 404


def test_lists_are_paged(context: Context, client: FlaskClient) -> None:
    ids = add_stories(context, [(f"Chip {i}", "Chips.") for i in range(PAGE_SIZE + 5)],
                      {"compute": 0.9})

    first = client.get("/themes/compute").get_data(as_text=True)
    assert listed(client, "/themes/compute") == ids[:PAGE_SIZE]
    assert 'href="/themes/compute?page=2"' in first and 'rel="prev"' not in first
    assert listed(client, "/themes/compute?page=2") == ids[PAGE_SIZE:]
    second = client.get("/themes/compute?page=2").get_data(as_text=True)
    assert 'href="/themes/compute?page=1"' in second and 'rel="next"' not in second
    assert listed(client, "/themes/compute?page=9") == []
    assert listed(client, "/themes/compute?page=-3") == ids[:PAGE_SIZE]


def test_search_finds_words_in_headline_and_text(context: Context, client: FlaskClient) -> None:
    ids = add_stories(context, [
        ("Senators question a kangaroo robot", "It hops."),
        ("A robot that swims", "Built by marine biologists studying a kangaroo."),
        ("A robot that flies", "Nothing to see."),
    ], {"robotics": 0.9})

    assert listed(client, "/stories?q=kangaroo") == ids[:2]
    assert listed(client, "/themes/robotics?q=kangaroo") == ids[:2]
    assert listed(client, "/themes/policy?q=kangaroo") == []
    assert listed(client, "/stories?q=platypus") == []
    page = client.get("/stories?q=kangaroo").get_data(as_text=True)
    assert 'value="kangaroo"' in page


def test_search_keeps_the_query_on_every_page(context: Context, client: FlaskClient) -> None:
    add_stories(context, [(f"Drone {i}", "A drone flies.") for i in range(PAGE_SIZE + 1)],
                {"robotics": 0.9})

    page = client.get("/stories?q=drone").get_data(as_text=True)
    assert 'href="/stories?page=2&amp;q=drone"' in page


def test_a_search_pages_no_deeper_than_its_first_thousand_matches(
        context: Context, client: FlaskClient) -> None:
    """A deep page of a broad search cost seconds of the database for anyone's request (the
    web attacker's probe, stop 44): a search stops at MAX_SEARCH_PAGE, a listing does not."""
    add_stories(context, [(f"Drone {i}", "A drone flies.") for i in range(3)], {"robotics": 0.9})
    deep = client.get("/stories?q=drone&page=10000").get_data(as_text=True)
    assert f'href="/stories?page={MAX_SEARCH_PAGE - 1}&amp;q=drone"' in deep
    assert 'rel="next"' not in deep
    listing_page = client.get("/stories?page=10000").get_data(as_text=True)
    assert f'href="/stories?page={MAX_PAGE - 1}"' in listing_page


@pytest.mark.postgres
def test_a_search_that_only_leaves_words_out_finds_nothing_on_postgresql(
        pg_context: Context) -> None:
    """PostgreSQL's index cannot serve "-model": it read every story's text (2–14 s on
    100,000 stories).  Such a search lists nothing; one with a word to find still works."""
    client = create_app(pg_context).test_client()
    ids = add_stories(pg_context, [("A kangaroo robot", "It hops."),
                                   ("A swimming robot", "It swims.")], {"robotics": 0.9})
    assert listed(client, "/stories?q=-kangaroo") == []
    assert listed(client, "/stories?q=the -kangaroo") == []  # (a stop word finds nothing)
    assert listed(client, "/stories?q=robot -kangaroo") == ids[1:]


def test_a_long_search_is_echoed_cut_to_what_is_searched(
        context: Context, client: FlaskClient) -> None:
    page = client.get("/stories?q=" + "k" * 5000).get_data(as_text=True)
    assert "k" * MAX_SEARCH_CHARS in page and "k" * (MAX_SEARCH_CHARS + 1) not in page


def test_a_cacheable_answer_never_carries_the_editor_s_session(
        context: Context, client: FlaskClient) -> None:
    login(client)
    assert client.get("/review").status_code == 200  # signed in
    for path in ("/feeds/all.atom", "/static/style.css", "/healthz", "/stories"):
        response = client.get(path)
        response.close()  # (a static file's answer holds the file open)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    assert client.get("/review").status_code == 200  # and still signed in


def test_like_wildcards_in_a_search_are_plain_characters(sqlite_context: Context) -> None:
    client = create_app(sqlite_context).test_client()
    ids = add_stories(sqlite_context, [("Costs fall 100%", "x"), ("Costs fall 1000", "y")],
                      {"compute": 0.9})

    assert listed(client, "/stories?q=100%25") == ids[:1]
    assert listed(client, "/stories?q=_") == []


def test_a_story_page_shows_text_themes_explanation_and_its_issue(
        context: Context, client: FlaskClient) -> None:
    [story_id] = add_stories(context, [("Lawmakers weigh a licence",
                                        "Lawmakers weigh a licence\nA draft bill.")],
                             {"policy": 0.9, "safety": 0.8})
    with transaction(context.sessions) as session:
        story = session.get_one(tables.Story, story_id)
        for row in story.themes:
            row.explanation = ["licence", "agency"] if row.theme == "policy" else []
        story.links = [{"text": "The bill", "url": "https://example.org/bill"}]

    page = client.get(f"/stories/{story_id}").get_data(as_text=True)

    assert "<h1>Lawmakers weigh a licence</h1>" in page
    assert "<p>A draft bill.</p>" in page
    assert "<p>Lawmakers weigh a licence</p>" not in page  # the headline, not repeated
    assert "because of: licence, agency" in page
    assert 'href="/themes/safety">safety</a>' in page
    assert "Letter 0: news" in page and "(Import AI)" in page
    assert '<a href="https://example.org/bill" rel="noopener noreferrer">The bill</a>' in page
    assert 'type="application/atom+xml"' in page and 'href="/feeds/safety.atom"' in page
    assert "Wrong themes?" not in page  # for the editor only
    assert client.get("/stories/999999").status_code == 404


def test_the_editor_sees_wrong_themes_on_a_story_page(
        context: Context, client: FlaskClient) -> None:
    [story_id] = add_stories(context, [("A robot", "It walks.")], {"robotics": 0.9})
    login(client)

    page = client.get(f"/stories/{story_id}").get_data(as_text=True)

    assert "Wrong themes?" in page
    assert f'action="/review/stories/{story_id}/fix"' in page


def test_list_pages_link_their_feed(context: Context, client: FlaskClient) -> None:
    for path, feed in (("/stories", "/feeds/all.atom"), ("/themes/compute",
                                                         "/feeds/compute.atom")):
        page = client.get(path).get_data(as_text=True)
        assert '<link rel="alternate" type="application/atom+xml"' in page
        assert f'href="{feed}"' in page
        assert client.get(feed).status_code == 200


def test_a_story_text_is_escaped_on_its_page(context: Context, client: FlaskClient) -> None:
    headline = '<script>alert("page")</script>'
    [story_id] = add_stories(context, [(headline, "<img src=x onerror=alert(1)>")],
                             {"safety": 0.9})
    with transaction(context.sessions) as session:
        story = session.get_one(tables.Story, story_id)
        story.links = [{"text": "click", "url": "javascript:alert(1)"}]

    page = client.get(f"/stories/{story_id}").get_data(as_text=True)

    assert str(escape(headline)) in page and "<script>" not in page
    assert "<img" not in page and "javascript:" not in page


def test_pages_date_a_story_by_its_issue_not_by_when_it_arrived(
        context: Context, client: FlaskClient) -> None:
    """A user's review: an archive polled today showed "The Batch: March 12, 2025 ·
    2026-12-07", the day it was read; the review page and `stories` give the issue's own
    date.  An issue with no Date header is dated when it arrived."""
    with transaction(context.sessions) as session:
        dated = make_issue(session, [{"policy": 0.9}], subject="Dated letter",
                           sent_at=FIXED_NOW - timedelta(days=400))
        undated = make_issue(session, [{"policy": 0.9}], subject="Undated letter",
                             sent_at=None, received_at=FIXED_NOW + timedelta(days=1))
        ids = [dated.stories[0].id, undated.stories[0].id]
    issue_day = f"{FIXED_NOW - timedelta(days=400):%Y-%m-%d}"
    arrival_day = f"{FIXED_NOW + timedelta(days=1):%Y-%m-%d}"

    listing = client.get("/themes/policy").get_data(as_text=True)
    assert f"Dated letter · {issue_day}" in listing
    assert f"Undated letter · {arrival_day}" in listing
    page = client.get(f"/stories/{ids[0]}").get_data(as_text=True)
    assert f"(Import AI), {issue_day}" in page and f"{FIXED_NOW:%Y-%m-%d}" not in page
