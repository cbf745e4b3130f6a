"""Benchmark: the 911 calls page, cold and warm, at demo scale 1 and 10 against an in-memory pandas
baseline measured in the same run, and ``psad ingest calls`` rows per second on a generated file.

    .venv/bin/python bench/bench_calls.py [--scales 1 10] [--repeat 2] [--ingest-rows 1600000]

For each scale the script prepares its own database (``psad_bench_calls_s<scale>`` on
``DATABASE_URL``'s server): the demo city at a small scale (its geography and data state; the calls
page reads nothing else of it) and then the demo's 911 calls at the scale benchmarked, written as
the demo writes them (one row per call, and their pre-aggregates). It reuses a database already prepared. It times
``callbacks.calls.calls_outputs`` (what the page's update runs) over a fixed set of filters:

* cold: the query cache emptied before every call (PostgreSQL's buffers stay warm, as on a server);
* warm: the same call again, from the cache;
* baseline: the same outputs (the same figure builders) from every call row held in a pandas
  DataFrame (the generated calls themselves), filtered and counted per call.

Ingest: one year of demo calls at scale 1 (1.6 million rows, ``--ingest-rows``) written as an Open
Baltimore export, loaded with ``load_calls_file`` into a database with the demo city's boundaries
loaded as real ones (``psad_bench_calls_ingest``, emptied of calls first): rows per second of the
whole load, from reading the file to the commit. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.factory import settle_heap  # noqa: E402
from bench.bench_summary import database_named  # noqa: E402
from callbacks.calls import calls_outputs  # noqa: E402
from data_access import calls as C  # noqa: E402
from data_access import migrate  # noqa: E402
from data_access.cache import cache, data_version  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.filters import Filters  # noqa: E402
from layouts import calls as L  # noqa: E402

SEED = 2021
CITY_SCALE = 0.01  # the demo city under the calls: geography and data state only


def demo_city():
    from data_access.demo.generate import generate

    end = date.today() - timedelta(days=7)
    return generate(scale=CITY_SCALE, start=date(end.year - 1, 1, 1), end=end, seed=SEED)


def ensure_loaded(url: str, scale: float, data) -> None:
    from sqlalchemy import text

    from data_access.demo import calls as demo_calls
    from data_access.loading import LoadSummary, load_demo

    db = Database(url)
    migrate.upgrade(db)
    with db.begin() as conn:
        mark = conn.execute(text("SELECT source FROM load_log WHERE status = 'ok' ORDER BY id DESC LIMIT 1")).scalar()
    want = f"bench calls scale={scale:g} as of {data.data_as_of}"
    if mark != want:
        t0 = time.perf_counter()
        print(f"  loading the demo city and its calls at scale {scale:g} …", flush=True)
        load_demo(db, scale=CITY_SCALE, start=date(data.data_as_of.year - 1, 1, 1), end=data.data_as_of, seed=SEED)
        with db.begin() as conn:
            n = demo_calls.load_demo(conn, data, LoadSummary("calls", want), scale=scale, seed=SEED,
                                     progress=lambda *a: None)
            conn.execute(text("UPDATE data_state SET version = version + 1"))
            conn.execute(text("INSERT INTO load_log (dataset, source, started_at, finished_at, status, is_demo, "
                              "rows_read, rows_loaded, rows_updated, rows_rejected) VALUES ('calls', :s, now(), now(), 'ok', true, :n, :n, 0, 0)"), {"s": want, "n": n})
        print(f"  loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    db.dispose()


def filter_set(end: date, options) -> list[Filters]:
    ytd = Filters(date(end.year, 1, 1), end)
    last_year = Filters(date(end.year - 1, 1, 1), date(end.year - 1, 12, 31))
    districts = [c for c, _ in options["police_district"]]
    nbhds = [c for c, _ in options["neighborhood"]]
    out = [ytd, last_year, Filters(end - timedelta(days=27), end), Filters(end - timedelta(days=89), end),
           Filters(date(end.year - 1, 1, 1), end)]
    out += [last_year.replace(police_district=(d,)) for d in districts]
    out += [ytd.replace(neighborhood=(n,)) for n in nbhds[::45]]
    out += [ytd.replace(council_district=(str(c),)) for c in (1, 7, 12)]
    out += [Filters(date(end.year - 1, 1, 1), end, council_district=("7",)),
            Filters(end - timedelta(days=120), end, police_district=("Western",))]
    return out


def timed(app, db: Database, fn) -> float:
    with app.server.app_context(), app.server.test_request_context():
        t0 = time.perf_counter()
        data_version(db)
        fn()
        return 1000 * (time.perf_counter() - t0)


# --- the naive baseline -------------------------------------------------------------------------

def baseline_outputs(df: pd.DataFrame, f: Filters, population: dict, as_of: date) -> dict:
    """The page's figures from every call row in memory, as a typical Dash app computes them."""
    m = (df.call_date >= pd.Timestamp(f.start)) & (df.call_date <= pd.Timestamp(f.end))
    for field in ("police_district", "neighborhood", "council_district", "legislative_district"):
        if getattr(f, field):
            m &= df[field].isin(getattr(f, field))
    d = df[m]
    kinds = d.groupby(["priority", "category", "response_type"], observed=True).size().rename("n").reset_index()
    grain = C.calls_grain(f)
    period = d.call_date.dt.to_period("W-SUN" if grain == "week" else "M").dt.start_time.dt.date
    trend = d.assign(period=period).groupby(["period", "response_type"], observed=True).size().rename("n").reset_index()
    years = d.assign(year=d.call_date.dt.year).groupby(["year", "response_type"], observed=True).size()
    years = years.rename("n").reset_index()
    field = C.area_field(f)
    out = {}
    for name, fld in (("areas", field), ("council", "council_district")):
        g = d.groupby(fld, observed=True).agg(n=("priority", "size"),
                                              without_police=("response_type", lambda s: int((s != "police").sum())))
        g = g.reset_index().rename(columns={fld: "area"})
        g["population"] = g.area.map(population.get(fld, {}))
        out[name] = L.area_figure(g.sort_values("n", ascending=False), fld)
    through = min(f.end, as_of)
    return {"trend": L.trend_figure(trend, grain, f.start, through), "response": L.response_figure(years, f),
            "categories": L.category_figure(kinds), "cards": L.card_numbers(kinds), **out}


def baseline_frame(data, scale: float) -> pd.DataFrame:
    from data_access.demo.calls import calls_span, generate_calls

    start, end = calls_span(data)
    parts = [generate_calls(data, scale=scale, seed=SEED * 10_000 + y, start=max(start, date(y, 1, 1)),
                            end=min(end, date(y, 12, 31))) for y in range(start.year, end.year + 1)]
    df = pd.concat(parts, ignore_index=True)
    return df[["call_date", "priority", "category", "response_type", "police_district", "neighborhood",
               "council_district", "legislative_district"]].astype(
        {c: "category" for c in ("priority", "category", "response_type", "police_district", "neighborhood",
                                 "council_district", "legislative_district")})


def stats(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms"


def p95(xs: list[float]) -> float:
    return sorted(xs)[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def run(scale: float, repeat: int, data) -> None:
    print(f"\n== demo scale {scale:g} ==", flush=True)
    url = database_named(f"psad_bench_calls_s{scale:g}".replace(".", "_"))
    ensure_loaded(url, scale, data)
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    with app.server.app_context():
        choices, options, _ = load_choices(svc.db)
        filters = filter_set(data.data_as_of, options)
        with svc.db.begin() as conn:
            from sqlalchemy import text

            geo = conn.execute(text("SELECT count(*), sum(n) FROM agg_call_geo_day")).one()
        print(f"  {geo[1]:,} calls ({geo[0]:,} rows of agg_call_geo_day); {len(filters)} filter combinations x "
              f"{repeat}", flush=True)
        calls_outputs(svc.db, filters[0], options, choices.data_as_of)  # connection pool, imports
        settle_heap()  # as gunicorn's master does after warming (gunicorn.conf.py, when_ready)
        cold, warm = [], []
        for _ in range(repeat):
            for f in filters:
                cache.clear()
                cold.append(timed(app, svc.db, lambda: calls_outputs(svc.db, f, options, choices.data_as_of)))
                warm.append(timed(app, svc.db, lambda: calls_outputs(svc.db, f, options, choices.data_as_of)))
        pop = {}
        for fld, layer in (("police_district", "police_district_2023"), ("neighborhood", "neighborhood"),
                           ("council_district", "council_district")):
            with svc.db.begin() as conn:
                pop[fld] = dict(conn.execute(text("SELECT code, population FROM geography WHERE layer = :l"),
                                             {"l": layer}).all())
    svc.db.dispose()
    t0 = time.perf_counter()
    frame = baseline_frame(data, scale)
    print(f"  baseline: {len(frame):,} call rows generated into pandas in {time.perf_counter() - t0:.1f} s "
          f"({frame.memory_usage(deep=True).sum() / 2**20:.0f} MiB)", flush=True)
    base = []
    with app.server.app_context(), app.server.test_request_context():
        for _ in range(repeat):
            for f in filters:
                t0 = time.perf_counter()
                baseline_outputs(frame, f, pop, data.data_as_of)
                base.append(1000 * (time.perf_counter() - t0))
    print(f"  cold (cache empty)     {stats(cold)}")
    print(f"  warm (cache hit)       {stats(warm)}")
    print(f"  baseline (pandas)      {stats(base)}")
    print(f"  baseline / cold: median {statistics.median(base) / statistics.median(cold):5.1f}x   "
          f"p95 {p95(base) / p95(cold):5.1f}x")
    print(f"  baseline / warm: median {statistics.median(base) / statistics.median(warm):5.1f}x", flush=True)


def ingest(rows: int) -> None:
    from sqlalchemy import text

    from data_access.demo.calls import export_frame, generate_calls
    from data_access.demo.export import write_boundaries
    from data_access.demo.generate import generate
    from data_access.ingest.boundaries import load_boundaries
    from data_access.ingest.calls import load_calls_file

    print("\n== ingest ==", flush=True)
    data = generate(scale=0.01, start=date(2025, 1, 1), end=date(2025, 12, 31), seed=SEED)
    calls = generate_calls(data, scale=rows / 1_600_000, seed=SEED, start=date(2025, 1, 1), end=date(2025, 12, 31))
    url = database_named("psad_bench_calls_ingest")
    db = Database(url)
    migrate.upgrade(db)
    with tempfile.TemporaryDirectory() as tmp:
        with db.begin() as conn:
            has = conn.execute(text("SELECT count(*) FROM geography WHERE layer = 'neighborhood'")).scalar()
        if not has:
            load_boundaries(db, [str(write_boundaries(data.geography, Path(tmp) / "boundaries"))])
        path = Path(tmp) / "911_calls.csv"
        t0 = time.perf_counter()
        export_frame(calls, data.geography).to_csv(path, index=False)
        print(f"  {len(calls):,} calls written as an Open Baltimore export in {time.perf_counter() - t0:.1f} s "
              f"({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
        with db.begin() as conn:
            conn.execute(text("TRUNCATE call_for_service, agg_call_city_day, agg_call_geo_day, agg_call_area_day, "
                              "agg_call_city_month, agg_call_geo_month, agg_call_area_month"))
        steps = []
        t0 = time.perf_counter()
        s = load_calls_file(db, path, progress=lambda step, n: steps.append((step, time.perf_counter() - t0)))
        took = time.perf_counter() - t0
    db.dispose()
    print("  " + ", ".join(f"{step} {t:.1f} s" for step, t in steps))
    print(f"  loaded {s.rows_loaded:,} rows, rejected {s.rows_rejected:,}, in {took:.1f} s: "
          f"{s.rows_loaded / took:,.0f} rows/s (goal >= 50,000)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="*", default=[1.0, 10.0])
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--ingest-rows", type=int, default=1_600_000, help="0: no ingest benchmark")
    args = p.parse_args()
    print("911 calls page benchmark; goals: cold p95 < 150 ms at scale 1, >= 5x the pandas baseline at "
          "scale 10, ingest >= 50,000 rows/s")
    data = demo_city() if args.scales else None
    for scale in args.scales:
        run(scale, args.repeat, data)
    if args.ingest_rows:
        ingest(args.ingest_rows)


if __name__ == "__main__":
    main()
