"""``psad ingest cvi``: Community Violence Intervention program sites (a documented CSV layout).

Columns (header names without case or punctuation; only ``name`` and ``program_type`` are
required):

``name, program_type, operator, services, hours, phone, url, started, address, area_served, lon, lat``

* ``program_type``: a code of ``data_access.vocabulary.CVI_PROGRAM_TYPES`` (``safe_streets``,
  ``hospital_vip``, ``school_vip``, ``victim_services``, ``reentry``, ``mediation``), its label
  ("Safe Streets site", …) or an alias of ``normalize.CVI_ALIASES`` ("HVIP", "Re-entry", …).
* ``started``: a date (``YYYY-MM-DD`` or ``MM/DD/YYYY``), may be blank.
* ``address``: the program's public street address (an organization, never a person).
* ``lon``/``lat``: WGS84; areas (police district under the current map, neighborhood, council and
  legislative district, CSA) are assigned by point-in-polygon. A row without coordinates is kept
  without a point; coordinates outside the city are rejected.

The file is the complete current list: sites are matched by (name, program type); new ones are
loaded, changed ones updated, and sites no longer listed are removed (reported). Re-loading the
same file changes nothing. A file with no usable site (every row rejected) is refused whole: it
would remove every site.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import Progress, Rejects, _noop, finish, require_real_boundaries, write_rejects
from data_access.ingest.crime import col, empty
from data_access.ingest.geo import Locator
from data_access.ingest.reader import IngestError, read_csv_file
from data_access.loading import LoadSummary, copy_frame, logged_load
from data_access.schema import cvi_site
from data_access.vocabulary import CVI_PROGRAM_TYPES

LAYOUTS = {"cvi_sites": {"name", "programtype"}}
FIELDS = ["name", "program_type", "operator", "services", "hours", "phone", "url", "started", "address",
          "area_served", "lon", "lat", "police_district", "neighborhood", "council_district",
          "legislative_district", "csa"]


KNOWN_COLUMNS = frozenset({"name", "programtype", "operator", "services", "hours", "phone", "url", "started",
                           "address", "areaserved", "lon", "lat", "longitude", "latitude"})


def normalize_cvi(table, loc: Locator) -> tuple[pd.DataFrame, Rejects]:
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:  # every row has the wrong number of fields: nothing to normalize
        return pd.DataFrame(columns=FIELDS), rejects
    line = table.line
    name = N.clean(df["name"])
    ptype = df["programtype"].str.strip().str.upper().map(N.CVI_ALIASES)
    started_raw = N.clean(col(df, "started")) if "started" in df else empty(df)
    started = N.parse_datetimes(started_raw.fillna("")).dt.tz_localize(None).dt.date
    lon = pd.to_numeric(col(df, "lon", "longitude") if col(df, "lon", "longitude") is not None else empty(df),
                        errors="coerce")
    lat = pd.to_numeric(col(df, "lat", "latitude") if col(df, "lat", "latitude") is not None else empty(df),
                        errors="coerce")
    has_pt = lon.notna() & lat.notna()
    inside, hits = loc.assign(lon, lat)
    checks = (
        (name.isna(), "no name"),
        (ptype.isna() & name.notna(), f"unknown program type (use one of: {', '.join(CVI_PROGRAM_TYPES.codes)})"),
        (started_raw.notna() & started.isna(), "unreadable start date"),
        (has_pt & ~inside, "coordinates outside Baltimore City"),
    )
    bad = rejects.apply(checks, line, table)
    dup = (~bad) & pd.DataFrame({"n": name.str.upper(), "p": ptype}).duplicated()
    if dup.any():
        rejects.add(line[dup].tolist(), "duplicate site (same name and program type as an earlier row)",
                    table.raw_of(line[dup].tolist()))
    keep = ~bad & ~dup

    def opt(c):
        return N.clean(df[c]) if c in df else empty(df)

    out = pd.DataFrame({
        "name": name, "program_type": ptype, "operator": opt("operator"), "services": opt("services"),
        "hours": opt("hours"), "phone": opt("phone"), "url": opt("url"), "started": started,
        "address": opt("address"), "area_served": opt("areaserved"),
        "lon": lon.where(has_pt).round(6), "lat": lat.where(has_pt).round(6),
        "police_district": hits["police_district_2023"].where(hits["police_district_2023"].notna(),
                                                               hits["police_district_pre2023"]),
        "neighborhood": hits["neighborhood"], "council_district": hits["council_district"],
        "legislative_district": hits["legislative_district"], "csa": hits["csa"],
    })[keep]
    out["started"] = out["started"].where(out["started"].notna(), None)
    return out.reset_index(drop=True), rejects


def _sig(df: pd.DataFrame) -> pd.Series:
    cols = [c for c in FIELDS if c not in ("name", "program_type")]
    return df[cols].astype("str").fillna("").agg("|".join, axis=1)


def load_cvi_file(db: Database, path: str, *, progress: Progress = _noop) -> LoadSummary:
    table, _ = read_csv_file(path, layouts=LAYOUTS)
    table.protect(KNOWN_COLUMNS)  # a site's name and address are an organization's, not a person's
    with db.begin() as conn:
        require_real_boundaries(conn)
        loc = Locator(conn)
    frame, rejects = normalize_cvi(table, loc)
    summary = LoadSummary(dataset="cvi", source=str(path))
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    if frame.empty:  # loading it would remove every site: a mistake, never the city's list
        reasons = "; ".join(f"{reason}: {n}" for reason, n in sorted(rejects.by_reason().items()))
        raise IngestError(f"{table.name}: no usable site among its {summary.rows_read} rows ({reasons}); the "
                          "file is the complete list of sites, so the current list was kept. Nothing was loaded")
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        old = pd.DataFrame(conn.execute(text(f"SELECT {', '.join(FIELDS)} FROM cvi_site")).all(), columns=FIELDS)
        k_new = frame["name"].str.upper() + "|" + frame["program_type"]
        k_old = old["name"].astype("str").str.upper() + "|" + old["program_type"].astype("str")
        new_sig = pd.Series(_sig(frame).to_numpy(), index=k_new.to_numpy())
        old_sig = pd.Series(_sig(old).to_numpy(), index=k_old.to_numpy()) if len(old) else pd.Series(dtype="str")
        added = [k for k in new_sig.index if k not in old_sig.index]
        changed = [k for k in new_sig.index if k in old_sig.index and old_sig[k] != new_sig[k]]
        removed = [k for k in old_sig.index if k not in new_sig.index]
        if added or changed or removed:
            conn.execute(text("DELETE FROM cvi_site"))
            copy_frame(conn, cvi_site, frame.assign(source="cvi_csv"))
        summary.rows_loaded, summary.rows_updated = len(added), len(changed)
        write_rejects(conn, summary, "cvi", rejects)
        finish(conn, summary, records=False)
    summary.notes = [f"sites listed: {len(frame)}; no longer listed, removed: {len(removed)}"]
    return summary
