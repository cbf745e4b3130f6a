"""The simulated viewers of ``bench/bench_load.py``: a locust file that replays, request by request,
what a real Chromium did on the server under test (the flow ``bench_load.py`` records with the
browser's network log at the start of every run), so the load follows the app's request flow
whatever it is today.

It runs in its own virtualenv (locust pins a newer urllib3 than dash[testing] allows):

    python3 -m venv /work/bench-venv && /work/bench-venv/bin/pip install locust

``bench_load.py`` starts it as a subprocess (``python bench/bench_load_locust.py --flow ...``) and
reads the JSON it writes. It also runs under locust's own command line, against a flow file that
``bench_load.py --record-only`` wrote:

    BENCH_LOAD_FLOW=/tmp/flow.json /work/bench-venv/bin/locust -f bench/bench_load_locust.py \\
        --headless -u 200 -r 20 -t 90s --host http://127.0.0.1:8050

Each viewer is one browser: its own connections (at most 6 at once, as a browser keeps per host),
the first view replayed wave by wave (a wave is the requests the browser had in flight together,
in the order its dependencies made them: the page, then its assets, then Dash's layout and
callbacks...), then ``changes`` filter changes after 2-5 s of thinking, each to a value of the
filter nobody in this viewer had yet (the recorded value substituted wherever it appears in a
request). A first visit fetches every request; a repeat visit skips the fingerprinted assets,
which a browser holds after its first visit. Traffic goes to the flow's host only (127.0.0.1).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from urllib.parse import quote, quote_plus, urlsplit

import gevent
from gevent.pool import Pool
from locust import User, constant, events, task

MAX_PARALLEL = 6  # a browser's connections per host over HTTP/1.1


# What Chromium asks for (its ETags are per encoding, so a repeat visit's revalidation only matches
# when we ask for the same). Bodies are never decompressed here: the bench counts wire bytes and
# judges answers by their status, and a browser's decompression is not the server's work.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"

FLOW: dict = {}
CONFIG = {"visit": "first", "changes": 3, "think": (2.0, 5.0), "viewers": 0}
RESULTS: dict = {"requests": [], "views": [], "changes": [], "done": 0}


def load_flow(path: str) -> None:
    FLOW.clear()
    FLOW.update(json.loads(open(path, encoding="utf-8").read()))


if os.environ.get("BENCH_LOAD_FLOW"):  # `locust -f` mode: the flow file comes from the environment
    load_flow(os.environ["BENCH_LOAD_FLOW"])
    CONFIG["visit"] = os.environ.get("BENCH_LOAD_VISIT", "first")
    CONFIG["changes"] = int(os.environ.get("BENCH_LOAD_CHANGES", "3"))


def substitute(body: str | None, pairs: list[tuple[str, str]]) -> str | None:
    """``body`` with each recorded filter value replaced by this viewer's: as a JSON string
    (``"Western"``) and inside a URL's query (``police_district=Western``). Done through
    placeholders, so swapping two values does not undo itself."""
    if not body or not pairs:
        return body
    for i, (old, _new) in enumerate(pairs):
        body = body.replace(json.dumps(old), f'"\x00{i}\x00"')
        body = re.sub(rf"=({re.escape(quote_plus(old))}|{re.escape(quote(old, safe=''))})(?=[&\"#]|$)", f"=\x01{i}\x01", body)
    for i, (_old, new) in enumerate(pairs):
        body = body.replace(f'"\x00{i}\x00"', json.dumps(new)).replace(f"=\x01{i}\x01", "=" + quote_plus(new))
    return body


class Viewer(User):
    """One person with a browser: a first view of the shared link, then filter changes."""

    wait_time = constant(0)

    def on_start(self) -> None:
        # geventhttpclient (locust's FastHttpUser client), not requests: with requests the load
        # generator spent about 1.8 ms of CPU per request (0.6 ms now), so one locust process could not
        # send more than ~550 requests/s and the crowd waited for it, not for the server
        # (scenario B: 800 viewers x 36 requests)
        from geventhttpclient import HTTPClient

        u = urlsplit(self.host)
        self.client = HTTPClient(u.hostname, u.port, concurrency=MAX_PARALLEL, connection_timeout=60,
                                 network_timeout=60,
                                 headers={"User-Agent": "psad-bench-load", "Accept-Encoding": ACCEPT_ENCODING})
        self.finished = False

    def on_stop(self) -> None:
        self.client.close()

    def send(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, int]:
        """One request on this browser's connections: (status, body bytes as sent on the wire). A
        browser resends a request once when a kept-alive connection turns out closed by the server
        (gunicorn closes idle ones after its keepalive), whatever its method: so do we
        (geventhttpclient itself resends only idempotent ones)."""
        from geventhttpclient.response import HTTPConnectionClosed

        for attempt in (1, 2):
            try:
                r = self.client.request(method, path, body=body, headers=headers)
                data = r.read()
                return r.status_code, len(data)
            except (HTTPConnectionClosed, ConnectionResetError, BrokenPipeError):
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def fetch(self, req: dict, pairs: list[tuple[str, str]], kind: str) -> tuple[bool, int]:
        """One request as the browser sent it; reported to locust with its wire size."""
        path = substitute(req["path"], pairs) if "?" in req["path"] else req["path"]
        body = substitute(req.get("body"), pairs)
        headers = {k: v for k, v in (req.get("headers") or {}).items()}
        t0 = time.perf_counter()
        exc, size, status = None, 0, 0
        try:
            status, size = self.send(req["method"], path, body.encode() if body else None, headers)
            if status >= 400:
                exc = RuntimeError(f"HTTP {status}")
        except Exception as e:  # a refused or reset connection, a timeout
            exc = e
        ms = 1000 * (time.perf_counter() - t0)
        name = req["name"]
        events.request.fire(request_type=req["method"], name=name, response_time=ms, response_length=size,
                            exception=exc, context={})
        RESULTS["requests"].append({"name": name, "kind": kind, "ms": ms, "bytes": size, "status": status,
                                    "error": None if exc is None else f"{type(exc).__name__}: {exc}"[:200]})
        return exc is None, size

    def replay(self, requests: list[dict], pairs: list[tuple[str, str]], kind: str) -> dict:
        waves: dict[int, list[dict]] = {}
        for req in requests:
            waves.setdefault(req["wave"], []).append(req)
        pool = Pool(MAX_PARALLEL)
        ok, size, n = True, 0, 0
        shown_after, shown_ms = FLOW.get("shown_wave") if kind == "first view" else None, None
        t0 = time.perf_counter()
        for wave in sorted(waves):
            jobs = [pool.spawn(self.fetch, req, pairs, kind) for req in waves[wave]]
            gevent.joinall(jobs)
            for j in jobs:
                good, b = j.value if j.successful() else (False, 0)
                ok, size, n = ok and good, size + b, n + 1
            if shown_after is not None and wave <= shown_after:
                shown_ms = 1000 * (time.perf_counter() - t0)  # the page's HTML (and its styles) are in
        ms = 1000 * (time.perf_counter() - t0)
        return {"ms": ms, "shown_ms": ms if shown_ms is None else shown_ms, "ok": ok, "bytes": size, "requests": n}

    @task
    def visit(self) -> None:
        if self.finished:
            gevent.sleep(1)
            return
        first = FLOW["first_view"]
        if CONFIG["visit"] == "repeat":  # the browser holds the fingerprinted files, revalidates the rest
            first = [dict(r, headers=dict(r.get("headers") or {}, **r.get("validators", {})))
                     for r in first if not r.get("fingerprinted")]
        view = self.replay(first, [], "first view")
        RESULTS["views"].append(view)
        events.request.fire(request_type="VIEW", name="first view fully rendered", response_time=view["ms"],
                            response_length=view["bytes"], exception=None if view["ok"] else RuntimeError("a request failed"),
                            context={})
        flt = FLOW["filter"]
        current = flt["first"]
        others = [v for v in flt["values"] if v != current]
        random.shuffle(others)
        for i in range(CONFIG["changes"]):
            gevent.sleep(random.uniform(*CONFIG["think"]))
            new = others[i % len(others)]
            # the recording went from flt["first"] to flt["changed_to"]; this viewer goes from current to new
            change = self.replay(FLOW["filter_change"], [(flt["changed_to"], new), (flt["first"], current)],
                                 "filter change")
            RESULTS["changes"].append(change)
            events.request.fire(request_type="VIEW", name="filter change", response_time=change["ms"],
                                response_length=change["bytes"],
                                exception=None if change["ok"] else RuntimeError("a request failed"), context={})
            current = new
        self.finished = True
        RESULTS["done"] += 1
        expected = CONFIG["viewers"] or getattr(self.environment.parsed_options, "num_users", 0) or 0
        if expected and RESULTS["done"] >= expected and self.environment.runner is not None:
            gevent.spawn_later(0.1, self.environment.runner.quit)


def run(flow_path: str, host: str, viewers: int, spawn_seconds: float, max_seconds: float, visit: str,
        changes: int, out: str) -> None:
    """Library mode (what bench_load.py starts): ``viewers`` arrive evenly within ``spawn_seconds``,
    each does its visit once; stops when all are done or after ``max_seconds``."""
    from locust.env import Environment

    load_flow(flow_path)
    CONFIG.update(visit=visit, changes=changes, viewers=viewers)
    Viewer.host = host
    env = Environment(user_classes=[Viewer], events=events)
    runner = env.create_local_runner()
    t0 = time.perf_counter()
    runner.start(viewers, spawn_rate=max(viewers / max(spawn_seconds, 0.1), 1.0))
    deadline = t0 + max_seconds
    while RESULTS["done"] < viewers and time.perf_counter() < deadline:
        gevent.sleep(0.2)
    elapsed = time.perf_counter() - t0
    timed_out = RESULTS["done"] < viewers
    runner.quit()
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(RESULTS | {"elapsed_s": elapsed, "timed_out": timed_out, "viewers": viewers}, fh)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Replay a recorded browser flow with locust (see bench_load.py)")
    ap.add_argument("--flow", required=True)
    ap.add_argument("--host", required=True)
    ap.add_argument("--viewers", type=int, default=200)
    ap.add_argument("--spawn-seconds", type=float, default=10)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--visit", choices=["first", "repeat"], default="first")
    ap.add_argument("--changes", type=int, default=3)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if not re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$", a.host):
        raise SystemExit("bench_load_locust: only a server on this machine (127.0.0.1) is a target")
    run(a.flow, a.host, a.viewers, a.spawn_seconds, a.max_seconds, a.visit, a.changes, a.out)
