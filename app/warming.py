"""Work done in the background when the server first sees a new data version (issue 12: after
each load, the common views are computed before the crowd asks for them).

``register(server, name, job)`` adds a job: ``job()`` runs inside an app context and returns how
many views it warmed. ``install(app)`` installs the runner (``Runner``): when a callback request
first sees a data version this process has not warmed, it starts one daemon thread that runs every
registered job once, in turn, and logs one line per job (views warmed, seconds) or, for a job that
failed, one line saying so; nothing of it reaches a user, who was answered already. With Redis
shared by several processes (gunicorn workers, hosts, the load commands) one of them runs the jobs
of a version: it claims the version in the cache first (``claim``: an atomic add, Redis SET NX).

No thread starts unless a job is registered (the decks' job only with ``PSAD_WARM_DECKS``), the
cache keeps something (not the tests' NullCache) and a callback request came in: page loads and
gunicorn's pre-fork warm-up (``app.factory.warm``, which must leave no thread behind) start nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

from flask import request

JOBS = "psad_warm_jobs"
RUNNER = "psad_warming"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    job: str
    version: int
    views: int  # 0 when it failed
    seconds: float
    error: str = ""  # what failed, in one line


def register(server, name: str, job: Callable[[], int]) -> None:
    server.extensions.setdefault(JOBS, []).append((name, job))


def jobs(server) -> list[tuple[str, Callable[[], int]]]:
    return list(server.extensions.get(JOBS, []))


def claim(db, version: int, timeout: int | None = None) -> bool:
    """True for the one process that may warm ``version`` (``cache.add`` is atomic in Redis, so
    with a shared cache exactly one worker, host or load command gets it; the in-process cache
    makes it a per-process guard; a failing Redis gives it to no one: nothing would be kept).
    Needs an app context."""
    from data_access.cache import cache

    return bool(cache.add(f"warm:{db!r}:{version}", f"{os.getpid()}", timeout=timeout))


def run_jobs(server, version: int) -> list[Report]:
    """Run every registered job once, in an app context, each failure caught and logged in one
    line (its views are then computed when first asked for)."""
    _audible()
    reports = []
    for name, job in jobs(server):
        t0 = time.perf_counter()
        try:
            with server.app_context():
                views = int(job() or 0)
        except Exception as exc:
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            reports.append(Report(name, version, 0, time.perf_counter() - t0, reason))
            log.warning("warming %s failed for data version %s (%s); its views will be computed when first "
                        "asked for", name, version, reason)
            continue
        reports.append(Report(name, version, views, time.perf_counter() - t0))
        log.info("warming %s: %d views for data version %s in %.1f s", name, views, version, reports[-1].seconds)
    return reports


def warm_now(app) -> list[Report] | None:
    """Claim the current data version and run every job now, in this thread (the load commands,
    with a shared Redis cache, so the first viewer on any worker or host finds the views warm).
    None when nothing is loaded or another process claimed the version."""
    from app.context import services
    from data_access.cache import data_version

    server = getattr(app, "server", app)
    with server.app_context():
        db = services().db
        version = data_version(db)
        if not version or not claim(db, version):
            return None
    return run_jobs(server, version)


class Runner:
    """Runs the jobs when this process first sees a data version, in a daemon thread: the request
    that noticed is answered at once. ``seen`` holds the versions this process started (a request
    still reading an older version after a load does not warm it again)."""

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.seen: set[int] = set()
        self.thread: threading.Thread | None = None
        self.last: list[Report] | None = None

    def after_request(self, response):
        # Only callback requests (a viewer on a page): the pages' first load and gunicorn's
        # pre-fork warm-up read the version too, and must not start a thread; nor must the API's
        # scripts and their tests.
        try:
            if jobs(self.server) and request.path.endswith("_dash-update-component"):
                from app.context import services
                from data_access.cache import request_versions

                version = (request_versions() or {}).get(repr(services().db))  # what it read: no query
                if version:
                    self.saw(version)
        except Exception:
            log.exception("warming: could not start")
        return response

    def saw(self, version: int) -> threading.Thread | None:
        """Start warming ``version`` unless this process already did (the thread, or None)."""
        with self.lock:
            if version in self.seen:
                return None
            self.seen.add(version)
            self.thread = threading.Thread(target=self.run, args=(version,), name=f"psad-warm-{version}",
                                           daemon=True)
        self.thread.start()
        return self.thread

    def run(self, version: int) -> list[Report] | None:
        from app.context import services

        _audible()
        try:
            with self.server.app_context():
                if not claim(services().db, version):
                    log.info("warming: data version %s is warmed by another process", version)
                    return None
            self.last = run_jobs(self.server, version)
            return self.last
        except Exception as exc:  # the claim itself failed: the views are computed when first asked for
            log.warning("warming: could not start for data version %s (%s)", version,
                        " ".join(f"{type(exc).__name__}: {exc}".split())[:300])
            return None
        except BaseException:  # the thread stopped from outside (a server shutting down): just end
            log.info("warming stopped for data version %s", version)
            return None

    def join(self, timeout: float = 120) -> None:
        """Wait for the current warm (tests)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)


def _audible() -> None:
    """The warm's lines reach the server's log: ``psad serve`` and gunicorn configure no Python
    logging, which would drop an INFO line, so when nothing handles this logger it gets a stderr
    handler of its own (gunicorn's error log is stderr)."""
    if not log.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] [psad] %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def install(app) -> Runner | None:
    """Register the presentation decks' job (``callbacks.present``, unless ``PSAD_WARM_DECKS`` is
    off) and install the runner, unless the cache keeps nothing (tests' NullCache). Jobs registered
    later (by a page, by a test) are run too."""
    from flask_caching.backends import NullCache

    from callbacks.present import install_warmer
    from data_access.cache import cache

    server = app.server
    if isinstance(server.extensions["cache"][cache], NullCache):
        return None
    install_warmer(app)
    runner = Runner(server)
    server.extensions[RUNNER] = runner
    server.after_request(runner.after_request)
    return runner
