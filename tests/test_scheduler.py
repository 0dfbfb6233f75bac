"""The schedule: stored jobs survive restarts, never overlap, catch up a missed run once.

The scheduler runs for real (APScheduler, its job store in the test's SQLite
or PostgreSQL database, real time); the leader locks are real flocks and
real PostgreSQL advisory locks.
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from prometheus_client import REGISTRY
from sqlalchemy import select, text

from service.cli.ops import _job_line
from service.context import Context
from service.db.tables import scheduler_jobs
from service.db.types import utc_now
from service.domain import THEMES, Story, TaggedStory
from service.errors import ModelError
from service.ops import scheduler, status
from service.ops.leader import AdvisoryLock, FileLock, lock_file_beside
from service.ops.scheduler import Runtime, start_scheduler, stop_scheduler
from service.ops.status import read_status
from tests.helpers import stopped_at_end
from tests.mail import issue_email


class KeywordTagger:
    """A real, tiny tagger: every story is about safety; each call takes ``delay`` seconds.

    It counts how many calls run at once, which is how many polls run at once.
    """

    version = "keyword-test-1"

    def __init__(self, delay: float = 0.0, on_tag: Callable[[], None] | None = None) -> None:
        self.delay = delay
        self.on_tag = on_tag
        self.running = 0
        self.most_at_once = 0
        self.calls = 0
        self._lock = threading.Lock()

    def tag(self, stories: Sequence[Story]) -> list[TaggedStory]:
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most_at_once = max(self.most_at_once, self.running)
        if self.on_tag is not None:
            self.on_tag()
        time.sleep(self.delay)
        with self._lock:
            self.running -= 1
        scores = {theme: 0.9 if theme == "safety" else 0.1 for theme in THEMES}
        return [TaggedStory(story, ("safety",), scores, self.version) for story in stories]


def with_settings(ctx: Context, **values: object) -> Context:
    """``ctx`` on the real clock, with settings given as ``section__key=value``."""
    merged = dict(ctx.settings.values)
    for name, value in values.items():
        key = (name.split("__")[0], name.split("__")[1])
        assert key in merged, f"no setting {key}"
        merged[key] = value
    return replace(ctx, settings=replace(ctx.settings, values=merged), now=utc_now)


@pytest.fixture
def live(sqlite_context: Context, tmp_path: Path) -> Context:
    (tmp_path / "inbox").mkdir()
    return with_settings(sqlite_context, inbox__dir=str(tmp_path / "inbox"))


@pytest.fixture
def started() -> Iterator[Callable[[Runtime], scheduler.BackgroundScheduler]]:
    """start_scheduler, with every scheduler stopped when the test ends."""
    with stopped_at_end(start_scheduler, stop_scheduler) as start:
        yield start


def runtime(ctx: Context, tagger: KeywordTagger | None = None, *, sends: bool = True) -> Runtime:
    chosen = tagger or KeywordTagger()
    return Runtime(ctx, "test-host:1:run", lambda: chosen, sends=sends)


def stored_jobs(ctx: Context) -> dict[str, float]:
    with ctx.engine.connect() as connection:
        rows = connection.execute(select(scheduler_jobs.c.id, scheduler_jobs.c.next_run_time))
        return {job_id: next_run for job_id, next_run in rows}


def rewind_stored_job(ctx: Context, job_id: str, when: datetime) -> None:
    """Move a stored job's next run to ``when`` while no scheduler runs it."""
    store = SQLAlchemyJobStore(engine=ctx.engine, tablename=scheduler.JOB_TABLE)
    store.start(scheduler.BackgroundScheduler(), "default")  # only to read jobs back
    job = store.lookup_job(job_id)
    job.next_run_time = when
    store.update_job(job)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)


def job_runs(job: str) -> float:
    labels = {"job": job, "outcome": "ok"}
    return REGISTRY.get_sample_value("newsalerts_job_runs_total", labels) or 0.0


# --- the job store ---------------------------------------------------------------------


def test_jobs_are_stored_and_keep_their_next_run_across_a_restart(
    live: Context, started: Callable[[Runtime], scheduler.BackgroundScheduler]
) -> None:
    first = started(runtime(live))
    digest_at = first.get_job("digest").next_run_time
    stop_scheduler(first)
    assert set(stored_jobs(live)) == {"poll", "send", "digest", "retrain"}

    # Restarted as a scheduler beside workers, with a new poll interval.
    changed = with_settings(live, inbox__poll_interval=60)
    second = started(runtime(changed, sends=False))
    jobs = {job.id: job for job in second.get_jobs()}

    assert set(jobs) == {"poll", "digest", "retrain"}, "a scheduler beside workers never sends"
    assert jobs["digest"].next_run_time == digest_at, "a restart must not reset the schedule"
    assert jobs["poll"].trigger.interval == timedelta(seconds=60)
    for job in jobs.values():
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, None)
        assert job.func_ref == f"service.ops.scheduler:{job.id}_job"


def test_a_missed_run_runs_once_after_a_restart(
    live: Context, started: Callable[[Runtime], scheduler.BackgroundScheduler]
) -> None:
    stop_scheduler(started(runtime(live)))
    # As if no scheduler ran for three weeks: three Monday digests were missed.
    rewind_stored_job(live, "digest", utc_now() - timedelta(weeks=3))
    before = job_runs("digest")

    restarted_at = utc_now()
    second = started(runtime(live))
    wait_for(lambda: job_runs("digest") > before)
    time.sleep(0.5)  # room for a second, wrong, catch-up run

    assert job_runs("digest") == before + 1
    # The next run is the schedule's next one, not another catch-up: more than an hour
    # away was true except on Mondays between 07:00 and 08:00 UTC (the test failed then).
    job = second.get_job("digest")
    assert job.next_run_time > utc_now()
    assert job.next_run_time == job.trigger.get_next_fire_time(None, restarted_at)
    digest = read_status(live).jobs["digest"]
    assert digest.last_success_at is not None and "week" in digest.detail


def test_a_digest_killed_during_its_run_runs_again_when_a_scheduler_takes_over(
    live: Context, started: Callable[[Runtime], scheduler.BackgroundScheduler]
) -> None:
    """The scale review: a scheduler killed during Monday's digest had already stored next
    week's run (APScheduler stores it as it starts one), so the standby that took over
    never ran it, and `status` said "never run"."""
    stop_scheduler(started(runtime(live)))
    status.record_start(live, "digest")  # the killed run: started, never ended
    killed = read_status(live).jobs["digest"]
    assert killed.unfinished and killed.as_dict()["unfinished"] is True
    assert _job_line(killed, utc_now()).startswith("never finished; last started ")
    before = job_runs("digest")

    started(runtime(live))
    wait_for(lambda: job_runs("digest") > before)

    digest = read_status(live).jobs["digest"]
    assert not digest.unfinished and "week" in digest.detail


def test_a_retrain_killed_with_its_process_waits_for_its_interval(
    live: Context, started: Callable[[Runtime], scheduler.BackgroundScheduler]
) -> None:
    """A retrain that took its whole process down (a cgroup's OOM kill) is not run again at
    start: it would take the service down at every start (the review of the rule above)."""
    stop_scheduler(started(runtime(live)))
    status.record_start(live, "retrain")
    first = started(runtime(live))
    job = first.get_job("retrain")
    assert job is not None and job.next_run_time > utc_now() + timedelta(seconds=5)


def test_a_job_never_overlaps_itself(
    live: Context, started: Callable[[Runtime], scheduler.BackgroundScheduler],
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    for number in range(3):  # about 2.4 s of tagging for the first poll, due every second
        (tmp_path / "inbox" / f"{number}.eml").write_bytes(issue_email(number + 1))
    slow = KeywordTagger(delay=0.8)
    # (INFO: the service says a skipped overlap at INFO once its logging is configured,
    # service/ops/logs.py; other tests configure it in this process)
    caplog.set_level(logging.INFO, logger="apscheduler")
    caplog.set_level(logging.INFO, logger="service")

    started(runtime(with_settings(live, inbox__poll_interval=1), slow, sends=False))
    wait_for(lambda: slow.calls == 3 and slow.running == 0)
    wait_for(lambda: "maximum number of running instances" in caplog.text, timeout=3)

    assert slow.most_at_once == 1
    # the third issue's transaction commits just after its tagging returns
    wait_for(lambda: read_status(live).issues == 3, timeout=5)


def test_a_poll_stops_after_the_message_in_hand(live: Context, tmp_path: Path) -> None:
    for number in range(3):
        (tmp_path / "inbox" / f"{number}.eml").write_bytes(issue_email(number + 1))
    stop = threading.Event()
    work = runtime(live, KeywordTagger(on_tag=stop.set), sends=False)  # SIGTERM while tagging
    work.stop = stop
    scheduler.set_runtime(work)

    scheduler.poll_job()

    assert read_status(live).issues == 1
    assert len(list((tmp_path / "inbox").glob("*.eml"))) == 2, "the rest wait for the next poll"


def test_jobs_record_their_outcome_for_status_and_healthz(live: Context) -> None:
    scheduler.set_runtime(runtime(live))
    scheduler.poll_job()
    scheduler.retrain_job()

    def no_model() -> KeywordTagger:
        raise ModelError("no active model in models/ (run newsalerts train)")

    scheduler.set_runtime(Runtime(live, "test-host:1:run", no_model))
    scheduler.poll_job()

    jobs = read_status(live).jobs
    assert jobs["retrain"].last_success_at is not None and jobs["retrain"].detail["outcome"]
    assert jobs["poll"].last_success_at is not None
    assert jobs["poll"].detail["model_version"] == KeywordTagger.version
    assert jobs["poll"].failing
    assert jobs["poll"].last_error == (
        "ModelError: no active model in models/ (run newsalerts train)")


# --- one active scheduler ------------------------------------------------------------------


def test_a_lock_file_admits_one_scheduler_at_a_time(live: Context) -> None:
    path = lock_file_beside(live.engine, live.var_dir)
    assert path.name == "newsalerts.db.scheduler.lock"
    first, second = FileLock(path), FileLock(path)

    assert first.try_acquire() and first.still_held()
    assert not second.try_acquire() and not second.still_held()
    first.release()
    assert second.try_acquire()
    second.release()


@pytest.mark.postgres
def test_an_advisory_lock_admits_one_scheduler_and_dies_with_its_session(
    pg_context: Context,
) -> None:
    first, second = AdvisoryLock(pg_context.engine), AdvisoryLock(pg_context.engine)
    try:
        assert first.try_acquire() and first.still_held()
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()

        # The holder's session ends (a crash, a network cut): the lock goes with it.
        key = second.key
        assert key is not None
        with pg_context.engine.begin() as connection:
            holder = connection.execute(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = :high AND objid = :low AND objsubid = 1"),
                {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF}).scalars().all()
            assert len(holder) == 1
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder[0]})
        assert not second.still_held()
        assert first.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_scheduler_that_cannot_reach_the_database_does_not_say_another_one_leads(
        caplog: pytest.LogCaptureFixture) -> None:
    """An operator's review: with PostgreSQL down, the scheduler said "another scheduler is
    active … waiting to take over", and there was none: the lock was never asked."""
    from service.db.database import make_engine
    from service.ops.leader import wait_for_leadership

    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/test")
    lock, stop = AdvisoryLock(engine), threading.Event()
    tries: list[bool] = []
    asked = lock.try_acquire

    def try_twice() -> bool:
        tries.append(asked())
        if len(tries) >= 2:
            stop.set()
        return tries[-1]

    lock.try_acquire = try_twice  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="service.ops.leader"):
        assert wait_for_leadership(lock, stop, 0.01) is False
    engine.dispose()
    assert tries == [False, False] and not lock.reachable
    assert "could not try the scheduler lock" in caplog.text
    assert "another scheduler is active" not in caplog.text


def test_a_server_that_is_down_is_one_warning_line_not_a_traceback_each_time(
        live: Context, caplog: pytest.LogCaptureFixture) -> None:
    """An IMAP or SMTP server down logged a traceback of 60 lines at every interval (a
    new operator's review); it is one line that names the server, and the job runs again."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = with_settings(live, inbox__host="127.0.0.1", inbox__port=port, inbox__ssl=False,
                         inbox__username="reader", inbox__password="secret")
    scheduler.set_runtime(runtime(down))
    caplog.set_level(logging.DEBUG, logger="service.ops.scheduler")
    scheduler.poll_job()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info]
    failures = [r for r in caplog.records
                if r.name == "service.ops.scheduler" and r.levelno >= logging.WARNING]
    assert len(failures) == 1
    assert f"127.0.0.1:{port}" in failures[0].getMessage()
    assert failures[0].getMessage().startswith("poll failed: ")
    assert read_status(down).jobs["poll"].failing


def running_on_two_versions(live: Context, folder: Path) -> Runtime:
    """A run's Runtime on a models folder holding two versions, the newer one active, that
    reads the folder's ACTIVE as the service does."""
    from service.classify import model_store
    from service.ops.runner import active_model_version, load_classifier
    from tests.helpers import REPO

    for version in ("2026-12-06-3", "2026-12-06-4"):
        shutil.copytree(REPO / "models" / version, folder / version)
    model_store.set_active(folder, "2026-12-06-4")
    settings = with_settings(live, models__dir=str(folder)).settings
    running = Runtime(replace(live, settings=settings), "test-host:1:run",
                      lambda: load_classifier(settings),
                      active_version=lambda: active_model_version(settings))
    assert running.current_tagger().version == "2026-12-06-4"
    return running


def test_a_model_activated_while_the_service_runs_tags_from_the_next_poll(
        live: Context, tmp_path: Path) -> None:
    """`models activate` and `rollback` said the new version was active, but a running
    scheduler tagged with the old one until it restarted (the PostgreSQL operator's
    review).  The models folder's ACTIVE file is read at each poll."""
    from service.classify import model_store

    folder = tmp_path / "models"
    running = running_on_two_versions(live, folder)
    model_store.set_active(folder, "2026-12-06-3")  # `newsalerts models rollback`
    assert running.current_tagger().version == "2026-12-06-3"
    assert running.current_tagger().version == "2026-12-06-3"  # loaded once


def test_a_model_that_will_not_load_is_not_tried_again_at_every_poll(
        live: Context, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from service.classify import model_store

    folder = tmp_path / "models"
    running = running_on_two_versions(live, folder)
    (folder / "2026-12-06-3" / "model.npz").write_bytes(b"tampered")  # what tagging reads
    model_store.set_active(folder, "2026-12-06-3")
    caplog.set_level(logging.INFO, logger="service.ops.runtime")
    for _ in range(3):
        assert running.current_tagger().version == "2026-12-06-4"  # tags on with the old one
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1
