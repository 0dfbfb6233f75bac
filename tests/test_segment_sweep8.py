"""The eighth blind sweep (stop 22): 30 newsletters not imitated before (Semafor, Lawfare,
CSET, Epoch, Simon Willison, Console, Pointer, Morning Brew, Money Stuff, a lab, an
agency, a law firm, a VC memo, German, French, Japanese and Chinese issues, a Mailman
digest), 0.704 with stop 21's engine and 0.741 with the seventh sweep's rules.  Every
issue here is written for these tests (no newsletter text)."""

from __future__ import annotations

import pytest

from service.domain import Block
from service.ingest.footer import opens_footer
from service.ingest.headlines import is_byline, title_like
from service.ingest.named import labelled_news
from service.ingest.parse import parse_issue
from service.ingest.segment import segment
from service.ingest.zones import ZONES, opens_sponsor
from tests.test_segment_any import email

P = ("The council spent most of the evening on the budget, and the vote came only after "
     "a long public comment period that ran past eleven.")
TOP = "".join(f"<h2>{h}</h2><p>{P}</p>" for h in [
    "Helix Ships a Model That Plans Before It Types", "Brightline Puts Humanoids on Nights"])


def _stories(html: str, subject: str = "This week") -> list[tuple[str, str]]:
    return [(s.headline, s.text)
            for s in segment(parse_issue(email(html, html=True, subject=subject)))]


def _headlines(html: str, subject: str = "This week") -> list[str]:
    return [headline for headline, _ in _stories(html, subject)]


# ---- a dek under its headline -----------------------------------------------------------------


def test_a_sentence_case_line_under_a_title_case_headline_is_its_dek() -> None:
    dek = "Optical sensors in the fingertips detect shear before an object moves"
    html = f"<h2>This Gripper Can Tell When a Glass Is About to Slip</h2><p>{dek}</p><p>{P}</p>"
    [(headline, text)] = _stories(f"{TOP}{html}")[2:]
    assert headline == "This Gripper Can Tell When a Glass Is About to Slip"
    assert dek in text


def test_sentence_case_headlines_under_a_title_case_section_stay_stories() -> None:
    items = "".join(f"<p>{h}</p><p>{P}</p>" for h in [
        "A gripper learns to feel slip before it happens",
        "A drone swarm swaps batteries in midair over the bay"])
    html = f"{TOP}<h2>This Week in Robotics Research</h2>{items}"
    assert _headlines(html)[2:] == ["A gripper learns to feel slip before it happens",
                                    "A drone swarm swaps batteries in midair over the bay"]


# ---- events and jobs --------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Upcoming events", "Upcoming Robotics Events", "Meetups 🌎",
                                   "Termine", "【イベント情報】", "Events this week"])
def test_a_title_that_only_labels_events_opens_the_events_zone(title: str) -> None:
    assert ZONES["events"].search(title)


@pytest.mark.parametrize("title", ["Events industry rebounds after a slow year",
                                   "Current events in chip policy"])
def test_news_about_events_is_no_events_title(title: str) -> None:
    assert not ZONES["events"].search(title)


def test_listings_under_an_events_title_are_no_stories() -> None:
    listings = "<ul><li>Dec 3 · Agents in the warehouse, online</li><li>Dec 10 · Prompting for " \
               "finance teams, Boston</li></ul>"
    assert _headlines(f"{TOP}<h2>Upcoming events</h2>{listings}") == _headlines(TOP)


@pytest.mark.parametrize("title", ["We're recruiting", "Offres d'emploi", "Stellenangebote",
                                   "招聘"])
def test_job_titles_in_other_words_and_languages_open_the_jobs_zone(title: str) -> None:
    assert ZONES["jobs"].search(title)


# ---- an essay ---------------------------------------------------------------------------------


def _essay(subject_title: str, shown: str, tail: str = "") -> str:
    return (f"<h1>{shown}</h1><p>Long chains of thought change the economics of serving</p>"
            f"<p>By Marta Ilves · Jun 13</p><p>{P}</p><h2>Tokens you don't see</h2><p>{P}</p>"
            f"<h2>Memory, not arithmetic</h2><p>{P}</p><h2>Caveats</h2><p>{P}</p>{tail}")


def test_an_essay_with_a_subtitle_line_and_a_subscribe_link_at_its_end_is_one_story() -> None:
    title = "How much does it cost to serve a reasoning model?"
    tail = ("<p>You're a free subscriber to Gradient Notes. <a href='https://g.example/"
            "subscribe'>Upgrade</a></p>")
    assert _headlines(_essay(title, title, tail), subject=title) == [title]


def test_an_essay_under_a_newsletter_name_and_colon_in_the_subject_is_one_story() -> None:
    shown = "Mapping the agent infrastructure stack"
    essay = _essay("", shown).replace(  # no subtitle line: the author's line under the title
        "<p>Long chains of thought change the economics of serving</p>", "")
    html = f"<h1>Fieldstone Memo</h1><p>Notes from our investment team.</p>{essay}"
    assert _headlines(html, subject=f"Fieldstone Memo: {shown}") == [shown]


def test_a_subject_that_lists_its_topics_heads_a_digest() -> None:
    title = "Chips, chatbots, and a lawsuit"
    assert len(_headlines(_essay(title, title), subject=title)) > 1


# ---- Chinese, Japanese, Korean ----------------------------------------------------------------


def test_a_long_cjk_sentence_is_no_title() -> None:
    line = ("青岚实验室本周发布了一个一百四十亿参数的多模态模型，支持图像、表格和长文档理解，"
            "采用宽松的开源协议，官方测试显示它在多项基准上表现良好。")
    assert not title_like(line)
    assert title_like("青岚实验室开源多模态模型")


def test_numbered_cjk_headings_over_their_paragraphs_are_stories() -> None:
    text = ("据多家云服务商和算力中介的报价，主流训练卡的小时租赁价格在过去六个月里下降了约四成，"
            "业内人士认为这与新建数据中心集中投产有关。")
    html = "".join(f"<h3>{n}. {h}</h3><p>{text}</p>" for n, h in [
        (1, "青岚实验室开源多模态模型"), (2, "算力租赁价格半年下跌约四成")])
    assert _headlines(html) == ["青岚实验室开源多模态模型", "算力租赁价格半年下跌约四成"]


def test_a_japanese_ad_mark_and_unsubscribe_line_are_chrome() -> None:
    assert opens_sponsor(Block(kind="paragraph", text="【PR】法人向け生成AI研修のご案内"))
    assert opens_footer("配信停止はこちらから")
    assert opens_footer("退订")


# ---- labelled bullets, buttons, bylines -------------------------------------------------------


def test_labelled_bullets_under_a_section_are_stories_each() -> None:
    bullets = "<ul>" + "".join(f"<li><b>{label}</b>: {text}</li>" for label, text in [
        ("Streaming consolidation", "Two mid-sized streaming services said they will merge."),
        ("Chip shot", "A memory maker raised its full-year outlook, citing AI demand."),
        ("Cord cut", "A major airline will offer free satellite Wi-Fi on all flights.")]) + "</ul>"
    assert _headlines(f"{TOP}<h2>TECH NEWS</h2>{bullets}")[2:] == [
        "Streaming consolidation", "Chip shot", "Cord cut"]


@pytest.mark.parametrize("label", ["Why it matters", "Driving the news", "The details"])
def test_a_storys_lead_in_bullet_is_no_labelled_story(label: str) -> None:
    block = Block(kind="list_item", text=f"{label}: the company says demand doubled this year.",
                  lead=label)
    assert labelled_news(block) is None


def test_a_semafor_storys_parts_are_its_text() -> None:
    parts = "".join(f"<p><b>{label}</b></p><p>{P}</p>" for label in [
        "THE SCOOP", "KNOW MORE", "REED'S VIEW", "ROOM FOR DISAGREEMENT"])
    html = f"{TOP}<h2>Aurelian plans to generate its own electricity</h2>{parts}"
    [(headline, text)] = _stories(html)[2:]
    assert headline == "Aurelian plans to generate its own electricity"
    assert "ROOM FOR DISAGREEMENT" in text


@pytest.mark.parametrize("line", ["Listen on Spotify", "Listen on Apple Podcasts · YouTube",
                                  "Leave a comment"])
def test_player_and_comment_buttons_are_no_stories(line: str) -> None:
    html = f"{TOP}<p><a href='https://x.example/listen'>{line}</a></p>"
    assert _headlines(html) == _headlines(TOP)


def test_a_dash_and_a_name_under_a_headline_is_its_byline() -> None:
    assert is_byline("— Dana Whitlock")
    html = "".join(f"<p><b>{h}</b></p><p>— {a}</p><p>tl;dr: {P}</p>" for h, a in [
        ("Your Engineering Org Is Measuring the Wrong Thing", "Dana Whitlock"),
        ("How We Cut CI Time by 70% Without Buying Anything", "Ravi Subramaniam")])
    assert _headlines(f"<p>Issue #588 · Reading for engineering leaders</p>{html}") == [
        "Your Engineering Org Is Measuring the Wrong Thing",
        "How We Cut CI Time by 70% Without Buying Anything"]


# ---- from the attack on those rules (attack8) -------------------------------------------------


@pytest.mark.parametrize("title", ["Chips, chatbots and a lawsuit",
                                   "Robots, rent and the return of RSS",
                                   "The Inference Desk: Cheaper tokens, pricier power"])
def test_a_subject_that_lists_three_topics_heads_a_digest(title: str) -> None:
    assert len(_headlines(_essay(title, title), subject=title)) > 1


def test_an_essay_under_its_newsletters_name_and_a_colon_is_one_story() -> None:
    shown = "Why Benchmarks Age Like Milk"
    html = _essay("", shown).replace("<p>By Marta Ilves · Jun 13</p>",
                                     "<p><b>By Tomas Reyes</b></p>")
    assert _headlines(html, subject=f"Second Order: {shown}") == [shown]


def test_job_postings_in_other_languages_under_a_jobs_title_are_no_stories() -> None:
    jobs = "".join(f"<h3>{title}</h3><p>{P}</p>" for title in [
        "Robotik-Ingenieur (m/w/d) – Nodewerk, München",
        "Werkstudent Machine Learning (m/w/d) – Stuttgart"])
    html = f"{TOP}<h2>Stellenangebote</h2>{jobs}<p><a href='https://x.example/j'>Alle Stellen " \
           "ansehen</a></p>"
    assert _headlines(html) == _headlines(TOP)


def test_bullets_with_a_repeated_label_are_headlined_by_their_links() -> None:
    bullets = "<ul>" + "".join(
        f"<li><b>{label}:</b> <a href='https://x.example/{n}'>{text}</a> — terms undisclosed."
        "</li>"
        for n, (label, text) in enumerate([
            ("Funding", "Tessellate raises $42 million for its code-review agent"),
            ("Funding", "Polder Farms raises $15 million for picking robots"),
            ("Acquisition", "Linkwise buys data-labelling firm Tagster")])) + "</ul>"
    assert _headlines(f"{TOP}<h2>Deal flow</h2>{bullets}")[2:] == [
        "Tessellate raises $42 million for its code-review agent",
        "Polder Farms raises $15 million for picking robots",
        "Linkwise buys data-labelling firm Tagster"]


def test_labelled_bullets_under_what_else_is_brewing_are_stories() -> None:
    bullets = "<ul>" + "".join(f"<li><b>{label}:</b> {text}</li>" for label, text in [
        ("Chip shot", "A memory maker raised its full-year outlook, citing AI demand."),
        ("Cord cut", "A major airline will offer free satellite Wi-Fi on all flights.")]) + "</ul>"
    assert _headlines(f"{TOP}<h2>What else is brewing</h2>{bullets}")[2:] == [
        "Chip shot", "Cord cut"]


def test_a_short_cjk_sentence_under_a_bold_headline_is_its_text() -> None:
    more = ("<p>业内人士认为，价格下调与新建数据中心集中投产、推理芯片供应改善有关，"
            "中小企业将因此受益。</p>")
    html = ("<p><b>小鹤机器人公布人形机器人量产时间表</b></p><p>小鹤机器人周二在发布会上表示，"
            "其第二代人形机器人将于今年第三季度在苏州工厂开始小批量生产，首批约五百台，主要面向汽车"
            "零部件工厂。</p>"
            "<p><b>大模型价格战再升级，多家厂商下调推理价格</b></p>"
            f"<p>本周又有三家云厂商宣布下调大模型推理服务价格。</p>{more}")
    assert _headlines(html) == ["小鹤机器人公布人形机器人量产时间表",
                                "大模型价格战再升级，多家厂商下调推理价格"]
