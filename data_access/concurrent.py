"""Running a page's independent queries at the same time.

A page update asks several questions of the database (cards, trend, heatmap, goal). Asked one
after another, their latencies add up; asked from a few threads, each on its own pooled
connection, the update takes as long as the slowest one. The threads carry the Flask app context,
so the query cache works in them as in the request.

The threads are one pool per process, made on first use, not a pool per call: starting a call's
threads and waiting for them to start cost 0.5-2 ms per ``gather`` on this 2-core machine (against
0.04 ms for handing four calls to running threads), and a page update gathers two or three times.
A process forked from one that used the pool (gunicorn's workers, forked after the master has
warmed the views) makes its own: the parent's threads do not exist in the child. A ``gather``
inside one of the pool's calls runs its calls in sequence, in that thread, so the pool can never
wait on itself.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, Callable

from flask import current_app, g, has_app_context

from data_access.cache import VERSIONS, request_versions

# Threads per process, shared by every request of the process (gunicorn's PSAD_THREADS of them at
# once, each gathering a few queries): the engine's pool (5 + 5 overflow connections) has room for them.
POOL_THREADS = 8

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_inside = threading.local()  # set in the pool's threads while they run a call


def _forget_pool() -> None:  # in a forked child: the parent's threads and lock are not ours
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=POOL_THREADS, thread_name_prefix="psad-query")
    return _pool


def gather(*calls: Callable[[], Any]) -> list[Any]:
    """Run the zero-argument ``calls`` concurrently; their results in order. Every call has ended
    when it returns; the first exception in the calls' order (a DataError, say) is raised here, as
    if the calls had run in sequence."""
    if len(calls) < 2 or getattr(_inside, "active", False):
        return [c() for c in calls]
    app = current_app._get_current_object() if has_app_context() else None
    versions = request_versions() if app is not None else None

    def run(call):
        _inside.active = True
        try:
            if app is None:
                return call()
            with app.app_context():
                if versions is not None:
                    g.setdefault(VERSIONS, versions)  # one data-version lookup per request
                return call()
        finally:
            _inside.active = False

    futures = [_executor().submit(run, c) for c in calls]
    wait(futures)
    return [f.result() for f in futures]
