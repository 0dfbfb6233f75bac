"""Writing systems: which letters a word is written in, as the cues and the gate read them.

One place for the character ranges that cues.py tokenizes by, that the subject gate
tells English from other languages by, and that explanations and the translated
lexicons (translations/) sort patterns and words by.
"""

from __future__ import annotations

import functools
import re

__all__ = ["CJK", "FOLDED", "HAS_CJK", "LONGEST_WORD", "OTHER_LETTERS", "WORD", "folded", "kinds",
           "word_core"]

# Letters and digits of Latin (accents included), Greek and Cyrillic words, not "×" or "÷".
WORD = "a-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
# Chinese, Japanese and Korean: no spaces between words, so a run of them is read at once.
CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
HAS_CJK = re.compile(f"[{CJK}]")
# No cue word is longer: a longer token is a slug, a hostile run of letters, or a CJK
# clause cut at this length (cues.py), and no explanation shows one.
LONGEST_WORD = 64
# Letters English does not write: accented Latin, Greek, Cyrillic and CJK.
OTHER_LETTERS = re.compile(f"[{CJK}\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u04ff]")
# Fullwidth Latin letters and digits ("ＡＩ", usual in Japanese text) read as ASCII, and a
# Turkish capital "İ" as "i" (lower() would add a combining dot that splits the word).
_TO_FOLD = re.compile("[\uff01-\uff5eİ]")
FOLDED: dict[int, int | str] = {
    **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}, ord("İ"): "i"}


def folded(text: str) -> str:
    """``text`` with ``FOLDED``'s characters read as ASCII (a scan first: most texts have
    none, and translating every character cost the tagger 5%)."""
    return text.translate(FOLDED) if _TO_FOLD.search(text) else text


@functools.lru_cache(maxsize=20_000)
def kinds(pattern: str) -> frozenset[bool]:
    """The kinds of word ``pattern`` can match: True for Chinese, Japanese and Korean ones
    (it is written in their characters), False for others (it has a letter or a digit of
    another script); both when it has neither."""
    literal = re.sub(r"\\.", "", pattern)  # not the w of \w
    asian, other = HAS_CJK.search(pattern) is not None, re.search(f"[{WORD}]", literal)
    if not asian and not other:  # "\w+" would match either
        return frozenset((True, False))
    return frozenset(kind for kind, written in ((True, asian), (False, other)) if written)


@functools.lru_cache(maxsize=4_096)
def word_core(alternative: str) -> re.Pattern[str]:
    """``alternative`` without its ``\\w*``: a CJK pattern is a word wrapped in them, to
    fullmatch a whole clause; searched, the word alone is found."""
    return re.compile(alternative.replace(r"\w*", ""))
