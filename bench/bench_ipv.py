"""Benchmark: the Intimate-partner violence page's view and the Plan KPI's ``kpi_dv_share``, cold
and warm, at demo scale 1, against a naive pandas baseline measured in the same run.

    .venv/bin/python bench/bench_ipv.py [--scales 1] [--repeat 3] [--rebuild]

The demo database is built and reused as ``bench/bench_summary.py`` does (its own database,
``psad_bench_ipv_s<scale>``: ``--rebuild`` rewrites its Part 1 tables). Timed, over the Summary
bench's filter combinations (``bench_summary.filter_set``):

* view: ``callbacks.ipv.ipv_outputs`` (the page callback's work: the one-scan query, suppression,
  figures and tables);
* kpi: ``data_access.ipv.kpi_dv_share`` over the spans the Plan page asks for (each geography of
  the filter set, from the first year shown to the data's last day) and over the filter set itself;
* cold: the query cache emptied before every call (PostgreSQL's buffers stay warm); warm: the
  same call again, from the cache;
* baseline: the same results computed from every row in pandas (the IPV incidents for the view,
  through the same suppression and figure code; the victims' ``cc_number`` counted distinct per
  year for the KPI).

With ``--rebuild`` it first times a rebuild of the Part 1 tables (what the first KPI read after a
victim load, or a demo or IPV load, costs). It prints median and p95 in ms; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from unittest import mock

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_summary import _mask, database_for, ensure_loaded, filter_set, stats, timed_request  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.factory import settle_heap  # noqa: E402
from app.settings import PROJECT_ROOT  # noqa: E402
from callbacks.ipv import ipv_outputs  # noqa: E402
from data_access import ipv as Q  # noqa: E402
from data_access.cache import cache, data_version  # noqa: E402
from data_access.db import Database  # noqa: E402

PREFIX = "psad_bench_ipv_s"


def plan_spans(filters, first_year: int, through: date) -> list:
    """What the Plan page passes to kpi_dv_share: each geography, whole years to the data's day."""
    seen, out = set(), []
    for f in filters:
        g = f.geo_only().replace(start=date(first_year, 1, 1), end=through)
        if g not in seen:
            seen.add(g)
            out.append(g)
    return out


# --- the naive baseline -------------------------------------------------------------------------

def load_frames(db: Database) -> tuple[pd.DataFrame, pd.DataFrame]:
    with db.begin() as conn:  # no statement timeout: the baseline loads every row once
        ipv = pd.read_sql(text("SELECT occurred_date, police_district, neighborhood, council_district, "
                               "legislative_district, offense, relationship, age_band, sex FROM ipv_incident"), conn)
        vic = pd.read_sql(text("SELECT occurred_date, cc_number, offense, police_district, neighborhood, "
                               "council_district, legislative_district FROM victim WHERE cc_number IS NOT NULL"),
                          conn)
    for df in (ipv, vic):
        df["occurred_date"] = pd.to_datetime(df.occurred_date)
        for col in ("offense", "police_district", "neighborhood", "council_district", "legislative_district"):
            df[col] = df[col].astype("category")
    vic["year"] = vic.occurred_date.dt.year.astype("int16")
    return ipv, vic


def baseline_view(ipv: pd.DataFrame, f, areas: list[str]) -> Q.IpvView:
    g = Q.month_span(f)
    cur = ipv[_mask(ipv, g)]
    field = Q.area_field(g)
    keys = {
        "months": cur.occurred_date.dt.to_period("M").dt.start_time.dt.strftime("%Y-%m-%d"),
        "areas": cur[field].astype("object").fillna(Q.UNKNOWN_CODE),
        "offense": cur.offense.astype("object").fillna(Q.UNKNOWN_CODE),
        "relationship": cur.relationship, "age_band": cur.age_band, "sex": cur.sex,
    }
    raw = {k: {str(c): int(n) for c, n in s.value_counts().items()} for k, s in keys.items()}
    return Q.suppress_view(raw, Q.orders(g, raw, areas), field, g)


def baseline_kpi(ipv: pd.DataFrame, vic: pd.DataFrame, f) -> pd.DataFrame:
    dv = ipv[_mask(ipv, f)].occurred_date.dt.year.value_counts()
    p1 = vic[_mask(vic, f)].groupby("year").cc_number.nunique()
    years = list(range(f.start.year, f.end.year + 1))
    n = [int(dv.get(y, 0)) for y in years]
    return pd.DataFrame({"year": years, "dv_incidents": pd.array([None if 0 < x < Q.THRESHOLD else x for x in n],
                                                                 dtype="Int64"),
                         "part1_incidents": [int(p1.get(y, 0)) for y in years]})


def _p95(xs):
    return sorted(xs)[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def report(name: str, cold, warm, base) -> None:
    print(f"  {name:5} cold (cache empty)  {stats(cold)}")
    print(f"  {name:5} warm (cache hit)    {stats(warm)}")
    print(f"  {name:5} baseline (pandas)   {stats(base)}")
    print(f"  {name:5} baseline / cold: median {statistics.median(base) / statistics.median(cold):6.1f}x   "
          f"p95 {_p95(base) / _p95(cold):6.1f}x")


def run(scale: float, repeat: int, rebuild: bool) -> None:
    print(f"\n== demo scale {scale} ==", flush=True)
    url = database_for(scale, prefix=PREFIX)
    ensure_loaded(url, scale)
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    db = svc.db
    with app.server.app_context():
        choices, options, _ = load_choices(db)
        filters = filter_set(choices, options)
        through = choices.today
        spans = plan_spans(filters, svc.settings.goal_baseline_year, through)
        with db.begin() as conn:
            victims, incidents = conn.execute(text("SELECT (SELECT count(*) FROM victim), "
                                                   "(SELECT count(*) FROM ipv_incident)")).one()
            if rebuild:
                conn.execute(text("UPDATE ipv_part1_state SET version = -1"))
        print(f"  {victims:,} victim rows, {incidents:,} IPV incidents; {len(filters)} filter combinations, "
              f"{len(spans)} Plan spans, x {repeat}")
        t0 = time.perf_counter()
        Q.part1_ready(db, data_version(db))  # current tables (rebuilt here when stale)
        print(f"  Part 1 tables ready in {1000 * (time.perf_counter() - t0):.0f} ms"
              + (" (rebuilt)" if rebuild else ""), flush=True)
        with db.begin() as conn:
            sizes = conn.execute(text("SELECT (SELECT count(*) FROM ipv_part1_month), (SELECT count(*) FROM "
                                      "ipv_part1_year), (SELECT count(*) FROM ipv_part1_multi)")).one()
        print("  Part 1 tables: month {:,}, year {:,}, multi {:,} rows".format(*sizes))
        opts, as_of = options, choices.data_as_of  # what the page callback passes
        ipv_outputs(db, filters[0], opts, as_of)  # connection pool, imports
        settle_heap()  # as gunicorn's master does after warming (gunicorn.conf.py, when_ready)
        res: dict[str, tuple[list, list]] = {"view": ([], []), "kpi": ([], [])}
        kpi_filters = spans + filters
        for _ in range(repeat):
            for name, fs, fn in (("view", filters, lambda f: ipv_outputs(db, f, opts, as_of)),
                                 ("kpi", kpi_filters, lambda f: Q.kpi_dv_share(db, f))):
                cold, warm = res[name]
                for f in fs:
                    cache.clear()
                    cold.append(timed_request(app, db, lambda: fn(f)))
                    warm.append(timed_request(app, db, lambda: fn(f)))
        # every answer equals the raw count distinct (the aggregate is exact); the time of that raw
        # count over the Plan spans is what kpi_dv_share's Part 1 column cost before the tables
        before = []
        for f in kpi_filters:
            t0 = time.perf_counter()
            raw = Q.part1_counts(db, f, raw=True)
            if f in spans:
                before.append(1000 * (time.perf_counter() - t0))
            assert Q.part1_counts(db, f) == raw, f
        t0 = time.perf_counter()
        ipv, vic = load_frames(db)
        print(f"  baseline: {len(ipv):,} IPV and {len(vic):,} victim rows loaded into pandas in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        areas = {f: Q.layer_areas(db, Q.month_span(f), Q.area_field(Q.month_span(f))) for f in filters}
        base_view, base_kpi = [], []
        for _ in range(repeat):
            for f in filters:
                t0 = time.perf_counter()
                v = baseline_view(ipv, f, areas[f])
                with mock.patch.object(Q, "view", lambda _db, _f: v):
                    ipv_outputs(db, f, opts, as_of)
                base_view.append(1000 * (time.perf_counter() - t0))
            for f in kpi_filters:
                t0 = time.perf_counter()
                baseline_kpi(ipv, vic, f)
                base_kpi.append(1000 * (time.perf_counter() - t0))
        # the baseline computes the same numbers
        for f in filters[:6]:
            assert baseline_view(ipv, f, areas[f]) == Q.view.uncached(db, f), f
        for f in spans[:4]:
            got, want = Q.kpi_dv_share(db, f), baseline_kpi(ipv, vic, f)
            assert got.part1_incidents.tolist() == want.part1_incidents.tolist(), f
    db.dispose()
    report("view", *res["view"], base_view)
    report("kpi", *res["kpi"], base_kpi)
    plan = res["kpi"][0][:len(spans)]
    print(f"  kpi on the Plan spans only: cold {stats(plan)}")
    print(f"  Part 1 count distinct over the victims (before), Plan spans: {stats(before)}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1.0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--rebuild", action="store_true", help="time a rebuild of the Part 1 tables first")
    args = p.parse_args()
    print(f"IPV view and kpi_dv_share benchmark ({PROJECT_ROOT.name}); goal: cold p95 < 150 ms at scale 1")
    for scale in args.scales:
        run(scale, args.repeat, args.rebuild)


if __name__ == "__main__":
    main()
