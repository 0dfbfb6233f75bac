"""The editor's review queue: log in, see the least certain stories, confirm or fix.

Confirm stores the themes the model assigned as the editor's label; fix
stores the ticked ones.  Both are one POST each, with CSRF, and come back to
the same place in the queue.
"""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from service.classify.label_rows import save_label
from service.db.database import transaction
from service.db.tables import Story
from service.events.shown import events_for_review
from service.web import editor_auth
from service.web.forms import FormError, parse_themes
from service.web.review_queue import current_themes, review_queue
from service.web.views.base import Page, submitted_form

log = logging.getLogger(__name__)

EDITOR = "editor"


class ReviewClosed(Forbidden):
    description = ("The review page is closed because no editor password is set. "
                   "Set [admin] password in the configuration to open it.")


class EditorPage(Page):
    """A page only a logged-in editor sees; others are sent to the login form."""

    def editor(self) -> str | None:
        if not editor_auth.review_is_open(self.ctx.settings):
            raise ReviewClosed()
        return editor_auth.current_editor(self.ctx.settings)


class ReviewPage(EditorPage):
    def get(self) -> str | Response:
        editor = self.editor()
        if editor is None:
            return redirect(url_for("review_login"))
        with transaction(self.ctx.sessions) as session:
            items = review_queue(session)
            events = events_for_review(session, [item.story_id for item in items])
        return render_template("pages/review.html", editor=editor, items=items, events=events)


class LoginPage(EditorPage):
    def get(self) -> str | Response:
        if self.editor() is not None:
            return redirect(url_for("review"))
        return render_template("pages/login.html", username="")

    def post(self) -> tuple[str, int] | Response:
        self.editor()
        form = submitted_form()
        username = form.get("username")
        if not editor_auth.credentials_match(self.ctx.settings, username, form.get("password")):
            log.warning("failed editor login")
            page = render_template("pages/login.html", username=username,
                                   error="That username and password do not match.")
            return page, 401
        editor_auth.log_in(username)
        log.info("editor logged in")
        return redirect(url_for("review"))


class LogoutAction(EditorPage):
    def post(self) -> Response:
        editor_auth.log_out()
        return redirect(url_for("review_login"))


class LabelAction(EditorPage):
    """POST-only: store an editor label for one story, then back to the queue."""

    def post(self, story_id: int) -> Response:
        editor = self.editor()
        if editor is None:
            return redirect(url_for("review_login"))
        with transaction(self.ctx.sessions) as session:
            story = session.get(Story, story_id)
            if story is None:
                raise NotFound("That story is no longer stored.")
            themes = self.themes(story)
            save_label(session, story.id, themes, EDITOR, editor)
            headline = story.headline
        flash(f"Saved “{_short(headline)}” as: {', '.join(themes) or 'no theme'}.")
        return redirect(url_for("review") + f"#story-{story_id}")

    def themes(self, story: Story) -> list[str]:
        raise NotImplementedError


class ConfirmThemes(LabelAction):
    def themes(self, story: Story) -> list[str]:
        return current_themes(story)


class FixThemes(LabelAction):
    def themes(self, story: Story) -> list[str]:
        try:
            return parse_themes(submitted_form())
        except FormError as exc:
            abort(400, description=str(exc))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
