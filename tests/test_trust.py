from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from service.config import Source, load_settings
from service.domain import Envelope
from service.errors import MalformedMessage, UntrustedSender
from service.ingest.parse import load_message, read_envelope
from service.ingest.trust import dkim_passed_domains, trusted_source, weak_trust
from service.ops.runner import warn_of_weak_trust

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
    # the address only once decoded: a receiving server's DMARC check sees no domain at all
    ("=?utf-8?q?importai=40substack.com?=",),
    # an obsolete source route: some servers take its domain for the sender's
    ("Import AI <@attacker.example:importai@substack.com>",),
    # an address literal, which the address pattern does not read as an address
    ("<importai@substack.com> evil@[192.0.2.1]",),
])
def test_a_from_that_names_two_senders_is_refused_as_ambiguous(
        from_headers: tuple[str, ...]) -> None:
    with pytest.raises(UntrustedSender) as err:
        trusted_source(from_envelope(*from_headers), [IMPORT_AI])
    assert err.value.code == "ambiguous-sender" and err.value.status == "rejected"
    assert "From" in err.value.reason


def test_a_from_of_thousands_of_encoded_words_is_refused_at_once() -> None:
    """A read-only review: decoding 300,000 encoded words took 84 s of CPU (quadratic), a
    poll held up for minutes by one message.  Refused before decoding, in linear time."""
    header = "=?utf-8?q?a?= " * 15_000 + "<importai@substack.com>"  # (under 256 KB)
    with pytest.raises(UntrustedSender) as err:
        trusted_source(from_envelope(header), [IMPORT_AI])
    assert err.value.code == "ambiguous-sender" and "characters long" in err.value.reason
    # over the header section's 256 KB, the message is refused before any header is read
    with pytest.raises(MalformedMessage) as whole:
        from_envelope("=?utf-8?q?a?= " * 40_000 + "<importai@substack.com>")
    assert whole.value.code == "headers-too-large"


@pytest.mark.parametrize("headers", [
    # "From :" (obs-syntax) is dropped by the email package as an mbox "From " line...
    "From : Evil <evil@attacker.example>\r\nFrom: Import AI <importai@substack.com>\r\n",
    "From: Import AI <importai@substack.com>\r\nTo: a@b.test\r\nFrom : Evil <e@x.test>\r\n",
    # ...and after "From\t:", which it cannot read as a header, the rest is body to it
    "From: Import AI <importai@substack.com>\r\nFrom\t: Evil <evil@attacker.example>\r\n",
])
def test_a_from_header_the_email_package_does_not_read_still_counts(headers: str) -> None:
    data = f"{headers}Subject: s\r\n\r\nhello\r\n".encode()
    with pytest.raises(UntrustedSender) as err:
        trusted_source(read_envelope(load_message(data)), [IMPORT_AI])
    assert err.value.code == "ambiguous-sender"


def test_an_mbox_from_line_or_a_from_in_the_body_is_no_from_header() -> None:
    data = (b"From someone@example.test Sat Dec  5 01:00:00 2026\r\n"
            b"From: Import AI <importai@substack.com>\r\nSubject: s\r\n\r\n"
            b"From: Evil <evil@attacker.example>\r\n")
    assert trusted_source(read_envelope(load_message(data)), [IMPORT_AI]) is IMPORT_AI


@pytest.mark.parametrize("value", [
    "importai@substack.com " + "a" * 40_000, "a" * 40_000 + " <importai@substack.com>"])
def test_a_long_from_is_read_in_linear_time(value: str) -> None:
    started = time.process_time()
    with pytest.raises(UntrustedSender):
        trusted_source(from_envelope(value), [STRICT])
    assert time.process_time() - started < 2.0  # milliseconds now; 8 to 17 s before


@pytest.mark.parametrize("value", [
    '"Jack Clark from Import AI" <importai@substack.com>',
    "Import AI <importai@substack.com>",
    "importai@substack.com",
    '"importai@substack.com" <importai@substack.com>',
    "importai@substack.com (Import AI)",
    '"The Batch @ Import AI" <importai@substack.com>',
    "=?\xfe\xff?q?Import_AI?= <importai@substack.com>",  # a charset no one has: shown raw
    "Import AI: importai@substack.com;",  # a group of one
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


def test_authentication_results_are_read_as_written_not_decoded() -> None:
    # The receiving server copies the envelope sender (SPF-checked, the attacker's own
    # domain) into its header; "=?...?=" in its local part decoded to a clause of its own.
    local = "=?utf-8?q?x=29=3B_dkim=3Dpass_header.d=3Dsubstack.com_=28?="
    for results in [f"mx.example.test; spf=pass smtp.mailfrom={local}@attacker.example",
                    f"mx.example.test; spf=pass (domain of {local}@attacker.example designates "
                    "192.0.2.1 as permitted sender) smtp.mailfrom=attacker.example; dkim=none"]:
        data = (f"From: Import AI <importai@substack.com>\r\nAuthentication-Results: {results}"
                "\r\nSubject: s\r\n\r\nhello\r\n").encode()
        envelope = read_envelope(load_message(data))
        assert envelope.authentication_results == (results,)
        for authserv_id in ("", "mx.example.test"):
            with pytest.raises(UntrustedSender) as err:
                trusted_source(envelope, [STRICT], authserv_id)
            assert err.value.code == "dkim-failed", err.value.reason


def test_list_id_must_match_exactly() -> None:
    source = Source("N", ("a@b.test",), list_id="news.b.test")
    for header in ["<news.b.test>", "News <NEWS.b.test>", "news.b.test"]:
        assert trusted_source(envelope("a@b.test", list_id=header), [source]) is source
    for header in ["<news.b.test.evil.example>", "<evilnews.b.test>", "news.b.test <x.y>",
                   "<ews.b.tes>", None,
                   # the source's id in the phrase or a comment, another list's as the id
                   '"<news.b.test>" <evil.b.test>', "<news.b.test> (<evil.b.test>)"]:
        with pytest.raises(UntrustedSender) as err:
            trusted_source(envelope("a@b.test", list_id=header), [source])
        assert err.value.code == "wrong-list-id"


def test_a_list_id_header_added_above_the_signed_one_is_refused() -> None:
    # A DKIM replay: the platform signed List-Id <evil.b.test>; one added above is unsigned.
    source = Source("N", ("a@b.test",), list_id="news.b.test")
    for headers in ["List-Id: <news.b.test>\r\nList-Id: <evil.b.test>\r\n",
                    "List-Id: =?utf-8?q?=3Cnews.b.test=3E?= <evil.b.test>\r\n"]:
        data = f"From: a@b.test\r\n{headers}Subject: s\r\n\r\nhello\r\n".encode()
        with pytest.raises(UntrustedSender) as err:
            trusted_source(read_envelope(load_message(data)), [source])
        assert err.value.code == "wrong-list-id"


def test_import_ai_default_source_requires_dkim() -> None:
    [import_ai] = [s for s in load_settings(environ={}).sources if s.name == "Import AI"]
    assert import_ai.require_dkim


def test_a_real_mailbox_s_weak_trust_is_said_at_start(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An operator's review: a source added as "Adding a newsletter" showed it, with no
    require_dkim, stored a forged issue, and nothing ever said the From alone was believed;
    nor that an empty authserv_id believes a header the sender wrote."""
    loose = Source("Robot Roundup", ("hello@robotroundup.example",))
    assert weak_trust([loose, STRICT], "", "") == []  # a folder only the operator writes to
    said = weak_trust([loose, STRICT], "", "imap.example.org")
    assert len(said) == 2
    assert said[0].startswith("source 'Robot Roundup' accepts mail on its From address alone")
    assert "[trust] authserv_id is empty" in said[1]
    assert weak_trust([STRICT], "mx.example.org", "imap.example.org") == []

    config = tmp_path / "newsalerts.toml"
    config.write_text('[inbox]\nhost = "imap.example.org"\n[[sources]]\nname = "Robot Roundup"'
                      '\nsenders = ["hello@robotroundup.example"]\n')
    caplog.set_level(logging.WARNING, logger="service.ops.runner")
    warn_of_weak_trust(load_settings(config))
    assert [r.getMessage() for r in caplog.records] == [said[0]]


def test_two_newsletters_sent_from_one_address_are_told_apart_by_their_list_id() -> None:
    """An operator's review: a publisher's two newsletters from one address, each with its
    List-Id; the first source listed took every message, so the second's issues were all
    refused as `wrong-list-id`."""
    robotics = Source("Robotics", ("news@publisher.test",), list_id="robotics.publisher.test")
    daily = Source("Daily", ("news@publisher.test",), list_id="daily.publisher.test")
    anything = Source("Anything else", ("news@publisher.test",))
    both = [robotics, daily]

    def source(list_id: str | None, sources: list[Source]) -> Source:
        return trusted_source(envelope("news@publisher.test", list_id=list_id), sources)

    assert source("<daily.publisher.test>", both) is daily
    assert source("Robotics <robotics.publisher.test>", both) is robotics
    assert source("<weekly.publisher.test>", [*both, anything]) is anything
    assert source(None, [*both, anything]) is anything
    with pytest.raises(UntrustedSender) as err:
        source("<weekly.publisher.test>", both)
    assert err.value.code == "wrong-list-id"
