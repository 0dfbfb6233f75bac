"""Parse stage: what a MIME part's declared charset may be, and its payload read safely.

A sender chooses the ``charset`` label, and Python's codec registry answers to more than
mail's charsets: transforms ("rot13", "zlib_codec", "hex_codec", "uu_codec") that are no text
encoding and raise LookupError on ``bytes.decode``, and text codecs of Python's own
("idna", "punycode", "undefined", "unicode_escape") that no mail is written in, some of which
raise UnicodeError whatever the error handler (the operator's review: each became an
internal error, and ``segment`` stopped at the first).  Such a label is read as an unknown
one: the text is then UTF-8 or it is refused as ``bad-charset``.
"""

from __future__ import annotations

import codecs
from email.message import Message
from typing import Any

__all__ = ["payload_of", "text_codec"]

# Text codecs in Python's registry that are no charset (RFC 2978) a message may declare.
PYTHON_ONLY = frozenset({"idna", "punycode", "undefined", "unicode-escape",
                         "raw-unicode-escape", "charmap", "mbcs", "oem"})


def text_codec(label: str) -> str | None:
    """The codec that reads text labelled ``label``; None for no charset a mail may be in."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # (CodecInfo._is_text_encoding is how bytes.decode itself tells a transform apart)
    if not getattr(info, "_is_text_encoding", True) or info.name in PYTHON_ONLY:
        return None
    return info.name


def payload_of(part: Message) -> Any:
    """``part.get_payload()``: a list of parts, or text.  For 8-bit text the email package
    decodes by the part's charset with "replace", which a codec such as "idna" or
    "undefined" refuses with UnicodeError: the bytes are then read as UTF-8."""
    try:
        return part.get_payload()
    except UnicodeError:
        data = part.get_payload(decode=True)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
