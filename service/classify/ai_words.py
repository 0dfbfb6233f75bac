"""Whether a story is about AI at all: the words of the AI gate (subject.py).

THEMES.md defines ``safety`` as whether *AI systems* are safe and secure,
``policy`` as the government, law and politics *of AI*, and ``compute`` as the
hardware and money that make *AI* run; a story that names nothing of AI's domain
has those three scores scaled down (subject.py says why, models/README.md's ninth
pass how it was measured).  No scikit-learn here: a model compiled to arrays
(compiled.py) asks ``about_ai`` as ``AboutAI`` does.
"""

from __future__ import annotations

import re

from service.classify.alphabets import OTHER_LETTERS, folded
from service.classify.translations import ELSEWHERE, other_languages

__all__ = ["ACRONYMS", "GATED_FACTOR", "GATED_THEMES", "WORDS", "about_ai"]

GATED_THEMES = ("safety", "policy", "compute")
# A gated theme's score is multiplied by this: under the 0.5 threshold however sure the
# regression was.  Scores stay ordered, but a gated 0.25 is no longer a probability.
GATED_FACTOR = 0.25

# Written from THEMES.md's four rows (their subjects, typical signals and edge cases), with
# the names of the most reported AI labs and models: a story that names none of these is
# not about AI.  Words that also mean something else in the news are left out or narrowed:
# "intel" (threat intel), "AGI" (the IRS's), "alignment" (a country's), "autonomous"
# (regions), "algorithms" (encryption), "datasets" (leaked), "Claude", "Gemini", "Llama",
# "Grok", "Mistral" (people, exchanges, animals, winds), and "chips", "compute",
# "inference", "automation", "intelligent" alone (potato chips, compute the cost,
# statistical inference, intelligent design), and "jailbreak" (a phone's): a story about
# those names AI, a model or a kind of chip too.  Capitals only where the lower case means
# something else: "ML" (millilitres), "Intel" (not "intel"), "Copilot" and "Autopilot" (a
# plane's, or an economy "on autopilot"); "AV" (a self-driving vehicle, not "av"), "UAS"
# and "sUAS" (a drone), as a self-driving or a drone letter writes them (stop 44).
ACRONYMS = (r"AIs?|A\.I\.?|ML|LLMs?|GPUs?|TPUs?|NPUs?|GenAI|xAI|Intel|Copilot|Autopilot|RLHF"
            r"|AVs?|FSD|s?UAS|UAVs?")
# In a lower-cased copy of the story: "ai" in any case ("new ai rules"), "character.ai".
WORDS = (
    r"ai|ais|[a-z0-9]+\.ai|artificial intelligence|machine learning|deep learning|neural|"
    r"(?:large|small|frontier|foundation|language|reasoning|open|open-source|open-weights?|"
    r"image|video|speech|voice|vision|world|diffusion|multimodal|ai) models?|model family|"
    r"frontier (?:systems?|labs?)|chat-?bots?|chatgpt|gpt-?\w*|openai|anthropic|deepmind|"
    r"gemma|deepseek|qwen|hugging ?face|nvidia|text-to-(?:image|video|speech)|"
    r"image generat\w*|voice clon\w*|training data|training runs?|sora|midjourney|"
    r"stable diffusion|generative|deep-?fakes?|synthetic media|automated decision\w*|"
    r"algorithmic|facial recognition|face recognition|computer vision|"
    r"autonomous (?:vehicles?|cars?|driving|trucks?|weapons?|systems?|agents?|robots?)|"
    r"self-driving|driverless|waymo|zoox|wayve|robo-?taxis?|dji|robot\w*|humanoids?|drones?|"
    r"agentic|superintelligen\w*|"
    r"superalignment|misalign\w*|alignment (?:research|team|problem)|interpretability|"
    r"unlearning|(?:ai|gpu|memory|computer|semiconductor|advanced|\d+nm) chips?|"
    r"chips? (?:act|makers?|exports?|industry|plants?|factor(?:y|ies)|shortages?|sales|"
    r"designers?)|chipmak\w*|chip-mak\w*|semiconductors?|semicon|fabs?|hbm\w*|"
    r"foundr(?:y|ies)|wafers?|tsmc|asml|[hb]100s?|[hb]200s?|gb200s?|a100s?|mi3\d\d\w*|"
    r"data ?cent(?:er|re)s?|supercomputers?|hyperscalers?|flops|cuda|"
    r"compute (?:capacity|power|clusters?|costs?)|inference (?:chips?|costs?|servers?|providers?)|"
    r"industrial automation")
# Two searches, not one alternation, and the words in a lower-cased copy rather than with
# IGNORECASE: the acronyms settle four stories in five, and the tagger runs this on every
# story (0.38 s for 10,000 stories as one case-insensitive pattern, 0.10 s so).
_PATTERNS: dict[tuple[str, str], tuple[re.Pattern[str], re.Pattern[str]]] = {}
# The other languages' words are looked for in a story's first 20,000 characters, fewer
# than the model reads (reading.READ_AT_MOST): several hundred patterns are searched at
# every position, where the cues' patterns are tried once per word.
_ELSEWHERE_WITHIN = 20_000


def _patterns(acronyms: str, words: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    found = _PATTERNS.get((acronyms, words))
    if found is None:
        # a space in the words is any space ("artificial\u00a0intelligence"); the bounds are
        # ASCII, so "AI" counts inside Chinese or Japanese ("生成AIによる") as in English
        spaced = words.replace(" ", r"\s")
        found = (re.compile(rf"(?<![A-Za-z0-9_])(?:{acronyms})(?![A-Za-z0-9_])"),
                 re.compile(rf"(?<![a-z0-9_])(?=[a-z0-9])(?:{spaced})(?![a-z0-9_])"))
        _PATTERNS[(acronyms, words)] = found
    return found


def about_ai(text: str, acronyms: str = ACRONYMS, words: str = WORDS,
             elsewhere: str = ELSEWHERE) -> bool:
    """The story names AI, or something THEMES.md puts in AI's domain; ``elsewhere`` says
    so in other languages (translations/), asked only when English did not."""
    capitals, lower = _patterns(acronyms, words)
    if capitals.search(text) is not None:
        return True
    lowered = text.lower()
    if lower.search(lowered) is not None:
        return True
    if not elsewhere or (" the " in lowered and OTHER_LETTERS.search(lowered) is None):
        return False  # English (the other languages' words take 1 ms a story to look for)
    return other_languages(elsewhere).search(folded(text), 0,
                                             _ELSEWHERE_WITHIN) is not None
