"""Loading a model only if it is ours, and tagging stories with it."""

from __future__ import annotations

import json
import math
import pickle
import re
import shutil
from pathlib import Path

import pytest
import sklearn
from click.testing import CliRunner

from service.classify import model_store
from service.classify.cues import ThemeCues
from service.classify.explain import AMOUNT, OTHER_SENSE
from service.classify.model import Classifier
from service.cli.classify import classify_command
from service.domain import THEMES, Story
from service.errors import ModelError, ModelIntegrityError
from tests.helpers import REPO

MODELS = REPO / "models"

# Written for these tests (no newsletter text): one obvious story per theme, and a recipe.
OBVIOUS = {
    "policy": (
        "Washington tightens export controls on AI chips to China",
        "The Commerce Department announced new export controls that stop companies from "
        "selling advanced AI chips to China without a license. Lawmakers in Congress said "
        "the rules close loopholes, and the government will review the regulation next year."),
    "compute": (
        "Startup switches on a 20,000 H100 GPU cluster",
        "A cloud startup has built a cluster of 20,000 NVIDIA H100 GPUs in a new datacenter, "
        "linked with InfiniBand. It can train a model with 10^25 FLOPs in a few weeks, and the "
        "hardware cost more than $600 million."),
    "robotics": (
        "Humanoid robot learns to unload a dishwasher",
        "Researchers trained a humanoid robot to unload a dishwasher using demonstrations "
        "collected by teleoperation. The robot's hands grasp plates and cups, and its walking "
        "policy was trained in simulation and transferred to the real robot (sim-to-real)."),
    "safety": (
        "Red teamers find a new jailbreak that makes chatbots explain bioweapons",
        "A red-teaming study found a jailbreak that gets language models to ignore their "
        "safety training and give hazardous advice. The researchers say the misuse risk is "
        "serious and that alignment techniques like RLHF do not remove the dangerous behavior."),
}
RECIPE = ("A quick tomato soup for cold evenings",
          "Soften an onion in butter, add two cans of tomatoes and a cup of stock, simmer for "
          "twenty minutes, then blend. Season with salt and a little sugar and serve with bread.")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load(MODELS)


def _story(headline: str, body: str, index: int = 0) -> Story:
    return Story(index=index, headline=headline, text=f"{headline}\n{body}")


@pytest.fixture
def model_copy(tmp_path: Path) -> tuple[Path, str]:
    """The active version copied to a scratch models dir, to be tampered with."""
    version = model_store.active_version(MODELS)
    assert version is not None, "no active model committed in models/"
    shutil.copytree(MODELS / version, tmp_path / version)
    model_store.set_active(tmp_path, version)
    return tmp_path, version


@pytest.mark.parametrize("theme", THEMES)
def test_committed_model_tags_an_obvious_story(classifier: Classifier, theme: str) -> None:
    [tagged] = classifier.tag([_story(*OBVIOUS[theme])])
    assert theme in tagged.themes, tagged.scores
    assert tagged.explanations[theme], "an assigned theme comes with the terms behind it"


def test_committed_model_leaves_a_recipe_untagged(classifier: Classifier) -> None:
    [tagged] = classifier.tag([_story(*RECIPE)])
    assert tagged.themes == ()
    assert tagged.explanations == {}


def test_tag_scores_every_theme_in_order(classifier: Classifier) -> None:
    stories = [_story(*OBVIOUS[t], index=i) for i, t in enumerate(THEMES)]
    tagged = classifier.tag(stories)
    assert [t.story for t in tagged] == stories
    for item in tagged:
        assert list(item.scores) == list(THEMES)
        assert all(0.0 <= s <= 1.0 for s in item.scores.values())
        assert item.model_version == classifier.version
        assert list(item.themes) == [t for t in THEMES if t in item.themes]
        assert set(item.explanations) == set(item.themes)


def test_explanations_are_words_from_the_story(classifier: Classifier) -> None:
    [tagged] = classifier.tag([_story(*OBVIOUS["compute"])])
    terms = tagged.explanations["compute"]
    assert 1 <= len(terms) <= 5
    assert all(":" not in term and "__" not in term for term in terms), terms
    assert any(word in " ".join(terms).lower() for word in ("gpu", "h100", "cluster", "flops"))


def test_every_explanation_term_occurs_in_its_story(classifier: Classifier,
                                                     shared_dir: Path) -> None:
    """Over every shared labeled story: a reader can find each term in the story."""
    rows = [json.loads(line) for path in sorted((shared_dir / "data" / "labeled").glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]
    stories = [Story(index=0, headline=row["headline"], text=row["text"]) for row in rows]
    tagged = classifier.tag(stories)
    explained = 0
    for row, item in zip(rows, tagged, strict=True):
        for theme, terms in item.explanations.items():
            assert len(terms) <= 4
            missing = [term for term in terms  # as whole words: not "eu" in "European"
                       if not re.search(rf"(?<!\w){re.escape(term)}(?!\w)", row["text"])]
            assert not missing, (row["id"], theme, terms)
            explained += bool(terms)
    # 347 of 358 (346 before a tag with no pushing cue named its theme's words anyway, 349
    # before amounts such as "$3.5" were no terms: two tags had only those); the rest hold
    # none of their theme's cue words ("chancellor", "trademark").
    assert explained >= 0.965 * sum(len(item.themes) for item in tagged)


def test_explanations_carry_the_theme_not_cue_names_or_filler(classifier: Classifier) -> None:
    # Written for this test (no newsletter text): a digest item about drones.
    headline = "Startup shows drones that inspect power lines"
    body = ("The company says its drones are easy to deploy and especially useful after "
            "storms; a demo showed one drone hacking nothing but powered through rain.")
    [tagged] = classifier.tag([_story(headline, body)])
    assert "robotics" in tagged.themes
    terms = tagged.explanations["robotics"]
    assert any("drone" in term for term in terms), terms
    assert not {"sim2real", "easy", "especially", "powered"} & set(terms), terms


def test_an_amount_is_no_explanation(classifier: Classifier) -> None:
    """ "compute: chips, $1.3, power, TSMC" (a new operator's review): the amount may weigh
    in the model, but it says nothing of the theme to a reader."""
    headline = "A cloud startup raises money for GPUs"
    body = ("The company raised $1.3 billion to build data centers and buy GPUs, and says its "
            "next cluster will draw 2025 megawatts of power.")
    [tagged] = classifier.tag([_story(headline, body)])
    assert "compute" in tagged.themes
    terms = tagged.explanations["compute"]
    assert terms and not {"$1.3", "billion", "2025", "$1.3 billion"} & set(terms), terms


@pytest.mark.parametrize("term", ["$600-ish", "dollars", "billion-parameter",
                                  "10-billion-parameter", "$1.3", "2025", "billion"])
def test_amounts_with_their_unit_or_what_they_count_are_amounts(term: str) -> None:
    """The editor's probe: "$600-ish" and "billion-parameter" were shown as compute's terms."""
    assert AMOUNT.match(term)


@pytest.mark.parametrize("term", ["chips", "H100", "export controls", "parameter", "data",
                                  "10-K", "8-K", "100-m", "-"])  # (filings, a race: the review)
def test_words_are_no_amounts(term: str) -> None:
    assert not AMOUNT.match(term)


def test_a_compound_whose_cue_part_means_something_else_is_no_term(
        classifier: Classifier) -> None:
    """The editor's probe: "distributed fine-tuning" explained a `policy` tag (its "fine")."""
    headline = "Congress asks about fine-tuning"
    body = ("Senators asked AI labs whether fine-tuning by customers shifts who is liable under "
            "the law.")
    [tagged] = classifier.tag([_story(headline, body)])
    assert "policy" in tagged.themes, tagged.scores
    terms = [term.lower() for term in tagged.explanations["policy"]]
    assert terms and "fine-tuning" not in terms, terms
    assert OTHER_SENSE.match("fine-tuned") and not OTHER_SENSE.match("fines")


def test_score_matches_tag(classifier: Classifier) -> None:
    headline, body = OBVIOUS["policy"]
    [scores] = classifier.score([f"{headline}\n{body}"])
    [tagged] = classifier.tag([_story(headline, body)])
    assert scores == pytest.approx(tagged.scores)
    assert classifier.score([]) == [] and classifier.tag([]) == []


def _pickle_only(folder: Path) -> None:
    """The version as saved before compiled.py: a card naming its pickle alone."""
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    for field in ("arrays", "arrays_format", "arrays_sha256"):
        card.pop(field)
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    (folder / "model.npz").unlink()


@pytest.mark.parametrize("name", ["model.npz", "model.joblib"])
def test_model_file_altered_by_one_byte_is_refused(model_copy: tuple[Path, str],
                                                   name: str) -> None:
    models_dir, version = model_copy
    if name == "model.joblib":
        _pickle_only(models_dir / version)
    path = models_dir / version / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=rf"{re.escape(name)}.*does not match its card"):
        Classifier.load(models_dir)


def test_card_of_another_sklearn_version_is_refused_for_a_pickle(
        model_copy: tuple[Path, str]) -> None:
    models_dir, version = model_copy
    _pickle_only(models_dir / version)
    _edit_card(models_dir / version, sklearn_version="0.24.2")
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2") as caught:
        Classifier.load(models_dir)
    assert not isinstance(caught.value, ModelIntegrityError)


def test_card_with_other_labels_is_refused(model_copy: tuple[Path, str]) -> None:
    models_dir, version = model_copy
    _edit_card(models_dir / version, labels=["safety", "policy", "compute", "sports"])
    with pytest.raises(ModelError, match="sports"):
        Classifier.load(models_dir)


@pytest.mark.parametrize("field", ["arrays", "file"])
def test_card_naming_a_file_outside_its_folder_is_refused(model_copy: tuple[Path, str],
                                                          field: str) -> None:
    models_dir, version = model_copy
    if field == "file":
        _pickle_only(models_dir / version)
    _edit_card(models_dir / version, **{field: f"../{version}/model.npz"})
    with pytest.raises(ModelIntegrityError, match="unsafe"):
        Classifier.load(models_dir)


def test_active_pointer_cannot_escape_the_models_dir(model_copy: tuple[Path, str]) -> None:
    models_dir, version = model_copy
    (models_dir / "ACTIVE").write_text(f"../{models_dir.name}/{version}\n", encoding="utf-8")
    with pytest.raises(ModelError, match="not a model version name"):
        Classifier.load(models_dir)


def test_missing_active_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no active model"):
        Classifier.load(tmp_path)


def test_committed_card_matches_its_model_and_this_sklearn() -> None:
    version = model_store.active_version(MODELS)
    assert version is not None
    card = model_store.read_card(MODELS, version)
    assert card["sha256"] == model_store.file_sha256(MODELS / version / card["file"])
    assert card["sklearn_version"].split(".")[:2] == sklearn.__version__.split(".")[:2]
    assert card["metrics"]["evaluation"] == "grouped 5-fold CV by issue"


def test_classify_command_writes_the_contract_shape(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a1", "text": "\n".join(OBVIOUS["robotics"])}),
             "{not json",
             json.dumps({"id": 7, "text": "\n".join(RECIPE)}),
             json.dumps({"text": "no id"}),
             "",
             json.dumps({"id": "c", "text": ["not", "a", "string"]})]
    result = CliRunner().invoke(classify_command, ["--models-dir", str(MODELS)],
                                input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["a1", 7]
    for row in rows:
        assert set(row) == {"id", "themes", "scores"}
        assert list(row["scores"]) == list(THEMES)
        assert all(isinstance(s, float) and 0 <= s <= 1 for s in row["scores"].values())
        assert all(t in THEMES for t in row["themes"])
    assert rows[0]["themes"] == ["robotics"] and rows[1]["themes"] == []
    for number in (2, 4, 6):
        assert f"line {number}:" in result.stderr
    assert "3 bad line(s)" in result.stderr


def test_classify_command_reads_a_file(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", "text": "\n".join(OBVIOUS["policy"])}) + "\n",
                      encoding="utf-8")
    result = CliRunner().invoke(classify_command, [str(source), "--models-dir", str(MODELS)])
    assert result.exit_code == 0, result.output
    assert "policy" in json.loads(result.stdout)["themes"]


def test_classify_command_reads_a_headline_as_the_first_line(tmp_path: Path) -> None:
    """A label file's line, {"id", "headline", "text"}, is scored as the pipeline gives the
    story: the headline on a line of its own above the text (once, if the text has it)."""
    headline, body = OBVIOUS["compute"]
    lines = [{"id": "headline", "headline": headline, "text": body},
             {"id": "joined", "text": f"{headline}\n{body}"},
             {"id": "repeated", "headline": headline, "text": f"{headline}\n{body}"},
             {"id": "body", "text": body},
             {"id": "bad", "headline": ["no"], "text": body}]
    result = CliRunner().invoke(classify_command, ["--models-dir", str(MODELS)],
                                input="".join(json.dumps(line) + "\n" for line in lines))
    assert result.exit_code == 0, result.output
    scores = {row["id"]: row["scores"] for row in map(json.loads, result.stdout.splitlines())}
    assert scores["headline"] == scores["joined"] == scores["repeated"] != scores["body"]
    assert 'line 5: "headline" not a string' in result.stderr


def test_classify_command_without_a_model_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(classify_command, ["--models-dir", str(tmp_path)], input="")
    assert result.exit_code != 0 and "no active model" in result.output


def test_theme_cues_count_phrases_headlines_and_hyphenated_words() -> None:
    cues = ThemeCues({"compute": {"GPUs": ["gpus?"], "datacenters": ["data cent(er|re)s?"]},
                      "robotics": {"robots": [r"robot\w*"]}}).fit([])
    names = list(cues.get_feature_names_out())
    row = cues.transform(["GPU-powered data centers\nRobots, a GPU and a data centre."])[0]
    value = dict(zip(names, row, strict=True))
    assert value["compute:GPUs"] == pytest.approx(math.log1p(2))
    assert value["compute:datacenters"] > 0 and value["robotics:robots"] > 0
    assert value["compute:summary:headline"] > value["robotics:summary:headline"] == 0
    restored = pickle.loads(pickle.dumps(cues))  # noqa: S301 - our own bytes
    assert list(restored.transform(["A robot."])[0]) == list(cues.transform(["A robot."])[0])


def _edit_card(folder: Path, **changes: object) -> None:
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    card.update(changes)
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")


def test_classify_command_reads_bytes_that_are_not_utf8_as_one_bad_line() -> None:
    """A line that is not UTF-8 was a traceback; a byte-order mark hid line 1 as not JSON."""
    good = json.dumps({"id": "g", "text": "\n".join(OBVIOUS["robotics"])}).encode()
    data = b"\xef\xbb\xbf" + good + b"\n\xff\xfe{\"id\"\n" + good + b"\n"
    result = CliRunner().invoke(classify_command, ["--models-dir", str(MODELS)], input=data)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["g", "g"]
    assert "line 2: not UTF-8" in result.stderr and "1 bad line(s)" in result.stderr


def test_classify_command_that_tags_nothing_fails() -> None:
    result = CliRunner().invoke(classify_command, ["--models-dir", str(MODELS)],
                                input="From: an email, not JSON lines\nSubject: x\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith(
        "Error: ModelError: none of the 2 line(s) is a story to tag")
