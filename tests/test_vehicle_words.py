"""Self-driving and drone stories in the words their letters use: "AV", "robotaxi", "sUAS",
the makers' names (a twenty-fifth stand-in's ten robotics misses came from one self-driving
letter; models/README.md, twentieth pass).

Every story here was written for this test (no newsletter text).
"""

from __future__ import annotations

import pytest

from service.classify.model import Classifier
from service.classify.subject import about_ai
from service.domain import Story

AV_STORIES = [
    "The company's AVs return to Houston\nIts AVs will carry paying riders again next month, "
    "after a year off the road, with a safety driver in each car at first.",
    "Zoox expands to Austin\nZoox will start testing its purpose-built robotaxis in Austin and "
    "Miami this summer, mapping the streets before it offers rides.",
    "A utility's sUAS fleet gets a night waiver\nThe regulator let the utility fly its small "
    "UAS after dark to inspect power lines, a first for the state.",
]


@pytest.mark.parametrize("text", [
    "Regulators open a probe into the company's AVs after a crash",
    "Zoox recalls 270 of its vehicles",
    "A robo-taxi blocks an ambulance in San Francisco",
    "FSD v13 reaches more drivers",
    "The FAA grants a night waiver for sUAS flights",
    "DJI is added to the entity list",
])
def test_about_ai_knows_the_words_of_self_driving(text: str) -> None:
    assert about_ai(text)


def test_av_in_lower_case_is_no_vehicle() -> None:
    assert not about_ai("Tel Aviv's av-club screens a film on the economy")


@pytest.mark.parametrize("text", AV_STORIES)
def test_the_active_model_tags_av_stories_robotics(tagger: Classifier, text: str) -> None:
    [tagged] = tagger.tag([Story(index=0, headline=text.split("\n")[0], text=text)])
    assert "robotics" in tagged.themes, tagged.scores
    terms = [term.lower() for term in tagged.explanations["robotics"]]
    assert any(term in {"avs", "robotaxis", "zoox", "suas", "uas"} for term in terms), terms


@pytest.mark.parametrize("text", [
    "A new AV receiver for home theaters\nThe receiver supports eight channels of audio and "
    "three HDMI inputs, and costs $499.",
    # the review of the first version, which read any "av" as a vehicle: 0.98 and 0.90
    "School AV club wins regional prize\nThe students' AV club filmed and edited the winning "
    "documentary with donated cameras.",
    "Conference venue upgrades its AV\nThe venue replaced its projectors, microphones and "
    "speakers ahead of the autumn season.",
])
def test_audio_and_video_gear_is_not_robotics(tagger: Classifier, text: str) -> None:
    [tagged] = tagger.tag([Story(index=0, headline=text.split("\n")[0], text=text)])
    assert tagged.themes == (), tagged.scores
