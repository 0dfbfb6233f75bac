"""Counting theme cues: hand-written signals of each theme, as features for the classifier.

The lexicons live in lexicon.py (``THEME_CUES``, ``DEFINITION_CUES``);
``CueCounts`` counts each cue in a story and summarises, per theme, where the
hits fall (headline, first words, paragraphs): that tells a main subject from
a passing mention.  Nothing here imports scikit-learn: a model compiled to
arrays (compiled.py) counts with this class, and a process that only tags
never pays for scikit-learn's import (about 80 MiB).  cues.py makes it a
scikit-learn transformer for training.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from service.classify.alphabets import (
    HAS_CJK,
    LONGEST_WORD,
    kinds,
    word_core,
)
from service.classify.tokens import MARKS, Scan, lowered, scan_batch, tokenize
from service.errors import ModelError

__all__ = ["SHAPE_NAMES", "SUMMARIES", "CueCounts", "headline_of", "recording_hits", "split_cues",
           "story_shape"]

SUMMARIES = ("hits", "headline", "lead", "distinct", "density", "paragraphs")
_MAX_PHRASE = 4
# Words and phrases a cue cache holds before it starts afresh: four times the labeled
# newsletters' 12,800 distinct words.  Each costs ~130 bytes in each of the three caches, so
# 200,000 let a service running for months grow by 80 MiB (a weekly service's vocabulary
# only grows: names, numbers, other languages); this many, by 20 MiB at most.
_CACHE_LIMIT = 50_000
_NO_CUE: tuple[tuple[int, ...], bool] = ((), False)  # most words: one entry shared by all


class _Tally:
    """What one text holds: each cue's count, and per theme where its hits fell."""

    __slots__ = ("cache", "counts", "headline", "hits", "lead", "lines", "paragraphs", "tokens")

    def __init__(self, cues: int, themes: int, cache: _CueCache) -> None:
        self.cache = cache  # its hits' words are made from it, even if replaced since
        self.counts = [0] * cues
        self.headline, self.lead, self.paragraphs = [0] * themes, [0] * themes, [0] * themes
        self.tokens = self.lines = 0
        self.hits: list[tuple[int, tuple[int, ...]]] = []  # (place, cues) of each hit


class _CueCache:
    """Matches already made: token -> (cues, may start a phrase); phrase -> cues."""

    __slots__ = ("marks", "phrases", "retired", "tokens")

    def __init__(self) -> None:
        self.retired = False  # replaced in _CUE_CACHES: MARKS may no longer hold its marks
        self.tokens: dict[str, tuple[tuple[int, ...], bool]] = {"\n": ((), False)}
        self.marks: set[str] = {"\n"}  # line breaks, and tokens that are or start a cue
        self.phrases: dict[str, tuple[int, ...]] = {}


# lexicon -> its cache; a process sees a few lexicons, so this stays small
_CUE_CACHES: dict[str, _CueCache] = {}
# (lexicon, which patterns, script) -> one pattern of them all (``CueCounts._any_of``)
_ANY_OF: dict[tuple[str, object, bool], re.Pattern[str]] = {}
_NOTHING = re.compile(r"(?!)")  # no pattern of that script
# (lexicon, phrase size, script) -> the (cue, pattern) pairs that can match such a word
_OF_KIND: dict[tuple[str, int, bool], list[tuple[int, re.Pattern[str]]]] = {}
# While a tagger transforms (``recording_hits``), each cue block keeps the hits it counted,
# by lexicon and token list, so the explanations that follow need not match the story's
# cues again.  A context variable: another thread scoring at the same time keeps nothing.
_RECORDED: ContextVar[dict[tuple[str, int], tuple[list[str], list[tuple[int, tuple[int, ...]]],
                                                   _CueCache]] | None]
_RECORDED = ContextVar("recorded_cue_hits", default=None)


@contextmanager
def recording_hits() -> Iterator[None]:
    """Within it, ``CueCounts.transform`` keeps each story's hits for ``token_hits``."""
    token = _RECORDED.set({})
    try:
        yield
    finally:
        _RECORDED.reset(token)


def _places(scan: Scan, cache: _CueCache) -> list[int]:
    """``scan.marked`` of the cache's marks; for a cache replaced (and so perhaps dropped
    from MARKS by a shrink) while in use, every place of its marks, found directly."""
    places = scan.marked(cache.marks)
    # asked after the places: a cache is retired before MARKS shrinks, so places found with
    # a shrunk MARKS always meet a retired flag here
    if cache.retired:
        marks = cache.marks
        return [at for at, token in enumerate(scan.tokens) if token in marks]
    return places


class CueCounts:
    """Counts theme cues in each text: a dense feature matrix.

    ``cues`` maps theme -> cue name -> alternatives; an alternative is one
    regular expression per token, space-separated for a phrase, matched against
    whole tokens.  Features: log(1 + count) per cue, then per theme how many
    hits, hits in the headline (first line) and in the first ``lead_tokens``
    tokens, distinct cues, hits per 150 tokens, and the share of paragraphs
    with a hit: a theme that is the main subject shows up early and all along,
    a passing mention does not.
    """

    def __init__(self, cues: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
                 lead_tokens: int = 60) -> None:
        self.cues = cues
        self.lead_tokens = lead_tokens

    def fit(self, texts: Sequence[str], y: object = None) -> CueCounts:
        if not self.cues:
            raise ModelError("CueCounts needs a cue lexicon")
        self.themes_ = tuple(self.cues)
        self.names_ = [(theme, name) for theme in self.themes_ for name in self.cues[theme]]
        self.theme_of_ = [self.themes_.index(theme) for theme, _ in self.names_]
        self.patterns_: dict[int, list[tuple[int, re.Pattern[str]]]] = {}
        for index, (theme, name) in enumerate(self.names_):
            for alternative in self.cues[theme][name]:
                size = alternative.count(" ") + 1
                self.patterns_.setdefault(size, []).append((index, re.compile(alternative)))
        self.phrase_starts_ = [re.compile(p.pattern.split(" ")[0])
                               for size in range(2, _MAX_PHRASE + 1)
                               for _, p in self.patterns_.get(size, [])]
        self.lexicon_key_ = repr(sorted((n, self.cues[t][n]) for t, n in self.names_))
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        if not texts:
            return np.zeros((0, len(self.get_feature_names_out())))
        batch, scans = scan_batch(texts)
        recorded = _RECORDED.get()
        tallies = [self._tally(scan, recorded is not None) for scan in scans]
        if recorded is not None:
            recorded.update(((self.lexicon_key_, id(tokens)), (tokens, tally.hits, tally.cache))
                            for tokens, tally in zip(batch, tallies, strict=True))
        counts = np.array([t.counts for t in tallies], dtype=np.float64)
        per_theme = np.zeros((len(self.names_), len(self.themes_)))
        per_theme[np.arange(len(self.names_)), self.theme_of_] = 1.0
        hits = counts @ per_theme
        tokens = np.array([[t.tokens] for t in tallies], dtype=np.float64)
        lines = np.array([[max(t.lines, 1)] for t in tallies], dtype=np.float64)
        summaries = np.stack([
            np.log1p(hits),
            np.log1p(np.array([t.headline for t in tallies], dtype=np.float64)),
            np.log1p(np.array([t.lead for t in tallies], dtype=np.float64)),
            np.log1p((counts > 0) @ per_theme),
            np.minimum(hits / (tokens / 150 + 1), 10) / 10,
            np.array([t.paragraphs for t in tallies], dtype=np.float64) / lines,
        ], axis=2)  # texts x themes x summaries, flattened theme by theme
        return np.hstack([np.log1p(counts), summaries.reshape(len(texts), -1)])

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray[Any, Any]:
        names = [f"{theme}:{name}" for theme, name in self.names_]
        names += [f"{theme}:summary:{s}" for theme in self.themes_ for s in SUMMARIES]
        return np.array(names, dtype=object)

    def _tally(self, scan: Scan, keep_hits: bool = False) -> _Tally:
        """Where the cues fall in one text's tokens ("\n" tokens end the lines); with
        ``keep_hits``, also where each cue fell (its place, its cues), which
        ``token_hits`` turns into words for the stories an explanation is asked of."""
        cache = self._warm_cache()
        tokens = scan.tokens
        self._learn(scan.types, cache)
        tally = _Tally(len(self.names_), len(self.themes_), cache)
        line_start, breaks = 0, 0
        seen: set[int] = set()  # themes hit in the current line
        for at in _places(scan, cache):
            if tokens[at] == "\n":
                if at > line_start:  # a line with words in it: a paragraph
                    tally.lines += 1
                    for theme in seen:
                        tally.paragraphs[theme] += 1
                line_start, breaks = at + 1, breaks + 1
                seen = set()
                continue
            cues_here = self._cues_at(tokens, at, cache)
            if keep_hits and cues_here:  # their words only if an explanation asks
                tally.hits.append((at, cues_here))
            for cue in cues_here:
                theme = self.theme_of_[cue]
                tally.counts[cue] += 1
                seen.add(theme)
                tally.headline[theme] += tally.lines == 0
                tally.lead[theme] += at - breaks < self.lead_tokens
        if len(tokens) > line_start:
            tally.lines += 1
            for theme in seen:
                tally.paragraphs[theme] += 1
        tally.tokens = len(tokens) - breaks
        return tally

    def hits(self, text: str) -> list[tuple[int, str]]:
        """(cue index, the words that matched it) for each hit in ``text``, in order:
        the story's own words behind the counts, which explanations show."""
        return self.token_hits(tokenize(text))

    def token_hits(self, tokens: list[str]) -> list[tuple[int, str]]:
        """``hits`` of a text whose ``tokenize`` is ``tokens`` (one story's tokens, made
        once for every cue block and theme)."""
        recorded = _RECORDED.get()
        kept = recorded.get((self.lexicon_key_, id(tokens))) if recorded is not None else None
        if kept is None or kept[0] is not tokens:  # not kept while tagging: match again
            cache = self._warm_cache()
            scan = Scan(tokens)
            self._learn(scan.types, cache)
            kept = tokens, [(at, self._cues_at(tokens, at, cache))
                            for at in _places(scan, cache) if tokens[at] != "\n"], cache
        return [hit for at, cues_here in kept[1]
                for hit in self._words_of(tokens, at, cues_here, kept[2])]

    def _warm_cache(self) -> _CueCache:
        """The same words come back all the time: match each one once.  Shared by every
        CueCounts with this lexicon (the folds of a cross-validation); replaced, not
        cleared, when full, so a thread still using the old one is not disturbed."""
        cache = _CUE_CACHES.get(self.lexicon_key_)
        if cache is None or len(cache.tokens) + len(cache.phrases) > _CACHE_LIMIT:
            if cache is not None:
                cache.retired = True  # before the shrink: its users fall back (_places)
            cache = _CUE_CACHES[self.lexicon_key_] = _CueCache()
            MARKS.shrink(lambda: [c.marks for c in list(_CUE_CACHES.values())])
        return cache

    def _learn(self, types: set[str], cache: _CueCache) -> None:
        """Match the tokens never seen before (set difference: at C speed)."""
        for token in types.difference(cache.tokens):
            found, starts = entry = self._match_token(token)
            if found or starts:  # the mark first: a token known to the cache is a known mark
                MARKS.add(token, cache.marks)
            cache.tokens[token] = entry if found or starts else _NO_CUE

    def _cues_at(self, tokens: list[str], at: int, cache: _CueCache) -> tuple[int, ...]:
        found, starts_phrase = cache.tokens[tokens[at]]
        if starts_phrase:
            for size in range(2, min(_MAX_PHRASE, len(tokens) - at) + 1):
                gram = " ".join(tokens[at:at + size])
                match = cache.phrases.get(gram)
                if match is None:
                    match = cache.phrases[gram] = self._match(gram, size)
                found += match
        return found

    def _words_of(self, tokens: list[str], at: int, cues_here: tuple[int, ...],
                  cache: _CueCache) -> list[tuple[int, str]]:
        """(cue, its words) for the cues ``_cues_at`` found at ``at``: the token's own cues
        first, then each phrase's, as ``token_hits`` lists them."""
        single = cache.tokens[tokens[at]][0]
        found = [(cue, self._word_of(cue, tokens[at])) for cue in single]
        if len(cues_here) > len(single):
            for size in range(2, min(_MAX_PHRASE, len(tokens) - at) + 1):
                gram = " ".join(tokens[at:at + size])
                found += [(cue, gram) for cue in cache.phrases.get(gram, ())]
        return found

    def _word_of(self, cue: int, token: str) -> str:
        """The words of ``token`` that are ``cue``: all of it, but for a run of Chinese,
        Japanese or Korean characters (a clause), the cue's own word in it ("ロボット" in
        "自律型ロボットが"), which is what an explanation should show."""
        if HAS_CJK.search(token) is None:
            return token
        theme, name = self.names_[cue]
        for alternative in self.cues[theme][name] if self.cues else ():
            if " " not in alternative and HAS_CJK.search(alternative) is not None:
                word = word_core(alternative).search(token)
                if word is not None and word.group(0):
                    return word.group(0)
        return token

    def _match_token(self, token: str) -> tuple[tuple[int, ...], bool]:
        """(cues this token is, whether a phrase cue may start with it)."""
        if len(token) > LONGEST_WORD:  # a slug's words still count, one by one
            parts = token.split("-")
            matched = {part: self._match(part, 1) for part in set(parts)
                       if len(part) <= LONGEST_WORD}
            return tuple(i for part in parts for i in matched.get(part, ())), False
        found = self._match(token, 1)
        if not found and "-" in token:  # "gpu-powered": a compound counts as its parts
            found = tuple(i for part in token.split("-") for i in self._match(part, 1))
        starts = self._any_of("phrase starts", self.phrase_starts_, token)
        return found, starts is not None and starts.fullmatch(token) is not None

    def _match(self, gram: str, size: int) -> tuple[int, ...]:
        patterns = self.patterns_.get(size, [])
        some = self._any_of(size, [p for _, p in patterns], gram)
        if some is None or some.fullmatch(gram) is None:  # most words are no cue
            return ()
        kind = HAS_CJK.search(gram) is not None
        mine = _OF_KIND.get((self.lexicon_key_, size, kind))
        if mine is None:
            mine = _OF_KIND[(self.lexicon_key_, size, kind)] = [
                (i, p) for i, p in patterns if kind in kinds(p.pattern)]
        return tuple(i for i, p in mine if p.fullmatch(gram))

    def _any_of(self, key: object, patterns: Sequence[re.Pattern[str]],
                gram: str) -> re.Pattern[str] | None:
        """One pattern that fullmatches ``gram`` when any of ``patterns`` does: a word new
        to the cache is tried against it once, in C, not against each of a thousand (the
        translated lexicons).  Chinese, Japanese and Korean words are tried only against
        the patterns written in their characters, other words only against the rest: a
        pattern of one kind never matches a word of the other.  Kept by lexicon, beside
        the cue cache, not in the model file (older model files get it too)."""
        kind = HAS_CJK.search(gram) is not None
        made = _ANY_OF.get((self.lexicon_key_, key, kind))
        if made is None:
            mine = [p.pattern for p in patterns if kind in kinds(p.pattern)]
            made = _ANY_OF[(self.lexicon_key_, key, kind)] = (
                re.compile("|".join(f"(?:{p})" for p in mine)) if mine else _NOTHING)
        return None if made is _NOTHING else made


SHAPE_NAMES = ("shape:log_words", "shape:short", "shape:log_paragraphs")


def story_shape(texts: Sequence[str], short_words: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """How long each story is (cues.StoryShape, an optional block): log words / 8, a
    short-item flag (under ``short_words`` words), log paragraphs / 4."""
    words = np.array([len(text.split()) for text in texts], dtype=np.float64)
    paragraphs = np.array([sum(1 for line in text.split("\n") if line.strip())
                           for text in texts], dtype=np.float64)
    return np.column_stack([np.log1p(words) / 8, words < short_words,
                            np.log1p(paragraphs) / 4]).astype(np.float64)


def headline_of(text: str) -> str:
    """The first line, ``lowered``: a vectorizer preprocessor (pickled by name)."""
    return lowered(text.split("\n", 1)[0])


# Pickled by name in model files as ``service.classify.cues.headline_of``, where it was
# defined first (cues.py imports it back), as tokens.lowered is
headline_of.__module__ = "service.classify.cues"


def split_cues(cues: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, list[str]]]:
    return {theme: {name: alternatives.split("; ") for name, alternatives in named.items()}
            for theme, named in cues.items()}
