"""What is being served: the data state (version, demo flag, dates), the load history and row
counts. The app, the API's health check, the About page and ``psad status`` read it."""

from __future__ import annotations

from datetime import date

import pandas as pd
from flask import g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.exc import ProgrammingError

from data_access import schema_calls, schema_guns_warrants, schema_ipv, schema_kpi, schema_vital_signs
from data_access.cache import near_cached_query, request_versions
from data_access.db import Database
from data_access.schema import (
    agg_victim_city_daily,
    arrest,
    case_charge,
    cvi_site,
    data_state,
    geography,
    load_log,
    sao_case,
    victim,
)


def state(db: Database) -> dict:
    """What is being served: data version, demo flag, data-as-of date, first date, and when the
    data was last loaded (``updated_at``). Read once per request (kept on ``flask.g``): an API
    view and its HTTP caching both ask, and they must see the same version anyway."""
    return once_per_request("psad_state", db, _read_state)


def once_per_request(name: str, db: Database, read):
    """``read(db)``, made once per request and database (kept on ``flask.g`` under ``name``);
    outside a request, every time."""
    if not has_request_context():
        return read(db)
    memo = g.setdefault(name, {})
    key = repr(db)
    if key not in memo:
        memo[key] = read(db)
    return memo[key]


def _read_state(db: Database) -> dict:
    try:
        row = db.execute(select(data_state.c.version, data_state.c.is_demo, data_state.c.data_as_of,
                                data_state.c.updated_at).where(data_state.c.id == 1)).rows
    except ProgrammingError:
        row = []
    if not row:
        return {"version": 0, "is_demo": False, "data_as_of": None, "first_date": None, "updated_at": None}
    version, is_demo, as_of, updated_at = row[0]
    versions = request_versions()
    if versions is not None:  # the cached queries of this request need not read the version again
        versions.setdefault(repr(db), version)
    return {"version": version, "is_demo": is_demo, "data_as_of": as_of,
            "first_date": first_date(db), "updated_at": updated_at}


@near_cached_query
def first_date(db: Database, version: int) -> date | None:
    return db.execute(select(func.min(agg_victim_city_daily.c.d))).scalar()


def load_history(db: Database, limit: int = 20) -> pd.DataFrame:
    t = load_log
    try:
        return db.frame(select(t.c.id, t.c.dataset, t.c.source, t.c.started_at, t.c.finished_at, t.c.status,
                               t.c.rows_read, t.c.rows_loaded, t.c.rows_updated, t.c.rows_rejected,
                               t.c.data_as_of, t.c.is_demo, t.c.message)
                        .order_by(t.c.id.desc()).limit(limit))
    except ProgrammingError:
        return pd.DataFrame()



def dataset_counts(db: Database) -> dict[str, int]:
    """Rows per dataset (exact counts: for status reports, not for pages)."""
    tables = {"Part 1 victims": victim, "arrests": arrest, "State's Attorney cases": sao_case,
              "case charges": case_charge, "CVI sites": cvi_site, "geographic areas": geography}
    for module in (schema_vital_signs, schema_kpi, schema_calls, schema_guns_warrants, schema_ipv):
        tables.update(module.COUNTED_TABLES)
    return {name: db.execute(select(func.count()).select_from(t)).scalar() for name, t in tables.items()}
