"""Folder inbox: .eml files dropped into a directory, the embedded default."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from service.domain import RawMessage
from service.errors import InboxError
from service.ingest.fetch.base import (
    FOLDER_BY_STATUS,
    HEADER_BYTES,
    LastUid,
    check_status,
    header_only,
)

log = logging.getLogger(__name__)


class DirectoryInbox:
    """Every *.eml file in a folder, by name; handled files move to processed/ or failed/."""

    def __init__(self, directory: Path, max_message_bytes: int) -> None:
        self._directory = directory
        self._max_bytes = max_message_bytes

    def messages(self, last_uid: LastUid) -> Iterator[RawMessage]:
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            # (a name starting with "." is a file still being written: rsync's, or one
            # written under a temporary name to be renamed, as the README asks)
            paths = sorted(p for p in self._directory.glob("*.eml")
                           if p.is_file() and not p.name.startswith("."))
        except OSError as exc:  # a file where the folder should be, or no permission
            raise InboxError(f"cannot read the inbox folder {self._directory} "
                             f"([inbox] dir): {exc.strerror or exc}") from exc
        for path in paths:
            raw = self._read(path)
            if raw is not None:
                yield raw

    def acknowledge(self, raw: RawMessage, status: str) -> None:
        check_status(status)
        source = Path(raw.origin)
        if source.parent.resolve() != self._directory.resolve():
            raise ValueError(f"{source} is not a message of the inbox {self._directory}")
        target_dir = self._directory / FOLDER_BY_STATUS[status]
        try:
            target_dir.mkdir(exist_ok=True)
            os.replace(source, _unused_name(target_dir, source.name))
        except FileNotFoundError:
            log.warning("%s was already moved away; nothing to acknowledge", source)
        except OSError as exc:
            raise InboxError(f"cannot move {source} into {target_dir}: {exc}") from exc

    def close(self) -> None:
        pass

    def _read(self, path: Path) -> RawMessage | None:
        try:
            size = path.stat().st_size
            if size > self._max_bytes:
                return RawMessage(data=_header_part(path, HEADER_BYTES),
                                  origin=str(path), size=size)
            return RawMessage(data=path.read_bytes(), origin=str(path))
        except FileNotFoundError:
            return None  # moved away since the listing
        except OSError as exc:
            # A file we cannot read must not stop the ones after it.
            log.error("skipping %s: %s", path, exc)
            return None


def _header_part(path: Path, limit: int) -> bytes:
    """The bytes up to and including the first blank line, read no further than limit."""
    head = b""
    with path.open("rb") as fh:
        while len(head) < limit:
            chunk = fh.read(64 * 1024)
            if not chunk:
                break
            head += chunk
            if header_only(head) != head:
                break
    return header_only(head[:limit])


def _unused_name(folder: Path, name: str) -> Path:
    """folder/name, or name-1, name-2... before the suffix: a move never overwrites."""
    candidate, stem, suffix = folder / name, Path(name).stem, Path(name).suffix
    counter = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate
