"""Start `newsalerts` commands as processes, watch their logs, stop or kill them.

Two ways to start the same command line with a NEWSALERTS_* environment:

``spawn(args, env=..., log=...)``
    ``python -m service ARGS`` in a fresh interpreter, exactly as an operator
    starts it.  Its imports (scikit-learn above all) take about 2 s.
``fork(args, env=..., log=...)``
    the same command (``service.cli.main.main(ARGS)``) in a process forked from a
    server that imported the service once (multiprocessing's "forkserver",
    with the service preloaded): a separate process with its own database and
    network connections, killable like any other, that starts working in tens
    of milliseconds.  Tests that kill and restart a process fifty times use it.

Each process writes stdout and stderr to its own log file (never a pipe, which
a chatty process could fill and stall on).  ``Process.wait_for_output(text)``
follows that file, so a test can act at a known point of the work ("N new
message(s)", "worker ... sending"); ``kill()`` is SIGKILL, ``stop()`` is
SIGTERM and returns the exit status.  Nothing here depends on pytest, so
bench/ scripts use it too.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from tests.helpers import REPO

# What a forked command would otherwise import itself, each time.  "__main__" (the
# test runner's or bench script's main module, which multiprocessing loads in
# every child) is loaded once in the server too, so that children skip it.
PRELOAD = ["__main__", "service.cli.main", "service.ops.runner", "service.classify.model",
           "service.deliver.send",
           "service.ingest.fetch", "service.ingest.pipeline", "service.ops.scheduler",
           "sqlalchemy.dialects.postgresql", "psycopg"]
_OS_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


class ProcessFailed(AssertionError):
    """A process exited, or did not do what was awaited in time; carries its log."""


class Process:
    """One running command: its pid, its log, and ways to stop it."""

    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.log = log
        self._read = 0  # how far wait_for_output has read the log

    @property
    def pid(self) -> int:
        raise NotImplementedError

    def exitcode(self) -> int | None:
        """None while it runs; negative for a signal, as subprocess reports it."""
        raise NotImplementedError

    def join(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` seconds for it to end; its exit code, or None."""
        raise NotImplementedError

    def alive(self) -> bool:
        return self.exitcode() is None

    def send(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.kill(self.pid, signum)

    def kill(self) -> int | None:
        """SIGKILL: no handler runs, nothing is flushed or released by the process."""
        self.send(signal.SIGKILL)
        return self.join(10)

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit status; a process that ignores it is killed and reported."""
        self.send(signal.SIGTERM)
        code = self.join(timeout)
        if code is None:
            self.kill()
            raise ProcessFailed(f"{self.name} (pid {self.pid}) ignored SIGTERM for {timeout} s; "
                                f"its log:\n{self.tail()}")
        return code

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, chars: int = 3000) -> str:
        return self.output()[-chars:]

    def wait_for_output(self, text: str, timeout: float = 15.0) -> None:
        """Return as soon as ``text`` appears in the log after what earlier calls read."""
        deadline = time.monotonic() + timeout
        needle = text.encode()
        start = self._read
        while True:
            with self.log.open("rb") as fh:
                fh.seek(start)
                data = fh.read()
            found = data.find(needle)
            if found >= 0:
                self._read = start + found + len(needle)
                return
            # Keep the last bytes: the text may be half written.
            start = max(start, start + len(data) - len(needle) + 1)
            if not self.alive():
                raise ProcessFailed(f"{self.name} (pid {self.pid}) exited with "
                                    f"{self.exitcode()} before logging {text!r}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise ProcessFailed(f"{self.name} (pid {self.pid}) did not log {text!r} in "
                                    f"{timeout} s:\n{self.tail()}")
            time.sleep(0.001)


class _Spawned(Process):
    def __init__(self, name: str, log: Path, popen: subprocess.Popen[bytes]) -> None:
        super().__init__(name, log)
        self.popen = popen

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exitcode(self) -> int | None:
        return self.popen.poll()

    def join(self, timeout: float) -> int | None:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None


class _Forked(Process):
    def __init__(self, name: str, log: Path, handle: BaseProcess) -> None:
        super().__init__(name, log)
        self.handle = handle

    @property
    def pid(self) -> int:
        assert self.handle.pid is not None, "started processes have a pid"
        return self.handle.pid

    def exitcode(self) -> int | None:
        return self.handle.exitcode

    def join(self, timeout: float) -> int | None:
        self.handle.join(timeout)
        return self.handle.exitcode


def base_os_env() -> dict[str, str]:
    """The few variables of the operating system a command needs; no NEWSALERTS_* leaks in."""
    return {key: os.environ[key] for key in _OS_ENV if key in os.environ}


def spawn(args: Sequence[str], *, env: Mapping[str, str], log: Path,
          cwd: Path | None = None) -> Process:
    """``python -m service ARGS`` in a new interpreter, as deployed."""
    with log.open("ab") as sink:
        popen = subprocess.Popen(
            [sys.executable, "-m", "service", *args], cwd=cwd or log.parent, stdout=sink,
            stderr=subprocess.STDOUT, env={**base_os_env(), "PYTHONPATH": str(REPO), **env})
    return _Spawned(" ".join(args), log, popen)


def _forkserver() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # read when the server starts: the first fork
    return context


def fork(args: Sequence[str], *, env: Mapping[str, str], log: Path,
         cwd: Path | None = None) -> Process:
    """The same command, run by a process forked from the preloaded server."""
    log.touch()  # so that it can be followed at once
    handle = _forkserver().Process(
        target=run_command, args=(list(args), {**base_os_env(), **env}, str(log),
                                  str(cwd or log.parent)),
        name=f"newsalerts {' '.join(args)}", daemon=False)
    handle.start()
    return _Forked(" ".join(args), log, handle)


def run_command(args: list[str], env: dict[str, str], log: str, cwd: str) -> None:
    """In the forked process: become `newsalerts ARGS` with ``env``, output to ``log``."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    from service.cli.main import main

    main(args=args, prog_name="newsalerts")


def wait_until(what: str, condition: Callable[[], bool], *watched: Process,
               timeout: float = 30.0, interval: float = 0.02) -> None:
    """Poll ``condition``; fail when it stays false past ``timeout`` or a watched process ends."""
    deadline = time.monotonic() + timeout
    while not condition():
        for process in watched:
            if not process.alive():
                raise ProcessFailed(f"{process.name} (pid {process.pid}) exited with "
                                    f"{process.exitcode()} while waiting for {what}:\n"
                                    f"{process.tail()}")
        if time.monotonic() > deadline:
            logs = "\n---\n".join(f"{p.name} (pid {p.pid}):\n{p.tail(2000)}" for p in watched)
            raise ProcessFailed(f"timed out after {timeout} s waiting for {what}\n{logs}")
        time.sleep(interval)


def kill_all(processes: Sequence[Process]) -> None:
    """For finally blocks: SIGKILL whatever still runs, and reap it."""
    for process in processes:
        if process.alive():
            process.kill()


__all__ = ["Process", "ProcessFailed", "base_os_env", "fork", "kill_all", "spawn",
           "wait_until"]
