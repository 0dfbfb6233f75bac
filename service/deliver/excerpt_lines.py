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
# Characters that show nothing ("Tag\u200bged safety:" reads "Tagged safety:"), read away
# before a line is matched (the review of the first version: a zero-width space went past)
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def wrap_excerpt(text: str, indent: str = "  ") -> str:
    """``text`` wrapped as Jinja's wordwrap wraps it, lines joined by a newline and
    ``indent``, none of them opening with one of the email's own line starts."""
    lines = textwrap.wrap(text, WIDTH, expand_tabs=False, replace_whitespace=False,
                          break_long_words=False, break_on_hyphens=True)
    for at, line in enumerate(lines):
        if OWN_LINE.match(_INVISIBLE.sub("", unicodedata.normalize("NFKC", line))) is None:
            continue
        if at and " " in lines[at - 1]:
            lines[at - 1], last = lines[at - 1].rsplit(" ", 1)
            lines[at] = f"{last} {line}"
        else:
            lines[at] = f"… {line}"
    return f"\n{indent}".join(lines)
