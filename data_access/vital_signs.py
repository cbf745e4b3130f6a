"""Neighborhood Stat queries: BNIA Vital Signs by CSA beside the city, and the dashboard's own
crime rates for the same CSA and year.

Reads ``vital_sign_value`` / ``vital_sign_indicator`` (``schema_vital_signs``), the geography
(``geography``, ``area_link``) and the victims' yearly pre-aggregate (``agg_victim_area_year``).
Every query is cached (``cached_query``: the data version is in the key); what the page and the
API show is computed from these frames by the pure functions below (``profile_rows``,
``ranking_rows``, ``scatter_rows``, ``crime_rate_rows``), which the tests check against pandas.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import ProgrammingError

from data_access.cache import cached_query
from data_access.db import Database
from data_access.demographics import matching_neighborhoods
from data_access.filters import Filters
from data_access.schema import agg_victim_area_year, agg_victim_city_daily, area_link, geography, offense_category
from data_access.schema_vital_signs import CITY, vital_sign_indicator, vital_sign_value

# BNIA's sections, in the order the page shows them (the Plan's focus, crime and safety, first);
# a section not listed follows, by name.
SECTIONS = ("Crime and Safety", "Housing and Community Development", "Workforce and Economic Development",
            "Children and Family Health", "Education and Youth", "Census Demographics", "Sustainability",
            "Arts and Culture")
# The dashboard's own rates beside BNIA's: BNIA indicator -> the victims' offense groups it counts.
CRIME_PAIRS = {
    "part_1_crime_rate_per_1_000_residents": ("violent", "property"),
    "violent_crime_rate_per_1_000_residents": ("violent",),
    "property_crime_rate_per_1_000_residents": ("property",),
}
POPULATION_INDICATOR = "total_population"
DEFAULT_RANK = "violent_crime_rate_per_1_000_residents"
DEFAULT_X = "percentage_of_residential_properties_that_are_vacant_and_abandoned"
DEFAULT_Y = "violent_crime_rate_per_1_000_residents"
INDICATOR_COLUMNS = ["indicator", "label", "section", "source", "normalization_source", "definition",
                     "years_available", "sort", "first_year", "last_year"]
VALUE_COLUMNS = ["indicator", "csa", "year", "value"]


def _frame(db: Database, stmt, columns: list[str]) -> pd.DataFrame:
    try:
        rows = db.execute(stmt).rows
    except ProgrammingError:  # a database migrated before these tables existed
        rows = []
    return pd.DataFrame(rows, columns=columns)


@cached_query
def indicators(db: Database, version: int) -> pd.DataFrame:
    """The dictionary, with each indicator's first and last year with a value, in section order
    (``SECTIONS``) then BNIA's order; indicators with no value are left out."""
    i, v = vital_sign_indicator, vital_sign_value
    span = (select(v.c.indicator, func.min(v.c.year).label("first_year"), func.max(v.c.year).label("last_year"))
            .group_by(v.c.indicator).subquery())
    stmt = (select(i.c.indicator, i.c.label, i.c.section, i.c.source, i.c.normalization_source, i.c.definition,
                   i.c.years_available, i.c.sort, span.c.first_year, span.c.last_year)
            .join(span, span.c.indicator == i.c.indicator))
    df = _frame(db, stmt, INDICATOR_COLUMNS)
    order = {s: k for k, s in enumerate(SECTIONS)}
    df["section_order"] = df["section"].map(lambda s: order.get(s, len(SECTIONS)))
    df = df.sort_values(["section_order", "section", "sort"]).drop(columns="section_order").reset_index(drop=True)
    return df.astype({"first_year": "int64", "last_year": "int64"}) if len(df) else df


@cached_query
def csa_names(db: Database, version: int) -> dict[str, str]:
    """CSA code -> name (layer csa), by name."""
    rows = db.execute(select(geography.c.code, geography.c.name).where(geography.c.layer == "csa")
                      .order_by(geography.c.name)).rows
    return {code: name for code, name in rows}


@cached_query
def filter_csas(db: Database, version: int, f: Filters) -> tuple[str, ...]:
    """The CSAs under the geography filters of ``f``: a neighborhood's CSA, the CSAs of a
    district's neighborhoods (every chosen field at once); () with no geography filter."""
    nbs = matching_neighborhoods(f.geo_only())
    if nbs is None:
        return ()
    stmt = (select(area_link.c.code).where(area_link.c.layer == "csa", area_link.c.neighborhood.in_(nbs))
            .distinct().order_by(area_link.c.code))
    return tuple(r[0] for r in db.execute(stmt).rows)


@cached_query
def area_values(db: Database, version: int, csa: str) -> pd.DataFrame:
    """Every value of one CSA and of the city (``CITY``): indicator, csa, year, value."""
    v = vital_sign_value
    stmt = select(v.c.indicator, v.c.csa, v.c.year, v.c.value).where(v.c.csa.in_(sorted({csa, CITY})))
    return _frame(db, stmt, VALUE_COLUMNS)


@cached_query
def indicator_values(db: Database, version: int, indicator: str) -> pd.DataFrame:
    """Every value of one indicator, every CSA and the city: indicator, csa, year, value."""
    v = vital_sign_value
    stmt = select(v.c.indicator, v.c.csa, v.c.year, v.c.value).where(v.c.indicator == indicator)
    return _frame(db, stmt, VALUE_COLUMNS)


@cached_query
def victims_by_year(db: Database, version: int, csa: str) -> pd.DataFrame:
    """Victims by calendar year and offense group (``violent``, ``property``, ``other``) in one
    CSA, or the whole city for ``CITY``: year, group, victims."""
    t, o = agg_victim_area_year, offense_category
    year = func.extract("year", t.c.y).label("year")
    conds = [t.c.offense != "*"]
    if csa != CITY:
        conds.append(t.c.csa == csa)
    stmt = (select(year, o.c.grp, func.sum(t.c.n)).join(o, o.c.code == t.c.offense).where(*conds)
            .group_by(year, o.c.grp))
    df = _frame(db, stmt, ["year", "group", "victims"])
    return df.astype({"year": "int64", "victims": "int64"}) if len(df) else df


@cached_query
def victim_years(db: Database, version: int) -> tuple[int, int] | None:
    """The first and last calendar years the loaded victims cover whole (None: none)."""
    d = agg_victim_city_daily.c.d
    lo, hi = db.execute(select(func.min(d), func.max(d))).rows[0]
    if lo is None:
        return None
    first = lo.year if (lo.month, lo.day) == (1, 1) else lo.year + 1
    last = hi.year if (hi.month, hi.day) == (12, 31) else hi.year - 1
    return (first, last) if first <= last else None


@cached_query
def area_population(db: Database, version: int, csa: str) -> int | None:
    """Residents of a CSA (or the city) from the boundary layer, None when it has none."""
    layer = "city" if csa == CITY else "csa"
    conds = [geography.c.layer == layer] + ([geography.c.code == csa] if csa != CITY else [])
    rows = db.execute(select(func.sum(geography.c.population)).where(*conds)).rows
    n = rows[0][0] if rows else None
    return int(n) if n else None


# --- pure computations (the page, the API and the tests share them) --------------------------------

def latest_year(values: pd.DataFrame, end_year: int) -> int | None:
    years = values.loc[values["year"] <= end_year, "year"]
    return int(years.max()) if len(years) else None


def profile_rows(values: pd.DataFrame, dictionary: pd.DataFrame, csa: str, end_year: int) -> list[dict]:
    """One row per indicator with a value for ``csa`` up to ``end_year``: its latest such year and
    value, the city's value that year (None when BNIA has none), the first year shown and its value,
    the values by year (``trend``: [[year, value], ...]), and the dictionary's words."""
    v = values[values["year"] <= end_year]
    area = v[v["csa"] == csa]
    city = v[v["csa"] == CITY].set_index(["indicator", "year"])["value"]
    by_ind = {k: g.sort_values("year") for k, g in area.groupby("indicator")}
    out = []
    for r in dictionary.itertuples(index=False):
        g = by_ind.get(r.indicator)
        if g is None or g.empty:
            continue
        year, value = int(g["year"].iloc[-1]), float(g["value"].iloc[-1])
        city_value = city.get((r.indicator, year))
        out.append({"section": r.section, "indicator": r.indicator, "label": r.label, "year": year, "value": value,
                    "city_value": None if city_value is None else float(city_value),
                    "first_year": int(g["year"].iloc[0]), "first_value": float(g["value"].iloc[0]),
                    "trend": [[int(y), float(x)] for y, x in zip(g["year"], g["value"])],
                    "definition": r.definition, "source": r.source})
    return out


def ranking_rows(values: pd.DataFrame, names: dict[str, str], end_year: int,
                 chosen: tuple[str, ...] = ()) -> tuple[int | None, float | None, list[dict]]:
    """(year, the city's value, the CSAs ranked by one indicator's value that year, highest first:
    rank, csa, name, value, chosen). The year is the latest up to ``end_year`` with CSA values."""
    areas = values[values["csa"] != CITY]
    year = latest_year(areas, end_year)
    if year is None:
        return None, None, []
    ys = areas[areas["year"] == year].copy()
    ys["name"] = ys["csa"].map(lambda c: names.get(c, c))
    ys = ys.sort_values(["value", "name"], ascending=[False, True]).reset_index(drop=True)
    city = values[(values["csa"] == CITY) & (values["year"] == year)]["value"]
    rows = [{"rank": k + 1, "csa": r.csa, "name": r.name, "value": float(r.value), "chosen": r.csa in chosen}
            for k, r in enumerate(ys.itertuples(index=False))]
    return year, (float(city.iloc[0]) if len(city) else None), rows


def scatter_rows(x: pd.DataFrame, y: pd.DataFrame, names: dict[str, str], end_year: int,
                 chosen: tuple[str, ...] = ()) -> tuple[int | None, list[dict]]:
    """(year, one row per CSA with both indicators that year: csa, name, x, y, chosen). The year is
    the latest up to ``end_year`` in which CSAs have both."""
    xs = x[(x["csa"] != CITY) & (x["year"] <= end_year)][["csa", "year", "value"]]
    ys = y[(y["csa"] != CITY) & (y["year"] <= end_year)][["csa", "year", "value"]]
    both = xs.merge(ys, on=["csa", "year"], suffixes=("_x", "_y"))
    if both.empty:
        return None, []
    year = int(both["year"].max())
    b = both[both["year"] == year].copy()
    b["name"] = b["csa"].map(lambda c: names.get(c, c))
    b = b.sort_values("name")
    return year, [{"csa": r.csa, "name": r.name, "x": float(r.value_x), "y": float(r.value_y),
                   "chosen": r.csa in chosen} for r in b.itertuples(index=False)]


def crime_rate_rows(values: pd.DataFrame, csa: str, victims: pd.DataFrame, population: int | None,
                    covered: tuple[int, int] | None, end_year: int) -> list[dict]:
    """BNIA's published rates (``CRIME_PAIRS``) beside the dashboard's for one area ``csa``, by year up to
    ``end_year``: year, indicator, bnia_rate, victims, population, population_source, own_rate.
    Victims count only in whole years the loaded data covers (``covered``); the population is the
    boundary layer's when it has one, else BNIA's total population for that year or the latest before."""
    values = values[values["csa"] == csa]
    pops = values[values["indicator"] == POPULATION_INDICATOR].sort_values("year")
    out = []
    for ind, groups in CRIME_PAIRS.items():
        bnia = values[(values["indicator"] == ind) & (values["year"] <= end_year)].sort_values("year")
        for r in bnia.itertuples(index=False):
            year = int(r.year)
            n = None
            if covered and covered[0] <= year <= covered[1]:
                n = int(victims[(victims["year"] == year) & victims["group"].isin(groups)]["victims"].sum())
            pop, source = population, "boundaries"
            if not pop:
                before = pops[pops["year"] <= year]
                pop = int(before["value"].iloc[-1]) if len(before) else (int(pops["value"].iloc[0]) if len(pops) else None)
                source = "bnia" if pop else None
            own = (n / pop * 1000.0) if (n is not None and pop) else None
            out.append({"year": year, "indicator": ind, "bnia_rate": float(r.value), "victims": n, "population": pop,
                        "population_source": source, "own_rate": own})
    return out


def area_of(chosen: tuple[str, ...], pick: str | None, names: dict[str, str]) -> str:
    """The area the profile shows: the picked CSA when it is one of ``chosen`` (or any CSA with no
    geography filter), else the first of ``chosen``; the city when nothing is chosen or picked."""
    if chosen:
        return pick if pick in chosen else chosen[0]
    return pick if pick in names else CITY


def end_year_of(f: Filters) -> int:
    return f.end.year


def years_span(dictionary: pd.DataFrame) -> tuple[int, int] | None:
    if dictionary.empty:
        return None
    return int(dictionary["first_year"].min()), int(dictionary["last_year"].max())


__all__ = ["CITY", "SECTIONS", "CRIME_PAIRS", "DEFAULT_RANK", "DEFAULT_X", "DEFAULT_Y", "indicators", "csa_names",
           "filter_csas", "area_values", "indicator_values", "victims_by_year", "victim_years", "area_population",
           "profile_rows", "ranking_rows", "scatter_rows", "crime_rate_rows", "area_of", "end_year_of", "years_span",
           "latest_year"]
