"""Loader hardening (issue 13, items 13–15), on real PostgreSQL.

13. Files with nothing loadable (a header and no rows, a CVI list with no usable site, population
    values that are not numbers) get one plain sentence and leave the database unchanged; a bad
    population row is rejected with its reason like any other dataset's.
14. A NUL byte anywhere in a file refuses it (not only in the first 64 KiB), and a time of day that
    is not one (``9999``, ``25:00``, ``ab:cd``) rejects its row with a reason instead of loading it
    without an hour.
15. The data version (every cache key) moves only when what the app serves changed: a reload that
    changes nothing keeps it and ``updated_at`` (the API's Last-Modified), and every kind of real
    change still moves it (``psad ingest`` of each kind, ``psad refresh``, ``psad demo load``; the
    0006 migration is covered in ``test_privacy_hardening``).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import date

import pytest
from sqlalchemy import text

from app.cli import main
from app.settings import Settings
from data_access import migrate
from data_access.db import Database
from data_access.demo.export import arrest_frame, crime_frame, write_csv
from data_access.ingest import IngestError
from data_access.ingest.arcgis import refresh
from data_access.ingest.arrests import load_arrests_file
from data_access.ingest.boundaries import load_boundaries, load_population
from data_access.ingest.cases import load_cases_file
from data_access.ingest.crime import load_crime_file
from data_access.ingest.cvi import load_cvi_file
from data_access.loading import load_demo
from tests.arcgis_replay import Layer, ReplayServer, crime_features
from tests.ingest_support import snapshot

CVI_HEADER = "name,program_type,operator,services,hours,phone,url,started,address,area_served,lon,lat"
CASE_HEADER = ("case_number,filed_date,court,arrest_number,defendant_age_band,defendant_sex,defendant_race,"
               "charge_seq,statute,charge_description,severity,disposition,disposition_date,sentence_summary")
POP_HEADER = "csa2010,year,indicator,value"
INTERNAL = ("Traceback", "TypeError", "ValueError", "KeyError", "Cannot cast", "cannot convert", "NaN",
            "DataError", "psycopg", "sqlalchemy")


def _use(db: Database, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url.replace("+psycopg", ""))


def _one_sentence(capsys, *words: str) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert not any(w in err for w in INTERNAL), err
    for w in words:
        assert w in err, (w, err)
    return err


def _state(db: Database) -> tuple:
    return db.execute(text("SELECT version, updated_at FROM data_state")).rows[0]


def _version(db: Database) -> int:
    return db.execute(text("SELECT version FROM data_state")).scalar()


def _csas(demo_small) -> list[str]:
    a = demo_small.geography.areas
    return a[a.layer == "csa"].code.tolist()


def _cvi_file(demo_small, path, *, services="Counseling"):
    s = demo_small.cvi_sites.reset_index(drop=True).iloc[0]
    path.write_text(f"{CVI_HEADER}\n\"{s['name']}\",safe_streets,Living Classrooms,Outreach,,,,2019-05-01,,Citywide,"
                    f"{s['lon']},{s['lat']}\nHelp Line,victim_services,MONSE,{services},,,,,,Citywide,,\n")
    return path


# --- 13: nothing loadable -> one plain sentence, nothing changed ---------------------------------

HEADERS = {
    "cvi": CVI_HEADER,
    "crime": "CrimeDate,CrimeTime,CrimeCode,Location,Description,Inside/Outside,Weapon,Post,District,Neighborhood",
    "arrests": "Arrest,Age,Sex,Race,ArrestDate,ArrestTime,ArrestLocation,IncidentOffense,Charge,ChargeDescription",
    "cases": CASE_HEADER,
    "population": POP_HEADER,
}


def test_header_only_files_are_one_sentence_and_change_nothing(synth_db, demo_small, tmp_path, monkeypatch,
                                                               capsys):
    _use(synth_db, monkeypatch)
    assert main(["ingest", "cvi", str(_cvi_file(demo_small, tmp_path / "sites.csv"))]) == 0  # a list to protect
    capsys.readouterr()
    before = snapshot(synth_db)
    logs = synth_db.execute(text("SELECT count(*) FROM load_log")).scalar()
    for kind, header in HEADERS.items():
        for ending in ("\n", "\r\n", "\n\n\n"):
            p = tmp_path / f"{kind}_header_only.csv"
            p.write_bytes((header + ending).encode())
            assert main(["ingest", kind, str(p)]) == 1, (kind, ending)
            _one_sentence(capsys, p.name, "no rows", "nothing was loaded")
    assert snapshot(synth_db) == before
    assert synth_db.execute(text("SELECT count(*) FROM load_log")).scalar() == logs


def test_cvi_list_without_a_usable_site_keeps_the_current_list(synth_db, demo_small, tmp_path, monkeypatch,
                                                                capsys):
    """The CVI file is the complete list: one whose every row is rejected would otherwise remove
    every site."""
    _use(synth_db, monkeypatch)
    assert main(["ingest", "cvi", str(_cvi_file(demo_small, tmp_path / "sites.csv"))]) == 0
    capsys.readouterr()
    before = snapshot(synth_db)
    p = tmp_path / "typo.csv"
    p.write_text(f"{CVI_HEADER}\nHelp Line,victim_servces,,,,,,,,,,\n,safe_streets,,,,,,,,,,\n"
                 "Far Away,safe_streets,,,,,,,,,-77.7,39.0\nShort,row\n")
    assert main(["ingest", "cvi", str(p)]) == 1
    err = _one_sentence(capsys, p.name, "no usable site", "4 rows", "kept")
    assert "unknown program type" in err and "no name" in err
    assert snapshot(synth_db) == before
    assert synth_db.execute(text("SELECT count(*) FROM cvi_site")).scalar() == 2


def test_cvi_blank_start_dates_load(synth_db, demo_small, tmp_path):
    """Every started date blank (the column present, or left out) is not an error."""
    p = tmp_path / "sites.csv"
    p.write_text("name,program_type,started\nHelp Line,victim_services,\nSafe Place,safe_streets,\n")
    s = load_cvi_file(synth_db, str(p))
    assert (s.rows_loaded, s.rows_rejected) == (2, 0)
    p.write_text("name,program_type\nHelp Line,victim_services\n")
    s = load_cvi_file(synth_db, str(p))
    assert synth_db.execute(text("SELECT count(*) FROM cvi_site")).scalar() == 1


def test_population_values_that_are_not_numbers(synth_db, demo_small, tmp_path, monkeypatch, capsys):
    _use(synth_db, monkeypatch)
    csas = _csas(demo_small)
    before = snapshot(synth_db)
    pops = lambda: synth_db.execute(text(  # noqa: E731
        "SELECT layer, code, population, population_year FROM geography ORDER BY 1, 2")).rows
    pop_before = pops()
    # nothing usable: one sentence, nothing changed
    p = tmp_path / "pop.csv"
    p.write_text(f"{POP_HEADER}\n\"{csas[0]}\",2020,total_population,n/a\n\"{csas[1]}\",2020,total_population,"
                 "twelve\n")
    assert main(["ingest", "population", str(p)]) == 1
    _one_sentence(capsys, p.name, "total_population", "not a number", "nothing was loaded")
    p.write_text(f"{POP_HEADER}\n\"{csas[0]}\",2020,total_population,\n")
    assert main(["ingest", "population", str(p)]) == 1
    _one_sentence(capsys, p.name, "total_population", "nothing was loaded")
    assert snapshot(synth_db) == before and pops() == pop_before

    # some usable: the bad rows are rejected with their reason (kept, counted, logged)
    p.write_text("\n".join([
        POP_HEADER,
        f"\"{csas[0]}\",2020,total_population,1200",
        f"\"{csas[1]}\",2020,total_population,n/a",
        f"\"{csas[2]}\",twenty,total_population,900",
        f"\"{csas[3]}\",2020,total_population,-5",
        "Atlantis,2020,total_population,77",
        f"\"{csas[4]}\",2020,median_income,abc",  # another indicator: not read, not rejected
        "Baltimore City,2020,total_population,585000",
        f"\"{csas[5]}\",99999999999999999999,total_population,10",
        f"\"{csas[6]}\",2020,total_population,1e30",
        f"\"{csas[0]}\",2020,total_population,1300",
    ]) + "\n")
    assert main(["ingest", "population", str(p)]) == 0
    out = capsys.readouterr().out
    assert "rejected 7" in out
    rej = dict(synth_db.execute(text("SELECT line_number, reason FROM rejected_row WHERE dataset = 'population'")).rows)
    assert rej == {3: "value is not a number", 4: "unreadable year", 5: "negative value",
                   6: "CSA name not in the loaded CSA layer", 9: "unreadable year",
                   10: "value out of range (above 100,000,000)",
                   11: "duplicate CSA (a second 2020 value for the same CSA)"}
    log = synth_db.execute(text("SELECT status, rows_read, rows_loaded, rows_rejected, rejects_by_reason "
                                "FROM load_log WHERE dataset = 'population'")).rows[0]
    assert log[:4] == ("ok", 10, 2, 7) and sum(log[4].values()) == 7
    got = dict(synth_db.execute(text("SELECT code, population FROM geography WHERE layer IN ('csa', 'city') "
                                     "AND population IS NOT NULL")).rows)
    assert got == {csas[0]: 1200, "baltimore": 585000}


# --- 14: NUL bytes anywhere, times that are not times ---------------------------------------------

def test_nul_byte_after_the_first_64_kib_is_refused(synth_db, demo_small, tmp_path, monkeypatch, capsys):
    _use(synth_db, monkeypatch)
    good = write_csv(crime_frame(demo_small.victims.head(300), "part1_legacy"), tmp_path / "good.csv")
    assert main(["ingest", "crime", str(good)]) == 0
    capsys.readouterr()
    before = snapshot(synth_db)
    body = write_csv(crime_frame(demo_small.victims.head(2000), "part1_legacy"), tmp_path / "big.csv").read_bytes()
    assert len(body) > 3 * 65536
    at = body.index(b"\n", 150_000) + 5  # inside a row well past the first 64 KiB
    line = body.count(b"\n", 0, at) + 1
    damaged = body[:at] + b"\x00" + body[at:]
    for name, content in (("nul.csv", damaged), ("nul.csv.gz", gzip.compress(damaged))):
        p = tmp_path / name
        p.write_bytes(content)
        assert main(["ingest", "crime", str(p)]) == 1, name
        _one_sentence(capsys, name, "NUL", f"line {line}", "nothing was loaded")
    assert snapshot(synth_db) == before


BAD_TIMES = ["9999", "25:00", "ab:cd", "24:00", "12:60", "7:5", "12:30:61", "-1:00"]
GOOD_TIMES = {"": None, "00:00": 0, "23:59:59": 23, "0930": 9, "930": 9, "7:05": 7}


@pytest.mark.parametrize("kind", ["crime", "arrests"])
def test_unreadable_times_are_rejected_with_a_reason(synth_db, demo_small, tmp_path, kind):
    if kind == "crime":
        df, tcol, table, hour, load = (crime_frame(demo_small.victims.head(len(BAD_TIMES) + len(GOOD_TIMES) + 3),
                                                   "part1_legacy"), "CrimeTime", "victim", "occurred_hour",
                                       load_crime_file)
    else:
        df, tcol, table, hour, load = (arrest_frame(demo_small.arrests.head(len(BAD_TIMES) + len(GOOD_TIMES) + 3),
                                                    "arrests_2018"), "ArrestTime", "arrest", "arrest_hour",
                                       load_arrests_file)
        df["Arrest"] = [f"A{i:05d}" for i in range(len(df))]  # one key per row, whatever its time
    fixed = df.copy()
    times = BAD_TIMES + list(GOOD_TIMES)
    df.loc[: len(times) - 1, tcol] = times
    fixed.loc[len(BAD_TIMES): len(times) - 1, tcol] = list(GOOD_TIMES)
    p = write_csv(df, tmp_path / "times.csv")
    s = load(synth_db, str(p))
    assert s.rows_rejected == len(BAD_TIMES) and s.rejects_by_reason == {"unreadable time": len(BAD_TIMES)}
    assert s.rows_loaded == len(df) - len(BAD_TIMES)
    rej = synth_db.frame(text("SELECT line_number, raw FROM rejected_row ORDER BY line_number"))
    assert rej.line_number.tolist() == list(range(2, 2 + len(BAD_TIMES)))
    assert all(t in raw for t, raw in zip(BAD_TIMES, rej.raw))  # the raw text shows what was wrong
    assert synth_db.execute(text(f"SELECT count(*) FROM {table} WHERE {hour} IS NULL")).scalar() == 1  # the blank
    # the clerk fixes the times and loads again: the rejected rows arrive, once
    s2 = load(synth_db, str(write_csv(fixed, tmp_path / "fixed.csv")))
    assert s2.rows_rejected == 0 and s2.rows_loaded == len(BAD_TIMES)
    assert synth_db.execute(text(f"SELECT count(*) FROM {table}")).scalar() == len(df)


# --- 15: the data version moves only when data changed -------------------------------------------

def _same_then_changed(db: Database, load_same, load_changed) -> None:
    load_same()
    before = _state(db)
    ok = db.execute(text("SELECT count(*) FROM load_log WHERE status = 'ok'")).scalar()
    s = load_same()
    assert _state(db) == before, "a reload that changes nothing must keep the data version"
    assert s.version == before[0] and not s.version_changed
    assert any("nothing changed" in line for line in s.lines())
    assert db.execute(text("SELECT count(*) FROM load_log WHERE status = 'ok'")).scalar() == ok + 1  # logged
    s = load_changed()
    assert _version(db) == before[0] + 1 and s.version_changed and s.version == before[0] + 1


def test_version_crime_and_arrests(synth_db, demo_small, tmp_path):
    p = write_csv(crime_frame(demo_small.victims.head(200), "part1_legacy"), tmp_path / "crime.csv")
    newer = write_csv(crime_frame(demo_small.victims.head(210), "part1_legacy"), tmp_path / "newer.csv")
    _same_then_changed(synth_db, lambda: load_crime_file(synth_db, str(p)),
                       lambda: load_crime_file(synth_db, str(newer)))
    a = arrest_frame(demo_small.arrests.head(100), "arrests_2021")
    pa = write_csv(a, tmp_path / "arr.csv")
    a2 = a.copy()
    a2.loc[3, "ChargeDescription"] = "THEFT LESS THAN $100"
    _same_then_changed(synth_db, lambda: load_arrests_file(synth_db, str(pa)),
                       lambda: load_arrests_file(synth_db, str(write_csv(a2, tmp_path / "arr2.csv"))))


def test_version_cvi_cases_population_boundaries(synth_db, demo_small, synthetic_boundaries, tmp_path):
    p = _cvi_file(demo_small, tmp_path / "cvi.csv")
    p2 = _cvi_file(demo_small, tmp_path / "cvi2.csv", services="Counseling and court accompaniment")
    _same_then_changed(synth_db, lambda: load_cvi_file(synth_db, str(p)), lambda: load_cvi_file(synth_db, str(p2)))

    cases = tmp_path / "cases.csv"
    cases.write_text(f"{CASE_HEADER}\n6B02123457,2024-03-02,district,,55+,U,,,CR.6.205,BURGLARY,misdemeanor,,,\n")
    decided = tmp_path / "decided.csv"
    decided.write_text(f"{CASE_HEADER}\n6B02123457,2024-03-02,district,,55+,U,,,CR.6.205,BURGLARY,misdemeanor,"
                       "guilty,2024-06-01,\n")
    _same_then_changed(synth_db, lambda: load_cases_file(synth_db, str(cases)),
                       lambda: load_cases_file(synth_db, str(decided)))

    csas = _csas(demo_small)
    pop = tmp_path / "pop.csv"
    pop.write_text(f"{POP_HEADER}\n" + "".join(f"\"{c}\",2020,total_population,{1000 + i}\n" for i, c in enumerate(csas)))
    pop2 = tmp_path / "pop2.csv"
    pop2.write_text(pop.read_text().replace(",1000\n", ",1001\n"))
    _same_then_changed(synth_db, lambda: load_population(synth_db, str(pop)),
                       lambda: load_population(synth_db, str(pop2)))

    # boundaries: the same files again change nothing (and keep the population attached to them)
    council = synthetic_boundaries / "council_districts.geojson"
    doc = json.loads(council.read_text())
    doc["features"] = doc["features"][:-1]  # a district redrawn away
    (tmp_path / "b").mkdir()
    fewer = tmp_path / "b" / "council_districts.geojson"
    fewer.write_text(json.dumps(doc))
    with_pop = synth_db.execute(text("SELECT count(*) FROM geography WHERE population IS NOT NULL")).scalar()
    _same_then_changed(synth_db, lambda: load_boundaries(synth_db, [str(synthetic_boundaries)]),
                       lambda: load_boundaries(synth_db, [str(fewer)]))
    assert synth_db.execute(text("SELECT count(*) FROM geography WHERE layer = 'csa' AND population IS NOT NULL")
                            ).scalar() == len(csas) and with_pop


def test_version_refresh(synth_db, demo_small):
    server = ReplayServer().start()
    try:
        v = demo_small.victims.sort_values("occurred_at").reset_index(drop=True)
        feats = crime_features(v.head(300))
        server.layers["Part1_Crime_Beta"] = Layer(feats, "CrimeDateTime", max_records=250)
        settings = dataclasses.replace(Settings.from_env({}), arcgis_crime_url=server.url("Part1_Crime_Beta"),
                                       arcgis_retries=2, arcgis_timeout=5.0)

        def again():
            return refresh(synth_db, settings, datasets=["crime"], since=date(2000, 1, 1), backoff=0.0)[0]

        def more():
            server.layers["Part1_Crime_Beta"].features = feats + crime_features(v.iloc[300:305], first_oid=300)
            return again()

        _same_then_changed(synth_db, again, more)
    finally:
        server.stop()


def test_refresh_drops_a_nul_character_in_a_record(synth_db, demo_small):
    """A file with a NUL byte is refused whole; an ArcGIS record with one (``\\u0000`` in its JSON)
    loads without it, so one record cannot fail every refresh."""
    server = ReplayServer().start()
    try:
        feats = crime_features(demo_small.victims.head(20))
        feats[3]["attributes"]["Location"] = "1200 N\x00 CHARLES ST"
        feats[4]["attributes"]["Description"] = "LARCENY\x00"
        server.layers["Part1_Crime_Beta"] = Layer(feats, "CrimeDateTime")
        settings = dataclasses.replace(Settings.from_env({}), arcgis_crime_url=server.url("Part1_Crime_Beta"),
                                       arcgis_retries=2, arcgis_timeout=5.0)
        (s,) = refresh(synth_db, settings, datasets=["crime"], backoff=0.0)
    finally:
        server.stop()
    assert s.rows_loaded == 20 and s.rows_rejected == 0
    assert synth_db.execute(text("SELECT count(*) FROM victim WHERE block = '1200 BLOCK N CHARLES ST'")).scalar() == 1


def test_a_refused_file_or_failed_load_keeps_the_version(synth_db, demo_small, tmp_path):
    load_crime_file(synth_db, str(write_csv(crime_frame(demo_small.victims.head(50), "part1_legacy"),
                                            tmp_path / "a.csv")))
    before = _state(synth_db)
    bad = tmp_path / "names.csv"
    bad.write_text("CrimeDate,CrimeCode,VictimName\n01/02/2023,4E,Jane Doe\n")
    with pytest.raises(IngestError):
        load_crime_file(synth_db, str(bad))
    assert _state(synth_db) == before


def test_version_moves_when_writes_cannot_be_counted(synth_db, demo_small, tmp_path, monkeypatch):
    """With PostgreSQL's row counters off (``track_counts``), a load cannot tell: the version moves."""
    from data_access import loading

    p = write_csv(crime_frame(demo_small.victims.head(30), "part1_legacy"), tmp_path / "a.csv")
    load_crime_file(synth_db, str(p))
    version = _version(synth_db)
    monkeypatch.setattr(loading, "served_writes", lambda conn: None)
    s = load_crime_file(synth_db, str(p))
    assert s.version_changed and _version(synth_db) == version + 1


def test_demo_load_moves_the_version(make_database):
    db = Database(make_database())
    try:
        migrate.upgrade(db)
        s1 = load_demo(db, scale=0.01, start=date(2025, 1, 1), end=date(2025, 2, 28))
        assert _version(db) == 1 and s1.version == 1 and s1.version_changed
        s2 = load_demo(db, scale=0.01, start=date(2025, 1, 1), end=date(2025, 3, 31))  # a new demo: new data
        assert _version(db) == 2 and s2.version_changed
    finally:
        db.dispose()
