"""No stampede (issue 12): many callers asking for the same cold key at once run its query once;
the others wait for the result. With the in-process cache (a per-key thread lock), with Redis
(a lock key, SET NX PX, across processes), and a holder that dies keeps nobody waiting longer
than the bound (the statement timeout).

The cached function below runs real SQL against the test database: it records each run in a
table (so runs are counted across processes) and then sleeps in PostgreSQL, which holds the
window open in which, without the lock, every caller misses and runs it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from data_access import migrate
from data_access.cache import cache, cache_config, cached_query
from data_access.db import Database
from tests.pg_private import redis_or_skip

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
ROOT = Path(__file__).resolve().parent.parent
THREADS = 150


@cached_query
def slow_count(db: Database, version: int, label: str) -> int:
    """Record the run, then a real query that takes PSAD_TEST_SLEEP_S seconds (0.3 by default)."""
    with db.begin() as conn:
        conn.execute(text("INSERT INTO stampede_runs (label, pid) VALUES (:l, :p)"), {"l": label, "p": os.getpid()})
    sleep = float(os.environ.get("PSAD_TEST_SLEEP_S", "0.3"))
    return db.execute(text("SELECT count(*) + :v FROM pg_sleep(:s), data_state"), {"v": version, "s": sleep}).scalar()


@pytest.fixture(scope="module")
def url(make_database) -> str:
    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE stampede_runs (label text, pid int)"))
    db.dispose()
    return url


def runs(url: str, label: str) -> int:
    db = Database(url)
    try:
        return db.execute(text("SELECT count(*) FROM stampede_runs WHERE label = :l"), {"l": label}).scalar()
    finally:
        db.dispose()


def crowd(app, label: str, n: int = THREADS) -> list:
    """``n`` threads ask for the same cold key at the same moment; their answers."""
    db = app.server.extensions["psad"].db
    start = threading.Barrier(n)
    answers: list = []
    errors: list = []

    def ask():
        with app.server.app_context():
            start.wait()
            try:
                answers.append(slow_count(db, label))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(answers) == n
    return answers


def test_in_process_cache_runs_a_cold_query_once_for_a_crowd(url):
    app = create_app({"database_url": url, "redis_url": ""})
    label = uuid.uuid4().hex
    answers = crowd(app, label)
    assert len(set(answers)) == 1
    assert runs(url, label) == 1
    app.server.extensions["psad"].db.dispose()


@pytest.mark.redis
def test_redis_cache_runs_a_cold_query_once_for_a_crowd(url):
    redis_url = redis_or_skip(REDIS_URL)
    app = create_app({"database_url": url, "redis_url": redis_url})
    # 150 threads of one process: a Redis reply can wait longer than the app's 0.25 s socket
    # timeout for the GIL on a busy machine, and the breaker would take Redis for down (no lock).
    # A gunicorn worker has PSAD_THREADS (8) threads; here the timeout is made to fit the crowd.
    config = {**app.server.config, **cache_config(redis_url, 300)}
    config["CACHE_OPTIONS"] = {**config["CACHE_OPTIONS"], "socket_timeout": 3}
    cache.init_app(app.server, config=config)
    label = uuid.uuid4().hex
    answers = crowd(app, label)
    assert len(set(answers)) == 1
    assert runs(url, label) == 1
    app.server.extensions["psad"].db.dispose()


def worker(url: str, redis_url: str, label: str, threads: str, folder: str) -> None:
    """One app process (a gunicorn worker, or another host): says it is ready, waits for the go,
    then ``threads`` threads ask for the key; prints their answers."""
    app = create_app({"database_url": url, "redis_url": redis_url, "statement_timeout_ms": 3000})
    with app.server.app_context():
        db = app.server.extensions["psad"].db
        db.execute(text("SELECT 1"))  # connected before the go
    Path(folder, f"ready-{os.getpid()}").touch()
    while not Path(folder, "go").exists():
        time.sleep(0.01)
    print(sorted(set(crowd(app, label, int(threads)))), flush=True)
    app.server.extensions["psad"].db.dispose()


def spawn(url: str, redis_url: str, label: str, threads: int, folder: Path, **env) -> subprocess.Popen:
    code = "import sys; from tests.test_stampede import worker; worker(*sys.argv[1:])"
    return subprocess.Popen([sys.executable, "-c", code, url, redis_url, label, str(threads), str(folder)],
                            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.redis
def test_two_processes_sharing_redis_compute_once(url, tmp_path):
    redis_url = redis_or_skip(REDIS_URL)
    label = uuid.uuid4().hex
    procs = [spawn(url, redis_url, label, 20, tmp_path) for _ in range(2)]
    wait_for(lambda: len(list(tmp_path.glob("ready-*"))) == 2 or any(p.poll() is not None for p in procs))
    (tmp_path / "go").touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    assert outputs[0][0] == outputs[1][0]  # the same one answer in both
    assert runs(url, label) == 1


@pytest.mark.redis
def test_a_holder_that_dies_keeps_no_waiter_past_the_bound(url, tmp_path):
    """The holder (another process) is killed while it computes; its lock expires after the
    statement timeout (here 3 s), and a waiter then computes the value itself."""
    import redis

    redis_url = redis_or_skip(REDIS_URL)
    label = uuid.uuid4().hex
    client = redis.Redis.from_url(redis_url)
    before = set(client.scan_iter("psad:lock:*"))
    holder = spawn(url, redis_url, label, 1, tmp_path, PSAD_TEST_SLEEP_S="60")
    wait_for(lambda: list(tmp_path.glob("ready-*")) or holder.poll() is not None)
    (tmp_path / "go").touch()
    wait_for(lambda: runs(url, label) == 1)  # the holder is inside the query: it holds the lock
    locks = set(client.scan_iter("psad:lock:*")) - before
    assert len(locks) == 1
    ttl = client.pttl(next(iter(locks)))
    assert 0 < ttl <= 3000, "the lock expires within the bound"
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)

    app = create_app({"database_url": url, "redis_url": redis_url, "statement_timeout_ms": 3000})
    answers = crowd(app, label, 5)  # joins each thread (at most 120 s): none is left waiting
    assert len(set(answers)) == 1
    assert runs(url, label) == 2  # the dead holder's run and one waiter's, not one per waiter
    assert not set(client.scan_iter("psad:lock:*")) - before, "the waiter released its lock"
    app.server.extensions["psad"].db.dispose()


@pytest.mark.redis
def test_a_result_of_none_is_kept_and_nobody_waits_for_it(demo_url):
    # a None result used to look like a missing key: every waiter polled the lock until its deadline
    from data_access.cache import _once

    url = redis_or_skip(REDIS_URL)
    app = create_app({"database_url": demo_url, "redis_url": url})
    calls = []

    def make():
        calls.append(1)
        return None

    key = f"test-none-{os.getpid()}-{time.time_ns()}"
    with app.server.app_context():
        assert _once(key, 1.0, make) is None
        assert _once(key, 1.0, make) is None  # before: polled as missing until the deadline, then made again
    assert len(calls) == 1
