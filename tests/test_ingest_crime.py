"""Part 1 crime ingest: real samples against an independent pandas computation, the 2021+ layout,
idempotent reloads, newer overlapping exports, and atomicity."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import shapely
from sqlalchemy import text

from data_access import aggregates
from data_access.demo.export import crime_frame, write_csv
from data_access.ingest.crime import load_crime_file
from data_access.ingest.names import ALIAS_FILE
from tests.ingest_support import shared, snapshot

# --- the documented rules, written again independently of data_access.ingest -----------------

CODE_RULES = [  # (regex on the crime code, offense) — first match wins
    (r"^1[AFKOP]", "homicide"), (r"^2[AB]", "rape"), (r"^3[AB]J", "robbery_carjacking"),
    (r"^3[ABNP]", "robbery_street"), (r"^3[CDEFGHLM]", "robbery_commercial"), (r"^3[JK]", "robbery_residence"),
    (r"^4[A-D]", "agg_assault"), (r"^4[EF]", "common_assault"), (r"^5[A-F]", "burglary"),
    (r"^6D", "larceny_auto"), (r"^6[A-L]", "larceny"), (r"^7[A-C]", "auto_theft"), (r"^8", "arson"),
    (r"^9S", "shooting"),
]
DISTRICT_WORDS = {"CENTRAL": "Central", "EASTERN": "Eastern", "NORTHEAST": "Northeastern",
                  "NORTHEASTERN": "Northeastern", "NORTHERN": "Northern", "NORTHWEST": "Northwestern",
                  "NORTHWESTERN": "Northwestern", "SOUTHEAST": "Southeastern", "SOUTHEASTERN": "Southeastern",
                  "SOUTHERN": "Southern", "SOUTHWEST": "Southwestern", "SOUTHWESTERN": "Southwestern",
                  "WESTERN": "Western"}


def offense_of(code: str) -> str | None:
    for rx, off in CODE_RULES:
        if re.match(rx, code.strip().upper()):
            return off
    return None


def polygons(path) -> tuple[list[str], list]:
    feats = json.loads(path.read_text())["features"]
    return [f["properties"]["name"] for f in feats], [shapely.make_valid(shapely.geometry.shape(f["geometry"]))
                                                      for f in feats]


def point_in(names, geoms, lon, lat) -> pd.Series:
    out = pd.Series([None] * len(lon), index=lon.index, dtype=object)
    ok = lon.notna() & lat.notna()
    for name, g in zip(names, geoms):
        hit = ok & out.isna()
        if not hit.any():
            break
        inside = shapely.contains_xy(g, lon[hit].to_numpy(), lat[hit].to_numpy())
        out.loc[hit[hit].index[inside]] = name
    return out


def key(s: str) -> str:
    u = s.upper()
    for a, b in ((r"\bSTREET\b", "ST"), (r"\bAVENUE\b", "AVE"), (r"\bMOUNT\b", "MT")):
        u = re.sub(a, b, u)
    return re.sub(r"[^A-Z0-9]", "", u)


def name_resolver():
    """Neighborhood names -> 2020 NSA name: case/punctuation, 2010 names through their largest
    2020 overlap, the documented alias table, and a name cut short (6+ characters) that starts
    known names of one area only."""
    new_names, new_geoms = polygons(shared("boundaries/neighborhoods_2020.geojson"))
    old_names, old_geoms = polygons(shared("boundaries/neighborhoods.geojson"))
    table = {}
    for n in new_names:
        table.setdefault(key(n), n)
    known = {n.upper() for n in new_names}
    for n, g in zip(old_names, old_geoms):
        if n.upper() in known:
            continue
        best = max(range(len(new_geoms)), key=lambda i: g.intersection(new_geoms[i]).area)
        table.setdefault(key(n), new_names[best])
    aliases = pd.read_csv(ALIAS_FILE, dtype=str, keep_default_na=False)
    for raw, target in zip(aliases["name"], aliases["area"]):
        if key(target) in table:
            table.setdefault(key(raw), table[key(target)])

    def one(v):
        if not isinstance(v, str) or not v.strip():
            return None
        k = key(v)
        if k in table:
            return table[k]
        areas = {a for t, a in table.items() if t.startswith(k)} if len(k) >= 6 else set()
        return areas.pop() if len(areas) == 1 else None
    return lambda s: s.map(one)


def expected(raw: pd.DataFrame, date_col: str, code_col: str, district_col: str, nb_col: str,
             lon_col: str | None, lat_col: str | None):
    city_names, city = polygons(shared("boundaries/baltimore_city.geojson"))
    nb_names, nb_geoms = polygons(shared("boundaries/neighborhoods_2020.geojson"))
    d = raw[date_col].str.slice(0, 10)
    day = pd.to_datetime(d, format="%m/%d/%Y", errors="coerce").fillna(
        pd.to_datetime(d, format="%Y-%m-%d", errors="coerce"))
    off = raw[code_col].map(offense_of)
    usable = day.notna() & off.notna() & (day >= "2000-01-01")
    r = raw[usable]
    if lon_col:
        lon = pd.to_numeric(r[lon_col], errors="coerce")
        lat = pd.to_numeric(r[lat_col], errors="coerce")
        in_city = point_in(city_names, city, lon, lat).notna()
        lon, lat = lon.where(in_city), lat.where(in_city)
        nb = point_in(nb_names, nb_geoms, lon, lat)
    else:
        nb = pd.Series([None] * len(r), index=r.index, dtype=object)
    nb = nb.where(nb.notna(), name_resolver()(r[nb_col]))
    return {
        "rejected": int((~usable).sum()),
        "year": day[usable].dt.year.value_counts().sort_index(),
        "offense": off[usable].value_counts().sort_index(),
        "district": r[district_col].str.strip().str.upper().map(DISTRICT_WORDS).value_counts().sort_index(),
        "district_unknown": int(r[district_col].str.strip().str.upper().map(DISTRICT_WORDS).isna().sum()),
        "neighborhood": nb.value_counts().sort_index(),
    }


def loaded(db) -> dict:
    def vc(sql):
        df = db.frame(text(sql))
        return pd.Series(df.n.to_numpy(), index=df.k.to_numpy()).sort_index() if len(df) else pd.Series(dtype=int)
    return {
        "year": vc("SELECT extract(year FROM occurred_date)::int k, count(*) n FROM victim GROUP BY 1"),
        "offense": vc("SELECT offense k, count(*) n FROM victim GROUP BY 1"),
        "district": vc("SELECT police_district k, count(*) n FROM victim WHERE police_district IS NOT NULL GROUP BY 1"),
        "neighborhood": vc("SELECT neighborhood k, count(*) n FROM victim WHERE neighborhood IS NOT NULL GROUP BY 1"),
    }


def check(db, exp, summary, n_rows):
    got = loaded(db)
    assert summary.rows_read == n_rows
    assert summary.rows_rejected == exp["rejected"]
    assert summary.rows_loaded == n_rows - exp["rejected"]
    for k in ("year", "offense", "neighborhood"):
        pd.testing.assert_series_equal(got[k], exp[k], check_names=False, check_dtype=False, check_index_type=False)
    # District: the record's own district where it names one; the few "UNKNOWN" fall back to the
    # point or the neighborhood's district, so they may only add to the counts.
    diff = got["district"].sub(exp["district"], fill_value=0)
    assert (diff >= 0).all() and diff.sum() <= exp["district_unknown"]
    # The pre-aggregates the pages read agree with the rows.
    agg = db.execute(text("SELECT sum(n) FROM agg_victim_detail")).scalar()
    assert agg == summary.rows_loaded


def test_real_2014_violent_crime(real_db):
    path = shared("part1_crime/bpd_violent_crime_2014_ytd_heatmap.csv.gz")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    s = load_crime_file(real_db, str(path))
    exp = expected(raw, "CrimeDate", "CrimeCode", "District", "Neighborhood", None, None)
    check(real_db, exp, s, len(raw))
    assert s.rows_rejected == 0  # stated: every row of this extract is usable
    # 741 identical rows are separate victims and all kept
    assert raw.duplicated().sum() == 741 and s.rows_loaded == len(raw)
    # no coordinates in this file: nothing is placed as a point
    assert real_db.execute(text("SELECT count(lon) FROM victim")).scalar() == 0
    assert real_db.execute(text("SELECT count(*) FROM victim WHERE is_gun_violence")).scalar() == (
        (raw.CrimeCode == "9S") | (raw.CrimeCode.str.startswith("1") & (raw.Weapon == "FIREARM"))).sum()


def test_real_2016_socrata_dump(real_db):
    path = shared("part1_crime/scorobi_socrata_part1_2016-06-01_to_06-18.csv.gz")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    s = load_crime_file(real_db, str(path))
    exp = expected(raw, "crimeDate", "crimeCode", "district", "neighborhood", "lon", "lat")
    check(real_db, exp, s, len(raw))
    assert s.rows_rejected == 0
    # HHMM times (53 shootings and homicides) parse like HH:MM:SS ones
    hours = real_db.frame(text("SELECT occurred_hour FROM victim WHERE crime_code IN ('9S', '1F')"))
    assert hours.occurred_hour.notna().all()
    io = real_db.frame(text("SELECT inside_outside k, count(*) n FROM victim GROUP BY 1"))
    io_raw = raw.description.str[0].map({"I": "inside", "O": "outside"}).value_counts()
    assert dict(zip(io.k, io.n)) == io_raw.to_dict()


def test_reload_changes_nothing_and_newer_export_updates(synth_db, demo_small, tmp_path):
    v = demo_small.victims
    first = write_csv(crime_frame(v.iloc[: len(v) * 2 // 3], "part1_legacy"), tmp_path / "first.csv")
    s1 = load_crime_file(synth_db, str(first))
    version = synth_db.execute(text("SELECT version FROM data_state")).scalar()
    s2 = load_crime_file(synth_db, str(first))
    assert (s2.rows_loaded, s2.rows_updated) == (0, 0)
    n = synth_db.execute(text("SELECT count(*) FROM victim")).scalar()
    assert n == s1.rows_loaded
    # nothing changed: the data version (every cache key) stays; the newer export below moves it
    assert synth_db.execute(text("SELECT version FROM data_state")).scalar() == version
    # a newer export overlapping the first: the last third is new; identical rows stay one-to-one
    newer = write_csv(crime_frame(v.iloc[len(v) // 3:], "part1_legacy"), tmp_path / "newer.csv.gz")
    s3 = load_crime_file(synth_db, str(newer))
    assert s3.rows_loaded == len(v) - len(v) * 2 // 3 and s3.rows_updated == 0
    assert synth_db.execute(text("SELECT version FROM data_state")).scalar() == version + 1
    assert synth_db.execute(text("SELECT count(*) FROM victim")).scalar() == len(v)


def test_2021_layout_with_ids_updates_in_place(synth_db, demo_small, tmp_path):
    v = demo_small.victims
    df = crime_frame(v, "part1_2021")
    p1 = write_csv(df, tmp_path / "a.csv")
    s1 = load_crime_file(synth_db, str(p1))
    assert s1.rows_loaded == len(v)
    changed = df.copy()
    changed.loc[:9, "Weapon"] = "Revolver"
    changed.loc[:9, "CrimeCode"] = "9S"
    changed.loc[:9, "Description"] = "SHOOTING"
    p2 = write_csv(changed, tmp_path / "b.csv")
    s2 = load_crime_file(synth_db, str(p2))
    assert (s2.rows_loaded, s2.rows_updated) == (0, 10)
    assert synth_db.execute(text("SELECT count(*) FROM victim")).scalar() == len(v)
    by_off = dict(synth_db.execute(text("SELECT offense, count(*) FROM victim GROUP BY 1")).rows)
    want = v.offense.copy()
    want.iloc[:10] = "shooting"
    assert by_off == want.value_counts().to_dict()


def test_2021_layout_fixture_utc_and_missing_columns(synth_db, demo_small, tmp_path):
    v = demo_small.victims
    pts = v.drop_duplicates("neighborhood").head(3)
    (a, b, c) = [r for r in pts.itertuples()]
    # Published header minus Inside_Outside, Post, Ethnicity, GeoLocation, Premise, Total_Incidents.
    rows = [
        "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Weapon,Gender,Age,Race,Location,Old_District,"
        "New_District,Neighborhood,Latitude,Longitude",
        # 23:30 local on New Year's Eve 2022: still the old district map
        f"1,22L12345,2023/01/01 04:30:00+00,9S,SHOOTING,Auto Handgun,M,23,BLACK_OR_AFRICAN_AMERICAN,"
        f"1200 N EXAMPLE ST,NORTHEAST,SOUTHEAST,,{a.lat},{a.lon}",
        # a second victim of the same incident
        f"2,22L12345,2023/01/01 04:30:00+00,9S,SHOOTING,Auto Handgun,F,31,WHITE,"
        f"1200 N EXAMPLE ST,NORTHEAST,SOUTHEAST,,{a.lat},{a.lon}",
        # summer: UTC-4; 02:15 UTC is 22:15 the evening before
        f"3,23G00001,2023/07/04 02:15:00+00,1F,HOMICIDE,Revolver,M,19,BLACK_OR_AFRICAN_AMERICAN,"
        f"300 E SAMPLE AVE,WESTERN,WESTERN,,{b.lat},{b.lon}",
        # no coordinates (lat/lon 0): placed by neighborhood name (upper case)
        f"4,23C00002,2023-03-12T07:30:00Z,6D,LARCENY FROM AUTO,,F,45,WHITE,100 W NOWHERE ST,,CENTRAL,"
        f"{c.neighborhood.upper()},0,0",
        # no date: rejected with the raw line kept
        "5,23C00003,,4E,COMMON ASSAULT,,U,,UNKNOWN,,,CENTRAL,,,",
    ]
    p = tmp_path / "part1_2021.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_crime_file(synth_db, str(p))
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (5, 4, 1)
    assert s.rejects_by_reason == {"no date": 1}
    got = synth_db.frame(text(
        "SELECT source_key, occurred_date::text d, occurred_hour h, occurred_dow dow, offense, is_gun_violence gun, "
        "weapon, police_district pd, police_district_pre2023 pre, police_district_2023 new, neighborhood nb, "
        "victim_sex sex, victim_race race, victim_age age, block FROM victim ORDER BY source_key"))
    r = got.set_index("source_key")
    assert r.loc["cc:22L12345:0", "d"] == "2022-12-31" and r.loc["cc:22L12345:0", "h"] == 23
    assert r.loc["cc:22L12345:0", "pd"] == "Northeastern" and r.loc["cc:22L12345:0", "new"] == "Southeastern"
    assert r.loc["cc:22L12345:1", "sex"] == "Female" and r.loc["cc:22L12345:1", "race"] == "White"
    assert r.loc["cc:22L12345:0", "nb"] == a.neighborhood and r.loc["cc:22L12345:0", "gun"]
    assert r.loc["cc:23G00001:0", "d"] == "2023-07-03" and r.loc["cc:23G00001:0", "h"] == 22
    assert r.loc["cc:23G00001:0", "pd"] == "Western" and r.loc["cc:23G00001:0", "gun"]
    assert r.loc["cc:23G00001:0", "weapon"] == "firearm" and r.loc["cc:23G00001:0", "dow"] == 1  # a Monday
    # 07:30 UTC on the day clocks sprang forward is 03:30 EDT
    assert r.loc["cc:23C00002:0", "d"] == "2023-03-12" and r.loc["cc:23C00002:0", "h"] == 3
    assert r.loc["cc:23C00002:0", "nb"] == c.neighborhood and r.loc["cc:23C00002:0", "pd"] == "Central"
    assert r.loc["cc:22L12345:0", "block"] == "1200 BLOCK N EXAMPLE ST"
    raw = synth_db.execute(text("SELECT line_number, raw FROM rejected_row")).rows
    assert raw == [(6, rows[5])]


def test_failed_load_leaves_everything_as_before(synth_db, demo_small, tmp_path, monkeypatch):
    p1 = write_csv(crime_frame(demo_small.victims.head(500), "part1_2021"), tmp_path / "a.csv")
    load_crime_file(synth_db, str(p1))
    before = snapshot(synth_db)
    p2 = write_csv(crime_frame(demo_small.victims.iloc[400:900], "part1_2021"), tmp_path / "b.csv")

    def boom(conn, *args):
        raise RuntimeError("disk full (simulated)")

    # fails after the rows are written, while the pre-aggregates are rebuilt
    monkeypatch.setattr(aggregates, "refresh", boom)
    monkeypatch.setattr(aggregates, "refresh_days", boom)
    with pytest.raises(RuntimeError):
        load_crime_file(synth_db, str(p2))
    assert snapshot(synth_db) == before
    status, msg = synth_db.execute(text("SELECT status, message FROM load_log ORDER BY id DESC LIMIT 1")).rows[0]
    assert status == "failed" and "disk full" in msg
    monkeypatch.undo()
    s = load_crime_file(synth_db, str(p2))
    assert s.rows_loaded == 400  # the 100 overlapping rows match by CCNumber


def test_bulk_load_rebuilds_the_same_indexes(synth_db, demo_small, tmp_path, monkeypatch):
    from data_access.ingest import base

    monkeypatch.setattr(base, "BULK_ROWS", 10)  # take the drop-COPY-recreate path
    q = text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'victim' ORDER BY 1")
    before = synth_db.execute(q).rows
    s = load_crime_file(synth_db, str(write_csv(crime_frame(demo_small.victims.head(300)), tmp_path / "a.csv")))
    assert s.rows_loaded == 300
    assert synth_db.execute(q).rows == before
    s2 = load_crime_file(synth_db, str(tmp_path / "a.csv"))  # the unique key index works again
    assert (s2.rows_loaded, s2.rows_updated) == (0, 0)


def test_new_boundaries_then_reingest_moves_records_without_double_counting(synth_db, demo_small,
                                                                            synthetic_boundaries, tmp_path):
    """Loaded records keep their areas when boundaries are reloaded (the load says so), and
    ingesting their file again places them on the new boundaries: same rows, areas updated."""
    import shutil

    from data_access.ingest.boundaries import load_boundaries

    v = demo_small.victims
    path = write_csv(crime_frame(v, "part1_2021"), tmp_path / "crime.csv")
    first = load_crime_file(synth_db, str(path))
    top = synth_db.execute(text(
        "SELECT neighborhood, count(*) FROM victim WHERE lon IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1")).rows[0]
    # the same city, one neighborhood renamed
    folder = tmp_path / "renamed"
    shutil.copytree(synthetic_boundaries, folder)
    nb_file = folder / "neighborhoods_2020.geojson"
    layer = json.loads(nb_file.read_text())
    for feat in layer["features"]:
        if feat["properties"]["name"] == top[0]:
            feat["properties"]["name"] = feat["properties"]["id"] = "Renamed Place"
    nb_file.write_text(json.dumps(layer))
    b = load_boundaries(synth_db, [str(folder)])
    assert any("keep the areas" in note for note in b.notes)
    assert synth_db.execute(text("SELECT count(*) FROM victim WHERE neighborhood = 'Renamed Place'")).scalar() == 0

    again = load_crime_file(synth_db, str(path))
    assert again.rows_loaded == 0 and again.rows_updated >= top[1]
    assert synth_db.execute(text("SELECT count(*) FROM victim")).scalar() == first.rows_loaded
    moved = synth_db.execute(text("SELECT count(*) FROM victim WHERE neighborhood = 'Renamed Place'")).scalar()
    assert moved >= top[1]
    assert synth_db.execute(text("SELECT count(*) FROM victim WHERE neighborhood = :n"), {"n": top[0]}).scalar() == 0
    # the aggregates follow
    assert synth_db.execute(text(
        "SELECT sum(n) FROM agg_victim_detail WHERE neighborhood = 'Renamed Place'")).scalar() == moved


def test_full_rebuild_restores_every_key_index_and_constraint(synth_db, demo_small, tmp_path):
    """Aggregates refilled whole drop and rebuild their keys and indexes; afterwards the catalog
    is exactly as the migrations left it, and a partial rebuild (which relies on them) still works."""
    q = text("SELECT c.relname, i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.tablename "
             "WHERE i.schemaname = 'public' ORDER BY 1, 2")
    cons = text("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")
    before = (synth_db.execute(q).rows, synth_db.execute(cons).rows)
    s = load_crime_file(synth_db, str(write_csv(crime_frame(demo_small.victims), tmp_path / "a.csv")))
    assert s.rows_loaded == len(demo_small.victims)
    with synth_db.begin() as conn:
        aggregates.refresh(conn)
    assert (synth_db.execute(q).rows, synth_db.execute(cons).rows) == before
    with synth_db.begin() as conn:  # a partial rebuild uses the keys (ON CONFLICT-free DELETE/INSERT)
        aggregates.refresh_days(conn, [pd.Timestamp(demo_small.victims.occurred_date.iloc[0]).date()], [])
    total = synth_db.execute(text("SELECT sum(n) FROM agg_victim_city_daily")).scalar()
    assert total == len(demo_small.victims)
