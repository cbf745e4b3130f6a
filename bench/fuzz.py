"""The long fuzz run (issue 13): every ``/api/v1`` endpoint and every server-side Dash callback,
thousands of generated requests against the real app, zero 5xx expected.

    .venv/bin/python bench/fuzz.py [--api 3000] [--callbacks 3000] [--database-url URL] [--seed N]

The database is ``--database-url`` if given (any loaded database: it is only read), else a new
database on ``DATABASE_URL``'s server (default: the local PostgreSQL) loaded with the tests' demo
slice and dropped at the end. The cases come from ``tests/fuzz_support.py`` (the same generators
as the short run in ``tests/test_fuzz.py``): the API's endpoints from ``app.api.endpoints()``, the
callbacks from ``/_dash-dependencies``. It prints the count of answers per status code, per
endpoint and per callback, and every problem (a 5xx, a traceback in a body or in the log, an API
error not of the one shape); it exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.fuzz_support import Fuzz, LogWatch, api_cases, callback_cases, choices_of, dependencies_of  # noqa: E402


def fresh_database(server: str) -> str:
    import psycopg
    from sqlalchemy import make_url

    from data_access import migrate
    from data_access.db import Database
    from data_access.loading import load_demo
    from tests.conftest import DEMO_END, DEMO_SCALE, DEMO_START

    name = f"psad_fuzz_{uuid.uuid4().hex[:8]}"
    u = make_url(server.replace("postgresql+psycopg://", "postgresql://"))
    with psycopg.connect(u.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = u.set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    migrate.upgrade(db)
    load_demo(db, scale=DEMO_SCALE, start=DEMO_START, end=DEMO_END)
    db.dispose()
    return url


def drop(url: str) -> None:
    import psycopg
    from sqlalchemy import make_url

    u = make_url(url)
    with psycopg.connect(u.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False),
                         autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')


def run(fuzz: Fuzz, strategy, send, n: int, rng_seed: int) -> None:
    if n <= 0:
        return

    @seed(rng_seed)
    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def go(case):
        send(case)

    go()


def table(title: str, counts: dict) -> None:
    statuses = sorted({s for row in counts.values() for s in row})
    print(f"\n{title:<62}" + "".join(f"{s:>7}" for s in statuses) + f"{'total':>8}")
    for name in sorted(counts):
        row = counts[name]
        print(f"  {name:<60}" + "".join(f"{row.get(s, 0):>7}" for s in statuses) + f"{sum(row.values()):>8}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--api", type=int, default=3000, help="API cases")
    ap.add_argument("--callbacks", type=int, default=3000, help="callback cases")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)

    from app import create_app
    from app.api import endpoints
    from app.settings import Settings

    url = args.database_url
    if not url:
        server = Settings.from_env().database_url or "postgresql://postgres@127.0.0.1:5432/postgres"
        print("loading the demo slice into a new database …", flush=True)
        url = fresh_database(server)
    try:
        app = create_app({"database_url": url})
        client = app.server.test_client()
        fuzz = Fuzz(client)
        choices = choices_of(app)
        deps = dependencies_of(client)
        t0 = time.perf_counter()
        with LogWatch() as log:
            run(fuzz, api_cases(endpoints(), choices), fuzz.api, args.api, args.seed)
            t_api = time.perf_counter() - t0
            run(fuzz, callback_cases(deps, choices), fuzz.callback, args.callbacks, args.seed)
        elapsed = time.perf_counter() - t0
    finally:
        if not args.database_url:
            drop(url)

    total = sum(fuzz.statuses.values())
    print(f"\n{total} cases in {elapsed:.0f} s (API {t_api:.0f} s); "
          f"{sum(1 for d in deps if not d.get('clientside_function'))} server-side callbacks of {len(deps)}")
    by_status: dict = defaultdict(dict)
    for (kind, status), n in fuzz.statuses.items():
        by_status[kind][status] = n
    table("per status", by_status)
    for kind in ("api", "callback"):
        rows: dict = defaultdict(dict)
        for (k, target, status), n in fuzz.by_target.items():
            if k == kind:
                rows[target][status] = n
        table(f"per {'endpoint' if kind == 'api' else 'callback (its first output)'}", rows)
    problems = fuzz.problems + [f"log: {r.name}: {r.getMessage()[:200]}" for r in log.bad]
    print(f"\n5xx: {sum(n for (_k, s), n in fuzz.statuses.items() if s >= 500 and s != 503)}; "
          f"problems: {len(problems)}")
    for p in problems[:40]:
        print("  " + p.replace("\n", " ")[:400])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
