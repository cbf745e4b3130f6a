"""Unit tests of the synthetic demo dataset (no database): geography, volumes, privacy, schema."""

from __future__ import annotations

import json
import re
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely

from data_access import schema
from data_access.demo import generate as gen
from data_access.demo.generate import generate
from data_access.demo.geography import LINK_LAYERS, POLICE_DISTRICTS, build_geography
from data_access.vocabulary import (
    CHARGE_CATEGORIES,
    CVI_PROGRAM_TYPES,
    DISPOSITIONS,
    OFFENSE_BY_CODE,
    WEAPONS,
)

START, END = date(2022, 1, 1), date(2023, 12, 31)
SCALE = 0.05


@pytest.fixture(scope="module")
def geo():
    return build_geography()


@pytest.fixture(scope="module")
def data(geo):
    return generate(scale=SCALE, start=START, end=END, geography=geo)


def _shape(g: dict):
    return shapely.from_geojson(json.dumps(g))


def _layer(geo, layer) -> pd.DataFrame:
    return geo.areas[geo.areas.layer == layer]


# --- geography ------------------------------------------------------------------------------


def test_geography_layers_and_names(geo):
    a = geo.areas
    assert list(a.columns) == [c.name for c in schema.geography.columns]
    counts = a.layer.value_counts().to_dict()
    assert counts["city"] == 1 and "police_district" not in counts
    assert counts["police_district_pre2023"] == counts["police_district_2023"] == 9
    assert counts["council_district"] == 14 and counts["legislative_district"] == 6
    assert 250 <= counts["neighborhood"] <= 290 and 45 <= counts["csa"] <= 65
    assert not a.duplicated(["layer", "code"]).any()
    assert set(_layer(geo, "city").code) == {"baltimore"}
    for layer in ("police_district_pre2023", "police_district_2023"):
        assert sorted(_layer(geo, layer).code) == sorted(POLICE_DISTRICTS)
    assert set(POLICE_DISTRICTS) == {"Central", "Eastern", "Northeastern", "Northern",
                                     "Northwestern", "Southeastern", "Southern", "Southwestern",
                                     "Western"}  # fmt: skip
    council = _layer(geo, "council_district")
    assert sorted(council.code, key=int) == [str(i) for i in range(1, 15)]
    assert (council.name == "District " + council.code).all()
    leg = _layer(geo, "legislative_district")
    assert set(leg.code) == {"40", "41", "43A", "44A", "45", "46"}
    assert (leg.name == "Legislative District " + leg.code).all()
    nb = _layer(geo, "neighborhood")
    assert (nb.code == nb.name).all() and nb.code.is_unique


def test_city_outline_is_roughly_baltimore(geo):
    minx, miny, maxx, maxy = geo.outline.bounds
    assert -76.75 < minx < maxx < -76.47 and 39.19 < miny < maxy < 39.41
    assert abs(np.mean([minx, maxx]) + 76.61) < 0.03 and abs(np.mean([miny, maxy]) - 39.30) < 0.03
    city = _layer(geo, "city").iloc[0]
    assert 190 < city.area_sq_km < 230


def test_neighborhoods_tile_the_outline(geo):
    polys = np.array(list(geo.neighborhood_polygons.values()))
    assert shapely.is_valid(polys).all() and (shapely.get_type_id(polys) == 3).all()
    a, b = shapely.STRtree(polys).query(polys, predicate="intersects")
    pairs = a < b
    overlap = shapely.area(shapely.intersection(polys[a[pairs]], polys[b[pairs]])).sum()
    total = shapely.area(polys).sum()
    assert overlap < 1e-9 * total
    city = _shape(_layer(geo, "city").geometry.iloc[0])
    assert abs(total - city.area) < 1e-6 * city.area
    assert shapely.area(shapely.symmetric_difference(shapely.union_all(polys), city)) < 1e-6 * total


def test_districts_are_unions_of_neighborhoods(geo):
    nb_area = _layer(geo, "neighborhood").set_index("code").area_sq_km
    nb_pop = _layer(geo, "neighborhood").set_index("code").population
    for layer in LINK_LAYERS:
        links = geo.links[geo.links.layer == layer].set_index("neighborhood").code
        areas = _layer(geo, layer).set_index("code")
        assert set(links) == set(areas.index)
        by_code = nb_area.groupby(links).sum()
        assert np.allclose(by_code.reindex(areas.index), areas.area_sq_km, rtol=1e-3)
        assert (nb_pop.groupby(links).sum().reindex(areas.index) == areas.population).all()
        assert all(_shape(g).geom_type == "Polygon" for g in areas.geometry), layer


def test_links_complete(geo):
    nb = set(_layer(geo, "neighborhood").code)
    assert list(geo.links.columns) == ["neighborhood", "layer", "code"]
    assert not geo.links.duplicated(["neighborhood", "layer"]).any()
    for layer in LINK_LAYERS:
        assert set(geo.links[geo.links.layer == layer].neighborhood) == nb


def test_police_maps_differ_by_border_moves(geo):
    pre = geo.links[geo.links.layer == "police_district_pre2023"].set_index("neighborhood").code
    new = geo.links[geo.links.layer == "police_district_2023"].set_index("neighborhood").code
    moved = (pre != new.reindex(pre.index)).mean()
    assert 0.10 <= moved <= 0.20


def test_populations(geo):
    nb = _layer(geo, "neighborhood")
    assert _layer(geo, "city").population.iloc[0] == nb.population.sum()
    assert 570_000 < nb.population.sum() < 600_000
    assert (nb.population < 100).sum() >= 8
    assert 1_800 < nb.population.mean() < 2_600
    assert (geo.areas.population_year == 2020).all()


def test_geojson_is_compact_and_rounded(geo):
    text = json.dumps(list(geo.areas.geometry))
    assert len(text) < 3_000_000
    assert not re.search(r"\.\d{7,}", text)
    assert {g["type"] for g in geo.areas.geometry} <= {"Polygon", "MultiPolygon"}


# --- the generated tables -------------------------------------------------------------------


def test_deterministic(geo):
    kw = dict(scale=0.02, start=date(2022, 11, 1), end=date(2023, 2, 28), geography=geo)
    a, b = generate(**kw), generate(**kw)
    for name in ("victims", "arrests", "cases", "charges", "cvi_sites"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(build_geography().areas, geo.areas)
    c = generate(**{**kw, "seed": 7})
    assert not c.victims.lon.equals(a.victims.lon)


def test_columns_match_schema(data):
    def cols(table):
        return [c.name for c in table.columns if c.name not in ("id", "load_id")]

    assert list(data.victims.columns) == cols(schema.victim)
    assert list(data.arrests.columns) == cols(schema.arrest)
    assert list(data.cases.columns) == cols(schema.sao_case)
    assert list(data.charges.columns) == [
        "case_number" if c == "case_id" else c for c in cols(schema.case_charge)
    ]
    assert list(data.cvi_sites.columns) == cols(schema.cvi_site)
    assert data.data_as_of == END
    for df in (data.victims, data.arrests, data.cases, data.cvi_sites):
        assert (df.source == "demo").all()


def test_no_person_name_columns(data):
    person = re.compile(r"name|first|last|surname|middle|dob|birth|ssn")
    for df in (data.victims, data.arrests, data.cases, data.charges):
        assert not [c for c in df.columns if person.search(c)]
    # The CVI table names programs (organizations), never people.
    assert [c for c in data.cvi_sites.columns if person.search(c)] == ["name"]


def test_dtypes(data):
    v = data.victims
    assert str(v.occurred_at.dt.tz) == "America/New_York"
    assert v.occurred_hour.dtype == "Int64" and v.victim_age.dtype == "Int64"
    assert v.is_gun_violence.dtype == bool
    assert (v.occurred_date == v.occurred_date.dt.normalize()).all()
    assert data.charges.is_gun_charge.dtype == bool
    assert data.arrests.age.dtype == "Int64"


def test_expected_yearly_volumes_at_full_scale():
    years = np.arange(2012, 2027)
    annual = gen._annual_victims(years)
    total = annual.sum(axis=1)
    assert (35_000 <= total).all() and (total <= 55_000).all()
    assert total[:6].mean() > 48_000 and total[-3:].mean() < 38_000
    homicide = annual[:, gen._O["homicide"]]
    assert homicide[years == 2015][0] == 342 and homicide[years == 2025][0] == 140
    auto = annual[:, gen._O["auto_theft"]]
    assert auto[years == 2023] > 1.5 * auto[years == 2019]
    arrests = np.take(gen.ARRESTS, gen._year_index(years))
    assert arrests[0] >= 38_000 and ((15_000 <= arrests[-3:]) & (arrests[-3:] <= 18_000)).all()


def test_volumes_per_year_scale(data):
    v, a = data.victims, data.arrests
    for year, yi in ((2022, 10), (2023, 11)):
        n = (v.occurred_date.dt.year == year).sum()
        assert abs(n - SCALE * gen.PART1_TOTAL[yi]) < 0.08 * SCALE * gen.PART1_TOTAL[yi]
        m = (a.arrest_date.dt.year == year).sum()
        assert abs(m - SCALE * gen.ARRESTS[yi]) < 0.1 * SCALE * gen.ARRESTS[yi]
    expected_gun = SCALE * sum(gen.HOMICIDES[i] * 0.85 + gen.SHOOTINGS[i] for i in (10, 11))
    assert abs(v.is_gun_violence.sum() - expected_gun) < 0.35 * expected_gun
    share = v.offense.value_counts(normalize=True)
    assert 0.22 < share["larceny"] < 0.33 and 0.13 < share["common_assault"] < 0.23


def test_offense_vocabulary_and_gun_violence(data):
    v = data.victims
    assert set(v.offense) <= set(OFFENSE_BY_CODE)
    assert (v.offense_group == v.offense.map(lambda o: OFFENSE_BY_CODE[o].group)).all()
    assert set(v.weapon) <= set(WEAPONS)
    expected = (v.offense == "shooting") | ((v.offense == "homicide") & (v.weapon == "firearm"))
    assert (v.is_gun_violence == expected).all()
    assert (v[v.offense == "shooting"].weapon == "firearm").all()
    assert v.description.str.fullmatch(r"[A-Z .\-]+").all()
    inside = v.premise.isin(["ROW/TOWNHOUSE-OCC", "APT/CONDO-OCC", "CONVENIENCE STORE"])
    assert (v.inside_outside[inside] == "inside").all()
    assert (v.inside_outside[v.premise == "STREET"] == "outside").all()
    a = data.arrests
    assert set(a.offense.dropna()) <= set(OFFENSE_BY_CODE)
    assert set(a.charge_category) <= {c for c, _ in CHARGE_CATEGORIES}


def test_police_district_follows_the_map_in_force(data):
    for df, col in ((data.victims, "occurred_date"), (data.arrests, "arrest_date")):
        new_map = df[col] >= pd.Timestamp(schema.DISTRICT_MAP_CHANGE)
        assert (df.police_district[~new_map] == df.police_district_pre2023[~new_map]).all()
        assert (df.police_district[new_map] == df.police_district_2023[new_map]).all()
        assert (df.police_district_pre2023 != df.police_district_2023).any()
        assert new_map.any() and (~new_map).any()


def test_geography_columns_consistent(geo, data):
    links = geo.links.pivot(index="neighborhood", columns="layer", values="code")
    v = data.victims
    for layer in LINK_LAYERS:
        assert (v[layer] == links.loc[v.neighborhood, layer].to_numpy()).all()
    assert v.block.str.fullmatch(r"\d+00 BLOCK [NSEW] [A-Z ]+").all()
    assert v.post.str.fullmatch(r"\d{3}").all()


def test_points_inside_city_and_neighborhood(geo, data):
    for df in (data.victims, data.arrests, data.cvi_sites):
        assert shapely.contains_xy(geo.outline, df.lon.to_numpy(), df.lat.to_numpy()).all()
    v = data.victims.sample(500, random_state=0)
    for nb, lon, lat in zip(v.neighborhood, v.lon, v.lat):
        assert geo.neighborhood_polygons[nb].contains(shapely.Point(lon, lat))
    # Geomasked to the 0.001-degree block grid.
    assert np.allclose(data.victims.lon, data.victims.lon.round(3), atol=1e-9)


def test_spatial_clustering(geo, data):
    nb = geo.neighborhoods.set_index("code")
    gun = data.victims[data.victims.is_gun_violence].neighborhood.value_counts()
    top = gun.head(len(nb) // 10).sum() / gun.sum()
    assert top > 0.3  # a tenth of the neighborhoods hold far more than a tenth of shootings
    counts = data.victims.neighborhood.value_counts().reindex(nb.index, fill_value=0)
    assert counts[nb.tiny].mean() < 0.1 * counts[~nb.tiny].mean()


def test_local_time_fields(data):
    v = data.victims
    local = v.occurred_at.dt.tz_convert("America/New_York")
    assert (local.dt.tz_localize(None).dt.normalize() == v.occurred_date).all()
    timed = v.occurred_hour.notna()
    assert (local.dt.hour[timed] == v.occurred_hour[timed]).all()
    assert (local.dt.dayofweek + 1 == v.occurred_dow).all()
    assert 0.003 < (~timed).mean() < 0.02
    assert (v.occurred_date >= pd.Timestamp(START)).all()
    assert (v.occurred_date <= pd.Timestamp(END)).all()
    violent = v[v.offense_group == "violent"].occurred_hour.value_counts(normalize=True)
    assert violent.loc[[21, 22, 23, 0]].sum() > violent.loc[[7, 8, 9, 10]].sum() * 2


def test_keys(data):
    v, a, c, ch = data.victims, data.arrests, data.cases, data.charges
    assert v.source_key.is_unique
    assert (v.source_key.str.rsplit("-", n=1).str[0] == v.cc_number).all()
    assert v.cc_number.str.fullmatch(r"\d\d[A-L]\d{6}").all()
    assert v.cc_number.nunique() < len(v)  # some incidents have several victims
    assert a.arrest_number.is_unique and a.arrest_number.str.fullmatch(r"1\d{7}").all()
    assert c.case_number.is_unique
    assert c.case_number.str.fullmatch(r"8\d{8}|6B\d{8}").all()
    assert set(c.arrest_number) <= set(a.arrest_number)
    assert 0.5 < len(c) / len(a) < 0.7
    assert not ch.duplicated(["case_number", "seq"]).any()
    assert set(ch.case_number) == set(c.case_number)
    assert ch.groupby("case_number").seq.agg(lambda s: list(s) == list(range(1, len(s) + 1))).all()
    lag = (c.filed_date - c.arrest_number.map(a.set_index("arrest_number").arrest_date)).dt.days
    assert lag.between(0, 30).all()


def test_case_outcomes(data):
    c, ch = data.cases, data.charges
    assert set(ch.disposition) <= {d for d, _ in DISPOSITIONS}
    assert set(c.court) <= {"circuit", "district"}
    pending = ch.disposition == "pending"
    assert (ch.disposition_date.isna() == pending).all()
    assert (ch.disposition_date.dropna() <= pd.Timestamp(END)).all()
    filed = ch.case_number.map(c.set_index("case_number").filed_date)
    delay = (ch.disposition_date - filed).dt.days.dropna()
    assert delay.between(30, 500).all()
    assert (ch.sentence_summary.notna() == ch.disposition.isin(["guilty", "guilty_lesser"])).all()
    assert set(ch.severity) == {"felony", "misdemeanor"}
    assert (~ch.is_gun_charge | (ch.charge_category == "weapons")).all()
    assert set(c.defendant_age_band.dropna()) <= set(gen.AGE_BANDS)


def test_cvi_sites(geo, data):
    s = data.cvi_sites
    assert len(s) == 30 and s.name.is_unique
    assert s.program_type.value_counts().to_dict() == gen.CVI_COUNTS
    assert set(s.program_type) <= {c for c, _ in CVI_PROGRAM_TYPES}
    assert s.phone.str.fullmatch(r"410-555-01\d\d").all() and s.url.isna().all()
    safe = s[s.program_type == "safe_streets"]
    assert (safe.name == "Safe Streets " + safe.neighborhood).all()
    risk = geo.neighborhoods.set_index("code").risk
    assert risk[safe.neighborhood].median() > risk.median()


def test_empty_and_invalid_ranges(geo):
    d = generate(scale=0, start=START, end=START, geography=geo)
    assert len(d.victims) == len(d.arrests) == len(d.cases) == 0 and len(d.cvi_sites) == 30
    with pytest.raises(ValueError):
        generate(start=END, end=START, geography=geo)


def test_full_scale_timing(geo, capsys):
    t0 = time.perf_counter()
    d = generate(scale=1.0, end=date(2026, 11, 14), geography=geo)
    elapsed = time.perf_counter() - t0
    rows = {k: len(getattr(d, k)) for k in ("victims", "arrests", "cases", "charges", "cvi_sites")}
    with capsys.disabled():
        print(f"\ndemo generate(scale=1.0, 2012-01-01..2026-11-14): {elapsed:.1f} s, {rows}")
