"""What every long-running process shares: its id, its stop signal, its heap.

One id format (``host:pid:role``) names whoever holds a claim or the
scheduler lock; one stop flag is set by SIGTERM or SIGINT, so a process
finishes the work in hand and exits 0.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def process_id(role: str) -> str:
    """Who holds a claim or the scheduler lock: enough to find the process."""
    return f"{socket.gethostname()}:{os.getpid()}:{role}"


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An Event set by SIGTERM or SIGINT while the block runs (main thread only)."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: finishing the work in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas, before the process starts its threads; applied?

    glibc gives each thread that allocates under contention an arena of its
    own, up to 8 per core, and freed memory stays in the arena that had it:
    the sending connections, the scheduler's and the web server's threads
    would each keep their own.  Two arenas cost no measurable speed and keep
    `newsalerts run` ~6 MiB smaller.  MALLOC_ARENA_MAX in the environment
    wins; elsewhere than glibc this does nothing.
    """
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (musl, say): nothing to tune
        log.debug("mallopt is not available; malloc arenas left as they are")
        return False


def settle_heap() -> None:
    """Move what the process holds now (its modules, the model just loaded) out of the
    cyclic garbage collector's way.

    The collector's full passes go over every object it tracks: with scikit-learn,
    SciPy and a model loaded, about 125,000 of them, 70-80 ms a pass on the CI
    machine.  Tagging 1,000 stories set off two or three such passes, 15% of the
    tagger's time (bench/classify.py: median 1,580-1,890 stories/s of CPU time,
    2,070-2,260 with the heap settled).  Frozen objects are still freed once nothing
    refers to them; only cycles among them would wait, so each call first collects
    what became garbage since the last one (the model a new one replaced).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
