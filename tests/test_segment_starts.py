"""The learned second opinion on story starts (service/ingest/starts.py, models/starts/)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from service.domain import Issue
from service.errors import ConfigError, ModelError
from service.ingest import starts
from service.ingest.cuts import Cut
from service.ingest.parse import parse_issue
from service.ingest.rules import _rules_from_toml, load_rules
from service.ingest.scoring import Score, score
from service.ingest.segment import by_structure, segment
from service.ingest.start_features import LAYOUT_NAMES, RULE_NAMES, layout_features, units_of
from service.ingest.starts import Trees, read_trees, tree_arrays
from service.paths import project_file
from tests.layouts import LAYOUTS, corpus_score

GENERIC = load_rules()[-1]
LEARNED = dataclasses.replace(GENERIC, learned_starts=True)

CARD = project_file(starts.CARD)


def _trees_of(model: object) -> Trees:
    arrays = tree_arrays(model)
    return Trees(**{k: v for k, v in arrays.items() if k != "baseline"},
                 baseline=float(arrays["baseline"]), drop_at=0.15, add_at=0.85)


def test_the_trees_as_arrays_give_what_scikit_learn_gives() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 8))
    x[:, 3] = rng.integers(0, 3, size=600)  # a few ties on a split value, as counts have
    y = (x[:, 0] + x[:, 1] * x[:, 3] + rng.normal(scale=0.5, size=600) > 0.4).astype(int)
    model = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=15, random_state=0,
                                           early_stopping=False).fit(x, y)
    probe = rng.normal(size=(200, 8))
    probe[:, 3] = rng.integers(0, 3, size=200)
    np.testing.assert_allclose(_trees_of(model).probabilities(probe),
                               model.predict_proba(probe)[:, 1], rtol=0, atol=1e-9)


def test_the_shipped_model_matches_its_card_and_this_code_s_features() -> None:
    card = json.loads(CARD.read_text(encoding="utf-8"))
    trees = read_trees(CARD)
    assert card["features"] == [*LAYOUT_NAMES, *RULE_NAMES]
    assert (trees.drop_at, trees.add_at) == (0.15, 0.85)
    assert len(trees.roots) == card["params"]["max_iter"]
    # every split names a feature the code computes
    assert trees.feature[~trees.leaf].max() < len(LAYOUT_NAMES) + len(RULE_NAMES)
    issue = parse_issue((LAYOUTS / "sweep50" / "01_mailchimp_research_lab_monthly.eml")
                        .read_bytes())
    units = units_of(issue.blocks)
    rows = layout_features(units, ["x"] * len(units.blocks), "")
    assert {len(row) for row in rows} == {len(LAYOUT_NAMES)}


def test_an_altered_model_file_is_refused_and_the_rules_cut_alone(tmp_path: Path) -> None:
    shutil.copytree(CARD.parent, tmp_path / "starts")
    card = json.loads((tmp_path / "starts" / "card.json").read_text(encoding="utf-8"))
    model = tmp_path / "starts" / card["file"]
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        read_trees(tmp_path / "starts" / "card.json")


def test_a_card_for_other_features_is_refused(tmp_path: Path) -> None:
    shutil.copytree(CARD.parent, tmp_path / "starts")
    path = tmp_path / "starts" / "card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**card, "features": card["features"][:-1]}), encoding="utf-8")
    with pytest.raises(ModelError, match="other features"):
        read_trees(path)


def test_the_generic_rules_leave_it_off() -> None:
    assert GENERIC.name == "generic" and not GENERIC.learned_starts
    with pytest.raises(ValueError, match="learned_starts must be true or false"):
        _rules_from_toml({"name": "x", "stories": {"learned_starts": "no"}})
    assert _rules_from_toml({"name": "x", "stories": {"learned_starts": True}}).learned_starts


def test_turned_on_it_joins_housekeeping_the_rules_took_for_stories_and_says_so() -> None:
    """A lab's monthly (written blind after stop 36's rules): "See all events" under the
    events and "Our work is supported by" over the funders were stories of their own."""
    data = (LAYOUTS / "sweep50" / "01_mailchimp_research_lab_monthly.eml").read_bytes()
    issue = parse_issue(data)
    ruled, _ = by_structure(issue, GENERIC)
    learned, notes = by_structure(issue, LEARNED)
    before = {s.headline for s in ruled}
    after = {s.headline for s in learned}
    assert before - after == {"See all events", "Our work is supported by"}
    assert after <= before
    joined = [n for n in notes if "joined to the story above (learned" in n]
    assert len(joined) == 2 and any("'See all events'" in n for n in joined)
    # nothing is lost: the joined blocks are the text of the story above them
    assert "See all events" in "\n".join(s.text for s in learned)
    assert segment(issue) == ruled  # (the generic rules: off)


def test_turned_on_it_cuts_newsletters_written_after_the_rules_better() -> None:
    """sweep50: 14 newsletters written blind after stop 36's rules, never mended on."""
    total = {False: Score(0, 0, 0), True: Score(0, 0, 0)}
    for line in (LAYOUTS / "sweep50" / "gold.jsonl").read_text().splitlines():
        row = json.loads(line)
        issue = parse_issue((LAYOUTS / "sweep50" / row["file"]).read_bytes())
        for on, source in ((False, GENERIC), (True, LEARNED)):
            got = [s.headline for s in by_structure(issue, source)[0]]
            total[on] += score(got, row["stories"])
    assert corpus_score("sweep50").f1 == pytest.approx(total[False].f1)
    assert total[False].f1 < 0.76 and total[True].f1 > 0.80, total


def test_the_real_newsletters_are_cut_as_well_with_it_on(shared_dir: Path) -> None:
    from service.ingest.scoring import gold_issues

    total = {False: Score(0, 0, 0), True: Score(0, 0, 0)}
    for gold in gold_issues(shared_dir):
        issue = parse_issue(gold.path.read_bytes())
        for on, source in ((False, GENERIC), (True, LEARNED)):
            got = [s.headline for s in by_structure(issue, source)[0]]
            total[on] += score(got, list(gold.headlines))
    assert total[True].f1 >= total[False].f1 - 0.005, total


def test_a_copy_of_generic_toml_in_rules_dir_turns_it_on_for_every_other_newsletter(
        tmp_path: Path) -> None:
    from service.ingest.rules import SOURCES_DIR

    text = (SOURCES_DIR / "generic.toml").read_text(encoding="utf-8")
    assert "\nlearned_starts = false\n" in text
    (tmp_path / "generic.toml").write_text(
        text.replace("\nlearned_starts = false\n", "\nlearned_starts = true\n"), encoding="utf-8")
    rules = load_rules(SOURCES_DIR, tmp_path)
    assert rules[-1].name == "generic" and rules[-1].learned_starts
    assert not any(r.learned_starts for r in rules[:-1])  # Import AI's own file: its rules
    issue = parse_issue((LAYOUTS / "sweep50" / "01_mailchimp_research_lab_monthly.eml")
                        .read_bytes())
    assert "See all events" not in [s.headline for s in segment(issue, rules)]


def test_an_operator_generic_toml_of_two_lines_keeps_the_built_in_rules(
        tmp_path: Path) -> None:
    """It replaced the built-in generic.toml whole: a copy froze its patterns at the day it
    was made, and a short file lost every housekeeping pattern and subhead rule."""
    from service.ingest.rules import SOURCES_DIR

    (tmp_path / "generic.toml").write_text(
        'name = "generic"\n[stories]\nlearned_starts = true\n', encoding="utf-8")
    [built_in] = [r for r in load_rules(SOURCES_DIR) if r.name == "generic"]
    mine = load_rules(SOURCES_DIR, tmp_path)[-1]
    assert mine.name == "generic" and mine.learned_starts and not built_in.learned_starts
    assert mine.housekeeping == built_in.housekeeping and mine.subhead == built_in.subhead
    assert (mine.split_at_headings, mine.split_at_bold_lines) == (True, True)
    issue = parse_issue((LAYOUTS / "sweep50" / "01_mailchimp_research_lab_monthly.eml")
                        .read_bytes())
    assert "See all events" not in [s.headline for s in segment(issue, load_rules(
        SOURCES_DIR, tmp_path))]


def test_an_operator_file_may_leave_the_built_in_housekeeping_out(tmp_path: Path) -> None:
    """Layered, a generic.toml could no longer be rid of a built-in pattern that drops a
    newsletter's news (a review): ``inherit = false`` keeps its own patterns alone."""
    from service.ingest.rules import SOURCES_DIR

    body = ("<h2>Listen on Spotify, watch on YouTube: podcasts go video</h2><p>"
            + "Three big shows moved to video this month, and their audiences grew. " * 2
            + "</p><h2>Harbor board approves the ferry plan</h2><p>"
            + "The board voted for two electric ferries after a long meeting. " * 2 + "</p>")
    issue = parse_issue(("From: Desk <desk@harbor.example>\nTo: r@example.test\nSubject: "
                         "Harbor\nMessage-ID: <l-1@harbor.example>\nContent-Type: text/html;"
                         " charset=utf-8\n\n" + body).encode())
    assert "Listen on Spotify" not in " ".join(s.headline for s in segment(issue))
    (tmp_path / "generic.toml").write_text(
        'name = "generic"\n[housekeeping]\ninherit = false\nblocks = ["^unsubscribe"]\n',
        encoding="utf-8")
    mine = load_rules(SOURCES_DIR, tmp_path)
    assert next(s.headline for s in segment(issue, mine)).startswith("Listen on Spotify")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "generic.toml").write_text(
        'name = "generic"\n[housekeeping]\ninherit = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="inherit must be true or false"):
        load_rules(SOURCES_DIR, tmp_path / "bad")


def _sure(p: float) -> Trees:
    """A model of one leaf: every block gets ``p``."""
    raw = float(np.log(p / (1 - p)))
    return Trees(feature=np.zeros(1, dtype=np.int32), threshold=np.zeros(1),
                 left=np.zeros(1, dtype=np.int32), right=np.zeros(1, dtype=np.int32),
                 leaf=np.ones(1, dtype=bool), value=np.asarray([raw]),
                 roots=np.zeros(1, dtype=np.int32), baseline=0.0, drop_at=0.15, add_at=0.85)


def _issue_of(stories: int) -> bytes:
    html = "".join(f"<h2>Harbor board approves plan number {n}</h2><p>The board voted "
                   f"on plan {n} after a long meeting.</p><p>Work starts in spring.</p>"
                   for n in range(stories))
    return ("From: Desk <desk@harbor.example>\nTo: r@example.test\nSubject: Harbor\n"
            "Message-ID: <h-1@harbor.example>\nContent-Type: text/html; charset=utf-8\n\n"
            + html).encode()


def _cuts_of(issue: Issue) -> list[Cut]:
    """A story at each heading, as the engine cuts this issue."""
    cuts: list[Cut] = []
    for block in issue.blocks:
        if block.kind == "heading":
            cuts.append(Cut(block.text, "heading", []))
        cuts[-1].blocks.append(block)
    return cuts


@pytest.mark.parametrize("p", [0.01, 0.99])
def test_every_flip_at_once_loses_no_text_and_is_read_in_linear_time(p: float) -> None:
    """A story joined or started at each of 12,000 blocks: a start looked for its block in
    every story from the top (10 s here; 0.6 s with dictionaries, joins too)."""
    issue = parse_issue(_issue_of(4_000))
    engine = _cuts_of(issue)
    assert [c.headline for c in engine] == [s.headline for s in by_structure(issue, GENERIC)[0]]
    began = time.process_time()
    cuts, notes = starts.with_learned_starts(issue.blocks, None, "Harbor", engine, [], _sure(p))
    assert time.process_time() - began < 5.0
    assert [b for c in cuts for b in c.blocks] == list(issue.blocks)  # nothing lost or moved
    if p < 0.15:  # every start but the first joined to the one above
        assert len(cuts) == 1 and sum("joined" in n for n in notes) == 3_999
    else:  # every block inside a story starts one
        assert len(cuts) == 12_000 and sum("starts here" in n for n in notes) == 8_000


def _rewritten(tmp_path: Path, change: Callable[[dict[str, np.ndarray]], None]) -> Path:
    """The shipped model with its arrays changed and its card's sha256 made to match."""
    folder = tmp_path / "starts"
    shutil.copytree(CARD.parent, folder)
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    arrays = dict(np.load(folder / card["file"], allow_pickle=False))
    change(arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (folder / card["file"]).write_bytes(buffer.getvalue())
    card["sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return folder / "card.json"


def _self_loop(a: dict[str, np.ndarray]) -> None:
    a["left"][0] = 0  # the root its own child: a walk that never ends


def _nan(a: dict[str, np.ndarray]) -> None:
    a["value"][3] = np.nan


def _far(a: dict[str, np.ndarray]) -> None:
    a["feature"][0] = 999


@pytest.mark.parametrize(("change", "says"), [
    (_self_loop, "child is no later node"), (_nan, "not finite"),
    (_far, "feature that is not computed")])
def test_arrays_that_match_their_card_but_are_no_sound_trees_are_refused(
        tmp_path: Path, change: Callable[[dict[str, np.ndarray]], None], says: str) -> None:
    """(a review: a node pointing to itself hung every issue; NaN values switched the
    flips off unseen)"""
    with pytest.raises(ModelError, match=says):
        read_trees(_rewritten(tmp_path, change))


def test_a_card_of_another_shape_leaves_the_rules_alone_with_one_error_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shutil.copytree(CARD.parent, tmp_path / "starts")
    for card in ("[]", '{"file": null}', '"x"'):
        (tmp_path / "starts" / "card.json").write_text(card, encoding="utf-8")
        with caplog.at_level(logging.ERROR, logger="service.ingest.starts"):
            assert starts.trees_or_none(tmp_path / "starts" / "card.json") is None
    assert [r.message.startswith("story-start model not used") for r in caplog.records] == [
        True, True, True]


def test_learned_starts_on_a_separators_file_is_refused() -> None:
    with pytest.raises(ValueError, match='needs engine = "structure"'):
        _rules_from_toml({"name": "x", "stories": {"engine": "separators",
                                                    "learned_starts": True}})


def test_a_block_of_marks_alone_never_starts_a_story() -> None:
    """(the review: a model sure of it would give the story an empty headline)"""
    html = ("<h2>Harbor board approves plan</h2><p>The board voted on the plan.</p>"
            "<p>_ _</p><p>Work starts in spring, the chair said.</p>")
    issue = parse_issue(_issue_of(0) + html.encode())
    cuts, _ = starts.with_learned_starts(issue.blocks, None, "Harbor", _cuts_of(issue), [],
                                         _sure(0.99))
    assert [c.headline for c in cuts] == ["Harbor board approves plan",
                                          "The board voted on the plan.",
                                          "Work starts in spring, the chair said."]


def test_a_line_the_rules_say_is_no_headline_never_starts_a_story(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A newsletter's `not_headlines` is its own word: the model, sure as it may be, does
    not make a story of "Work starts in spring…" when the file says such lines are none."""
    html = ("<h2>Harbor board approves plan</h2><p>The board voted on the plan.</p>"
            "<p>Work starts in spring, the chair said.</p>")
    issue = parse_issue(_issue_of(0) + html.encode())
    cuts, notes = starts.with_learned_starts(
        issue.blocks, None, "Harbor", _cuts_of(issue), [], _sure(0.99),
        titles=lambda line: not line.startswith("Work starts"))
    assert [c.headline for c in cuts] == ["Harbor board approves plan",
                                          "The board voted on the plan."]
    assert notes[-1] == ("   no story starts here (learned, p=0.99, but the rules say it is "
                         "no headline): 'Work starts in spring, the chair said.'")
    (tmp_path / "harbor.toml").write_text(
        'name = "Harbor"\n[match]\nsenders = ["desk@harbor.example"]\n[stories]\n'
        "learned_starts = true\nnot_headlines = ['^work starts', '^the board voted']\n",
        encoding="utf-8")
    from service.ingest.rules import SOURCES_DIR

    monkeypatch.setattr(starts, "shipped_trees", lambda: _sure(0.99))  # sure of every block
    with_file = [s.headline for s in segment(issue, load_rules(SOURCES_DIR, tmp_path))]
    assert len(with_file) == 1  # the issue as one story: neither line starts one
    (tmp_path / "without").mkdir()  # (load_rules keeps each folder's rules)
    (tmp_path / "without" / "harbor.toml").write_text(
        'name = "Harbor"\n[match]\nsenders = ["desk@harbor.example"]\n[stories]\n'
        "learned_starts = true\n", encoding="utf-8")
    assert [s.headline for s in segment(issue, load_rules(SOURCES_DIR, tmp_path / "without"))
            ][1:] == [
        "The board voted on the plan.", "Work starts in spring, the chair said."]
