"""Read queries: parameterized SQLAlchemy Core over the pre-aggregated tables.

Every public function takes the ``Database`` and plain values (a ``Filters``, a grain, a year) and
returns a small DataFrame or dict. Results are memoized by ``cached_query`` on those arguments
plus the data version. Nothing here formats for display: that is ``layouts``' job.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, Integer, bindparam, case, cast, extract, func, literal, select, union_all
from sqlalchemy.exc import ProgrammingError

from data_access.cache import cached_query
from data_access.db import Database
from data_access.filters import GEO_FIELDS, Filters, calendar_split, month_split
from data_access.schema import (
    ROLLUP_FIELDS,
    agg_arrest_daily,
    agg_victim_area_month,
    agg_victim_area_year,
    agg_victim_city_daily,
    agg_victim_city_month,
    agg_victim_city_hourly,
    agg_victim_city_hourly_all,
    agg_victim_detail,
    agg_victim_field_daily,
    agg_victim_gun_daily,
    agg_victim_hourly_year,
    area_link,
    arrest,
    case_charge,
    cvi_site,
    data_state,
    geography,
    load_log,
    offense_category,
    sao_case,
    victim,
)

DATASETS = ("victims", "arrests", "cases")
BY_TIME = ("year", "month", "week")
BY_GEO = GEO_FIELDS
BY_VALUES = BY_TIME + ("offense",) + BY_GEO
OPTION_LAYERS = ("police_district_2023", "neighborhood", "council_district", "legislative_district")


def _has_geo(f: Filters) -> bool:
    return any(getattr(f, name) for name in GEO_FIELDS)


def victim_daily(f: Filters, *, need_geo: bool = False):
    """The daily victim aggregate to read: citywide unless a geography is filtered or grouped."""
    return agg_victim_detail if need_geo or _has_geo(f) else agg_victim_city_daily


def victim_hourly(f: Filters) -> tuple:
    """The hourly victim aggregate to read and the conditions it needs (the detail table also
    holds victims with no recorded time, whose hour is NULL)."""
    if _has_geo(f):
        return agg_victim_detail, [agg_victim_detail.c.hour.is_not(None)]
    return (agg_victim_city_hourly if f.offense else agg_victim_city_hourly_all), []


def _conditions(table, f: Filters, date_col, *, dates: bool = True, offense: bool = True) -> list:
    conds = [date_col.between(f.start, f.end)] if dates else []
    for name in GEO_FIELDS:
        values = getattr(f, name)
        if values:
            conds.append(table.c[name].in_(values))
    if offense and f.offense:
        conds.append(table.c.offense.in_(f.offense))
    return conds


# --- state and options ------------------------------------------------------------------------

def state(db: Database) -> dict:
    """What is being served: data version, demo flag, data-as-of date, first date."""
    try:
        row = db.execute(select(data_state.c.version, data_state.c.is_demo, data_state.c.data_as_of)
                         .where(data_state.c.id == 1)).rows
    except ProgrammingError:
        row = []
    if not row:
        return {"version": 0, "is_demo": False, "data_as_of": None, "first_date": None}
    version, is_demo, as_of = row[0]
    return {"version": version, "is_demo": is_demo, "data_as_of": as_of,
            "first_date": first_date(db)}


@cached_query
def first_date(db: Database, version: int) -> date | None:
    return db.execute(select(func.min(agg_victim_city_daily.c.d))).scalar()


@cached_query
def filter_options(db: Database, version: int) -> dict:
    """Choices for the filter bar and the links used to narrow neighborhoods by district."""
    geo = db.frame(select(geography.c.layer, geography.c.code, geography.c.name)
                   .where(geography.c.layer.in_(OPTION_LAYERS)))
    links = db.frame(select(area_link.c.neighborhood, area_link.c.layer, area_link.c.code))
    offenses = db.frame(select(offense_category.c.code, offense_category.c.label, offense_category.c.grp)
                        .order_by(offense_category.c.sort))

    def layer(name: str) -> list[tuple[str, str]]:
        rows = geo[geo.layer == name]
        key = rows.code.map(_natural_key)
        return list(zip(rows.code.iloc[key.argsort()], rows.name.iloc[key.argsort()]))

    return {
        "police_district": layer("police_district_2023"),
        "neighborhood": layer("neighborhood"),
        "council_district": layer("council_district"),
        "legislative_district": layer("legislative_district"),
        "offense": list(zip(offenses.code, offenses.label)),
        "offense_group": dict(zip(offenses.code, offenses.grp)),
        # neighborhood -> {filter field: code}; police district uses both maps
        "links": _links(links),
    }


def _links(links: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    field_of = {"police_district_pre2023": "police_district", "police_district_2023": "police_district",
                "council_district": "council_district", "legislative_district": "legislative_district"}
    for nb, layer, code in links.itertuples(index=False):
        if layer in field_of:
            out.setdefault(nb, {}).setdefault(field_of[layer], [])
            if code not in out[nb][field_of[layer]]:
                out[nb][field_of[layer]].append(code)
    return out


def _natural_key(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return f"{int(digits):06d}{code}" if digits and code[0].isdigit() else code.lower()


# --- Summary page -----------------------------------------------------------------------------

def _pieces(start: date, end: date, *, years: bool) -> list[tuple[str, date, date]]:
    """``[start, end]`` as (grain, first, last) pieces: "y" whole calendar years and "m" whole
    months (first days of the first and last), "d" the ragged days left over."""
    if years:
        y, months, days = calendar_split(start, end)
        return ([("y", *y)] if y else []) + [("m", *m) for m in months] + [("d", *d) for d in days]
    months, days = month_split(start, end)
    return ([("m", *months)] if months else []) + [("d", *d) for d in days]


def _month_end(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _rollup_field(f: Filters) -> str | None:
    """The per-area roll-up field (``agg_victim_field_daily``, ``agg_victim_hourly_year``) that
    answers ``f`` for all offenses together: "city" with no geography filter, the one district field when only it is set; None with an offense or
    neighborhood filter or several district fields."""
    if f.offense or f.neighborhood:
        return None
    fields = [name for name in ROLLUP_FIELDS if getattr(f, name)]
    return "city" if not fields else (fields[0] if len(fields) == 1 else None)


def _field_conditions(t, field: str, f: Filters) -> list:
    return [t.c.field == field, t.c.value.in_([""] if field == "city" else list(getattr(f, field)))]


def _counted(grain: str, f: Filters, *, per_offense: bool):
    """The victim table holding ``grain`` counts for ``f``, its date column and every condition
    ``f`` puts on it (but the dates): citywide tables without a geography filter; with one, the
    area roll-ups (their "*" rows are every offense together) and the detail table for days; the
    per-area daily roll-up when all offenses are counted together and it can answer ``f``.
    Citywide there is no year grain (``_pieces(years=False)``): a year is twelve month rows."""
    field = None if per_offense else _rollup_field(f)
    if grain == "d" and field:
        t = agg_victim_field_daily
        return t, t.c.d, _field_conditions(t, field, f)
    if not _has_geo(f):
        t = {"m": agg_victim_city_month, "d": agg_victim_city_daily}[grain]
        col = t.c[grain]
        return t, col, _conditions(t, f, col, dates=False)
    if grain == "d":
        t = agg_victim_detail
        return t, t.c.d, _conditions(t, f, t.c.d, dates=False)
    t = agg_victim_area_year if grain == "y" else agg_victim_area_month
    star = [] if f.offense else [t.c.offense != "*" if per_offense else t.c.offense == "*"]
    return t, t.c[grain], star + _conditions(t, f, t.c[grain], dates=False)


@cached_query
def offense_counts(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Victims per offense in the span and in its comparison span.

    Columns: offense, current, prior. One query feeds the headline cards and the offense
    breakdown. Whole calendar years and months are read from roll-ups and only the ragged days
    at the spans' edges from a daily table (citywide, or the detail table under a geography
    filter): a district's fifteen years are a few thousand rows, not one per victim.
    """
    parts = []
    for tag, span in (("current", f), ("prior", f.prior())):
        for grain, a, b in _pieces(span.start, span.end, years=_has_geo(f)):
            t, col, conds = _counted(grain, f, per_offense=True)
            parts.append(select(t.c.offense, literal(tag).label("span"), func.sum(t.c.n).label("n"))
                         .where(col.between(a, b), *conds).group_by(t.c.offense))
    out: dict[str, list[int]] = {}
    for offense, tag, n in db.execute(union_all(*parts)).rows:
        out.setdefault(offense, [0, 0])[tag == "prior"] += int(n)
    return pd.DataFrame({"offense": list(out), "current": pd.array([v[0] for v in out.values()], dtype="int64"),
                         "prior": pd.array([v[1] for v in out.values()], dtype="int64")})


def trend_grain(f: Filters) -> str:
    """Weekly for spans up to 18 months, monthly beyond."""
    return "week" if f.days <= 549 else "month"


@cached_query
def trend(db: Database, version: int, f: Filters, grain: str) -> pd.DataFrame:
    """Victims per period. Weeks are counted back from the end date, so the last week is whole.

    Columns: period_start, period_end, n, days (days of the period inside the span).
    """
    if grain == "month":
        return period_frame(f, grain, _monthly(db, f))
    if grain != "week":
        raise ValueError(f"unknown grain {grain!r}")
    t, col, conds = _counted("d", f, per_offense=False)
    key = (cast(bindparam("end_d", f.end, Date) - col, Integer) // 7).label("k")
    got = dict(db.execute(select(key, func.sum(t.c.n)).where(col.between(f.start, f.end), *conds)
                          .group_by(key)).rows)
    return period_frame(f, grain, got)


def _monthly(db: Database, f: Filters) -> dict:
    """Victims per month (first day -> n): whole months from a month roll-up, ragged days from a
    daily table. A district's fifteen years read ~6,000 rows instead of one per victim."""
    parts = []
    for grain, a, b in _pieces(f.start, f.end, years=False):
        t, col, conds = _counted(grain, f, per_offense=False)
        m = col if grain == "m" else cast(func.date_trunc("month", col), Date)
        parts.append(select(m.label("m"), func.sum(t.c.n).label("n")).where(col.between(a, b), *conds).group_by(m))
    got: dict = {}
    for m, n in db.execute(union_all(*parts)).rows:
        got[m] = got.get(m, 0) + n
    return got


def period_frame(f: Filters, grain: str, got: dict) -> pd.DataFrame:
    """Every period of the span in order, with its count from ``got`` (week index counted back
    from the end date, or first day of the month -> n) and the days it has inside the span."""
    starts, ends, ns = [], [], []
    if grain == "week":
        for k in range((f.days + 6) // 7 - 1, -1, -1):
            end = f.end - timedelta(days=7 * k)
            starts.append(max(end - timedelta(days=6), f.start))
            ends.append(end)
            ns.append(int(got.get(k, 0)))
    else:
        m = f.start.replace(day=1)
        while m <= f.end:
            starts.append(max(m, f.start))
            ends.append(min(_month_end(m), f.end))
            ns.append(int(got.get(m, 0)))
            m = _month_end(m) + timedelta(days=1)
    return pd.DataFrame({"period_start": starts, "period_end": ends, "n": pd.array(ns, dtype="int64"),
                         "days": [(e - s).days + 1 for s, e in zip(starts, ends)]})


@cached_query
def hour_by_weekday(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Victims by ISO weekday (1 = Monday) and local hour; rows without a time are left out.

    When the per-area roll-up can answer the filters (``_rollup_field``), whole years come from
    ``agg_victim_hourly_year`` and only the rest from the daily hourly tables."""
    field = _rollup_field(f)
    # whole years from the roll-up; whole months are read as days (there is no month roll-up)
    pieces = [("y", a, b) if g == "y" else ("d", a, _month_end(b) if g == "m" else b)
              for g, a, b in _pieces(f.start, f.end, years=True)] if field else [("d", f.start, f.end)]
    parts = []
    for grain, a, b in pieces:
        if grain == "y":
            t = agg_victim_hourly_year
            parts.append(select(t.c.dow, t.c.hour, func.sum(t.c.n).label("n"))
                         .where(t.c.y.between(a, b), *_field_conditions(t, field, f))
                         .group_by(t.c.dow, t.c.hour))
            continue
        t, timed = victim_hourly(f)
        # date_part (double precision), not EXTRACT (numeric since PostgreSQL 14): a third cheaper
        # over the tens of thousands of rows a district's year has.
        dow = cast(func.date_part("isodow", t.c.d), Integer).label("dow")
        parts.append(select(dow, t.c.hour, func.sum(t.c.n).label("n"))
                     .where(t.c.d.between(a, b), *timed, *_conditions(t, f, t.c.d, dates=False))
                     .group_by(dow, t.c.hour))
    got: dict[tuple[int, int], int] = {}
    for d, h, n in db.execute(union_all(*parts)).rows:
        got[(int(d), int(h))] = got.get((int(d), int(h)), 0) + int(n)
    keys = sorted(got)
    return pd.DataFrame({"dow": [k[0] for k in keys], "hour": [k[1] for k in keys],
                         "n": pd.array([got[k] for k in keys], dtype="int64")})


@cached_query
def gun_violence_by_year(db: Database, version: int, f: Filters, baseline_year: int,
                         through: date) -> pd.DataFrame:
    """Gun violence victims (homicides by firearm + non-fatal shootings) per calendar year.

    Date and offense filters do not apply (the goal is defined per year for gun violence);
    geography filters do. ``ytd`` counts each year only through ``through``'s day of year, so a
    partial current year can be compared with a prorated target. Columns: year, n, ytd.
    """
    t = agg_victim_gun_daily if _has_geo(f) else agg_victim_city_daily
    gun = [] if t is agg_victim_gun_daily else [t.c.gun]  # plain "gun": the partial index's predicate
    year = cast(func.date_part("year", t.c.d), Integer).label("year")
    # Same day-of-year cutoff for every year: compare month/day with the `through` date.
    md = func.to_char(t.c.d, "MMDD")
    stmt = (
        select(year, func.sum(t.c.n).label("n"),
               func.sum(case((md <= f"{through:%m%d}", t.c.n), else_=0)).label("ytd"))
        .where(*gun, t.c.d.between(date(baseline_year, 1, 1), through),
               *_conditions(t, f, t.c.d, dates=False, offense=False))
        .group_by(year)
    )
    got = {y: (int(n), int(ytd)) for y, n, ytd in db.execute(stmt).rows}
    years = list(range(baseline_year, through.year + 1))
    return pd.DataFrame({"year": pd.array(years, dtype="int64"),
                         "n": pd.array([got.get(y, (0, 0))[0] for y in years], dtype="int64"),
                         "ytd": pd.array([got.get(y, (0, 0))[1] for y in years], dtype="int64")})


# --- API --------------------------------------------------------------------------------------

def counts_table(dataset: str, f: Filters, by: str):
    victims = victim_daily(f, need_geo=by in BY_GEO)
    return {"victims": (victims, victims.c.d, victims.c.n),
            "arrests": (agg_arrest_daily, agg_arrest_daily.c.d, agg_arrest_daily.c.n),
            "cases": (sao_case, sao_case.c.filed_date, None)}[dataset]


def by_supported(dataset: str, by: str) -> bool:
    return by in BY_TIME + BY_GEO or (by == "offense" and dataset == "victims")


@cached_query
def counts(db: Database, version: int, f: Filters, by: str, dataset: str) -> pd.DataFrame:
    """Counts grouped by ``by`` for the API. Columns: key, count."""
    if dataset not in DATASETS or not by_supported(dataset, by):
        raise ValueError(f"cannot group {dataset} by {by}")
    table, dcol, ncol = counts_table(dataset, f, by)
    if by in BY_TIME:
        trunc = cast(func.date_trunc(by, dcol), Date)
        key = (cast(extract("year", dcol), Integer) if by == "year" else trunc).label("key")
    else:
        key = table.c[by].label("key")
    total = func.sum(ncol) if ncol is not None else func.count()
    conds = _conditions(table, f, dcol, offense=dataset == "victims")
    stmt = select(key, total.label("count")).where(*conds).group_by(key).order_by(key)
    df = db.frame(stmt)
    if len(df):
        df["count"] = df["count"].astype("int64")
    return df


# --- status -----------------------------------------------------------------------------------

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
    return {name: db.execute(select(func.count()).select_from(t)).scalar() for name, t in tables.items()}
