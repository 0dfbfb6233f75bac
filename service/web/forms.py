"""Reading the web forms: form fields in, checked values out.

Pure functions over a mapping of field names to lists of values (what
``request.form`` is), so every rule is tested without a request.  A bad value
raises ``FormError`` with a sentence the page shows next to the form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from service.domain import THEMES
from service.subscribers.rules import CADENCES, normalise_email

OFF = "off"


class FormError(ValueError):
    """A form value the page must refuse; ``str(err)`` is shown to the reader."""


class FormFields:
    """The subset of ``werkzeug.datastructures.MultiDict`` the parsers use."""

    def __init__(self, fields: Mapping[str, Iterable[str]]) -> None:
        self._fields = {key: list(values) for key, values in fields.items()}

    def get(self, key: str, default: str = "") -> str:
        values = self._fields.get(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[str]:
        return list(self._fields.get(key, []))


@dataclass(frozen=True)
class ThemeChoice:
    """How a subscriber wants one theme: its cadence and an optional minimum score."""

    cadence: str  # instant | weekly
    min_score: float | None = None


def parse_email(form: FormFields) -> str:
    """The address as the store keeps it: the one rule of service/subscribers/rules.py,
    so the form never accepts an address the store then refuses."""
    email = form.get("email").strip()
    if not email:
        raise FormError("Please enter your email address.")
    try:
        return normalise_email(email)
    except ValueError:
        if not email.isascii():
            raise FormError("We can only send to addresses in plain ASCII letters "
                            "(a-z, 0-9 and . _ + -). Please use another address.") from None
        raise FormError("That does not look like an email address.") from None


ECHO_CHARS = 80  # of what a form sent, shown back in an error


def parse_themes(form: FormFields, field: str = "themes") -> list[str]:
    """The ticked themes, in THEMES order; an unknown theme is refused, not ignored."""
    ticked = set(form.getlist(field))
    unknown = ticked - set(THEMES)
    if unknown:
        named = ", ".join(sorted(unknown))  # echoed cut short: a field may be 60,000 long
        cut = named[:ECHO_CHARS] + ("…" if len(named) > ECHO_CHARS else "")
        raise FormError(f"Unknown theme: {cut}.")
    return [theme for theme in THEMES if theme in ticked]


def parse_choices(form: FormFields) -> dict[str, ThemeChoice]:
    """Per theme, ``cadence-<theme>`` (instant/weekly/off) and ``min_score-<theme>``.

    Themes set to off are left out of the result.
    """
    choices: dict[str, ThemeChoice] = {}
    for theme in THEMES:
        cadence = form.get(f"cadence-{theme}", OFF)
        if cadence == OFF:
            continue
        if cadence not in CADENCES:
            raise FormError(f"Choose instant, weekly or off for {theme}.")
        choices[theme] = ThemeChoice(cadence, _min_score(form.get(f"min_score-{theme}"), theme))
    return choices


def parse_subscription(form: FormFields) -> dict[str, ThemeChoice]:
    """The subscribe form: at least one theme with a cadence, and no minimum score."""
    choices = parse_choices(form)
    if not choices:
        raise FormError("Choose at least one theme, instant or weekly.")
    return choices


def _min_score(raw: str, theme: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise FormError(f"The minimum score for {theme} must be a number from 0 to 1.") from None
    if not 0.0 <= value <= 1.0:
        raise FormError(f"The minimum score for {theme} must be between 0 and 1.")
    return value
