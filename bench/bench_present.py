"""Benchmark: opening a presentation deck, cold and warm, in-process and over HTTP, and changing
slides in a real browser.

    .venv/bin/python bench/bench_present.py [--scales 1 10] [--repeat 5] [--changes 50] [--no-browser]

For each scale the script uses the benches' shared demo database (``psad_bench_s<scale>``, loaded
by ``bench.bench_summary.database_for``/``ensure_loaded`` when missing: about 70 s at scale 1) and
times, for several decks (the city, a police district, a Council district, a comparison):

* in-process: ``load_choices`` + ``callbacks.present.deck_outputs``, exactly what the deck's
  callback runs, in a request context of its own;
* over HTTP: the deck's callback through Dash's real endpoint (``POST /_dash-update-component``,
  the payload the renderer sends, built by ``tests.dash_support``), on the app served by werkzeug
  in a thread on a free 127.0.0.1 port;
* cold: the query cache (and the QR codes' memo) emptied before the call; PostgreSQL's own
  buffers stay warm, as on a running server. Warm: the same call again;
* after warming: the cache emptied, ``warm_decks`` run as after a load (its time is printed), then
  the first opening of each default deck;
* slide change: headless Chromium (selenium) on the served deck; a keydown (ArrowRight/PageDown,
  ArrowLeft/PageUp) dispatched to the page, timed with ``performance.now()`` from just before the
  dispatch to the second ``requestAnimationFrame`` callback after it (the next painted frame).

It prints median and p95 in milliseconds and the cold/warm ratios. Nothing here asserts a time.
Goals (issue 10): open under 1 s cold at demo scale 1; slide change under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app, ids  # noqa: E402
from app.context import load_choices  # noqa: E402
from app.pages import PAGE_PARAMS  # noqa: E402
from app.settings import PROJECT_ROOT  # noqa: E402
from app.urlstate import default_filters, parse, to_query  # noqa: E402
from bench.bench_summary import database_for, ensure_loaded  # noqa: E402  (one demo database per scale)
from callbacks.present import deck_outputs, warm_decks  # noqa: E402
from data_access.cache import cache  # noqa: E402
from layouts import present as L  # noqa: E402
from tests.dash_support import payload  # noqa: E402

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--window-size=1280,720"]


def deck_searches(options) -> list[tuple[str, str]]:
    """(name, the deck's query string): a plain /present link, a police and a Council district,
    and two comparison decks."""
    police = "Central" if any(c == "Central" for c, _ in options["police_district"]) else options["police_district"][0][0]
    return [("city", ""), (f"police {police}", f"?police_district={police}"),
            ("council 7", "?council_district=7"), ("council 7 vs city", "?council_district=7&compare=city"),
            (f"council 7 vs {police}", f"?council_district=7&compare=police_district:{police}")]


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def stats(ms: list[float]) -> str:
    return f"median {statistics.median(ms):8.1f} ms   p95 {p95(ms):8.1f} ms   (n={len(ms)})"


def empty_caches() -> None:
    cache.clear()
    L.qr_data_uri.cache_clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app) -> tuple[str, object]:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    port = free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True, name="bench-server").start()
    return f"http://127.0.0.1:{port}", server


def in_process(app, search: str) -> float:
    svc = app.server.extensions["psad"]
    with app.server.test_request_context("/present" + search):
        t0 = time.perf_counter()
        choices, options, data = load_choices(svc.db)  # what page_update does first
        f, _ = parse(search, choices, extra=PAGE_PARAMS)
        deck_outputs(svc.db, svc.settings, f, choices, data, options, search)
        return 1000 * (time.perf_counter() - t0)


def http_body(app, f, search: str) -> bytes:
    body = payload(app, f"{ids.PRESENT_DECK}.children", {
        f"{ids.FILTER_STATE}.data": to_query(f), f"{ids.URL}.pathname": "/present", f"{ids.URL}.search": search})
    return json.dumps(body).encode()


def over_http(base: str, body: bytes) -> tuple[float, int]:
    req = urllib.request.Request(base + "/_dash-update-component", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
        assert r.status == 200, r.status
    return 1000 * (time.perf_counter() - t0), len(data)


# --- the browser ----------------------------------------------------------------------------------

CHANGE = """
const done = arguments[arguments.length - 1];
const key = arguments[0];
const t0 = performance.now();
document.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true, cancelable: true}));
requestAnimationFrame(() => requestAnimationFrame(() => {
  const cur = document.querySelector(".deck .slide.current");
  done([performance.now() - t0, cur ? cur.getAttribute("data-n") : null]);
}));
"""


def browser_changes(base: str, search: str, changes: int, districts=()) -> tuple[list[float], float, tuple]:
    """(slide-change times in ms, seconds from navigation to the deck shown, ``present_clicks`` over
    ``districts``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    try:
        driver.set_script_timeout(10)
        t0 = time.perf_counter()
        driver.get(base + "/present" + search)
        deadline = time.time() + 60
        while not driver.execute_script("return document.querySelectorAll('.deck .slide').length > 1"):
            if time.time() > deadline:
                raise RuntimeError("the deck did not load")
            time.sleep(0.02)
        shown = time.perf_counter() - t0
        count = int(driver.execute_script("return document.querySelectorAll('.deck .slide').length"))
        times, n, forward = [], 1, True
        for i in range(changes + 4):
            if forward and n == count:
                forward = False
            elif not forward and n == 1:
                forward = True
            key = ("ArrowRight", "PageDown")[i % 2] if forward else ("ArrowLeft", "PageUp")[i % 2]
            ms, now = driver.execute_async_script(CHANGE, key)
            expected = n + 1 if forward else n - 1
            if now != str(expected):
                raise RuntimeError(f"{key} from slide {n} showed slide {now}, not {expected}")
            n = expected
            if i >= 4:  # the first few warm up the page's JIT and layout caches
                times.append(ms)
        return times, shown, present_clicks(driver, districts)
    finally:
        driver.quit()


def present_clicks(driver, districts) -> tuple[list[float], list[float]]:
    """(cold, warm) ms from a click on a page's Present control to its deck on screen, the app's
    scripts already in the browser, as when a presenter opens the deck from the dashboard. Cold:
    the query cache emptied just before the click; warm: Escape back, and Present again."""
    def wait(predicate: str) -> None:
        deadline = time.time() + 30
        while not driver.execute_script(predicate):
            if time.time() > deadline:
                raise RuntimeError(f"timed out: {predicate}")
            time.sleep(0.01)

    def click_present(code: str) -> float:
        chosen = f"/council_district={code}([&:]|$)/"
        wait(f"var a = document.getElementById('present-link'); return !!a && {chosen}.test(a.href)")
        t0 = time.perf_counter()
        driver.execute_script("document.getElementById('present-link').click()")
        wait(f"var d = document.querySelector('.deck[data-ready=\"1\"]'); return !!d && "
             f"{chosen}.test(d.getAttribute('data-key'))")
        return (time.perf_counter() - t0) * 1000

    cold, warm = [], []
    for code in districts:
        driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                              "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'))",
                              f"/?council_district={code}")
        empty_caches()
        cold.append(click_present(code))
        driver.execute_script("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))")
        warm.append(click_present(code))
    return cold, warm


def run(scale: float, repeat: int, changes: int, browser: bool) -> None:
    print(f"\n== demo scale {scale} ==", flush=True)
    url = database_for(scale)
    ensure_loaded(url, scale)
    app = create_app({"database_url": url, "redis_url": "", "warm_decks": False})  # warmed by hand below
    svc = app.server.extensions["psad"]
    with app.server.test_request_context("/"):
        choices, options, _ = load_choices(svc.db)
    decks = deck_searches(options)
    print(f"  decks: {', '.join(name for name, _ in decks)}; default dates {default_filters(choices).start} – "
          f"{default_filters(choices).end}; {repeat} repeats")
    in_process(app, "")  # connection pool, imports

    cold, warm = [], []
    per_deck = {}
    for _ in range(repeat):
        for name, search in decks:
            empty_caches()
            c = in_process(app, search)
            w = in_process(app, search)
            cold.append(c)
            warm.append(w)
            per_deck.setdefault(name, []).append((c, w))
    print("  in-process (load_choices + deck_outputs)")
    for name, xs in per_deck.items():
        print(f"    {name:<22} cold median {statistics.median(c for c, _ in xs):7.1f} ms   "
              f"warm median {statistics.median(w for _, w in xs):6.1f} ms")
    print(f"    all decks cold   {stats(cold)}")
    print(f"    all decks warm   {stats(warm)}")
    print(f"    cold / warm: median {statistics.median(cold) / statistics.median(warm):5.1f}x   "
          f"p95 {p95(cold) / p95(warm):5.1f}x")

    base, server = serve(app)
    try:
        bodies = []
        with app.server.test_request_context("/"):
            for name, search in decks:
                f, _ = parse(search, choices, extra=PAGE_PARAMS)
                bodies.append((name, http_body(app, f, search)))
        over_http(base, bodies[0][1])
        hcold, hwarm, sizes = [], [], {}
        for _ in range(repeat):
            for name, body in bodies:
                empty_caches()
                c, size = over_http(base, body)
                w, _ = over_http(base, body)
                hcold.append(c)
                hwarm.append(w)
                sizes[name] = size
        print(f"  over HTTP (POST /_dash-update-component, gzip; response {min(sizes.values()) / 1024:.0f}–"
              f"{max(sizes.values()) / 1024:.0f} KiB)")
        print(f"    all decks cold   {stats(hcold)}")
        print(f"    all decks warm   {stats(hwarm)}")
        print(f"    cold / warm: median {statistics.median(hcold) / statistics.median(hwarm):5.1f}x   "
              f"p95 {p95(hcold) / p95(hwarm):5.1f}x")

        # As after a load: the cache emptied, the default decks warmed, then each opened for the first time.
        empty_caches()
        report = warm_decks(app)
        first = []
        defaults = [(n, b) for (n, s), (_, b) in zip(decks, bodies) if "compare" not in s]
        for _ in range(repeat):
            for name, body in defaults:
                L.qr_data_uri.cache_clear()  # the warming cannot know the presenter's address
                first.append(over_http(base, body)[0])
        print(f"  warm_decks: {report.decks} default decks in {report.seconds:.1f} s; then the first opening of a "
              f"default deck over HTTP: {stats(first)}")

        if browser:
            if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
                print("  browser: Chromium is not installed; skipped")
            else:
                name, search = decks[3]
                codes = [code for code, _ in options.get("council_district", [])][:repeat * 2]
                times, shown, (pcold, pwarm) = browser_changes(base, search, changes, codes)
                print(f"  browser ({name} deck; page, bundles and deck shown {shown:.1f} s after navigation): slide change, keydown to "
                      f"next painted frame: {stats(times)}")
                print(f"  browser, Present clicked on a dashboard page to the deck on screen (a Council district's "
                      f"default deck):\n    cold {stats(pcold)}\n    warm {stats(pwarm)}")
    finally:
        server.shutdown()
        svc.db.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1.0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--changes", type=int, default=50, help="slide changes timed in the browser")
    p.add_argument("--no-browser", action="store_true")
    args = p.parse_args()
    print(f"Presentation deck benchmark ({PROJECT_ROOT.name}); goals: cold open < 1 s at scale 1, "
          "slide change < 50 ms")
    for scale in args.scales:
        run(scale, args.repeat, args.changes, not args.no_browser)


if __name__ == "__main__":
    main()
