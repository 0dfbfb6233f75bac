"""Events: one piece of news across newsletters, its roundups, and editors' corrections.

On SQLite and PostgreSQL; stories are written for these tests (tests/events_data.py).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from service.cli.events import events_group
from service.context import Context
from service.db.database import transaction
from service.db.tables import Issue
from service.events import editors, report
from service.events.matching import best_threshold, precision_recall_f1
from service.events.rematch import rematch
from service.events.signature import ENTITY, count_story, count_terms
from service.events.store import EventSettings, events_of
from service.ingest.store import stories_since
from tests.db import FIXED_NOW
from tests.events_data import (
    COURT,
    PHI_4,
    PHI_4_LONG,
    PHI_35,
    QWQ_A,
    QWQ_B,
    ROUNDUP,
    SESAME,
    WAYMO,
    store_issue,
)


def events(session: Session, issue: Issue) -> list[list[int]]:
    found = events_of(session, [story.id for story in issue.stories])
    return [found.get(story.id, []) for story in issue.stories]


def test_the_same_release_in_two_newsletters_is_one_event(context: Context) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A, COURT, WAYMO])
        second = store_issue(session, "The Batch", [SESAME, QWQ_B],
                             sent_at=FIXED_NOW + timedelta(days=2))
        ours, theirs = events(session, first), events(session, second)
    assert theirs[1] == ours[0]
    assert len({e for found in [*ours, *theirs] for e in found}) == 4  # QwQ, court, Waymo, Sesame
    assert all(len(found) == 1 for found in [*ours, *theirs])


def test_related_news_and_news_outside_the_window_stay_apart(context: Context) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [PHI_35, QWQ_A])
        later = store_issue(session, "The Batch", [PHI_4, QWQ_B],
                            sent_at=FIXED_NOW + timedelta(days=30))
        ours, theirs = events(session, first), events(session, later)
    assert ours[0] != theirs[0]  # Phi-3.5 and Phi-4: related, not one release
    assert ours[1] != theirs[1]  # the same release, but a month apart


def test_issues_fourteen_days_apart_are_in_the_window_whatever_the_hour(
        context: Context) -> None:
    # a weekly newsletter a fortnight on, sent later in the day (Import AI after Last Week in AI)
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A, COURT])
        later = store_issue(session, "The Batch", [QWQ_B, WAYMO],
                            sent_at=FIXED_NOW + timedelta(days=14, minutes=26))
        # 14 days 23 hours on, but 15 days by date: out, however alike
        beyond = store_issue(session, "ThursdAI", [COURT],
                             sent_at=FIXED_NOW + timedelta(days=15, hours=-1))
        ours, theirs, outside = (events(session, first), events(session, later),
                                 events(session, beyond))
    assert theirs[0] == ours[0]
    assert outside[0] != ours[1]


def test_a_roundup_joins_the_events_of_its_main_items(context: Context) -> None:
    with transaction(context.sessions) as session:
        items = store_issue(session, "Last Week in AI", [QWQ_A, PHI_4, COURT])
        roundup = store_issue(session, "ThursdAI", [ROUNDUP],
                              sent_at=FIXED_NOW + timedelta(days=1))
        qwq, phi, court = events(session, items)
        joined = events(session, roundup)[0]
    assert sorted(joined) == sorted(qwq + phi)
    assert court[0] not in joined


@pytest.mark.parametrize("together", [True, False], ids=["one issue", "next issue"])
def test_an_item_after_its_roundup_joins_its_own_news_not_the_roundups_other_event(
        context: Context, together: bool) -> None:
    """The roundup's QwQ-32B paragraph found an event, its Phi-4 one none; then the Phi-4 item.

    The item is alike the roundup (through its Phi-4 paragraph), which is in the
    QwQ-32B event only: that must not put the item there.  It starts the Phi-4
    event, and the roundup, which covers it, joins that too: what the item
    first, roundup second gives.  Rematching decides the same.
    """
    with transaction(context.sessions) as session:
        items = store_issue(session, "Last Week in AI", [QWQ_A, COURT])
        later = [FIXED_NOW + timedelta(days=1), FIXED_NOW + timedelta(days=2)]
        if together:
            roundup, phi = store_issue(session, "ThursdAI", [ROUNDUP, PHI_4],
                                       sent_at=later[0]).stories
        else:
            [roundup] = store_issue(session, "ThursdAI", [ROUNDUP], sent_at=later[0]).stories
            [phi] = store_issue(session, "The Batch", [PHI_4], sent_at=later[1]).stories
        ids = [*(story.id for story in items.stories), roundup.id, phi.id]
        stored = [events_of(session, ids)[i] for i in ids]
        rematch(session, FIXED_NOW - timedelta(days=1), EventSettings())
        rematched = [events_of(session, ids)[i] for i in ids]
    for [qwq], [court], in_roundup, [own] in (stored, rematched):
        assert own not in (qwq, court)
        assert in_roundup == sorted([qwq, own])


def test_rematching_after_a_roundup_leaves_its_events_as_they_are(context: Context) -> None:
    """A roundup dated before ``since`` keeps its events: rematching again adds none."""
    with transaction(context.sessions) as session:
        store_issue(session, "Last Week in AI", [QWQ_A, COURT])
        [roundup] = store_issue(session, "ThursdAI", [ROUNDUP],
                                sent_at=FIXED_NOW + timedelta(days=1)).stories
        [phi] = store_issue(session, "The Batch", [PHI_4],
                            sent_at=FIXED_NOW + timedelta(days=2)).stories
        stored = events_of(session, [roundup.id])[roundup.id]
        for _ in range(2):
            rematch(session, FIXED_NOW + timedelta(days=2), EventSettings())
            found = events_of(session, [roundup.id, phi.id])
            assert found[roundup.id] == stored and len(found[phi.id]) == 1


def test_an_item_joins_the_event_a_long_story_of_the_same_news_founded(context: Context) -> None:
    """A long story that founded its event is about that news, parts or not: one event."""
    with transaction(context.sessions) as session:
        [long] = store_issue(session, "The Batch", [PHI_4_LONG]).stories
        [item] = store_issue(session, "ThursdAI", [PHI_4],
                             sent_at=FIXED_NOW + timedelta(days=1)).stories
        stored = events_of(session, [long.id, item.id])
        rematch(session, FIXED_NOW - timedelta(days=1), EventSettings())
        rematched = events_of(session, [long.id, item.id])
    for found in (stored, rematched):
        assert len(found[long.id]) == 1 and found[item.id] == found[long.id]


def test_an_editors_split_sticks_through_new_stories_and_rematching(context: Context) -> None:
    settings = EventSettings()
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A])
        second = store_issue(session, "The Batch", [QWQ_B], sent_at=FIXED_NOW + timedelta(1))
        event = events(session, first)[0][0]
        split_off = second.stories[0].id
        assert events(session, second) == [[event]]
        alone = editors.split_story(session, split_off, event, "editor", FIXED_NOW)
        third = store_issue(session, "ThursdAI", [QWQ_A], sent_at=FIXED_NOW + timedelta(2))
        assert events_of(session, [split_off]) == {split_off: [alone]}
        assert events(session, third) == [[event]]  # news still joins the event
        rematch(session, FIXED_NOW - timedelta(days=1), settings)
        again = events_of(session, [first.stories[0].id, split_off, third.stories[0].id])
    assert again[first.stories[0].id] == again[third.stories[0].id]
    assert again[split_off] != again[first.stories[0].id]


def test_an_editors_merge_holds_when_rematched(context: Context) -> None:
    with transaction(context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [SESAME])
        second = store_issue(session, "The Batch", [WAYMO], sent_at=FIXED_NOW + timedelta(1))
        sesame, waymo = events(session, first)[0][0], events(session, second)[0][0]
        assert sesame != waymo
        assert editors.merge_events(session, waymo, sesame, "editor", FIXED_NOW) == 1
        assert events(session, second) == [[sesame]]
        rematch(session, FIXED_NOW - timedelta(days=1), EventSettings())
        merged = events_of(session, [first.stories[0].id, second.stories[0].id])
    assert merged[first.stories[0].id] == merged[second.stories[0].id]


def test_the_events_command_prints_each_event_with_its_stories(context: Context) -> None:
    with transaction(context.sessions) as session:
        store_issue(session, "Last Week in AI", [QWQ_A, COURT],
                    sent_at=FIXED_NOW - timedelta(days=20))
        store_issue(session, "Last Week in AI", [QWQ_A, WAYMO])
        store_issue(session, "The Batch", [QWQ_B], sent_at=FIXED_NOW + timedelta(days=1))
    result = CliRunner().invoke(events_group, ["--since", "2024-05-01"],
                                obj={"context": lambda: context})
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert all(set(row) == {"event", "stories"} for row in rows)
    assert all(set(s) == {"message_id", "index", "source", "headline"}
               for row in rows for s in row["stories"])
    shared = [row for row in rows if len(row["stories"]) == 2]
    assert len(rows) == 2 and len(shared) == 1  # the old court story's event is not listed
    assert [s["source"] for s in shared[0]["stories"]] == ["Last Week in AI", "The Batch"]


def test_stories_list_their_events(context: Context) -> None:
    with transaction(context.sessions) as session:
        store_issue(session, "Last Week in AI", [QWQ_A])
        store_issue(session, "The Batch", [QWQ_B])
        listed = list(stories_since(session, None))
    assert [len(row["events"]) for row in listed] == [1, 1]  # type: ignore[arg-type]
    assert listed[0]["events"] == listed[1]["events"]


def test_tuning_reads_editors_decisions(sqlite_context: Context) -> None:
    with transaction(sqlite_context.sessions) as session:
        first = store_issue(session, "Last Week in AI", [QWQ_A, SESAME])
        second = store_issue(session, "The Batch", [QWQ_B, WAYMO])
        qwq = events(session, first)[0][0]
        editors.split_story(session, second.stories[0].id, qwq, "editor", FIXED_NOW)
        waymo = events(session, second)[1][0]
        editors.merge_events(session, waymo, events(session, first)[1][0], "editor", FIXED_NOW)
        found = report.tune(session, 0.31)
    assert found["pairs"] == 2 and found["same"] == 1
    assert found["threshold"] < 0.31  # Sesame and Waymo share little: only a lower bar joins them


def test_tuning_without_decisions_fits_nothing(sqlite_context: Context) -> None:
    with transaction(sqlite_context.sessions) as session:
        store_issue(session, "Last Week in AI", [QWQ_A])
        found = report.tune(session, 0.31)
    assert found == {"pairs": 0, "same": 0, "threshold": None, "f1": None, "current": 0.31,
                     "current_f1": None}


def test_names_and_figures_are_marked_and_model_names_split() -> None:
    counts = count_terms("Alibaba released QwQ-32B. It beats o1-mini at $20,000 a month.")
    assert counts[ENTITY + "qwq-32b"] == 1 and counts[ENTITY + "32b"] == 1
    assert counts[ENTITY + "20000"] == 1 and counts[ENTITY + "o1-mini"] == 1
    assert "alibaba" in counts  # opens its sentence: not a name by its capital alone
    assert not any(term.endswith("the") for term in counts)


def test_the_best_threshold_maximises_pairwise_f1() -> None:
    scored = [(0.9, True), (0.6, True), (0.5, False), (0.4, True), (0.1, False)]
    assert best_threshold(scored) == (0.4, 0.8571)
    assert Counter(same for _, same in scored)[True] == 3
    # the F1 best_threshold found is the F1 there (the bench and `events tune` use both)
    assert precision_recall_f1(scored, 0.4) == (0.75, 1.0, 6 / 7)
    assert precision_recall_f1(scored, 0.95) == (1.0, 0.0, 0.0)
    assert precision_recall_f1([], 0.5) == (1.0, 1.0, 0.0)


@pytest.mark.parametrize("text", [
    "$" * 40_000,  # each "$" may start a word and none may end one (6.8 s before)
    "](" * 60_000,  # each "](" opened a link target read to the end (4 s before)
    "a" + "-$" * 20_000,
], ids=["dollars", "link-openers", "dashes"])
def test_a_story_shaped_to_backtrack_is_signed_in_linear_time(text: str) -> None:
    # A mailing list's digest carries any member's text, signed in the storing transaction
    # and holding the GIL: a run of "$" froze `newsalerts run` for minutes (a review).
    started = time.process_time()
    count_story("Headline", text)
    assert time.process_time() - started < 2.0  # milliseconds now


def test_words_are_still_read_whole() -> None:
    counts = count_terms("Acme raised $1.5bn for GPT-4.5 and C++ tools ($$$ pending). "
                         "See [the post](https://example.com/a b) and QwQ-32B's card.")
    assert {"acme", ENTITY + "$1.5bn", ENTITY + "gpt-4.5", ENTITY + "c++", ENTITY + "qwq-32b",
            "pending", "card"} <= set(counts)
