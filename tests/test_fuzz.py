"""The short fuzz run (issue 13): generated requests to every /api/v1 endpoint and every
server-side Dash callback, against the real app on the shared demo database; no 5xx, no traceback
in a body or the log, every API error of the one shape. The long run (5,000+ cases, counts per
status) is ``bench/fuzz.py``; the generators are ``tests/fuzz_support.py``."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from app import create_app
from tests.fuzz_support import Fuzz, LogWatch, api_cases, callback_cases, choices_of, dependencies_of, malformed

SHORT = settings(max_examples=100, deadline=None, database=None, phases=[Phase.generate],
                 suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_app(demo_url):
    return create_app({"database_url": demo_url})


def run(strategy, send, n: int | None = None):
    @seed(13)
    @settings(SHORT, max_examples=n or SHORT.max_examples)
    @given(strategy)
    def go(case):
        send(case)

    go()


def assert_clean(fuzz: Fuzz, log: LogWatch):
    assert fuzz.problems == []
    assert [f"{r.name}: {r.getMessage()[:200]}" for r in log.bad] == []


def test_api_fuzz(fuzz_app):
    from app.api import endpoints

    fuzz = Fuzz(fuzz_app.server.test_client())
    with LogWatch() as log:
        run(api_cases(endpoints(), choices_of(fuzz_app)), fuzz.api)
    assert_clean(fuzz, log)
    assert {s for (_k, s) in fuzz.statuses} >= {200, 400}


def test_malformed_callback_bodies_fuzz(fuzz_app):
    client = fuzz_app.server.test_client()
    server_side = [d for d in dependencies_of(client) if not d.get("clientside_function")]
    fuzz = Fuzz(client)
    with LogWatch() as log:
        run(malformed(server_side), fuzz.callback)
    assert_clean(fuzz, log)


def test_callback_payload_fuzz(fuzz_app):
    client = fuzz_app.server.test_client()
    fuzz = Fuzz(client)
    with LogWatch() as log:
        run(callback_cases(dependencies_of(client), choices_of(fuzz_app)), fuzz.callback, 40)
    assert_clean(fuzz, log)
