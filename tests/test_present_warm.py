"""Deck cache warming: after a load every police and Council district's default deck (and the
city's) is computed ahead, so its first opening runs no query but the data-version read; a new
data version is warmed once (once per process with the in-process cache, once for every process
sharing a Redis cache); the setting turns it off, and a failure never reaches a user."""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import date

import plotly
import pytest
from sqlalchemy import event

from app import create_app, i18n, ids, warming
from app.cli import warm_shared_cache
from app.context import load_choices
from app.settings import Settings
from app.urlstate import to_query
from callbacks import present as P
from data_access import migrate
from data_access.db import Database
from data_access.loading import bump_version, load_demo
from tests.dash_support import post
from tests.pg_private import redis_or_skip

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


@pytest.fixture(scope="module")
def small_url(make_database) -> str:
    """A database of its own (its data version is bumped here): one year of a small demo load."""
    url = make_database()
    db = Database(url)
    migrate.upgrade(db)
    load_demo(db, scale=0.02, start=date(2025, 1, 1), end=date(2025, 12, 31))
    db.dispose()
    return url


def statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, statement, *a: seen.append(statement))
    return seen


def decks(app) -> list:
    with app.server.test_request_context("/"):
        choices, options, _ = load_choices(app.server.extensions["psad"].db)
        return P.default_decks(choices, options)


def open_deck(app, client, f, search: str) -> str:
    """A viewer opens the deck (the shell's update of the page content for ``/present``): a
    callback request, which also lets the app notice a new data version."""
    values = {f"{ids.FILTER_STATE}.data": to_query(f), f"{ids.URL}.pathname": "/present", f"{ids.URL}.search": search}
    r = post(client, app, f"{ids.PAGE_CONTENT}.children", values)
    assert r.status_code == 200, r.data[:300]
    return r.get_data(as_text=True)


def deck_queries(app, f, search: str, lang: str = "en") -> tuple[str, list[str]]:
    """The deck a viewer opens (``deck_outputs``, the adapter its callback runs), and the SQL
    statements it ran other than the data state's read. Called directly, so the count holds the
    deck's work only, whatever else the page's request does."""
    server = app.server
    db = server.extensions["psad"].db
    seen = statements(db)
    with server.test_request_context(f"/present{search}"), i18n.use(lang):
        choices, options, data = load_choices(db)
        del seen[:]
        out = P.deck_outputs(db, server.extensions["psad"].settings, f, choices, data, options, search)
        body = json.dumps(out["deck"].to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    return body, [s for s in seen if "data_state" not in s]


def bump(url: str) -> int:
    db = Database(url)
    with db.begin() as conn:
        version = bump_version(conn, is_demo=True, data_as_of=date(2025, 12, 31))
    db.dispose()
    return version


def deck_app(config: dict, **kwargs):
    """An app whose warming runs the decks' job only (the other jobs have their own tests)."""
    app = create_app(config, **kwargs)
    jobs = app.server.extensions.get(warming.JOBS, [])
    jobs[:] = [(name, job) for name, job in jobs if name == "decks"]
    return app


def dispose(*apps) -> None:
    for a in apps:
        a.server.extensions["psad"].db.dispose()


def settle(*apps) -> None:
    for a in apps:
        w = a.server.extensions.get(warming.RUNNER)
        if w is not None and w.thread is not None:
            w.thread.join(60)
            assert not w.thread.is_alive()


def counting(monkeypatch) -> list[int]:
    """Record each warm_decks run's version (the real work still happens)."""
    runs: list[int] = []
    real = P.warm_decks

    def counted(app):
        report = real(app)
        runs.append(report.version)
        return report

    monkeypatch.setattr(P, "warm_decks", counted)
    return runs


def test_every_default_deck_opens_warm_with_no_query_but_the_version(demo_url):
    app = create_app({"database_url": demo_url, "redis_url": "", "warm_decks": False})  # warmed by hand here
    report = P.warm_decks(app)
    wanted = decks(app)
    assert report.decks == len(wanted) == 1 + 9 + 14  # the city, every police and every Council district
    for f, search in wanted:
        body, queries = deck_queries(app, f, search)
        assert '"slide-9"' in body
        assert queries == [], search  # the data state read, nothing else
    # What was warmed holds no words: the same decks in Spanish open as warm, in Spanish.
    for f, search in wanted[:4]:
        body, queries = deck_queries(app, f, search, "es")
        assert "Diapositiva 9 de 9" in body, search
        assert queries == [], search
    dispose(app)


@pytest.mark.redis
def test_shared_cache_one_process_warms_a_version_and_every_process_opens_warm(small_url, monkeypatch):
    url = redis_or_skip(REDIS_URL)
    runs = counting(monkeypatch)
    config = {"database_url": small_url, "redis_url": url, "cache_timeout": 300, "warm_decks": True}
    workers = [deck_app(config), deck_app(config)]  # two gunicorn workers (or hosts) on one Redis
    f, search = decks(workers[0])[3]
    for w in workers:  # each sees the data version on a callback request; one warms it
        open_deck(w, w.server.test_client(), f, search)
    settle(*workers)
    version = runs[0]
    assert runs == [version]
    for f, search in decks(workers[1]):
        assert deck_queries(workers[1], f, search)[1] == [], search
    # The load commands warm the shared cache too, and skip a version a server already warmed.
    # (The decks' job only, as on the workers above: the district views' job, on by default in a
    # bare Settings, has its own tests in tests/test_warming.py and took most of this test's time.)
    new = bump(small_url)
    env = Settings.from_env({}, database_url=small_url, redis_url=url, cache_timeout=300, warm_decks=True,
                            warm_views=False)
    warm_shared_cache(env)
    warm_shared_cache(env)
    for w in workers:
        open_deck(w, w.server.test_client(), f, search)
    settle(*workers)
    assert runs == [version, new]  # once by the command; the second command and both workers skip
    dispose(*workers)


def test_in_process_cache_warms_each_new_version_once(small_url, monkeypatch, caplog):
    runs = counting(monkeypatch)
    app = deck_app({"database_url": small_url, "redis_url": "", "warm_decks": True})
    client = app.server.test_client()
    f, search = decks(app)[1]
    caplog.set_level(logging.INFO, logger="app.warming")
    open_deck(app, client, f, search)
    settle(app)
    open_deck(app, client, f, search)  # the same version: nothing more
    settle(app)
    new = bump(small_url)
    open_deck(app, client, f, search)
    settle(app)
    open_deck(app, client, f, search)
    settle(app)
    assert len(runs) == 2 and runs[-1] == new
    assert sum(r.getMessage().startswith("warming decks: ") and " views for data version " in r.getMessage()
               for r in caplog.records) == 2  # how many decks and how long, once per warm
    dispose(app)


def test_no_warming_when_the_setting_is_off_or_the_cache_keeps_nothing(small_url, monkeypatch):
    runs = counting(monkeypatch)
    assert Settings.from_env({"PSAD_WARM_DECKS": "off"}).warm_decks is False
    assert Settings.from_env({}).warm_decks is True  # on, except in tests (tests/conftest.py)
    off = create_app({"database_url": small_url, "redis_url": "", "warm_decks": False})
    null = create_app({"database_url": small_url}, cache_type="null")  # the test apps of conftest
    for a in (off, null):
        assert "decks" not in [name for name, _ in warming.jobs(a.server)]
        f, search = decks(a)[0]
        open_deck(a, a.server.test_client(), f, search)
    assert runs == []
    dispose(off, null)


def test_a_failed_warm_is_logged_once_and_serving_goes_on(small_url, monkeypatch, caplog):
    def broken(app):
        raise RuntimeError("database went away " + uuid.uuid4().hex)

    monkeypatch.setattr(P, "warm_decks", broken)
    app = deck_app({"database_url": small_url, "redis_url": "", "warm_decks": True})
    client = app.server.test_client()
    f, search = decks(app)[0]
    caplog.set_level(logging.INFO, logger="app.warming")
    for _ in range(3):
        assert '"slide-9"' in open_deck(app, client, f, search)
        settle(app)
    failures = [r for r in caplog.records if "warming decks failed" in r.getMessage()]
    assert len(failures) == 1 and "database went away" in failures[0].getMessage()
    assert "\n" not in failures[0].getMessage() and not failures[0].exc_info  # one line, no traceback
    dispose(app)
