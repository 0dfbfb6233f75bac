"""Signed links: who may unsubscribe, confirm, change preferences or label.

A token carries the subscriber's id, the purpose, a fingerprint of the
subscriber's ``link_secret`` and any extra fields (a story id), signed with
``[web] secret_key`` and a per-purpose salt.  So a token for one purpose never
works for another, a changed byte fails the signature, and rotating a
subscriber's ``link_secret`` revokes every link they were ever sent.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

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

    def check_owner(self, link_secret: str) -> None:
        """Raise unless the link was made for the subscriber holding ``link_secret``."""
        if not hmac.compare_digest(self.fingerprint, fingerprint(link_secret)):
            raise InvalidLink("this link has been revoked; use the link in a newer email")


class LinkSigner:
    def __init__(self, secret_key: str) -> None:
        if len(secret_key) < 16:
            raise ValueError("[web] secret_key must be at least 16 characters")
        self._secret_key = secret_key
        self._serializers: dict[str, URLSafeTimedSerializer] = {}

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        # One per purpose, made once: a digest to 10,000 readers signs ~8 links each.
        if purpose not in PURPOSES:
            raise ValueError(f"unknown link purpose {purpose!r}")
        serializer = self._serializers.get(purpose)
        if serializer is None:
            serializer = URLSafeTimedSerializer(self._secret_key, salt=f"newsalerts.{purpose}")
            self._serializers[purpose] = serializer
        return serializer

    def sign(self, purpose: str, subscriber_id: int, link_secret: str, **extra: Any) -> str:
        payload = {"s": subscriber_id, "f": fingerprint(link_secret), **extra}
        return str(self._serializer(purpose).dumps(payload))

    def verify(self, purpose: str, token: str) -> SignedLink:
        try:
            payload = self._serializer(purpose).loads(token, max_age=PURPOSES[purpose])
        except SignatureExpired as exc:
            raise InvalidLink(f"this {purpose} link has expired") from exc
        except BadSignature as exc:
            raise InvalidLink(f"this {purpose} link is not valid") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
            raise InvalidLink(f"this {purpose} link is not valid")
        extra = {k: v for k, v in payload.items() if k not in ("s", "f")}
        return SignedLink(purpose, payload["s"], str(payload.get("f", "")), extra)


def load_or_create_secret_key(configured: str, var_dir: Path) -> str:
    """The configured key, else one generated on first start and kept in var/."""
    if configured:
        return configured
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return key
