"""The reverse proxy's short cache of a link's first view (issue 12; app.serving.allow_proxy_cache,
deploy/nginx-psad.conf): which answers the app marks for it, and, with a real nginx running the
repository's site in front of the app, that a crowd on one link reaches the app once per variant
(address, language, encoding) while the case lookup, callbacks and other variants still reach it."""

from __future__ import annotations

import collections
import gzip
import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from app import create_app
from app.serving import PROXY_TTL
from bench import nginx as bench_nginx
from tests.axe_support import ServedApp
from tests.conftest import free_port

HEADERS = {"Accept-Encoding": "gzip", "Accept-Language": "en-US,en;q=0.9"}
LINK = "/?police_district=Eastern"
SLOW = "q=slow"  # the app under nginx takes 0.4 s more over a request ending so (Counted)


def marked(response) -> bool:
    return response.headers.get(PROXY_TTL) is not None


def test_the_app_marks_what_every_viewer_of_a_link_asks_for_alike(client):
    page = client.get(LINK, headers=HEADERS)
    assert page.status_code == 200 and page.headers[PROXY_TTL] == "10"  # PSAD_PROXY_CACHE_S's default
    assert {"accept-language", "accept-encoding"} <= {v.lower() for v in page.headers["Vary"].split(", ")}
    layout = client.get("/_dash-layout", headers={**HEADERS, "Referer": "http://localhost" + LINK})
    assert marked(layout) and "referer" in layout.headers["Vary"].lower()
    assert layout.headers["Cache-Control"] == "no-cache, private"  # a browser still revalidates
    assert marked(client.get("/_dash-dependencies", headers=HEADERS))
    assert marked(client.get("/_dash-component-suites/dash/dcc/async-graph.js", headers=HEADERS))


def test_nothing_else_is_marked(client):
    # the case lookup's address holds what a reader typed: neither its page nor its layout
    assert not marked(client.get("/lookup?q=burglary", headers=HEADERS))
    assert not marked(client.get("/_dash-layout", headers={**HEADERS, "Referer": "http://localhost/lookup?q=x"}))
    assert not marked(client.get("/no-such-page", headers=HEADERS))  # an error
    assert not marked(client.get("/api/v1/health", headers=HEADERS))  # the API has its own max-age
    deps = client.get("/_dash-dependencies").get_json()
    body = {"output": deps[0]["output"], "outputs": [], "inputs": [], "changedPropIds": []}
    assert not marked(client.post("/_dash-update-component", json=body, headers=HEADERS))


def test_nothing_drawn_during_an_outage_is_marked():
    # the database is unreachable: the page is a 503, and the layout (a 200 that says so) must be
    # built again by the next request, not kept by the proxy after the database is back
    app = create_app({"database_url": "postgresql://postgres@127.0.0.1:1/none"}, cache_type="null")
    client = app.server.test_client()
    assert client.get(LINK, headers=HEADERS).status_code == 503
    layout = client.get("/_dash-layout", headers={**HEADERS, "Referer": "http://localhost" + LINK})
    assert layout.status_code == 200 and not marked(layout)


def test_zero_seconds_marks_nothing(demo_url):
    app = create_app({"database_url": demo_url, "proxy_cache_s": 0}, cache_type="null")
    client = app.server.test_client()
    assert not marked(client.get(LINK, headers=HEADERS))
    assert not marked(client.get("/_dash-dependencies", headers=HEADERS))


# --- through nginx, as deployed -------------------------------------------------------------------

class Counted:
    """The app's WSGI callable, counting the requests that reach it by path (query string kept)."""

    def __init__(self, wsgi):
        self.wsgi = wsgi
        self.seen: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.slow_now = 0   # slow requests inside the app at this moment
        self.slow_most = 0  # and the most there ever were at once

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        with self.lock:
            self.seen[path] += 1
        if path.endswith(SLOW):
            with self.lock:
                self.slow_now += 1
                self.slow_most = max(self.slow_most, self.slow_now)
            try:
                time.sleep(0.4)
            finally:
                with self.lock:
                    self.slow_now -= 1
        return self.wsgi(environ, start_response)


@pytest.fixture()
def proxied(demo_url, tmp_path):
    exe = bench_nginx.executable()
    if not exe:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    app = create_app({"database_url": demo_url}, cache_type="null")
    counted = Counted(app.server.wsgi_app)
    app.server.wsgi_app = counted
    served = ServedApp(app.server, free_port()).start()
    listen = free_port()
    # One worker: nginx commits a stored copy just after the answer's last byte leaves, so with
    # two a request sent the instant the last one ended can reach the other worker first and
    # miss (a third of such pairs here). A crowd is not that punctual; a test is.
    proc = bench_nginx.start(tmp_path / "nginx", listen=listen, upstream=int(served.url.rsplit(":", 1)[1]),
                             workers="1")
    try:
        yield f"http://127.0.0.1:{listen}", counted
    finally:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        served.stop()


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={**HEADERS, **headers})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, head, body = r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        status, head, body = e.code, dict(e.headers), e.read()
    return status, head, gzip.decompress(body) if head.get("Content-Encoding") == "gzip" else body


def test_a_crowd_on_one_link_reaches_the_app_once_per_variant(proxied):
    base, counted = proxied
    seen = counted.seen
    first = get(base + LINK)
    again = [get(base + LINK) for _ in range(5)]
    assert first[0] == 200 and all(a[0] == 200 and a[2] == first[2] for a in again)
    assert seen[LINK] == 1, "the page reached the app again within PSAD_PROXY_CACHE_S"
    assert PROXY_TTL not in first[1] and PROXY_TTL not in again[0][1]  # nginx keeps it to itself
    # another language is another variant: it reaches the app, and comes back in that language
    spanish = get(base + LINK, **{"Accept-Language": "es-MX,es;q=0.9"})
    assert seen[LINK] == 2 and b'<html lang="es">' in spanish[2] and b'<html lang="en">' in first[2]

    # the layout: once per page address (the Referer), not once per viewer
    for _ in range(3):
        assert get(base + "/_dash-layout", Referer=base + LINK)[0] == 200
    other = get(base + "/_dash-layout", Referer=base + "/?police_district=Western")
    assert seen["/_dash-layout"] == 2 and b"Western" in other[2]

    # the callback graph, and a browser's revalidation answered by nginx from its copy
    status, head, _body = get(base + "/_dash-dependencies")
    assert get(base + "/_dash-dependencies", **{"If-None-Match": head["ETag"]})[0] == 304
    assert seen["/_dash-dependencies"] == 1


def test_the_lookup_and_callbacks_always_reach_the_app(proxied):
    base, counted = proxied
    seen = counted.seen
    for _ in range(3):
        assert get(base + "/lookup?q=robbery")[0] == 200
        assert get(base + "/_dash-layout", Referer=base + "/lookup?q=robbery")[0] == 200
    assert seen["/lookup?q=robbery"] == 3 and seen["/_dash-layout"] == 3
    deps = json.loads(get(base + "/_dash-dependencies")[2])
    body = json.dumps({"output": deps[0]["output"], "outputs": [], "inputs": [], "changedPropIds": []}).encode()
    for _ in range(2):
        req = urllib.request.Request(base + "/_dash-update-component", data=body,
                                     headers={**HEADERS, "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=30).read()
        except urllib.error.HTTPError:
            pass  # whatever the app answers an empty callback: it must have been asked both times
    assert seen["/_dash-update-component"] == 2


def test_a_crowd_on_an_unmarked_page_is_not_queued(proxied):
    """Identical requests for an answer the app does not mark go on at once: nothing in the site
    (a cache lock) holds one behind another. The app takes 0.4 s over each of these (``SLOW``) and
    counts how many are inside it at once: queued, there would never be more than one."""
    from concurrent.futures import ThreadPoolExecutor

    base, counted = proxied
    url = base + "/lookup?" + SLOW
    with ThreadPoolExecutor(8) as ex:
        assert [r[0] for r in ex.map(lambda _i: get(url), range(8))] == [200] * 8
    assert counted.seen["/lookup?" + SLOW] == 8
    assert counted.slow_most >= 2, "8 identical requests reached the app one behind another: queued"
