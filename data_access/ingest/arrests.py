"""``psad ingest arrests``: BPD arrests, both published layouts.

* ``arrests_2018`` — ``Arrest, Age, Sex, Race, ArrestDate, ArrestTime, ArrestLocation,
  IncidentOffense, IncidentLocation, Charge, ChargeDescription, District, Post, Neighborhood,
  Longitude, Latitude, Location 1``. Naive local times in ``HH:MM`` or ``H:MM``.
* ``arrests_2021`` — ``RowID, ArrestNumber, Age, Gender, Race, Ethnicity, ArrestDateTime,
  ArrestLocation, IncidentOffence, IncidentLocation, Charge, ChargeDescription, District, Post,
  Neighborhood, Latitude, Longitude, GeoLocation`` (UTC when the value carries an offset).

Rules: the incident offense keeps its raw text (``4ECOMMON ASSAULT`` with the padding trimmed)
and maps to a canonical offense when it starts with a Part 1 code; the charge category comes from
the charge description by keyword (``normalize.CHARGE_RULES``). Unlike victim rows, identical
arrest rows are duplicates of one arrest (149 in the 2018 sample, most without an arrest
number): the first is loaded and the others are kept in the rejects table as
"duplicate row". Keys: ``an:<ArrestNumber>:<n>`` (n = place among the file's rows with that
number), else a content key ``h:<hash>:<n>``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import DEFAULT_MIN_DATE, Progress, Rejects, _noop, load_records, occurrence_keys
from data_access.ingest.crime import col, coords, empty
from data_access.ingest.geo import Locator, place
from data_access.ingest.reader import Table, read_csv_file
from data_access.loading import LoadSummary
from data_access.schema import arrest

LAYOUTS = {
    "arrests_2021": {"arrestnumber", "arrestdatetime"},
    "arrests_2018": {"arrest", "arrestdate"},
}
ARREST_COLUMNS = [c.name for c in arrest.columns if c.name not in ("id", "load_id")]
# Every column of both layouts (normalized): a rejected or duplicate row's raw text keeps only these.
KNOWN_COLUMNS = frozenset({
    "arrest", "age", "sex", "race", "arrestdate", "arresttime", "arrestlocation", "incidentoffense",
    "incidentlocation", "charge", "chargedescription", "district", "post", "neighborhood", "longitude", "latitude",
    "location1", "rowid", "arrestnumber", "gender", "ethnicity", "arrestdatetime", "incidentoffence",
    "geolocation", "olddistrict", "newdistrict", "objectid", "esrioid"})


def normalize_arrests(table: Table, layout: str, loc: Locator | None, *, source: str = "bpd_csv",
                      min_date: date = DEFAULT_MIN_DATE) -> tuple[pd.DataFrame, Rejects]:
    table.protect(KNOWN_COLUMNS, {"arrestlocation": N.block_of_one, "incidentlocation": N.block_of_one})
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:
        return pd.DataFrame(columns=ARREST_COLUMNS), rejects
    line = table.line
    if layout == "arrests_2021":
        raw_date = df["arrestdatetime"]
        when = N.parse_datetimes(raw_date)
        day = when.dt.tz_localize(None).dt.normalize()
        no_time = pd.Series(False, index=df.index)
    else:
        raw_date = df["arrestdate"]
        day = N.parse_datetimes(raw_date).dt.tz_localize(None).dt.normalize()
        t = col(df, "arresttime")
        secs = pd.Series(N.time_seconds(t) if t is not None else pd.array([pd.NA] * len(df), dtype="Int64"),
                         index=df.index)
        no_time = secs.isna()
        when = N.combine_local(day, secs)
    no_date = raw_date.str.strip().fillna("") == ""
    bad_date = day.isna() & ~no_date
    implausible = day.notna() & ~N.plausible(day, min_date)
    dup = df.duplicated(keep="first")
    first_of = pd.Series(np.arange(len(df)), index=df.index)
    keep = ~rejects.apply((
        (no_date, "no date"), (bad_date, "unreadable date"),
        (implausible, f"date outside the plausible range ({min_date.isoformat()} to today)"),
        (N.unreadable_time(col(df, "arresttime") if layout == "arrests_2018" else None, no_time), N.UNREADABLE_TIME),
        (dup, "duplicate row (identical to an earlier row)")), line, table)
    del first_of
    df, day, when, no_time = df[keep], day[keep], when[keep], no_time[keep]

    incident = col(df, "incidentoffense", "incidentoffence")
    incident = N.clean(incident).str.replace(r"\s+", " ", regex=True) if incident is not None else empty(df)
    desc = N.clean(col(df, "chargedescription")) if "chargedescription" in df else empty(df)
    lon, lat = coords(df)
    geo = place(
        loc, lon=lon, lat=lat, day=day,
        district_pre=N.district(df["olddistrict"]) if "olddistrict" in df else None,
        district_2023=N.district(df["newdistrict"]) if "newdistrict" in df else None,
        district_any=N.district(df["district"]) if "district" in df else None,
        neighborhood_name=col(df, "neighborhood"),
    ) if loc is not None else {}
    number = N.clean(col(df, "arrestnumber", "arrest"))
    out = pd.DataFrame({
        "source": source,
        "arrest_number": number,
        "arrested_at": when,
        "arrest_date": day.dt.date,
        "arrest_hour": when.dt.hour.astype("Int16").where(~no_time),
        "age": N.age(df["age"]) if "age" in df else pd.array([pd.NA] * len(df), dtype="Int16"),
        "sex": N.sex(col(df, "gender", "sex")) if col(df, "gender", "sex") is not None else empty(df),
        "race": N.race(df["race"]) if "race" in df else empty(df),
        "ethnicity": N.ethnicity(df["ethnicity"]) if "ethnicity" in df else empty(df),
        "charge": N.clean(df["charge"]) if "charge" in df else empty(df),
        "charge_description": desc,
        "charge_category": N.charge_category(desc),
        "incident_offense": incident,
        "offense": N.map_unique(incident, N.offense_from_code),
        "post": N.clean(df["post"]) if "post" in df else empty(df),
        "block": N.block_of(col(df, "arrestlocation", "incidentlocation")) if col(
            df, "arrestlocation", "incidentlocation") is not None else empty(df),
    }, index=df.index)
    for k, v in geo.items():
        out[k] = v
    keys = pd.Series(pd.NA, index=df.index, dtype="str")
    has = number.notna()
    if has.any():
        rowid = pd.to_numeric(df["rowid"], errors="coerce") if "rowid" in df else pd.Series(0, index=df.index)
        o = pd.DataFrame({"a": number, "r": rowid, "i": np.arange(len(df))}, index=df.index)[has]
        o = o.sort_values(["a", "r", "i"])
        keys.loc[o.index] = "an:" + o["a"] + ":" + o.groupby("a").cumcount().astype("str")
    if (~has).any():
        parts = df[~has].drop(columns=[c for c in ("rowid",) if c in df.columns])
        keys.loc[~has] = occurrence_keys("h", parts.apply(lambda s: s.str.strip()))
    out["source_key"] = keys
    return out[[c for c in ARREST_COLUMNS if c in out.columns]].reset_index(drop=True), rejects


def load_arrests_file(db: Database, path: str, *, settings=None, progress: Progress = _noop,
                      source: str = "bpd_csv") -> LoadSummary:
    table, layout = read_csv_file(path, layouts=LAYOUTS)
    progress(f"read ({layout})", len(table.frame))
    return load_arrests_table(db, table, layout, source=source, label=str(path), settings=settings,
                              progress=progress)


def load_arrests_table(db: Database, table: Table, layout: str, *, source: str, label: str, settings=None,
                       progress: Progress = _noop) -> LoadSummary:
    return load_records(db, table, layout, normalize=normalize_arrests, target=arrest, dataset="arrests",
                        source=source, label=label, settings=settings, progress=progress)
