"""Benchmark: Lighthouse's accessibility score of every page, in English and in Spanish (issue 11).

    .venv/bin/python bench/bench_lighthouse.py [--database-url URL | --url http://host:port]
        [--pages / /map ...] [--langs en es] [--form-factor mobile|desktop] [--keep DIR]

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
def config(form_factor: str) -> dict:
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
    args = ap.parse_args(argv)

    chrome = find_chrome()
    if not chrome:
        print("Chromium not found: set CHROME_PATH", file=sys.stderr)
        return 1
    lighthouse = find_lighthouse(args.lighthouse)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="psad-lighthouse-"))
    work.mkdir(parents=True, exist_ok=True)
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config(args.form_factor), indent=2), encoding="utf-8")

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
