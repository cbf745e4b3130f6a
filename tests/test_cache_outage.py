"""The shared cache failing (issue 13, item 7), with a real Redis: down (nothing listening) and
frozen (a private redis-server stopped with SIGSTOP, so connections hang instead of failing).

Either way the pages and the API answer from the database, the failure is logged once in one
line (no traceback per call), and Redis is not asked again until the retry window has passed;
then one request tries it, and a Redis that is back is used again.
"""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest

from app import create_app
from data_access.cache import BreakerRedisCache, cache
from tests.conftest import free_port
from tests.pg_private import start_redis, stop_redis

pytestmark = pytest.mark.redis


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "data_access.cache" and r.levelno >= logging.WARNING]


def test_redis_down_serves_from_the_database_and_logs_once(demo_url, caplog):
    app = create_app({"database_url": demo_url, "redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    client = app.server.test_client()
    caplog.set_level(logging.WARNING)
    for offense in ("homicide", "shooting", "burglary", "larceny", "homicide"):
        r = client.get(f"/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month&offense={offense}")
        assert r.status_code == 200, r.get_data(as_text=True)
    logged = _warnings(caplog)
    assert len(logged) == 1, logged
    assert "Redis cache unavailable" in logged[0] and "\n" not in logged[0]
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a cache that is down"


@pytest.fixture()
def private_redis():
    """A redis-server of our own on a free port (so the test can freeze it): (process, port)."""
    proc, port = start_redis()
    yield proc, port
    stop_redis(proc)


def test_a_frozen_redis_is_skipped_until_the_retry_and_used_again_when_back(demo_url, private_redis, caplog):
    proc, port = private_redis
    app = create_app({"database_url": demo_url, "redis_url": f"redis://127.0.0.1:{port}/0", "cache_retry_s": 1})
    client = app.server.test_client()
    caplog.set_level(logging.WARNING)
    url = "/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month"
    assert client.get(url).status_code == 200
    with app.server.app_context():
        backend = cache.cache
        assert isinstance(backend, BreakerRedisCache)
        assert backend.get("psad-test-key") is None
        assert backend.set("psad-test-key", 42) and backend.get("psad-test-key") == 42, "a live Redis is used"

        os.kill(proc.pid, signal.SIGSTOP)  # frozen: the socket accepts, nothing answers
        assert client.get(url + "&offense=homicide").status_code == 200
        assert backend.breaker.failures == 1, "the first call after the freeze timed out"
        calls = []
        real_get = backend._read_client.get
        backend._read_client.get = lambda *a, **k: calls.append(a) or real_get(*a, **k)
        for offense in ("shooting", "burglary", "larceny"):
            assert client.get(f"{url}&offense={offense}").status_code == 200
        assert calls == [], "while the breaker is open Redis is not asked at all"
        backend._read_client.get = real_get
        assert len(_warnings(caplog)) == 1

        os.kill(proc.pid, signal.SIGCONT)
        time.sleep(1.1)  # the retry window of this app
        assert backend.get("psad-test-key") == 42, "after the window one call tries Redis, and it answers"
        assert backend.breaker.failures == 0
    logged = _warnings(caplog)
    assert len(logged) == 2 and "is back" in logged[1], logged
    assert not [r for r in caplog.records if r.exc_info]
