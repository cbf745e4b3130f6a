"""Arrests ingest: the 2018 real sample against an independent pandas computation, the 2021
layout, duplicates, reloads."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text

from data_access.demo.export import arrest_frame, write_csv
from data_access.ingest.arrests import load_arrests_file
from tests.ingest_support import shared
from tests.test_ingest_crime import DISTRICT_WORDS, name_resolver, offense_of, point_in, polygons


def test_real_2018_arrests(real_db):
    path = shared("arrests/jhwu92_BPD_Arrests_raw_2018-02.csv.gz")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    s = load_arrests_file(real_db, str(path))
    # Rules: identical rows are one arrest; every row here has a usable date.
    dedup = raw[~raw.duplicated()]
    assert s.rows_read == len(raw) == 27195
    assert s.rows_rejected == len(raw) - len(dedup) == 149
    assert s.rejects_by_reason == {"duplicate row (identical to an earlier row)": 149}
    assert s.rows_loaded == len(dedup)

    def got(sql):
        df = real_db.frame(text(sql))
        return pd.Series(df.n.to_numpy(), index=df.k.to_numpy()).sort_index()

    year = pd.to_datetime(dedup.ArrestDate, format="%m/%d/%Y").dt.year.value_counts().sort_index()
    pd.testing.assert_series_equal(got("SELECT extract(year FROM arrest_date)::int k, count(*) n FROM arrest GROUP BY 1"),
                                   year, check_names=False, check_dtype=False, check_index_type=False)
    off = dedup.IncidentOffense.str.strip().map(
        lambda v: offense_of(v) if len(v) > 1 and v[0].isdigit() and v[1].isalpha() else None)
    pd.testing.assert_series_equal(got("SELECT offense k, count(*) n FROM arrest WHERE offense IS NOT NULL GROUP BY 1"),
                                   off.value_counts().sort_index(), check_names=False, check_dtype=False, check_index_type=False)
    # District: the export's own (Title-case "Northeast", …); blank ones fall back to the point.
    dist = dedup.District.str.upper().map(DISTRICT_WORDS)
    lon = pd.to_numeric(dedup.Longitude, errors="coerce")
    lat = pd.to_numeric(dedup.Latitude, errors="coerce")
    city_names, city = polygons(shared("boundaries/baltimore_city.geojson"))
    inside = point_in(city_names, city, lon, lat).notna()
    pd_names, pd_geoms = polygons(shared("boundaries/police_districts.geojson"))
    pip = point_in(pd_names, pd_geoms, lon.where(inside), lat.where(inside))
    nb_names, nb_geoms = polygons(shared("boundaries/neighborhoods_2020.geojson"))
    nb = point_in(nb_names, nb_geoms, lon.where(inside), lat.where(inside))
    nb = nb.where(nb.notna(), name_resolver()(dedup.Neighborhood))
    # a record with neither district nor point takes the district its neighborhood overlaps most
    need = dist.isna() & pip.isna() & nb.notna()
    assert 0 < need.sum() < 10
    nb_geom = dict(zip(nb_names, nb_geoms))
    by_overlap = nb[need].map(lambda n: max(zip(pd_names, pd_geoms),
                                            key=lambda d: d[1].intersection(nb_geom[n]).area)[0])
    district = dist.fillna(pip).fillna(by_overlap)
    pd.testing.assert_series_equal(
        got("SELECT police_district k, count(*) n FROM arrest WHERE police_district IS NOT NULL GROUP BY 1"),
        district.value_counts().sort_index(), check_names=False, check_dtype=False, check_index_type=False)
    pd.testing.assert_series_equal(
        got("SELECT neighborhood k, count(*) n FROM arrest WHERE neighborhood IS NOT NULL GROUP BY 1"),
        nb.value_counts().sort_index(), check_names=False, check_dtype=False, check_index_type=False)
    # about half the arrests have no location at all, and still count citywide
    assert real_db.execute(text("SELECT count(*) FROM arrest WHERE neighborhood IS NULL")).scalar() > 13000
    assert real_db.execute(text("SELECT sum(n) FROM agg_arrest_daily")).scalar() == len(dedup)
    # H:MM times parse
    assert real_db.execute(text("SELECT count(*) FROM arrest WHERE arrest_hour IS NULL")).scalar() == 0
    # reload: nothing changes
    s2 = load_arrests_file(real_db, str(path))
    assert (s2.rows_loaded, s2.rows_updated) == (0, 0)
    assert real_db.execute(text("SELECT count(*) FROM arrest")).scalar() == len(dedup)


def test_2021_layout_and_newer_export(synth_db, demo_small, tmp_path):
    a = demo_small.arrests
    half = len(a) // 2
    p1 = write_csv(arrest_frame(a.iloc[: half + 100], "arrests_2021"), tmp_path / "a.csv.gz")
    s1 = load_arrests_file(synth_db, str(p1))
    assert s1.rows_loaded == half + 100 and s1.rows_rejected == 0
    newer = arrest_frame(a.iloc[half:], "arrests_2021", first_row_id=half + 1)
    newer.loc[newer.index[:5], "ChargeDescription"] = "HANDGUN ON PERSON"
    p2 = write_csv(newer, tmp_path / "b.csv")
    s2 = load_arrests_file(synth_db, str(p2))
    assert s2.rows_loaded == len(a) - half - 100 and s2.rows_updated == 5
    assert synth_db.execute(text("SELECT count(*) FROM arrest")).scalar() == len(a)
    by_day = synth_db.frame(text("SELECT arrest_date d, count(*) n FROM arrest GROUP BY 1 ORDER BY 1"))
    want = a.groupby("arrest_date").size()
    assert by_day.n.tolist() == want.tolist()  # UTC -> local dates exactly as generated
    cats = dict(synth_db.execute(text("SELECT charge_category, count(*) FROM arrest GROUP BY 1")).rows)
    assert cats["weapons"] >= 5
