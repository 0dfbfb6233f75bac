"""Events stage: what a story is about, as a short list of weighted terms.

Pure Python (no scikit-learn outside classify/): a story's headline and text
become counts of content terms; names (capitalised words inside a sentence,
model names such as ``Phi-4`` or ``QwQ-32B``) and numbers (``61.5``) count
double, because two newsletters covering one release share its names and
figures, not its wording.  Weighted by inverse document frequency over the
stories of the matching window and L2-normalised, the top ``TOP_TERMS`` terms
are a story's ``Signature``; the cosine of two signatures says how alike the
two stories are.  A long story (an editorial, a roundup) also gets one
signature per part, so each of its items can be matched on its own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# A word: a letter, digit or "$", then runs of "$.,'’-" each followed by a letter, a digit or
# "+" ("$1.5bn", "GPT-4.5", "C++"), ending on one of those.  Written as such runs, possessive
# and of at most 32, where it was "any of them, then backtrack to an end": a run of "$" with
# no end made every "$" scan the rest of it (40,000 "$" took 6.8 s, holding the GIL and the
# poll's transaction; a review).
_WORD = re.compile(r"[A-Za-z0-9$](?:[$.,'’\-]{0,32}+[A-Za-z0-9+])+|[A-Za-z0-9]")
# A markdown link's target stops at a space or "]": "](" after "](" no longer scans to the end;
# a title may follow it ("](url "Title")")
_LINK = re.compile(r"https?://\S+|\]\([^)\]\s]*(?:[ \t]+\"[^\"\n]{0,200}\")?\)")
_SENTENCE = re.compile(r"(?<=[.!?:\n])\s+")
_NUMBER = re.compile(r"\$?[0-9][0-9.,]*")
ENTITY = "E:"  # marks a name or number in the counts; dropped in signatures
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves new says said say one two like get gets got
make makes made use uses used using way ways well much many may might must need needs
s t don doesn isn it's that's what's week weeks today year years time first last
ai model models company companies according report reports reported including people
generated powered generative artificial intelligence ai-generated ai-powered launches launch
launched announces releases release released based
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
ENTITY_BOOST = 2.0  # chosen on the tune pairs (bench/events.py), see README
TOP_TERMS = 60
PART_TERMS = 25  # a part is a paragraph or two: fewer terms carry it
PART_CHARS = 700  # a story at least twice this long is also matched part by part
MAX_PARTS = 8


@dataclass(frozen=True)
class Signature:
    """L2-normalised term weights of a story, or of one part of a long story."""

    weights: Mapping[str, float]

    def cosine(self, other: Signature) -> float:
        small, large = sorted((self.weights, other.weights), key=len)
        return sum(weight * large.get(term, 0.0) for term, weight in small.items())


def count_terms(text: str) -> Counter[str]:
    """Lower-cased content terms; names and numbers carry ``ENTITY`` in front."""
    counts: Counter[str] = Counter()
    for sentence in _SENTENCE.split(_LINK.sub(" ", text)):
        for position, match in enumerate(_WORD.finditer(sentence)):
            raw = match.group().strip(".,'’-").replace("’", "'")
            raw = raw[:-2] if raw.endswith("'s") else raw
            _count(counts, raw, _is_entity(raw, position))
    return counts


def count_story(headline: str, text: str) -> tuple[Counter[str], list[Counter[str]]]:
    """Counts of a whole story, and of each of its parts when it is long enough to have them.

    Parts split at line breaks, which end sentences too, so the whole is the
    headline's counts plus its parts' and the text is read once.
    """
    pieces = parts(text)
    if not pieces:
        return count_terms(f"{headline}\n{text}"), []
    counted = [count_terms(piece) for piece in pieces]
    whole = count_terms(headline)
    for piece in counted:
        whole.update(piece)
    return whole, counted


def _count(counts: Counter[str], raw: str, entity: bool) -> None:
    word = raw.lstrip("$").replace(",", "") if _NUMBER.fullmatch(raw) else raw.lower()
    if not word or word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return
    mark = ENTITY if entity else ""
    counts[mark + word] += 1
    if "-" in word:  # "QwQ-32B" also meets "QwQ 32B"
        for piece in word.split("-"):
            if len(piece) > 1 and piece not in STOPWORDS:
                counts[mark + piece] += 1


def _is_entity(raw: str, position: int) -> bool:
    if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
        return True  # GPT-4.5, Phi-4
    if _NUMBER.fullmatch(raw):
        return len(raw.strip("$").replace(",", "")) >= 2
    inner_capital = any(c.isupper() for c in raw[1:])
    # a capital opening a sentence says nothing; inside one it names something
    return raw[:1].isupper() and (position > 0 or inner_capital)


def plain_terms(counts: Counter[str]) -> set[str]:
    """The terms of ``counts`` without their entity marks (what document frequency counts)."""
    return {key.removeprefix(ENTITY) for key in counts}


def signature(counts: Counter[str], idf: Mapping[str, float], default_idf: float,
              top_terms: int = TOP_TERMS) -> Signature:
    """Sublinear tf x idf (names doubled), the ``top_terms`` heaviest, L2-normalised."""
    weights: dict[str, float] = {}
    for key, n in counts.items():
        term = key.removeprefix(ENTITY)
        boost = ENTITY_BOOST if key.startswith(ENTITY) else 1.0
        weight = (1.0 + math.log(n)) * idf.get(term, default_idf) * boost
        weights[term] = max(weights.get(term, 0.0), weight)
    top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:top_terms]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return Signature({term: w / norm for term, w in top})


def idf_weights(document_frequency: Mapping[str, int], documents: int) -> dict[str, float]:
    """Smoothed inverse document frequency, as scikit-learn's TfidfVectorizer computes it."""
    return {term: math.log((documents + 1) / (df + 1)) + 1.0
            for term, df in document_frequency.items()}


def default_idf(documents: int) -> float:
    """The idf of a term no stored story has: the rarest there is."""
    return math.log(documents + 1) + 1.0


K = TypeVar("K")
Counted = tuple[Counter[str], list[Counter[str]]]  # count_story: the whole's counts, each part's


def story_frequency(counted: Iterable[Counted]) -> Counter[str]:
    """How many of these stories hold each term: their share of the document frequency."""
    frequency: Counter[str] = Counter()
    for whole, _ in counted:
        frequency.update(plain_terms(whole))
    return frequency


def weigh(counted: Mapping[K, Counted], frequency: Mapping[str, int],
          documents: int) -> dict[K, tuple[Signature, tuple[Signature, ...]]]:
    """Each story's signature and its parts', weighted by ``frequency`` over ``documents``."""
    idf, default = idf_weights(frequency, documents), default_idf(documents)
    return {key: (signature(whole, idf, default),
                  tuple(signature(part, idf, default, PART_TERMS) for part in pieces))
            for key, (whole, pieces) in counted.items()}


def parts(text: str) -> list[str]:
    """Paragraph groups of about ``PART_CHARS``, for a story that may cover several items."""
    if len(text) < 2 * PART_CHARS:
        return []
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        current = f"{current}\n{paragraph}" if current else paragraph
        if len(current) >= PART_CHARS:
            chunks.append(current)
            current = ""
    if current:
        if chunks and len(current) < PART_CHARS // 2:
            chunks[-1] += "\n" + current
        else:
            chunks.append(current)
    return chunks[:MAX_PARTS] if len(chunks) > 1 else []
