"""Rendering: golden alert and digest, well-formed headers, hostile story text (invariant 4).

Golden files live in tests/golden/render/; after a deliberate change to the
templates, regenerate them with ``UPDATE_GOLDEN=1 pytest tests/test_render.py``
and review the diff.  The stories below are made up for these tests.
"""

from __future__ import annotations

import base64
import os
import re
import unicodedata
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from service.deliver import links, render
from service.deliver.excerpt_lines import OWN_LINE, wrap_excerpt
from service.deliver.render import EmailIssue, Letterhead, Recipient
from service.deliver.tokens import LinkSigner
from service.errors import InvalidLink

GOLDEN = Path(__file__).resolve().parent / "golden" / "render"
SECRET_KEY = "golden-secret-key-0123456789"
BASE_URL = "https://alerts.example.net"
SENT_AT = datetime(2024, 5, 20, 8, 0, tzinfo=UTC)
CREATED_AT = datetime(2024, 5, 20, 7, 59, 30, tzinfo=UTC)
SUBSCRIBER_ID, LINK_SECRET = 17, "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


class _FixedClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(SENT_AT.timestamp())


class FrozenSigner(LinkSigner):
    """The real signer with its clock stopped, so that signed links are the same every run."""

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        real = super()._serializer(purpose)
        return URLSafeTimedSerializer(SECRET_KEY, salt=real.salt, signer=_FixedClockSigner)


SIGNER = FrozenSigner(SECRET_KEY)
SIGN = (BASE_URL, SIGNER, SUBSCRIBER_ID, LINK_SECRET)
DELIVERY_ID = 5  # the email's delivery, which its feedback links are signed for

LICENCE_BODY = (
    "Lawmakers weigh a licence for large training runs. A draft bill would make any lab "
    "that trains a model above a compute threshold apply for a licence first, file a safety "
    "plan with a new agency, and report incidents within three days. Supporters say it "
    "gives the government a view of frontier work; critics say the threshold will age "
    "badly as chips get cheaper, and that small labs cannot afford the paperwork. A "
    "committee hearing is planned for next month."
)
ROBOT_BODY = (
    "A warehouse robot learns to stack odd boxes\nA team trained a two-armed robot in "
    "simulation to stack parcels of uneven sizes, then moved it to a real warehouse floor."
)
CHIP_BODY = (
    "A new accelerator doubles memory bandwidth. The chip pairs stacked memory with a "
    "wider bus, and its maker claims training runs finish a third sooner."
)


def story(story_id: int, headline: str, body: str, themes: list[str], *,
          urls: list[str] | None = None, issue_url: str | None = None,
          explanations: dict[str, list[str]] | None = None, url: str = "",
          section: str = "") -> render.EmailStory:
    return render.email_story(
        id=story_id, headline=headline, text=body, links=urls or [], themes=themes,
        issue_url=issue_url, explanations=explanations, url=url, section=section)


def alert_issue() -> EmailIssue:
    issue_url = "https://letters.example/issues/7"
    return EmailIssue(
        render.issue_title("Test Letter 7: licences, robots and chips", "Test Letter"),
        "Test Letter", issue_url, (
            story(101, "Lawmakers weigh a licence for large training runs", LICENCE_BODY,
                  ["safety", "policy"], urls=["https://example.org/licence-bill"],
                  explanations={"policy": ["licence", "agency"], "safety": []}),
            story(102, "A warehouse robot learns to stack odd boxes", ROBOT_BODY,
                  ["robotics"], issue_url=issue_url, section="Robotics"),
        ))


def digest_issues() -> list[EmailIssue]:
    first = alert_issue()
    second = EmailIssue("Test Letter 8", "Test Letter", None, (
        story(201, "A new accelerator doubles memory bandwidth", CHIP_BODY, ["compute"],
              urls=["https://example.org/chip-review"], explanations={"compute": ["bandwidth"]},
              url="https://example.org/chip"),
    ))
    return [first, second]


def recipient(themes: tuple[str, ...] = ("safety", "policy", "robotics")) -> Recipient:
    return Recipient("reader@example.com", links.preferences_url(*SIGN),
                     links.unsubscribe_url(*SIGN), themes,
                     links.feedback_base_url(*SIGN, DELIVERY_ID))


def letterhead(delivery_id: int = 5) -> Letterhead:
    return Letterhead("newsalerts <alerts@alerts.example.net>", BASE_URL, SENT_AT,
                      render.delivery_message_id(delivery_id, CREATED_AT, BASE_URL))


def round_trip(message: EmailMessage) -> EmailMessage:
    """What a mail client sees: the rendered bytes, parsed back."""
    parsed = message_from_bytes(message.as_bytes(), policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    return parsed


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML as a reader's client shows them (SMTP's CRLF read as line ends)."""
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return (text.get_content().replace("\r\n", "\n"),
            html.get_content().replace("\r\n", "\n"))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("kind", ["alert", "digest"])
def test_rendered_text_and_html_match_the_golden_files(kind: str) -> None:
    if kind == "alert":
        message = render.render_alert(alert_issue(), recipient(), letterhead())
    else:
        message = render.render_digest("2024-W21", digest_issues(), recipient(), letterhead())

    text, html = parts(round_trip(message))

    check_golden(f"{kind}.txt", text)
    check_golden(f"{kind}.html", html)


def test_subjects_name_the_themes_and_the_source() -> None:
    alert = render.render_alert(alert_issue(), recipient(("policy",)), letterhead())
    digest = render.render_digest("2024-W21", digest_issues(), recipient(), letterhead())

    assert alert["Subject"] == "[newsalerts] Test Letter 7: 2 stories on policy"
    assert digest["Subject"] == ("[newsalerts] Weekly digest 2024-W21: 3 stories on safety, "
                                 "policy, robotics from Test Letter")


def test_headers_are_present_and_well_formed() -> None:
    rendered = render.render_alert(alert_issue(), recipient(), letterhead(5))
    message = round_trip(rendered)

    assert message.defects == []
    assert all(not header.defects for header in message.values())
    assert str(message["From"]) == "newsalerts <alerts@alerts.example.net>"
    assert message["To"].addresses[0].addr_spec == "reader@example.com"
    assert message["Date"].datetime == SENT_AT
    assert message["Message-ID"] == "<delivery-5.20240520075930@alerts.example.net>"
    assert message["List-Id"] == "newsalerts alerts <alerts.newsalerts.alerts.example.net>"
    unsubscribe = links.unsubscribe_url(*SIGN)
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    # One plain line, as providers read it: not folded into RFC 2047 encoded words.
    assert f"\r\nList-Unsubscribe: <{unsubscribe}>\r\n".encode() in rendered.as_bytes()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_links_are_signed_for_the_subscriber_and_purpose() -> None:
    _, html = parts(round_trip(render.render_alert(alert_issue(), recipient(), letterhead())))
    real = SIGNER  # LinkSigner.verify, with the clock of the day the email was sent

    for purpose in ("unsubscribe", "preferences", "feedback"):
        token = re.search(rf"{BASE_URL}/{purpose}/([^\"/]+)", html)
        assert token is not None, purpose
        signed = real.verify(purpose, token.group(1))
        assert signed.subscriber_id == SUBSCRIBER_ID
        signed.check_owner(LINK_SECRET)


def test_link_tokens_are_itsdangerous_tokens_signed_with_the_purpose_salt() -> None:
    # LinkSigner caches its signers and skips zlib for speed; the tokens must stay standard.
    signer = LinkSigner(SECRET_KEY)
    stock = URLSafeTimedSerializer(SECRET_KEY, salt="newsalerts.feedback")
    token = signer.sign("feedback", SUBSCRIBER_ID, LINK_SECRET, story=5)
    assert stock.loads(token)["story"] == 5
    assert signer.verify("feedback", stock.dumps({"s": 3, "f": "x", "story": 9})).extra == {
        "story": 9}
    with pytest.raises(InvalidLink):
        signer.verify("unsubscribe", token)  # another purpose, another salt
    for _ in range(2):  # the cached signer and key give the same answer every time
        assert signer.verify("feedback", token).subscriber_id == SUBSCRIBER_ID


def test_the_same_delivery_always_gets_the_same_message_id() -> None:
    first = render.render_alert(alert_issue(), recipient(), letterhead(9))
    again = render.render_alert(alert_issue(), recipient(),
                                replace_date(letterhead(9), datetime(2024, 6, 1, tzinfo=UTC)))
    other = render.render_alert(alert_issue(), recipient(), letterhead(10))

    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]


def replace_date(head: Letterhead, date: datetime) -> Letterhead:
    return Letterhead(head.sender, head.base_url, date, head.message_id)


def test_every_email_is_multipart_text_and_html_without_scripts_or_remote_resources() -> None:
    emails = [
        render.render_alert(alert_issue(), recipient(), letterhead()),
        render.render_digest("2024-W21", digest_issues(), recipient(), letterhead()),
        render.render_confirmation("new@example.com", links.confirm_url(*SIGN), ["safety"],
                                   letterhead()),
    ]
    for sent in emails:
        message = round_trip(sent)
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain",
                                                                         "text/html"]
        _, html = parts(message)
        assert not re.search(r"<(script|link|img|iframe|object|style)\b", html, re.I)
        assert "@import" not in html and "url(" not in html
        assert "style=" in html  # inline CSS


def test_confirmation_email_carries_the_link_and_no_list_headers() -> None:
    url = links.confirm_url(*SIGN)
    message = round_trip(render.render_confirmation("new@example.com", url, ["safety"],
                                                    letterhead()))
    text, html = parts(message)

    assert url in text and f'href="{url}"' in html
    assert message["To"].addresses[0].addr_spec == "new@example.com"
    assert message["List-Unsubscribe"] is None


HOSTILE_HEADLINE = "Breaking <script>alert('x')</script>\r\nBcc: victim@example.com"
HOSTILE_BODY = (HOSTILE_HEADLINE + "\nThe total is {{ 7*7 }} and {% raw %}{{ config }}"
                + ' <img src=x onerror="alert(1)"> <a href="javascript:alert(2)">click</a>')


def hostile_issue() -> EmailIssue:
    bad = story(666, HOSTILE_HEADLINE, HOSTILE_BODY, ["safety"], urls=[
        "javascript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=",
        "https://ok.example/\r\nX-Injected: yes", "vbscript:msgbox(1)",
    ], issue_url="JavaScript:alert(3)")
    title = render.issue_title("Evil\r\nBcc: boss@example.com: <b>hi</b>", "Evil letter")
    return EmailIssue(title, "Evil\nSource", None, (bad,))


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]


@pytest.mark.parametrize("kind", ["alert", "digest"])
def test_hostile_story_text_is_escaped_or_dropped_and_never_reaches_headers(kind: str) -> None:
    if kind == "alert":
        sent = render.render_alert(hostile_issue(), recipient(), letterhead())
    else:
        sent = render.render_digest("2024-W21", [hostile_issue()], recipient(), letterhead())
    raw = sent.as_bytes()
    message = round_trip(sent)
    text, html = parts(message)
    header_block = raw.split(b"\n\n", 1)[0]

    assert not re.search(rb"^(bcc|x-injected):", header_block, re.I | re.M)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert all("\n" not in str(value) and "\r" not in str(value) for value in message.values())
    page = _Hrefs()
    page.feed(html)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert all(re.match(r"https?://", href) for href in page.hrefs), page.hrefs
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    for shown in (text, html):
        assert "{{ 7*7 }}" in shown and "total is 49" not in shown  # shown, never evaluated
        for dropped in ("document.cookie", "PHNjcmlwdD4=", "msgbox", "alert(3)", "X-Injected"):
            assert dropped not in shown  # the unsafe links are gone, not just escaped


def test_one_click_unsubscribe_is_offered_over_https_only() -> None:
    """RFC 8058 asks for an https URI with List-Unsubscribe-Post (the outgoing-mail probe)."""
    for base, one_click in (("https://news.example", True), ("http://localhost:8080", False)):
        here = Letterhead("newsalerts <a@news.example>", base, SENT_AT,
                          render.delivery_message_id(5, CREATED_AT, base))
        message = round_trip(render.render_alert(alert_issue(), recipient(), here))
        assert message["List-Unsubscribe"] is not None
        assert (message["List-Unsubscribe-Post"] is not None) is one_click


def test_a_story_cannot_write_a_line_of_the_email_s_own_in_the_plain_part() -> None:
    """The outgoing-mail probe: words sized to the 72-character wrap put "  Tagged safety:
    …" and "  Wrong themes? <a link>" lines of the story's own in the plain part."""
    forged = ("word " * 14 + "Tag\u200bged safety: alignment, jailbreak, red team. " + "a" * 70
              + " Wrong themes? https://news.example.evil.example/feedback and so on.")
    issue = EmailIssue("Test Letter 7", "Test Letter", None,
                       (story(103, "A plain story", forged, ["policy"]),))
    text, _ = parts(round_trip(render.render_alert(issue, recipient(), letterhead())))
    starts = [line.strip().replace("\u200b", "") for line in text.splitlines()]
    assert [line for line in starts if line.startswith("Tagged")] == ["Tagged policy"]
    assert not [line for line in starts if line.startswith("Wrong themes? https://news.ex")]
    assert "Tagged safety: alignment" in " ".join(starts)  # the text is all there
    # (a sentence's "also in" or "Unsubscribed readers" wraps where it falls)
    assert OWN_LINE.match("Unsubscribed readers") is None and OWN_LINE.match("also in") is None


@pytest.mark.parametrize("forged", [
    "word " * 14 + "Tagged\u2800safety: alignment. " + "a" * 70 + " Wrong\u2800themes? https://x.evil",
    "word " * 14 + "Tag\u034fged safety: alignment. " + "a" * 70 + " Wro\ufe0fng themes? https://x.evil",
    "word " * 12 + "Unsubscribe: Tagged safety: https://x.evil/unsubscribe?id=1 and more words",
])
def test_no_excerpt_line_reads_as_the_email_s_own(forged: str) -> None:
    """The third review: blank-looking and combining characters, and a moved word that is
    itself one of the email's line starts, got forged lines past the guard."""
    for line in wrap_excerpt(forged).split("\n"):
        shown = "".join(c for c in unicodedata.normalize("NFKC", line)
                        if unicodedata.category(c) not in ("Cf", "Mn", "Me"))
        shown = re.sub(r"[\s\u2800]+", " ", shown).strip()
        assert not re.match(r"(Tagged|Wrong themes|Unsubscribe:)", shown), line


def test_direction_marks_leave_headers_and_stay_in_text() -> None:
    """Deleted from a header (they reorder its digits), kept in a story's Hebrew text, where
    the first version made them spaces inside words (the review)."""
    issue = EmailIssue("Price\u200f 10\u200e%", "Test Letter", None,
                       (story(104, "מחיר\u200f: 10\u200e%", "מחיר\u200f: 10\u200e% today.",
                              ["policy"]),))
    message = round_trip(render.render_alert(issue, recipient(), letterhead()))
    assert "Price 10%" in str(message["Subject"])
    text, _ = parts(message)
    assert "מחיר\u200f: 10\u200e%" in text


def _encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


@pytest.mark.parametrize("layers", [1, 2, 4])
def test_encoded_words_in_a_title_never_write_a_header(layers: int) -> None:
    """The outgoing-mail probe: a newsletter's subject holding an encoded word (sent
    double-encoded, or kept raw past 2,000 characters) was decoded as the alert's Subject
    was written, and its CR LF wrote a Reply-To and a second From into every alert."""
    hidden = "Sample \r\nReply-To: x@evil.example\r\nFrom: PayPal <s@paypal.example>\x00\u202e"
    for _ in range(layers):
        hidden = _encoded(hidden)
    issue = EmailIssue(hidden, "Sample", None, hostile_issue().stories)
    raw = render.render_alert(issue, recipient(), letterhead()).as_bytes()
    header_block = raw.split(b"\n\n", 1)[0]
    assert not re.search(rb"^(reply-to|from: paypal)", header_block, re.I | re.M)
    assert b"\x00" not in header_block
    message = round_trip(render.render_alert(issue, recipient(), letterhead()))
    assert message["Reply-To"] is None and len(message.get_all("From")) == 1
    assert "\u202e" not in str(message["Subject"]) and "Reply-To" in str(message["Subject"])


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/a?b=1&c=2", True),
    ("http://example.org/", True),
    ("HTTPS://EXAMPLE.ORG/", True),
    ("javascript:alert(1)", False),
    ("https://evil.example\\.example.org/", False),  # a browser opens evil.example
    (" javascript:alert(1)", False),
    ("data:text/html,hi", False),
    ("mailto:someone@example.org", False),
    ("//example.org/no-scheme", False),
    ("https:///no-host", False),
    ("https://example.org/a\nb", False),
    ("https://example.org/a b", False),
    ("https://example.org/" + "a" * 1000, False),
    ("", False),
    ("http://good.example@evil.example/phish", False),
    ("https://user:pass@example.org/", False),
    ("https://example.org/@someone/post", True),
])
def test_only_absolute_http_urls_are_kept(url: str, kept: bool) -> None:
    assert (render.safe_url(url) is not None) is kept


@pytest.mark.parametrize(("url", "shown"), [
    ("https://\u0430pple.com/login", "https://xn--pple-43d.com/login"),  # a Cyrillic "а"
    ("https://münchen.de/rathaus?q=ü", "https://xn--mnchen-3ya.de/rathaus?q=ü"),
    ("https://example.org/ü", "https://example.org/ü"),  # (only the host)
])
def test_a_host_in_another_script_is_shown_in_ascii(url: str, shown: str) -> None:
    """The outgoing-mail probe: "аpple.com" went out as it looks, as browsers never show it."""
    assert render.safe_url(url) == shown


def test_excerpt_skips_the_headline_and_cuts_at_a_word() -> None:
    cut = render.excerpt("Lawmakers weigh a licence for large training runs", LICENCE_BODY)

    assert cut.startswith("A draft bill would make")
    assert cut.endswith("…") and len(cut) <= render.EXCERPT_CHARS + 1
    assert LICENCE_BODY.replace("\n", " ").find(cut[:-1]) > 0
    assert cut[:-1].split()[-1] in LICENCE_BODY.split()  # a whole word before the ellipsis
    assert render.excerpt("Short", "Short\nJust this.") == "Just this."


@pytest.mark.parametrize(("subject", "title"), [
    ("Import AI 373: Guaranteed safety; West VS East", "Import AI 373"),
    ("", "Import AI"),
    ("No colon in this subject", "Import AI"),
    ("A colon very far away " + "x" * 80 + ": tail", "Import AI"),
    # a subject that names the newsletter, without a colon (a new operator's review: every
    # issue's alert read "Last Week in AI: …" or "ThursdAI: …")
    ("Import AI #374", "Import AI #374"),
    ("📆 Import AI - Sep 11 - SeeDream 4, Lucy 14B, ChatGPT gets MCP & more", "Import AI - Sep 11"),
    ("Import AI" + " - x" * 100_000, "Import AI"),
    ("Import AI #374 - GPT-5, Claude and more", "Import AI #374"),  # no date after the name
    ("Email from the team | Sep 11", "Import AI"),  # not named: "AI" is no word of it either
    # a date after the colon is what tells issues apart (a user's review: every Batch alert
    # read "The Batch @ DeepLearning.AI: 2 stories on policy")
    ("The Batch @ DeepLearning.AI: March 12, 2025", "The Batch @ DeepLearning.AI - March 12, 2025"),
    ("Import AI: 12 Mar", "Import AI - 12 Mar"),
    ("Import AI: 2025-03-12", "Import AI - 2025-03-12"),
    ("Import AI: March madness in chips", "Import AI"),
    ("Import AI: March 12, 2025 and the week in evals", "Import AI"),
])
def test_issue_title_is_the_subject_before_its_colon(subject: str, title: str) -> None:
    assert render.issue_title(subject, "Import AI") == title


def test_a_one_line_item_s_excerpt_skips_its_headline_both_times() -> None:
    text = "Baidu unveils Ernie 4.0\nBaidu unveils Ernie 4.0 - The search company says it rivals."
    assert render.excerpt("Baidu unveils Ernie 4.0", text) == "The search company says it rivals."
    # once only when the text goes on as a sentence, not as the item's line (the review)
    assert render.excerpt("OpenAI", "OpenAI\nOpenAI released GPT-5 today.") == (
        "OpenAI released GPT-5 today.")


def test_a_short_source_name_matches_whole_words_only() -> None:
    assert render.issue_title("Email from the team | Sep 11", "AI") == "AI"


def test_a_templates_override_directory_is_used(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "email").mkdir()
    for name in ("alert.txt", "alert.html"):
        (tmp_path / "email" / name).write_text(f"custom {name}: {{{{ issue.title }}}}\n")
    monkeypatch.setenv(render.TEMPLATES_ENV, str(tmp_path))

    text, html = parts(render.render_alert(alert_issue(), recipient(), letterhead()))

    assert (text, html) == ("custom alert.txt: Test Letter 7\n",
                            "custom alert.html: Test Letter 7\n")


def test_missing_template_values_fail_loudly(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2 import UndefinedError

    (tmp_path / "email").mkdir()
    for name in ("alert.txt", "alert.html"):
        (tmp_path / "email" / name).write_text("{{ issue.no_such_field }}\n")
    monkeypatch.setenv(render.TEMPLATES_ENV, str(tmp_path))

    with pytest.raises(UndefinedError):
        render.render_alert(alert_issue(), recipient(), letterhead())



def test_long_lines_and_accents_survive_the_transfer_encodings() -> None:
    body = "Café robots " + "&<&< " * 60  # escaped, one line too long for 7-bit
    issue = EmailIssue("Test Letter 9", "Test Letter", None, (
        story(301, "Crème brûlée robots", body, ["robotics"]),))
    sent = render.render_alert(issue, recipient(), letterhead())
    raw = sent.as_bytes()

    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    message = round_trip(sent)
    encodings = [str(p["Content-Transfer-Encoding"]) for p in message.iter_parts()]
    assert encodings == ["quoted-printable", "quoted-printable"]
    text, html = parts(message)
    assert "Crème brûlée robots" in text and "Crème brûlée robots" in html
    assert "&amp;&lt;&amp;&lt; " * 50 in html and text.count("&<&<") >= 50
    golden_html = round_trip(render.render_alert(alert_issue(), recipient(), letterhead()))
    assert [str(p["Content-Transfer-Encoding"]) for p in golden_html.iter_parts()] == [
        "quoted-printable", "7bit"]  # the excerpt's "…" needs QP in text, a reference in HTML


def test_a_story_shows_its_section_and_links_to_its_own_url() -> None:
    robot = story(1, "Tesla unveils a robot", "Tesla unveils a robot\nIt folds laundry.",
                  ["robotics"], urls=["https://example.org/other"], section="Robotics",
                  url="https://example.org/robot")
    assert (robot.section, robot.url) == ("Robotics", "https://example.org/robot")
    message = render.render_alert(EmailIssue("Letter 1", "Letter", None, (robot,)), recipient(),
                                  letterhead())
    text, html = parts(round_trip(message))
    assert "* Robotics · Tesla unveils a robot" in text
    assert "Robotics &middot; </span>" in html or "Robotics · </span>" in html
    # A section that only repeats the headline, or reads like a sentence, is not shown.
    assert story(2, "Robotics", "x", [], section="Robotics").section == ""
    assert story(3, "A", "x", [], section="Open Source LLMs: Mistral Goes Reasoning Mode and More"
                 ).section == ""


def test_a_short_story_is_said_to_be_fiction_in_both_parts() -> None:
    """A new operator's review: Import AI's Tech Tales went out like news items."""
    tale = render.email_story(id=301, headline="Some monsters are too dangerous to hunt",
                              text="[A research lab, 2031]\nThe model would not stop talking.",
                              links=[], themes=["safety"], section="Tech Tales", fiction=True)
    issue = EmailIssue("Test Letter 9", "Test Letter", None, (tale,))
    text, html = parts(render.render_alert(issue, recipient(), letterhead()))
    assert "* Fiction · Some monsters are too dangerous to hunt" in text
    assert "Fiction &middot; </span>Some monsters" in html
    news = parts(render.render_alert(alert_issue(), recipient(), letterhead()))
    assert "Fiction" not in news[0] and "Fiction" not in news[1]


def test_a_long_email_also_has_its_way_out_at_its_top() -> None:
    """A user's review: a 150-story alert's HTML part was 188 KB, its unsubscribe link at
    byte 187,083; Gmail cuts an HTML part after about 102 KB, footer and all.  Over 10
    stories, the preferences and unsubscribe links are at the top too."""
    unsubscribe = links.unsubscribe_url(*SIGN)
    long = EmailIssue("Test Letter 9", "Test Letter", None, tuple(
        story(300 + n, f"Harbour item {n} reaches the council", ROBOT_BODY, ["robotics"])
        for n in range(11)))
    _, html = parts(round_trip(render.render_alert(long, recipient(), letterhead())))
    assert html.count(f'href="{unsubscribe}"') == 2
    assert html.index(f'href="{unsubscribe}"') < html.index("Harbour item 0")
    _, short = parts(round_trip(render.render_alert(alert_issue(), recipient(), letterhead())))
    assert short.count(f'href="{unsubscribe}"') == 1
    digest = render.render_digest("2024-W20", [long], recipient(), letterhead())
    assert parts(round_trip(digest))[1].count(f'href="{unsubscribe}"') == 2
