"""Benchmark: the Neighborhood Stat page's update (``callbacks.neighborhood_stat.ns_outputs``: every
query and builder of the page) cold and warm, at demo scale 1 (the issue's goal: cold p95 under
150 ms).

    .venv/bin/python bench/bench_neighborhood_stat.py [--scale 1] [--database-url URL] [--repeat 3]

The database is ``--database-url`` if given (it must hold the demo data, Vital Signs included),
else ``psad_bench_ns_s<scale>`` on ``DATABASE_URL``'s server, loaded on first use and reused. The
views: the city, each City Council district, each police district, some neighborhoods, each with
the default pickers and with another ranking indicator and scatter pair.

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
from bench.bench_summary import demo_database, stats, timed_request  # noqa: E402
from callbacks.neighborhood_stat import ns_outputs  # noqa: E402
from data_access import vital_signs as V  # noqa: E402
from data_access.cache import cache  # noqa: E402
from data_access.filters import Filters  # noqa: E402


def views(choices, options, indicators) -> list[tuple[Filters, dict]]:
    end = choices.today
    span = Filters(date(end.year - 1, 1, 1), end)
    other = {"rank": indicators[len(indicators) // 2], "x": indicators[1], "y": indicators[-1]}
    out = [(span, {}), (span, other)]
    for field in ("council_district", "police_district"):
        for code, _name in options[field]:
            out.append((span.replace(**{field: (code,)}), {}))
    for code, _name in options["neighborhood"][::40]:
        out.append((span.replace(neighborhood=(code,)), other))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    url = demo_database(a.database_url, a.scale, "psad_bench_ns_s")
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    with app.server.app_context():
        choices, options, _ = load_choices(svc.db)
        indicators = list(V.indicators(svc.db)["indicator"])
        if not indicators:
            sys.exit("no Vital Signs in this database: load the demo (or psad ingest vital-signs) first")
        todo = views(choices, options, indicators)
        ns_outputs(svc.db, todo[0][0], options)  # connection pool, imports
        cold, warm = [], []
        for _ in range(a.repeat):
            for f, picks in todo:
                cache.clear()
                cold.append(timed_request(app, svc.db, lambda: ns_outputs(svc.db, f, options, **picks)))
                warm.append(timed_request(app, svc.db, lambda: ns_outputs(svc.db, f, options, **picks)))
    svc.db.dispose()
    print(f"Neighborhood Stat update at demo scale {a.scale:g}: {len(todo)} views x {a.repeat}; "
          f"goal: cold p95 < 150 ms")
    print(f"  cold (cache empty)  {stats(cold)}   (n={len(cold)})")
    print(f"  warm (cache hit)    {stats(warm)}   (n={len(warm)})")


if __name__ == "__main__":
    main()
