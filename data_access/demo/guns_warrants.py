"""Demo rows of the Guns and warrants page's datasets (issue 15), loaded inside the demo's transaction.

Volumes at scale 1, from the first to the last day of the demo's victims:

* gun seizures: about 2,300 a year (Baltimore seizes 2,000-2,500), more in summer; handguns most,
  ghost guns (privately made firearms) rising to a peak in 2021-2022 and falling after Maryland's
  2022 ban; placed where the demo's shootings and homicides are (their block-level points and
  areas), so seizures cluster as gun violence does;
* warrants: about 3,000 issued a month (36,000 a year); about 68% served (half within about three
  weeks), 17% recalled, the rest never served, so tens of thousands are outstanding after a few
  years; their areas are those of the demo's arrests.

Deterministic from ``seed``; every volume is multiplied by ``scale``.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import text

from data_access.db import indexes_rebuilt_after
from data_access.guns_warrants import (
    FIREARM_TYPES,
    RECOVERY_TYPES,
    WARRANT_TYPES,
    refresh_aggregates,
    refresh_seizure_aggregate,
)
from data_access.loading import copy_frame
from data_access.schema_guns_warrants import gun_seizure, warrant
from data_access.vocabulary import CHARGE_CATEGORIES

SEIZURES_PER_YEAR = 2300
WARRANTS_PER_MONTH = 3000
AREAS = ("police_district", "police_district_pre2023", "police_district_2023", "neighborhood", "council_district",
         "legislative_district", "csa")
MAP_CHANGE = date(2023, 1, 1)


def _days(start: date, end: date) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="D")


def _daily_counts(rng, days: pd.DatetimeIndex, per_day: float, summer: float) -> np.ndarray:
    season = 1 + summer * np.sin((days.dayofyear.to_numpy() - 105) / 365.25 * 2 * np.pi)
    return rng.poisson(per_day * season)


def _ghost_share(year: np.ndarray) -> np.ndarray:
    return np.select([year <= 2018, year <= 2020, year <= 2022], [0.02, 0.06, 0.12], 0.08)


def seizures(rng, victims: pd.DataFrame, start: date, end: date, scale: float) -> pd.DataFrame:
    days = _days(start, end)
    n_day = _daily_counts(rng, days, SEIZURES_PER_YEAR * scale / 365.25, 0.2)
    when = np.repeat(days.to_numpy(), n_day)
    n = len(when)
    year = pd.DatetimeIndex(when).year.to_numpy()
    ghost = _ghost_share(year)
    u = rng.random(n)
    # handgun ~ 80%, rifle 7%, shotgun 4%, ghost gun by year, other the rest
    firearm = np.where(u < ghost, "ghost_gun", np.where(u < ghost + 0.07, "rifle", np.where(
        u < ghost + 0.11, "shotgun", np.where(u < 0.98, "handgun", "other"))))
    recovery = rng.choice(np.array(RECOVERY_TYPES.codes), n, p=[0.55, 0.08, 0.29, 0.05, 0.03])
    age = (pd.Timestamp(end) - pd.DatetimeIndex(when)).days.to_numpy()
    p_destroyed = np.clip(age / 3000, 0, 0.5)
    v = rng.random(n)
    status = np.where(v < p_destroyed, "destroyed", np.where(v < p_destroyed + 0.05, "returned", np.where(
        v < p_destroyed + 0.09, "transferred", "held")))
    status = np.where(rng.random(n) < 0.03, None, status)  # a few without a status
    pool = victims[victims["is_gun_violence"] | (victims["weapon"] == "firearm")]
    if pool.empty:
        pool = victims
    out = pd.DataFrame({"source": "demo", "source_key": None,
                        "seized_date": pd.DatetimeIndex(when).date, "firearm_type": firearm,
                        "recovery_type": recovery, "status": status})
    if len(pool) and n:
        at = pool[[*AREAS, "block", "lon", "lat"]].iloc[rng.integers(0, len(pool), n)].reset_index(drop=True)
        for c in (*AREAS, "block"):
            out[c] = at[c].to_numpy()
        out["lon"] = at["lon"].astype("float64").round(3).to_numpy()
        out["lat"] = at["lat"].astype("float64").round(3).to_numpy()
        post = pd.DatetimeIndex(when) >= pd.Timestamp(MAP_CHANGE)
        out["police_district"] = np.where(post, out["police_district_2023"], out["police_district_pre2023"])
    assert set(out.firearm_type) <= set(FIREARM_TYPES.codes)
    return out


TYPE_P = {"bench": 0.45, "arrest": 0.35, "probation_violation": 0.12, "body_attachment": 0.05, "other": 0.03}
CATEGORY_P = {  # per warrant type, in CHARGE_CATEGORIES order
    "arrest": [0.26, 0.09, 0.19, 0.2, 0.0, 0.07, 0.09, 0.1],
    "bench": [0.12, 0.05, 0.15, 0.12, 0.4, 0.08, 0.05, 0.03],
    "probation_violation": [0.1, 0.06, 0.12, 0.08, 0.58, 0.02, 0.02, 0.02],
    "body_attachment": [0, 0, 0, 0, 0, 0, 0, 1.0],
    "other": [0.1, 0.05, 0.1, 0.1, 0.2, 0.1, 0.1, 0.25],
}


def warrants(rng, arrests: pd.DataFrame, start: date, end: date, scale: float) -> pd.DataFrame:
    days = _days(start, end)
    n_day = _daily_counts(rng, days, WARRANTS_PER_MONTH * 12 * scale / 365.25, 0.05)
    weekday = days.dayofweek.to_numpy() < 5  # courts issue on weekdays
    n_day = np.where(weekday, np.round(n_day * 7 / 5), 0).astype("int64")
    issued = pd.DatetimeIndex(np.repeat(days.to_numpy(), n_day))
    n = len(issued)
    types = np.array(list(TYPE_P))
    wtype = rng.choice(types, n, p=list(TYPE_P.values()))
    cats = np.array(CHARGE_CATEGORIES.codes)
    category = np.empty(n, dtype=object)
    for t in types:
        m = wtype == t
        category[m] = rng.choice(cats, m.sum(), p=CATEGORY_P[t])
    u = rng.random(n)
    served_after = np.round(rng.lognormal(np.log(20), 1.3, n)).astype("int64")
    recalled_after = np.round(rng.lognormal(np.log(60), 1.0, n)).astype("int64")
    end_ts = pd.Timestamp(end)
    served = pd.Series(issued + pd.to_timedelta(served_after, unit="D")).where((u < 0.68))
    recalled = pd.Series(issued + pd.to_timedelta(recalled_after, unit="D")).where((u >= 0.68) & (u < 0.85))
    served = served.where(served <= end_ts)
    recalled = recalled.where(recalled <= end_ts)
    status = np.where(served.notna(), "served", np.where(recalled.notna(), "recalled", "active"))
    closed = served.fillna(recalled)
    out = pd.DataFrame({"source": "demo", "source_key": None,  # demo rows need no key
                        "warrant_type": wtype, "charge_category": category, "issued_date": issued.date,
                        "served_date": served.dt.date, "recalled_date": recalled.dt.date,
                        "closed_date": closed.dt.date, "status": status})
    for c in ("served_date", "recalled_date", "closed_date"):
        out[c] = out[c].where(out[c].notna(), None)
    if len(arrests) and n:
        cols = ["police_district_pre2023", "police_district_2023", "neighborhood", "council_district",
                "legislative_district", "csa"]
        at = arrests[cols].iloc[rng.integers(0, len(arrests), n)].reset_index(drop=True)
        post = issued >= pd.Timestamp(MAP_CHANGE)
        out["police_district"] = np.where(post, at["police_district_2023"], at["police_district_pre2023"])
        for c in ("neighborhood", "council_district", "legislative_district", "csa"):
            out[c] = at[c].to_numpy()
        # about 1 in 12 has no usable address: counted citywide only
        gone = rng.random(n) < 0.08
        for c in ("police_district", "neighborhood", "council_district", "legislative_district", "csa"):
            out[c] = out[c].where(~gone, None)
    assert set(out.warrant_type) <= set(WARRANT_TYPES.codes)
    return out


def load_demo(conn, data, summary, *, scale: float, seed: int, progress) -> int:
    """Load this dataset's demo rows on ``conn`` (``data`` is the generated ``DemoData``: its
    geography, dates and victims); return the rows loaded."""
    conn.execute(text("TRUNCATE gun_seizure, warrant RESTART IDENTITY"))
    end = data.data_as_of
    dates = pd.to_datetime(data.victims["occurred_date"]) if len(data.victims) else None
    start = dates.min().date() if dates is not None else end - timedelta(days=365)
    r_gun, r_war = (np.random.default_rng(s) for s in np.random.SeedSequence([seed, 15, 4]).spawn(2))
    guns = seizures(r_gun, data.victims, start, end, scale)
    wars = warrants(r_war, data.arrests, start, end, scale)
    n = copy_frame(conn, gun_seizure, guns.assign(load_id=summary.load_id))
    refresh_seizure_aggregate(conn)  # and the planner's statistics (autovacuum may be off or late)
    progress("gun seizures", n)
    with indexes_rebuilt_after(conn, warrant.name):  # four indexes: built once after COPY
        m = copy_frame(conn, warrant, wars.assign(load_id=summary.load_id))
    refresh_aggregates(conn, wars)
    progress("warrants", m)
    return n + m
