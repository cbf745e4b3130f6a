"""Demographics queries: victims and arrestees by age band, sex, race and ethnicity, suppressed.

Reads the month-grain pre-aggregates ``agg_victim_demo`` / ``agg_arrest_demo`` and the synthetic
or census ``population_group`` table. What leaves this module is already suppressed
(``data_access.suppression``): raw small counts never reach a cache, a page or the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, cast, func, select, true, tuple_

from data_access import suppression as S
from data_access.cache import cached_query
from data_access.db import Database
from data_access.filters import FILTER_FIELDS, GEO_FIELDS, Filters
from data_access.schema import agg_arrest_demo, agg_victim_demo, area_link, population_group
from data_access.vocabulary import DEMOGRAPHIC_CATEGORIES, DEMOGRAPHIC_DIMENSIONS

DIMENSIONS = DEMOGRAPHIC_DIMENSIONS.codes  # the demographic columns of the aggregates
DATASETS = ("victims", "arrests")


@dataclass(frozen=True)
class Demographics:
    dataset: str
    first_year: int
    last_year: int
    total: int
    tables: dict  # dimension -> suppression.Table


def _table(dataset: str):
    return agg_victim_demo if dataset == "victims" else agg_arrest_demo


def _fields(dataset: str) -> tuple[str, ...]:
    return GEO_FIELDS + (("offense",) if dataset == "victims" else ())


def _ok(t, f: Filters, field: str):
    values = getattr(f, field)
    return t.c[field].in_(values) if values else true()


def _order(dim: str, seen) -> list[str]:
    base = list(DEMOGRAPHIC_CATEGORIES[dim])
    return base + sorted(c for c in seen if c not in base)


def _grouped(db: Database, t, keys: dict, conds) -> dict:
    """{key name: {dimension: {key value: {category: n}}}} in one scan: GROUPING SETS over
    (key, dimension) for every key and dimension; rows whose key is NULL are left out."""
    cols = [t.c[d] for d in DIMENSIONS]
    names = list(keys)
    flags = [func.grouping(keys[k]).label(f"g_{i}") for i, k in enumerate(names)]
    stmt = (select(*[keys[k].label(f"k_{i}") for i, k in enumerate(names)], *flags, *cols,
                   func.sum(t.c.n).label("n")).where(*conds)
            .group_by(func.grouping_sets(*[tuple_(keys[k], c) for k in names for c in cols])))
    out: dict = {k: {d: {} for d in DIMENSIONS} for k in names}
    nk = len(names)
    for row in db.execute(stmt).rows:
        key_values, grouping, cats, n = row[:nk], row[nk:2 * nk], row[2 * nk:-1], int(row[-1])
        i = next(j for j, g in enumerate(grouping) if g == 0)  # the key this row is grouped by
        if key_values[i] is None:
            continue
        for d, c in zip(DIMENSIONS, cats):
            if c is not None:
                out[names[i]][d].setdefault(key_values[i], {})[c] = n
    return out


@cached_query
def demographics(db: Database, version: int, f: Filters, dataset: str) -> Demographics:
    """Suppressed one-way tables for the whole calendar years the filters' dates touch."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}")
    t = _table(dataset)
    first, last = S.year_span(f.start, f.end)
    lo, hi = S.add_years(first, -1), date(last.year + 1, 12, 1)
    fields = _fields(dataset)
    all_ok = [_ok(t, f, x) for x in fields]
    year = cast(func.date_trunc("year", t.c.m), Date)
    months = _grouped(db, t, {"year": year}, [t.c.m.between(lo, hi), *all_ok])["year"]
    in_years = t.c.m.between(first, date(last.year, 12, 1))
    # Fields with no selection share one WHERE (every filter), so one scan serves them all; a
    # field with a selection is grouped without its own filter.
    open_fields = [x for x in fields if not getattr(f, x)]
    per_field = _grouped(db, t, {x: t.c[x] for x in open_fields}, [in_years, *all_ok]) if open_fields else {}
    for x in fields:
        if getattr(f, x):
            others = [_ok(t, f, y) for y in fields if y != x]
            per_field[x] = _grouped(db, t, {x: t.c[x]}, [in_years, *others])[x]
    tables = {}
    total = 0
    for d in DIMENSIONS:
        by_month = {m.isoformat(): c for m, c in months[d].items()}
        view: dict[str, int] = {}
        for m, counts in by_month.items():
            if first.isoformat() <= m <= last.isoformat():
                for c, n in counts.items():
                    view[c] = view.get(c, 0) + n
        diffs = S.neighbour_diffs(view, {x: per_field[x][d] for x in fields},
                                  {x: getattr(f, x) for x in fields}, by_month,
                                  first.isoformat(), last.isoformat())
        tables[d] = S.suppress(view, diffs, order=_order(d, view))
        total = sum(view.values())
    return Demographics(dataset, first.year, last.year, total, tables)


def matching_neighborhoods(f: Filters):
    """Neighborhood codes inside every chosen area (police district under either map), as a
    subquery; None when no geography is chosen (the whole city)."""
    conds = []
    if f.neighborhood:
        conds.append(area_link.c.neighborhood.in_(f.neighborhood))
    layers = {f.name: f.area_layers for f in FILTER_FIELDS if f.geo and f.name != "neighborhood"}
    for field, lays in layers.items():
        values = getattr(f, field)
        if values:
            conds.append(area_link.c.neighborhood.in_(
                select(area_link.c.neighborhood).where(area_link.c.layer.in_(lays), area_link.c.code.in_(values))))
    if not conds:
        return None
    return select(area_link.c.neighborhood).where(and_(*conds)).distinct()


@cached_query
def population(db: Database, version: int, f: Filters) -> dict:
    """{dimension: {category: residents}} for the filtered area (latest year), {} when unknown."""
    p = population_group
    nbs = matching_neighborhoods(f.geo_only())
    if nbs is None:
        where = [p.c.layer == "city"]
    else:
        where = [p.c.layer == "neighborhood", p.c.code.in_(nbs)]
    year = select(func.max(p.c.year)).where(*where).scalar_subquery()
    stmt = (select(p.c.dimension, p.c.category, func.sum(p.c.population))
            .where(*where, p.c.year == year).group_by(p.c.dimension, p.c.category))
    out: dict = {}
    for dim, cat, n in db.execute(stmt).rows:
        out.setdefault(dim, {})[cat] = int(n)
    return out


__all__ = ["Demographics", "demographics", "population", "matching_neighborhoods", "DIMENSIONS",
           "DATASETS"]
