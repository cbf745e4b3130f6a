"""Benchmark: Map page update payload size and server time, against a naive baseline measured in
the same run.

    .venv/bin/python bench/bench_map.py [--scales 1 10] [--repeat 3]

For each scale the script uses the benches' shared demo database (``psad_bench_s<scale>`` on
``DATABASE_URL``'s server, or the embedded one: ``bench.bench_summary.database_for``), loading it
when missing and reusing it when already loaded, then, over a fixed set of filter combinations and
map views (each timed call one request of its own, its data-version lookup included):

* payload: the JSON the map update callback returns (``callbacks.map.map_outputs``: hideout,
  legend, points or density grid, CVI sites), raw and gzip-compressed, as Dash would send it;
* choropleth time: area counts + colours + tooltips (``area_counts`` and ``layouts.map.choropleth``),
  cold (query cache emptied before every call; PostgreSQL buffers warm, as on a running server)
  and warm;
* full update time: everything ``update_map`` computes, cold;
* baseline: what a typical Dash map does: every victim row in a pandas DataFrame, filtered per
  call, and the full-resolution GeoJSON re-sent with the counts in its properties plus every
  point (no cap), on every update.

It prints median and p95 (milliseconds, kilobytes) and ratios. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plotly.utils import PlotlyJSONEncoder  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from bench.bench_summary import database_for, ensure_loaded, timed_request  # noqa: E402  (one demo database per scale)
from callbacks.map import map_outputs  # noqa: E402
from data_access import map_queries as Q  # noqa: E402
from data_access.cache import cache  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.filters import GEO_FIELDS, Filters  # noqa: E402
from data_access.vocabulary import OFFENSES  # noqa: E402
from layouts import map as L  # noqa: E402

SEXUAL = {o.code for o in OFFENSES if o.sexual}


def cases(choices, options) -> list[tuple[str, Filters, dict]]:
    end = choices.today
    ytd = Filters(date(end.year, 1, 1), end)
    nbs = [c for c, _ in options["neighborhood"]]
    base = {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False}
    out = [
        ("YTD, neighborhoods", ytd, base),
        ("YTD, neighborhoods, rate, CVI", ytd, base | {"measure": "rate", "cvi": True}),
        ("YTD, CSAs", ytd, base | {"layer": "csa"}),
        ("YTD, council districts", ytd, base | {"layer": "council_district"}),
        ("last 28 days", ytd.replace(start=end - timedelta(days=27)), base),
        ("last 12 months", ytd.replace(start=end.replace(year=end.year - 1) + timedelta(days=1)), base),
        ("all years", ytd.replace(start=choices.first_date or date(2012, 1, 1)), base),
        ("YTD gun violence", ytd.replace(offense=("homicide", "shooting")), base),
        ("YTD Western", ytd.replace(police_district=("Western",)), base | {"layer": "police_district_2023"}),
        ("YTD council 7", ytd.replace(council_district=("7",)), base),
    ]
    for nb in nbs[:: max(1, len(nbs) // 5)][:5]:
        out.append((f"YTD {nb}", ytd.replace(neighborhood=(nb,)), base))
    out.append(("12 months, one neighborhood, all offenses", out[5][1].replace(neighborhood=(nbs[0],)), base))
    return out


def payload(out: dict) -> tuple[int, int]:
    body = {k: v for k, v in out.items() if k != "values"}
    raw = json.dumps({"response": body}, cls=PlotlyJSONEncoder).encode()
    return len(raw), len(gzip.compress(raw, 6))


def timed(app, db: Database, fn) -> float:
    """``fn()``'s milliseconds as one request: in a request of its own, its data-version lookup
    included once, as a real request makes it (outside a request every query would read it)."""
    return timed_request(app, db, fn)


def plain(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def baseline(url: str):
    """The naive way: all victim rows in memory, full-resolution geometry, no cap."""
    db = Database(url)
    with db.engine.connect() as conn:
        v = pd.read_sql(text("SELECT occurred_date, offense, lon, lat, block, weapon, police_district, "
                             "police_district_pre2023, police_district_2023, neighborhood, council_district, "
                             "legislative_district, csa FROM victim"), conn)
        geo = pd.read_sql(text("SELECT layer, code, name, population, geometry FROM geography"), conn)
    db.dispose()
    v["occurred_date"] = pd.to_datetime(v.occurred_date).dt.date

    def run(f: Filters, view: dict) -> bytes:
        p = f.prior()
        m = v.occurred_date.between(f.start, f.end)
        mp = v.occurred_date.between(p.start, p.end)
        g = pd.Series(True, index=v.index)
        for name in GEO_FIELDS:
            if getattr(f, name):
                g &= v[name].isin(getattr(f, name))
        if f.offense:
            g &= v.offense.isin(f.offense)
        layer = view["layer"]
        cur = v[m & g].groupby(layer).size()
        pri = v[mp & g].groupby(layer).size()
        feats = []
        for r in geo[geo.layer == layer].itertuples(index=False):
            n = int(cur.get(r.code, 0))
            feats.append({"type": "Feature", "geometry": r.geometry,
                          "properties": {"code": r.code, "name": r.name, "count": n, "prior": int(pri.get(r.code, 0)),
                                         "rate": n / r.population * 1000 if r.population else None}})
        pts = v[m & g & ~v.offense.isin(SEXUAL)]
        points = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                   "properties": {"offense": o, "date": d.isoformat(), "block": b, "weapon": w}}
                  for lon, lat, o, d, b, w in pts[["lon", "lat", "offense", "occurred_date", "block",
                                                   "weapon"]].itertuples(index=False)]
        return json.dumps({"areas": {"type": "FeatureCollection", "features": feats},
                           "points": {"type": "FeatureCollection", "features": points}}).encode()

    return run


def bench_scale(scale: float, repeat: int, with_baseline: bool = True) -> None:
    url = database_for(scale)
    ensure_loaded(url, scale)
    app = create_app({"database_url": url})
    with app.server.app_context():
        db = Database(url)
        settings = app.server.extensions["psad"].settings
        choices, options, _ = load_choices(db)
        runs = cases(choices, options)
        naive = baseline(url) if with_baseline else (lambda f, view: b"")
        print(f"\n== demo scale {scale}: {len(runs)} filter/view combinations x {repeat} ==")
        print(f"{'case':44} {'raw KB':>8} {'gzip KB':>8} {'base gz KB':>10} {'chor cold ms':>12} "
              f"{'full cold ms':>12} {'base ms':>8}")
        chor_cold, chor_warm, full_cold, base_ms, gz, base_gz = [], [], [], [], [], []
        for label, f, view in runs:
            row_chor, row_full, row_base = [], [], []
            for _ in range(repeat):
                cache.clear()
                row_chor.append(timed(app, db, lambda: L.choropleth(
                    SHAPES[(scale, view["layer"])], Q.area_counts(db, f, view["layer"]), measure=view["measure"],
                    min_population=settings.map_min_population, min_compare=settings.min_compare)))
                chor_warm.append(timed(app, db, lambda: L.choropleth(
                    SHAPES[(scale, view["layer"])], Q.area_counts(db, f, view["layer"]), measure=view["measure"],
                    min_population=settings.map_min_population, min_compare=settings.min_compare)))
                cache.clear()
                warm_shapes(db, scale)  # geometry is cached per data version, not per filter
                out = {}
                row_full.append(timed(app, db, lambda: out.update(map_outputs(db, settings, f, view))))
                body = {}
                row_base.append(plain(lambda: body.update(b=naive(f, view))))  # no data version there
            raw, z = payload(out)
            bz = len(gzip.compress(body["b"], 6))
            chor_cold += row_chor
            full_cold += row_full
            base_ms += row_base
            gz.append(z)
            base_gz.append(bz)
            print(f"{label[:44]:44} {raw / 1024:8.1f} {z / 1024:8.1f} {bz / 1024:10.1f} "
                  f"{statistics.median(row_chor):12.1f} {statistics.median(row_full):12.1f} "
                  f"{statistics.median(row_base):8.1f}")
        print(f"\nupdate payload gzip KB: median {statistics.median(gz) / 1024:.1f}, max {max(gz) / 1024:.1f} "
              f"(goal <= 300)" + (f"; naive baseline median {statistics.median(base_gz) / 1024:.1f}, "
                                  f"max {max(base_gz) / 1024:.1f}  -> "
                                  f"{statistics.median(base_gz) / statistics.median(gz):.1f}x smaller"
                                  if with_baseline else ""))
        print(f"choropleth update, cold cache: median {statistics.median(chor_cold):.1f} ms, "
              f"p95 {p95(chor_cold):.1f} ms (goal p95 < 150); warm: median {statistics.median(chor_warm):.2f} ms")
        print(f"full map update (choropleth + points/density + sites), cold: median "
              f"{statistics.median(full_cold):.1f} ms, p95 {p95(full_cold):.1f} ms")
        if with_baseline:
            print(f"naive baseline (pandas in memory, full geometry + every point): median "
                  f"{statistics.median(base_ms):.1f} ms, p95 {p95(base_ms):.1f} ms  -> full update "
                  f"{statistics.median(base_ms) / statistics.median(full_cold):.1f}x faster at the median")
        else:
            print("naive baseline skipped at this scale (--baseline-max-scale): it holds every victim row in memory")
        db.dispose()


SHAPES: dict = {}


def warm_shapes(db: Database, scale: float) -> None:
    """Geometry is cached per data version (sent once per layer): keep it out of the update timing."""
    for layer in list(Q.MAP_LAYERS) + ["city"]:
        SHAPES[(scale, layer)] = Q.area_shapes(db, layer)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-max-scale", type=float, default=1.0,
                    help="run the in-memory baseline only up to this scale (it holds every victim row in RAM)")
    args = ap.parse_args()
    for scale in args.scales:
        scale = int(scale) if scale == int(scale) else scale
        app_db = database_for(scale)
        ensure_loaded(app_db, scale)
        with create_app({"database_url": app_db}).server.app_context():
            warm_shapes(Database(app_db), scale)
        bench_scale(scale, args.repeat, scale <= args.baseline_max_scale)


if __name__ == "__main__":
    main()
