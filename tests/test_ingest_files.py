"""The ingest framework: bad files get one clear line and leave the database unchanged;
boundaries and population load; demo and real never mix."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest
from sqlalchemy import text

from app.cli import main
from data_access import migrate
from data_access.db import Database
from data_access.demo.export import crime_frame, write_csv
from data_access.ingest import IngestError
from data_access.ingest.boundaries import load_boundaries
from data_access.ingest.crime import load_crime_file
from data_access.loading import load_demo
from tests.ingest_support import shared, snapshot


@pytest.fixture()
def good_csv(tmp_path, demo_small):
    return write_csv(crime_frame(demo_small.victims.head(300), "part1_legacy"), tmp_path / "good.csv")


def _bad_files(tmp, good: bytes) -> dict[str, tuple[bytes, str]]:
    header, _, rest = good.partition(b"\n")
    gz = gzip.compress(good)
    cut = good[: len(good) - 37]  # stops in the middle of the last row
    lines = good.split(b"\n")
    lines[3] = lines[3].replace(b",", b",Caf\xc3\xa9 ", 1)  # UTF-8 é
    lines[9] = lines[9].replace(b",", b",Caf\xe9 ", 1)  # Windows-1252 é
    mixed = b"\n".join(lines)
    return {
        "empty.csv": (b"", "empty"),
        "binary.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
        "truncated.csv.gz": (gz[: len(gz) // 2], "truncated"),
        "truncated.csv": (cut, "truncated"),
        "wrong_header.csv": (b"name,when,what\nx,2020-01-01,y\n", "unrecognised header"),
        "mixed.csv": (mixed, "mixed text encodings"),
    }


def test_bad_files_get_one_clear_line_and_change_nothing(synth_db, good_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", synth_db.url.replace("+psycopg", ""))
    assert main(["ingest", "crime", str(good_csv)]) == 0  # something to protect
    capsys.readouterr()
    before = snapshot(synth_db)
    logs = synth_db.execute(text("SELECT count(*) FROM load_log")).scalar()
    for name, (content, words) in _bad_files(tmp_path, good_csv.read_bytes()).items():
        p = tmp_path / name
        p.write_bytes(content)
        assert main(["ingest", "crime", str(p)]) == 1, name
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "Traceback" not in err, (name, err)
        assert words in err and name in err, (name, err)
        with pytest.raises(IngestError):
            load_crime_file(synth_db, str(p))
    assert snapshot(synth_db) == before
    assert synth_db.execute(text("SELECT count(*) FROM load_log")).scalar() == logs


def test_windows_1252_file_and_short_rows_are_read(synth_db, demo_small, tmp_path):
    df = crime_frame(demo_small.victims.head(50), "part1_legacy")
    text_ = df.to_csv(index=False).replace("STREET", "STR\u00c9ET", 1)
    lines = text_.split("\n")
    lines.insert(5, "01/02/2023,12:00:00,4E")  # a row with too few fields (mid-file): rejected, kept
    p = tmp_path / "cp1252.csv"
    p.write_bytes("\n".join(lines).encode("cp1252"))
    s = load_crime_file(synth_db, str(p))
    assert s.rows_loaded == 50 and s.rows_rejected == 1
    raw = synth_db.execute(text("SELECT reason, raw, line_number FROM rejected_row")).rows[0]
    assert raw[0].startswith("wrong number of fields") and raw[1] == "01/02/2023,12:00:00,4E" and raw[2] == 6


def test_synthetic_boundaries_loaded(synth_db, demo_small):
    geo = demo_small.geography.areas
    got = synth_db.frame(text("SELECT layer, count(*) AS n FROM geography GROUP BY layer"))
    want = geo.groupby("layer").size()
    assert dict(zip(got.layer, got.n)) == {k: int(v) for k, v in want.items()}
    links = synth_db.execute(text("SELECT count(*) FROM area_link WHERE layer = 'council_district'")).scalar()
    assert links == (geo.layer == "neighborhood").sum()


def test_real_boundaries(real_db):
    counts = dict(real_db.execute(text("SELECT layer, count(*) FROM geography GROUP BY layer")).rows)
    src = shared("boundaries")

    def features(name):
        return len(json.loads((src / name).read_text())["features"])

    assert counts["neighborhood"] == features("neighborhoods_2020.geojson") == 279
    assert counts["neighborhood_2010"] == features("neighborhoods.geojson") == 278
    assert counts["police_district_pre2023"] == counts["police_district_2023"] == 9
    assert counts["council_district"] == 14 and counts["csa"] == 56 and counts["city"] == 1
    assert counts["legislative_district"] == 5 and counts["legislative_district_2012"] == 6
    import shapely
    rows = real_db.execute(text("SELECT geometry::text FROM geography")).rows
    assert all(shapely.from_geojson(r[0]).is_valid for r in rows)  # invalid ones were repaired
    codes = {r[0] for r in real_db.execute(text("SELECT code FROM geography WHERE layer = 'police_district_2023'")).rows}
    assert codes == {"Central", "Eastern", "Northeastern", "Northern", "Northwestern", "Southeastern",
                     "Southern", "Southwestern", "Western"}
    log = real_db.execute(text("SELECT status, rows_loaded FROM load_log WHERE dataset = 'boundaries'")).rows[0]
    assert log == ("ok", sum(counts.values()))


def test_real_population(real_db):
    import pandas as pd

    from data_access.ingest.boundaries import load_population

    path = shared("vital_signs/vital_signs_2010_2018.csv.gz")
    s = load_population(real_db, str(path))
    raw = pd.read_csv(path)
    pop = raw[raw.indicator == "total_population"]
    latest = pop[pop.year == pop.year.max()]
    city = latest[latest.csa2010 == "Baltimore City"].value
    csa = real_db.frame(text("SELECT code, population FROM geography WHERE layer = 'csa'"))
    merged = csa.merge(latest, left_on="code", right_on="csa2010")
    assert (merged.population == merged.value.round().astype(int)).all()
    assert len(merged) >= 55
    total = real_db.execute(text("SELECT population FROM geography WHERE layer = 'city'")).scalar()
    assert total == (int(city.iloc[0]) if len(city) else csa.population.sum())
    # area-weighted shares add up to (nearly) the CSA total for a layer covering the city
    nd = real_db.execute(text("SELECT sum(population) FROM geography WHERE layer = 'council_district'")).scalar()
    assert abs(nd - csa.population.sum()) / csa.population.sum() < 0.02
    assert s.rows_loaded == len(merged) + (len(city) > 0)


def test_boundaries_replace_demo_and_records_refuse_demo_city(make_database, synthetic_boundaries, good_csv):
    db = Database(make_database())
    migrate.upgrade(db)
    load_demo(db, scale=0.02, start=date(2025, 1, 1), end=date(2025, 3, 31))
    with pytest.raises(IngestError, match="psad ingest boundaries"):
        load_crime_file(db, str(good_csv))
    assert db.execute(text("SELECT is_demo FROM data_state")).scalar() is True
    load_boundaries(db, [str(synthetic_boundaries)])
    assert db.execute(text("SELECT is_demo FROM data_state")).scalar() is False
    assert db.execute(text("SELECT count(*) FROM victim")).scalar() == 0
    assert db.execute(text("SELECT count(*) FROM cvi_site")).scalar() == 0
    s = load_crime_file(db, str(good_csv))
    assert s.rows_loaded == 300
    db.dispose()


def test_records_need_boundaries(make_database, good_csv):
    db = Database(make_database())
    migrate.upgrade(db)
    with pytest.raises(IngestError, match="no boundaries"):
        load_crime_file(db, str(good_csv))
    db.dispose()
