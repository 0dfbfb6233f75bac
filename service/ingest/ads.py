"""Segment stage, structural engine: a sponsor's block and a story's buttons.

Under a sponsor's label ("SPONSORED", "Together with Acme", "Presented by Acme") an
ad sets a headline of its own, a pitch and a button that sells ("Try Acme free for 30
days", "Start your free trial", "Open an account").  ``is_ad`` says when the title under
such a label is the ad's and not a story's: a masthead's "Presented by Acme" sits over
the issue's first story too, whose text only reads on.  (A story's own buttons, "See
regional pricing", are links.py's.)
"""

from __future__ import annotations

import itertools
import re

from service.domain import Block
from service.ingest.addresses import split_address
from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.headlines import block_lines, tidy
from service.ingest.units import Unit, after
from service.ingest.zones import BARE_AD_LABEL, SPONSOR_LABEL

__all__ = ["SPONSORED_TAIL", "is_ad", "is_button", "sponsor_paragraph"]

# A link item that says it is an ad after its words: "Wayfarer plans your trip (Sponsored)".
SPONSORED_TAIL = re.compile(
    r"[(\[](?:sponsored|sponsor|ad|advertisement|partner|promoted)[)\]]\W*$", re.IGNORECASE)
# "This issue is brought to you by GripWorks. Soft grippers, in stock…": the issue's sponsor
# named in a sentence that opens a paragraph of its own, the ad's whole text
ISSUE_SPONSOR = re.compile(
    r"^\W*(?:this|today['’]?s|this week['’]?s) (?:issue|edition|newsletter|email|episode"
    r"|brief) is (?:supported|sponsored|brought to you|made possible|presented) by\b",
    re.IGNORECASE)


def sponsor_paragraph(block: Block) -> bool:
    """A paragraph that opens by naming the issue's sponsor: an ad set as plain text among
    stories, with no label line or bold lead over it (a Mailchimp issue in an operator's
    review: the pitch ran on as the story above's text, and its words tagged it)."""
    return block.kind == "paragraph" and bool(ISSUE_SPONSOR.match(block_lines(block)[0]))


# What a sponsor's button asks for, not a story's ("Read more", "Listen"): money or a sign-up.
OFFER_CHARS = 80  # the pitch's last words, before its address
# what an ad offers its readers, not what news says is free ("free for research", "the full
# text of the order": the review)
OFFER = re.compile(r"\breaders get\b|\b(?:free|complimentary) (?:[\w-]+ )?(?:trial|survey|month"
                   r"|demo|consultation|quote|audit|assessment|shipping|sample)s?\b|\d+ ?% off\b"
                   r"|\b(?:discount|promo) code\b|\buse code\b|\bcoupon\b", re.IGNORECASE)
SELLS = re.compile(r"\b(?:free|trial|demo|sign up|get started|account|try|buy|shop|order|"
                   r"save|deal|discount|kostenlos|gratis)\b", re.IGNORECASE)


def is_ad(units: list[Unit], index: int, first: bool) -> bool:
    """The title at ``index`` sits right under a bare "Sponsored" and its text ends in a
    button, or under a sponsor's label that names the sponsor ("Together with Acme") and
    the name comes back in it or in the text under it, or its pitch ends in a button that
    sells: an ad.  Over the issue's ``first`` title only the last: a masthead's "Presented
    by Acme" heads news there, nor is a label over a story that does not name them."""
    before = next((units[i] for i in range(index - 1, -1, -1) if units[i].role != "rule"), None)
    if before is None:
        return False
    label = tidy(before.headline if before.role == "title" else block_lines(before.block)[0])
    label = re.sub(r"^\W+", "", label)  # "📣 FROM OUR PARTNER"
    under = list(itertools.takewhile(lambda u: u.role == "body", after(units, index)))
    if BARE_AD_LABEL.match(label):
        # "SPONSORED" alone over a pitch that ends in its button ("Try Receiptly free"),
        # a line of its own or the pitch's last words; not over a story (an image ad
        # between them leaves no block).  Also over the issue's first story: the label
        # names no sponsor, so it is no masthead's "Presented by Acme"
        return any(is_button(u) or _ends_in_button(u) for u in under)
    found = SPONSOR_LABEL.match(label)
    if found is None or len(found.group(1)) < 3:
        return False
    name = found.group(1).lower()
    if first:  # ... or links to the sponsor's own site (a beehiiv daily's opening ad)
        return _sells(units, index) or _links_to(label[found.start(1):], units[index], under)
    return name in tidy(units[index].headline).lower() or any(
        name in unit.block.text.lower() for unit in under) or _sells(units, index)


def _links_to(sponsor: str, title: Unit, under: list[Unit]) -> bool:
    """The title's link, or the first link under it, is to the sponsor's own site: its
    whole name is one part of the host ("latticedb.example" under "Together with
    LatticeDB"); not a news story's link that merely holds a word of it ("Presented by
    The Browser Company" over theverge.com, "Box" over news.xbox.com: the review)."""
    name = re.sub(r"\W", "", sponsor).lower()
    if len(name) < 3:
        return False
    urls = [title.url, *(link.url for unit in under[:2] for link in unit.block.links[:1])]
    return any(name in (split_address(url).hostname or "").split(".") for url in urls if url)


def is_button(unit: Unit) -> bool:
    """A link on a line of its own that is a button ("Try Acme free", "Read more")."""
    return (unit.role == "body" and bool(unit.block.links)
            and bool(CALL_TO_ACTION.match(tidy(unit.block.text))))


def _ends_in_button(unit: Unit) -> bool:
    """A pitch whose last words are its button: "… with the SQL attached. Try it free →",
    "… explains every step. Get 2 months free."."""
    if not unit.block.links:
        return False
    last = tidy(unit.block.links[-1].text)
    if not (last and unit.block.text.rstrip(" .→»>!").endswith(last.rstrip(" .→»>!"))):
        return False
    # plain text's button is the address itself, after an offer: "Reticle readers get a
    # free thermal survey: https://coldplate.example/reticle" (the thirty-fifth sweep)
    offer = last.startswith(("http://", "https://")) and bool(
        OFFER.search(unit.block.text[-OFFER_CHARS - len(last):]))
    return offer or bool(CALL_TO_ACTION.match(last)) or bool(re.search(r"\bfree\b", last, re.I))


def _sells(units: list[Unit], index: int) -> bool:
    """The text under the title at ``index`` ends in a button that sells ("Try Stackly free
    for 30 days", "Start your free trial"): an ad even over the issue's first title, where
    a masthead's "Presented by Acme" heads news whose button only reads on (the eleventh
    sweep and its attack)."""
    pitch = itertools.takewhile(lambda u: u.role != "title", after(units, index))
    return any(SELLS.search(u.block.text) and (
        (u.role == "item" and CALL_TO_ACTION.match(tidy(u.headline))) or is_button(u))
        for u in pitch)  # (a link to a "free fares page" in the text is no button: the review)
