"""The subject gate: safety, policy and compute only for stories about AI (subject.py).

Every story here was written for this test (no newsletter text).
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sqlalchemy import select

from service.classify.compiled import CompiledModel, export
from service.classify.examples import load_examples
from service.classify.model import Classifier
from service.classify.recipe import DEFAULT_PARAMS, LEGACY_PARAMS, build_pipeline, train_model
from service.classify.subject import (
    ACRONYMS,
    GATED_FACTOR,
    GATED_THEMES,
    WORDS,
    AboutAI,
    SubjectGate,
    about_ai,
)
from service.context import Context
from service.db import tables
from service.db.database import transaction
from service.domain import THEMES, RawMessage, Story
from service.errors import ModelError
from service.ingest.pipeline import PollSummary, handle_message
from tests.conftest import REPO
from tests.helpers import SHARED
from tests.mail import issue_email

# (not about AI, the same story about AI): a security, a government and a hardware story.
PAIRS = [
    ("Hospital chain hit by ransomware\nAttackers encrypted patient records and demanded "
     "payment; the FBI is investigating the breach and urges staff to patch their servers.",
     "Hospital chain hit by AI-written ransomware\nAttackers used a chatbot to write the "
     "malware that encrypted patient records; the FBI is investigating the breach."),
    ("Senate passes a bill on broadband subsidies\nThe Senate voted 62-38 to fund rural "
     "broadband; the House must now pass the bill before the president can sign it.",
     "Senate passes a bill on AI disclosures\nThe Senate voted 62-38 to require labels on "
     "AI-generated political ads; the House must now pass the bill."),
    ("Power supplier upgrades its grid\nThe utility is spending $2bn on substations and "
     "transmission lines to meet demand from new factories.",
     "Power supplier upgrades its grid for AI data centers\nThe utility is spending $2bn on "
     "substations to feed three new GPU clusters."),
]


@pytest.mark.parametrize("text", [
    "Maybe we will finally learn how A.I. works",
    "OpenAI signs a contract with a defence ministry",
    "Lawmakers question chatbot makers about teen users",
    "A foundation model for weather forecasts",
    "Export controls tighten on GPUs",
    "Robotaxis start service in a second city",
    "TSMC adds a fab in Arizona",
    "A new image model turns sketches into photos",
    "The lab disbands its superalignment team",
    "Publishers sue over the use of their books as training data",
    # found by the review of the first version, which missed each of these
    "Researchers show misaligned AIs can deceive their overseers",
    "Character.AI is sued over a teenager's death",
    "new ai rules take effect in the eu",  # any case
    "A cloud firm orders 500,000 H100s for a new cluster",
    "The chipmaker ships MI300X parts to a cloud",
    "Senators want testing of frontier systems before release",
    "An artificial\u00a0intelligence act passes",  # a no-break space
    "Intel cuts 15% of its staff",
    # from the fifth stand-in: missed by `2026-12-05-6`, so their policy and compute were held
    "A hearing on export control loopholes for chipmaking tools",
    "The memory maker's HBM sales reach a $6 billion run rate",
    "A jury finds the carmaker's Autopilot did not fail",
])
def test_about_ai_reads_the_domain_of_the_themes(text: str) -> None:
    assert about_ai(text)


@pytest.mark.parametrize("text", [
    "Hospital hit by ransomware; patch your servers",
    "Supreme Court limits the agency's power to regulate emissions",
    "Fashion models walk out over pay",
    "The retailer said it would email customers",
    # other meanings of words of AI's domain, found by the review of the first version
    "Threat intel firm says the ransomware gang is back",
    "US intel officials warn of election interference",
    "The IRS raises the AGI limit for the credit",
    "Hungary's alignment with Russia worries Brussels",
    "Protests in the Xinjiang Uyghur Autonomous Region",
    "Jean-Claude Juncker speaks in Strasbourg",
    "Gemini exchange fined by the regulator",
    "The copilot locked the captain out of the cockpit",
    "Hackers leak datasets of 10 million patients",
    "NIST standardises new encryption algorithms",
    # and from the read-through of the second
    "Potato chips prices rise as the harvest fails",
    "Senators compute the cost of the farm bill",
    "Factory automation cuts jobs at the mill",
    "A court rules on intelligent design in schools",
    # a phone's jailbreak (the fifth stand-in: tagged `safety` 1.0 by `2026-12-05-6`)
    "Apple patches an iPhone jailbreak zero-day",
    # the read-through: lower-case "autopilot" is a plane's, or a figure of speech
    "The pilots had engaged the autopilot before the stall",
    "The economy is on autopilot",
])
def test_about_ai_is_false_without_it(text: str) -> None:
    assert not about_ai(text)


def test_the_active_model_reads_the_words_of_this_module(tagger: Classifier) -> None:
    """The tests above describe the active model only if it was trained with these words
    (a model keeps its own); editing them means training a new version."""
    [about] = [block for block in tagger.model.blocks if block.name == "subject"]
    assert about.kind == "about_ai"
    assert (about.params["acronyms"], about.params["words"]) == (ACRONYMS, WORDS)


def test_every_labeled_story_with_a_gated_theme_is_about_ai() -> None:
    """The gate costs the labeled newsletters almost nothing: of their 722 stories, two
    with a gated theme name nothing of AI's domain (a state's fake-account campaign, and
    a tale of "awful power")."""
    missed = []
    for path in sorted((SHARED / "data" / "labeled").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if set(row["themes"]) & set(GATED_THEMES) and not about_ai(row["text"]):
                missed.append(row["id"])
    assert len(missed) <= 2, missed


def test_the_gate_scales_gated_themes_of_stories_not_about_ai() -> None:
    examples = load_examples([REPO / "models" / "extra_labels.jsonl"])
    gated = train_model(examples, {"subject_gate": True, "machine_gate": False})
    plain = train_model(examples, {"subject_gate": False, "machine_gate": False})
    texts = [text for pair in PAIRS for text in pair]
    with_gate, without = gated.predict_proba(texts), plain.predict_proba(texts)
    columns = [THEMES.index(theme) for theme in GATED_THEMES]
    for row, text in enumerate(texts):
        expected = without[row].copy()
        if not about_ai(text):
            expected[columns] *= GATED_FACTOR
        np.testing.assert_allclose(with_gate[row], expected, rtol=1e-9)
    robotics = THEMES.index("robotics")  # not this gate's: machines act whether or not AI does
    np.testing.assert_allclose(with_gate[:, robotics], without[:, robotics], rtol=1e-9)


def test_the_regressions_do_not_see_the_subject_feature() -> None:
    pipeline = build_pipeline({**DEFAULT_PARAMS, "subject_gate": True, "machine_gate": False})
    features = pipeline.named_steps["features"]
    assert features.transformer_list[-1][0] == "subject"  # last: the gate reads it there
    examples = load_examples([REPO / "models" / "extra_labels.jsonl"])
    model = train_model(examples, {"subject_gate": True, "machine_gate": False})
    width = model.named_steps["features"].transform(["x"]).shape[1]
    gate = model.named_steps["model"]
    assert isinstance(gate, SubjectGate)
    assert all(e.coef_.shape[1] == width - 1 for e in gate.estimators_)


def test_the_gate_refuses_features_whose_last_column_is_not_about_ai() -> None:
    """A bench that appended columns of its own after AboutAI's had every story gated."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    rows = np.array([[0.3, 1.0], [0.9, 0.0], [0.1, 1.0], [0.7, 1.0]])
    labels = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1]])
    gate = SubjectGate(OneVsRestClassifier(LogisticRegression())).fit(rows, labels)
    with pytest.raises(ValueError, match="AboutAI"):
        SubjectGate(OneVsRestClassifier(LogisticRegression())).fit(rows[:, ::-1], labels)
    with pytest.raises(ValueError, match="features"):
        gate.predict_proba(np.hstack([rows, rows]))
    assert clone(gate).get_params()["factor"] == GATED_FACTOR
    assert not hasattr(clone(gate), "estimator_")  # fitting clones the regressions


def test_about_ai_feature() -> None:
    values = AboutAI().fit([]).transform(["An AI lab", "A bakery"])
    assert values.tolist() == [[1.0], [0.0]]
    assert list(AboutAI().get_feature_names_out()) == ["subject:about_ai"]


def test_a_model_keeps_the_words_it_was_trained_with(tmp_path: Path) -> None:
    """Like its cue lexicons: editing subject.py's words changes only models trained after."""
    own = AboutAI(acronyms="XYZ", words="bakery")
    joblib.dump(own, tmp_path / "about.joblib")
    loaded = joblib.load(tmp_path / "about.joblib")
    assert loaded.transform(["A bakery", "An AI lab", "XYZ"]).tolist() == [[1.0], [0.0], [1.0]]


def test_older_recipes_rebuild_without_the_gate() -> None:
    assert LEGACY_PARAMS["subject_gate"] is False and DEFAULT_PARAMS["subject_gate"] is True
    assert LEGACY_PARAMS["machine_gate"] is False and DEFAULT_PARAMS["machine_gate"] is True
    pipeline = build_pipeline({**DEFAULT_PARAMS, **LEGACY_PARAMS})
    assert not isinstance(pipeline.named_steps["model"], SubjectGate)


def test_the_active_model_tags_only_the_ai_version_of_each_story(tagger: Classifier) -> None:
    tagged = tagger.tag([Story(index=i, headline="", text=text)
                         for i, text in enumerate(text for pair in PAIRS for text in pair)])
    wanted = ["safety", "policy", "compute"]
    for (plain, about), theme in zip(zip(tagged[::2], tagged[1::2], strict=True), wanted,
                                     strict=True):
        assert theme not in plain.themes, plain.story.text
        assert theme in about.themes, about.story.text
        # only a story not about AI is held, and only where the words alone would tag
        assert about.held == ()
        assert set(plain.held) <= {t for t in GATED_THEMES if plain.scores[t] < 0.5}
        # the explanation is words of the story, not the gate's feature
        assert about.explanations[theme]
        assert all(term.lower() in about.story.text.lower()
                   for term in about.explanations[theme])
    # the words alone tag the broadband bill `policy`: the gate held it, the page says so
    assert tagged[2].held == ("policy",), tagged[2].scores


def test_the_pipeline_stores_the_themes_the_gate_held(context: Context,
                                                      tagger: Classifier) -> None:
    plain, about = (text.split("\n", 1) for text in PAIRS[1])
    raw = RawMessage(issue_email(1, stories=[(plain[0], plain[1]), (about[0], about[1])]),
                     "test://held")
    handle_message(context, raw, tagger, PollSummary())
    with transaction(context.sessions) as session:
        held = {(story.index, row.theme): row.held
                for story in session.scalars(select(tables.Story)) for row in story.themes}
    assert held[(0, "policy")] and not held[(1, "policy")]
    assert not any(held[(1, theme)] for theme in THEMES)


def test_a_model_without_a_gate_holds_nothing(tmp_path: Path) -> None:
    examples = load_examples([SHARED / "data" / "labeled" / "importai.jsonl"])
    legacy = train_model(examples, {**DEFAULT_PARAMS, **LEGACY_PARAMS})
    classifier = Classifier(version="legacy", themes=THEMES,
                            thresholds=dict.fromkeys(THEMES, 0.5),
                            model=CompiledModel.from_bytes(export(legacy)))
    tagged = classifier.tag([Story(index=0, headline="", text=PAIRS[1][0])])
    assert tagged[0].held == ()
    assert "policy" in tagged[0].themes  # the words alone tag the plain story


def test_a_threshold_the_gate_cannot_keep_under_is_refused() -> None:
    with pytest.raises(ModelError, match="subject gate"):
        build_pipeline({**DEFAULT_PARAMS, "threshold": GATED_FACTOR})
