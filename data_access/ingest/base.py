"""The load pipeline every loader shares: guard, replace demo, upsert, rejects, aggregates, version.

A loader turns a file into (normalized frame, rejects) *before* any transaction starts, then
calls ``commit_records``, which in ONE transaction (``data_access.loading.logged_load``):

1. refuses a database whose geography is not real (demo or none): real records are never
   placed on the synthetic city, and demo and real records never mix;
2. upserts by ``source_key``: rows whose key is new are COPYed in; rows whose key exists are
   compared column by column and updated only when something changed (so re-loading the same
   file changes nothing, and a newer overlapping export updates without double counting);
3. keeps every unusable row in ``rejected_row`` with its reason and raw text;
4. rebuilds the pre-aggregates and moves the data version, if a served row changed (a reload of
   the same file keeps it, and so keeps every cached result).

If anything fails, the transaction rolls back: the served data and the data version are exactly
as before, and ``load_log`` records the failure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Callable

import pandas as pd
from sqlalchemy import Table, select, text, update
from sqlalchemy.engine import Connection

from data_access import aggregates
from data_access.db import Database, indexes_rebuilt_after
from data_access.ingest.geo import Locator
from data_access.ingest.reader import IngestError
from data_access.loading import LoadSummary, commit_version, copy_frame, logged_load, seed_reference
from data_access.schema import data_state, load_log, rejected_row

Progress = Callable[[str, int], None]


def _noop(step: str, n: int) -> None:
    pass


DEMO_TABLES = "victim, arrest, case_charge, sao_case, cvi_site"
# Loads up to this size rebuild the pre-aggregates only for the days they touch.
INCREMENTAL_ROWS = 200_000
INCREMENTAL_DAYS = 400
# Loads into an empty table at least this big rebuild its secondary indexes after COPY.
BULK_ROWS = 100_000


@dataclass
class Rejects:
    """Unusable rows: (line number, reason, raw text)."""

    rows: list[tuple[int | None, str, str]] = field(default_factory=list)

    def add(self, lines, reason: str, raws) -> None:
        self.rows.extend((None if ln is None else int(ln), reason, r) for ln, r in zip(lines, raws))

    def apply(self, checks, line: pd.Series, table) -> pd.Series:
        """Reject the rows each ``(mask, reason)`` of ``checks`` marks, each row once, under the
        first reason that marks it; returns the mask of all rejected rows."""
        bad = pd.Series(False, index=line.index)
        for mask, reason in checks:
            m = mask & ~bad
            if m.any():
                self.add(line[m].tolist(), reason, table.raw_of(line[m].tolist()))
            bad |= mask
        return bad

    def by_reason(self) -> dict[str, int]:
        return dict(Counter(r for _, r, _ in self.rows))

    def __len__(self) -> int:
        return len(self.rows)


def boundaries_state(conn: Connection) -> str:
    """'real' when real boundaries are loaded, 'demo' when the synthetic city is, else 'none'."""
    n = conn.execute(text("SELECT count(*) FROM geography WHERE layer = 'neighborhood'")).scalar()
    if not n:
        return "none"
    last = conn.execute(text(
        "SELECT dataset FROM load_log WHERE status = 'ok' AND dataset IN ('demo', 'boundaries') "
        "ORDER BY id DESC LIMIT 1")).scalar()
    return "real" if last == "boundaries" else "demo"


def require_real_boundaries(conn: Connection) -> None:
    state = boundaries_state(conn)
    if state == "demo":
        raise IngestError(
            "this database serves the synthetic demo city; real records cannot be placed on it. "
            "Run `psad ingest boundaries DIR` first (it replaces the demo data), then load this file")
    if state == "none":
        raise IngestError("no boundaries are loaded; run `psad ingest boundaries DIR` first so records "
                          "can be assigned to neighborhoods and districts")


def area_tables() -> list[str]:
    """Issue 15's datasets whose rows (and pre-aggregates) name the city's areas: the demo's go with
    the synthetic city. The Plan's MONSE values (``kpi_value``) are citywide, not among them."""
    from sqlalchemy import Table

    from data_access import schema_calls, schema_guns_warrants, schema_ipv, schema_vital_signs

    names = [t.name for m in (schema_vital_signs, schema_calls, schema_guns_warrants, schema_ipv)
             for t in vars(m).values() if isinstance(t, Table) and t.metadata is m.metadata]
    core = {n.strip() for n in DEMO_TABLES.split(",")}
    return sorted({n for n in names if n not in core})


def clear_demo(conn: Connection) -> bool:
    """Drop demo records (used by the boundaries loader, which replaces the synthetic city)."""
    is_demo = conn.execute(select(data_state.c.is_demo).where(data_state.c.id == 1)).scalar()
    demo_rows = conn.execute(text("SELECT EXISTS (SELECT 1 FROM victim WHERE source = 'demo') "
                                  "OR EXISTS (SELECT 1 FROM arrest WHERE source = 'demo') "
                                  "OR EXISTS (SELECT 1 FROM sao_case WHERE source = 'demo') "
                                  "OR EXISTS (SELECT 1 FROM cvi_site WHERE source = 'demo')")).scalar()
    if is_demo or demo_rows:
        conn.execute(text(f"TRUNCATE {DEMO_TABLES}, {', '.join(area_tables())}, rejected_row RESTART IDENTITY"))
        conn.execute(text("DELETE FROM kpi_value WHERE origin = 'demo'"))  # MONSE's own rows stay
        conn.execute(text("TRUNCATE geography, area_link"))
        return True
    return False


def data_as_of(conn: Connection) -> date | None:
    return conn.execute(text(
        "SELECT greatest((SELECT max(occurred_date) FROM victim), (SELECT max(arrest_date) FROM arrest))"
    )).scalar()


def finish(conn: Connection, summary: LoadSummary, days: dict | None = None, *, records: bool = True,
           cases: bool = False, changed=aggregates.ROW_TABLES, truncated: bool = False) -> None:
    """Pre-aggregates, data version and data-as-of, inside the load's transaction. ``days``
    ({"victim": [...], "arrest": [...]}) limits the aggregate rebuild to those days; otherwise
    the aggregates built from the ``changed`` row tables are rebuilt whole. With
    ``records=False`` (cases, CVI sites, population) victims and arrests did not change, and
    ``cases=True`` rebuilds what is built from the State's Attorney cases. The data version
    moves only when the load changed served rows (``loading.commit_version``; ``truncated``: it
    emptied a served table, which is not counted as row writes)."""
    seed_reference(conn)
    if days is not None:
        aggregates.refresh_days(conn, days.get("victim", ()), days.get("arrest", ()))
    elif records:
        aggregates.refresh(conn, changed)
    if cases:
        aggregates.refresh_cases(conn)
    summary.data_as_of = data_as_of(conn)
    commit_version(conn, summary, is_demo=False, data_as_of=summary.data_as_of, changed=truncated)


def write_rejects(conn: Connection, summary: LoadSummary, dataset: str, rejects: Rejects) -> None:
    if not len(rejects):
        return
    df = pd.DataFrame(rejects.rows, columns=["line_number", "reason", "raw"])
    df.insert(0, "dataset", dataset)
    df.insert(0, "load_id", summary.load_id)
    df["line_number"] = df["line_number"].astype("Int64")
    copy_frame(conn, rejected_row, df)
    summary.rows_rejected = len(rejects)
    summary.rejects_by_reason = rejects.by_reason()


def log_names(conn: Connection, summary: LoadSummary) -> None:
    """The load's neighborhood-name report (``names.NameReport``) into its ``load_log`` row, in the
    load's transaction: ``message`` (free for loads that succeed) keeps the report's lines."""
    report = getattr(summary, "names", None)
    if report is None or summary.load_id is None:
        return
    conn.execute(update(load_log).where(load_log.c.id == summary.load_id).values(
        message="\n".join(report.lines())[:4000]))


def upsert(conn: Connection, table: Table, df: pd.DataFrame, *, key: str = "source_key",
           compare: list[str] | None = None) -> tuple[int, int]:
    """Insert rows with new keys, update rows whose key exists and whose content differs.
    Returns (inserted, updated). ``df`` must have unique keys."""
    if df.empty:
        return 0, 0
    cols = [c for c in df.columns if c in table.c and c != "id"]
    existing = conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")')).scalar()
    if not existing:
        if len(df) < BULK_ROWS:
            return copy_frame(conn, table, df[cols]), 0
        # Into an empty table, building the secondary indexes once after COPY is much cheaper
        # than maintaining them row by row; the exact definitions are read back from the catalog
        # and re-run, inside the load's transaction.
        with indexes_rebuilt_after(conn, table.name):
            n = copy_frame(conn, table, df[cols])
        return n, 0
    tmp = f"tmp_{table.name}"
    conn.execute(text(f'CREATE TEMP TABLE "{tmp}" ON COMMIT DROP AS SELECT * FROM "{table.name}" WITH NO DATA'))
    copy_frame(conn, SimpleNamespace(name=tmp, c=table.c), df[cols])
    conn.execute(text(f'CREATE INDEX ON "{tmp}" ("{key}")'))
    conn.execute(text(f'ANALYZE "{tmp}"'))
    compare = [c for c in (compare or cols) if c not in (key, "load_id", "source")]
    # the unique key indexes are partial (real records only): say so, or they cannot be used
    real = "x.source <> 'demo'" if "source" in table.c else "TRUE"
    sets = ", ".join(f'"{c}" = t."{c}"' for c in cols if c != key)
    differs = " OR ".join(f'x."{c}" IS DISTINCT FROM t."{c}"' for c in compare)
    updated = conn.execute(text(
        f'UPDATE "{table.name}" x SET {sets} FROM "{tmp}" t WHERE x."{key}" = t."{key}" AND {real} AND ({differs})'
    )).rowcount
    col_sql = ", ".join(f'"{c}"' for c in cols)
    inserted = conn.execute(text(
        f'INSERT INTO "{table.name}" ({col_sql}) SELECT {col_sql} FROM "{tmp}" t '
        f'WHERE NOT EXISTS (SELECT 1 FROM "{table.name}" x WHERE x."{key}" = t."{key}" AND {real})'
    )).rowcount
    conn.execute(text(f'DROP TABLE "{tmp}"'))
    return inserted, updated


def occurrence_keys(prefix: str, parts: pd.DataFrame) -> pd.Series:
    """``prefix:<hash of the row's normalized content>:<n>``, n = the row's occurrence among
    identical rows of the file (0, 1, …). Identical rows (separate victims) get distinct keys;
    a reload of the same or a newer export gives the same rows the same keys, one to one."""
    h = pd.util.hash_pandas_object(parts.astype("str").fillna("\x00"), index=False)
    hx = h.map(lambda v: f"{v:016x}")
    n = hx.groupby(hx).cumcount()
    return prefix + ":" + hx + ":" + n.astype("str")


def commit_records(db: Database, summary: LoadSummary, *, table: Table, frame: pd.DataFrame,
                   rejects: Rejects, dataset: str, progress: Progress = _noop,
                   after: Callable[[Connection], None] | None = None) -> LoadSummary:
    date_col = {"victim": "occurred_date", "arrest": "arrest_date"}[table.name]
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        frame = frame.assign(load_id=summary.load_id)
        days = None
        new_days = set(frame[date_col].dropna())
        if len(frame) <= INCREMENTAL_ROWS and len(new_days) <= INCREMENTAL_DAYS:
            # the days the incoming rows fall on, and the days their stored versions were on
            old_days = {r[0] for r in conn.execute(text(
                f'SELECT DISTINCT "{date_col}" FROM "{table.name}" WHERE source_key = ANY(:k) AND source <> \'demo\''),
                {"k": frame["source_key"].dropna().tolist()})}
            days = {table.name: new_days | old_days}
        summary.rows_loaded, summary.rows_updated = upsert(conn, table, frame)
        progress("upserted", summary.rows_loaded + summary.rows_updated)
        if after is not None:
            after(conn)
        write_rejects(conn, summary, dataset, rejects)
        log_names(conn, summary)
        if not (summary.rows_loaded or summary.rows_updated) and after is None:
            days = {}  # nothing changed (a re-load): no aggregate to rebuild
        finish(conn, summary, days, changed={table.name})
        progress("committed", 0)
    return summary


DEFAULT_MIN_DATE = date(2000, 1, 1)


def load_records(db: Database, table, layout: str, *, normalize: Callable, target: Table, dataset: str,
                 source: str, label: str, settings=None, progress: Progress = _noop) -> LoadSummary:
    """Normalize a read file of victim or arrest rows against the loaded boundaries and commit
    it: the common path of ``psad ingest crime``, ``psad ingest arrests`` and ``psad refresh``."""
    min_date = getattr(settings, "ingest_min_date", None) or DEFAULT_MIN_DATE
    if isinstance(min_date, str):
        min_date = date.fromisoformat(min_date)
    with db.begin() as conn:
        require_real_boundaries(conn)
        loc = Locator(conn)
    frame, rejects = normalize(table, layout, loc, source=source, min_date=min_date)
    progress("normalized", len(frame))
    summary = LoadSummary(dataset=dataset, source=label)
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    summary.notes = [f"layout: {layout}"]
    summary.names = loc.name_report  # how named rows got their neighborhood (``names``); None: no name column
    return commit_records(db, summary, table=target, frame=frame, rejects=rejects, dataset=dataset,
                          progress=progress)
