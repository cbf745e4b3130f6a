"""``psad ingest warrants FILE``: warrants of the Baltimore City Sheriff's Office (a documented CSV
layout; no public schema exists).

One row per warrant. Header names are compared without case, spaces or punctuation; columns may
come in any order; unknown columns are ignored. The layout has no column for a person: a file with
a column that could hold a name (``defendant``, ``name``, ``first_name``, ``alias``, …) is refused
whole, and no address is read (a warrant's areas only).

| column | required | type and allowed values | blank |
|---|---|---|---|
| ``warrant_id`` | yes | text, unique in the file | row rejected |
| ``warrant_type`` | yes | ``arrest``, ``bench`` (``bench warrant``, ``BW``, ``FTA``), ``probation_violation`` (``VOP``, ``violation of probation``), ``body_attachment``, ``other`` | row rejected |
| ``issued_date`` | yes | ``YYYY-MM-DD`` or ``MM/DD/YYYY`` | row rejected |
| ``served_date`` | no | a date on or after the issue date | not served |
| ``recalled_date`` | no | a date on or after the issue date (recalled, quashed, withdrawn) | not recalled |
| ``status`` | no | ``active`` (``issued``, ``open``, ``outstanding``), ``served``, ``recalled`` (``quashed``, ``withdrawn``, ``cancelled``, ``vacated``) | from the dates: served, recalled, else active |
| ``charge_category`` | no | a code or label of the arrests' charge categories: ``violent``, ``weapons``, ``drugs``, ``property``, ``warrant`` (failure to appear, violation of probation), ``traffic``, ``public_order``, ``other`` | from ``charge``, else ``other`` |
| ``charge`` | no | the charge as written; only its category is kept (the arrests' rules), never the text | |
| ``police_district`` | no | a district name or abbreviation, under the map in force on the issue date | from the neighborhood |
| ``neighborhood`` | no | a neighborhood name (today's, an older map's, an alias or a unique prefix) | unknown: counted citywide only |
| ``council_district`` | no | ``1`` … ``14`` | from the neighborhood |
| ``legislative_district`` | no | e.g. ``40``, ``43A`` | from the neighborhood |

Rejected, with their reason: no warrant id, or one an earlier row has; no, or an unreadable,
issue date; a date outside ``PSAD_INGEST_MIN_DATE`` … today; an unknown type, status or charge
category; an unreadable served or recalled date; a served or recalled date before the issue
date; both a served and a recalled date; status ``served`` without a served date; status
``active`` with a served or recalled date; an unknown police, council or legislative district.

Outstanding on a day: issued on or before it, and neither served nor recalled by then. A
recalled warrant without a recall date is never counted as outstanding (``closed_date`` is its
issue date). Loading is one transaction, recorded in the load log; rows are matched on
``warrant_id``, so a newer export updates served and recalled warrants and loading the same file
twice changes nothing. A real load removes the demo's warrants.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import DEFAULT_MIN_DATE, Progress, Rejects, _noop
from data_access.ingest.crime import empty
from data_access.ingest.geo import Locator
from data_access.ingest.gun_seizures import areas, code_of, load_file, opt
from data_access.ingest.reader import Table
from data_access.loading import LoadSummary
from data_access.schema_guns_warrants import warrant
from data_access.vocabulary import CHARGE_CATEGORIES

LAYOUTS = {"warrants": {"warrantid", "warranttype", "issueddate"}}
KNOWN_COLUMNS = frozenset({"warrantid", "warranttype", "issueddate", "serveddate", "recalleddate", "status",
                           "chargecategory", "charge", "policedistrict", "district", "neighborhood",
                           "councildistrict", "legislativedistrict"})
COLUMNS = [c.name for c in warrant.columns if c.name not in ("id", "load_id")]

TYPE_ALIASES = {
    "ARREST": "arrest", "ARREST WARRANT": "arrest", "AW": "arrest",
    "BENCH": "bench", "BENCH WARRANT": "bench", "BW": "bench", "FTA": "bench", "FAILURE TO APPEAR": "bench",
    "PROBATION VIOLATION": "probation_violation", "VIOLATION OF PROBATION": "probation_violation",
    "VOP": "probation_violation", "RETAKE": "probation_violation",
    "BODY ATTACHMENT": "body_attachment", "BA": "body_attachment",
    "OTHER": "other", "OTHER WARRANT": "other",
}
STATUS_ALIASES = {
    "ACTIVE": "active", "ISSUED": "active", "OPEN": "active", "OUTSTANDING": "active", "ACTIVE (OUTSTANDING)": "active",
    "SERVED": "served", "EXECUTED": "served", "CLOSED SERVED": "served",
    "RECALLED": "recalled", "QUASHED": "recalled", "WITHDRAWN": "recalled", "CANCELLED": "recalled",
    "CANCELED": "recalled", "VACATED": "recalled", "RECALLED OR QUASHED": "recalled",
}
CATEGORY_ALIASES = {**{c.upper().replace("_", " "): c for c in CHARGE_CATEGORIES.codes},
                    **{label.upper(): c for c, label in CHARGE_CATEGORIES}, "WEAPON": "weapons",
                    "FAILURE TO APPEAR": "warrant", "DRUG": "drugs"}


def _date(s: pd.Series) -> pd.Series:
    return N.parse_datetimes(s.fillna("")).dt.tz_localize(None).dt.normalize()


def normalize_warrants(table: Table, loc: Locator, *, min_date: date = DEFAULT_MIN_DATE,
                       today: date | None = None) -> tuple[pd.DataFrame, Rejects]:
    """The rows of ``table`` in ``warrant``'s columns, and the rows that cannot be used."""
    table.protect(KNOWN_COLUMNS, {"charge": lambda v: N.charge_category_of(v) or ""}, free_text={"charge"})
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:
        return pd.DataFrame(columns=COLUMNS), rejects
    line = table.line
    wid = opt(df, "warrantid")
    wtype = code_of(opt(df, "warranttype"), TYPE_ALIASES)
    issued_raw, served_raw, recalled_raw = opt(df, "issueddate"), opt(df, "serveddate"), opt(df, "recalleddate")
    issued, served, recalled = _date(issued_raw), _date(served_raw), _date(recalled_raw)
    status_raw = opt(df, "status")
    status = code_of(status_raw, STATUS_ALIASES)
    inferred = pd.Series("active", index=df.index).where(recalled.isna(), "recalled").where(served.isna(), "served")
    status = status.where(status_raw.notna(), inferred)
    cat_raw = opt(df, "chargecategory")
    cat = code_of(cat_raw, CATEGORY_ALIASES)
    charge = opt(df, "charge")
    cat = cat.where(cat_raw.notna(), N.charge_category(charge) if charge.notna().any() else empty(df))
    cat = cat.where(cat_raw.notna() | cat.notna(), "other")
    nan = pd.Series(float("nan"), index=df.index)
    geo, area_checks = areas(loc, df, issued, nan, nan)
    plausible = f"date outside the plausible range ({min_date.isoformat()} to today)"
    bad = rejects.apply((
        (wid.isna(), "no warrant id"),
        (wtype.isna(), "unknown warrant type (arrest, bench, probation_violation, body_attachment, other)"),
        (issued_raw.isna(), "no issue date"),
        (issued_raw.notna() & issued.isna(), "unreadable issue date"),
        (issued.notna() & ~N.plausible(issued, min_date, today), plausible),
        (served_raw.notna() & served.isna(), "unreadable served date"),
        (recalled_raw.notna() & recalled.isna(), "unreadable recalled date"),
        (served.notna() & ~N.plausible(served, min_date, today), plausible),
        (recalled.notna() & ~N.plausible(recalled, min_date, today), plausible),
        (served.notna() & (served < issued), "served before it was issued"),
        (recalled.notna() & (recalled < issued), "recalled before it was issued"),
        (served.notna() & recalled.notna(), "both a served and a recalled date"),
        (status_raw.notna() & status.isna(), "unknown status (active, served, recalled)"),
        ((status == "served") & served.isna(), "status served without a served date"),
        ((status == "active") & (served.notna() | recalled.notna()), "status active with a served or recalled date"),
        ((status == "recalled") & served.notna(), "status recalled with a served date"),
        (cat_raw.notna() & cat.isna(), f"unknown charge category ({', '.join(CHARGE_CATEGORIES.codes)})"),
        *area_checks,
        (wid.notna() & wid.duplicated(), "duplicate warrant id (an earlier row has it)"),
    ), line, table)
    closed = served.where(served.notna(), recalled)
    closed = closed.where(~((status == "recalled") & closed.isna()), issued)  # recalled, day unknown: never out
    out = pd.DataFrame({
        "source": "sheriff_csv", "source_key": wid, "warrant_type": wtype, "charge_category": cat,
        "issued_date": issued.dt.date, "served_date": served.dt.date, "recalled_date": recalled.dt.date,
        "closed_date": closed.dt.date, "status": status,
        **{k: geo[k] for k in ("police_district", "neighborhood", "council_district", "legislative_district", "csa")},
    }, index=df.index)[~bad]
    for c in ("served_date", "recalled_date", "closed_date", "police_district", "neighborhood", "council_district",
              "legislative_district", "csa"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out[COLUMNS].reset_index(drop=True), rejects


def load_warrants_file(db: Database, path, *, progress: Progress = _noop, settings=None, **_) -> LoadSummary:
    return load_file(db, path, layouts=LAYOUTS, known=KNOWN_COLUMNS, normalize=normalize_warrants,
                     target=warrant, dataset="warrants", progress=progress, settings=settings)


__all__ = ["load_warrants_file", "normalize_warrants", "TYPE_ALIASES", "STATUS_ALIASES", "CATEGORY_ALIASES"]
