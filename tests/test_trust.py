from __future__ import annotations

import pytest

from service.config import Source, load_settings
from service.domain import Envelope
from service.errors import UntrustedSender
from service.ingest.parse import load_message, read_envelope
from service.ingest.trust import dkim_passed_domains, trusted_source

IMPORT_AI = Source("Import AI", ("importai@substack.com",))
STRICT = Source("Import AI", ("importai@substack.com",), require_dkim=True)


def envelope(sender: str, *results: str, list_id: str | None = None) -> Envelope:
    return Envelope(message_id="<m@x>", sender=sender, sender_name="", subject="s",
                    date=None, list_id=list_id, authentication_results=results)


def test_listed_sender_is_trusted() -> None:
    assert trusted_source(envelope("importai@substack.com"), [IMPORT_AI]) is IMPORT_AI


@pytest.mark.parametrize("sender", ["importai@substack.com.evil.test", "someone@substack.com",
                                    "", "importai@evil.test"])
def test_unlisted_sender_is_rejected_with_reason(sender: str) -> None:
    with pytest.raises(UntrustedSender) as err:
        trusted_source(envelope(sender), [IMPORT_AI])
    assert err.value.status == "rejected"
    assert err.value.reason


def test_dkim_required_and_passing() -> None:
    header = "mx.example.test; dkim=pass header.d=substack.com; spf=pass"
    assert trusted_source(envelope("importai@substack.com", header), [STRICT]) is STRICT


@pytest.mark.parametrize(
    "results",
    [
        (),
        ("mx.example.test; dkim=fail header.d=substack.com",),
        ("mx.example.test; dkim=pass header.d=evil.test",),
        # a forged pass further down, below the receiving server's own verdict
        ("mx.example.test; dkim=none", "forged; dkim=pass header.d=substack.com"),
    ],
)
def test_dkim_required_and_not_passing_is_rejected(results: tuple[str, ...]) -> None:
    with pytest.raises(UntrustedSender) as err:
        trusted_source(envelope("importai@substack.com", *results), [STRICT])
    assert err.value.code in {"no-dkim", "dkim-failed"}


def test_dkim_subdomain_alignment() -> None:
    assert dkim_passed_domains("a; dkim=pass (ok) header.i=@x header.d=Substack.com") == {
        "substack.com"}
    strict = Source("N", ("news@mail.example.org",), require_dkim=True)
    header = "mx; dkim=pass header.d=example.org"
    assert trusted_source(envelope("news@mail.example.org", header), [strict]) is strict


# --- ambiguous senders -------------------------------------------------------------------------


def from_envelope(*from_headers: str) -> Envelope:
    """The envelope parse.py reads from a message with these From headers."""
    headers = "".join(f"From: {value}\r\n" for value in from_headers)
    message = (headers + "Subject: s\r\nMessage-ID: <m@x>\r\n\r\nhello\r\n").encode()
    return read_envelope(load_message(message))


@pytest.mark.parametrize("from_headers", [
    ("importai@substack.com <evil@attacker.example>",),  # an unquoted "display name"
    ('"importai@substack.com" <evil@attacker.example>',),
    ("evil@attacker.example (importai@substack.com)",),
    ("importai@substack.com, evil@attacker.example",),
    ("Import AI <importai@substack.com>, Friend <evil@attacker.example>",),
    ("Import AI <importai@substack.com>", "Evil <evil@attacker.example>"),
    ("Import AI <importai@substack.com>", "Import AI <importai@substack.com>"),
    ("=?utf-8?q?importai=40substack=2Ecom?= <evil@attacker.example>",),
])
def test_a_from_that_names_two_senders_is_refused_as_ambiguous(
        from_headers: tuple[str, ...]) -> None:
    with pytest.raises(UntrustedSender) as err:
        trusted_source(from_envelope(*from_headers), [IMPORT_AI])
    assert err.value.code == "ambiguous-sender" and err.value.status == "rejected"
    assert "From" in err.value.reason


@pytest.mark.parametrize("value", [
    '"Jack Clark from Import AI" <importai@substack.com>',
    "Import AI <importai@substack.com>",
    "importai@substack.com",
    '"importai@substack.com" <importai@substack.com>',
    "importai@substack.com (Import AI)",
    '"The Batch @ Import AI" <importai@substack.com>',
])
def test_an_ordinary_from_is_not_ambiguous(value: str) -> None:
    assert trusted_source(from_envelope(value), [IMPORT_AI]) is IMPORT_AI


# --- Authentication-Results (RFC 8601) ---------------------------------------------------------


@pytest.mark.parametrize("header", [
    # a pass inside another method's comment
    "mx.example.test; spf=pass (dkim=pass header.d=substack.com) smtp.mailfrom=evil.test",
    "mx.example.test; spf=pass (… dkim=pass+header.d=substack.com@…) smtp.mailfrom=evil.test",
    # a pass run on inside another method's clause, without its own ";"
    "mx.example.test; spf=pass smtp.mailfrom=evil.test dkim=pass header.d=substack.com",
    # a pass in a quoted value
    'mx.example.test; spf=pass smtp.mailfrom="x; dkim=pass header.d=substack.com"',
    # the authserv-id itself looks like a result
    "dkim=pass header.d=substack.com",
    # a pass for another domain, with the source's domain only in the selector
    "mx.example.test; dkim=pass header.d=evil.test header.s=substack.com",
    "mx.example.test; dkim=pass header.i=@evil.test",
    "mx.example.test; dkim=fail header.d=substack.com",
])
def test_only_a_real_dkim_pass_clause_for_the_domain_counts(header: str) -> None:
    with pytest.raises(UntrustedSender) as err:
        trusted_source(envelope("importai@substack.com", header), [STRICT])
    assert err.value.code == "dkim-failed", err.value.reason


@pytest.mark.parametrize("header", [
    "mx.example.test; dkim=pass header.d=substack.com; spf=pass",
    "mx.example.test 1; spf=pass (sender ok) smtp.mailfrom=substack.com; "
    'dkim=pass reason="good (sig)" header.i=@substack.com header.b="AbC="',
    "mx.example.test;\r\n dkim/1=pass (2048-bit key) header.d=Substack.COM",
])
def test_a_dkim_pass_clause_is_read_with_comments_versions_and_quotes(header: str) -> None:
    assert trusted_source(envelope("importai@substack.com", header), [STRICT]) is STRICT


def test_with_an_authserv_id_only_that_servers_header_is_believed() -> None:
    ours = "mx.example.test; dkim=pass header.d=substack.com"
    foreign = "relay.attacker.example; dkim=pass header.d=substack.com"
    sender = "importai@substack.com"
    strict = [STRICT]
    # the receiving server's verdict is found below another server's
    assert trusted_source(envelope(sender, foreign, ours), strict,
                          authserv_id="MX.example.test") is STRICT
    for results in [(foreign,), (), ("mx.example.test.evil; dkim=pass header.d=substack.com",)]:
        with pytest.raises(UntrustedSender) as err:
            trusted_source(envelope(sender, *results), strict, authserv_id="mx.example.test")
        assert err.value.code == "no-dkim" and "mx.example.test" in err.value.reason
    # its own verdict is final: a pass further down does not overrule a fail
    failed = "mx.example.test; dkim=fail header.d=substack.com"
    with pytest.raises(UntrustedSender) as err:
        trusted_source(envelope(sender, failed, ours), strict, authserv_id="mx.example.test")
    assert err.value.code == "dkim-failed"
    # without one, the topmost header is the receiving server's, as before
    with pytest.raises(UntrustedSender):
        trusted_source(envelope(sender, foreign.replace("pass", "none"), ours), strict)


def test_list_id_must_match_exactly() -> None:
    source = Source("N", ("a@b.test",), list_id="news.b.test")
    for header in ["<news.b.test>", "News <NEWS.b.test>", "news.b.test"]:
        assert trusted_source(envelope("a@b.test", list_id=header), [source]) is source
    for header in ["<news.b.test.evil.example>", "<evilnews.b.test>", "news.b.test <x.y>",
                   "<ews.b.tes>", None]:
        with pytest.raises(UntrustedSender) as err:
            trusted_source(envelope("a@b.test", list_id=header), [source])
        assert err.value.code == "wrong-list-id"


def test_import_ai_default_source_requires_dkim() -> None:
    [import_ai] = [s for s in load_settings(environ={}).sources if s.name == "Import AI"]
    assert import_ai.require_dkim
