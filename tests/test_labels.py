"""Labels: the agreement rule, training examples from the database, import and export."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.classify import labels
from service.classify.labels import Decision, UsableLabel, Vote, decide, merge_examples
from service.classify.train import Example, load_examples
from service.cli.labels import labels_group
from service.context import Context
from service.db.database import transaction
from service.db.tables import Label, Story
from service.domain import THEMES
from service.errors import ModelError
from service.subscribers.registry import add_subscriber, find_subscriber, unsubscribe
from tests.db import make_issue

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def vote(session: Session, story_id: int, role: str, who: str, themes: list[str],
         minutes: int = 0) -> None:
    """A stored label; a reader's from an active subscriber, as the feedback page stores it."""
    if role == "reader" and find_subscriber(session, who) is None:
        add_subscriber(session, who, ["safety"], "instant", confirmed=True, now=T0)
    session.add(Label(story_id=story_id, themes=themes, role=role, who=who,
                      created_at=T0 + timedelta(minutes=minutes)))
    session.flush()


def story_ids(session: Session, count: int, issues: int = 1) -> list[list[int]]:
    """``issues`` issues of ``count`` stories each, with a headline and some text."""
    made = []
    for _ in range(issues):
        issue = make_issue(session, [{}] * count)
        for story in issue.stories:
            story.headline = f"Headline {story.id}:"
            story.text = f"A hand-written body for story {story.id}."
        made.append([story.id for story in issue.stories])
    session.flush()
    return made


def invoke(context: Context, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(labels_group, list(args), obj={"context": lambda: context})
    return result.exit_code, result.stdout, result.stderr


# --- the agreement rule ----------------------------------------------------------------------


def test_reader_votes_below_the_agreement_rule_do_not_enter_training(context: Context) -> None:
    with transaction(context.sessions) as session:
        [[lone, split, changed]] = story_ids(session, 3)
        vote(session, lone, "reader", "a@example.org", ["policy"])
        vote(session, split, "reader", "a@example.org", ["policy"])
        vote(session, split, "reader", "b@example.org", ["policy", "compute"])
        # a changed their mind: only their latest answer is a vote
        vote(session, changed, "reader", "a@example.org", ["safety"], minutes=1)
        vote(session, changed, "reader", "a@example.org", ["robotics"], minutes=2)
        vote(session, changed, "reader", "b@example.org", ["safety"], minutes=3)
    with transaction(context.sessions) as session:
        assert labels.usable_labels(session) == []
        assert labels.training_examples(session) == []
        assert list(labels.export_labels(session)) == []


def test_readers_who_left_or_one_person_twice_do_not_settle_a_label(context: Context) -> None:
    """A read-only review: votes of unsubscribed readers counted, and "eve+1@" and "eve+2@"
    were two readers; the web review: so were Gmail's "mallory@" and "mal.lory@"."""
    with transaction(context.sessions) as session:
        [[gone, twice, dotted]] = story_ids(session, 3)
        vote(session, dotted, "reader", "mallory@gmail.com", ["robotics"])
        vote(session, dotted, "reader", "Mal.Lory@googlemail.com".lower(), ["robotics"])
        vote(session, gone, "reader", "a@example.org", ["policy"])
        vote(session, gone, "reader", "b@example.org", ["policy"])
        leaver = find_subscriber(session, "b@example.org")
        assert leaver is not None
        unsubscribe(session, leaver, T0)
        vote(session, twice, "reader", "eve+1@example.org", ["robotics"])
        vote(session, twice, "reader", "eve+2@example.org", ["robotics"])
    with transaction(context.sessions) as session:
        assert labels.usable_labels(session) == []


def test_readers_agreement_trains_but_is_never_a_truth_nor_over_a_file_s_label() -> None:
    """A read-only review: two throwaway subscriptions relabeled annotated stories, and the
    retrain passed the gate.  A readers' label is train-only and yields to the file's."""
    text = "A robot folds laundry in a hotel basement, faster than last year."
    in_file = Example("file-1", text, ("robotics",), "Last Week in AI#1", "Last Week in AI")
    by_readers = Example("k#0", text, (), "Last Week in AI#k", "Last Week in AI", curated=False)
    other = Example("k#1", "Another story only readers labeled.", ("policy",), "LWAI#k",
                    "Last Week in AI", curated=False)
    by_editor = dataclasses.replace(by_readers, curated=True)
    merged = labels.merge_examples([in_file], [by_readers, other])
    assert [(e.id, e.themes, e.train_only) for e in merged] == [
        ("file-1", ("robotics",), False), ("k#1", ("policy",), True)]
    assert labels.merge_examples([in_file], [by_editor])[0].themes == ()


def test_two_agreeing_readers_enter_training(context: Context) -> None:
    with transaction(context.sessions) as session:
        [[first, second], [other]] = story_ids(session, 2) + story_ids(session, 1)
        for story_id in (first, second, other):
            vote(session, story_id, "reader", "a@example.org", ["compute", "policy"], minutes=1)
            vote(session, story_id, "reader", "b@example.org", ["policy", "compute"], minutes=5)
        vote(session, first, "reader", "c@example.org", ["safety"], minutes=9)
    with transaction(context.sessions) as session:
        usable = labels.usable_labels(session)
        decisions = labels.effective_labels(session)
        examples = {e.id: e for e in labels.training_examples(session)}
    assert usable == [UsableLabel(first, ("policy", "compute"), "readers"),
                      UsableLabel(second, ("policy", "compute"), "readers"),
                      UsableLabel(other, ("policy", "compute"), "readers")]
    assert decisions[first].arrived_at == T0 + timedelta(minutes=5), "the second vote settles it"
    assert len(examples) == 3 and all(e.themes == ("policy", "compute")
                                      for e in examples.values())
    groups = [e.group for e in examples.values()]
    assert groups[0] == groups[1] != groups[2], "an issue's stories share one CV group"
    # the text the model reads at tagging time: the headline on the first line
    assert next(iter(examples.values())).text == (
        f"Headline {first}:\nA hand-written body for story {first}.")


def test_an_editor_label_wins_over_readers(context: Context) -> None:
    with transaction(context.sessions) as session:
        [[agreed, confirmed, corrected]] = story_ids(session, 3)
        for story_id in (agreed, corrected):
            vote(session, story_id, "reader", "a@example.org", ["robotics"])
            vote(session, story_id, "reader", "b@example.org", ["robotics"])
        vote(session, corrected, "editor", "editor", ["compute"], minutes=10)
        vote(session, confirmed, "reader", "a@example.org", ["safety"])
        vote(session, confirmed, "editor", "editor", ["safety"], minutes=1)
        vote(session, confirmed, "import", "file:x.jsonl", [], minutes=2)
        vote(session, confirmed, "editor", "editor2", ["safety", "policy"], minutes=3)
    with transaction(context.sessions) as session:
        assert labels.usable_labels(session) == [
            UsableLabel(agreed, ("robotics",), "readers"),
            UsableLabel(confirmed, ("safety", "policy"), "editor"),  # the latest editor label
            UsableLabel(corrected, ("compute",), "editor"),
        ]


def test_a_tie_between_reader_answers_is_no_label() -> None:
    votes = [Vote("reader", who, themes, T0 + timedelta(minutes=n))
             for n, (who, themes) in enumerate([("a", ("safety",)), ("b", ("safety",)),
                                                ("c", ()), ("d", ())])]
    assert decide(votes) is None
    assert decide([*votes, Vote("reader", "e", (), T0 + timedelta(hours=1))]) == Decision(
        (), "readers", T0 + timedelta(minutes=3))
    assert decide([*votes, Vote("import", "f", ("policy",), T0)]) == Decision(
        ("policy",), "import", T0)


# --- export and import -----------------------------------------------------------------------


def test_export_then_import_round_trips_and_train_reads_the_export(context: Context,
                                                                   tmp_path: Path) -> None:
    with transaction(context.sessions) as session:
        [[edited, agreed, lone]] = story_ids(session, 3)
        vote(session, edited, "editor", "editor", ["safety", "compute"])
        vote(session, agreed, "reader", "a@example.org", [])
        vote(session, agreed, "reader", "b@example.org", [])
        vote(session, lone, "reader", "a@example.org", ["robotics"])
        before = labels.usable_labels(session)
        examples_before = labels.training_examples(session)
    exported = tmp_path / "labels.jsonl"

    code, _, err = invoke(context, "export", "--out", str(exported))
    assert code == 0 and "exported 2 usable label(s)" in err
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [row["themes"] for row in rows] == [["safety", "compute"], []]
    assert [row["label_source"] for row in rows] == ["editor", "readers"]
    assert {"id", "message_id", "index", "headline", "text", "themes", "source"} <= set(rows[0])
    # `newsalerts train --labels` reads it, with the same ids, texts and CV groups
    assert load_examples([exported]) == examples_before

    with transaction(context.sessions) as session:
        session.execute(delete(Label))
    code, out, err = invoke(context, "import", str(exported))
    # (readers' agreement is not made an editor's by a round trip: a read-only review)
    assert code == 0 and "imported 1 label(s)" in out and "settled by readers" in err
    code, _, _ = invoke(context, "import", str(exported))  # again: replaces, never duplicates
    with transaction(context.sessions) as session:
        after = labels.usable_labels(session)
        assert len(session.scalars(select(Label)).all()) == 1
    assert [(u.story_id, u.themes) for u in after] == [(u.story_id, u.themes) for u in before
                                                       if u.source == "editor"]
    assert {u.source for u in after} == {"import"}


def test_import_by_story_id_skips_unknown_stories(context: Context, tmp_path: Path) -> None:
    with transaction(context.sessions) as session:
        [[story_id]] = story_ids(session, 1)
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"story_id": story_id, "themes": ["policy"]}) + "\n\n"
                    + json.dumps({"message_id": "<nobody@example.org>", "index": 0,
                                  "themes": []}) + "\n", encoding="utf-8")
    code, out, err = invoke(context, "import", str(path))
    assert code == 0 and "imported 1 label(s)" in out and "1 line(s) skipped" in out
    assert "line 3: no stored story 0 of <nobody@example.org>" in err
    with transaction(context.sessions) as session:
        assert labels.usable_labels(session) == [UsableLabel(story_id, ("policy",), "import")]


@pytest.mark.parametrize(("line", "error"), [
    ('{"story_id": 1, "themes": ["sports"]}', "unknown themes ['sports']"),
    ('{"story_id": 1}', '"themes" must be a list'),
    ('{"themes": []}', 'give "story_id", or "message_id" and "index"'),
    ("not json", "not JSON"),
])
def test_a_bad_import_line_stores_nothing(sqlite_context: Context, tmp_path: Path, line: str,
                                          error: str) -> None:
    with transaction(sqlite_context.sessions) as session:
        [[story_id]] = story_ids(session, 1)
    path = tmp_path / "in.jsonl"
    good = json.dumps({"story_id": story_id, "themes": ["policy"]})
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    code, _, err = invoke(sqlite_context, "import", str(path))
    assert code == 1 and f"{path}:2" in err and error in err
    with transaction(sqlite_context.sessions) as session:
        assert session.scalars(select(Label)).all() == []
        with pytest.raises(ModelError, match=re.escape(error)):
            labels.import_labels(session, path)


# --- files and database together -------------------------------------------------------------


def test_a_stored_story_also_in_a_file_takes_the_database_label_and_the_file_group() -> None:
    in_file = [Example("importai-1-0", "Chips:\nA story about chips and export rules.",
                       ("compute",), "Import AI#1"),
               Example("importai-1-1", "Robots:\nA robot story.", ("robotics",), "Import AI#1"),
               Example("extra-1", "Chips:\nA story about chips and export rules.", ("compute",),
                       "extra-1")]
    stored = [Example("<m1>#0", "Chips:\n A story about CHIPS and export rules.",
                      ("compute", "policy"), "Import AI#<m1>"),
              Example("<m1>#2", "Safety:\nA new story.", ("safety",), "Import AI#<m1>"),
              Example("<m2>#0", "Other:\nAnother issue.", (), "Import AI#<m2>")]
    merged = merge_examples(in_file, stored)
    assert [e.id for e in merged] == ["importai-1-0", "importai-1-1", "extra-1", "<m1>#2",
                                      "<m2>#0"]
    assert merged[0].themes == ("compute", "policy") and merged[0].group == "Import AI#1"
    assert merged[2].themes == ("compute",), "hand-written extras are not stored stories"
    assert merged[3].group == "Import AI#1", "the rest of the issue joins the file's group"
    assert merged[4].group == "Import AI#<m2>"
    assert set(THEMES) >= {t for e in merged for t in e.themes}


ITEM = ("Harbour robots unload ferries - The port's new robots unloaded three ferries a night "
        "in a trial, and the union wants a say before more arrive next spring.")
TALE = ("Tech Tales:\n\nThe Lighthouse Keeper\n\nThe keeper's robot counted the gulls every "
        "morning and wrote their number in a book nobody read, until a child did.")


def test_a_stored_story_read_otherwise_than_its_file_still_takes_the_editor_s_label() -> None:
    """A digest's one-line item is stored under its own headline, a tale's title comes
    before "Tech Tales:", a file's headline may carry "# ": matched by their first words,
    most stored stories of the labeled newsletters were not found, and an editor's label was
    trained beside the file's it contradicts (the editor's probe, stop 44)."""
    in_file = [Example("lwiai-1-0", ITEM, ("robotics",), "Last Week in AI#1", "Last Week in AI"),
               Example("importai-2-0", TALE, (), "Import AI#2", "Import AI"),
               Example("batch-3-0", "# Chips Get Cheaper\nA maker cut the price of its "
                       "accelerators by a third to win back cloud buyers this year.",
                       ("compute",), "The Batch#3", "The Batch")]
    item_headline = ITEM.split(" - ")[0]
    stored = [Example("<a>#0", f"{item_headline}\n{ITEM}", ("robotics", "policy"),
                      "Last Week in AI#<a>", "Last Week in AI"),
              Example("<b>#4", "The Lighthouse Keeper\n" + TALE.replace("\n\nThe Lighthouse "
                      "Keeper", ""), ("robotics",), "Import AI#<b>", "Import AI"),
              Example("<c>#0", "Chips Get Cheaper\nA maker cut the price of its accelerators "
                      "by a third to win back cloud buyers this year.", ("compute", "policy"),
                      "The Batch#<c>", "The Batch")]
    merged = merge_examples(in_file, stored)
    assert [(e.id, e.themes) for e in merged] == [
        ("lwiai-1-0", ("robotics", "policy")), ("importai-2-0", ("robotics",)),
        ("batch-3-0", ("compute", "policy"))]


def test_another_story_with_many_of_the_same_words_is_not_the_file_s() -> None:
    in_file = [Example("lwiai-1-0", ITEM, ("robotics",), "Last Week in AI#1", "Last Week in AI")]
    other = ("Harbour robots unload cargo ships - The port's new robots unloaded two cargo ships "
             "a week in a pilot, and the council wants a report before it buys more.")
    merged = merge_examples(in_file, [
        Example("<y>#0", other, ("policy",), "Last Week in AI#<y>", "Last Week in AI")])
    assert [(e.id, e.themes) for e in merged] == [("lwiai-1-0", ("robotics",)),
                                                   ("<y>#0", ("policy",))]


def test_an_export_of_an_issue_without_message_id_imports_back(context: Context,
                                                               tmp_path: Path) -> None:
    """A read-only review: the export wrote "message_id": null, and import refused the file."""
    with transaction(context.sessions) as session:
        [[story]] = story_ids(session, 1)
        session.get_one(Story, story).issue.message_id = None
        vote(session, story, "editor", "editor", ["policy"])
    exported = tmp_path / "labels.jsonl"
    assert invoke(context, "export", "--out", str(exported))[0] == 0
    with transaction(context.sessions) as session:
        session.execute(delete(Label))
    code, out, err = invoke(context, "import", str(exported))
    assert (code, "imported 1 label(s)" in out) == (0, True), err


@pytest.mark.parametrize(("rows", "says"), [
    ([{"story_id": True, "themes": []}], '"story_id" must be a number'),
    ([{"story_id": 1, "message_id": "<x@y>", "index": 0, "themes": []}], "not both"),
    ([{"story_id": 1, "themes": []}, {"story_id": 1, "themes": ["policy"]}], "once"),
])
def test_import_refuses_a_row_it_would_misread(context: Context, tmp_path: Path,
                                               rows: list[dict[str, object]], says: str) -> None:
    with transaction(context.sessions) as session:
        story_ids(session, 1)
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    code, _, err = invoke(context, "import", str(path))
    assert code == 1 and says in err
    with transaction(context.sessions) as session:
        assert session.scalars(select(Label)).all() == []
