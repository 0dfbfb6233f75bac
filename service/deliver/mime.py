"""One recipient's email, as the bytes SMTP carries: slots filled, headers safe, MIME parts.

render.py runs the templates once per *draft* (one set of stories for one set
of themes) with every personal value (address, signed links) left as a slot;
``personalise`` fills the slots for one recipient and writes the message:

    headers (shared ones folded once per draft) ─ multipart/alternative
        ├── text/plain; utf-8; 7bit, or quoted-printable when not ASCII
        └── text/html;  utf-8; 7bit (non-ASCII as character references)

Mail merge is what keeps a weekly digest to 10,000 readers cheap: its
templates run a handful of times, and each email costs a few substitutions.
The guards of invariant 4 live here too: ``one_line`` (nothing bound for a
header keeps a CR, LF or other control character) and ``safe_url`` (only
absolute http(s) links).
"""

from __future__ import annotations

import binascii
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.policy import EmailPolicy
from email.utils import format_datetime
from functools import lru_cache
from urllib.parse import urlsplit

from markupsafe import escape

MAX_LINE_BYTES = 998  # SMTP's limit on one line (RFC 5321)
MAX_URL_CHARS = 900  # a URL must fit one header line
# Anything that could end a header line or hide in one: C0/C1 controls and the
# Unicode line and paragraph separators.
# (with bidi embeddings, overrides and isolates: a header must not display reversed)
_LINE_BREAKERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
# Invisible direction marks reorder a header's digits and punctuation (the outgoing-mail
# probe): deleted from headers, not spaced (in a body, Hebrew and Arabic text needs them).
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c]")
_SPACES = re.compile(r"\s+")
# The common case, checked fast: a host name and only the characters RFC 3986 allows.
_PLAIN_HTTP_URL = re.compile(
    r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9._~%!$&'()*+,;=:@/?#-]*)?",
    re.IGNORECASE)
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Slots look like links, so they pass the same checks as real ones; the random
# host keeps a newsletter from planting a slot in its own text.
_SLOT_HOST = f"slot-{secrets.token_hex(8)}.invalid"
_SLOT = re.compile(rf"https://{re.escape(_SLOT_HOST)}/([a-z]+(?:-[0-9]+)?)")


class _EmailPolicy(EmailPolicy):
    """The default policy, except that List-Unsubscribe is never folded.

    The default folds a long URL into RFC 2047 encoded words, which mail
    providers do not decode in List-Unsubscribe; one line is valid up to 998
    characters, and the URL is checked to be one line of ASCII.
    """

    def fold(self, name: str, value: str) -> str:
        if name.lower() == "list-unsubscribe":
            return f"{name}: {value}{self.linesep}"
        folded: str = super().fold(name, value)
        return folded

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() == "list-unsubscribe":
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


POLICY = _EmailPolicy(linesep="\r\n")  # SMTP's line ending: the bytes go out as they are


@dataclass(frozen=True)
class Draft:
    """An email's subject, text and HTML, with slots where each recipient's values go."""

    subject: str
    text: str
    html: str
    is_list: bool  # an alert or digest: List-Id and one-click List-Unsubscribe
    # text and html cut at their slots once: [literal, slot name, literal, ...]
    text_parts: tuple[str, ...] = field(init=False, repr=False)
    html_parts: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text_parts", tuple(_SLOT.split(self.text)))
        object.__setattr__(self, "html_parts", tuple(_SLOT.split(self.html)))


@dataclass(frozen=True)
class Letterhead:
    """What every email carries besides its content."""

    sender: str  # [smtp] from
    base_url: str  # [web] base_url: names the list in List-Id
    date: datetime
    message_id: str


def one_line(value: str) -> str:
    """``value`` with control characters and line breaks turned into single spaces."""
    return _SPACES.sub(" ", _LINE_BREAKERS.sub(" ", value)).strip()


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL a reader can safely follow, else None."""
    if not url:
        return None
    url = url.strip()
    if len(url) <= MAX_URL_CHARS and _PLAIN_HTTP_URL.fullmatch(url):
        return url
    if len(url) > MAX_URL_CHARS or _SPACES.search(url) or _LINE_BREAKERS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc or "\\" in parts.netloc:
        # a user part ("http://good.example@evil.example/") or a backslash in the host
        # ("https://evil.example\\.example.org/") shows one site and opens another: a
        # phishing link, never a newsletter's (the security review, the outgoing-mail probe)
        return None
    if not parts.netloc.isascii():
        # A host in another script is shown as its ASCII form, as browsers show one whose
        # letters imitate another's ("аpple.com", a Cyrillic "а": the outgoing-mail probe)
        try:
            host = parts.netloc.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        return parts._replace(netloc=host).geturl()
    return url


def require_http(url: str) -> str:
    checked = safe_url(url)
    if checked is None:
        raise ValueError(f"not an http(s) URL: {url[:80]!r}")
    return checked


def slot(name: str) -> str:
    """The placeholder a draft holds for a personal value: "email", "unsubscribe"..."""
    return f"https://{_SLOT_HOST}/{name}"


@lru_cache(maxsize=16)
def list_host(base_url: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return re.sub(r"[^A-Za-z0-9.-]", "-", host)


def personalise(draft: Draft, to: str, values: Mapping[str, str],
                letterhead: Letterhead) -> bytes:
    """The whole email for ``to``; ``values`` fills the slots by name (links are checked)."""
    address = _address(to)
    checked = {name: require_http(value) for name, value in values.items()}
    checked["email"] = address
    site = safe_url(letterhead.base_url.rstrip("/"))
    if site:  # "Read on the web" and feed links: the same for every recipient
        checked.setdefault("site", site)
    text = _fill(draft.text_parts, checked, str)
    html = _fill(draft.html_parts, checked, lambda value: str(escape(value)))
    # Checked to be one line of ASCII, so written as they are: folding these
    # through the header registry for every recipient would cost more than the rest.
    own = [f"To: {address}", f"Date: {format_datetime(letterhead.date)}",
           f"Message-ID: {_message_id(letterhead.message_id)}"]
    if draft.is_list:
        # RFC 8058 one-click: providers POST to it; base_url is https in production.
        own.append(f"List-Unsubscribe: <{checked['unsubscribe']}>")
    # Random, so that no story text can know it and forge a part of its own.
    boundary = f"==newsalerts-{secrets.token_hex(12)}=="
    return b"".join([
        _shared_headers(draft.subject, letterhead.sender, letterhead.base_url, draft.is_list),
        "".join(f"{line}\r\n" for line in own).encode("ascii"),
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode(),
        _part(boundary, "plain", text), _part(boundary, "html", html),
        f"--{boundary}--\r\n".encode(),
    ])


def _address(to: str) -> str:
    if _PLAIN_ADDRESS.fullmatch(to):  # what subscribe and import store: no parsing needed
        return to
    address = Address(addr_spec=one_line(to)).addr_spec
    if not address.isascii():
        raise ValueError(f"{address!r}: addresses beyond ASCII (SMTPUTF8) are not supported")
    return address


def _fill(parts: tuple[str, ...], values: Mapping[str, str],
          encode: Callable[[str], str]) -> str:
    filled = list(parts)
    for index in range(1, len(filled), 2):
        if filled[index] not in values:
            raise ValueError(f"no value for the slot {filled[index]!r}")
        filled[index] = encode(values[filled[index]])
    return "".join(filled)


@lru_cache(maxsize=256)
def _shared_headers(subject: str, sender: str, base_url: str, is_list: bool) -> bytes:
    """The headers every recipient of a draft gets, folded by the header registry once."""
    headers = [("Subject", subject), ("From", sender), ("MIME-Version", "1.0"),
               ("Auto-Submitted", "auto-generated")]
    if is_list:
        headers.append(("List-Id", f"newsalerts alerts <alerts.newsalerts.{list_host(base_url)}>"))
    if is_list and base_url.lower().startswith("https://"):
        # one-click only over https, as RFC 8058 asks (an http base_url, a laptop's, keeps
        # List-Unsubscribe as a plain link: the outgoing-mail probe)
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    return b"".join(_fold(name, value) for name, value in headers)


_DECODINGS = 4  # layers of encoded words a header value may hide, at most


def _header_text(value: str) -> str:
    return one_line(_DIRECTION_MARKS.sub("", value))  # (marks first: "a \u200e b" is "a b")


def _fold(name: str, value: str) -> bytes:
    text = _header_text(value)
    for _ in range(_DECODINGS + 1):  # (the last round reads the innermost layer)
        # The header factory decodes encoded words it finds in the text ("=?utf-8?b?…?="),
        # and what they hide (CR LF, NUL, a bidi override) skipped one_line: a newsletter's
        # double-encoded subject wrote a Reply-To, or a second From, into every alert (the
        # outgoing-mail attacker's probe, stop 44).  What a header will read is cleaned
        # until reading it changes nothing.
        header = POLICY.header_factory(name, text)
        decoded = _header_text(str(header))
        if decoded == text:
            break
        text = decoded
    else:
        raise ValueError(f"bad {name} header {value[:80]!r}: encoded words within encoded words")
    if header.defects:
        raise ValueError(f"bad {name} header {value[:80]!r}: {header.defects[0]}")
    return POLICY.fold_binary(name, header)


def _message_id(value: str) -> str:
    if not re.fullmatch(r"<[^<>\s@]+@[^<>\s@]+>", value):
        raise ValueError(f"not a Message-ID: {value[:80]!r}")
    return value


def _part(boundary: str, subtype: str, content: str) -> bytes:
    """One body part, 7-bit when it can be (it is cheap), else quoted-printable.

    HTML is made ASCII with character references; plain text that is not
    ASCII, or any line too long for SMTP (998), goes quoted-printable.
    Templates and cleaned values hold no CR, so every line break is a bare LF.
    """
    body = content.encode("ascii", "xmlcharrefreplace") if subtype == "html" else (
        content.encode("ascii") if content.isascii() else b"")
    if body and max(map(len, body.split(b"\n"))) <= MAX_LINE_BYTES:
        encoding = "7bit"
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(content.encode("utf-8"), istext=True)
    head = (f"--{boundary}\r\nContent-Type: text/{subtype}; charset=\"utf-8\"\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n")
    # The last line break belongs to the boundary that follows.
    return head.encode() + body.replace(b"\n", b"\r\n") + b"\r\n"
