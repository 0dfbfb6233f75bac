"""The recipe's transfer features: paraphrase and counter cues, story shape, newsletter caps."""

from __future__ import annotations

import pickle
import random
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from service.classify import cue_counts, cues, tokens
from service.classify.cues import THEME_CUES, StoryShape, ThemeCues, lowered, split_cues
from service.classify.evaluation import EVALUATION, SCORED_AS
from service.classify.examples import Example, load_examples
from service.classify.model import Classifier
from service.classify.paraphrases import COUNTER_CUES, PARAPHRASE_CUES
from service.classify.recipe import (
    DEFAULT_PARAMS,
    LEGACY_PARAMS,
    build_pipeline,
    source_weights,
    train_model,
)
from service.classify.train import make_card, save_version
from service.domain import THEMES, Story
from tests.conftest import REPO

EXTRA_LABELS = REPO / "models" / "extra_labels.jsonl"


def _fired(cues: dict[str, dict[str, str]], text: str) -> set[tuple[str, str]]:
    counter = ThemeCues(split_cues(cues)).fit([])
    return {counter.names_[cue] for cue, _ in counter.hits(text)}


@pytest.mark.parametrize(("text", "expected"), [
    # Written for this test, no newsletter text: the definitions' words said otherwise.
    ("Deepfakes and voice-cloning scams target voters", ("safety", "deceptive media")),
    ("A lab adds watermarks to AI-generated content", ("safety", "content provenance")),
    ("Senators grill the ministry over the new rules", ("policy", "lawmakers")),
    ("Utility signs deal for a nuclear power plant to feed AI", ("compute", "energy for AI")),
    ("Robotaxis start service in a second city", ("robotics", "robots")),
    ("Uncrewed aircraft patrol the border at night", ("robotics", "flying")),
    ("Regulators clear UAS flights over crowds", ("robotics", "flying")),
])
def test_paraphrase_cues_catch_the_definitions_in_other_words(
        text: str, expected: tuple[str, str]) -> None:
    assert expected in _fired(PARAPHRASE_CUES, text)


def test_counter_cues_only_argue_against_a_theme() -> None:
    assert set(COUNTER_CUES) == {f"not {theme}" for theme in THEMES}
    fired = _fired(COUNTER_CUES, "Startup raises $40M in a Series B and launches its app")
    assert {("not compute", "a funding round"), ("not policy", "a product release")} <= fired
    assert not _fired(COUNTER_CUES, "Humanoid robot folds laundry")


def test_hacker_news_is_a_forum_not_hacking() -> None:
    """An essay discussed on Hacker News had safety 0.97 from "hacker" (sixteenth pass)."""
    assert cues.tokenize("Trending on Hacker News:\nhackers hack") == [
        "trending", "on", "hackernews", "\n", "hackers", "hack"]
    assert cues.lowered("Big on HACKER  NEWS") == "big on hackernews"
    assert cues.lowered("Hacker\u00a0News and Hacker\nNews") == "hackernews and hackernews"
    assert cues.headline_of("Hacker News loves it\nbody") == "hackernews loves it"
    assert not _fired(THEME_CUES, "An old essay on code reuse is back on Hacker News")
    assert ("safety", "hacking") in _fired(THEME_CUES, "A hacker broke into the lab's model")


def test_story_shape_tells_a_digest_item_from_an_essay() -> None:
    short, long = "Headline\nOne line of news.", "Headline\n" + "\n".join(["word " * 60] * 5)
    features = StoryShape().fit([]).transform([short, long])
    assert features.shape == (2, 3) and list(features[:, 1]) == [1.0, 0.0]
    assert features[0, 0] < features[1, 0] and features[0, 2] < features[1, 2]
    assert len(StoryShape().get_feature_names_out()) == 3


def _example(number: int, source: str, train_only: bool = False) -> Example:
    prefix = "extra-" if train_only else "s"
    return Example(f"{prefix}{number}", "text", (), f"{source}#{number}", source)


def test_source_weights_cap_what_one_newsletter_weighs() -> None:
    examples = ([_example(i, "Big") for i in range(300)] + [_example(i, "Small") for i in
                range(300, 340)] + [_example(i, "extra", train_only=True) for i in range(5)]
                + [_example(i, "") for i in range(400, 403)])
    weights = source_weights(examples, cap=150)
    assert np.allclose(weights[:300], 0.5)  # 300 stories weigh 150
    assert np.allclose(weights[300:], 1.0)  # under the cap, hand-written, no newsletter


def test_every_new_param_has_a_legacy_value_that_switches_it_off() -> None:
    for name in ("paraphrase_weight", "counter_weight", "shape_weight", "source_cap",
                 "subject_gate", "translated", "machine_gate"):
        assert name in DEFAULT_PARAMS and not LEGACY_PARAMS[name], name


@pytest.fixture(scope="module")
def two_newsletters(shared_dir: Path) -> list[Example]:
    labeled = shared_dir / "data" / "labeled"
    return load_examples([labeled / "importai.jsonl", labeled / "thursdai.jsonl",
                          EXTRA_LABELS])


def test_a_source_cap_changes_what_the_regression_learns(two_newsletters: list[Example]) -> None:
    params = {**DEFAULT_PARAMS, "source_cap": 0}
    plain = train_model(two_newsletters, params)
    capped = train_model(two_newsletters, {**params, "source_cap": 60})
    texts = [e.text for e in two_newsletters[:50]]
    assert not np.allclose(plain.predict_proba(texts), capped.predict_proba(texts))


def test_a_model_with_every_block_loads_and_explains_with_theme_words_only(
        two_newsletters: list[Example], tmp_path: Path) -> None:
    params = {**DEFAULT_PARAMS, "paraphrase_weight": 0.4, "counter_weight": 0.4,
              "shape_weight": 1.0, "source_cap": 100}
    metrics = {"macro_f1": 0.0, "evaluation": EVALUATION.format(folds=5),
               "scored_as": SCORED_AS}
    version = save_version(tmp_path, train_model(two_newsletters, params),
                           make_card(two_newsletters, metrics, params), today=date(2026, 12, 4))
    classifier = Classifier.load(tmp_path, version)
    # Written for this test: counter-cue words ("launches", "app") must never explain a tag.
    text = ("Startup launches an app that spots deepfakes and election disinformation\n"
            "The company says its app flags deepfakes of candidates and scams aimed at voters.")
    [tagged] = classifier.tag([Story(index=0, headline=text.split("\n")[0], text=text)])
    for theme, terms in tagged.explanations.items():
        assert all(term.lower() in text.lower() for term in terms), (theme, terms)
        assert not {"launches", "app", "startup", "company"} & {t.lower() for t in terms}


def test_cue_blocks_share_tokens_but_never_stale_ones() -> None:
    counter = ThemeCues(split_cues(PARAPHRASE_CUES)).fit([])
    batch = ["Robots fold laundry", "Senators debate a bill"]
    first = counter.transform(batch)
    assert np.array_equal(counter.transform(batch), first)  # the same batch again
    batch[0] = "Deepfakes target voters"  # the same list, changed in place
    changed = counter.transform(batch)
    assert not np.array_equal(changed[0], first[0]) and np.array_equal(changed[1], first[1])
    assert np.array_equal(changed, counter.transform(list(batch)))


def test_paraphrase_and_counter_cues_of_one_weight_share_a_block() -> None:
    def blocks(**changes: float) -> dict[str, float]:
        union = build_pipeline({**DEFAULT_PARAMS, **changes}).named_steps["features"]
        return dict(union.transformer_weights)

    shared = blocks(paraphrase_weight=0.4, counter_weight=0.4)
    assert "paraphrases" in shared and "counter" not in shared
    assert blocks(paraphrase_weight=0.4, counter_weight=0.7)["counter"] == 0.7
    assert "paraphrases" not in blocks(paraphrase_weight=0.0, counter_weight=0.0)


def test_hits_kept_while_tagging_are_the_hits_found_afresh() -> None:
    """A tagger's transform keeps each story's cue hits for its explanations: the same hits,
    in the same order, as matching the story again (phrases, repeats and line breaks too)."""
    counter = ThemeCues(split_cues(PARAPHRASE_CUES)).fit([])
    texts = ["Deepfake scams and deepfake robocalls\nregulators and the national security "
             "agency respond", "Utility builds a power plant for a server farm\n\nnuclear"]
    with cues.recording_hits():
        counter.transform(texts)
        kept = [counter.token_hits(tokens) for tokens in cues.batch_tokens(texts)]
    fresh = [counter.token_hits(cues.tokenize(text)) for text in texts]
    assert kept == fresh and all(kept)
    assert counter.hits(texts[0]) == fresh[0]  # outside a tagging, nothing is kept


def test_hits_kept_while_tagging_outlive_their_cue_cache() -> None:
    """A kept hit's words are made when an explanation asks; by then a later story of the
    batch (or another thread) may have filled the cue cache and replaced it: the words
    come from the cache that counted them (a KeyError, found by a review, before)."""
    counter = ThemeCues(split_cues(PARAPHRASE_CUES)).fit([])
    texts = ["Robots in the warehouse\nA gripper picks berries", "Senators debate a bill"]
    fresh = [counter.token_hits(cues.tokenize(text)) for text in texts]
    with cues.recording_hits():
        counter.transform(texts)
        cue_counts._CUE_CACHES[counter.lexicon_key_] = cue_counts._CueCache()  # as when full
        kept = [counter.token_hits(tokens) for tokens in cues.batch_tokens(texts)]
    assert kept == fresh and all(kept)


def test_a_cue_block_counts_a_word_it_learns_after_another_block_read_the_story() -> None:
    """Cue blocks find the places of their words in a story once for all of them: a word
    that only the second block is a cue of, new to every block, is still counted there."""
    first = ThemeCues({"safety": {"made-up": ["zorblax"]}}).fit([])
    second = ThemeCues({"safety": {"also made-up": ["quuxfrob", "frob quuxfrob"]}}).fit([])
    batch = ["The zorblax met a quuxfrob\nand frob quuxfrob again"]
    assert first.transform(batch)[0][0] == pytest.approx(np.log1p(1))
    assert second.transform(batch)[0][0] == pytest.approx(np.log1p(3))  # 2 words, 1 phrase
    assert np.array_equal(second.transform(batch), second.transform(list(batch)))


def test_a_word_is_a_mark_before_its_cue_cache_knows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another thread that finds a word in the cue cache does not learn it again: by then
    it must be a mark, or that thread's story loses the word's hits (a review's finding:
    the cache knew it first, and a thread read it between the two)."""
    counter = ThemeCues({"safety": {"made-up": ["blorptang"]}}).fit([])
    known_when_marked: list[bool] = []
    add = tokens.MARKS.add

    def spying_add(token: str, block_marks: set[str]) -> None:
        known_when_marked.append(token in cue_counts._CUE_CACHES[counter.lexicon_key_].tokens)
        add(token, block_marks)

    monkeypatch.setattr(tokens.MARKS, "add", spying_add)
    assert counter.transform(["A blorptang\nand another blorptang"])[0][0] == pytest.approx(
        np.log1p(2))
    assert known_when_marked == [False]


def test_a_block_counts_its_words_with_a_cache_replaced_while_it_tallies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When a cue cache fills up it is replaced, and the marks of every block shrink to the
    current caches' once they are too many: a block still tallying with the old cache (in
    another thread) finds its words' places itself, not among marks that dropped them."""
    counter = ThemeCues({"safety": {"made-up": ["quazzle"]}}).fit([])
    text = ["a quazzle here\nand a quazzle there"]
    expected = counter.transform(list(text))[0][0]
    learn = ThemeCues._learn

    def learn_then_replace(self: ThemeCues, types: set[str], cache: cue_counts._CueCache) -> None:
        learn(self, types, cache)
        monkeypatch.setattr(cue_counts, "_CACHE_LIMIT", -1)  # as another thread fills it up
        self._warm_cache()
        monkeypatch.setattr(cue_counts, "_CACHE_LIMIT", 200_000)

    monkeypatch.setattr(tokens.MARKS, "_limit", 1)  # a process past its limit of marks
    monkeypatch.setattr(ThemeCues, "_learn", learn_then_replace)
    assert counter.transform(list(text))[0][0] == pytest.approx(expected) == np.log1p(2)


def test_a_running_tagger_s_cue_cache_stays_bounded_however_many_words_it_meets() -> None:
    """A weekly service meets new words for ever (names, numbers, other languages): a
    cue cache starts afresh past 50,000 of them, where 200,000 let `newsalerts run` grow
    by 80 MiB; the words that are no cue share one entry."""
    counter = ThemeCues({"safety": {"made-up": ["snarfwidget"]}}).fit([])
    rng = random.Random(32)
    letters = "abcdefghijklmnopqrstuvwxyz"
    biggest = 0
    for _ in range(6):  # 60,000 words, 1,000 a story
        stories = [" ".join("".join(rng.choice(letters) for _ in range(12))
                            for _ in range(1_000)) + " snarfwidget" for _ in range(10)]
        assert counter.transform(stories)[:, 0] == pytest.approx(np.log1p(1))
        cache = cue_counts._CUE_CACHES[counter.lexicon_key_]
        biggest = max(biggest, len(cache.tokens) + len(cache.phrases))
    assert 40_000 < biggest <= 50_000 + 1_001  # a story's words may land past the limit
    assert {id(entry) for word, entry in cache.tokens.items()
            if word not in ("snarfwidget", "\n")} == {id(cue_counts._NO_CUE)}


def test_model_files_name_the_words_preprocessor_where_older_code_finds_it() -> None:
    assert b"service.classify.cues" in pickle.dumps(lowered)
    assert cues.lowered is tokens.lowered
