"""Authentication-Results, read as RFC 8601 says: who wrote it, then what it found.

    header   = authserv-id [version] ( "; none" / 1*( ";" resinfo ) )
    resinfo  = method ["/" version] "=" result [reason "=" value] *( ptype.property "=" value )

Comments in parentheses are dropped (they may contain anything, including
text that looks like a result: ``spf=pass (dkim=pass header.d=...)``), quoted
strings are single values, and a clause that does not follow the grammar is
dropped whole rather than guessed at: a verdict is believed only where the
grammar puts one.  Pure: trust.py decides which header to believe.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

_SPECIALS = frozenset(';="()\\')


@dataclass(frozen=True)
class MethodResult:
    method: str  # "dkim", lower-cased, without its version
    result: str  # "pass", "fail", ... lower-cased
    properties: dict[str, str] = field(default_factory=dict)  # "header.d" -> "substack.com"


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str  # lower-cased
    results: tuple[MethodResult, ...]


@dataclass(frozen=True)
class _Token:
    text: str
    word: bool  # a word or quoted string (a value); False for ";" and "="


def parse_authentication_results(header: str) -> AuthResults | None:
    """One header's authserv-id and results; None when it has no authserv-id at all."""
    clauses = _clauses(list(_tokens(header)))
    head = clauses[0] if clauses else []
    if not head or not head[0].word:
        return None
    results = tuple(found for clause in clauses[1:] if (found := _result(clause)) is not None)
    return AuthResults(head[0].text.lower(), results)


def _clauses(tokens: list[_Token]) -> list[list[_Token]]:
    clauses: list[list[_Token]] = [[]]
    for token in tokens:
        if not token.word and token.text == ";":
            clauses.append([])
        else:
            clauses[-1].append(token)
    return clauses


def _result(clause: list[_Token]) -> MethodResult | None:
    """``method=result`` then ``name=value`` pairs; anything else makes the clause void."""
    if len(clause) < 3 or len(clause) % 3:
        return None  # also "none" (no result), which says nothing
    pairs: list[tuple[str, str]] = []
    for i in range(0, len(clause), 3):
        left, equals, right = clause[i:i + 3]
        if not (left.word and right.word and not equals.word and equals.text == "="):
            return None
        pairs.append((left.text, right.text))
    (method, result), rest = pairs[0], pairs[1:]
    properties: dict[str, str] = {}
    for position, (name, value) in enumerate(rest):
        key = name.lower()
        if key == "reason" and position == 0:
            continue
        ptype, dot, prop = key.partition(".")
        if not (dot and ptype and prop) or key in properties:
            return None  # not ptype.property, or said twice: not a clause to believe
        properties[key] = value
    return MethodResult(method.partition("/")[0].strip().lower(), result.lower(), properties)


def _tokens(text: str) -> Iterator[_Token]:
    """Words, quoted strings, ";" and "="; comments and whitespace dropped."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            i = _skip_comment(text, i)
        elif char == '"':
            value, i = _quoted(text, i)
            yield _Token(value, True)
        elif char in ";=":
            yield _Token(char, False)
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _SPECIALS:
                i += 1
            if i == start:  # a stray ")" or "\\": not part of any value
                i += 1
                yield _Token(char, False)
            else:
                yield _Token(text[start:i], True)


def _skip_comment(text: str, i: int) -> int:
    """The index after the comment opening at ``i`` (nested, with quoted-pairs)."""
    depth = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
        if depth == 0:
            break
    return i


def _quoted(text: str, i: int) -> tuple[str, int]:
    chars: list[str] = []
    i += 1
    while i < len(text) and text[i] != '"':
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        chars.append(text[i])
        i += 1
    return "".join(chars), i + 1
