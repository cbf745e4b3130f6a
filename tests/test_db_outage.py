"""A database that stops answering (issue 13, item 4), with a real PostgreSQL frozen by SIGSTOP
(a private server: ``tests/pg_private.py``), so connections hang instead of failing, as they do
when a host hangs or the network drops packets.

The server's own statement timeout cannot fire while it is frozen: the client bounds every wait
(connect timeout, a check of the server when a read goes unanswered, the pool's timeout), so a page
load and an API request answer 503 with the plain message within a few seconds, the outage is
logged once in one line, and the app serves again, without a restart, once the server is thawed.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from app import create_app
from tests import pg_private

API = "/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month"
PLAIN = "The database is not reachable right now."


@pytest.fixture(scope="module")
def cluster():
    return pg_private.shared_cluster()


def timed(call, limit: float = 20.0):
    """``call()`` in a thread: (seconds it took, its result). A call still waiting after ``limit``
    fails the test (the thread ends when the server is thawed)."""
    box: dict = {}

    def run():
        t0 = time.monotonic()
        box["result"] = call()
        box["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert "seconds" in box, f"the request was still waiting after {limit:.0f} s: nothing bounds the wait"
    return box["seconds"], box["result"]


def _db_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "data_access.db" and r.levelno >= logging.WARNING]


def test_a_frozen_database_answers_503_within_seconds_and_recovers_without_a_restart(cluster, caplog):
    server = cluster.primary
    app = create_app({"database_url": server.url(), "db_retry_s": 1.0})
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get(API).status_code == 200  # the pool now holds connections to the server
    caplog.set_level(logging.WARNING)

    pg_private.freeze(server)
    try:
        # a read sent on a pooled connection: the server takes it and never answers
        seconds, page = timed(lambda: client.get("/?council_district=7"))
        print(f"\npage load while frozen: {page.status_code} in {seconds:.2f} s")
        assert page.status_code == 503 and seconds < 5
        assert PLAIN in page.get_data(as_text=True) and page.headers["Retry-After"]

        # the next requests are told at once, without waiting on the server again
        seconds, api = timed(lambda: client.get(API + "&offense=homicide"))
        print(f"API request right after: {api.status_code} in {seconds:.2f} s")
        assert api.status_code == 503 and seconds < 1
        assert PLAIN in api.get_json()["error"]

        time.sleep(1.1)  # the retry window: now several requests at once, each on its own connection
        answers = []
        threads = [threading.Thread(target=lambda q=q: answers.append(timed(lambda: client.get(API + q))))
                   for q in ("&offense=larceny", "&offense=burglary", "&by=year", "")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        print("concurrent API requests:", [(r.status_code, round(s, 2)) for s, r in answers])
        assert len(answers) == 4 and all(r.status_code == 503 and s < 5 for s, r in answers)

        time.sleep(1.1)  # this app's retry window: the next request tries the server again, and waits
        seconds, api = timed(lambda: client.get(API + "&offense=shooting"))
        print(f"API request after the retry window: {api.status_code} in {seconds:.2f} s")
        assert api.status_code == 503 and seconds < 5
    finally:
        pg_private.thaw(server)

    t0 = time.monotonic()
    while (status := client.get(API).status_code) != 200 and time.monotonic() - t0 < 10:
        time.sleep(0.2)
    print(f"serving again {time.monotonic() - t0:.2f} s after the thaw")
    assert status == 200, "the same app serves again once the server answers"
    assert client.get("/?council_district=7").status_code == 200

    logged = _db_warnings(caplog)
    assert len(logged) == 2, logged
    assert "unavailable" in logged[0] and "no answer" in logged[0] and "\n" not in logged[0]
    assert "is back" in logged[1]
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a database that does not answer"


def test_a_stopped_database_is_a_quick_503_and_sets_no_wait(caplog):
    """A refused connection (nothing listening) is found out at once: no retry window, so the
    first request after the server is back is served."""
    from tests.conftest import free_port

    app = create_app({"database_url": f"postgresql://postgres@127.0.0.1:{free_port()}/psad", "db_retry_s": 600.0})
    client = app.server.test_client()
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        seconds, api = timed(lambda: client.get(API))
        assert api.status_code == 503 and seconds < 2
    db = app.server.extensions["psad"].db
    assert not db._reads.down_until, "a refusal opens no retry window"
    assert len(_db_warnings(caplog)) == 1
