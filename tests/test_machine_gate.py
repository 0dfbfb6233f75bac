"""The robotics gate: robotics only for stories that name a machine acting in the physical
world (subject.py's AboutMachines), wrapped around the AI gate.

Every story here was written for this test (no newsletter text).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from service.classify.compiled import CompiledModel, export
from service.classify.examples import load_examples
from service.classify.machines import (
    MACHINE_ACRONYMS,
    MACHINE_WORDS,
    MACHINE_WORDS_EVERYWHERE,
    AboutMachines,
    about_machines,
)
from service.classify.model import Classifier
from service.classify.recipe import DEFAULT_PARAMS, build_pipeline, train_model
from service.classify.subject import GATED_FACTOR, gates
from service.domain import THEMES, Story
from tests.conftest import REPO
from tests.helpers import SHARED


@pytest.mark.parametrize("text", [
    "A humanoid robot folds laundry in a home trial",
    "The Pentagon says its bases are open to uncrewed aircraft",
    "Regulators review UAS flights over stadiums",
    "Waymo opens driverless rides to the public",
    "The startup's gripper picks soft fruit",
    "Une flotte de véhicules autonomes arrive à Lyon",
    "Neue Roboter für die Lagerhalle",
    "物流倉庫にドローンを導入",
    "자율주행 버스가 운행을 시작했다",
    "An AV company raises a Series F",
    "A bionic arm that grips a cup",
    # a read-only review of the first list: real robotics stories it held under
    "Locus raises money for its AMRs in warehouses",
    "Automated guided vehicles move pallets at the port",
    "Automated forklifts fill the new warehouse",
    "Warehouse picking gets faster with a new grasp planner",
    "Google DeepMind's RT-2 turns web knowledge into actions",
    "Tesla's self driving software gets a v13 update",
    "tesla autopilot crash under investigation",
    "A vision-language-action model for household chores",
    "iRobot cuts jobs as Roomba sales fall",
    "The AV-maker raises money",
    "Ａ ＡＶ startup in Tokyo",
    "Une voiture sans conducteur percute un bus à Paris",
    "Un coche sin conductor circula por Madrid",
    "Carro sem motorista circula em São Paulo",
    "Unbemannte Luftfahrzeuge über dem Stadion",
    "Vehículos aéreos no tripulados vigilan la frontera",
    "Teleoperacja ramion przemysłowych",
    "机械臂在工厂里分拣包裹",
    "マニピュレータで部品を把持する",
    "자율 주행 차량이 서울에서 운행을 시작했다",
    "로보 택시가 운행을 시작했다",
])
def test_about_machines(text: str) -> None:
    assert about_machines(text)


@pytest.mark.parametrize("text", [
    # an automaker's new plant had robotics 0.80 ("manufacturing"), quiet electric cars 0.51
    "An electric automaker plans a second manufacturing plant in Georgia",
    "How quieter electric cars can make cities calmer",
    "A land rover and a pickup top the sales charts",
    "The factory will make batteries from next spring",
    "Marketing automation tools get an AI assistant",
    # the review's: words that also mean something else
    "The A17 Bionic chip speeds up photos",
    "Optimus Alpha tops the chatbot arena",
    "Regulators bring market manipulation charges",
    "A three-legged stool of growth",
    "Embodied carbon in new datacenters",
    "Autonomous AI agents book flights",
    "The Autonomous Region of Madrid votes",
    "The economy is on Autopilot",
    "Une nouvelle voiture électrique",
    "新しい自動車の販売が伸びた",
    "자동차 판매가 늘었다",
])
def test_not_about_machines(text: str) -> None:
    assert not about_machines(text)


def test_other_languages_only_for_a_translated_recipe() -> None:
    """A recipe without translations keeps the English words alone, as its cues do."""
    for text in ("Neue Drohnen für die Lagerhalle", "物流倉庫にドローンを導入"):
        assert about_machines(text)
        assert not about_machines(text, words=MACHINE_WORDS)
    english = build_pipeline({**DEFAULT_PARAMS, "translated": False})
    about = dict(english.named_steps["features"].transformer_list)["machines"]
    assert about.words == MACHINE_WORDS


def test_an_acronym_counts_in_capitals_only() -> None:
    assert about_machines("The AV startup raises money")
    assert not about_machines("Le av. de la gare est fermé")


def test_every_labeled_robotics_story_names_a_machine() -> None:
    """The gate costs the labeled newsletters next to nothing: one robotics story of 58
    names no machine (a paper's card, "Video Language Planning", with a "Librarian Bot")."""
    missed = []
    for path in sorted((SHARED / "data" / "labeled").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if "robotics" in row["themes"] and not about_machines(row["text"]):
                missed.append(row["id"])
    assert len(missed) <= 1, missed


STORIES = [
    "Rivet Motors plans a second factory\nThe electric carmaker will build pickups and "
    "vans at a new manufacturing plant, with production lines for cars from 2027.",
    "Warehouse robots learn to pick soft fruit\nA robot arm with a soft gripper sorts "
    "berries in a logistics warehouse, trained in simulation and deployed on real robots.",
    "Drones patrol the border\nUncrewed aircraft fly along the border at night.",
    "A new chip for AI datacenters\nThe GPU maker's accelerator doubles training throughput.",
]


def test_the_gate_scales_robotics_of_stories_naming_no_machine() -> None:
    examples = load_examples([REPO / "models" / "extra_labels.jsonl"])
    gated = train_model(examples, {"machine_gate": True})
    plain = train_model(examples, {"machine_gate": False})
    with_gate, without = gated.predict_proba(STORIES), plain.predict_proba(STORIES)
    robotics = THEMES.index("robotics")
    for row, text in enumerate(STORIES):
        expected = without[row].copy()
        if not about_machines(text):
            expected[robotics] *= GATED_FACTOR
        np.testing.assert_allclose(with_gate[row], expected, rtol=1e-9)
    assert not about_machines(STORIES[0]) and about_machines(STORIES[1])


def test_the_robotics_gate_wraps_the_ai_gate() -> None:
    pipeline = build_pipeline(DEFAULT_PARAMS)
    names = [name for name, _ in pipeline.named_steps["features"].transformer_list]
    assert names[-2:] == ["subject", "machines"]  # each gate reads the last column it gets
    outer, inner = gates(pipeline.named_steps["model"])
    assert (outer.themes, inner.themes) == (("robotics",), ("safety", "policy", "compute"))
    model = train_model(load_examples([REPO / "models" / "extra_labels.jsonl"]))
    features = model.named_steps["features"].transform(STORIES)
    width = features.shape[1]
    assert all(e.coef_.shape[1] == width - 2 for e in model.named_steps["model"].estimators_)
    levels = CompiledModel.from_bytes(export(model)).transform(STORIES).about
    assert [list(about) for about in levels] == [[False, True, True, False],
                                                 [False, True, True, True]]


def test_the_active_model_holds_robotics_of_a_story_naming_no_machine(
        tagger: Classifier) -> None:
    assert tagger.model.gates[0] == (GATED_FACTOR, ("robotics",))  # the outermost gate
    about = tagger.model.blocks[-1]  # its column, the last
    assert about.name == "machines" and about.kind == "about_machines"
    assert (about.params["acronyms"], about.params["words"]) == (MACHINE_ACRONYMS,
                                                                 MACHINE_WORDS_EVERYWHERE)
    plant, robots = tagger.tag([Story(index=i, headline="", text=text)
                                for i, text in enumerate(STORIES[:2])])
    assert "robotics" not in plant.themes and plant.scores["robotics"] < 0.5
    assert set(plant.held) <= {"robotics"}
    assert "robotics" in robots.themes and robots.held == ()
    assert all(term.lower() in robots.story.text.lower()
               for term in robots.explanations["robotics"])


def test_about_machines_feature() -> None:
    values = AboutMachines().fit([]).transform(["A robot lab", "A bakery"])
    assert values.tolist() == [[1.0], [0.0]]
    assert list(AboutMachines().get_feature_names_out()) == ["subject:about_machines"]
