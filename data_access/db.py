"""The engine and the one ``execute`` path every query goes through.

``Database`` owns a lazily created SQLAlchemy engine (nothing connects at import or at
``create_app``). ``execute`` runs a parameterized Core statement under a statement timeout and a
row cap, and turns failures into domain errors the UI can explain in plain words:
``DataUnavailable`` (the server cannot be reached), ``QueryTimeout`` and ``RowCapExceeded``.

The bounds are the database's own (``PSAD_STATEMENT_TIMEOUT_MS``, ``PSAD_ROW_CAP``): a call may
ask for a lower row cap, never a higher one. Code that must read whole tables (tests,
benchmarks) builds its own ``Database`` with a larger cap.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from data_access.text import N_


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


class Database:
    def __init__(self, url: str, statement_timeout_ms: int = 10000, row_cap: int = 20000):
        self.url = sqlalchemy_url(url)
        self.statement_timeout_ms = statement_timeout_ms
        self.row_cap = row_cap
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "Database":
        """The app's database, as the settings table describes it (``app/settings.py``)."""
        return cls(settings.database_url, settings.statement_timeout_ms, settings.row_cap)

    def __repr__(self) -> str:
        # Part of every cache key (flask-caching memoize): stable, and without the password. The
        # row cap is in it because a truncated result depends on it: a result read under one
        # cap is never served to a database with another.
        return f"Database({make_url(self.url).render_as_string(hide_password=True)}, row_cap={self.row_cap})"

    __caching_id__ = __repr__

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = create_engine(
                        self.url,
                        # A dead pooled connection (server restart) is replaced on first use
                        # instead of pinging before every checkout: a round trip per query saved.
                        pool_pre_ping=False,
                        pool_recycle=300,
                        pool_size=5,
                        max_overflow=5,
                        connect_args={
                            # No parallel workers for page reads: they read pre-aggregated rows,
                            # and starting workers cost 15-40 ms against 5-10 ms for the query
                            # itself (EXPLAIN ANALYZE on a year of neighborhood counts).
                            "options": f"-c statement_timeout={int(self.statement_timeout_ms)} "
                                       "-c max_parallel_workers_per_gather=0",
                            "connect_timeout": 5,
                        },
                    )
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def execute(self, stmt, params: dict | None = None, *, row_cap: int | None = None,
                on_cap: str = "raise") -> Result:
        """Run one read statement under the statement timeout and the row cap.

        ``row_cap`` can only lower the database's cap (``min`` of the two). Past the cap,
        ``on_cap="raise"`` raises ``RowCapExceeded``; ``on_cap="truncate"`` returns the first
        ``cap`` rows with ``Result.truncated`` set, which the caller must show to the user."""
        if on_cap not in ("raise", "truncate"):
            raise ValueError(f"on_cap must be 'raise' or 'truncate', not {on_cap!r}")
        cap = self.row_cap if row_cap is None else min(self.row_cap, row_cap)
        try:
            try:
                columns, rows = self._fetch(stmt, params, cap)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                # A pooled connection died (the server restarted); SQLAlchemy has dropped the
                # pool, so one retry runs on a fresh connection.
                columns, rows = self._fetch(stmt, params, cap)
        except OperationalError as exc:
            if _is_timeout(exc):
                raise QueryTimeout(str(exc.orig)) from exc
            raise DataUnavailable(str(exc.orig)) from exc
        except DBAPIError as exc:
            if _is_timeout(exc):
                raise QueryTimeout(str(exc.orig)) from exc
            raise
        truncated = len(rows) > cap
        if truncated:
            if on_cap == "raise":
                raise RowCapExceeded(f"more than {cap:,} rows")
            rows = rows[:cap]
        return Result(columns, rows, truncated)

    def _fetch(self, stmt, params, cap: int):
        with self.engine.connect() as conn:
            res = conn.execute(stmt, params or {})
            return tuple(res.keys()), [tuple(r) for r in res.fetchmany(cap + 1)]

    def frame(self, stmt, params: dict | None = None, **kw) -> pd.DataFrame:
        return self.execute(stmt, params, **kw).frame()

    def begin(self) -> _Tx:
        """A write transaction with no statement timeout (loads and migrations)."""
        return _Tx(self)


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


def _is_timeout(exc: DBAPIError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code == "57014"  # query_canceled: statement_timeout


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
