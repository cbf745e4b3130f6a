"""Benchmark: the Plan KPIs page's update (``callbacks.plan.plan_outputs``: every read and builder
of the tracker) cold and warm, at demo scale 1 (the issue's goal: cold p95 under 150 ms), and each
of its reads on its own, so the figures say which part costs what (the DV share and the calls
without police are engineer E's and C's functions, measured here as the page calls them).

    .venv/bin/python bench/bench_plan.py [--scale 1] [--database-url URL] [--repeat 3]

The database is ``--database-url`` if given (it must hold the demo data), else
``psad_bench_plan_s<scale>`` on ``DATABASE_URL``'s server, loaded on first use and reused
(``bench.bench_summary``'s helpers). The views: the Summary bench's filter combinations
(``bench_summary.filter_set``) without their offense (this page does not apply it), deduplicated.

* cold: the query cache emptied before every call (PostgreSQL's own buffers stay warm);
* warm: the same call again, answered from the cache.

Nothing here asserts a time; the machine may be shared, so say so beside the figures.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from bench.bench_summary import demo_database, filter_set, stats, timed_request  # noqa: E402
from callbacks.plan import plan_outputs  # noqa: E402
from data_access import kpi as K  # noqa: E402
from data_access import summary as Q  # noqa: E402
from data_access.cache import cache  # noqa: E402
from data_access.filters import Filters  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    url = demo_database(a.database_url, a.scale, "psad_bench_plan_s")
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    db, settings = svc.db, svc.settings
    with app.server.app_context():
        choices, options, _ = load_choices(db)
        todo = views(choices, options)
        plan_outputs(db, settings, todo[0], choices)  # connection pool, imports
        cold, warm = [], []
        part_cold: dict[str, list[float]] = {}
        for _ in range(a.repeat):
            for f in todo:
                cache.clear()
                cold.append(timed_request(app, db, lambda: plan_outputs(db, settings, f, choices)))
                warm.append(timed_request(app, db, lambda: plan_outputs(db, settings, f, choices)))
                for name, call in parts(db, settings, f, choices).items():
                    cache.clear()
                    part_cold.setdefault(name, []).append(timed_request(app, db, call))
    db.dispose()
    print(f"Plan KPIs update at demo scale {a.scale:g}: {len(todo)} views x {a.repeat}; goal: cold p95 < 150 ms")
    print(f"  cold (cache empty)  {stats(cold)}   (n={len(cold)})")
    print(f"  warm (cache hit)    {stats(warm)}   (n={len(warm)})")
    print("  each read alone, cold (they run concurrently in the page, so the page costs about the slowest):")
    for name, ms in part_cold.items():
        print(f"    {name:48s} {stats(ms)}")


if __name__ == "__main__":
    main()
