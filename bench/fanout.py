"""Render and send a week's digests to N subscribers; compare with a bare smtplib loop.

    .venv/bin/python bench/fanout.py [--subscribers 2000 10000] [--stories 12]
                                     [--connections N]

For each N, in a fresh process (so its peak RSS is its own): a temp SQLite
database gets N weekly subscribers (through the CSV import) and two issues
of made-up stories in ISO week 2024-W20; create_digest_deliveries builds the
N digests, and send_due renders and sends them all to an aiosmtpd sink that
runs in another process, over [smtp] connections parallel connections (the
default setting unless --connections says otherwise).  The same emails,
rendered beforehand, also go out through a bare smtplib loop, one connection
a turn: the ceiling for one connection to this sink.

The two take turns, 500 emails each (send_due also opens its connections
anew each turn), so that both meet the same load on a shared machine.  Prints emails
per second for both, their ratio (target >= 70%), and the peak RSS of the
sending process before and after the first run (target: about the same for
every N: deliveries are claimed, rendered and sent batch by batch, and each
distinct digest is rendered once).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import select, update  # noqa: E402

from service.config import load_settings  # noqa: E402
from service.context import Context, open_context  # noqa: E402
from service.db.database import transaction  # noqa: E402
from service.db.tables import Delivery, Issue, Source, Story, StoryTheme  # noqa: E402
from service.deliver.match import create_digest_deliveries  # noqa: E402
from service.deliver.send import Composer, send_due  # noqa: E402
from service.domain import THEMES  # noqa: E402
from service.subscribers.registry import import_csv  # noqa: E402

NOW = datetime(2024, 5, 20, 8, 0, tzinfo=UTC)  # the Monday after 2024-W20
WEEK = "2024-W20"
SENDER = "bench@newsalerts.test"
CHUNK = 500  # emails per turn when send_due and the bare loop take turns


# --- the sink, in its own process --------------------------------------------------------


class CountingHandler:
    """Accepts everything and keeps only a count: the sink must not be what grows."""

    def __init__(self, count: Any) -> None:
        self.count = count

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.count.get_lock():
            self.count.value += 1
        return "250 2.0.0 OK"


def run_sink(port: Any, count: Any, ready: Any, stop: Any) -> None:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port.value = sock.getsockname()[1]
    controller = Controller(CountingHandler(count), hostname="127.0.0.1", port=port.value)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


# --- one measurement, in a fresh process -------------------------------------------------


def fill(context: Context, subscribers: int, stories: int, workdir: Path) -> int:
    csv_path = workdir / "subscribers.csv"
    with csv_path.open("w") as fh:
        fh.write("email,themes,cadence\n")
        for i in range(subscribers):
            themes = ";".join(THEMES[j] for j in range(4) if (i >> j) & 1) or "safety"
            fh.write(f"reader{i}@bench.example,{themes},weekly\n")
    import_csv(context.sessions, csv_path, now=NOW)
    with transaction(context.sessions) as session:
        source = Source(name="Bench Letter")
        for number in (1, 2):
            issue = Issue(dedupe_key=f"<bench-{number}@x>", source=source, sender=SENDER,
                          subject=f"Bench Letter {number}: made-up stories",
                          sent_at=datetime(2024, 5, 13 + number, 9, tzinfo=UTC), origin="bench",
                          content_hash=str(number), raw=b"")
            for index in range(stories // 2):
                issue.stories.append(bench_story(index))
            session.add(issue)
    with transaction(context.sessions) as session:
        return create_digest_deliveries(session, WEEK, ZoneInfo("UTC"), NOW)


def bench_story(index: int) -> Story:
    theme = THEMES[index % len(THEMES)]
    body = " ".join(f"word{n}" for n in range(120))
    return Story(
        index=index, headline=f"Made-up headline number {index} about {theme}",
        text=f"Made-up headline number {index} about {theme}. {body}",
        links=[{"text": "paper", "url": f"https://example.org/paper/{index}"}],
        themes=[StoryTheme(theme=t, score=0.9 if t == theme else 0.1, assigned=t == theme,
                           model_version="bench", explanation=["term one", "term two"])
                for t in THEMES])


def prerender(context: Context, path: Path) -> None:
    """Every digest's bytes, as send_due made them, into a file: the bare loop's input."""
    composer = Composer(replace(context, now=lambda: NOW))
    with context.sessions() as session:
        ids = list(session.scalars(select(Delivery.id).order_by(Delivery.id)))
    with path.open("wb") as out:
        for start in range(0, len(ids), 500):
            composer.load(ids[start:start + 500])
            for outgoing in map(composer.compose, ids[start:start + 500]):
                out.write(b"%s\n%d\n" % (outgoing.recipient.encode(), len(outgoing.data)))
                out.write(outgoing.data)


def bare_loop(wire: BinaryIO, port: int, count: int) -> int:
    """The next ``count`` pre-rendered emails, over one connection as fast as smtplib goes."""
    sent = 0
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        while sent < count and (recipient := wire.readline().strip().decode()):
            smtp.sendmail(SENDER, [recipient], wire.read(int(wire.readline())))
            sent += 1
    return sent


def due_again(context: Context) -> None:
    with transaction(context.sessions) as session:
        session.execute(update(Delivery).values(status="pending", due_at=NOW, sent_at=None))


def bench_context(workdir: Path, port: int, connections: int | None = None) -> Context:
    chosen = {} if connections is None else {"NEWSALERTS_SMTP__CONNECTIONS": str(connections)}
    settings = load_settings(environ={
        **chosen,
        "NEWSALERTS_DATABASE__URL": f"sqlite:///{workdir / 'bench.db'}",
        "NEWSALERTS_WEB__SECRET_KEY": "bench-secret-key-0123456789",
        "NEWSALERTS_WEB__BASE_URL": "https://alerts.bench.example",
        "NEWSALERTS_SMTP__HOST": "127.0.0.1", "NEWSALERTS_SMTP__PORT": str(port),
        "NEWSALERTS_SMTP__FROM": f"newsalerts <{SENDER}>",
    })
    return replace(open_context(settings, var_dir=workdir), now=lambda: NOW)


def build(workdir: Path, subscribers: int, stories: int) -> None:
    """The database and the bare loop's input, made in a child process: its memory is its own."""
    context = bench_context(workdir, 0)
    assert fill(context, subscribers, stories, workdir) == subscribers
    prerender(context, workdir / "wire")
    context.close()


def measure(subscribers: int, stories: int, port: int, rounds: int,
            connections: int | None) -> dict[str, Any]:
    """Alternate send_due and the bare loop, CHUNK emails each, so both see the same machine."""
    with tempfile.TemporaryDirectory(prefix="newsalerts-fanout-") as tmp:
        workdir = Path(tmp)
        builder = multiprocessing.get_context("fork").Process(
            target=build, args=(workdir, subscribers, stories))
        builder.start()
        builder.join()
        assert builder.exitcode == 0, "building the database failed"
        context = bench_context(workdir, port, connections)
        rss_before, pairs = peak_rss_mib(), []
        for round_ in range(rounds):
            if round_:
                due_again(context)
            ours, bare = one_round(context, workdir / "wire", port)
            pairs.append((subscribers / ours, subscribers / bare))
            if round_ == 0:
                rss_after = peak_rss_mib()
        context.close()
    return {"subscribers": subscribers, "pairs": pairs,
            "connections": context.settings.smtp.connections,
            "peak_rss_before_send_mib": rss_before, "peak_rss_after_send_mib": rss_after}


def one_round(context: Context, wire_path: Path, port: int) -> tuple[float, float]:
    """Seconds spent by send_due and by the bare loop on every email once."""
    ours = bare = 0.0
    sent = bare_sent = 0
    with wire_path.open("rb") as wire:
        while True:
            started = time.perf_counter()
            sent += (done := send_due(context, worker_id="bench", limit=CHUNK).sent)
            ours += time.perf_counter() - started
            started = time.perf_counter()
            bare_sent += bare_loop(wire, port, CHUNK)
            bare += time.perf_counter() - started
            if not done:
                break
    assert sent == bare_sent, (sent, bare_sent)
    return ours, bare


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- driver --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--stories", type=int, default=12, help="stories in the week (>= 2)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="send_due then the bare loop, this many times; the median counts")
    parser.add_argument("--connections", type=int, default=None,
                        help="[smtp] connections for send_due (default: the setting's default)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.subscribers[0], args.stories, args.port, args.rounds,
                                 args.connections)))
        return
    fork = multiprocessing.get_context("fork")
    port, count = fork.Value("i", 0), fork.Value("l", 0)
    ready, stop = fork.Event(), fork.Event()
    sink = fork.Process(target=run_sink, args=(port, count, ready, stop), daemon=True)
    sink.start()
    ready.wait(10)
    try:
        results = [run_one(n, args.stories, args.rounds, port.value, args.connections)
                   for n in args.subscribers]
    finally:
        stop.set()
        sink.join(10)
    report(results, count.value)


def run_one(subscribers: int, stories: int, rounds: int, port: int,
            connections: int | None) -> dict[str, Any]:
    chosen = [] if connections is None else ["--connections", str(connections)]
    out = subprocess.run(
        [sys.executable, __file__, "--one", "--subscribers", str(subscribers),
         "--stories", str(stories), "--rounds", str(rounds), "--port", str(port), *chosen],
        check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def report(results: list[dict[str, Any]], received: int) -> None:
    print(f"{'subscribers':>11} {'send_due/s':>11} {'bare smtplib/s':>15} {'ratio':>6} "
          f"{'peak RSS before send':>21} {'after send':>11}")
    for r in results:
        ratios = sorted(ours / bare for ours, bare in r["pairs"])
        ours, bare = (statistics.median(rates) for rates in zip(*r["pairs"], strict=True))
        print(f"{r['subscribers']:>11,} {ours:>11,.0f} {bare:>15,.0f} "
              f"{ratios[len(ratios) // 2]:>6.0%} {r['peak_rss_before_send_mib']:>17.1f} MiB "
              f"{r['peak_rss_after_send_mib']:>7.1f} MiB")
        print("  rounds (send_due/s, bare/s): " + ", ".join(
            f"({a:,.0f}, {b:,.0f})" for a, b in r["pairs"]))
    print(f"send_due used {results[0]['connections']} SMTP connection(s); the bare loop one. "
          f"The sink accepted {received:,} emails in all")


if __name__ == "__main__":
    main()
