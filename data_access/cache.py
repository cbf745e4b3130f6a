"""The query cache at the data boundary.

``cache`` is a flask-caching ``Cache`` bound to the Flask server in ``create_app``: Redis when
``REDIS_URL`` is set (several workers share it), an in-process cache otherwise, ``NullCache``
when a test asks for it. ``cached_query`` memoizes a query function on its arguments plus the
loaded data version, which changes only when a load changes what is served, so such a load
invalidates every entry at once without any explicit purge (and a load that changes nothing keeps
them).

A cache that fails (Redis down, or frozen: every call would wait for its socket timeout) is left
alone for ``PSAD_CACHE_RETRY_S`` seconds (``BreakerRedisCache``): the pages are served uncached
from the database meanwhile, the failure is logged once, in one line, and one request then tries
Redis again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from typing import Any, Callable, TypeVar

from flask import g, has_app_context, has_request_context
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache
from sqlalchemy import select
from sqlalchemy.exc import ProgrammingError

from data_access.db import Database
from data_access.schema import data_state

cache = Cache()
VERSIONS = "psad_data_versions"
log = logging.getLogger(__name__)
T = TypeVar("T")


class Breaker:
    """Open for ``retry_s`` seconds after a failure: while open, callers skip the backend. When
    the time is up, one caller (not every thread at once) tries again."""

    def __init__(self, retry_s: float, name: str = "cache"):
        self.retry_s = retry_s
        self.name = name
        self.open_until = 0.0
        self.failures = 0  # since the last success, for the log line
        self._lock = threading.Lock()
        self._probing = False

    def allow(self) -> bool:
        now = time.monotonic()
        if now >= self.open_until:
            return True
        return False

    def try_probe(self) -> bool:
        """After the wait: True for exactly one caller, which tries the backend."""
        with self._lock:
            if self._probing or time.monotonic() < self.open_until:
                return False
            self._probing = True
            return True

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._probing = False
            first = self.failures == 0
            self.failures += 1
            self.open_until = time.monotonic() + self.retry_s
        if first:  # once per outage, one line, no traceback
            log.warning("%s unavailable (%s: %s); serving without it, retrying every %.0f s",
                        self.name, type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "", self.retry_s)

    def succeeded(self) -> None:
        if self.failures:
            with self._lock:
                if self.failures:
                    log.warning("%s is back after %d failed attempts", self.name, self.failures)
                self.failures = 0
                self._probing = False
                self.open_until = 0.0


def _miss(name: str, args: tuple) -> Any:
    """What a backend call answers while the cache is away: a miss, never an exception."""
    if name == "get_many":
        return [None] * len(args)
    if name in ("set_many", "delete_many"):
        return []
    return {"get": None, "inc": None, "dec": None}.get(name, False)



class BreakerRedisCache(RedisCache):
    """flask-caching's RedisCache behind a ``Breaker``: a failed call answers as a miss (nothing
    raised, nothing logged by flask-caching per call), and Redis is not called again until the
    breaker lets a probe through."""

    retry_s = 30.0

    @classmethod
    def factory(cls, app, config, args, kwargs):
        instance = super().factory(app, config, args, kwargs)
        instance.breaker = Breaker(float(config.get("PSAD_CACHE_RETRY_S", cls.retry_s)), "Redis cache")
        return instance

    def _guarded(self, name: str, *args: Any, **kwargs: Any):
        breaker: Breaker = self.breaker
        if not breaker.allow() and not breaker.try_probe():
            return _miss(name, args)
        try:
            value = getattr(super(), name)(*args, **kwargs)
        except Exception as exc:  # redis ConnectionError, TimeoutError, a frozen server …
            breaker.failed(exc)
            return _miss(name, args)
        breaker.succeeded()
        return value

    def get(self, key): return self._guarded("get", key)  # noqa: E704
    def get_many(self, *keys): return self._guarded("get_many", *keys)  # noqa: E704
    def has(self, key): return self._guarded("has", key)  # noqa: E704
    def set(self, key, value, timeout=None): return self._guarded("set", key, value, timeout)  # noqa: E704
    def add(self, key, value, timeout=None): return self._guarded("add", key, value, timeout)  # noqa: E704
    def set_many(self, mapping, timeout=None): return self._guarded("set_many", mapping, timeout)  # noqa: E704
    def delete(self, key): return self._guarded("delete", key)  # noqa: E704
    def delete_many(self, *keys): return self._guarded("delete_many", *keys)  # noqa: E704
    def clear(self): return self._guarded("clear")  # noqa: E704
    def inc(self, key, delta=1): return self._guarded("inc", key, delta)  # noqa: E704
    def dec(self, key, delta=1): return self._guarded("dec", key, delta)  # noqa: E704


def cache_config(redis_url: str, timeout: int, kind: str | None = None, retry_s: float = 30.0) -> dict:
    if kind == "null":
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    if redis_url:
        return {
            "CACHE_TYPE": "data_access.cache.BreakerRedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_DEFAULT_TIMEOUT": timeout,
            "CACHE_KEY_PREFIX": "psad:",
            # a frozen Redis costs one request 0.25 s per retry window, not every call 0.5 s
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            "PSAD_CACHE_RETRY_S": retry_s,
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": timeout, "CACHE_THRESHOLD": 5000}


def data_version(db: Database) -> int:
    """The version of the data being served (0 when nothing is loaded).

    Looked up once per request (kept on ``flask.g``; ``data_access.concurrent.gather`` hands the
    same memo to its threads): a callback runs several cached queries, and they must all see the
    same version anyway. Outside a request (scripts, tests holding an app context across loads)
    it is read every time.
    """
    versions = request_versions()
    if versions is not None:
        key = repr(db)
        if key not in versions:
            versions[key] = _read_version(db)
        return versions[key]
    return _read_version(db)


def request_versions() -> dict | None:
    """This request's memo of data versions (None outside a request)."""
    if has_request_context():
        return g.setdefault(VERSIONS, {})
    if has_app_context():
        return g.get(VERSIONS)  # a gather() thread working for a request
    return None


def _read_version(db: Database) -> int:
    try:
        return db.execute(select(data_state.c.version).where(data_state.c.id == 1)).scalar() or 0
    except ProgrammingError:  # table missing: the database is not migrated yet
        return 0


def cached_query(fn):
    """Memoize ``fn(db, version, *args)``, exposed as ``fn(db, *args)``."""
    memo = cache.memoize()(fn)

    @functools.wraps(fn)
    def wrapper(db: Database, *args):
        if not has_app_context():  # the command line: no app, nothing to share a cache with
            return fn(db, data_version(db), *args)
        return memo(db, data_version(db), *args)

    wrapper.uncached = lambda db, *args: fn(db, data_version(db), *args)
    return wrapper


def cached_value(name: str, key: tuple, make: Callable[[], T]) -> T:
    """A value derived from cached query results by pure code (a drawn map, say), kept in the same
    cache under ``name`` and ``key``. ``key`` must hold everything the value depends on, the data
    version among them, so a load invalidates it like the queries. Outside an app, or when the
    cache backend fails, the value is simply made."""
    if not has_app_context():
        return make()
    k = f"{name}:{hashlib.sha1(repr(key).encode()).hexdigest()}"
    try:
        hit = cache.get(k)
    except Exception as exc:  # the backend is down: serve without it, as cached_query does
        log.warning("cache get failed for %s: %s", name, exc)
        return make()
    if hit is not None:
        return hit
    value = make()
    try:
        cache.set(k, value)
    except Exception as exc:
        log.warning("cache set failed for %s: %s", name, exc)
    return value
