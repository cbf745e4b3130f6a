"""``psad serve --production``: gunicorn with threaded workers and the repository's config, warmed
before it takes traffic, compressing, and stopping gracefully."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from app.settings import PROJECT_ROOT
from tests.conftest import free_port


def _get(url: str) -> tuple[int, str | None, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.headers.get("Content-Encoding"), r.read()


def test_production_server_serves_the_first_crowd_and_stops_gracefully(demo_url):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=demo_url, WEB_CONCURRENCY="2", PSAD_THREADS="4")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--production", "--port", str(port)],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the port only: the first HTTP requests are the crowd below
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        # a crowd opening a shared link at once: the page and its bundles, many times over
        page = f"{base}/?start=2025-01-01&end=2025-12-31"
        with ThreadPoolExecutor(16) as pool:
            pages = list(pool.map(_get, [page] * 16))
        import gzip

        html = gzip.decompress(pages[0][2]).decode()
        bundles = re.findall(r'src="(/_dash-component-suites/[^"]+\.js)"', html)
        assert bundles
        with ThreadPoolExecutor(16) as pool:
            got = list(pool.map(_get, [base + b for b in bundles] * 3))
        assert all(status == 200 for status, _, _ in pages + got)
        assert all(enc == "gzip" for _, enc, _ in pages)
        assert _get(f"{base}/api/v1/health")[0] == 200
        _keep_alive_and_split_requests(port)
        _long_links(base)
        _graceful_reload(proc, base)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=40)
    log = out.decode(errors="replace")
    assert proc.returncode == 0, log[-2000:]
    assert "HeaderTimeoutWorker" in log and "Traceback" not in log
    assert "Hang up: Master" in log  # the reload happened
    # the access log: one line per request, the path without its query string (filters, typed text)
    assert re.search(r'"GET /api/v1/health HTTP/1.1" 200 \d+ \d+ms', log), log[-2000:]
    assert "neighborhood=" not in log and "start=2025" not in log
    # the app's own lines reach the log, once each, with a time (the malformed callback below)
    assert len(re.findall(r"^\[[-0-9 :+]+\] \[\d+\] \[INFO\] refused a malformed callback request", log, re.M)) == 1, \
        log[-3000:]
    assert len(re.findall(r"Listening at: ", log)) == 1


def _keep_alive_and_split_requests(port: int) -> None:
    """The worker reads headers in its event loop (gunicorn.conf.py): requests on a kept-alive
    connection, two requests in one packet, headers in pieces and a body sent after its headers
    all reach the app whole."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(3):  # one connection, three requests
        conn.request("GET", "/api/v1/health")
        r = conn.getresponse()
        assert r.status == 200 and r.read()
    conn.close()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(s).count(b"HTTP/1.1 200 OK") == 2
    body = b'{"output": "x"}'  # not a callback Dash knows: the app read the body and says 400
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        for piece in (b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\n",
                      b"Content-Type: application/json\r\nConnection: close\r\n",
                      b"Content-Length: %d\r\n\r\n" % len(body), body[:5], body[5:]):
            s.sendall(piece)
            time.sleep(0.3)
        assert _read_all(s).startswith(b"HTTP/1.1 400 ")


def _long_links(base: str) -> None:
    """A link with many filter values (about 10 KiB with every value chosen) reaches the app, and
    the app, not gunicorn's 4 KiB line limit, refuses a query string over 32 KiB with its 414."""
    import urllib.error

    long = "&".join(f"neighborhood=Area+{i:05d}" for i in range(800))  # 20 KiB
    req = urllib.request.Request(f"{base}/?{long}", headers={"Referer": f"{base}/?{long}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
    try:
        urllib.request.urlopen(f"{base}/api/v1/health?{long}&{long}", timeout=30)
        raise AssertionError("a 40 KiB query string was served")
    except urllib.error.HTTPError as e:
        assert e.code == 414 and b"too long" in e.read()


def _graceful_reload(proc: subprocess.Popen, base: str) -> None:
    """SIGHUP (deploy/psad.service's reload): new workers replace the old ones while requests keep
    being answered (``psad serve --production`` execs gunicorn, so the process is its master)."""
    import urllib.error

    proc.send_signal(signal.SIGHUP)
    for _ in range(20):  # about 5 s of requests across the workers' replacement: every one answered
        try:
            assert _get(f"{base}/api/v1/health")[0] == 200
        except urllib.error.URLError as e:
            raise AssertionError(f"a request failed during the reload: {e}") from e
        time.sleep(0.25)


def _read_all(s: socket.socket) -> bytes:
    got = b""
    while chunk := s.recv(65536):
        got += chunk
    return got
