"""Database tests for the Demographics, Arrests and Case pages: every number the queries return
equals an independent pandas computation over the raw rows of the demo database, and the
demographic tables obey the suppression rule for every enumerated filter combination."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from data_access import demographics as D
from data_access.filters import Filters
from data_access.schema import area_link, arrest, case_charge, geography, sao_case, victim

BIG = 10**7


@pytest.fixture(scope="module")
def raw(demo_url):
    from data_access.db import Database

    db = Database(demo_url, row_cap=BIG)  # whole tables: past PSAD_ROW_CAP, which a call cannot raise
    out = {
        "victims": db.frame(select(victim.c.occurred_date, victim.c.offense, victim.c.police_district,
                                   victim.c.neighborhood, victim.c.council_district, victim.c.cc_number, victim.c.victim_age.label("age"),
                                   victim.c.victim_sex.label("sex"), victim.c.victim_race.label("race"),
                                   victim.c.victim_ethnicity.label("ethnicity"))),
        "arrests": db.frame(select(arrest.c.arrest_number, arrest.c.arrest_date, arrest.c.police_district,
                                   arrest.c.neighborhood, arrest.c.charge_category, arrest.c.charge,
                                   arrest.c.charge_description, arrest.c.offense, arrest.c.cc_number, arrest.c.age,
                                   arrest.c.sex, arrest.c.race, arrest.c.ethnicity)),
        "cases": db.frame(select(sao_case)),
        "charges": db.frame(select(case_charge)),
        "geo": db.frame(select(geography.c.layer, geography.c.code, geography.c.population)),
        "links": db.frame(select(area_link)),
    }
    for name, col in (("victims", "occurred_date"), ("arrests", "arrest_date")):
        out[name][col] = pd.to_datetime(out[name][col])
    db.dispose()
    return out


def age_band(age: pd.Series) -> pd.Series:
    a = pd.to_numeric(age, errors="coerce")
    bands = pd.cut(a, [-0.5, 17.5, 24.5, 34.5, 44.5, 54.5, 120.5],
                   labels=["Under 18", "18-24", "25-34", "35-44", "45-54", "55+"]).astype(object)
    return bands.where(bands.notna(), "Unknown")


def truth_tables(df: pd.DataFrame, date_col: str, years: tuple[int, int], district: str | None,
                 offense: str | None) -> dict[str, dict[str, int]]:
    return truth_geo(df, date_col, years, {"police_district": [district] if district else []}, offense)


def truth_geo(df, date_col, years, geo: dict, offense):
    m = df[date_col].dt.year.between(*years)
    for field, values in geo.items():
        if values:
            m &= df[field].isin(values)
    if offense:
        m &= df.offense == offense
    rows = df[m]
    dims = {"age_band": age_band(rows.age), "sex": rows.sex.fillna("Unknown"),
            "race": rows.race.fillna("Unknown"), "ethnicity": rows.ethnicity.fillna("Unknown")}
    return {d: s.value_counts().to_dict() for d, s in dims.items()}


@given(data=st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
def test_random_views_and_a_neighbour_never_reveal_a_small_group(db, raw, areas, data):
    y0 = data.draw(st.integers(2021, 2025))
    years = (y0, data.draw(st.integers(y0, min(y0 + 1, 2025))))
    geo = {field: tuple(data.draw(st.lists(st.sampled_from(values), max_size=2, unique=True)))
           for field, values in areas.items()}
    offense = data.draw(st.sampled_from([None, "homicide", "shooting", "agg_assault", "robbery_street"]))
    # One step away: toggle one value of one field, or move a year edge.
    move = data.draw(st.sampled_from(["geo", "offense", "year"]))
    geo2, offense2, years2 = dict(geo), offense, years
    if move == "geo":
        field = data.draw(st.sampled_from(sorted(areas)))
        value = data.draw(st.sampled_from(areas[field]))
        geo2[field] = tuple(sorted(set(geo[field]) ^ {value}))
    elif move == "offense":
        offense2 = None if offense else "shooting"
    else:
        years2 = (years[0], years[1] + 1) if years[1] < 2026 else (years[0] - 1, years[1])

    def shown(years_, geo_, offense_):
        f = Filters(date(years_[0], 1, 1), date(years_[1], 12, 31), **{k: v for k, v in geo_.items()},
                    offense=(offense_,) if offense_ else ())
        return D.demographics.uncached(db, f, "victims")

    a, b = shown(years, geo, offense), shown(years2, geo2, offense2)
    truth = truth_geo(raw["victims"], "occurred_date", years, geo, offense)
    for dim in D.DIMENSIONS:
        for cell in a.tables[dim].cells:
            n = truth[dim].get(cell.category, 0)
            if cell.shown:
                assert cell.value == n and not 1 <= n <= 4
        for x, y in zip(a.tables[dim].cells, b.tables[dim].cells):
            if x.shown and y.shown:
                assert not 1 <= abs(x.value - y.value) <= 4, (years, geo, offense, move, dim, x, y)
