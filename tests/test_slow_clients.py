"""Slow clients cannot stop the production server (issue 13, item 5).

A client that sends its request headers a line every 3 s used to hold one of gunicorn's threads
for as long as it cared to (gunicorn has no header timeout of its own): as many slow connections
as threads and no health check was answered. ``psad serve --production`` now reads request
headers in each worker's event loop (gunicorn.conf.py, ``HeaderTimeoutWorker``) and hands a
request to a thread only once its headers are complete; a connection whose headers are not in
after ``header_timeout`` seconds is answered 408 and closed.

The figures in the report come from the same attack run by hand against any database:

    DATABASE_URL=postgresql://... .venv/bin/python -m tests.test_slow_clients --slow 16 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import runpy
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from app.settings import PROJECT_ROOT
from tests.conftest import free_port

LINE_EVERY = 3.0  # seconds between two header lines of a slow client


@dataclass
class Attack:
    slow: int
    health_latencies: list[float] = field(default_factory=list)  # seconds; inf when unanswered
    cut_after: list[float] = field(default_factory=list)  # seconds until the server closed each slow one
    answers: list[bytes] = field(default_factory=list)  # what the server said before closing


def start_production(database_url: str, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, WEB_CONCURRENCY=str(workers), PSAD_THREADS=str(threads))
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--production", "--port", str(port)],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
                r.read()
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("gunicorn did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.3)


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def _slow_client(port: int, seconds: float, attack: Attack, lock: threading.Lock, body: bool = False) -> None:
    """Send a request's headers a line every LINE_EVERY seconds, never finishing them (or, with
    ``body``, the headers at once and a callback's body a line every LINE_EVERY seconds); note
    when (and with what) the server closes the connection."""
    start = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port))
    got = b""
    try:
        if body:
            sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n{")
        else:
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n")
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ)
        n = 0
        next_line = start + LINE_EVERY
        while time.monotonic() - start < seconds:
            if sel.select(timeout=max(0.0, min(next_line - time.monotonic(), 0.2))):
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                got += data
                if not data:  # closed by the server
                    with lock:
                        attack.cut_after.append(time.monotonic() - start)
                        attack.answers.append(got)
                    return
            if time.monotonic() >= next_line:
                n += 1
                next_line += LINE_EVERY
                try:
                    sock.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
                except OSError:
                    with lock:
                        attack.cut_after.append(time.monotonic() - start)
                        attack.answers.append(got)
                    return
    finally:
        sock.close()


def attack(port: int, slow: int, seconds: float, health_every: float = 0.5, bodies: bool = False,
           until_cut: bool = False) -> Attack:
    """``slow`` slow connections for ``seconds`` (with ``bodies``, every other one sends a slow
    body instead of slow headers), a health check every ``health_every`` seconds beside them (each
    waits at most 5 s). With ``until_cut``, the attack ends early once the server has cut every
    slow connection and answered one more health check."""
    result = Attack(slow)
    lock = threading.Lock()
    clients = [threading.Thread(target=_slow_client, args=(port, seconds, result, lock, bodies and i % 2 == 1),
                                daemon=True) for i in range(slow)]
    for c in clients:
        c.start()
    time.sleep(1.0)  # every slow connection is in and has sent its first line
    end = time.monotonic() + seconds - 1.0
    all_cut = False
    while time.monotonic() < end:
        if until_cut:
            with lock:
                done = len(result.cut_after) == slow
            if all_cut:
                break  # a health check was answered (or not) after the last cut: that is all we wait for
            all_cut = done
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
                r.read()
                ok = r.status == 200
        except OSError:
            ok = False
        result.health_latencies.append(time.monotonic() - t0 if ok else float("inf"))
        time.sleep(max(0.0, health_every - (time.monotonic() - t0)))
    for c in clients:
        c.join(timeout=seconds + 5)
    return result


def header_timeout() -> float:
    return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["header_timeout"]


def test_slow_header_senders_do_not_stop_the_server_and_are_cut(demo_url):
    workers, threads = 2, 4
    slow = 2 * workers * threads  # twice as many slow connections as the server has threads
    limit = header_timeout()
    proc, port = start_production(demo_url, workers, threads)
    try:
        result = attack(port, slow, seconds=limit + 4, bodies=True, until_cut=True)
    finally:
        log = stop(proc)
    answered = [t for t in result.health_latencies if t != float("inf")]
    assert len(answered) == len(result.health_latencies) >= 8, result
    assert max(answered) < 3.0, result  # unanswered in 5 s before; a few ms on a quiet machine
    # every slow connection was cut once its headers had taken header_timeout, with a 408
    assert len(result.cut_after) == slow, result
    assert all(limit - 0.5 <= t <= limit + 2.5 for t in result.cut_after), result
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in result.answers), result
    assert log.count(f"request not complete after {limit:g} s") == slow, log[-3000:]
    assert "Traceback" not in log, log[-3000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=16, help="slow connections")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the attack")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--bodies", action="store_true", help="every other slow client sends a slow body")
    args = parser.parse_args()
    proc, port = start_production(os.environ["DATABASE_URL"], args.workers, args.threads)
    try:
        r = attack(port, args.slow, args.seconds, bodies=args.bodies)
    finally:
        stop(proc)
    lat = sorted(r.health_latencies)
    answered = [t for t in lat if t != float("inf")]
    kind = "a header or body line" if args.bodies else "a header line"
    print(f"{args.slow} slow connections ({kind} every {LINE_EVERY:.0f} s) against "
          f"{args.workers} workers x {args.threads} threads for {args.seconds:.0f} s")
    print(f"health checks answered: {len(answered)} of {len(lat)} (each waits at most 5 s)")
    if answered:
        print(f"health latency: median {answered[len(answered) // 2] * 1000:.0f} ms, "
              f"max {answered[-1] * 1000:.0f} ms")
    cut = sorted(r.cut_after)
    print(f"slow connections cut by the server: {len(cut)} of {args.slow}"
          + (f", after {cut[0]:.1f}-{cut[-1]:.1f} s" if cut else "")
          + (f", answered {r.answers[0][:24]!r}" if r.answers and r.answers[0] else ""))


if __name__ == "__main__":
    main()
