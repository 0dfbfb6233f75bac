"""Segment stage, structural engine: the newsletter's masthead at the top of an issue.

Above the first story a newsletter sets its name ("The Harbourside Morning", "RAIL
NOTES #118"), perhaps its logo linked to its home page, the issue's number line
("Volume 7, Number 3 — notes on the machines", "Office for Public Information · Issue
118 · 24 October 2025") and the date ("Tuesday, May 06, 2025").  The engine reads such
lines as titles; ``is_masthead`` says which of them are the masthead, dropped with the
short intro under them.  It is asked of every title until a story starts, so it reads
only the issue's first three blocks, found once (``first``), never the units before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.ingest.addresses import split_address
from service.ingest.bylines import ISSUE_DATE
from service.ingest.greetings import GREETING
from service.ingest.headlines import READING_TIME, tidy
from service.ingest.units import BOLD_RANK, Unit, after, text_under

__all__ = ["is_masthead", "names_the_newsletter", "newsletter_names", "translated_names"]

MASTHEAD_MAX_CHARS = 300  # the intro under a newsletter's name is short
TAGLINE_TEXT_CHARS = 100  # a tagline or a serial name over more text may head a story
SHORT_LINE_CHARS = 60  # a masthead's lines: a name, "Web version"
NAME_MAX_WORDS = 7  # a newsletter's name is short: "The Harbourside Morning"
# The words that number an issue, in the languages the sweeps met.
_ISSUE_WORDS = (r"issue|no\.|vol(?:ume)?\.?|edition|ed\.|edição|edición|edizione|ausgabe|"
                r"numéro|número|numero|bolet[ií]n|bulletin|week|"
                # the twenty-fourth sweep's Italian club: "Notiziario n. 4 - aprile 2025"
                r"notiziario|bollettino|"
                # the thirteenth sweep's Swedish, Turkish and Hebrew ("Nummer 46", "Sayı
                # 73", "גיליון 38") and their neighbours'
                r"nummer|nr\.?|sayı|numer|wydanie|číslo|uitgave|utgåva|גיליון|выпуск|номер")
# (the words that also rank news, "Samsung ist wieder die Nummer 1", take two digits at the
# end: the review)
_RANK_WORDS = r"nummer|nr\.?|numer|wydanie|номер"
ISSUE_NUMBER = re.compile(rf"(?:#\s?\d+|\b(?!(?:{_RANK_WORDS})\s?#?\d\s*$)"
                          rf"(?:{_ISSUE_WORDS})\s?#?\d+)\s*$", re.IGNORECASE)
# The issue's number opening the line under the newsletter's name: "Volume 7, Number 3 —
# notes on the machines", "Issue 230 - November 14, 2024", "Vol. 4 · No. 12".
ISSUE_LINE = re.compile(rf"^(?:{_ISSUE_WORDS})\s?(?:n(?:\.?[º°o]\.?|\.)\s?)?#?\d+"
                        # not "Edition 2: the AI Act lands", a headline (an attack's probe)
                        r"(?:\W{1,3}(?:no\.|number)\s?\d+)?\s*(?:[-—–|·•,/]|$)", re.IGNORECASE)
# What follows the number when it dates the issue ("· March 5, 2026", "- 4 de fevereiro de
# 2026"): then the line is the masthead whatever intro follows it.  Otherwise ("— notes on
# the machines", "— the AI Act lands") only with little text under it, as a tagline has.
DATED = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[/.]\d{1,2}\b")


DATE_WORDS = 5  # a date line in words the dates' patterns do not know is short
MIN_NAME_CHARS = 4  # "The AI" is no newsletter's name to match lines against
# What may follow the newsletter's name on its masthead line: the issue's number or week,
# the date, "Read on the Web" ("Zero Day Digest — Week 46", "Orbit Weekly #96").
NAME_TAIL = re.compile(rf"^(?:(?:#\s?\d+|(?:{_ISSUE_WORDS})\s?#?\d+)(?:\s*\W{{1,3}}\s*|$))?"
                       r"(?:week of )?(?P<rest>.*)$", re.IGNORECASE)
# "11/18/2025", "20.11.2025", "2025-9-21"
NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b(?:19|20)\d\d-\d{1,2}-\d{1,2}\b")
# A month's whole name (English, German, French, Spanish, Italian, Portuguese, Dutch) or
# its abbreviation, next to a day or a year: "20. November 2025", "December 2025", "Dez 3";
# not "Nvidia sets 2025 record" nor "Market Outlook 2026" (the review: stems matched words).
_MONTHS = (r"(?:jan(?:uary|uar|vier|eiro|uari)?|feb(?:ruary|ruar|ruari|rero|braio)?|févr(?:ier)?|"
           r"fev(?:ereiro)?|gennaio|enero|mar(?:ch|s|zo|ço)?|märz|maart|apr(?:il|ile)?|avril|"
           r"abr(?:il)?|ago(?:sto)?|"
           r"ma[iy]|mayo|maggio|maio|mei|jun(?:e|i|o|io|ho)?|juin|giugno|jul(?:y|i|io|ho)?|"
           r"juillet|luglio|aug(?:ust|ustus)?|août|agosto|sep(?:t|tember|tiembre|tembre)?|"
           r"settembre|setembro|oct(?:ober|obre|ubre)?|okt(?:ober)?|ottobre|outubro|"
           r"nov(?:ember|embre|iembre|embro)?|dec(?:ember)?|dez(?:ember|embro)?|déc(?:embre)?|"
           r"dic(?:iembre|embre)?)\.?")
# The issue named by its month: "November 2024 Edition", "The May Letter" (a month's issue
# of a serial: nothing a story is about)
MONTHLY_NAME = re.compile(rf"^(?:the\s+)?{_MONTHS}(?:\s+(?:19|20)\d\d)?\s+(?:(edition|letter|"
                          r"newsletter|bulletin|digest|round-?up)|issue|update)$", re.IGNORECASE)
MONTH = re.compile(rf"(?:\b\d{{1,2}}\.?\s+(?:de\s+)?{_MONTHS}(?![^\W\d_])"
                   rf"|\b{_MONTHS}(?![^\W\d_])\s+(?:de\s+)?(?:\d{{1,2}}\b|(?:19|20)\d\d\b))",
                   re.IGNORECASE)  # ("14 de noviembre de 2025")
# The newsletter's name and the post's title are among the issue's first blocks: what looks
# for them reads these only, not a walk of the issue.
MASTHEAD_BLOCKS = 12
READING_TIME_WORDS = 3  # "⏱️ 5-minute read" alone
TAGLINE_WORDS = 14  # a masthead's tagline and date: "Ten things worth knowing today · …"
WEEKDAY_DATE = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+\S", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"{_MONTHS}\s+(?:de\s+)?(?:19|20)\d\d", re.IGNORECASE)
TRAILING_NUMBER = re.compile(rf"(?:{_ISSUE_WORDS})\s?#?\d+|#\d+", re.IGNORECASE)
# The newsletter says what it is and how often: "One AI workflow, every Wednesday", "Weekly
# news on AI agents, tested by hand".  Not "Drones will deliver every day in Texas" (no comma
# before "every") nor "Weekly jobless claims rise" (no "on"/"about" after the noun).
EVERY_TAGLINE = re.compile(
    r"^[^\n,]{3,60},[ \t]*(?:(?:every|each)[ \t]+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|day|weekday|week|morning|evening|month|weekend)"
    # "Die KI-Woche für Entscheider, jeden Freitag", "…, cada lunes", "…, chaque vendredi"
    r"|jeden[ \t]+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|tag|morgen)"
    r"|cada[ \t]+(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|día|semana|mañana)"
    r"|chaque[ \t]+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|jour|semaine|matin))"
    r"\W*$", re.IGNORECASE)
# ... or what it is: a masthead only over little text ("Daily update on the Eaton fire" over
# its story is news: the review); perhaps after the name: "RACK & STACK — weekly notes on AI
# compute" (the nineteenth sweep)
NOUN_TAGLINE = re.compile(
    r"^(?:[^\n·•|—–]{2,40}[ \t][·•|—–][ \t]+)?"
    r"(?:your |the |a )?(?:weekly|daily|monthly|fortnightly)[ \t]+(?:news|digest|roundup"
    r"|round-up|briefing|brief|dose|look|guide|update|read|notes)[ \t]+(?:on|about|for|from)"
    r"[ \t][^\n]{3,60}$", re.IGNORECASE)
CADENCE_TAGLINE = re.compile(f"{EVERY_TAGLINE.pattern}|{NOUN_TAGLINE.pattern}", re.IGNORECASE)
# A name that says it is a newsletter: "AI & Technology Weekly | 7 November 2025" (the
# seventeenth sweep); "Apple event recap — Sept 9, 2025" heads news.
SERIAL_NAME = re.compile(r"\b(?:weekly|daily|digest|briefing|newsletter|bulletin|roundup|"
                         r"round-up|dispatch|monthly)$", re.IGNORECASE)
# ...and one that names nothing a story could be about, whatever text is under it: "The
# Sunday Letter · November 9" over the editor's intro (the twenty-third sweep's food letter;
# "Earnings roundup — November 7, 2025" over its text is news).
LETTER_NAME = re.compile(r"\b(?:newsletter|(?<!open )letter|edition|gazette|chronicle)$",
                         re.IGNORECASE)  # ("Open letter — Nov 9" is news)
WEB_VERSION = re.compile(r"(?:read|view) (?:online|(?:on|in) (?:the )?(?:web|browser))")


def newsletter_names(sender_name: str, list_id: str | None) -> tuple[str, ...]:
    """The names an issue's masthead may set, plain (``_plain``): the From header's display
    name and its parts around " from " (Substack's "Priya Raman from Gradient Notes"), its
    part after " at " ("Tomasz Wierzbicki at Preprint Almanac"), and
    the List-Id's description ("Tech Morning <techmorning.harborledger.example>")."""
    names = [sender_name, *sender_name.split(" from ", 1),
             sender_name.rpartition(" at ")[2]]  # Ghost's "Tomasz Wierzbicki at Preprint Almanac"
    if list_id and "<" in list_id:
        names.append(list_id.split("<", 1)[0])
    plain = (_plain(name) for name in names)
    return tuple(dict.fromkeys(name for name in plain if len(name) >= MIN_NAME_CHARS))


def translated_names(subject: str, sender_name: str, own: Sequence[str] = ()) -> tuple[str, ...]:
    """A bilingual issue's name in its second language: the part after " / " of a subject or
    sender such as "Boreal Bulletin — November 2025 / Bulletin Boréal — novembre 2025",
    with and without its date.  Under that name the issue starts again, translated (Canada's
    bulletins: the thirteenth and fourteenth sweeps).  ``own`` are the newsletter's names
    (``newsletter_names``)."""
    names: list[str] = []
    for text in (subject, sender_name):
        first, slash, second = text.partition(" / ")
        if not slash or not first.strip() or " / " in second:
            continue
        # two headlines ("Nvidia's big quarter / The Fed's next move") or two sections
        # ("Markets / Politics — Nov 21") are no bilingual name: both halves dated, or the
        # first the newsletter's own name, or the sender's two names of two words or more
        head = re.split(r"\s+[—–|·:-]\s+", first.strip(), maxsplit=1)[0]
        dated = all(DATED.search(half) or MONTH.search(half) for half in (first, second))
        if not (dated or (own and names_the_newsletter(head, own))
                or (text is sender_name and min(len(head.split()),
                                                len(second.split())) >= 2)):
            continue
        short = re.split(r"\s+[—–|·:-]\s+", second, maxsplit=1)[0]
        names += [second] + ([short] if len(short.split()) >= 2 else [])
    plain = (_plain(name) for name in names)
    return tuple(dict.fromkeys(name for name in plain if len(name) >= MIN_NAME_CHARS))


# "Share Synapse Daily", "🤝 SHARE FIRST POUR", "Think About Supporting Garbage Day!": over a
# referral or a membership block (the fifteenth to seventeenth blind sets); "Share" names
# news in Title Case ("Share Buybacks Surge"), so only the newsletter's name says it asks.
# ("Support Local News" or "Consider Supporting Austin" is news, even from a sender of that
# name: a request to support it ends in "!", the review)
SHARE_PROMPT = re.compile(r"^\W*(?:share\s+(?:the\s+)?(\S[^\n]{0,60}?)\W*"
                          r"|(?:please )?(?:think about|consider) supporting\s+(?:the\s+)?"
                          r"(\S[^\n]{0,60}?)\s*!\W*)$", re.IGNORECASE)


def shares_the_newsletter(headline: str, names: Sequence[str]) -> bool:
    """``headline`` asks to share the newsletter, named as the sender names it."""
    found = SHARE_PROMPT.match(headline)
    return found is not None and _plain(found.group(1) or found.group(2)) in names


def names_the_newsletter(text: str, names: Sequence[str]) -> bool:
    """Every line of ``text`` is the newsletter's name (one of ``names``), perhaps with the
    issue's number, week or date after it, or a line that only dates the issue: "Zero Day
    Digest — Week 46", "CAPITOL BYTES" over "11/18/2025 10:00 AM EST".  No news headline
    is the name of the newsletter that sends it."""
    named = False
    for line in text.splitlines():
        plain = _plain(line)
        name = next((n for n in names if plain == n or plain.startswith(n + " ")), None)
        if name is None:
            if plain and not _date_line(line):
                return False
            continue
        tail = NAME_TAIL.match(plain[len(name):].strip())
        rest = tail.group("rest").strip() if tail else plain
        if (rest and not _date_line(rest) and not WEB_VERSION.fullmatch(rest)
                and not _name_date_tagline(line, name)):
            return False
        named = True
    return named


def _name_date_tagline(line: str, name: str) -> bool:
    """The name, the issue's date, a tagline: "Frontpage Digest · Tuesday, 18 March 2025 ·
    top links from the last 24 hours" (the twenty-ninth sweep).  After the newsletter's own
    name the date may come first: no headline opens with that name."""
    parts = [part.strip() for part in re.split(r"\s[·•|—–]\s", line.strip())]
    return (len(parts) == 3 and _plain(parts[0]) == name and _dates_the_issue(parts[1])
            and len(parts[2].split()) <= TAGLINE_WORDS)


def _date_line(line: str) -> bool:
    """"Tuesday, May 06, 2025", "11/18/2025 10:00 AM EST", or a short line with a month's
    name and a year in a language the dates' patterns do not know ("Donnerstag, 20.
    November 2025"); not a version ("Larkline 2026.1": an attack on the first version)."""
    return _dates_the_issue(tidy(line)) or bool(
        len(line.split()) <= DATE_WORDS and (NUMERIC_DATE.search(line) or (
            DATED.search(line) and MONTH.search(line))))


def is_the_name(text: str, names: Sequence[str]) -> bool:
    """``text`` is the newsletter's name (one of ``names``), perhaps after "the", before
    "newsletter" or its maker's "by …" ("the AI Safety Newsletter by the Center for AI
    Safety", sent as "AI Safety Newsletter"); not a name with more words ("GitHub Universe
    2024", sent by "GitHub": the review of this rule)."""
    def bare(name: str) -> str:
        return name.removeprefix("the ").removesuffix(" newsletter")

    plain = bare(re.sub(r" (?:by|from) .*$", "", _plain(text)))
    return any(plain == bare(name) for name in names)


def _plain(text: str) -> str:
    """Words only, in lower case: "🎙️ Weekend Weights" and "WEEKEND WEIGHTS" are one name."""
    return " ".join(re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*|#\d+", text.casefold()))


def is_masthead(unit: Unit, units: list[Unit], index: int, first: Sequence[int]) -> bool:
    """The newsletter's name over its intro: the issue's first block, a title alone of its
    rank or naming the issue's number, with little text and no link under it, or a short
    bold name linked to the home page (its logo).  A line that only dates the issue, or a
    name with the issue's week or in capitals with its date.  Or the issue's number line,
    opening the issue or under that name (perhaps after a "Web version" line): dated, it
    is the masthead whatever intro follows; else only with little text under it.  ``first``
    holds the indices of the issue's first three blocks that are not rules: this is asked
    of every title until a story starts, so it must not walk the units before it."""
    before = [units[i] for i in first if i < index]
    if len(before) > 2:
        return False
    if unit.url:  # a short bold name linked to the newsletter's home page is its logo
        return (unit.rank >= BOLD_RANK and not split_address(unit.url).path.strip("/")
                and len(unit.headline.split()) <= 4)
    headline = tidy(unit.headline)
    little_under = text_under(units, index) < TAGLINE_TEXT_CHARS or _over_an_intro(units, index)
    if EVERY_TAGLINE.match(headline) or (NOUN_TAGLINE.match(headline) and little_under):
        return True  # "The AI job market, every Tuesday" over the intro (the seventeenth sweep)
    if (monthly := MONTHLY_NAME.match(headline)) and (little_under or monthly.group(1)):
        # "November 2024 Edition", "THE MAY LETTER" (the twenty-fourth sweep); over a
        # story's text "The September Issue" or "November 2025 Update" is news (the review)
        return True
    if _dates_the_issue(headline) or _dated_name(headline, serial=little_under):
        return True  # "Tuesday, May 06, 2025", "AI MONEY & JOBS — Week of March 10, 2025"
    if _dated_tagline(headline) and text_under(units, index) < MASTHEAD_MAX_CHARS:
        return True  # ("Jobs report — November 2025" over its story is news)
    line = re.sub(r"^\W+", "", headline)  # "📬 Issue 230"
    end = _issue_number_end(line) if len(line) <= 2 * SHORT_LINE_CHARS else None
    if end is not None and (DATED.search(line, end) or not ISSUE_LINE.match(line)):
        # "Issue 77 · 29 April 2025", "News and letters from Port Alder · Issue 52": the
        # issue's own line, whatever follows (an undated "Issue 2 — the AI Act" may head news)
        return True
    if before:
        return (end is not None and before[-1].role == "title"
                and all(len(u.block.text) <= SHORT_LINE_CHARS for u in before)
                and (bool(DATED.search(line, end))
                     or text_under(units, index) < MASTHEAD_MAX_CHARS))
    if text_under(units, index) >= MASTHEAD_MAX_CHARS:
        return False
    if ISSUE_NUMBER.search(unit.headline):
        return True  # "RAIL NOTES #118" over stories whose titles look just like it
    if len(unit.headline.split()) > NAME_MAX_WORDS:
        return False  # "Slow travel in the Azores: nine islands, one ferry pass" is a story's
    return not any(u.role == "title" and u.rank == unit.rank for u in after(units, index))


def _over_an_intro(units: list[Unit], index: int) -> bool:
    """The text under the line at ``index`` opens with the issue's date or a greeting ("Hi
    there, welcome to…"): the line is the masthead's tagline, not a story's headline."""
    below = next((u for u in after(units, index) if u.role != "rule"), None)
    if below is None or below.role != "body":
        return False
    first = tidy(below.block.text.strip().split("\n", 1)[0])
    return _date_line(first) or bool(GREETING.match(first))


def _issue_number_end(line: str) -> int | None:
    """Where the issue's number ends when it opens ``line`` ("Issue 230 - November 14") or a
    part of it after a "·" or "|" ("Office for Public Information · Issue 118 · 24 October
    2025"); None when it does neither."""
    for part in re.finditer(r"^|(?<=[·•|] )", line):
        if number := ISSUE_LINE.match(line[part.start():]):
            return part.start() + number.end()
    return None


def _dated_name(line: str, serial: bool = True) -> bool:
    """A short name, then the date as the line's last part: "AI MONEY & JOBS — Week of March
    10, 2025", "Curated posts · Week of March 10": the week, or a name in capitals; not
    "June 30 — deadline nears", a speaker's "Amara Okafor · Jun 12", or a headline's
    "Apple event recap — Sept 9, 2025"."""
    parts = re.split(r"\s+(?:[·|•—–]|--)\s+", line)
    hyphened = len(parts) < 2  # "Weekly Bulletin - Week of …": a hyphen parts a serial's
    if hyphened:  # name only ("FOMC - December 10, 2025" is news: the review)
        parts = re.split(r"\s+-\s+", line)
    date = re.sub(r"^week of\s+", "", parts[-1], flags=re.IGNORECASE)
    return (len(parts) >= 2 and len(parts[0].split()) <= NAME_MAX_WORDS - 1
            and (date != parts[-1] or (parts[0].isupper() and not hyphened)
                 # ("Earnings roundup — November 7, 2025" over its text is news: the review)
                 or (serial and bool(SERIAL_NAME.search(parts[0])))
                 or _letter_name(parts[0]))
            and _dates_the_issue(date))


def _letter_name(name: str) -> bool:
    """"The Sunday Letter", "Morning Edition": a serial's name, not "Buffett's Thanksgiving
    letter" (someone's letter is news: the review)."""
    return bool(LETTER_NAME.search(name)) and not re.search(r"['’]s\b", name)


def _dated_tagline(line: str) -> bool:
    """A tagline and the issue's date or number, the masthead's second line (the twelfth
    sweep): "Ten things worth knowing today · Tuesday, December 23", "November 2025 · The
    best of our engineering blog", "Climate and energy, explained with data. Issue #64",
    or a reading time alone ("⏱️ 5-minute read").  The date has its weekday or no day
    ("Apple event recap — Sept 9, 2025" heads news); a number only ends the line ("Issue
    2 — the AI Act lands" may head news)."""
    text = " ".join(re.sub(r"^\W+", "", line).split())
    if READING_TIME.match(text) and len(text.split()) <= READING_TIME_WORDS:
        return True
    if len(text.split()) > TAGLINE_WORDS:
        return False
    parts = re.split(r" (?:[·•|—–]|--) |(?<=[a-z])\. ", text)
    # The date first and then the tagline, or the tagline and then the weekday's full date
    # or the issue's number: "Tech layoffs — November 2025", "Storm closes schools — Monday
    # update", "Mon, June 10 — Phone maker leans on AI" head news (the review)
    return len(parts) == 2 and bool(MONTH_YEAR.fullmatch(parts[0]) or (
        WEEKDAY_DATE.match(parts[1]) and _dates_the_issue(parts[1]))
        or TRAILING_NUMBER.fullmatch(parts[1]))


def _dates_the_issue(line: str) -> bool:
    """A line that is only a date (with its weekday, a reading time): no story's headline."""
    line = re.sub(r"^\W+", "", line)  # "📅 Tuesday, May 6"
    line = re.sub(r"^week of\s+", "", line, flags=re.IGNORECASE)  # "Week of December 8, 2025"
    return bool(ISSUE_DATE.match(line))
