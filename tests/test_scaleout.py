"""Scale-out on the engines we already run (issue 12): two app processes (real ``psad serve`` on
two ports) share one Redis and one PostgreSQL, one reading from a streaming replica
(``DATABASE_READ_URL``), the other from the primary. They give the same answers from the same
cache entries, and after a load on the primary both answer the new numbers.
"""

from __future__ import annotations

import json
import time

import pytest

from tests import pg_private

pytestmark = pytest.mark.redis

API = "/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month"


@pytest.fixture(scope="module")
def cluster():
    return pg_private.shared_cluster()


@pytest.fixture(scope="module")
def redis_url():
    with pg_private.private_redis() as url:
        yield url


@pytest.fixture(scope="module")
def two_servers(cluster, redis_url, tmp_path_factory):
    logs = tmp_path_factory.mktemp("serve")
    common = {"DATABASE_URL": cluster.primary.url(), "REDIS_URL": redis_url}
    servers = [pg_private.start_serving({**common, "DATABASE_READ_URL": cluster.replica.url()}, logs / "a.log"),
               pg_private.start_serving({**common, "DATABASE_READ_URL": ""}, logs / "b.log")]
    try:
        t0 = time.monotonic()
        for s in servers:  # started together: they import and bind at the same time
            pg_private.wait_serving(s)
        print(f"\ntwo psad serve processes answering in {time.monotonic() - t0:.1f} s")
        yield servers
    finally:
        for s in servers:
            pg_private.stop_serving(s)


def _answer(server, path: str = API) -> dict:
    status, body = server.get(path)
    assert status == 200, (server.port, status, body[:300])
    return json.loads(body)


def test_two_processes_share_the_cache_and_change_together_after_a_load(cluster, redis_url, two_servers):
    import redis

    a, b = two_servers
    r = redis.Redis.from_url(redis_url)
    r.flushdb()
    # the API's own query (each server also warms its default views into the cache meanwhile)
    counts = "psad:q:data_access.counts.*"
    first = _answer(a)
    keys = set(r.keys(counts))
    assert keys, "the first process cached its query in the shared Redis"
    assert _answer(b) == first, "same answer from the other process"
    assert set(r.keys(counts)) == keys, "the other process found it in the shared cache"

    old_version = _answer(a, "/api/v1/health")["data_version"]
    cluster.load()
    t0 = time.monotonic()
    answers = [first, first]
    while time.monotonic() - t0 < 30:
        answers = [_answer(a), _answer(b)]
        if all(x != first for x in answers):
            break
        time.sleep(0.1)
    print(f"both processes answered the new numbers {time.monotonic() - t0:.2f} s after the load")
    assert answers[0] != first and answers[1] != first, "both changed after the load"
    assert answers[0] == answers[1], "and agree"
    assert _answer(a, "/api/v1/health")["data_version"] == _answer(b, "/api/v1/health")["data_version"] > old_version
