"""Benchmark: what a first view costs the browser (issue 12, Lighthouse's main-thread work), in
figures that do not move with the machine's load: bytes on the wire and decoded, requests and
scripts, DOM nodes, and the renderer main thread's tasks from a Chrome trace, by CPU time.

    .venv/bin/python bench/bench_first_view.py [--url http://host:port | --database-url URL]
        [--pages / /map] [--runs 3] [--width 412 --height 823] [--cpu-slowdown 4] [--json FILE]

It serves the app with ``psad serve`` on a free port (as bench_lighthouse.py does) unless ``--url``
names a running one, opens each page in a fresh headless Chromium (``bench/first_view_trace.mjs``,
driven by puppeteer-core from the Lighthouse copy bench_lighthouse.py installs), traced from the
navigation until the page has asked for nothing new for 2 s and no callback is pending, and reads:

* Resource Timing: bytes on the wire (``transferSize``, headers included) and decoded, requests,
  and the scripts among them;
* the DOM: element count;
* the trace (categories ``devtools.timeline``, ``v8``, ``toplevel``): every
  top-level task of the page's main thread (``RunTask``) with its wall time (``dur``) and CPU time
  (``tdur``); "long" tasks are those over 50 ms of CPU; "blocking" is Lighthouse's TBT rule
  (the part of each task over 50 ms) applied to CPU time from the first paint on, without its
  simulated 4x slowdown. Script evaluation and compilation are summed per script URL
  (``EvaluateScript``, ``v8.compile``), and the rest per kind (style, layout, paint, GC, function
  calls from timers and events).

With ``--cpu-slowdown N`` the page's CPU is slowed N times by Chromium itself (DevTools'
throttling: real, where Lighthouse simulates it from an unslowed trace), and the long tasks the
page observes (PerformanceObserver ``longtask``) say what a slow phone waits: how many, the
longest (what a tap may wait for), and their blocking time after the first paint.

The median run (by main-thread CPU) is printed per page. CPU time still varies a little with
caches and frequency scaling, but far less than wall time on a busy machine; print ``uptime``
beside any figure. Nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_lighthouse import DEFAULT_DB, Server, find_chrome, find_lighthouse  # noqa: E402

HERE = Path(__file__).resolve().parent
NODE_MODULES: list[str] = []

LONG_MS = 50.0


def run_trace(url: str, width: int, height: int, work: Path, i: int, slowdown: float = 1) -> tuple[dict, list[dict]]:
    trace = work / f"trace-{i}.json"
    done = subprocess.run(["node", str(HERE / "first_view_trace.mjs"), url, str(trace), str(width), str(height),
                           f"{slowdown:g}"],
                          env={**os.environ, "NODE_PATH": NODE_MODULES[0],
                               "CHROME_PATH": find_chrome() or "/usr/bin/chromium"},
                          capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    data = json.loads(trace.read_text(encoding="utf-8"))
    trace.unlink()
    return facts, data["traceEvents"] if isinstance(data, dict) else data


def main_thread(events: list[dict]) -> tuple[int, int] | None:
    """(pid, tid) of the renderer main thread that ran the page (the one with the most task time)."""
    names = {(e["pid"], e["tid"]): e.get("args", {}).get("name") for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    busy: dict[tuple[int, int], float] = defaultdict(float)
    for e in events:
        if e.get("name") == "RunTask" and e.get("ph") == "X" and names.get((e["pid"], e["tid"])) == "CrRendererMain":
            busy[(e["pid"], e["tid"])] += e.get("dur", 0)
    return max(busy, key=busy.get) if busy else None


KINDS = {  # trace event -> kind, for the breakdown (first match inside each top-level task)
    "EvaluateScript": "script evaluation", "v8.compile": "script compile", "v8.compileModule": "script compile",
    "V8.CompileCode": "script compile", "FunctionCall": "function calls", "TimerFire": "function calls",
    "EventDispatch": "function calls", "FireAnimationFrame": "function calls", "V8.Execute": "function calls",
    "RunMicrotasks": "function calls", "v8.run": "script evaluation",
    "UpdateLayoutTree": "style", "ParseAuthorStyleSheet": "style", "Layout": "layout", "Paint": "paint",
    "PrePaint": "paint", "Layerize": "paint", "UpdateLayer": "paint",
    "ParseHTML": "HTML parse", "MinorGC": "GC", "MajorGC": "GC", "V8.GCScavenger": "GC", "V8.GCCompactor": "GC",
    "BlinkGC.AtomicPhase": "GC",
}


def analyse(events: list[dict], fcp_ms: float | None) -> dict:
    """Main-thread tasks of the page: totals (wall and CPU), long tasks, blocking time by CPU after
    the first paint, CPU per script URL (evaluate + compile) and per kind."""
    thread = main_thread(events)
    if thread is None:
        return {}
    mine = [e for e in events if (e.get("pid"), e.get("tid")) == thread and e.get("ph") == "X"]
    nav = [e["ts"] for e in events if e.get("name") in ("navigationStart", "fetchStart")
           and (e.get("pid"), e.get("tid")) == thread]
    origin = min(nav) if nav else min(e["ts"] for e in mine)
    tasks = sorted((e for e in mine if e["name"] == "RunTask"), key=lambda e: e["ts"])
    wall = sum(e.get("dur", 0) for e in tasks) / 1000
    cpu = sum(e.get("tdur", e.get("dur", 0)) for e in tasks) / 1000
    long_tasks = [e for e in tasks if e.get("tdur", e.get("dur", 0)) / 1000 > LONG_MS]
    after = (fcp_ms or 0) * 1000 + origin
    blocking = sum(max(0.0, e.get("tdur", e.get("dur", 0)) / 1000 - LONG_MS) for e in tasks if e["ts"] >= after)
    by_url: dict[str, float] = defaultdict(float)
    by_kind: dict[str, float] = defaultdict(float)
    # self CPU time per event (its tdur less its children's), attributed to a kind and a URL
    children_cpu: dict[int, float] = defaultdict(float)
    stack: list[dict] = []
    ordered = sorted((e for e in mine if "tdur" in e), key=lambda e: (e["ts"], -e.get("dur", 0)))
    parent_of: dict[int, int | None] = {}
    for e in ordered:
        while stack and stack[-1]["ts"] + stack[-1].get("dur", 0) <= e["ts"]:
            stack.pop()
        parent_of[id(e)] = id(stack[-1]) if stack else None
        if stack:
            children_cpu[id(stack[-1])] += e["tdur"]
        stack.append(e)
    by_id = {id(e): e for e in ordered}

    def context(e):  # the nearest enclosing event with a kind / a URL
        kind, url = None, None
        node = e
        while node is not None and (kind is None or url is None):
            k = KINDS.get(node["name"])
            kind = kind or k
            data = node.get("args", {}).get("data", {}) or {}
            u = data.get("url") or node.get("args", {}).get("url") or node.get("args", {}).get("fileName")
            if u and node["name"] in ("EvaluateScript", "v8.compile", "v8.run", "FunctionCall", "V8.CompileCode",
                                      "v8.compileModule"):
                url = url or u
            parent = parent_of.get(id(node))
            node = by_id.get(parent) if parent is not None else None
        return kind or "other", url

    for e in ordered:
        own = max(0.0, e["tdur"] - children_cpu[id(e)]) / 1000
        if own <= 0:
            continue
        kind, url = context(e)
        by_kind[kind] += own
        if url and kind in ("script evaluation", "script compile", "function calls"):
            by_url[url.split("?")[0].rsplit("/", 1)[-1]] += own
    return {"tasks": len(tasks), "wall_ms": wall, "cpu_ms": cpu, "long": len(long_tasks),
            "longest_ms": max((e.get("tdur", 0) / 1000 for e in tasks), default=0.0),
            "blocking_ms": blocking, "by_url": dict(by_url), "by_kind": dict(by_kind)}


def observed(long_tasks: list, fcp: float | None) -> dict:
    """The browser's own long tasks (PerformanceObserver "longtask": over 50 ms of wall time):
    how many, the longest (what a tap may wait), and Lighthouse's blocking rule (the part of each
    over 50 ms) from the first paint on."""
    after = [d for start, d in long_tasks if fcp is None or start >= fcp]
    return {"observed_long": len(long_tasks), "observed_longest_ms": max((d for _s, d in long_tasks), default=0.0),
            "observed_blocking_ms": sum(max(0.0, d - 50) for d in after)}


def measure(url: str, width: int, height: int, work: Path, i: int, slowdown: float = 1) -> dict:
    facts, events = run_trace(url, width, height, work, i, slowdown)
    entries, fcp = facts["entries"], facts["fcp_ms"]
    scripts = [e for e in entries if e["type"] == "script" or e["name"].split("?")[0].endswith(".js")]
    return {"slowdown": slowdown, "transfer": sum(e["transfer"] for e in entries),
            "decoded": sum(e["decoded"] for e in entries),
            "requests": len(entries), "scripts": len(scripts),
            "script_decoded": sum(e["decoded"] for e in scripts), "dom": facts["dom"], "fcp_ms": fcp,
            "largest": sorted(((e["transfer"], e["decoded"], e["name"]) for e in entries), reverse=True)[:8],
            **observed(facts.get("long_tasks", []), fcp), **analyse(events, fcp)}


def slowdown_words(r: dict) -> str:
    return f" at a {r['slowdown']:g}x CPU slowdown" if r.get("slowdown", 1) > 1 else ""


def report(page: str, runs: list[dict]) -> None:
    ok = [r for r in runs if "cpu_ms" in r]
    r = sorted(ok, key=lambda r: r["cpu_ms"])[len(ok) // 2] if ok else runs[-1]
    print(f"\n{page}: median of {len(runs)} run(s) by main-thread CPU "
          f"(CPU per run: {', '.join(format(x.get('cpu_ms', 0), ',.0f') for x in runs)} ms)")
    print(f"  wire {r['transfer'] / 1024:,.0f} KiB, decoded {r['decoded'] / 1024:,.0f} KiB, {r['requests']} requests, "
          f"{r['scripts']} scripts ({r['script_decoded'] / 1024:,.0f} KiB decoded), {r['dom']} DOM elements, "
          f"first paint {r['fcp_ms'] or 0:,.0f} ms")
    print(f"  long tasks the page observed{slowdown_words(r)}: {r['observed_long']}, longest "
          f"{r['observed_longest_ms']:,.0f} ms, blocking after first paint {r['observed_blocking_ms']:,.0f} ms "
          f"(per run: longest {', '.join(format(x.get('observed_longest_ms', 0), ',.0f') for x in runs)} ms)")
    if "cpu_ms" not in r:
        print("  (no trace events)")
        return
    print(f"  main thread: {r['tasks']} tasks, CPU {r['cpu_ms']:,.0f} ms (wall {r['wall_ms']:,.0f} ms), "
          f"{r['long']} over {LONG_MS:.0f} ms CPU (longest {r['longest_ms']:,.0f} ms), "
          f"blocking after first paint {r['blocking_ms']:,.0f} ms CPU (x4 for Lighthouse's phone: "
          f"{r['blocking_ms'] * 4:,.0f} ms, roughly)")
    print("  CPU by kind: " + ", ".join(f"{k} {v:,.0f}" for k, v in sorted(r["by_kind"].items(), key=lambda kv: -kv[1])
                                         if v >= 1))
    print("  script CPU by file (evaluate, compile, calls):")
    for name, ms in sorted(r["by_url"].items(), key=lambda kv: -kv[1])[:10]:
        if ms >= 1:
            print(f"    {ms:>8,.0f} ms  {name[-80:]}")
    print("  largest transfers (wire / decoded bytes):")
    for sent, size, name in r["largest"]:
        print(f"    {sent:>10,} {size:>10,}  {name.split('?')[0][-80:]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    ap.add_argument("--url", help="a server already running (default: start psad serve)")
    ap.add_argument("--pages", nargs="+", default=["/", "/map"])
    ap.add_argument("--lang", default="en")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--width", type=int, default=412)
    ap.add_argument("--height", type=int, default=823)
    ap.add_argument("--json", help="write every run's figures to this file")
    ap.add_argument("--cpu-slowdown", type=float, default=1,
                    help="slow the page's CPU this many times (DevTools' throttling, real, not simulated; "
                         "4 is Lighthouse's phone): the observed long tasks then say what a slow phone waits")
    args = ap.parse_args(argv)
    lighthouse = Path(find_lighthouse(None))
    NODE_MODULES.append(str(lighthouse.parents[1]))  # <prefix>/node_modules/.bin/lighthouse
    server = None if args.url else Server(args.database_url)
    base = args.url.rstrip("/") if args.url else server.url
    results = {}
    work = Path(tempfile.mkdtemp(prefix="psad-first-view-"))
    try:
        if server:
            server.wait()
        print(f"{base}, {args.width}x{args.height}, load average {os.getloadavg()[0]:.2f} at start", flush=True)
        for page in args.pages:
            url = f"{base}{page}{'&' if '?' in page else '?'}lang={args.lang}"
            urllib.request.urlopen(url, timeout=30).read()  # the server's caches warm, Dash registers its bundles
            measure(url, args.width, args.height, work, 0)  # once untimed: the layout and answers cached
            runs = [measure(url, args.width, args.height, work, i + 1, args.cpu_slowdown) for i in range(args.runs)]
            results[page] = runs
            report(page, runs)
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    finally:
        if server:
            server.stop()
        for leftover in work.glob("*"):
            leftover.unlink()
        work.rmdir()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print("median CPU per page: " + ", ".join(
        f"{p} {statistics.median(r.get('cpu_ms', 0) for r in runs):,.0f} ms" for p, runs in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
