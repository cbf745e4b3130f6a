"""Benchmark: Guns and warrants callback latency, cold and warm, at demo scale 1 (and 10 on
request), against a naive pandas baseline measured in the same run.

    .venv/bin/python bench/bench_guns_warrants.py [--scales 1 10] [--repeat 3] [--database-url URL]

For each scale the script uses ``--database-url`` as it is (``{scale}`` in it is replaced by the
scale: ``postgresql://postgres@127.0.0.1:5432/psad_G_s{scale}``; it must hold the demo at that
scale, migrated), else loads the demo data into its own database (``psad_bench_gw_s<scale>`` on
``DATABASE_URL``'s server, made with ``bench_summary``'s helpers), reusing it when it is already
loaded; then it times ``callbacks.guns_warrants.guns_warrants_outputs`` (what the page's callback
runs) over ``bench_summary``'s filter combinations:

* cold: the query cache is emptied before every call (PostgreSQL's own buffers stay warm, as on
  a running server);
* warm: the same call again, answered from the cache;
* baseline: the same outputs (the same row and figure builders) from every gun-seizure and
  warrant row held in pandas DataFrames in memory, filtered per call.

It prints median and p95 in milliseconds and the ratios. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_summary import database_for, ensure_loaded, filter_set, in_geography, stats, timed_request  # noqa: E402

import callbacks.guns_warrants as C  # noqa: E402
from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.factory import settle_heap  # noqa: E402
from data_access import guns_warrants as G  # noqa: E402
from data_access.cache import cache  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.filters import GEO_FIELDS, Filters  # noqa: E402
from data_access.schema import geography  # noqa: E402
from data_access.schema_guns_warrants import gun_seizure, warrant  # noqa: E402

PREFIX = "psad_bench_gw_s"


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


# --- the naive baseline -------------------------------------------------------------------------

def load_frames(db: Database) -> dict:
    with db.begin() as conn:  # no statement timeout: the baseline loads every row once
        guns = pd.read_sql(select(gun_seizure.c.seized_date, gun_seizure.c.firearm_type, gun_seizure.c.recovery_type,
                                  gun_seizure.c.status, *[gun_seizure.c[g] for g in GEO_FIELDS]), conn)
        wars = pd.read_sql(select(warrant.c.warrant_type, warrant.c.charge_category, warrant.c.issued_date,
                                  warrant.c.served_date, warrant.c.recalled_date, warrant.c.closed_date,
                                  *[warrant.c[g] for g in GEO_FIELDS]), conn)
        pop = pd.read_sql(select(geography.c.layer, geography.c.code, geography.c.population), conn)
    guns["seized_date"] = pd.to_datetime(guns.seized_date)
    for c in ("issued_date", "served_date", "recalled_date", "closed_date"):
        wars[c] = pd.to_datetime(wars[c])
    return {"guns": guns, "wars": wars, "pop": pop}


def _between(s: pd.Series, f: Filters) -> pd.Series:
    return s.notna() & (s >= pd.Timestamp(f.start)) & (s <= pd.Timestamp(f.end))


def _population(fr: dict, df: pd.DataFrame, field: str) -> pd.DataFrame:
    layer = "police_district_2023" if field == "police_district" else field
    pop = fr["pop"][fr["pop"].layer == layer][["code", "population"]].rename(columns={"code": "area"})
    return df.merge(pop, on="area", how="left")


def baseline_numbers(fr: dict, f: Filters, last) -> dict:
    """``callbacks.guns_warrants.numbers`` computed from the in-memory rows."""
    f = f.replace(offense=())
    at = min(f.end, last)
    grain, field = G.grain(f), G.area_field(f)
    through = min(f.end, at)
    freq = "W" if grain == "week" else "M"
    guns = in_geography(fr["guns"], f)
    g = guns[_between(guns.seized_date, f)]
    per = g.seized_date.dt.to_period(freq).dt.start_time
    s_trend = g.groupby([per.rename("period"), g.firearm_type]).size().rename("n").reset_index()
    types = g.firearm_type.value_counts().rename_axis("code").rename("n").reset_index()
    recovery = g.recovery_type.value_counts().rename_axis("code").rename("n").reset_index()
    status = g.status.fillna("unknown").value_counts().rename_axis("code").rename("n").reset_index()
    s_area = _population(fr, g[field].dropna().value_counts().rename_axis("area").rename("n").reset_index(), field)
    w = in_geography(fr["wars"], f)
    flows = []
    for flow, col in (("issued", w.issued_date), ("served", w.served_date),
                      ("recalled", w.closed_date.where(w.recalled_date.notna()))):
        x = col[_between(col, f)]
        flows.append(x.dt.to_period(freq).dt.start_time.value_counts().rename_axis("period").rename("n")
                     .reset_index().assign(flow=flow))
    w_trend = pd.concat(flows, ignore_index=True)
    at_ts = pd.Timestamp(at)
    o = w[(w.issued_date <= at_ts) & (w.closed_date.isna() | (w.closed_date > at_ts))]
    ages = pd.cut((at_ts - o.issued_date).dt.days, [-1, 29, 89, 364, 1094, 10**7], labels=G.AGE_CODES)
    age = o.groupby([ages.rename("age"), o.warrant_type], observed=True).size().rename("n").reset_index()
    age["age"] = age.age.astype(str)

    def counts(key: str) -> pd.DataFrame:
        out = pd.concat([w[_between(w.issued_date, f)][key].value_counts().rename("issued"),
                         w[_between(w.served_date, f)][key].value_counts().rename("served"),
                         o[key].value_counts().rename("outstanding")], axis=1).fillna(0).astype("int64")
        return out.rename_axis("key").reset_index()

    cats = counts("charge_category").rename(columns={"key": "charge_category"})
    w_area = _population(fr, counts(field).rename(columns={"key": "area"}), field)
    return C.page_rows(f, at, grain, field, through, s_trend, types, recovery, status, s_area, w_trend, age, cats,
                       w_area)


@contextmanager
def numbers_from(fn):
    """``guns_warrants_outputs`` with its numbers from ``fn`` (the figures built as the page does)."""
    saved = C.numbers
    C.numbers = fn
    try:
        yield
    finally:
        C.numbers = saved


def check_baseline(db: Database, fr: dict, filters: list[Filters], last) -> None:
    """The baseline answers what the page answers (else its time says nothing)."""
    for f in filters[:6]:
        got, want = C.numbers(db, f), baseline_numbers(fr, f, last)
        for k in ("types", "recovery", "status", "age", "categories"):
            assert got[k] == want[k], (k, f)
        for k in ("seizure_trend", "warrant_trend"):
            assert got[k].n.tolist() == want[k].n.tolist(), (k, f)


def run(scale: float, repeat: int, database_url: str | None = None) -> dict:
    print(f"\n== demo scale {scale} ==", flush=True)
    if database_url:
        url = database_url.replace("{scale}", f"{scale:g}".replace(".", "_"))
        print(f"  database: {url.rsplit('/', 1)[-1]} (as it is)")
    else:
        url = database_for(scale, prefix=PREFIX)
        ensure_loaded(url, scale)
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    db = svc.db
    with app.server.app_context():
        choices, options, _ = load_choices(db)
        filters = filter_set(choices, options)
        with db.begin() as conn:
            n_w, n_g = (conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("warrant", "gun_seizure"))
        print(f"  {n_w:,} warrants, {n_g:,} gun seizures; {len(filters)} filter combinations x {repeat}")
        cold, warm = [], []
        C.guns_warrants_outputs(db, filters[0], options)  # connection pool, imports
        settle_heap()  # as gunicorn's master does after warming (gunicorn.conf.py, when_ready)
        for _ in range(repeat):
            for f in filters:
                cache.clear()
                cold.append(timed_request(app, db, lambda: C.guns_warrants_outputs(db, f, options)))
                warm.append(timed_request(app, db, lambda: C.guns_warrants_outputs(db, f, options)))
        t0 = time.perf_counter()
        fr = load_frames(db)
        print(f"  baseline: {len(fr['wars']) + len(fr['guns']):,} rows loaded into pandas in "
              f"{time.perf_counter() - t0:.1f} s")
        last = G.warrants_as_of(db)
        cache.clear()
        check_baseline(db, fr, filters, last)
        base = []
        with numbers_from(lambda _db, f: baseline_numbers(fr, f, last)):
            for _ in range(repeat):
                for f in filters:
                    t0 = time.perf_counter()
                    C.guns_warrants_outputs(db, f, options)
                    base.append(1000 * (time.perf_counter() - t0))
    db.dispose()
    print(f"  cold (cache empty)     {stats(cold)}")
    print(f"  warm (cache hit)       {stats(warm)}")
    print(f"  baseline (pandas)      {stats(base)}")
    print(f"  baseline / cold: median {statistics.median(base) / statistics.median(cold):5.1f}x   "
          f"p95 {p95(base) / p95(cold):5.1f}x")
    print(f"  baseline / warm: median {statistics.median(base) / statistics.median(warm):5.1f}x")
    slow = sorted(zip(cold, [f for _ in range(repeat) for f in filters]), key=lambda x: -x[0])[:3]
    for ms, f in slow:
        geo = {g: getattr(f, g) for g in GEO_FIELDS if getattr(f, g)}
        print(f"  slowest cold: {ms:7.1f} ms  {f.start} to {f.end} {geo or 'citywide'}")
    return {"cold": cold, "warm": warm, "base": base}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1.0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--database-url", default=None,
                   help="a database holding the demo at each scale, used as it is ('{scale}' is replaced)")
    args = p.parse_args()
    print("Guns and warrants callback benchmark; goal: cold p95 < 150 ms at scale 1, >= 5x faster than the "
          "pandas baseline at scale 10 (shared machine: compare runs made together)")
    for scale in args.scales:
        run(scale, args.repeat, args.database_url)


if __name__ == "__main__":
    main()
