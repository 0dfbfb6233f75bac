"""What every inbox offers the pipeline: new messages, one at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from service.domain import RawMessage

# (account, folder, uidvalidity) -> the last UID already stored, 0 when unknown
LastUid = Callable[[str, str, int], int]

# Of a message too large to read, the most of its header read (it is refused as too-large
# from that): a message with no blank line is all header, however large.
HEADER_BYTES = 64 * 1024

# What became of a message, and the folder a folder inbox moves it to.
FOLDER_BY_STATUS = {"processed": "processed", "failed": "failed", "rejected": "failed"}


class Inbox(Protocol):
    def messages(self, last_uid: LastUid) -> Iterator[RawMessage]: ...

    def acknowledge(self, raw: RawMessage, status: str) -> None: ...

    def close(self) -> None: ...


def check_status(status: str) -> None:
    if status not in FOLDER_BY_STATUS:
        raise ValueError(f"unknown status {status!r}: processed, failed or rejected")


def header_only(data: bytes) -> bytes:
    """``data`` up to and including its first blank line (all of it without one)."""
    ends = [i + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (i := data.find(sep)) >= 0]
    return data[:min(ends)] if ends else data
