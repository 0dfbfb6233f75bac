"""Trust: only mail from a configured source's senders may become an issue.

The service re-sends what it reads to many people, so a spoofed issue would
make it a phishing relay (invariant 2).  A message must come From exactly one
address, one of a source's; a source may also demand a DKIM pass for the
sender's domain and an exact List-Id.

A From that a mail client could show as someone else is refused as
``ambiguous-sender`` before anything else: two From headers, several
addresses in one, or an address in the display name (or a comment) that is
not the address itself (``importai@substack.com <evil@attacker.example>``),
or an address that is not written out plainly: only there once an encoded word
is decoded (a receiving server's DMARC check sees no domain), behind an obsolete
source route (``<@attacker.example:importai@substack.com>``), or beside an
address literal (``evil@[192.0.2.1]``).

Authentication-Results is only as trustworthy as the server that wrote it
(authres.py reads it as RFC 8601).  With ``[trust] authserv_id`` set, only the
topmost header that names that server counts; empty, the topmost header
counts: receiving servers *prepend* theirs, so any further ones could have
been written by the sender.  Its raw text is read: encoded words are not
RFC 8601's, and decoding them turns what the sender chose (an envelope sender
the server copies in) into clauses.  A List-Id with several <...> (two
headers, one in a phrase) has no list id a source can match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.errors import MessageError
from email.header import decode_header, make_header

from service.config import Source
from service.domain import Envelope
from service.errors import UntrustedSender
from service.ingest.authres import AuthResults, parse_authentication_results

_ATOM = r"[^@\s<>\"'(),;:\[\]]"
# Starting only where a run of such characters starts: tried from inside a long run without
# an "@" each start scanned the rest of it (40 KB of From took 17 s; now linear).
_ADDRESS = re.compile(rf"(?<!{_ATOM}){_ATOM}+@{_ATOM}+")
_LIST_ID = re.compile(r"<([^<>]*)>")
# <@relay.example:someone@example.com>, an obsolete source route (RFC 5322 4.4), and
# someone@[192.0.2.1], an address literal: the pattern above does not see them as addresses
_OBSCURE = re.compile(r"<\s*@|@\s*\[")
FROM_MAX_CHARS = 2000  # as any header parse.py reads (MAX_HEADER_CHARS)


def weak_trust(sources: Sequence[Source], authserv_id: str, mailbox: str) -> list[str]:
    """What an operator should hear at start about a real mailbox's (``mailbox``, an IMAP
    host; none for a folder only they write to) trust: a source whose From alone is
    believed, which anyone can forge, and DKIM believed from whichever server wrote the
    topmost header (an operator's review: a forged issue was stored with no word said)."""
    if not mailbox:
        return []
    said = [f"source {source.name!r} accepts mail on its From address alone "
            "(require_dkim = false): anyone can forge it; set require_dkim = true"
            for source in sources if not source.require_dkim]
    if not authserv_id.strip() and any(source.require_dkim for source in sources):
        said.append(f"[trust] authserv_id is empty: the topmost Authentication-Results "
                    f"header is believed, whoever wrote it; set it to the id {mailbox}'s "
                    "mail server writes there")
    return said


def trusted_source(envelope: Envelope, sources: Sequence[Source],
                   authserv_id: str = "") -> Source:
    """The source this message comes from; raise UntrustedSender otherwise."""
    check_unambiguous(envelope)
    if not envelope.sender:
        raise UntrustedSender("no-sender", "the message has no usable From address")
    source = _source_for_sender(envelope.sender, list_id_of(envelope.list_id), sources)
    if source.require_dkim:
        _check_dkim(envelope, source, authserv_id.strip().lower())
    if source.list_id and list_id_of(envelope.list_id) != source.list_id:
        raise UntrustedSender(
            "wrong-list-id",
            f"{source.name} requires List-Id {source.list_id!r}, "
            f"the message has {envelope.list_id or 'none'}",
        )
    return source


def check_unambiguous(envelope: Envelope) -> None:
    """Refuse a From a person could read as another sender than the one checked.

    ``from_headers`` are the raw header values (parsing would tidy an unquoted
    address in the display name away); encoded words are read decoded too.
    """
    headers = envelope.from_headers
    if len(headers) > 1:
        raise UntrustedSender(
            "ambiguous-sender", f"the message has {len(headers)} From headers; one is allowed")
    if not headers or not envelope.sender:
        return
    if len(headers[0]) > FROM_MAX_CHARS:
        # decoding 300,000 encoded words took 84 s of CPU (quadratic in the standard
        # library): a sender's From is a name and an address (a read-only review)
        raise UntrustedSender(
            "ambiguous-sender", f"the From header is {len(headers[0]):,} characters long; "
            f"{FROM_MAX_CHARS:,} at most are read")
    written = _addresses(headers[0])
    if envelope.sender not in written or _OBSCURE.search(headers[0]):
        raise UntrustedSender(
            "ambiguous-sender",
            f"the From header does not plainly give {envelope.sender} (only once encoded words "
            "are decoded, behind a source route, or beside an address literal): a server could "
            "read another sender")
    others = sorted((written | _addresses(_decoded(headers[0]))) - {envelope.sender})
    if others:
        raise UntrustedSender(
            "ambiguous-sender",
            f"the From header names {', '.join(others)} besides the address "
            f"{envelope.sender}: a reader could take it for the sender")


def _addresses(text: str) -> set[str]:
    return {address.lower().strip(".") for address in _ADDRESS.findall(text)}


def _decoded(header: str) -> str:
    """The header with RFC 2047 encoded words decoded, as a mail client shows it."""
    try:
        return str(make_header(decode_header(header)))
    except (MessageError, LookupError, UnicodeError, ValueError):  # CharsetError: "=?\xff?q?"
        return header


def list_id_of(header: str | None) -> str:
    """The list's id: what is inside <...> (RFC 2919), else the whole value; lower-cased.

    Several <...> (one in a quoted phrase or a comment, or two List-Id headers) are
    no list id at all: which one a reader takes for the list's is anyone's guess.
    """
    if not header:
        return ""
    found = _LIST_ID.findall(header)
    if len(found) > 1:
        return ""
    return (found[0] if found else header).strip().lower()


def _source_for_sender(sender: str, list_id: str, sources: Sequence[Source]) -> Source:
    """The source of ``sender``; of two or more sent from one address (a publisher's
    newsletters), the one whose List-Id the message carries, else one that asks for none
    (two sources from one address each lost the other's issues as `wrong-list-id`: an
    operator's review)."""
    mine = [source for source in sources if sender in source.senders]
    if not mine:
        raise UntrustedSender(
            "untrusted-sender", f"{sender} is not an allowed sender of any configured source")
    return (next((s for s in mine if s.list_id and s.list_id == list_id), None)
            or next((s for s in mine if not s.list_id), None) or mine[0])


def _check_dkim(envelope: Envelope, source: Source, authserv_id: str) -> None:
    domain = source.dkim_domain or envelope.sender.rpartition("@")[2]
    verdict = receiving_server_results(envelope.authentication_results, authserv_id)
    if verdict is None:
        where = f"from {authserv_id} " if authserv_id else ""
        found = "is present" if authserv_id or not envelope.authentication_results else (
            "can be read (the topmost has no authserv-id)")
        raise UntrustedSender(
            "no-dkim", f"{source.name} requires DKIM, and no Authentication-Results {where}{found}")
    passed = passed_domains(verdict)
    if not any(_aligned(domain, signed) for signed in passed):
        raise UntrustedSender(
            "dkim-failed",
            f"{source.name} requires a DKIM pass for {domain}; "
            f"{verdict.authserv_id} reported {sorted(passed) or 'no pass'}",
        )


def receiving_server_results(headers: Sequence[str], authserv_id: str) -> AuthResults | None:
    """The one Authentication-Results to believe: the topmost, or the topmost by ``authserv_id``."""
    for header in headers:
        parsed = parse_authentication_results(header)
        if not authserv_id:
            return parsed  # the topmost, whatever it says
        if parsed is not None and parsed.authserv_id == authserv_id:
            return parsed
    return None


def dkim_passed_domains(header: str) -> set[str]:
    """The signing domains with dkim=pass in one Authentication-Results header."""
    parsed = parse_authentication_results(header)
    return passed_domains(parsed) if parsed else set()


def passed_domains(results: AuthResults) -> set[str]:
    """header.d of each dkim=pass (else the domain of its header.i), lower-cased."""
    domains = set()
    for result in results.results:
        if result.method != "dkim" or result.result != "pass":
            continue
        signer = result.properties.get("header.d") or result.properties.get(
            "header.i", "").rpartition("@")[2]
        if signer:
            domains.add(signer.lower().rstrip("."))
    return domains


def _aligned(from_domain: str, signing_domain: str) -> bool:
    """Relaxed DMARC alignment: same domain, or From is a subdomain of the signer."""
    return from_domain == signing_domain or from_domain.endswith("." + signing_domain)
