"""A story's excerpt in an email's plain part, wrapped so that no line of it reads as one of
the email's own.

The excerpt is the newsletter's text, wrapped at 72 characters and indented as the lines
the service writes under it ("Tagged safety: …", "Wrong themes? <link>").  A story that
sizes its words to the wrap wrote a line "  Tagged safety: alignment, jailbreak" or a fake
"  Wrong themes? https://…evil.example/…" of its own, for a reader, or a check reading the
plain part, to take as ours (the outgoing-mail attacker's probe, stop 44).  Such a line
takes the last word of the line above it, or, first, opens with "…": it no longer starts
with our words.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

__all__ = ["OWN_LINE", "wrap_excerpt"]

WIDTH = 72
# The starts of the plain part's own lines (templates/email/_story.txt, _footer.txt, the
# alert's and the digest's), as a reader or a check would match them; case as written, so
# that a sentence's "also in" or "Unsubscribed readers" is left where it wraps.
OWN_LINE = re.compile(r"(?:Tagged (?:safety|policy|compute|robotics)\b|Wrong themes\?"
                      r"|Read the original:|Read on the web:|Also in:|The whole issue:"
                      r"|Change your themes|Unsubscribe:|Follow \w+ in a feed"
                      r"|You receive this because|-{10})")
# What a line reads as: characters that show nothing ("Tag\u200bged", a variation selector,
# a tag character) read away, and those that show a blank ("Tagged\u2800safety") read as a
# space, before it is matched (the reviews: each such character got a forged line past)
_SHOW_NOTHING = frozenset(("Cf", "Mn", "Me", "Cc", "Cs", "Co", "Cn"))
_BLANK = re.compile("[\\s\u2800\u3164\u115f\u1160\uffa0]+")


def wrap_excerpt(text: str, indent: str = "  ") -> str:
    """``text`` wrapped as Jinja's wordwrap wraps it, lines joined by a newline and
    ``indent``, none of them opening with one of the email's own line starts."""
    lines = textwrap.wrap(text, WIDTH, expand_tabs=False, replace_whitespace=False,
                          break_long_words=False, break_on_hyphens=True)
    for at, line in enumerate(lines):
        if not _reads_as_own(line):
            continue
        if at and " " in lines[at - 1]:
            head, last = lines[at - 1].rsplit(" ", 1)
            if not _reads_as_own(f"{last} {line}"):  # (the word moved may be one: the review)
                lines[at - 1], lines[at] = head, f"{last} {line}"
                continue
        lines[at] = f"… {line}"
    return f"\n{indent}".join(lines)


def _reads_as_own(line: str) -> bool:
    shown = "".join(c for c in unicodedata.normalize("NFKC", line)
                    if unicodedata.category(c) not in _SHOW_NOTHING)
    return OWN_LINE.match(_BLANK.sub(" ", shown).lstrip()) is not None
