"""``psad ingest cases``: State's Attorney's Office case outcomes (a documented CSV layout).

One row per charge. Columns (header names without case or punctuation):

| column | required | meaning |
|---|---|---|
| ``case_number`` | yes | the court case number |
| ``filed_date`` | yes | filing date (``YYYY-MM-DD`` or ``MM/DD/YYYY``) |
| ``court`` | | ``circuit`` or ``district`` (``Circuit Court``, ``CC``, … accepted) |
| ``arrest_number`` | | the BPD arrest number, when known: the case takes that arrest's areas |
| ``defendant_age_band`` | | ``Under 18``, ``18-24``, ``25-34``, ``35-44``, ``45-54``, ``55+`` (a number is turned into its band; the number is not kept) |
| ``defendant_sex`` | | ``M``/``F``/``U`` or spelled out |
| ``defendant_race`` | | ``B``/``W``/``A``/``I``/``U`` or spelled out |
| ``charge_seq`` | | the charge's number within the case (default: order in the file) |
| ``statute`` | one of these two | statute / charge code, e.g. ``CR.3.203`` |
| ``charge_description`` | | e.g. ``ASSAULT-SEC DEGREE`` |
| ``severity`` | | ``felony`` or ``misdemeanor`` (``F``/``M``) |
| ``disposition`` | | ``guilty``, ``guilty_lesser`` (guilty of a lesser charge), ``nolle_prosequi``, ``stet``, ``dismissed``, ``acquitted``, ``pending`` (labels and ``nolle pros``/``not guilty`` accepted; blank = pending) |
| ``disposition_date`` | | date |
| ``sentence_summary`` | | e.g. ``5 years, 3 suspended``; only its sentence vocabulary is kept (``vocabulary.reduce_sentence``) |

Privacy: a file with any column that could hold a name (``name``, ``defendant_name``,
``first_name``, ``last_name``, ``defendant``, …) is refused as a whole, before anything is read.
A sentence keeps only its terms (``5 years``, ``3 suspended``, ``2 years probation``, ``Fine
$500``, …): names and other words are dropped before anything is stored.
Case-level fields come from a case's first row. A case is the unit of change: a case whose
fields or set of charges differ from what is stored is updated (its charges replaced); the same
file loaded twice changes nothing.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import text

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import Progress, Rejects, _noop, finish, require_real_boundaries, write_rejects
from data_access.ingest.crime import DEFAULT_MIN_DATE, empty
from data_access.ingest.reader import IngestError, read_csv_file
from data_access.loading import LoadSummary, copy_frame, logged_load
from data_access.schema import case_charge, sao_case
from data_access.vocabulary import AGE_BANDS, reduce_sentence

LAYOUTS = {"sao_cases": {"casenumber", "fileddate"}}
# The layout's columns (normalized): a rejected row's raw text keeps only these, and any other
# column that could hold a name refuses the file (``reader.looks_like_name_column``).
KNOWN_COLUMNS = frozenset({"casenumber", "fileddate", "court", "arrestnumber", "defendantageband", "defendantage",
                           "defendantsex", "defendantrace", "chargeseq", "statute", "chargedescription", "severity",
                           "disposition", "dispositiondate", "sentencesummary"})
CASE_FIELDS = ["case_number", "filed_date", "court", "arrest_number", "defendant_age_band", "defendant_sex",
               "defendant_race"]
CHARGE_FIELDS = ["seq", "statute", "description", "severity", "charge_category", "is_gun_charge", "disposition",
                 "disposition_date", "sentence_summary"]
GUN_WORDS = ("HANDGUN", "FIREARM", "GUN", "HGV", "RIFLE", "PISTOL", "AMMUNITION")


def protect(table) -> None:
    """Refuse a name column; raw text of rejects keeps the layout's columns, the age as its band
    and the sentence reduced to the sentence vocabulary."""
    table.protect(KNOWN_COLUMNS, {"defendantage": lambda v: age_band(pd.Series([v])).iloc[0],
                                  "sentencesummary": reduce_sentence}, free_text={"sentencesummary"})


def age_band(s: pd.Series) -> pd.Series:
    def f(v: str):
        v = v.strip()
        for b in AGE_BANDS:
            if v.upper() == b.upper():
                return b
        if re.fullmatch(r"\d{1,3}", v):
            a = int(v)
            if a < 18:
                return "Under 18"
            for lo, b in ((55, "55+"), (45, "45-54"), (35, "35-44"), (25, "25-34"), (18, "18-24")):
                if a >= lo:
                    return b
        return None
    return N.map_unique(s, f)


def normalize_cases(table, *, min_date: date = DEFAULT_MIN_DATE) -> tuple[pd.DataFrame, pd.DataFrame, Rejects]:
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    line = table.line

    def opt(c):
        return N.clean(df[c]) if c in df else empty(df)

    case_no = N.clean(df["casenumber"]).str.upper()
    filed_raw = opt("fileddate")
    filed = N.parse_datetimes(filed_raw.fillna("")).dt.tz_localize(None).dt.normalize()
    disp_raw = opt("disposition")
    disp = disp_raw.str.upper().str.replace(r"\s+", " ", regex=True).map(N.DISPOSITION_ALIASES)
    disp = disp.where(disp_raw.notna(), "pending")
    desc = opt("chargedescription")
    statute = opt("statute")
    dd_raw = opt("dispositiondate")
    dd = N.parse_datetimes(dd_raw.fillna("")).dt.tz_localize(None).dt.normalize()
    checks = (
        (case_no.isna(), "no case number"),
        (filed_raw.isna(), "no filing date"),
        (filed_raw.notna() & filed.isna(), "unreadable filing date"),
        (filed.notna() & ~N.plausible(filed, min_date), f"filing date outside the plausible range "
                                                        f"({min_date.isoformat()} to today)"),
        (desc.isna() & statute.isna(), "no charge (statute and description both blank)"),
        (disp.isna(), "unknown disposition"),
        (dd_raw.notna() & dd.isna(), "unreadable disposition date"),
    )
    bad = rejects.apply(checks, line, table)
    court = opt("court").str.upper().str.replace(" COURT", "", regex=False).map(
        {"CIRCUIT": "circuit", "CC": "circuit", "DISTRICT": "district", "DC": "district"})
    sev = opt("severity").str.upper().map({"FELONY": "felony", "F": "felony", "MISDEMEANOR": "misdemeanor",
                                           "M": "misdemeanor"})
    text_all = (desc.fillna("") + " " + statute.fillna("")).str.upper()
    seq_in = pd.to_numeric(opt("chargeseq"), errors="coerce")
    rows = pd.DataFrame({
        "case_number": case_no, "filed_date": filed.dt.date, "court": court,
        "arrest_number": opt("arrestnumber"), "defendant_age_band": age_band(opt("defendantageband").fillna(
            opt("defendantage").fillna("") if "defendantage" in df else "")),
        "defendant_sex": N.sex(opt("defendantsex")), "defendant_race": N.race(opt("defendantrace")),
        "seq_in": seq_in, "statute": statute, "description": desc.str.upper(), "severity": sev,
        "charge_category": N.charge_category(desc.fillna(statute)),
        "is_gun_charge": text_all.map(lambda t: any(w in t for w in GUN_WORDS)).astype(bool),
        "disposition": disp, "disposition_date": dd.dt.date,
        "sentence_summary": N.map_unique(opt("sentencesummary"), reduce_sentence),
    })[~bad]
    rows["disposition_date"] = rows["disposition_date"].where(rows["disposition_date"].notna(), None)
    order = np.arange(len(rows))
    rows["order"] = order
    rows = rows.sort_values(["case_number", "seq_in", "order"], na_position="last")
    rows["seq"] = rows.groupby("case_number").cumcount() + 1
    rows["seq"] = rows["seq_in"].fillna(rows["seq"]).astype("int64")
    dup = rows.duplicated(["case_number", "seq"])
    if dup.any():
        lines = line[~bad].to_numpy()[rows.loc[dup, "order"].to_numpy()]
        rejects.add(lines.tolist(), "duplicate charge number within a case", table.raw_of(lines.tolist()))
        rows = rows[~dup]
    cases = rows.sort_values("order").drop_duplicates("case_number")[CASE_FIELDS].reset_index(drop=True)
    charges = rows[["case_number", *CHARGE_FIELDS]].reset_index(drop=True)
    return cases, charges, rejects


def _signature(cases: pd.DataFrame, charges: pd.DataFrame) -> pd.Series:
    c = cases.set_index("case_number")[CASE_FIELDS[1:]].astype("str").fillna("").agg("|".join, axis=1)
    ch = charges.sort_values(["case_number", "seq"])
    ch_sig = ch[CHARGE_FIELDS].astype("str").fillna("").agg("|".join, axis=1)
    per_case = ch_sig.groupby(ch["case_number"].to_numpy()).agg("#".join)
    return c + "##" + per_case.reindex(c.index).fillna("")


def load_cases_file(db: Database, path: str, *, settings=None, progress: Progress = _noop) -> LoadSummary:
    from pathlib import Path

    table, _ = read_csv_file(path, layouts=None)
    protect(table)
    present = set(table.frame.columns)
    if not LAYOUTS["sao_cases"] <= present:
        raise IngestError(f"{Path(path).name}: unrecognised header ({', '.join(table.header[:10])}); the cases "
                          "layout needs at least case_number and filed_date (see the README). Nothing was loaded")
    min_date = getattr(settings, "ingest_min_date", None) or DEFAULT_MIN_DATE
    if isinstance(min_date, str):
        min_date = date.fromisoformat(min_date)
    cases, charges, rejects = normalize_cases(table, min_date=min_date)
    summary = LoadSummary(dataset="cases", source=str(path))
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        numbers = cases["case_number"].tolist()
        old_cases = pd.DataFrame(conn.execute(text(
            f"SELECT {', '.join(CASE_FIELDS)} FROM sao_case WHERE case_number = ANY(:n)"), {"n": numbers}).all(),
            columns=CASE_FIELDS)
        old_charges = pd.DataFrame(conn.execute(text(
            f"SELECT c.case_number, {', '.join('ch.' + f for f in CHARGE_FIELDS)} FROM case_charge ch "
            "JOIN sao_case c ON c.id = ch.case_id WHERE c.case_number = ANY(:n)"), {"n": numbers}).all(),
            columns=["case_number", *CHARGE_FIELDS])
        new_sig = _signature(cases, charges)
        old_sig = _signature(old_cases, old_charges) if len(old_cases) else pd.Series(dtype="str")
        is_new = ~new_sig.index.isin(old_sig.index)
        changed = (~is_new) & (new_sig.to_numpy() != old_sig.reindex(new_sig.index).fillna("").to_numpy())
        new_nums = new_sig.index[is_new].tolist()
        changed_nums = new_sig.index[changed].tolist()
        if changed_nums:
            conn.execute(text("DELETE FROM sao_case WHERE case_number = ANY(:n)"), {"n": changed_nums})
        todo = new_nums + changed_nums
        if todo:
            c = cases[cases.case_number.isin(todo)].reset_index(drop=True)
            start = conn.execute(text("SELECT coalesce(max(id), 0) FROM sao_case")).scalar() + 1
            c = c.assign(id=np.arange(start, start + len(c)), source="sao_csv", load_id=summary.load_id)
            copy_frame(conn, sao_case, c)
            conn.execute(text("SELECT setval(pg_get_serial_sequence('sao_case', 'id'), "
                              "(SELECT coalesce(max(id), 1) FROM sao_case))"))
            ids = pd.Series(c["id"].to_numpy(), index=c["case_number"].to_numpy())
            ch = charges[charges.case_number.isin(todo)]
            copy_frame(conn, case_charge, ch.assign(case_id=ch["case_number"].map(ids)).drop(columns="case_number"))
            # a case takes the areas of its linked arrest, where the arrest is loaded
            conn.execute(text(
                "UPDATE sao_case c SET police_district = a.police_district, neighborhood = a.neighborhood, "
                "council_district = a.council_district, legislative_district = a.legislative_district, csa = a.csa "
                "FROM (SELECT DISTINCT ON (arrest_number) * FROM arrest WHERE arrest_number IS NOT NULL "
                "ORDER BY arrest_number, arrest_date) a "
                "WHERE c.arrest_number = a.arrest_number AND c.case_number = ANY(:n)"), {"n": todo})
        per_case = charges.groupby("case_number").size()
        summary.rows_loaded = int(per_case.reindex(new_nums).sum()) if new_nums else 0
        summary.rows_updated = int(per_case.reindex(changed_nums).sum()) if changed_nums else 0
        write_rejects(conn, summary, "cases", rejects)
        finish(conn, summary, records=False, cases=True)
    summary.notes = [f"cases: {len(new_nums):,} new, {len(changed_nums):,} changed, "
                     f"{len(cases) - len(new_nums) - len(changed_nums):,} unchanged (rows are charges)"]
    return summary
