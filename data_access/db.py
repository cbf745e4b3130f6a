"""The engines and the one ``execute`` path every query goes through.

``Database`` owns lazily created SQLAlchemy engines (nothing connects at import or at
``create_app``): the primary's (``DATABASE_URL``: loads, migrations, the load log) and, when
``DATABASE_READ_URL`` names a streaming replica, the replica's, which every read goes to.
``execute`` runs a parameterized Core statement under a statement timeout and a row cap, and turns
failures into domain errors the UI can explain in plain words: ``DataUnavailable`` (the server
cannot be reached, or does not answer in time), ``QueryTimeout`` and ``RowCapExceeded``.

A server that stops answering (frozen, or cut off by the network) must not hang requests: new
connections have a connect timeout and TCP keepalives, the pool a checkout timeout, and reads a
deadline the client enforces (``_Watch``); then the requests meanwhile are answered at once with
``DataUnavailable`` until one finds the server back, and the outage is logged once (``_Server``).

The bounds are the database's own (``PSAD_STATEMENT_TIMEOUT_MS``, ``PSAD_ROW_CAP``): a call may
ask for a lower row cap, never a higher one. Code that must read whole tables (tests,
benchmarks) builds its own ``Database`` with a larger cap.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError

from data_access.text import N_

log = logging.getLogger(__name__)


class DataError(Exception):
    """A failure whose message is safe and useful to show to a user.

    ``user_message`` is an English msgid (marked for the catalog); shown with
    ``app.i18n.error_text(exc)``, which translates it and fills its ``{placeholders}`` from
    ``params`` (empty here: none of these messages has one)."""

    user_message = N_("The data could not be read.")
    params: dict = {}


class DataUnavailable(DataError):
    user_message = N_("The database is not reachable right now. Please try again in a minute.")


class QueryTimeout(DataError):
    user_message = N_("This view took too long to compute. Try a shorter date range or fewer areas.")


class RowCapExceeded(DataError):
    user_message = N_("This request would return too many rows. Narrow the filters.")


@dataclass(frozen=True)
class Result:
    """Rows of one read; ``truncated``: more rows matched than the cap let through."""

    columns: tuple[str, ...]
    rows: list[tuple]
    truncated: bool

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.rows, columns=list(self.columns))

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None


def sqlalchemy_url(url: str) -> str:
    """Accept the usual ``postgresql://`` / ``postgres://`` spellings and use psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got {url.split(':', 1)[0]}://…")


@dataclass(frozen=True)
class Timeouts:
    """How long the app waits for PostgreSQL before it says so (the ``PSAD_DB_*`` settings).

    ``connect_s``: a new connection (libpq counts whole seconds, at least 2); ``check_s``: a read
    that has had no answer this long has its server checked with a new connection, and when that
    cannot connect within ``connect_s`` the read is abandoned (``DataUnavailable``); ``pool_s``: a
    wait for a free pooled connection; ``retry_s``: after a server did not answer, requests are
    told at once for this long, then one of them tries the server again."""

    connect_s: int = 2
    check_s: float = 1.0
    pool_s: float = 5.0
    retry_s: float = 2.0


# TCP keepalives on every connection: a pooled connection to a host that vanished (powered off,
# network cut) is found dead within 10 + 3 × 3 s instead of the kernel's two hours.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}
# A hot standby cancels a read that holds up the replay of the primary's changes ("conflict with
# recovery", serialization_failure or deadlock_detected): read again, once.
RETRY_STATES = ("40001", "40P01")
WATCH_TICK_S = 0.1


class Database:
    """The data the app serves: the primary (``url``, ``DATABASE_URL``) that loads and migrations
    write to, and optionally a streaming replica (``read_url``, ``DATABASE_READ_URL``) that every
    read of ``execute`` goes to. ``begin`` and ``engine`` are always the primary's."""

    def __init__(self, url: str, statement_timeout_ms: int = 10000, row_cap: int = 20000, *,
                 read_url: str = "", timeouts: Timeouts | None = None):
        self.url = sqlalchemy_url(url)
        self.read_url = sqlalchemy_url(read_url) if read_url else self.url
        self.statement_timeout_ms = statement_timeout_ms
        self.row_cap = row_cap
        self.timeouts = timeouts or Timeouts()
        self._writes = _Server(self.url, "primary" if read_url else "", self)
        # Every read, the data version (``data_access.cache.data_version``, a read of
        # ``data_state``) included, goes to the one read server. That is what keeps the query cache
        # right with a replica that lags: the version and the data it keys are read from the same
        # server, whose data only moves forward, so the data a cache entry holds is never older
        # than the version in its key. Read on the primary, the version could run ahead of a
        # lagging replica, and the entry for the new version would hold the old data until it
        # expired. (So a read URL must name one server, not a balancer over several replicas: per
        # process, version and data must come from the same one.)
        self._reads = self._writes if self.read_url == self.url else _Server(self.read_url, "replica", self)

    @classmethod
    def from_settings(cls, settings) -> "Database":
        """The app's database, as the settings table describes it (``app/settings.py``)."""
        return cls(settings.database_url, settings.statement_timeout_ms, settings.row_cap,
                   read_url=settings.database_read_url,
                   timeouts=Timeouts(settings.db_connect_timeout_s, settings.db_check_s,
                                     settings.db_pool_timeout_s, settings.db_retry_s))

    def __repr__(self) -> str:
        # Part of every cache key (flask-caching memoize): stable, and without the password. The
        # row cap is in it because a truncated result depends on it: a result read under one
        # cap is never served to a database with another. It names the primary only, not the
        # read URL: every process serving the same data (reading from a replica or from the
        # primary, or loading into it) shares the same cache entries. Made once per URL and cap
        # (a cold page update makes a hundred keys; parsing the URL for each was 4 ms of it).
        made = self.__dict__.get("_repr")
        if made is None or made[0] != (self.url, self.row_cap):
            made = ((self.url, self.row_cap),
                    f"Database({make_url(self.url).render_as_string(hide_password=True)}, row_cap={self.row_cap})")
            self._repr = made
        return made[1]

    __caching_id__ = __repr__

    @property
    def engine(self) -> Engine:
        """The primary's engine: loads, migrations and the load log."""
        return self._writes.engine

    @property
    def _engine(self) -> Engine | None:
        """An engine made so far, if any (None until the first read or load): nothing connects
        before then."""
        return self._writes._engine or self._reads._engine

    @property
    def read_engine(self) -> Engine:
        """The engine reads go to: the replica's when there is a read URL, else the primary's."""
        return self._reads.engine

    def dispose(self) -> None:
        self._writes.dispose()
        self._reads.dispose()

    def execute(self, stmt, params: dict | None = None, *, row_cap: int | None = None,
                on_cap: str = "raise") -> Result:
        """Run one read statement under the statement timeout and the row cap, on the read server.

        ``row_cap`` can only lower the database's cap (``min`` of the two). Past the cap,
        ``on_cap="raise"`` raises ``RowCapExceeded``; ``on_cap="truncate"`` returns the first
        ``cap`` rows with ``Result.truncated`` set, which the caller must show to the user.

        A server that does not answer costs a request a few seconds at most (``Timeouts``), then
        ``DataUnavailable``: the server's own statement timeout cannot fire while it is frozen or
        cut off, so the client enforces the deadline."""
        if on_cap not in ("raise", "truncate"):
            raise ValueError(f"on_cap must be 'raise' or 'truncate', not {on_cap!r}")
        cap = self.row_cap if row_cap is None else min(self.row_cap, row_cap)
        server = self._reads
        server.admit()
        answered = False  # the server answered (rows, or an error of its own): it is up
        try:
            try:
                columns, rows = self._fetch(server, stmt, params, cap)
            except DBAPIError as exc:
                if not (exc.connection_invalidated or _sqlstate(exc) in RETRY_STATES):
                    raise
                # A pooled connection died (the server restarted; SQLAlchemy has dropped the pool)
                # or a replica cancelled the read: one retry, on a fresh connection.
                columns, rows = self._fetch(server, stmt, params, cap)
            answered = True
        except _Unanswered as exc:
            server.failed(exc.cause, unresponsive=True)
            raise DataUnavailable(exc.cause) from None
        except SATimeoutError:
            cause = f"no free connection in the pool within {self.timeouts.pool_s:g} s"
            server.failed(cause, unresponsive=False)
            raise DataUnavailable(cause) from None
        except OperationalError as exc:
            if _is_timeout(exc):
                answered = True
                raise QueryTimeout(str(exc.orig)) from exc
            if _sqlstate(exc) is not None and _sqlstate(exc) not in RETRY_STATES:
                answered = True
            elif _connect_timed_out(exc):
                server.failed(f"no answer to a new connection in {self.timeouts.connect_s} s", unresponsive=True)
            else:
                server.failed(_first_line(exc.orig), unresponsive=False)
            raise DataUnavailable(str(exc.orig)) from exc
        except DBAPIError as exc:
            answered = True  # the server said no (a missing table, say): it is up
            if _is_timeout(exc):
                raise QueryTimeout(str(exc.orig)) from exc
            raise
        finally:
            if answered:
                server.succeeded()
        truncated = len(rows) > cap
        if truncated:
            if on_cap == "raise":
                raise RowCapExceeded(f"more than {cap:,} rows")
            rows = rows[:cap]
        return Result(columns, rows, truncated)

    def _fetch(self, server: "_Server", stmt, params, cap: int):
        with server.engine.connect() as conn:
            watched = WATCH.start(server, conn)
            try:
                res = conn.execute(stmt, params or {})
                return tuple(res.keys()), [tuple(r) for r in res.fetchmany(cap + 1)]
            except DBAPIError:
                if watched.cut:
                    conn.invalidate()
                    raise _Unanswered(watched.cut) from None
                raise
            finally:
                WATCH.finish(watched)

    def frame(self, stmt, params: dict | None = None, **kw) -> pd.DataFrame:
        return self.execute(stmt, params, **kw).frame()

    def begin(self) -> _Tx:
        """A write transaction on the primary with no statement timeout (loads and migrations)."""
        return _Tx(self)


class _Unanswered(Exception):
    """A read the watch abandoned: its server did not answer (``cause`` says how we know)."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


class _Server:
    """One PostgreSQL server the app talks to: its engine (made on first use) and what this
    process knows of its health, so that a server that does not answer is logged once, in one
    line, and costs the requests meanwhile nothing but a quick 503."""

    def __init__(self, url: str, role: str, db: Database):
        self.url = url
        self.db = db
        u = make_url(url)
        self.name = f"PostgreSQL{' ' + role if role else ''} at {u.host or 'localhost'}:{u.port or 5432}/{u.database}"
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self.failures = 0  # failed reads since the last answer
        self.down_until = 0.0  # monotonic time before which reads are refused at once
        self.down_since = 0.0
        self.last_check = 0.0  # the watch's last check of this server

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    t = self.db.timeouts
                    self._engine = create_engine(
                        self.url,
                        # A dead pooled connection (server restart) is replaced on first use
                        # instead of pinging before every checkout: a round trip per query saved.
                        pool_pre_ping=False,
                        pool_recycle=300,
                        pool_size=5,
                        max_overflow=5,
                        pool_timeout=t.pool_s,
                        connect_args={
                            # No parallel workers for page reads: they read pre-aggregated rows,
                            # and starting workers cost 15-40 ms against 5-10 ms for the query
                            # itself (EXPLAIN ANALYZE on a year of neighborhood counts).
                            "options": f"-c statement_timeout={int(self.db.statement_timeout_ms)} "
                                       "-c max_parallel_workers_per_gather=0",
                            "connect_timeout": t.connect_s,
                            **KEEPALIVES,
                        },
                    )
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def admit(self) -> None:
        """Return when a read may try the server; raise ``DataUnavailable`` at once while it is
        known not to answer. When the wait is over, one caller goes on to try it (the others are
        still told at once until it has found out)."""
        if not self.down_until:
            return
        with self._lock:
            now = time.monotonic()
            if not self.down_until:
                return
            if now < self.down_until:
                raise DataUnavailable(f"{self.name} is not answering (for {now - self.down_since:.0f} s)")
            t = self.db.timeouts
            self.down_until = now + t.connect_s + t.check_s + 1  # while this caller tries

    def failed(self, cause: str, *, unresponsive: bool) -> None:
        """A read failed for want of the server. ``unresponsive``: it did not answer in time, so
        the next reads are refused at once for ``retry_s`` (a refused connection is quick to
        find out again, and sets no wait)."""
        with self._lock:
            first = self.failures == 0
            self.failures += 1
            now = time.monotonic()
            if first:
                self.down_since = now
            self.down_until = now + self.db.timeouts.retry_s if unresponsive else 0.0
        if first:  # once per outage, one line, no traceback
            log.warning("%s unavailable (%s); reads answer 'database not reachable' until it is back%s",
                        self.name, cause,
                        f", tried again every {self.db.timeouts.retry_s:g} s" if unresponsive else "")

    def succeeded(self) -> None:
        if not self.failures and not self.down_until:
            return
        with self._lock:
            if self.failures:
                log.warning("%s is back after %.1f s (%d failed reads)", self.name,
                            time.monotonic() - self.down_since, self.failures)
            self.failures = 0
            self.down_until = 0.0

    def check(self) -> str | None:
        """Whether the server answers a new connection within ``connect_s``: None if it does (or
        answers with an error of its own, such as too many connections), else the cause."""
        import psycopg

        t = self.db.timeouts
        libpq_url = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            psycopg.connect(libpq_url, connect_timeout=t.connect_s, **KEEPALIVES).close()
        except psycopg.errors.ConnectionTimeout:
            return (f"a read had no answer for {t.check_s:g} s and a new connection none "
                    f"in {t.connect_s} s")
        except psycopg.OperationalError as exc:
            if "refused" in str(exc).lower():
                return "a read had no answer and a new connection was refused"
        return None


@dataclass(eq=False)
class _InFlight:
    server: _Server
    fd: int
    started: float
    cut: str = ""  # why the watch abandoned it


class _Watch:
    """The client-side deadline of reads. A frozen server (or a black-holed network) accepts a
    query and never answers, and its own statement timeout cannot fire: one thread per process
    looks at the reads in flight, and when one has had no answer for ``check_s`` it checks the
    server with a new connection. A server that does not answer that either has its reads cut
    (their sockets shut down: the waiting driver sees the connection end at once), and so has a
    read still unanswered well past the statement timeout. The thread runs only while reads are
    in flight (it ends after a few idle seconds), and is started again in a forked worker."""

    IDLE_S = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self._inflight: dict[int, _InFlight] = {}
        self._thread: threading.Thread | None = None

    def start(self, server: _Server, conn: Connection) -> _InFlight:
        q = _InFlight(server, conn.connection.dbapi_connection.fileno(), time.monotonic())
        with self._lock:
            self._inflight[id(q)] = q
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="psad-db-watch", daemon=True)
                self._thread.start()
        return q

    def finish(self, q: _InFlight) -> None:
        with self._lock:
            self._inflight.pop(id(q), None)

    def _run(self) -> None:
        idle_since = time.monotonic()
        while True:
            time.sleep(WATCH_TICK_S)
            now = time.monotonic()
            with self._lock:
                queries = list(self._inflight.values())
                if not queries:
                    if now - idle_since > self.IDLE_S:
                        self._thread = None
                        return
                    continue
            idle_since = now
            overdue: dict[_Server, list[_InFlight]] = {}
            for q in queries:
                if not q.cut and now - q.started >= q.server.db.timeouts.check_s:
                    overdue.setdefault(q.server, []).append(q)
            for server, qs in overdue.items():
                t = server.db.timeouts
                if now - server.last_check >= t.check_s:
                    server.last_check = now
                    try:
                        cause = server.check()
                    except Exception:  # noqa: BLE001 - the watch must go on; the reads have their own bounds
                        log.debug("checking %s failed", server.name, exc_info=True)
                        cause = None
                    if cause:
                        # every read on it is waiting on a server that did not answer: those sent
                        # while it was being checked as well
                        with self._lock:
                            waiting = [q for q in self._inflight.values() if q.server is server]
                        self._cut(waiting, cause)
                        continue
                limit = server.db.statement_timeout_ms / 1000 + t.connect_s + t.check_s
                self._cut([q for q in qs if now - q.started > limit],
                          f"a read had no answer for {limit:g} s, past the statement timeout")

    def _cut(self, qs: list[_InFlight], cause: str) -> None:
        with self._lock:
            for q in qs:
                if id(q) in self._inflight and not q.cut:  # still waiting: its connection is open
                    q.cut = cause
                    try:
                        # shutdown acts on the socket itself, so a duplicate descriptor will do
                        with socket.socket(fileno=os.dup(q.fd)) as s:
                            s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass


    def _after_fork(self) -> None:
        # a forked worker starts with no reads in flight and no watch thread, and must not
        # inherit a lock some thread of the parent held at the fork
        self._lock = threading.Lock()
        self._inflight = {}
        self._thread = None


WATCH = _Watch()
os.register_at_fork(after_in_child=WATCH._after_fork)


class _Tx:
    def __init__(self, db: Database):
        self.db = db
        self._ctx = None

    def __enter__(self) -> Connection:
        try:
            self._ctx = self.db.engine.begin()
            conn = self._ctx.__enter__()
        except OperationalError as exc:
            raise DataUnavailable(str(exc.orig)) from exc
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        # Loads rebuild aggregates over millions of rows: there parallel workers do pay, and
        # sorts, hash aggregates and index builds that fit in memory do not spill to disk.
        conn.execute(text("SET LOCAL max_parallel_workers_per_gather TO DEFAULT"))
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        return conn

    def __exit__(self, *exc) -> bool | None:
        return self._ctx.__exit__(*exc)


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def _is_timeout(exc: DBAPIError) -> bool:
    return _sqlstate(exc) == "57014"  # query_canceled: statement_timeout


def _connect_timed_out(exc: DBAPIError) -> bool:
    import psycopg

    return isinstance(getattr(exc, "orig", None), psycopg.errors.ConnectionTimeout)


def _first_line(exc: BaseException | None) -> str:
    text_ = str(exc or "").strip()
    return text_.splitlines()[0][:200] if text_ else type(exc).__name__


@contextmanager
def indexes_rebuilt_after(conn: Connection, table: str, *, keys: bool = False) -> Iterator[None]:
    """Drop ``table``'s secondary indexes and its foreign keys (with ``keys=True`` its primary key
    and unique constraints too) and rebuild them, from their exact definitions, when the block
    ends: filling an empty table and then building each index once (and checking each constraint
    in one pass) is several times faster than maintaining them row by row, above all for keys
    that rows arrive in no order of (an aggregate's hash-grouped output). Runs inside the load's
    transaction, so readers never see the table without them."""
    defs = conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = :t AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"), {"t": table}).all()
    if keys and conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' "
                                  "AND confrelid = CAST(:t AS regclass) AND conrelid <> confrelid)"),
                             {"t": table}).scalar():
        raise RuntimeError(f"{table}'s keys cannot be dropped: another table's foreign key rests on them")
    kinds = ["f", "p", "u"] if keys else ["f"]
    # primary and unique keys first when re-added: a foreign key may rest on them
    cons = conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = ANY(:k) ORDER BY contype = 'f', conname"),
        {"t": table, "k": kinds}).all()
    for name, _ in defs:
        conn.execute(text(f'DROP INDEX "{name}"'))
    for name, _ in reversed(cons):
        conn.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
    yield
    for _, ddl in defs:
        conn.execute(text(ddl))
    for name, ddl in cons:
        conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {ddl}'))
