"""The query cache at the data boundary.

``cache`` is a flask-caching ``Cache`` bound to the Flask server in ``create_app``: Redis when
``REDIS_URL`` is set (several workers share it), an in-process cache otherwise, ``NullCache``
when a test asks for it. ``cached_query`` memoizes a query function on its arguments plus the
loaded data version, which changes only when a load changes what is served, so such a load
invalidates every entry at once without any explicit purge (and a load that changes nothing keeps
them).

No stampede: when many callers miss the same key at once (200 viewers of a shared link just after a
load), one computes it and the others wait for its result (``_once``): a Redis lock (SET NX PX with
a token, released by its holder only) when the cache is Redis, so it holds across processes and
hosts; a per-key thread lock with the in-process cache. The wait is bounded (the statement timeout
for a query): a holder that died or is slower than that no longer keeps anyone waiting, a waiter
computes the value itself (never an error). A failing Redis is not asked for a lock either.

A cache that fails (Redis down, or frozen: every call would wait for its socket timeout) is left
alone for ``PSAD_CACHE_RETRY_S`` seconds (``BreakerRedisCache``): the pages are served uncached
from the database meanwhile, the failure is logged once, in one line, and one request then tries
Redis again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import threading
import time
import uuid
from collections import OrderedDict
from datetime import date
from typing import Any, Callable, TypeVar

from flask import g, has_app_context, has_request_context
from flask_caching import Cache
from flask_caching.backends import NullCache
from flask_caching.backends.rediscache import RedisCache
from sqlalchemy import select
from sqlalchemy.exc import ProgrammingError

from data_access.db import Database
from data_access.schema import data_state

NEAR = "_psad_near"  # near_cached_query's copies, kept on the cache backend


class _Cache(Cache):
    def clear(self) -> bool:
        """Empty the shared cache, and this process's near copies with it (``near_cached_query``)."""
        self.cache.__dict__.pop(NEAR, None)
        return super().clear()


cache = _Cache()
VERSIONS = "psad_data_versions"
log = logging.getLogger(__name__)
T = TypeVar("T")


class Breaker:
    """Closed while the backend answers. After a failure it is open for ``retry_s`` seconds:
    callers skip the backend; when the time is up, one caller (not every thread at once) tries it
    again, and its success closes the breaker, its failure opens it for another ``retry_s``."""

    def __init__(self, retry_s: float, name: str = "cache"):
        self.retry_s = retry_s
        self.name = name
        self.open_until = 0.0
        self.failures = 0  # since the last success: 0 means closed
        self._lock = threading.Lock()
        self._probing = False

    def admit(self) -> bool:
        """May this caller use the backend now? Yes while it is closed; while it is open, no, except
        for one caller once the retry window has passed (the probe, which must then report
        ``failed`` or ``succeeded``)."""
        if not self.failures:  # closed: the common case takes no lock
            return True
        with self._lock:
            if not self.failures:
                return True
            if self._probing or time.monotonic() < self.open_until:
                return False
            self._probing = True
            return True

    @property
    def failing(self) -> bool:
        """The last call failed and no call has succeeded since (nothing is claimed)."""
        return self.failures > 0

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



# Delete the lock only if it still holds this caller's token: a holder that outlived its lock must
# not release the lock another caller took since.
UNLOCK = """if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"""
# A waiter's poll in one round trip: the value if it is there, else the lock if it is free.
GET_OR_LOCK = """local v = redis.call('get', KEYS[1])
if v then return {1, v} end
if redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2, ''} end
return {0, ''}"""


class BreakerRedisCache(RedisCache):
    """flask-caching's RedisCache behind a ``Breaker``: a failed call answers as a miss (nothing
    raised, nothing logged by flask-caching per call), and Redis is not called again until the
    breaker lets a probe through."""

    retry_s = 30.0

    @classmethod
    def factory(cls, app, config, args, kwargs):
        instance = super().factory(app, config, args, kwargs)
        instance.breaker = Breaker(float(config.get("PSAD_CACHE_RETRY_S", cls.retry_s)), "Redis cache")
        instance._unlock = instance._get_or_lock = None
        return instance

    def _call(self, call: Callable[[], Any], fallback: Any) -> Any:
        breaker: Breaker = self.breaker
        if not breaker.admit():
            return fallback
        try:
            value = call()
        except Exception as exc:  # redis ConnectionError, TimeoutError, a frozen server …
            breaker.failed(exc)
            return fallback
        breaker.succeeded()
        return value

    def _guarded(self, name: str, *args: Any, **kwargs: Any):
        parent = super()
        return self._call(lambda: getattr(parent, name)(*args, **kwargs), _miss(name, args))

    # The per-key lock of ``cached_query`` (SET NX PX with a token; released by its holder only).
    def get_or_lock(self, key: str, token: str, ms: int) -> tuple[Any, bool | None]:
        """One round trip: ``key``'s value if it is there (value, False); else its lock taken for
        ``ms`` milliseconds by this caller (None, True) or held by another (None, False); (None,
        None) when Redis is failing (the caller goes on without a lock)."""
        if self._get_or_lock is None:
            self._get_or_lock = self._write_client.register_script(GET_OR_LOCK)

        def call():
            code, raw = self._get_or_lock(keys=[self._get_prefix() + key, self._lock_key(key)], args=[token, ms])
            return (self.serializer.loads(raw), False) if code == 1 else (None, code == 2)

        return self._call(call, (None, None))

    def unlock(self, key: str, token: str) -> None:
        """Release ``key``'s lock if this caller still holds it (after expiry another may)."""
        if self._unlock is None:
            self._unlock = self._write_client.register_script(UNLOCK)
        self._call(lambda: self._unlock(keys=[self._lock_key(key)], args=[token]), None)

    def _lock_key(self, key: str) -> str:
        return f"{self._get_prefix()}lock:{key}"

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
            # redis-py 8 raises past 100 connections in a pool, which the breaker would take for an
            # outage: a crowd on a threaded server (or the stampede tests' 150 threads) has more
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "max_connections": 1024},
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


# --- one computation per key (no stampede) -------------------------------------------------------

LOCKING = True  # False: every caller that misses computes (bench/bench_stampede.py compares the two)
LOCK_WAIT_S = 10.0  # cached_value's bound (cached_query's is its database's statement timeout)


class _ThreadLocks:
    """One lock per key, for the in-process cache: created when a caller first waits on the key,
    dropped when the last one leaves."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks: dict[tuple[int, str], list] = {}  # (backend, key) -> [lock, callers]

    def run(self, backend: Any, key: str, wait_s: float, make: Callable[[], T]) -> T:
        k = (id(backend), key)
        with self._guard:
            entry = self._locks.setdefault(k, [threading.Lock(), 0])
            entry[1] += 1
        lock = entry[0]
        try:
            if not lock.acquire(timeout=wait_s):  # the holder is slower than the bound: make it too
                return _make_and_store(key, make)
            try:
                hit = _get(key)  # made by the holder this caller waited for
                return _loaded(hit) if hit is not None else _make_and_store(key, make)
            finally:
                lock.release()
        finally:
            with self._guard:
                entry[1] -= 1
                if not entry[1]:
                    del self._locks[k]


_THREAD_LOCKS = _ThreadLocks()


def _redis_once(backend: BreakerRedisCache, key: str, wait_s: float, make: Callable[[], T]) -> T:
    """The lock is a Redis key (SET NX PX) so it holds across processes and hosts. It expires after
    ``wait_s``: a holder that died or is slower than that no longer keeps anyone waiting, one of
    the waiters takes the lock and makes the value. The others poll (one round trip: the value,
    or the lock if it is free; 10 ms apart at first, then up to 0.2 s) until they get either, or
    until twice the bound has passed (the lock they found expired, and so did its successor's:
    they make the value themselves)."""
    token = uuid.uuid4().hex
    ms = max(1, int(wait_s * 1000))
    deadline = time.monotonic() + 2 * wait_s
    delay = 0.01
    while True:
        value, held = backend.get_or_lock(key, token, ms)
        if value is not None:
            return _loaded(value)
        if held is None:  # Redis is failing: no lock, no wait
            return _make_and_store(key, make)
        if held:  # the value was not there when the lock was taken (one script: nothing in between)
            try:
                return _make_and_store(key, make)
            finally:
                backend.unlock(key, token)
        left = deadline - time.monotonic()
        if left <= 0:
            return _make_and_store(key, make)
        time.sleep(min(left, delay * random.uniform(0.8, 1.2)))
        delay = min(delay * 1.5, 0.2)


def _get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # a backend without a breaker: serve without it
        log.warning("cache get failed for %s: %s", key, exc)
        return None


# A result of None is stored as this text: the cache answers None for a missing key, so a stored
# None would look missing for ever, and with the lock every waiter polled it until its deadline
# (20 s per key for two processes on an empty database).
NONE_STORED = "\x00psad:none"


def _loaded(stored: Any) -> Any:
    """A stored value as it was made (``NONE_STORED`` back to None)."""
    return None if isinstance(stored, str) and stored == NONE_STORED else stored


def _make_and_store(key: str, make: Callable[[], T]) -> T:
    value = make()
    try:
        cache.set(key, NONE_STORED if value is None else value)
    except Exception as exc:
        log.warning("cache set failed for %s: %s", key, exc)
    return value


def _once(key: str, wait_s: float, make: Callable[[], T]) -> T:
    """The cached value of ``key``, made by ``make`` on a miss, by one caller at a time: the others
    wait for its result (at most ``wait_s``, then make it themselves; never an error)."""
    hit = _get(key)
    if hit is not None:
        return _loaded(hit)
    backend = cache.cache
    if not LOCKING or isinstance(backend, NullCache):  # a NullCache keeps nothing to wait for
        return _make_and_store(key, make)
    if isinstance(backend, BreakerRedisCache):
        return _redis_once(backend, key, wait_s, make)
    return _THREAD_LOCKS.run(backend, key, wait_s, make)


def _caching_id(arg: Any) -> str:
    ident = getattr(arg, "__caching_id__", None)
    return ident() if callable(ident) else repr(arg)


def _query_key(name: str, db: Database, version: int, args: tuple) -> str:
    """The shared cache's key of ``name(db, version, *args)`` (``cached_query``'s, and the near
    copies' of ``near_cached_query``)."""
    ident = "|".join(_caching_id(a) for a in (db, version, *args))
    return f"{name}:{hashlib.sha256(ident.encode()).hexdigest()}"


def cached_query(fn):
    """Memoize ``fn(db, version, *args)``, exposed as ``fn(db, *args)``. On a miss one caller runs
    it while the others asking for the same key wait for its result (``_once``), at most the
    database's statement timeout."""
    name = f"q:{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(db: Database, *args):
        version = data_version(db)
        if not has_app_context():  # the command line: no app, nothing to share a cache with
            return fn(db, version, *args)
        key = _query_key(name, db, version, args)
        return _once(key, db.statement_timeout_ms / 1000, lambda: fn(db, version, *args))

    wrapper.uncached = lambda db, *args: fn(db, data_version(db), *args)
    return wrapper


class FrozenList(list):
    """A list no caller can change (a value several requests share: ``near_cached_query``). It is
    still a list (JSON, ``isinstance``, ``+``); a copy, deep copy or pickle of it is a plain list."""

    def _refuse(self, *_args, **_kwargs):
        raise TypeError("a shared cached value cannot be changed: copy it first (list(value))")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce_ex__(self, _protocol):
        return list, (list(self),)


class FrozenDict(dict):
    """A dict no caller can change (see ``FrozenList``); a copy, deep copy or pickle is a dict."""

    def _refuse(self, *_args, **_kwargs):
        raise TypeError("a shared cached value cannot be changed: copy it first (dict(value))")

    __setitem__ = __delitem__ = __ior__ = _refuse
    pop = popitem = clear = update = setdefault = _refuse

    def __reduce_ex__(self, _protocol):
        return dict, (dict(self),)


def freeze(value: Any) -> Any:
    """``value`` (dicts, lists, tuples, sets and scalars) with every container made unchangeable."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    if isinstance(value, tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    if isinstance(value, (str, int, float, bool, bytes, date, type(None), frozenset)):
        return value
    raise TypeError(f"near_cached_query keeps plain data only, not {type(value).__name__}")


NEAR_ENTRIES = 64  # values kept per process (per cache backend) by near_cached_query


def near_cached_query(fn):
    """``cached_query`` for a small result that nearly every request reads (the filter options,
    the first date of the data), with a copy kept in this process as well: unpickling the options
    from Redis was half of a warm callback's server time under a crowd (issue 12, scenario B).

    The copy is kept per cache backend (so per app) under the shared cache's own key, which names
    the data version: a load makes a new entry, never a stale one, and the oldest of
    ``NEAR_ENTRIES`` go; ``cache.clear()`` empties them too (a Redis emptied from outside, as
    bench_load does between scenarios, does not: the next load's version still names new ones).
    The value is returned frozen (``freeze``), from the memo or not, so no caller can change what
    the next request gets, and the test suite (which mostly runs with the NullCache, where nothing
    is kept) meets the same frozen values as production."""
    inner = cached_query(fn)
    name = f"q:{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(db: Database, *args):
        if not has_app_context():
            return freeze(inner(db, *args))
        backend = cache.cache
        if isinstance(backend, NullCache):
            return freeze(inner(db, *args))
        key = _query_key(name, db, data_version(db), args)
        memo = backend.__dict__.get(NEAR)
        if memo is None:
            memo = backend.__dict__.setdefault(NEAR, OrderedDict())
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = freeze(inner(db, *args))
            with _NEAR_LOCK:
                memo[key] = found
                while len(memo) > NEAR_ENTRIES:
                    memo.popitem(last=False)
        return found

    wrapper.uncached = inner.uncached
    return wrapper


_MISSING = object()
_NEAR_LOCK = threading.Lock()


def cached_value(name: str, key: tuple, make: Callable[[], T], wait_s: float = LOCK_WAIT_S) -> T:
    """A value derived from cached query results by pure code (a drawn map, say), kept in the same
    cache under ``name`` and ``key``. ``key`` must hold everything the value depends on, the data
    version among them, so a load invalidates it like the queries. Made once however many ask at
    the same time (``_once``); outside an app, or when the cache backend fails, simply made."""
    if not has_app_context():
        return make()
    return _once(f"{name}:{hashlib.sha1(repr(key).encode()).hexdigest()}", wait_s, make)
