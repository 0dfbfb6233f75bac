"""How long the subscribe form takes for an active, a pending and a new address; print medians.

    .venv/bin/python bench/subscribe_timing.py [--requests 200]

The form's answer must not tell whether an address is subscribed, by its page
or by its time (issue 11: 4 ms vs 12 ms when the confirmation was sent inside
the request).  ``[web] subscribe_min_seconds`` (0.1 s) is the floor that
hides what is left of the difference; ``--min-seconds 0`` shows the raw
times.  Requests go through the Flask app in process, on a temp SQLite
database, with the per-client limit off; the three kinds are interleaved so
that drift hits them alike.  Outgoing email is only queued, never sent here.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask.testing import FlaskClient

from service.config import load_settings
from service.context import open_context
from service.db.database import transaction
from service.subscribers import registry as subscribers
from service.web import create_app


def post(client: FlaskClient, token: str, address: str) -> float:
    started = time.perf_counter()
    response = client.post("/subscribe", data={"email": address, "cadence-safety": "weekly",
                                               "csrf_token": token})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--min-seconds", default="0.1",
                        help="[web] subscribe_min_seconds (0: see the raw times)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(environ={
            "NEWSALERTS_DATABASE__URL": f"sqlite:///{folder}/bench.db",
            "NEWSALERTS_WEB__SECRET_KEY": "bench", "NEWSALERTS_SMTP__OUTBOX_DIR": folder,
            "NEWSALERTS_WEB__SUBSCRIBE_PER_CLIENT_PER_HOUR": "0",
            "NEWSALERTS_WEB__SUBSCRIBE_MIN_SECONDS": args.min_seconds})
        ctx = open_context(settings, var_dir=Path(folder))
        with transaction(ctx.sessions) as session:
            subscribers.add_subscriber(session, "active@example.com", ["policy"], "weekly",
                                       confirmed=True, now=ctx.now())
        client = create_app(ctx).test_client()
        page = client.get("/subscribe").get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match
        times: dict[str, list[float]] = {"active": [], "pending": [], "new": []}
        for number in range(args.requests):
            times["active"].append(post(client, match.group(1), "active@example.com"))
            times["pending"].append(post(client, match.group(1), "pending@example.com"))
            times["new"].append(post(client, match.group(1), f"new{number}@example.com"))
        ctx.close()
    for kind, values in times.items():
        print(f"{kind:8} median {statistics.median(values):6.2f} ms   "
              f"p90 {statistics.quantiles(values, n=10)[-1]:6.2f} ms   ({len(values)} requests)")


if __name__ == "__main__":
    main()
