"""The editor's review queue: log in, see the least certain stories, confirm or fix.

Confirm stores the themes the model assigned as the editor's label; fix
stores the ticked ones.  Both are one POST each, with CSRF, and come back to
the same place in the queue.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from service.classify.editor_tags import EDITOR, label_story_themes
from service.classify.label_rows import save_label
from service.db.database import transaction
from service.db.tables import Story
from service.domain import THEMES
from service.events.shown import events_for_review
from service.web import editor_auth, throttle
from service.web.archive_query import MAX_SEARCH_CHARS
from service.web.forms import FormError, parse_themes
from service.web.review_queue import (
    RECENT_STORIES,
    Filters,
    current_themes,
    editor_label,
    label_seen,
    review_queue,
    sources,
)
from service.web.views.base import Page, client_address, submitted_form

log = logging.getLogger(__name__)

MAX_PAGE = 100  # (the queue reads at most RECENT_STORIES + DISPUTED stories anyway)


class ReviewClosed(Forbidden):
    description = ("The review page is closed because no editor password is set. "
                   "Set [admin] password in the configuration to open it.")


class EditorPage(Page):
    """A page only a logged-in editor sees; others are sent to the login form."""

    def editor(self) -> str | None:
        if not editor_auth.review_is_open(self.ctx.settings):
            raise ReviewClosed()
        with transaction(self.ctx.sessions) as session:
            return editor_auth.current_editor(session, self.ctx.settings)


class ReviewPage(EditorPage):
    def get(self) -> str | Response:
        editor = self.editor()
        if editor is None:
            return redirect(url_for("review_login"))
        page = min(request.args.get("page", default=0, type=int) or 0, MAX_PAGE)
        theme = request.args.get("theme", "")
        filters = Filters(theme=theme if theme in THEMES else "",
                          source=request.args.get("source", "")[:MAX_SEARCH_CHARS],
                          text=request.args.get("q", "").strip()[:MAX_SEARCH_CHARS])
        with transaction(self.ctx.sessions) as session:
            queue = review_queue(session, page=page, filters=filters)
            events = events_for_review(session, [item.story_id for item in queue.items])
            newsletters = sources(session)
        # (a mistyped link's theme was dropped without a word: the editor's probe)
        unknown = theme and not filters.theme
        return render_template("pages/review.html", editor=editor, items=queue.items,
                               queue=queue, events=events, filters=filters,
                               newsletters=newsletters, window=RECENT_STORIES,
                               filter_error=f"There is no theme called “{theme[:40]}”: the "
                               "queue shows every theme." if unknown else "")


class LoginPage(EditorPage):
    def get(self) -> str | Response:
        if self.editor() is not None:
            return redirect(url_for("review"))
        return render_template("pages/login.html", username="")

    def post(self) -> tuple[str, int] | tuple[str, int, dict[str, str]] | Response:
        self.editor()
        form = submitted_form()
        username, client, now = form.get("username"), client_address(), self.ctx.now()
        known = _known_device(username)
        with transaction(self.ctx.sessions) as session:
            wait = throttle.login_wait(session, client, username, now, known_device=known)
            if not wait:
                # Counted as a failure before the password is checked, so that guesses sent
                # side by side cannot all slip in before the first is counted.
                failures = throttle.login_failed(session, client, username, now)
        if wait:
            # The password is not even looked at: guessing on gains nothing.
            log.warning("editor login from %s refused for %ss after too many failures",
                        client, wait)
            return _too_many(username, wait)
        if not editor_auth.credentials_match(self.ctx.settings, username, form.get("password")):
            log.warning("failed editor login from %s (%d failures in a row)", client, failures)
            page = render_template("pages/login.html", username=username,
                                   error="That username and password do not match.")
            return page, 401
        with transaction(self.ctx.sessions) as session:
            throttle.login_succeeded(session, client, username)
            editor_auth.log_in(session, self.ctx.settings, username)
        log.info("editor logged in from %s", client)
        response = redirect(url_for("review"))
        response.set_cookie(DEVICE_COOKIE, _device_signer().dumps({"u": _name(username)}),
                            max_age=DEVICE_DAYS * 86400, path="/review", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"],
                            samesite="Strict")
        return response


# A browser the editor logged in from carries a signed cookie naming them: a username
# locked by failures from elsewhere still lets it in (its own address's count still holds).
# Without it, anybody could keep the editor out for good by sending one wrong guess as each
# delay ran out (a read-only review; OWASP's "device cookies").
DEVICE_COOKIE = "newsalerts_editor_device"
DEVICE_DAYS = 180


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]),
                                  salt="newsalerts.editor-device")


def _name(username: str) -> str:
    return username.strip().lower()


def _known_device(username: str) -> bool:
    cookie = request.cookies.get(DEVICE_COOKIE, "")
    if not cookie or len(cookie) > 500:
        return False
    try:
        signed = _device_signer().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return isinstance(signed, dict) and signed.get("u") == _name(username)


def _too_many(username: str, wait: int) -> tuple[str, int, dict[str, str]]:
    minutes = -(-wait // 60)
    page = render_template("pages/login.html", username=username,
                           error=f"Too many failed logins. Try again in {minutes} "
                                 f"minute{'s' if minutes != 1 else ''}.")
    return page, 429, {"Retry-After": str(wait)}


class LogoutAction(EditorPage):
    def post(self) -> Response:
        if self.editor() is None:  # a stranger must not end the editor's sessions
            cookie_session.clear()
            return redirect(url_for("review_login"))
        everywhere = request.form.get("everywhere") == "1"
        with transaction(self.ctx.sessions) as db:
            editor_auth.log_out(db, self.ctx.settings, everywhere=everywhere)
        log.info("editor logged out%s", ": every editor session ended" if everywhere else "")
        return redirect(url_for("review_login"))


class LabelAction(EditorPage):
    """POST-only: store an editor label for one story, then back to the queue."""

    def post(self, story_id: int) -> Response:
        editor = self.editor()
        if editor is None:  # (said: the label was lost without a word, a user's review)
            flash(f"You were logged out, so story {story_id} was not saved. Log in and label "
                  "it again.")
            return redirect(url_for("review_login"))
        with transaction(self.ctx.sessions) as session:
            # Locked until commit: two forms posted at once would each find the label they
            # showed, and both be saved (PostgreSQL; SQLite writes one at a time anyway).
            story = session.get(Story, story_id, with_for_update=True)
            if story is None:
                raise NotFound("That story is no longer stored.")
            seen = request.form.get("seen_label")  # (absent: a page drawn before it was sent)
            if seen is not None and seen != label_seen(editor_label(session, story.id)):
                abort(409, description="This story was labeled again (in another tab, or by "
                                       "another editor) since the page was shown, so nothing "
                                       "was saved. Reload the review page and check its label.")
            themes = self.themes(story)
            save_label(session, story.id, themes, EDITOR, editor)
            label_story_themes(session, story.id, themes, self.ctx.now())  # readers' too
            headline = story.headline
        flash(f"Saved “{_short(headline)}” as: {', '.join(themes) or 'no theme'}.")
        return redirect(url_for("review") + f"#story-{story_id}")

    def themes(self, story: Story) -> list[str]:
        raise NotImplementedError


class ConfirmThemes(LabelAction):
    """The themes the editor saw (the form's ``shown``), only while the story still has
    them: a story retagged after the page was drawn is not labeled with themes nobody saw
    (a read-only review)."""

    def themes(self, story: Story) -> list[str]:
        try:
            shown = parse_themes(submitted_form(), "shown")
        except FormError as exc:
            abort(400, description=str(exc))
        if shown != current_themes(story):
            abort(409, description="This story was tagged again since the page was shown, "
                                   "so nothing was saved. Reload the review page and check "
                                   "its themes.")
        return shown


class FixThemes(LabelAction):
    def themes(self, story: Story) -> list[str]:
        try:
            return parse_themes(submitted_form())
        except FormError as exc:
            abort(400, description=str(exc))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
