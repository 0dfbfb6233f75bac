"""The thirtieth blind sweep's misses (16 issues, a helper that never read the rules): an
item's fields one to a line ("When: …", "Status: …"), a date line under a bold title, a
journalist's name and desk, an image's credit, a web-version link with another link after
it, a sponsor's "Supported by" label, a new member welcomed.  The same words as news stay
news."""

from __future__ import annotations

import pytest

from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import CREDIT, FIELD_LINE, ISSUE_DATE, ROLE_BYLINE
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import ZONES
from tests.helpers import REPO
from tests.test_segment_any import email

TEXT = ("Two talks on building a labelled evaluation set in two weeks, and on why a reranker "
        "that looked great offline then lost an A/B test. Pizza and drinks provided.")


def _headlines(body: str, *, html: bool = True) -> list[str]:
    return [s.headline for s in segment(parse_issue(email(body, html=html)))]


def test_an_event_s_fields_one_to_a_line_are_its_text() -> None:
    """A meetup's plain-text digest: "When:", "Where:", "RSVP:" under each numbered event
    were read as titles, and the events as their sections."""
    events = ["1) Talk night #31: Evaluating retrieval without fooling yourself",
              "2) Hands-on workshop: Fine-tuning small speech models on a laptop"]
    body = "UPCOMING\n\n" + "".join(
        f"{title}\n\n   When:  Wednesday 12 November, 18:30\n   Where: De Kade coworking, "
        f"Rotterdam\n   RSVP:  https://meetup.example.com/events/{n}\n\n   {TEXT}\n\n"
        for n, title in enumerate(events))
    assert [h.split(") ", 1)[-1] for h in _headlines(body, html=False)] == [
        e.split(") ", 1)[1] for e in events]


def test_an_incident_s_fields_under_its_underlined_title_are_its_text() -> None:
    body = "".join(
        f"{title}\n{'-' * len(title)}\nIncident ID:    INC-8841{n}\nStatus:         Resolved\n"
        f"Started:        2025-10-14 09:12 UTC\nImpact:         Between 09:12 and 10:47 UTC, "
        f"2.8% of PUT and GET\n                requests returned HTTP 503.\n\n"
        for n, title in enumerate(["Elevated 5xx errors for Object Storage in eu-west-2",
                                   "Delayed metric ingestion in Monitoring"]))
    assert _headlines(body, html=False) == [
        "Elevated 5xx errors for Object Storage in eu-west-2",
        "Delayed metric ingestion in Monitoring"]


@pytest.mark.parametrize("line", ["When: Wednesday 12 November, 18:30", "Status: Resolved",
                                  "Incident ID: INC-88412", "Applies to: All API endpoints",
                                  "RSVP: https://meetup.example.com/e/31"])
def test_a_labelled_field(line: str) -> None:
    assert FIELD_LINE.match(line)


@pytest.mark.parametrize("line", ["Review: the new Kestrel phone is a marvel",
                                  "Analysis: why the Fed waits", "Exclusive: Acme in talks"])
def test_a_headline_s_kicker_is_no_field(line: str) -> None:
    assert not FIELD_LINE.match(line)


def test_a_date_line_under_a_bold_title_is_part_of_its_story() -> None:
    """A bookshop's events: "**Author evening: …**" over "Thursday 13 November · 7pm ·
    Tickets £5": the date line was the story and the title its section."""
    events = [("Author evening: Tomasz Wierzba on Small Hours",
               "Thursday 13 November · 7pm · Tickets £5, redeemable against the book"),
              ("Poetry night with the Northern Verse Collective", "Friday 21 November · 8pm")]
    body = "".join(f"<p><b>{title}</b></p><p>{when}</p><p>{TEXT}</p>" for title, when in events)
    assert _headlines(body) == [title for title, _ in events]


@pytest.mark.parametrize("line", ["Olivia Brandt, Economics Editor",
                                  "Samir Haddad, Environment Correspondent",
                                  "Ruth Calloway, chief political commentator"])
def test_a_journalist_s_name_and_desk(line: str) -> None:
    assert ROLE_BYLINE.match(line)


@pytest.mark.parametrize("line", ["Nvidia, Apple hire new editor", "Meet the Editor",
                                  "Apple Names New Design Chief, Former Editor"])
def test_a_headline_is_no_journalist_s_byline(line: str) -> None:
    assert not ROLE_BYLINE.match(line)


def test_the_issue_s_date_with_its_editor_and_role() -> None:
    assert ISSUE_DATE.match("Thursday 30 October 2025 · By Eleanor Vance, newsletters editor")


@pytest.mark.parametrize("line", ["Image source: Halvard Robotics", "Photo: Iona Garvie",
                                  "Credit: NASA/JPL-Caltech", "Photo credit: Reuters"])
def test_an_image_s_credit(line: str) -> None:
    assert CREDIT.match(line)


@pytest.mark.parametrize("line", ["Photo finish at the Head of the Wend",
                                  "Credit card rates hit a record"])
def test_news_about_photos_or_credit_is_no_credit_line(line: str) -> None:
    assert not CREDIT.match(line)


def test_an_image_credit_under_a_headline_is_part_of_its_story() -> None:
    """The sweep's beehiiv daily: "Image source: Halvard Robotics" under a linked h2 over
    "The news:" and "The details:" was the story, and the headline its section."""
    path = REPO / "tests" / "fixtures" / "layouts" / "sweep30" / (
        "01_beehiiv_tokenwire_daily-ai-briefing.eml")
    headlines = [s.headline for s in segment(parse_issue(path.read_bytes()))]
    assert "Halvard Robotics demos a humanoid that folds fitted sheets" in headlines
    assert not any(h.startswith("Image source") for h in headlines)


def test_a_web_version_link_with_another_link_after_it_is_no_story() -> None:
    body = ("<p><a href='https://view.example/1'>View in your browser</a> | "
            "<a href='https://profile.example/'>Manage newsletters</a></p>"
            f"<h2>Central bank holds rates but signals a cut before spring</h2><p>{TEXT}</p>")
    assert _headlines(body) == ["Central bank holds rates but signals a cut before spring"]


@pytest.mark.parametrize(("text", "ad"), [("SUPPORTED BY HALDEN SLEEP", True),
                                          ("Supported by Acme Cloud", True),
                                          ("Supported by unions, strikers return", False),
                                          ("Project supported by EU grant wins award", False)])
def test_a_supported_by_label_alone_is_a_sponsor_s(text: str, ad: bool) -> None:
    assert bool(ZONES["sponsor"].search(text)) is ad


@pytest.mark.parametrize(("text", "intro"), [("Welcome to our new members", False),
                                             ("Welcome to our new subscribers", True)])
def test_a_club_s_new_members_are_news(text: str, intro: bool) -> None:
    assert bool(ZONES["intro"].search(text)) is intro


# --- the thirty-first sweep (12 issues, written after every rule of stop 31) ---------------


def test_a_ranked_card_s_place_over_its_linked_name_is_no_headline() -> None:
    """A launches digest: "#1" over "Tallyho — …" in one bold-led block were six stories
    headed "#1" to "#6"."""
    cards = [("Tallyho", "Shared expense tracking for group trips, with receipt OCR"),
             ("Driftdeck", "A slide editor that turns outlines into decks you can edit")]
    body = "".join(
        f"<p><b>#{n + 1}</b><br><a href='https://launch.example/{n}'>{name} — {tagline}</a></p>"
        f"<p>▲ 1,284 upvotes · Fintech · iOS, Android</p><p>{TEXT}</p>"
        for n, (name, tagline) in enumerate(cards))
    assert _headlines(body) == [f"{name} — {tagline}" for name, tagline in cards]


@pytest.mark.parametrize("text", ["Visualizza questa email nel tuo browser", "Attiva la prova →",
                                  "Inoltra questa email a un collega", "Place a hold →"])
def test_the_thirty_first_sweep_s_buttons(text: str) -> None:
    assert CALL_TO_ACTION.match(text)


@pytest.mark.parametrize("text", ["Place a holding company under review",
                                  "Attiva la nuova legge sull'IA"])
def test_news_that_opens_like_the_thirty_first_sweep_s_buttons(text: str) -> None:
    assert not CALL_TO_ACTION.match(text)


@pytest.mark.parametrize("text", ["IN COLLABORAZIONE CON CLOUDALPI",
                                  "En colaboración con Nubecita"])
def test_a_partnership_label_in_another_language_is_a_sponsor_s(text: str) -> None:
    assert ZONES["sponsor"].search(text)
