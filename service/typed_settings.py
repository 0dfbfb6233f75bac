"""Typed settings: one frozen dataclass per section of the settings table.

config.SETTINGS stays the one declarative table (it feeds docs/settings.md);
these classes give each row a typed attribute, so that
``ctx.settings.smtp.batch_size`` is an ``int`` that mypy checks.  A test
keeps the two in step: every row has a field of its type, and no more.
A key that is a Python keyword ends with ``_`` here: ``[smtp] from`` is
``settings.smtp.from_``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from service.errors import ConfigError


@dataclass(frozen=True)
class DatabaseSettings:
    url: str


# A URL's user part, read as SQLAlchemy reads a database URL: the user name runs to the
# first ":" (Azure's "admin@server" holds an "@"), the password to the next "@", so a
# generated one may hold "/", "?" or "#" (the security review: those showed in logs).
_URL_PASSWORD = re.compile(r"^([\w+.-]+://[^:/]*):([^@]*)@")


def mask_url(url: str) -> str:
    """``url`` with the password of its user part and of its query replaced by ***."""
    url = _URL_PASSWORD.sub(r"\1:***@", url)
    return re.sub(r"([?&](?:password|passwd|sslpassword)=)[^&#]*", r"\1***", url, flags=re.I)


def url_passwords(url: str) -> list[str]:
    """The password of ``url``'s user part, as written and decoded ([] without one)."""
    found = _URL_PASSWORD.match(url)
    return [found.group(2), unquote(found.group(2))] if found and found.group(2) else []


@dataclass(frozen=True)
class InboxSettings:
    host: str
    port: int
    ssl: bool
    starttls: bool
    username: str
    password: str = field(repr=False)  # never in a log line
    folder: str
    dir: str
    ca_file: str
    timeout: float
    poll_interval: int
    idle: bool
    max_message_bytes: int
    keep_refused_days: int


@dataclass(frozen=True)
class TrustSettings:
    authserv_id: str


@dataclass(frozen=True)
class SegmentSettings:
    rules_dir: str
    max_stories: int


@dataclass(frozen=True)
class ModelsSettings:
    dir: str
    retrain_after_labels: int
    labels_paths: str


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    ssl: bool
    starttls: bool
    username: str
    password: str = field(repr=False)  # never in a log line
    from_: str
    ca_file: str
    timeout: float
    data_timeout: float
    rate_limit: float
    batch_size: int
    connections: int
    outbox_dir: str


@dataclass(frozen=True)
class DeliverySettings:
    lease_seconds: int
    max_attempts: int
    retry_base_seconds: float
    max_issue_age_days: int
    hard_bounce_limit: int


@dataclass(frozen=True)
class SchedulerSettings:
    send_interval: int
    retrain_interval: int
    lock_retry: float


@dataclass(frozen=True)
class WorkerSettings:
    idle_sleep: float


@dataclass(frozen=True)
class MetricsSettings:
    port: int
    host: str
    token: str = field(repr=False)  # a bearer secret


@dataclass(frozen=True)
class DigestSettings:
    day: str
    hour: int
    timezone: str


@dataclass(frozen=True)
class WebSettings:
    base_url: str
    listen: str
    secret_key: str = field(repr=False)
    public_archive: bool
    subscribe_per_client_per_hour: int
    subscribe_min_seconds: float
    trusted_proxy: str
    channel_timeout: int
    connection_limit: int
    max_request_body_size: int


@dataclass(frozen=True)
class AdminSettings:
    username: str
    password: str = field(repr=False)  # never in a log line


@dataclass(frozen=True)
class EventsSettings:
    threshold: float
    window_days: int
    max_events: int


@dataclass(frozen=True)
class LogSettings:
    level: str
    format: str


# The section each class reads; Settings in config.py has one attribute per entry.
SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseSettings, "inbox": InboxSettings, "trust": TrustSettings,
    "segment": SegmentSettings, "models": ModelsSettings,
    "smtp": SmtpSettings, "delivery": DeliverySettings, "scheduler": SchedulerSettings,
    "worker": WorkerSettings, "metrics": MetricsSettings, "digest": DigestSettings,
    "web": WebSettings, "admin": AdminSettings, "events": EventsSettings, "log": LogSettings,
}

S = TypeVar("S")


def key_of(field_name: str) -> str:
    """The table's key for a field: ``from_`` reads ``[smtp] from``."""
    return field_name.removesuffix("_")


def read_section(cls: type[S], section: str, values: Mapping[tuple[str, str], Any]) -> S:
    """``cls`` filled from the loaded values of ``section``."""
    return cls(**{f.name: values[(section, key_of(f.name))]
                  for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


# --- checks a setting's value passes beyond its type ("" when fine, else what it must be) ---


def one_of(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        return "" if str(value).lower() in choices else f"one of {', '.join(choices)}"
    return check


def time_zone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    # A region's name ("Europe") is a folder of the zone database: IsADirectoryError.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return "an IANA time zone such as Europe/London"
    return ""


def above_zero(value: Any) -> str:
    """A number a job sleeps on, divides by or counts up to (not NaN)."""
    return "" if value > 0 else "above 0"


def at_least_zero(value: Any) -> str:
    return "" if value >= 0 else "0 or more"


def port_or_zero(value: Any) -> str:
    return "" if 0 <= value <= 65535 else "a port from 1 to 65535, or 0"


# The numbers a job sleeps on, divides by or counts with: a negative poll interval hung
# `run` (APScheduler's loop grew to 17 GB) and a zero one polled every second (a read-only
# review).  Where 0 means "off" or "no limit" it stays allowed.
RANGES: dict[tuple[str, str], Callable[[Any], str]] = {
    **dict.fromkeys([("inbox", "timeout"), ("inbox", "poll_interval"),
                     ("inbox", "max_message_bytes"), ("segment", "max_stories"),
                     ("smtp", "timeout"), ("smtp", "batch_size"),
                     ("smtp", "connections"), ("delivery", "lease_seconds"),
                     ("delivery", "max_attempts"), ("delivery", "hard_bounce_limit"),
                     ("scheduler", "send_interval"), ("scheduler", "retrain_interval"),
                     ("scheduler", "lock_retry"), ("worker", "idle_sleep"),
                     ("events", "window_days"), ("events", "max_events"),
                     ("web", "channel_timeout"), ("web", "connection_limit"),
                     ("web", "max_request_body_size")], above_zero),
    **dict.fromkeys([("smtp", "rate_limit"), ("delivery", "retry_base_seconds"),
                     ("models", "retrain_after_labels"), ("events", "threshold"),
                     ("web", "subscribe_per_client_per_hour"),
                     ("web", "subscribe_min_seconds"), ("delivery", "max_issue_age_days"),
                     ("inbox", "keep_refused_days")], at_least_zero),
    **dict.fromkeys([("inbox", "port"), ("smtp", "port"), ("metrics", "port")], port_or_zero),
}


@dataclass(frozen=True)
class Source:
    """A newsletter we accept, and whose mail we believe."""

    name: str
    senders: tuple[str, ...]
    require_dkim: bool = False
    dkim_domain: str = ""  # the d= that must pass; defaults to the sender's domain
    list_id: str = ""  # if set, the List-Id header's id (inside <...>) must be exactly it


_SOURCE_KEYS = {"name", "senders", "require_dkim", "dkim_domain", "list_id"}
_BARE_ADDRESS = re.compile(r"[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+")
SOURCE_NAME_CHARS = 200  # the issues table's column


def source_from_row(row: Any, index: int) -> Source:
    """One [[sources]] table, checked: ConfigError naming it when it is not one."""
    where = f"[[sources]] #{index + 1}"
    if not isinstance(row, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = set(row) - _SOURCE_KEYS
    if unknown:
        raise ConfigError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    name = row.get("name")
    senders = row.get("senders")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} needs a name")
    if isinstance(senders, str):
        senders = [senders]
    if not isinstance(senders, list) or not senders or not all(
        isinstance(s, str) and _BARE_ADDRESS.fullmatch(s.strip()) for s in senders
    ):
        # (the address alone: "Import AI <importai@substack.com>" never matched a sender,
        # and every issue was refused: a read-only review)
        raise ConfigError(f"{where} ({name}) needs senders: a list of bare email addresses "
                          "(importai@substack.com, no display name)")
    if len(name.strip()) > SOURCE_NAME_CHARS:
        raise ConfigError(f"{where} name must be {SOURCE_NAME_CHARS} characters at most")
    require_dkim = row.get("require_dkim", False)
    if not isinstance(require_dkim, bool):
        raise ConfigError(f"{where} ({name}) require_dkim must be true or false")
    return Source(
        name=name.strip(),
        senders=tuple(s.strip().lower() for s in senders),
        require_dkim=require_dkim,
        dkim_domain=str(row.get("dkim_domain", "")).strip().lower(),
        # ("<b.example>" as the header writes it, or "b.example" as list_id_of reads it)
        list_id=str(row.get("list_id", "")).strip().strip("<>").strip().lower(),
    )
