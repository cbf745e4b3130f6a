"""Demo 911 calls for service (issue 15), loaded inside the demo's transaction.

About 1.6 million calls a year at scale 1, as Baltimore's CAD records: a summer peak and a
weekly rhythm (Friday and Saturday busiest), an hour-of-day rhythm (quietest at 5 am, busiest in
the evening), neighborhoods drawn by residents and the demo's hotspot risk (so districts and
neighborhoods differ as the crime data does), call types drawn from the published call types
(``data_access/ingest/calls_categories.csv``'s ``demo_share``) and categorized by the same table
as real files, and a behavioral-health diversion share that grows year by year. One
``call_for_service`` row per call, as a real load stores them, and the page's pre-aggregates counted
from those rows. No caller, no address, no point: the block is left empty.

Span: the calls cover only the recent years, from 1 January of the year before the demo's last
day (at most the demo's own span): a year of calls is as many rows as 35 years of victims, and a
full 2012-today span would take the demo load past its time budget. The page and the About page
say which span has calls.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import text

from data_access.demo.geography import PRE2023, Y2023
from data_access.ingest.calls import category_table
from data_access.schema_calls import CALL_TABLES, call_for_service

TZ = "America/New_York"
CALLS_PER_YEAR = 1_600_000
SEASON = 0.08  # +-8% around the year, peaking in late July
DOW = np.array([1.0, 0.98, 0.99, 1.01, 1.06, 1.04, 0.92])  # Monday first
HOUR = np.array([3.1, 2.5, 2.0, 1.6, 1.4, 1.4, 1.9, 2.8, 3.7, 4.3, 4.6, 4.8,
                 4.9, 5.0, 5.1, 5.3, 5.5, 5.6, 5.5, 5.4, 5.2, 4.9, 4.4, 3.7])
# Priority shares per category (emergency, high, medium, low, non-emergency, out of service).
_P = ("emergency", "high", "medium", "low", "non_emergency", "out_of_service")
PRIORITY_BY_CATEGORY = {c: dict(zip(_P, w)) for c, w in {
    "violence": (0.35, 0.55, 0.08, 0.02, 0.0, 0.0),
    "domestic": (0.10, 0.65, 0.20, 0.05, 0.0, 0.0),
    "property": (0.02, 0.25, 0.45, 0.20, 0.08, 0.0),
    "drugs": (0.0, 0.10, 0.55, 0.30, 0.05, 0.0),
    "disorder": (0.0, 0.15, 0.50, 0.30, 0.05, 0.0),
    "suspicious": (0.02, 0.40, 0.40, 0.15, 0.03, 0.0),
    "traffic": (0.05, 0.25, 0.40, 0.20, 0.08, 0.02),
    "behavioral_health": (0.10, 0.45, 0.35, 0.10, 0.0, 0.0),
    "welfare": (0.10, 0.40, 0.35, 0.15, 0.0, 0.0),
    "service": (0.0, 0.05, 0.25, 0.35, 0.25, 0.10),
    "other": (0.02, 0.15, 0.40, 0.30, 0.10, 0.03),
}.items()}
DIVERSION_GROWTH = 0.25  # behavioral-health call types: +25% a year from 2024 (the diversion pilot grows)


def calls_span(data) -> tuple[date, date]:
    end = data.data_as_of
    first = pd.Timestamp(data.victims.occurred_date.min()).date() if len(data.victims) else end
    return max(first, date(end.year - 1, 1, 1)), end


def generate_calls(data, *, scale: float, seed: int, start: date | None = None,
                   end: date | None = None) -> pd.DataFrame:
    """The demo calls as ``call_for_service`` rows (no id, no load_id)."""
    rng = np.random.default_rng([seed, 911])
    s0, e0 = calls_span(data)
    start, end = start or s0, end or e0
    cal = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    if len(cal) == 0 or scale <= 0:
        return pd.DataFrame(columns=[c.name for c in call_for_service.columns if c.name not in ("id", "load_id")])
    doy = (cal - cal.astype("datetime64[Y]").astype("datetime64[D]")).astype(int)
    dow = (cal.astype(int) + 3) % 7
    lam = CALLS_PER_YEAR / 365.25 * scale * (1 + SEASON * np.cos(2 * np.pi * (doy - 205) / 365.25)) * DOW[dow]
    per_day = rng.poisson(lam)
    n = int(per_day.sum())
    day = np.repeat(cal, per_day)
    year = day.astype("datetime64[Y]").astype(int) + 1970

    t = data.geography.neighborhoods
    pop = t["population"].to_numpy(float)
    w = pop * t["risk"].to_numpy() ** 0.6 + t["commerce"].to_numpy() * pop.mean() * 0.6
    nb = np.searchsorted(np.cumsum(w) / w.sum(), rng.random(n), side="right").clip(0, len(t) - 1)

    table = category_table()
    types = table[table.match == "exact"].reset_index(drop=True)
    years = np.unique(year)
    share = types.demo_share.to_numpy(float)
    bh = (types.response_type == "behavioral_health").to_numpy()
    rows = np.searchsorted(years, year)
    cdfs = []
    for y in years:
        s = share * np.where(bh, (1 + DIVERSION_GROWTH) ** (int(y) - 2024), 1.0)
        cdfs.append(np.cumsum(s) / s.sum())
    cdfs = np.array(cdfs)
    u = rng.random(n)
    kind = np.empty(n, np.int64)
    for i in range(len(years)):
        m = rows == i
        kind[m] = np.searchsorted(cdfs[i], u[m], side="right")
    kind = kind.clip(0, len(types) - 1)
    prio_codes = list(next(iter(PRIORITY_BY_CATEGORY.values())).keys())
    cats = list(PRIORITY_BY_CATEGORY)
    pc = np.array([np.cumsum(list(PRIORITY_BY_CATEGORY[c].values())) for c in cats])
    pc = pc / pc[:, -1:]
    ci = np.array([cats.index(c) for c in types.category])[kind]
    prio = (pc[ci] < rng.random(n)[:, None]).sum(axis=1).clip(0, len(prio_codes) - 1)

    hour = np.searchsorted(np.cumsum(HOUR) / HOUR.sum(), rng.random(n), side="right").clip(0, 23)
    secs = hour * 3600 + rng.integers(0, 3600, n)
    local = day.astype("datetime64[s]") + secs.astype("timedelta64[s]")
    aware = pd.DatetimeIndex(local).tz_localize(TZ, ambiguous=np.ones(n, bool), nonexistent="shift_forward")
    post = day >= np.datetime64("2023-01-01")

    def cat(values, idx) -> pd.Categorical:
        """``values[idx]`` as a categorical, built from the few distinct values only."""
        u_vals, inv = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
        return pd.Categorical.from_codes(inv[idx], categories=list(u_vals))

    return pd.DataFrame({
        "source": "demo",
        "called_at": aware,
        "call_date": day.astype("datetime64[D]"),
        "call_hour": hour.astype(np.int16),
        "priority": pd.Categorical.from_codes(prio, categories=prio_codes),
        "description": pd.Categorical.from_codes(kind, categories=list(types.text)),
        "category": pd.Categorical.from_codes(ci, categories=cats),
        "response_type": cat(types.response_type.to_numpy(object), kind),
        "police_district": cat(np.r_[t[PRE2023].to_numpy(object), t[Y2023].to_numpy(object)], nb + post * len(t)),
        "neighborhood": cat(t["code"].to_numpy(object), nb),
        "council_district": cat(t["council_district"].to_numpy(object), nb),
        "legislative_district": cat(t["legislative_district"].to_numpy(object), nb),
        "csa": cat(t["csa"].to_numpy(object), nb),
    })


def aggregates(calls: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The six call pre-aggregates of ``calls`` (``generate_calls``), as
    ``data_access.calls.refresh_aggregates`` builds them from stored rows."""
    from data_access.calls import count_aggregates

    return count_aggregates(calls)


def load_demo(conn, data, summary, *, scale: float, seed: int, progress) -> int:
    """Load the demo calls on ``conn``, one row per call, and their pre-aggregates; return the calls.

    A year at a time (scale 10 is 16 million calls a year): generated in numpy, COPYed into
    ``call_for_service`` in PostgreSQL's binary format (``copy_binary``; FREEZE: the table was
    emptied in this transaction) with its indexes built once at the end, and counted in memory
    into the pre-aggregates, exactly as a first real load counts its file's rows
    (``write_aggregates``; tests check they equal a rebuild from the stored rows)."""
    from data_access.calls import copy_binary, count_aggregates, index_memory, tables_exist, write_aggregates
    from data_access.db import indexes_rebuilt_after

    if not tables_exist(conn):  # a database upgraded before migration 0009 had its tables
        progress("911 calls skipped (run `psad db upgrade`)", 0)
        return 0
    conn.execute(text(f"TRUNCATE {', '.join(CALL_TABLES)} RESTART IDENTITY"))
    start, end = calls_span(data)
    parts = []

    def years():
        """Each year's calls, numbered; generated (and counted) in ``copy_binary``'s worker thread
        while the server stores the year before."""
        n = 0
        for year in range(start.year, end.year + 1):
            calls = generate_calls(data, scale=scale, seed=seed * 10_000 + year, start=max(start, date(year, 1, 1)),
                                   end=min(end, date(year, 12, 31)))
            if len(calls):
                parts.append(count_aggregates(calls))
                yield calls.assign(id=np.arange(n + 1, n + len(calls) + 1), load_id=summary.load_id)
            n += len(calls)

    with index_memory(conn), indexes_rebuilt_after(conn, call_for_service.name):
        n = copy_binary(conn, call_for_service, years(), freeze=True)
    conn.execute(text("SELECT setval(pg_get_serial_sequence('call_for_service', 'id'), :n, :called)"),
                 {"n": max(n, 1), "called": n > 0})
    progress("911 calls", n)
    if not parts:
        return 0
    aggs = {k: pd.concat([p[k] for p in parts], ignore_index=True) for k in parts[0]}
    geo = aggs["agg_call_geo_day"]  # each year's rows in (neighborhood, day) order, so all of them by a stable sort
    aggs["agg_call_geo_day"] = geo.iloc[np.argsort(geo.neighborhood.cat.codes.to_numpy(), kind="stable")]
    write_aggregates(conn, aggs)
    progress("911 calls pre-aggregated", len(aggs["agg_call_geo_day"]))
    return n


# --- the demo's calls as Open Baltimore publishes them (tests and bench/bench_calls.py) -------------

EXPORT_HEADER = ["OBJECTID", "callKey", "callDateTime", "priority", "district", "description", "callNumber",
                 "incidentLocation", "location", "Neighborhood", "PoliceDistrict", "PolicePost", "CouncilDistrict",
                 "Community_Statistical_Areas", "ZIPCode"]
PRIORITY_TEXT = {"emergency": "Emergency", "high": "High", "medium": "Medium", "low": "Low",
                 "non_emergency": "Non-Emergency", "out_of_service": "Out of Service", "unknown": ""}
DISTRICT_CODE = {"Central": "CD", "Eastern": "ED", "Northeastern": "NE", "Northern": "ND", "Northwestern": "NW",
                 "Southeastern": "SE", "Southern": "SD", "Southwestern": "SW", "Western": "WD"}


def export_frame(calls: pd.DataFrame, geo, *, seed: int = 1) -> pd.DataFrame:
    """``generate_calls`` rows in Open Baltimore's 911 calls layout (string cells, ``callDateTime`` in
    UTC as the CSV exports write it, an exact street address in ``incidentLocation`` and a point in
    ``location``: what the loader must cut and drop)."""
    rng = np.random.default_rng([seed, 912])
    n = len(calls)
    t = geo.neighborhoods
    nb_index = pd.Index(t["code"]).get_indexer(calls["neighborhood"].astype(str))
    first = np.searchsorted(geo.grid["nbhd"].to_numpy(), np.arange(len(t)))
    blocks = geo.grid["block"].to_numpy(object)[first[nb_index]].astype(str)
    parts = np.char.partition(blocks, " BLOCK ")
    house = parts[:, 0].astype(np.int64) + rng.integers(1, 99, n)
    address = np.char.add(np.char.add(house.astype(str), " "), parts[:, 2])
    lat = t["lat"].to_numpy()[nb_index] + rng.normal(0, 0.002, n)
    lon = t["lon"].to_numpy()[nb_index] + rng.normal(0, 0.002, n)
    utc = pd.DatetimeIndex(calls["called_at"]).tz_convert("UTC")
    key = np.char.add("ck", np.arange(1, n + 1).astype(str))
    return pd.DataFrame({
        "OBJECTID": np.arange(1, n + 1),
        "callKey": key,
        "callDateTime": utc.strftime("%Y/%m/%d %H:%M:%S+00"),
        "priority": calls["priority"].astype(str).map(PRIORITY_TEXT),
        "district": calls["police_district"].astype(str).map(DISTRICT_CODE),
        "description": calls["description"].astype(str),
        "callNumber": np.char.add("P", (250000000 + np.arange(n)).astype(str)),
        "incidentLocation": address,
        "location": np.char.add(np.char.add(np.char.add("(", np.round(lat, 6).astype(str)), ", "),
                                np.char.add(np.round(lon, 6).astype(str), ")")),
        "Neighborhood": calls["neighborhood"].astype(str),
        "PoliceDistrict": calls["police_district"].astype(str).str.upper(),
        "PolicePost": rng.integers(100, 999, n).astype(str),
        "CouncilDistrict": calls["council_district"].astype(str),
        "Community_Statistical_Areas": calls["csa"].astype(str),
        "ZIPCode": rng.integers(21201, 21240, n).astype(str),
    })[EXPORT_HEADER]
