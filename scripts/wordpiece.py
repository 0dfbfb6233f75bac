"""BERT's uncased WordPiece tokenizer in pure Python (no ``tokenizers``, no torch).

BERT's basic tokenization — drop control characters, lower-case, strip accents,
split punctuation and CJK characters off — then greedy longest-match-first
WordPiece with "##" for a word's continuation pieces.  Each whitespace-separated
word is split once and its piece ids cached, so a story costs one ``split`` and
a dictionary look-up per word.  On the 722 labeled stories it gives exactly the
ids of the model's own tokenizer (tokenizer.json, checked with the ``tokenizers``
package in a scratch environment).  Used by scripts/minilm.py and the bench's
token-embedding block (bench/embeddings.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["WordPiece"]

_MAX_WORD = 100  # BERT's max_input_chars_per_word: a longer word is one [UNK]
_CACHE_LIMIT = 200_000


def _is_punctuation(char: str) -> bool:
    """BERT's test: ASCII non-alphanumeric printables, or any Unicode P* category."""
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F)


def basic_split(word: str) -> list[str]:
    """One lower-cased whitespace-free word -> BERT's basic tokens."""
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFD", word)
                       if unicodedata.category(c) not in ("Mn", "Cc", "Cf")
                       and c != "\ufffd" and c != "\x00")
    parts: list[str] = []
    current = ""
    for char in word:
        if _is_punctuation(char) or _is_cjk(char):
            if current:
                parts.append(current)
            parts.append(char)
            current = ""
        else:
            current += char
    if current:
        parts.append(current)
    return parts


class WordPiece:
    """Text -> WordPiece ids of an uncased BERT vocabulary (one token a line, id = line)."""

    def __init__(self, vocabulary: Sequence[str], unknown: str = "[UNK]") -> None:
        self.ids = {token: i for i, token in enumerate(vocabulary)}
        self.unknown = self.ids[unknown]
        self._cache: dict[str, tuple[int, ...]] = {}

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``'s pieces, in order (no [CLS] or [SEP])."""
        cache, found = self._cache, []
        for word in text.lower().split():
            pieces = cache.get(word)
            if pieces is None:
                pieces = tuple(i for part in basic_split(word) for i in self._pieces(part))
                if len(cache) < _CACHE_LIMIT:
                    cache[word] = pieces
            found.extend(pieces)
        return found

    def tokens(self, text: str) -> list[str]:
        """The pieces of ``text`` as strings (for tests and inspection)."""
        names = {i: token for token, i in self.ids.items()}
        return [names[i] for i in self.encode(text)]

    def _pieces(self, word: str) -> tuple[int, ...]:
        """Greedy longest-match-first; a word with an unmatched rest is one [UNK]."""
        if len(word) > _MAX_WORD:
            return (self.unknown,)
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    ids.append(found)
                    break
                end -= 1
            else:
                return (self.unknown,)
            start = end
        return tuple(ids)
