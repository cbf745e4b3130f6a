"""``psad ingest calls FILE`` and ``psad refresh --dataset calls``: BPD 911 calls for service.

Layout: Open Baltimore's published "911 Calls For Service" layer and its CSV exports (written
from what is known of the layer's fields; there was no internet to re-check the metadata while
this was built): ``OBJECTID, callKey, callDateTime, priority, district, description,
callNumber, incidentLocation, location, Neighborhood, PoliceDistrict, PolicePost,
CouncilDistrict, SheriffDistricts, Community_Statistical_Areas, Census_Tracts, VRIZones,
ZIPCode`` (names compared without case or punctuation). ``callDateTime`` and ``description``
are required, every other column may be missing. ``callDateTime`` ending in ``Z``/``+00`` is
UTC (the layer's epoch milliseconds arrive so) and converted to America/New_York; a naive value
is local time.

Privacy: no caller field is kept (the layer publishes none; any column this loader does not
know is never stored, and is blanked in a rejected row's raw text); ``incidentLocation`` is cut
to its block (``normalize.block_of``: "1200 BLOCK N CHARLES ST", never a house number) and
``location`` (the point) is used only to find the areas of a call that names none, then dropped.

Normalization (vectorised: every text rule runs once per distinct value):

* priority: ``Emergency``, ``High``, ``Medium``, ``Low``, ``Non-Emergency``, ``Out of Service``
  -> ``data_access.calls.PRIORITIES`` codes; blank or anything else -> ``unknown``;
* description -> category and response type by ``calls_categories.csv`` (next to this module):
  an ``exact`` row for the call type, else the first ``contains`` row whose text it holds, else
  category ``other``, response ``police`` (a CAD record is a police call unless the table says
  otherwise);
* areas: the record's own ``Neighborhood`` (through the published alias table),
  ``PoliceDistrict`` (else ``district``'s code) and ``CouncilDistrict``; the legislative
  district and CSA through the neighborhood; a call with no neighborhood name is placed by its
  point when it has one.

Rejected (kept in ``rejected_row`` with the reason): no date, an unreadable date, a date outside
the plausible range, a ``callKey`` seen earlier in the same file. Key: ``ck:<callKey>``; a
file without callKey gets a content key (``occurrence_keys``). Re-loading a file changes
nothing; a newer overlapping export updates changed calls in place.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import text

from data_access.db import Database
from data_access.ingest import normalize as N
from data_access.ingest.base import (
    DEFAULT_MIN_DATE,
    Progress,
    Rejects,
    _noop,
    data_as_of,
    occurrence_keys,
    require_real_boundaries,
    upsert,
    write_rejects,
)
from data_access.ingest.geo import MAP_CHANGE_DATE, Locator, place
from data_access.ingest.reader import IngestError, Table, read_csv_file
from data_access.loading import LoadSummary, commit_version, logged_load
from data_access.schema_calls import call_for_service

CATEGORY_FILE = Path(__file__).with_name("calls_categories.csv")
TZ = "America/New_York"
ARROW_STR = pd.StringDtype("pyarrow", na_value=float("nan"))  # string kernels in Arrow, not Python per row
INCREMENTAL_ROWS = 200_000  # a load up to this size rebuilds the aggregates of its own days only
LAYOUTS = {"calls": {"calldatetime", "description"}}
KNOWN_COLUMNS = frozenset({
    "objectid", "callkey", "calldatetime", "priority", "district", "description", "callnumber",
    "incidentlocation", "location", "neighborhood", "policedistrict", "policepost", "councildistrict",
    "sheriffdistricts", "communitystatisticalareas", "censustracts", "vrizones", "zipcode", "longitude",
    "latitude", "esrioid"})
GEO_COLUMNS = ("police_district", "neighborhood", "council_district", "legislative_district", "csa")
CALL_COLUMNS = [c.name for c in call_for_service.columns if c.name not in ("id", "load_id")]
PRIORITY_TEXT = {"EMERGENCY": "emergency", "HIGH": "high", "MEDIUM": "medium", "LOW": "low",
                 "NON-EMERGENCY": "non_emergency", "NON EMERGENCY": "non_emergency", "NONEMERGENCY": "non_emergency",
                 "OUT OF SERVICE": "out_of_service", "OUT-OF-SERVICE": "out_of_service"}


@functools.cache
def category_table() -> pd.DataFrame:
    """``calls_categories.csv``: match (exact | contains), text, category, response_type, demo_share."""
    return pd.read_csv(CATEGORY_FILE, dtype={"text": str}, keep_default_na=False)


def classify_one(description: str | None) -> tuple[str, str]:
    """A call type -> (category, response type) by the category table."""
    t = category_table()
    d = re.sub(r"\s+", " ", (description or "").strip().upper())
    exact = t[(t.match == "exact") & (t.text == d)]
    if len(exact):
        return exact.category.iloc[0], exact.response_type.iloc[0]
    for r in t[t.match == "contains"].itertuples(index=False):
        if d and r.text in d:
            return r.category, r.response_type
    return "other", "police"


def classify(description: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = description.fillna("")
    codes, types = pd.factorize(s)  # a few hundred call types, however many calls: the rows by their codes
    table = [classify_one(v) for v in types]
    return tuple(pd.Series(np.array([t[i] for t in table], dtype=object)[codes], index=s.index, dtype="str")
                 for i in (0, 1))


def priority(s: pd.Series) -> pd.Series:
    return N.map_unique(s.fillna(""), lambda v: PRIORITY_TEXT.get(re.sub(r"\s+", " ", v.strip().upper()),
                                                                   "unknown")).astype("str")


def _col(df: pd.DataFrame, *names: str) -> pd.Series | None:
    for n in names:
        if n in df.columns:
            return df[n]
    return None


_PLAIN_ADDRESS = r"^([0-9]{1,6}) ([A-Z][A-Z .']*)$"
_SPACES = r"[ \t\r\n\f\v]+"  # (not \s, which pandas hands to Python's re, a row at a time)


def block(s: pd.Series) -> pd.Series:
    """``normalize.block_of`` of each address, a million times faster on a year of calls: a plain
    "1234 N CHARLES ST" (a house number, then a street without digits) has its number cut to the
    hundred first, so the rule runs once per block instead of once per address; every other
    address goes through the rule as it is (tests check both give the same blocks)."""
    raw = pa.array(s.astype(ARROW_STR).array)
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    raw = raw.cast(pa.large_string())
    u = pc.utf8_upper(raw)
    if pc.any(pc.match_substring_regex(u, r"[\t\r\n\f\v]|  ")).as_py():  # (the replace costs 20x the test)
        u = pc.replace_substring_regex(u, _SPACES, " ")
    u = pc.utf8_trim_whitespace(u)
    m = pc.extract_regex(u, r"^(?P<number>[0-9]{1,6}) (?P<street>[A-Z][A-Z .']*)$")  # null: not plain
    number = pc.cast(pc.struct_field(m, "number"), pa.int64())
    hundred = pc.cast(pc.multiply(pc.divide(number, 100), 100), pa.large_string())
    key = pc.if_else(pc.is_valid(number), pc.binary_join_element_wise(hundred, pc.struct_field(m, "street"), pa.scalar(" ", pa.large_string())), u)
    enc = pc.fill_null(key, "\x00").dictionary_encode()  # the rule once per distinct value, rows by their codes
    codes = enc.indices.to_numpy(zero_copy_only=False)
    cut = np.array([N.block_of_one(v) for v in enc.dictionary.to_pylist()], dtype=object)
    cut = np.where(np.asarray(raw.is_null(), bool), None, cut[codes])
    return pd.Series(cut, index=s.index, dtype="str")


def _place(loc: Locator, named: pd.Series, lon: pd.Series, lat: pd.Series, day: pd.Series,
           district: pd.Series | None, nb_name: pd.Series | None) -> dict:
    """``geo.place`` for every call: a call that names its neighborhood is placed by (name,
    district, district map) alone, so those are placed once per distinct combination (a few
    thousand for a year's 1.6 million calls) and the calls take their combination's areas; a call
    that names none is placed by its point, one by one."""
    idx = day.index
    post = pd.Series(day.values >= np.datetime64(MAP_CHANGE_DATE), index=idx)
    dist = district if district is not None else pd.Series(pd.NA, index=idx, dtype="str")
    nb = nb_name if nb_name is not None else pd.Series(pd.NA, index=idx, dtype="str")
    keys = pd.DataFrame({"nb": nb.astype("str"), "dist": dist.astype("str"), "post": post})
    out = {k: np.full(len(idx), None, dtype=object) for k in GEO_COLUMNS}  # (a Series at the end: setting
    # a million cells of an Arrow-backed Series is seconds, of a numpy array milliseconds)
    if named.any():
        k = keys[named]
        codes = k.groupby(["nb", "dist", "post"], dropna=False, sort=False).ngroup().to_numpy()
        first = k.drop_duplicates().reset_index(drop=True)
        when = pd.Series(np.where(first.post, np.datetime64(MAP_CHANGE_DATE), np.datetime64(MAP_CHANGE_DATE)
                                  - np.timedelta64(1, "D")).astype("datetime64[ns]"))
        nan = pd.Series(np.nan, index=first.index)
        got = place(loc, lon=nan, lat=nan, day=when, district_any=first.dist.where(first.dist.notna()),
                    neighborhood_name=first.nb.where(first.nb.notna()))
        # ``first`` and ``ngroup`` number the combinations in the same order (first seen)
        order = k.drop_duplicates().groupby(["nb", "dist", "post"], dropna=False, sort=False).ngroup().to_numpy()
        for col in GEO_COLUMNS:
            values = np.empty(len(first), dtype=object)
            values[order] = got[col].astype(object).where(got[col].notna(), None).to_numpy()
            out[col][named.to_numpy()] = values[codes]
    if (~named).any():
        rest = ~named
        got = place(loc, lon=lon[rest].astype("float64"), lat=lat[rest].astype("float64"), day=day[rest],
                    district_any=dist[rest] if district is not None else None,
                    neighborhood_name=nb[rest] if nb_name is not None else None)
        for col in GEO_COLUMNS:
            out[col][rest.to_numpy()] = got[col].astype(object).where(got[col].notna(), None).to_numpy()
    return {k: pd.Series(v, index=idx, dtype="str") for k, v in out.items()}


UTC_FORMATS = (("+00", "%Y/%m/%d %H:%M:%S"), ("Z", "%Y-%m-%dT%H:%M:%S"))  # the CSV exports; the layer's epoch ms


def call_times(raw: pd.Series) -> pd.Series:
    """``normalize.parse_datetimes`` of ``callDateTime``, a year of calls in a second: when every
    value is in one of the layer's own UTC spellings, one vectorised parse; anything else (a blank,
    a local time, a typo anywhere) goes through ``parse_datetimes`` whole."""
    s = raw.astype(ARROW_STR).str.strip()
    for suffix, fmt in UTC_FORMATS:
        if s.str.endswith(suffix).fillna(False).astype(bool).all():
            t = pd.to_datetime(s.str.slice(0, -len(suffix)), format=fmt, errors="coerce", utc=True)
            if t.notna().all():
                return t.dt.tz_convert(TZ).astype(f"datetime64[ns, {TZ}]")
    return N.parse_datetimes(raw)


def _zip(s: pd.Series) -> pd.Series:
    z = N.clean(s)
    return z.where(z.str.match(r"^\d{5}").fillna(False).astype(bool)).str.slice(0, 5)


def _council(s: pd.Series) -> pd.Series:
    def f(v: str):
        m = re.match(r"^\s*(?:DISTRICT\s*)?(\d{1,2})(?:\.0+)?\s*$", v, re.I)
        return str(int(m.group(1))) if m and 1 <= int(m.group(1)) <= 14 else None
    return N.map_unique(s, f)


def normalize_calls(table: Table, layout: str, loc: Locator | None, *, source: str = "bpd_csv",
                    min_date: date = DEFAULT_MIN_DATE, today: date | None = None) -> tuple[pd.DataFrame, Rejects]:
    """The ``call_for_service`` rows of ``table``, and the rows that cannot be used."""
    table.protect(KNOWN_COLUMNS, {"incidentlocation": N.block_of_one, "location": lambda v: None,
                                  "longitude": lambda v: None, "latitude": lambda v: None})
    df = table.frame
    rejects = Rejects()
    for line, reason, raw in table.bad_rows:
        rejects.add([line], reason, [raw])
    if df.empty:
        return pd.DataFrame(columns=CALL_COLUMNS), rejects
    line = table.line
    when = call_times(df["calldatetime"])
    raw_date = df["calldatetime"].astype("str").str.strip().fillna("")
    no_date = raw_date == ""
    bad_date = when.isna() & ~no_date
    implausible = when.notna() & ~N.plausible(when, min_date, today)
    key = N.clean(df["callkey"]) if "callkey" in df else pd.Series(pd.NA, index=df.index, dtype="str")
    dup = key.notna() & key.duplicated(keep="first")
    keep = ~rejects.apply(((no_date, "no date"), (bad_date, "unreadable date"),
                           (implausible, f"date outside the plausible range ({min_date.isoformat()} to today)"),
                           (dup, "callKey repeated in the file (the first is kept)")), line, table)
    df, when, key = df[keep], when[keep], key[keep]
    day = when.dt.tz_localize(None).dt.normalize()
    desc = N.clean(df["description"]).astype(ARROW_STR).str.upper().str.replace(_SPACES, " ", regex=True)
    category, response = classify(desc)

    nb_name = _col(df, "neighborhood")
    district = _col(df, "policedistrict")
    district = N.district(district) if district is not None else None
    code = _col(df, "district")
    if code is not None:
        code = N.district(code)
        district = code if district is None else district.where(district.notna(), code)
    # the point only where the record names no neighborhood (and it is never stored)
    lon = pd.to_numeric(_col(df, "longitude") if "longitude" in df else pd.Series(pd.NA, index=df.index),
                        errors="coerce")
    lat = pd.to_numeric(_col(df, "latitude") if "latitude" in df else pd.Series(pd.NA, index=df.index),
                        errors="coerce")
    named = N.clean(nb_name).notna() if nb_name is not None else pd.Series(False, index=df.index)
    lon, lat = lon.where(~named), lat.where(~named)
    need = ~named & lon.isna() & lat.isna()
    if "location" in df and need.any():  # "(lat, lon)", only for the calls that name no neighborhood
        m = df.loc[need, "location"].astype("str").str.extract(r"\(\s*(-?\d+\.?\d*)\s*,\s*(-?\d+\.?\d*)\s*\)")
        lat = lat.fillna(pd.to_numeric(m[0], errors="coerce").reindex(df.index))
        lon = lon.fillna(pd.to_numeric(m[1], errors="coerce").reindex(df.index))
    geo = _place(loc, named, lon, lat, day, district, nb_name) if loc is not None else {}
    out = pd.DataFrame({
        "source": source,
        "source_key": pd.Series(pd.NA, index=df.index, dtype="str"),
        "call_number": N.clean(df["callnumber"]) if "callnumber" in df else pd.Series(pd.NA, index=df.index, dtype="str"),
        "called_at": when,
        # (Arrow days: COPY writes "2025-01-01", and counting them needs no Python date per row)
        "call_date": pd.array(pa.array(day.to_numpy().astype("datetime64[D]")), dtype=pd.ArrowDtype(pa.date32())),
        "call_hour": when.dt.hour.astype("int16"),
        "priority": priority(df["priority"]) if "priority" in df else "unknown",
        "description": desc,
        "category": category,
        "response_type": response,
        "block": block(df["incidentlocation"]) if "incidentlocation" in df else pd.Series(pd.NA, index=df.index, dtype="str"),
        "post": N.clean(df["policepost"]) if "policepost" in df else pd.Series(pd.NA, index=df.index, dtype="str"),
        "zip_code": _zip(df["zipcode"]) if "zipcode" in df else pd.Series(pd.NA, index=df.index, dtype="str"),
    }, index=df.index)
    for k in ("police_district", "neighborhood", "council_district", "legislative_district", "csa"):
        out[k] = geo.get(k, pd.Series(pd.NA, index=df.index, dtype="str"))
    if "councildistrict" in df:
        out["council_district"] = out["council_district"].where(out["council_district"].notna(),
                                                                _council(df["councildistrict"]))
    if "communitystatisticalareas" in df:
        out["csa"] = out["csa"].where(out["csa"].notna(), N.clean(df["communitystatisticalareas"]))
    has_key = key.notna()
    out.loc[has_key, "source_key"] = "ck:" + key[has_key]
    if (~has_key).any():
        parts = out.loc[~has_key, ["called_at", "call_number", "priority", "description", "block",
                                   "police_district", "neighborhood"]]
        out.loc[~has_key, "source_key"] = occurrence_keys("h", parts)
    return out[CALL_COLUMNS].reset_index(drop=True), rejects


def read_calls(path) -> tuple[Table, str]:
    return read_csv_file(path, layouts=LAYOUTS)


def load_calls_file(db: Database, path, *, progress: Progress = _noop, settings=None, source: str = "bpd_csv",
                    **_) -> LoadSummary:
    table, layout = read_calls(path)
    progress(f"read ({layout})", len(table.frame))
    return load_calls_table(db, table, layout, source=source, label=str(path), settings=settings, progress=progress)


def load_calls_table(db: Database, table: Table, layout: str, *, source: str, label: str, settings=None,
                     progress: Progress = _noop) -> LoadSummary:
    """Normalize ``table`` against the loaded boundaries and commit it in one transaction: the
    path of ``psad ingest calls`` and ``psad refresh --dataset calls``."""
    from data_access.calls import copy_binary, index_memory, refresh_aggregates, tables_exist, write_aggregates
    from data_access.db import indexes_rebuilt_after

    min_date = getattr(settings, "ingest_min_date", None) or DEFAULT_MIN_DATE
    if isinstance(min_date, str):
        min_date = date.fromisoformat(min_date)
    with db.begin() as conn:
        if not tables_exist(conn):
            raise IngestError("this database has no 911 calls tables yet; run `psad db upgrade` first")
        require_real_boundaries(conn)
        loc = Locator(conn)
    frame, rejects = normalize_calls(table, layout, loc, source=source, min_date=min_date)
    progress("normalized", len(frame))
    summary = LoadSummary(dataset="calls", source=label)
    summary.rows_read = len(table.frame) + len(table.bad_rows)
    summary.notes = [f"layout: {layout}"]
    with logged_load(db, summary) as conn:
        require_real_boundaries(conn)
        # calls of the demo city left behind when real boundaries replaced it: never mixed with real ones
        cleared = conn.execute(text("DELETE FROM call_for_service WHERE source = 'demo'")).rowcount
        was_empty = not conn.execute(text("SELECT EXISTS (SELECT 1 FROM call_for_service)")).scalar()
        old_days = set() if was_empty or len(frame) > INCREMENTAL_ROWS else {r[0] for r in conn.execute(text(
            "SELECT DISTINCT call_date FROM call_for_service WHERE source_key = ANY(:k) AND source <> 'demo'"),
            {"k": frame["source_key"].dropna().tolist()})}
        if was_empty:  # every row is new: COPYed in PostgreSQL's binary format, the indexes built once after
            with index_memory(conn), indexes_rebuilt_after(conn, call_for_service.name):
                summary.rows_loaded = copy_binary(conn, call_for_service, frame.assign(load_id=summary.load_id))
        else:
            summary.rows_loaded, summary.rows_updated = upsert(conn, call_for_service,
                                                               frame.assign(load_id=summary.load_id))
        progress("upserted", summary.rows_loaded + summary.rows_updated)
        write_rejects(conn, summary, "calls", rejects)
        changed = bool(summary.rows_loaded or summary.rows_updated or cleared)
        if was_empty and changed:  # every call there is is in ``frame``: counted in memory
            write_aggregates(conn, frame)
        elif changed and len(frame) <= INCREMENTAL_ROWS and not cleared:  # only the days the load touched
            refresh_aggregates(conn, set(frame["call_date"].dropna()) | old_days)
        elif changed:
            refresh_aggregates(conn)
        summary.data_as_of = data_as_of(conn)
        commit_version(conn, summary, is_demo=False, data_as_of=summary.data_as_of, changed=changed)
        progress("committed", 0)
    return summary
