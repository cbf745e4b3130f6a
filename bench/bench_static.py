"""Benchmark: the server's Python time per static file of a first visit, answered by Flask (routing,
request context, after-request hooks, the compressed store) against ``app.static_compression.Replay``
(the recorded answer replayed in front of Flask), in one run on the same app (issue 12: a crowd's
first visit asks for about 25 of these per viewer).

    .venv/bin/python bench/bench_static.py [--database-url URL] [--rounds 200] [--pages / /map]

Each request is a WSGI call with the headers Chromium sends (``Accept-Encoding: gzip, deflate, br,
zstd``), body read whole, as gunicorn would; gunicorn's own HTTP parsing is the same either way and
is not in these figures. Prints the median and p95 per request and the ratio. Nothing here asserts a
time; a shared machine's figures say so beside them.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import EnvironBuilder  # noqa: E402

from app import create_app  # noqa: E402
from bench.bench_summary import demo_database  # noqa: E402

HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept": "*/*",
           "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}


def static_urls(server, pages) -> list[str]:
    client = server.test_client()
    urls: list[str] = []
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="(/(?:assets|_dash-component-suites)/[^"]+)"', html):
            if url not in urls:
                urls.append(url)
    return urls


def figures(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {"median": statistics.median(ms), "p95": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]}


def call(wsgi, url: str) -> float:
    path, _, query = url.partition("?")
    environ = EnvironBuilder(path=path, query_string=query, headers=HEADERS).get_environ()
    t0 = time.perf_counter()
    answer = wsgi(environ, lambda status, headers, exc_info=None: None)
    b"".join(answer)
    if hasattr(answer, "close"):
        answer.close()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=None, help="a database holding the demo (default: the benches' scale 1)")
    ap.add_argument("--rounds", type=int, default=200, help="times every static file is asked for, per way")
    ap.add_argument("--pages", nargs="+", default=["/", "/map"])
    args = ap.parse_args()
    url = demo_database(args.database_url, 1.0, "psad_bench")
    app = create_app({"database_url": url})
    replay = app.server.extensions["psad_static_replay"]
    urls = static_urls(app.server, args.pages)
    for u in urls:  # recorded (and compressed) once, as gunicorn's warm-up does before the fork
        call(replay, u)
    print(f"{len(urls)} static files ({', '.join(args.pages)}), {args.rounds} rounds each way, interleaved")
    flask_t: list[float] = []
    replay_t: list[float] = []
    for _ in range(args.rounds):
        for u in urls:
            flask_t.append(call(replay.wsgi_app, u))  # the app behind the replay: Flask as before
            replay_t.append(call(replay, u))
    f, r = figures(flask_t), figures(replay_t)
    print(f"  Flask  : median {f['median']:.3f} ms, p95 {f['p95']:.3f} ms per request")
    print(f"  replay : median {r['median']:.3f} ms, p95 {r['p95']:.3f} ms per request")
    print(f"  ratio (Flask / replay): median {f['median'] / r['median']:.1f}x, p95 {f['p95'] / r['p95']:.1f}x")
    print(f"  per first visit ({len(urls)} files): Flask {f['median'] * len(urls):.1f} ms, "
          f"replay {r['median'] * len(urls):.1f} ms (medians × files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
