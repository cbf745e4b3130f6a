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
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=40)
    log = out.decode(errors="replace")
    assert proc.returncode == 0, log[-2000:]
    assert "gthread" in log and "Traceback" not in log
