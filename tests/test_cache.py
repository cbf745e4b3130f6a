"""The query cache: keyed by filters and data version, shared through a real Redis, and never
in the way when its backend is down."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import event

from app import create_app
from data_access import summary as queries
from data_access.db import Database
from data_access.filters import Filters
from data_access.loading import bump_version

F = Filters(date(2025, 1, 1), date(2025, 12, 31), police_district=("Northern",))
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def statement_counter(db):
    """Statements that read the aggregate tables (what a cache hit avoids)."""
    seen = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: seen.append(statement) if "agg_victim" in statement else None)
    return seen


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def test_memoized_until_the_data_version_changes(make_database):
    from data_access import migrate
    from data_access.loading import load_demo

    url = make_database()
    app = create_app({"database_url": url})  # default in-process cache
    db = app.server.extensions["psad"].db
    migrate.upgrade(db)
    load_demo(db, scale=0.02, start=date(2024, 1, 1), end=date(2025, 12, 31))
    with app.server.app_context():
        seen = statement_counter(db)
        first = queries.offense_counts(db, F)
        n_first = len(seen)
        again = queries.offense_counts(db, F)
        assert again.equals(first)
        assert len(seen) == n_first  # answered from the cache
        other = queries.offense_counts(db, F.replace(police_district=("Southern",)))
        assert len(seen) == n_first + 1  # a different key runs the query
        assert not other.equals(first)
        with db.begin() as conn:
            bump_version(conn, is_demo=True, data_as_of=date(2025, 12, 31))
        queries.offense_counts(db, F)
        assert len(seen) == n_first + 2  # new version: cache miss
    db.dispose()


@pytest.mark.redis
def test_redis_cache_is_shared_between_apps(demo_url):
    client = redis_or_skip()
    for key in client.scan_iter("psad:*"):
        client.delete(key)
    app1 = create_app({"database_url": demo_url, "redis_url": REDIS_URL})
    app2 = create_app({"database_url": demo_url, "redis_url": REDIS_URL})
    db1 = app1.server.extensions["psad"].db
    db2 = app2.server.extensions["psad"].db
    with app1.server.app_context():
        first = queries.offense_counts(db1, F)
    assert any(True for _ in client.scan_iter("psad:*"))
    with app2.server.app_context():
        seen = statement_counter(db2)
        second = queries.offense_counts(db2, F)
    assert second.equals(first)
    assert seen == []  # the second "worker" got the result from Redis
    db1.dispose()
    db2.dispose()


@pytest.mark.redis
def test_redis_down_falls_back_to_the_database(demo_url):
    app = create_app({"database_url": demo_url, "redis_url": "redis://127.0.0.1:1/0"})
    client = app.server.test_client()
    r = client.get("/api/v1/counts?start=2025-01-01&end=2025-12-31")
    assert r.status_code == 200 and r.get_json()["rows"]
    app.server.extensions["psad"].db.dispose()


def test_a_restarted_server_costs_no_failed_request(make_database):
    """Pooled connections are not pinged before use; one killed under the pool is replaced on
    the spot and the query still answers."""
    from sqlalchemy import text

    db = Database(make_database())
    assert db.execute(text("SELECT 1")).scalar() == 1
    pid = db.execute(text("SELECT pg_backend_pid()")).scalar()
    other = Database(db.url)
    other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    assert db.execute(text("SELECT 2")).scalar() == 2
    db.dispose()
    other.dispose()


def test_an_open_breaker_lets_one_caller_probe_after_the_window():
    """``Breaker.admit`` is the one question: may this caller use the backend now? Closed: everyone.
    Open: no one, until the window has passed; then exactly one caller (the probe) until it
    reports back."""
    import time

    from data_access.cache import Breaker

    breaker = Breaker(0.05, "test cache")
    assert [breaker.admit() for _ in range(3)] == [True] * 3
    breaker.failed(ConnectionError("refused"))
    assert [breaker.admit() for _ in range(3)] == [False] * 3
    time.sleep(0.06)
    assert [breaker.admit() for _ in range(3)] == [True, False, False]  # one probe, not every thread
    breaker.failed(ConnectionError("still refused"))
    assert breaker.admit() is False
    time.sleep(0.06)
    assert breaker.admit() is True
    breaker.succeeded()
    assert [breaker.admit() for _ in range(3)] == [True] * 3 and not breaker.failing


def test_a_frozen_value_refuses_changes_and_copies_to_plain_data():
    import copy
    import json
    import pickle

    from data_access.cache import FrozenDict, FrozenList, freeze

    value = freeze({"a": [("x", "X"), ("y", "Y")], "links": {"n1": {"police_district": ["Eastern"]}}, "d": date(2025, 1, 2)})
    assert isinstance(value, FrozenDict) and isinstance(value["a"], FrozenList)
    for change in (lambda: value.__setitem__("b", 1), lambda: value.pop("a"), lambda: value.update(b=1),
                   lambda: value.setdefault("b", []), lambda: value["a"].append(("z", "Z")),
                   lambda: value["links"]["n1"]["police_district"].extend(["Western"]),
                   lambda: value["a"].sort(), lambda: value["links"].clear()):
        with pytest.raises(TypeError, match="cannot be changed"):
            change()
    plain = {"a": [("x", "X"), ("y", "Y")], "links": {"n1": {"police_district": ["Eastern"]}}, "d": date(2025, 1, 2)}
    assert value == plain and value["a"] + [("z", "Z")] == plain["a"] + [("z", "Z")]
    for made in (copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert made == plain and type(made) is dict and type(made["a"]) is list
        made["a"].append(("z", "Z"))  # a copy is the caller's own
    assert type(copy.copy(value["a"])) is list
    assert json.dumps(value, default=str) == json.dumps(plain, default=str)
    with pytest.raises(TypeError, match="plain data only"):
        freeze({"frame": object()})


def test_the_filter_options_are_kept_in_the_process_per_data_version(make_database):
    """near_cached_query: the second request's options come from the process (no cache read, the
    same object); a load (new data version) makes a new entry; the NullCache keeps nothing."""
    from data_access import migrate
    from data_access.cache import FrozenDict, cache
    from data_access.loading import load_demo
    from data_access.options import filter_options

    url = make_database()
    app = create_app({"database_url": url})  # the default in-process cache
    db = app.server.extensions["psad"].db
    migrate.upgrade(db)
    load_demo(db, scale=0.02, start=date(2024, 1, 1), end=date(2025, 12, 31))
    reads = []
    with app.server.test_request_context("/"):
        backend = cache.cache
        original = backend.get
        backend.get = lambda key: reads.append(key) or original(key)
        first = filter_options(db)
    assert isinstance(first, FrozenDict) and first["police_district"]
    n_reads = len(reads)
    with app.server.test_request_context("/"):
        again = filter_options(db)
    assert again is first and len(reads) == n_reads  # from the process: no shared-cache read
    with db.begin() as conn:
        bump_version(conn, is_demo=True, data_as_of=date(2025, 12, 31))
    with app.server.test_request_context("/"):
        after_load = filter_options(db)
    assert after_load is not first and after_load == first and len(reads) > n_reads
    with app.server.test_request_context("/"):
        cache.clear()  # emptying the shared cache empties the near copies too
        assert filter_options(db) is not after_load
    backend.get = original
    db.dispose()

    null = create_app({"database_url": url}, cache_type="null")
    with null.server.test_request_context("/"):
        one = filter_options(null.server.extensions["psad"].db)
    with null.server.test_request_context("/"):
        two = filter_options(null.server.extensions["psad"].db)
    assert isinstance(one, FrozenDict) and one == two and one is not two  # frozen, never kept
    null.server.extensions["psad"].db.dispose()
