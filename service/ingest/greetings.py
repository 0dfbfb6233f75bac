"""Segment stage: a line that greets the reader ("Hey, Jamie here!", "Happy Sunday!", "Dear
readers,") opens the issue's intro or a letter; it is no story's headline."""

from __future__ import annotations

import re

__all__ = ["GREETING", "SALUTATION"]

# The newsletter greeting its readers ("Hey, Jamie here!", after an emoji only when it ends
# in "!": "👋 Hello and welcome to …!"), or welcoming them to the issue ("Welcome to the second
# edition of …"): its intro, no headline.  Not "Hi-tech farms…", "Hello Kitty maker sues",
# "'Hello, Dolly!' returns" (a quote), "🎮 Hello, Neighbor 3 is a mess" (attack16).
_NO_QUOTE = r"[^\w'\"‘’“”]"
# (every run bounded: a hostile line of 40,000 symbols took seconds, the stop's review)
GREETING = re.compile(rf"^(?:{_NO_QUOTE}{{1,6}}(?=.{{0,160}}!\W{{0,20}}$))?"
                      r"(?:hey|hi|hello|howdy|greetings"
                      # the same in the languages the sweeps met ("☀️ Guten Morgen, Berlin!":
                      # the ninth blind set's city daily), greeting as "hi" does: not "Bom Dia
                      # Brasil estreia novo cenário", a show's news (the review)
                      r"|guten (?:morgen|tag|abend)|buen(?:os|as) (?:días|dias|tardes|noches)"
                      r"|bonjour|bonsoir|buongiorno|buonasera|bom dia"
                      r"|boa (?:tarde|noite)|goedemorgen|goedenavond|god morgon"
                      r"|dzień dobry|günaydın)(?:\W{0,20}$|\s*[,!—–]|\s+(?:and"
                      r"|everyone|all|friends|folks|there|again|readers|from)\b"
                      r"|\s+[^\s,.!?]{1,40}(?:\s+[^\s,.!?]{1,40})?(?:[,!]|\W{0,20}$))"
                      rf"|^{_NO_QUOTE}{{0,6}}(?:good (?:morning|afternoon|evening)\b"
                      # "Happy Sunday!" (the eleventh blind set); not "Happy Days returns"
                      r"|happy (?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend)"
                      r"(?:\W{0,20}$|\s*[,!—–])"
                      r"|(?:hello and )?welcome (?:back )?to (?:the |this |our |your |today['’]s )?"
                      r"(?:[\w'’-]+ ){0,3}(?:edition|issue|newsletter)\b)",
                      re.IGNORECASE)
SALUTATION = re.compile(r"^(?:dear|hi|hello|hey)\b[^,.!?]{1,40},$", re.IGNORECASE)
