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

import pandas as pd
from sqlalchemy import Integer, cast, func, select

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.filters import FIELD_BY_NAME, GEO_FIELDS, Filters
from data_access.schema import agg_victim_area_year, agg_victim_city_month, geography
from data_access.schema_kpi import kpi_value

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


def youth_arrests(db: Database, f: Filters, years: list[int]) -> pd.DataFrame:
    """Arrests of people under 18 per calendar year, under the geography filters: the Demographics
    page's own "Under 18" arrestee cell for that whole year (``data_access.demographics``), withheld
    exactly as that page withholds it (1-4 people, a neighbouring view, a complement), so neither
    page lets a small group be worked out from the other. Columns: year, n (None when withheld),
    label ("<5" or "withheld" when withheld), reason."""
    from data_access.concurrent import gather
    from data_access.demographics import demographics

    geo = f.geo_only()
    tables = gather(*[(lambda y=y: demographics(db, geo.replace(start=date(y, 1, 1), end=date(y, 12, 31)), "arrests"))
                      for y in years])
    rows = []
    for y, d in zip(years, tables):
        cell = next((c for c in d.tables["age_band"].cells if c.category == YOUTH_BAND), None)
        if cell is None or (d.total == 0 and cell.value in (None, 0)):
            continue  # no arrests recorded that year: the records do not cover it
        rows.append({"year": y, "n": cell.value, "label": None if cell.shown else cell.label, "reason": cell.reason})
    return pd.DataFrame(rows, columns=["year", "n", "label", "reason"])


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


__all__ = ["monse_values", "youth_arrests", "rapes_by_year", "residents", "rate", "external",
           "DV_SHARE", "WITHOUT_POLICE"]
