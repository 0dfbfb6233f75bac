"""Segment stage: a link's address read without trusting it.

``urllib.parse.urlsplit`` raises ValueError on addresses a hostile email can carry
("http://[", "http://[::1"): the structural engine reads links' paths to tell an
author's page or a logo's home page from a story's link, and one such href refused the
whole issue as an internal error (a fuzzer, stop 39).  Such an address reads here as one
with no part at all.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

__all__ = ["split_address"]

NOTHING = SplitResult("", "", "", "", "")


def split_address(url: str) -> SplitResult:
    """``urlsplit(url)``, or an empty result for an address it cannot read."""
    try:
        return urlsplit(url)
    except ValueError:
        return NOTHING
