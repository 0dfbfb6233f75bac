"""Logging for the application: text for people or JSON lines for collectors.

Handlers are attached here, by the CLI, never at import.  A filter replaces
every configured secret (passwords, the signing key) wherever it would appear
in a record, so a secret that slips into an exception message still never
reaches a log (invariant 7).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from service.config import Settings

MASK = "********"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret containing another is masked whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        _format_exception(record)
        for secret in self._secrets:
            message = message.replace(secret, MASK)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, MASK)
        record.msg, record.args = message, None
        return True


# Control characters but tab and newline: a sender's From or Message-ID holding ESC c
# cleared the operator's terminal, or rewrote a line into a forged one (the security
# review).  The text log shows them as escapes, as the JSON one does.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class EscapeControls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _CONTROLS.search(message):
            record.msg, record.args = _escaped(message), None
        _format_exception(record)  # an error's text may quote a sender's
        if record.exc_text:
            record.exc_text = _escaped(record.exc_text)
        return True


class QuietOverlaps(logging.Filter):
    """APScheduler's "Execution of job "poll …" skipped: maximum number of running instances
    reached" when new mail wakes a poll as the start-up one runs: the running poll reads the
    mail, so it is no fault, and a WARNING at every third start read as one (an operator's
    probe).  Said at INFO, when the service's level shows INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        # (the poll's only: a send, digest or retrain skipped is one stuck, a fault to see:
        # the review of the first version, which quietened them all)
        job = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
        if ("maximum number of running instances reached" not in str(record.msg)
                or not job.startswith("poll ")):
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger("service").isEnabledFor(logging.INFO)


def _format_exception(record: logging.LogRecord) -> None:
    """The record's traceback as text, once, for the filters to rewrite before it is shown."""
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)


def _escaped(text: str) -> str:
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            entry["error"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False)


def secret_values(settings: Settings) -> list[str]:
    return settings.secret_values()


def configure_logging(settings: Settings, verbosity: int = 0) -> None:
    level = "DEBUG" if verbosity else settings.log.level.upper()
    handler = logging.StreamHandler(sys.stderr)
    if settings.log.format.lower() == "json":  # the check takes any case, as for level
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secret_values(settings)))
    handler.addFilter(EscapeControls())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("newsalerts").setLevel(level)
    logging.getLogger("service").setLevel(level)
    overlaps = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, QuietOverlaps) for f in overlaps.filters):
        overlaps.addFilter(QuietOverlaps())
