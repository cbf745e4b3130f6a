"""The execute path's bounds, driven for real: a 50 ms statement timeout against ``pg_sleep``
and a table lock held by another connection, tiny row caps, and what a user then sees through
the API and a page (a plain message, never a trace). Nothing is faked: the slow queries are
real queries that PostgreSQL cancels."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import make_url, text

from app import create_app, ids
from app.settings import Settings
from data_access import cases as C
from data_access import map_queries as Q
from data_access.db import Database, QueryTimeout, RowCapExceeded
from data_access.filters import Filters
from data_access.schema import agg_victim_city_month, agg_victim_detail, geography
from layouts.cases import lookup_page
from tests.conftest import DEMO_END, DEMO_START
from tests.dash_support import payload, shown

TEN_ROWS = text("SELECT g FROM generate_series(1, 10) AS g")
SUMMARY_STATE = "?start=2026-01-01&end=2026-10-31"


@contextmanager
def table_locked(url: str, table: str):
    """Hold ACCESS EXCLUSIVE on ``table`` from another connection, in an open transaction, for
    the block: every read of it waits, and the statement timeout cancels the wait."""
    u = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    conn = psycopg.connect(u.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield
    finally:
        conn.rollback()
        conn.close()


def callback_payload(app, client, output: str, known: dict[str, object]) -> dict:
    """The JSON the Dash renderer POSTs for the callback writing ``output`` ("id.property"),
    every input and state filled from ``known``."""
    client.get("/")
    return payload(app, output, known)


# --- the execute path -------------------------------------------------------------------------

def test_statement_timeout_is_a_domain_error_and_prompt(demo_url):
    db = Database(demo_url, statement_timeout_ms=50)
    try:
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout):
            db.execute(text("SELECT pg_sleep(1)"))
        assert time.monotonic() - t0 < 5  # cancelled by the server, not left to finish
        assert db.execute(text("SELECT 1")).scalar() == 1  # the connection is usable again
    finally:
        db.dispose()


def test_a_tiny_row_cap_raises_or_truncates(demo_url):
    db = Database(demo_url, row_cap=3)
    try:
        with pytest.raises(RowCapExceeded):
            db.execute(TEN_ROWS)
        res = db.execute(TEN_ROWS, on_cap="truncate")
        assert res.truncated and res.rows == [(1,), (2,), (3,)]
        exact = db.execute(text("SELECT g FROM generate_series(1, 3) AS g"), on_cap="truncate")
        assert not exact.truncated and len(exact.rows) == 3  # exactly the cap is not truncated
        with pytest.raises(ValueError):
            db.execute(TEN_ROWS, on_cap="ignore")
    finally:
        db.dispose()


def test_a_per_call_cap_only_lowers_the_ceiling(demo_url):
    db = Database(demo_url, row_cap=3)
    try:
        with pytest.raises(RowCapExceeded):
            db.execute(TEN_ROWS, row_cap=1_000)
        res = db.execute(TEN_ROWS, row_cap=1_000, on_cap="truncate")
        assert res.truncated and len(res.rows) == 3
        lower = db.execute(TEN_ROWS, row_cap=2, on_cap="truncate")
        assert lower.truncated and len(lower.rows) == 2
    finally:
        db.dispose()


def test_the_cache_key_tells_row_caps_apart(demo_url):
    # A result read (or truncated) under one cap must not be served to a database with another.
    assert repr(Database(demo_url, row_cap=3)) != repr(Database(demo_url, row_cap=20_000))
    assert "secret" not in repr(Database("postgresql://u:secret@localhost/x"))


# --- queries that needed more than the cap ------------------------------------------------------

def _grid_cells(bounds: tuple[float, float, float, float]) -> int:
    """Density-grid cells a lon/lat box spans, one cell of margin each way (stored points are
    rounded to 0.001 degree after the inside-the-city test)."""
    x0, y0, x1, y1 = bounds
    nx = int((x1 // Q.CELL_LON) - (x0 // Q.CELL_LON)) + 3
    ny = int((y1 // Q.CELL_LAT) - (y0 // Q.CELL_LAT)) + 3
    return nx * ny


def test_the_density_grid_fits_the_default_row_cap(db, app_ctx):
    """Why ``density`` needs no cap of its own: only points inside the city keep a location,
    and the city's outline (the demo's and Baltimore's real one) spans a few thousand cells."""
    import shapely
    from shapely.geometry import shape

    from tests.ingest_support import SHARED

    default_cap = Settings.from_env({}).row_cap
    city = db.execute(geography.select().where(geography.c.layer == "city")).frame()
    outlines = [shape(g) for g in city.geometry]
    real = SHARED / "boundaries" / "baltimore_city.geojson" if SHARED else None
    if real and real.exists():
        outlines += [shape(ft["geometry"]) for ft in json.loads(real.read_text())["features"]]
    assert outlines
    for outline in outlines:
        assert _grid_cells(shapely.bounds(outline)) < default_cap / 5
    whole = Q.density(db, Filters(DEMO_START, DEMO_END))
    assert 0 < len(whole) <= _grid_cells(shapely.bounds(outlines[0]))


def test_api_counts_hit_the_cap_on_their_own_query(demo_url, app_ctx):
    from data_access import counts as C_

    db = Database(demo_url, row_cap=50)
    try:
        f = Filters(DEMO_START, DEMO_END)
        assert len(C_.counts.uncached(db, f, "year", "victims")) == 7
        with pytest.raises(RowCapExceeded):  # 82 months
            C_.counts.uncached(db, f, "month", "victims")
    finally:
        db.dispose()


# --- truncation is shown where it happens -------------------------------------------------------

CUT_NOTE = "The charge list shows the first"


def test_the_charge_picker_says_when_it_is_cut(demo_url, db, app_ctx, monkeypatch):
    full = C.charge_options.uncached(db)
    assert not full.truncated and len(full.options) > 10
    assert CUT_NOTE not in json.dumps(lookup_page(full).to_plotly_json(), default=str)
    monkeypatch.setattr(C, "CHARGE_OPTIONS_CAP", 10)
    cut = C.charge_options.uncached(db)
    assert cut.truncated and cut.options == full.options[:10]
    page = json.dumps(lookup_page(cut).to_plotly_json(), default=str)
    assert CUT_NOTE + " 10 charge descriptions" in page and "case number" in page
    # A row cap below the picker's own limit cuts it too, and the note counts what is shown.
    small = Database(demo_url, row_cap=5)
    try:
        assert C.charge_options.uncached(small) == C.ChargeOptions(full.options[:5], True)
    finally:
        small.dispose()
    # The old call (a plain list) still builds the page, without a note unless told.
    assert CUT_NOTE not in json.dumps(lookup_page(list(full.options)).to_plotly_json(), default=str)
    assert CUT_NOTE in json.dumps(lookup_page(list(full.options), truncated=True).to_plotly_json(), default=str)


def test_the_lookup_page_shows_the_cut_note(demo_url, monkeypatch):
    """Through the page switch the browser calls: the Case lookup page says its picker is cut."""
    monkeypatch.setattr(C, "CHARGE_OPTIONS_CAP", 10)
    app = create_app({"database_url": demo_url}, cache_type="null")
    client = app.server.test_client()
    payload = callback_payload(app, client, f"{ids.PAGE_CONTENT}.children", {f"{ids.URL}.pathname": "/lookup"})
    r = client.post("/_dash-update-component", json=payload)
    assert r.status_code == 200, r.data[:500]
    assert CUT_NOTE + " 10 charge descriptions" in r.get_data(as_text=True)


# --- through the API ----------------------------------------------------------------------------

def test_api_answers_503_with_the_timeout_message_while_a_table_is_locked(demo_url):
    path = "/api/v1/counts?police_district=Western&start=2025-01-01&end=2025-12-31&by=year"
    normal = create_app({"database_url": demo_url}, cache_type="null").server.test_client()
    assert normal.get(path).status_code == 200  # the request itself is fine
    client = create_app({"database_url": demo_url, "statement_timeout_ms": 50},
                        cache_type="null").server.test_client()
    # A district's counts read the detail aggregate; the filter options and data state do not.
    with table_locked(demo_url, agg_victim_detail.name):
        t0 = time.monotonic()
        r = client.get(path)
        assert time.monotonic() - t0 < 5
    assert r.status_code == 503
    assert r.get_json() == {"error": QueryTimeout.user_message, "parameter": None, "value": None}


def test_api_answers_the_row_cap_message_for_a_too_broad_request(demo_url):
    client = create_app({"database_url": demo_url, "row_cap": 2}, cache_type="null").server.test_client()
    r = client.get("/api/v1/counts?by=month&start=2020-01-01&end=2026-10-31")
    # 400, not 503: the same request would always fail, so the answer is "narrow the filters".
    # At a cap this small the filter options trip it first; the counts query's own cap is
    # test_api_counts_hit_the_cap_on_their_own_query.
    assert r.status_code == 400
    assert r.get_json()["error"] == RowCapExceeded.user_message
    assert "Traceback" not in r.get_data(as_text=True)


# --- through a page ------------------------------------------------------------------------------

def test_summary_page_shows_the_timeout_message_while_a_table_is_locked(demo_url):
    app = create_app({"database_url": demo_url, "statement_timeout_ms": 50}, cache_type="null")
    client = app.server.test_client()
    client.get("/")
    # Whole months of citywide counts (the headline cards) come from the monthly roll-up.
    with table_locked(demo_url, agg_victim_city_month.name):
        body = json.dumps(shown(client, app, "/", SUMMARY_STATE), ensure_ascii=False)  # asserts a 200
    assert QueryTimeout.user_message in body
    assert "Traceback" not in body and "canceling statement" not in body


def test_summary_page_without_the_lock_draws(demo_url):
    """The control for the test above: the same view on an ordinary app draws the page."""
    app = create_app({"database_url": demo_url}, cache_type="null")
    client = app.server.test_client()
    client.get("/")
    body = json.dumps(shown(client, app, "/", SUMMARY_STATE), ensure_ascii=False)
    assert "Homicides" in body and QueryTimeout.user_message not in body
