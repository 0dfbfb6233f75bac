"""Segment stage: lines that are a button or a story's facts, never its title.

A story's own link under its text ("Read more →", "Devamını oku »", "Read the full story |
Read the paper"), the issue's and a sponsor's calls to action ("View in browser", "Try Acme
free", "Hemen başlayın"), a citation ("Reference: …", "Source: …") and a card's labelled facts
("Lead: Acme · Also: Beta").  Read by segment.py, roles.py, ads.py and the zones of
structure.py; kept apart from headlines.py, which says what a title looks like.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.domain import Block
from service.ingest.headlines import tidy

__all__ = ["BUTTON_BAR", "CALL_TO_ACTION", "CITATION", "LABELLED_PAIRS", "READ_MORE",
           "SCORE_LINE", "read_more_url", "text_without_button"]

# The story's own link under it: "Read more →", "Full story", "Read article »", "Source".
# In other languages too (the thirteenth sweep: "Devamını oku »", "לקריאה נוספת ←", "Läs
# mer →", "Lire l'annonce").
READ_MORE = re.compile(
    # ("Read the full STONEMOTH report →": a word may name it, the fourteenth sweep)
    r"^(?:read (?:more|on|original|(?:the |our )?(?:full )?(?:[\w-]+ )?(?:story|article|paper|post|"
    r"report|review|advisory|recap|write-?up|analysis|guide|"
    r"announcement|case study|release notes|study|essay|interview|thread))"
    # ("Full note (PDF)": an analyst's weekly, the seventeenth sweep)
    r"|full (?:story|article|note|report|text|paper|analysis|piece|transcript|advisory|review"
    r"|details|coverage)(?: (?:and|&) [\w-]+)?|continue reading"
    # the rest of the issue online: "Read the rest of today's Scoop", "Read the whole Dev
    # Digest", "Continue reading the full brief →" (the fourteenth blind set: each was the
    # issue's last story)
    r"(?: the (?:full|whole|rest of the) [\w'’-]+(?: [\w'’-]+){0,2})?|keep reading"
    r"|read the (?:rest of|whole|full|entire) (?:this |the |today['’]s |this week['’]s )?"
    r"(?:issue|edition|newsletter|briefing|brief|digest|scoop|[\w'’-]+ (?:edition|digest"
    r"|briefing|brief|newsletter|issue)|issue \d+)(?: online| here)?"
    # an outlet's name before the button: "Reuters Read Article" (Carbon Brief's)
    r"|(?-i:[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,2}) read article"
    r"|source|link"
    r"|read (?:it |more )?on (?:the |our )?[\w-]+ blog"  # "Read on the Quillstone blog"
    r"|(?:read|view) (?:it |the paper |the post )?on (?:arxiv|github|medium|substack|youtube"
    r"|hugging ?face|the web|our (?:site|blog|website))"
    r"|lire (?:la suite|plus|l['’](?:article|annonce|étude|entretien)(?: complet)?)"
    r"|en savoir plus"
    r"|leer (?:más|el artículo(?: completo)?|la nota(?: completa)?)|seguir leyendo"
    r"|leia (?:mais|a matéria(?: completa)?|o artigo(?: completo)?)|continue lendo|saiba mais"
    r"|weiterlesen|mehr lesen|zum (?:ganzen )?artikel|den ganzen artikel lesen"
    r"|zum (?:[\w-]+ )?(?:bericht|beitrag|report|paper|interview)"  # (attack14's German)
    r"|(?:nota|informe|artículo|reportaje) completo|nota completa"
    r"|continua a leggere|leggi (?:tutto|di più|l['’]articolo(?: completo)?"
    r"|il (?:resoconto|rapporto|report|comunicato|paper|post)(?: completo)?)"
    r"|lees (?:meer|verder|het (?:hele )?(?:verhaal|artikel))|verder lezen"
    r"|läs (?:mer|hela)|les (?:mer|hele)|læs (?:mere|videre)"
    r"|lue lisää|czytaj (?:więcej|dalej)|číst dál|čítať ďalej|citește (?:mai mult|tot)"
    r"|tovább(?: olvasom)?|devamını oku|haberin devamı|devamı|читать (?:далее|дальше|полностью)"
    r"|подробнее|читати далі|детальніше|διαβάστε (?:περισσότερα|εδώ)|לקריאה נוספת|להמשך קריאה"
    r"|המשך קריאה|اقرأ المزيد|baca selengkapnya|đọc thêm|続きを読む|もっと読む|詳しくはこちら"
    r"|阅读全文|阅读更多|閱讀全文|閱讀更多|더 ?보기|자세히 보기|기사 보기"
    r"|číst dále|loe edasi|skaityti daugiau|lasīt vairāk|read the model card)\b"
    # where it is read, or how long: "Les mer hos Teknikkbladet →", "Lue lisää (Kauppapäivä)",
    # "Read the full interview (12 min)" (an attack on the thirteenth sweep's rules)
    # (not after "Source" or "Link": "Source at Pentagon: strike plans shelved", the review)
    r"(?:(?<!source)(?<!link)\s+(?:at|on|in|via|hos|på|bei|auf|chez|sur|en|su|em|op|na)\s+"
    r"[^\n():]{1,40}?)?"
    r"(?:\s*\([^()\n]{1,30}\))?\W*$", re.IGNORECASE)
# A line that cites the story's source under its text: "Reference: Amundsen, K. et al.
# Marine Ecology Letters (2025)", "Source: the county's budget office", "Via The Verge" (the
# fourteenth sweep); not "Study: …", "Paper: …", which head news.
CITATION = re.compile(r"^(?:references?|sources?|citations?|doi|via|h/t|hat tip|credits?"
                      r"|kaynak|quelle|quellen|fuente|fonte|źródło|bron|källa|kilde|lähde)\b\s*:",
                      re.IGNORECASE)
# A card's facts as labelled pairs: "Lead: Harrow Peak Capital · Also: Brightwater", "Date:
# Nov 3 | Location: Berlin" (the fourteenth sweep's deal cards): metadata, not a title.
LABELLED_PAIRS = re.compile(r"^(?:[\w'’-]{1,20}(?: [\w'’-]{1,20})?:[ \t][^\n:·•|]{1,80}?"
                            r"[ \t]*[·•|][ \t]*){1,5}[\w'’-]{1,20}(?: [\w'’-]{1,20})?:[ \t]\S")
# A link site's figures under an item, linked to its thread or not: "812 points, 301
# comments" (the twentieth set): an item's facts, no title and no item.
SCORE_LINE = re.compile(r"^\W*\d[\d,.]*k? (?:points?|upvotes?|votes?|claps?)"
                        r"(?:\W{1,4}\d[\d,.]*k? (?:comments?|responses?|replies))?\W*$",
                        re.IGNORECASE)
# A bar of such buttons: "Read the full story | Read the paper".
BUTTON_BAR = re.compile(r"\s*[|·•]\s*")
# A link on a line of its own that is a button ("Read the full story", "Continue reading",
# "View this issue online", "Browse the logbooks", "Try Acme free"): the story's or the
# issue's, not a one-line item.  The whole link text must be one: "Read the leaked memo on
# layoffs", "Book publishers sue" and "Apply now: climate grants" are headlines.
# The web version: "View this email in your browser", "Read this brief online"
_WEB_VERSION = (r"(?:read|view|open|see) (?:this |the |today['’]s )?(?:brief |issue |e-?mail |"
                r"newsletter |edition |digest |post |message |changelog |update |bulletin "
                # "View this Article on the web" (an essay letter's, the sixteenth blind set)
                r"|article |story |essay |letter |column )?"
                r"(?:online|on the web"
                r"|in (?:your |a |the )?(?:web )?browser|as a web ?page)"
                # "Visualizza questa email nel tuo browser" (the thirty-first sweep)
                r"|visualizza (?:questa e-?mail|la newsletter) (?:nel (?:tuo )?browser|online)"
                # "Bekijk deze e-mail in je browser" (the forty-seventh sweep)
                r"|bekijk (?:deze )?(?:e-?mail|nieuwsbrief) (?:in (?:je|uw) browser|online)")
CALL_TO_ACTION = re.compile(
    # (a button in two languages, the other either side: "Book now / Archebwch nawr ›",
    # "Archebwch nawr / Book now ›": a Welsh theatre's, the thirty-third sweep)
    # (the other side up to three words, spaces round the slash, no colon or digit: not
    # "Read/write flaw hits Redis" or "Book now / pay later: airlines adopt BNPL": the review)
    r"^[▶►→»\s]*(?:[^\W\d][^\W\d'’-]*(?:[ \t][^\W\d][^\W\d'’-]*){0,2}[ \t]+/[ \t]+)?"
    r"(?:read (?:more|on|online|it here|the (?:full )?(?:story|article|post|report|issue|"
    r"piece|interview|paper))|continue reading|keep reading|view (?:it |this |the )?"
    r"(?:issue |email |post )?(?:online|in (?:your |a |the )?browser|on the web)|view online|"
    # the fifth sweep's: "View in browser", "Read this brief online", "Read on the web"
    rf"{_WEB_VERSION}|"
    r"browse (?:the|all|our)(?: \w+){1,2}|"
    # "Try Acme free", "Try Flowpad free for 14 days →" (the eleventh sweep)
    r"try \w+ (?:free|now|for free|today)(?: for (?:\d+|one|two|three) (?:days?|weeks?|months?))?|"
    # "Tester Résumeo →", "Testen Sie Flowpad →" (with the arrow only: the sixteenth set)
    r"(?:tester|essayer|testen sie|probar|provare) [\w-]+(?=[ \t]*[→›»])|"
    # "Leer el anuncio →", "Ver el registro →", "Más en El Economista Digital →" (a Spanish
    # letter's, the eighteenth set: with the arrow only), "Probar Bodega" (its sponsor's)
    r"(?:leer|ver|lire|voir|leggi|vedi|ler) (?:el|la|los|las|le|les|il|lo|o|a) [\w-]+"
    r"(?=[ \t]*[→›»])|(?:más|mais|plus) (?:en|em|sur|dans) [^\s:→›»]+(?: [^\s:→›»]+){0,3}"
    r"(?=[ \t]*[→›»])|"  # (a name of four words at most: "Plus sur Mars : …" is news)
    r"probar [\w-]+(?: gratis)?|"
    # "See all roles", "See more jobs on the Prompt Wire Job Board", "See all 140+ open roles
    # on our job board →" (the twenty-sixth and twenty-seventh sweeps)
    r"(?:see|view) (?:all|more) (?:\d+\+? )?(?:open )?(?:roles|jobs|positions|openings)"
    r"(?: on (?:the |our )?[\w'’ -]{1,40})?|browse jobs|"
    r"alle stellen ansehen|view (?:open |the )?(?:roles|jobs|positions|openings)|"
    r"become a (?:paid |premium )?(?:member|subscriber|supporter)|cancel (?:this )?alert|"
    # an alert service's: "Flag as irrelevant" under each result, "Edit this alert" (the
    # sixteenth blind set)
    r"flag as irrelevant|(?:edit|manage|delete) (?:this |your )?alerts?|"
    r"voir toutes les offres|"
    r"sign up(?: free| now)?|"
    r"subscribe(?: now| free| here)?|join (?:now|us|free|the waitlist)|register (?:now|here|today)|"
    r"download (?:now|the app|it)|learn more|find out more|see more|shop now|get started|"
    r"apply (?:now|here|today)|click here|get the \w+|get (?:a |your )?free [\w-]+(?: [\w-]+)?|"
    # the fourth sweep's and its attack's buttons and web-version links
    r"save (?:your|a|my) (?:seat|spot)|reserve (?:your|a) (?:seat|spot)|"
    r"donate(?: now| today| here)?|submit (?:a|your) (?:talk|proposal|tip|story)|post a job|"
    r"powered by \w+|read (?:the )?(?:case study|release notes|transcript)|"
    r"read in (?:your|the) browser|web version|ver (?:a )?versão (?:web|online)|"
    r"ver en (?:el|tu) navegador|versión web|(?:e-?mail |newsletter )?im browser (?:ansehen|öffnen"
    r"|lesen|anzeigen)|versione web|"
    r"version (?:web|en ligne)|voir (?:la version )?en ligne|"
    # the fifth sweep's: "Lire la suite →", "Leer más", "Weiterlesen", "▶ Listen now"
    r"lire (?:la suite|plus)|en savoir plus|leer más|seguir leyendo|weiterlesen|mehr lesen|"
    r"continua a leggere|leggi (?:tutto|di più)|leia mais|continue lendo|"
    # the eighteenth sweep's: "Word betalend abonnee", "Apri nel browser"
    r"word (?:betalend |betaald )?(?:abonnee|lid)|apri nel browser|visualizza nel browser|"
    # the twentieth sweep's: "Book online", "View as web page", "Wersja online", "Sprawdź"
    r"(?:book|order|pay|apply|renew|donate|register|shop) online|view as (?:a )?web ?page|"
    r"wersja (?:online|przeglądarkowa)|sprawdź|toutes les offres|voir toutes les offres|"
    r"get \d{1,2}% off(?: for (?:\d+|one|a) (?:year|month)s?)?|"
    r"this post is for (?:paid|paying) (?:members|subscribers)(?: only)?|"
    # the nineteenth sweep's: "Read summary", "Renew your membership", "Copy your referral link"
    r"read (?:the )?summary|renew (?:your )?(?:membership|subscription)|"
    # the twenty-first sweep's: "Open link →", "RSVP →", "Share your link"
    r"open (?:the )?link|rsvp(?: here| now)?|share your (?:referral )?link|"
    # "Details & RSVP" (the forty-eighth sweep's events)
    r"(?:details|info) (?:&|and) (?:rsvp|tickets?|registration|register|booking)|"
    # an event card's "Reserve →" (a museum's, the forty-fourth sweep); not a bare "Reserve",
    # a restaurant's name (the review)
    r"reserve (?:now|here)|reserve(?=[ \t]*[→›»▶►])|book now|"
    # the twenty-third sweep's: "Have your say", "Event details", "Plan your visit", "Browse
    # prints", "Read Maria's story", "Meet the fellows →", "Post a job here" (each alone on
    # its line: "Meet the new boss", "Browse mode comes to Chrome" stay headlines)
    r"have your say(?: here| now| online)?|(?:event|more|full|view|see|ticket) details|"
    r"plan your (?:visit|trip|day|stay)|browse [\w-]+|read [\w-]+['’]s story|"
    r"meet (?:the|our) (?:new )?(?:fellows|team|speakers|staff|crew|winners|volunteers|cast"
    r"|authors|artists)|post a job(?: here| now)?|"
    # the twenty-fourth sweep's: "Print this recipe", "See the full programme", "See the
    # full city calendar", "Book tickets", "Visit our website", "Try it in any table →"
    r"print (?:this |the )?recipe|see the full (?:[\w-]+ )?(?:programme|program|calendar"
    r"|schedule|line-?up|agenda|list)|book (?:your )?(?:tickets?|a place|a table)"
    r"|visit (?:our|the) (?:website|site|shop|store)|try it (?:now|today|free|out|yourself)"
    r"|try it in (?:any|your|every) [\w-]+|"  # (not "Try it with tahini", a recipe: review)
    # the twenty-fifth sweep's: "Support our work", "Open volunteer shifts", "Instagram ·
    # Facebook"
    r"support (?:our|this|the|my) (?:work|newsletter|journalism|mission|writing)"
    r"(?: with a (?:paid )?(?:subscription|membership|donation))?|open volunteer shifts"
    r"|(?:instagram|facebook|linkedin|youtube|tiktok|mastodon|bluesky|threads|x)"
    r"(?:[ \t]*[·•|][ \t]*(?:instagram|facebook|linkedin|youtube|tiktok|mastodon|bluesky"
    r"|threads|x)){1,6}|"
    # the twenty-sixth sweep's: "Take the survey", "Book your place", "Send us your
    # question", "Support the museum", "Forward to a friend", "Share Prompt Wire with a
    # friend", "Share on XShare on LinkedIn", "Demo buchen →", "Apple Podcasts" (each the
    # whole link: "Take the money and run" is news)
    r"take (?:the|our|this|a) (?:survey|poll|quiz|questionnaire)|"
    r"book (?:your|a) (?:place|seat|spot|ticket|table|slot)|"
    r"(?:send|submit|ask) us (?:your|a) (?:question|tip|story|photo|idea|feedback)s?|"
    r"support (?:us|(?:our|the|this) (?:museum|library|podcast|show|project|team|cause"
    r"|paper|reporting|newsroom))|"
    r"forward (?:this (?:e-?mail |newsletter |issue )?)?to a (?:friend|colleague)|"
    r"share (?:[\w'’-]+ ){1,4}with (?:a |your )?(?:friends?|colleagues?)|"
    r"(?:share on (?:x|twitter|linkedin|facebook|bluesky|threads|mastodon|reddit|whatsapp)"
    r"[ \t·•|]*){1,8}|"
    r"(?:book|request|schedule|get) a (?:\d{1,3}[- ]minute )?demo|"
    r"demo (?:buchen|anfragen|vereinbaren)|"
    r"view (?:the |this )?(?:full )?thread|"  # a community digest's "View thread →" (set 19)
    # (a player's name alone only for Apple Podcasts: "Spotify" may head news)
    r"(?:apple podcasts|(?:spotify|overcast|pocket casts|youtube music|amazon music)"
    r"(?=[ \t]*[·•|]))"
    r"(?:[ \t]*[·•|][ \t]*(?:apple podcasts|spotify|overcast|pocket casts|youtube(?: music)?"
    r"|amazon music|rss)){0,6}|"
    r"get a (?:free )?(?:quote|estimate|consultation)|"
    # the twenty-seventh sweep's: "Enter now", "Shop the box", "All fixtures and results",
    # "Full district calendar", "Découvrir le programme →" (bounded words: "Shop the look",
    # "Full Moon calendar" or "Enter the competition" may head news: the review)
    r"enter (?:now|here|today)|shop (?:the|our) (?:box|store|shop|sale|collection|range)|"
    r"all (?:fixtures (?:and|&) results|results (?:and|&) fixtures)|"
    r"full (?:(?:district|club|school|event|events|season|city|team) )?(?:calendar|schedule"
    r"|fixture list)|"
    r"découvrir (?:le|la|les|notre) [\w-]+|en savoir plus sur [\w-]+|"
    # the twenty-eighth sweep's: "Zur Pressemitteilung", "Zur Studie (PDF)", "Video ansehen",
    # "Modell auf Hugging Face", "Register for webinars", "See the Book Van schedule",
    # "Make a gift today", "Get the Jetpack app", "See dates & book"
    r"zur (?:[\w-]+ )?(?:pressemitteilung|studie|meldung|analyse|quelle|anmeldung)"
    r"(?: \(pdf\))?|(?:das )?video ansehen|jetzt ansehen|"
    r"(?:modell|model|code|weights|gewichte|paper) (?:auf|on) (?:hugging ?face|github|arxiv)|"
    r"register for (?:the |our |a |upcoming )?(?:webinars?|events?|sessions?|workshops?)|"
    r"see the (?:[\w'’-]+ ){0,3}(?:schedule|timetable|route map)|"
    r"make a (?:gift|donation)(?: today| now)?|get the (?:[\w-]+ )?app|"
    r"see dates (?:&|and) book|book now|"
    # the twenty-ninth sweep's: "Start free today →", "Get your invite link", "Grab it"
    r"start (?:for )?free(?: today| now)?|get (?:your|my) (?:invite|referral|share) link|"
    r"grab (?:it|yours|the deal|this deal)(?: now| here| today)?|"
    r"zum (?:angebot|artikel|beitrag|download|shop|webinar|podcast|video|programm)|"
    r"zum (?:ausführlichen |vollständigen |ganzen )?überblick|"  # (the fifteenth blind set)
    # the thirty-first sweep's: "Attiva la prova →", "Inoltra questa email a un collega",
    # "Place a hold →"
    r"attiva (?:la prova|l['’]offerta)(?: gratuita)?|inoltra (?:questa e-?mail|la newsletter)"
    r"(?: a (?:un collega|un amico|un['’]amica))?|place a hold|"
    # the thirty-second sweep's: a card's bare "Read →", "Become a member from £4 a month",
    # "Schedule a review", "Publier une offre" (each the whole link)
    r"read(?: now| it| here)?|become a (?:paid |premium )?(?:member|subscriber|supporter)"
    r"(?: (?:from|for) [£$€]?\d[\d.,]*(?: (?:a|per|/) ?(?:month|year|week|mo|yr))?)?|"
    r"schedule a (?:review|call|consultation|meeting|session)|publier une offre(?: d['’]emploi)?|"
    # the twenty-third sweep's pantry: "Volunteer for box day", "Volunteer today"
    # (a shift, not "Volunteer for the census", news: the review)
    r"volunteer (?:today|now|here|with us|for (?:(?:the|a|our) )?[\w-]+ (?:day|shift|drive"
    r"|night|weekend))|"
    r"annulla l['’]iscrizione|cancelar (?:la )?suscripción|"
    r"update (?:your )?(?:profile|preferences)|copy (?:your )?(?:referral )?link|"
    r"alle (?:[\w-]+ )?(?:artikel|beiträge|meldungen|nachrichten)(?: der woche| von heute)? "
    r"(?:ansehen|lesen)|ver tod[ao]s l[ao]s (?:noticias|artículos|notas)(?: de (?:hoy|la semana))?|"
    r"jetzt (?:kostenlos )?(?:testen|ausprobieren|anmelden|wechseln|bestellen|buchen|kaufen)|"
    r"kostenlos testen|mehr erfahren|essai gratuit|"
    r"(?:listen|watch|play)(?: now| here| to (?:the|this) (?:[\w-]+ )?episode)?|"
    r"start (?:a |your )?free trial|read the guide|click to \w+|share (?:now|it|this)|"
    # the sixth sweep's: "Upgrade to read →", "Start trial", "Check it out"
    r"upgrade(?: to (?:read|paid|premium|unlock))?|start (?:a |your )?trial|check it out|"
    r"see more(?: of what you like(?: and less of what you don['’]t)?| like this)?|register|"
    # ("See all of today's stories", a gadget site's daily: the sixteenth sweep)
    r"see (?:more|all)(?: [\w'’-]+){0,2} (?:posts|stories|news|articles|papers|episodes|topics"
    r"|results|launches|products|repos|repositories)|"
    # (the twentieth set: a launch site's, a LinkedIn letter's, a digest's recommendations)
    r"join the (?:discussion|conversation)|read (?:it |more )?on linkedin"
    r"|learn why we (?:included|recommended|picked) this|control your recommendations|"
    r"claim (?:it|yours|your \w+)(?: here| now)?|"
    # an attack on the eleventh sweep's rules: "Open an account", "Start watching"
    r"open (?:an?|your)(?: free)? account|start (?:watching|listening|saving|your free trial)|"
    # the thirteenth sweep's, in other languages: "Hemen başlayın »", "Boka genomgång →"
    r"download (?:the |our |your )?(?:free )?(?:report|guide|e-?book|white ?paper|checklist"
    r"|app note|data ?sheet|slides|pdf)(?: \(pdf\))?|open (?:the |your )?dashboard|"
    r"sprawdź (?:ofertę|szczegóły)|pobierz(?: raport| e-?book| poradnik)?|zamów teraz|"
    r"hemen (?:başla\w*|dene\w*|kaydol)|ücretsiz dene\w*|kayıt ol|abone ol|daha fazla bilgi|"
    r"boka (?:en )?(?:demo|genomgång|tid|möte)|kom igång|prova (?:gratis|nu)|anmäl dig|"
    r"registrera dig|prenumerera|probeer (?:het )?gratis|meld je (?:nu )?aan|schrijf je in|"
    r"zapisz się|wypróbuj(?: za darmo)?|dowiedz się więcej|scopri di più|iscriviti|"
    r"prova gratis|prueba(?:lo)? gratis|empieza (?:ahora|gratis)|regístrate|suscríbete|"
    r"más información|descubre más|experimente grátis|comece (?:agora|grátis)|inscreva-se|"
    r"assine(?: já| agora)?|essayez gratuitement|essayer gratuitement|inscrivez-vous|"
    r"s['’]inscrire|découvrir|להרשמה|הירשמו|לפרטים נוספים|今すぐ(?:登録|試す)|無料で試す|"
    r"詳しく見る|立即(?:注册|试用|订阅)|免费试用|了解更多|지금 시작하기|무료 체험|"
    r"попробовать бесплатно|подписаться|узнать больше"
    # the thirty-third sweep's: "See the season", "Join today", "View web version", "Read the
    # case studies ›", "Register for AI Assurance Week ›", "Contact us", "Leer en español",
    # "All openings", "Full release notes on GitHub →", "Upgrade guide for v4.4",
    # "論文を読む（arXiv）›" (each the whole link)
    r"|see the (?:season|programme|program|line-?up)|join today|view (?:the )?web version"
    # ("Read the Senate findings", "Register for Earth Day" are headlines: with the arrow
    # only, the review)
    r"|(?:read the (?:[\w-]+ )?(?:case stud(?:y|ies)|guidance|report|findings|consultation)"
    r"|register for (?:[\w&'’-]+ ){1,4}(?:week|summit|day|conference|forum))(?=[ \t]*[›→»>])"
    r"|contact us"
    # a changelog's "Read the branching docs" (the forty-eighth sweep's)
    r"|(?:read|see|view|open) the (?:[\w-]+ ){0,2}(?:docs|documentation)"
    r"|(?:leer|lire|lesen|leggi|ler) (?:en|in|em) (?:español|english|français|deutsch|italiano"
    r"|português|inglés)|all (?:openings|vacancies|jobs|roles|positions)"
    r"|(?:full |read the )?release notes(?: on github)?|upgrade guide(?: for v?[\d.]+)?"
    r"|(?:論文|記事)を読む(?:（[^）\n]{1,20}）)?|続きを読む|詳細はこちら|お?申し?込(?:み|む)"
    r")"
    # (the other language of a two-language button: "Book now / Archebwch nawr")
    r"(?:[ \t]+/[ \t]+[^\W\d][^\W\d'’-]*(?:[ \t][^\W\d][^\W\d'’-]*){0,2})?"
    # a player's button with the episode's length: "Listen now · 1:04:51", "▶ Play · 48 min"
    # (the twenty-fourth sweep's podcast)
    # (or in brackets: "▶ Watch (1:48)" under each story's video, the nineteenth set)
    r"(?:[ \t]*(?:[·•|][ \t]*|\()(?:\d{1,2}:\d{2}(?::\d{2})?|\d{1,3}[ \t]*min(?:ute)?s?)\)?)?"
    # plain text's way of a link: "View in browser: https://dieshot.net/issue-27/", "Read
    # more (https://…)" (the forty-fifth sweep's)
    r"(?:[ \t]*(?::[ \t]*|[(<][ \t]*)https?://[^\s)>]+[)>]?)?"
    r"(?![-\w])\W*$", re.IGNORECASE)

# A web-version link alone: "View this email in your browser", "Read online"
WEB_LINK = re.compile(rf"^{_WEB_VERSION}\W*$", re.IGNORECASE)


def text_without_button(block: Block) -> str:
    """The block's text without a "Read the full story →" link that ends it, run into its
    last sentence (a Ghost issue in an operator's review: it stayed in every story's text,
    and in every alert's excerpt).  A button alone on its line is the story's own link and
    is dropped elsewhere; this is the one inside a paragraph."""
    if not block.links:
        return block.text
    name = tidy(block.links[-1].text)
    text = block.text.rstrip()
    if name and READ_MORE.match(name) and text.endswith(name) and len(text) > len(name) + 40:
        return text[:-len(name)].rstrip(" \t\n|·•–—-")
    return block.text


def read_more_url(blocks: Iterable[Block]) -> str:
    """The first "Read more" (or "Read the paper", "Full story", "Source") link in
    ``blocks``: the story's own link when its headline has none, or the sign that a card's
    headline sits over its teaser.  Any other link may be a citation."""
    return next((link.url for block in blocks for link in block.links
                 if READ_MORE.match(tidy(link.text))), "")
