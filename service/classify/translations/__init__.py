"""Other languages: the cue lexicon's words, and the words that say a story is about AI.

The labeled newsletters are English, and so are the lexicons, so a German,
Japanese or Spanish story fired no cue and, naming no English word for AI, was
held under by the subject gate: on newsletters in no file here, the stories in
other languages scored 0.31 macro F1 against 0.80 for the English ones
(models/README.md, fifteenth pass).  A translated word fires the *same* cue as
its English one, so the weights the regressions learnt on English stories apply
to it unchanged: no story in those languages is needed to train on.

``european_cues.py``, ``european_policy.py`` and ``european_safety.py`` (German,
French, Spanish, Italian, Portuguese, Dutch, Polish, Swedish, Turkish),
``asian_cues.py`` (Chinese, Japanese, Korean) and ``about_ai.py`` (the subject gate's
words) were written from the lexicon and THEMES.md alone, by helpers who read those
languages, without reading any story they are measured on.  Their format is lexicon.py's; a Chinese
or Japanese pattern is wrapped in ``\\w*`` because a run of those characters is
one token (cues.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from service.classify.alphabets import HAS_CJK
from service.classify.lexicon import THEME_CUES
from service.classify.translations.about_ai import (
    ABOUT_AI_ACRONYMS,
    ABOUT_AI_ASIAN,
    ABOUT_AI_EUROPEAN,
)
from service.classify.translations.asian_cues import THEME_CUES_ASIAN
from service.classify.translations.european_cues import THEME_CUES_EUROPEAN
from service.classify.translations.european_policy import POLICY_CUES_EUROPEAN
from service.classify.translations.european_safety import SAFETY_CUES_EUROPEAN

__all__ = ["ELSEWHERE", "THEME_CUES_TRANSLATED", "other_languages", "translated"]

# One pattern for the gate, searched in the story as written: European words whole and in
# any case, Chinese, Japanese and Korean words anywhere (no spaces bound them), and the
# acronyms ("KI", "IA") in capitals, after an article or before a compound's hyphen.
ELSEWHERE = "|".join(part for words, part in (
    (ABOUT_AI_EUROPEAN, "(?i:(?<!\\w)(?:" + "|".join(ABOUT_AI_EUROPEAN) + ")(?!\\w))"),
    (ABOUT_AI_ASIAN, "(?:" + "|".join(ABOUT_AI_ASIAN) + ")"),
    (ABOUT_AI_ACRONYMS, "(?:" + "|".join(ABOUT_AI_ACRONYMS) + ")"),
) if words)

_COMPILED: dict[str, re.Pattern[str]] = {}
_TRANSLATIONS = (THEME_CUES_EUROPEAN, POLICY_CUES_EUROPEAN, SAFETY_CUES_EUROPEAN, THEME_CUES_ASIAN)


def other_languages(pattern: str) -> re.Pattern[str]:
    """``pattern`` (a model's own ``elsewhere``) compiled once."""
    found = _COMPILED.get(pattern)
    if found is None:
        found = _COMPILED[pattern] = re.compile(pattern)
    return found


def translated(lexicon: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """``lexicon`` (``THEME_CUES``) with each cue's translations added to its alternatives.

    A token counts once for a cue however many of its patterns match it, as in English:
    "china" is the same word in five of these languages, and "robótica" in two.  So a
    cue's one-token translations become one pattern, which gives way to its English ones
    (a negative lookahead): counted twice, the same English stories had other features,
    and the model trained on them other weights (measured: 0.01 lower left out)."""
    merged = {theme: dict(cues) for theme, cues in lexicon.items()}
    for theme, cues in merged.items():
        for name, english in cues.items():
            extra = [alternative for translations in _TRANSLATIONS
                     for alternative in translations.get(theme, {}).get(name, "").split("; ")
                     if alternative]
            words = [alternative for alternative in extra if " " not in alternative]
            phrases = [alternative for alternative in extra if " " in alternative]
            ours = [alternative for alternative in english.split("; ") if " " not in alternative]
            parts = [english]
            asian = [word for word in words if HAS_CJK.search(word)]
            others = [word for word in words if not HAS_CJK.search(word)]
            if others:  # one pattern per script: cues.py tries a word against its own
                guard = f"(?!(?:{'|'.join(ours)})$)" if ours else ""
                parts.append(f"{guard}(?:{'|'.join(others)})")
            if asian:  # no English pattern matches a word of these characters
                parts.append(f"(?:{'|'.join(asian)})")
            cues[name] = "; ".join(dict.fromkeys(parts + phrases))  # each phrase once
    return merged


THEME_CUES_TRANSLATED = translated(THEME_CUES)
