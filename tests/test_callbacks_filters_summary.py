"""Callbacks: the URL/filter synchronisation as a pure function, and the Summary callback driven
through Dash's own HTTP endpoint exactly as the browser calls it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices
from app.pages import PAGES
from app.urlstate import to_query
from callbacks.filters import narrow_neighborhoods, sync
from data_access.filters import Filters
from tests.dash_support import post, shown, values_of


@pytest.fixture()
def loaded(db, app_ctx):
    choices, options, _ = load_choices(db)
    return choices, options


def no_controls():
    return {f: None for f in ids.FILTER_CONTROLS}


def test_url_sets_controls_without_rewriting_the_url(loaded):
    choices, options = loaded
    out = sync(ids.URL, "?start=2025-01-01&end=2025-12-31&police_district=western&bogus=1", None, None, None,
               no_controls(), None, choices, options)
    assert out["url"] is no_update
    assert out["values"]["police_district"] == ["Western"]
    assert (out["start"], out["end"], out["quick"]) == ("2025-01-01", "2025-12-31", "year:2025")
    assert out["state"] == "?start=2025-01-01&end=2025-12-31&police_district=Western"
    assert "bogus" in json.dumps(out["notices"], default=str)
    # neighborhoods narrowed to the Western district
    western = {o["value"] for o in out["neighborhood_options"]}
    assert 0 < len(western) < len(options["neighborhood"])


def test_our_own_url_write_does_not_loop(loaded):
    choices, options = loaded
    state = "?start=2025-01-01&end=2025-12-31"
    with pytest.raises(PreventUpdate):
        sync(ids.URL, state, None, None, None, no_controls(), state, choices, options)


def test_control_change_writes_the_canonical_url(loaded):
    choices, options = loaded
    values = no_controls() | {"council_district": ["7"], "offense": ["shooting", "homicide"]}
    out = sync(ids.COUNCIL_DISTRICT, "", "ytd", "2026-01-01", "2026-10-31", values, None, choices, options)
    assert out["url"] == "?range=ytd&council_district=7&offense=homicide&offense=shooting"  # rolls forward (issue 14)
    assert out["state"] == out["url"] and out["quick"] == "ytd"


def test_quick_range_and_clear(loaded):
    choices, options = loaded
    out = sync(ids.QUICK_RANGE, "", "last28", "2020-01-01", "2020-02-01", no_controls(), None, choices, options)
    assert (out["start"], out["end"], out["url"]) == ("2026-10-04", "2026-10-31", "?range=last28")
    values = no_controls() | {"police_district": ["Central"]}
    out = sync(ids.CLEAR_FILTERS, "?x", None, "2021-01-01", "2021-02-01", values, None, choices, options)
    assert out["values"]["police_district"] == [] and out["start"] == "2026-01-01"


def test_choosing_a_district_drops_neighborhoods_outside_it(loaded):
    choices, options = loaded
    f = Filters(date(2026, 1, 1), date(2026, 10, 31), police_district=("Southern",))
    southern = {c for c, _ in narrow_neighborhoods(options, f)}
    outside = next(c for c, _ in options["neighborhood"] if c not in southern)
    inside = next(iter(southern))
    values = no_controls() | {"police_district": ["Southern"], "neighborhood": [outside, inside]}
    out = sync(ids.POLICE_DISTRICT, "", None, "2026-01-01", "2026-10-31", values, None, choices, options)
    assert out["values"]["neighborhood"] == [inside]
    assert outside in json.dumps(out["notices"], default=str)


def call_callback(client, app, output: str, inputs: list[dict]):
    """POST to /_dash-update-component as the Dash renderer does (the first input changed)."""
    return post(client, app, output, values_of(*inputs), f"{inputs[0]['id']}.{inputs[0]['property']}")


def test_summary_callback_over_http(app, client):
    """A filter change is one request: the shell's update carries the page's outputs."""
    client.get("/")  # first request sets the app up
    state = to_query(Filters(date(2025, 1, 1), date(2025, 12, 31), police_district=("Western",)))
    body = shown(client, app, "/", state)
    assert body[ids.FILTER_STATE]["data"] == state
    cards = json.dumps(body[ids.SUMMARY_CARDS]["children"])
    for title in ("Homicides", "Non-fatal shootings", "Violent crime", "Property crime", "All Part 1 crime"):
        assert title in cards
    assert "2025 compared with 2024" in cards
    trend = body[ids.SUMMARY_TREND]["figure"]
    assert trend["data"][0]["type"] == "scatter"
    assert body[ids.SUMMARY_ERROR]["children"] is None


def test_summary_callback_skips_hidden_page(app, client):
    client.get("/")
    body = shown(client, app, "/about", "?start=2025-01-01&end=2025-12-31")
    assert ids.SUMMARY_CARDS not in body and ids.FILTER_STATE in body  # only the page shown is computed


def test_layout_has_banner_filters_and_nav_but_no_page(client):
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert "Demo data." in layout
    for control in ids.FILTER_CONTROLS.values():
        assert f'"{control}"' in layout
    for page in PAGES:
        assert (f'"{ids.nav_id(page.name)}"' in layout) == page.in_nav
        assert f'"{ids.page_id(page.name)}"' not in layout  # built when shown, not on every load
    assert f'"{ids.PAGE_CONTENT}"' in layout
    assert f'"{ids.PRESENT_LINK}"' in layout  # the deck is opened from every page
    assert ids.LOOKUP_CHARGE not in layout  # the lookup's long charge list is not downloaded by everyone


def test_the_shown_page_is_built_over_http(app, client):
    client.get("/")
    for path, name in (("/", "summary"), ("/about", "about"), ("/lookup", "lookup"), ("/nope", "summary")):
        r = call_callback(client, app, ids.PAGE_CONTENT, [{"id": ids.URL, "property": "pathname", "value": path},
                                                          {"id": ids.URL, "property": "search", "value": ""}])
        assert r.status_code == 200, r.data[:300]
        body = r.get_json()["response"]
        content = body[ids.PAGE_CONTENT]["children"]
        assert content["props"]["id"] == ids.page_id(name)
        assert body[ids.nav_id(name)]["active"] is True
        notice = json.dumps(body[ids.PATH_NOTICE]["children"])
        assert ("no page at" in notice) == (path == "/nope")


def test_summary_callback_in_spanish_fills_every_chart_name_and_table(app, client):
    """A Spanish page's update (the renderer puts the page's language in the payload): Spanish
    cards, a Spanish accessible name for every chart, and every chart's table."""
    from layouts import summary as L

    client.get("/")
    state = to_query(Filters(date(2025, 1, 1), date(2025, 12, 31)))
    out = shown(client, app, "/", state, lang="es")
    cards = json.dumps(out[ids.SUMMARY_CARDS]["children"], ensure_ascii=False)
    assert "Homicidios" in cards and "2025 comparado con 2024" in cards and "frente a" in cards
    names = [out[fig]["aria-label"] for fig in (L.TREND_FIGURE, L.OFFENSES_FIGURE, L.HEATMAP_FIGURE, L.GOAL_FIGURE)]
    assert names[0].startswith("Gráfico de líneas") and names[2].startswith("Mapa de calor")
    assert all("2025" in n for n in names[:3]) and "Toda la ciudad" in names[3]
    for table in (L.TREND_TABLE, L.OFFENSES_TABLE, L.HEATMAP_TABLE, L.GOAL_TABLE):
        assert "chart-data" in json.dumps(out[table]["children"]), table
    assert "Víctimas" in json.dumps(out[ids.SUMMARY_TREND]["figure"]["layout"], ensure_ascii=False)


def test_summary_error_state_in_spanish():
    from app import i18n
    from callbacks.summary import error_outputs

    with i18n.use("es"):
        out = error_outputs("The database did not answer in time.")
    assert out["trend"]["layout"]["annotations"][0]["text"] == "No disponible"
    assert out["trend_name"].startswith("Gráfico de líneas") and "(no disponible)" in out["goal_name"]
    assert out["goal_table"].children == "No disponible"
    assert out["error"].children  # the message, translated where the catalog has it
