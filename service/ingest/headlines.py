"""Segment stage, structural engine: one line of a block, read as a headline.

Whether a line reads like a title (short, capitalised, not a sentence, not a
greeting or a byline), whether it is the block's bold line or a bold label, the
link that is the title's own, and the line as it is shown (``tidy``).  Every
test here looks at a single line (with its block's bold lead and links at most).

roles.py, which gives each block its role, builds on these; the split is where
a test stops looking at one line and starts weighing a line against the blocks
around it.  The thresholds that weighing uses, and that ``bench/segment.py``
tunes by setting them on ``roles``, stay in roles.py.
"""

from __future__ import annotations

import functools
import re

from service.domain import Block

DECORATION = "*_ \t\xa0"
TITLE_MAX_CHARS = 160
TITLE_MAX_WORDS = 22
# A heading over links that belong to the story above: its sources, not items.
RELATED = re.compile(r"^\W*(?:further reading|related|sources?|references|see also|"
                     r"more on this|read more|resources|links mentioned|notes|read the|"
                     r"documents?|downloads?|files|attachments)\b", re.IGNORECASE)
ENUMERATOR = re.compile(r"^\(?(?:\d{1,2}|[a-z])[.)]\s+")
GREETING = re.compile(r"^(?:hey|hi|hello|howdy|greetings|good (?:morning|evening))\b",
                      re.IGNORECASE)
SUBHEAD = re.compile(r"^[*_\s]*(?:…|\.\.\.)")  # "…what the story is about…" under a headline
SETTING = re.compile(r"^\[[^\]]{3,80}\]$")  # "[A city, 2031]" under a tale's title
LABEL = re.compile(r"[:：]\s*$")  # an inline bold lead-in such as "What's new:" (or "：")
# (and a Chinese or Japanese sentence's full stop or comma: "。", "，", "、": sweep8)
SENTENCE_END = re.compile(r"[.,;:。，、；：]$")
# Chinese, Japanese and Korean run without spaces: a line of more of their characters than
# this is a paragraph, however few "words" it has (a headline there is 10-40 characters).
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
TITLE_MAX_CJK = 50
CJK_WEIGHT = 2  # in ``text_size``, a CJK character counts as 1 + 2 = three Latin ones
# A line that stops on an article, "of", "and" or a possessive in lower case is a wrapped
# sentence's first line ("Short one, as half of you are at the"), never a headline; "in",
# "on", "to" may end one ("A translator on leaving the jokes in").
CUT_SHORT = re.compile(r"\s(?:the|a|an|of|and|or|our|your|their|its)$")
# A heading inside a story over its own points (the seventh attack): "Key takeaways",
# "Results", "The details", "Why it matters", "The numbers", "My take" ("By the numbers" may
# head a section of its own: the named attack).
INNER_HEADING = re.compile(
    r"^\W*(?:key (?:takeaways?|points|findings|results|details)|takeaways?|results?|findings"
    r"|the details|details|why (?:it|this) matters|the numbers|highlights"
    r"|(?:my|our) take|the bottom line|bottom line|what(?:['’]s| is) new|background"
    r"|methods?|limitations|why does (?:it|this) matter|summary|overview"
    # Semafor's parts of one story: "THE SCOOP", "KNOW MORE", "REED'S VIEW", "ROOM FOR
    # DISAGREEMENT", "THE VIEW FROM BEIJING", "NOTABLE" (sweep8)
    r"|the scoop|know more|room for disagreement|the view from [^\n]{1,40}|notable"
    r"|\w[\w'’-]{0,40}['’]s view"
    r")\W*$"
    # a tutorial's steps: "Step 2: Extract, don't summarise" (the nineteenth sweep)
    r"|^\W*step \d{1,2}\b[^\n]{0,80}$", re.IGNORECASE)
STEP = re.compile(r"^\W*step \d{1,2}\b", re.IGNORECASE)  # a tutorial's step, as a bold lead
# A story's lead-in labels, as bold leads of its paragraphs or bullets (Axios, The Batch,
# the Rundown): "Why it matters:", "Driving the news:", "The details:".
LEAD_IN = re.compile(
    r"^\W*(?:why (?:it|this) matters|the details|details|what['’]s new|what happened|the big "
    r"picture|big picture|zoom (?:in|out)|between the lines|yes,? but|the bottom line|bottom "
    r"line|go deeper|context|background|catch up quick|driving the news|state of play|what "
    r"they['’]re saying|the other side|what['’]s next|what to watch|the takeaway|takeaways?|"
    r"results?|the numbers|by the numbers|our take|my take|the rundown|behind the news|"
    r"we['’]re thinking|the catch|flashback|reality check|the intrigue|the latest)\W*$",
    re.IGNORECASE)

# A picture's caption ending in its credit, a name: "Morning fog over the channel. Photo: Jo
# Whit", "(Image: Acme)", "Illustration: Brisk Visuals"; not "Photos: Inside the factory" nor
# "Private credit: the boom" (headlines: the review).
# More than one credit, or a name with its outlet: "Illustration: Marisol Eng/Compass",
# "Illustration: Circuit Breakfast, Photos: Getty Images" (the sixteenth sweep).
_CREDIT = (r"(?:photo(?:graph)?s?|images?|illustrations?|pictures?|credits?|foto|bild"
           r"|screenshots?|graphics?|charts?|video)(?: by| credit)?\s*[:©]\s*"
           r"(?-i:[A-Z][\w'’./-]*(?:\s+(?:[A-Z][\w'’./-]*|&|/|for|via|de|van|von)){0,5})")
CAPTION = re.compile(rf"(?:^|[.)]\s+|\(){_CREDIT}(?:,\s*{_CREDIT}){{0,2}}\)?\.?$|©",
                     re.IGNORECASE)
SALUTATION = re.compile(r"^(?:dear|hi|hello|hey)\b[^,.!?]{1,40},$", re.IGNORECASE)
BARE_URL_LINE = re.compile(r"^<?https?://\S+>?$")
# A line that ends a sentence or a clause: "…rose 4%.", "…said:" (in CJK too).
SENTENCE_CLOSE = re.compile(r"[.!?,;:…。！？，、；：]['\"’”)）」』]*$")
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
_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
          r"(?:uary|ruary|ch|il|e|y|ust|tember|ober|ember)?\.?")
_DATE = rf"(?:{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}[ \t]+{_MONTH}(?![a-z]))"
DATELINE = re.compile(
    rf"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?[ \t]+)?{_DATE}"
    rf"(?:,?[ \t]++\d{{4}})?(?:,?[ \t]++\d{{1,2}}(?::\d{{2}})?[ \t]*+(?:[ap]\.?m\.?)?)?"
    rf"(?:[ \t]*+(?:[·•|—–,]|$)[^\n]{{0,80}})?$")  # possessive: no run of blanks is split
# A line that is only a date, perhaps with its weekday and a reading time: "Tuesday, May 06,
# 2025", "Sunday, September 21, 2025 · 6 min read"; never "June 30 — deadline nears".
ISSUE_DATE = re.compile(
    rf"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?[ \t]+)?{_DATE}(?:,?[ \t]+\d{{4}})?"
    r"(?:[ \t]*[·•|][ \t]*(?:\d+[ \t]*min(?:ute)?s? read|listen|view online|read online|paid|"
    r"free|members?(?:[- ]only)?"
    # its writer: "Monday, October 27, 2025 · By Harriet Mensah-Cole" (the eighteenth sweep)
    r"|by[ \t]+(?-i:[A-Z])[\w'’-]+(?:[ \t]+(?-i:[A-Z])[\w'’-]+){0,3}))?$",
    re.IGNORECASE)
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
    rf"|{_SCRIPT}[ \t]*[·•|][ \t]*\d{{1,3}}[ \t]*min(?:ute)?s?[ \t]+read)$")
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
AUTHOR_LIST = re.compile(
    rf"^{_MARKED}(?:,[ \t]*{_MARKED}){{2,11}}(?:,?[ \t]+(?:and|&)[ \t]+{_MARKED})?"
    r"(?:[ \t]*\([^()\n]{1,120}\))?$")  # (their affiliations: the twelfth sweep)
NAMED_AUTHORS = re.compile(
    rf"^{_FULL_NAME}(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_FULL_NAME}){{1,11}}"
    r"(?:,?[ \t]+et al\.?)?[ \t]*[·•|—–][ \t]*[^\n]{1,80}$")
# A post's authors, full names and nothing else: "Dana Okafor", "Tomasz Wierzbicki and Helen
# Achterberg" (opening.py: right under the post's title only; elsewhere it reads as a name).
POST_AUTHORS = re.compile(
    rf"^{_FULL_NAME}(?:(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){_FULL_NAME}){{0,5}}$")
# An author's name on a line of its own, as a post's header sets it: "Mara Lindqvist",
# "Giulia Ferraris" (opening.py, essay.py, links.py).
AUTHOR_NAME = re.compile(r"^(?:(?:Dr|Prof)\.? )?[A-Z][\w'’-]+(?: [A-Z][\w'’.-]*){1,2}$")
# A heading over its own questions: an interview, a Q&A, an explainer ("…, explained").  Not
# verbs: "OpenAI asks court to dismiss…" and "…explains" head news (the read-through).
# ("Spotlight — Tamsin Achebe on …" opens one; "Nvidia in the spotlight as earnings loom" is
# news: the review)
ASKS = re.compile(r"^\W*spotlight\b|\b(?:interviews?|q ?& ?a|in conversation|conversation with"
                  r"|faq|explainer|explained|ask me anything|your questions|questions and answers"
                  r"|questions (?:for|with))\b", re.IGNORECASE)
# A card's reading time: "6 min read · ✦ Member-only", "9 minute read".
READING_TIME = re.compile(r"^\d+[- ]?min(?:ute)?s?[- ]read\b", re.IGNORECASE)  # "5-minute read"
# An event's place or time under its title, marked as such: "📍 Gridline HQ, 301 Howard St".
EVENT_PLACE = re.compile(r"^[📍📅🗓⏰🕒🕕]")
# A podcast episode's show, number and length over its title: "TIDEWATER HISTORIES ·
# Episode 142 · 48 min" (the twelfth sweep): a kicker, no title.
EPISODE_LINE = re.compile(
    r"^[^\n]{0,80}?(?:^|[·•|—–]\s*)(?:episode|ep\.?|folge|épisode|episodio)\s*#?\d+"
    r"(?:\s*[·•|—–]\s*\d+\s*(?:min(?:utes?|s)?|h(?:ours?|r)?)(?:\s*\d+\s*min)?)?\s*$",
    re.IGNORECASE)
# Under a headline, a line in lower case is never one: "by the Example Research Team", "by
# Ada Marsh and Tom Reed" name the authors (and say the headline above them is one).
LOWER_BYLINE = re.compile(r"^by\s+(?:the\s+)?[A-Z][^.!?]{0,100}$")


# Words a section name is made of ("Big Companies LLMs & APIs", "Open Source"): a title of
# only these is a section even when prose follows it (structure.py), and a one-word line of
# one ("Science") over a headline is a section name, not a date or a "Share" (roles.py).
LETTER_WORD = re.compile(r"[^\W\d_]{3,}")
SECTION_WORDS = frozenset(re.findall(r"\S+", """
ai big co companies company llms llm apis api open source tools tool business research policy
safety robotics vision video voice audio art diffusion 3d news other top misc miscellaneous
applications hardware funding investments investment papers concerns analysis expert opinions
models releases updates quick hits links lightning round agents products industry science ethics
regulation law chips compute startups and & + / in the of more reading events jobs media
"""))


def capitalised_share(text: str, skip_first: bool = False) -> float:
    """The share of words over three letters that start with a capital (after the first
    word with ``skip_first``, which a sentence capitalises too): Title Case reads high."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)[int(skip_first):] if len(w) > 3]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def letter_words(text: str) -> int:
    """How many words of three letters or more ``text`` holds (digits and marks aside):
    "412 points, 133 comments" has two, a title three or more."""
    return len(LETTER_WORD.findall(text))


def text_size(text: str) -> int:
    """A text's length in Latin characters: a Chinese, Japanese or Korean character says as
    much as three (a 23-character sentence under a headline is its text: attack8)."""
    return len(text) + CJK_WEIGHT * len(CJK.findall(text))


def title_like(line: str, marked: bool = False) -> bool:
    """Short, capitalised, not a sentence; a trailing ":" only when marked as a headline
    (first after a separator, or a "…subhead…" under it)."""
    if len(line) > 2 * TITLE_MAX_CHARS:
        return False
    text = tidy(line)
    if not text or len(text) > TITLE_MAX_CHARS or len(text.split()) > TITLE_MAX_WORDS:
        return False
    if len(text) > TITLE_MAX_CJK and len(CJK.findall(text)) > TITLE_MAX_CJK:
        return False
    raw = ENUMERATOR.sub("", line.strip(DECORATION)).rstrip(DECORATION)
    end = SENTENCE_END.search(raw.removesuffix(":") if marked else raw)
    if end or lower_start(text) or text[0] in "•·-–—>[(“\"" or BARE_URL_LINE.match(text):
        return False
    if SUBHEAD.match(text) or " * " in text:  # "More on this: * a link * another"
        return False
    if (CAPTION.search(text) or _meta_parts(text) or CUT_SHORT.search(text)
            or READING_TIME.match(text) or AUTHOR_LIST.match(text)):
        return False
    if BYLINE.match(text) or AUTHORS.match(text):  # "By Staff Writer", "L. Chen, R. Okafor"
        return False  # under a headline: its authors, not a title
    return not SALUTATION.match(text) and not GREETING.match(text)


def _meta_parts(text: str) -> bool:
    """Three or more short parts parted by "·" or "|": a row of links, poll answers or an
    episode's details ("58 min · Apple Podcasts · Spotify · RSS", "Loved it | Meh | Nope"),
    not a headline."""
    parts = [len(re.findall(r"[^\W\d_]+", p)) for p in re.split(r"\s[·|•]\s", text)]
    # ("Tech | AI | OpenAI raises $6.6B" ends in a headline: a kicker's sections over it)
    return len(parts) >= 3 and all(words <= 3 for words in parts) and parts[-1] <= 2


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


# A review's verdict under its title: "9/10 Best laptop for most pros", "★★★★☆ Great value",
# "Score: 8.5/10" (a gadget site's weekly: the eighteenth sweep)
VERDICT = re.compile(r"^(?:(?:score|rating|verdict)\s*:\s*)?(?:\d{1,2}(?:\.\d)?\s*/\s*10\b"
                     r"|[★☆½]{3,6}(?=\s|$))(?:[ \t]+[^\s]+){0,6}$", re.IGNORECASE)


def is_byline(line: str) -> bool:
    """ "By Ada Marsh, Example Research", "Ada Marsh · Mar 3", "Tue Jun 4, 6:30pm · Mill"
    under a headline: its author or its date, part of the story."""
    text = tidy(line)
    return bool(BYLINE.match(text) or DASH_BYLINE.match(text) or LOWER_BYLINE.match(text)
                or PAPER_AUTHORS.match(text) or SCHOLAR_AUTHORS.match(text)
                or AUTHOR_DATE.match(text) or DATELINE.match(text)
                or NAMED_AUTHORS.match(text) or AUTHOR_LIST.match(text) or EVENT_PLACE.match(text)
                or THREAD_COUNTS.match(text) or CITED_AUTHORS.match(text))


def names_author(line: str) -> bool:
    """ "By Ada Marsh", "Ada Marsh · Mar 3": a line that names a post's author (not a date
    alone, nor a paper's authors)."""
    text = tidy(line)
    return bool(BYLINE.match(text) or AUTHOR_DATE.match(text))


def lower_start(text: str) -> bool:
    """Starts in lower case, as a sentence's continuation does; not a brand written so
    ("xAI raises $6 billion", "iPhone sales slow")."""
    first = text.split(None, 1)[0]
    return first[0].islower() and not any(c.isupper() for c in first[1:])


def marks_headline_above(line: str) -> bool:
    """A "…subhead…" or a "[setting]" line: the line above it is a headline."""
    return bool(SUBHEAD.match(line) or SETTING.match(line))


def labelled(block: Block, line: str) -> bool:
    """The line opens with a bold label ("What's new: ..."): a lead-in, not a title."""
    return bool(LABEL.search(block.lead)) and tidy(block.lead) != tidy(line)


def is_bold_line(block: Block, line: str) -> bool:
    # Markdown left unrendered ("**Headline**") is bold too.
    literal = line.startswith("**") and line.rstrip().endswith("**")
    return literal or (bool(block.lead) and tidy(block.lead) == tidy(line))


def lead_link(block: Block, line: str) -> str:
    """The title's own link: a link whose text is the whole title."""
    title = tidy(ENUMERATOR.sub("", line))
    for link in block.links:
        if tidy(link.text) and tidy(link.text) in title and len(link.text) >= 0.6 * len(title):
            return link.url
    return ""


def rank_name(rank: int) -> str:
    return {7: "bold line", 8: "title line"}.get(rank, f"heading h{rank}")


def block_lines(block: Block) -> list[str]:
    lines = [line.strip() for line in block.text.split("\n") if line.strip(DECORATION)]
    return lines or [""]


_BLANKS = re.compile(r"\s+")
TIDY_CACHED_CHARS = 300  # a line; a whole paragraph is not kept in the cache


def tidy(text: str) -> str:
    """A headline as shown: no emphasis marks, enumerator or trailing colon.  Short lines are
    cached: the rules ask it of the same line many times (a title's tests, its section's,
    its zone's); a hostile message's megabyte paragraphs are not kept."""
    return _tidy_line(text) if len(text) <= TIDY_CACHED_CHARS else _tidy(text)


@functools.lru_cache(maxsize=4096)
def _tidy_line(text: str) -> str:
    return _tidy(text)


def _tidy(text: str) -> str:
    text = ENUMERATOR.sub("", text.strip(DECORATION))
    return _BLANKS.sub(" ", text).strip(DECORATION).removesuffix(":").rstrip()
