"""Benchmark: Case lookup latency at demo scale 10 (median and p95), against naive baselines
measured in the same run.

    .venv/bin/python bench/bench_cases.py [--scale 10] [--database-url URL] [--n 60]

The database is ``--database-url`` if given (it must hold the demo data at that scale), else
``psad_bench_s<scale>`` on ``DATABASE_URL``'s server, loaded on first use and reused afterwards
(loading scale 10 takes several minutes). It times ``data_access.cases.search`` — exactly what
the Case lookup page and ``/api/v1/cases`` run, without the query cache (every call goes to
PostgreSQL, as for a search nobody has made before):

* exact: a case number typed in (random existing numbers, plus some that do not exist);
* filtered: a calendar year x a police district or Council district (or none) x a charge (or
  none) x a results page from 1 to 8.

Baselines, on the same searches:

* pandas: every case and charge held in memory, filtered per search (what a typical Dash app
  does; loading them is not timed);
* naive SQL: the same WHERE clause, but fetching every matching row and paging in Python
  (no LIMIT/OFFSET, counting by ``len``).

The targets: p95 under 200 ms for an exact case number, under 500 ms for a filtered search.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_summary import database_for, ensure_loaded  # noqa: E402
from data_access import cases as C  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.filters import Filters  # noqa: E402
from data_access.schema import case_charge, sao_case  # noqa: E402


def stats(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def workloads(db: Database, n: int, rng: random.Random):
    numbers = [r[0] for r in db.execute(
        select(sao_case.c.case_number).order_by(sao_case.c.id).limit(400000), row_cap=400001).rows]
    exact = [rng.choice(numbers) for _ in range(n - n // 10)] + [f"8{rng.randint(10**7, 10**8)}" for _ in range(n // 10)]
    last = db.execute(select(sao_case.c.filed_date).order_by(sao_case.c.filed_date.desc()).limit(1)).scalar()
    charges = list(C.charge_options.uncached(db).options)
    districts = ["Western", "Eastern", "Central", "Southern", "Northern"]
    filtered = []
    for _ in range(n):
        year = rng.randint(2013, last.year)
        geo = rng.choice([{}, {"police_district": (rng.choice(districts),)},
                          {"council_district": (str(rng.randint(1, 14)),)}])
        charge = rng.choice([None, None] + charges)
        filtered.append((Filters(date(year, 1, 1), min(date(year, 12, 31), last), **geo), charge, rng.randint(1, 8)))
    return exact, filtered


def time_calls(fn, items) -> list[float]:
    out = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        out.append(1000 * (time.perf_counter() - t0))
    return out


def pandas_baseline(db: Database):
    cases = db.frame(select(sao_case.c.id, sao_case.c.case_number, sao_case.c.filed_date, sao_case.c.court,
                            sao_case.c.police_district, sao_case.c.neighborhood, sao_case.c.council_district,
                            sao_case.c.legislative_district), row_cap=10**8)
    cases["filed_date"] = pd.to_datetime(cases.filed_date)
    charges = db.frame(select(case_charge.c.case_id, case_charge.c.seq, case_charge.c.description,
                              case_charge.c.is_gun_charge, case_charge.c.disposition), row_cap=10**8)
    by_number = cases  # a typical app filters the frame, it does not build an index

    def page_rows(ids):
        ch = charges[charges.case_id.isin(ids)]
        return ch.groupby("case_id").agg(n=("seq", "size"), gun=("is_gun_charge", "any"))

    def exact(number):
        hit = by_number[by_number.case_number == number]
        return page_rows(hit.id), len(hit)

    def filtered(item):
        f, charge, page = item
        m = cases.filed_date.between(pd.Timestamp(f.start), pd.Timestamp(f.end))
        for field in ("police_district", "council_district"):
            if getattr(f, field):
                m &= cases[field].isin(getattr(f, field))
        if charge:
            m &= cases.id.isin(charges.case_id[charges.description == charge])
        hits = cases[m].sort_values(["filed_date", "id"], ascending=False)
        sl = hits.iloc[(page - 1) * C.PAGE_SIZE: page * C.PAGE_SIZE]
        return page_rows(sl.id), len(hits)

    return exact, filtered


def naive_sql(db: Database):
    c = sao_case

    def run(conds, page):
        rows = db.execute(select(c.c.id, c.c.case_number, c.c.filed_date, c.c.court, c.c.police_district,
                                 c.c.neighborhood).where(*conds).order_by(c.c.filed_date.desc(), c.c.id.desc()),
                          row_cap=10**7).rows
        return rows[(page - 1) * C.PAGE_SIZE: page * C.PAGE_SIZE], len(rows)

    def exact(number):
        return run([c.c.case_number == number], 1)

    def filtered(item):
        f, charge, page = item
        return run(C._search_conditions(f, charge), page)

    return exact, filtered


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10.0)
    p.add_argument("--database-url", default=None)
    p.add_argument("--n", type=int, default=60, help="searches of each kind")
    p.add_argument("--seed", type=int, default=5)
    args = p.parse_args()
    url = args.database_url or database_for(args.scale)
    if not args.database_url:
        ensure_loaded(url, args.scale)
    db = Database(url, statement_timeout_ms=60000)
    # The baselines read whole tables, past PSAD_ROW_CAP (which a call can only lower).
    whole = Database(url, statement_timeout_ms=60000, row_cap=10**8)
    n_cases = db.execute(select(sao_case.c.id).order_by(sao_case.c.id.desc()).limit(1)).scalar()
    print(f"== Case lookup, {n_cases:,} cases ({url.rsplit('/', 1)[-1]}) ==")
    exact, filtered = workloads(whole, args.n, random.Random(args.seed))

    def ours_exact(number):
        return C.search.uncached(db, Filters(date(2012, 1, 1), date(2030, 1, 1)), number, None, 1)

    def ours_filtered(item):
        f, charge, page = item
        return C.search.uncached(db, f, None, charge, page)

    ours_exact(exact[0])  # connect and warm the pool
    results = {}
    results[("exact", "ours")] = time_calls(ours_exact, exact)
    results[("filtered", "ours")] = time_calls(ours_filtered, filtered)
    sql_exact, sql_filtered = naive_sql(whole)
    results[("exact", "naive SQL")] = time_calls(sql_exact, exact)
    results[("filtered", "naive SQL")] = time_calls(sql_filtered, filtered)
    t0 = time.perf_counter()
    pd_exact, pd_filtered = pandas_baseline(whole)
    print(f"(pandas baseline: loaded every case and charge into memory in {time.perf_counter() - t0:.1f} s, not timed)")
    results[("exact", "pandas in memory")] = time_calls(pd_exact, exact)
    results[("filtered", "pandas in memory")] = time_calls(pd_filtered, filtered)

    # The same answers (first page of each filtered search).
    for item in filtered[:10]:
        ours = list(ours_filtered(item).rows.case_number)
        theirs = [r[1] for r in sql_filtered(item)[0]]
        assert ours == theirs, "benchmark paths disagree"

    print(f"{'search':10} {'path':18} {'median ms':>10} {'p95 ms':>10} {'p95 vs ours':>12}  target")
    for kind, target in (("exact", 200), ("filtered", 500)):
        base_p95 = stats(results[(kind, "ours")])[1]
        for path in ("ours", "naive SQL", "pandas in memory"):
            med, p95 = stats(results[(kind, path)])
            tgt = (f"p95 < {target} ms: {'met' if p95 < target else 'NOT met'}") if path == "ours" else ""
            print(f"{kind:10} {path:18} {med:10.1f} {p95:10.1f} {p95 / base_p95:11.1f}x  {tgt}")
    db.dispose()
    whole.dispose()


if __name__ == "__main__":
    main()
