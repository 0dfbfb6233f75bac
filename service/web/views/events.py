"""The review page's event corrections: split a story out of an event, merge two events.

Editors only, one POST each with CSRF; both land in ``event_decisions``
(service/events/editors.py), so re-matching never undoes them and
`newsalerts events tune` learns from them.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from werkzeug.wrappers import Response

from service.db.database import transaction
from service.errors import EventError
from service.events import editors
from service.web.views.base import MAX_ROW_ID, submitted_form
from service.web.views.review import EditorPage


class SplitFromEvent(EditorPage):
    def post(self, event_id: int, story_id: int) -> Response:
        editor = self.editor()
        if editor is None:
            return redirect(url_for("review_login"))
        try:
            with transaction(self.ctx.sessions) as session:
                left_in = editors.split_story(session, story_id, event_id, editor,
                                              self.ctx.now())
        except EventError as exc:
            abort(400, description=str(exc))
        flash(f"Story {story_id} is out of event {event_id} (now in event {left_in}).")
        return redirect(url_for("review") + f"#story-{story_id}")


class MergeEvents(EditorPage):
    def post(self, event_id: int) -> Response:
        editor = self.editor()
        if editor is None:
            return redirect(url_for("review_login"))
        into = submitted_form().get("into", "").strip().lstrip("#")
        if not (into.isascii() and into.isdigit()) or len(into) > 10 or int(into) > MAX_ROW_ID:
            # ("²".isdigit() is True and int("²") fails; a number past a row id's range
            # failed in the database)
            abort(400, description="Give the number of the event to merge into.")
        try:
            with transaction(self.ctx.sessions) as session:
                moved = editors.merge_events(session, event_id, int(into), editor,
                                             self.ctx.now())
        except EventError as exc:
            abort(400, description=str(exc))
        flash(f"Merged event {event_id} into event {into} ({moved} "
              f"{'story' if moved == 1 else 'stories'} moved).")
        return redirect(url_for("review"))
