"""The vocabulary (data_access.vocabulary) is the one code -> label table: ingest, the URL, the
database's reference table and the pages all agree with it."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from app.pageparams import parse_cvi
from data_access import aggregates
from data_access import vocabulary as V
from data_access.demo import generate as gen
from data_access.ingest import normalize as N
from data_access.ingest.cases import age_band
from data_access.ingest.cvi import load_cvi_file
from layouts import arrests as LA
from layouts import cases as LC
from layouts import cvi as LV
from layouts import map as LM
from tests.dash_support import from_wire


def _texts(component) -> list[str]:
    """Every string inside a Dash component tree."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [t for c in component for t in _texts(c)]
    children = from_wire(getattr(component, "children", None))
    return _texts(children) if children is not None else []


# --- each vocabulary ----------------------------------------------------------------------------

@pytest.mark.parametrize("vocab", V.VOCABULARIES, ids=lambda v: v.name)
def test_codes_and_labels_are_unique(vocab):
    codes, labels = vocab.codes, [label for _, label in vocab]
    assert codes and len(set(codes)) == len(codes)
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes), codes
    assert all(label.strip() == label and label for label in labels)


@pytest.mark.parametrize("name, cats", list(V.DEMOGRAPHIC_CATEGORIES.items())
                         + [("population race", V.POPULATION_RACES),
                            ("population ethnicity", V.POPULATION_ETHNICITIES)])
def test_demographic_categories_are_unique(name, cats):
    assert cats and len(set(cats)) == len(cats)


def test_offenses_point_into_their_groups():
    assert len(V.OFFENSE_BY_CODE) == len(V.OFFENSES)
    assert {o.group for o in V.OFFENSES} == set(V.OFFENSE_GROUPS.codes)
    assert [o.code for o in V.OFFENSES if o.sexual] == ["rape"]
    assert V.offense_label("shooting") == "Non-fatal shooting"


def test_label_of_an_unknown_code_is_readable():
    assert V.DISPOSITIONS.label("acquitted") == "Acquitted (not guilty)"
    assert V.CHARGE_CATEGORIES.label("new_kind") == "New kind"
    assert "acquitted" in V.DISPOSITIONS and "bogus" not in V.DISPOSITIONS
    assert dict(V.DISPOSITIONS) == V.DISPOSITIONS.labels


# --- ingest agrees with the vocabulary ----------------------------------------------------------

def _normalize_spelling(raw: str, aliases: dict[str, str]) -> str | None:
    """As ``psad ingest cvi`` / ``psad ingest cases`` read the column (see their normalizers)."""
    return aliases.get(re.sub(r"\s+", " ", raw.strip().upper()))


@pytest.mark.parametrize("vocab, aliases", [(V.CVI_PROGRAM_TYPES, N.CVI_ALIASES),
                                            (V.DISPOSITIONS, N.DISPOSITION_ALIASES)], ids=["cvi", "disposition"])
def test_ingest_aliases_map_onto_exactly_the_vocabulary(vocab, aliases):
    assert set(aliases.values()) == set(vocab.codes)
    for code, label in vocab:
        for spelling in (code, code.upper(), code.replace("_", " "), label, label.lower(), f"  {label} "):
            assert _normalize_spelling(spelling, aliases) == code, spelling


def test_charge_rules_assign_only_vocabulary_categories():
    assert {c for c, _ in N.CHARGE_RULES} | {"other"} == set(V.CHARGE_CATEGORIES.codes)
    assert N.charge_category_of("POSSESSION OF CDS") == "drugs"
    assert N.charge_category_of("SOMETHING ELSE ENTIRELY") == "other"


def test_demographic_normalizers_produce_vocabulary_categories():
    assert set(N.RACES.values()) - {None} <= set(V.RACES)
    raw = pd.Series(["M", "FEMALE", "x", "U", "HISPANIC_OR_LATINO", "N", "unknown", "Purple"])
    assert set(N.sex(raw).dropna()) <= set(V.SEXES)
    assert set(N.ethnicity(raw).dropna()) <= set(V.ETHNICITIES)
    assert set(N.race(raw).dropna()) <= set(V.RACES)
    ages = pd.Series(["3", "17", "18", "24", "25", "44", "54", "55", "99", "18-24", "55+", "under 18"])
    assert set(age_band(ages).dropna()) == set(V.AGE_BANDS)
    # The SQL that buckets ages in the aggregates names the same bands.
    sql = aggregates._age_band("age")
    assert re.findall(r"THEN '([^']+)'|ELSE '([^']+)'", sql)
    assert {a or b for a, b in re.findall(r"THEN '([^']+)'|ELSE '([^']+)'", sql)} == set(V.DEMOGRAPHIC_CATEGORIES["age_band"])


def test_demo_generator_draws_from_the_vocabulary():
    assert gen.CATEGORIES == V.CHARGE_CATEGORIES.codes
    assert set(gen.OUTCOMES) == set(V.DISPOSITIONS.codes) - {"pending"}
    assert set(gen.CVI_COUNTS) <= set(V.CVI_PROGRAM_TYPES.codes)
    assert set(gen.WEAPON_P["homicide"]) <= set(V.WEAPONS)
    assert len(gen.NON_BLACK_RACE_P) == len(V.RACES) - 1
    assert len(gen.AGE_SHARE) == len(V.AGE_BANDS)


# --- CVI program types: URL, page and ingest are one list -------------------------------------

def test_url_accepts_exactly_the_program_types_ingest_accepts():
    url_codes = set(LV.program_codes())
    assert url_codes == set(N.CVI_ALIASES.values()) == set(V.CVI_PROGRAM_TYPES.codes)
    for code in url_codes:
        assert parse_cvi(f"?program={code}", LV.program_codes()) == ((code,), [])
        assert parse_cvi(f"?program={code.upper()}", LV.program_codes()) == ((code,), [])
    chosen, notes = parse_cvi("?program=street_magic", LV.program_codes())
    assert chosen == () and notes


def test_cvi_page_offers_and_keys_every_program_type():
    page = LV.cvi_page()
    picker = next(c for c in _walk(page) if getattr(c, "id", None) == LV.ids.CVI_PROGRAM)
    assert [(o["value"], o["label"]) for o in picker.options] == list(V.CVI_PROGRAM_TYPES)
    key = next(c for c in _walk(page) if "cvi-key" in (getattr(c, "className", "") or ""))
    assert _texts(key) == [label for _, label in V.CVI_PROGRAM_TYPES]
    assert [LM.program_label(c) for c in V.CVI_PROGRAM_TYPES.codes] == [label for _, label in V.CVI_PROGRAM_TYPES]


def _walk(component):
    yield component
    children = from_wire(getattr(component, "children", None))
    if isinstance(children, (list, tuple)):
        for c in children:
            yield from _walk(c)
    elif children is not None and not isinstance(children, str):
        yield from _walk(children)


def test_psad_ingest_cvi_loads_every_program_type_the_url_accepts(synth_db, demo_small, tmp_path):
    site = demo_small.cvi_sites.iloc[0]
    rows = ["name,program_type,lon,lat"]
    spellings = []
    for i, (code, label) in enumerate(V.CVI_PROGRAM_TYPES):
        for j, spelling in enumerate((code, label, code.upper())):
            rows.append(f'"Site {i}-{j}","{spelling}",{site["lon"]},{site["lat"]}')
            spellings.append((f"Site {i}-{j}", code))
    p = tmp_path / "cvi.csv"
    p.write_text("\n".join(rows) + "\n")
    s = load_cvi_file(synth_db, str(p))
    assert (s.rows_loaded, s.rows_rejected) == (len(spellings), 0), s.rejects_by_reason
    got = dict(synth_db.execute(text("SELECT name, program_type FROM cvi_site")).rows)
    assert got == dict(spellings)
    assert set(got.values()) == set(LV.program_codes())


# --- display agrees with the vocabulary ---------------------------------------------------------

def test_case_outcome_page_shows_the_vocabulary_disposition_labels():
    mix = pd.DataFrame({"gun": [True, False] * len(V.DISPOSITIONS),
                        "disposition": [d for d in V.DISPOSITIONS.codes for _ in (0, 1)],
                        "n": [3, 4] * len(V.DISPOSITIONS)})
    fig = LC.mix_figure(mix)
    # one row per disposition, named beside its bars (long names over two lines)
    for trace in fig["data"]:
        assert [y.replace("<br>", " ") for y in trace["y"]] == [label for _, label in V.DISPOSITIONS]
    assert set(LC.DISPOSITION_COLORS) == set(V.DISPOSITIONS.codes)


def test_case_detail_shows_the_vocabulary_disposition_labels():
    charges = pd.DataFrame({
        "seq": range(1, len(V.DISPOSITIONS) + 1), "statute": "CR 1", "description": "charge",
        "severity": "misdemeanor", "is_gun_charge": False, "disposition": list(V.DISPOSITIONS.codes),
        "disposition_date": [None if d == "pending" else date(2024, 3, 1) for d in V.DISPOSITIONS.codes],
        "sentence_summary": None})
    detail = {"case_number": "123456789", "court": "district", "filed_date": date(2024, 1, 2),
              "arrest_date": None, "neighborhood": None, "police_district": "Central", "charges": charges}
    shown = _texts(LC.case_detail_view(detail, "123456789", "/lookup"))
    for _, label in V.DISPOSITIONS:
        assert label in shown
    legend = {t["name"] for t in LC.timeline_figure(detail)["data"] if t.get("mode") == "markers"}
    assert {label for code, label in V.DISPOSITIONS if code != "pending"} <= legend


def test_arrests_page_uses_the_vocabulary_labels():
    df = pd.DataFrame({"period": [date(2024, 1, 1)] * len(V.CHARGE_CATEGORIES),
                       "charge_category": list(V.CHARGE_CATEGORIES.codes), "n": range(1, len(V.CHARGE_CATEGORIES) + 1)})
    fig = LA.trend_figure(df, "month")
    assert [t["name"] for t in fig["data"]] == [label for _, label in V.CHARGE_CATEGORIES]
    clearance = pd.DataFrame({"year": [2024, 2024], "offense": ["homicide", "shooting"], "incidents": [5, 9],
                              "same_year": [1, 2], "earlier_year": [1, 0], "unlinked": [0, 1]})
    assert [t["name"] for t in LA.clearance_figure(clearance)["data"]] == [label for _, label in V.ARREST_LINKS]


# --- the database's reference table -------------------------------------------------------------

def _offense_table(database) -> list[tuple]:
    return [tuple(r) for r in database.execute(text(
        "SELECT code, label, grp, sexual FROM offense_category ORDER BY sort")).rows]


def test_offense_category_table_of_the_demo_load_is_the_vocabulary(db):
    assert _offense_table(db) == [(o.code, o.label, o.group, o.sexual) for o in V.OFFENSES]


def test_offense_category_table_after_an_ingest_is_the_vocabulary(synth_db):
    # The synthetic template is built through the ingest path (boundaries), which seeds it too.
    assert _offense_table(synth_db) == [(o.code, o.label, o.group, o.sexual) for o in V.OFFENSES]


def test_loaded_codes_are_vocabulary_codes(db):
    def distinct(sql):
        return {r[0] for r in db.execute(text(sql)).rows} - {None}
    assert distinct("SELECT DISTINCT offense FROM victim") <= set(V.OFFENSE_BY_CODE)
    assert distinct("SELECT DISTINCT weapon FROM victim") <= set(V.WEAPONS)
    assert distinct("SELECT DISTINCT charge_category FROM arrest") <= set(V.CHARGE_CATEGORIES.codes)
    assert distinct("SELECT DISTINCT disposition FROM case_charge") <= set(V.DISPOSITIONS.codes)
    assert distinct("SELECT DISTINCT program_type FROM cvi_site") <= set(V.CVI_PROGRAM_TYPES.codes)
    for dim, cats in V.DEMOGRAPHIC_CATEGORIES.items():
        assert distinct(f"SELECT DISTINCT {dim} FROM agg_victim_demo") <= set(cats), dim
