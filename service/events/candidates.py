"""Events stage, the candidate index: which stored stories a story could be the same news as.

Signatures live as rows of ``story_terms`` indexed on (term, part, dated).  A
story looks up the *postings* of its heaviest terms within the window (at most
``PER_TERM`` per term: the stored stories that term weighs most in), adds up,
per stored story, the part of the cosine those shared terms give, and keeps the
few stored stories whose partial score promises a match: only their full
signatures are read and scored.  Nothing reads the whole window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.bulk import chunked, one_of
from service.db.tables import StoryTerm
from service.events.matching import Units
from service.events.signature import Signature

LOOKUP_CHUNK = 900  # values per IN (...) list: under every backend's parameter limit
SHORTLIST = 5  # stored stories fully scored per new story, at most
PROMISE = 0.5  # share of the threshold the looked-up terms alone must reach
LOOKUP_WHOLE = 10  # heaviest terms of a whole signature looked up
LOOKUP_PART = 4  # and of each part
PER_TERM = 30  # postings read per term: the stories it weighs most in
Postings = Mapping[str, Sequence[tuple[int, float]]]  # term -> (story, weight) of wholes


@dataclass(frozen=True)
class Window:
    """The issue dates a story is compared across: its own day, give or take ``days`` days.

    Whole days, not timestamps: a weekly newsletter's issue two weeks on, sent
    half an hour later in the day, is 14 days apart like one sent earlier in
    the day (the labeled pairs held five such: Import AI a fortnight after
    Last Week in AI, 14 days and 26 minutes).
    """

    low: datetime
    high: datetime

    @classmethod
    def around(cls, dated: datetime, days: int) -> Window:
        # Whole UTC days, whatever zone ``dated`` carries (a naive one is UTC already).
        utc = dated.astimezone(UTC) if dated.tzinfo else dated
        day = utc.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(day - timedelta(days=days),
                   day + timedelta(days=days + 1) - timedelta(microseconds=1))


def document_frequency(session: Session, terms: Iterable[str],
                       window: Window) -> tuple[Counter[str], int]:
    """How many of the window's stories have each term, and how many stories it holds.

    A story's whole signature (part 0) holds a term once, so its rows count stories.
    """
    inside = (StoryTerm.part == 0, StoryTerm.dated >= window.low, StoryTerm.dated <= window.high)
    documents = session.scalar(select(func.count()).select_from(StoryTerm).where(*inside)) or 0
    frequency: Counter[str] = Counter()
    for chunk in chunked(sorted(set(terms)), LOOKUP_CHUNK):
        rows = session.connection().execute(select(StoryTerm.term, func.count())
                               .where(one_of(session, StoryTerm.term, chunk), *inside)
                               .group_by(StoryTerm.term))
        frequency.update({term: count for term, count in rows})
    return frequency, int(documents)


def lookup_terms(units: Iterable[Units], frequency: Mapping[str, int], documents: int,
                 common_share: float) -> set[str]:
    """The terms worth looking up: each signature's heaviest, unless nearly every story has them.

    A story's heaviest terms (names, figures, rare words) are what another
    newsletter's take on the same news shares.
    """
    cap = max(10, int(documents * common_share))
    found: set[str] = set()
    for unit in units:
        for signature, top in ((unit.whole, LOOKUP_WHOLE), *((p, LOOKUP_PART) for p in unit.parts)):
            heaviest = sorted(signature.weights, key=lambda t: -signature.weights[t])[:top]
            found.update(t for t in heaviest if frequency.get(t, 0) <= cap)
    return found


def postings(session: Session, terms: Iterable[str], window: Window) -> dict[str, list[
        tuple[int, float]]]:
    """Per term, the ``PER_TERM`` stored whole signatures of the window it weighs most in.

    Capping each term's list keeps a much-covered name (a big launch) useful:
    the stories it is central to are found, not every story that mentions it.
    Wholes only: a new story's parts are set against stored wholes, which is
    how a roundup arriving finds its items.
    """
    found: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for chunk in chunked(sorted(set(terms)), LOOKUP_CHUNK):
        rank = func.row_number().over(partition_by=StoryTerm.term,
                                      order_by=(StoryTerm.weight.desc(), StoryTerm.story_id))
        ranked = (select(StoryTerm.story_id, StoryTerm.term, StoryTerm.weight,
                         rank.label("rank"))
                  .where(one_of(session, StoryTerm.term, chunk), StoryTerm.part == 0,
                         StoryTerm.dated >= window.low, StoryTerm.dated <= window.high)
                  .subquery())
        for story_id, term, weight in session.connection().execute(
                select(ranked.c.story_id, ranked.c.term, ranked.c.weight)
                .where(ranked.c.rank <= PER_TERM)):
            found[term].append((story_id, weight))
    return found


def in_memory_postings(units: Iterable[Units], terms: set[str]) -> Postings:
    """Postings of whole signatures not stored yet (an issue's own stories), for ``terms``."""
    found: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for unit in units:
        for term, weight in unit.whole.weights.items():
            if term in terms:
                found[term].append((unit.story_id, weight))
    return found


def shortlist(units: Units, posted: Postings, threshold: float) -> list[int]:
    """Stored stories whose rare shared terms alone promise a match, most promising first."""
    best: dict[int, float] = {}
    for signature in (units.whole, *units.parts):
        partial: dict[int, float] = defaultdict(float)
        for term, weight in signature.weights.items():
            for story_id, theirs in posted.get(term, ()):
                partial[story_id] += weight * theirs
        for story_id, value in partial.items():
            if value > best.get(story_id, 0.0):
                best[story_id] = value
    best.pop(units.story_id, None)
    promising = [s for s, value in best.items() if value >= threshold * PROMISE]
    return sorted(promising, key=lambda s: (-best[s], s))[:SHORTLIST]


def load_units(session: Session, story_ids: Iterable[int],
               wholes_only: bool = False) -> dict[int, Units]:
    """Stored signatures of these stories: wholes and parts, or ``wholes_only``.

    ``wholes_only`` still reads a first part's few rows, not kept: they say the
    story is long (``Units.long``), which matching needs to know (Candidate.covering).
    """
    weights: dict[int, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for chunk in chunked(sorted(set(story_ids)), LOOKUP_CHUNK):
        query = (select(StoryTerm.story_id, StoryTerm.part, StoryTerm.term, StoryTerm.weight)
                 .where(one_of(session, StoryTerm.story_id, chunk)))
        if wholes_only:
            query = query.where(StoryTerm.part <= 1)
        for story_id, part, term, weight in session.connection().execute(query):
            weights[story_id][part][term] = weight
    return {story_id: Units(story_id, Signature(parts.get(0, {})),
                            tuple(Signature(parts[p]) for p in sorted(parts)
                                  if p and not wholes_only),
                            long=1 in parts)
            for story_id, parts in weights.items()}
