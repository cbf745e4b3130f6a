"""Issue 13, privacy items 1-3: no house number, no name and no free-text sentence is stored or
published, whatever shape the agency's file gives them.

1. Every location becomes ``2700 BLOCK N CHARLES ST`` or nothing (property-based over generated
   address shapes, plus the issue's examples through ``psad ingest crime``/``arrests`` and out
   through the map's points query, which the popups draw).
2. A column that could hold a name is refused for every dataset; ``rejected_row.raw`` holds only
   the loader's known columns (never an unknown one) and no house number.
3. A case's sentence is reduced to a vocabulary at ingest, and stored free text is never
   published raw (API and the lookup's query).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from data_access import map_queries as Q
from data_access.filters import Filters
from data_access.ingest import IngestError
from data_access.ingest.normalize import block_of
from data_access.ingest.reader import looks_like_name_column
from data_access.vocabulary import SENTENCE_WORDS, reduce_sentence
from tests.ingest_support import snapshot

# --- 1. addresses -------------------------------------------------------------------------------

ISSUE_EXAMPLES = {
    "APT 3 2712 N CHARLES ST": "2700 BLOCK N CHARLES ST",
    "REAR 2712 CHESLEY AVE": "2700 BLOCK CHESLEY AVE",
    "2712-A N CHARLES ST": "2700 BLOCK N CHARLES ST",
    "#2714 N CHARLES ST": "2700 BLOCK N CHARLES ST",
    "UNIT 4B, 2716 N CHARLES ST": "2700 BLOCK N CHARLES ST",
    "2712 CHESLEY AVE": "2700 BLOCK CHESLEY AVE",
    "2712 N CHARLES ST APT 3": "2700 BLOCK N CHARLES ST",
    "2712 N CHARLES ST #3": "2700 BLOCK N CHARLES ST",
    "2712 1/2 N CHARLES ST": "2700 BLOCK N CHARLES ST",
    "2712A N CHARLES ST BAL": "2700 BLOCK N CHARLES ST",
    "2700 BLOCK N CHARLES ST": "2700 BLOCK N CHARLES ST",
    "12 E 33RD ST": "0 BLOCK E 33RD ST",
    "N CHARLES ST & E 33RD ST": "N CHARLES ST & E 33RD ST",
    "100 21 ST": "100 BLOCK 21ST ST",
    "0 I 83/GUILFORD AVE": "0 BLOCK I 83 / GUILFORD AVE",
    "2712": None,
    "APT 3": None,
}
STREETS = ["N CHARLES ST", "CHESLEY AVE", "E 33RD ST", "W 41ST ST", "GREENMOUNT AVE", "ST PAUL ST",
           "MARTIN LUTHER KING JR BLVD", "S ANN ST"]
UNIT_WORDS = ["APT", "APARTMENT", "UNIT", "STE", "SUITE", "#", "RM", "ROOM", "BLDG", "FL", "FLR", "NO", "TRLR"]
PREFIX_WORDS = ["REAR", "REAR OF", "FRONT", "BSMT", "BASEMENT", "UPPER", "LOWER", "BEHIND"]


def _digit_runs_ok(out: str) -> bool:
    """The only digits allowed: the block's hundreds at the start and short street ordinals."""
    rest = out
    m = re.match(r"^(\d+) BLOCK ", out)
    if m:
        if int(m.group(1)) % 100:
            return False
        rest = out[m.end():]
    rest = re.sub(r"\b\d{1,2}(ST|ND|RD|TH)\b", "", rest)  # E 33RD ST
    rest = re.sub(r"\b(I|RT|RTE|ROUTE|US|MD|HWY|HIGHWAY|INTERSTATE|SR)[ -]\d{1,3}\b", "", rest)  # I 83, RT 40
    return not re.search(r"\d", rest)


@st.composite
def address_shapes(draw):
    house = draw(st.integers(1, 9999))
    street = draw(st.sampled_from(STREETS))
    suffix = draw(st.sampled_from(["", "A", "-A", "-B", "-14", " 1/2"]))
    num = draw(st.sampled_from(["", "#"])) + f"{house}{suffix}"
    unit = f"{draw(st.sampled_from(UNIT_WORDS))}{draw(st.sampled_from([' ', '']))}" \
           f"{draw(st.integers(1, 99))}{draw(st.sampled_from(['', 'B', 'C']))}"
    sep = draw(st.sampled_from([" ", ", ", "  "]))
    shape = draw(st.sampled_from(["plain", "unit_before", "unit_after", "prefix", "prefix_unit"]))
    addr = {
        "plain": f"{num} {street}",
        "unit_before": f"{unit}{sep}{num} {street}",
        "unit_after": f"{num} {street}{sep}{unit}",
        "prefix": f"{draw(st.sampled_from(PREFIX_WORDS))} {num} {street}",
        "prefix_unit": f"{draw(st.sampled_from(PREFIX_WORDS))} {num} {street}{sep}{unit}",
    }[shape]
    if draw(st.booleans()):
        addr = addr.lower()
    return addr, house, street


@settings(max_examples=600, deadline=None)
@given(address_shapes())
def test_generated_addresses_become_their_block(shape):
    addr, house, street = shape
    got = block_of(pd.Series([addr])).iloc[0]
    assert got == f"{house // 100 * 100} BLOCK {street}", addr
    assert str(house) not in got.replace(f"{house // 100 * 100} BLOCK", "") or house < 100


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="0123456789 ABCDEFGHNRSTUVWXabc#-,/&.'", max_size=40))
@example("APT 3 2712 N CHARLES ST")
@example("2712 N CHARLES ST 3")
@example("STE 2712TH ST")
@example("N2712 CHARLES")
def test_no_house_number_survives_any_text(addr):
    got = block_of(pd.Series([addr])).iloc[0]
    if got is None or got != got:
        return
    assert _digit_runs_ok(got), (addr, got)
    assert block_of(pd.Series([got])).iloc[0] == got  # a block stays itself


def test_the_issue_examples():
    got = block_of(pd.Series(list(ISSUE_EXAMPLES))).tolist()
    want = [None if w is None else w for w in ISSUE_EXAMPLES.values()]
    assert [None if g != g else g for g in got] == want


def _crime_rows(demo_small):
    pts = demo_small.victims[demo_small.victims.offense.isin(["common_assault", "larceny"])].head(len(ISSUE_EXAMPLES))
    rows = ["RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Location,Latitude,Longitude"]
    for i, (loc, p) in enumerate(zip(ISSUE_EXAMPLES, pts.itertuples()), 1):
        rows.append(f'{i},24A{i:05d},2024/03/0{1 + i % 9} 12:00:00+00,4E,COMMON ASSAULT,"{loc}",{p.lat},{p.lon}')
    return rows


def test_locations_through_crime_ingest_and_the_map_points(synth_db, demo_small, tmp_path):
    from data_access.ingest.crime import load_crime_file

    rows = _crime_rows(demo_small)
    p = tmp_path / "crime.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_crime_file(synth_db, str(p))
    assert s.rows_loaded == len(ISSUE_EXAMPLES)
    stored = synth_db.execute(text("SELECT block FROM victim ORDER BY source_key")).rows
    want = sorted([w for w in ISSUE_EXAMPLES.values()], key=lambda w: (w is None, w or ""))
    assert sorted([b for (b,) in stored], key=lambda w: (w is None, w or "")) == want
    pts = Q.points(synth_db, Filters(date(2024, 1, 1), date(2024, 12, 31)), 1000)
    assert len(pts) == len(ISSUE_EXAMPLES)
    for b in pts.block.dropna():
        assert _digit_runs_ok(b) and not re.search(r"271\d", b), b


def test_locations_through_arrest_ingest(synth_db, tmp_path):
    from data_access.ingest.arrests import load_arrests_file

    rows = ["Arrest,Age,Sex,Race,ArrestDate,ArrestTime,ArrestLocation,IncidentOffense,IncidentLocation,Charge,"
            "ChargeDescription,District,Post,Neighborhood,Longitude,Latitude,Location 1"]
    for i, loc in enumerate(ISSUE_EXAMPLES, 1):
        rows.append(f'{24000 + i},30,M,B,03/0{1 + i % 9}/2024,12:00,"{loc}",4ECOMMON ASSAULT,"{loc}",1 1415,'
                    f"ASSAULT-SEC DEGREE,CENTRAL,111,,,,")
    p = tmp_path / "arrests.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_arrests_file(synth_db, str(p))
    assert s.rows_loaded == len(ISSUE_EXAMPLES)
    cols = [c for c in ("arrest_block", "incident_block", "block", "arrest_location", "incident_location")
            if synth_db.execute(text("SELECT count(*) FROM information_schema.columns WHERE table_name = 'arrest' "
                                     "AND column_name = :c"), {"c": c}).scalar()]
    assert cols
    for c in cols:
        for (b,) in synth_db.execute(text(f"SELECT {c} FROM arrest WHERE {c} IS NOT NULL")).rows:
            assert _digit_runs_ok(b) and not re.search(r"271\d", b), (c, b)


# --- 2. name columns and raw lines ----------------------------------------------------------------

NAME_HEADERS = ["VictimName", "FirstName", "LastName", "Defendant", "contact_name", "accused", "victim",
                "Victim Name", "VICTIM_NAME", "first_nm", "LAST NM", "Surname", "full name", "Suspect",
                "complainant", "Witness_1", "Arrestee", "DefendantFullName", "victimname", "person",
                "alias", "Offender", "OWNER_NAME", "nickname", "Given Name", "DECEDENT"]
SAFE_HEADERS = ["Neighborhood", "Location", "CrimeDateTime", "Inside_Outside", "Old_District", "Premise",
                "Total_Incidents", "GeoLocation", "defendant_age_band", "defendant_sex", "defendant_race",
                "VictimAge", "Victim_Sex", "victim race", "ChargeDescription", "IncidentOffence", "Arrest",
                "ArrestNumber", "program_type", "area_served", "created_meta", "Weapon", "TotalVictims",
                "victim_count", "Number of Victims"]


@pytest.mark.parametrize("h", NAME_HEADERS)
def test_name_like_headers_are_recognised(h):
    assert looks_like_name_column(h)


@pytest.mark.parametrize("h", SAFE_HEADERS)
def test_ordinary_headers_are_not(h):
    assert not looks_like_name_column(h)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["victim", "defendant", "first", "last", "contact", "owner", "suspect", "accused", ""]),
       st.sampled_from(["name", "Name", "NAME", "nm", "_name", " name", "-Name", "Names"]),
       st.sampled_from(["", "_1", " 2", "s"]))
def test_any_spelling_of_a_name_header_is_recognised(a, b, c):
    h = f"{a}{b}{c}"
    assert looks_like_name_column(h) and looks_like_name_column(h.upper()) and looks_like_name_column(h.title())


def _crime_with(extra_header, extra_value):
    return ("RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Location," + extra_header + "\n"
            f"1,24A00001,2024/03/01 12:00:00+00,4E,COMMON ASSAULT,2712 N CHARLES ST,{extra_value}\n")


@pytest.mark.parametrize("dataset", ["crime", "arrests", "cvi", "cases", "population"])
@pytest.mark.parametrize("header", ["VictimName", "Defendant", "contact_name", "accused"])
def test_every_dataset_refuses_a_name_column(synth_db, tmp_path, dataset, header):
    from data_access.ingest.arrests import load_arrests_file
    from data_access.ingest.boundaries import load_population
    from data_access.ingest.cases import load_cases_file
    from data_access.ingest.crime import load_crime_file
    from data_access.ingest.cvi import load_cvi_file

    body = {
        "crime": _crime_with(header, "JOHN DOE"),
        "arrests": f"ArrestNumber,ArrestDateTime,Age,{header}\n24001,2024/03/01 12:00:00,30,JOHN DOE\n",
        "cvi": f"name,program_type,{header}\nHelp Line,victim_services,JOHN DOE\n",
        "cases": f"case_number,filed_date,charge_description,{header}\n818001234,2024-02-01,ASSAULT,JOHN DOE\n",
        "population": f"csa2010,year,indicator,value,{header}\nBaltimore City,2018,total_population,600000,JOHN DOE\n",
    }[dataset]
    load = {"crime": load_crime_file, "arrests": load_arrests_file, "cvi": load_cvi_file,
            "cases": load_cases_file, "population": load_population}[dataset]
    p = tmp_path / f"{dataset}.csv"
    p.write_text(body)
    before = snapshot(synth_db)
    with pytest.raises(IngestError) as e:
        load(synth_db, str(p))
    msg = str(e.value)
    assert repr(header) in msg and "name" in msg and "Nothing was loaded" in msg and "JOHN" not in msg
    assert snapshot(synth_db) == before


def test_rejected_rows_keep_only_known_columns_and_no_house_number(synth_db, demo_small, tmp_path):
    """An unknown column (a free-text note) never reaches rejected_row.raw; the location there is
    its block; rejected (no date, unknown offense) and wrong-width rows alike."""
    from data_access.ingest.crime import load_crime_file

    p0 = demo_small.victims.iloc[0]
    rows = [
        "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Location,Latitude,Longitude,Notes",
        f"1,24A00001,2024/03/01 12:00:00+00,4E,COMMON ASSAULT,2712 N CHARLES ST,{p0.lat},{p0.lon},ok",
        "2,24A00002,,4E,COMMON ASSAULT,APT 3 2712 N CHARLES ST,,,called by JANE ROE",
        "3,24A00003,2024/03/01 12:00:00+00,ZZ,NOT A CRIME,#2714 N CHARLES ST,,,JOHN DOE next door",
        "4,24A00004,2024/03/01 12:00:00+00,4E,COMMON ASSAULT,2716 N CHARLES ST,,,JOHN DOE,extra",
    ]
    p = tmp_path / "crime.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_crime_file(synth_db, str(p))
    assert (s.rows_loaded, s.rows_rejected) == (1, 3)
    raws = [r for (r,) in synth_db.execute(text("SELECT raw FROM rejected_row ORDER BY line_number")).rows]
    assert len(raws) == 3
    for r in raws:
        assert "JANE" not in r and "JOHN" not in r and "next door" not in r
        assert not re.search(r"271\d", r), r
    assert raws[0] == "2,24A00002,,4E,COMMON ASSAULT,2700 BLOCK N CHARLES ST,,,"


def test_duplicate_arrest_rows_store_no_unknown_column(synth_db, tmp_path):
    from data_access.ingest.arrests import load_arrests_file

    head = ("Arrest,Age,Sex,Race,ArrestDate,ArrestTime,ArrestLocation,IncidentOffense,IncidentLocation,Charge,"
            "ChargeDescription,District,Post,Neighborhood,Longitude,Latitude,Location 1,OfficerNotes")
    row = ("24001,30,M,B,03/01/2024,12:00,2712 N CHARLES ST,4ECOMMON ASSAULT,REAR 2712 CHESLEY AVE,1 1415,"
           "ASSAULT-SEC DEGREE,CENTRAL,111,,,,,spoke with JOHN DOE")
    p = tmp_path / "arrests.csv"
    p.write_text("\n".join([head, row, row]) + "\n")
    s = load_arrests_file(synth_db, str(p))
    assert (s.rows_loaded, s.rows_rejected) == (1, 1)
    (raw,) = synth_db.execute(text("SELECT raw FROM rejected_row")).rows[0]
    assert "JOHN" not in raw and "spoke" not in raw and not re.search(r"271\d", raw)
    assert "2700 BLOCK N CHARLES ST" in raw and "2700 BLOCK CHESLEY AVE" in raw


def test_case_and_cvi_rejects_store_no_unknown_column(synth_db, tmp_path):
    from data_access.ingest.cases import load_cases_file
    from data_access.ingest.cvi import load_cvi_file

    p = tmp_path / "cases.csv"
    p.write_text("case_number,filed_date,charge_description,remarks\n"
                 "818001234,2024-02-01,ASSAULT,JOHN DOE pleaded\n"
                 "818001235,,ASSAULT,JANE ROE\n"
                 "818001234,2024-02-01,ASSAULT,JOHN DOE again\n")
    load_cases_file(synth_db, str(p))
    p2 = tmp_path / "cvi.csv"
    p2.write_text("name,program_type,comment\nHelp Line,victim_services,ask JANE ROE\nHelp Line,street_magic,JOHN\n")
    load_cvi_file(synth_db, str(p2))
    raws = [r for (r,) in synth_db.execute(text("SELECT raw FROM rejected_row")).rows]
    assert len(raws) == 2
    for r in raws:
        assert "JOHN" not in r and "JANE" not in r, r


def test_a_case_row_of_the_wrong_width_keeps_no_sentence_text(synth_db, tmp_path):
    """An unquoted comma in a sentence shifts the row: its fields cannot be matched to the
    header, and the file has a free-text column, so nothing of the row's text is stored."""
    from data_access.ingest.cases import load_cases_file

    p = tmp_path / "cases.csv"
    p.write_text("case_number,filed_date,charge_description,disposition,sentence_summary\n"
                 "818001234,2024-02-01,ASSAULT,guilty,5 years\n"
                 "818001235,2024-02-01,ASSAULT,guilty,DOE, JOHN sentenced to 5 years\n")
    s = load_cases_file(synth_db, str(p))
    assert s.rows_rejected == 1
    (reason, raw), = synth_db.execute(text("SELECT reason, raw FROM rejected_row")).rows
    assert reason.startswith("wrong number of fields") and raw == ""


# --- 3. sentences ---------------------------------------------------------------------------------

SENTENCES = {
    "JOHN DOE sentenced to 5 years": "5 years",
    "5 years, 3 suspended, 2 years probation": "5 years, 3 suspended, 2 years probation",
    "18 months, all suspended, 2 years probation": "18 months, all suspended, 2 years probation",
    "Probation before judgment, 3 years probation": "Probation before judgment, 3 years probation",
    "Time served": "Time served",
    "Fine $500, 1 year probation": "Fine $500, 1 year probation",
    "60 days, 30 suspended": "60 days, 30 suspended",
    "Def. Smith, Jane: 10 YRS DOC, 5 YRS SUSP, 3 YRS PROBATION; call 410-555-0100": "10 years, 5 years suspended, "
                                                                                   "3 years probation",
    "Judge Brown imposed a fine of $250 on Mr. Green": "Fine $250",
    "Mr. Green to serve life": "Life",
    "the defendant John Q. Public was very sorry": None,
    "": None,
}


@pytest.mark.parametrize("raw,want", list(SENTENCES.items()))
def test_sentences_reduce_to_the_vocabulary(raw, want):
    assert reduce_sentence(raw) == want


def test_every_demo_sentence_is_already_in_the_vocabulary():
    from data_access.demo.generate import FELONY_SENTENCES, MISDEMEANOR_SENTENCES

    for s in FELONY_SENTENCES + MISDEMEANOR_SENTENCES:
        assert reduce_sentence(s) == s


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(["JOHN", "DOE", "Jane", "Roe", "Smith", "sentenced", "to", "by", "Judge", "Mr.", "the",
                     "defendant", "5", "years", "3", "suspended", "probation", "fine", "$500", ",", ";", "all",
                     "months", "days", "time", "served", "life", "410-555-0100", "2712", "N", "CHARLES", "ST"]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789 ,.$-", max_size=12)), max_size=14))
def test_a_reduced_sentence_holds_only_vocabulary(words):
    out = reduce_sentence(" ".join(words))
    if out is None:
        return
    for tok in re.split(r"[ ,]+", out):
        assert tok == "" or tok.lower() in SENTENCE_WORDS or re.fullmatch(r"\$?\d{1,3}(,\d{3})*", tok), (words, out)


def test_sentences_are_reduced_at_ingest_and_never_published_raw(synth_db, tmp_path):
    from app import create_app
    from data_access.cases import case_detail
    from data_access.ingest.cases import load_cases_file

    p = tmp_path / "cases.csv"
    p.write_text("case_number,filed_date,charge_description,disposition,sentence_summary\n"
                 "818001234,2024-02-01,ASSAULT,guilty,JOHN DOE sentenced to 5 years\n"
                 "818001234,2024-02-01,THEFT,guilty,\"5 years, 3 suspended, 2 years probation\"\n")
    load_cases_file(synth_db, str(p))
    stored = sorted(r for (r,) in synth_db.execute(text("SELECT sentence_summary FROM case_charge")).rows)
    assert stored == ["5 years", "5 years, 3 suspended, 2 years probation"]
    # a value stored raw before this rule (an older load) is reduced on the way out
    with synth_db.engine.begin() as conn:
        conn.execute(text("UPDATE case_charge SET sentence_summary = 'JANE ROE got 2 years' WHERE seq = 2"))
        conn.execute(text("UPDATE data_state SET version = version + 1"))
    detail = case_detail(synth_db, "818001234")
    assert sorted(detail["charges"].sentence_summary) == ["2 years", "5 years"]
    url = synth_db.engine.url.render_as_string(hide_password=False)
    client = create_app({"database_url": url}, cache_type="null").server.test_client()
    r = client.get("/api/v1/cases/818001234")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_data(as_text=True)
    assert "JOHN" not in body and "JANE" not in body and "DOE" not in body
    assert sorted(c["sentence"] for c in r.get_json()["charges"]) == ["2 years", "5 years"]


# --- values stored before these rules -------------------------------------------------------------

def test_psad_db_upgrade_recuts_values_stored_before_the_rules(synth_db, tmp_path):
    """A database loaded under the old rules holds whole addresses and free-text sentences; the
    0006 migration (``psad db upgrade``) re-cuts them and moves the data version on."""
    from alembic import command

    from data_access import migrate
    from data_access.ingest.cases import load_cases_file
    from data_access.ingest.crime import load_crime_file

    (tmp_path / "c.csv").write_text(
        "RowID,CCNumber,CrimeDateTime,CrimeCode,Description,Location\n"
        "1,24A00001,2024/03/01 12:00:00+00,4E,COMMON ASSAULT,2712 N CHARLES ST\n")
    load_crime_file(synth_db, str(tmp_path / "c.csv"))
    (tmp_path / "k.csv").write_text("case_number,filed_date,charge_description,disposition,sentence_summary\n"
                                    "818001234,2024-02-01,ASSAULT,guilty,5 years\n")
    load_cases_file(synth_db, str(tmp_path / "k.csv"))
    cfg = migrate._config(synth_db)
    with synth_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
        conn.execute(text("UPDATE victim SET block = 'APT 3 2712 N CHARLES ST'"))
        conn.execute(text("UPDATE case_charge SET sentence_summary = 'JOHN DOE sentenced to 5 years'"))
    version = synth_db.execute(text("SELECT version FROM data_state")).scalar()
    migrate.upgrade(synth_db)
    assert synth_db.execute(text("SELECT block FROM victim")).scalar() == "2700 BLOCK N CHARLES ST"
    assert synth_db.execute(text("SELECT sentence_summary FROM case_charge")).scalar() == "5 years"
    assert synth_db.execute(text("SELECT version FROM data_state")).scalar() == version + 1
    migrate.upgrade(synth_db)  # nothing left to change: the version stays
    assert synth_db.execute(text("SELECT version FROM data_state")).scalar() == version + 1
