"""Whether a story names a machine that acts in the physical world: the robotics gate.

THEMES.md's ``robotics`` is "machines that act in the physical world".  Its cues
include the places and things such machines work with ("manufacturing", "factory",
"cars", "warehouse"), so on general newsletters an automaker's new plant had robotics
0.80 and a story on quiet electric cars 0.51 (models/README.md, sixteenth pass).
``AboutMachines`` adds one feature, 1 when the story names a robot, a drone, a
self-driving vehicle or another machine that acts, else 0; subject.py's
``SubjectGate`` scales ``robotics`` down where it is 0, as the AI gate does
``safety``, ``policy`` and ``compute``.

The words, in English and in the twelve other languages of translations/, are looked up
among the story's cue tokens (cues.py, made once per story for every block), not
searched for in its text: a search for fifty words, and another for the other
languages', cost 70 µs a story, the lookup 10.  Pickled by name inside model files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from service.classify.alphabets import HAS_CJK, LONGEST_WORD
from service.classify.cues import batch_tokens, tokenize
from service.classify.translations.about_ai import MACHINES_ASIAN, MACHINES_EUROPEAN

__all__ = ["MACHINE_ACRONYMS", "MACHINE_WORDS", "MACHINE_WORDS_EVERYWHERE", "MACHINE_WORDS_INSIDE",
           "AboutMachines", "about_machines"]

# Only their absence counts, so a word is left in when it mostly means a machine
# ("autonomous" regions open the gate, and only the cues can tag), and THEMES.md's row
# is widened with its usual synonyms (uncrewed aircraft, robotaxis, prosthetics).  One
# alternative per "|"; a space joins the two words of a phrase.
MACHINE_ACRONYMS = r"AVs?|UAS|UAVs?|UGVs?|USVs?|FSD|Autopilot"
MACHINE_WORDS = (
    r"robot\w*|robo-?taxis?|cobots?|humanoids?|quadrupeds?|bipedal|legged|exoskeletons?|"
    r"drones?|uavs?|unmanned|uncrewed|quadcopters?|quadrotors?|self-driving|self-flying|"
    r"driverless|pilotless|autonomous\w*|waymo|zoox|manipulat(?:ion|ors?)|grippers?|grasping|"
    r"dexterous|locomotion|embodied|embodiment|sim-?2-?real|sim-to-real|actuators?|lidar|"
    r"tele-?operat\w*|physical ai|boston dynamics|unitree|agility robotics|figure ai|optimus|"
    r"mujoco|(?:industrial|warehouse|factory) automation|"
    r"automated (?:warehouses?|factor(?:y|ies)|vehicles?)|bionic|prosthe\w*|"
    r"loitering munitions?")
# The same in other languages (translations/about_ai.py): European words as whole tokens,
# Chinese, Japanese and Korean ones inside a run of their characters ("自律型ロボットが").
MACHINE_WORDS_EVERYWHERE = "|".join([MACHINE_WORDS, *MACHINES_EUROPEAN])
MACHINE_WORDS_INSIDE = "|".join(word.replace(r"\s?", "") for word in MACHINES_ASIAN)
_CACHE_LIMIT = 100_000


class _Words:
    """Machine words matched against a story's tokens: ``words``, whole tokens (a space
    joins the tokens of a phrase, up to three); ``inside``, words found inside a run of
    Chinese, Japanese or Korean characters (one token, cues.py); the acronyms' lower case.
    Each token new to it is matched once, then looked up in sets (at C speed)."""

    def __init__(self, words: str, inside: str, acronyms: str) -> None:
        alternatives = _alternatives(words)
        phrases = [a for a in alternatives if " " in a]
        self.single = re.compile("|".join(a for a in alternatives if " " not in a) or "(?!)")
        self.phrase = re.compile("|".join(phrases) or "(?!)")
        self.starts = re.compile("|".join(p.split(" ", 1)[0] for p in phrases) or "(?!)")
        self.inside = re.compile(inside or "(?!)")
        self.acronym = re.compile(acronyms.lower() or "(?!)")
        self.seen: set[str] = set()
        self.machines: set[str] = set()  # tokens that name a machine
        self.phrase_starts: set[str] = set()  # tokens a phrase of ``words`` starts with
        self.acronyms: set[str] = set()  # tokens that may be an acronym, in other case

    def named(self, tokens: list[str]) -> tuple[bool, bool]:
        """(the tokens name a machine, one of them may be an acronym: ask the text)."""
        if len(self.seen) > _CACHE_LIMIT:  # forget, rather than grow without end
            self.seen, self.machines, self.phrase_starts, self.acronyms = set(), set(), set(), set()
        unique = set(tokens)
        for token in unique.difference(self.seen):
            self._learn(token)
        if not unique.isdisjoint(self.machines):
            return True, False
        maybe_acronym = not unique.isdisjoint(self.acronyms)
        if unique.isdisjoint(self.phrase_starts):
            return False, maybe_acronym
        starts, phrase = self.phrase_starts, self.phrase
        return any(phrase.fullmatch(" ".join(tokens[at:at + size])) is not None
                   for at, token in enumerate(tokens) if token in starts
                   for size in (2, 3)), maybe_acronym

    def _learn(self, token: str) -> None:
        if len(token) <= LONGEST_WORD:
            parts = [token, *token.split("-")] if "-" in token else [token]  # "drone-maker"
            if (any(self.single.fullmatch(part) is not None for part in parts)
                    or (HAS_CJK.search(token) is not None
                        and self.inside.search(token) is not None)):
                self.machines.add(token)
            if self.starts.fullmatch(token) is not None:
                self.phrase_starts.add(token)
            if self.acronym.fullmatch(token) is not None:
                self.acronyms.add(token)
        self.seen.add(token)


def _alternatives(words: str) -> list[str]:
    """``words`` cut at each "|" outside brackets."""
    found, depth, start = [], 0, 0
    for at, char in enumerate(words):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            found.append(words[start:at])
            start = at + 1
    return [*found, words[start:]]


_MATCHERS: dict[tuple[str, str, str], _Words] = {}
_ACRONYMS: dict[str, re.Pattern[str]] = {}


def about_machines(text: str, tokens: list[str] | None = None, acronyms: str = MACHINE_ACRONYMS,
                   words: str = MACHINE_WORDS_EVERYWHERE, inside: str = MACHINE_WORDS_INSIDE,
                   ) -> bool:
    """The story names a machine that acts in the physical world; ``tokens`` are its
    ``cues.tokenize`` (made here if not given)."""
    matcher = _MATCHERS.get((words, inside, acronyms))
    if matcher is None:
        matcher = _MATCHERS[(words, inside, acronyms)] = _Words(words, inside, acronyms)
    named, maybe_acronym = matcher.named(tokenize(text) if tokens is None else tokens)
    if named or not maybe_acronym:
        return named
    capitals = _ACRONYMS.get(acronyms)  # "AV" is one, "av" may not be: the text says
    if capitals is None:
        capitals = _ACRONYMS[acronyms] = re.compile(
            rf"(?<![A-Za-z0-9_])(?:{acronyms})(?![A-Za-z0-9_])")
    return capitals.search(text) is not None


class AboutMachines(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One feature: 1.0 when the story names a machine (``about_machines``), else 0.0.
    The robotics gate reads it as the last column of the features.  The words are
    parameters, so a model file keeps those it was trained with."""

    def __init__(self, acronyms: str = MACHINE_ACRONYMS, words: str = MACHINE_WORDS_EVERYWHERE,
                 inside: str = MACHINE_WORDS_INSIDE) -> None:
        self.acronyms = acronyms
        self.words = words
        self.inside = inside

    def fit(self, texts: Sequence[str], y: object = None) -> AboutMachines:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        tokens = batch_tokens(texts)  # the cue blocks' own, when they read the same list
        return np.array([[1.0 if about_machines(text, words_of, self.acronyms, self.words,
                                                self.inside) else 0.0]
                         for text, words_of in zip(texts, tokens, strict=True)],
                        dtype=np.float64).reshape(-1, 1)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        return np.array(["subject:about_machines"], dtype=object)
