"""Layouts met on newsletters in no file here (stop 18): digests with no headlines to cut
at, bylines under headlines, section names over short headlines, a sponsor's label line.
Issues written for these tests (no newsletter text), cut by the structural engine as any
unknown newsletter is."""

from __future__ import annotations

from service.domain import Story
from service.ingest.parse import parse_issue
from service.ingest.rules import load_rules, rules_for
from service.ingest.segment import by_structure
from service.ingest.untitled import item_headline
from tests.test_segment_any import cut, email

ITEMS = [
    "On May 4, the Senate Commerce Committee held a hearing on chatbots and children, with "
    "testimony from three parents and two researchers.",
    "On May 5, the House Science Committee marked up a bill to fund a national research "
    "resource for universities.",
    "Two senators introduced a bill that would require labels on generated political ads in "
    "federal elections.",
    "The Commerce Department opened a comment period on a draft rule about reporting large "
    "training runs.",
    "A state court heard a suit over a chatbot that promised a customer a refund the "
    "company does not give.",
]
INTRO = "Here is what happened in the capital this week."
SIGN_OFF = "That is all for this week. See you on Friday."
PARAGRAPH = ("The week was quiet in the capital, and most of the committees spent it on budgets "
             "rather than on new rules for software of any kind. ")


def _cut(data: bytes) -> tuple[list[Story], list[str]]:
    issue = parse_issue(data)
    return by_structure(issue, rules_for(issue.envelope, load_rules()))


def _bullets(items: list[str], mark: str = "•") -> str:
    return "\n".join(f"{mark} {item}" for item in items)


def test_a_bullet_digest_with_no_headlines_is_cut_into_its_items() -> None:
    stories, notes = _cut(email(f"{INTRO}\n\n{_bullets(ITEMS)}\n\n{SIGN_OFF}\n"))
    assert [s.headline for s in stories] == ITEMS  # one sentence each: all of it
    assert [s.text.split("\n")[-1] for s in stories] == ITEMS  # each story holds its item
    assert not any(INTRO in s.text or SIGN_OFF in s.text for s in stories)
    assert any("dropped intro" in n for n in notes) and any("dropped sign-off" in n for n in notes)


def test_html_list_items_are_items_with_their_links() -> None:
    linked = [f'{item[:-1]} (<a href="https://news.example/{n}">more</a>).'
              for n, item in enumerate(ITEMS)]
    html = f"<p>{INTRO}</p><ul>" + "".join(f"<li>{x}</li>" for x in linked) + "</ul>"
    stories = cut(email(html, html=True))
    assert [url for _, url, _ in stories] == [f"https://news.example/{n}"
                                              for n in range(len(ITEMS))]
    assert stories[0][0].startswith("On May 4, the Senate Commerce Committee")


def test_a_post_with_a_few_points_in_a_list_stays_one_post() -> None:
    takeaways = [f"{item} It took the whole week." for item in ITEMS[:4]]
    for body in (f"{PARAGRAPH * 3}\n\n{PARAGRAPH * 3}\n\n{_bullets(ITEMS[:3])}\n\n{PARAGRAPH}\n",
                 f"{PARAGRAPH}\n\n{_bullets(takeaways)}\n"):  # an essay's takeaways
        assert [h for h, _, _ in cut(email(body, subject="A quiet week"))] == ["A quiet week"]
    # nor stories whose headlines were missed, each with its points under it
    stories = "".join(f"{ITEMS[3]} Story {n} ends here.\n\n{_bullets(ITEMS[:3])}\n\n"
                      for n in range(3))
    assert len(cut(email(stories))) == 1
    # nor a menu of short links ("Read more")
    menu = "\n".join(f"• Read more about item {n}" for n in range(8))
    assert len(cut(email(f"{PARAGRAPH}\n\n{menu}\n", subject="Links"))) == 1


def test_a_blog_post_whose_paragraphs_each_have_a_link_stays_one_post() -> None:
    html = "<h1>Lessons</h1>" + "".join(
        f'<p>{PARAGRAPH}See <a href="https://blog.example/{n}">this note</a> on it.</p>'
        for n in range(6))
    assert [h for h, _, _ in cut(email(html, html=True, subject="Lessons"))] == ["Lessons"]


def test_a_sponsor_block_of_bullets_is_not_a_digest_and_is_still_noted() -> None:
    ads = _bullets([f"{item} Ask for a demo today." for item in ITEMS])
    stories, notes = _cut(email(f"{PARAGRAPH * 2}\n\nBrought to you by Acme\n\n{ads}\n",
                                subject="A quiet week"))
    assert [s.headline for s in stories] == ["A quiet week"]
    assert any("dropped sponsor" in note for note in notes)


def test_text_between_items_belongs_to_the_item_above() -> None:
    more = "The committee will vote on the bill next month, its chair said afterwards."
    stories, _ = _cut(email(f"{_bullets(ITEMS[:2])}\n\n{more}\n\n{_bullets(ITEMS[2:])}\n"))
    assert len(stories) == 5 and more in stories[1].text and more not in stories[2].text


def test_an_item_headline_is_its_words_before_a_dash_or_its_first_sentence() -> None:
    assert item_headline("Robots fold laundry - a lab shows a two-armed robot at work.") == (
        "Robots fold laundry")
    assert item_headline("U.S. regulators act today. Then more text follows here.") == (
        "U.S. regulators act today.")
    assert item_headline("On Jan. 5, Sen. Ada Marsh filed a bill. It has two sponsors.") == (
        "On Jan. 5, Sen. Ada Marsh filed a bill.")
    long = " ".join(["word"] * 40) + "."
    assert item_headline(long) == " ".join(["word"] * 22) + " …"


PAPERS = "".join(
    f"{n}. {title}\n\n{byline}\n\n{text}\n\n" for n, (title, byline, text) in enumerate([
        ("A survey of robot learning in 2025", "by Ada Marsh | Example Lab",
         "A long review of how robots learned to grasp and walk this year, with a table of "
         "the datasets used and the methods that worked."),
        ("How people use chatbots for advice", "by the Example Research Team",
         "A study of a million conversations finds that most people ask for help with work, "
         "and a few for advice about their health."),
        ("Chips, clusters and the cost of training", "By Tom Reed, CFA, Example Capital",
         "An estimate of what the largest training runs cost, from the price of the chips to "
         "the power bill of the data center."),
    ], start=1))


def test_a_numbered_headline_over_its_byline_starts_a_story() -> None:
    stories = cut(email(PAPERS))
    assert [h for h, _, _ in stories] == ["A survey of robot learning in 2025",
                                          "How people use chatbots for advice",
                                          "Chips, clusters and the cost of training"]
    texts = [s.text for s in _cut(email(PAPERS))[0]]
    assert "By Tom Reed, CFA, Example Capital" in texts[2]  # the byline stays in its story


def test_a_byline_with_an_organisation_is_not_a_headline() -> None:
    body = "".join(f"{title}\n\nBy {who}\n\n{text}\n\n" for title, who, text in [
        ("Chipmaker results ride the wave", "Ada Marsh, Example Research",
         "Quarterly revenue rose by almost half, and the company raised its forecast again."),
        ("Foundry capacity is tight into next year", "Tom Reed & Lia Chen",
         "Orders for the newest process are booked through next year, a survey of buyers says."),
    ])
    assert [h for h, _, _ in cut(email(body))] == ["Chipmaker results ride the wave",
                                                   "Foundry capacity is tight into next year"]


SECTIONED = """Daily AI brief

Big Tech

Search giant unveils two new chips for agents (3 minute read)

The company announced two accelerators aimed at running agents cheaply, with more memory.

Science & Research

Table tennis robot beats top players (5 minute read)

A robot arm with fast cameras won most of its matches against ranked players this month.

Quick Links

The AI-native job interview (6 minute read)

Interviews change as candidates use assistants; some firms now allow them openly.
"""


def test_a_section_name_over_a_short_headline_names_its_section() -> None:
    stories, _ = _cut(email(SECTIONED))
    assert [(s.headline, s.section) for s in stories] == [
        ("Search giant unveils two new chips for agents (3 minute read)", "Big Tech"),
        ("Table tennis robot beats top players (5 minute read)", "Science & Research"),
        ("The AI-native job interview (6 minute read)", "Quick Links")]
    assert not any("Science" in s.text or "Quick Links" in s.text for s in stories)
    # a one-word section name too, where a one-word line is otherwise no title ("Share")
    one_word = SECTIONED.replace("Science & Research", "Science").replace("Big Tech", "Share")
    sections = [s.section for s in _cut(email(one_word))[0]]
    assert sections[1:] == ["Science", "Quick Links"] and "Share" not in sections


def test_a_sponsor_label_line_ends_the_story_above_it() -> None:
    first = ("ROBOTS START WORK AT A CAR PLANT\n\nTen humanoid robots move parts on an "
             "assembly line, two shifts a day, after learning from demonstrations.\n\n")
    story = ("CHIPMAKER UNVEILS A NEW ACCELERATOR\n\nThe chip has twice the memory of the last "
             "one and ships to cloud providers next spring.\n\n"
             "Together with its partners, the chipmaker will also sell racks of them.\n\n")
    stories, notes = _cut(email(f"{first}{story}Together with Acme\n\n"
                                "Try Acme's notebook today.\n"))
    assert len(stories) == 2 and "Together with its partners" in stories[1].text
    assert "Acme" not in stories[1].text
    assert any("dropped sponsor: 'Together with Acme'" in note for note in notes)


NEWS = [("Weather model goes open source", "A lab released the weights of its ten-day forecast "
         "model, with the code to run it on one accelerator."),
        ("Video model launches for subscribers", "A startup opened its video model to paying "
         "users, with clips of up to twenty seconds at full resolution.")]


def _html(blocks: list[str]) -> bytes:
    return email("".join(blocks), html=True, subject="Daily brief")


def test_a_sponsor_label_over_the_ad_s_own_headline_drops_both() -> None:
    for label in ("<h2>TOGETHER WITH ACME</h2>", "<p><b>A MESSAGE FROM ACME BANK</b></p>"):
        stories, notes = _cut(_html([
            f"<h2>{NEWS[0][0]}</h2><p>{NEWS[0][1]}</p>", label,
            "<h2>Ship apps ten times faster</h2><p>Acme's platform builds your app while you "
            "sleep, with a free plan for small teams and no card needed.</p>",
            f"<h2>{NEWS[1][0]}</h2><p>{NEWS[1][1]}</p>"]))
        assert [s.headline for s in stories] == [NEWS[0][0], NEWS[1][0]], label
        assert not any("Acme" in s.text for s in stories)
        assert any("the sponsor's headline" in note for note in notes)


def test_a_headline_labelled_sponsored_under_it_is_the_ad() -> None:
    stories, notes = _cut(_html([
        f"<h2>{NEWS[0][0]}</h2><p>{NEWS[0][1]}</p>",
        "<h2>How Acme built its search</h2><p>SPONSORED</p>"
        "<p>Acme's engineers explain the index behind its assistant, and how you can use it "
        "in your own product today.</p>",
        f"<h2>{NEWS[1][0]}</h2><p>{NEWS[1][1]}</p>"]))
    assert [s.headline for s in stories] == [NEWS[0][0], NEWS[1][0]]
    assert any("labelled as sponsored" in note for note in notes)


def test_a_sign_off_is_no_story_s_text() -> None:
    for sign_off in ("That's it for today! See you tomorrow.", "That's all for this week.",
                     "Thanks to Ed Ruiz for editing this newsletter.", "— The Brief editors",
                     "Enjoyed this? Forward it to a colleague.", "Love the Brief? Tell a friend.",
                     "Partner with us: reach 400,000 readers.",
                     # (two sentences, 13 words: an operator's review found it in a digest)
                     "That's all for this week. Forward this to a friend who loves gears."):
        stories, _ = _cut(_html([f"<h2>{h}</h2><p>{t}</p>" for h, t in NEWS]
                                + [f"<p>{sign_off}</p>"]))
        assert [s.headline for s in stories] == [NEWS[0][0], NEWS[1][0]], sign_off
        assert sign_off not in stories[-1].text, sign_off
    # inside a paragraph, the words are the story's
    said = f"{NEWS[1][1]} That's it for today, its founder said, until the servers cool down."
    stories, _ = _cut(_html([f"<h2>{NEWS[0][0]}</h2><p>{NEWS[0][1]}</p>",
                             f"<h2>{NEWS[1][0]}</h2><p>{said}</p>"]))
    assert said in stories[-1].text
    # a long paragraph that opens with a sign-off's words is news (the stop's review)
    quoted = ("See you tomorrow, robots. The line, spoken by a guest to a hotel's delivery "
              "robot in a video, has been viewed forty million times since Monday.")
    stories, _ = _cut(_html([f"<h2>{NEWS[0][0]}</h2><p>{NEWS[0][1]}</p>",
                             f"<h2>{NEWS[1][0]}</h2><p>{NEWS[1][1]}</p><p>{quoted}</p>"]))
    assert quoted in stories[-1].text


def test_a_paper_s_authors_under_its_title_are_not_its_headline() -> None:
    papers = [("1. Sparse routing without balancing losses", "L. Chen, R. Okafor and M. Singh "
               "(Example University)"),
              ("2. Retrieval over long contexts is mostly position", "A.-K. Weiss et al."),
              ("3. Code agents that read their own traces", "J. Park, S. Ivanova")]
    abstract = ("We show a simple change that matches the baseline with a third of the compute, "
                "and release the code.")
    stories, _ = _cut(_html(["<h2>Top papers of the week</h2>"] + [
        f"<h3>{title}</h3><p>{who}</p><p>{abstract}</p>" for title, who in papers]))
    assert [s.headline for s in stories] == [title.split(". ", 1)[1] for title, _ in papers]
    assert all(who in s.text for s, (_, who) in zip(stories, papers, strict=True))


def test_bold_lead_items_with_a_brand_in_lower_case_and_a_sponsored_paragraph() -> None:
    items = [("Apple delays its assistant overhaul.", "The company told developers the new "
              "version will ship next year, after testers found it slow."),
             ("xAI raises another $6 billion.", "The round values the company at twice its "
              "last price, and the money goes to a new data center."),
             ("Sponsored: Orbit Notes.", "Orbit records your calls and writes the follow-up "
              "email for you. Try it free for thirty days."),
             ("iPhone sales slow in China.", "Shipments fell for the third quarter in a row as "
              "local brands added assistants to cheaper phones.")]
    stories, notes = _cut(_html([f"<p><b>{lead}</b> {text}</p>" for lead, text in items]))
    assert [s.headline for s in stories] == ["Apple delays its assistant overhaul",
                                             "xAI raises another $6 billion",
                                             "iPhone sales slow in China"]
    assert not any("Orbit" in s.text for s in stories)
    assert any("sponsored paragraph" in note for note in notes)


def test_a_heading_story_takes_its_read_more_link_as_its_url() -> None:
    stories, _ = _cut(_html([
        f'<h2>{NEWS[0][0]}</h2><p>{NEWS[0][1]}</p><p><a href="https://news.example/w">'
        'Read more</a></p>',
        f'<h2>{NEWS[1][0]}</h2><p>{NEWS[1][1]} As <a href="https://paper.example/p">a paper'
        '</a> argued.</p>']))
    assert [s.url for s in stories] == ["https://news.example/w", ""]  # a citation is not it
    assert "Read more" not in stories[0].text


# What the sponsor and sign-off rules must not take: a review's cases, in our own words.
THIRD = ("Chipmaker unveils an accelerator", "The new part doubles memory per chip and ships "
         "to cloud providers in the spring, the company said.")


def _headlines(blocks: list[str]) -> list[str]:
    return [s.headline for s in _cut(_html(blocks))[0]]


def _story(headline: str, text: str) -> str:
    return f"<h2>{headline}</h2><p>{text}</p>"


def test_banners_and_transitions_that_read_like_sign_offs_end_nothing() -> None:
    stories = [_story(*NEWS[0]), _story(*NEWS[1]), _story(*THIRD)]
    for banner in ("New here? Subscribe for free.", "Forward this to a friend who likes AI.",
                   "Advertise with us | Archive | Jobs"):
        assert _headlines([f"<p>{banner}</p>", *stories]) == [NEWS[0][0], NEWS[1][0],
                                                                THIRD[0]], banner
    turn = "<p>That's all for today's top stories. Now, the quick hits:</p>"
    assert _headlines([stories[0], turn, *stories[1:]]) == [NEWS[0][0], NEWS[1][0], THIRD[0]]


def test_a_sponsor_label_drops_only_what_names_the_sponsor() -> None:
    # a masthead's "Presented by Acme" over the first story
    assert _headlines(["<h3>Presented by Acme</h3>", _story(*NEWS[0]), _story(*NEWS[1])]) == [
        NEWS[0][0], NEWS[1][0]]
    # a label over a story that does not name the sponsor
    assert _headlines([_story(*NEWS[0]), "<h3>Together with Acme</h3>", _story(*NEWS[1])]) == [
        NEWS[0][0], NEWS[1][0]]
    # a news site's ad slot, and an "Advertising:" lead-in about ad revenue
    assert _headlines([_story(*NEWS[0]), f"<h2>{NEWS[1][0]}</h2><p>ADVERTISEMENT</p>"
                       f"<p>{NEWS[1][1]}</p>", _story(*THIRD)]) == [NEWS[0][0], NEWS[1][0],
                                                                   THIRD[0]]
    revenue = ("<p><b>Advertising:</b> ad revenue rose by a fifth as the assistant brought "
               "more searches.</p>")
    stories, _ = _cut(_html([_story(*NEWS[0]), _story(*NEWS[1]) + revenue]))
    assert "ad revenue rose" in stories[1].text


def test_a_sponsored_line_in_a_link_digest_drops_the_one_link_under_it() -> None:
    links = [("Weather model goes open source", "w"), ("Video model launches", "v"),
             ("Acme notebooks now run agents", "acme"), ("Chipmaker unveils accelerator", "c"),
             ("Regulators probe a chatbot", "r")]
    items = [f'<p><a href="https://news.example/{slug}">{title}</a> - a summary of the news '
             f"in one sentence with enough words to read as text.</p>" for title, slug in links]
    stories = _headlines(["<h1>The link roundup</h1>", *items[:2], "<p>SPONSORED</p>",
                          *items[2:]])
    assert stories == [title for title, slug in links if slug != "acme"]


def test_a_headline_with_dotted_abbreviations_is_not_a_list_of_authors() -> None:
    bold = f"<p><b>A.I. Chatbots and U.S. Teens</b></p><p>{THIRD[1]}</p>"
    assert _headlines([_story(*NEWS[0]), _story(*NEWS[1]), bold]) == [
        NEWS[0][0], NEWS[1][0], "A.I. Chatbots and U.S. Teens"]


def test_a_line_over_the_sign_off_is_not_a_story_of_its_own() -> None:
    links = ('<p><a href="https://paper.example/p">Paper</a> · '
             '<a href="https://code.example/c">Code</a></p>')
    blocks = [_story(*NEWS[0]), _story(*NEWS[1]) + links,
              "<p>Enjoyed this? Forward it to a colleague who reads machine learning papers.</p>"]
    assert _headlines(blocks) == [NEWS[0][0], NEWS[1][0]]
