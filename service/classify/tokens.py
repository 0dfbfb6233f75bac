"""A story's words as the cue blocks read them, made once per batch for all of them.

``tokenize`` cuts a text into the lower-cased words that cues match; ``lowered``
is also the words' vectorizer preprocessor, pickled by name in model files (and
re-exported by cues.py, where older model files look for it).  Every cue block
of a FeatureUnion reads the same batch: ``scan_batch`` keeps its tokens, each
story's distinct words and where the words that are any block's marks fall, so
that each block goes over those few places, not over every token again.
"""

from __future__ import annotations

import operator
import re
import threading
from collections.abc import Callable, Iterable, Sequence

from service.classify.alphabets import CJK, LONGEST_WORD, WORD, folded

__all__ = ["MARKS", "Scan", "batch_tokens", "lowered", "scan_batch", "tokenize"]

# Lower-cased tokens that keep "h100s", "$1.7bn", "10^25", "sim-to-real", "u.s" whole.
# Words of Latin, Greek and Cyrillic script are tokens with their accents ("künstliche",
# "réglementation", "роботы"); Chinese, Japanese and Korean have none of those spaces
# between words that a pattern per token needs, so a run of their characters is one token
# ("自律型ロボット") and the lexicons' patterns for them match inside it (translations/).
# ASCII inside such a run stays its own token: "生成AIの" holds "ai".
# A run of those characters is cut every 64 (real text has punctuation far more often), and
# a longer token is not tried against the cues: no cue is that long, and a hostile run of
# letters would be tried against thousands of patterns, each scanning all of it.
# Inside a word, a run of "$^.-" must be followed by more of the word: written as runs of
# at most 32, the pattern cannot backtrack through a line of "$" (10 s for 50,000 before).
_TOKEN = re.compile(rf"\n|[{WORD}$£€^][{WORD}]*(?:[$^.-]{{1,32}}[{WORD}]+)*"
                    rf"|[{CJK}]{{1,{LONGEST_WORD}}}")
# A name that holds a cue's word, read as one word: "Hacker News" is a forum, not hacking.
_NAMES = re.compile(r"(?<![a-z])hacker\s+news(?![a-z])")
# (the last batch of texts, a snapshot of its items, their tokens and scans): a
# FeatureUnion hands the same batch object to every cue block, so the blocks tokenize it
# once.  The snapshot keeps the texts alive (their ids cannot be reused) and catches a list
# changed in place.
_LAST_BATCH: tuple[Sequence[str], tuple[str, ...], list[list[str]], list[Scan]] | None = None


class Marks:
    """Every cue block's marks (line breaks, and words that are or start a cue), with a
    version that steps each time one is added: a story's places of marks are found once
    for all blocks, and again only when a block has learned a new mark since."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()  # a mark and its version's step, together
        self.state: tuple[set[str], int] = ({"\n"}, 0)  # read once: set and its version

    def add(self, token: str, block_marks: set[str]) -> None:
        """``token`` is a mark of a block: into its own set, and into every block's."""
        with self._lock:  # every marks set changes under it: ``shrink`` may copy one
            block_marks.add(token)
            every, version = self.state
            if token not in every:
                every.add(token)
                self.state = every, version + 1

    def shrink(self, blocks: Callable[[], Iterable[set[str]]]) -> None:
        """A block's cue cache was replaced (full): its old marks may go, once they are too
        many to keep.  ``blocks()`` lists the current caches' marks, read under the lock
        (every marks set changes under it).  A thread still using the old cache finds its
        places itself (``cue_counts._places``)."""
        with self._lock:
            every, version = self.state
            if len(every) > self._limit:
                self.state = set().union(*blocks()), version + 1


MARKS = Marks(limit=200_000)


def tokenize(text: str) -> list[str]:
    """The words cues match, lower-cased, with "\n" tokens where lines end."""
    return _TOKEN.findall(lowered(folded(text)))


def batch_tokens(texts: Sequence[str]) -> list[list[str]]:
    """``tokenize`` of each text; the last batch's are kept, so a second caller with the
    same list (every cue block; explanations after ``transform``) does not redo them."""
    return scan_batch(texts)[0]


def scan_batch(texts: Sequence[str]) -> tuple[list[list[str]], list[Scan]]:
    """``batch_tokens``, and each story's ``Scan``: kept with them for the next block."""
    global _LAST_BATCH
    last = _LAST_BATCH  # one read: another thread may replace it, never half-way
    if (last is not None and last[0] is texts and len(last[1]) == len(texts)
            and all(map(operator.is_, last[1], texts))):
        return last[2], last[3]
    tokens = [tokenize(text) for text in texts]
    scans = [Scan(story) for story in tokens]
    _LAST_BATCH = (texts, tuple(texts), tokens, scans)
    return tokens, scans


class Scan:
    """One story's tokens as every cue block reads them, found once for all of them: its
    distinct words, and where the words that are some block's marks fall (each block then
    keeps its own of those few places instead of going over every token again)."""

    __slots__ = ("_found", "tokens", "types")

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.types = set(tokens)
        self._found: tuple[int, list[int]] = (-1, [])  # (marks' version, places): one object

    def marked(self, marks: set[str]) -> list[int]:
        """Where the story holds one of ``marks`` (a block's: all of them in ``MARKS``)."""
        every, version = MARKS.state  # one read: the version is of the set as read, or older
        seen, places = self._found
        if seen != version:
            places = [at for at, token in enumerate(self.tokens) if token in every]
            self._found = version, places
        tokens = self.tokens
        return [at for at in places if tokens[at] in marks]


def lowered(text: str) -> str:
    """The text lower-cased, a name that holds a cue's word read as one word ("Hacker
    News"): the words' vectorizer preprocessor (pickled by name)."""
    lower = text.lower()
    return _NAMES.sub("hackernews", lower) if "hacker" in lower else lower


# Pickled by name in model files as ``service.classify.cues.lowered``, where it was defined
# until stop 28 and is still exported: a model trained now loads in code from before then.
lowered.__module__ = "service.classify.cues"
