"""Segment stage, structural engine: where an issue ends.

The sign-off after the last story ("That's it for today!", "Enjoyed this? Forward
it") and the footer ("You're receiving this because…", "Unsubscribe", the sender's
address): no story's text.  segment.py cuts the issue there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Block
from service.ingest.headlines import (
    TITLE_MAX_CHARS,
    TITLED_ITEMS,
    block_lines,
    is_bold_line,
    is_byline,
    tidy,
    titled_list_item,
)
from service.ingest.zones import ZONES

__all__ = ["SIGNATURE_CHARS", "SIGNATURE_CUTS", "SIGN_OFF", "VALEDICTION", "footer_at",
           "opens_footer", "sign_off_at"]

TEXT_UNDER = 60  # a story's first paragraph, not a footer's link or address line
BUTTON = re.compile(r"^\W*(?:share|like|comment|restack|forward|follow|tweet|post)\b.{0,40}$",
                    re.IGNORECASE)


# What ends an issue after its last story: no story's text.  Only ever looked for in the last
# story's closing blocks (``sign_off_at``): "That's all for today's top stories; now the quick
# hits" or "New here?" at the top of an issue must not end it.
SIGN_OFF = re.compile(
    r"^(?:that'?s (?:it|all) for (?:today|now|this (?:week|issue|edition))\b(?!')"
    r"|see you (?:tomorrow|next (?:time|week|month))\b"
    # "Until next Friday," (an operator's review: it and its signature stayed in the last story)
    r"|until next (?:time|week|month|issue|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
    r"|thanks to [^.]{1,60} for (?:editing|copy-?editing|producing)"
    r"|[—–-] ?the [^.]{1,40} (?:team|editors)$"
    # "Maya & the Wayfinder Fares team", "Lena Hartmann und das Team vom KI-Kompass" (the
    # twenty-eighth sweep): a writer's name and the team, signing the issue
    r"|[\w'’.-]{2,20}(?: [\w'’.-]{2,20})? (?:&|and|und|et|y|e) "
    r"(?:the |das |l['’]|el |la |a |o )?(?:[^.\n]{1,40} )?(?:team|équipe|equipo|equipe)"
    r"(?: (?:vom|von|der|de|del|da|at|of) [^.\n]{1,40})?$"
    r"|(?:enjoyed|liked?|love) (?:this|it|(?:the |our )?[\w-]+)\? (?:tell|share|forward)"
    r"|enjoyed this\?|new here\?|partner with us|advertise with us|want to advertise"
    r"|forward (?:this|it) to"
    # the last section, about the newsletter itself: "NOTES FROM THE EDITORS" over "From March
    # the digest moves to Tuesdays" (the thirty-second sweep; data/README.md: housekeeping)
    r"|(?:(?:a )?notes? from the editors?|editors?['’]?s? notes?|housekeeping|administrivia"
    r"|programming notes?)\W*$)", re.IGNORECASE)
# A letter's closing word on a line of its own: "Best wishes,", "Kind regards", "Cheers,"
# (a department bulletin sent from Outlook: the twenty-ninth sweep).  What follows it is the
# writer's name and signature, however title-like its lines ("Margaret Lyle", "Working
# hours: Mon–Thu").
VALEDICTION = re.compile(
    r"^(?:(?:best|kind|warm|warmest|many|with best|with kind|all the best)[ \t]+"
    r"(?:wishes|regards|thanks)|regards|cheers|thanks|thank you|warmly|best|sincerely"
    r"|yours(?:[ \t]+(?:sincerely|truly|faithfully))?|all the best|take care|talk soon"
    r"|(?:viele|liebe|herzliche|beste|freundliche)[ \t]+grüße|mit freundlichen grüßen"
    r"|cordialement|bien à vous|amitiés|(?:un )?saludos?(?: cordiales)?|cordiali saluti"
    r"|(?:met )?vriendelijke groet(?:en)?|hälsningar|pozdrawiam)[ \t]*[,.!]?$",
    re.IGNORECASE)
SIGNATURE_CUTS = 3  # the stories a signature may have been cut into, after the closing word
SIGNATURE_CHARS = 300  # each of them short: a name, a role, an address, a phone number
SIGN_OFF_BLOCKS = 4  # a sign-off is in an issue's last few blocks
SIGN_OFF_WORDS = 12  # and short: "See you tomorrow, robots: the line became a meme" is news
FIRST_SENTENCE = re.compile(r".*?(?:[.!?](?=\s)|$)")


def sign_off_at(blocks: Sequence[Block]) -> int:
    """Where the sign-off starts among the last story's blocks (its first block excluded):
    the first of its last ``SIGN_OFF_BLOCKS`` whose first line is one; len(blocks) if none."""
    for at in range(max(1, len(blocks) - SIGN_OFF_BLOCKS), len(blocks)):
        first = tidy(block_lines(blocks[at])[0]) if blocks[at].text else ""
        # (its first sentence is short: "That's all for this week. Forward this to a friend
        # who loves gears." is one, 13 words in all: an operator's review)
        sentence = FIRST_SENTENCE.match(first)
        if (sentence and len(sentence.group().split()) <= SIGN_OFF_WORDS
                and len(first.split()) <= 2 * SIGN_OFF_WORDS and SIGN_OFF.match(first)):
            return at  # (a long paragraph that opens so is news: the stop's review)
    return len(blocks)


# How the sender's postal address ends: a US state and ZIP, a UK postcode, or a European
# postcode and town after a separator ("100 Civic Plaza, Maplebrook, OR 97321", "… ·
# Lindenstraße 41 · 10969 Berlin": the twenty-third and twenty-fourth sweeps).  Each branch
# is short and bounded, so searching a line is linear.
POSTAL_END = re.compile(
    r"(?:(?<=[\s,])[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?(?:[ \t]+(?:US|USA))?"
    r"|(?<=[\s,])[A-Z]{1,2}\d[A-Z\d]?[ \t]+\d[A-Z]{2}(?:,?[ \t]+UK)?"
    r"|(?:(?<=[,·|])|(?<=[,·|] ))(?:[A-Z]-)?\d{4,5}[ \t]+[A-ZÄÖÜÉ][\w .()'-]{1,40})$")
POSTAL_LINE_CHARS = 160


def postal_address(line: str) -> bool:
    """A line of the sender's postal address: parts parted by commas, "·" or "|", a number
    among them, ending in a postcode (news rarely ends in "OR 97321")."""
    return (len(line) <= POSTAL_LINE_CHARS and bool(re.search(r"\d[^,·|]*[,·|]|[,·|].*\d", line))
            and bool(POSTAL_END.search(line)))


def opens_footer(text: str) -> bool:
    """Whether this text starts the footer (kept past housekeeping so the zone can start):
    its first line, or any line of a block of a few short lines ("Gridlines, Torggata 5,
    Oslo" over "You're receiving this email because…" and "Unsubscribe": the eleventh
    sweep)."""
    first, *later = text.split("\n", FOOTER_BLOCK_LINES)
    if len(first) <= TITLE_MAX_CHARS and (ZONES["footer"].search(tidy(first))
                                         or postal_address(tidy(first))):
        return True
    if DISCLAIMER.match(first.lstrip()) or SELF_DESCRIBED.match(first.lstrip()):
        return True
    # a later line only with the footer's own words: a story's "Copyright claims…" or
    # "Follow us on the new audio tour" is its text (the review)
    return len(later) < FOOTER_BLOCK_LINES and any(FOOTER_LINE.match(tidy(line))
                                                     for line in later)


FOOTER_BLOCK_LINES = 4  # the footer's address, "why you get this", its links: short lines
FOOTER_LINE = re.compile(
    r"^(?:you(?:['’]re| are| were) receiving|unsubscribe\b|manage (?:your )?(?:subscription|"
    r"preferences|newsletters)|update (?:your )?(?:email )?preferences|why did i get this"
    r"|(?:copyright\s*)?©\s*(?:19|20)\d\d|copyright\s+(?:19|20)\d\d|thanks? (?:you )?for reading"
    r"|this (?:e-?mail|message|newsletter) was sent to\b)",
    re.IGNORECASE)
# The newsletter saying what it is: "The Ellery Bulletin is published by the Port Ellery
# Civic News Cooperative", "The Shelf is a free weekly newsletter from Lantern Books" (the
# thirty-seventh and thirty-ninth sweeps)
# (a newsletter's name, not "The map is produced by the county's team…", news: the review)
SELF_DESCRIBED = re.compile(
    r"^(?:the )?[\w&'’.-]+(?: [\w&'’.-]+){0,4} (?:(?i:bulletin|newsletter|digest|briefing"
    r"|dispatch|weekly|daily|letter|notes|courier|gazette|post|review|roundup) is (?:published"
    r"|produced|written|edited|sent) by\b|is an? (?:(?:free|reader-funded|independent|weekly"
    r"|daily|monthly|fortnightly)[ \t]+){0,3}(?:newsletter|digest|bulletin|briefing|email)\b)",
    re.IGNORECASE)
# An organisation's confidentiality notice under every email, one long line (the
# twenty-ninth sweep's department bulletin, sent from Outlook)
DISCLAIMER = re.compile(
    r"^this (?:e-?mail|message)(?: and any (?:attachments?|files)(?: transmitted with it)?)?"
    r" (?:is|are) (?:intended|confidential|strictly confidential)\b", re.IGNORECASE)


def footer_at(blocks: Sequence[Block]) -> int | None:
    """Where the footer starts: the first line that opens it ("Subscribe", "Thanks for
    reading") with less than half the issue's text after it and no titled text (a
    heading or a bold line over a paragraph, a linked news item) after it.  A "Subscribe
    now" button under the intro or a "Share this issue" box between stories is no footer
    (the seventh sweep and its attack: posts cut down to their welcome paragraph, the
    stories after a box lost).  Each block is read once."""
    opens = [opens_footer(block.text[:200]) for block in blocks]
    titled_items = [bool(titled_list_item(block)) for block in blocks]
    top_ten = sum(titled_items) >= TITLED_ITEMS  # its stories after a "Subscribe" box (38th)
    news = [not opens[at] and (_news_line(block) or (top_ten and titled_items[at]))
            for at, block in enumerate(blocks)]
    titled_after = [False] * (len(blocks) + 1)  # a titled text at or after each index
    for at in range(len(blocks) - 2, -1, -1):
        titled = news[at] or news[at + 1] or (
            not opens[at] and not opens[at + 1] and _titled(blocks[at], blocks[at + 1]))
        if not titled and at + 2 < len(blocks) and not opens[at] and _byline(blocks[at + 1]):
            # a heading over its byline over its text ("By Dr. Simon Achterberg": a science
            # magazine's stories after its "Subscribe now" box, the twenty-fourth sweep)
            titled = not opens[at + 2] and _titled(blocks[at], blocks[at + 2])
        titled_after[at] = titled_after[at + 1] or titled
    sizes = [len(block.text) for block in blocks]
    total = after = sum(sizes)
    for at in range(len(blocks)):
        after -= sizes[at]
        if 2 * after <= total and not titled_after[at + 1] and opens[at]:
            return at
    return None


def _byline(block: Block) -> bool:
    return block.kind == "paragraph" and "\n" not in block.text.strip() and is_byline(
        block.text.strip()[:TITLE_MAX_CHARS])


def _titled(block: Block, under: Block) -> bool:
    """A heading, or a bold line of its own, with a paragraph of news under it; not the
    footer's own "Share" button over its address line."""
    title = block.kind == "heading" or (
        block.kind == "paragraph" and is_bold_line(block, block_lines(block)[0])
        and "\n" not in block.text)
    return (title and under.kind in ("paragraph", "list_item") and len(under.text) >= TEXT_UNDER
            and not BUTTON.match(tidy(block.text)))


def _news_line(block: Block) -> bool:
    """A paragraph or bullet of news that opens with a linked headline of four words or
    more and says more after it ("<a>Story three…</a> text", the review); no footer's link
    line ("View this email in your browser")."""
    if block.kind not in ("paragraph", "list_item") or not block.links:
        return False
    first = " ".join(block.links[0].text.split())
    return (len(first.split()) >= 4 and block.text.lstrip().startswith(first)
            and len(block.text) >= TEXT_UNDER + len(first))
