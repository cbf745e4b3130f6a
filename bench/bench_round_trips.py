"""Benchmark: server time of a first view's layout and of a warm filter change (issue 12), as the
browser asks for them, through the Flask test client (no network).

    .venv/bin/python bench/bench_round_trips.py DATABASE_URL [--runs 50]

Run it from a checkout (``PYTHONPATH`` picks which code: e.g. ``git archive HEAD~1 | tar -x -C
/tmp/before`` and ``PYTHONPATH=/tmp/before``) to compare before and after in one run. It uses an
in-process cache (SimpleCache), warms it with one pass, then times ``runs`` calls of each:

* layout: ``GET /_dash-layout`` with the Summary's address as Referer (cached, and with the
  layout cache emptied before each call where the code has one);
* filter change: every request a change of the police district on the Summary costs (before:
  ``sync_filters`` then the page's callback; after: ``update_view``), summed per change.

It prints median and p95 in milliseconds: of the whole call through the test client, and of the
server's own part (the WSGI app, without the client building the request and parsing the answer). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def stats(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  (n={len(ms)})"


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)

    from app import create_app, ids
    from tests.dash_support import payload

    app = create_app({"database_url": args.database_url, "warm_decks": False})
    server = app.server
    server.extensions["psad_warm_jobs"] = []  # no background warming competing with the timings
    server_times: list[float] = []
    inner = server.wsgi_app

    def timed_wsgi(environ, start_response):  # the server's own time, without the client's JSON work
        t = time.perf_counter()
        body = b"".join(inner(environ, start_response))
        server_times.append(time.perf_counter() - t)
        return [body]

    server.wsgi_app = timed_wsgi
    client = server.test_client()
    client.get("/")
    after = hasattr(ids, "URL_CHANGE")
    referer = {"Referer": "http://localhost/"}
    state = "?start=2026-01-01&end=2026-10-31"
    picks = [["Central"], ["Western"]]

    def get_layout():
        assert client.get("/_dash-layout", headers=referer).status_code == 200

    def uncached_layout():
        if after:
            from app.factory import layout_key
            from data_access.cache import cache

            with server.test_request_context("/_dash-layout", headers=referer):
                cache.delete(layout_key())
        get_layout()

    def post(body):
        r = client.post("/_dash-update-component", json=body)
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        return r.get_json()

    n = [0]

    def change():
        pick = picks[n[0] % 2]
        n[0] += 1
        controls = {f"{ids.FILTER_CONTROLS[f]}.value": None for f in ids.FILTER_CONTROLS}
        controls[f"{ids.POLICE_DISTRICT}.value"] = pick
        common = {f"{ids.QUICK_RANGE}.value": None, f"{ids.DATE_RANGE}.start_date": "2026-01-01",
                  f"{ids.DATE_RANGE}.end_date": "2026-10-31", f"{ids.URL}.search": state, f"{ids.URL}.pathname": "/",
                  f"{ids.FILTER_STATE}.data": state, **controls}
        if after:
            common[f"{ids.VIEW}.data"] = {"path": "/", "search": state}
            out = post(payload(app, f"{ids.FILTER_STATE}.data", common, f"{ids.POLICE_DISTRICT}.value"))
            assert ids.SUMMARY_CARDS in out.get("sideUpdate", {})
        else:
            out = post(payload(app, f"{ids.FILTER_STATE}.data", common, f"{ids.POLICE_DISTRICT}.value"))
            new_state = out["response"][ids.FILTER_STATE]["data"]
            post(payload(app, ids.SUMMARY_CARDS, {f"{ids.FILTER_STATE}.data": new_state, f"{ids.URL}.pathname": "/"},
                         f"{ids.FILTER_STATE}.data"))

    for fn in (get_layout, change, change):  # warm the query cache and the layout cache
        fn()
    label = "after" if after else "before"
    for name, fn in (("layout, warm:       ", get_layout), ("layout, not cached: ", uncached_layout),
                     ("filter change, warm:", change)):
        server_times.clear()
        total = timed(fn, args.runs)
        per_call = len(server_times) // args.runs
        inside = [sum(server_times[i:i + per_call]) for i in range(0, len(server_times), per_call)]
        print(f"[{label}] {name} {stats(total)}; server {stats(inside)}"
              + ("" if name.startswith("layout") else f"  ({'1 request' if after else '2 requests, summed'})"))


if __name__ == "__main__":
    sys.exit(main())
