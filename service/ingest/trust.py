"""Trust: only mail from a configured source's senders may become an issue.

The service re-sends what it reads to many people, so a spoofed issue would
make it a phishing relay (invariant 2).  A message must come From one of a
source's addresses; a source may also demand a DKIM pass for the sender's
domain and a List-Id.

Authentication-Results is only as trustworthy as the server that wrote it:
receiving servers *prepend* theirs, so only the topmost header is read; any
further ones could have been written by the sender.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.config import Source
from service.domain import Envelope
from service.errors import UntrustedSender

_DKIM_RESULT = re.compile(
    r"\bdkim\s*=\s*(?P<result>\w+)(?P<props>[^;]*)", re.IGNORECASE
)
_HEADER_D = re.compile(r"\bheader\.d\s*=\s*\"?(?P<domain>[\w.-]+)", re.IGNORECASE)


def trusted_source(envelope: Envelope, sources: Sequence[Source]) -> Source:
    """The source this message comes from; raise UntrustedSender otherwise."""
    if not envelope.sender:
        raise UntrustedSender("no-sender", "the message has no usable From address")
    source = _source_for_sender(envelope.sender, sources)
    if source.require_dkim:
        _check_dkim(envelope, source)
    if source.list_id and source.list_id not in (envelope.list_id or "").lower():
        raise UntrustedSender(
            "wrong-list-id",
            f"{source.name} requires List-Id {source.list_id!r}, "
            f"the message has {envelope.list_id or 'none'}",
        )
    return source


def _source_for_sender(sender: str, sources: Sequence[Source]) -> Source:
    for source in sources:
        if sender in source.senders:
            return source
    raise UntrustedSender(
        "untrusted-sender", f"{sender} is not an allowed sender of any configured source"
    )


def _check_dkim(envelope: Envelope, source: Source) -> None:
    domain = source.dkim_domain or envelope.sender.rpartition("@")[2]
    results = envelope.authentication_results
    if not results:
        raise UntrustedSender(
            "no-dkim", f"{source.name} requires DKIM, and no Authentication-Results is present"
        )
    passed = dkim_passed_domains(results[0])
    if not any(_aligned(domain, signed) for signed in passed):
        raise UntrustedSender(
            "dkim-failed",
            f"{source.name} requires a DKIM pass for {domain}; "
            f"the receiving server reported {sorted(passed) or 'no pass'}",
        )


def dkim_passed_domains(header: str) -> set[str]:
    """The d= domains with dkim=pass in one Authentication-Results header."""
    domains = set()
    for match in _DKIM_RESULT.finditer(header):
        if match.group("result").lower() != "pass":
            continue
        d = _HEADER_D.search(match.group("props"))
        if d:
            domains.add(d.group("domain").lower().rstrip("."))
    return domains


def _aligned(from_domain: str, signing_domain: str) -> bool:
    """Relaxed DMARC alignment: same domain, or From is a subdomain of the signer."""
    return from_domain == signing_domain or from_domain.endswith("." + signing_domain)
