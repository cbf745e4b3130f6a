"""Arrests page queries: over time, by charge category and area, rates, top charges, clearance.

Counts come from ``agg_arrest_daily`` (day x charge category x geography); the clearance view
from ``agg_gun_incident`` / ``agg_gun_arrest`` (see data_access.aggregates). The offense filter
does not apply to arrests (an arrest's charge is not a Part 1 offense category).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Date, cast, func, select

from data_access.cache import cached_query
from data_access.conditions import geo_conditions, has_geo
from data_access.db import Database
from data_access.demographics import matching_neighborhoods
from data_access.filters import Filters
from data_access.population import with_population
from data_access.schema import agg_arrest_daily, agg_gun_arrest, agg_gun_incident, arrest, geography
from data_access.text import N_
from data_access.vocabulary import ARREST_LINKS

CLEARANCE_OFFENSES = ("homicide", "shooting")
LINKS = ARREST_LINKS.codes  # the clearance columns
# A top charge whose arrests carry no charge text (a page shows it with ``_(NO_CHARGE_TEXT)``).
NO_CHARGE_TEXT = N_("(no charge text)")



def arrest_grain(f: Filters) -> str:
    return "week" if f.days <= 190 else "month"


@cached_query
def over_time(db: Database, version: int, f: Filters, grain: str) -> pd.DataFrame:
    """Arrests per period and charge category. Columns: period, charge_category, n."""
    t = agg_arrest_daily
    period = cast(func.date_trunc(grain, t.c.d), Date).label("period")
    cat = func.coalesce(t.c.charge_category, "other").label("charge_category")
    stmt = (select(period, cat, func.sum(t.c.n).label("n"))
            .where(t.c.d.between(f.start, f.end), *geo_conditions(t, f)).group_by(period, cat).order_by(period))
    df = db.frame(stmt)
    return df.astype({"n": "int64"}) if len(df) else pd.DataFrame({"period": [], "charge_category": [], "n": []})


@cached_query
def by_category(db: Database, version: int, f: Filters) -> pd.DataFrame:
    t = agg_arrest_daily
    cat = func.coalesce(t.c.charge_category, "other").label("charge_category")
    df = db.frame(select(cat, func.sum(t.c.n).label("n")).where(t.c.d.between(f.start, f.end), *geo_conditions(t, f))
                  .group_by(cat))
    return df.astype({"n": "int64"}) if len(df) else pd.DataFrame({"charge_category": [], "n": []})


def area_field(f: Filters) -> str:
    """Neighborhoods once the view is inside a district or a few neighborhoods; else districts."""
    return "neighborhood" if has_geo(f) else "police_district"


@cached_query
def by_area(db: Database, version: int, f: Filters, field: str) -> pd.DataFrame:
    """Arrests per area with residents. Columns: area, n, population (None when unknown).

    Police districts are counted under the map in force on each arrest's date and their
    residents are the 2023 map's (the map in force today)."""
    t = agg_arrest_daily
    df = db.frame(select(t.c[field].label("area"), func.sum(t.c.n).label("n"))
                  .where(t.c.d.between(f.start, f.end), t.c[field].isnot(None), *geo_conditions(t, f))
                  .group_by(t.c[field]))
    if df.empty:
        return pd.DataFrame({"area": [], "n": [], "population": []})
    df = with_population(db, df, field)
    return df.astype({"n": "int64"}).sort_values("n", ascending=False).reset_index(drop=True)


@cached_query
def residents(db: Database, version: int, f: Filters) -> int | None:
    """Residents of the filtered area: the neighborhoods inside every chosen area."""
    nbs = matching_neighborhoods(f.geo_only())
    g = geography
    if nbs is None:
        stmt = select(func.sum(g.c.population)).where(g.c.layer == "city")
    else:
        stmt = select(func.sum(g.c.population)).where(g.c.layer == "neighborhood", g.c.code.in_(nbs))
    value = db.execute(stmt).scalar()
    return int(value) if value is not None else None


@cached_query
def top_charges(db: Database, version: int, f: Filters, limit: int = 15) -> pd.DataFrame:
    """The most common arrest charges, raw charge text beside its normalized category.
    Columns: charge_category, charge, charge_description, n."""
    t = arrest
    cat = func.coalesce(t.c.charge_category, "other").label("charge_category")
    desc = func.coalesce(t.c.charge_description, NO_CHARGE_TEXT).label("charge_description")
    stmt = (select(cat, t.c.charge, desc, func.count().label("n"))
            .where(t.c.arrest_date.between(f.start, f.end), *geo_conditions(t, f))
            .group_by(cat, t.c.charge, desc).order_by(func.count().desc(), desc).limit(limit))
    df = db.frame(stmt)
    return df.astype({"n": "int64"}) if len(df) else pd.DataFrame(
        {"charge_category": [], "charge": [], "charge_description": [], "n": []})


@cached_query
def clearance(db: Database, version: int, f: Filters) -> pd.DataFrame:
    """Per calendar year the filters' dates touch and per offense (homicide, shooting):
    incidents, incidents with a same-year arrest, and arrests split by when their incident
    happened. Columns: year, offense, incidents, cleared_same_year, cleared_by_now,
    same_year, earlier_year, unlinked."""
    years = list(range(f.start.year, f.end.year + 1))
    i, a = agg_gun_incident, agg_gun_arrest
    inc = db.frame(select(i.c.year, i.c.offense, func.sum(i.c.incidents).label("incidents"),
                          func.sum(i.c.cleared_same_year).label("cleared_same_year"),
                          func.sum(i.c.cleared_by_now).label("cleared_by_now"))
                   .where(i.c.year.in_(years), *geo_conditions(i, f)).group_by(i.c.year, i.c.offense))
    arr = db.frame(select(a.c.year, a.c.offense, a.c.link, func.sum(a.c.n).label("n"))
                   .where(a.c.year.in_(years), *geo_conditions(a, f)).group_by(a.c.year, a.c.offense, a.c.link))
    grid = pd.DataFrame([(y, o) for y in years for o in CLEARANCE_OFFENSES], columns=["year", "offense"])
    out = grid.merge(inc, on=["year", "offense"], how="left") if len(inc) else grid.assign(
        incidents=0, cleared_same_year=0, cleared_by_now=0)
    if len(arr):
        wide = arr.pivot_table(index=["year", "offense"], columns="link", values="n", aggfunc="sum")
        wide = wide.reindex(columns=list(LINKS)).reset_index()
        out = out.merge(wide, on=["year", "offense"], how="left")
    for c in ("incidents", "cleared_same_year", "cleared_by_now", *LINKS):
        if c not in out:
            out[c] = 0
        out[c] = out[c].fillna(0).astype("int64")
    return out[["year", "offense", "incidents", "cleared_same_year", "cleared_by_now", *LINKS]]


__all__ = ["over_time", "by_category", "by_area", "residents", "top_charges", "clearance",
           "arrest_grain", "area_field"]
