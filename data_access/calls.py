"""911 calls page queries, the calls' code -> label tables, and the Plan KPI of calls answered
without police (``kpi_without_police``, read by the Plan KPIs page).

Counts come from the pre-aggregates (``data_access.schema_calls``), rebuilt by every load of calls
(``refresh_aggregates``, in the load's transaction): ``agg_call_city_day`` when no geography
filter is set, ``agg_call_geo_day`` (read through its (area, day) indexes) when one is, and
``agg_call_area_day`` for the citywide "by area" view. The offense filter does not apply to calls
(a call's type is not a Part 1 offense category): callers drop it, and the page says so.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Date, cast, extract, func, select, text
from sqlalchemy.engine import Connection

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.filters import Filters
from data_access.schema import geography
from data_access.schema_calls import agg_call_area_day, agg_call_city_day, agg_call_geo_day
from data_access.text import N_
from data_access.vocabulary import Vocabulary

PRIORITIES = Vocabulary("call priority", (
    ("emergency", N_("Emergency")),
    ("high", N_("High")),
    ("medium", N_("Medium")),
    ("low", N_("Low")),
    ("non_emergency", N_("Non-emergency")),
    ("out_of_service", N_("Out of service")),
    ("unknown", N_("Not recorded")),
))
CATEGORIES = Vocabulary("call category", (
    ("violence", N_("Violence and weapons")),
    ("domestic", N_("Family and domestic")),
    ("property", N_("Property crime")),
    ("drugs", N_("Drugs")),
    ("disorder", N_("Disorder and noise")),
    ("suspicious", N_("Suspicious activity and alarms")),
    ("traffic", N_("Traffic")),
    ("behavioral_health", N_("Behavioral health")),
    ("welfare", N_("Welfare and medical")),
    ("service", N_("Service, follow-up and hang-ups")),
    ("other", N_("Other")),
))
RESPONSE_TYPES = Vocabulary("call response type", (
    ("police", N_("Police")),
    ("behavioral_health", N_("Behavioral-health diversion")),
    ("other", N_("Other (no police dispatch)")),
))
WITHOUT_POLICE = ("behavioral_health", "other")
AREA_FIELDS = ("police_district", "council_district", "neighborhood")


def calls_grain(f: Filters) -> str:
    return "week" if f.days <= 190 else "month"


def area_field(f: Filters) -> str:
    """Neighborhoods once the view is inside an area; else police districts."""
    return "neighborhood" if has_geo(f) else "police_district"


def _source(f: Filters):
    """The aggregate a view reads, and its conditions (dates and the geography filters)."""
    t = agg_call_geo_day if has_geo(f) else agg_call_city_day
    return t, [t.c.d.between(f.start, f.end), *geo_conditions(t, f)]


def _ints(df: pd.DataFrame, cols: list[str], *ints: str) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame({c: [] for c in cols}).astype({c: "int64" for c in ints})
    return df.astype({c: "int64" for c in ints})


@cached_query
def by_kind(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Calls in the span per priority, category and response type. Columns: priority, category,
    response_type, n (every total of the page's cards, "by priority and category" and the
    response-type split sums these)."""
    t, conds = _source(f)
    df = db.frame(select(t.c.priority, t.c.category, t.c.response_type, func.sum(t.c.n).label("n"))
                  .where(*conds).group_by(t.c.priority, t.c.category, t.c.response_type))
    return _ints(df, ["priority", "category", "response_type", "n"], "n")


@cached_query
def over_time(db: Database, version: int, f: Filters, grain: str) -> pd.DataFrame:
    """Calls per period (``week``: weeks start on Monday, or ``month``) and response type.
    Columns: period, response_type, n."""
    t, conds = _source(f)
    period = cast(func.date_trunc(grain, t.c.d), Date).label("period")
    df = db.frame(select(period, t.c.response_type, func.sum(t.c.n).label("n")).where(*conds)
                  .group_by(period, t.c.response_type).order_by(period))
    return _ints(df, ["period", "response_type", "n"], "n")


@cached_query
def by_area(db: Database, version: int, f: Filters, field: str) -> pd.DataFrame:
    """Calls per area of ``field`` (police_district, council_district or neighborhood) with the
    share answered without police and the area's residents. Columns: area, n, without_police,
    population (None when unknown). Police districts are as each call records them (the map in
    force on its date); residents are the 2023 map's."""
    if field not in AREA_FIELDS:
        raise ValueError(f"unknown area field {field!r}")
    if not has_geo(f) and field != "neighborhood":
        t = agg_call_area_day
        conds = [t.c.field == field, t.c.d.between(f.start, f.end)]
        area = t.c.area
    else:  # neighborhoods, or any area inside a geography filter: the geo table
        t = agg_call_geo_day
        conds = [t.c.d.between(f.start, f.end), *geo_conditions(t, f), t.c[field].isnot(None)]
        area = t.c[field]
    wp = func.sum(t.c.n).filter(t.c.response_type.in_(WITHOUT_POLICE))
    stmt = (select(area.label("area"), func.sum(t.c.n).label("n"), func.coalesce(wp, 0).label("without_police"))
            .where(*conds).group_by(area))
    df = db.frame(stmt)
    if df.empty:
        return pd.DataFrame({"area": [], "n": [], "without_police": [], "population": []})
    layer = "police_district_2023" if field == "police_district" else field
    pop = db.frame(select(geography.c.code.label("area"), geography.c.population).where(geography.c.layer == layer))
    df = df.merge(pop, on="area", how="left") if len(pop) else df.assign(population=None)
    df = df.astype({"n": "int64", "without_police": "int64"})
    return df.sort_values(["n", "area"], ascending=[False, True]).reset_index(drop=True)


@cached_query
def by_year(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Calls per calendar year of the span and response type. Columns: year, response_type, n."""
    t, conds = _source(f)
    year = extract("year", t.c.d).label("year")
    df = db.frame(select(year, t.c.response_type, func.sum(t.c.n).label("n")).where(*conds)
                  .group_by(year, t.c.response_type).order_by(year))
    return _ints(df, ["year", "response_type", "n"], "year", "n")


@cached_query
def date_span(db: Database, version: int) -> tuple | None:
    """The first and last day with calls loaded, or None."""
    row = db.execute(select(func.min(agg_call_city_day.c.d), func.max(agg_call_city_day.c.d))).rows
    return None if not row or row[0][0] is None else (row[0][0], row[0][1])


def kpi_without_police(db: Database, f: Filters) -> pd.DataFrame:
    """The Plan KPI "911 calls answered without police": per calendar year the filters' dates touch
    (only the part of the year inside them), the calls and those whose response type is not a
    police dispatch (behavioral-health diversion or other). Columns: year, calls, without_police;
    a year without calls loaded is left out. The offense filter does not apply."""
    df = by_year(db, f.replace(offense=()))
    if df.empty:
        return pd.DataFrame({"year": pd.Series([], dtype="int64"), "calls": pd.Series([], dtype="int64"),
                             "without_police": pd.Series([], dtype="int64")})
    calls = df.groupby("year").n.sum()
    wp = df[df.response_type.isin(WITHOUT_POLICE)].groupby("year").n.sum().reindex(calls.index, fill_value=0)
    out = pd.DataFrame({"year": calls.index.astype("int64"), "calls": calls.values.astype("int64"),
                        "without_police": wp.values.astype("int64")})
    return out[out.calls > 0].reset_index(drop=True)


# --- the pre-aggregates, rebuilt in a load's transaction -------------------------------------

_GEO = "police_district, neighborhood, council_district, legislative_district"


def refresh_aggregates(conn: Connection) -> None:
    """Rebuild the three call aggregates from ``call_for_service`` (whole: a rebuild of a year of
    calls takes a few seconds, and a partial one would need the old rows' days)."""
    conn.execute(text("TRUNCATE agg_call_city_day, agg_call_geo_day, agg_call_area_day"))
    conn.execute(text(f"""
        INSERT INTO agg_call_geo_day (d, {_GEO}, priority, category, response_type, n)
        SELECT call_date, {_GEO}, priority, category, response_type, count(*)
        FROM call_for_service GROUP BY call_date, {_GEO}, priority, category, response_type
        ORDER BY neighborhood, call_date"""))
    conn.execute(text("""
        INSERT INTO agg_call_city_day (d, priority, category, response_type, n)
        SELECT d, priority, category, response_type, sum(n) FROM agg_call_geo_day
        GROUP BY d, priority, category, response_type ORDER BY d"""))
    conn.execute(text("""
        INSERT INTO agg_call_area_day (d, field, area, response_type, n)
        SELECT d, 'police_district', police_district, response_type, sum(n) FROM agg_call_geo_day
        WHERE police_district IS NOT NULL GROUP BY d, police_district, response_type
        UNION ALL
        SELECT d, 'council_district', council_district, response_type, sum(n) FROM agg_call_geo_day
        WHERE council_district IS NOT NULL GROUP BY d, council_district, response_type
        ORDER BY 1"""))
    conn.execute(text("ANALYZE agg_call_city_day; ANALYZE agg_call_geo_day; ANALYZE agg_call_area_day"))


def tables_exist(conn: Connection) -> bool:
    """Whether migration 0009 has run on this database (a database upgraded before it was filled in
    has none of the calls tables)."""
    return conn.execute(text("SELECT to_regclass('call_for_service') IS NOT NULL")).scalar()


__all__ = ["by_kind", "over_time", "by_area", "by_year", "kpi_without_police", "calls_grain", "area_field",
           "PRIORITIES", "CATEGORIES", "RESPONSE_TYPES", "WITHOUT_POLICE", "refresh_aggregates"]
