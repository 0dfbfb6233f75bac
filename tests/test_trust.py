from __future__ import annotations

import pytest

from service.config import Source
from service.domain import Envelope
from service.errors import UntrustedSender
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


def test_list_id_required() -> None:
    source = Source("N", ("a@b.test",), list_id="news.b.test")
    assert trusted_source(envelope("a@b.test", list_id="<news.b.test>"), [source]) is source
    with pytest.raises(UntrustedSender, match="List-Id"):
        trusted_source(envelope("a@b.test", list_id="<other.b.test>"), [source])
