"""Segment stage, structural engine: a first "story" that is the issue's opening.

Under a masthead a newsletter often sets a tagline ("Running news, every
Saturday"), or opens with a greeting ("Happy Saturday, growers 👋"), then its
intro.  The engine reads such a short line over text as a title, the weakest
mark it knows, and made the intro the issue's first story.  When every story
after it has a stronger mark (a heading, a bold line) and the line is right
under a dropped masthead or is a greeting, it is the opening, and is dropped.
A lead story marked only by a short line stays one when it is neither:
ThursdAI's is, under no masthead.
"""

from __future__ import annotations

import re

from service.ingest.cuts import Cutting, renumbered

__all__ = ["OPENING_GREETING", "without_opening_line"]

MORE_STORIES_THAN = 2  # with fewer stories after it, the line is not weighed against them
OPENING_GREETING = re.compile(  # "Happy Saturday, growers", not "Good news for robot makers"
    r"^(?:happy|good|hello|hi|hey|welcome|greetings|morning|evening)\b[^.?:]{0,40}[,!]",
    re.IGNORECASE)


def without_opening_line(cutting: Cutting) -> Cutting:
    """``cutting`` without a first story that is the issue's tagline or greeting."""
    cuts = cutting.cuts
    if (len(cuts) <= MORE_STORIES_THAN or not cuts[0].signal.startswith("title line")
            or not all(c.signal.startswith(("heading", "bold line")) for c in cuts[1:])):
        return cutting
    if not cutting.under_masthead and not OPENING_GREETING.match(cuts[0].headline):
        return cutting  # a lead story may have the weakest mark (ThursdAI's does)
    why = (f"   dropped intro: {cuts[0].headline!r} (a title line over the intro; every "
           "story after it has a heading)")
    return cutting._replace(cuts=cuts[1:], log=renumbered(cutting.log, 1, why, 0))
