"""The settings table as Markdown, for docs/settings.md (`newsalerts config docs`).

Kept out of config.py so the table's module stays about settings, not their docs.
"""

from __future__ import annotations

from service.config import ENV_PREFIX, SETTINGS


def settings_table_markdown() -> str:
    """Every setting as a Markdown table; docs/settings.md must hold this text."""
    lines = [
        "| setting | environment variable | default | meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = "(empty)" if s.default == "" else f"`{s.default}`"
        lines.append(f"| `[{s.section}] {s.key}` | `{s.env_name}` | {default} | {s.help} |")
    lines.append(
        "| `[[sources]] name, senders, require_dkim, dkim_domain, list_id` "
        f"| `{ENV_PREFIX}SOURCES` (JSON list) | Import AI and the sample sender "
        "| Newsletters to accept: only mail From one of `senders` becomes an issue; "
        "`require_dkim` (default false; true for the default Import AI) also demands a DKIM "
        "pass for the sender's domain (or `dkim_domain`) in the receiving server's "
        "Authentication-Results (see `[trust] authserv_id`); `list_id` demands exactly that "
        "List-Id (the id inside <...>). A file's list replaces the defaults. |"
    )
    return "\n".join(lines) + "\n"
