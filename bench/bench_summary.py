"""Benchmark: Summary callback latency, cold and warm, at demo scale 1 and 10, against a naive
pandas baseline measured in the same run.

    .venv/bin/python bench/bench_summary.py [--scales 1 10] [--repeat 1]

For each scale the script loads the demo data into its own database (``psad_bench_s<scale>`` on
``DATABASE_URL``'s server, or on the embedded server), reusing it when it is already loaded, then
times ``callbacks.summary.summary_outputs`` — exactly what the Summary callback runs — over a
fixed set of realistic filter combinations:

* cold: the query cache is emptied before every call (PostgreSQL's own buffers stay warm, as on
  a running server);
* warm: the same call again, answered from the cache;
* baseline: the same outputs (the same figure builders) computed the way a typical Dash app
  does it: every victim row in a pandas DataFrame in memory, filtered per call.

It prints median and p95 in milliseconds and the ratios. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.factory import settle_heap  # noqa: E402
from app.settings import PROJECT_ROOT, Settings  # noqa: E402
from callbacks.summary import summary_outputs  # noqa: E402
from data_access import migrate  # noqa: E402
from data_access.cache import cache, data_version  # noqa: E402
from data_access.db import Database  # noqa: E402
from data_access.embedded import embedded_url  # noqa: E402
from data_access.filters import GEO_FIELDS, Filters  # noqa: E402
from data_access.loading import load_demo  # noqa: E402
from data_access.summary import trend_grain  # noqa: E402
from layouts import summary as L  # noqa: E402


def database_for(scale: float, prefix: str = "psad_bench_s") -> str:
    """The URL of the bench database for ``scale`` (created empty if missing) on DATABASE_URL's
    server or the embedded one; a bench that changes its data names its own ``prefix``."""
    # one name per scale whatever its spelling (1, 1.0): every bench shares the same demo database
    return database_named(f"{prefix}{float(scale):g}".replace(".", "_"))


def database_named(name: str) -> str:
    """The URL of database ``name`` (created empty if missing) on DATABASE_URL's server or the
    embedded one."""
    import psycopg
    from sqlalchemy import make_url

    settings = Settings.from_env()
    server = settings.database_url or embedded_url(settings.data_dir, "postgres")
    u = make_url(server.replace("postgresql+psycopg://", "postgresql://"))
    with psycopg.connect(u.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return u.set(database=name).render_as_string(hide_password=False)


def demo_database(database_url: str | None, scale: float, prefix: str) -> str:
    """``--database-url`` as given (used as it is), else the bench's own demo database for
    ``scale``, loaded if it is not yet."""
    if database_url:
        return database_url
    url = database_for(scale, prefix=prefix)
    ensure_loaded(url, scale)
    return url


def ensure_loaded(url: str, scale: float) -> None:
    db = Database(url)
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        from sqlalchemy import text

        src = conn.execute(text("SELECT source FROM load_log WHERE status = 'ok' ORDER BY id DESC LIMIT 1")).scalar()
    # load_demo writes the scale as it was given ("scale=1" or "scale=1.0"): the same data either way
    loaded = re.fullmatch(r"demo scale=([0-9.]+) seed=2021", src or "")
    if not loaded or float(loaded.group(1)) != float(scale):
        t0 = time.perf_counter()
        print(f"  loading demo data at scale {scale} …", flush=True)
        load_demo(db, scale=scale)
        print(f"  loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    db.dispose()


def in_geography(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows of ``df`` inside ``f``'s geography filters (each chosen field, all at once): the
    pandas baselines' one geography rule."""
    m = np.ones(len(df), dtype=bool)
    for g in GEO_FIELDS:
        if getattr(f, g):
            m &= df[g].isin(getattr(f, g)).to_numpy()
    return df[m]


def filter_set(choices, options) -> list[Filters]:
    end = choices.today
    ytd = Filters(date(end.year, 1, 1), end)
    districts = [c for c, _ in options["police_district"]]
    nbhds = [c for c, _ in options["neighborhood"]]
    out = [ytd, Filters(end - timedelta(days=27), end), Filters(end - timedelta(days=364), end),
           Filters(choices.first_date, end)]
    out += [ytd.replace(police_district=(d,)) for d in districts]
    out += [Filters(date(y, 1, 1), date(y, 12, 31)) for y in (2019, 2021, 2023, 2025)]
    out += [ytd.replace(neighborhood=(n,)) for n in nbhds[::45]]
    out += [ytd.replace(council_district=(str(c),)) for c in (1, 7, 12)]
    out += [ytd.replace(offense=("homicide", "shooting")), ytd.replace(offense=("larceny",), police_district=("Central",))]
    # long spans under a geography filter: a Council office's or a district's whole history
    out += [Filters(choices.first_date, end, police_district=(d,)) for d in districts[:3]]
    out += [Filters(date(end.year - 2, 1, 1), end, council_district=("7",)),
            Filters(date(end.year - 4, 1, 1), end, neighborhood=(nbhds[10],), offense=("burglary",))]
    return out


@contextmanager
def one_request(app):
    """What one HTTP request gets: a fresh app context (a new ``flask.g``) and a request context,
    so the data-version lookup, made once per request, is made again inside every timed call. A
    request context pushed inside a longer-lived app context would share that context's ``g`` and
    look the version up only once for the whole run."""
    with app.server.app_context(), app.server.test_request_context():
        yield


def timed_request(app, db: Database, fn) -> float:
    """Milliseconds of ``fn()`` run as one request does: in a request of its own, after the data
    version is looked up (a request's first cached read, ``load_choices``, does it in the request's
    thread; the queries then share it, the concurrent ones included)."""
    with one_request(app):
        t0 = time.perf_counter()
        data_version(db)
        fn()
        return 1000 * (time.perf_counter() - t0)


# --- the naive baseline -------------------------------------------------------------------------

def load_frame(db: Database) -> pd.DataFrame:
    from sqlalchemy import text

    with db.begin() as conn:  # no statement timeout: the baseline loads every row once
        df = pd.read_sql(text("SELECT occurred_date, occurred_hour, occurred_dow, offense, is_gun_violence, "
                              "police_district, neighborhood, council_district, legislative_district FROM victim"),
                         conn)
    df["occurred_date"] = pd.to_datetime(df.occurred_date)
    for col in ("offense", "police_district", "neighborhood", "council_district", "legislative_district"):
        df[col] = df[col].astype("category")
    return df


def _mask(df, f: Filters, dates=True, offense=True):
    m = pd.Series(True, index=df.index)
    if dates:
        m &= (df.occurred_date >= pd.Timestamp(f.start)) & (df.occurred_date <= pd.Timestamp(f.end))
    for name in GEO_FIELDS:
        if getattr(f, name):
            m &= df[name].isin(getattr(f, name))
    if offense and f.offense:
        m &= df.offense.isin(f.offense)
    return m


def baseline_outputs(df: pd.DataFrame, f: Filters, settings: Settings, choices) -> dict:
    cur = df[_mask(df, f)]
    pri = df[_mask(df, f.prior())]
    counts = pd.concat([
        cur.groupby(["offense", "is_gun_violence"], observed=True).size().rename("current"),
        pri.groupby(["offense", "is_gun_violence"], observed=True).size().rename("prior"),
    ], axis=1).fillna(0).astype("int64").reset_index().rename(columns={"is_gun_violence": "gun"})
    grain = trend_grain(f)
    if grain == "week":
        k = ((pd.Timestamp(f.end) - cur.occurred_date).dt.days // 7)
        n = k.value_counts()
        weeks = pd.DataFrame({"k": range((f.days + 6) // 7)})
        weeks["n"] = weeks.k.map(n).fillna(0).astype("int64")
        weeks["period_end"] = [(f.end - timedelta(days=7 * i)) for i in weeks.k]
        weeks["period_start"] = [max(e - timedelta(days=6), f.start) for e in weeks.period_end]
        trend = weeks.sort_values("k", ascending=False)
    else:
        n = cur.groupby(cur.occurred_date.dt.to_period("M")).size()
        months = pd.period_range(f.start, f.end, freq="M")
        trend = pd.DataFrame({"period_start": [max(p.start_time.date(), f.start) for p in months],
                              "period_end": [min(p.end_time.date(), f.end) for p in months],
                              "n": [int(n.get(p, 0)) for p in months]})
    trend["days"] = [(e - s).days + 1 for s, e in zip(trend.period_start, trend.period_end)]
    hours = cur.dropna(subset=["occurred_hour"]).groupby(["occurred_dow", "occurred_hour"]).size()
    hours = hours.rename("n").reset_index().rename(columns={"occurred_dow": "dow", "occurred_hour": "hour"})
    through = choices.today
    geo = df[_mask(df, f.geo_only(), dates=False, offense=False) & df.is_gun_violence
             & (df.occurred_date >= pd.Timestamp(settings.goal_baseline_year, 1, 1))]
    year = geo.occurred_date.dt.year
    md = geo.occurred_date.dt.month * 100 + geo.occurred_date.dt.day
    gun = pd.DataFrame({"year": range(settings.goal_baseline_year, through.year + 1)})
    gun["n"] = gun.year.map(year.value_counts()).fillna(0).astype("int64")
    gun["ytd"] = gun.year.map(year[md <= through.month * 100 + through.day].value_counts()).fillna(0).astype("int64")
    goal = L.goal_rows(gun, baseline_year=settings.goal_baseline_year, reduction=settings.goal_annual_reduction,
                       through=through)
    cards = L.headline_cards(counts, f, min_compare=settings.min_compare, first_date=choices.first_date)
    return {"cards": L.cards_component(cards, f), "trend": L.trend_figure(trend.reset_index(drop=True), grain),
            "offenses": L.offense_figure(counts, f.offense), "heatmap": L.heatmap_figure(hours),
            "goal": L.goal_figure(goal, baseline_year=settings.goal_baseline_year,
                                  reduction=settings.goal_annual_reduction)}


def stats(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms"


def run(scale: float, repeat: int) -> dict:
    print(f"\n== demo scale {scale} ==", flush=True)
    url = database_for(scale)
    ensure_loaded(url, scale)
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    with app.server.app_context():
        choices, options, _ = load_choices(svc.db)
        filters = filter_set(choices, options)
        from sqlalchemy import text

        with svc.db.begin() as conn:  # no statement timeout: a count of every row, not a page query
            victims = conn.execute(text("SELECT count(*) FROM victim")).scalar()
        print(f"  {victims:,} victim rows; {len(filters)} filter combinations x {repeat}")
        cold, warm = [], []
        summary_outputs(svc.db, svc.settings, filters[0], choices)  # connection pool, imports
        settle_heap()  # as gunicorn's master does after warming (gunicorn.conf.py, when_ready)
        for _ in range(repeat):
            for f in filters:
                cache.clear()
                # Each call as one request of its own: its data-version lookup is in the time.
                cold.append(timed_request(app, svc.db, lambda: summary_outputs(svc.db, svc.settings, f, choices)))
                warm.append(timed_request(app, svc.db, lambda: summary_outputs(svc.db, svc.settings, f, choices)))
        t0 = time.perf_counter()
        frame = load_frame(svc.db)
        print(f"  baseline: {len(frame):,} rows loaded into pandas in {time.perf_counter() - t0:.1f} s "
              f"({frame.memory_usage(deep=True).sum() / 2**20:.0f} MiB)")
        base = []
        for _ in range(repeat):
            for f in filters:
                t0 = time.perf_counter()
                baseline_outputs(frame, f, svc.settings, choices)
                base.append(1000 * (time.perf_counter() - t0))
    svc.db.dispose()
    print(f"  cold (cache empty)     {stats(cold)}")
    print(f"  warm (cache hit)       {stats(warm)}")
    print(f"  baseline (pandas)      {stats(base)}")
    p95 = lambda xs: sorted(xs)[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]  # noqa: E731
    print(f"  baseline / cold: median {statistics.median(base) / statistics.median(cold):5.1f}x   "
          f"p95 {p95(base) / p95(cold):5.1f}x")
    print(f"  baseline / warm: median {statistics.median(base) / statistics.median(warm):5.1f}x")
    return {"cold": cold, "warm": warm, "base": base}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    print(f"Summary callback benchmark ({PROJECT_ROOT.name}); goal: cold p95 < 150 ms at scale 1, "
          f">= 5x faster than the pandas baseline at scale 10")
    for scale in args.scales:
        run(scale, args.repeat)


if __name__ == "__main__":
    main()
