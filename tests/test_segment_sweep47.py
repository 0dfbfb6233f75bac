"""The forty-seventh and forty-eighth blind sweeps (stop 36), written by helpers that never
read the rules: 12 newsletters sent as plain text only (0.580 blind) and 14 as the platforms'
templates send them (0.852 blind).  Mended here: a numbered link item with its address on
the indented line under it, a changelog's badges, change lines and boxed releases, ">>"
events over their indented details, a starred headline in capitals, a paper's authors
under its numbered title, recipe cards in French, and buttons that carry their address;
and from the forty-ninth, a classifieds digest's listings over their fields and a policy
tracker's headlines led by their status ("[ADOPTED] …")."""

from __future__ import annotations

import json

import pytest

from service.ingest.buttons import CALL_TO_ACTION
from service.ingest.bylines import RECIPE_META
from service.ingest.changelogs import CHANGE_BADGE, change_list
from service.ingest.parse import parse_issue
from service.ingest.plain_items import PAPER_AUTHORS
from service.ingest.segment import segment
from tests.layouts import LAYOUTS, corpus_score


def _plain(body: str) -> list[str]:
    data = ("From: Links <news@links.example>\nTo: r@example.test\nSubject: Links\n"
            "Message-ID: <l-1@example.test>\nContent-Type: text/plain; charset=utf-8\n\n"
            + body).encode()
    return [s.headline for s in segment(parse_issue(data))]


def _html(html: str) -> list[str]:
    data = ("From: Ferry <hi@ferry.example>\nTo: r@example.test\nSubject: Ferry\n"
            "Message-ID: <f-1@example.test>\nContent-Type: text/html; charset=utf-8\n\n"
            + html).encode()
    return [s.headline for s in segment(parse_issue(data))]


def _cut(corpus: str, name: str) -> list[str]:
    return [s.headline for s in segment(parse_issue((LAYOUTS / corpus / name).read_bytes()))]


# sweep49 and sweep50 were written after this stop's rules: 0.546 and 0.749 blind, with
# stop 35's code the same
@pytest.mark.parametrize(("corpus", "blind", "floor"), [("sweep47", 0.580, 0.898),
                                                        ("sweep48", 0.852, 0.952),
                                                        ("sweep49", 0.546, 0.749),
                                                        ("sweep50", 0.749, 0.748)])
def test_the_sweeps_are_cut_at_least_as_well_as_now(corpus: str, blind: float,
                                                    floor: float) -> None:
    total = corpus_score(corpus)
    assert total.f1 >= floor, (corpus, total, blind)


LINKS = """Bytewise Daily Links

MODELS
 1. Cobalt-8B tops small-model leaderboard - weights on the hub, 32k context
    https://bytewise.example/l/601
 2. Lyra Audio 2 does speech-to-speech in 200ms - demo only, no API yet
    https://bytewise.example/l/602

TOOLS
 3. Hatchet 0.9: a tiny eval runner - YAML in, HTML report out
    https://bytewise.example/l/606
"""


def test_numbered_titles_over_their_indented_addresses_are_link_items() -> None:
    assert _plain(LINKS) == [
        "Cobalt-8B tops small-model leaderboard - weights on the hub, 32k context",
        "Lyra Audio 2 does speech-to-speech in 200ms - demo only, no API yet",
        "Hatchet 0.9: a tiny eval runner - YAML in, HTML report out"]


def test_a_numbered_title_over_its_address_and_its_text_is_a_story() -> None:
    body = ("Some intro line here.\n\n"
            "1) Stop padding your batches to the longest sequence\n"
            "   https://fernleaf.example/padding\n\n"
            "Padding every batch to its longest sequence wastes a third of the compute on a\n"
            "typical chat dataset; bucketing by length gets most of it back.\n\n"
            "2) Quantize the KV cache before the weights\n"
            "   https://fernleaf.example/kv\n\n"
            "The cache grows with the context; at 32k tokens it is larger than the weights\n"
            "of an 8B model in half precision, so start there.\n")
    data = ("From: Links <news@links.example>\nTo: r@example.test\nSubject: Links\n"
            "Message-ID: <l-2@example.test>\nContent-Type: text/plain; charset=utf-8\n\n"
            + body).encode()
    stories = segment(parse_issue(data))
    assert [s.headline for s in stories][1] == "Quantize the KV cache before the weights"
    assert "The cache grows" in stories[1].text  # its text, not an item of its own


def test_a_bullet_s_name_before_its_hyphen_and_address_is_its_headline() -> None:
    body = ("## Quick links\n\n"
            "- Ollo 2.0 ships local function calling - finally works offline.\n"
            "  https://ollo.example/2.0\n"
            "- A visual intro to speculative decoding - the best one I've seen.\n"
            "  https://kvcache.example/spec-decoding\n")
    assert _plain(body) == ["Ollo 2.0 ships local function calling",
                            "A visual intro to speculative decoding"]


@pytest.mark.parametrize(("line", "button"), [
    ("View in browser: https://dieshot.net/issue-27/", True),
    ("Read more (https://x.example/a)", True),
    ("Read more <https://x.example/a>", True),
    ("Read the branching docs", True),
    ("Details & RSVP", True),
    ("Bekijk deze e-mail in je browser: https://utrechtuit.example/41", True),
    ("Read more: the new rules on chatbots", False),
    ("Register: https://a.example/c and bring a friend", False),
    ("Read the Senate report on chip exports", False),
])
def test_buttons_with_their_address_written_out(line: str, button: bool) -> None:
    assert bool(CALL_TO_ACTION.match(line)) is button


CHANGELOG = """<h1>Ferry Changelog</h1>
<p>Hi there — June was a big month.</p>
<h2>Branching for staging environments</h2>
<p><span style="font-weight:bold">New</span></p>
<p>You can now create a branch of any project from the dashboard. Branches share storage
copy-on-write, so a 200 GB database branches in under a second.</p>
<p><a href="https://ferry.example/docs/branching">Read the branching docs</a></p>
<h2>Query insights now show lock waits</h2>
<p><b>Improved</b></p>
<p>Each slow query now shows how long it waited on locks and which query held them.</p>
"""


def test_a_changelog_s_badge_under_a_headline_is_its_text() -> None:
    assert _html(CHANGELOG) == ["Branching for staging environments",
                                "Query insights now show lock waits"]


@pytest.mark.parametrize(("line", "badge"), [
    ("New", True), ("Improved", True), ("[BETA]", True), ("Heads-up", True),
    ("New York", False), ("Fixed income", False), ("Security", True),
])
def test_change_badges(line: str, badge: bool) -> None:
    assert bool(CHANGE_BADGE.match(line)) is badge


RELEASES = """FerryDB changelog -- July 2024

Here's what shipped in the last two weeks.

----------------------------------------------------------------
v3.4.0 -- Vector indexes are generally available
Released 2024-07-19
----------------------------------------------------------------

HNSW vector indexes are now GA and on by default for new clusters.

  NEW   CREATE INDEX ... USING hnsw (embedding) with cosine, l2, ip
  NEW   Filtered vector search pushes predicates into the index scan
  FIX   Index builds no longer block checkpoints

----------------------------------------------------------------
v3.3.2 -- Patch release
Released 2024-07-11
----------------------------------------------------------------

  FIX   Replica could serve stale reads after a failover (#4471)
  SEC   Bumped OpenSSL to 3.0.14
"""


def test_a_changelog_s_boxed_releases_are_its_stories_and_their_changes_their_text() -> None:
    data = ("From: Links <news@links.example>\nTo: r@example.test\nSubject: Links\n"
            "Message-ID: <l-3@example.test>\nContent-Type: text/plain; charset=utf-8\n\n"
            + RELEASES).encode()
    stories = segment(parse_issue(data))
    assert [s.headline for s in stories][-2:] == [
        "v3.4.0 -- Vector indexes are generally available", "v3.3.2 -- Patch release"]
    assert "Filtered vector search" in stories[-2].text
    assert "Bumped OpenSSL" in stories[-1].text


def test_lines_of_changes_and_lines_of_news() -> None:
    assert change_list(["NEW --json output on every command", "FIX stale reads (#4471)"])
    assert not change_list(["NEW rules for drones take effect", "The FAA said on Monday…"])


AGENDA = """UTRECHTUIT -- DE WEEKAGENDA

MUZIEK

>> Jazz in de Domkerk
   Do 10 okt, 20:00 | Domkerk | EUR 18
   Het Lisa Vermeer Kwartet speelt nieuw werk onder de gewelven.

>> Open podium Ekko
   Vr 11 okt, 21:00 | Ekko | gratis
   Iedereen mag drie nummers spelen. Inschrijven vanaf 20:30.

KIDS

>> Voorleesochtend in de bibliotheek
   Zo 13 okt, 10:30 | Bibliotheek Neude | gratis
   Voor kinderen van 3 tot 6 jaar.
"""


def test_pointed_titles_over_their_indented_details_are_events() -> None:
    assert _plain(AGENDA) == ["Jazz in de Domkerk", "Open podium Ekko",
                              "Voorleesochtend in de bibliotheek"]


def test_a_quoted_reply_s_pointed_lines_stay_quoted() -> None:
    body = ("Thanks all, see the two rides below.\n\nOn Monday, Ana wrote:\n\n"
            ">> Morcuera loop from the plaza\n"
            "   Zo 10:00 | Plaza Mayor | gratis\n"
            "   Eighty kilometres with one climb.\n\n"
            ">> Coffee ride to the reservoir\n"
            "   Za 09:00 | Bar Central | gratis\n"
            "   Easy pace, back by noon.\n")
    headlines = _plain(body)
    assert "Morcuera loop from the plaza" not in headlines
    assert "Coffee ride to the reservoir" not in headlines


def test_a_starred_headline_in_capitals_over_its_paragraph() -> None:
    body = ("CLUB CICLISTA SIERRA NORTE\n\n"
            "* SALIDA OFICIAL: RASCAFRÍA POR EL PUERTO DE LA MORCUERA\n\n"
            "Domingo 17 de marzo, salida a las 8:30 desde la plaza del\n"
            "Ayuntamiento. 92 km y 1.450 m de desnivel.\n\n"
            "* CUOTAS 2024\n\n"
            "La cuota anual se mantiene en 45 euros. Quien no haya pagado\n"
            "antes del 31 de marzo perderá el seguro de la federación.\n")
    assert _plain(body) == ["SALIDA OFICIAL: RASCAFRÍA POR EL PUERTO DE LA MORCUERA",
                            "CUOTAS 2024"]


PAPERS = """THIS WEEK'S PAPERS
==================

1. Sparse Mixture Routers Forget Less Than You Think
   Okafor, Lindqvist, Tanaka (2024) [1]

   Claims that top-2 routing in MoE models reduces catastrophic
   forgetting during continual fine-tuning by ~30% vs. dense baselines.

2. Why Do Small Models Hallucinate Citations?
   Brenner & Adeyemi (2024) [2]

   A probing study on 1B-7B models. Short, readable, good for
   discussion.

[1] https://arxiv.example.org/abs/2403.01177
[2] https://arxiv.example.org/abs/2403.02214
"""


def test_a_paper_s_authors_under_its_numbered_title_are_its_text() -> None:
    assert _plain(PAPERS) == ["Sparse Mixture Routers Forget Less Than You Think",
                              "Why Do Small Models Hallucinate Citations?"]


@pytest.mark.parametrize(("line", "authors"), [
    ("Okafor, Lindqvist, Tanaka (2024) [1]", True),
    ("Brenner & Adeyemi (2024)", True),
    ("Zhou et al. (2024)", True),
    ("Apple and Google settle (again)", False),
    ("Nvidia, AMD, Intel", False),
])
def test_a_paper_s_authors_and_year(line: str, authors: bool) -> None:
    assert bool(PAPER_AUTHORS.match(line)) is authors


@pytest.mark.parametrize(("line", "meta"), [
    ("Pour 6 personnes -- Préparation 15 min -- Cuisson 35 min", True),
    ("Für 4 Personen · Zubereitung 20 Min.", True),
    ("Para 4 personas · 30 min", True),
    ("Pour 2026 -- les nouvelles règles", False),
    ("60 Minutes", False),
])
def test_recipe_cards_in_french_german_and_spanish(line: str, meta: bool) -> None:
    assert bool(RECIPE_META.match(line)) is meta


def test_a_job_s_pay_under_its_linked_role_is_its_card() -> None:
    headlines = _cut("sweep48", "05_kit_shipit_job_board.eml")
    assert "Hybrid, Dublin · €85–100k" not in headlines
    assert "Machine Learning Engineer, Search — Tindle Books" in headlines


REVIEWED = LAYOUTS / "review36"


@pytest.mark.parametrize("row", [json.loads(line) for line in
                                 (REVIEWED / "gold.jsonl").read_text().splitlines()],
                         ids=lambda row: row["file"])
def test_what_the_review_of_this_stop_s_rules_found_is_cut_as_before_them(
        row: dict[str, object]) -> None:
    """A read-only review read the first versions of these rules against the code before
    them and wrote these issues where a rule over-reached (10 findings): a starred line in
    capitals inside a story (f01), a story's numbered steps and an essay's "Links mentioned"
    over their addresses (f02, f03), an event's title after a linked resource (f04), a
    story's own "Name - detail" bullets and a score's "114 - 111" (f05, f06), the SEC and
    "NEW YORK (Reuters) -" read as a changelog's kinds (f07), a "Security" section over its
    story (f08), a film "Thelma & Louise (1991)" under a numbered sentence (f09), bullets
    wrapped under "■" (f10).  A second review, of the listing and status rules (g, 8
    findings): a date over "Interview: … | The Big Interview", a venue over "Tickets: £12 |
    Doors: 7pm" under its event, "Per serving" over its nutrition, "Nominees: A · B · C",
    a project's "[ON TRACK]" under its name, "[ANZEIGE]" and "[PUB]" ads, "[SPOILERS]" and
    "[LAUGHTER]" inside a story, a build log's "[INFO]" lines.  Each is cut as the code
    before the rules cut it; f04, f06, f07, f09, f10 and g10 were imperfect then too
    (reader.jsonl has the reviewers' cuts)."""
    issue = parse_issue((REVIEWED / str(row["file"])).read_bytes())
    assert [s.headline for s in segment(issue)] == row["stories"]


CLASSIFIEDS = """FERNHILL SWAP & SELL

===============================================================

FOR SALE: Ninja air fryer, dual drawer, used twice
Price: £70 | Area: Station Road | Posted 6h ago
Unwanted gift, boxed, all accessories. Cost £179 new.
View listing / reply: https://fernhillswap.example/l/30123

LOST: Grey tabby cat, answers to Biscuit
Area: Meadow Lane / allotments | Posted 8h ago
Missing since Tuesday night. Microchipped, no collar, very shy. Reward offered.
View listing / reply: https://fernhillswap.example/l/30124
"""


def test_a_listing_s_title_over_its_fields_is_its_headline() -> None:
    assert _plain(CLASSIFIEDS) == ["FOR SALE: Ninja air fryer, dual drawer, used twice",
                                   "LOST: Grey tabby cat, answers to Biscuit"]


def test_a_long_run_of_titles_over_their_addresses_is_read_in_linear_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each title of the run looked back over every pair before it: 4x the run cost 10x the
    time (found by timing hostile shapes of this stop's rules).  Counted, not timed."""
    from service.ingest import plain_items

    calls = 0
    real = plain_items.address_under

    def counted(units: list, index: int) -> bool:  # type: ignore[type-arg]
        nonlocal calls
        calls += 1
        return real(units, index)

    monkeypatch.setattr(plain_items, "address_under", counted)
    work = []
    for pairs in (24, 96):  # (a list numbered under 100)
        calls = 0
        _plain("".join(f" {n}. Cobalt model number {n} tops the leaderboard\n"
                       f"    https://b.example/l/{n}\n" for n in range(1, pairs + 1)))
        work.append(calls)
    assert work[1] < 8 * work[0], work  # quadratic: 16x


TRACKER = """THE COMPUTE DOCKET

------------------------------------------------------------------
EUROPEAN UNION
------------------------------------------------------------------

[ADOPTED] Commission publishes final guidelines for general-purpose model providers
The guidelines clarify when a fine-tuned model makes you a
"provider", and give a grace period to August 2027 for models
already on the market.

[IN PROGRESS] AI Office opens 40 posts for technical staff
Calls for model evaluators and legal officers close 3 November.
Seconded national experts are eligible.
"""


def test_a_tracker_s_headlines_led_by_their_status() -> None:
    assert _plain(TRACKER) == [
        "[ADOPTED] Commission publishes final guidelines for general-purpose model providers",
        "[IN PROGRESS] AI Office opens 40 posts for technical staff"]


def test_a_story_s_own_update_note_is_no_headline() -> None:
    body = ("Ferry fares rise for the first time in six years\n\n"
            "The ferry authority raised fares by 8 percent from March, citing fuel costs\n"
            "and the new terminal's debt.\n\n"
            "[UPDATE] New fares now start in January\n"
            "The board moved the date forward at Tuesday's meeting, after riders\n"
            "asked for more notice.\n")
    assert _plain(body) == ["Ferry fares rise for the first time in six years"]


@pytest.mark.parametrize("label", ["[PAID POST]", "[SPONSOR]", "[ADVERT]", "[ANZEIGE]"])
def test_an_ad_s_label_is_no_status(label: str) -> None:
    from service.ingest.headlines import BRACKET_TAG
    assert not BRACKET_TAG.match(f"{label} Acme Cloud gives every new team 500 GPU hours")
    assert BRACKET_TAG.match("[IN PROGRESS] AI Office opens 40 posts for technical staff")


STORY = ("<p>GitHub will require passkeys or a hardware key for every organisation owner"
         " from June, and will block password-only sign-ins for them in September.</p>")


NEXT = ("<h2>Postgres 17 beta is out with faster vacuum</h2><p>The first beta brings"
        " incremental backups and a vacuum that uses a fraction of the memory.</p>")


def test_one_badge_under_a_headline_is_its_text_under_a_section_s_name_a_title() -> None:
    assert _html("<h2>Passkeys come to every organisation</h2><p><b>Security</b></p>"
                 + STORY + NEXT) == ["Passkeys come to every organisation",
                                     "Postgres 17 beta is out with faster vacuum"]
    assert _html("<h2>Cloud</h2><p><b>Security</b></p>" + STORY + NEXT)[0] == "Security"


def test_a_list_of_more_than_ninety_nine_items_loses_every_number() -> None:
    """"100. Gadget…" kept its number: an enumerator was one or two digits."""
    items = "\n\n".join(
        f"{n}. Gadget number {n} ships with a bigger battery\n"
        "The maker says it lasts two days on one charge and costs less than last year's."
        for n in range(1, 106))
    headlines = _plain(f"Hello readers, here is the list.\n\n{items}\n")
    assert headlines == [f"Gadget number {n} ships with a bigger battery" for n in range(1, 106)]
