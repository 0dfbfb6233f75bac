"""Settings: one declarative table, read from TOML and overridden by environment.

Every setting is a row of ``SETTINGS`` (section, key, type, default, help).  A
value comes from, in order of precedence:

1. the environment, ``NEWSALERTS_<SECTION>__<KEY>`` (``NEWSALERTS_INBOX__HOST``);
2. the TOML file named by ``--config`` or ``NEWSALERTS_CONFIG``;
3. the default in the table.

``[[sources]]`` is a list of tables, so it has no row of its own here: it comes
from the file, or from ``NEWSALERTS_SOURCES`` holding the same list as JSON.
With neither, ``DEFAULT_SOURCES`` applies.
"""

from __future__ import annotations

import json
import os
import ssl
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import ConfigError
from service.typed_settings import (
    RANGES,
    SECTIONS,
    AdminSettings,
    DatabaseSettings,
    DeliverySettings,
    DigestSettings,
    EventsSettings,
    InboxSettings,
    LogSettings,
    MetricsSettings,
    ModelsSettings,
    SchedulerSettings,
    SegmentSettings,
    SmtpSettings,
    TrustSettings,
    WebSettings,
    WorkerSettings,
    mask_url,
    one_of,
    read_section,
    source_from_row,
    time_zone,
    url_passwords,
)
from service.typed_settings import Source as Source  # [[sources]]' type, read from here

WEEKDAYS = "mon tue wed thu fri sat sun"  # [digest] day's values
ENV_PREFIX = "NEWSALERTS_"


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    type: type
    default: Any
    help: str
    secret: bool = False
    # What a value must also be, beyond its type: "" when it is fine, else what it must be.
    check: Callable[[Any], str] | None = None

    @property
    def env_name(self) -> str:
        return f"{ENV_PREFIX}{self.section.upper()}__{self.key.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("database", "url", str, "sqlite:///var/newsalerts.db",
            "SQLAlchemy URL. SQLite (WAL) for one process; postgresql+psycopg://... to scale out."),
    Setting("inbox", "host", str, "",
            "IMAP server. Empty: read *.eml files dropped into [inbox] dir instead."),
    Setting("inbox", "port", int, 0, "IMAP port; 0 means 993 with ssl, else 143."),
    Setting("inbox", "ssl", bool, True, "Connect with implicit TLS (IMAPS)."),
    Setting("inbox", "starttls", bool, False, "Upgrade a plain connection with STARTTLS."),
    Setting("inbox", "username", str, "", "IMAP login name."),
    Setting("inbox", "password", str, "", "IMAP password. Never logged.", secret=True),
    Setting("inbox", "folder", str, "INBOX", "IMAP folder to read."),
    Setting("inbox", "dir", str, "var/inbox",
            "With no host: folder of .eml files; each moves to processed/ or failed/ beside it."),
    Setting("inbox", "ca_file", str, "",
            "PEM file of CAs to trust for ssl/starttls (a private CA); empty: the system's."),
    Setting("inbox", "timeout", float, 60.0, "Seconds before an IMAP read or connect gives up."),
    Setting("inbox", "poll_interval", int, 300, "Seconds between polls in `newsalerts run`."),
    Setting("inbox", "idle", bool, True,
            "With an IMAP host: also wait for new mail with IMAP IDLE and poll as soon as it "
            "arrives; the interval poll stays as a fallback."),
    Setting("inbox", "max_message_bytes", int, 10_000_000,
            "Larger messages are stored as failed (too-large) without being parsed."),
    Setting("inbox", "keep_refused_days", int, 30, "Refused messages (`newsalerts refused`, "
            "their bytes for --retry) this old are forgotten as new ones come; 0: never."),
    Setting("trust", "authserv_id", str, "",
            "The authserv-id your receiving mail server writes into Authentication-Results "
            "(mx.example.com): only its header is believed for a source's require_dkim. "
            "Empty: the topmost Authentication-Results header."),
    Setting("segment", "rules_dir", str, "",
            "Folder of your own segmentation rules files (*.toml, matched by sender, List-Id "
            "or domain like the built-in ones in service/ingest/sources/); they come before "
            "the built-in ones. Empty: the built-in rules only."),
    Setting("segment", "max_stories", int, 500,
            "An issue cut into more stories than this is refused (too-many-stories) before "
            "it is tagged: a real issue holds dozens, a broken or hostile one thousands."),
    Setting("models", "dir", str, "models", "Folder of model versions and their cards; "
            "a relative one not found from here is, run from a clone, the clone's."),
    Setting("models", "retrain_after_labels", int, 20,
            "The scheduler retrains once this many new usable labels have arrived; 0: never."),
    Setting("models", "labels_paths", str,
            "../shared/data/labeled/*.jsonl, models/extra_labels.jsonl",
            "Comma-separated globs of JSON-lines label files the scheduler's retraining uses "
            "beside the database's labels; relative ones are looked up from the current "
            "folder, else beside the service package; a glob matching nothing is skipped."),
    Setting("smtp", "host", str, "",
            "SMTP server. Empty: write each email as an .eml into [smtp] outbox_dir instead."),
    Setting("smtp", "port", int, 0, "SMTP port; 0 means 465 with ssl, 587 with starttls, else 25."),
    Setting("smtp", "ssl", bool, False, "Connect with implicit TLS (SMTPS)."),
    Setting("smtp", "starttls", bool, False, "Upgrade a plain connection with STARTTLS."),
    Setting("smtp", "username", str, "", "SMTP AUTH login; empty: no AUTH."),
    Setting("smtp", "password", str, "", "SMTP AUTH password. Never logged.", secret=True),
    Setting("smtp", "from", str, "newsalerts <alerts@localhost>", "From header of every email."),
    Setting("smtp", "ca_file", str, "", "PEM file of CAs to trust for ssl/starttls."),
    Setting("smtp", "timeout", float, 30.0, "Seconds before an SMTP command gives up."),
    Setting("smtp", "data_timeout", float, 120.0, "Seconds to await the reply to a sent email "
            "(RFC 5321: 10 min; at most half [delivery] lease_seconds is waited)."),
    Setting("smtp", "rate_limit", float, 0.0, "Emails per second at most; 0: as fast as it goes."),
    Setting("smtp", "batch_size", int, 100, "Deliveries claimed and sent over one connection."),
    Setting("smtp", "connections", int, 4, "SMTP connections a sending process uses at once."),
    Setting("smtp", "outbox_dir", str, "var/outbox", "With no host: where emails are written."),
    Setting("delivery", "lease_seconds", int, 300,
            "A claimed delivery not marked sent by then may be claimed again."),
    Setting("delivery", "max_attempts", int, 8,
            "Transient failures are retried this often, then the delivery fails."),
    Setting("delivery", "retry_base_seconds", float, 60.0,
            "First retry delay; doubles with each attempt."),
    Setting("delivery", "max_issue_age_days", int, 0, "An issue dated longer ago than this "
            "gets no alerts (a mailbox's archive polled at first); 0: no limit."),
    Setting("delivery", "hard_bounce_limit", int, 3,
            "Permanent failures after which a subscriber is marked bounced."),
    Setting("scheduler", "send_interval", int, 30,
            "Seconds between sends of due deliveries by `run` (and `scheduler --send`)."),
    Setting("scheduler", "retrain_interval", int, 3600,
            "Seconds between checks for enough new labels to retrain ([models] "
            "retrain_after_labels)."),
    Setting("scheduler", "lock_retry", float, 5.0,
            "Seconds between a waiting scheduler's tries to take over, and between the active "
            "one's checks that it still holds the lock."),
    Setting("worker", "idle_sleep", float, 1.0,
            "Seconds a `newsalerts worker` waits before looking again when nothing is due."),
    Setting("metrics", "port", int, 0, "Port on which every process serves Prometheus "
            "/metrics (`run`, `web`: with the database's gauges); 0: off."),
    Setting("metrics", "token", str, "", "Bearer token the web port's /metrics needs; "
            "empty: it answers 404 there.", secret=True),
    Setting("metrics", "host", str, "127.0.0.1",
            "Address that [metrics] port binds (0.0.0.0 in a container)."),
    Setting("digest", "day", str, "mon", "Weekday the digest goes out: mon, the ISO week just "
            "ended; a later day, the 7 days up to it.", check=one_of(*WEEKDAYS.split())),
    Setting("digest", "hour", int, 8, "Hour of that day, in [digest] timezone.",
            check=lambda hour: "" if 0 <= hour <= 23 else "an hour from 0 to 23"),
    Setting("digest", "timezone", str, "UTC",
            "IANA time zone for digest weeks and send time (Europe/London).", check=time_zone),
    Setting("events", "threshold", float, 0.31,
            "How alike (cosine of signatures, 0..1) two stories must be to count as one piece "
            "of news; chosen on labeled pairs (bench/events.py), retuned with "
            "`newsalerts events tune` from editors' splits and merges. Above 1: no two "
            "stories are matched (editors' merges still hold)."),
    Setting("events", "window_days", int, 14,
            "A story is matched against stories of issues at most this many UTC days apart."),
    Setting("events", "max_events", int, 5,
            "Events a long story (a roundup, an editorial) can join, one per item it covers."),
    Setting("web", "base_url", str, "http://127.0.0.1:8080",
            "Public address of the web app, used in every link in emails."),
    Setting("web", "listen", str, "127.0.0.1:8080", "host:port the web app binds."),
    Setting("web", "public_archive", bool, True,
            "Anyone may read the story archive (/stories, /themes/...) and the Atom feeds "
            "(/feeds/...); false: only the signed-in editor, for a private deployment."),
    Setting("web", "subscribe_per_client_per_hour", int, 10,
            "Subscribe requests a client address may make an hour, then 429; 0: no limit."),
    Setting("web", "subscribe_min_seconds", float, 0.1,
            "The subscribe form answers no sooner, so its time tells nothing; 0: off."),
    Setting("web", "trusted_proxy", str, "", "Proxy whose X-Forwarded-For names the client."),
    Setting("web", "channel_timeout", int, 30, "Seconds before an idle connection closes."),
    Setting("web", "connection_limit", int, 200, "Connections served at once."),
    Setting("web", "max_request_body_size", int, 65536, "Largest request body (bytes), else 413."),
    Setting("web", "secret_key", str, "",
            "Signs links and forms. Empty: generated once and kept in var/secret_key.",
            secret=True),
    Setting("admin", "username", str, "editor", "Login of the editor's review page."),
    Setting("admin", "password", str, "",
            "Password of the review page; empty: the review page is closed.", secret=True),
    Setting("log", "level", str, "INFO", "Logging level: DEBUG, INFO, WARNING, ERROR.",
            check=one_of("debug", "info", "warning", "error")),
    Setting("log", "format", str, "text", "text for people, json for log collectors.",
            check=one_of("text", "json")),
)

# The embedded default trusts Import AI and, with no IMAP host, the sample issue shipped in
# examples/. A config file that lists [[sources]] replaces this list whole.
SAMPLE_SOURCE: dict[str, Any] = {"name": "newsalerts sample",
                                 "senders": ["sample@newsalerts.invalid"], "require_dkim": False}
DEFAULT_SOURCES: tuple[dict[str, Any], ...] = (
    {"name": "Import AI", "senders": ["importai@substack.com"], "require_dkim": True},
    SAMPLE_SOURCE,
)


@dataclass(frozen=True)
class Settings:
    """The loaded values; read them typed, by section: ``settings.smtp.batch_size``.

    ``get(section, key)`` is the generic accessor for code that walks the
    table (``redacted``, the docs); everything else reads the typed sections.
    """

    values: Mapping[tuple[str, str], Any]
    sources: tuple[Source, ...]
    path: Path | None = None
    overridden: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    database: DatabaseSettings = field(init=False, repr=False, compare=False)
    inbox: InboxSettings = field(init=False, repr=False, compare=False)
    trust: TrustSettings = field(init=False, repr=False, compare=False)
    segment: SegmentSettings = field(init=False, repr=False, compare=False)
    models: ModelsSettings = field(init=False, repr=False, compare=False)
    smtp: SmtpSettings = field(init=False, repr=False, compare=False)
    delivery: DeliverySettings = field(init=False, repr=False, compare=False)
    scheduler: SchedulerSettings = field(init=False, repr=False, compare=False)
    worker: WorkerSettings = field(init=False, repr=False, compare=False)
    metrics: MetricsSettings = field(init=False, repr=False, compare=False)
    digest: DigestSettings = field(init=False, repr=False, compare=False)
    web: WebSettings = field(init=False, repr=False, compare=False)
    admin: AdminSettings = field(init=False, repr=False, compare=False)
    events: EventsSettings = field(init=False, repr=False, compare=False)
    log: LogSettings = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built here, not passed in, from the values ``get`` reads: the two never disagree.
        for name, cls in SECTIONS.items():
            object.__setattr__(self, name, read_section(cls, name, self.values))

    def get(self, section: str, key: str) -> Any:
        return self.values[(section, key)]

    def secret_values(self) -> list[str]:
        """The values of every secret setting and the database's password, for a log filter."""
        return ([str(self.get(s.section, s.key)) for s in SETTINGS if s.secret]
                + url_passwords(self.database.url))

    def redacted(self) -> dict[str, dict[str, Any]]:
        """Every setting by section, secrets masked: safe to print or log."""
        out: dict[str, dict[str, Any]] = {}
        for setting in SETTINGS:
            value = self.get(setting.section, setting.key)
            if setting.secret and value:
                value = "********"
            elif isinstance(value, str) and "://" in value:
                value = mask_url(value)  # a database URL holds its password
            out.setdefault(setting.section, {})[setting.key] = value
        return out


def load_settings(path: Path | str | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings; ``path`` falls back to NEWSALERTS_CONFIG, then to none."""
    env = os.environ if environ is None else environ
    if path is None and env.get(f"{ENV_PREFIX}CONFIG"):
        path = env[f"{ENV_PREFIX}CONFIG"]
    data = _read_toml(Path(path)) if path else {}
    _reject_unknown(data)
    _reject_unknown_env(env)
    values: dict[tuple[str, str], Any] = {}
    overridden: set[tuple[str, str]] = set()
    for setting in SETTINGS:
        raw, where = _lookup(setting, data, env)
        if where != "default":
            overridden.add((setting.section, setting.key))
        values[(setting.section, setting.key)] = _coerce(setting, raw, where)
    sources = _read_sources(data, env, reads_imap=bool(str(values[("inbox", "host")]).strip()))
    return Settings(values, sources, Path(path) if path else None, frozenset(overridden))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _reject_unknown(data: Mapping[str, Any]) -> None:
    """A misspelt key silently ignored is a setting that never applies: refuse it."""
    known = {(s.section, s.key) for s in SETTINGS}
    sections = {s.section for s in SETTINGS} | {"sources"}
    for section, table in data.items():
        if section not in sections:
            raise ConfigError(f"unknown config section [{section}]")
        if section == "sources":
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"[{section}] must be a table")
        for key in table:
            if (section, key) not in known:
                raise ConfigError(f"unknown config key [{section}] {key}")


def _reject_unknown_env(env: Mapping[str, str]) -> None:
    """The same for the environment: NEWSALERTS_SMTP__HOTS was ignored, and mail quietly
    went to var/outbox (an operator's review).  Only names of the settings' shape
    (NEWSALERTS_<SECTION>__<KEY>) are read as settings; NEWSALERTS_CONFIG, _SOURCES and
    others are not of it."""
    known = {s.env_name for s in SETTINGS}
    for name in env:
        if name.startswith(ENV_PREFIX) and "__" in name and name not in known:
            if name.upper() in known:
                raise ConfigError(f"unknown setting {name}: the names are upper case, "
                                  f"{name.upper()}")
            section, _, key = name[len(ENV_PREFIX):].partition("__")
            raise ConfigError(f"unknown setting {name}: no [{section.lower()}] {key.lower()} "
                              "(docs/settings.md lists them)")


def _lookup(setting: Setting, data: Mapping[str, Any],
            env: Mapping[str, str]) -> tuple[Any, str]:
    if setting.env_name in env:
        return env[setting.env_name], "env"
    table = data.get(setting.section, {})
    if setting.key in table:
        return table[setting.key], "file"
    return setting.default, "default"


TYPE_NAMES = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _coerce(setting: Setting, raw: Any, where: str) -> Any:
    name = f"[{setting.section}] {setting.key}"
    if where == "env":
        name = setting.env_name
    try:
        if setting.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            raise ValueError(raw)
        # No quiet conversions from the file's own types (an operator's review): 993.9 was
        # port 993, 2.5 a batch of 2, true a timeout of 1 s, a list a folder's "['INBOX']".
        if isinstance(raw, bool) and setting.type is not str:
            raise ValueError(raw)
        if (setting.type is int and isinstance(raw, float)) or (
                setting.type is str and not isinstance(raw, str)):
            raise ValueError(raw)
        value = setting.type(raw)
    except (TypeError, ValueError) as exc:
        kind = TYPE_NAMES.get(setting.type, setting.type.__name__)
        got = "" if setting.secret else f", got {raw!r}"  # a secret is never echoed
        raise ConfigError(f"{name} must be {kind}{got}") from exc
    # Refused here, in one line, rather than as a traceback from the job that reads it.
    check = setting.check or RANGES.get((setting.section, setting.key))
    if check and (expected := check(value)):
        raise ConfigError(f"{name} must be {expected}, got {raw!r}")
    return value


def _read_sources(data: Mapping[str, Any], env: Mapping[str, str],
                  reads_imap: bool) -> tuple[Source, ...]:
    if f"{ENV_PREFIX}SOURCES" in env:
        try:
            rows = json.loads(env[f"{ENV_PREFIX}SOURCES"])
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{ENV_PREFIX}SOURCES is not valid JSON: {exc}") from exc
    elif "sources" in data:
        rows = data["sources"]
    else:
        # The sample's sender needs no signature: it is for the folder inbox on a laptop.
        # On a real mailbox anybody could send as it (a read-only review: a stranger's
        # phishing links went out to every reader), so there it is not trusted.
        rows = [row for row in DEFAULT_SOURCES if not (reads_imap and row is SAMPLE_SOURCE)]
    if not isinstance(rows, list):
        raise ConfigError("[[sources]] must be a list of tables")
    return tuple(source_from_row(row, i) for i, row in enumerate(rows))


def tls_context(ca_file: str, section: str) -> ssl.SSLContext:
    """The TLS context for a server whose ``[section] ca_file`` is ``ca_file`` (the system's
    store when empty); a file that cannot be read is a ConfigError naming the setting."""
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"[{section}] ca_file {ca_file!r} is not a readable PEM file: "
                          f"{exc}") from exc
