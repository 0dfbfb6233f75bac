"""Which label-file story a stored story is, so that a person's label replaces the file's.

A stored story is read for training as ``reading.story_text`` gives it, and that text
does not always open as the file's does: a digest's one-line item is stored under its
own headline ("GhostWriter: …\\nGhostWriter: … - AI-powered…", the file has the line
once), a tale's title line comes before "Tech Tales:", The Batch's file headlines carry
a "# ".  Matched by their first forty words, 126 of 729 stored stories of the labeled
newsletters found their file story, and an editor's correction of any other was trained
beside the annotators' label it contradicts (the editor's probe, stop 44).

So a story is found by its first words when they agree, else by the words it holds: the
file story that shares at least ``SAME_STORY`` of their words (Jaccard) is the same
story, whatever its newsletter is called here (an operator may name Import AI's source
"importai").  The candidates are the file stories holding one of its rarest words, so
finding one reads a few stories, not the whole file: 729 stored stories in 0.2 s, every
one of Import AI, Last Week in AI and The Batch found (ThursdAI 26 of 30, cut otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.classify.examples import Example

__all__ = ["SAME_STORY", "FileStories", "text_key", "words_of"]

SAME_STORY = 0.8  # the same story stored and in a file: 0.89–1.0; two stories: under 0.5
RARE_WORDS = 8  # how many of a story's rarest words propose candidates
_NOT_ALNUM = re.compile(r"[^\w\s]|_")  # (what text_key drops of a word, but for spaces)


def text_key(text: str, words: int = 40) -> str:
    """The first words of a text, lower-cased: the same story cut twice matches."""
    return " ".join("".join(c for c in word if c.isalnum())
                    for word in text.lower().split()[:words])


def words_of(text: str) -> frozenset[str]:
    """The text's distinct words, lower-cased, letters and digits only (one pattern over
    the text, not a test per character: 21,660 stories took 33 s so, the review)."""
    return frozenset(word for word in _NOT_ALNUM.sub("", text.lower()).split() if word)


class FileStories:
    """The label files' real stories (not hand-written examples), found by a stored one."""

    def __init__(self, examples: Sequence[Example]) -> None:
        real = [at for at, example in enumerate(examples) if not example.train_only]
        self.by_key = {text_key(examples[at].text): at for at in real}
        self.words = {at: words_of(examples[at].text) for at in real}
        self.holding: dict[str, list[int]] = {}
        for at in real:
            for word in self.words[at]:
                self.holding.setdefault(word, []).append(at)

    def find(self, example: Example) -> int | None:
        """The position of the file story ``example`` is, or None."""
        exact = self.by_key.get(text_key(example.text))
        if exact is not None:
            return exact
        mine = words_of(example.text)
        known = sorted((word for word in mine if word in self.holding),
                       key=lambda word: len(self.holding[word]))
        candidates = {at for word in known[:RARE_WORDS] for at in self.holding[word]}
        best, best_share = None, 0.0
        for at in sorted(candidates):  # (the first of two equal shares, always the same)
            shared = len(mine & self.words[at])
            share = shared / (len(mine) + len(self.words[at]) - shared)
            if share >= SAME_STORY and share > best_share:
                best, best_share = at, share
        return best
