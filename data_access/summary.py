"""The Summary page's reads: offense counts against the comparison span, the trend, the hour x
weekday grid and gun violence by year against the Plan's goal.

Every public function takes the ``Database`` and plain values (a ``Filters``, a grain, a year) and
returns a small DataFrame. Whole calendar years and months come from roll-ups, only the ragged days
at a span's ends from daily tables. Results are memoized by ``cached_query``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, Integer, bindparam, case, cast, func, literal, select, union_all

from data_access.cache import cached_query
from data_access.conditions import filter_conditions, has_geo
from data_access.db import Database
from data_access.filters import Filters, calendar_split, month_split
from data_access.schema import (
    ROLLUP_FIELDS,
    agg_victim_area_month,
    agg_victim_area_year,
    agg_victim_city_daily,
    agg_victim_city_hourly,
    agg_victim_city_hourly_all,
    agg_victim_city_month,
    agg_victim_detail,
    agg_victim_field_daily,
    agg_victim_gun_daily,
    agg_victim_hourly_year,
)


def victim_daily(f: Filters, *, need_geo: bool = False):
    """The daily victim aggregate to read: citywide unless a geography is filtered or grouped."""
    return agg_victim_detail if need_geo or has_geo(f) else agg_victim_city_daily


def victim_hourly(f: Filters) -> tuple:
    """The hourly victim aggregate to read and the conditions it needs (the detail table also
    holds victims with no recorded time, whose hour is NULL)."""
    if has_geo(f):
        return agg_victim_detail, [agg_victim_detail.c.hour.is_not(None)]
    return (agg_victim_city_hourly if f.offense else agg_victim_city_hourly_all), []


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
    if not has_geo(f):
        t = {"m": agg_victim_city_month, "d": agg_victim_city_daily}[grain]
        col = t.c[grain]
        return t, col, filter_conditions(t, f, col, dates=False)
    if grain == "d":
        t = agg_victim_detail
        return t, t.c.d, filter_conditions(t, f, t.c.d, dates=False)
    t = agg_victim_area_year if grain == "y" else agg_victim_area_month
    star = [] if f.offense else [t.c.offense != "*" if per_offense else t.c.offense == "*"]
    return t, t.c[grain], star + filter_conditions(t, f, t.c[grain], dates=False)


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
        for grain, a, b in _pieces(span.start, span.end, years=has_geo(f)):
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
                     .where(t.c.d.between(a, b), *timed, *filter_conditions(t, f, t.c.d, dates=False))
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
    t = agg_victim_gun_daily if has_geo(f) else agg_victim_city_daily
    gun = [] if t is agg_victim_gun_daily else [t.c.gun]  # plain "gun": the partial index's predicate
    year = cast(func.date_part("year", t.c.d), Integer).label("year")
    # Same day-of-year cutoff for every year: compare month/day with the `through` date.
    md = func.to_char(t.c.d, "MMDD")
    stmt = (
        select(year, func.sum(t.c.n).label("n"),
               func.sum(case((md <= f"{through:%m%d}", t.c.n), else_=0)).label("ytd"))
        .where(*gun, t.c.d.between(date(baseline_year, 1, 1), through),
               *filter_conditions(t, f, t.c.d, dates=False, offense=False))
        .group_by(year)
    )
    got = {y: (int(n), int(ytd)) for y, n, ytd in db.execute(stmt).rows}
    years = list(range(baseline_year, through.year + 1))
    return pd.DataFrame({"year": pd.array(years, dtype="int64"),
                         "n": pd.array([got.get(y, (0, 0))[0] for y in years], dtype="int64"),
                         "ytd": pd.array([got.get(y, (0, 0))[1] for y in years], dtype="int64")})
