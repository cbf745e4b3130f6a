"""Writing data: COPY, the load log, the data version, and the demo load.

A load runs in one transaction: the tables, the pre-aggregates and the data version change
together or not at all, so the app keeps serving the old data until the new data is complete.
The load log row is written in its own transactions (before and after), so a failed load is
still recorded with its error.

The data version is part of every cache key, so moving it throws away every cached result for
every user. It moves only when the load changed what the app serves (``commit_version``): when
the load's transaction inserted, updated or deleted a row of a served table (PostgreSQL counts
them per transaction), truncated one, or changed the demo flag or the data-as-of date. A reload
that changes nothing keeps the version and ``updated_at`` (the API's Last-Modified).
"""

from __future__ import annotations

import importlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection

from data_access import aggregates
from data_access.db import Database, indexes_rebuilt_after
from data_access.schema import (
    area_link,
    arrest,
    case_charge,
    cvi_site,
    data_state,
    geography,
    load_log,
    population_group,
    sao_case,
    victim,
)
from data_access.vocabulary import OFFENSES

Progress = Callable[[str, int], None]  # (step description, rows) -> None


def _noop(step: str, rows: int) -> None:
    pass


@dataclass
class LoadSummary:
    dataset: str
    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    rejects_by_reason: dict = field(default_factory=dict)
    data_as_of: date | None = None
    is_demo: bool = False
    load_id: int | None = None
    version: int | None = None  # the data version served after the load
    version_changed: bool = False
    writes_before: int | None = field(default=None, repr=False)  # see ``commit_version``

    def lines(self) -> list[str]:
        out = [f"{self.dataset}: read {self.rows_read:,}, loaded {self.rows_loaded:,}, "
               f"updated {self.rows_updated:,}, rejected {self.rows_rejected:,}"]
        out += [f"  rejected ({reason}): {n:,}" for reason, n in sorted(self.rejects_by_reason.items())]
        if self.data_as_of:
            out.append(f"  data as of {self.data_as_of.isoformat()}")
        if self.version is not None:
            out.append(f"  data version {self.version} (new: cached results are recomputed)" if self.version_changed
                       else f"  nothing changed: data version stays {self.version}, cached results stay valid")
        return out


def copy_frame(conn: Connection, table, df: pd.DataFrame) -> int:
    """Bulk-insert ``df`` (columns named after ``table``'s columns) with COPY ... FROM STDIN."""
    if df.empty:
        return 0
    cols = [c for c in df.columns if c in table.c]
    # Arrow's CSV writer is ~9x faster than DataFrame.to_csv; it quotes every string, so an empty
    # string stays a string and only a missing value becomes NULL.
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(pa.Table.from_pandas(df[cols], preserve_index=False), sink,
                     pa_csv.WriteOptions(include_header=False))
    data = memoryview(sink.getvalue())
    raw = conn.connection.driver_connection
    col_sql = ", ".join(f'"{c}"' for c in cols)
    with raw.cursor() as cur:
        with cur.copy(f'COPY "{table.name}" ({col_sql}) FROM STDIN (FORMAT csv)') as cp:
            for i in range(0, len(data), 1 << 23):
                cp.write(data[i:i + (1 << 23)])
    return len(df)


def seed_reference(conn: Connection) -> None:
    """Canonical offense categories (upserted, so code changes reach existing databases)."""
    conn.execute(text("DELETE FROM offense_category WHERE code <> ALL(:codes)"),
                 {"codes": [o.code for o in OFFENSES]})
    for i, o in enumerate(OFFENSES):
        conn.execute(text(
            "INSERT INTO offense_category (code, label, grp, sexual, sort) VALUES (:c, :l, :g, :s, :i) "
            "ON CONFLICT (code) DO UPDATE SET label = :l, grp = :g, sexual = :s, sort = :i "
            # an unchanged category is not rewritten: a write would count as a change of served data
            "WHERE (offense_category.label, offense_category.grp, offense_category.sexual, offense_category.sort) "
            "IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.grp, EXCLUDED.sexual, EXCLUDED.sort)"),
            {"c": o.code, "l": o.label, "g": o.group, "s": o.sexual, "i": i})


def bump_version(conn: Connection, *, is_demo: bool, data_as_of: date | None) -> int:
    now = datetime.now(timezone.utc)
    current = conn.execute(select(data_state.c.version).where(data_state.c.id == 1)).scalar()
    if current is None:
        conn.execute(insert(data_state).values(id=1, version=1, is_demo=is_demo, data_as_of=data_as_of,
                                               updated_at=now))
        return 1
    conn.execute(update(data_state).where(data_state.c.id == 1).values(
        version=current + 1, is_demo=is_demo, data_as_of=data_as_of, updated_at=now))
    return current + 1


# The tables the app serves rows from. The pre-aggregates are built from them and not counted: rebuilt
# from unchanged rows they come out the same. ``rejected_row`` and ``load_log`` are not served.
SERVED_TABLES = ("victim", "arrest", "sao_case", "case_charge", "cvi_site", "geography", "area_link",
                 "population_group", "offense_category",
                 # issue 15's datasets
                 "vital_sign_value", "vital_sign_indicator", "kpi_value", "call_for_service", "gun_seizure",
                 "warrant", "ipv_incident")


def served_writes(conn: Connection) -> int | None:
    """Rows of the served tables inserted, updated or deleted so far by this connection's current
    transaction (with rows of earlier transactions PostgreSQL has not yet flushed to its statistics:
    compare two readings of one transaction), or None when PostgreSQL does not count them
    (``track_counts`` off). TRUNCATE is not counted."""
    if conn.execute(text("SELECT current_setting('track_counts')")).scalar() != "on":
        return None
    return int(conn.execute(text(
        "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
        "WHERE relid = ANY(SELECT to_regclass(format('%I.%I', current_schema(), t)) "
        "FROM unnest(CAST(:t AS text[])) t)"), {"t": list(SERVED_TABLES)}).scalar())


def commit_version(conn: Connection, summary: LoadSummary, *, is_demo: bool, data_as_of: date | None,
                   changed: bool = False) -> int:
    """At the end of a load's transaction: move the data version if the load changed what is served
    (``changed``: it truncated a served table, which PostgreSQL does not count as row writes), else
    keep it; recorded on ``summary``. When the writes cannot be counted the version moves."""
    row = conn.execute(select(data_state.c.version, data_state.c.is_demo, data_state.c.data_as_of)
                       .where(data_state.c.id == 1)).first()
    before, after = summary.writes_before, served_writes(conn)
    # (PostgreSQL flushes these counters only between transactions; a reading that went down could
    # only mean it did: then the writes are unknown, and the version moves.)
    moved = (changed or row is None or before is None or after is None or after != before
             or (row.is_demo, row.data_as_of) != (is_demo, data_as_of))
    summary.version = bump_version(conn, is_demo=is_demo, data_as_of=data_as_of) if moved else row.version
    summary.version_changed = moved
    return summary.version


def serving_demo(db: Database) -> bool | None:
    """True when demo data is served, False for real data, None when nothing is loaded."""
    rows = db.execute(select(data_state.c.is_demo).where(data_state.c.id == 1)).rows
    return rows[0][0] if rows else None


# A running load holds a transaction-level advisory lock on LOAD_LOCK + its id for as long as its
# transaction lives: PostgreSQL drops it when the loading process ends in any way (kill -9
# included), so a "running" row whose lock anyone can take is a load that will never finish.
LOAD_LOCK = 0x50534144_00000000
ABANDONED = "abandoned: the loading process stopped before it finished; nothing of it was kept"


def mark_abandoned(db: Database, grace_seconds: float = 5.0) -> list[int]:
    """Mark as failed every "running" load whose process is gone (the ids). A load younger than
    ``grace_seconds`` is left alone: between its log row and its lock there is a moment with no
    lock."""
    marked = []
    with db.begin() as conn:
        running = conn.execute(select(load_log.c.id).where(
            load_log.c.status == "running",
            load_log.c.started_at < func.now() - text(f"interval '{float(grace_seconds)} seconds'"))).scalars().all()
        for load_id in running:
            if conn.execute(select(func.pg_try_advisory_xact_lock(LOAD_LOCK + load_id))).scalar():
                conn.execute(update(load_log).where(load_log.c.id == load_id, load_log.c.status == "running")
                             .values(status="failed", finished_at=func.now(), message=ABANDONED))
                marked.append(load_id)
    return marked


@contextmanager
def logged_load(db: Database, summary: LoadSummary) -> Iterator[Connection]:
    """Record the load in ``load_log`` and give a transaction to load in (first marking as failed
    any earlier load whose process died)."""
    mark_abandoned(db)
    with db.begin() as conn:
        summary.load_id = conn.execute(insert(load_log).values(
            dataset=summary.dataset, source=summary.source, started_at=func.now(), status="running",
            is_demo=summary.is_demo).returning(load_log.c.id)).scalar()
    try:
        with db.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(LOAD_LOCK + summary.load_id)))
            summary.writes_before = served_writes(conn)  # the baseline ``commit_version`` compares with
            yield conn
    except BaseException as exc:
        with db.begin() as conn:
            conn.execute(update(load_log).where(load_log.c.id == summary.load_id).values(
                status="failed", finished_at=func.now(), message=str(exc)[:2000] or type(exc).__name__))
        raise
    with db.begin() as conn:
        conn.execute(update(load_log).where(load_log.c.id == summary.load_id).values(
            status="ok", finished_at=func.now(), rows_read=summary.rows_read,
            rows_loaded=summary.rows_loaded, rows_updated=summary.rows_updated,
            rows_rejected=summary.rows_rejected,
            rejects_by_reason=json.loads(json.dumps(summary.rejects_by_reason)),
            data_as_of=summary.data_as_of))


# Datasets that load their own demo rows inside the demo's transaction, after the CVI sites:
# module -> ``load_demo(conn, data, summary, *, scale, seed, progress) -> rows``.
DEMO_EXTRAS = ("data_access.demo.vital_signs", "data_access.demo.calls", "data_access.demo.guns_warrants",
               "data_access.demo.ipv", "data_access.demo.kpi")


def load_demo(db: Database, *, scale: float = 1.0, end: date | None = None, start: date | None = None,
              seed: int = 2021, progress: Progress = _noop) -> LoadSummary:
    """Generate the synthetic dataset and replace everything the database serves with it."""
    from data_access.demo.generate import generate  # heavy imports only when loading

    kwargs = {"scale": scale, "seed": seed}
    if end is not None:
        kwargs["end"] = end
    if start is not None:
        kwargs["start"] = start
    data = generate(**kwargs)
    progress("generated", len(data.victims) + len(data.arrests))
    geo = data.geography
    summary = LoadSummary(dataset="demo", source=f"demo scale={scale} seed={seed}", is_demo=True,
                          data_as_of=data.data_as_of)
    with logged_load(db, summary) as conn:
        conn.execute(text("TRUNCATE victim, arrest, case_charge, sao_case, cvi_site, geography, "
                          "area_link, rejected_row RESTART IDENTITY"))
        seed_reference(conn)
        areas = geo.areas.copy()
        areas["geometry"] = areas.geometry.map(json.dumps)
        copy_frame(conn, geography, areas)
        copy_frame(conn, area_link, geo.links)
        progress("geography", len(areas))
        for name, table, df in (("victims", victim, data.victims), ("arrests", arrest, data.arrests)):
            df = df.assign(load_id=summary.load_id)
            with indexes_rebuilt_after(conn, table.name):
                summary.rows_loaded += copy_frame(conn, table, df)
            progress(name, len(df))
        cases = data.cases.reset_index(drop=True)
        cases = cases.assign(id=range(1, len(cases) + 1), load_id=summary.load_id)
        with indexes_rebuilt_after(conn, sao_case.name):
            copy_frame(conn, sao_case, cases)
        progress("cases", len(cases))
        ids = pd.Series(cases.id.values, index=cases.case_number.values)
        charges = data.charges.assign(case_id=data.charges.case_number.map(ids))
        with indexes_rebuilt_after(conn, case_charge.name):
            copy_frame(conn, case_charge, charges)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('sao_case', 'id'), "
                          "(SELECT coalesce(max(id), 1) FROM sao_case))"))
        progress("charges", len(charges))
        copy_frame(conn, cvi_site, data.cvi_sites)
        for module in DEMO_EXTRAS:  # issue 15's datasets: each loads its own demo rows
            rows = importlib.import_module(module).load_demo(conn, data, summary, scale=scale, seed=seed,
                                                             progress=progress)
            summary.rows_loaded += rows
        conn.execute(text("DELETE FROM population_group WHERE layer IN ('neighborhood', 'city')"))
        if data.population is not None:
            copy_frame(conn, population_group, data.population)
        summary.rows_loaded += len(cases) + len(charges) + len(data.cvi_sites)
        summary.rows_read = summary.rows_loaded
        aggregates.refresh(conn)
        progress("pre-aggregated", 0)
        commit_version(conn, summary, is_demo=True, data_as_of=data.data_as_of, changed=True)  # it truncated
    progress("committed", 0)
    return summary
