"""``psad ingest ipv FILE``: incidents the police flagged as domestic (a documented CSV layout).

Columns (header names compared without case, spaces or punctuation; ``incident_id``, ``date`` and
``relationship`` are required, every other column is optional):

``incident_id, date, police_district, neighborhood, council_district, legislative_district, offense,
relationship, victim_age_band, victim_sex``

* ``incident_id``: the agency's id of the incident (a CC number, say): one row per incident.
  Rows are matched on it: a reload of the same file changes nothing, a newer export updates the
  rows that changed and adds new ones.
* ``date``: ``YYYY-MM-DD`` or ``MM/DD/YYYY`` (a time after it is ignored).
* areas: ``police_district`` (any spelling the crime loader knows: ``Northeastern``, ``NE``, …),
  ``neighborhood`` (name or code), ``council_district`` (``7``, ``District 7``),
  ``legislative_district`` (``40``, ``43A``), each checked against the loaded boundaries. A blank
  area is allowed (the incident counts in "Unknown area"); a value that is no such area is rejected.
* ``offense``: a Part 1 offense category (``data_access.vocabulary.OFFENSES``: code such as
  ``common_assault`` or label such as ``Common assault``), or blank.
* ``relationship``: ``spouse``, ``former_spouse``, ``dating``, ``former_dating``, ``family``,
  ``other`` or a plain spelling of one (``Current spouse``, ``ex-spouse``, ``boyfriend``,
  ``ex-girlfriend``, ``parent``, ``unknown``, …: ``RELATIONSHIP_ALIASES``); blank is ``other``.
* ``victim_age_band``: ``Under 18``, ``18-24``, ``25-34``, ``35-44``, ``45-54``, ``55+`` or blank;
  ``victim_sex``: ``F``/``Female``, ``M``/``Male`` or blank (both "Unknown" when blank).

Never a name, an address or a point: a file with a column that could hold a name is refused
whole; a row that carries a location finer than an area (a non-blank ``address``, ``location``,
``block``, ``street``, coordinates …: ``FINE_LOCATION``) is **rejected** (kept aside with its
reason, the location itself not kept), so an export with addresses is noticed and fixed at the
source rather than loaded in part. Other columns are ignored and never stored.

Atomic (one transaction), rejects kept in ``rejected_row`` with their reason, the load in
``load_log`` (dataset ``ipv``), the data version moved when a served row changed.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from sqlalchemy import text

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import (
    DEFAULT_MIN_DATE,
    Progress,
    Rejects,
    _noop,
    finish,
    require_real_boundaries,
    upsert,
    write_rejects,
)
from data_access.ingest.reader import read_csv_file
from data_access.ipv import carry_part1, next_version
from data_access.loading import LoadSummary, logged_load
from data_access.schema_ipv import ipv_incident
from data_access.vocabulary import AGE_BANDS, OFFENSES, UNKNOWN

LAYOUTS = {"ipv_incidents": {"incidentid", "date", "relationship"}}
AREA_COLUMNS = {"policedistrict": "police_district", "neighborhood": "neighborhood",
                "councildistrict": "council_district", "legislativedistrict": "legislative_district"}
KNOWN_COLUMNS = frozenset({"incidentid", "date", *AREA_COLUMNS, "offense", "relationship", "victimageband",
                           "victimsex"})
# Columns that locate an incident more finely than an area: a row with any of them filled is rejected.
FINE_LOCATION = ("address", "location", "incidentlocation", "block", "street", "streetaddress", "geolocation",
                 "lat", "latitude", "lon", "long", "longitude", "x", "y", "xcoord", "ycoord", "point", "geometry")
RELATIONSHIP_ALIASES = {
    **{k: "spouse" for k in ("spouse", "current spouse", "husband", "wife", "married", "spouse current")},
    **{k: "former_spouse" for k in ("former spouse", "former_spouse", "ex spouse", "ex-spouse", "exspouse",
                                    "ex husband", "ex-husband", "ex wife", "ex-wife", "divorced")},
    **{k: "dating" for k in ("dating", "dating partner", "current dating partner", "boyfriend", "girlfriend",
                             "partner", "current partner", "intimate partner", "cohabitant", "domestic partner")},
    **{k: "former_dating" for k in ("former dating", "former_dating", "former dating partner", "ex boyfriend",
                                    "ex-boyfriend", "ex girlfriend", "ex-girlfriend", "ex partner", "ex-partner",
                                    "former partner", "former intimate partner")},
    **{k: "family" for k in ("family", "other family", "other family member", "family member", "parent", "child",
                             "sibling", "grandparent", "grandchild", "relative", "in-law")},
    **{k: "other" for k in ("other", "other or unknown", "other or unknown relationship", "unknown", "")},
}
SEX_ALIASES = {"f": "Female", "female": "Female", "m": "Male", "male": "Male", "": UNKNOWN, "u": UNKNOWN,
               "unknown": UNKNOWN}
AGE_ALIASES = {**{b.lower(): b for b in AGE_BANDS}, "<18": "Under 18", "0-17": "Under 18", "under18": "Under 18",
               "55 and over": "55+", "55 and older": "55+", "": UNKNOWN, "unknown": UNKNOWN}
OFFENSE_ALIASES = {**{o.code: o.code for o in OFFENSES}, **{o.label.lower(): o.code for o in OFFENSES}, "": None}
FIELDS = ["incident_id", "occurred_date", "police_district", "neighborhood", "council_district",
          "legislative_district", "offense", "relationship", "age_band", "sex"]


def _key(v: str) -> str:
    return re.sub(r"\s+", " ", str(v).strip().lower())


def _mapped(s: pd.Series, table: dict) -> tuple[pd.Series, pd.Series]:
    """(mapped values, mask of values not in ``table``)."""
    k = s.fillna("").map(_key)
    known = k.isin(table.keys())
    return k.map(lambda v: table.get(v)), ~known


def area_lookup(conn) -> dict[str, dict[str, str]]:
    """field -> {lower-case code or name: code} of the loaded boundaries."""
    layers = {"police_district": ("police_district_2023", "police_district_pre2023"), "neighborhood": ("neighborhood",),
              "council_district": ("council_district",), "legislative_district": ("legislative_district",)}
    out: dict[str, dict[str, str]] = {}
    for field, lays in layers.items():
        rows = conn.execute(text("SELECT code, name FROM geography WHERE layer = ANY(:l)"), {"l": list(lays)}).all()
        m: dict[str, str] = {}
        for code, name in rows:
            m.setdefault(_key(name), code)
            m[_key(code)] = code
        out[field] = m
    return out


def _area(field: str, raw: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(codes, mask of non-blank values that are no such area)."""
    v = raw.fillna("").map(_key)
    if field == "police_district":
        canon = N.district(raw.fillna("")).fillna("").map(_key)
        v = canon.where(canon != "", v)
    elif field == "council_district":
        v = v.str.replace(r"^(council )?(district )?0*", "", regex=True)
    elif field == "legislative_district":
        v = v.str.replace(r"^(legislative )?(district )?0*", "", regex=True)
    codes = v.map(lambda x: lookup.get(x) if x else None)
    return codes, (v != "") & codes.isna()


def normalize_ipv(table, areas: dict[str, dict[str, str]], *, min_date: date = DEFAULT_MIN_DATE,
                  today: date | None = None) -> tuple[pd.DataFrame, Rejects]:
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:
        return pd.DataFrame(columns=FIELDS), rejects
    today = today or date.today()
    line = table.line

    def opt(c):
        return df[c] if c in df else pd.Series("", index=df.index, dtype="str")

    incident = N.clean(df["incidentid"])
    raw_date = N.clean(df["date"])
    parsed = N.parse_datetimes(raw_date.fillna("").str.replace(r"[ T]\d{1,2}:\d{2}.*$", "", regex=True))
    day = parsed.dt.date
    offense, bad_offense = _mapped(opt("offense"), OFFENSE_ALIASES)
    rel, bad_rel = _mapped(opt("relationship"), RELATIONSHIP_ALIASES)
    age, bad_age = _mapped(opt("victimageband"), AGE_ALIASES)
    sex, bad_sex = _mapped(opt("victimsex"), SEX_ALIASES)
    codes, bad_area = {}, {}
    for col, field in AREA_COLUMNS.items():
        codes[field], bad_area[field] = _area(field, opt(col), areas[field])
    fine = pd.Series(False, index=df.index)
    for c in FINE_LOCATION:
        if c in df:
            fine |= df[c].fillna("").str.strip() != ""
    in_range = day.map(lambda d: d is not None and d == d and min_date <= d <= today)
    checks = [
        (fine, "location finer than an area (an address, block or coordinates): this dataset is counted only in "
               "area totals, so the row is rejected and its location not kept; export the areas only"),
        (incident.isna(), "no incident id"),
        (day.isna(), "unreadable date"),
        (~in_range & day.notna(), f"date outside {min_date.isoformat()} .. today"),
        (bad_rel, "unknown relationship (use spouse, former_spouse, dating, former_dating, family or other)"),
        (bad_offense, "unknown offense category (use a Part 1 offense category)"),
        (bad_age, "unknown victim age band (use Under 18, 18-24, 25-34, 35-44, 45-54, 55+ or blank)"),
        (bad_sex, "unknown victim sex (use F, M or blank)"),
        *[(bad_area[f], f"unknown {f.replace('_', ' ')}") for f in AREA_COLUMNS.values()],
    ]
    bad = rejects.apply(checks, line, table)
    dup = ~bad & incident.duplicated() & incident.notna()
    if dup.any():
        rejects.add(line[dup].tolist(), "duplicate incident id (same as an earlier row)", table.raw_of(line[dup].tolist()))
    keep = ~bad & ~dup
    out = pd.DataFrame({"incident_id": incident, "occurred_date": day, **codes, "offense": offense,
                        "relationship": rel, "age_band": age, "sex": sex})[keep]
    return out.reset_index(drop=True), rejects


def load_ipv_file(db: Database, path, *, progress: Progress = _noop, settings=None, **_) -> LoadSummary:
    table, _layout = read_csv_file(path, layouts=LAYOUTS)
    table.protect(KNOWN_COLUMNS)  # a column that could hold a name refuses the file; raw text keeps known columns only
    min_date = getattr(settings, "ingest_min_date", None) or DEFAULT_MIN_DATE
    if isinstance(min_date, str):
        min_date = date.fromisoformat(min_date)
    with db.begin() as conn:
        require_real_boundaries(conn)
        areas = area_lookup(conn)
    frame, rejects = normalize_ipv(table, areas, min_date=min_date)
    progress("normalized", len(frame))
    summary = LoadSummary(dataset="ipv", source=str(path))
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        # demo incidents never mix with real ones (the boundaries load leaves this table alone)
        demo = conn.execute(text("DELETE FROM ipv_incident WHERE source = 'demo'")).rowcount
        frame = frame.assign(source="ipv_csv", load_id=summary.load_id)
        summary.rows_loaded, summary.rows_updated = upsert(conn, ipv_incident, frame, key="incident_id",
                                                           compare=FIELDS[1:])
        progress("upserted", summary.rows_loaded + summary.rows_updated)
        write_rejects(conn, summary, "ipv", rejects)
        changed = bool(demo or summary.rows_loaded or summary.rows_updated)
        before = next_version(conn) - 1
        finish(conn, summary, records=False, truncated=changed)
        # the Plan KPI's Part 1 incidents: kept when current (victims did not change), else rebuilt
        carry_part1(conn, before, summary.version if summary.version is not None else before)
    summary.notes = [f"incidents in the file: {len(frame)}; demo incidents removed: {demo}"]
    return summary
