"""``psad ingest gun-seizures FILE``: firearms seized by BPD (a documented CSV layout; no public
schema exists).

One row per firearm. Header names are compared without case, spaces or punctuation
(``Seizure ID`` = ``seizure_id``); columns may come in any order; unknown columns are ignored,
but a column that could hold a person's name refuses the whole file.

| column | required | type and allowed values | blank |
|---|---|---|---|
| ``seizure_id`` | yes | text, unique in the file: the agency's id of the seized firearm | row rejected |
| ``seized_date`` | yes | ``YYYY-MM-DD`` or ``MM/DD/YYYY`` (a time after it is ignored) | row rejected |
| ``firearm_type`` | yes | ``handgun`` (``pistol``, ``revolver``), ``rifle``, ``shotgun``, ``ghost_gun`` (``ghost gun``, ``PMF``, ``privately made firearm``), ``other`` | row rejected |
| ``recovery_type`` | yes | ``arrest``, ``search_warrant``, ``found`` (``recovered``, ``found/recovered``, ``abandoned``), ``surrendered`` (``turn-in``, ``buyback``), ``other`` | row rejected |
| ``status`` | no | ``held`` (``evidence``, ``property``, ``in custody``), ``returned``, ``destroyed``, ``transferred`` | unknown status |
| ``police_district`` | no | a district name or its usual abbreviation (``Western``, ``WD``, ``NE``…) under the map in force on the date | from the point, else the neighborhood |
| ``neighborhood`` | no | a neighborhood name (today's, an older map's, a known alias or a unique prefix) | from the point |
| ``council_district`` | no | ``1`` … ``14`` | from the point, else the neighborhood |
| ``legislative_district`` | no | a State legislative district (``40``, ``43A``) | from the point, else the neighborhood |
| ``block`` | no | the place, cut to its block on loading (``2712 N CHARLES ST`` -> ``2700 BLOCK N CHARLES ST``); a house number is never stored | none |
| ``latitude``, ``longitude`` | no | WGS84 (``lat``/``lon`` accepted); stored cut to 3 decimals (about 100 m, the block) | areas from the names |

Rejected, with their reason in ``rejected_row``: no seizure id; a seizure id already on an earlier
row; no date; an unreadable date; a date before ``PSAD_INGEST_MIN_DATE`` or after today; an
unknown firearm type, recovery type or status; an unknown police, council or legislative
district; coordinates outside Baltimore City; a row with the wrong number of fields.

Loading is one transaction (all or nothing), recorded in the load log; rows are matched on
``seizure_id``: new ones are added, changed ones updated, so loading the same file twice changes
nothing. A real load removes the demo's seizures.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from sqlalchemy import text

from data_access.db import Database
from data_access.guns_warrants import refresh_aggregates, refresh_seizure_aggregate
from data_access.ingest import normalize as N
from data_access.ingest.base import (
    DEFAULT_MIN_DATE,
    Progress,
    Rejects,
    _noop,
    finish,
    log_names,
    require_real_boundaries,
    upsert,
    write_rejects,
)
from data_access.ingest.crime import coords, empty
from data_access.ingest.geo import Locator, place
from data_access.ingest.reader import Table, read_csv_file
from data_access.loading import LoadSummary, logged_load
from data_access.schema_guns_warrants import gun_seizure

LAYOUTS = {"gun_seizures": {"seizureid", "seizeddate", "firearmtype", "recoverytype"}}
KNOWN_COLUMNS = frozenset({"seizureid", "seizeddate", "firearmtype", "recoverytype", "status", "policedistrict",
                           "district", "neighborhood", "councildistrict", "legislativedistrict", "block", "location",
                           "latitude", "longitude", "lat", "lon"})
COLUMNS = [c.name for c in gun_seizure.columns if c.name not in ("id", "load_id")]

FIREARM_ALIASES = {
    "HANDGUN": "handgun", "PISTOL": "handgun", "REVOLVER": "handgun", "HAND GUN": "handgun",
    "RIFLE": "rifle", "ASSAULT RIFLE": "rifle", "LONG GUN": "rifle",
    "SHOTGUN": "shotgun", "SHOT GUN": "shotgun",
    "GHOST GUN": "ghost_gun", "GHOST_GUN": "ghost_gun", "GHOSTGUN": "ghost_gun", "PMF": "ghost_gun",
    "PRIVATELY MADE FIREARM": "ghost_gun", "PRIVATELY MADE": "ghost_gun", "GHOST GUN (PRIVATELY MADE)": "ghost_gun",
    "OTHER": "other", "OTHER FIREARM": "other",
}
RECOVERY_ALIASES = {
    "ARREST": "arrest", "AT ARREST": "arrest", "AT AN ARREST": "arrest", "ON ARREST": "arrest",
    "SEARCH WARRANT": "search_warrant", "SEARCH_WARRANT": "search_warrant", "WARRANT": "search_warrant",
    "FOUND": "found", "RECOVERED": "found", "FOUND/RECOVERED": "found", "FOUND OR RECOVERED": "found",
    "ABANDONED": "found", "FOUND PROPERTY": "found",
    "SURRENDERED": "surrendered", "SURRENDER": "surrendered", "TURN-IN": "surrendered", "TURN IN": "surrendered",
    "BUYBACK": "surrendered", "BUY BACK": "surrendered", "VOLUNTARY SURRENDER": "surrendered",
    "OTHER": "other",
}
STATUS_ALIASES = {
    "HELD": "held", "EVIDENCE": "held", "PROPERTY": "held", "IN CUSTODY": "held", "IN PROPERTY": "held",
    "HELD (EVIDENCE OR PROPERTY)": "held",
    "RETURNED": "returned", "RETURNED TO OWNER": "returned", "RETURNED TO ITS OWNER": "returned",
    "DESTROYED": "destroyed",
    "TRANSFERRED": "transferred", "TRANSFERRED TO ANOTHER AGENCY": "transferred",
}


def code_of(s: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """A spelling (any case, spaces or underscores) -> its code, else missing."""
    u = s.astype("str").str.strip().str.upper().str.replace(r"[\s_]+", " ", regex=True)
    return u.map(aliases).where(s.notna(), None)


def min_date_of(settings) -> date:
    min_date = getattr(settings, "ingest_min_date", None) or DEFAULT_MIN_DATE
    return date.fromisoformat(min_date) if isinstance(min_date, str) else min_date


def opt(df: pd.DataFrame, *names: str) -> pd.Series:
    for n in names:
        if n in df:
            return N.clean(df[n])
    return empty(df)


def district_code(s: pd.Series) -> pd.Series:
    """``7``, ``07``, ``District 7``, ``43a`` -> ``7``, ``7``, ``7``, ``43A``."""
    u = s.astype("str").str.strip().str.upper().str.replace(r"^(COUNCIL |LEGISLATIVE )?(DISTRICT|DIST\.?) *", "",
                                                                regex=True)
    return u.map(lambda v: re.sub(r"^0+(?=\d)", "", v) if isinstance(v, str) else v).where(s.notna(), None)


def areas(loc: Locator, df: pd.DataFrame, day: pd.Series, lon: pd.Series, lat: pd.Series) -> tuple[dict, list]:
    """The area columns of each row (``geo.place``: a point's areas, else the given names; given
    council and legislative districts win over the point's), and the (mask, reason) checks of
    area values the file gives that no loaded area has."""
    pd_raw = opt(df, "policedistrict", "district")
    pd_code = N.district(pd_raw)
    out = place(loc, lon=lon, lat=lat, day=day, district_any=pd_code,
                neighborhood_name=opt(df, "neighborhood") if "neighborhood" in df else None)
    checks = [(pd_raw.notna() & pd_code.isna(), "unknown police district")]
    for field, col in (("council_district", "councildistrict"), ("legislative_district", "legislativedistrict")):
        given = district_code(opt(df, col))
        known = set(loc.layers.get(field, ([],))[0])
        bad = given.notna() & ~given.isin(known)
        checks.append((bad, f"unknown {field.replace('_', ' ')}"))
        out[field] = given.where(given.notna() & ~bad, out[field])
    return out, checks


def normalize_seizures(table: Table, loc: Locator, *, min_date: date = DEFAULT_MIN_DATE,
                       today: date | None = None) -> tuple[pd.DataFrame, Rejects]:
    """The rows of ``table`` in ``gun_seizure``'s columns, and the rows that cannot be used."""
    table.protect(KNOWN_COLUMNS, {"block": N.block_of_one, "location": N.block_of_one})
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:
        return pd.DataFrame(columns=COLUMNS), rejects
    line = table.line
    sid = opt(df, "seizureid")
    raw_date = opt(df, "seizeddate")
    day = N.parse_datetimes(raw_date.fillna("")).dt.tz_localize(None).dt.normalize()
    firearm = code_of(opt(df, "firearmtype"), FIREARM_ALIASES)
    recovery = code_of(opt(df, "recoverytype"), RECOVERY_ALIASES)
    status_raw = opt(df, "status")
    status = code_of(status_raw, STATUS_ALIASES)
    lon, lat = coords(df)
    has_pt = lon.notna() & lat.notna() & (lon != 0) & (lat != 0)
    inside, _hits = loc.assign(lon, lat)
    geo, area_checks = areas(loc, df, day, lon.where(has_pt), lat.where(has_pt))
    dup = sid.notna() & sid.duplicated()
    bad = rejects.apply((
        (sid.isna(), "no seizure id"),
        (raw_date.isna(), "no date"),
        (raw_date.notna() & day.isna(), "unreadable date"),
        (day.notna() & ~N.plausible(day, min_date, today),
         f"date outside the plausible range ({min_date.isoformat()} to today)"),
        (firearm.isna(), "unknown firearm type (handgun, rifle, shotgun, ghost_gun, other)"),
        (recovery.isna(), "unknown recovery type (arrest, search_warrant, found, surrendered, other)"),
        (status_raw.notna() & status.isna(), "unknown status (held, returned, destroyed, transferred)"),
        *area_checks,
        (has_pt & ~inside, "coordinates outside Baltimore City"),
        (dup, "duplicate seizure id (an earlier row has it)"),
    ), line, table)
    keep = ~bad
    out = pd.DataFrame({
        "source": "bpd_csv", "source_key": sid, "seized_date": day.dt.date, "firearm_type": firearm,
        "recovery_type": recovery, "status": status,
        **{k: geo[k] for k in ("police_district", "police_district_pre2023", "police_district_2023",
                               "neighborhood", "council_district", "legislative_district", "csa")},
        "block": N.block_of(opt(df, "block", "location")),
        "lon": geo["lon"], "lat": geo["lat"],
    }, index=df.index)[keep]
    out = out.astype({"lon": "float64", "lat": "float64"})
    for c in ("status", "block", "police_district", "police_district_pre2023", "police_district_2023",
              "neighborhood", "council_district", "legislative_district", "csa"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out[COLUMNS].reset_index(drop=True), rejects


def commit(db: Database, summary: LoadSummary, table, frame: pd.DataFrame, rejects: Rejects, dataset: str,
           progress: Progress) -> LoadSummary:
    """One transaction: drop the demo's rows of ``table``, upsert ``frame`` by ``source_key``, keep the
    rejects, log the names report, and move the data version when a row changed."""
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        demo = conn.execute(text(f'DELETE FROM "{table.name}" WHERE source = \'demo\'')).rowcount
        summary.rows_loaded, summary.rows_updated = upsert(conn, table, frame.assign(load_id=summary.load_id),
                                                           compare=[c for c in frame.columns])
        progress("upserted", summary.rows_loaded + summary.rows_updated)
        if table.name == "warrant" and (demo or summary.rows_loaded or summary.rows_updated):
            refresh_aggregates(conn)  # the pre-aggregates, rebuilt from the rows in this transaction
        elif demo or summary.rows_loaded or summary.rows_updated:
            refresh_seizure_aggregate(conn)  # its pre-aggregate and the planner's statistics of the rows
        write_rejects(conn, summary, dataset, rejects)
        log_names(conn, summary)
        # these tables are not among loading.SERVED_TABLES: say whether served rows changed
        finish(conn, summary, records=False, truncated=bool(demo or summary.rows_loaded or summary.rows_updated))
        progress("committed", 0)
    return summary


def load_file(db: Database, path, *, layouts, known, normalize, target, dataset: str, progress: Progress,
              settings) -> LoadSummary:
    """One file of a Guns and warrants dataset: read, names refused, areas resolved, normalized by
    ``normalize(table, locator, min_date=)``, then ``commit``ted into ``target``."""
    table, _layout = read_csv_file(path, layouts=layouts)
    progress("read", len(table.frame))
    table.protect(known)  # a column that could hold a name refuses the file before anything else
    with db.begin() as conn:
        require_real_boundaries(conn)
        loc = Locator(conn)
    frame, rejects = normalize(table, loc, min_date=min_date_of(settings))
    summary = LoadSummary(dataset=dataset, source=str(path))
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    summary.names = loc.name_report
    return commit(db, summary, target, frame, rejects, dataset, progress)


def load_gun_seizures_file(db: Database, path, *, progress: Progress = _noop, settings=None, **_) -> LoadSummary:
    return load_file(db, path, layouts=LAYOUTS, known=KNOWN_COLUMNS, normalize=normalize_seizures,
                     target=gun_seizure, dataset="gun_seizures", progress=progress, settings=settings)


__all__ = ["load_gun_seizures_file", "normalize_seizures", "FIREARM_ALIASES", "RECOVERY_ALIASES", "STATUS_ALIASES",
           "areas", "commit", "code_of", "district_code", "min_date_of", "opt"]
