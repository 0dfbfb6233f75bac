"""Atom feeds of the archive: /feeds/<theme>.atom and /feeds/all.atom.

Feed readers poll every few minutes, so a conditional request is answered
from ``feed_stamp`` alone (a few index lookups): the ETag names the newest
rows, the public address the feed names ([web] base_url) and the feed's
format, and a match is a 304 with no story read.  Only a changed feed runs
its query and the Atom serializer, once per process: the body is kept by its
ETag for readers that send none.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import datetime
from email.utils import format_datetime

from flask import Response, request
from werkzeug.exceptions import NotFound

from service.context import Context
from service.db.database import transaction
from service.web import atom
from service.web.archive_query import feed_stamp, known_theme, latest
from service.web.views.archive import ALL, ArchiveGate, feed_path, theme_path

FEED_SIZE = 50
FEED_FORMAT = 1  # raise when the entries change shape: every reader's ETag then misses
FEED_CACHE = "newsalerts.rendered_feeds"  # app.extensions key of the app's RenderedFeeds
CACHED_FEEDS = 16  # rendered bodies kept per process: a few per feed, as stories arrive
# Shared caches may keep a public feed briefly; a private one stays with its reader.
PUBLIC_CACHING = "public, max-age=60"
PRIVATE_CACHING = "private, no-cache"


class RenderedFeeds:
    """The last few rendered feeds, by ETag: readers without one still cost one lookup.

    The ETag names the newest rows, so a changed feed has a new key and an
    old body is never served; the oldest entry goes when the cache is full.
    """

    def __init__(self, size: int = CACHED_FEEDS) -> None:
        self.size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()  # waitress serves from several threads

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        with self._lock:
            self._bodies[etag] = body
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)


class FeedPage(ArchiveGate):
    def __init__(self, ctx: Context, rendered: RenderedFeeds) -> None:
        super().__init__(ctx)
        self.rendered = rendered

    def get(self, name: str) -> Response:
        theme = None if name == ALL else name
        if theme is not None and not known_theme(theme):
            raise NotFound(f"There is no theme called {name!r}.")
        self.admit(page=False)
        # Feed readers need absolute links: the public address, as in emails (behind a
        # proxy the request's own address is an internal one).
        site = self.ctx.base_url.rstrip("/")
        with transaction(self.ctx.sessions) as session:
            *newest, changed = feed_stamp(session)
            etag = _etag(name, site, newest)
            if changed is not None:
                changed = changed.replace(microsecond=0)  # HTTP dates have whole seconds
            if _not_modified(etag, changed):
                return self._answer(Response(status=304), etag, changed)
            body = self.rendered.get(etag)
            stories = latest(session, theme, FEED_SIZE) if body is None else []
        if body is None:
            head = atom.FeedHead(name, _title(theme), site, feed_path(theme), theme_path(theme))
            body = atom.render_feed(head, stories)
            self.rendered.put(etag, body)
        return self._answer(Response(body, mimetype=atom.ATOM_TYPE), etag, changed)

    def _answer(self, response: Response, etag: str, changed: datetime | None) -> Response:
        response.set_etag(etag)
        if changed is not None:
            response.headers["Last-Modified"] = format_datetime(changed, usegmt=True)
        response.headers["Cache-Control"] = PUBLIC_CACHING if self.public() else PRIVATE_CACHING
        return response


def _etag(name: str, site: str, newest: list[int]) -> str:
    # [web] base_url is part of it: a changed address changes every link and id.
    key = f"{FEED_FORMAT}|{name}|{site}|{newest}".encode()
    return hashlib.blake2b(key, digest_size=12).hexdigest()


def _not_modified(etag: str, changed: datetime | None) -> bool:
    """RFC 9110: If-None-Match decides when sent; else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and changed is not None and changed <= since


def _title(theme: str | None) -> str:
    return f"newsalerts: {theme} stories" if theme else "newsalerts: all stories"
