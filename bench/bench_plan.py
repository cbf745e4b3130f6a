"""Benchmark: the Plan KPIs page's update (``callbacks.plan.plan_outputs``: every read and builder
of the tracker) cold and warm, at demo scale 1 and 10, against an in-memory pandas baseline
measured in the same run, and each of its reads on its own, so the figures say which part costs
what (the DV share and the calls without police are engineer E's and C's functions, measured here
as the page calls them). The goals (issue 15): cold p95 under 150 ms at scale 1; at scale 10, the
cold median at least 5x under the baseline's.

    .venv/bin/python bench/bench_plan.py [--scales 1 10] [--database-urls URL ...] [--repeat 3]

Each scale's database is the matching ``--database-urls`` entry if given (it must hold the demo
data at that scale, migrated to this revision: the youth arrests read migration 0014's
``agg_arrest_age_year``), else ``psad_bench_plan_s<scale>`` on ``DATABASE_URL``'s server, loaded on
first use and reused (``bench.bench_summary``'s helpers). The views: the Summary bench's filter
combinations (``bench_summary.filter_set``) without their offense (this page does not apply it),
deduplicated.

* cold: the query cache emptied before every call (PostgreSQL's own buffers stay warm);
* warm: the same call again, answered from the cache;
* baseline: the same page from the raw rows held in pandas DataFrames (victims, arrests, IPV
  incidents, the 911 calls' finest table ``agg_call_geo_day``, the demo stores no call rows), filtered
  and counted per view, then the page's own builders (``layouts.plan``), the youth arrests withheld
  by the same rule (``data_access.kpi.youth_from_bands``). It is checked to give the page's rows.

Nothing here asserts a time; the machine may be shared, so say so beside the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.factory import settle_heap  # noqa: E402
from bench.bench_summary import demo_database, filter_set, in_geography, stats, timed_request  # noqa: E402
from callbacks.plan import plan_outputs, tracker  # noqa: E402
from data_access import kpi as K  # noqa: E402
from data_access import summary as Q  # noqa: E402
from data_access.cache import cache  # noqa: E402
from data_access.filters import FIELD_BY_NAME, GEO_FIELDS, Filters  # noqa: E402
from data_access.schema import geography  # noqa: E402
from data_access.schema_kpi import kpi_value  # noqa: E402
from data_access.vocabulary import DEMOGRAPHIC_CATEGORIES  # noqa: E402
from layouts import plan as L  # noqa: E402


def views(choices, options) -> list[Filters]:
    seen, out = set(), []
    for f in filter_set(choices, options):
        f = f.replace(offense=())
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out


def parts(db, settings, f: Filters, choices) -> dict:
    """Each read of ``callbacks.plan.plan_data`` on its own, as it calls them."""
    geo = f.geo_only()
    first_year = choices.first_date.year if choices.first_date is not None else settings.goal_baseline_year
    years = L.years_shown(f, first_year, choices.today)
    span = geo.replace(start=date(years[0], 1, 1), end=choices.today) if years else geo
    return {
        "gun violence (Summary's)": lambda: Q.gun_violence_by_year(db, geo, settings.goal_baseline_year, choices.today),
        "youth arrests": lambda: K.youth_arrests(db, geo, years),
        "rapes by year": lambda: K.rapes_by_year(db, geo),
        "residents": lambda: K.residents(db, geo),
        "DV share (E: ipv.kpi_dv_share)": lambda: K.external(db, span, K.DV_SHARE,
                                                              ("year", "dv_incidents", "part1_incidents")),
        "calls w/o police (C: calls.kpi_without_police)": lambda: K.external(
            db, span, K.WITHOUT_POLICE, ("year", "calls", "without_police")),
        "MONSE values": lambda: K.monse_values(db),
    }


# --- the naive baseline -------------------------------------------------------------------------

def _read(conn, table: str, columns: list[str], categories: list[str], dates: list[str],
          hashed: tuple = ()) -> pd.DataFrame:
    """``columns`` of every row of ``table`` (PostgreSQL's COPY to a file, read by pandas' C parser:
    at scale 10 rows as Python objects would neither fit in memory nor arrive in minutes), the
    ``categories`` columns categorical, the ``dates`` datetime64, the ``hashed`` ones a 64-bit hash,
    0 for none (counted distinct, never shown)."""
    import tempfile

    raw = conn.connection.dbapi_connection
    with tempfile.TemporaryFile() as tmp:
        with raw.cursor() as cur:
            cur.execute("SET LOCAL statement_timeout = 0")  # the app's read timeout: not for reading every row
        with raw.cursor() as cur, cur.copy(f"COPY (SELECT {', '.join(columns)} FROM {table}) TO STDOUT "
                                           "WITH (FORMAT csv)") as cp:
            for block in cp:
                tmp.write(block)
        tmp.seek(0)
        df = pd.read_csv(tmp, names=columns, header=None, dtype={c: str for c in categories},
                         parse_dates=dates, true_values=["t"], false_values=["f"], keep_default_na=False,
                         na_values=[""])
    df = df.astype({c: "category" for c in categories})  # codes stay text ("7", not 7)
    for c in hashed:
        h = pd.util.hash_pandas_object(df[c], index=False).to_numpy()
        df[c] = np.where(df[c].notna().to_numpy(), h | np.uint64(1), np.uint64(0))
    return df


def load_frames(db) -> dict:
    """Every row the page's numbers come from, in memory (no statement timeout: read once)."""
    geo = list(GEO_FIELDS)
    with db.engine.connect() as conn:
        v = _read(conn, "victim", ["occurred_date", "offense", "is_gun_violence", "cc_number", *geo],
                  [*geo, "offense"], ["occurred_date"], hashed=("cc_number",))
        a = _read(conn, "arrest", ["arrest_date", "age", *geo], geo, ["arrest_date"])
        ipv = _read(conn, "ipv_incident", ["occurred_date", *geo], geo, ["occurred_date"])
        has_calls = conn.execute(text("SELECT to_regclass('agg_call_geo_day') IS NOT NULL")).scalar()
        calls = _read(conn, "agg_call_geo_day", ["d", *geo, "response_type", "n"], [*geo, "response_type"], ["d"]) \
            if has_calls else None
        areas = pd.read_sql(select(geography.c.layer, geography.c.code, geography.c.population), conn)
        monse = pd.read_sql(select(kpi_value.c.measure, kpi_value.c.period, kpi_value.c.grain,
                                   kpi_value.c.period_start, kpi_value.c.period_end, kpi_value.c.value,
                                   kpi_value.c.source, kpi_value.c.origin)
                            .order_by(kpi_value.c.measure, kpi_value.c.period_start, kpi_value.c.period_end), conn)
    return {"v": v, "a": a, "ipv": ipv, "calls": calls, "geo": areas, "monse": monse.astype({"value": "float64"})}


def _between(s: pd.Series, start: date, end: date) -> pd.Series:
    return (s >= pd.Timestamp(start)) & (s <= pd.Timestamp(end))


def _age_band(age: pd.Series) -> pd.Series:
    """``data_access.aggregates._age_band`` in pandas."""
    known = age.notna() & (age >= 0) & (age <= 120)
    bins = pd.cut(age.where(known), [-1, 17.999999, 24.999999, 34.999999, 44.999999, 54.999999, 1e9],
                  labels=["Under 18", "18-24", "25-34", "35-44", "45-54", "55+"], right=True)
    return bins.astype(object).where(known, "Unknown")


def baseline_data(fr: dict, settings, f: Filters, choices) -> L.PlanData:
    """``callbacks.plan.plan_data`` from the rows in memory."""
    from layouts.summary import goal_rows

    geo, through = f.geo_only(), choices.today
    first_year = choices.first_date.year if choices.first_date is not None else settings.goal_baseline_year
    years = L.years_shown(f, first_year, through)
    start = date(years[0], 1, 1) if years else geo.start
    end = through if years else geo.end
    v = in_geography(fr["v"], geo)
    vyear = v.occurred_date.dt.year
    # gun violence since the goal's baseline year, whole years and through the data's day of year
    base = settings.goal_baseline_year
    g = v[v.is_gun_violence.to_numpy() & _between(v.occurred_date, date(base, 1, 1), through).to_numpy()]
    gy = g.occurred_date.dt.year
    md = g.occurred_date.dt.strftime("%m%d") <= f"{through:%m%d}"
    n, ytd = gy.value_counts(), gy[md].value_counts()
    ys = list(range(base, through.year + 1))
    gun = pd.DataFrame({"year": pd.array(ys, dtype="int64"), "n": pd.array([int(n.get(y, 0)) for y in ys], dtype="int64"),
                        "ytd": pd.array([int(ytd.get(y, 0)) for y in ys], dtype="int64")})
    goal = goal_rows(gun, baseline_year=base, reduction=settings.goal_annual_reduction, through=through)
    # youth arrests: every area's arrestees by year and age band, then the Demographics page's rule
    if years:
        a = fr["a"]
        ay = a.arrest_date.dt.year
        a = a[(ay >= min(years) - 1) & (ay <= max(years) + 1)]
        bands = list(DEMOGRAPHIC_CATEGORIES["age_band"])
        counts = (a.assign(year=a.arrest_date.dt.year, band=_age_band(a.age))
                  .groupby(["year", *GEO_FIELDS, "band"], observed=True, dropna=False).size())
        wide = counts.unstack("band", fill_value=0).reindex(columns=bands, fill_value=0).reset_index()
        wide = wide[wide[bands].sum(axis=1) > 0]
        for x in GEO_FIELDS:
            wide[x] = wide[x].astype(object).where(wide[x].notna(), None)
        youth = K.youth_from_bands(wide.astype({"year": "int64", **{b: "int64" for b in bands}}), geo, tuple(years))
    else:
        youth = K.youth_from_bands(None, geo, ())
    # rapes per year, every year
    r = vyear[(v.offense == K.RAPE).to_numpy()].value_counts().sort_index()
    rapes = pd.DataFrame({"year": r.index.astype("int64"), "n": r.to_numpy(dtype="int64")})
    # residents of the view (the bench's views set one geography field at most)
    chosen = [x for x in GEO_FIELDS if getattr(geo, x)]
    pop = fr["geo"]
    if not chosen:
        population = pop[pop.layer == "city"].population.sum()
    else:
        (x,) = chosen
        population = pop[(pop.layer == FIELD_BY_NAME[x].options_layer) & pop.code.isin(getattr(geo, x))].population.sum()
    population = int(population) if population == population else None
    # DV share: IPV incidents and Part 1 incidents (distinct case numbers) per year of the span
    span_years = list(range(start.year, end.year + 1))
    i = in_geography(fr["ipv"], geo)
    iy = i.occurred_date[_between(i.occurred_date, start, end)].dt.year.value_counts()
    vs = v[_between(v.occurred_date, start, end).to_numpy() & (v.cc_number.to_numpy() != 0)]
    p1 = vs.groupby(vs.occurred_date.dt.year).cc_number.nunique()
    dv_col = [int(iy.get(y, 0)) for y in span_years]
    dv = pd.DataFrame({"year": pd.array(span_years, dtype="int64"),
                       "dv_incidents": pd.array([None if 0 < k < L.IPV_MIN else k for k in dv_col], dtype="Int64"),
                       "part1_incidents": pd.array([int(p1.get(y, 0)) for y in span_years], dtype="Int64")})
    # 911 calls answered without police per year of the span
    calls = None
    if fr["calls"] is not None:
        c = in_geography(fr["calls"], geo)
        c = c[_between(c.d, start, end).to_numpy()]
        cy = c.d.dt.year
        total = c.n.groupby(cy).sum()
        without = c.n[c.response_type.isin(("behavioral_health", "other")).to_numpy()].groupby(cy).sum()
        total = total[total > 0]
        calls = pd.DataFrame({"year": pd.array(total.index, dtype="Int64"), "calls": pd.array(total.values, dtype="Int64"),
                              "without_police": pd.array([int(without.get(y, 0)) for y in total.index], dtype="Int64")})
    return L.PlanData(through=through, first_year=first_year, goal=goal, youth=youth, rapes=rapes,
                      population=population, dv=dv, calls=calls, monse=fr["monse"])


def baseline_outputs(fr: dict, settings, f: Filters, choices) -> dict:
    rows = L.tracker_rows(baseline_data(fr, settings, f, choices), f)
    return {"body": L.plan_body(rows), "notes": L.notes(f), "error": None}


def check_baseline(app, db, settings, fr: dict, todo: list[Filters], choices) -> None:
    """The baseline's rows are the page's (else its time says nothing)."""
    for f in todo[:: max(1, len(todo) // 8)]:
        with app.server.app_context(), app.server.test_request_context():
            cache.clear()
            want = tracker(db, settings, f, choices)
            got = L.tracker_rows(baseline_data(fr, settings, f, choices), f)
        for w, g in zip(want, got):
            if w["status"] == "not_built" and g["status"] != "not_built":  # another engineer's function failed
                print(f"  warning: the page's {w['code']} is not built (its function failed); the baseline's is",
                      flush=True)
                continue
            assert w == g, (f, w["code"], w, g)
        assert len(want) == len(got)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def run(scale: float, url: str | None, repeat: int) -> None:
    print(f"\n== demo scale {scale:g} ==", flush=True)
    url = demo_database(url, scale, "psad_bench_plan_s")
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    db, settings = svc.db, svc.settings
    with app.server.app_context():
        choices, options, _ = load_choices(db)
        todo = views(choices, options)
        plan_outputs(db, settings, todo[0], choices)  # connection pool, imports
        settle_heap()  # as gunicorn's master does after warming (gunicorn.conf.py, when_ready)
        cold, warm = [], []
        part_cold: dict[str, list[float]] = {}
        for _ in range(repeat):
            for f in todo:
                cache.clear()
                cold.append(timed_request(app, db, lambda: plan_outputs(db, settings, f, choices)))
                warm.append(timed_request(app, db, lambda: plan_outputs(db, settings, f, choices)))
                for name, call in parts(db, settings, f, choices).items():
                    cache.clear()
                    part_cold.setdefault(name, []).append(timed_request(app, db, call))
    t0 = time.perf_counter()
    fr = load_frames(db)
    rows = len(fr["v"]) + len(fr["a"]) + len(fr["ipv"]) + (len(fr["calls"]) if fr["calls"] is not None else 0)
    print(f"  baseline: {rows:,} rows loaded into pandas in {time.perf_counter() - t0:.1f} s "
          f"({sum(x.memory_usage(deep=True).sum() for x in fr.values() if x is not None) / 2**20:.0f} MiB)", flush=True)
    check_baseline(app, db, settings, fr, todo, choices)
    base = []
    for _ in range(repeat):
        for f in todo:
            with app.server.app_context(), app.server.test_request_context():
                t0 = time.perf_counter()
                baseline_outputs(fr, settings, f, choices)
                base.append(1000 * (time.perf_counter() - t0))
    db.dispose()
    print(f"  Plan KPIs update: {len(todo)} views x {repeat}")
    print(f"  cold (cache empty)     {stats(cold)}   (n={len(cold)})")
    print(f"  warm (cache hit)       {stats(warm)}   (n={len(warm)})")
    print(f"  baseline (pandas)      {stats(base)}   (n={len(base)})")
    print(f"  baseline / cold: median {statistics.median(base) / statistics.median(cold):5.1f}x   "
          f"p95 {p95(base) / p95(cold):5.1f}x")
    print("  each read alone, cold (they run concurrently in the page, so the page costs about the slowest):")
    for name, ms in part_cold.items():
        print(f"    {name:48s} {stats(ms)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    ap.add_argument("--database-urls", nargs="+", default=[], help="one per scale, in the same order")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.database_urls and len(a.database_urls) != len(a.scales):
        ap.error("--database-urls needs one URL per scale")
    print("Plan KPIs page benchmark; goals: cold p95 < 150 ms at scale 1, cold median >= 5x under the pandas "
          "baseline's at scale 10 (shared machine: compare runs made together)")
    for i, scale in enumerate(a.scales):
        run(scale, a.database_urls[i] if a.database_urls else None, a.repeat)


if __name__ == "__main__":
    main()
