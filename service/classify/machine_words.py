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
languages', cost 70 µs a story, the lookup 10.  No scikit-learn here (compiled.py);
machines.py holds ``AboutMachines``, the transformer pickled by name in model files.
"""

from __future__ import annotations

import re

from service.classify.alphabets import LONGEST_WORD, folded
from service.classify.tokens import tokenize
from service.classify.translations.about_ai import MACHINES_ASIAN, MACHINES_EUROPEAN
from service.classify.translations.asian_cues import THEME_CUES_ASIAN
from service.classify.translations.european_cues import THEME_CUES_EUROPEAN

__all__ = ["MACHINE_ACRONYMS", "MACHINE_WORDS", "MACHINE_WORDS_EVERYWHERE", "about_machines"]

# Only their absence counts, so a word is left in when it mostly means a machine, and
# THEMES.md's row is widened with its usual synonyms (uncrewed aircraft, robotaxis, AGVs,
# prosthetics) and names (Waymo, Unitree, RT-2).  Words that also mean something else are
# narrowed, as subject.py narrows its own: "autonomous" (agents, regions), "legged"
# (stools), "embodied" (carbon), "bionic" (a phone's chip), "manipulation" (markets),
# "Autopilot" (an economy's), "Optimus" (a model).  The cue lexicon's format (lexicon.py):
# alternatives parted by "; ", each a pattern for one token or, with spaces, a phrase.
MACHINE_ACRONYMS = r"AVs?|s?UAS|UAVs?|UGVs?|USVs?|AGVs?|AMRs?|FSD"
MACHINE_WORDS = (
    r"robot\w*; irobot; roomba\w*; robovac\w*; robo-\w+; cobots?; humanoids?; quadrupeds?; "
    r"bipeds?; bipedal; legged robots?; exoskeletons?; exosuits?; drones?; uavs?; "
    r"unmanned (aerial|aircraft|vehicles?|systems?|boats?|vessels?|ground|surface); "
    r"uncrewed \w+; quadcopters?; quadrotors?; self-driving; self driving; self-flying; "
    r"driverless; pilotless; autonomous (vehicles?|cars?|driving|trucks?|drones?|robots?|"
    r"machines?|vessels?|ships?|boats?|aircraft|weapons?|tractors?|mowers?|buses|shuttles?|"
    r"forklifts?|delivery|flight|flying|navigation); "
    r"autonomously (drives?|drove|driving|flies|flew|flying|navigat\w*|piloted); waymo; zoox; "
    r"wayve; pony\.ai; apollo go; robotaxis?; dji; tesla (s )?autopilot; manipulators?; "
    r"(robotic|dexterous|object|mobile) manipulation; grippers?; grasping; pick-and-place; "
    r"pick and place; warehouse picking; automated guided; dexterous; locomotion; "
    r"embodied (ai|agents?|intelligence|robots?|robotics); embodiment; sim-?2-?real; "
    r"sim-to-real; vision-language-action; actuators?; lidar; tele-?operat\w*; physical ai; "
    r"boston dynamics; unitree; agility robotics; figure ai; mujoco; pybullet; droid; "
    r"rt-[12x]; bridgedata\w*; (industrial|warehouse|factory) automation; "
    r"automated (warehouses?|factor(y|ies)|vehicles?|forklifts?); "
    r"bionic (arms?|hands?|legs?|limbs?); prosthe\w*; loitering munitions?")
# The robotics cues' translations that name a machine (translations/, the cue names
# below), and the subject gate's machine words in other languages (about_ai.py); a
# Chinese, Japanese or Korean word is found inside its run of characters ("自律型ロボット
# が"), and a Korean one written with or without its space ("자율 주행", "자율주행").
_NAMING = ("robots", "manipulation", "grasping", "robot arms", "humanoids", "drones",
           "teleoperation", "robot makers", "embodiment", "self-driving")
# In "self-driving", the translations of "cars", "vehicles" and "driving" name no machine.
_DRIVES_ITSELF = re.compile(
    r"selbstfahr|fahrerlos|autonom|autónom|autonôm|sans conducteur|sin conductor|senza "
    r"conducente|sem motorista|zonder bestuurder|bez kierowcy|förarlös|sürücüsüz|zelfrijd|"
    r"självkör|[自无無]\S*驾|[自无無]\S*駕|萝卜|蘿蔔|自動運転|無人運転|自律走行|タクシー|"
    r"자율|무인|로보|웨이모")


_GROUP = re.compile(r"\\w\*\(\?:(.*)\)\\w\*")  # a Chinese or Japanese cue: \w*(?:a|b)\w*


def _naming(name: str, alternative: str) -> str:
    """``alternative`` of the cue ``name``, keeping only the words that name a machine."""
    if name != "self-driving":
        return alternative
    group = _GROUP.fullmatch(alternative)
    if group is None:
        return alternative if _DRIVES_ITSELF.search(alternative) else ""
    words = [word for word in group.group(1).split("|") if _DRIVES_ITSELF.search(word)]
    return f"\\w*(?:{'|'.join(words)})\\w*" if words else ""


def _everywhere() -> str:
    translated = [_naming(name, alternative)
                  for lexicon in (THEME_CUES_EUROPEAN, THEME_CUES_ASIAN)
                  for name in _NAMING
                  for alternative in lexicon["robotics"].get(name, "").split("; ")]
    european = [word for word in MACHINES_EUROPEAN if "\\s" not in word]
    space = r"\s?"  # a Korean word's optional space: one token without it, two with it
    asian = [f"\\w*(?:{word.replace(space, '')})\\w*" for word in MACHINES_ASIAN]
    asian += [f"\\w*{word.replace(space, ' ')}\\w*" for word in MACHINES_ASIAN if space in word]
    return "; ".join(dict.fromkeys(word for word in [MACHINE_WORDS, *translated, *european, *asian]
                                    if word))


MACHINE_WORDS_EVERYWHERE = _everywhere()
_CACHE_LIMIT = 100_000


class _Words:
    """Machine words matched against a story's tokens, in the cue lexicon's format (a
    space joins the tokens of a phrase, up to four), and the acronyms' lower case.  Each
    token new to it is matched once, then looked up in sets (at C speed)."""

    def __init__(self, words: str, acronyms: str) -> None:
        alternatives = [a for a in words.split("; ") if a]
        phrases = [a for a in alternatives if " " in a]
        self.single = re.compile("|".join(f"(?:{a})" for a in alternatives if " " not in a)
                                 or "(?!)")
        self.phrase = re.compile("|".join(f"(?:{a})" for a in phrases) or "(?!)")
        self.starts = re.compile("|".join(f"(?:{p.split(' ', 1)[0]})" for p in phrases)
                                 or "(?!)")
        self.acronym = re.compile(acronyms.lower() or "(?!)")
        # (seen, tokens that name a machine, tokens a phrase starts with, may be acronyms):
        # one tuple, read once per story, so another thread's reset is never seen half-way
        self.state: tuple[set[str], set[str], set[str], set[str]] = (set(), set(), set(), set())

    def named(self, tokens: list[str]) -> tuple[bool, bool]:
        """(the tokens name a machine, one of them may be an acronym: ask the text)."""
        state = self.state
        if len(state[0]) > _CACHE_LIMIT:  # forget, rather than grow without end
            state = self.state = (set(), set(), set(), set())
        seen, machines, phrase_starts, acronyms = state
        unique = set(tokens)
        for token in unique.difference(seen):
            self._learn(token, state)
        if not unique.isdisjoint(machines):
            return True, False
        maybe_acronym = not unique.isdisjoint(acronyms)
        if unique.isdisjoint(phrase_starts):
            return False, maybe_acronym
        phrase = self.phrase
        return any(phrase.fullmatch(" ".join(tokens[at:at + size])) is not None
                   for at, token in enumerate(tokens) if token in phrase_starts
                   for size in (2, 3, 4)), maybe_acronym

    def _learn(self, token: str, state: tuple[set[str], set[str], set[str], set[str]]) -> None:
        seen, machines, phrase_starts, acronyms = state
        if len(token) <= LONGEST_WORD:
            parts = [token, *token.split("-")] if "-" in token else [token]  # "drone-maker"
            if any(self.single.fullmatch(part) is not None for part in parts):
                machines.add(token)
            if self.starts.fullmatch(token) is not None:
                phrase_starts.add(token)
            if any(self.acronym.fullmatch(part) is not None for part in parts):  # "AV-maker"
                acronyms.add(token)
        seen.add(token)  # last: a token seen is one whose sets are made


_MATCHERS: dict[tuple[str, str], _Words] = {}
_ACRONYMS: dict[str, re.Pattern[str]] = {}


def about_machines(text: str, tokens: list[str] | None = None, acronyms: str = MACHINE_ACRONYMS,
                   words: str = MACHINE_WORDS_EVERYWHERE) -> bool:
    """The story names a machine that acts in the physical world; ``tokens`` are its
    ``cues.tokenize`` (made here if not given)."""
    matcher = _MATCHERS.get((words, acronyms))
    if matcher is None:
        matcher = _MATCHERS[(words, acronyms)] = _Words(words, acronyms)
    named, maybe_acronym = matcher.named(tokenize(text) if tokens is None else tokens)
    if named or not maybe_acronym:
        return named
    capitals = _ACRONYMS.get(acronyms)  # "AV" is one, "av" may not be: the text says
    if capitals is None:
        capitals = _ACRONYMS[acronyms] = re.compile(
            rf"(?<![A-Za-z0-9_])(?:{acronyms})(?![A-Za-z0-9_])")
    return capitals.search(folded(text)) is not None  # fullwidth "ＡＶ" too
