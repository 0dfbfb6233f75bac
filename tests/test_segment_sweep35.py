"""The thirty-fifth blind sweep's misses (14 AI newsletters, a helper that never read the
rules, six sent as plain text only): a plain-text bullet's headline over its summary, a
sponsor's plain-text pitch ending in its address, a jobs board in sentence case, a headline
led by a quoted phrase, a calendar under an events title, a label over a story's address,
"Listen to episode 57 →" and an author's name with a particle.  The same shapes as news,
or as wrapped text, stay as they were."""

from __future__ import annotations

import pytest

from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import AUTHOR_NAME
from service.ingest.dated_lines import calendar_entry
from service.ingest.headlines import title_like
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import posting

SUMMARY = ("  The figure came from the CFO on an investor call and refers to a test\n"
           "  vehicle, not a product die. Customers listen to that sort of thing.\n")


def _plain(body: str) -> list[str]:
    data = ("From: Reticle <hi@reticle.example>\nTo: r@example.test\nSubject: Reticle 142\n"
            "Message-ID: <r-142@example.test>\nContent-Type: text/plain; charset=utf-8\n\n"
            + body).encode()
    return [s.headline for s in segment(parse_issue(data))]


def test_a_plain_bullet_s_headline_over_its_summary() -> None:
    """Each bullet was one run of text under its section, the section the only story."""
    body = ("Good morning. Packaging is the bottleneck again.\n\nFABS & FOUNDRIES\n"
            "----------------\n\n"
            f"* Kestrel Foundry says its 2nm test chips are yielding well\n{SUMMARY}\n"
            f"* Arlen Semi delays its Arizona packaging plant to 2027\n{SUMMARY}\n"
            "SPONSOR\n-------\n\n* Coldplate Systems: rear-door heat exchangers, shipped\n"
            "  Retrofit air-cooled halls for 60 kW racks without a new chiller plant.\n"
            "  Reticle readers get a free thermal survey:\n  https://coldplate.example/r\n\n"
            "JOBS\n----\n\n* Senior packaging engineer, Arlen Semi (Phoenix)\n"
            "  https://reticle.example/jobs/311\n")
    assert _plain(body) == ["Kestrel Foundry says its 2nm test chips are yielding well",
                            "Arlen Semi delays its Arizona packaging plant to 2027"]


def test_a_bullet_wrapped_before_a_name_is_one_item() -> None:
    """"…in Grayfield Systems, a" / "Virginia-based provider…" is one sentence, wrapped."""
    body = ("PRIVATE EQUITY\n--------------\n\n"
            "- Harrowgate Partners agreed to acquire Pawsure, a Chicago-based pet\n"
            "  insurer, for $1.4 billion.\n\n"
            "- Veritas Capital acquired a majority stake in Grayfield Systems, a\n"
            "  Virginia-based provider of software to state courts.\n")
    assert _plain(body) == [
        "Harrowgate Partners agreed to acquire Pawsure, a Chicago-based pet insurer, for "
        "$1.4 billion.",
        "Veritas Capital acquired a majority stake in Grayfield Systems, a Virginia-based "
        "provider of software to state courts."]


@pytest.mark.parametrize(("line", "title"), [
    ('"Disclosure is not consent": Irish regulator fines chatbot maker', True),
    ("“Not a moratorium” says Senate staff in a new memo", True),
    ('"We have been pausing the thing that is easy to count."', False),
    ("“We have been pausing the wrong thing”", False),
    ("Read: https://tinderbox.example/r/halyard", False),
    ("Read: the week in AI policy", True)])
def test_title_like(line: str, title: bool) -> None:
    assert title_like(line) is title


@pytest.mark.parametrize(("headline", "section", "title"), [
    ("Senior packaging engineer, Arlen Semi (Phoenix)", "JOBS", True),
    ("Power procurement lead, Norrvik Data (Bergen or remote)", "Jobs", True),
    # news under a careers section, and a role's words under a news section, are not
    ("A national apprenticeship for data center technicians", "Careers", False),
    ("Payrolls grow as factories add robot technicians", "Jobs", False),
    ("Senior packaging engineer, Arlen Semi (Phoenix)", "Fabs", False)])
def test_a_posting_in_sentence_case(headline: str, section: str, title: bool) -> None:
    assert posting(headline, section) is title


def test_a_dated_line_under_an_events_title_is_a_listing() -> None:
    assert calendar_entry("17 Jun EU AI Board plenary", "THIS WEEK", None, in_events=True)
    assert not calendar_entry("17 Jun EU AI Board plenary", "THIS WEEK", None)


def test_a_podcast_button_and_an_author_with_a_particle() -> None:
    assert CALL_TO_ACTION.match("Listen to episode 57 →")
    assert not CALL_TO_ACTION.match("Listen to episode 57 of the Senate hearing tapes")
    assert AUTHOR_NAME.match("Ilse van Dam") and AUTHOR_NAME.match("Ana de la Cruz")
    assert not AUTHOR_NAME.match("Fed van drivers strike")
