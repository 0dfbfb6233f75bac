"""The thirteenth and fourteenth blind sweeps (stop 24): 60 issues of AI newsletters and of the
other newsletters a tech reader gets (MJML and Google Docs HTML, Turkish, Swedish, Hebrew,
long pieces with sections of their own), 0.704 and 0.630 with the twelfth sweep's rules.
Every issue here is written for these tests (no newsletter text)."""

from __future__ import annotations

import pytest

from service.ingest.body import html_blocks
from service.ingest.buttons import CALL_TO_ACTION, READ_MORE
from service.ingest.masthead import ISSUE_LINE
from tests.test_segment_sweep11 import TWO, P, _headlines, _stories

STORIES = ["Router maker patches seven flaws", "Ransomware gang changes tactics"]


def test_mjml_cells_at_font_size_0_show_the_text_their_divs_size() -> None:
    # MJML (Mailjet and many builders) sets font-size:0px on every cell and sizes the text
    # in the <div> inside: the whole issue was read as hidden, the plain part instead
    cell = ('<td style="font-size:0px;padding:10px 25px;word-break:break-word;">'
            '<div style="font-family:Ubuntu;font-size:15px;line-height:1.6;">{}</div></td>')
    html = ("<table><tr>" + cell.format("<h2>Router maker patches seven flaws</h2>"
                                        f"<p>{P}</p>") + "</tr><tr>"
            + cell.format(f"<h2>Ransomware gang changes tactics</h2><p>{P}</p>") + "</tr></table>")
    assert _headlines(html) == STORIES


def test_a_preheader_at_font_size_0_stays_hidden() -> None:
    html = ('<div style="font-size:0px;max-width:0;color:#fff">Three stories today, and one '
            f'surprise</div>{TWO}')
    blocks = html_blocks(html)
    assert not any("surprise" in b.text for b in blocks)
    assert _headlines(html) == STORIES


def test_a_google_docs_paste_is_read_by_its_spans_weights_not_its_wrapper() -> None:
    # Google Docs wraps a pasted document in <b style="font-weight:normal"> and marks its
    # headings with font-weight:700 spans: every paragraph was one bold block
    span = '<span style="font-size:{}pt;font-weight:{};white-space:pre-wrap">{}</span>'
    doc = "".join(f'<p dir="ltr">{span.format(14, 700, h)}</p><p dir="ltr">'
                  f'{span.format(11, 400, P)}</p><br>' for h in STORIES)
    html = (f'<div dir="ltr"><div>Hi all,</div><b style="font-weight:normal" '
            f'id="docs-internal-guid-1e7b9f32">{doc}</b><div>Noor</div></div>')
    blocks = html_blocks(html)
    assert [b.lead for b in blocks if b.lead] == STORIES
    assert _headlines(html) == STORIES


def test_a_bold_wrapper_around_paragraphs_keeps_them_bold_and_apart() -> None:
    blocks = html_blocks("<b><p>Router maker patches seven flaws</p><p>Second line</p></b>")
    assert [b.text for b in blocks] == ["Router maker patches seven flaws", "Second line"]
    assert all(b.lead == b.text for b in blocks)


def test_nested_wrappers_around_a_paragraph_are_read_through() -> None:
    # (only a wrapper's children are looked at for blocks; deeper nesting than Python's
    # stack allows is refused as too complex, as before: tests/test_parse_hostile.py)
    html = "<span>" * 200 + "<p>deep</p>" + "</span>" * 200
    assert [b.text for b in html_blocks(html)] == ["deep"]


@pytest.mark.parametrize("button", [
    "Devamını oku »", "לקריאה נוספת ←", "Läs mer →", "Lire l'annonce", "Lees verder",
    "Czytaj więcej", "続きを読む", "더 보기", "Read the full case study", "Read on arXiv →"])
def test_read_more_in_other_languages_is_the_storys_own_link(button: str) -> None:
    assert READ_MORE.match(button)
    html = (f'<h2>Router maker patches seven flaws</h2><p>{P}</p>'
            f'<p><a href="https://news.example/router">{button}</a></p>'
            f'<h2>Ransomware gang changes tactics</h2><p>{P}</p>')
    stories = _stories(html)
    assert [s.headline for s in stories] == STORIES
    assert stories[0].url == "https://news.example/router"


@pytest.mark.parametrize("label", ["SPONSORLU", "ANNONS", "Publicidade", "Reklama",
                                   "Gesponsord", "ממומן"])
def test_an_ad_labelled_in_another_language_is_no_story(label: str) -> None:
    html = (f"<h2>Router maker patches seven flaws</h2><p>{P}</p><h2>{label}</h2>"
            "<h2>Host your models at home</h2><p>GPU servers by the hour in two cities, "
            "your data never leaves the country. The first 100 hours are on us.</p>"
            '<p><a href="https://ads.example/go">Hemen başlayın »</a></p>'
            f"<h2>Ransomware gang changes tactics</h2><p>{P}</p>")
    assert _headlines(html) == STORIES


@pytest.mark.parametrize("button", ["Hemen başlayın", "Boka genomgång", "Probeer het gratis",
                                    "Scopri di più", "See more top posts"])
def test_calls_to_action_in_other_languages_are_buttons(button: str) -> None:
    assert CALL_TO_ACTION.match(button)


@pytest.mark.parametrize("line", ["Nummer 46 · 21 november 2025", "Sayı 73 · 20 Kasım 2025",
                                  "גיליון 38 · 19 בנובמבר 2025", "Nr. 12 — 3. März 2026"])
def test_an_issue_number_line_in_other_languages_is_the_masthead(line: str) -> None:
    assert ISSUE_LINE.match(line)
    assert _headlines(f"<p>{line}</p>{TWO}") == STORIES


@pytest.mark.parametrize("footer", [
    "Abonelikten çık", "Avsluta prenumeration", "להסרה מרשימת התפוצה לחצו כאן"])
def test_an_unsubscribe_link_in_other_languages_opens_the_footer(footer: str) -> None:
    html = (f'{TWO}<p>Yapay Zekâ Pusulası · Moda Cad. No: 112/4, İstanbul</p>'
            f'<p><a href="https://list.example/u">{footer}</a> | '
            '<a href="https://list.example/w">Web</a></p>')
    assert _headlines(html) == STORIES


@pytest.mark.parametrize("name", ["Evenemang", "Etkinlikler", "Wydarzenia", "Evenementen"])
def test_an_events_listing_in_other_languages_is_no_story(name: str) -> None:
    html = (f"{TWO}<h2>{name}</h2><p><b>Stockholm AI Meetup</b> — 27 november 18.00, "
            "Norrsken House. Fri entré.</p>")
    assert _headlines(html) == STORIES


# ---- a long piece's own sections ------------------------------------------------------------

ESSAY = ("<h2>Why linear attention fails at copying, and a two-line fix</h2>"
         f"<p>{P} {P}</p>"
         f"<h3>The setup</h3><p>{P}</p><h3>What the authors found</h3><p>{P}</p>"
         f"<h3>Root cause</h3><p>{P}</p><h3>Is the fix worth it?</h3><p>{P}</p>")


def test_short_sections_under_a_long_pieces_title_are_its_text() -> None:
    html = f"{ESSAY}<h2>Ransomware gang changes tactics</h2><p>{P}</p>"
    stories = _stories(html)
    assert [s.headline for s in stories] == [
        "Why linear attention fails at copying, and a two-line fix",
        "Ransomware gang changes tactics"]
    assert "Root cause" in stories[0].text


def test_news_headlines_under_a_lead_storys_larger_title_stay_stories() -> None:
    # a lead story in <h1> over the others in <h2>: "County rejects a gas plant" reads as
    # news, not as a section of the lead ("The setup", "What changed?")
    html = (f"<h1>Grid regulators approve a new tariff for data centres</h1><p>{P} {P}</p>"
            f"<h2>Water board caps cooling draws in drought months</h2><p>{P}</p>"
            f"<h2>County rejects a gas plant meant to power a campus</h2><p>{P}</p>")
    assert _headlines(html) == ["Grid regulators approve a new tariff for data centres",
                                "Water board caps cooling draws in drought months",
                                "County rejects a gas plant meant to power a campus"]


def test_a_deeper_heading_right_under_a_title_is_not_its_section() -> None:
    # a name over its intro ("Policy" and a line), then the stories: the story in hand has
    # no paragraph of its own yet, so the headings under it are stories
    html = (f"<h2>This week in policy</h2><p>Three things.</p>"
            f"<h3>What the EU decided on Tuesday</h3><p>{P}</p>"
            f"<h3>The Senate's chip bill</h3><p>{P}</p>")
    assert _headlines(html)[-2:] == ["What the EU decided on Tuesday", "The Senate's chip bill"]


def test_a_linked_deeper_heading_is_a_story_not_a_section() -> None:
    html = (f"{TWO}<h2>Why linear attention fails at copying</h2><p>{P} {P}</p>"
            f'<h3><a href="https://news.example/a">The chip export rule, explained</a></h3>'
            f"<p>{P}</p>")
    assert _headlines(html)[2:] == ["Why linear attention fails at copying",
                                    "The chip export rule, explained"]


# ---- bilingual issues, citations, button bars, link digests' counts -------------------------


def test_a_bilingual_issue_is_cut_once_not_again_in_its_second_language() -> None:
    # Canada's bulletins: the whole issue, then "Bulletin Boréal — novembre 2025" and every
    # story again in French; a reader would not see eight stories
    french = ("<h2>Le routeur corrige sept failles</h2><p>Le conseil a passé la soirée sur le "
              "budget, et le vote n'est venu qu'après une longue période de commentaires.</p>")
    html = f"{TWO}<h1>Bulletin Boréal — novembre 2025</h1>{french}"
    subject = "Boreal Bulletin — November 2025 / Bulletin Boréal — novembre 2025"
    assert _headlines(html, subject=subject) == STORIES
    # with no second name in the subject or sender, the French story is cut as a story
    assert _headlines(html, subject="Boreal Bulletin — November 2025")[-1] == (
        "Le routeur corrige sept failles")


def test_the_second_languages_name_before_any_story_is_no_cut() -> None:
    subject = "Boreal Bulletin / Bulletin Boréal"
    html = f"<p>Bulletin Boréal</p>{TWO}"
    assert _headlines(html, subject=subject) == STORIES


@pytest.mark.parametrize("line", [
    "Reference: Amundsen, K. et al. Marine Ecology Letters (2025) · Nordic Ocean Institute",
    "Source: the county's budget office", "Via: The Harbor Ledger"])
def test_a_citation_line_under_a_storys_text_is_its_text(line: str) -> None:
    html = (f"<h2>Router maker patches seven flaws</h2><p>{P}</p><p>{line}</p>"
            f"<h2>Ransomware gang changes tactics</h2><p>{P}</p>")
    stories = _stories(html)
    assert [s.headline for s in stories] == STORIES
    assert line.split(":")[0] in stories[0].text


def test_a_study_headline_is_still_a_headline() -> None:
    html = (f"{TWO}<p>Study: most people cannot tell a cloned voice from a real one</p>"
            f"<p>{P} {P}</p>")
    assert _headlines(html)[-1] == "Study: most people cannot tell a cloned voice from a real one"


def test_a_bar_of_read_buttons_is_the_storys_link() -> None:
    html = (f'<p><a href="https://news.example/r"><b>Router maker patches seven flaws</b></a></p>'
            f'<p>{P}</p><p><a href="https://news.example/r">Read the full story</a> | '
            f'<a href="https://doi.example/1">Read the paper</a></p>'
            f'<p><a href="https://news.example/g"><b>Ransomware gang changes tactics</b></a></p>'
            f'<p>{P}</p><p><a href="https://news.example/g">Read the full story</a> | '
            f'<a href="https://doi.example/2">Read the paper</a></p>')
    assert _headlines(html) == STORIES


def test_a_link_digests_points_line_is_its_items_byline() -> None:
    rows = "".join(
        f'<p><b>{i}.</b> <a href="https://news.example/{i}">{h}</a> (news.example)</p>'
        f'<p>{pts} points by user{i} · <a href="https://forum.example/{i}">{c} comments</a></p>'
        for i, (h, pts, c) in enumerate([(STORIES[0], "1,204", 482),
                                         (STORIES[1], "861", 144)], 1))
    assert _headlines(rows) == STORIES


# ---- a policy tracker, a debate's bylines, a digest under its lead's title ------------------


@pytest.mark.parametrize("name", ["📅 Comment deadlines", "📋 Bill tracker", "Key deadlines",
                                  "Legislation tracker"])
def test_a_policy_newsletters_tables_after_its_stories_are_no_story(name: str) -> None:
    html = (f"{TWO}<h2>{name}</h2><p>EU AI Act GPAI code — comments due Dec 12. Colorado SB "
            "24-205 — in committee. Brazil PL 2338 — passed the Senate.</p>")
    assert _headlines(html) == STORIES


@pytest.mark.parametrize("byline", [
    "By Leandro Acosta, research engineer at the Tallgrass Institute",
    "<b>By Dr. Harriet Wolde</b>, biosecurity researcher and former lab safety officer"])
def test_a_pieces_byline_with_its_role_is_no_story(byline: str) -> None:
    html = (f"{TWO}<h2>No: some capabilities should not be one download away</h2>"
            f"<p>{byline}</p><p>{P} {P}</p>")
    assert _headlines(html) == [*STORIES, "No: some capabilities should not be one download away"]


DIGEST_UNDER_LEAD = (
    "<h1>Meridian's agent gets a government job</h1><p>Nadia Farouk · November 18, 2025</p>"
    "<p>Good morning. A big deal, a polite robot and a raise.</p><p>In today's email:</p>"
    "<ul><li>Meridian's agent contract</li><li>Quokka robots that raise a hand</li></ul><hr>"
    f"<h2>Meridian's agent goes to work for the government</h2><p>{P} {P}</p>"
    "<p>TOGETHER WITH VAULTLINE</p><h2>Your AI pilot is not a security plan</h2>"
    "<p>Get AI pilots past security review in days, not quarters.</p>"
    '<p><a href="https://vaultline.example/scan">Get a free risk scan</a></p>'
    "<h3>…continued: Meridian's agent goes to work for the government</h3>"
    f"<p>Why it matters: {P}</p><hr>"
    f"<h2>Quokka's robots learn to ask for help</h2><p>{P}</p><hr>"
    f"<h2>Palisade's raise, by the numbers</h2><p>{P}</p>")


def test_a_digest_under_its_lead_storys_title_and_author_is_no_essay() -> None:
    # "In today's email:" lists the issue's items: a digest's recap, never an essay's; its
    # author's line is no story, and the lead story goes on after the sponsor's block
    stories = _stories(DIGEST_UNDER_LEAD, subject="Meridian's agent gets a government job")
    assert [s.headline for s in stories] == [
        "Meridian's agent goes to work for the government",
        "Quokka's robots learn to ask for help", "Palisade's raise, by the numbers"]
    assert "Why it matters" in stories[0].text


def test_a_heading_the_subject_opens_and_goes_on_from_is_a_story() -> None:
    # "The benchmark treadmill, and the week in evals": the editor's letter is a story, its
    # sections are its text
    html = (f"<h2>The benchmark treadmill</h2><p>{P} {P}</p><h3>Why it keeps happening</h3>"
            f"<p>{P}</p><h2>This week's news</h2>{TWO}")
    headlines = _headlines(html, subject="The benchmark treadmill, and the week in evals")
    assert headlines == ["The benchmark treadmill", *STORIES]


# ---- from the attack on these rules (tests/fixtures/layouts/attack13) ------------------------


def test_briefs_after_a_separator_under_a_long_lead_are_stories() -> None:
    html = (f"{TWO}<h2>Council confirms the Eastcliff budget</h2><p>{P} {P}</p>"
            f"<h3>What happens next</h3><p>{P}</p><hr>"
            f"<h3>The library reopens its east wing</h3><p>{P}</p>"
            f"<h3>Rates frozen</h3><p>{P}</p>")
    assert _headlines(html)[2:] == ["Council confirms the Eastcliff budget",
                                "The library reopens its east wing", "Rates frozen"]


def test_link_briefs_under_a_long_lead_are_stories() -> None:
    brief = ('<p>A twelve-person company explains its move, with numbers. '
             '<a href="https://blog.example/{0}">Read it</a>.</p>')
    html = (f"{TWO}<h2>Tidewater 5.1 fixes the replication stall</h2><p>{P} {P}</p>"
            f"<h3>How Brindle cut CI time in half</h3>{brief.format(1)}"
            f"<h3>Why we left Kubernetes</h3>{brief.format(2)}")
    assert _headlines(html)[2:] == ["Tidewater 5.1 fixes the replication stall",
                                "How Brindle cut CI time in half", "Why we left Kubernetes"]


@pytest.mark.parametrize("cell", [
    '<td style="font-size:0 !important"><div style="font:bold 22px/1.2 Georgia">{}</div></td>',
    '<td style="font-size: 0pt"><font face="Georgia" size="5">{}</font></td>',
    '<td style="font-size:0px"><p style="font-size:11pt">{}</p></td>'])
def test_text_sized_again_by_a_shorthand_a_font_tag_or_a_paragraph_is_shown(cell: str) -> None:
    rows = "".join(f"<tr>{cell.format(h)}</tr><tr>{cell.format(P)}</tr>" for h in STORIES)
    assert [b.text for b in html_blocks(f"<table>{rows}</table>")] == [
        STORIES[0], P, STORIES[1], P]


@pytest.mark.parametrize("button", [
    "Les mer hos Teknikkbladet →", "Lue lisää (Kauppapäivä)", "Read the full interview (12 min)",
    "Read the model card on Hugging Face", "Loe edasi", "Read more at The Verge"])
def test_read_more_naming_where_or_how_long_is_the_storys_link(button: str) -> None:
    assert READ_MORE.match(button)


@pytest.mark.parametrize("headline", [
    "Read More, Scroll Less: the case for slower news", "Read on Medium, paid in cents",
    "Read the Room: what the polls missed"])
def test_headlines_that_open_like_a_read_more_button_stay_headlines(headline: str) -> None:
    assert not READ_MORE.match(headline)
    html = (f'{TWO}<p><a href="https://news.example/x">{headline}</a> — a short summary of '
            "the piece, which says what it found and why it matters.</p>")
    assert _headlines(html)[-1] == headline


def test_a_review_under_a_series_name_with_roman_numbered_parts_is_one_essay() -> None:
    title = "The Kestrel K2 review: six weeks with a film camera"
    parts = "".join(f"<p><b>{n}. {h}</b></p><p>{P} {P}</p>" for n, h in [
        ("I", "Loading it is a ritual"), ("II", "The rangefinder patch is the whole camera"),
        ("III", "What broke")])
    html = (f"<h1>{title}</h1><p>Words and photos by Ines Carvalho · 14 min read</p>"
            f"<p>{P} {P}</p>{parts}")
    assert _headlines(html, subject=f"[Field Notes] {title}") == [title]


@pytest.mark.parametrize("line", ["Lead: Harrow Peak Capital · Also: Brightwater, Ostara Ventures",
                                  "Date: Nov 3 | Location: Berlin", "Kaynak: Tarım Bakanlığı",
                                  "Quelle: Statistisches Landesamt"])
def test_a_cards_labelled_facts_or_a_citation_are_no_title(line: str) -> None:
    html = (f"<h2>Router maker patches seven flaws</h2><p>{P}</p><p>{line}</p><p>{P}</p>"
            f"<h2>Ransomware gang changes tactics</h2><p>{P}</p>")
    assert _headlines(html) == STORIES


@pytest.mark.parametrize("headline", ["Update: OpenAI raises $40B for its chip plans",
                                      "Exclusive: Apple plans a foldable · sources say 2026"])
def test_a_headline_with_a_label_stays_a_headline(headline: str) -> None:
    html = f"{TWO}<p><b>{headline}</b></p><p>{P} {P}</p>"
    assert _headlines(html)[-1] == headline


# ---- from the fifteenth and sixteenth sweeps: ordinary newsletters ---------------------------


def _plain_email(text: str, subject: str = "Inference Weekly #88") -> bytes:
    return (f"From: Inference Weekly <news@newsletter.example>\nTo: reader@example.test\n"
            f"Subject: {subject}\nMessage-ID: <plain-{abs(hash(text))}@newsletter.example>\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{text}").encode()


def test_plain_text_numbered_titles_over_their_address_and_bullets_with_one_are_stories() -> None:
    text = ("TOP STORIES\n\n1) Stop padding your batches\n\nhttps://fernleaf.example/padding\n\n"
            "Fernleaf found that a third of their inference GPU time went to padding tokens\n"
            "because requests were grouped by arrival, not by length.\n\n"
            "2) Speculative decoding stops paying off at batch 32\n\n"
            "https://arxiv.example/abs/2512.01093\n\n"
            "A systems study of speculative decoding under realistic batch sizes, with\n"
            "speedups that shrink as the batch grows.\n\nQUICK LINKS\n\n"
            "* kvtrace: per-request KV-cache visualization https://github.example/kvtrace "
            "Find the one slow request.\n"
            "* A practical guide to prompt caching https://halcyon.example/caching Vendor "
            "blog, but useful.\n")
    from service.ingest.parse import parse_issue
    from service.ingest.segment import segment
    headlines = [s.headline for s in segment(parse_issue(_plain_email(text)))]
    assert headlines == ["Stop padding your batches",
                         "Speculative decoding stops paying off at batch 32",
                         "kvtrace: per-request KV-cache visualization",
                         "A practical guide to prompt caching"]


SUBSTACK_HEADER = ("<h1>{title}</h1><h3>Why the most important software lives in a file called "
                   "FINAL_v7.xlsx</h3><p>Nell Cartwright<br>Jun 22</p>"
                   '<p><a href="https://x.substack.com/p/post?action=share">Share</a></p>')


@pytest.mark.parametrize("sections", [
    ["Where the money goes", "The price floor", "What it means for builders"],
    ["1. Why decoding is slow", "2. The draft-then-verify idea", "3. A minimal implementation"],
    ["I. The tab that ran a company", "II. Why replacements fail", "Coda"]])
def test_an_essays_sections_may_cite_their_sources(sections: list[str]) -> None:
    # Substack essays link their sources in every section: a section-shaped heading with
    # links out is still the essay's (the fifteenth and sixteenth sweeps)
    title = "The inference tax"
    body = "".join(f'<h2>{h}</h2><p>{P} <a href="https://source.example/{i}">A study</a> '
                   f"says so.</p><p>{P}</p>" for i, h in enumerate(sections))
    html = SUBSTACK_HEADER.format(title=title) + f"<p>{P} {P}</p>" + body
    assert _headlines(html, subject=title) == [title]


def test_news_headings_that_link_out_under_a_post_header_stay_stories() -> None:
    title = "What happened this week"
    body = "".join(f'<h2>{h}</h2><p>{P} <a href="https://source.example/{i}">Source</a>.</p>'
                   for i, h in enumerate(["Halcyon raises $40M for inference chips",
                                          "Regulators fine a chatbot maker"]))
    html = SUBSTACK_HEADER.format(title=title) + f"<p>{P} {P}</p>" + body
    assert _headlines(html, subject=title)[-2:] == ["Halcyon raises $40M for inference chips",
                                                     "Regulators fine a chatbot maker"]


@pytest.mark.parametrize("button", ["Read the full STONEMOTH report →"])
def test_a_read_button_naming_its_report_is_the_storys_link(button: str) -> None:
    assert READ_MORE.match(button)


@pytest.mark.parametrize("button", ["Download the app note (PDF) >", "Open dashboard",
                                    "Download our free whitepaper"])
def test_download_and_dashboard_buttons_are_calls_to_action(button: str) -> None:
    assert CALL_TO_ACTION.match(button)


def test_authors_names_alone_under_several_headlines_are_bylines() -> None:
    # Axios-style: each headline over its author's name alone, then the text
    html = "".join(f"<h2>{h}</h2><p>{who}</p><p>Illustration: Marisol Eng/Compass</p>"
                   f"<p>{P} {P}</p>" for h, who in [
        ("1 big thing: the cloud's tariff bill comes due", "Hallie Brandt"),
        ("Streaming services rediscover the bundle", "Oren Matsuda"),
        ("Exclusive: Finch raises $40M for customs paperwork", "Hallie Brandt"),
        ("Scoop: Lakeshore's bike-share app is for sale", "Oren Matsuda")])
    assert _headlines(html) == [
        "1 big thing: the cloud's tariff bill comes due",
        "Streaming services rediscover the bundle",
        "Exclusive: Finch raises $40M for customs paperwork",
        "Scoop: Lakeshore's bike-share app is for sale"]


def test_book_titles_under_a_reading_lists_name_stay_titles() -> None:
    html = ("<h2>What we're reading this week</h2>" + "".join(
        f"<p>{t}</p><p>{P}</p>" for t in ["The Quiet Bankruptcy", "Salt and Steel"]))
    assert _headlines(f"{TWO}{html}")[-2:] == ["The Quiet Bankruptcy", "Salt and Steel"]


@pytest.mark.parametrize("credit", ["Illustration: Marisol Eng/Compass",
                                    "Illustration: Circuit Breakfast, Photos: Getty Images",
                                    "Screenshot: Compass via Browser Attic"])
def test_picture_credits_are_no_title(credit: str) -> None:
    html = (f"<h2>Router maker patches seven flaws</h2><p>{credit}</p><p>{P}</p>"
            f"<h2>Ransomware gang changes tactics</h2><p>{P}</p>")
    assert _headlines(html) == STORIES


def test_plain_text_titles_after_two_hyphens_and_titles_over_their_address() -> None:
    text = ("IN THIS ISSUE\n\n-- Regional Water Utility Hit by Ransomware\n"
            "-- Federal Agencies Given 21 Days to Patch\n\nTOP OF THE NEWS\n\n"
            "--Regional Water Utility Hit by Ransomware\n(March 18, 2025)\n"
            "The utility switched its treatment plants to manual operation after the attack\n"
            "encrypted its billing and scheduling systems.\n\n"
            "--Federal Agencies Given 21 Days to Patch\n(March 17, 2025)\n"
            "The cyber agency added the ticketing system flaw to its catalogue of exploited\n"
            "vulnerabilities on Monday.\n\nTECH CORNER\n\n"
            "Decoding a Three-Stage PowerShell Loader Hidden in a Fake Invoice\n"
            "https://stormcenter.example/diary/31742\n\n"
            "Scans for an Old Camera Exploit Jump After Botnet Update\n"
            "https://stormcenter.example/diary/31746\n\n-- Odette\n")
    from service.ingest.parse import parse_issue
    from service.ingest.segment import segment
    headlines = [s.headline for s in segment(parse_issue(_plain_email(text, "Briefs")))]
    assert headlines == ["Regional Water Utility Hit by Ransomware",
                         "Federal Agencies Given 21 Days to Patch",
                         "Decoding a Three-Stage PowerShell Loader Hidden in a Fake Invoice",
                         "Scans for an Old Camera Exploit Jump After Botnet Update"]


def test_job_postings_under_a_bare_jobs_section_are_no_stories() -> None:
    jobs = "".join(f'<li><a href="https://jobs.example/{i}">{role}</a></li>' for i, role in
                   enumerate(["Senior Detection Engineer", "Head of Project Finance",
                              "Policy Analyst — Tidewell Health"]))
    assert _headlines(f"{TWO}<h2>💼 Jobs</h2><ul>{jobs}</ul>") == STORIES


def test_labour_news_under_a_bare_jobs_section_stays_news() -> None:
    news = "".join(f'<li><a href="https://news.example/{i}">{h}</a> — {P}</li>' for i, h in
                   enumerate(["Engineers at Meta protest layoffs",
                              "A national apprenticeship for data center technicians"]))
    assert _headlines(f"{TWO}<h2>Jobs</h2><ul>{news}</ul>")[2:] == [
        "Engineers at Meta protest layoffs",
        "A national apprenticeship for data center technicians"]


# ---- from the read-only review of this stop's rules ----------------------------------------


@pytest.mark.parametrize("subject", ["Nvidia's big quarter / The Fed's next move",
                                     "Markets / Politics — November 21"])
def test_a_subject_of_two_headlines_or_sections_is_no_bilingual_name(subject: str) -> None:
    second = subject.split(" / ")[1].split(" — ")[0]
    html = f"{TWO}<h2>{second}</h2><p>{P} {P}</p>"
    assert _headlines(html, subject=subject)[-1] == second


def test_news_headlines_under_a_long_lead_are_not_its_sections() -> None:
    html = (f"{TWO}<h1>Council confirms the Eastcliff seafront plan</h1><p>{P} {P}</p>"
            f"<h2>The Fed holds rates steady as inflation cools</h2><p>{P}</p>"
            f"<h2>A judge blocks the state's new app store law</h2><p>{P}</p>")
    assert _headlines(html)[-2:] == ["The Fed holds rates steady as inflation cools",
                                     "A judge blocks the state's new app store law"]


@pytest.mark.parametrize("headline", ["Continued drought forces water cuts in Phoenix",
                                      "Cont. education credits move online"])
def test_a_headline_that_opens_with_continued_is_a_story(headline: str) -> None:
    assert _headlines(f"{TWO}<h2>{headline}</h2><p>{P}</p>")[-1] == headline


@pytest.mark.parametrize("headline", ["By March, most schools will have AI tutors",
                                      "By Tuesday, half the county had lost power"])
def test_a_headline_that_opens_with_by_and_a_date_is_no_byline(headline: str) -> None:
    assert _headlines(f"{TWO}<p><b>{headline}</b></p><p>{P} {P}</p>")[-1] == headline


def test_a_bold_sources_headline_is_a_story() -> None:
    headline = "Sources: Apple in talks to buy a chip designer"
    assert _headlines(f"{TWO}<p><b>{headline}</b></p><p>{P} {P}</p>")[-1] == headline


@pytest.mark.parametrize("headline", ["Samsung ist wieder die Nummer 1",
                                      "Tesla verliert Platz Nr. 1"])
def test_a_first_headline_ending_in_a_rank_is_no_masthead(headline: str) -> None:
    assert _headlines(f"<h2>{headline}</h2><p>{P}</p>{TWO}")[0] == headline


@pytest.mark.parametrize(("line", "authors"), [
    ("Mira Okonjo1, Felix Brandauer1,2, Yusuf Demirtaş2", True),
    ("Mira Okonjo†, Felix Brandauer*, Yusuf Demirtaş", True),
    ("Nvidia Beats Estimates, Shares Fall, Again", False)])
def test_authors_marked_with_their_affiliations_are_an_author_list(line: str,
                                                                   authors: bool) -> None:
    # (the marks are read after a name that ends in a letter: a name split every way from
    # its digits made the pattern exponential, 0.9 s a line, bench/fuzzing.py's probes)
    from service.ingest.bylines import AUTHOR_LIST
    assert bool(AUTHOR_LIST.match(line)) is authors


def test_an_issue_with_every_word_at_font_size_0_is_read_rather_than_refused() -> None:
    # a class in <style> sizes the text again; better shown than an empty issue
    html = ('<table><tr><td style="text-align:center;font-size:0">'
            f'<div class="col"><h2>{STORIES[0]}</h2><p>{P}</p></div>'
            f'<div class="col"><h2>{STORIES[1]}</h2><p>{P}</p></div></td></tr></table>')
    assert _headlines(html) == STORIES
