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
from sqlalchemy import func, or_, select
from sqlalchemy.exc import ProgrammingError

from data_access.cache import cached_query
from data_access.db import Database
from data_access.demographics import matching_neighborhoods
from data_access.filters import Filters
from data_access.schema import (
    agg_victim_area_year,
    agg_victim_city_daily,
    agg_victim_city_month,
    area_link,
    geography,
    offense_category,
)
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
    """The dictionary, with each indicator's first and last year of the city's values (BNIA publishes
    the city beside every CSA), in section order (``SECTIONS``) then BNIA's order; indicators with
    no value at all are left out."""
    i, v = vital_sign_indicator, vital_sign_value
    # the city's rows only (the (csa, indicator) index): a fiftieth of the table
    span = (select(v.c.indicator, func.min(v.c.year).label("first_year"), func.max(v.c.year).label("last_year"))
            .where(v.c.csa == CITY).group_by(v.c.indicator).subquery())
    has_values = select(v.c.indicator).where(v.c.indicator == i.c.indicator).exists()
    stmt = (select(i.c.indicator, i.c.label, i.c.section, i.c.source, i.c.normalization_source, i.c.definition,
                   i.c.years_available, i.c.sort, span.c.first_year, span.c.last_year)
            .outerjoin(span, span.c.indicator == i.c.indicator).where(has_values))
    try:
        rows = db.execute(stmt).rows
    except ProgrammingError:  # a database migrated before these tables existed
        rows = []
    # sorted as plain tuples, then one frame built column by column, the years straight into
    # nullable integers: a cold page update pays for every pandas step (a frame of tuples and then
    # astype took twice as long)
    order = {s: k for k, s in enumerate(SECTIONS)}
    rows = sorted(rows, key=lambda r: (order.get(r[2], len(SECTIONS)), r[2], r[7]))
    if not rows:
        return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    columns = list(zip(*rows))
    return pd.DataFrame({name: (pd.array(col, dtype="Int64") if name in ("first_year", "last_year") else list(col))
                         for name, col in zip(INDICATOR_COLUMNS, columns)})


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
def page_values(db: Database, version: int, csa: str, indicators: tuple[str, ...]) -> dict:
    """What the page's update reads of the values, in one round trip: ``"area"``, the rows of one
    CSA and of the city (``area_values``), and ``"by_indicator"``, each of ``indicators``' rows
    (``indicator_values``), as (indicator, csa, year, value) tuples the pure functions below take
    like the frames."""
    v = vital_sign_value
    areas = sorted({csa, CITY})
    stmt = select(v.c.indicator, v.c.csa, v.c.year, v.c.value).where(
        or_(v.c.csa.in_(areas), v.c.indicator.in_(sorted(set(indicators)))))
    try:
        rows = db.execute(stmt).rows
    except ProgrammingError:  # a database migrated before these tables existed
        rows = []
    wanted = set(indicators)
    area: list = []
    by: dict = {ind: [] for ind in indicators}
    for r in rows:
        rec = (r[0], r[1], r[2], r[3])
        if r[1] in areas:
            area.append(rec)
        if r[0] in wanted:
            by[r[0]].append(rec)
    return {"area": area, "by_indicator": by}


@cached_query
def victims_by_year(db: Database, version: int, csa: str) -> pd.DataFrame:
    """Victims by calendar year and offense group (``violent``, ``property``, ``other``) in one
    CSA, or the whole city for ``CITY`` (from the citywide monthly table, a hundredth the size):
    year, group, victims."""
    o = offense_category
    if csa == CITY:
        t = agg_victim_city_month
        year = func.extract("year", t.c.m).label("year")
        conds = []
    else:
        t = agg_victim_area_year
        year = func.extract("year", t.c.y).label("year")
        conds = [t.c.offense != "*", t.c.csa == csa]
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


def _records(values):
    """(indicator, csa, year, value) tuples: plain Python is faster than pandas on a few thousand rows.
    ``values``: a frame of ``VALUE_COLUMNS`` or such tuples already (``page_values``)."""
    if not isinstance(values, pd.DataFrame):
        return values
    return zip(values["indicator"].tolist(), values["csa"].tolist(), values["year"].tolist(), values["value"].tolist())


def profile_rows(values: pd.DataFrame, dictionary: pd.DataFrame, csa: str, end_year: int) -> list[dict]:
    """One row per indicator with a value for ``csa`` up to ``end_year``: its latest such year and
    value, the city's value that year (None when BNIA has none), the first year shown and its value,
    the values by year (``trend``: [[year, value], ...]), and the dictionary's words."""
    area: dict[str, list] = {}
    city: dict[tuple, float] = {}
    for ind, c, year, value in _records(values):
        if year > end_year:
            continue
        if c == csa:
            area.setdefault(ind, []).append((int(year), float(value)))
        if c == CITY:
            city[(ind, int(year))] = float(value)
    out = []
    cols = ("indicator", "section", "label", "definition", "source")
    for ind, section, label, definition, source in zip(*(dictionary[c].tolist() for c in cols)):
        series = area.get(ind)
        if not series:
            continue
        series.sort()
        year, value = series[-1]
        out.append({"section": section, "indicator": ind, "label": label, "year": year, "value": value,
                    "city_value": city.get((ind, year)), "first_year": series[0][0], "first_value": series[0][1],
                    "trend": [[y, v] for y, v in series], "definition": definition, "source": source})
    return out


def ranking_rows(values: pd.DataFrame, names: dict[str, str], end_year: int,
                 chosen: tuple[str, ...] = ()) -> tuple[int | None, float | None, list[dict]]:
    """(year, the city's value, the CSAs ranked by one indicator's value that year, highest first:
    rank, csa, name, value, chosen). The year is the latest up to ``end_year`` with CSA values."""
    recs = [(c, int(y), float(v)) for _i, c, y, v in _records(values) if y <= end_year]
    years = [y for c, y, _v in recs if c != CITY]
    if not years:
        return None, None, []
    year = max(years)
    city = next((v for c, y, v in recs if c == CITY and y == year), None)
    ranked = sorted(((names.get(c, c), c, v) for c, y, v in recs if c != CITY and y == year),
                    key=lambda t: (-t[2], t[0]))
    rows = [{"rank": k + 1, "csa": c, "name": name, "value": v, "chosen": c in chosen}
            for k, (name, c, v) in enumerate(ranked)]
    return year, city, rows


def scatter_rows(x: pd.DataFrame, y: pd.DataFrame, names: dict[str, str], end_year: int,
                 chosen: tuple[str, ...] = ()) -> tuple[int | None, list[dict]]:
    """(year, one row per CSA with both indicators that year: csa, name, x, y, chosen). The year is
    the latest up to ``end_year`` in which CSAs have both."""
    xs = {(c, int(yr)): float(v) for _i, c, yr, v in _records(x) if c != CITY and yr <= end_year}
    both = {(c, int(yr)): (xs[(c, int(yr))], float(v)) for _i, c, yr, v in _records(y)
            if c != CITY and yr <= end_year and (c, int(yr)) in xs}
    if not both:
        return None, []
    year = max(yr for _c, yr in both)
    pts = sorted(((names.get(c, c), c, xy) for (c, yr), xy in both.items() if yr == year), key=lambda t: t[0])
    return year, [{"csa": c, "name": name, "x": xy[0], "y": xy[1], "chosen": c in chosen} for name, c, xy in pts]


def crime_rate_rows(values: pd.DataFrame, csa: str, victims: pd.DataFrame, population: int | None,
                    covered: tuple[int, int] | None, end_year: int) -> list[dict]:
    """BNIA's published rates (``CRIME_PAIRS``) beside the dashboard's for one area ``csa``, by year up to
    ``end_year``: year, indicator, bnia_rate, victims, population, population_source, own_rate.
    Victims count only in whole years the loaded data covers (``covered``); the population is the
    boundary layer's when it has one, else BNIA's total population for that year or the latest before."""
    series: dict[str, list] = {}
    for ind, c, year, value in _records(values):
        if c == csa and (ind in CRIME_PAIRS or ind == POPULATION_INDICATOR):
            series.setdefault(ind, []).append((int(year), float(value)))
    pops = sorted(series.get(POPULATION_INDICATOR, []))
    counts: dict[tuple, int] = {}
    for year, group, n in zip(victims["year"].tolist(), victims["group"].tolist(), victims["victims"].tolist()):
        counts[(int(year), group)] = counts.get((int(year), group), 0) + int(n)
    out = []
    for ind, groups in CRIME_PAIRS.items():
        for year, rate in sorted(series.get(ind, [])):
            if year > end_year:
                continue
            n = None
            if covered and covered[0] <= year <= covered[1]:
                n = sum(counts.get((year, g), 0) for g in groups)
            pop, source = population, "boundaries"
            if not pop:
                before = [v for y, v in pops if y <= year]
                pop = int(before[-1]) if before else (int(pops[0][1]) if pops else None)
                source = "bnia" if pop else None
            own = (n / pop * 1000.0) if (n is not None and pop) else None
            out.append({"year": year, "indicator": ind, "bnia_rate": rate, "victims": n, "population": pop,
                        "population_source": source, "own_rate": own})
    return out


def area_of(chosen: tuple[str, ...], pick: str | None, names: dict[str, str]) -> str:
    """The area the profile shows: the picked CSA when it is one of ``chosen`` (or any CSA with no
    geography filter), else the first of ``chosen``; the city when nothing is chosen or picked."""
    if chosen:
        return pick if pick in chosen else chosen[0]
    return pick if pick in names else CITY


def highlight_of(chosen: tuple[str, ...], csa: str) -> tuple[str, ...]:
    """The CSAs the ranking and the scatter highlight (page and API alike): those under the
    geography filters, or else the profiled CSA (none for the city)."""
    return tuple(chosen) or ((csa,) if csa != CITY else ())


def end_year_of(f: Filters) -> int:
    return f.end.year


def years_span(dictionary: pd.DataFrame) -> tuple[int, int] | None:
    if dictionary.empty:
        return None
    return int(dictionary["first_year"].min()), int(dictionary["last_year"].max())


__all__ = ["CITY", "SECTIONS", "CRIME_PAIRS", "DEFAULT_RANK", "DEFAULT_X", "DEFAULT_Y", "indicators", "csa_names",
           "filter_csas", "area_values", "indicator_values", "page_values", "victims_by_year", "victim_years", "area_population",
           "profile_rows", "ranking_rows", "scatter_rows", "crime_rate_rows", "area_of", "end_year_of", "years_span",
           "latest_year"]
