"""Segment stage, structural engine: the lines under a headline that say who and when.

A post's byline ("By Ada Marsh", "Marta Kowalczyk · Mar 3"), a paper's authors
("L. Chen, R. Okafor (Tsinghua)", "Ostrowski & Lin, Nature"), a dateline, an
issue's date, a forum topic's counts, an event's place: patterns over one tidied
line, with no other import, so headlines.py (``title_like``, ``is_byline``) and
the modules after it share them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

# "By" and one to eight capitalised names, perhaps after "the", parted by spaces, "," "&" or
# "|" ("By Ada Marsh, Example Research", "By Tom Reed & Lia Chen | Example Lab"; "By Land and
# Sea" stays a headline, "By Design, Not Default" does not: rare as a headline, common as a
# byline).  Each separator is one alternative with at least one blank or mark
# of its own, so a failing match backtracks in linear time (``(?:[A-Z]\w*\s*){1,4}`` tried
# every split of one long word; ``\s*[,&|]?\s+`` every split of a long run of blanks).
_NAME = r"[A-Z][\w.'’-]*"
# What may follow a byline: "in Panama City"; after a "·", "|" or dash: its date, reading
# time, place.
# ", research engineer at the Tallgrass Institute": their role, in lower case (the
# thirteenth sweep; "By Design, Not Default" stays a headline).
_BYLINE_TAIL = (r"(?:[ \t]+in[ \t]+" + _NAME + r"(?:[ \t]+" + _NAME + r"){0,3})?"
                r"(?:,[ \t]+[a-z][^\n,·•|—–]{0,80})?"
                r"(?:[ \t]*[·•|—–][ \t]*[^\n]{1,80})?")
BYLINE = re.compile(
    r"^(?:[Ww]ith help from|(?:[Ww]ritten |[Ww]ords |[Rr]eporting |[Rr]eported |[Tt]ext "
    # "Words and photos by Ines Carvalho" (an attack on the thirteenth sweep's rules)
    r"|(?:[Ww]ords|[Tt]ext|[Ss]tory) and (?:photos|pictures|images|illustrations) "
    r"|[Rr]eviewed |[Ii]nterviewed |[Ee]dited |[Cc]ompiled |[Pp]hotographed |[Ii]llustrated )?"
    # "Words: Tomas Rydell", "Text: …" (attack5: a long-reads issue's mixed bylines)
    # (not one word before a comma and lower case: "By March, most schools…", the review)
    # ("Par Hélène Marchetti", "Por …", "Door …": the twentieth sweep's French issue)
    rf"(?:[Bb]y|BY|[Pp]ar|[Pp]or|[Dd]oor)|(?:[Ww]ords|WORDS|[Tt]ext|TEXT):)\s+(?:the\s+)?"
    rf"(?!{_NAME},[ \t]+[a-z])"
    r"(?:(?:Dr|Prof|Rev)\.?[ \t]+|(?:Sir|Dame)[ \t]+)?"  # "By Dr. Harriet Wolde"
    rf"{_NAME}"
    # "and" between full names only: "Reporting by Amaka Osei and Jules Brandt", not "By
    # Land and Sea"
    rf"(?:(?:[ \t]*[,&|][ \t]*|[ \t]+(?:and[ \t]+(?={_NAME}[ \t]+{_NAME}))?){_NAME}){{0,7}}"
    rf"{_BYLINE_TAIL}\s*$")
# "— Dana Whitlock" under a link roundup's title (Pointer's: sweep8): a dash and a person's
# two or three names, nothing else ("— OpenAI Ships GPT-6", "– Apple" are not).
DASH_BYLINE = re.compile(r"^[—–][ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z'’-]+){1,2}$")
# A paper's authors and venue as Google Scholar gives them: "M Okonkwo, S Brandt - arXiv
# preprint arXiv:2512.03318, 2025" (the tenth sweep)
# (two authors at least, or a list cut short: "AI Index – Stanford's report, 2025" and
# "US Elections - What to expect, 2024" are headlines: the review)
# Where papers appear: journals, preprint servers, conferences
_VENUES = (r"(?:arXiv|bioRxiv|medRxiv|preprint|Proceedings|Journal|Conference|Workshop"
           r"|Transactions|Letters|Findings|Annals|Frontiers|Communications|Advances|Scientific"
           r"|Nature|Science|Cell|PNAS|Lancet|NEJM|JAMA|BMJ|Neuron|eLife|PLOS|Physical Review"
           r"|Joule|IEEE|ACM|NeurIPS|ICML|ICLR|EMNLP|ACL|CVPR)")
SCHOLAR_AUTHORS = re.compile(
    r"^[A-Z]{1,3} [A-Z][\w'’-]+(?:(?:, [A-Z]{1,3} [A-Z][\w'’-]+)+(?:…)?|…"
    # ...or one author before a venue: "L Ferrari - Proceedings of EMNLP, 2025" (attack10)
    rf"|(?= [-–] [^\n]{{0,40}}\b{_VENUES}\b)) [-–] [^\n]{{2,160}}, "
    r"(?:19|20)\d\d$")
# A date (and perhaps a time) opening a line: "Tue Jun 4, 6:30pm · Mill", "June 11, 2024",
# "Mar 3 · 6 min read".  Under a headline it dates the story or the event, it is no title.
MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
          r"(?:uary|ruary|ch|il|e|y|ust|tember|ober|ember)?\.?")
_DATE = rf"(?:{MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}[ \t]+{MONTH}(?![a-z]))"
DATELINE = re.compile(
    rf"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?[ \t]+)?{_DATE}"
    rf"(?:,?[ \t]++\d{{4}})?(?:,?[ \t]++\d{{1,2}}(?::\d{{2}})?[ \t]*+(?:[ap]\.?m\.?)?)?"
    rf"(?:[ \t]*+(?:[·•|—–,]|$)[^\n]{{0,80}})?$")  # possessive: no run of blanks is split
# A wire-style dateline in capitals under a headline: "WASHINGTON, MARCH 12", "THE HAGUE —
# March 7", "SAN FRANCISCO, CALIF., JUNE 3, 2025" (a policy brief's, the twenty-ninth sweep):
# a place of one to four words in capitals, then the date (and the dash that opens the
# text, as a bold lead: "**WASHINGTON, MARCH 12 —** The committee voted…").
PLACE_DATELINE = re.compile(
    rf"^(?!(?:MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)DAY\b)"  # an issue's date, no place
    rf"[A-Z][A-Z'’.-]*(?:[ \t][A-Z][A-Z'’.-]*){{0,3}},?(?:[ \t]+[A-Z][A-Za-z.]{{1,6}}\.,)?"
    rf"[ \t]*(?:[—–-][ \t]*)?(?i:{_DATE})(?:,?[ \t]+\d{{4}})?(?:[ \t]*[—–:-])?$")
# A labelled field of an event, an incident or a paper, one to a line: "When: Wednesday 12
# November, 18:30", "Status: Resolved", "Incident ID: INC-88412" (a meetup's plain-text
# digest and a cloud's health digest: the thirtieth sweep).  Two such lines in a row are
# the item's fields, not titles; one alone may be a headline's kicker ("Review: …").
FIELD_LINE = re.compile(
    r"^(?:when|where|date|dates|time|times|venue|location|place|rsvp|tickets?|price|cost|fee"
    r"|status|impact|severity|started|resolved|ended|window|duration|regions?|account|service"
    r"|services|incident(?: id)?|id|paper|code|slides|video|speakers?|hosts?|deadline|contact"
    r"|email|phone|tel|website|format|level|audience|capacity|affected|fixed in|versions?"
    r"|cause|root cause|next steps|workaround|applies to|ticket|ref|reference|authors?"
    r"|organi[sz]er|organi[sz]ed by|who|cost|entry|age|ages|registration|register|link"
    r"|your resources|action|action needed|action required|what to do)[ \t]*:[ \t]*\S"
    # an advisory's fields, set in a column ("CVE      : CVE-2026-10233": the 32nd sweep),
    # before a value shaped as one: an id, a date, a few words ("Updated: CrowdStrike outage
    # grounds flights" and "Vendor: Okta confirms a second breach" are headlines: the review)
    r"|(?:cves?|cve ids?|cvss(?: score)?|cwe)[ \t]*:[ \t]*(?:cve-|cwe-|\d|n/?a\b|none\b)"
    r"|(?:vendor|products?|packages?|components?|platforms?)[ \t]*:[ \t]*\S+(?:[ \t]+\S+){0,2}$"
    r"|(?:published|updated|released|disclosed|patched|fixed)[ \t]*:[ \t]*(?:\d|(?:jan|feb|mar"
    r"|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t]+\d)",
    re.IGNORECASE)
# A podcast's chapter list, one timestamp a line: "02:41 Why every lab is rebuilding its
# eval stack" (the thirty-second sweep).
CHAPTER_LINE = re.compile(r"^\(?(?:\d{1,2}:)?\d{1,2}:\d{2}\)?[ \t]+\S")
CHAPTERS_FROM = re.compile(r"^\(?0{1,2}:00\b")  # a chapter list starts at the start
CHAPTERS_MIN = 3


def paired_fields(first: str, below: str, lines: Sequence[str] = (),
                  chapters: bool | None = None) -> bool:
    """Two lines of one item's fields ("When: …" over "Where: …"), or of a chapter list of
    ``lines`` ("00:00 Intro" over "02:41 …", three at least, the first at 00:00; "10:30 Fed
    holds rates" over "10:45 Powell says…" is a live blog's headline: the review): neither
    is a title over the other.  ``chapters``: ``chapter_list(lines)``, when the caller asks
    of many pairs of one paragraph's lines (it read all of them for each pair: 4 MB of
    Title Case lines took 56 minutes, where stop 29 measured 9 s)."""
    if FIELD_LINE.match(first) and FIELD_LINE.match(below):
        return True
    if not (CHAPTER_LINE.match(first) and CHAPTER_LINE.match(below)):
        return False
    return chapter_list(lines) if chapters is None else chapters


def chapter_list(lines: Sequence[str]) -> bool:
    """``lines`` hold a chapter list: three timestamped lines at least, the first at 00:00."""
    found = list(itertools.islice(
        (line for line in lines if CHAPTER_LINE.match(line.strip())), CHAPTERS_MIN))
    return len(found) == CHAPTERS_MIN and bool(CHAPTERS_FROM.match(found[0].strip()))


# A security advisory's severity badge under its title: "CRITICAL · CVSS 9.8", "High",
# "Severity: Medium (6.5)" (the twenty-ninth sweep).
SEVERITY = re.compile(
    r"^(?:severity:?[ \t]*)?(?:critical|high|medium|moderate|low|important)"
    r"(?:[ \t]*(?:[·•|:—–-][ \t]*)?\(?(?:cvss(?:[ \t]*v?[234](?:\.\d)?)?:?[ \t]*)?"
    r"\d{1,2}(?:\.\d)?\)?)?$", re.IGNORECASE)
# A line that is only a date, perhaps with its weekday and a reading time: "Tuesday, May 06,
# 2025", "Sunday, September 21, 2025 · 6 min read"; never "June 30 — deadline nears".
ISSUE_DATE = re.compile(
    rf"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?[ \t]+)?{_DATE}(?:,?[ \t]+\d{{4}})?"
    # ("October 14, 2025 | Read time: 5 min": a beehiiv briefing's, the twenty-eighth sweep)
    r"(?:[ \t]*[·•|][ \t]*(?:\d+[ \t]*min(?:ute)?s? read|read(?:ing)? time:?[ \t]*\d+[ \t]*"
    r"min(?:ute)?s?|listen|view online|read online|paid|"
    r"free|members?(?:[- ]only)?"
    # its writer: "Monday, October 27, 2025 · By Harriet Mensah-Cole" (the eighteenth sweep)
    # or its curator: "12 June 2025 · curated by Yara Haddad" (the twenty-fourth sweep)
    r"|(?:(?:curated|edited|compiled|written|selected)[ \t]+)?"
    r"by[ \t]+(?-i:[A-Z])[\w'’-]+(?:[ \t]+(?-i:[A-Z])[\w'’-]+){0,3}"
    # and their role: "Thursday 30 October 2025 · By Eleanor Vance, newsletters editor" (a
    # newspaper's evening briefing, the thirtieth sweep)
    r"(?:,[ \t]+[\w'’-]+(?:[ \t]+[\w'’-]+){0,3})?))?$",
    re.IGNORECASE)
# A journalist's name and desk under a headline: "Olivia Brandt, Economics Editor", "Samir
# Haddad, Environment Correspondent" (a newspaper's briefing, the thirtieth sweep).
ROLE_BYLINE = re.compile(
    r"^[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2},[ \t]+(?:[A-Za-z][\w'’-]*[ \t]+){0,3}"
    r"(?:[Ee]ditor|[Cc]orrespondent|[Rr]eporter|[Ww]riter|[Cc]olumnist|[Cc]ritic|[Aa]nalyst"
    r"|[Pp]roducer|[Cc]ommentator)$")
# An image's credit under a headline: "Image source: Halvard Robotics", "Photo: Iona
# Garvie", "Credit: NASA/JPL" (a beehiiv daily, the thirtieth sweep).
CREDIT = re.compile(
    r"^(?:(?:image|photo|photograph|picture|illustration|graphic|video|chart|map)"
    r"(?:[ \t]+(?:source|credit|courtesy))?s?|(?:source|credit|courtesy)):[ \t]*"
    r"[A-Z@][^\n]{0,80}$", re.IGNORECASE)
# "Marta Kowalczyk · Mar 3": an author and a date, a post's byline without "By".
# (a name may carry the author's name in their own script: "Ben Lorica 本 · Dec 14",
# "Priya Raman प्रिया · Nov 30")
_SCRIPT = r"[ \t]+[^\x00-\x7f\s·•|]{1,12}"  # a word in another script after the names
AUTHOR_DATE = re.compile(
    rf"^{_NAME}(?:[ \t]+{_NAME}){{1,3}}"
    # two or more authors: "Sofia Marchetti, Ben Adeyemi · June 2, 2025" (the sixteenth sweep)
    rf"(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_NAME}(?:[ \t]+{_NAME}){{1,3}}){{0,3}}"
    rf"(?:(?:{_SCRIPT})?[ \t]*[·•|][ \t]*{_DATE}"
    r"(?:,?[ \t]+\d{4})?"
    # and the time it was posted: "Marcus Tiller | Jun 5 2025 - 7:02 am PT" (a gadget
    # site's daily, the sixteenth sweep)
    r"(?:[ \t]*(?:[-–—,@]|at)?[ \t]*\d{1,2}"
    r"(?::\d\d(?:[ \t]*[AaPp]\.?[Mm]\.?)?|[ \t]*[AaPp]\.?[Mm]\.?)(?:[ \t]+[A-Z]{2,4})?)?"
    r"(?:[ \t]*[·•|][ \t]*\d+\s*min(?:ute)?s? read)?"
    # or the reading time alone, only after a name in another script: "Anya Petrova Аня ·
    # 8 min read" (attack10), not "Scaling Laws Revisited · 8 min read" (the review)
    rf"|{_SCRIPT}[ \t]*[·•|][ \t]*\d{{1,3}}[ \t]*min(?:ute)?s?[ \t]+read"
    # Medium's "Bryan Collins · ★ Member-only story" (a real sweep, stop 40)
    r"|[ \t]*[·•|][ \t]*(?:★[ \t]*)?[Mm]ember-only [Ss]tory)$"
    # a first name alone with a whole date: "Cole · August 23, 2023" (the same sweep)
    rf"|^{_NAME}[ \t]*[·•|][ \t]*{_DATE},?[ \t]+\d{{4}}$")
# A paper's authors under its title: names with initials ("L. Chen, R. Okafor and M. Singh",
# "A.-K. Weiss et al. (Allen Institute)"), never the title itself.
_NOT_INITIALS = r"(?!(?:A\.I|U\.[SKN]|E\.U|D\.C|U\.N)\.)"  # "A.I.", "U.S.", "D.C."
_INITIALED = rf"{_NOT_INITIALS}(?:[A-Z]\.[ -]?){{1,3}}[A-Z][\w'’-]+"
AUTHORS = re.compile(rf"^{_INITIALED}(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_INITIALED}){{0,11}}"
                     r"(?:,?[ \t]+et al\.?)?(?:[ \t]*\([^()]{1,80}\))?$")
# Right under a title only (is_byline), as they read like titles elsewhere: the surname
# first, "Adebayo K., Chen R. — Journal of Sleep"
_SURNAME_FIRST = rf"[A-Z][\w'’-]+[ \t]+{_NOT_INITIALS}(?:[A-Z]\.[ -]?){{1,3}}"
_AUTHOR = rf"(?:{_INITIALED}|{_SURNAME_FIRST})"
PAPER_AUTHORS = re.compile(
    rf"^{_AUTHOR}(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_AUTHOR}){{0,11}}"
    r"(?:,?[ \t]+et al\.?)?(?:[ \t]*\([^()]{1,80}\))?(?:[ \t]*[—–|·][ \t]*[^\n]{1,80})?$")
# Full names in a list, then a "·" and where the paper is: "Lina Okonkwo, Felix Brandt, Mei
# Sato · arXiv:2503.04417 · PDF" (right under a title only: is_byline).
_PARTICLE = r"(?:de|van|von|der|da|di|du|la|le|el|al|bin)[ \t]+"  # "Pieter de Vries"
_FULL_NAME = rf"[A-Z][\w'’-]+(?:[ \t]+(?:{_PARTICLE})*[A-Z][\w'’-]+){{1,2}}"
# Three or more full names and nothing else: "Iris Achterberg, Rafael Souza, Min-jun Park"
# (a paper's authors).  Not two: "Nvidia Beats Estimates, Shares Fall" is a headline.
# Each name perhaps marked with its affiliations' numbers, as superscripts read flat:
# "Mira Okonjo1, Felix Brandauer1,2, Yusuf Demirtaş2" (the thirteenth sweep).
# (a name never ends in a digit: split between the name and its mark, the digits of a long
# list backtracked exponentially, 0.9 s a line: the review)
_MARKED = rf"{_FULL_NAME}(?<!\d)(?:\d{{1,2}}(?:,\d{{1,2}})*|[*†‡§]+)?"
_TWO_NAMES = rf"[A-Z][\w'’-]+[ \t]+(?:{_PARTICLE})*[A-Z][\w'’-]+"
_WORKPLACE = (r"(?:University|Univ\.|Institute|College|Laborator(?:y|ies)|Labs?|School"
              r"|Cent(?:er|re)|Academy|Research|DeepMind|Inc\.?|Ltd\.?|GmbH|Hospital|Foundation)")
AUTHOR_LIST = re.compile(
    rf"^{_MARKED}(?:,[ \t]*{_MARKED}){{2,11}}(?:,?[ \t]+(?:and|&)[ \t]+{_MARKED})?"
    r"(?:[ \t]*\([^()\n]{1,120}\))?$"  # (their affiliations: the twelfth sweep)
    # two with their affiliation: "Rafael Quintero, Sunniva Dahl (Bergen School of Data
    # Science)", "(independent)" (the twenty-fourth sweep): two words a name, and in the
    # brackets a place of work or a word in lower case, so not "Nvidia Beats Estimates,
    # Shares Fall (Updated)" (the review)
    rf"|^{_TWO_NAMES}(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){_TWO_NAMES}[ \t]*"
    rf"\((?:[a-z][^()\n]{{0,119}}|[^()\n]{{0,80}}\b{_WORKPLACE}\b[^()\n]{{0,80}})\)$")
# A paper's authors by surname, then perhaps their lab: "Ferreira, Nakamura, Ode et al. ·
# Quillon AI", "Mensah, Duval, Petrakis · Open Eval Collective" (a paper digest, the
# thirty-second sweep): "et al.", or three surnames before the lab.
_SURNAME = r"[A-Z][\w'’-]+"
# (the lab a few words in Title Case: "Hinton, Bengio, LeCun · Turing winners split on AI
# risk" and "Nvidia, AMD, Intel | Chip Stocks Slide After Export Rule" are headlines: the
# review)
_LAB = r"[A-Z][\w'’&.-]*(?:[ \t]+[A-Z][\w'’&.-]*){0,3}"
# ...and with three surnames and no "et al.", a word that says it is one ("Open Eval
# Collective"; not "OpenAI, Anthropic, Google · Model Wars": the review)
_LAB_NAMED = (r"(?=[^\n]*\b(?:Labs?|AI|Institute|University|Research|Collective|DeepMind"
              r"|College|Cent(?:er|re)|School|Group|Foundation|Academy)\b)" + _LAB)
SURNAMES = re.compile(
    rf"^{_SURNAME}(?:,[ \t]*{_SURNAME}){{1,11}},?[ \t]+et al\.?(?:[ \t]*[·•|][ \t]*{_LAB})?$"
    rf"|^{_SURNAME}(?:,[ \t]*{_SURNAME}){{2,11}}[ \t]*[·•][ \t]*{_LAB_NAMED}$")
NAMED_AUTHORS = re.compile(
    rf"^{_FULL_NAME}(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_FULL_NAME}){{1,11}}"
    r"(?:,?[ \t]+et al\.?)?[ \t]*[·•|—–][ \t]*[^\n]{1,80}$")
# A post's authors, full names and nothing else: "Dana Okafor", "Tomasz Wierzbicki and Helen
# Achterberg" (opening.py: right under the post's title only; elsewhere it reads as a name).
POST_AUTHORS = re.compile(
    rf"^{_FULL_NAME}(?:(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){_FULL_NAME}){{0,5}}$")
# An author's name on a line of its own, as a post's header sets it: "Mara Lindqvist",
# "Giulia Ferraris" (opening.py, essay.py, links.py).
# (with a particle before the surname: "Ilse van Dam", "Ana de la Cruz": the 35th sweep)
AUTHOR_NAME = re.compile(r"^(?:(?:Dr|Prof)\.? )?[A-Z][\w'’-]+(?: (?:(?:van|von|de|der|den|da|di"
                         r"|du|la|le|del|della|dos|das|ten|ter|bin|ibn|al) ){0,2}[A-Z][\w'’.-]*)"
                         r"{1,2}$")
# Under a headline, a line in lower case is never one: "by the Example Research Team", "by
# Ada Marsh and Tom Reed" name the authors (and say the headline above them is one).
LOWER_BYLINE = re.compile(r"^by\s+(?:the\s+)?[A-Z][^.!?]{0,100}$")


# A forum topic's line under its title: "Starter Help 46 replies · 88 likes" (the twelfth
# sweep's community summary).
THREAD_COUNTS = re.compile(
    r"^[^\n]{0,40}?\b\d[\d,.]*k? (?:replies|reply|comments?|posts?|views?|votes?)"
    r"(?:[ \t]*[·•|][ \t]*\d[\d,.]*k? (?:likes?|views?|replies|comments?|votes?))+$"
    # a link digest's "1,204 points by mhalvorsen · 482 comments" (the fourteenth sweep)
    r"|^\d[\d,.]*k? (?:points?|upvotes?) by [\w.-]{1,40}"
    r"(?:[ \t]*[·•|][ \t]*(?:\d[\d,.]*k? comments?|[^\n·•|]{1,20} ago|discuss))+$",
    re.IGNORECASE)


# A paper's authors and journal under its title: "Ostrowski & Lin, Nature", "Alvarado et al.,
# Science (2025)" (a paper roundup: the eighteenth sweep); two names or "et al." at least.
CITED_AUTHORS = re.compile(r"^[A-Z][\w'’-]+(?:,[ \t]+[A-Z][\w'’-]+){0,4}"
                           r"(?:[ \t]+(?:&|and)[ \t]+[A-Z][\w'’-]+|[ \t]+et al\.?),[ \t]+"
                           # a venue: not "Microsoft and OpenAI, Together Again" (the review)
                           rf"(?:The )?{_VENUES}"
                           r"[\w.&'’ -]{0,40}?(?:[ \t]*\(?(?:19|20)\d\d\)?)?$")


# An event's place or time under its title, marked as such: "📍 Gridline HQ, 301 Howard St".
EVENT_PLACE = re.compile(r"^[📍📅🗓⏰🕒🕕]")
# A paper's authors by surname and its address or their institution, under its title in
# a reading list: "Ferreira, Lind (Univ. of Tarrow) -- https://arxiv.org/abs/2503.20411",
# "Adebayo, Sato, Kirchner and Vell — Ostrava Institute of Technology" (the twenty-third
# sweep).  Two names or "et al." at least: "Quillstack -- https://…" is a tool.
_SURNAMES = (r"[A-Z][\w'’-]+(?:(?:,[ \t]*(?:(?:and|&)[ \t]+)?|[ \t]+(?:and|&)[ \t]+)[A-Z][\w'’-]+)"
             r"{1,11}(?:,?[ \t]+et al\.?)?|[A-Z][\w'’-]+,?[ \t]+et al\.?")
# where they work, in Title Case: "Ostrava Institute of Technology", "Google DeepMind"; not
# "Research shows phones last longer"
_CAPITALISED = r"[A-Z][\w.&'’-]*"
_INSTITUTION = (rf"(?:{_CAPITALISED}[ \t]+){{0,5}}(?:University|Univ\.|Institute|College"
                r"|Laborator(?:y|ies)|Labs?|School|Cent(?:er|re)|Academy|Research|DeepMind)"
                rf"(?:[ \t]+(?:of|for|and|&|the|{_CAPITALISED})){{0,6}}")
LINKED_AUTHORS = re.compile(
    rf"^(?:{_SURNAMES})(?:[ \t]*\([^()\n]{{1,80}}\))?[ \t]*(?:--|[—–|·])[ \t]*"
    rf"(?:<?https?://\S+?>?|arXiv:\S+|{_INSTITUTION})$")
# A paper's authors by surname alone, perhaps with where they work in brackets: "Adeyemi,
# Strand, Koh (Halden Institute of Technology)", "Haddad, Lindqvist" (a plain-text paper
# digest, the thirty-fourth sweep).  Only ever asked of a line right under an item.
# Commas only: "Mistral and Cohere", "Apple and Epic" head news (the review).
PAPER_SURNAMES = re.compile(r"^[A-Z][\w'’-]+(?:,[ \t]*[A-Z][\w'’-]+){1,11}"
                            r"(?:[ \t]*\([^()\n]{1,80}\))?$")


# A recipe card's time and servings under its name: "45 minutes · Serves 6", "Prep 15 min |
# Cook 1 hr", "3 hours 30 minutes · Serves 4 · Vegetarian" (the twenty-third sweep's food
# letter).  Every part one of these, a count or two parts at least: "Serves 6" alone is no
# headline either, "45 minutes that changed the league" is one.
# ("Active time 25 min", "Total 2 hr (includes chilling)": the forty-fourth sweep's)
_TIME = (r"(?:(?:prep|cook|total|active|ready in|bake|préparation|cuisson|repos|zubereitung"
         r"|backzeit|kochzeit|preparación|cocción|preparazione|cottura)(?:[ \t]+time)?[: \t]*)?"
         r"\d{1,3}(?:[ \t]*[-–][ \t]*\d{1,3})?"
         r"[ \t]*(?:minutes?|mins?|hours?|hrs?|h|m)\.?"
         r"(?:[ \t]+\d{1,2}[ \t]*(?:minutes?|mins?|m)\.?)?(?:[ \t]*\([\w \t,'’-]{1,40}\))?")
_COUNT = (r"(?:(?:serves|makes|yields?|feeds|servings?:?)[ \t]+\d{1,3}(?:[ \t]*[-–][ \t]*\d{1,3})?"
          r"\b[^·•|]{0,20}"
          # "Pour 6 personnes", "Für 4 Personen", "Para 4 personas" (the forty-seventh sweep)
          r"|(?:pour|für|para|per)[ \t]+\d{1,3}(?:[ \t]*(?:[-–à]|bis|a)[ \t]*\d{1,3})?[ \t]+"
          r"(?:personnes?|personen|personas|persone|pers\.|portions?|portionen|porciones))")
_KIND = (r"(?:easy|medium|hard|difficulty:[ \t]*\w+|vegetarian|vegan|gluten[- ]free"
         r"|dairy[- ]free|make[- ]ahead|one[- ]pot|freezer[- ]friendly)")
_META_PART = rf"[ \t]*(?:[·•|,—–]|--)[ \t]*(?:{_TIME}|{_COUNT}|{_KIND})"
# (a time alone is no recipe's: "60 Minutes", "48 Hours" head news about the programmes:
# the review)
RECIPE_META = re.compile(rf"^(?:{_COUNT}(?:{_META_PART}){{0,4}}|{_TIME}(?:{_META_PART}){{1,4}})$",
                         re.IGNORECASE)
# An event's or a job's card under its title: its date, time, place, length, price or terms,
# two to five short parts (a museum's "Auditorium · 60 minutes", a meetup's "May 21, 6:30 pm
# · Mill 19, Pittsburgh, PA", a job's "Fresno, CA or remote (US) · Full-time": the
# forty-fourth and forty-fifth sweeps).  One part at least is such a detail; a headline's
# kicker ("Economy · Pay growth slows to 3.1% in March") has a long part, and a price
# opens its part ("Tech | AI | OpenAI raises $6.6B" ends in a headline).
CARD_TERMS = re.compile(r"^(?:(?:full|part)[- ]time|contract|internship|remote|hybrid"
                        r"|on[- ]site)(?:[ \t]*\([^()]{1,20}\))?$", re.IGNORECASE)
CARD_PART = re.compile(
    rf"(?:{_DATE}|\d{{1,2}}(?::\d{{2}})?[ \t]*(?:am|pm|a\.m\.|p\.m\.)|\d{{1,3}}[ \t]*"
    r"(?:min(?:ute)?s?|hours?|hrs?)\b|^(?:from |tickets? )?[$€£]\d|free\b|all ages"
    r"|members only|ages \d)", re.IGNORECASE)
CARD_PART_WORDS = 5
CARD_DETAIL_WORDS = 4  # "May 21, 6:30 pm", "$15, members $10": the detail is the part
CARD_SEPARATOR = re.compile(r"[ \t]+[·•|][ \t]+")


def card_details(line: str) -> bool:
    """``line`` is an event's or a job's details (``CARD_PART``), a job's terms alone in
    a part ("Full-time"), or such a detail filling a part of four words at most ("Cloud ·
    AWS down for 7 hours" is a kicker and a headline: the review).  Asked only under a
    title that reads as an event's or a job's (roles.py)."""
    parts = CARD_SEPARATOR.split(line.strip())
    if not (2 <= len(parts) <= 5 and all(0 < len(p.split()) <= CARD_PART_WORDS for p in parts)):
        return False
    return any(CARD_TERMS.match(p) or (len(p.split()) <= CARD_DETAIL_WORDS
                                       and CARD_PART.search(p)) for p in parts)


def job_card(line: str) -> bool:
    """A job's card: ``card_details`` with its pay or its terms ("Hybrid, Dublin · €85–100k"),
    not an event's date ("Pub Quiz · Thu 23 May", a title of its own after a linked
    resource: the review of the forty-eighth sweep's rules)."""
    parts = CARD_SEPARATOR.split(line.strip())
    return card_details(line) and any(
        POSTING_PART.match(part) or CARD_TERMS.match(part)
        or re.search(r"\b(?:remote|hybrid|on[- ]?site)\b", part, re.IGNORECASE) for part in parts)


# A paper's or a talk's authors under a label: "Authors: Yusra Haddad, Felix Brandvold,
# Min-ji Cho", "Speaker: Dr. Amaya Pruett (Coast Research Station)" (the twenty-fourth
# sweep's reading group).  Names only after the label: "Authors: publishers must pay" is not.
LABELED_AUTHORS = re.compile(
    r"^(?i:authors?|speakers?|presenters?|panel(?:ists)?|hosts?|autor(?:en|es|as)?|auteurs?"
    r"|autori)[ \t]*:[ \t]*(?:(?:Dr|Prof)\.?[ \t]+)?"
    rf"{_FULL_NAME}(?:(?:,[ \t]*|,?[ \t]+(?:and|&|und|et|y|e)[ \t]+)(?:(?:Dr|Prof)\.?[ \t]+)?"
    rf"{_FULL_NAME}){{0,11}}(?:,?[ \t]+et al\.?)?(?:[ \t]*\([^()\n]{{1,120}}\))?$")


# A posting's place, pay and closing date under its "Role at Employer" title: "Milwaukee, WI
# (on site) · $84,000–$101,000 · Closes 3 October" (a jobs list, the thirty-ninth sweep)
# (pay has its currency or its "k": "6–8 October" is a conference's dates, sweep28)
POSTING_PART = re.compile(r"^(?:[$£€]\s?\d|\d{2,3}[kK]\b|(?:closes|deadline|apply by|salary|pay)"
                          r"\b)", re.IGNORECASE)
# three parts at least, the pay or date one short: "Economy · Pay growth slows to its lowest
# level in two years" is a section over a headline, "Night Market | $5 entry" an event's
# title (the review)
POSTING_PARTS, POSTING_LINE_CHARS, POSTING_PART_WORDS = (3, 5), 160, 4


def posting_meta(line: str) -> bool:
    """Parts parted by "·" or "|", one of them its pay or its closing date."""
    parts = [part.strip() for part in re.split(r"[·|]", line)] if (
        len(line) <= POSTING_LINE_CHARS) else []
    low, high = POSTING_PARTS
    return low <= len(parts) <= high and any(
        POSTING_PART.match(part) and len(part.split()) <= POSTING_PART_WORDS
        for part in parts[1:])
