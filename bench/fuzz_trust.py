"""Fuzz the sender trust check (parse's envelope + trust.py) for errors, slowness and spoofs.

    .venv/bin/pip install atheris          # a fuzzer, not a dependency of the project
    nice -n 10 .venv/bin/python bench/fuzz_trust.py [--work DIR] [libFuzzer flags]

An input is a message's header block (From, Authentication-Results, List-Id...), put
above a fixed body; the seeds are synthetic (nothing from the shared issues).  It is
checked against a source that wants From importai@substack.com, a DKIM pass for
substack.com and List-Id news.substack.com, with ``[trust] authserv_id`` empty and set
to mx.example.test.  A refusal (MessageRefused) is an answer; any other exception is
saved once per place raised as DIR/findings/exc-*, an input over 0.5 s of CPU as
DIR/findings/slow-*, and an *accepted* input whose raw headers do not plainly say so
(one From header naming only that address; the believed Authentication-Results with
``dkim=pass`` and ``header.d=substack.com`` as written; the List-Id as written) as
DIR/findings/accept-*.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
import traceback
from pathlib import Path

import atheris
from fuzzing import fuzz  # bench/, the script's folder

with atheris.instrument_imports(include=["service", "email"]):
    from service.config import Source
    from service.errors import MessageRefused
    from service.ingest.parse import load_message, read_envelope
    from service.ingest.trust import trusted_source

SLOW_SECONDS = 0.5
SENDER, DOMAIN, LIST_ID, SERVER = "importai@substack.com", "substack.com", "news.substack.com", \
    "mx.example.test"
SOURCE = Source("Import AI", (SENDER,), require_dkim=True, list_id=LIST_ID)
BODY = b"Subject: s\r\nMessage-ID: <m@example.test>\r\n\r\nhello\r\n"
GOOD = (f"From: Import AI <{SENDER}>\r\nList-Id: Import AI <{LIST_ID}>\r\n"
        f"Authentication-Results: {SERVER}; dkim=pass header.d={DOMAIN}; spf=pass\r\n")
SEEDS = [GOOD,
         GOOD.replace("Import AI <", "=?utf-8?q?Import_AI?= <"),
         f"Authentication-Results: {SERVER}; spf=pass (domain of x@y) smtp.mailfrom=x@y\r\n"
         f"Authentication-Results: relay.example; dkim=pass header.d={DOMAIN}\r\n"
         f"From: {SENDER} (Import AI)\r\nList-Id: <{LIST_ID}>\r\n",
         f'From: "Import AI" <{SENDER}>, x@attacker.example\r\nList-Id: {LIST_ID}\r\n'
         f"Authentication-Results: {SERVER} 1; dkim/1=pass reason=\"ok\" header.i=@{DOMAIN}\r\n"]
TOKENS = ["From: ", "Authentication-Results: ", "List-Id: ", "\r\n", "\r\n ", "=?utf-8?q?",
          "=?utf-8?b?", "?=", "=40", "=3B", "=3D", "=28", "=29", "=3C", "=3E", "_", "<", ">", "(",
          ")", '"', "\\", ",", ";", ":", "@", SENDER, DOMAIN, LIST_ID, SERVER, "attacker.example",
          "dkim=pass", "header.d=", "header.i=@", "spf=pass", "smtp.mailfrom=", "reason=", " ",
          "\u212a", "\u0130", "\u017f", "\uff20", "\u200b", "xn--"]
FINDINGS: Path = Path()
seen: set[str] = set()


def _headers(raw: bytes, name: str) -> list[str]:
    text = re.sub(rb"(\r\n|\r|\n)[ \t]", b" ", raw).decode("ascii", "replace")
    return [line.split(":", 1)[1].strip() for line in re.split(r"\r\n|\r|\n", text)
            if line.lower().startswith(name.lower() + ":")]


def plainly_trusted(raw: bytes, authserv_id: str) -> str:
    """Why the raw headers do not plainly show a trusted message ("" when they do)."""
    froms = _headers(raw, "From")
    found = re.findall(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+", froms[0]) if froms else []
    if len(froms) != 1 or not found or froms[0].count("@") != len(found) or any(
            address.lower() != SENDER for address in found):
        return "from"
    results = [r for r in _headers(raw, "Authentication-Results")
               if not authserv_id or r.lower().startswith(authserv_id)]
    if not results or not re.search(rf"dkim(/\d+)?\s*=\s*pass\b[^;]*header\.[di]\s*=\s*@?{DOMAIN}",
                                    results[0], re.I):
        return "authres"
    if not any(LIST_ID in v.lower() for v in _headers(raw, "List-Id")):
        return "list-id"
    return ""


def save(kind: str, data: bytes, text: str = "") -> None:
    if kind not in seen:
        seen.add(kind)
        (FINDINGS / f"{kind}.bin").write_bytes(data)
        (FINDINGS / f"{kind}.txt").write_text(text, errors="backslashreplace")
        print("NEW", kind, file=sys.stderr, flush=True)


def test_one_input(data: bytes) -> None:
    raw = data + BODY
    started = time.process_time()
    for authserv_id in ("", SERVER):
        try:
            envelope = read_envelope(load_message(raw))
            trusted_source(envelope, [SOURCE], authserv_id)
        except MessageRefused:
            continue
        except Exception as exc:  # what the fuzzer looks for
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            save(f"exc-{type(exc).__name__}-{Path(frame.filename).name}-{frame.lineno}", data,
                 "".join(traceback.format_exception(exc)))
            continue
        why = plainly_trusted(raw, authserv_id)
        if why:
            save(f"accept-{why}-{'id' if authserv_id else 'top'}", data, repr(envelope))
    spent = time.process_time() - started
    if spent > SLOW_SECONDS:
        save(f"slow-{spent:.1f}s-{hashlib.sha256(data).hexdigest()[:10]}", data)


def main() -> None:
    global FINDINGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsalerts-fuzz-trust"))
    args, flags = parser.parse_known_args()
    work: Path = args.work
    FINDINGS = work / "findings"
    for folder in (work / "corpus", work / "seeds", FINDINGS):
        folder.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(SEEDS):
        (work / "seeds" / f"seed-{i}").write_bytes(seed.encode())
    fuzz(work, TOKENS, test_one_input, 4000, flags)


if __name__ == "__main__":
    main()
