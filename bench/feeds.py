"""Serve feeds and archive pages over N stored stories; print the median times.

    .venv/bin/python bench/feeds.py [--stories 10000] [--database-url URL] [--rounds 50]

A temp SQLite database (or the database at --database-url, which must be
empty and is migrated first) gets N made-up stories (seeded random words, 20
per issue, each with four theme rows, about a quarter assigned per theme).
The app answers through Flask's in-process client, so the figures are the
app and the database, without the network: each request is timed ``rounds``
times after one warm-up request.  A feed is rendered once per change and
then kept by its ETag; "rendered anew" empties that cache before each
request, which is what the first reader after a new issue waits for.
Targets: a feed under 20 ms, its 304 under 5 ms, an archive page under 50 ms
(medians, warm).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from service.config import load_settings  # noqa: E402
from service.context import Context  # noqa: E402
from service.db.database import make_engine, session_factory, transaction, upgrade  # noqa: E402
from service.db.tables import Issue, Source, Story, StoryTheme  # noqa: E402
from service.domain import THEMES  # noqa: E402
from service.web import create_app  # noqa: E402
from service.web.views.feeds import FEED_CACHE  # noqa: E402

STORIES_PER_ISSUE = 20
START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
WORDS = ("model", "chip", "policy", "robot", "safety", "lab", "training", "export", "cluster",
         "agent", "benchmark", "regulator", "datacenter", "humanoid", "drone", "alignment",
         "compute", "law", "senate", "startup")


def fill(ctx: Context, stories: int, rng: random.Random) -> None:
    issues = (stories + STORIES_PER_ISSUE - 1) // STORIES_PER_ISSUE
    with transaction(ctx.sessions) as session:
        source = Source(name="Bench Letter")
        session.add(source)
        session.flush()
        session.execute(insert(Issue), [_issue(i, source.id) for i in range(1, issues + 1)])
        story_rows = [_story(n, rng) for n in range(1, stories + 1)]
        session.execute(insert(Story), story_rows)
        session.execute(insert(StoryTheme), [
            _theme(row["id"], theme, rng) for row in story_rows for theme in THEMES])


def _issue(number: int, source_id: int) -> dict[str, object]:
    return {"id": number, "dedupe_key": f"<bench-{number}@newsalerts.test>",
            "message_id": f"<bench-{number}@newsalerts.test>", "source_id": source_id,
            "sender": "bench@letter.test", "subject": f"Bench Letter {number}: news",
            "sent_at": START + timedelta(hours=number), "origin": "bench",
            "received_at": START + timedelta(hours=number, minutes=5),
            "content_hash": f"{number:064x}", "raw": b""}


def _story(number: int, rng: random.Random) -> dict[str, object]:
    words = [rng.choice(WORDS) for _ in range(120)]
    return {"id": number, "issue_id": (number - 1) // STORIES_PER_ISSUE + 1,
            "index": (number - 1) % STORIES_PER_ISSUE,
            "headline": " ".join(words[:8]).capitalize(),
            "text": " ".join(words), "fiction": False,
            "links": [{"text": "source", "url": f"https://example.org/{number}"}]}


def _theme(story_id: int, theme: str, rng: random.Random) -> dict[str, object]:
    score = rng.random()
    return {"story_id": story_id, "theme": theme, "score": score, "assigned": score > 0.75,
            "model_version": "bench-v1", "current": True, "explanation": ["chip", "law"],
            "tagged_at": START}


def median_ms(client: FlaskClient, path: str, rounds: int, headers: dict[str, str],
              status: int, before: Callable[[], None] = lambda: None) -> float:
    times = []
    for i in range(rounds + 1):
        before()
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == status, (path, response.status_code)
        if i:  # the first one warms the caches and is not counted
            times.append(elapsed)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        settings = load_settings(environ={"NEWSALERTS_DATABASE__URL": url,
                                          "NEWSALERTS_WEB__SECRET_KEY": "bench-secret"})
        engine = make_engine(url)
        upgrade(engine)
        ctx = Context(settings, engine, session_factory(engine), Path(tmp))
        fill(ctx, args.stories, random.Random(12))
        with engine.begin() as connection:  # table statistics, as autovacuum keeps them
            for table in ("issues", "stories", "story_themes"):  # only ours: others share PG
                connection.execute(text(f"ANALYZE {table}"))
        app = create_app(ctx)
        client = app.test_client()
        etag = client.get("/feeds/robotics.atom").headers["ETag"]
        rendered = app.extensions[FEED_CACHE]
        figures = {
            "feed /feeds/robotics.atom": median_ms(client, "/feeds/robotics.atom",
                                                   args.rounds, {}, 200),
            "feed /feeds/all.atom": median_ms(client, "/feeds/all.atom", args.rounds, {}, 200),
            "feed rendered anew (no cache)": median_ms(client, "/feeds/robotics.atom",
                                                       args.rounds, {}, 200, rendered.clear),
            "304 /feeds/robotics.atom": median_ms(client, "/feeds/robotics.atom", args.rounds,
                                                  {"If-None-Match": etag}, 304),
            "archive /themes/policy": median_ms(client, "/themes/policy", args.rounds, {}, 200),
            "archive /stories?page=40": median_ms(client, "/stories?page=40", args.rounds,
                                                  {}, 200),
            "search /stories?q=humanoid": median_ms(client, "/stories?q=humanoid+drone",
                                                    args.rounds, {}, 200),
            "search, no match (reads all)": median_ms(client, "/stories?q=platypus",
                                                      args.rounds, {}, 200),
            "story /stories/5000": median_ms(client, f"/stories/{args.stories // 2}",
                                             args.rounds, {}, 200),
        }
        ctx.close()
    print(f"{args.stories} stories on {url.split(':')[0]}; median of {args.rounds}, warm")
    for name, ms in figures.items():
        print(f"  {name:34} {ms:7.2f} ms")


if __name__ == "__main__":
    main()
