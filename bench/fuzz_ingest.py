"""Fuzz the ingest stage (parse + segment) for unexpected errors and slow inputs.

    .venv/bin/pip install atheris          # a fuzzer, not a dependency of the project
    NEWSALERTS_SHARED=../shared nice -n 10 .venv/bin/python bench/fuzz_ingest.py \\
        [--work DIR] [libFuzzer flags, e.g. -max_total_time=600 -max_len=12000]

Seeds are cut at run time from the shared issues (raw messages, and their HTML and
text/plain bodies) into DIR/seeds (default /tmp/newsalerts-fuzz); nothing is written
to the repository.  An input's first byte picks what the rest is: 0 a raw message;
1 an HTML body, 2 a text/plain body (generic rules); 3 an HTML body, 4 a text/plain
body from Import AI's sender (the separators engine).  A refusal (MessageRefused) is
an answer; any other exception is saved once per place raised as DIR/findings/exc-*,
and an input taking over 0.5 s of CPU as DIR/findings/slow-*.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import traceback
from pathlib import Path

import atheris
from fuzzing import fuzz  # bench/, the script's folder

with atheris.instrument_imports(include=["service", "bs4", "email", "html"]):
    from email import policy
    from email.parser import BytesParser

    from service.errors import MessageRefused
    from service.ingest.parse import load_message, parse_issue, read_envelope
    from service.ingest.segment import segment

SLOW_SECONDS = 0.5
SENDERS = {1: "news@example.com", 2: "news@example.com",
           3: "importai@substack.com", 4: "importai@substack.com"}
# Tokens libFuzzer splices in: markup, plain-text structure, MIME and header syntax.
TOKENS = ["<b>", "</b>", "<p>", "</p>", "<br>", "<hr>", "<h2>", "<li>", '<a href="https://x.org/">',
          "</a>", "<em>", "<table><tr><td>", "<!--", "-->", "<![", "<!DOCTYPE", "&#x", "**", "***",
          "### ", "---", "===", "[1]", "[1]: https://x.org/", "https://", "](https://x.org/)",
          "![](x)", "\n\n", "\r\n", " — ", "…", "Tech Tales:", "[A city, 2031]", "Unsubscribe",
          "Sponsored", "TL;DR", "Dear friends,", "By Ann Lee", 'style="font-weight:bold"',
          'Content-Type: multipart/alternative; boundary="b"\r\n', "--b\r\n", "--b--",
          "Content-Transfer-Encoding: base64\r\n", "=?utf-8?q?", "?=", "From: ", "((((", '"""']
FINDINGS: Path = Path()
seen: set[str] = set()


def wrap(mode: int, body: bytes) -> bytes:
    kind = "html" if mode in (1, 3) else "plain"
    head = (f"From: Some News <{SENDERS[mode]}>\r\nSubject: Issue 1\r\n"
            "Message-ID: <x@example.com>\r\nDate: Sat, 05 Dec 2026 01:00:00 +0000\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/{kind}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n")
    return head.encode() + body


def test_one_input(data: bytes) -> None:
    if not data:
        return
    mode = data[0] % 5
    raw = data[1:] if mode == 0 else wrap(mode, data[1:])
    started = time.process_time()
    try:
        message = load_message(raw)
        read_envelope(message)
        segment(parse_issue(raw, message))
    except MessageRefused:
        pass
    except Exception as exc:  # what the fuzzer looks for
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        key = f"exc-{type(exc).__name__}-{Path(frame.filename).name}-{frame.lineno}"
        if key not in seen:
            seen.add(key)
            (FINDINGS / f"{key}.bin").write_bytes(data)
            (FINDINGS / f"{key}.txt").write_text("".join(traceback.format_exception(exc)))
            print("NEW", key, file=sys.stderr, flush=True)
    spent = time.process_time() - started
    if spent > SLOW_SECONDS:
        name = f"slow-{spent:.1f}s-{hashlib.sha256(data).hexdigest()[:10]}"
        (FINDINGS / f"{name}.bin").write_bytes(data)
        print("SLOW", name, len(data), file=sys.stderr, flush=True)


def write_seeds(shared: Path, seeds: Path, window: int = 6000) -> None:
    """Windows of each shared issue's raw bytes, HTML and text/plain, one file per window."""
    seeds.mkdir(parents=True, exist_ok=True)
    for path in sorted(shared.glob("data/importai/**/*.eml")) + sorted(
            shared.glob("data/newsletters/**/*.eml")):
        raw = path.read_bytes()
        message = BytesParser(policy=policy.default).parsebytes(raw)
        docs = {0: raw[:window]}
        for mode, kind in ((1, "html"), (2, "plain"), (3, "html"), (4, "plain")):
            part = message.get_body((kind,))
            payload = part.get_payload(decode=True) if part is not None else None
            if isinstance(payload, bytes):
                docs[mode] = payload
        for mode, doc in docs.items():
            for i, start in enumerate(range(0, min(len(doc), 4 * window), window)):
                (seeds / f"{path.stem}-{mode}-{i}").write_bytes(
                    bytes([mode]) + doc[start:start + window])


def main() -> None:
    global FINDINGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsalerts-fuzz"))
    args, flags = parser.parse_known_args()
    shared = Path(os.environ.get("NEWSALERTS_SHARED", "../shared"))
    work: Path = args.work
    FINDINGS = work / "findings"
    for folder in (work / "corpus", FINDINGS):
        folder.mkdir(parents=True, exist_ok=True)
    write_seeds(shared, work / "seeds")
    fuzz(work, TOKENS, test_one_input, 12000, flags)


if __name__ == "__main__":
    main()
