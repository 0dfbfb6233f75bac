"""Segment stage, structural engine: the zones of an issue that are no story's text.

A recap ("TL;DR", "In today's issue"), a sponsor's block ("Together with Acme"),
an intro, events, jobs, the footer's words: the patterns that find them, and the
one-block tests structure.py and segment.py ask (where the footer and the sign-off
start is footer.py's).  A zone opens on a title or a short line of its own; what is in
it belongs to no story until the next story starts (structure.py).
"""

from __future__ import annotations

import re

from service.domain import Block
from service.ingest.bylines import ISSUE_DATE
from service.ingest.headlines import block_lines, tidy

__all__ = ["AD_LABEL", "BARE_AD_LABEL", "EVENT_DAY", "JOB_TITLE", "SPONSOR_LABEL", "TIME_OF_DAY",
           "ZONES", "opens_recap", "opens_sponsor", "posting", "sponsored_lead"]

SPONSOR_LINE_WORDS = 8  # "Together with Acme": a label, not a sentence about a partnership
# "Subscribe", "Subscribe now", "Unsubscribe | Preferences", "Subscribe to our podcast": the
# word as a button or a call; not a headline or sentence about subscriptions ("Unsubscribe
# rates jump…", "Subscribers on the old plan…", "Subscribe buttons are everywhere": attack7).
SUBSCRIBE_LINE = (r"(?:un)?subscribe(?:\W*$|\s*[|·•:—–-]|\s+(?:here|now|today|free|"
                  r"below|to|for|from|at|and|or|&|manage|update|view|privacy)\b)"
                  # the reader's address: "Unsubscribe reader@example.org" (Constant Contact;
                  # not "Subscribe help@example.org" in a story, the review)
                  r"|unsubscribe\s+[^\s@]{1,64}@[\w.-]{1,255}\.\w{2,}\W*$"
                  r"|subscriber services|subscription (?:cent(?:er|re)|services|settings)"
                  # in Japanese, Chinese, Korean ("配信停止はこちら", "退订", "수신 거부") and
                  # Spanish, French, German, Portuguese, Italian (the ninth sweep): the words
                  # and a few more at most, not a headline ("Abbestellen per Chatbot: …")
                  # (the CJK words with a few more: "配信停止はこちらから"; the others alone or
                  # before their link bar: not "Uitschrijven kan nu sneller", the review)
                  r"|(?:配信(?:停止|解除)|退订|取消订阅|구독\s?취소|수신\s?거부)"
                  r"(?:\W*$|[^\n:：]{0,16}(?:$|\s*[|·•／/]))"
                  r"|(?:cancelar (?:la |a )?(?:suscripci[oó]n|assinatura|inscri[cç][aã]o)"
                  r"|darse de baja"
                  r"|wypisz si[eę]|anuluj subskrypcj[eę]|afmelden|uitschrijven"
                  r"|se d[ée](?:sabonner|sinscrire)|abbestellen|abmelden|disiscriviti"
                  # the thirteenth sweep's Turkish, Swedish, Hebrew, and their neighbours'
                  r"|abonelikten çık\w*|avsluta (?:din )?prenumeration|avprenumerera"
                  r"|avregistrera|afmeld|meld deg av|peruuta tilaus|odhlásit|отписаться"
                  r"|להסרה(?: מרשימת התפוצה)?(?: לחצו כאן)?)"
                  r"(?:\W*$|\s*[|·•／/])")
# "Sponsored" or "Ad" as a label alone, in other languages (the eleventh sweep's "Anzeige",
# the thirteenth's Turkish "Sponsorlu" and Swedish "Annons").
AD_WORDS = (r"광고|广告|広告|赞助|スポンサー|anzeige|werbung|publicidad|publicité|partner"
            r"|sponsorlu|reklam|reklama|annons|annonse|advertentie|gesponsord|sponsrat"
            r"|sponsorowane|patrocinado|patrocinio|sponsorizzato|pubblicità|publicidade"
            r"|ממומן|פרסומת|реклама|мы рекомендуем")
# A label that marks what follows as an ad, as a line or a bold lead of its own.  Not a news
# site's "ADVERTISEMENT" slot, nor an "Advertising:" lead-in about ad revenue.
# "Sponsored by" in other languages (the fourteenth attack's German and Spanish issues)
SPONSORED_BY = (r"gesponsert von|präsentiert von|patrocinado por|presentado por|sponsorisé par"
                r"|présenté par|sponsorizzato da|presentato da|gesponsord door"
                r"|(?:partenaire\W+)?(?:ce|cette) (?:numéro|édition|newsletter|lettre)"
                r" (?:vous )?est offert(?:e)? par"
                r"(?=\W{1,9}(?-i:[A-Z])\S{0,40}(?:\s\S{1,40}){0,2}\W{0,9}$)")
AD_LABEL = re.compile(
    r"^(?:sponsored|sponsor|presented by|brought to you by|together with|a message from"
    rf"|(?:an? )?paid (?:post|content|partnership)|{SPONSORED_BY}"
    # "This issue is supported by Foundry Row." (a city's tech letter: the sixteenth sweep)
    r"|(?:this|today['’]?s|this week['’]?s) (?:issue|edition|newsletter|email|episode|brief)"
    r" is (?:supported|sponsored|brought to you|made possible|powered|presented) by"
    r"|in partnership with|in samenwerking met|partner content|promoted)\b"
    r"|^(?:【pr】|\[pr\]|［pr］)"
    rf"|^\W*(?:{AD_WORDS})\W*$",
    re.IGNORECASE)
# The label alone, naming no sponsor ("SPONSORED", "Partner content"): the title right under
# it is the ad's when its text ends in a button (structure.py).  "Advertisement" is not one:
# it marks an ad slot, often empty.
BARE_AD_LABEL = re.compile(
    r"^(?:sponsored|sponsor|promoted|partner content|paid post|together with|presented by|"
    r"brought to you by|in partnership with|(?:a word |a message )?from our (?:partners?|"
    # the sixth sweep's: "TOGETHER WITH", "FROM OUR PARTNERS"; the eleventh's "ANZEIGE"
    rf"sponsors?)|{AD_WORDS})$", re.IGNORECASE)
# A sponsor's label and the first word of their name: "TOGETHER WITH VECTORLY", "A message
# from Halcyon Bank", "Sponsored by Acme".
SPONSOR_LABEL = re.compile(
    r"^(?:together with|sponsored by|presented by|brought to you by|a message from"
    rf"|in partnership with|(?:an? )?paid (?:post|content) (?:from|by)|{SPONSORED_BY})"
    r"\W+(?:our (?:sponsor|partner)s?\W+)?"
    r"([\w'’-]+)", re.IGNORECASE)
# When an event is, its day and its time ("Tuesday, Dec. 9, 6:30 p.m.", "Sun., 10 a.m."):
# a listing has both, news has one at most ("Microsoft patches zero-day exploited since
# Monday", "Council approves budget at 11 p.m.": the review).
EVENT_DAY = re.compile(r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.|"
                       r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
# A listing's day in numbers: "Tue 6/17", "Sat. 21.6." (a month's name is ISSUE_DATE's)
EVENT_DATE = re.compile(r"^\W*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]*)?"
                        r"\d{1,2}[/.]\d{1,2}\.?(?:[/.]\d{2,4})?\W*$", re.IGNORECASE)


def event_day(line: str) -> bool:
    """A calendar's day over its listings: "Tue 6/17", "Thursday, June 19"."""
    return bool(EVENT_DATE.match(line) or ISSUE_DATE.match(line))


# A posting's employer and where: "Pinegrove · Toronto / Remote", "Tessellate · London"
POSTING_PLACE = re.compile(r"^[^·•|\n]{2,40}[ \t][·•|][ \t][^·•|\n]{2,40}$")
# "📊 Poll: Are you buying the AI dip?" over its options (the eighteenth sweep); over a news
# paragraph it heads a story ("Poll: Are Americans ready for robotaxis?": the review)
# ("🗳️ Quick poll: Would you pay more for…?", the twenty-eighth sweep)
POLL_QUESTION = re.compile(r"^\W*(?:(?:quick|reader|today['’]?s|this week['’]?s|weekly) )?"
                           r"poll: [^\n]{3,120}\?$", re.IGNORECASE)
TIME_OF_DAY = re.compile(r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b", re.IGNORECASE)
ZONES = {
    "recap": re.compile(
        # ("Summary", "Summary & TL;DR"; not "Summary judgment denied…": attack10)
        r"^\W*(?:tl;? ?dr|tldr|show ?notes"
        r"|summary(?:\W*$|\s+of\s+(?:this|today|the)\b|\s*(?:&|and)\s|\s*:)"
        # ("Recap: the week", not "Recap: our October meetup on embedded audio", a story:
        # the eighteenth sweep)
        r"|recap(?:\W*$|\s+of\s+(?:this|today|the|last)\b|\s*(?:&|and)\s"
        r"|\s*[:—–-]?\s*(?:this|the|last|today)['’s]*\s+(?:week|issue|month|day|edition|episode)\b"
        r"|\s*[:—–-]\s*what (?:we|you) (?:covered|discussed|read|missed|shipped))"
        r"|in (?:this|today\W?s) (?:issue|edition|email|newsletter|rundown|digest|brief\w{0,3}\W*$)"
        r"|table of contents|what'?s inside|wrapping up|wrap-?up|that'?s a wrap"
        r"|(?:links|resources) mentioned\W*$|mentioned in (?:this|the) (?:episode|show)\W*$"
        # ("This week at a glance", the twenty-sixth sweep; not "Bitcoin at a glance: …")
        r"|(?:(?:this|the) week|today|this (?:issue|edition)|the (?:issue|edition))"
        r" at a glance\W*$|at a glance\W*$"
        # the twenty-seventh sweep's: "This week in 30 seconds", "Au sommaire", "Dans ce
        # numéro", "In dieser Ausgabe", "En este número", "In questo numero"
        r"|(?:this|the) (?:week|issue) in (?:\d{1,3}|sixty|thirty) (?:seconds|words)\W*$"
        r"|(?:au sommaire|dans ce numéro|in dieser ausgabe|en este número|in questo numero"
        r"|nesta edição)(?: (?:cette semaine|de hoy|diese woche|esta semana))?\W*$"
        r"|(?:timestamps|chapters|in this episode)\W*$"
        # a plain-text digest's "CONTENTS" over its numbered list, a podcast's "Links from
        # the show" repeating its segments (data/README.md: show notes are no stories; the
        # thirty-second sweep)
        r"|contents\W*$|(?:links|resources) (?:from|mentioned in|for) (?:the|this|today'?s)"
        r" (?:show|episode|podcast)\W*$|(?:show|episode) links\W*$"
        r"|mentioned (?:in|on) (?:the|this|today'?s) (?:show|episode)\W*$"
        r"|(?:今週|本日|今日)の(?:トピック|目次|内容|ラインナップ)\W*$)",  # the 33rd sweep
        re.IGNORECASE),
    "sponsor": re.compile(
        r"\b(?:sponsor(?:ed|s)?|presented by|brought to you by|a message from|advertis\w*"
        rf"|{SPONSORED_BY}"
        r"|partner content|promoted|together with|in partnership with|refer (?:a )?friends?"
        r"|(?<![^\W\d_])(?-i:SUPPORTED BY|Supported by|Supported By)"  # not "Supported by unions,"
        r"(?= (?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*){0,3}\W*$)"
        r"|from our partners?)\b|^\W*in samenwerking met\b"
        r"|^\W*(?:this|today['’]?s) (?:issue|edition|newsletter) is (?:supported|powered) by\b"
        # "IN COLLABORAZIONE CON CLOUDALPI", "En colaboración con…" (the thirty-first sweep)
        r"|^\W*(?:in collaborazione con|en colaboraci[oó]n con|em parceria com"
        r"|en partenariat avec)\b"
        r"|[·|(][ \t]*affiliate(?: links?| deals?)?\)?[ \t]*$"  # "Deal of the week · affiliate"
        # "Paid post from Aldergrove" (the 18th sweep); not "Meta adds a paid partnership
        # label" (the review)
        r"|^\W*(?:an? )?paid (?:post|content|partnership)\b"
        # Polish and Dutch labels alone: "Partner wydania", not "Partner wydania raportu…"
        r"|^\W*(?:partner wydania|partner van (?:deze|de) (?:editie|week))\W*$"
        r"|^\W*(?:【pr】|\[pr\]|［pr］)"  # Japanese issues mark ads "【PR】"
        # the publisher's own ad, labelled alone: "SUBSCRIBER OFFER", "Special offer" (the
        # twenty-fourth sweep's science magazine)
        r"|^\W*(?:subscriber|special|reader|member|exclusive|limited[- ]time) offers?\W*$"
        # "광고", "广告", German "Anzeige": an ad's label alone (the eleventh sweep's)
        rf"|^\W*(?:{AD_WORDS})\W*$",
        re.IGNORECASE),
    # "Welcome", "Welcome back!", "Welcome to The Neuron", "Welcome to our new subscribers";
    # not news that opens with the word ("Welcome to the Neighborhood: Three Shops Open",
    # "Welcome Back, Night Market", "Welcome to our new PhD students": the fifth attack)
    "intro": re.compile(
        r"^(?:description|intro|introduction|overview|editor'?s note|good morning|hello)\b"
        # the morning's greeting in the languages the sweeps met, after an icon ("☀️ Guten
        # Morgen, Berlin!" over a city daily's intro: the ninth blind set)
        r"|^\W{0,4}(?:good morning|guten morgen|buenos d[ií]as|bom dia|buongiorno|goedemorgen"
        r"|god morgon|dzień dobry|günaydın)(?:\W*$|\s*[,!])"  # (not "Bom Dia Brasil estreia…")
        r"|^\W*welcome(?:\s+(?:back|aboard))?(?:,\s+[\w'’]+)?\W*$"
        r"|^\W*(?:before we (?:start|begin|dive in)|programming notes?)\W*$"  # attack11
        r"|^\W*welcome to (?:our new (?:subscribers|readers)"
        # (not "Welcome to our 23 new colleagues", an internal letter's news: the 18th sweep)
        # (nor "Welcome to Dr. Hannah Okafor" or "… to two new committers": sweeps 29, 37)
        r"|(?!our new\b|our \d|(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame)\b"
        r"|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several) new "
        r"(?!subscribers|readers|members|listeners|followers))"
        r"[\w'’&.-]+(?: [\w'’&.-]+){0,3}\W*$)", re.IGNORECASE),
    # a title that only labels job openings: what is under it is not news.  Not a bare
    # "Jobs", "Hiring" or "Careers": labour-market or campus news goes by those (an attack).
    "jobs": re.compile(
        r"^\W*(?:(?:[\w-]+ )?jobs? (?:board|openings|listings|of the week)"  # "AI jobs board"
        r"|(?:featured|open) (?:jobs|roles|positions)|(?:we['’]?re|now) (?:hiring|recruiting)"
        r"|who['’]?s hiring(?: (?:in|near|around) [^\n]{1,30})?"  # the sixteenth sweep
        r"|this week['’]?s (?:roles|jobs|openings|postings)"  # the seventeenth
        r"|offres d['’]emploi|stellenangebote|ofertas de (?:empleo|trabajo)|vagas|求人(?:情報)?"
        r"|hot (?:[\w-]+ )?jobs|jobs? (?:and|&) (?:fellowships|internships|grants|gigs)"  # set 15
        r"|stellenmarkt|(?:[\w-]+-)?jobs der woche"  # (not a bare "Jobs", a labour letter's)
        r"|招聘(?:信息)?|채용(?:\s?정보)?"
        # a count or an employer makes a bare word a label: "2 open roles at Devlog", not
        # news ("300 jobs cut at Meta", "Jobs at risk as factories automate": the review)
        r"|\d+ (?:open |new )?(?:jobs|roles|positions|openings)"
        r"(?: (?:at|with) [^\n]{1,40}| we['’]re hiring(?: for)?)?"
        r"|(?:open|new) (?:jobs|roles|positions|openings) at [^\n]{1,40}"
        # a field's or a portfolio's jobs: "Climate jobs", "💼 Security jobs", "Portfolio
        # jobs" (the twenty-seventh sweep); a closed list, as "Steel jobs", "Summer jobs"
        # or "Gender roles" over news are news (the review)
        r"|(?:portfolio|security|cybersecurity|climate|remote|startup|ai|ml|data|engineering"
        r"|design|policy|research|developer|community|member|partner"
        r"|clinical|nursing|medical|teaching|academic|faculty) (?:jobs|roles)"
        # "Jobs & opportunities" (not a bare "Opportunities": a markets letter heads news
        # with it, the review of the thirty-fourth sweep's rules)
        r"|(?:jobs?|careers?) (?:and|&) opportunities|career opportunities)\W*$",
        re.IGNORECASE),
    # a title that only labels events: what is under it is listings ("Upcoming events",
    # "Upcoming Robotics Events", "Meetups 🌎", "Termine", "【イベント情報】"; the sweeps'
    # golds since stop 22 agree on it). An events newsletter's own headings name the events.
    "events": re.compile(
        r"^\W*(?:next week['’]?s calendar|(?:upcoming|local|community|this (?:week|month)['’]?s)"
        r"(?: [\w-]+)? (?:events|meetups|seminars|webinars|workshops|talks|meetings|lectures|dates"
        r"|fixtures)"  # a club's "UPCOMING FIXTURES" table (the 32nd sweep)
        # "Upcoming Events and Webinars" (a developer weekly: the sixteenth sweep)
        r"(?: (?:and|&) (?:webinars|workshops|meetups|talks|conferences|courses))?"
        r"|(?:events?|meetups?|seminars?)"
        r"(?: (?:calendar|this (?:week|month)|near you))?|termine|veranstaltungen"
        # the twelfth sweep's: "Upcoming meetings", "Dates to watch", "On our calendar" (not
        # a bare "Agenda" or "Calendar": news sections go by them, the review)
        r"|dates to watch|on (?:our|the) calendar"
        # the twenty-fourth sweep's: "Mark your calendar", "What's on", "Dates for your
        # diary", "On today and this week", "Prossimi appuntamenti" (not a club's "Fixtures":
        # a story's heading over a match report as often, the ninth sweep)
        # (not "What's on this week" or "On this week": a critic's picks, the review)
        r"|mark your calendars?|what['’]s on|(?:dates for (?:your|the) diary|diary dates)"
        r"|on today(?: and (?:this|next) week)?|(?:prossimi )?appuntamenti"
        r"|próximos eventos|agenda (?:de la semana|du mois|der woche)|à venir"
        r"|(?:comment|upcoming|key|consultation) deadlines"  # the thirteenth sweep
        r"|(?:é|è)v(?:é|è)nements|eventos|イベント(?:情報)?|活动预告"
        r"|(?:kommande )?evenemang|evenementen|etkinlikler|wydarzenia|eventi|אירועים"
        r"|мероприятия)\W*$", re.IGNORECASE),
    # a reader poll or a referral block ("📊 POLL", "How would you rate today's issue?",
    # "🤝 Share The Prompt Shift", "Share with a friend"): what is under it is its options
    # and buttons ("Refer a friend" opens the sponsor zone, above).  "Share" leads a name
    # only in capitals ("Share prices fall" is news).
    "feedback": re.compile(
        r"^\W*(?:(?:reader |quick |today['’]?s |this week['’]?s |last week['’]?s )?poll"
        r"(?: results)?\W*$"

        r"|(?:that['’]s (?:it|all) for (?:today|this week|now)\W+)?(?:before you go,? )?"  # set 15
        r"(?:how would you rate|how did you (?:like|find)|did you (?:enjoy|like)"
        r"|what did you think (?:of|about)|rate|was) (?:this|today['’]?s|the|our) (?:issue|"
        r"newsletter|edition|email|digest|briefing|brief|episode)\b[^\n]{0,40}$"
        r"|how did we do\W*$|[^\n]{0,40}\b(?:get|earn) rewards\W*$"
        r"|¿?qu[ée] te (?:pareci[óo]|gust[óo]) (?:este|el|la) (?:número|boletín|newsletter"
        r"|edición)\W*$"
        # Ghost's "👍 More like this 👎 Less like this 💬 Comment"; not "More like this:
        # Netflix's new rows" (the review)
        r"|(?:more|less) like this(?:\W+(?:(?:more|less) like this|comments?))*\W*$"
        # "VOTE: MARCH PLAYER OF THE MONTH" over the names to vote for (the 32nd sweep); not
        # "Vote: Senate confirms new FTC chair" (news: the review)
        r"|(?:cast your )?vote(?: now| here)?\s*:\s*(?:[^\n]{0,40}\b(?:of the (?:month|week|year"
        r"|season|match|game|day)|awards?))?\W*$|vote (?:now|here)\W*$"
        r"|(?:[^\n?]{1,40}\?\s+)?tell your friends(?:\W*$|\s+and\b)"  # "Love X? Tell…"
        # "🎁 Give a month, get a month", "Give $20, get $20" (a referral offer: the
        # twenty-ninth sweep)
        r"|give (?:a|one|\$?\d{1,3}\W?) ?(?:free )?(?:month|week|year|credit|off)?,? get "
        r"(?:a|one|\$?\d{1,3}\W?) ?(?:free )?(?:month|week|year|credit|off)?\W*$"
        # "Share Morning Logits with a friend": the newsletter's name (the 33rd sweep); not
        # "Share your ChatGPT chats with friends" or "Share Netflix with friends?" (news)
        r"|share (?-i:[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,3}) with (?:a |your )?"
        r"(?:friends?|colleagues?)[.!]?$"
        r"|share (?:with (?:a|your) (?:friend|colleague)s?|this (?:issue|email|newsletter|"
        r"edition|post))\W*$|forward (?:this|it) to a (?:friend|colleague))"
        r"|^\W+share (?-i:(?:the |this )?[A-Z][\w'’]*(?: [A-Z][\w'’]*){0,3})\W*$"
        r"|^share the (?-i:[A-Z][\w'’]*(?: [A-Z][\w'’]*){0,3})\W*$", re.IGNORECASE),
    # a daily's games and asides: "💬 QUOTE OF THE DAY", "Trivia", "Word of the week"
    "extras": re.compile(
        r"^\W*(?:(?:quote|word|joke|meme|chart|photo|tweet|post|stat) of the (?:day|week)"
        r"|(?:posts|tweets|skeets|toots) of the (?:day|week)"
        r"|(?:daily |weekly |today['’]?s )?(?:trivia|brain ?teaser|crossword|riddle)"
        r"|trivia answers?|編集後記|编辑后记|편집\s?후기"  # the editor's closing aside
        # the issue's own notes, games and promotions at its end (the eleventh sweep), its
        # tables and figures (the twelfth: "Research by the numbers", "Markets at the close")
        # (not "Games": a section of gaming news goes by it, the review)
        r"|housekeeping|before you go|break ?room|puzzles?|footnotes|notes and sources"
        # (a bare "By the numbers" heads a story's figures: named's attack)
        r"|(?:research|the week|this week|the month|the year) by the numbers"
        r"|numbers of the week|markets? at the close"
        # "This week's numbers", "The week in numbers" (the twenty-fourth sweep's finance)
        r"|(?:this|last) (?:week|month)['’]?s numbers|the (?:week|month|year) in numbers"
        r"|market (?:wrap|snapshot|data)|earnings (?:to watch|calendar)(?: (?:this|next) week)?"
        r"|leaderboard(?: movers)?(?: \([^()\n]{0,40}\))?"
        # a policy newsletter's tables after its stories (the thirteenth sweep)
        r"|(?:bill|legislation|legislative|rulemaking|regulation|policy) tracker"
        # a preview of the next issue: "Next week", "Coming Friday", "Next Week in The Sequencer"
        r"|(?:coming )?next (?:week|issue|time)(?: in [^\n]{1,40})?|coming (?:up|soon|friday|"
        r"monday|tuesday|wednesday|thursday|saturday|sunday|tomorrow)"
        r"|in (?:next|tomorrow['’]?s|\w+day['’]?s) (?:issue|edition))\W*$", re.IGNORECASE),
    "footer": re.compile(
        rf"^(?:{SUBSCRIBE_LINE}|share (?:this|the)|follow us|about us|thank(?:s| you) for"
        r" (?:reading|subscribing)|©|you (?:are|were) receiving|--$"
        # ("Copyright Consultation Closes With 11,000 Responses" is news: 37th sweep, review)
        r"|copyright(?:\W*$|[^\n]{0,60}(?:19|20)\d\d|\s*(?:\(c\)|©)|[^\n]{0,80}rights reserved"
        r"|[^\n]{0,60}\b(?:inc|llc|ltd|limited|cic|gmbh|plc|corp|media|press|trust)\.?$)"
        # the twenty-third sweep's: "This email was sent to h.n@…", "Privacy Statement | Terms"
        r"|this (?:e-?mail|message|newsletter) was sent to\b"
        r"|contact (?:us|the (?:team|editors?|office))\W*$"  # closing a bulletin (33rd sweep)
        r"|〒\d{3}-?\d{4}"  # a Japanese sender's postal address (the thirty-third sweep)
        # the sending platform's line: "Powered by Buttondown, the easiest way to…" (32nd
        # sweep; "Powered by ghost workers, …" is news: the name ends it, or its tagline)
        r"|(?:powered|sent) (?:by|with|via) (?:buttondown|beehiiv|substack|ghost|mailchimp"
        r"|kit|convertkit|mailerlite|listmonk|sendy|brevo|sendinblue|klaviyo|hubspot"
        r"|campaign monitor|constant contact|emailoctopus|moosend|flodesk)"
        r"(?:\W*$|,? the (?:easiest|simplest|best|fastest) way\b)"
        r"|privacy (?:statement|policy|notice)(?:\s*[|·•]\s*[^\n]{1,40})?$"
        r"|manage (?:your )?(?:subscription|preferences)|update your preferences"
        r"|update your (?:email )?preferences or unsubscribe"  # an attack on the eleventh sweep
        # Mailman's footer: "Alignment-dispatch mailing list", the list's display name (the
        # 34th sweep; not "linux-kernel mailing list" over news of it: the review)
        r"|(?-i:[A-Z][a-z0-9]*(?:[-_.][a-z0-9]+)+) mailing list$"
        r"|why did i get this"
        # the imprint's label: "Herausgeber:" with its colon ("Herausgeber verklagen
        # OpenAI: Axel Springer AG führt Klage an" is news: the review)
        r"|herausgeber:[^\n]{0,60}\b(?:gmbh|ag|kg|ug|e\.\s?v)\b"
        r"|(?:impressum|mentions légales|aviso legal|note legali)\s*(?::\s*)?"
        # the imprint's label alone, or over the publisher ("Impressum: Acme Verlag GmbH");
        # not news that opens with the word ("Impressum fehlt: Abmahnwelle…")
        r"(?:$|[^\n]{0,60}\b(?:gmbh|ag|kg|ug|e\.\s?v|ltd|inc|llc|sarl|srl|s\.?l|s\.?a|"
        r"s\.?p\.?a)\b))",
        re.IGNORECASE),
}
# A job posting's title in a jobs zone ("Senior ML Engineer, Acme"): dropped with the zone,
# where another title ends it (the read-through: a posting's bold title with its
# description was read as the next story).
JOB_TITLE = re.compile(
    r"\b(?:engineers?|scientists?|managers?|designers?|analysts?|developers?|interns?|"
    r"internship|directors?|researchers?|officers?|specialists?|coordinators?|architects?|"
    r"consultants?|administrators?|recruiters?|associates?|fellows?|fellowship|postdoc\w*|"
    r"head of|vp of|lead|"
    # German, French, Spanish titles and a posting's terms: "Robotik-Ingenieur (m/w/d)",
    # "Ingénieur·e robotique (CDI)", "Werkstudent" (attack8)
    r"\w*ingenieur\w*|ingénieur\w*|werkstudent\w*|praktikant\w*|stagiaire|chargé\w*|"
    r"développeu\w*|entwickler\w*|ingeniero\w*|m/w/d|cdi|cdd)\b",
    re.IGNORECASE)


def opens_recap(block: Block) -> bool:
    """A short line such as "TL;DR" or "In this issue:" over a list that repeats the issue."""
    first = block_lines(block)[0]
    return len(first) <= 60 and bool(ZONES["recap"].search(tidy(first)))


def opens_sponsor(block: Block) -> bool:
    """A short line of its own that starts with "Together with Acme", "Sponsored by",
    "A message from": the ad under it is no story's text, even with no title to mark it."""
    lines = block_lines(block)
    text = tidy(lines[0])
    return (len(lines) == 1 and len(text.split()) <= SPONSOR_LINE_WORDS
            and not text.endswith(".") and bool(AD_LABEL.match(text)))


def sponsored_lead(block: Block) -> bool:
    """A paragraph led by a bold "Sponsored: Orbit Notes." and the ad's text."""
    lead = tidy(block.lead)
    return bool(lead) and tidy(block_lines(block)[0]) != lead and bool(
        AD_LABEL.match(lead))


# A bare "Jobs" names a labour-news section as often as a jobs board (zones.py); under it a
# short title that ends in a role is a posting ("Senior Detection Engineer", "Head of Project
# Finance", "Policy Analyst — Tidewell": the sixteenth sweep), news is not ("Engineers at
# Meta protest layoffs").
BARE_JOBS = re.compile(r"^\W*(?:jobs?|careers?|hiring|open roles|job board|join (?:our|the) team"
                       r"|we['’]re hiring|open positions)\W*$", re.IGNORECASE)
ROLE = re.compile(r"(?:engineer|scientist|manager|designer|analyst|developer|intern|director"
                  r"|researcher|officer|specialist|coordinator|architect|consultant|recruiter"
                  r"|associate|fellow|lead|responder|editor|writer|producer|counsel|strategist"
                  r"|technician)s?", re.IGNORECASE)
POSTING_WORDS = 8
# "Senior packaging engineer, Arlen Semi (Phoenix)": a short role in sentence case, then its
# employer and place in names (lower case only for "remote", "or", "hybrid"…)
SENTENCE_ROLE = re.compile(
    r"^([A-Z][a-z]+)(?: [a-z][\w-]*){0,2} ([a-z]+)[ \t]*[,—–][ \t]*"
    r"(?:(?:[A-Z][\w&.-]*|or|and|&|remote|hybrid|on-?site)[ \t]*){1,6}"
    r"(?:\((?:[A-Z][\w.-]*|or|and|remote|hybrid|on-?site|[ \t,/])+\))?$")


def posting(headline: str, section: str) -> bool:
    """A role's title under a bare "Jobs" (``role_title``), in Title Case or, there, in
    sentence case ("Senior packaging engineer, Arlen Semi (Phoenix)": the 35th sweep)."""
    if not BARE_JOBS.match(section):
        return False
    # (the role singular and alone, its employer or place after it in names: not "A national
    # apprenticeship for data center technicians", "Apple's AI lead, John Giannandrea, steps
    # back" or "Meta poaches Apple engineers, including its head of models": news)
    found = SENTENCE_ROLE.match(tidy(headline))
    return role_title(headline) or (
        found is not None and found.group(1).lower() not in ("a", "an", "the")
        and bool(ROLE.fullmatch(found.group(2))) and not found.group(2).endswith("s"))


def role_title(headline: str, min_words: int = 1) -> bool:
    """A role's title in Title Case, perhaps with its employer or place after a dash, a
    comma or a bracket: "Senior Detection Engineer", "Policy Analyst — Tidewell"."""
    role = re.split(r"\s*[—–,(]", tidy(headline), maxsplit=1)[0].split()
    return (max(min_words, 1) <= len(role) <= POSTING_WORDS
            and all(word[:1].isupper() or word in ("of", "and", "&") for word in role)
            and (bool(ROLE.fullmatch(role[-1])) or role[:2] == ["Head", "of"]))
