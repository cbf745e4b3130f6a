"""CVI sites and State's Attorney cases: the documented layouts, rejects, re-loads, privacy."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access.demo.export import arrest_frame, write_csv
from data_access.ingest import IngestError
from data_access.ingest.arrests import load_arrests_file
from data_access.ingest.cases import load_cases_file
from data_access.ingest.cvi import load_cvi_file
from tests.ingest_support import snapshot

CVI_HEADER = "name,program_type,operator,services,hours,phone,url,started,address,area_served,lon,lat"


def _cvi_rows(demo_small):
    s = demo_small.cvi_sites.reset_index(drop=True)
    a, b, c = s.iloc[0], s.iloc[1], s.iloc[2]
    return [
        CVI_HEADER,
        f'"{a["name"]}",Safe Streets site,Living Classrooms,"Outreach, mediation",Mon-Fri 10-6,410-555-0100,'
        f'https://example.org/ss,2019-05-01,100 N Example St,"{a["area_served"]}",{a["lon"]},{a["lat"]}',
        f'"{b["name"]}",hospital_vip,Shock Trauma,Bedside intervention,24/7,,,07/01/2015,22 S Greene St,Citywide,'
        f'{b["lon"]},{b["lat"]}',
        f'"{c["name"]}",school_vip,City Schools,Mentoring,School days,,,,,"District {c["council_district"]}",,',
        'Help Line,victim_services,MONSE,Counseling,,,,,,Citywide,,',
        'Mystery Program,street_magic,,,,,,,,,,',  # unknown type
        'Far Away,safe_streets,,,,,,,,,-77.7,39.0',  # outside the city
        ',safe_streets,,,,,,,,,,',  # no name
    ], (a, b, c)


def test_cvi_layout_rejects_and_reloads(synth_db, demo_small, tmp_path):
    rows, (a, b, c) = _cvi_rows(demo_small)
    p = tmp_path / "cvi.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_cvi_file(synth_db, str(p))
    assert (s.rows_read, s.rows_loaded, s.rows_updated, s.rows_rejected) == (7, 4, 0, 3)
    assert set(s.rejects_by_reason) == {"no name", "coordinates outside Baltimore City",
                                        next(r for r in s.rejects_by_reason if r.startswith("unknown program type"))}
    got = synth_db.frame(text("SELECT name, program_type, neighborhood, council_district, police_district, started, "
                              "lon FROM cvi_site ORDER BY name")).set_index("name")
    assert got.loc[a["name"], "program_type"] == "safe_streets"
    assert got.loc[a["name"], "neighborhood"] == a["neighborhood"]
    assert got.loc[b["name"], "council_district"] == b["council_district"]
    assert got.loc[a["name"], "police_district"] == a["police_district"]  # 2023 map: the one in force now
    assert str(got.loc[b["name"], "started"]) == "2015-07-01"
    assert got.loc["Help Line", "lon"] is None or got.loc["Help Line", "lon"] != got.loc["Help Line", "lon"]
    s2 = load_cvi_file(synth_db, str(p))
    assert (s2.rows_loaded, s2.rows_updated) == (0, 0)
    rows[4] = rows[4].replace("Counseling", "Counseling and court accompaniment")
    del rows[3]
    p.write_text("\n".join(rows) + "\n")
    s3 = load_cvi_file(synth_db, str(p))
    assert (s3.rows_loaded, s3.rows_updated) == (0, 1) and "removed: 1" in s3.notes[0]
    assert synth_db.execute(text("SELECT count(*) FROM cvi_site")).scalar() == 3


CASE_HEADER = ("case_number,filed_date,court,arrest_number,defendant_age_band,defendant_sex,defendant_race,"
               "charge_seq,statute,charge_description,severity,disposition,disposition_date,sentence_summary")


def test_cases_refuse_a_name_column(synth_db, tmp_path):
    before = snapshot(synth_db)
    p = tmp_path / "cases.csv"
    p.write_text(CASE_HEADER.replace("defendant_sex", "defendant_name") + "\n"
                 "818001234,2024-02-01,circuit,,25-34,Jane Doe,B,1,CR.3.203,ASSAULT,misdemeanor,guilty,,\n")
    with pytest.raises(IngestError, match="defendant_name.*never stores defendants' names"):
        load_cases_file(synth_db, str(p))
    assert snapshot(synth_db) == before


def test_cases_layout_links_rejects_reloads(synth_db, demo_small, tmp_path):
    arrests = demo_small.arrests.head(50)
    load_arrests_file(synth_db, str(write_csv(arrest_frame(arrests, "arrests_2021"), tmp_path / "arr.csv")))
    linked = arrests.iloc[7]
    rows = [
        CASE_HEADER,
        f"818001234,2024-02-01,Circuit Court,{linked.arrest_number},25-34,M,B,1,CR.5.602,CDS:POSS W/I DIST:NARC,F,"
        "guilty of a lesser charge,2024-09-30,\"3 years, all suspended\"",
        f"818001234,2024-02-01,Circuit Court,{linked.arrest_number},25-34,M,B,2,PS.5.203,HANDGUN ON PERSON,M,"
        "nolle pros,2024-09-30,",
        "6B02123456,02/15/2024,District,,19,F,W,,CR.3.203,ASSAULT-SEC DEGREE,misdemeanor,Stet,03/01/2024,",
        "6B02123457,2024-03-02,district,,55+,U,,,CR.6.205,BURGLARY-FOURTH DEGREE,misdemeanor,,,",
        "6B02123458,2024-03-02,district,,18-24,M,B,,CR.6.205,THEFT,misdemeanor,found innocent-ish,,",  # bad
        ",2024-03-02,district,,18-24,M,B,,CR.6.205,THEFT,misdemeanor,guilty,,",  # no case number
    ]
    p = tmp_path / "cases.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_cases_file(synth_db, str(p))
    assert (s.rows_read, s.rows_loaded, s.rows_updated, s.rows_rejected) == (6, 4, 0, 2)
    assert s.rejects_by_reason == {"unknown disposition": 1, "no case number": 1}
    cases = synth_db.frame(text("SELECT case_number, court, defendant_age_band, defendant_sex, neighborhood, "
                                "police_district FROM sao_case ORDER BY case_number")).set_index("case_number")
    assert cases.loc["818001234", "court"] == "circuit"
    assert cases.loc["818001234", "neighborhood"] == linked.neighborhood  # from the linked arrest
    assert cases.loc["818001234", "police_district"] == linked.police_district
    assert cases.loc["6B02123456", "defendant_age_band"] == "18-24"  # a number becomes its band
    assert cases.loc["6B02123457", "defendant_age_band"] == "55+"
    ch = synth_db.frame(text("SELECT c.case_number, seq, disposition, severity, charge_category, is_gun_charge, "
                             "sentence_summary FROM case_charge ch JOIN sao_case c ON c.id = ch.case_id "
                             "ORDER BY c.id, seq"))
    assert ch.disposition.tolist() == ["guilty_lesser", "nolle_prosequi", "stet", "pending"]
    assert ch.is_gun_charge.tolist() == [False, True, False, False]
    assert ch.charge_category.tolist() == ["drugs", "weapons", "violent", "property"]
    assert ch.sentence_summary.iloc[0] == "3 years, all suspended"
    s2 = load_cases_file(synth_db, str(p))
    assert (s2.rows_loaded, s2.rows_updated) == (0, 0)
    rows[4] = rows[4].replace("misdemeanor,,,", "misdemeanor,guilty,2024-06-01,")  # the pending case is decided
    p.write_text("\n".join(rows) + "\n")
    s3 = load_cases_file(synth_db, str(p))
    assert (s3.rows_loaded, s3.rows_updated) == (0, 1)
    assert synth_db.execute(text("SELECT count(*) FROM case_charge")).scalar() == 4
    assert synth_db.execute(text("SELECT disposition FROM case_charge ch JOIN sao_case c ON c.id = ch.case_id "
                                 "WHERE case_number = '6B02123457'")).scalar() == "guilty"
    # The Case pages read pre-aggregates: a cases load rebuilds them (the decided case shows).
    outcomes = dict(synth_db.execute(text("SELECT disposition, sum(n) FROM agg_charge_outcome GROUP BY 1")).rows)
    assert outcomes == {"guilty_lesser": 1, "nolle_prosequi": 1, "stet": 1, "guilty": 1}
    assert synth_db.execute(text("SELECT count(DISTINCT case_id) FROM case_search")).scalar() == 3
