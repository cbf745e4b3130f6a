"""Database tests for the Demographics, Arrests and Case pages: every number the queries return
equals an independent pandas computation over the raw rows of the demo database, and the
demographic tables obey the suppression rule for every enumerated filter combination."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from data_access import arrests as A
from data_access import cases as C
from data_access import demographics as D
from data_access.filters import Filters
from data_access.schema import area_link, arrest, case_charge, geography, sao_case, victim
from tests.conftest import DEMO_END

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


SPANS = [(2022, 2022), (2023, 2023), (2024, 2024), (2025, 2025), (2022, 2023), (2023, 2024), (2024, 2025)]
DISTRICTS = (None, "Western", "Eastern", "Central", "Northern")
OFFENSES = (None, "homicide", "shooting", "robbery_carjacking")


def view_filters(span, district, offense) -> Filters:
    return Filters(date(span[0], 3, 5), date(span[1], 10, 20),  # inner dates: whole years are counted
                   police_district=(district,) if district else (), offense=(offense,) if offense else ())


def neighbours(view):
    (y0, y1), district, offense = view
    if district is None:
        yield from (((y0, y1), d, offense) for d in DISTRICTS if d)
    else:
        yield ((y0, y1), None, offense)
    if offense is None:
        yield from (((y0, y1), district, o) for o in OFFENSES if o)
    else:
        yield ((y0, y1), district, None)
    for a, b in ((y0 - 1, y1), (y0 + 1, y1), (y0, y1 - 1), (y0, y1 + 1)):
        if a <= b:
            yield ((a, b), district, offense)


@pytest.mark.parametrize("dataset", ["victims", "arrests"])
def test_demographics_equal_pandas_and_hold_suppression_for_every_view(db, raw, dataset):
    df = raw[dataset]
    date_col = "occurred_date" if dataset == "victims" else "arrest_date"
    offenses = OFFENSES if dataset == "victims" else (None,)
    views = [(s, d, o) for s in SPANS for d in DISTRICTS for o in offenses]
    shown = {}
    for v in views:
        res = D.demographics.uncached(db, view_filters(*v), dataset)
        truth = truth_tables(df, date_col, *v)
        assert (res.first_year, res.last_year) == v[0]
        assert res.total == sum(truth["sex"].values())
        for dim, table in res.tables.items():
            assert table.total == res.total
            for cell in table.cells:
                n = truth[dim].get(cell.category, 0)
                if cell.shown:
                    assert cell.value == n and not 1 <= n <= 4
                elif not table.withheld_all:
                    assert n > 0 and (cell.label == "<5") == (1 <= n <= 4)
            hidden = [truth[dim].get(c.category, 0) for c in table.cells if not c.shown]
            assert len(hidden) != 1 or table.withheld_all  # one withheld cell = total minus the rest
            assert sum(truth[dim].get(c, 0) for c in truth[dim]) == res.total
        shown[v] = res
    pairs = 0
    for v in views:
        for w in neighbours(v):
            if w not in shown:
                continue
            pairs += 1
            for dim in D.DIMENSIONS:
                for a, b in zip(shown[v].tables[dim].cells, shown[w].tables[dim].cells):
                    if a.shown and b.shown:
                        assert not 1 <= abs(a.value - b.value) <= 4, (v, w, dim, a, b)
    assert pairs > 50


def test_population_by_group_matches_neighborhoods(db, raw):
    geo, links = raw["geo"], raw["links"]
    city = D.population.uncached(db, Filters(date(2025, 1, 1), date(2025, 12, 31)))
    city_pop = int(geo[geo.layer == "city"].population.sum())
    assert set(city) == set(D.DIMENSIONS)
    for dim, cats in city.items():
        assert sum(cats.values()) == city_pop, dim
    west = D.population.uncached(db, Filters(date(2025, 1, 1), date(2025, 12, 31), police_district=("Western",)))
    nbs = set(links[(links.layer.isin(["police_district_pre2023", "police_district_2023"]))
                    & (links.code == "Western")].neighborhood)
    expected = int(geo[(geo.layer == "neighborhood") & geo.code.isin(nbs)].population.sum())
    for dim, cats in west.items():
        assert sum(cats.values()) == expected


# --- arrests ----------------------------------------------------------------------------------

F_ARREST = [Filters(date(2025, 1, 1), date(2025, 12, 31)),
            Filters(date(2024, 3, 1), date(2024, 5, 31), police_district=("Western",)),
            Filters(date(2022, 6, 1), date(2023, 8, 31), council_district=("7",))]


def _arrests_in(raw, f: Filters) -> pd.DataFrame:
    a = raw["arrests"]
    m = a.arrest_date.between(pd.Timestamp(f.start), pd.Timestamp(f.end))
    for field in ("police_district", "neighborhood"):
        if getattr(f, field):
            m &= a[field].isin(getattr(f, field))
    return a[m]


@pytest.mark.parametrize("f", F_ARREST[:2])
def test_arrest_counts_equal_pandas(db, raw, f):
    a = _arrests_in(raw, f)
    cats = A.by_category.uncached(db, f)
    assert dict(zip(cats.charge_category, cats.n)) == a.charge_category.fillna("other").value_counts().to_dict()
    grain = A.arrest_grain(f)
    trend = A.over_time.uncached(db, f, grain)
    period = a.arrest_date.dt.to_period("W" if grain == "week" else "M").dt.start_time.dt.date
    expected = a.groupby([period, a.charge_category.fillna("other")]).size()
    got = trend.set_index(["period", "charge_category"]).n
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    field = A.area_field(f)
    area = A.by_area.uncached(db, f, field)
    assert dict(zip(area.area, area.n)) == a[field].value_counts().to_dict()
    top = A.top_charges.uncached(db, f, 10)
    counts = a.groupby(["charge_category", "charge", "charge_description"]).size().sort_values(ascending=False)
    assert list(top.n) == list(counts.head(10).values)
    assert top.n.is_monotonic_decreasing


def test_arrest_rates_use_residents_of_the_area(db, raw):
    geo, links = raw["geo"], raw["links"]
    f = F_ARREST[2]
    nbs = set(links[(links.layer == "council_district") & (links.code == "7")].neighborhood)
    assert A.residents.uncached(db, f) == int(geo[(geo.layer == "neighborhood") & geo.code.isin(nbs)].population.sum())
    assert A.residents.uncached(db, F_ARREST[0]) == int(geo[geo.layer == "city"].population.sum())
    area = A.by_area.uncached(db, F_ARREST[0], "police_district")
    pops = geo[geo.layer == "police_district_2023"].set_index("code").population
    assert all(p == pops[a] for a, p in zip(area.area, area.population))


def test_clearance_equals_pandas(db, raw):
    v, a = raw["victims"], raw["arrests"]
    f = Filters(date(2022, 1, 1), date(2025, 12, 31), police_district=("Eastern",))
    got = A.clearance.uncached(db, f).set_index(["year", "offense"])
    inc = (v[v.offense.isin(["homicide", "shooting"])].sort_values("occurred_date")
           .drop_duplicates(["cc_number", "offense"]))
    arr = a[a.offense.isin(["homicide", "shooting"])]
    first = inc.set_index(["cc_number", "offense"]).occurred_date
    for (year, offense), row in got.iterrows():
        i = inc[(inc.occurred_date.dt.year == year) & (inc.offense == offense) & (inc.police_district == "Eastern")]
        assert row.incidents == len(i)
        linked = arr.merge(i[["cc_number", "offense", "occurred_date"]], on=["cc_number", "offense"])
        same = linked[(linked.arrest_date.dt.year == year) & (linked.arrest_date >= linked.occurred_date)]
        assert row.cleared_same_year == same.cc_number.nunique()
        assert row.cleared_by_now == linked.cc_number.nunique()
        made = arr[(arr.arrest_date.dt.year == year) & (arr.offense == offense) & (arr.police_district == "Eastern")]
        when = [first.get((cc, offense)) for cc in made.cc_number]
        kinds = ["unlinked" if w is None or w > d else ("same_year" if w.year == d.year else "earlier_year")
                 for w, d in zip(when, made.arrest_date)]
        assert (row.same_year, row.earlier_year, row.unlinked) == tuple(kinds.count(k) for k in A.LINKS)
    assert got.incidents.sum() > 0 and got.same_year.sum() > 0 and got.earlier_year.sum() > 0


# --- cases ------------------------------------------------------------------------------------

def _cases_in(raw, f: Filters) -> pd.DataFrame:
    c = raw["cases"]
    m = (pd.to_datetime(c.filed_date) >= pd.Timestamp(f.start)) & (pd.to_datetime(c.filed_date) <= pd.Timestamp(f.end))
    for field in ("police_district", "council_district"):
        if getattr(f, field):
            m &= c[field].isin(getattr(f, field))
    return c[m]


@pytest.mark.parametrize("f", [Filters(date(2024, 1, 1), date(2024, 12, 31)),
                               Filters(date(2025, 1, 1), DEMO_END, police_district=("Southern",))])
def test_case_outcomes_equal_pandas(db, raw, f):
    cases = _cases_in(raw, f)
    ch = raw["charges"][raw["charges"].case_id.isin(cases.id)]
    mix = C.disposition_mix.uncached(db, f)
    assert mix.set_index(["gun", "disposition"]).n.sort_index().to_dict() == \
        ch.groupby(["is_gun_charge", "disposition"]).size().sort_index().to_dict()
    status = C.case_status.uncached(db, f)
    per = ch.groupby("case_id").agg(gun=("is_gun_charge", "any"), pending=("disposition", lambda s: (s == "pending").any()),
                                    decided=("disposition_date", "max"))
    per = per.join(cases.set_index("id").arrest_number)
    arrest_day = raw["arrests"].groupby("arrest_number").arrest_date.min()
    per["days"] = [None if p else (pd.Timestamp(d) - arrest_day[n]).days if n in arrest_day.index and pd.notna(d) else None
                   for p, d, n in zip(per.pending, per.decided, per.arrest_number)]
    assert int(status.n.sum()) == len(per)
    assert int(status[status.pending].n.sum()) == int(per.pending.sum())
    timed = status[status.days.notna()]
    expected_days = per.days.dropna().astype(int)
    assert sorted(np.repeat(timed.days.astype(int).to_numpy(), timed.n.to_numpy()).tolist()) == sorted(expected_days.tolist())


def test_case_search_pages_cover_every_match_once(db, raw):
    f = Filters(date(2025, 1, 1), date(2025, 12, 31), council_district=("3", "4", "5", "6", "7", "8"))
    charge = "HANDGUN ON PERSON"
    cases = _cases_in(raw, f)
    ids_with = set(raw["charges"][raw["charges"].description == charge].case_id)
    expected = cases[cases.id.isin(ids_with)].sort_values(["filed_date", "id"], ascending=False).case_number.tolist()
    assert len(expected) > C.PAGE_SIZE  # the test pages at least twice
    got, page = [], 1
    while True:
        res = C.search.uncached(db, f, None, charge, page)
        assert len(res.rows) <= C.PAGE_SIZE
        assert res.total == len(expected) and not res.total_capped
        got += list(res.rows.case_number)
        if not res.has_next:
            break
        page += 1
    assert got == expected
    one = C.search.uncached(db, f, expected[0], None, 1)
    assert list(one.rows.case_number) == [expected[0]] and not one.has_next
    with pytest.raises(C.BadCaseQuery):
        C.search.uncached(db, f, None, None, C.MAX_PAGE + 1)


def test_case_detail_has_every_charge_and_no_person(db, raw):
    case = raw["cases"].iloc[100]
    detail = C.case_detail.uncached(db, case.case_number)
    ch = raw["charges"][raw["charges"].case_id == case.id].sort_values("seq")
    assert list(detail["charges"].disposition) == list(ch.disposition)
    assert detail["filed_date"] == case.filed_date
    a = raw["arrests"]
    assert detail["arrest_date"] == a[a.arrest_number == case.arrest_number].arrest_date.min().date()
    assert not {"defendant_age_band", "defendant_sex", "defendant_race", "name"} & set(detail)
    assert C.case_detail.uncached(db, "999999999") is None
    assert C.normalize_case_number(" 6b-25 000123 ") == "6B25000123"
    with pytest.raises(C.BadCaseQuery):
        C.normalize_case_number("'; drop table x")


# --- random filter combinations (hypothesis) over every geography field -------------------------



@pytest.fixture(scope="module")
def areas(raw):
    v = raw["victims"]
    return {"neighborhood": sorted(v.neighborhood.dropna().unique())[:40],
            "council_district": [str(i) for i in range(1, 15)],
            "police_district": ["Western", "Eastern", "Central", "Southern", "Northern"]}


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
