"""One round trip per change (issue 12), over HTTP: the first view's layout arrives filled for the
address in its Referer (so no callback fires), is cached per data version, language and view, and
the warm job renders the default views of every district. The browser's request counts are in
tests/test_browser_round_trips.py."""

from __future__ import annotations

import json

import pytest

from app import create_app, i18n, ids
from app.context import load_choices
from app.factory import layout_key, warm_views
from data_access.cache import cache
from tests.dash_support import layout_props


def layout(client, referer: str | None, **headers):
    if referer is not None:
        headers["Referer"] = "http://localhost" + referer
    r = client.get("/_dash-layout", headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return r.get_json()


@pytest.fixture(scope="module")
def cached_app(demo_url):
    """An app with its (in-process) cache on and its district views' warm job, as served (the
    runner's thread is not started: the test calls the job itself)."""
    return create_app({"database_url": demo_url, "warm_views": True})


def test_first_view_arrives_filled_for_its_link(client):
    body = layout(client, "/?police_district=western&bogus=1")
    url = layout_props(body, ids.URL)
    assert (url["pathname"], url["search"], url["hash"]) == ("/", "?police_district=western&bogus=1", "")
    assert url["href"] == "http://localhost/?police_district=western&bogus=1"
    state = layout_props(body, ids.FILTER_STATE)["data"]
    assert "police_district=Western" in state and layout_props(body, ids.POLICE_DISTRICT)["value"] == ["Western"]
    assert layout_props(body, ids.VIEW)["data"] == {"path": "/", "search": "?police_district=western&bogus=1"}
    assert "bogus" in json.dumps(layout_props(body, ids.NOTICES)["children"])  # a bad link says so
    assert "Homicides" in json.dumps(layout_props(body, ids.SUMMARY_CARDS)["children"])  # the page, computed
    assert layout_props(body, ids.SUMMARY_TREND)["figure"]["data"]
    assert layout_props(body, ids.nav_id("summary"))["active"] is True


def test_map_first_view_keeps_its_own_parameters_and_holds_its_outlines(client):
    body = layout(client, "/map?layer=council_district&measure=sideways")
    assert layout_props(body, ids.MAP_LAYER)["value"] == "council_district"
    assert len(layout_props(body, ids.MAP_AREAS)["data"]["features"]) == 14
    assert layout_props(body, ids.MAP_SHAPES_KEY)["data"] == "council_district"
    assert layout_props(body, ids.MAP)["viewport"]["bounds"]
    assert "measure" in json.dumps(layout_props(body, ids.MAP_NOTICES)["children"])
    assert layout_props(body, ids.nav_id("map"))["active"] is True and layout_props(body, ids.nav_id("summary"))["active"] is False


def test_without_a_referer_the_layout_is_the_shell_only(client):
    body = layout(client, None)
    assert layout_props(body, ids.URL).get("pathname") is None  # dcc.Location then takes the browser's
    assert layout_props(body, ids.VIEW).get("data") is None
    assert layout_props(body, ids.page_id("summary")) is None


def test_the_layout_is_cached_per_view_and_each_spelling_keeps_its_own_address(cached_app):
    server = cached_app.server
    client = server.test_client()
    first = layout(client, "/?police_district=Western")
    with server.test_request_context("/_dash-layout", headers={"Referer": "http://localhost/?police_district=western"}):
        key = layout_key()
        assert cache.get(key) is not None  # the other spelling's layout, stored
    with server.test_request_context("/_dash-layout", headers={"Referer": "http://localhost/?police_district=Western"}):
        with i18n.use("es"):
            assert layout_key() != key  # per language
    with server.test_request_context("/_dash-layout", headers={"Referer": "http://localhost/map?police_district=Western"}):
        assert layout_key() != key  # per path
    second = layout(client, "/?police_district=western")
    assert layout_props(second, ids.URL)["search"] == "?police_district=western"  # its own address, not the first's
    assert layout_props(second, ids.VIEW)["data"]["search"] == "?police_district=western"
    assert layout_props(second, ids.SUMMARY_CARDS) == layout_props(first, ids.SUMMARY_CARDS)


def test_warm_job_renders_every_district_default_view(cached_app, db):
    server = cached_app.server
    with server.app_context():
        _choices, options, _state = load_choices(db)
        n = warm_views(server)
    views = 1 + len(options["police_district"]) + len(options["council_district"])
    assert n == 2 * 2 * views  # Summary and Map, English and Spanish
    district = options["council_district"][0][0]
    with server.test_request_context("/_dash-layout", headers={
            "Referer": f"http://localhost/map?council_district={district}"}), i18n.use("es"):
        assert cache.get(layout_key()) is not None
    assert any(job[0] == "views" for job in server.extensions.get("psad_warm_jobs", []))


def test_a_relative_range_and_its_fixed_dates_are_two_cached_views(cached_app):
    """`/` follows year to date; the same dates written out do not roll forward: one cached layout
    must not answer for the other (each keeps its own filter state)."""
    from app.context import services
    from app.urlstate import parse_view

    server = cached_app.server
    client = server.test_client()
    rolling = layout_props(layout(client, "/"), ids.FILTER_STATE)["data"]
    assert rolling.startswith("?range=ytd")
    with server.test_request_context("/"):
        f = parse_view("?range=ytd", load_choices(services().db)[0])[0]
    fixed = f"/?start={f.start.isoformat()}&end={f.end.isoformat()}"
    state = layout_props(layout(client, fixed), ids.FILTER_STATE)["data"]
    assert state.startswith(f"?start={f.start.isoformat()}")  # its own dates, not the rolling view's
    assert layout_props(layout(client, "/"), ids.FILTER_STATE)["data"] == rolling
