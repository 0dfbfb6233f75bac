"""Atom 1.0 (RFC 4287) for a list of archive stories: pure, values in, bytes out.

Story text is untrusted: it goes into the entry's ``content`` as HTML that is
escaped once as HTML (so a ``<script>`` in a story is text in the reader) and
once more as XML by the serializer.  Characters XML 1.0 forbids (most C0
controls) are dropped, so one odd byte in a newsletter cannot make the whole
feed unreadable.  Entry ids are tag: URIs (RFC 4151) of the story's row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from markupsafe import escape

from service.deliver.mime import safe_url
from service.web.archive_query import ArchiveStory

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
TAG_DATE = "2026"  # the tag: URI's date: when these ids were first minted
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedHead:
    name: str  # "policy", or "all"
    title: str
    site_url: str  # [web] base_url, no trailing slash: links, and the ids' authority
    self_path: str  # /feeds/policy.atom
    page_path: str  # the archive page of the same stories


def render_feed(head: FeedHead, stories: Sequence[ArchiveStory]) -> bytes:
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _text(feed, "id", f"tag:{_authority(head.site_url)},{TAG_DATE}:feeds/{head.name}")
    _text(feed, "title", head.title)
    _text(feed, "updated", _stamp(max((s.received_at for s in stories), default=_EPOCH)))
    _link(feed, head.site_url + head.self_path, "self", ATOM_TYPE)
    _link(feed, head.site_url + head.page_path, "alternate", "text/html")
    _text(ET.SubElement(feed, "author"), "name", "newsalerts")
    _text(feed, "generator", "newsalerts")
    for story in stories:
        feed.append(_entry(head, story))
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data


def story_link(site_url: str, story: ArchiveStory) -> str:
    """The story's own link when it has a safe one, else its page in the archive."""
    return safe_url(story.own_url) or f"{site_url}/stories/{story.id}"


def entry_html(story: ArchiveStory) -> str:
    """The entry's content as HTML, with every value from the story escaped."""
    paragraphs = [f"<p>{escape(p)}</p>" for p in story.paragraphs]
    tags = "; ".join(
        str(escape(f"{tag.theme} ({', '.join(tag.explanation)})" if tag.explanation
                   else tag.theme)) for tag in story.tags)
    paragraphs.append(f"<p><em>Tagged {tags or 'with no theme'}. From "
                      f"{escape(story.issue_subject)} ({escape(story.source)}).</em></p>")
    return "\n".join(paragraphs)


def _entry(head: FeedHead, story: ArchiveStory) -> ET.Element:
    site_url = head.site_url
    entry = ET.Element("entry")
    _text(entry, "id", f"tag:{_authority(head.site_url)},{TAG_DATE}:stories/{story.id}")
    _text(entry, "title", story.headline or "(untitled story)")
    _text(entry, "updated", _stamp(story.received_at))
    _link(entry, story_link(site_url, story), "alternate", "text/html")
    if story.own_url and safe_url(story.own_url):  # then also point at the page here
        _link(entry, f"{site_url}/stories/{story.id}", "related", "text/html")
    _text(ET.SubElement(entry, "author"), "name", story.source)
    for tag in story.tags:
        ET.SubElement(entry, "category", term=tag.theme, label=tag.theme)
    _text(entry, "content", entry_html(story)).set("type", "html")
    return entry


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, name)
    child.text = _NOT_XML.sub("", value)
    return child


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, "link", rel=rel, type=kind, href=_NOT_XML.sub("", href))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _authority(site_url: str) -> str:
    return urlsplit(site_url).hostname or "localhost"
