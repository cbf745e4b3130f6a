"""The warming runner (``app.warming``, issue 12): when a request first sees a new data version,
every registered job runs once, in a background thread; once across processes sharing Redis; not
again for the same version; a failing job is one log line and never reaches a user; page loads,
gunicorn's pre-fork warm-up and apps whose cache keeps nothing start no thread.

The job here is this module's own: it records each run (data version, process) in a table of the
test database, so runs are counted across processes.
"""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app, ids, warming
from app.factory import warm
from data_access import migrate
from data_access.cache import data_version
from data_access.db import Database
from data_access.loading import bump_version
from tests.dash_support import post
from tests.pg_private import redis_or_skip

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month"


def record_job(server):
    """A job: one row per run, three 'views' warmed."""
    def job() -> int:
        from app.context import services

        db = services().db
        with db.begin() as conn:
            conn.execute(text("INSERT INTO warm_runs (version, pid) VALUES (:v, :p)"),
                         {"v": data_version(db), "p": os.getpid()})
        return 3
    return job


def failing_job() -> int:
    raise RuntimeError("the views' database went away\nsecond line")


@pytest.fixture()
def url(make_database) -> str:
    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE warm_runs (version int, pid int)"))
    db.dispose()
    bump(url)
    return url


def bump(url: str) -> int:
    db = Database(url)
    with db.begin() as conn:
        version = bump_version(conn, is_demo=True, data_as_of=date(2025, 12, 31))
    db.dispose()
    return version


def runs(url: str) -> list[int]:
    db = Database(url)
    try:
        return [r[0] for r in db.execute(text("SELECT version FROM warm_runs ORDER BY version")).rows]
    finally:
        db.dispose()


def app_with_job(url: str, redis_url: str = "", *jobs):
    app = create_app({"database_url": url, "redis_url": redis_url, "warm_decks": False})
    app.server.extensions[warming.JOBS] = []  # only this module's jobs (the app's own have their tests)
    for name, job in jobs or (("test-views", record_job(app.server)),):
        warming.register(app.server, name, job)
    return app


def ask(app) -> None:
    """A viewer's callback request (the About page's content: it reads the data version); the
    warm it started, if any, is waited for."""
    r = post(app.server.test_client(), app, f"{ids.PAGE_CONTENT}.children", {f"{ids.URL}.pathname": "/about"})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    app.server.extensions[warming.RUNNER].join()


def warm_lines(caplog, name: str = "test-views") -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "app.warming" and r.getMessage().startswith(f"warming {name}")]


def test_a_job_runs_once_per_new_version(url, caplog):
    caplog.set_level(logging.INFO, logger="app.warming")
    app = app_with_job(url)
    first = runs(url)
    ask(app)
    ask(app)  # the same version: nothing more
    assert len(runs(url)) == 1 and first == []
    new = bump(url)
    ask(app)
    ask(app)
    versions = runs(url)
    assert len(versions) == 2 and versions[-1] == new
    lines = warm_lines(caplog)
    assert len(lines) == 2 and all(" 3 views for data version " in line for line in lines), lines
    assert lines[-1].startswith(f"warming test-views: 3 views for data version {new} in ")
    app.server.extensions["psad"].db.dispose()


def test_a_failing_job_is_one_line_and_never_reaches_a_user(url, caplog):
    caplog.set_level(logging.INFO, logger="app.warming")
    app = app_with_job(url, "", ("broken-views", failing_job))
    warming.register(app.server, "test-views", record_job(app.server))
    for _ in range(3):
        ask(app)
    failed = [r for r in caplog.records if "warming broken-views failed" in r.getMessage()]
    assert len(failed) == 1  # once for the version, not per request
    assert "RuntimeError: the views' database went away second line" in failed[0].getMessage()
    assert "\n" not in failed[0].getMessage() and not failed[0].exc_info  # one line, no traceback
    assert len(runs(url)) == 1, "the jobs after a failed one still run"
    app.server.extensions["psad"].db.dispose()


def test_no_thread_for_page_loads_the_prefork_warm_or_a_cache_that_keeps_nothing(url):
    app = app_with_job(url)
    gc.unfreeze()
    try:
        warm(app.server)  # gunicorn's pre-fork warm-up: a page load and the dependencies
        # and the warmed heap frozen (factory.settle_heap): the workers' collector never walks it
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
    app.server.test_client().get("/")
    assert app.server.test_client().get(API).status_code == 200  # the API: scripts, not viewers on a page
    assert app.server.extensions[warming.RUNNER].thread is None
    assert not [t for t in threading.enumerate() if t.name.startswith("psad-warm-")]
    null = create_app({"database_url": url, "warm_decks": True}, cache_type="null")
    warming.register(null.server, "test-views", record_job(null.server))
    assert null.server.test_client().get(API).status_code == 200
    assert warming.RUNNER not in null.server.extensions and warming.jobs(null.server)[0][0] == "test-views"
    assert [name for name, _ in warming.jobs(null.server)] == ["test-views"]  # no deck job either: nothing kept
    assert runs(url) == []
    for a in (app, null):
        a.server.extensions["psad"].db.dispose()


def worker(url: str, redis_url: str, folder: str) -> None:
    """One app process (a gunicorn worker, or another host) with the job. Two rounds: at each go,
    a viewer's request (the warm it started, if any, waited for), another one of the same version;
    prints what this process did ("ran" or "skipped") and says it is done."""
    app = app_with_job(url, redis_url)
    runner = app.server.extensions[warming.RUNNER]
    Path(folder, f"ready-{os.getpid()}").touch()
    for step in ("1", "2"):
        while not Path(folder, f"go-{step}").exists():
            time.sleep(0.01)
        runner.last = None
        ask(app)
        did = "ran" if runner.last else "skipped"
        runner.last = None
        ask(app)  # the same version again: nothing
        print(did if runner.last is None else "ran twice", flush=True)
        Path(folder, f"done-{step}-{os.getpid()}").touch()


def wait_files(folder: Path, pattern: str, n: int, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 120
    while len(list(folder.glob(pattern))) < n:
        assert all(p.poll() is None for p in procs), [p.communicate()[1][-2000:] for p in procs if p.poll()]
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.redis
def test_processes_sharing_redis_run_a_version_once(url, tmp_path):
    redis_url = redis_or_skip(REDIS_URL)
    code = "import sys; from tests.test_warming import worker; worker(*sys.argv[1:])"
    procs = [subprocess.Popen([sys.executable, "-c", code, url, redis_url, str(tmp_path)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    wait_files(tmp_path, "ready-*", 2, procs)
    (tmp_path / "go-1").touch()  # both see the version at once
    wait_files(tmp_path, "done-1-*", 2, procs)
    assert len(runs(url)) == 1
    new = bump(url)
    (tmp_path / "go-2").touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    rounds = sorted(zip(*(out.split() for out, _ in outputs)))  # per round: what the two did
    assert [sorted(r) for r in rounds] == [["ran", "skipped"]] * 2, outputs
    versions = runs(url)
    assert len(versions) == 2 and versions[-1] == new
