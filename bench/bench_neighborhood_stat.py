"""Benchmark: the Neighborhood Stat page's update (``callbacks.neighborhood_stat.ns_outputs``: every
query and builder of the page) cold and warm, at demo scale 1 and 10, against an in-memory pandas
baseline measured in the same run (issue 15's goals: cold p95 under 150 ms at scale 1, at least 5x
faster than the baseline at scale 10, median against median).

    .venv/bin/python bench/bench_neighborhood_stat.py [--scales 1 10] [--database-url URL] [--repeat 3]

The database of a scale is ``--database-url`` if given (``{scale}`` in it is replaced by the scale,
e.g. ``postgresql://postgres@127.0.0.1:5432/psad_shared_s{scale}``; it must hold the demo data,
Vital Signs included), else ``psad_bench_ns_s<scale>`` on ``DATABASE_URL``'s server, loaded on first
use and reused. The views: the city, each City Council district, each police district, some
neighborhoods, each with the default pickers and with another ranking indicator and scatter pair.

* cold: the query cache emptied before every call (PostgreSQL's own buffers stay warm);
* warm: the same call again, answered from the cache;
* baseline: the same outputs (the same row functions and builders) from the raw tables held in
  pandas (every Vital Signs value, the dictionary, the CSAs and their links, every victim row),
  filtered and counted per call, as a Dash app over in-memory frames would.

Nothing here asserts a time; the machine may be shared, so say so beside the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.factory import settle_heap  # noqa: E402
from app.i18n import _  # noqa: E402
from bench.bench_summary import demo_database, one_request, stats, timed_request  # noqa: E402
from callbacks.neighborhood_stat import ns_outputs  # noqa: E402
from data_access import vital_signs as V  # noqa: E402
from data_access.cache import cache  # noqa: E402
from data_access.filters import FILTER_FIELDS, Filters  # noqa: E402
from layouts import neighborhood_stat as L  # noqa: E402


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


# --- the in-memory pandas baseline --------------------------------------------------------------------

def load_raw(db) -> dict:
    """The raw tables the page reads, whole, as frames (the victims one row per victim)."""
    from sqlalchemy import text

    def frame(sql):
        with db.begin() as conn:  # no statement timeout: the baseline loads every row once
            return pd.read_sql(text(sql), conn)

    victims = frame("SELECT v.csa, v.occurred_date, o.grp FROM victim v JOIN offense_category o ON o.code = v.offense")
    victims["occurred_date"] = pd.to_datetime(victims["occurred_date"])
    victims = victims.astype({"csa": "category", "grp": "category"})
    return {"values": frame("SELECT indicator, csa, year, value FROM vital_sign_value"),
            "dictionary": frame("SELECT * FROM vital_sign_indicator"),
            "geography": frame("SELECT layer, code, name, population FROM geography WHERE layer IN ('csa', 'city')"),
            "links": frame("SELECT neighborhood, layer, code FROM area_link"),
            "victims": victims}


def baseline_dictionary(raw: dict) -> pd.DataFrame:
    v, d = raw["values"], raw["dictionary"]
    span = v[v["csa"] == V.CITY].groupby("indicator")["year"].agg(first_year="min", last_year="max").reset_index()
    d = d[d["indicator"].isin(v["indicator"].unique())].merge(span, on="indicator", how="left")
    order = {s: k for k, s in enumerate(V.SECTIONS)}
    d = d.assign(o=d["section"].map(lambda s: order.get(s, len(V.SECTIONS)))).sort_values(["o", "section", "sort"])
    return d[V.INDICATOR_COLUMNS].reset_index(drop=True)


def baseline_csas(raw: dict, f: Filters) -> tuple[str, ...]:
    links = raw["links"]
    nbs = None
    if f.neighborhood:
        nbs = set(f.neighborhood)
    for field in FILTER_FIELDS:
        if field.geo and field.name != "neighborhood" and getattr(f, field.name):
            lk = links[links["layer"].isin(field.area_layers) & links["code"].isin(getattr(f, field.name))]
            these = set(lk["neighborhood"])
            nbs = these if nbs is None else nbs & these
    if nbs is None:
        return ()
    csa = links[(links["layer"] == "csa") & links["neighborhood"].isin(nbs)]
    return tuple(sorted(set(csa["code"])))


def baseline_outputs(raw: dict, f: Filters, options: dict, picks: dict) -> dict:
    """The page's figures and tables from the frames: pandas for every selection and count, the
    page's own row functions and builders for the rest."""
    v, geo, victims = raw["values"], raw["geography"], raw["victims"]
    dictionary = baseline_dictionary(raw)
    csas = geo[geo["layer"] == "csa"].sort_values("name")
    names = dict(zip(csas["code"], csas["name"]))
    chosen = baseline_csas(raw, f)
    csa = V.area_of(chosen, picks.get("area"), names)
    codes = dictionary["indicator"].tolist()
    rank, x, y = picks.get("rank") or V.DEFAULT_RANK, picks.get("x") or V.DEFAULT_X, picks.get("y") or V.DEFAULT_Y
    rank, x, y = (p if p in codes else codes[0] for p in (rank, x, y))
    end_year = f.end.year
    highlight = V.highlight_of(chosen, csa)
    values = v[v["csa"].isin([csa, V.CITY])]
    mine = victims if csa == V.CITY else victims[victims["csa"] == csa]
    counts = mine.groupby([mine["occurred_date"].dt.year.rename("year"), "grp"], observed=True).size()
    counts = counts.rename("victims").reset_index().rename(columns={"grp": "group"})
    d = victims["occurred_date"]
    lo, hi = d.min(), d.max()
    covered = (lo.year if (lo.month, lo.day) == (1, 1) else lo.year + 1,
               hi.year if (hi.month, hi.day) == (12, 31) else hi.year - 1)
    pop = geo[(geo["layer"] == "city")] if csa == V.CITY else geo[geo["code"] == csa]
    population = int(pop["population"].sum()) or None
    name = L.area_name(csa, names)
    labels = dict(zip(dictionary["indicator"], dictionary["label"]))
    r_year, r_city, r_rows = V.ranking_rows(v[v["indicator"] == rank], names, end_year, highlight)
    s_year, s_rows = V.scatter_rows(v[v["indicator"] == x], v[v["indicator"] == y], names, end_year, highlight)
    where = ", ".join(names.get(c, c) for c in highlight) if highlight else _("no CSA")
    return {
        "profile": L.profile_view(V.profile_rows(values, dictionary, csa, end_year), name,
                                  list(dict.fromkeys(dictionary["section"]))),
        "crime": L.crime_view(V.crime_rate_rows(values, csa, counts, population, covered, end_year), name),
        "rank": L.ranking_view(r_rows, r_city, labels[rank], r_year, where),
        "scatter": L.scatter_view(s_rows, labels[x], labels[y], s_year, where),
        "options": (L.indicator_options(dictionary), L.area_options(chosen, names)),
    }


def p95(xs: list[float]) -> float:
    return sorted(xs)[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def run(scale: float, database_url: str | None, repeat: int) -> None:
    print(f"\n== demo scale {scale:g} ==", flush=True)
    url = demo_database(database_url.replace("{scale}", f"{scale:g}") if database_url else None, scale,
                        "psad_bench_ns_s")
    app = create_app({"database_url": url, "redis_url": ""})
    svc = app.server.extensions["psad"]
    with app.server.app_context():
        choices, options, _ = load_choices(svc.db)
        indicators = list(V.indicators(svc.db)["indicator"])
        if not indicators:
            sys.exit("no Vital Signs in this database: load the demo (or psad ingest vital-signs) first")
        todo = views(choices, options, indicators)
        ns_outputs(svc.db, todo[0][0], options)  # connection pool, imports
        settle_heap()  # as gunicorn's master does after warming (gunicorn.conf.py, when_ready)
        cold, warm = [], []
        for _ in range(repeat):
            for f, picks in todo:
                cache.clear()
                cold.append(timed_request(app, svc.db, lambda: ns_outputs(svc.db, f, options, **picks)))
                warm.append(timed_request(app, svc.db, lambda: ns_outputs(svc.db, f, options, **picks)))
        t0 = time.perf_counter()
        raw = load_raw(svc.db)
        print(f"  baseline: {len(raw['victims']):,} victim rows and {len(raw['values']):,} Vital Signs values loaded "
              f"into pandas in {time.perf_counter() - t0:.1f} s", flush=True)
        base = []
        for _ in range(repeat):
            for f, picks in todo:
                with one_request(app):
                    t0 = time.perf_counter()
                    baseline_outputs(raw, f, options, picks)
                    base.append(1000 * (time.perf_counter() - t0))
    svc.db.dispose()
    print(f"  {len(todo)} views x {repeat}")
    print(f"  cold (cache empty)     {stats(cold)}   (n={len(cold)})")
    print(f"  warm (cache hit)       {stats(warm)}   (n={len(warm)})")
    print(f"  baseline (pandas)      {stats(base)}   (n={len(base)})")
    print(f"  baseline / cold: median {statistics.median(base) / statistics.median(cold):5.1f}x   "
          f"p95 {p95(base) / p95(cold):5.1f}x")
    print(f"  baseline / warm: median {statistics.median(base) / statistics.median(warm):5.1f}x", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    ap.add_argument("--database-url", help="the database of every scale; {scale} in it is replaced by the scale")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.database_url and len(a.scales) > 1 and "{scale}" not in a.database_url:
        ap.error("with several --scales, --database-url needs {scale} in it (one database per scale)")
    print("Neighborhood Stat update benchmark; goals: cold p95 < 150 ms at scale 1, >= 5x faster than the "
          "pandas baseline at scale 10 (median vs median)")
    for scale in a.scales:
        run(scale, a.database_url, a.repeat)


if __name__ == "__main__":
    main()
