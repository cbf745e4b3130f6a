"""``psad ingest crime``: BPD Part 1 victim-based crime, every layout Open Baltimore published.

Layouts (detected from the header; names compared without case or punctuation):

* ``part1_2021`` — ``RowID, CCNumber, CrimeDateTime, CrimeCode, Description, Inside_Outside,
  Weapon, Post, Gender, Age, Race, Ethnicity, Location, Old_District, New_District,
  Neighborhood, Latitude, Longitude, GeoLocation, Premise, Total_Incidents``; any column but
  ``CrimeDateTime`` and one of ``CrimeCode``/``Description`` may be missing. ``CrimeDateTime``
  ending in ``+00``/``Z`` is UTC and converted to America/New_York; naive values are local.
* ``part1_legacy`` — ``CrimeDate, CrimeTime, CrimeCode, Location, Description, Inside/Outside,
  Weapon, Post, District, Neighborhood, Longitude, Latitude, Location 1, Premise, Total
  Incidents`` (and shorter variants such as the 2014 heat-map extract). Naive local times.
* ``socrata_dump`` — the 2016 MySQL dump of the Socrata dataset whose column names do not match
  their values: ``description`` holds Inside/Outside, ``location1`` the incident count; there is
  no offense description (the code decides).

One row = one victim. Keys (for re-load and refresh): ``cc:<CCNumber>:<n>`` (n = the row's
place among the file's rows of that incident, ordered by RowID), else ``row:<RowID>``, else a
content key ``h:<hash>:<n>`` over the row's normalized date, time, code, location, weapon,
district, neighborhood, post, premise, inside/outside and coordinates, n counting identical
rows — identical rows are separate victims, kept, and matched one to one on reload.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import DEFAULT_MIN_DATE, Progress, Rejects, _noop, load_records, occurrence_keys
from data_access.ingest.geo import Locator, place
from data_access.ingest.reader import IngestError, Table, read_csv_file
from data_access.loading import LoadSummary
from data_access.schema import victim

LAYOUTS = {
    "socrata_dump": {"crimedate", "crimecode", "createdmeta", "location1"},
    "part1_2021": {"crimedatetime"},
    "part1_legacy": {"crimedate"},
}
VICTIM_COLUMNS = [c.name for c in victim.columns if c.name not in ("id", "load_id")]
# Every column of every layout (normalized): a rejected row's raw text keeps only these.
KNOWN_COLUMNS = frozenset({
    "rowid", "ccnumber", "crimedatetime", "crimecode", "description", "insideoutside", "inside", "weapon", "post",
    "gender", "age", "race", "ethnicity", "location", "olddistrict", "newdistrict", "neighborhood", "latitude",
    "longitude", "geolocation", "premise", "totalincidents", "crimedate", "crimetime", "district", "location1",
    "sid", "id", "position", "createdat", "createdmeta", "updatedat", "updatedmeta", "meta", "lat", "lon", "meta2",
    "meta3", "objectid", "esrioid"})


def col(df: pd.DataFrame, *names: str) -> pd.Series | None:
    for n in names:
        if n in df.columns:
            return df[n]
    return None


def empty(df: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NA, index=df.index, dtype="str")


def coords(df: pd.DataFrame, lon_names=("longitude", "lon"), lat_names=("latitude", "lat"),
           packed=("geolocation", "location1")) -> tuple[pd.Series, pd.Series]:
    lon = pd.to_numeric(col(df, *lon_names) if col(df, *lon_names) is not None else empty(df), errors="coerce")
    lat = pd.to_numeric(col(df, *lat_names) if col(df, *lat_names) is not None else empty(df), errors="coerce")
    p = col(df, *packed)
    need = lon.isna() | lat.isna()
    if p is not None and need.any():  # "(lat, lon)" only where the plain columns are empty
        m = p[need].str.extract(r"\(\s*(-?\d+\.?\d*)\s*,\s*(-?\d+\.?\d*)\s*\)")
        plat, plon = pd.to_numeric(m[0], errors="coerce"), pd.to_numeric(m[1], errors="coerce")
        lon, lat = lon.fillna(plon), lat.fillna(plat)
    return lon, lat


def normalize_crime(table: Table, layout: str, loc: Locator | None, *, source: str = "bpd_csv",
                    min_date: date = DEFAULT_MIN_DATE, today: date | None = None) -> tuple[pd.DataFrame, Rejects]:
    """The victim rows of ``table`` in the schema's columns, and the rows that cannot be used."""
    table.protect(KNOWN_COLUMNS, {"location": N.block_of_one})
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:
        return pd.DataFrame(columns=VICTIM_COLUMNS), rejects
    line = table.line

    if layout == "socrata_dump":
        io_raw, description = df["description"], None
    else:
        io_raw = col(df, "insideoutside", "inside")
        description = col(df, "description")
    code = col(df, "crimecode")
    if code is None and description is None:
        raise IngestError(f"{table.name}: the header has neither CrimeCode nor Description; cannot tell offenses apart")
    code_c = N.clean(code) if code is not None else empty(df)

    # When: local wall time
    if layout == "part1_2021":
        when = N.parse_datetimes(df["crimedatetime"])
        no_time = pd.Series(False, index=df.index)
        day = when.dt.tz_localize(None).dt.normalize()
        secs = None
    else:
        day = N.parse_datetimes(df["crimedate"]).dt.tz_localize(None).dt.normalize()
        t = col(df, "crimetime")
        secs = N.time_seconds(t) if t is not None else pd.array([pd.NA] * len(df), dtype="Int64")
        secs = pd.Series(secs, index=df.index)
        no_time = secs.isna()
        when = N.combine_local(day, secs)
    raw_date = df["crimedatetime"] if layout == "part1_2021" else df["crimedate"]
    no_date = raw_date.str.strip().fillna("") == ""
    bad_date = day.isna() & ~no_date
    implausible = day.notna() & ~N.plausible(day, min_date, today)
    off = N.offense(code_c, description)

    keep = ~rejects.apply((
        (no_date, "no date"), (bad_date, "unreadable date"),
        (implausible, f"date outside the plausible range ({min_date.isoformat()} to today)"),
        (N.unreadable_time(col(df, "crimetime"), no_time), N.UNREADABLE_TIME),
        (off.isna(), "unknown offense (crime code and description)")), line, table)
    df, code_c, day, when, no_time, off, io_raw = (
        x[keep] if x is not None else None for x in (df, code_c, day, when, no_time, off, io_raw))
    if description is not None:
        description = description[keep]

    weapon_raw = col(df, "weapon")
    weapon = N.weapon(weapon_raw) if weapon_raw is not None else empty(df)
    gun = (off == "shooting") | ((off == "homicide") & ((weapon == "firearm") | code_c.str.upper().str.startswith("1F").fillna(False)))
    lon, lat = coords(df)
    geo = place(
        loc, lon=lon, lat=lat, day=day,
        district_pre=N.district(df["olddistrict"]) if "olddistrict" in df else None,
        district_2023=N.district(df["newdistrict"]) if "newdistrict" in df else None,
        district_any=N.district(df["district"]) if "district" in df else None,
        neighborhood_name=col(df, "neighborhood"),
    ) if loc is not None else {}
    hour = when.dt.hour.astype("Int16").where(~no_time)
    out = pd.DataFrame({
        "source": source,
        "cc_number": N.clean(df["ccnumber"]) if "ccnumber" in df else empty(df),
        "occurred_at": when,
        "occurred_date": day.dt.date,
        "occurred_hour": hour,
        "occurred_dow": (day.dt.dayofweek + 1).astype("int16"),
        "crime_code": code_c.str.upper(),
        "description": N.clean(description).str.upper() if description is not None else empty(df),
        "offense": off,
        "offense_group": N.offense_group(off),
        "weapon": weapon,
        "is_gun_violence": gun.astype(bool),
        "premise": N.clean(df["premise"]).str.upper() if "premise" in df else empty(df),
        "inside_outside": N.inside_outside(io_raw) if io_raw is not None else empty(df),
        "victim_age": N.age(df["age"]) if "age" in df else pd.array([pd.NA] * len(df), dtype="Int16"),
        "victim_sex": N.sex(df["gender"]) if "gender" in df else empty(df),
        "victim_race": N.race(df["race"]) if "race" in df else empty(df),
        "victim_ethnicity": N.ethnicity(df["ethnicity"]) if "ethnicity" in df else empty(df),
        "post": N.clean(df["post"]) if "post" in df else empty(df),
        "block": N.block_of(df["location"]) if "location" in df else empty(df),
    }, index=df.index)
    for k, v in geo.items():
        out[k] = v
    out["source_key"] = crime_keys(df, out, lon, lat)
    return out[[c for c in VICTIM_COLUMNS if c in out.columns]].reset_index(drop=True), rejects


def crime_keys(df: pd.DataFrame, out: pd.DataFrame, lon: pd.Series, lat: pd.Series) -> pd.Series:
    keys = pd.Series(pd.NA, index=df.index, dtype="str")
    cc = out["cc_number"]
    if cc.notna().any():
        rowid = pd.to_numeric(df["rowid"], errors="coerce") if "rowid" in df else pd.Series(0, index=df.index)
        order = pd.DataFrame({"cc": cc, "r": rowid, "i": np.arange(len(df))}, index=df.index)
        order = order[cc.notna()].sort_values(["cc", "r", "i"])
        n = order.groupby("cc").cumcount()
        keys.loc[order.index] = "cc:" + order["cc"] + ":" + n.astype("str")
    if "rowid" in df:
        rid = N.clean(df["rowid"])
        keys = keys.where(keys.notna() | rid.isna(), "row:" + rid)
    rest = keys.isna()
    if rest.any():
        parts = pd.DataFrame({
            "d": out["occurred_date"].astype("str"), "t": out["occurred_at"].astype("str"),
            "h": out["occurred_hour"].astype("str"), "c": out["crime_code"],
            "l": _key_block(df["location"]) if "location" in df else out["block"], "raw_l": N.clean(df["location"]).str.upper() if "location" in df else "",
            "w": out["weapon"], "dist": out.get("police_district", ""), "nb": N.clean(df["neighborhood"]).str.upper()
            if "neighborhood" in df else "", "p": out["post"], "pr": out["premise"], "io": out["inside_outside"],
            "x": lon.round(6).astype("str"), "y": lat.round(6).astype("str"),
        }, index=df.index)[rest]
        keys.loc[rest] = occurrence_keys("h", parts)
    return keys


def _key_block(s: pd.Series) -> pd.Series:
    """The block as the content key has always hashed it (the rule before issue 13's stricter
    ``normalize.block_of``), frozen so that re-loading an old-layout file loaded earlier matches
    its rows one to one and corrects their stored block instead of adding them again. Only ever
    hashed, never stored or shown."""
    def f(v: str):
        u = re.sub(r"\s+", " ", v.strip().upper())
        u = re.sub(r" (BAL|BALT|BALTIMORE)$", "", u)
        if not u:
            return None
        m = re.match(r"^(\d+)[A-Z]?(?:-\d+)? (?:BLOCK )?(.+)$", u)
        if m:
            return f"{int(m.group(1)) // 100 * 100} BLOCK {m.group(2)}"
        return u
    return N.map_unique(s, f)


def read_crime(path: str) -> tuple[Table, str]:
    table, layout = read_csv_file(path, layouts=LAYOUTS)
    return table, layout


def load_crime_file(db: Database, path: str, *, settings=None, progress: Progress = _noop,
                    source: str = "bpd_csv") -> LoadSummary:
    table, layout = read_crime(path)
    progress(f"read ({layout})", len(table.frame))
    return load_crime_table(db, table, layout, source=source, label=str(path), settings=settings, progress=progress)


def load_crime_table(db: Database, table: Table, layout: str, *, source: str, label: str, settings=None,
                     progress: Progress = _noop) -> LoadSummary:
    return load_records(db, table, layout, normalize=normalize_crime, target=victim, dataset="crime",
                        source=source, label=label, settings=settings, progress=progress)
