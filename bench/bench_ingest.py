"""Benchmark: ``psad ingest`` rows per second for crime and arrests at demo scale 1 and 10, and an
incremental ``psad refresh`` of one week through a local ArcGIS replay server.

    .venv/bin/python bench/bench_ingest.py [--scales 1 10] [--years10 3] [--refresh-repeat 5]

For each scale the demo generator's victims and arrests are written as CSV files in the
published 2021+ layouts (UTC timestamps) into a temporary folder, the synthetic city's layers as
GeoJSON boundary files; a fresh database (``psad_bench_ingest_s<scale>`` on ``DATABASE_URL``'s
server) gets the boundaries, then ``psad ingest crime FILE`` and ``psad ingest arrests FILE`` run
as subprocesses (wall time, process start included): a first load (all rows new) and a reload of
the same file (every row matched and compared, nothing changes). Scale 10 covers the last
``--years10`` calendar years only (the full 15 years at 10x would be ~6.6 million victims and
several GB of CSV on this 2-core machine); the default 3 years make about a million victims, the
size the goal names. The server is ``DATABASE_URL``'s, else the embedded one.

Refresh: the scale-1 database as loaded above; the replay server holds every victim from the
last ``overlap + 7`` days plus one new week; ``refresh`` runs ``--refresh-repeat`` times (the
first loads the new week, the rest find nothing new). Median and p95 are printed where a step
repeats. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.settings import Settings  # noqa: E402
from data_access import migrate  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.demo.export import arrest_frame, crime_frame, write_boundaries, write_csv  # noqa: E402
from data_access.demo.generate import generate  # noqa: E402
from data_access.ingest.boundaries import load_boundaries  # noqa: E402

PSAD = str(ROOT / ".venv" / "bin" / "psad")


def fresh_database(name: str) -> str:
    import psycopg
    from sqlalchemy import make_url

    from data_access.embedded import embedded_url

    # DATABASE_URL's server, else the embedded one `make run` uses (as tuned there).
    server = os.environ.get("DATABASE_URL") or embedded_url(Settings.from_env().data_dir, "postgres")
    u = make_url(server)
    admin = u.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return u.set(drivername="postgresql", database=name).render_as_string(hide_password=False)


def run_ingest(url: str, kind: str, path: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run([PSAD, "ingest", kind, str(path)], env={**os.environ, "DATABASE_URL": url},
                       capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode:
        sys.exit(f"psad ingest {kind} failed: {p.stderr.strip()}")
    return dt, p.stdout.splitlines()[0]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def bench_scale(scale: float, years: int | None, tmp: Path, keep: dict) -> None:
    end = date.today() - timedelta(days=7)
    start = date(2012, 1, 1) if years is None else date(end.year - years + 1, 1, 1)
    t0 = time.perf_counter()
    data = generate(scale=scale, start=start, end=end)
    print(f"\nscale {scale:g} ({start} .. {end}): generated {len(data.victims):,} victims, "
          f"{len(data.arrests):,} arrests in {time.perf_counter() - t0:.1f} s")
    folder = tmp / f"s{scale:g}"
    write_boundaries(data.geography, folder / "boundaries")
    t0 = time.perf_counter()
    crime_csv = write_csv(crime_frame(data.victims, "part1_2021"), folder / "part1_crime.csv")
    arrests_csv = write_csv(arrest_frame(data.arrests, "arrests_2021"), folder / "arrests.csv")
    print(f"  wrote CSVs in {time.perf_counter() - t0:.1f} s "
          f"({crime_csv.stat().st_size / 1e6:.0f} MB + {arrests_csv.stat().st_size / 1e6:.0f} MB)")
    url = fresh_database(f"psad_bench_ingest_s{str(scale).replace('.', '_')}")
    db = Database(url)
    migrate.upgrade(db)
    t0 = time.perf_counter()
    load_boundaries(db, [str(folder / "boundaries")])
    print(f"  boundaries: {time.perf_counter() - t0:.1f} s")
    for kind, path, n in (("crime", crime_csv, len(data.victims)), ("arrests", arrests_csv, len(data.arrests))):
        for label in ("first load", "reload"):
            dt, line = run_ingest(url, kind, path)
            print(f"  {kind:<8}{label:<11}{n:>10,} rows {dt:7.1f} s  {n / dt:>9,.0f} rows/s   [{line}]")
    keep[scale] = (url, data)
    db.dispose()


def bench_refresh(url: str, data, repeat: int) -> None:
    from data_access.ingest.arcgis import refresh
    from tests.arcgis_replay import Layer, ReplayServer, crime_features

    settings = Settings.from_env()
    v = data.victims
    days = v["occurred_date"].dt.date if hasattr(v["occurred_date"], "dt") else v["occurred_date"]
    last = days.max()
    # The database holds everything up to `last`; pretend a week passed: a new week of records
    # (the last week's, moved 7 days on) joins the window the refresh asks for.
    window = v[days > last - timedelta(days=settings.refresh_overlap_days + 1)]
    new = v[days > last - timedelta(days=7)].copy()
    new["occurred_at"] = new["occurred_at"] + timedelta(days=7)
    new["cc_number"] = "N" + new["cc_number"].astype("str")
    feats = crime_features(window) + crime_features(new, first_oid=len(window) + 1)
    server = ReplayServer().start()
    server.layers["Part1_Crime_Beta"] = Layer(feats, "CrimeDateTime", max_records=2000)
    s = dataclasses.replace(settings, arcgis_crime_url=server.url("Part1_Crime_Beta"))
    db = Database(url)
    times = []
    for i in range(repeat):
        server.requests.clear()
        t0 = time.perf_counter()
        (summary,) = refresh(db, s, datasets=["crime"], backoff=0.1)
        times.append(time.perf_counter() - t0)
        print(f"  refresh #{i + 1}: {times[-1]:.2f} s, {len(feats):,} features served, "
              f"{len(server.requests)} requests, loaded {summary.rows_loaded:,}, updated {summary.rows_updated:,}")
    server.stop()
    db.dispose()
    print(f"  incremental refresh of one week: median {statistics.median(times):.2f} s, "
          f"p95 {pct(times, 0.95):.2f} s (first run {times[0]:.2f} s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    ap.add_argument("--years10", type=int, default=3, help="calendar years generated at scale >= 10")
    ap.add_argument("--refresh-repeat", type=int, default=5, help="0 skips the refresh benchmark")
    args = ap.parse_args()
    keep: dict = {}
    with tempfile.TemporaryDirectory(prefix="psad_bench_ingest_") as tmp:
        for scale in args.scales:
            bench_scale(scale, args.years10 if scale >= 10 else None, Path(tmp), keep)
            if scale in keep and scale != min(args.scales):
                keep.pop(scale)  # free memory; refresh runs on the smallest scale
        first = min(args.scales)
        if first in keep and args.refresh_repeat > 0:
            print(f"\nrefresh (scale {first:g} database, replay server on 127.0.0.1)")
            bench_refresh(keep[first][0], keep[first][1], args.refresh_repeat)


if __name__ == "__main__":
    main()
