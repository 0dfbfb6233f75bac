"""The pages of the web app, one view class each, and the table that routes to them.

Subscriber pages use the paths of ``service.deliver.links.ROUTES``, the same ones the
emails link to.
"""

from __future__ import annotations

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

from service.context import Context
from service.deliver.links import ROUTES
from service.web.review_queue import label_seen
from service.web.views.archive import StoriesPage, StoryPage, ThemePage
from service.web.views.base import THEME_BLURBS, Page
from service.web.views.events import MergeEvents, SplitFromEvent
from service.web.views.feedback import FeedbackPage
from service.web.views.feeds import FEED_CACHE, FeedPage, RenderedFeeds
from service.web.views.health import HealthCheck, MetricsPage
from service.web.views.preferences import PreferencesPage
from service.web.views.review import (
    ConfirmThemes,
    FixThemes,
    LoginPage,
    LogoutAction,
    ReviewPage,
)
from service.web.views.subscribe import ConfirmPage, SubscribePage
from service.web.views.unsubscribe import UnsubscribePage

PAGES: tuple[tuple[str, str, type[Page]], ...] = (
    (ROUTES["subscribe"], "subscribe", SubscribePage),
    (ROUTES["confirm"], "confirm", ConfirmPage),
    (ROUTES["preferences"], "preferences", PreferencesPage),
    (ROUTES["unsubscribe"], "unsubscribe", UnsubscribePage),
    (ROUTES["feedback"], "feedback", FeedbackPage),
    ("/review", "review", ReviewPage),
    ("/review/login", "review_login", LoginPage),
    ("/review/logout", "review_logout", LogoutAction),
    ("/review/stories/<int:story_id>/confirm", "review_confirm", ConfirmThemes),
    ("/review/stories/<int:story_id>/fix", "review_fix", FixThemes),
    ("/review/events/<int:event_id>/split/<int:story_id>", "review_split", SplitFromEvent),
    ("/review/events/<int:event_id>/merge", "review_merge", MergeEvents),
    ("/stories", "archive", StoriesPage),
    ("/stories/<int:story_id>", "archive_story", StoryPage),
    ("/themes/<theme>", "archive_theme", ThemePage),
    ("/healthz", "healthz", HealthCheck),
    ("/metrics", "metrics", MetricsPage),
)


def register_views(app: Flask, ctx: Context) -> None:
    for path, endpoint, page in PAGES:
        app.add_url_rule(path, view_func=page.as_view(endpoint, ctx))
    rendered = app.extensions[FEED_CACHE] = RenderedFeeds()
    app.add_url_rule("/feeds/<name>.atom", view_func=FeedPage.as_view("feed", ctx, rendered))
    app.add_url_rule("/", "home", _home)
    app.jinja_env.globals["themes"] = THEME_BLURBS
    app.jinja_env.globals["seen_label"] = label_seen


def _home() -> Response:
    return redirect(url_for("subscribe"))
