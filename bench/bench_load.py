"""Benchmark: a crowd of viewers on the production server (gunicorn + Redis), with locust, against
the code at another git ref in the same run.

    .venv/bin/python bench/bench_load.py [--scenario A|B|all] [--viewers N] [--baseline REF]
        [--database-url URL] [--redis-url URL] [--duration S] [--changes 3]

Needs locust in its own virtualenv (``--locust-python``, default ``/work/bench-venv/bin/python``;
``python3 -m venv /work/bench-venv && /work/bench-venv/bin/pip install locust``): it pins a
newer urllib3 than dash[testing] allows in ``.venv``. Traffic goes to 127.0.0.1 only, and every
scenario stops by itself after ``--duration`` seconds at most.

What it does:

1. Serves the code under test with ``psad serve --production`` (gunicorn, the repository's
   gunicorn.conf.py) on a free 127.0.0.1 port, on the demo database (``--database-url``, else the
   benches' shared ``psad_bench_s1``, loaded on first use), with a private ``redis-server`` on a
   free port (or ``--redis-url``: the bench empties its database N for the code under test and
   N+1 for the baseline). With ``--baseline REF`` the code at REF is served the same way from a
   ``git worktree`` in /tmp, beside it, on the same database.
2. Records each server's request flow with a real headless Chromium (the network events of its
   DevTools protocol): every request of a first view of the scenario's link, then of one filter
   change made in the page (the police district dropdown), with method, path, body and the order
   the browser's dependencies made them in (waves: the requests in flight together). Nothing of
   today's callbacks is written here, so the bench follows the app's flow as it changes. The
   recording's first request starts each server's warming (the decks, every district's views);
   nothing is measured until every server has finished it (its CPU quiet for 4 s), and a
   warm-up crowd (``--warmup``, 40 viewers) has visited each, unmeasured: the first crowd of a
   run otherwise meets cold database caches, whichever server it is on.
3. Replays it with locust (``bench/bench_load_locust.py``): viewers arrive evenly within 10 s,
   each one a browser (6 connections, a request resent once on a kept-alive connection the server
   closed, asking for the encodings Chromium asks for) that makes the first view wave by wave
   (a repeat visit skips the fingerprinted files and revalidates the rest with the validators
   the browser got, If-None-Match / If-Modified-Since), then ``--changes``
   filter changes after 2-5 s of thinking each, to a district of its own (the recorded value
   substituted wherever it appears). The shared query cache (Redis) is emptied before each
   scenario (``--keep-cache`` keeps it), so the first viewers find it cold, as after a load.

With ``--proxy nginx`` each server is the production setup the README documents: the repository's
nginx site (deploy/nginx-psad.conf, bench/nginx.py: as written but in plain HTTP on a private port)
in front of gunicorn, its cache answering the fingerprinted files (kept across scenarios, as a
proxy's is in production; the recording and the warm-up fill it). The server CPU is then
gunicorn's and nginx's together. Needs nginx (``apt-get install nginx-light``).

Scenarios (Issue 12's goals on a 2-core machine in brackets):

* A-first: 200 viewers on one shared link (``--link-a``, a police district), first visit: every
  asset downloaded [first view p95 < 2 s, filter change p95 < 300 ms, no error];
* A-repeat: the same, browsers holding the fingerprinted assets (a repeat visit fetches none of
  them) [first view p95 < 1 s];
* B: 800 viewers on a news link (``--link-b``), first visit [first view p95 < 3 s, no error].

For each it prints p50/p95/p99 per request type, "first view shown" (the waves until the reader
sees the view: where the page's HTML carries it, app/first_view.py, the page and its style
sheets; otherwise all of them), "first view fully rendered" (one viewer's first view, all its
waves in sequence, Dash's page drawn), the filter change, errors, requests and wire bytes per view, and
the server's CPU per request and per viewer (user + system time of the gunicorn master and
workers, from psutil). With ``--baseline`` the two are side by side with ratios (this / baseline).
The load generator runs on the same cores as the server: compare figures from one run, on a
quiet machine. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                  "--window-size=1400,1000"]
# A fingerprinted URL changes when its content does, so a browser keeps it: Dash's component
# suites (name.v4_4_1m1700000000.min.js) and assets carrying a version or mtime query (?m=..., ?v=...).
FINGERPRINT = re.compile(r"\.v[0-9][\w]*m[0-9]+\.|[?&](m|v)=[\w.]+")
DROP_HEADERS = {"host", "connection", "content-length", "accept-encoding", "user-agent", "cookie", "referer",
                "if-none-match", "if-modified-since"}
TRIGGERS = {"Document", "Script", "XHR", "Fetch"}
FILTER_CONTROL = "police-district"
FILTER_PARAM = "police_district"


# --- processes --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen | None, sig=signal.SIGINT, wait: float = 15) -> None:
    """Stop a process this script started (and its children, for gunicorn): ``sig``, then KILL."""
    if proc is None or proc.poll() is not None:
        return
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    proc.send_signal(sig)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    for c in children:
        try:
            c.kill()
        except psutil.NoSuchProcess:
            pass


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    exe = shutil.which("redis-server")
    if not exe:
        raise SystemExit("bench_load: redis-server is not installed (apt-get install redis-server), "
                         "or pass --redis-url")
    port = free_port()
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.exceptions.ConnectionError:
            time.sleep(0.1)
    stop(proc)
    raise SystemExit("bench_load: the private redis-server did not start")


def redis_db(url: str, offset: int) -> str:
    u = urlsplit(url)
    db = int(u.path.strip("/") or 0) + offset
    return u._replace(path=f"/{db}").geturl()


def flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@dataclass
class Server:
    """``psad serve --production`` of the code in ``root``: a gunicorn master and its workers."""

    label: str
    root: Path
    database_url: str
    redis_url: str
    log: Path
    workers: int | None = None
    threads: int | None = None
    proxy: str | None = None  # "nginx": deploy/nginx-psad.conf in front (bench/nginx.py)
    port: int = 0
    proc: subprocess.Popen | None = None
    proxy_port: int = 0
    proxy_proc: subprocess.Popen | None = None
    _cpu_gone: float = 0.0
    _seen: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Where viewers go: the proxy when there is one, else gunicorn."""
        return f"http://127.0.0.1:{self.proxy_port or self.port}"

    @property
    def logs(self) -> list[Path]:
        """The access logs: gunicorn's, and the proxy's (it answers cached files itself)."""
        return [self.log] + ([self.log.with_suffix(".nginx") / "psad.access.log"] if self.proxy else [])

    def start(self) -> None:
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, PSAD_HOST="127.0.0.1",
                   PSAD_PORT=str(self.port), PYTHONPATH=str(self.root), PYTHONDONTWRITEBYTECODE="1")
        if self.workers:
            env["WEB_CONCURRENCY"] = str(self.workers)
        if self.threads:
            env["PSAD_THREADS"] = str(self.threads)
        # The root's own app package: PYTHONPATH comes before .venv's editable install of this checkout.
        where = subprocess.run([sys.executable, "-c", "import app; print(app.__file__)"], env=env, cwd=self.root,
                               capture_output=True, text=True).stdout.strip()
        if not where.startswith(str(self.root)):
            raise SystemExit(f"bench_load: {self.label} would import the app from {where}, not {self.root}")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))",
             "serve", "--production"], env=env, cwd=self.root,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"bench_load: the {self.label} server exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5) as r:
                    if r.status == 200:
                        self._start_proxy()
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise SystemExit(f"bench_load: the {self.label} server did not answer within 180 s; see {self.log}")

    def _start_proxy(self) -> None:
        if not self.proxy:
            return
        from bench import nginx

        self.proxy_port = free_port()
        self.proxy_proc = nginx.start(self.log.with_suffix(".nginx"), listen=self.proxy_port, upstream=self.port)

    def wait_settled(self, timeout: float = 300.0, quiet: float = 0.1, every: float = 2.0) -> float:
        """Wait until the server has finished what it does by itself after a start (each worker
        warms the decks and the district views: tens of seconds of CPU): until it uses under
        ``quiet`` CPU seconds in two ``every``-second windows running. Returns the seconds waited."""
        t0, last, calm = time.time(), self.cpu_seconds(), 0
        while time.time() - t0 < timeout and calm < 2:
            time.sleep(every)
            now = self.cpu_seconds()
            calm = calm + 1 if now - last < quiet else 0
            last = now
        return time.time() - t0

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and every worker so far (workers that exited included)."""
        import psutil

        total = 0.0
        procs = []
        for top in (self.proc, self.proxy_proc):
            if top is None:
                continue
            try:
                procs.append(psutil.Process(top.pid))
                procs += procs[-1].children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        alive = {}
        for p in procs:
            try:
                t = p.cpu_times()
                alive[p.pid] = t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                pass
        for pid, last in self._seen.items():
            if pid not in alive:
                self._cpu_gone += last
        self._seen = alive
        total = sum(alive.values()) + self._cpu_gone
        return total

    def stop(self) -> None:
        stop(self.proxy_proc, signal.SIGQUIT)
        stop(self.proc)


def worktree(ref: str, tmp_root: Path) -> tuple[Path, str]:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()
    path = tmp_root / f"psad-bench-{sha[:12]}"
    if not path.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), sha],
                       check=True, capture_output=True)
    return path, sha


def remove_worktree(path: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], capture_output=True)


# --- the demo database --------------------------------------------------------------------------

def demo_database(url: str | None) -> str:
    if url:
        return url
    from bench.bench_summary import database_for, ensure_loaded

    url = database_for(1)
    ensure_loaded(url, 1)
    return url


def district_values(url: str) -> list[str]:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        rows = conn.execute("SELECT DISTINCT police_district FROM victim WHERE police_district IS NOT NULL "
                            "ORDER BY 1").fetchall()
    return [r[0] for r in rows]


# --- recording the browser's flow ----------------------------------------------------------------

def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if shutil.which("chromium"):
        options.binary_location = shutil.which("chromium")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Network.enable", {"maxPostDataSize": 50_000_000})
    return driver


class NetLog:
    """The browser's requests to one origin, from the DevTools Network events in chromedriver's
    performance log."""

    def __init__(self, driver, origin: str):
        self.driver, self.origin = driver, origin
        self.reqs: dict[str, dict] = {}
        self.last_event = time.time()

    def drain(self) -> None:
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            method, p = msg.get("method", ""), msg.get("params", {})
            rid = p.get("requestId")
            if method == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not url.startswith(self.origin):
                    continue
                self.reqs[rid] = {"id": rid, "url": url, "method": p["request"]["method"],
                                  "headers": p["request"].get("headers", {}), "post": p["request"].get("postData"),
                                  "post_entries": p["request"].get("postDataEntries"),
                                  "has_post": p["request"].get("hasPostData", False), "type": p.get("type", ""),
                                  "initiator": p.get("initiator", {}), "sent": p["timestamp"], "end": None,
                                  "status": None, "bytes": 0}
                self.last_event = time.time()
            elif rid in self.reqs:
                r = self.reqs[rid]
                if method == "Network.responseReceived":
                    r["status"] = p["response"]["status"]
                    hdrs = {k.lower(): v for k, v in p["response"].get("headers", {}).items()}
                    r["validators"] = {h: hdrs[v] for h, v in (("If-None-Match", "etag"),
                                                               ("If-Modified-Since", "last-modified")) if v in hdrs}
                elif method == "Network.loadingFinished":
                    r["end"], r["bytes"] = p["timestamp"], p.get("encodedDataLength", 0)
                    self.last_event = time.time()
                elif method == "Network.loadingFailed":
                    r["end"], r["failed"] = p["timestamp"], p.get("errorText", "failed")
                    self.last_event = time.time()

    def wait_idle(self, quiet: float = 2.0, minimum: float = 3.0, timeout: float = 120, stall: float = 20) -> None:
        t0 = time.time()
        while time.time() - t0 < timeout:
            time.sleep(0.25)
            self.drain()
            pending = [r for r in self.reqs.values() if r["end"] is None]
            if pending and time.time() - self.last_event >= stall:
                # nothing moved for a long while: a request the browser dropped without telling
                print(f"    (left out of the flow, never finished: {', '.join(r['url'] for r in pending)})")
                for r in pending:
                    del self.reqs[r["id"]]
                pending = []
            if not pending and time.time() - t0 >= minimum and time.time() - self.last_event >= quiet:
                return
        names: dict[str, int] = {}
        for r in self.reqs.values():
            key = f"{r['method']} {urlsplit(r['url']).path}"
            names[key] = names.get(key, 0) + 1
        raise SystemExit(f"bench_load: the page never settled in the recording browser within {timeout:.0f} s "
                         f"(still sending: {names}; a callback loop?)")

    def body(self, r: dict) -> str | None:
        if r["post"] is not None:
            return r["post"]
        if r["post_entries"]:
            return b"".join(base64.b64decode(e.get("bytes", "")) for e in r["post_entries"]).decode()
        if r["has_post"]:
            return self.driver.execute_cdp_cmd("Network.getRequestPostData", {"requestId": r["id"]})["postData"]
        return None

    def take(self) -> list[dict]:
        """The requests so far, as the flow's entries (with waves), and forget them."""
        reqs = sorted(self.reqs.values(), key=lambda r: r["sent"])
        out = []
        for r in reqs:
            # what can start a request: the page, a script, a fetch (not a stylesheet, image or icon)
            done_before = [o for o in out if o["_end"] is not None and o["_end"] <= r["sent"]
                           and o["_type"] in TRIGGERS]
            init = r["initiator"]
            if not done_before:
                wave = 0
            elif init.get("type") == "parser" and out and init.get("url", "").split("#")[0] == out[0]["_url"]:
                wave = out[0]["wave"] + 1  # named by the page's HTML: fetched as soon as the page arrives
            else:  # started by script: after the most recent response it could have waited for
                wave = max(done_before, key=lambda o: o["_end"])["wave"] + 1
            u = urlsplit(r["url"])
            path = u.path + (f"?{u.query}" if u.query else "")
            body = self.body(r)
            headers = {k: v for k, v in r["headers"].items() if k.lower() not in DROP_HEADERS}
            out.append({"method": r["method"], "path": path, "body": body, "headers": headers, "wave": wave,
                        "fingerprinted": bool(FINGERPRINT.search(path)), "name": request_name(r, u.path, body),
                        "validators": r.get("validators", {}), "status": r["status"], "browser_bytes": r["bytes"],
                        "_end": r["end"], "_url": r["url"], "_type": r["type"]})
        self.reqs.clear()
        for o in out:
            del o["_end"], o["_url"], o["_type"]
        return out


def request_name(r: dict, path: str, body: str | None) -> str:
    """A request's type, for the statistics: the page, an asset kind, or Dash's endpoint (a
    callback named by its outputs)."""
    if r["type"] == "Document":
        return "page"
    if path.endswith("/_dash-update-component") and body:
        try:
            output = json.loads(body).get("output", "")
        except ValueError:
            output = ""
        ids = re.findall(r"([A-Za-z][\w-]*)\.[a-z_]+", str(output))
        shown = ",".join(dict.fromkeys(ids))
        return f"callback {shown[:48]}" + ("…" if len(shown) > 48 else "")
    if path.startswith(("/_dash-layout", "/_dash-dependencies")):
        return path[1:]
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return f"asset {ext}" if ext in ("js", "css") else "asset other"


def choose(driver, control: str, label: str) -> None:
    """Pick ``label`` in the dcc.Dropdown ``#control`` the way a person does: open, type, click."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def wait(fn, what):
        end = time.time() + 30
        while time.time() < end:
            try:
                v = fn()
                if v:
                    return v
            except Exception:  # re-rendered while we looked
                pass
            time.sleep(0.1)
        raise SystemExit(f"bench_load: the recording browser found no {what}")

    wait(lambda: driver.find_element(By.CSS_SELECTOR, f"#{control}"), f"#{control}").click()
    wait(lambda: driver.switch_to.active_element, "focus").send_keys(label)
    wait(lambda: driver.find_element(By.XPATH, f"//*[@role='option'][normalize-space()='{label}']"),
         f"option {label}").click()
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def record(server: Server, link: str, first: str | None, changed_to: str, values: list[str]) -> dict:
    driver = chromium()
    try:
        log = NetLog(driver, server.url)
        driver.get(server.url + link)
        log.wait_idle()
        first_view = log.take()
        choose(driver, FILTER_CONTROL, changed_to)
        log.wait_idle(minimum=1.0)
        change = log.take()
    finally:
        driver.quit()
    if not first_view or first_view[0]["name"] != "page":
        raise SystemExit(f"bench_load: the recording of {server.label} {link} did not start with the page")
    if not change:
        raise SystemExit(f"bench_load: changing the filter on {server.label} sent no request")
    return {"host": server.url, "link": link, "first_view": first_view, "filter_change": change,
            "shown_wave": shown_wave(server, link, first_view),
            "filter": {"param": FILTER_PARAM, "first": first, "changed_to": changed_to,
                       "values": [v for v in values if v != first]}}


def shown_wave(server: Server, link: str, first_view: list[dict]) -> int | None:
    """The wave after which the reader sees the first view: where the page's HTML carries it
    (app/first_view.py), once the page and its style sheets have arrived; None where Dash draws
    it (then it is shown when every wave is done)."""
    import urllib.request

    with urllib.request.urlopen(server.url + link, timeout=60) as r:
        carried = 'id="psad-first"' in r.read().decode("utf-8", "replace")
    css = [r["wave"] for r in first_view if r["name"] == "asset css"]
    return min(css) if carried and css else (0 if carried else None)  # the style sheets the HTML names


def describe_flow(flow: dict) -> str:
    def waves(reqs):
        w = {}
        for r in reqs:
            w.setdefault(r["wave"], []).append(r["name"])
        return " -> ".join(f"[{len(v)}: {', '.join(sorted(set(v)))[:70]}]" for _, v in sorted(w.items()))

    fv = flow["first_view"]
    shown = flow.get("shown_wave")
    return (f"    first view shown after wave {shown} (the page's HTML carries it)\n" if shown is not None else
            "    first view shown when every wave is done (drawn by Dash)\n") + \
           (f"    first view: {len(fv)} requests ({sum(not r['fingerprinted'] for r in fv)} on a repeat visit), "
            f"{len({r['wave'] for r in fv})} waves: {waves(fv)}\n"
            f"    filter change: {len(flow['filter_change'])} requests: {waves(flow['filter_change'])}")


# --- running a scenario ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    name: str
    link: str
    viewers: int
    visit: str


def run_scenario(args, server: Server, flow_path: Path, sc: Scenario, tmp: Path) -> dict:
    if not args.keep_cache:
        flush(server.redis_url)
    out = tmp / f"result-{server.label}-{sc.name}.json"
    cpu0, t0 = server.cpu_seconds(), time.time()
    gen0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [args.locust_python, str(ROOT / "bench" / "bench_load_locust.py"), "--flow", str(flow_path),
           "--host", server.url, "--viewers", str(sc.viewers), "--spawn-seconds", str(args.spawn_seconds),
           "--max-seconds", str(args.duration), "--visit", sc.visit, "--changes", str(args.changes),
           "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=(tmp / f"locust-{server.label}-{sc.name}.log").open("w"))
    try:
        proc.wait(args.duration + 60)
    except subprocess.TimeoutExpired:
        stop(proc, signal.SIGTERM)
        raise SystemExit(f"bench_load: locust did not stop (see {tmp})")
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"bench_load: locust failed (exit {proc.returncode}); see "
                         f"{tmp / f'locust-{server.label}-{sc.name}.log'}")
    res = json.loads(out.read_text())
    res["cpu_s"] = server.cpu_seconds() - cpu0
    res["wall_s"] = time.time() - t0
    gen = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, waited for above
    res["generator_cpu_s"] = gen.ru_utime + gen.ru_stime - gen0.ru_utime - gen0.ru_stime
    return res


def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summarize(res: dict) -> dict[str, float | None]:
    """The figures of one scenario on one server, by row label."""
    rows: dict[str, float | None] = {}
    reqs = res["requests"]
    views, changes = res["views"], res["changes"]
    for label, xs in (("first view shown", [v.get("shown_ms", v["ms"]) for v in views]),
                      ("first view fully rendered", [v["ms"] for v in views]),
                      ("filter change", [c["ms"] for c in changes])):
        for q in (0.5, 0.95, 0.99):
            rows[f"{label} p{round(q * 100)} ms"] = pct(xs, q)
    rows["viewers done / arrived"] = res["viewers"] and len(views) / res["viewers"]
    rows["broken first views"] = sum(not v["ok"] for v in views)
    rows["failed filter changes"] = sum(not c["ok"] for c in changes)
    rows["failed requests"] = sum(r["error"] is not None for r in reqs)
    rows["requests per first view"] = statistics.median([v["requests"] for v in views]) if views else None
    rows["KB per first view (wire)"] = statistics.median([v["bytes"] for v in views]) / 1024 if views else None
    rows["requests per filter change"] = statistics.median([c["requests"] for c in changes]) if changes else None
    rows["KB per filter change (wire)"] = statistics.median([c["bytes"] for c in changes]) / 1024 if changes else None
    rows["requests/s"] = len(reqs) / res["elapsed_s"] if res["elapsed_s"] else None
    rows["204 answers (callbacks that did nothing)"] = sum(r["status"] == 204 for r in reqs)
    rows["server CPU ms per request"] = 1000 * res["cpu_s"] / len(reqs) if reqs else None
    rows["server CPU ms per viewer"] = 1000 * res["cpu_s"] / len(views) if views else None
    # the load generator shares the cores: when it is near one core for the run (it is one
    # process), the figures above measure it as much as the server
    if res.get("generator_cpu_s") is not None and res["elapsed_s"]:
        rows["load generator CPU ms per request"] = 1000 * res["generator_cpu_s"] / len(reqs) if reqs else None
        rows["load generator CPU, cores busy"] = res["generator_cpu_s"] / res["elapsed_s"]
        rows["server CPU, cores busy"] = res["cpu_s"] / res["elapsed_s"]
    by_name: dict[str, list[float]] = {}
    for r in reqs:
        by_name.setdefault(r["name"], []).append(r["ms"])
    for name in sorted(by_name):
        xs = by_name[name]
        rows[f"  {name} (n={len(xs)}) p50/p95/p99"] = (pct(xs, .5), pct(xs, .95), pct(xs, .99))
    errors: dict[str, int] = {}
    for r in reqs:
        if r["error"]:
            key = f"{r['name']}: {r['error']}"[:110]
            errors[key] = errors.get(key, 0) + 1
    rows["_errors"] = errors
    return rows


def fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, tuple):
        return "/".join(fmt(x) for x in v)
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def ratio(a, b) -> str:
    if isinstance(a, tuple) and isinstance(b, tuple):
        a, b = a[1], b[1]  # p95
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return ""
    return f"{a / b:.2f}x"


def report(sc: Scenario, results: dict[str, dict]) -> None:
    labels = list(results)
    sums = {k: summarize(v) for k, v in results.items()}
    print(f"\n== Scenario {sc.name}: {sc.viewers} viewers within the spawn window on {sc.link}, "
          f"{sc.visit} visit ==")
    keys = list(dict.fromkeys(k for s in sums.values() for k in s if k != "_errors"))
    head = f"{'':58}" + "".join(f"{lab[:22]:>24}" for lab in labels) + ("   this/baseline" if len(labels) == 2 else "")
    print(head)
    for k in keys:
        vals = [sums[lab].get(k) for lab in labels]
        line = f"{k[:58]:58}" + "".join(f"{fmt(v):>24}" for v in vals)
        if len(labels) == 2:
            line += f"   {ratio(vals[0], vals[1])}"
        print(line)
    for lab in labels:
        res = results[lab]
        if sums[lab]["_errors"]:
            print(f"  errors on {lab}:")
            for e, n in sorted(sums[lab]["_errors"].items(), key=lambda kv: -kv[1])[:8]:
                print(f"    {n:5d}  {e}")
        if res.get("timed_out"):
            print(f"  {lab}: stopped at --duration before every viewer was done")
    print("  (per request type: p50/p95/p99 ms; the ratio column compares the p95)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", choices=["A", "B", "all"], default="all")
    ap.add_argument("--viewers", type=int, default=None,
                    help="viewers in every scenario (default: 200 in A, 800 in B)")
    ap.add_argument("--spawn-seconds", type=float, default=10.0, help="the viewers arrive within this time")
    ap.add_argument("--changes", type=int, default=3, help="filter changes per viewer")
    ap.add_argument("--warmup", type=int, default=40,
                    help="viewers of a first visit run on every server before the scenarios, not measured (0: none)")
    ap.add_argument("--duration", type=float, default=180.0, help="at most this many seconds per scenario run")
    ap.add_argument("--baseline", metavar="REF", default=None, help="also serve the code at this git ref")
    ap.add_argument("--current", metavar="REF", default=None,
                    help="serve this git ref as the code under test (default: this checkout's working tree)")
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                    help="a database holding the demo data (default: the benches' psad_bench_s1)")
    ap.add_argument("--redis-url", default=None, help="use this Redis (its db N and N+1 are emptied)")
    ap.add_argument("--link-a", default=None, help="scenario A's shared link (default: /?police_district=<first>)")
    ap.add_argument("--link-b", default=None, help="scenario B's news link (default: /?police_district=<second>)")
    ap.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY for both servers")
    ap.add_argument("--threads", type=int, default=None, help="PSAD_THREADS for both servers")
    ap.add_argument("--proxy", choices=["nginx"], default=None,
                    help="serve every server behind deploy/nginx-psad.conf (plain HTTP on a private port; its "
                         "cache answers the fingerprinted files, kept across scenarios as in production)")
    ap.add_argument("--keep-cache", action="store_true", help="do not empty Redis before each scenario")
    ap.add_argument("--locust-python", default=os.environ.get("BENCH_LOCUST_PYTHON", "/work/bench-venv/bin/python"))
    ap.add_argument("--record-only", metavar="DIR", default=None,
                    help="record the flows into DIR (for `locust -f bench/bench_load_locust.py`) and stop")
    args = ap.parse_args()
    if not args.record_only and subprocess.run([args.locust_python, "-c", "import locust"],
                                               capture_output=True).returncode != 0:
        raise SystemExit(f"bench_load: locust is not installed for {args.locust_python}: python3 -m venv "
                         "/work/bench-venv && /work/bench-venv/bin/pip install locust")

    db_url = demo_database(args.database_url)
    values = district_values(db_url)
    if len(values) < 3:
        raise SystemExit("bench_load: the database holds fewer than 3 police districts: is the demo loaded?")
    link_a = args.link_a or f"/?{FILTER_PARAM}={values[0]}"
    link_b = args.link_b or f"/?{FILTER_PARAM}={values[1]}"
    scenarios = []
    if args.scenario in ("A", "all"):
        scenarios += [Scenario("A-first", link_a, args.viewers or 200, "first"),
                      Scenario("A-repeat", link_a, args.viewers or 200, "repeat")]
    if args.scenario in ("B", "all"):
        scenarios.append(Scenario("B", link_b, args.viewers or 800, "first"))

    # `timeout`, Ctrl+C or a kill: the finally below still stops the servers, Redis and worktrees
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="psad_bench_load_"))
    redis_proc, trees, servers = None, [], []
    try:
        if args.redis_url:
            redis_url = args.redis_url
        else:
            redis_proc, redis_url = start_redis(tmp)
        roots = []
        if args.current:
            path, sha = worktree(args.current, Path(tempfile.gettempdir()))
            trees.append(path)
            roots.append((f"this ({sha[:9]})", path))
        else:
            roots.append(("this (working tree)", ROOT))
        if args.baseline:
            path, sha = worktree(args.baseline, Path(tempfile.gettempdir()))
            trees.append(path)
            roots.append((f"baseline ({args.baseline} {sha[:9]})", path))
        for i, (label, root) in enumerate(roots):
            s = Server(label, root, db_url, redis_db(redis_url, i), tmp / f"server-{i}.log", args.workers, args.threads,
                       args.proxy)
            print(f"starting {label}: {root} ...", flush=True)
            s.start()
            servers.append(s)
            print(f"  gunicorn on 127.0.0.1:{s.port} (log {s.log})"
                  + (f", behind nginx on {s.url} (deploy/nginx-psad.conf)" if s.proxy else ""), flush=True)

        flows: dict[tuple[str, str], Path] = {}
        for s in servers:
            for link in dict.fromkeys(sc.link for sc in scenarios):
                first = re.search(rf"{FILTER_PARAM}=([^&]+)", link)
                first_value = first.group(1) if first else None
                changed_to = next(v for v in values if v != first_value)
                print(f"recording {s.label} {link} with Chromium ...", flush=True)
                flow = record(s, link, first_value, changed_to, values)
                print(describe_flow(flow), flush=True)
                slug = re.sub(r"\W+", "_", link).strip("_")
                path = (Path(args.record_only) if args.record_only else tmp) / f"flow-{len(flows)}-{slug}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(flow, indent=1))
                flows[(s.label, link)] = path
        # every server done with its warming (a request that first sees the data version starts it:
        # the recording's) before any is measured: a crowd on the first server while both still
        # warmed made the first one look slower (17 s against 11 s at p95)
        for s in servers:
            print(f"  {s.label}: settled after {s.wait_settled():.0f} s", flush=True)
        if args.record_only:
            print(f"flows written to {args.record_only}")
            return 0

        # a crowd on each server before any is measured, its figures thrown away: the first crowd of
        # a run found PostgreSQL's and the system's caches cold and ran about 1.4x slower, whichever
        # code it met (two runs with the order swapped, 2026-12-04)
        if args.warmup:
            for s in servers:
                for link in dict.fromkeys(sc.link for sc in scenarios):
                    print(f"warm-up: {args.warmup} viewers on {s.label} (not measured) ...", flush=True)
                    run_scenario(args, s, flows[(s.label, link)], Scenario("warm-up", link, args.warmup, "first"), tmp)
        for sc in scenarios:
            results = {}
            for s in servers:
                print(f"running {sc.name} on {s.label} ...", flush=True)
                results[s.label] = run_scenario(args, s, flows[(s.label, sc.link)], sc, tmp)
            report(sc, results)
        for s in servers:
            text = s.log.read_text(errors="replace")
            n500 = sum(len(re.findall(r'" 5\d\d ', log.read_text(errors="replace"))) for log in s.logs if log.exists())
            tracebacks = text.count("Traceback")
            print(f"\n{s.label}: {n500} HTTP 5xx in the access log{'s' if s.proxy else ''}, {tracebacks} tracebacks "
                  f"({', '.join(map(str, s.logs))})")
        print(f"\nrecorded flows and raw results: {tmp}")
    finally:
        for s in servers:
            s.stop()
        stop(redis_proc)
        for t in trees:
            remove_worktree(t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
