"""Benchmark: N viewers asking for the same cold view at once (a QR code at a town hall just after
a data load), with the query cache's per-key lock (``data_access.cache._once``) and without it.

    .venv/bin/python bench/bench_stampede.py [--viewers 200] [--rounds 3] [--redis redis://127.0.0.1:6379/12]
                                             [--scale 0.25] [--path /api/v1/counts?...] [--modes lock nolock]
                                             [--redis-socket-timeout 2]

The demo data is loaded into its own database (``psad_bench_stampede_s<scale>`` on
``DATABASE_URL``'s server, or on the embedded one), reused when already loaded. Each round bumps the
data version (so every cache key is cold, as after a load), then ``--viewers`` threads, released
together, each send one request for the same view through the Flask test client. For each mode it
prints how many times the view's queries ran (SQL statements other than the data-version read) and
the median / p95 / max latency of the requests. With ``--redis`` the cache is Redis (the lock is a
Redis key); otherwise the in-process cache (a thread lock). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

import data_access.cache as cache_module  # noqa: E402
from app import create_app, warming  # noqa: E402
from bench.bench_summary import database_for as bench_database  # noqa: E402  (one way to name and create a bench database)
from data_access import migrate  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.loading import bump_version, load_demo  # noqa: E402

DEFAULT_PATH = "/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month&police_district=Northern"


def database_for(scale: float) -> str:
    # its own database: the bench bumps the data version, which the other benches' shared one must keep
    url = bench_database(scale, prefix="psad_bench_stampede_s")
    db = Database(url)
    migrate.upgrade(db)
    if not db.execute(text("SELECT count(*) FROM load_log WHERE status = 'ok'")).scalar():
        t0 = time.perf_counter()
        print(f"loading demo data at scale {scale} into {url.rsplit('/', 1)[-1]} …", flush=True)
        load_demo(db, scale=scale)
        print(f"loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    db.dispose()
    return url


def cold(url: str) -> None:
    """A new data version: every cache key is cold, as right after a load."""
    db = Database(url)
    with db.begin() as conn:
        bump_version(conn, is_demo=True, data_as_of=date.today())
    db.dispose()


def crowd(app, path: str, viewers: int) -> tuple[list[float], int]:
    """Latencies (ms) of ``viewers`` simultaneous requests for ``path``; failed requests."""
    start = threading.Barrier(viewers)
    times: list[float] = []
    failed = [0]
    lock = threading.Lock()

    def viewer():
        client = app.server.test_client()
        start.wait()
        t0 = time.perf_counter()
        r = client.get(path)
        ms = (time.perf_counter() - t0) * 1000
        with lock:
            times.append(ms)
            failed[0] += r.status_code != 200

    threads = [threading.Thread(target=viewer) for _ in range(viewers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, failed[0]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--viewers", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--redis", default="", help="a Redis URL: the shared cache (default: in-process)")
    ap.add_argument("--path", default=DEFAULT_PATH, help="the view asked for (default: an API count view)")
    ap.add_argument("--modes", nargs="+", default=["lock", "nolock"], choices=["lock", "nolock"])
    ap.add_argument("--redis-socket-timeout", type=float, default=0.0,
                    help="seconds; default: the app's (0.25 s), which 200 threads in one process can exceed")
    args = ap.parse_args()

    url = database_for(args.scale)
    app = create_app({"database_url": url, "redis_url": args.redis, "warm_decks": False})
    # Only the crowd's work is measured: the app's warming jobs (which would also compute views in the
    # background on a new version) are left out.
    app.server.extensions[warming.JOBS] = []
    db = app.server.extensions["psad"].db
    statements: list[str] = []
    engine = db.read_engine if hasattr(db, "read_engine") else db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: statements.append(statement) if "data_state" not in statement
                 else None)
    if args.redis and args.redis_socket_timeout:
        # Every viewer's thread is in this one process: under 200 threads a Redis reply can wait
        # longer than the app's 0.25 s socket timeout for the GIL, and the breaker then takes
        # Redis for down (no cache, no lock). Gunicorn workers run PSAD_THREADS (8) threads each.
        config = {**app.server.config, **cache_module.cache_config(args.redis, 86400, retry_s=30)}
        config["CACHE_OPTIONS"] = {**config["CACHE_OPTIONS"], "socket_timeout": args.redis_socket_timeout}
        cache_module.cache.init_app(app.server, config=config)
    cold(url)
    r = app.server.test_client().get(args.path)  # the app's first request (Dash setup), not timed
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    per_view = len(statements)  # statements of one computation of the view
    print(f"{args.viewers} viewers, one cold view ({args.path}), {'Redis' if args.redis else 'in-process'} cache, "
          f"scale {args.scale:g}, {args.rounds} rounds; one computation of the view runs {per_view} statements")
    print(f"{'mode':8} {'round':>5} {'computations':>12} {'statements':>10} {'failed':>6} {'median ms':>10} "
          f"{'p95 ms':>8} {'max ms':>8}")
    summary = {}
    for mode in args.modes:
        cache_module.LOCKING = mode == "lock"
        all_times: list[float] = []
        runs = []
        for i in range(args.rounds):
            cold(url)
            del statements[:]
            times, failed = crowd(app, args.path, args.viewers)
            n = len(statements)
            runs.append(n / max(per_view, 1))
            all_times += times
            print(f"{mode:8} {i + 1:>5} {n / max(per_view, 1):>12.1f} {n:>10} {failed:>6} "
                  f"{statistics.median(times):>10.0f} {p95(times):>8.0f} {max(times):>8.0f}", flush=True)
        summary[mode] = (statistics.median(runs), statistics.median(all_times), p95(all_times))
    cache_module.LOCKING = True
    print("\nper mode, over all rounds (computations per round: median)")
    for mode, (n, med, p) in summary.items():
        print(f"  {mode:8} computations {n:6.1f}   median {med:6.0f} ms   p95 {p:6.0f} ms")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
