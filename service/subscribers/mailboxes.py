"""One inbox whatever spelling of its address: "eve+2@x.example" is eve@x.example, and at
Gmail "e.ve@gmail.com" is eve@gmail.com.  Two such subscriptions are one reader agreeing
with themselves on a label (the web review), and one inbox for the confirmation emails'
daily limit (an attacker's probe: "victim+0..4@" and dotted spellings got ten emails into
one inbox in ten seconds)."""

from __future__ import annotations

__all__ = ["mailbox"]

# Providers that deliver "m.a.l.l.o.r.y@" to mallory@
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(address: str) -> str:
    """The inbox ``address`` reaches: without its "+tag", and at Gmail without dots."""
    local, at, domain = address.lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}{at}{domain}"
