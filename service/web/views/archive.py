"""The story archive on the web: /stories, /themes/<theme> and /stories/<id>.

Lists are newest first, paged, with a search box; each story has a page with
its themes, their explanation and the issue it came from.  ``[web]
public_archive`` decides who may read: everybody, or (false, for a private
deployment) only the signed-in editor, for these pages and the feeds alike.
"""

from __future__ import annotations

import dataclasses

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import Forbidden, NotFound, ServiceUnavailable

from service.db.database import transaction
from service.deliver.mime import safe_url
from service.web import editor_auth
from service.web.archive_query import (
    MAX_SEARCH_CHARS,
    also_in,
    known_theme,
    listing,
    one_story,
)
from service.web.review_queue import editor_label
from service.web.views.base import Page

ALL = "all"
PAGE_SIZE = 20
MAX_PAGE = 10_000
# A search reads its matches up to the page asked for: its first 1,000 are enough to browse,
# and a deep page of a broad search cost seconds of the database (the web attacker's probe).
MAX_SEARCH_PAGE = 50
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement past its timeout


class ArchiveClosed(Forbidden):
    description = ("This archive is private. Sign in as the editor to read it "
                   "([web] public_archive is false).")


def theme_path(theme: str | None) -> str:
    return f"/themes/{theme}" if theme else "/stories"


def feed_path(theme: str | None) -> str:
    return f"/feeds/{theme or ALL}.atom"


class ArchiveGate(Page):
    """A page of the archive: open to all, or to the editor only."""

    def public(self) -> bool:
        return self.ctx.settings.web.public_archive

    def editor(self) -> str | None:
        with transaction(self.ctx.sessions) as session:
            return editor_auth.current_editor(session, self.ctx.settings)

    def admit(self, *, page: bool) -> None:
        if self.public() or self.editor() is not None:
            return
        if page and editor_auth.review_is_open(self.ctx.settings):
            abort(redirect(url_for("review_login")))
        raise ArchiveClosed()


class ListPage(ArchiveGate):
    """A page of stories, newest first: all of them, or one theme's."""

    def list_page(self, theme: str | None) -> str:
        self.admit(page=True)
        search = request.args.get("q", "").strip()[:MAX_SEARCH_CHARS]  # (echoed in the page)
        number = min(max(request.args.get("page", 1, type=int) or 1, 1),
                     MAX_SEARCH_PAGE if search else MAX_PAGE)
        try:
            with transaction(self.ctx.sessions) as session:
                found = listing(session, theme, page=number, size=PAGE_SIZE, search=search)
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
                raise
            raise ServiceUnavailable("That search took too long. Try more specific words.") from exc
        if search and number == MAX_SEARCH_PAGE:
            found = dataclasses.replace(found, has_more=False)
        return render_template("pages/archive.html", theme=theme, search=search,
                               listing=found, feed=feed_path(theme), editor=self.editor())


class StoriesPage(ListPage):
    def get(self) -> str:
        return self.list_page(None)


class ThemePage(ListPage):
    def get(self, theme: str) -> str:
        if not known_theme(theme):
            raise NotFound(f"There is no theme called {theme!r}.")
        return self.list_page(theme)


class StoryPage(ArchiveGate):
    def get(self, story_id: int) -> str:
        self.admit(page=True)
        with transaction(self.ctx.sessions) as session:
            story = one_story(session, story_id)
            covered = also_in(session, story_id)  # the same news in other stories
            label = editor_label(session, story_id)  # (the editor's form carries it back)
        if story is None:
            raise NotFound("That story is not stored here.")
        first_theme = story.themes[0] if story.themes else None
        # Links come from the newsletter: only http(s) ones become links here.
        links = [(text, url) for text, url in ((t, safe_url(u)) for t, u in story.links) if url]
        return render_template("pages/story.html", story=story, editor=self.editor(),
                               own_url=safe_url(story.own_url), links=links, also_in=covered,
                               editor_themes=label,
                               feed_name=first_theme or ALL, feed=feed_path(first_theme))
