"""Every number on the Map and CVI pages equals an independent pandas computation over the raw
``victim`` rows, and no location of a sexual offense ever leaves the database."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from app.settings import Settings
from callbacks.cvi import cvi_outputs
from callbacks.map import map_outputs
from data_access import map_queries as Q
from data_access.db import Database
from data_access.filters import GEO_FIELDS, Filters
from data_access.vocabulary import OFFENSES
from tests.conftest import DEMO_END

SEXUAL = {o.code for o in OFFENSES if o.sexual}
LAYERS = list(Q.MAP_LAYERS)


@pytest.fixture(scope="module")
def raw(demo_url):
    db = Database(demo_url)
    with db.engine.connect() as conn:
        v = pd.read_sql(text("SELECT id, occurred_date, offense, is_gun_violence, lon, lat, block, weapon, "
                             "police_district, police_district_pre2023, police_district_2023, neighborhood, "
                             "council_district, legislative_district, csa FROM victim"), conn)
        g = pd.read_sql(text("SELECT layer, code, population FROM geography"), conn)
        s = pd.read_sql(text("SELECT id, lon, lat FROM cvi_site"), conn)
    db.dispose()
    v["occurred_date"] = pd.to_datetime(v.occurred_date).dt.date
    return v, g, s


def pick(v: pd.DataFrame, f: Filters, start=None, end=None) -> pd.DataFrame:
    start, end = start or f.start, end or f.end
    m = (v.occurred_date >= start) & (v.occurred_date <= end)
    for name in GEO_FIELDS:
        if getattr(f, name):
            m &= v[name].isin(getattr(f, name))
    if f.offense:
        m &= v.offense.isin(f.offense)
    return v[m]


def some_filters(v: pd.DataFrame) -> list[Filters]:
    busiest = v.neighborhood.value_counts().index[0]
    return [
        Filters(start=date(DEMO_END.year, 1, 1), end=DEMO_END),
        Filters(start=date(2023, 3, 1), end=date(2024, 6, 30), police_district=("Western", "Central")),
        Filters(start=date(2025, 1, 1), end=date(2025, 12, 31), offense=("shooting", "homicide")),
        Filters(start=date(2024, 1, 1), end=date(2024, 12, 31), neighborhood=(busiest,), offense=("rape",)),
        Filters(start=date(2022, 7, 1), end=date(2023, 6, 30), council_district=("7",)),
        Filters(start=date(2020, 1, 1), end=DEMO_END),  # whole years, whole months and ragged days
        Filters(start=date(2020, 2, 17), end=date(2025, 11, 3), offense=("burglary", "larceny")),
    ]


@pytest.mark.parametrize("layer", LAYERS)
def test_area_counts_equal_pandas(db, app_ctx, raw, layer):
    v, _, _ = raw
    for f in some_filters(v):
        got = Q.area_counts(db, f, layer).set_index("code")
        p = f.prior()
        cur = pick(v, f).groupby(layer).size()
        pri = pick(v, f, p.start, p.end).groupby(layer).size()
        want = pd.DataFrame({"current": cur, "prior": pri}).fillna(0).astype("int64")
        want = want[(want.current > 0) | (want.prior > 0)]
        assert got.sort_index().to_dict() == want.sort_index().to_dict(), (layer, f)


@pytest.mark.parametrize("layer", ["neighborhood", "police_district_2023", "csa"])
def test_map_colours_and_rates_follow_the_counts(db, app_ctx, raw, layer):
    v, g, _ = raw
    settings = Settings.from_env({}, min_compare=10, map_min_population=500)
    f = Filters(start=date(DEMO_END.year, 1, 1), end=DEMO_END)
    view = {"layer": layer, "measure": "rate", "points": False, "cvi": False}
    out = map_outputs(db, settings, f, view)
    pop = g[g.layer == layer].set_index("code").population
    cur = pick(v, f).groupby(layer).size()
    assert set(out["values"]) == set(pop.index)
    for code, val in out["values"].items():
        n = int(cur.get(code, 0))
        assert val["current"] == n
        assert val["population"] == int(pop[code])
        assert math.isclose(val["rate"], n / pop[code] * 1000) if pop[code] else val["rate"] is None
        if pop[code] < 500:  # flagged, never shaded as an extreme rate
            assert code in out["hideout"]["flag"]
        else:
            assert code not in out["hideout"]["flag"]
    assert sum(val["current"] for val in out["values"].values()) == len(pick(v, f).dropna(subset=[layer]))


def test_no_sexual_offense_point_for_any_filter(demo_url, db, app_ctx, raw):
    v, _, _ = raw
    base = some_filters(v)
    filters = base + [f.replace(offense=(o.code,)) for f in base[:2] for o in OFFENSES]
    every_point = Database(demo_url, row_cap=100_000)  # all of them: past PSAD_ROW_CAP, which a call cannot raise
    for f in filters:
        pts = Q.points(every_point, f, 100_000)
        assert not set(pts.offense) & SEXUAL, f
        want = pick(v, f)
        want = want[~want.offense.isin(SEXUAL) & want.lon.notna() & want.lat.notna()]
        assert Q.point_count(db, f) == len(want) == len(pts)
        assert Q.density(db, f).n.sum() == len(want)
        if f.offense and set(f.offense) <= SEXUAL:
            assert len(pts) == 0
    every_point.dispose()


def test_points_cap_switches_to_density(db, app_ctx, raw):
    v, _, _ = raw
    f = Filters(start=date(DEMO_END.year, 1, 1), end=DEMO_END)
    n = Q.point_count(db, f)
    assert n > 10
    small = Settings.from_env({}, map_point_cap=n - 1)
    out = map_outputs(db, small, f, {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False})
    assert out["points"]["features"] == [] and out["density"]["features"]
    assert sum(ft["properties"]["n"] for ft in out["density"]["features"]) == n
    big = Settings.from_env({}, map_point_cap=n)
    out = map_outputs(db, big, f, {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False})
    assert len(out["points"]["features"]) == n and out["density"]["features"] == []
    labels = {o.label for o in OFFENSES if o.sexual}
    assert not {ft["properties"]["o"] for ft in out["points"]["features"]} & labels


def test_shootings_near_sites_equal_brute_force(db, app_ctx, raw):
    v, _, sites = raw
    f = Filters(start=date(2024, 1, 1), end=date(2025, 6, 30))
    got = Q.shootings_near_sites(db, f.start, f.end, 400).set_index("id").n
    gun = pick(v, f)
    gun = gun[gun.is_gun_violence]
    for s in sites.itertuples(index=False):
        d = [Q.metres_between(s.lon, s.lat, lon, lat) for lon, lat in zip(gun.lon, gun.lat)]
        assert got[s.id] == sum(1 for x in d if x <= 400), s.id
    assert got.sum() > 0
    out = cvi_outputs(db, Settings.from_env({}, cvi_radius_m=400), f, ())
    assert {ft["properties"]["id"]: ft["properties"]["near"] for ft in out["sites"]["features"]} == got.to_dict()


def test_cvi_sites_filter_by_program_and_geography(db, app_ctx):
    sites = Q.cvi_sites(db)
    assert len(sites) >= 20
    f = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert len(Q.filter_sites(sites, f, ("safe_streets",))) == (sites.program_type == "safe_streets").sum()
    district = sites.council_district.iloc[0]
    got = Q.filter_sites(sites, f.replace(council_district=(district,)), ())
    assert len(got) == (sites.council_district == district).sum() and set(got.council_district) == {district}


def test_geometry_is_simplified_and_complete(db, app_ctx, raw):
    _, g, _ = raw
    for layer in LAYERS:
        shapes = Q.area_shapes(db, layer)
        assert len(shapes["geojson"]["features"]) == (g.layer == layer).sum()
        ring = shapes["geojson"]["features"][0]["geometry"]["coordinates"]
        while isinstance(ring[0], list):
            ring = ring[0]
        assert all(round(c, 5) == c for c in ring)
        for (s, w), (n, e) in shapes["bounds"].values():
            assert s < n and w < e
