"""Render: what a delivery holds, as a well-formed multipart email (invariant 4).

Pure: plain values in (``EmailStory``, ``EmailIssue``, ``Recipient``,
``Letterhead``), an email out; compose.py reads the database and signs links.
Story text is untrusted (anybody can imitate a newsletter), so it reaches the
Jinja2 templates only as variables, and HTML templates autoescape: ``<script>``
is shown, never run, and ``{{ 7*7 }}`` is text, never evaluated.  Headers and
links are guarded in mime.py (``one_line``, ``safe_url``).

The templates run once per draft (see mime.py): ``draft_alert`` and
``draft_digest`` for the sender's mail merge; ``render_alert``,
``render_digest`` and ``render_confirmation`` do the same for one recipient
and return an ``EmailMessage``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service.deliver.excerpt_lines import wrap_excerpt
from service.deliver.links import story_feedback_url
from service.deliver.mime import (
    POLICY,
    Draft,
    Letterhead,
    list_host,
    one_line,
    personalise,
    safe_url,
    slot,
)
from service.domain import THEMES
from service.paths import project_file

__all__ = [
    "AlsoIn", "Draft", "EmailIssue", "EmailStory", "Letterhead", "Recipient", "delivery_message_id",
    "draft_alert", "draft_confirmation", "draft_digest", "email_story", "excerpt",
    "issue_title", "list_host", "one_line", "personal_links", "personalise", "render_alert",
    "render_confirmation", "render_digest", "safe_url", "slot", "templates_dir",
]

TEMPLATES_ENV = "NEWSALERTS_TEMPLATES"  # override for installed copies
EXCERPT_CHARS = 300
TITLE_MAX_CHARS = 60
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# a date part after the name: "Sep 11", "11 September 2025", "2025-09-11", "9/11"
TITLE_DATE = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}}\b|\d{{1,2}}\s+{_MONTH}|(?:19|20)\d\d\b"
                        r"|\d{1,2}/\d{1,2}\b)", re.IGNORECASE)
_YEAR = r"(?:19|20)\d\d"
# a subject's whole part after its colon that is a date: "March 12, 2025", "12 Mar", "2025-03-12"
DATE_ONLY = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+{_YEAR})?|\d{{1,2}}\s+{_MONTH}"
                       rf"(?:\s+{_YEAR})?|{_YEAR}-\d\d-\d\d|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)$",
                       re.IGNORECASE)
TITLE_MAX_PARTS = 6  # (a subject of thousands of parts is not joined thousands of times)
TITLE_PARTS = re.compile(r"\s+[-–—|·]\s+")  # "ThursdAI - Sep 11 - SeeDream 4, …"
ITEM_AGAIN = re.compile(r"\s*[-–—:|]\s")  # "Headline - summary": the item's line
LEADING_MARKS = re.compile(r"^[^\w#]+")  # a subject's emoji: "📆 ThursdAI - …"
SECTION_MAX_CHARS = 40  # longer "sections" are sentences, not names: not shown


@dataclass(frozen=True)
class AlsoIn:
    """Another newsletter that covered the same piece of news, and its story's link."""

    source: str
    url: str | None


@dataclass(frozen=True)
class EmailStory:
    id: int
    headline: str
    excerpt: str
    themes: tuple[str, ...]
    url: str | None  # the original: the story's own link, else its first, else the issue's
    feedback_url: str = ""  # set for a draft: the email's feedback link and this story's id
    explanations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    also_in: tuple[AlsoIn, ...] = ()  # set in digests: the same news in other newsletters
    section: str = ""  # the newsletter's section ("Robotics"), shown before the headline
    fiction: bool = False  # a short story (Import AI's Tech Tales): said so, not sent as news

    @property
    def tags(self) -> tuple[str, ...]:
        """Each theme, with the terms that made the model pick it when known."""
        return tuple(
            f"{theme}: {', '.join(self.explanations[theme])}"
            if self.explanations.get(theme) else theme
            for theme in self.themes
        )


@dataclass(frozen=True)
class EmailIssue:
    title: str  # "Import AI 373"
    source: str  # "Import AI"
    url: str | None
    stories: tuple[EmailStory, ...]


@dataclass(frozen=True)
class Recipient:
    email: str
    preferences_url: str
    unsubscribe_url: str
    themes: tuple[str, ...] = ()  # the themes they follow: the subject names only these
    feedback_url: str = ""  # links.feedback_base_url: each story's link adds the story's id


def excerpt(headline: str, text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a story's body after its headline, cut at a word."""
    body = one_line(text)
    head = one_line(headline)
    if head and body.startswith(head):
        body = body[len(head):].lstrip(" :.-–—")
        # a one-line item's text is its headline over its line, which opens with the headline
        # too ("Headline" / "Headline - summary": segment's shape for the classifier); only
        # then, not "OpenAI" over "OpenAI released GPT-5 today" (the review)
        if ITEM_AGAIN.match(body[len(head):]) and body.startswith(head):
            body = body[len(head):].lstrip(" :.-–—")
    if len(body) <= limit:
        return body
    cut = body[:limit + 1].rsplit(" ", 1)[0] if " " in body[:limit + 1] else body[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def email_story(*, id: int, headline: str, text: str, links: Iterable[str],
                themes: Sequence[str], issue_url: str | None = None,
                explanations: Mapping[str, Sequence[str]] | None = None,
                url: str = "", section: str = "", fiction: bool = False) -> EmailStory:
    """An ``EmailStory`` from a stored story's raw values, cleaned for an email."""
    original = next((found for found in map(safe_url, [url, *links]) if found), None)
    terms = {theme: tuple(one_line(t) for t in (explanations or {}).get(theme, ()) if t.strip())
             for theme in themes}
    return EmailStory(
        id=id, headline=one_line(headline) or "(untitled story)",
        excerpt=excerpt(headline, text), themes=tuple(one_line(t) for t in themes),
        url=original or safe_url(issue_url), explanations=terms,
        section=_section(section, headline), fiction=fiction,
    )


def _section(section: str, headline: str) -> str:
    """A section name worth showing: short, and not a repeat of the headline."""
    name = one_line(section)
    if not name or len(name) > SECTION_MAX_CHARS or name.lower() in one_line(headline).lower():
        return ""
    return name


def issue_title(subject: str, source: str) -> str:
    """How an email names an issue: "Import AI 373" from "Import AI 373: Guaranteed...".

    A newsletter's subject usually opens with its name and number before a colon.  Without
    one, a subject that names the newsletter (as whole words) is its title up to that part,
    and the date after it: "Last Week in AI #242" from "Last Week in AI #242 - GPT-5 and
    more", "ThursdAI - Sep 11" from "📆 ThursdAI - Sep 11 - SeeDream 4, …" (issues of one
    newsletter must not all read alike).  Else the source's name stands in.
    """
    line = one_line(subject)
    head, _, tail = (part.strip() for part in line.partition(":"))
    if head and ":" in line and len(head) <= TITLE_MAX_CHARS:
        # "The Batch @ DeepLearning.AI: March 12, 2025": the date is all that tells it apart
        dated = DATE_ONLY.match(tail) and len(head) + len(tail) + 3 <= TITLE_MAX_CHARS
        return f"{head} - {tail}" if dated else head
    name = one_line(source)
    named = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) if name else None
    parts = TITLE_PARTS.split(LEADING_MARKS.sub("", line), maxsplit=TITLE_MAX_PARTS)
    at = next((i for i, part in enumerate(parts) if named and named.search(part)), None)
    if at is not None:
        end = at + 2 if at + 1 < len(parts) and TITLE_DATE.search(parts[at + 1]) else at + 1
        title = " - ".join(parts[:end])
        if len(title) <= TITLE_MAX_CHARS:
            return title
    return name or "newsletter"


def delivery_message_id(delivery_id: int, created_at: datetime, base_url: str) -> str:
    """A Message-ID that stays the same when the same delivery is sent again.

    The creation time keeps ids from a rebuilt database from colliding with
    ones already in readers' mailboxes (Gmail drops a repeated Message-ID).
    """
    return f"<delivery-{delivery_id}.{created_at:%Y%m%d%H%M%S}@{list_host(base_url)}>"


# --- drafts: the templates, run once per set of stories ------------------------------------


def draft_alert(issue: EmailIssue, followed: Sequence[str], already_got: str = "", *,
                web_links: bool = True) -> Draft:
    """``already_got``: the closing line about stories left out as news the reader has;
    ``web_links``: each story's page and the theme feeds ([web] public_archive)."""
    issue = _slotted(issue)
    summary = _summary(issue.stories, followed)
    subject = f"[newsalerts] {issue.title}: {summary}"
    return _draft("alert", subject, {"issue": issue, "summary": summary,
                                     "already_got": one_line(already_got)}, followed,
                  web_links=web_links)


def draft_digest(week: str, issues: Sequence[EmailIssue], followed: Sequence[str],
                 already_got: str = "", *, web_links: bool = True) -> Draft:
    """``already_got``: the closing line about stories left out as news the reader has
    (an alert on another theme, last week's digest)."""
    issues = [_slotted(issue) for issue in issues]
    summary = _summary([story for issue in issues for story in issue.stories], followed)
    sources = ", ".join(dict.fromkeys(issue.source for issue in issues))
    subject = f"[newsalerts] Weekly digest {week}: {summary}" + (
        f" from {sources}" if sources else "")
    return _draft("digest", subject, {"week": week, "issues": issues, "summary": summary,
                                      "already_got": one_line(already_got)},
                  followed, web_links=web_links)


def requested_themes(asked: Mapping[str, str] | None, stored: Iterable[str]) -> list[str]:
    """The themes a confirmation is for: those the subscribe form asked for, else those stored.

    The one rule for the email (compose.py) and the confirm page (web) alike.
    """
    chosen = set(asked or ()) or set(stored)
    return [theme for theme in THEMES if theme in chosen]


CADENCE_WORDS = {"instant": "an alert per issue", "weekly": "a weekly digest"}


def draft_confirmation(themes: Sequence[str], cadences: Mapping[str, str] | None = None
                       ) -> Draft:
    """The double opt-in email: nothing else is sent until its link is followed.  Each
    theme says how it will come ("safety (an alert per issue)") when ``cadences`` knows."""
    said = {theme: CADENCE_WORDS.get(cadence, "") for theme, cadence in (cadences or {}).items()}
    values = {"confirm_url": slot("confirm"), "email": slot("email"),
              "themes": tuple(one_line(f"{t} ({said[t]})" if said.get(t) else t)
                              for t in themes)}
    return _draft("confirm", "[newsalerts] Please confirm your subscription", values, (),
                  is_list=False)


def _slotted(issue: EmailIssue) -> EmailIssue:
    stories = tuple(replace(s, feedback_url=story_feedback_url(slot("feedback"), s.id))
                    for s in issue.stories)
    return replace(issue, stories=stories)


def _draft(template: str, subject: str, values: dict[str, Any], followed: Sequence[str],
           is_list: bool = True, web_links: bool = True) -> Draft:
    subject = one_line(subject)
    themes = tuple(one_line(theme) for theme in followed)
    recipient = Recipient(slot("email"), slot("preferences"), slot("unsubscribe"), themes)
    # The web app's address: one slot, filled from the letterhead's base_url (mime.py);
    # empty when the archive is private, and the templates then leave its links out.
    site = slot("site") if web_links else ""
    values = {"recipient": recipient, "site": site, **values, "subject": subject}
    env = environment(templates_dir())
    return Draft(subject, env.get_template(f"email/{template}.txt").render(values),
                 env.get_template(f"email/{template}.html").render(values), is_list)


def personal_links(recipient: Recipient, stories: Sequence[EmailStory]) -> dict[str, str]:
    """The links that fill a draft's slots for ``recipient`` (personalise adds the address)."""
    values = {"preferences": recipient.preferences_url, "unsubscribe": recipient.unsubscribe_url}
    if stories:  # their "wrong themes?" links share the one feedback slot
        values["feedback"] = recipient.feedback_url
    return values


# --- the EmailMessage API -----------------------------------------------------------------


def render_alert(issue: EmailIssue, recipient: Recipient, letterhead: Letterhead) -> EmailMessage:
    draft = draft_alert(issue, recipient.themes)
    return _parse(personalise(draft, recipient.email,
                              personal_links(recipient, issue.stories), letterhead))


def render_digest(week: str, issues: Sequence[EmailIssue], recipient: Recipient,
                  letterhead: Letterhead) -> EmailMessage:
    draft = draft_digest(week, issues, recipient.themes)
    stories = [story for issue in issues for story in issue.stories]
    return _parse(personalise(draft, recipient.email, personal_links(recipient, stories),
                              letterhead))


def render_confirmation(email: str, confirm_url: str, themes: Sequence[str],
                        letterhead: Letterhead) -> EmailMessage:
    draft = draft_confirmation(themes)
    return _parse(personalise(draft, email, {"confirm": confirm_url}, letterhead))


def _parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=POLICY)
    assert isinstance(message, EmailMessage)
    return message


def _summary(stories: Sequence[EmailStory], followed: Sequence[str]) -> str:
    """ "2 stories on safety, policy": the followed themes among the stories' themes."""
    present = {theme for story in stories for theme in story.themes}
    chosen = present & set(followed) or present
    themes = [t for t in THEMES if t in chosen] + sorted(chosen - set(THEMES))
    count = f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}"
    return f"{count} on {', '.join(themes)}" if themes else count


def templates_dir() -> Path:
    """$NEWSALERTS_TEMPLATES, else the clone's templates/, else the copy the package ships."""
    override = os.environ.get(TEMPLATES_ENV)
    if override:
        return Path(override)
    return project_file("templates")


@lru_cache(maxsize=4)
def environment(directory: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals["THEMES"] = THEMES
    env.filters["excerpt_lines"] = wrap_excerpt
    return env

