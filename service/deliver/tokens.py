"""Signed links: who may unsubscribe, confirm, change preferences or label.

A token carries the subscriber's id, the purpose, a fingerprint of the
subscriber's ``link_secret`` and any extra fields (a story id), signed with
``[web] secret_key`` and a per-purpose salt.  So a token for one purpose never
works for another, a changed byte fails the signature, and rotating a
subscriber's ``link_secret`` revokes every link they were ever sent.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from itsdangerous import (
    BadSignature,
    SignatureExpired,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from itsdangerous.encoding import base64_encode
from itsdangerous.signer import HMACAlgorithm

from service.db.types import as_utc
from service.errors import InvalidLink

DAY = 24 * 3600
# max age per purpose; None: never expires.  An unsubscribe link must keep
# working in an email read months later (RFC 8058), a confirmation need not.
PURPOSES: dict[str, int | None] = {
    "confirm": 7 * DAY,
    "unsubscribe": None,
    "preferences": 365 * DAY,
    "feedback": 365 * DAY,
}


def made_before_leaving(made: datetime, unsubscribed_at: datetime | None) -> bool:
    """Whether an email made at ``made`` came before its reader last unsubscribed: its
    confirmation link subscribes nobody again, so it is not sent, and counts as no
    email "to use" instead of a new one (web/confirmation.py, compose.py)."""
    return unsubscribed_at is not None and as_utc(made) < as_utc(unsubscribed_at)


def new_link_secret() -> str:
    return secrets.token_hex(16)


def fingerprint(link_secret: str) -> str:
    return hashlib.sha256(link_secret.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SignedLink:
    purpose: str
    subscriber_id: int
    fingerprint: str
    extra: dict[str, Any]
    signed_at: datetime | None = None  # when the link was made (the signature's timestamp)

    @property
    def made_at(self) -> datetime | None:
        """When the email this link came from was made: its signature's time, or earlier
        (``born``) for a link a page handed out, which carries on the age of the link that
        reached the page."""
        born = self.extra.get("born")
        if not isinstance(born, int) or isinstance(born, bool) or self.signed_at is None:
            return self.signed_at
        return min(self.signed_at, datetime.fromtimestamp(born, UTC))

    def younger_than(self, purpose: str) -> bool:
        """Whether a link of ``purpose`` made when this one was would still work now (by the
        wall clock, as ``verify`` checks an age): a page reached by a link that never expires
        hands out no link that outlives its lifetime (an unsubscribe page's preferences link)."""
        max_age = PURPOSES[purpose]
        if max_age is None:
            return True
        made_at = self.made_at
        age = datetime.now(UTC) - made_at if made_at is not None else None
        return age is not None and age.total_seconds() < max_age

    def check_owner(self, link_secret: str) -> None:
        """Raise unless the link was made for the subscriber holding ``link_secret``."""
        if not hmac.compare_digest(self.fingerprint, fingerprint(link_secret)):
            raise InvalidLink("this link has been revoked; use the link in a newer email")


class _OneShotHmacSha1(HMACAlgorithm):
    """HMAC-SHA1 as itsdangerous computes it, through hashlib's one-shot C function.

    itsdangerous passes ``hashlib.sha1`` as a callable, which sends hmac.new
    down its slow pure-Python path; the digest is the same.
    """

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, "sha1")


class _KeyCachingSigner(TimestampSigner):
    """itsdangerous' timestamp signer, deriving its HMAC key once instead of per token."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "algorithm" not in kwargs and "digest_method" not in kwargs:
            self.algorithm = _OneShotHmacSha1()  # the default, HMAC-SHA1, made fast
        self._derived: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self._derived.get(secret_key)
        if key is None:
            key = self._derived[secret_key] = super().derive_key(secret_key)
        return key


class _LinkSerializer(URLSafeTimedSerializer):
    """The URL-safe timed serializer, made cheap enough to sign every email's links.

    itsdangerous builds a signer, derives its key, and tries zlib on every
    ``dumps``; a digest to 10,000 readers signs 30,000 links (three each).  Here the signer
    is made once per salt and its key derived once, and payloads (a few ids)
    are never compressed.  The tokens are the same format: ``loads`` of the
    stock serializer reads them, and this one reads its tokens.
    """

    default_signer = _KeyCachingSigner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[str | bytes | None, Signer] = {}

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(json.dumps(obj, separators=(",", ":")).encode())


class LinkSigner:
    def __init__(self, secret_key: str) -> None:
        if len(secret_key) < 16:
            raise ValueError("[web] secret_key must be at least 16 characters")
        self._secret_key = secret_key
        self._serializers: dict[str, _LinkSerializer] = {}

    @functools.cached_property
    def fingerprint(self) -> str:
        """Names the key without revealing it: processes that must share it compare these
        (service/ops/deployment.py), and the log shows it."""
        digest = hashlib.sha256(b"newsalerts link key fingerprint\0" + self._secret_key.encode())
        return digest.hexdigest()[:16]

    def _serializer(self, purpose: str) -> _LinkSerializer:
        # One per purpose, made once: every email signs three links.
        if purpose not in PURPOSES:
            raise ValueError(f"unknown link purpose {purpose!r}")
        serializer = self._serializers.get(purpose)
        if serializer is None:
            serializer = _LinkSerializer(self._secret_key, salt=f"newsalerts.{purpose}")
            self._serializers[purpose] = serializer
        return serializer

    def sign(self, purpose: str, subscriber_id: int, link_secret: str, **extra: Any) -> str:
        payload = {"s": subscriber_id, "f": fingerprint(link_secret), **extra}
        return str(self._serializer(purpose).dumps(payload))

    def verify(self, purpose: str, token: str) -> SignedLink:
        try:
            payload, signed_at = self._serializer(purpose).loads(
                token, max_age=PURPOSES[purpose], return_timestamp=True)
        except SignatureExpired as exc:
            raise InvalidLink(f"this {purpose} link has expired") from exc
        except BadSignature as exc:
            raise InvalidLink(f"this {purpose} link is not valid") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
            raise InvalidLink(f"this {purpose} link is not valid")
        extra = {k: v for k, v in payload.items() if k not in ("s", "f")}
        link = SignedLink(purpose, payload["s"], str(payload.get("f", "")), extra, signed_at)
        # A link a page handed out lives as long as the one that reached the page: a
        # preferences link renewed through the unsubscribe page, then its preferences
        # page, lasted for ever (the security review).
        if "born" in extra and not link.younger_than(purpose):
            raise InvalidLink(f"this {purpose} link has expired")
        return link


def load_or_create_secret_key(configured: str, var_dir: Path) -> str:
    """The configured key, else one generated on first start and kept in var/."""
    if configured:
        return configured
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    tmp = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:
        # linked, not replaced: of processes starting at once, the first key written is
        # every one's (a replace let each keep its own: a review of the shared key check)
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()
