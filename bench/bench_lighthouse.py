"""Benchmark: Lighthouse's accessibility score of every page, in English and in Spanish (issue 11),
or its performance score and metrics (issue 12, ``--category performance``).

    .venv/bin/python bench/bench_lighthouse.py [--database-url URL | --url http://host:port]
        [--pages / /map ...] [--langs en es] [--form-factor mobile|desktop] [--keep DIR]
        [--category accessibility|performance] [--runs N] [--cpu-slowdown X]

It serves the app with ``psad serve`` on a free 127.0.0.1 port (on ``--database-url``, else
``$DATABASE_URL``, else the local ``psad_dev`` demo database), or audits a server already running
(``--url``), and runs Lighthouse 12.2.3 (accessibility category only) on every page of the
registry's tabs plus the deck (/present), each with ``?lang=en`` and ``?lang=es``. It prints a
table of scores (with the number of audits that applied: a page that was never drawn would score
100 on very few) and, for each page below 100, the failed audits' ids with the elements they name.
Nothing here asserts a score: it exits 0 whatever the result (1 only when it cannot run at all).
The goal is 100 on every page.

Lighthouse comes from npm and is never installed into the repository: the script uses
``--lighthouse PATH``, else ``$LIGHTHOUSE``, else a copy under ``$PSAD_LIGHTHOUSE_DIR`` (default
``~/.cache/psad-lighthouse``), installing it there on first use with
``npm install --prefix <dir> lighthouse@12.2.3`` (Node 18 or later). Chromium is ``$CHROME_PATH``,
else ``chromium``/``google-chrome`` on the PATH, run headless.

Lighthouse waits for the page's network and CPU to be quiet (a Dash page draws after its
callbacks answer); the settings below give the callbacks a few seconds.

``--category performance`` runs Lighthouse's own default performance audit (simulated mobile
throttling: 150 ms RTT, 1.6 Mbit/s, 4x CPU slowdown; or desktop's), ``--runs`` times per page
(default 3; Lighthouse's advice, as the score moves with the machine's load), and prints the
median run's score with FCP, LCP, TBT, CLS, Speed Index and the bytes transferred, then the
largest transfers of that run. The goal (issue 12): 90 or more on the Summary and the Map.
Lighthouse simulates its slowdown from a trace recorded at the machine's own speed, so the same
page scores higher on a faster machine: the report prints the time of a plain Python loop beside
the scores, and ``--cpu-slowdown X`` replaces the 4x CPU multiplier (4 x the ratio of two machines'
loop times scores a page as the slower machine would).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LIGHTHOUSE_VERSION = "12.2.3"
PAGES = ("/", "/map", "/demographics", "/arrests", "/outcomes", "/lookup", "/cvi", "/about", "/present")
LANGS = ("en", "es")
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/psad_dev"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"

# Lighthouse's own settings: accessibility only, no simulated slow network or CPU (the score does
# not depend on them), and time for Dash's callbacks to draw the page before the audit.
def config(form_factor: str, category: str = "accessibility", cpu_slowdown: float | None = None) -> dict:
    if category == "performance":
        # Lighthouse's defaults for the form factor (its simulated throttling), nothing changed unless
        # --cpu-slowdown asks for another CPU multiplier (Lighthouse merges it into its own settings,
        # so the network's stay Lighthouse's)
        throttling = {} if form_factor == "mobile" else dict(DESKTOP_THROTTLING)
        if cpu_slowdown is not None:
            throttling["cpuSlowdownMultiplier"] = cpu_slowdown
        return {"extends": "lighthouse:default",
                "settings": {"onlyCategories": ["performance"], "formFactor": form_factor,
                             "screenEmulation": LIGHTHOUSE_SCREENS[form_factor],
                             **({"throttling": throttling} if throttling else {})}}
    return {
        "extends": "lighthouse:default",
        "settings": {
            "onlyCategories": ["accessibility"],
            "formFactor": form_factor,
            "screenEmulation": SCREENS[form_factor],
            "throttlingMethod": "provided",
            "pauseAfterLoadMs": 2500,
            "networkQuietThresholdMs": 2000,
            "cpuQuietThresholdMs": 2000,
            "maxWaitForLoad": 60000,
        },
    }


SCREENS = {
    "mobile": {"mobile": True, "width": 390, "height": 844, "deviceScaleFactor": 2, "disabled": False},
    "desktop": {"mobile": False, "width": 1400, "height": 900, "deviceScaleFactor": 1, "disabled": False},
}


# Lighthouse's own screens and desktop throttling (lighthouse-core/config/constants.js), for the
# performance audit: its scores are calibrated on them
LIGHTHOUSE_SCREENS = {
    "mobile": {"mobile": True, "width": 412, "height": 823, "deviceScaleFactor": 1.75, "disabled": False},
    "desktop": {"mobile": False, "width": 1350, "height": 940, "deviceScaleFactor": 1, "disabled": False},
}
DESKTOP_THROTTLING = {"rttMs": 40, "throughputKbps": 10240, "cpuSlowdownMultiplier": 1,
                      "requestLatencyMs": 0, "downloadThroughputKbps": 0, "uploadThroughputKbps": 0}
METRICS = (("first-contentful-paint", "FCP"), ("largest-contentful-paint", "LCP"),
           ("total-blocking-time", "TBT"), ("cumulative-layout-shift", "CLS"), ("speed-index", "SI"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_chrome() -> str | None:
    return os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("google-chrome")


def find_lighthouse(explicit: str | None) -> str:
    """The lighthouse command: given, in $LIGHTHOUSE, or installed under the cache directory."""
    if explicit or os.environ.get("LIGHTHOUSE"):
        return explicit or os.environ["LIGHTHOUSE"]
    prefix = Path(os.environ.get("PSAD_LIGHTHOUSE_DIR", Path.home() / ".cache" / "psad-lighthouse"))
    binary = prefix / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("npm is not installed: install Node.js 18+ or pass --lighthouse PATH")
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} under {prefix} …", file=sys.stderr)
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return str(binary)


class Server:
    """``psad serve`` on a free port, in its own process group (stopped by its id)."""

    def __init__(self, database_url: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        psad = Path(sys.executable).parent / "psad"
        command = [str(psad)] if psad.exists() else [sys.executable, "-m", "app.cli"]
        self.log = tempfile.NamedTemporaryFile("w+", prefix="psad-serve-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([*command, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env={**os.environ, "DATABASE_URL": database_url},
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, timeout: float = 60) -> None:
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"psad serve stopped:\n{self.log.read()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"psad serve did not answer on {self.url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        os.unlink(self.log.name)


def failed_audits(report: dict) -> list[dict]:
    """The accessibility audits that failed: id, title, and the elements they name."""
    out = []
    for ref in report["categories"]["accessibility"]["auditRefs"]:
        audit = report["audits"].get(ref["id"], {})
        if ref.get("weight", 0) == 0 and audit.get("scoreDisplayMode") != "binary":
            continue
        if audit.get("score") is None or audit["score"] >= 1:
            continue
        items = (audit.get("details") or {}).get("items") or []
        nodes = []
        for item in items:
            node = item.get("node") or {}
            what = node.get("selector") or node.get("snippet") or ""
            if what:
                nodes.append(what)
        out.append({"id": ref["id"], "title": audit.get("title", ""), "nodes": nodes})
    return out


def run_one(lighthouse: str, url: str, config: Path, chrome: str, out: Path) -> dict:
    command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={out}", f"--config-path={config}",
               f"--chrome-flags={CHROME_FLAGS}"]
    env = {**os.environ, "CHROME_PATH": chrome}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    if done.returncode != 0 or not out.exists():
        return {"score": None, "failed": [], "error": (done.stderr or done.stdout).strip()[-600:]}
    report = json.loads(out.read_text(encoding="utf-8"))
    score = report["categories"]["accessibility"]["score"]
    errors = report.get("runtimeError", {}).get("message")
    # how many audits found something to judge: a page that was not drawn has few (a blank page scores 100)
    judged = sum(1 for ref in report["categories"]["accessibility"]["auditRefs"]
                 if report["audits"].get(ref["id"], {}).get("scoreDisplayMode") == "binary")
    return {"score": None if score is None else round(score * 100), "failed": failed_audits(report),
            "judged": judged, "error": errors, "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl")}


def run_performance(lighthouse: str, url: str, config: Path, chrome: str, out: Path) -> dict:
    """One performance run: the score, the five metrics (ms; CLS unitless), bytes transferred and
    the largest transfers."""
    command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={out}", f"--config-path={config}",
               f"--chrome-flags={CHROME_FLAGS}"]
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0 or not out.exists():
        return {"score": None, "error": (done.stderr or done.stdout).strip()[-600:]}
    report = json.loads(out.read_text(encoding="utf-8"))
    score = report["categories"]["performance"]["score"]
    audits = report["audits"]
    requests = (audits.get("network-requests", {}).get("details") or {}).get("items") or []
    return {"score": None if score is None else round(score * 100),
            "metrics": {short: audits[key].get("numericValue") for key, short in METRICS},
            "bytes": audits.get("total-byte-weight", {}).get("numericValue"),
            "requests": len(requests),
            "largest": sorted(((r.get("transferSize") or 0, r.get("resourceSize") or 0, r["url"]) for r in requests),
                              reverse=True)[:8],
            "lcp_element": _lcp_element(audits),
            "error": report.get("runtimeError", {}).get("message")}


def _lcp_element(audits: dict) -> str:
    for item in (audits.get("largest-contentful-paint-element", {}).get("details") or {}).get("items") or []:
        for row in item.get("items", [item]):
            node = row.get("node") or {}
            if node.get("snippet") or node.get("selector"):
                return (node.get("selector") or "") + " " + (node.get("snippet") or "")[:80]
    return ""


def performance_main(args, lighthouse: str, chrome: str, work: Path, base: str) -> None:
    """``--category performance``: ``--runs`` runs per page and language; the median run's figures."""
    version = subprocess.run([lighthouse, "--version"], capture_output=True, text=True).stdout.strip()
    cpu = ("Lighthouse's default throttling" if args.cpu_slowdown is None
           else f"Lighthouse's network throttling, CPU slowdown {args.cpu_slowdown:g}x")
    print(f"Lighthouse {version}, performance, {args.form_factor} ({cpu}), {args.runs} run(s) a page, {base}; "
          f"this machine runs a Python loop of 10^7 additions in {machine_speed():.2f} s", flush=True)
    rows = []
    for page in args.pages:
        for lang in args.langs:
            name = (page.strip("/") or "summary") + f"-{lang}"
            runs = []
            for i in range(args.runs):
                for attempt in range(2):  # a run with Lighthouse's own error (NO_NAVSTART) is run once more
                    r = run_performance(lighthouse, f"{base}{page}?lang={lang}", work / "config.json", chrome,
                                        work / f"{name}-perf-{i + 1}.json")
                    if attempt or r["score"] is not None or not r.get("error"):
                        break
                    print(f"  {page:<14} {lang} run {i + 1}: no score ({r['error'][:80]}), run again", flush=True)
                runs.append(r)
                m = r.get("metrics") or {}
                r["load"] = os.getloadavg()[0]  # the score moves with the machine's load: say it
                print(f"  {page:<14} {lang} run {i + 1}: {r['score'] if r['score'] is not None else '—':>4}  "
                      + "  ".join(f"{k} {_fmt(k, m.get(k))}" for _, k in METRICS)
                      + (f"  {r['bytes'] / 1024:,.0f} KiB" if r.get("bytes") else "")
                      + f"  (load average {r['load']:.2f})"
                      + (f"  ({r['error']})" if r.get("error") else ""), flush=True)
            scored = sorted((r for r in runs if r["score"] is not None), key=lambda r: r["score"])
            rows.append((page, lang, scored[len(scored) // 2] if scored else runs[-1],
                         [r["score"] for r in runs]))
    print()
    print("median run per page (score; FCP, LCP, SI in s; TBT in ms; bytes on the wire)")
    print(f"{'page':<14}{'lang':<5}{'score':>6}  {'runs':<12}" + "".join(f"{k:>8}" for _, k in METRICS)
          + f"{'KiB':>8}{'reqs':>6}")
    for page, lang, r, scores in rows:
        m = r.get("metrics") or {}
        print(f"{page:<14}{lang:<5}{r['score'] if r['score'] is not None else '—':>6}  "
              f"{','.join('—' if s is None else str(s) for s in scores):<12}"
              + "".join(f"{_fmt(k, m.get(k)):>8}" for _, k in METRICS)
              + f"{(r.get('bytes') or 0) / 1024:>8,.0f}{r.get('requests', 0):>6}")
    for page, lang, r, _scores in rows:
        if r.get("largest"):
            print(f"\n{page} ({lang}): largest transfers (on the wire / decoded bytes)")
            for sent, size, url in r["largest"]:
                print(f"  {sent:>10,} {size:>10,}  {url.split('?')[0][-90:]}")
        if r.get("lcp_element"):
            print(f"  LCP element: {r['lcp_element']}")


def machine_speed() -> float:
    """Seconds for a Python loop of 10^7 additions at a script's top level (the figure the README's
    measurements carry), best of three: Lighthouse simulates its slowdown from a trace recorded at
    this machine's speed, so a score travels with this figure."""
    loop = "import time\nt = time.perf_counter()\ns = 0\nfor i in range(10**7):\n    s += i\nprint(time.perf_counter() - t)"
    return min(float(subprocess.run([sys.executable, "-c", loop], capture_output=True, text=True,
                                    check=True).stdout) for _ in range(3))


def _fmt(metric: str, value) -> str:
    if value is None:
        return "—"
    if metric == "CLS":
        return f"{value:.3f}"
    if metric == "TBT":
        return f"{value:,.0f}"
    return f"{value / 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    ap.add_argument("--url", help="audit a server already running at this address instead of starting one")
    ap.add_argument("--pages", nargs="+", default=list(PAGES))
    ap.add_argument("--langs", nargs="+", default=list(LANGS))
    ap.add_argument("--form-factor", choices=sorted(SCREENS), default="mobile",
                    help="mobile (390 px, the default) or desktop (1400 px)")
    ap.add_argument("--lighthouse", help="the lighthouse command (default: installed under a cache directory)")
    ap.add_argument("--keep", help="keep the JSON reports in this directory")
    ap.add_argument("--category", choices=("accessibility", "performance"), default="accessibility",
                    help="accessibility (issue 11, the default) or performance (issue 12: score and metrics)")
    ap.add_argument("--runs", type=int, default=3, help="performance runs per page (the median is reported)")
    ap.add_argument("--cpu-slowdown", type=float,
                    help="performance: Lighthouse's CPU multiplier instead of its default (mobile 4): on a "
                         "faster machine, 4 x (a slower machine's loop time / this one's) scores a page as "
                         "the slower machine would")
    args = ap.parse_args(argv)
    if args.category == "performance" and args.pages == list(PAGES):
        args.pages = ["/", "/map"]  # the two pages, unless others are named
    if args.category == "performance" and args.langs == list(LANGS):
        args.langs = ["en"]

    chrome = find_chrome()
    if not chrome:
        print("Chromium not found: set CHROME_PATH", file=sys.stderr)
        return 1
    lighthouse = find_lighthouse(args.lighthouse)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="psad-lighthouse-"))
    work.mkdir(parents=True, exist_ok=True)
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config(args.form_factor, args.category, args.cpu_slowdown),
                                      indent=2), encoding="utf-8")

    server = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        server = Server(args.database_url)
        base = server.url
    results: dict[tuple[str, str], dict] = {}
    try:
        if server:
            server.wait()
        if args.category == "performance":
            performance_main(args, lighthouse, chrome, work, base)
            if args.keep:
                print(f"\nJSON reports in {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
            return 0
        version = subprocess.run([lighthouse, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"Lighthouse {version}, accessibility, {args.form_factor}, {base}", flush=True)
        for page in args.pages:
            for lang in args.langs:
                name = (page.strip("/") or "summary") + f"-{lang}"
                t0 = time.time()
                results[(page, lang)] = run_one(lighthouse, f"{base}{page}?lang={lang}", config_path, chrome,
                                                work / f"{name}.json")
                r = results[(page, lang)]
                print(f"  {page:<14} {lang}  {r['score'] if r['score'] is not None else '—':>4}"
                      f"  ({time.time() - t0:.0f} s)", flush=True)
    finally:
        if server:
            server.stop()

    print()
    print("score (audits that applied to the page)")
    print(f"{'page':<14}" + "".join(f"{lang:>11}" for lang in args.langs))
    for page in args.pages:
        cells = []
        for lang in args.langs:
            r = results[(page, lang)]
            cells.append(f"{'—' if r['score'] is None else r['score']:>5} ({r.get('judged', 0):>2})")
        print(f"{page:<14}" + "".join(f"{c:>11}" for c in cells))
    print()
    below = False
    for page in args.pages:
        for lang in args.langs:
            r = results[(page, lang)]
            if r.get("error"):
                below = True
                print(f"{page} ({lang}): {r['error']}")
            for audit in r["failed"]:
                below = True
                print(f"{page} ({lang}): {audit['id']} — {audit['title']}")
                for node in audit["nodes"][:8]:
                    print(f"    {node}")
                if len(audit["nodes"]) > 8:
                    print(f"    … and {len(audit['nodes']) - 8} more")
    if not below:
        print("No failed accessibility audits.")
    if args.keep:
        print(f"\nJSON reports in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
