"""Running a page's independent queries at the same time.

A page update asks several questions of the database (cards, trend, heatmap, goal). Asked one
after another, their latencies add up; asked from a few threads, each on its own pooled
connection, the update takes as long as the slowest one. The threads carry the Flask app context,
so the query cache works in them as in the request.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from flask import current_app, g, has_app_context

from data_access.cache import VERSIONS, request_versions

MAX_WORKERS = 4  # per call; the engine's pool (5 + 5 overflow) has room for them


def gather(*calls: Callable[[], Any]) -> list[Any]:
    """Run the zero-argument ``calls`` concurrently; their results in order. The first exception
    (a DataError, say) is raised here, as if the calls had run in sequence."""
    if len(calls) < 2:
        return [c() for c in calls]
    app = current_app._get_current_object() if has_app_context() else None
    versions = request_versions() if app is not None else None

    def run(call):
        if app is None:
            return call()
        with app.app_context():
            if versions is not None:
                g.setdefault(VERSIONS, versions)  # one data-version lookup per request
            return call()

    # A pool per call, not one shared: a few threads cost ~0.1 ms to start, and nothing can be
    # left waiting behind a worker that died or a gather() nested in another.
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(calls)), thread_name_prefix="psad-query") as ex:
        futures = [ex.submit(run, c) for c in calls]
        return [f.result() for f in futures]
