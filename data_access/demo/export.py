"""The demo dataset written out in Open Baltimore's published layouts.

Used by the ingest tests and ``bench/bench_ingest.py``: the synthetic city's layers as GeoJSON
boundary files, and demo victims and arrests as CSV files in the 2021+ and older export layouts
(optionally gzip-compressed), so the whole ``psad ingest`` path can be exercised at any scale
without real data. Nothing here touches a database.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd

from data_access.demo.geography import DemoGeography

BOUNDARY_FILES = {
    "city": "baltimore_city.geojson",
    "neighborhood": "neighborhoods_2020.geojson",
    "police_district_pre2023": "police_districts.geojson",
    "police_district_2023": "police_districts_2023.geojson",
    "council_district": "council_districts.geojson",
    "legislative_district": "legislative_districts.geojson",
    "csa": "csas.geojson",
}

CRIME_2021_HEADER = ["RowID", "CCNumber", "CrimeDateTime", "CrimeCode", "Description", "Inside_Outside",
                     "Weapon", "Post", "Gender", "Age", "Race", "Ethnicity", "Location", "Old_District",
                     "New_District", "Neighborhood", "Latitude", "Longitude", "GeoLocation", "Premise",
                     "Total_Incidents"]
CRIME_LEGACY_HEADER = ["CrimeDate", "CrimeTime", "CrimeCode", "Location", "Description", "Inside/Outside",
                       "Weapon", "Post", "District", "Neighborhood", "Longitude", "Latitude", "Location 1",
                       "Premise", "Total Incidents"]
ARREST_2021_HEADER = ["RowID", "ArrestNumber", "Age", "Gender", "Race", "Ethnicity", "ArrestDateTime",
                      "ArrestLocation", "IncidentOffence", "IncidentLocation", "Charge", "ChargeDescription",
                      "District", "Post", "Neighborhood", "Latitude", "Longitude", "GeoLocation"]
ARREST_2018_HEADER = ["Arrest", "Age", "Sex", "Race", "ArrestDate", "ArrestTime", "ArrestLocation",
                      "IncidentOffense", "IncidentLocation", "Charge", "ChargeDescription", "District", "Post",
                      "Neighborhood", "Longitude", "Latitude", "Location 1"]


def write_boundaries(geo: DemoGeography, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    areas = geo.areas
    for layer, fname in BOUNDARY_FILES.items():
        rows = areas[areas.layer == layer]
        feats = [{"type": "Feature", "properties": {"id": r.code, "name": r.code if layer != "city" else r.name},
                  "geometry": r.geometry} for r in rows.itertuples(index=False)]
        (folder / fname).write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return folder


def _open(path: Path):
    return gzip.open(path, "wt", newline="", compresslevel=1) if path.suffix == ".gz" else open(
        path, "w", newline="")


_SEX = {"Male": "M", "Female": "F", "Unknown": "U"}
_RACE = {"Black": "BLACK_OR_AFRICAN_AMERICAN", "White": "WHITE", "Asian": "ASIAN",
         "American Indian": "AMERICAN_INDIAN_OR_ALASKA_NATIVE", "Unknown": "UNKNOWN"}
_WEAPON = {"firearm": "FIREARM", "knife": "KNIFE", "other": "OTHER", "hands": "HANDS", "none": "NA"}


def crime_frame(victims: pd.DataFrame, layout: str = "part1_2021", first_row_id: int = 1) -> pd.DataFrame:
    v = victims.reset_index(drop=True)
    n = len(v)
    lat = v["lat"].round(6)
    lon = v["lon"].round(6)
    if layout == "part1_2021":
        utc = pd.DatetimeIndex(v["occurred_at"]).tz_convert("UTC")
        return pd.DataFrame({
            "RowID": np.arange(first_row_id, first_row_id + n),
            "CCNumber": v["cc_number"],
            "CrimeDateTime": utc.strftime("%Y/%m/%d %H:%M:%S+00"),
            "CrimeCode": v["crime_code"], "Description": v["description"],
            "Inside_Outside": v["inside_outside"].map({"inside": "I", "outside": "O"}),
            "Weapon": v["weapon"].map(_WEAPON), "Post": v["post"],
            "Gender": v["victim_sex"].map(_SEX), "Age": v["victim_age"], "Race": v["victim_race"].map(_RACE),
            "Ethnicity": v["victim_ethnicity"].map({"Hispanic": "HISPANIC_OR_LATINO",
                                                     "Not Hispanic": "NOT_HISPANIC_OR_LATINO", "Unknown": "UNKNOWN"}),
            "Location": v["block"].str.replace(" BLOCK ", " ", regex=False),
            "Old_District": v["police_district_pre2023"].str.upper(),
            "New_District": v["police_district_2023"].str.upper(),
            "Neighborhood": v["neighborhood"].str.upper(), "Latitude": lat, "Longitude": lon,
            "GeoLocation": "(" + lat.astype("str") + "," + lon.astype("str") + ")",
            "Premise": v["premise"], "Total_Incidents": 1,
        })[CRIME_2021_HEADER]
    local = pd.DatetimeIndex(v["occurred_at"]).tz_convert("America/New_York")
    return pd.DataFrame({
        "CrimeDate": local.strftime("%m/%d/%Y"), "CrimeTime": local.strftime("%H:%M:%S"),
        "CrimeCode": v["crime_code"], "Location": v["block"].str.replace(" BLOCK ", " ", regex=False),
        "Description": v["description"],
        "Inside/Outside": v["inside_outside"].map({"inside": "I", "outside": "O"}),
        "Weapon": v["weapon"].map(_WEAPON), "Post": v["post"], "District": v["police_district"].str.upper(),
        "Neighborhood": v["neighborhood"], "Longitude": lon, "Latitude": lat,
        "Location 1": "(" + lat.astype("str") + ", " + lon.astype("str") + ")",
        "Premise": v["premise"], "Total Incidents": 1,
    })[CRIME_LEGACY_HEADER]


def arrest_frame(arrests: pd.DataFrame, layout: str = "arrests_2021", first_row_id: int = 1) -> pd.DataFrame:
    a = arrests.reset_index(drop=True)
    n = len(a)
    lat, lon = a["lat"].round(6), a["lon"].round(6)
    loc = a["block"].str.replace(" BLOCK ", " ", regex=False)
    if layout == "arrests_2021":
        utc = pd.DatetimeIndex(a["arrested_at"]).tz_convert("UTC")
        return pd.DataFrame({
            "RowID": np.arange(first_row_id, first_row_id + n), "ArrestNumber": a["arrest_number"],
            "Age": a["age"], "Gender": a["sex"].map(_SEX), "Race": a["race"].map(_RACE),
            "Ethnicity": a["ethnicity"], "ArrestDateTime": utc.strftime("%Y/%m/%d %H:%M:%S+00"),
            "ArrestLocation": loc, "IncidentOffence": a["incident_offense"], "IncidentLocation": loc,
            "Charge": a["charge"], "ChargeDescription": a["charge_description"],
            "District": a["police_district"], "Post": a["post"], "Neighborhood": a["neighborhood"],
            "Latitude": lat, "Longitude": lon, "GeoLocation": "(" + lat.astype("str") + "," + lon.astype("str") + ")",
        })[ARREST_2021_HEADER]
    local = pd.DatetimeIndex(a["arrested_at"]).tz_convert("America/New_York")
    return pd.DataFrame({
        "Arrest": a["arrest_number"], "Age": a["age"], "Sex": a["sex"].map(_SEX).str[0],
        "Race": a["race"].str[0], "ArrestDate": local.strftime("%m/%d/%Y"), "ArrestTime": local.strftime("%H:%M"),
        "ArrestLocation": loc, "IncidentOffense": a["incident_offense"], "IncidentLocation": loc,
        "Charge": a["charge"], "ChargeDescription": a["charge_description"], "District": a["police_district"],
        "Post": a["post"], "Neighborhood": a["neighborhood"], "Longitude": lon, "Latitude": lat,
        "Location 1": "(" + lat.astype("str") + ", " + lon.astype("str") + ")",
    })[ARREST_2018_HEADER]


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write with pyarrow's CSV writer when plain (fast at 10x scale), pandas when gzipped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _open(path) as fh:
        frame.to_csv(fh, index=False)
    return path
