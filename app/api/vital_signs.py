"""The Neighborhood Stat page's endpoints under ``/api/v1`` (issue 15): BNIA Vital Signs.

Computed as the page computes them (``callbacks.neighborhood_stat``): the pure functions of
``data_access.vital_signs`` over its cached queries. The geography filters choose the CSAs (as on
the page); the dates choose the latest year shown (each indicator's latest up to the end date).
"""

from __future__ import annotations

import pandas as pd
from flask import request

from app.api.export import FORMAT, answer, file_name, rows_of
from app.api.params import Endpoint, Param, bad, endpoint, filters, meta, read
from app.context import services
from app.i18n import _
from data_access import vital_signs as V

OFFENSE = "is accepted and ignored, as on the page (BNIA's indicators have no offense)"
CSA = Param("csa", "A CSA code (as listed by `/map/areas?layer=csa`), or `city`. Without it: the first CSA under "
                   "the geography filters, or the city with none. A CSA outside the geography filters is refused.")
INDICATOR = Param("indicator", "An indicator code of `/vital-signs/indicators`.", default=V.DEFAULT_RANK)
X = Param("x", "The indicator across (an indicator code).", default=V.DEFAULT_X)
Y = Param("y", "The indicator up (an indicator code).", default=V.DEFAULT_Y)

INDICATORS = Endpoint(
    "/vital-signs/indicators",
    "BNIA's indicator dictionary, in the page's order: `indicator`, `label`, `section`, `source`, "
    "`normalization_source`, `definition`, `years_available` (as BNIA lists them) and `first_year`/`last_year` "
    "(the years loaded).",
    params=(FORMAT,), filters=False)
PROFILE = Endpoint(
    "/vital-signs/profile",
    "The profile of one CSA (or the city): one row per indicator with a value up to the end date: `section`, "
    "`indicator`, `label`, `year` (its latest), `value`, `city_value` (the city's that year), `first_year`, "
    "`first_value`, `trend` (`year:value` pairs, `;`-separated), `definition`, `source`; with `csa` and `area_name`.",
    params=(CSA, FORMAT), offense=OFFENSE)
CRIME = Endpoint(
    "/vital-signs/crime-rates",
    "BNIA's published crime rates beside this dashboard's for one CSA (or the city), by year up to the end "
    "date: `year`, `indicator`, `bnia_rate`, `victims` (Part 1 victims in the area that year, null outside "
    "the whole years loaded), `population`, `population_source` (`boundaries` or `bnia`), `own_rate` (per 1,000); with `csa` and `area_name`.",
    params=(CSA, FORMAT), offense=OFFENSE)
RANKING = Endpoint(
    "/vital-signs/ranking",
    "Every CSA ranked by one indicator, highest first, in its latest year up to the end date: `rank`, `csa`, "
    "`name`, `value`, `chosen` (highlighted as on the page: the CSAs under the geography filters, or else the "
    "CSA of `csa`); with `year`, `city_value` and `csa`.",
    params=(INDICATOR, CSA, FORMAT), offense=OFFENSE)
SCATTER = Endpoint(
    "/vital-signs/scatter",
    "Every CSA's values of two indicators in the latest year up to the end date in which CSAs have both: "
    "`csa`, `name`, `x`, `y`, `chosen` (highlighted as on the page, as in `/vital-signs/ranking`); with `year` "
    "and `csa`.",
    params=(X, Y, CSA, FORMAT), offense=OFFENSE)

INDICATOR_COLUMNS = rows_of(INDICATORS, ["indicator", "label", "section", "source", "normalization_source",
                                         "definition", "years_available", "first_year", "last_year"])
PROFILE_COLUMNS = rows_of(PROFILE, ["section", "indicator", "label", "year", "value", "city_value", "first_year",
                                    "first_value", "trend", "definition", "source"])
CRIME_COLUMNS = rows_of(CRIME, ["year", "indicator", "bnia_rate", "victims", "population", "population_source",
                                "own_rate"])
RANKING_COLUMNS = rows_of(RANKING, ["rank", "csa", "name", "value", "chosen"])
SCATTER_COLUMNS = rows_of(SCATTER, ["csa", "name", "x", "y", "chosen"])


def _dictionary():
    d = V.indicators(services().db)
    if d.empty:
        from app.api.params import ApiError

        raise ApiError(404, _("No BNIA Vital Signs are loaded."))
    return d


def _indicator(name: str, value: str, known: set[str]) -> str:
    if value not in known:
        raise bad(name, _("{name}=“{value}” is not an indicator code (see /api/v1/vital-signs/indicators).").format(
            name=name, value=value), value)
    return value


def _area(f) -> tuple[str, tuple[str, ...], dict]:
    db = services().db
    names = V.csa_names(db)
    chosen = V.filter_csas(db, f)
    raw = request.args.get("csa")
    if raw is None or raw == "":
        return V.area_of(chosen, None, names), chosen, names
    code = V.CITY if raw.lower() == "city" else raw
    if code != V.CITY and code not in names:
        raise bad("csa", _("csa=“{value}” is not a CSA code (see /api/v1/map/areas?layer=csa).").format(value=raw), raw)
    if chosen and code not in chosen:
        raise bad("csa", _("csa=“{value}” is not among the CSAs under the geography filters.").format(value=raw), raw)
    return code, chosen, names


@endpoint(INDICATORS)
def vital_signs_indicators():
    args = read(INDICATORS)
    d = _dictionary()
    rows = [{c: (None if pd.isna(v) else v) for c, v in zip(INDICATOR_COLUMNS, r)}
            for r in d[list(INDICATOR_COLUMNS)].itertuples(index=False, name=None)]
    return answer(args["format"], INDICATOR_COLUMNS, rows, "vital-signs-indicators.csv")


@endpoint(PROFILE)
def vital_signs_profile():
    args = read(PROFILE)
    f, state = filters(PROFILE)
    d = _dictionary()
    csa, _chosen, names = _area(f)
    rows = V.profile_rows(V.area_values(services().db, csa), d, csa, V.end_year_of(f))
    for r in rows:
        r["trend"] = ";".join(f"{y}:{v:g}" for y, v in r["trend"])
    return answer(args["format"], PROFILE_COLUMNS, rows, file_name("vital-signs-profile", f), csa=csa,
                  area_name="Baltimore City" if csa == V.CITY else names.get(csa, csa), **meta(f, state))


@endpoint(CRIME)
def vital_signs_crime_rates():
    args = read(CRIME)
    f, state = filters(CRIME)
    _dictionary()
    db = services().db
    csa, _chosen, names = _area(f)
    rows = V.crime_rate_rows(V.area_values(db, csa), csa, V.victims_by_year(db, csa), V.area_population(db, csa),
                             V.victim_years(db), V.end_year_of(f))
    return answer(args["format"], CRIME_COLUMNS, rows, file_name("vital-signs-crime-rates", f), csa=csa,
                  area_name="Baltimore City" if csa == V.CITY else names.get(csa, csa), **meta(f, state))


@endpoint(RANKING)
def vital_signs_ranking():
    args = read(RANKING)
    f, state = filters(RANKING)
    d = _dictionary()
    indicator = _indicator("indicator", args["indicator"], set(d["indicator"]))
    db = services().db
    csa, chosen, names = _area(f)
    year, city, rows = V.ranking_rows(V.indicator_values(db, indicator), names, V.end_year_of(f),
                                      V.highlight_of(chosen, csa))
    return answer(args["format"], RANKING_COLUMNS, rows, file_name(f"vital-signs-ranking-{indicator}", f),
                  indicator=indicator, year=year, city_value=city, csa=csa, **meta(f, state))


@endpoint(SCATTER)
def vital_signs_scatter():
    args = read(SCATTER)
    f, state = filters(SCATTER)
    d = _dictionary()
    known = set(d["indicator"])
    x, y = _indicator("x", args["x"], known), _indicator("y", args["y"], known)
    db = services().db
    csa, chosen, names = _area(f)
    year, rows = V.scatter_rows(V.indicator_values(db, x), V.indicator_values(db, y), names,
                                V.end_year_of(f), V.highlight_of(chosen, csa))
    return answer(args["format"], SCATTER_COLUMNS, rows, file_name("vital-signs-scatter", f), x=x, y=y, year=year,
                  csa=csa, **meta(f, state))
