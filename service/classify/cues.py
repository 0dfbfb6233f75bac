"""Theme cues: hand-written signals of each theme, as features for the classifier.

``THEME_CUES`` is THEMES.md's "typical signals" column made into a lexicon;
``ThemeCues`` counts each cue in a story and summarises, per theme, where the
hits fall (headline, first words, paragraphs): that tells a main subject from
a passing mention.  The class and ``headline_of`` are pickled by name inside
every model file, so they must stay importable from this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from service.errors import ModelError

# Lower-cased tokens that keep "h100s", "$1.7bn", "10^25", "sim-to-real", "u.s" whole.
_TOKEN = re.compile(r"\n|[a-z0-9$£€^](?:[a-z0-9$^.-]*[a-z0-9])?")
_SUMMARIES = ("hits", "headline", "lead", "distinct", "density", "paragraphs")
_MAX_PHRASE = 4
_CACHE_LIMIT = 200_000


class _Tally:
    """What one text holds: each cue's count, and per theme where its hits fell."""

    __slots__ = ("counts", "headline", "lead", "lines", "paragraphs", "tokens")

    def __init__(self, cues: int, themes: int) -> None:
        self.counts = [0] * cues
        self.headline, self.lead, self.paragraphs = [0] * themes, [0] * themes, [0] * themes
        self.tokens = self.lines = 0


class _CueCache:
    """Matches already made: token -> (cues, may start a phrase); phrase -> cues."""

    __slots__ = ("marks", "phrases", "tokens")

    def __init__(self) -> None:
        self.tokens: dict[str, tuple[tuple[int, ...], bool]] = {"\n": ((), False)}
        self.marks: set[str] = {"\n"}  # line breaks, and tokens that are or start a cue
        self.phrases: dict[str, tuple[int, ...]] = {}


# lexicon -> its cache; a process sees one or two lexicons, so this stays small
_CUE_CACHES: dict[str, _CueCache] = {}


class ThemeCues(TransformerMixin, BaseEstimator):  # type: ignore[misc]
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

    def fit(self, texts: Sequence[str], y: object = None) -> ThemeCues:
        if not self.cues:
            raise ModelError("ThemeCues needs a cue lexicon")
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
        tallies = [self._tally(text) for text in texts]
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
        names += [f"{theme}:summary:{s}" for theme in self.themes_ for s in _SUMMARIES]
        return np.array(names, dtype=object)

    def _tally(self, text: str) -> _Tally:
        cache = self._warm_cache()
        tokens = _TOKEN.findall(text.lower())  # one pass; "\n" tokens end the lines
        self._learn(tokens, cache)
        tally = _Tally(len(self.names_), len(self.themes_))
        line_start, breaks = 0, 0
        seen: set[int] = set()  # themes hit in the current line
        for at in [at for at, token in enumerate(tokens) if token in cache.marks]:
            if tokens[at] == "\n":
                if at > line_start:  # a line with words in it: a paragraph
                    tally.lines += 1
                    for theme in seen:
                        tally.paragraphs[theme] += 1
                line_start, breaks = at + 1, breaks + 1
                seen = set()
                continue
            for cue in self._cues_at(tokens, at, cache):
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

    def _warm_cache(self) -> _CueCache:
        """The same words come back all the time: match each one once.  Shared by every
        ThemeCues with this lexicon (the folds of a cross-validation); replaced, not
        cleared, when full, so a thread still using the old one is not disturbed."""
        cache = _CUE_CACHES.get(self.lexicon_key_)
        if cache is None or len(cache.tokens) + len(cache.phrases) > _CACHE_LIMIT:
            cache = _CUE_CACHES[self.lexicon_key_] = _CueCache()
        return cache

    def _learn(self, tokens: list[str], cache: _CueCache) -> None:
        """Match the tokens never seen before (set difference: at C speed)."""
        for token in set(tokens).difference(cache.tokens):
            cache.tokens[token] = found, starts = self._match_token(token)
            if found or starts:
                cache.marks.add(token)

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

    def _match_token(self, token: str) -> tuple[tuple[int, ...], bool]:
        """(cues this token is, whether a phrase cue may start with it)."""
        found = self._match(token, 1)
        if not found and "-" in token:  # "gpu-powered": a compound counts as its parts
            found = tuple(i for part in token.split("-") for i in self._match(part, 1))
        return found, any(p.fullmatch(token) for p in self.phrase_starts_)

    def _match(self, gram: str, size: int) -> tuple[int, ...]:
        return tuple(i for i, p in self.patterns_.get(size, []) if p.fullmatch(gram))



def headline_of(text: str) -> str:
    """The first line, lower-cased: a vectorizer preprocessor (pickled by name)."""
    return text.split("\n", 1)[0].lower()


def split_cues(cues: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, list[str]]]:
    return {theme: {name: alternatives.split("; ") for name, alternatives in named.items()}
            for theme, named in cues.items()}


# THEMES.md's "typical signals", widened with the usual words of each field.
# One regular expression per token ("; " separates alternatives, a space
# separates the tokens of a phrase); tokens are lower-case, hyphenated words
# stay whole ("sim-to-real") and fall back to their parts ("gpu-powered").
THEME_CUES: dict[str, dict[str, str]] = {
    "safety": {
        "jailbreaks": r"jailbr(eak|oken)\w*",
        "red teaming": r"red-?team\w*; red team\w*",
        "adversarial attacks": r"adversarial (attacks?|prompts?|examples?|robustness); "
                               r"prompt injections?",
        "misuse": r"misus\w*",
        "alignment": r"(mis|super)?align(ed|ment|ing)",
        "WMD": r"wmdp?; weapons? of mass destruction",
        "biosecurity": r"bio-?(security|weapons?|risks?|terror\w*|defen[cs]e); "
                       r"biological (weapons?|risks?|threats?|attacks?); pathogen\w*; "
                       r"pandemic\w*",
        "chemical weapons": r"chemical (weapons?|attacks?); cbrn",
        "cyber offense": r"cyber-?(attacks?|offen[cs]e|security|weapons?|operations?|crime\w*); "
                         r"cyber",
        "hacking": r"hack(s|ing|ers?|ed)?; exploits?; exploitation; vulnerabilit(y|ies); "
                   r"malware; zero-days?",
        "harmful outputs": r"harmless\w*; harmful\w*; harms?",
        "RLHF": r"rlhf; rlaif",
        "safety cases": r"safety cases?",
        "safeguards": r"safeguard\w*; guardrails?",
        "hazardous knowledge": r"hazard\w*",
        "dangerous capabilities": r"dangerous\w*; dangers?",
        "deception": r"decept\w*; deceiv\w*; lying; sycophan\w*; manipulative",
        "catastrophic risk": r"catastroph\w*; existential\w*; x-risks?; extinction; doom\w*",
        "interpretability": r"interpretab\w*; mechanistic; sparse autoencoders?",
        "unlearning": r"unlearn\w*",
        "guarantees": r"guarantee\w*; formal(ly)? verif\w*; provabl[ye]; verification",
        "backdoors": r"backdoor\w*; sleeper agents?; trojan\w*; poison(ing|ed)?",
        "loss of control": r"power-seeking; oversight; takeover; rogue; loss of control; "
                           r"uncontroll\w*; controllab\w*",
        "safety": r"safety; safe; safer; safely; unsafe",
        "risk": r"risks?; risky; threats?",
        "refusals": r"refus(e|es|ed|al|als|ing)",
        "reward hacking": r"reward hacking; scheming; situational awareness; sandbagging",
        "self-replication": r"self-?(replicat|exfiltrat|improv)\w*; autonomous replication",
        "evaluations": r"evals?; evaluations?",
        "attacks": r"attack\w*; adversar\w*",
        "security": r"security; secure",
    },
    "policy": {
        "executive order": r"executive orders?",
        "regulation": r"(de)?regulat\w*",
        "legislation": r"legislat\w*; laws?; lawmakers?; bills?",
        "EU AI Act": r"ai act; eu; european (union|commission|parliament); brussels",
        "Congress": r"congress\w*; senat(e|or|ors); parliament\w*; "
                    r"house of (lords|commons|representatives)",
        "export controls": r"export (controls?|restrictions?|bans?|licen[sc]es?); exports?",
        "Commerce Department": r"commerce department; department of commerce; bis; entity list",
        "sanctions": r"sanction\w*; tariffs?; embargo\w*",
        "government": r"government\w*; govt; state-?(backed|owned|run|sponsored); public sector",
        "White House": r"federal; white house; administration",
        "ministries": r"minist(er|ers|ry|ries); agenc(y|ies)",
        "policy": r"polic(y|ies); policymak\w*; policy-?makers?",
        "geopolitics": r"geopoliti\w*; national security; arms races?; cold war; great powers?",
        "military": r"militar\w*; pentagon; dod; darpa; armed forces; warfare",
        "lobbying": r"lobby\w*; advoca\w*; activists?; campaign\w*; petitions?; open letters?",
        "think tanks": r"think-?tanks?; rand; cset; brookings",
        "standards bodies": r"nist; standards?; iso",
        "safety institutes": r"safety institutes?; aisi",
        "international agreements":
            r"treat(y|ies); international (agreements?|cooperation|coordination|governance); "
            r"summits?; bletchley; united nations; un; oecd; g7; g20; diplomat\w*",
        "politics": r"democra\w*; elections?; electoral; voters?; politic\w*; partisan; "
                    r"republicans?",
        "political leaders": r"biden; trump; xi; president\w*; prime minister",
        "public opinion": r"public opinion; polls?; polling; surveys?; surveyed; attitudes?; "
                          r"respondents?",
        "governance": r"governance; govern; governed; governing",
        "licensing": r"licen[cs](e|es|ing)",
        "liability": r"liabilit\w*; liable",
        "lawsuits": r"lawsuits?; courts?; sue[sd]?; suing; judges?; legal\w*; litigation; "
                    r"copyright\w*; plaintiffs?",
        "antitrust": r"antitrust; ftc; competition (authority|regulators?); monopol\w*",
        "sovereign AI": r"sovereign\w*",
        "the state": r"states?; nation-?states?; national; nations?; countr(y|ies)",
        "public compute": r"public (compute|funding|money|investment); nairr; "
                          r"national research resource; national ai research resource; "
                          r"taxpayers?; funding package",
        "nonprofits": r"non-?profits?; civil society; ngos?",
        "CHIPS Act": r"chips act",
        "China": r"china; chinese; beijing; ccp; prc",
        "US and allies": r"u\.s; usa; u\.?k; america\w*; britain; british; washington",
        "intelligence agencies": r"intelligence (agenc(y|ies)|community|services?); cia; nsa; "
                                 r"gchq; surveillance",
        "funding": r"fund(s|ed|ing)?; grants?",
        "rules": r"rules?; ban(s|ned|ning)?; mandat\w*; compliance; enforce\w*",
    },
    "compute": {
        "H100s": r"[abhv]100s?; h200s?; g?b200s?; mi[23]\d\dx?s?; gaudi\w*",
        "GPUs": r"gpus?; gpu-hours?",
        "TPUs": r"tpu\w*",
        "chips": r"chips?; chipmak\w*; semiconductors?; silicon; asics?; fpgas?",
        "clusters": r"clusters?",
        "supercomputers": r"supercomput\w*",
        "datacenters": r"data-?cent(er|re)s?; data cent(er|re)s?",
        "FLOPs": r"flops?; petaflop\w*; exaflop\w*; 10\^2\d; 1e2\d",
        "NVIDIA": r"nvidia\w*",
        "chipmakers": r"amd; intel; tsmc; cerebras; graphcore; groq; huawei; ascend; asml; samsung",
        "wafer-scale": r"wafer\w*",
        "CUDA kernels": r"cuda; triton; kernels?",
        "hardware": r"hardware",
        "accelerators": r"accelerators?",
        "inference": r"inference",
        "throughput": r"throughput; latency; tokens per second",
        "distributed training": r"distributed (training|inference); "
                                r"decentrali[sz]ed (training|inference); data-?parallel\w*; "
                                r"data parallel\w*; parallelism",
        "interconnect": r"interconnect\w*; infiniband; nvlink; networking",
        "memory bandwidth": r"memory bandwidth; hbm\w*; bandwidth",
        "energy": r"energy; power; megawatts?; gigawatts?; mw; gw; electricity; power plants?",
        "money": r"\$[\d.]+\w*; £[\d.]+\w*; €[\d.]+\w*; dollars?; billions?",
        "compute": r"compute",
        "training runs": r"training runs?; training costs?",
        "on-device": r"on-device; smartphones?; phones?; laptops?; edge devices?; raspberry pi; "
                     r"macbook\w*",
        "quantization": r"quantiz\w*; int8; int4; fp8; fp16; bf16",
        "efficiency": r"efficien\w*; speedups?; faster",
        "servers": r"servers?; racks?; nodes?",
        "fabs": r"fabs?; foundr(y|ies); fabrication; lithograph\w*; \d+nm",
        "scale": r"scal(e|es|ing|ed)",
        "cost": r"costs?; costly; expensive; cheap\w*; prices?; spend\w*",
    },
    "robotics": {
        "robots": r"robot\w*",
        "manipulation": r"manipulat\w*",
        "grasping": r"gras(p|ps|ping|ped); grippers?; pick(ing)? and plac\w*; pick-and-place",
        "robot arms": r"arms?",
        "humanoids": r"humanoid\w*; bipeds?; bipedal; quadrupeds?; legged",
        "locomotion": r"locomot\w*; walk(s|ing|ed)?; legs?",
        "drones": r"drones?; uavs?; quadcopters?; quadrotors?",
        "sim2real": r"sim-?2-?real; sim-to-real; real-world; real world; physical world; "
                    r"physical\w*",
        "embodiment": r"embodi\w*",
        "robot datasets": r"droid; rt-[12x]; open x-embodiment; bridgedata\w*; aloha",
        "warehouses": r"warehouse\w*; logistics; factor(y|ies); industrial; manufactur\w*",
        "self-driving": r"self-driving; autonomous (cars?|vehicles?|driving); driverless; "
                        r"driving; cars?; vehicles?; waymo; autopilot",
        "teleoperation": r"tele-?operat\w*",
        "actuators": r"actuators?; motors?; servos?; torque",
        "dexterous hands": r"dexter\w*; hands?; fingers?",
        "navigation": r"navigat\w*; obstacles?; terrain",
        "robot simulators": r"mujoco; isaac; gazebo; pybullet",
        "robot makers": r"boston dynamics; unitree; agility robotics; figure ai; optimus",
        "sensors": r"sensors?; cameras?; lidar; tactile; proprioce\w*",
        "household tasks": r"kitchens?; household; chores?; objects?",
    },
}
