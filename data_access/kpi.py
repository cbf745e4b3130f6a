"""The Plan KPIs page's reads: the values MONSE published (``kpi_value``) and the measures the
dashboard computes from the records it holds, per calendar year.

* youth arrests: the Demographics page's "Under 18" arrestee cell per whole year (its suppression
  included), under the geography filters;
* rapes per 100,000 residents: rape victims per year (the Map's victim roll-ups) over the residents
  of the filtered area as the Map's rates count them (``residents``);
* gun violence against the Plan's path: ``data_access.summary.gun_violence_by_year`` (the Summary's);
* the share of domestic-violence incidents in Part 1 crime and 911 calls answered without police:
  engineer E's ``data_access.ipv.kpi_dv_share`` and engineer C's ``data_access.calls.kpi_without_police``,
  imported when asked (``optional``): until they exist or their data is loaded the page says so.

Every function takes the ``Database`` and plain values and returns a small DataFrame; results are
memoized by ``cached_query`` like every other read.
"""

from __future__ import annotations

import importlib
import logging
from datetime import date
from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Column, Integer, MetaData, Table, Text, cast, func, select

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.filters import FIELD_BY_NAME, GEO_FIELDS, Filters
from data_access.schema import agg_arrest_demo, agg_victim_area_year, agg_victim_city_month, geography
from data_access.schema_kpi import kpi_value
from data_access.vocabulary import DEMOGRAPHIC_CATEGORIES

log = logging.getLogger(__name__)

YOUTH_BAND = "Under 18"  # data_access.vocabulary.AGE_BANDS[0], as the aggregates write it
RAPE = "rape"
PER = 100_000

# the functions other engineers promised (module, name); see ``optional``
DV_SHARE = ("data_access.ipv", "kpi_dv_share")  # (db, f) -> DataFrame[year, dv_incidents, part1_incidents]
WITHOUT_POLICE = ("data_access.calls", "kpi_without_police")  # (db, f) -> DataFrame[year, calls, without_police]


@cached_query
def monse_values(db: Database, version: int) -> pd.DataFrame:
    """Every value MONSE published (or the demo's), oldest period first.
    Columns: measure, period, grain, period_start, period_end, value, source, origin."""
    t = kpi_value
    df = db.frame(select(t.c.measure, t.c.period, t.c.grain, t.c.period_start, t.c.period_end, t.c.value,
                         t.c.source, t.c.origin).order_by(t.c.measure, t.c.period_start, t.c.period_end))
    if not len(df):
        return pd.DataFrame(columns=["measure", "period", "grain", "period_start", "period_end", "value", "source",
                                     "origin"])
    return df.astype({"value": "float64"})


def _years_frame(got: dict, column: str = "n") -> pd.DataFrame:
    years = sorted(got)
    return pd.DataFrame({"year": pd.array(years, dtype="int64"),
                         column: pd.array([int(got[y]) for y in years], dtype="int64")})


# Arrestees per calendar year and area fields, a column per age band: migration 0014's materialized
# view, a roll-up of the Demographics page's ``agg_arrest_demo`` refreshed by ``data_access.aggregates``
# in every load that changes the arrests; ``other`` counts arrestees of any band not among its columns.
# On a MetaData of its own: a view is not one of the models (``data_access.schema``).
AGE_YEAR_BANDS = {"under_18": "Under 18", "age_18_24": "18-24", "age_25_34": "25-34", "age_35_44": "35-44",
                  "age_45_54": "45-54", "age_55_plus": "55+", "age_unknown": "Unknown"}  # as migration 0014
agg_arrest_age_year = Table(
    "agg_arrest_age_year", MetaData(), Column("year", Integer), *[Column(x, Text) for x in GEO_FIELDS],
    *[Column(c, Integer) for c in AGE_YEAR_BANDS], Column("other", Integer))


@cached_query
def arrests_by_age(db: Database, version: int, first_year: int, last_year: int) -> pd.DataFrame:
    """Arrestees per calendar year and area (the four geography fields), one column per age band,
    for ``first_year``-``last_year``, from the yearly roll-up of the Demographics page's own
    pre-aggregate (``agg_arrest_age_year``): a row per year and area, a few thousand, read as they
    are stored. One read whatever the filters (``youth_arrests`` applies them), so every view of the
    same years shares it per data version. Arrestees of a band the roll-up has no column for (none,
    as the aggregates are built) come from ``agg_arrest_demo`` in a second read. Columns: year, the
    GEO_FIELDS, then each band of the vocabulary (0 where none), then any other band."""
    t = agg_arrest_age_year
    bands = list(DEMOGRAPHIC_CATEGORIES["age_band"])
    stored = list(AGE_YEAR_BANDS)
    res = db.execute(select(t.c.year, *[t.c[x] for x in GEO_FIELDS], *[t.c[c] for c in stored], t.c.other)
                     .where(t.c.year.between(first_year, last_year)))
    # columns straight from the rows (a frame from records, then renamed and cast, cost 3x more)
    cols = list(zip(*res.rows)) or [()] * (1 + len(GEO_FIELDS) + len(stored) + 1)
    data = {"year": np.array(cols[0], dtype="int64")}
    for i, x in enumerate(GEO_FIELDS, start=1):
        data[x] = pd.Series(cols[i], dtype=object)  # a NULL area stays None (object: not inferred as strings)
    got = {AGE_YEAR_BANDS[c]: np.array(cols[1 + len(GEO_FIELDS) + i], dtype="int64") for i, c in enumerate(stored)}
    n = len(res.rows)
    wide = pd.DataFrame({**data, **{b: got.get(b, np.zeros(n, dtype="int64")) for b in bands},
                         **{b: v for b, v in got.items() if b not in bands}})
    if n and sum(cols[-1]):
        # arrestees of a band the roll-up has no column for: from the monthly table, as columns
        d = agg_arrest_demo
        year = cast(func.date_part("year", d.c.m), Integer).label("year")
        geo = [d.c[x] for x in GEO_FIELDS]
        extra = db.frame(select(year, *geo, d.c.age_band, func.sum(d.c.n).label("n"))
                         .where(d.c.m.between(date(first_year, 1, 1), date(last_year, 12, 1)),
                                d.c.age_band.notin_(list(AGE_YEAR_BANDS.values())))
                         .group_by(year, *geo, d.c.age_band))
        extra = extra.pivot_table(index=["year", *GEO_FIELDS], columns="age_band", values="n", aggfunc="sum",
                                  dropna=False).reset_index()
        wide = wide.merge(extra, on=["year", *GEO_FIELDS], how="outer")
        value_cols = [c for c in wide.columns if c != "year" and c not in GEO_FIELDS]
        wide[value_cols] = wide[value_cols].fillna(0).astype("int64")
        areas = wide[list(GEO_FIELDS)].astype(object)
        wide[list(GEO_FIELDS)] = areas.where(areas.notna(), None)  # a NULL area is None, not NaN
        wide = wide.astype({"year": "int64"})
    return wide


def _counts(values, bands: list[str]) -> dict:
    return {b: int(n) for b, n in zip(bands, values) if n}


def youth_arrests(db: Database, f: Filters, years) -> pd.DataFrame:
    """``_youth_arrests`` for the geography of ``f`` and the ``years``, cached per data version (the
    key holds the geography and the years only: every date range showing the same years shares it)."""
    years = tuple(int(y) for y in years)
    key = f.geo_only()
    if years:
        key = key.replace(start=date(min(years), 1, 1), end=date(max(years), 12, 31))
    return _youth_arrests(db, key, years)


@cached_query
def _youth_arrests(db: Database, version: int, f: Filters, years: tuple[int, ...]) -> pd.DataFrame:
    """Arrests of people under 18 per calendar year, under the geography filters: the Demographics
    page's own "Under 18" arrestee cell for that whole year (``data_access.demographics``), withheld
    exactly as that page withholds it (1-4 people, a neighbouring view, a complement), so neither
    page lets a small group be worked out from the other. Columns: year, n (None when withheld),
    label ("<5" or "withheld" when withheld), reason.

    The page's rule, from one read of the years' age bands by area (``arrests_by_age``): for each
    year, the view's age-band counts, the neighbouring views one area more or fewer (each geography
    field grouped under the other fields' filters) and the years either side, then
    ``suppression.suppress`` as ``data_access.demographics.demographics`` calls it
    (``youth_from_bands``)."""
    if not years:
        return youth_from_bands(None, f, years)
    return youth_from_bands(arrests_by_age(db, min(years) - 1, max(years) + 1), f, years)


def _neighbour_diffs(i: int, totals: np.ndarray, grouped: dict, names: dict, f: Filters,
                     bands: list[str]) -> list[dict]:
    """``suppression.neighbour_diffs`` for year ``i`` (an index of ``totals``, the view's counts per
    year) as the Demographics page builds them for a whole year (the years either side, each
    field's areas with any arrestee), computed on arrays, and only the differences ``suppress``
    acts on: those with a band 1-4 apart (its neighbour rule; every other difference is a no-op)."""
    from data_access import suppression as S

    view = totals[i]
    parts = [totals[j][None, :] for j in (i - 1, i + 1) if 0 <= j < len(totals) and totals[j].any()]
    for x in GEO_FIELDS:
        areas = grouped[x][i]
        has = areas.any(axis=1)  # an area without arrestees is no group of the page's
        chosen = set(getattr(f, x))
        if not chosen:
            parts.append(view[None, :] - areas[has])  # choosing just that area
            continue
        for a in np.flatnonzero(has):
            if names[x][a] in chosen and len(chosen) == 1:
                parts.append((areas[has].sum(axis=0) - areas[a])[None, :])  # widening to every area
            else:
                parts.append(areas[a][None, :])  # adding or removing that area
    if not parts:
        return []
    d = np.concatenate(parts)
    near = ((np.abs(d) >= S.LOW) & (np.abs(d) <= S.HIGH)).any(axis=1)
    return [{b: int(v) for b, v in zip(bands, row) if v} for row in d[near]]


def youth_from_bands(df: pd.DataFrame | None, f: Filters, years) -> pd.DataFrame:
    """``_youth_arrests`` from ``df``, arrestees per year and area by age band as ``arrests_by_age``
    returns them (the years either side of ``years`` included): pure arithmetic, so the bench's
    pandas baseline applies the same rule to its own counts. Columns: year, n, label, reason."""
    from data_access import suppression as S
    from data_access.demographics import _order

    columns = ["year", "n", "label", "reason"]
    if not years:
        return pd.DataFrame(columns=columns)

    bands = [c for c in df.columns if c != "year" and c not in GEO_FIELDS]
    counts = df[bands].to_numpy(dtype="int64")
    y0, ny = min(years) - 1, max(years) - min(years) + 3
    yk = df["year"].to_numpy(dtype="int64") - y0
    codes, names, passes = {}, {}, {}
    for x in GEO_FIELDS:
        c, u = pd.factorize(df[x], use_na_sentinel=True)  # a NULL area: -1
        codes[x], names[x] = c, list(u)
        values = getattr(f, x)
        passes[x] = df[x].isin(values).to_numpy() if values else np.ones(len(df), dtype=bool)
    every = np.ones(len(df), dtype=bool)
    for m in passes.values():
        every &= m
    shown = np.isin(yk + y0, years)

    def sums(keys, mask, size) -> np.ndarray:
        out = np.zeros((size, len(bands)), dtype="int64")
        np.add.at(out, keys[mask], counts[mask])
        return out

    totals = sums(yk, every, ny)
    by_year = {y0 + i: c for i, v in enumerate(totals) if (c := _counts(v, bands))}
    # Each field's areas per year: (years, areas, bands), the rows ``suppression.neighbour_diffs`` groups
    grouped: dict = {}
    for x in GEO_FIELDS:
        mask = shown & (codes[x] >= 0)
        if getattr(f, x):  # a field with a selection: grouped under the other fields' filters only
            for other in GEO_FIELDS:
                if other != x:
                    mask = mask & passes[other]
        else:
            mask = mask & every
        k = max(len(names[x]), 1)
        grouped[x] = sums(yk * k + codes[x], mask, ny * k).reshape(ny, k, len(bands))
    rows = []
    for y in years:
        view = by_year.get(y, {})
        table = S.suppress(view, _neighbour_diffs(y - y0, totals, grouped, names, f, bands),
                           order=_order("age_band", view))
        cell = next((c for c in table.cells if c.category == YOUTH_BAND), None)
        if cell is None or (sum(view.values()) == 0 and cell.value in (None, 0)):
            continue  # no arrests recorded that year: the records do not cover it
        rows.append({"year": y, "n": cell.value, "label": None if cell.shown else cell.label, "reason": cell.reason})
    return pd.DataFrame(rows, columns=columns)


@cached_query
def rapes_by_year(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Rape victims per calendar year, under the geography filters. Columns: year, n."""
    if has_geo(f):
        t = agg_victim_area_year
        year = cast(func.date_part("year", t.c.y), Integer).label("year")
        stmt = select(year, func.sum(t.c.n)).where(t.c.offense == RAPE, *geo_conditions(t, f)).group_by(year)
    else:
        t = agg_victim_city_month
        year = cast(func.date_part("year", t.c.m), Integer).label("year")
        stmt = select(year, func.sum(t.c.n)).where(t.c.offense == RAPE).group_by(year)
    return _years_frame({int(y): int(n) for y, n in db.execute(stmt).rows})


@cached_query
def residents(db: Database, version: int, f: Filters) -> int | None:
    """Residents of the filtered area as the Map's rates count them: the city's population with no
    geography filter; with one geography filter, the populations of its chosen areas (a police
    district under the 2023 map, the map in force today); with several, the residents of the
    neighborhoods inside all of them (``data_access.arrests.residents``). None when unknown."""
    chosen = [name for name in GEO_FIELDS if getattr(f, name)]
    g = geography
    if not chosen:
        value = db.execute(select(func.sum(g.c.population)).where(g.c.layer == "city")).scalar()
    elif len(chosen) == 1:
        field = FIELD_BY_NAME[chosen[0]]
        value = db.execute(select(func.sum(g.c.population)).where(
            g.c.layer == field.options_layer, g.c.code.in_(getattr(f, field.name)))).scalar()
    else:
        from data_access.arrests import residents as neighborhood_residents

        value = neighborhood_residents(db, f.geo_only())
    return int(value) if value is not None else None


def rate(count: int, population: int | None) -> float | None:
    """Per 100,000 residents; None without a known population."""
    return None if not population else count / population * PER


def optional(spec: tuple[str, str]) -> Callable | None:
    """Another engineer's function by (module, name), or None while it does not exist yet."""
    module, name = spec
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    except Exception:  # a module that fails to import is theirs to fix; this page still renders
        log.exception("importing %s failed", module)
        return None


def external(db: Database, f: Filters, spec: tuple[str, str], columns: tuple[str, ...]) -> pd.DataFrame | None:
    """The yearly rows of a promised function (``DV_SHARE``, ``WITHOUT_POLICE``) for ``f``, with
    ``columns``; None while the function does not exist; an empty frame when it has no rows. A
    database failure is raised (the page says so); any other failure of theirs reads as None."""
    from data_access.db import DataError

    fn = optional(spec)
    if fn is None:
        return None
    try:
        df = fn(db, f)
    except DataError:
        raise
    except Exception:
        log.exception("%s.%s failed", *spec)
        return None
    if df is None or not isinstance(df, pd.DataFrame) or not set(columns) <= set(df.columns):
        return None
    df = df[list(columns)].dropna(subset=["year"])
    # nullable: a count the owner withheld (the IPV page's 1-10) arrives as <NA> and stays withheld
    return df.astype({c: "Int64" for c in columns}).sort_values("year").reset_index(drop=True)


__all__ = ["monse_values", "arrests_by_age", "youth_arrests", "youth_from_bands", "rapes_by_year", "residents", "rate", "external",
           "DV_SHARE", "WITHOUT_POLICE"]
