"""Events: pairwise quality on labeled story pairs, and the cost of matching at scale.

    .venv/bin/python bench/events.py [--stories 10000] [--issues 5] [--database URL]

1. Quality.  ``bench/data/event_pairs.csv`` labels story pairs of
   ../shared/data/labeled/*.jsonl (ids only, no text) as the same news or not,
   in two populations (README: Events):
   - ``tune``: every pair of stories within one Last Week in AI issue
     (different publishers' takes on the week);
   - ``check``: every pair of stories of two different newsletters whose
     issues are at most 15 days apart.
   Pairs of a population not listed are "different".  Stories are scored
   with the service's own signatures (service/events), document frequencies
   taken over all labeled stories.  Printed: the threshold with the best F1 on
   ``tune``, and precision, recall and F1 on ``check`` at that threshold and
   at the configured ``[events] threshold``.
   Then the *grouping*: the labeled stories are stored issue by issue, in
   date order, through ``assign_issue_events`` on a temporary SQLite database,
   as the pipeline stores them, and a pair counts as "the same" when its two
   stories share an event.  Printed per population: that pairwise precision,
   recall and F1, the same pairs scored with the signatures as stored (each
   weighted by its own window's frequencies, not all labeled stories'), and
   how many pairs lie further apart than ``[events] window_days`` (never
   candidates, by design).
2. Speed.  ``--stories`` stories spread over 14 days are stored (the labeled
   stories again and again, each copy with a seeded share of its sentences
   dropped and a name of its own, so copies are alike but not identical),
   each issue through ``assign_issue_events`` as the pipeline does.  Then
   ``--issues`` more issues of 60 stories are stored and timed: the events
   step alone, per issue (target: under 0.5 s), and stories per second.

Nothing is asserted: the figures are printed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.config import load_settings  # noqa: E402
from service.db.database import make_engine, session_factory, transaction, upgrade  # noqa: E402
from service.db.tables import Issue, Source, Story  # noqa: E402
from service.events import signature as sig  # noqa: E402
from service.events.candidates import load_units  # noqa: E402
from service.events.matching import (  # noqa: E402
    Units,
    best_threshold,
    precision_recall_f1,
    similarity,
)
from service.events.store import EventSettings, assign_issue_events, events_of  # noqa: E402

SHARED = Path(os.environ.get("NEWSALERTS_SHARED", REPO.parent / "shared")) / "data"
PAIRS = REPO / "bench" / "data" / "event_pairs.csv"
Story_ = dict[str, str]
CPU_SECONDS: list[float] = []  # the events step's CPU time per timed issue (SQLite is in-process)


def labeled_stories(shared: Path) -> dict[str, Story_]:
    stories: dict[str, Story_] = {}
    for path in sorted((shared / "labeled").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            stories[row["id"]] = row
    return stories


def issue_dates(shared: Path) -> dict[str, datetime]:
    """Each issue's Date header, keyed as the labels name issues."""
    dates: dict[str, datetime] = {}
    for path in sorted(shared.glob("**/*.eml")):
        for line in path.read_bytes().splitlines():
            if line.startswith(b"Date:"):
                dates[path.stem] = parsedate_to_datetime(line[5:].decode().strip())
                break
    return dates


def story_date(story: Story_, dates: dict[str, datetime]) -> datetime:
    issue = str(story["issue"])
    if story["source"] == "Import AI":
        issue = "post-after-367" if "post" in story["id"] else f"import-ai-{issue}"
    return dates[issue]


def population(kind: str, stories: dict[str, Story_],
               dates: dict[str, datetime]) -> Iterator[tuple[str, str]]:
    for a, b in itertools.combinations(sorted(stories), 2):
        first, second = stories[a], stories[b]
        if kind == "tune" and first["source"] == second["source"] == "Last Week in AI" \
                and first["issue"] == second["issue"]:
            yield a, b
        apart = abs((story_date(first, dates) - story_date(second, dates)).total_seconds())
        if kind == "check" and first["source"] != second["source"] and apart <= 15 * 86400:
            yield a, b


def signatures(stories: dict[str, Story_]) -> dict[str, Units]:
    """The service's signatures (service/events/signature.py), frequencies over ``stories``."""
    counted = {i: sig.count_story(s["headline"], s["text"]) for i, s in stories.items()}
    weighed = sig.weigh(counted, sig.story_frequency(counted.values()), len(counted))
    return {i: Units(n, whole, parts) for n, (i, (whole, parts)) in enumerate(weighed.items())}


def quality(shared: Path, settings: EventSettings) -> None:
    configured = settings.threshold
    if not (shared / "labeled").is_dir():
        sys.exit(f"no labeled stories under {shared}: set NEWSALERTS_SHARED")
    stories, dates = labeled_stories(shared), issue_dates(shared)
    labels: dict[frozenset[str], bool] = {}
    with PAIRS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            labels[frozenset((row["a"], row["b"]))] = row["label"] == "same"
    units = signatures(stories)
    scored = {kind: [(similarity(units[a], units[b]), labels.get(frozenset((a, b)), False))
                     for a, b in population(kind, stories, dates)] for kind in ("tune", "check")}
    for kind, pairs in scored.items():
        print(f"{kind}: {len(pairs)} pairs, {sum(s for _, s in pairs)} the same news")
    threshold, f1 = best_threshold(scored["tune"])
    print(f"best threshold on tune: {threshold:.2f} (F1 {f1:.3f})")
    for name, value in (("tuned", threshold), ("configured", configured)):
        p, r, f = precision_recall_f1(scored["check"], value)
        print(f"check at the {name} threshold {value:.2f}: precision {p:.3f} recall {r:.3f} "
              f"F1 {f:.3f}")
    grouping(stories, dates, labels, settings)


def in_order(stories: dict[str, Story_], dates: dict[str, datetime]) -> list[list[str]]:
    """The labeled stories as issues, in date order, each issue's stories in their order."""
    issues: dict[tuple[datetime, str, str], list[str]] = {}
    for story_id, story in stories.items():
        key = (story_date(story, dates), story["source"], str(story["issue"]))
        issues.setdefault(key, []).append(story_id)
    position = {i: int(i.rsplit("-", 1)[1]) if i.rsplit("-", 1)[1].isdigit() else 0
                for i in stories}
    return [sorted(issues[key], key=lambda i: (position[i], i)) for key in sorted(issues)]


def grouping(stories: dict[str, Story_], dates: dict[str, datetime],
             labels: dict[frozenset[str], bool], settings: EventSettings) -> None:
    """Pairwise quality of the events the storing path makes (see the module's docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/grouping.db")
        upgrade(engine)
        sessions = session_factory(engine)
        ids: dict[str, int] = {}
        with transaction(sessions) as session:
            sources: dict[str, int] = {}
            for issue_ids in in_order(stories, dates):
                first = stories[issue_ids[0]]
                if first["source"] not in sources:
                    source = Source(name=first["source"])
                    session.add(source)
                    session.flush()
                    sources[first["source"]] = source.id
                issue = new_issue(session, sources[first["source"]],
                                  [(stories[i]["headline"], stories[i]["text"])
                                   for i in issue_ids], story_date(first, dates))
                assign_issue_events(session, issue.id, settings)
                ids.update({i: story.id for i, story in zip(issue_ids, issue.stories, strict=True)})
            found = events_of(session, ids.values())
            stored = load_units(session, ids.values())
        engine.dispose()
    events = {i: set(found.get(story_id, ())) for i, story_id in ids.items()}
    for kind in ("tune", "check"):
        pairs = list(population(kind, stories, dates))
        grouped = [(float(bool(events[a] & events[b])), labels.get(frozenset((a, b)), False))
                   for a, b in pairs]
        p, r, f = precision_recall_f1(grouped, 1.0)
        print(f"{kind} grouping (stories sharing an event): precision {p:.3f} recall {r:.3f} "
              f"F1 {f:.3f}")
        scored = [(similarity(stored[ids[a]], stored[ids[b]]), same)
                  for (a, b), (_, same) in zip(pairs, grouped, strict=True)]
        p, r, f = precision_recall_f1(scored, settings.threshold)
        apart = [same for (a, b), (_, same) in zip(pairs, grouped, strict=True)
                 if abs((story_date(stories[a], dates).date()
                         - story_date(stories[b], dates).date()).days) > settings.window_days]
        print(f"{kind} pairs scored with the stored signatures: precision {p:.3f} "
              f"recall {r:.3f} F1 {f:.3f}; {len(apart)} pairs ({sum(apart)} the same news) "
              f"more than {settings.window_days} days apart")


def copies(stories: list[Story_], count: int, seed: int) -> Iterator[tuple[str, str]]:
    """``count`` (headline, text) stories: labeled ones again, each copy a little different."""
    rng = random.Random(seed)
    for n in range(count):
        story = stories[n % len(stories)]
        sentences = [s for s in story["text"].split(". ") if rng.random() > 0.3] or [""]
        yield story["headline"], ". ".join(sentences) + f" Codename Q{n:05d}."


def new_issue(session: Session, source_id: int, stories: list[tuple[str, str]],
              when: datetime) -> Issue:
    """An issue of ``(headline, text)`` stories, added and flushed."""
    key = hashlib.sha256(f"{when}{stories[0]}".encode()).hexdigest()
    issue = Issue(dedupe_key=key, message_id=f"<{key}@bench>", source_id=source_id,
                  sender="bench@example.com", subject="bench", sent_at=when,
                  received_at=when, origin="bench", content_hash=key, raw=b"")
    issue.stories = [Story(index=i, headline=h, text=t, links=[])
                     for i, (h, t) in enumerate(stories)]
    session.add(issue)
    session.flush()
    return issue


def store_issue(session_maker: object, source_id: int, stories: list[tuple[str, str]],
                when: datetime, settings: EventSettings) -> float:
    """Store one issue, then time its events step alone."""
    with transaction(session_maker) as session:  # type: ignore[arg-type]
        issue = new_issue(session, source_id, stories, when)
        start, cpu = time.perf_counter(), time.process_time()
        assign_issue_events(session, issue.id, settings)
        CPU_SECONDS.append(time.process_time() - cpu)
        return time.perf_counter() - start


def speed(url: str, total: int, issues: int, settings: EventSettings) -> None:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        source = session.query(Source).filter_by(name="Bench").one_or_none() or Source(
            name="Bench")
        session.add(source)
        session.flush()
        source_id = source.id
        done = session.query(Issue).filter_by(source_id=source_id).count()
    stories = list(labeled_stories(SHARED).values())
    made = copies(stories, total + issues * 60, seed=13)
    start, per_issue = datetime(2025, 3, 1, tzinfo=UTC), 60
    seeding = time.perf_counter()
    for _ in range(done * per_issue):  # a kept --database is seeded already: go on from there
        next(made)
    for n in range(min(done, total // per_issue), total // per_issue):
        when = start + timedelta(days=14) * n / (total // per_issue)
        store_issue(sessions, source_id, list(itertools.islice(made, per_issue)), when, settings)
    print(f"seeded {total} stories over 14 days in {time.perf_counter() - seeding:.1f} s")
    CPU_SECONDS.clear()
    times = [store_issue(sessions, source_id, list(itertools.islice(made, per_issue)),
                         start + timedelta(days=14, hours=i), settings) for i in range(issues)]
    print(f"events step for an issue of {per_issue} stories with {total} on file: "
          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"({per_issue / statistics.median(times):.0f} stories/s); this process's CPU time "
          f"median {statistics.median(CPU_SECONDS) * 1000:.0f} ms (wall time includes waiting "
          f"for a busy machine, and PostgreSQL's own work)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--issues", type=int, default=5)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file); "
                        "one seeded by an earlier run is reused, its timed issues kept")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    settings = EventSettings.of(load_settings(environ={}))
    if not args.skip_quality:
        quality(SHARED, settings)
    if args.skip_speed:
        return
    with tempfile.TemporaryDirectory() as folder:
        speed(args.database or f"sqlite:///{folder}/bench.db", args.stories, args.issues,
              settings)


if __name__ == "__main__":
    main()
