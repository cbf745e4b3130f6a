"""The query cache at the data boundary.

``cache`` is a flask-caching ``Cache`` bound to the Flask server in ``create_app``: Redis when
``REDIS_URL`` is set (several workers share it), an in-process cache otherwise, ``NullCache``
when a test asks for it. ``cached_query`` memoizes a query function on its arguments plus the
loaded data version, which changes only when a load commits, so a refresh invalidates every entry
at once without any explicit purge. If the cache backend is down, flask-caching logs it and the
query simply runs against the database.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Callable, TypeVar

from flask import g, has_app_context, has_request_context
from flask_caching import Cache
from sqlalchemy import select
from sqlalchemy.exc import ProgrammingError

from data_access.db import Database
from data_access.schema import data_state

cache = Cache()
VERSIONS = "psad_data_versions"
log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_config(redis_url: str, timeout: int, kind: str | None = None) -> dict:
    if kind == "null":
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    if redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_DEFAULT_TIMEOUT": timeout,
            "CACHE_KEY_PREFIX": "psad:",
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
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
