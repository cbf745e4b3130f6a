"""Map and CVI pages: pure builders (styles, legend bins, payload), page parameters in the URL, and
the callbacks driven through Dash's own HTTP endpoint as the browser calls them."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pandas as pd
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from app import ids
from app.context import load_choices
from app.pageparams import page_pairs, parse_cvi, parse_map, replace_page_params, with_page_params
from app.urlstate import to_query
from callbacks.cvi import programs_from_url, url_from_programs
from callbacks.filters import sync
from callbacks.map import controls_from_url, url_from_controls
from data_access import filters as F
from data_access import map_queries as Q
from data_access.filters import Filters
from layouts import map as L
from layouts.cvi import program_codes, site_list
from tests.dash_support import layout_props, post, shown

# --- pure builders ------------------------------------------------------------------------------


def test_legend_bins_are_increasing_nice_and_cover_the_maximum():
    values = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]
    bounds = L.legend_bins(values)
    assert bounds == sorted(set(bounds)) and bounds[-1] == 144 and all(b == int(b) for b in bounds)
    assert L.class_of(0, bounds) == -1 and L.class_of(144, bounds) == len(bounds) - 1
    assert L.class_of(1, bounds) == 0
    rates = L.legend_bins([0.123, 0.5, 2.71828, 9.87], integer=False)
    assert rates[-1] >= 9.87 and rates == sorted(set(rates))
    assert L.legend_bins([]) == [] and L.legend_bins([0, 0]) == []
    assert L.legend_bins([7, 7, 7]) == [7]
    assert L.palette_for([7]) == [L.PALETTE[-1]]
    assert L.palette_for([1, 2, 3, 4, 5]) == list(L.PALETTE)


def shapes_fixture():
    names = {"A": "Alpha", "B": "Beta", "C": "Gamma <&>", "D": "Delta"}
    return {"names": names, "population": {"A": 10_000, "B": 2_000, "C": 120, "D": 5_000},
            "bounds": {"A": [[0, 0], [1, 1]], "B": [[1, 1], [2, 2]], "C": [[0, 2], [1, 3]], "D": [[2, 2], [3, 3]]}}


def test_choropleth_counts_rates_flags_and_tooltips():
    counts = pd.DataFrame({"code": ["A", "B", "C"], "current": [100, 10, 6], "prior": [50, 10, 0]})
    out = L.choropleth(shapes_fixture(), counts, measure="rate", min_population=500, min_compare=10,
                       selected=("B",))
    h = out["hideout"]
    assert h["flag"] == ["C"] and h["fill"]["C"] == L.FLAG_COLOR  # 120 residents: 50 per 1,000 not shaded
    assert h["fill"]["D"] == L.ZERO_COLOR and h["sel"] == ["B"]
    assert out["values"]["A"]["rate"] == pytest.approx(10.0) and out["values"]["B"]["rate"] == pytest.approx(5.0)
    assert h["info"]["C"][0] == "Gamma <&>" and "too few for a rate" in " ".join(h["info"]["C"])
    assert "+100%" in " ".join(h["info"]["A"]) and "too few to compare" not in " ".join(h["info"]["A"])
    assert any(it["kind"] == "flag" for it in out["legend"])
    counted = L.choropleth(shapes_fixture(), counts, measure="count", min_population=500, min_compare=10)
    assert counted["hideout"]["flag"] == [] and counted["hideout"]["fill"]["A"] == L.PALETTE[-1]
    # with a geography filter, areas without any victims in either span are drawn as outlines
    filtered = L.choropleth(shapes_fixture(), counts, measure="count", min_population=500, min_compare=10,
                            geo_filtered=True)
    assert filtered["hideout"]["fill"]["D"] == L.NO_DATA and "Not in the chosen filters" in filtered["hideout"]["info"]["D"]


def test_view_bounds_union_within_a_filter_and_intersection_across():
    b = shapes_fixture()["bounds"]
    f = Filters(date(2025, 1, 1), date(2025, 2, 1), neighborhood=("A", "B"))
    assert L.view_bounds({"neighborhood": b}, f) == [[0, 0], [2, 2]]
    f2 = f.replace(council_district=("X",))
    assert L.view_bounds({"neighborhood": b, "council_district": {"X": [[0.5, 0.5], [5, 5]]}}, f2) == \
        [[0.5, 0.5], [2, 2]]
    assert L.view_bounds({"neighborhood": b, "council_district": {"X": [[8, 8], [9, 9]]}}, f2) is None
    assert L.view_bounds({"neighborhood": b}, f.replace(neighborhood=())) is None


def test_point_features_carry_only_what_the_popup_shows():
    df = pd.DataFrame({"lon": [-76.612345678], "lat": [39.2987654], "offense": ["robbery_street"],
                       "occurred_date": [date(2025, 3, 1)], "block": ["1200 BLOCK N CHARLES ST"],
                       "weapon": ["firearm"]})
    feat = L.points_geojson(df)["features"][0]
    assert feat["geometry"]["coordinates"] == [-76.61235, 39.29877]
    assert feat["properties"] == {"o": "Robbery (street)", "d": "1 Mar 2025", "b": "1200 BLOCK N CHARLES ST",
                                  "w": "Firearm"}
    from app import i18n

    with i18n.use("es"):
        feat = L.points_geojson(df.assign(block=[None], weapon=[None]))["features"][0]
    assert feat["properties"]["d"] == "1 mar 2025"
    assert feat["properties"]["b"] == "Cuadra no registrada" and feat["properties"]["w"] != "Not recorded"


def test_site_list_shows_every_field():
    sites = pd.DataFrame([{"id": 1, "name": "Safe Streets Oak Hill", "program_type": "safe_streets",
                           "operator": "Neighbors United", "services": "Violence interruption",
                           "hours": "Mon-Fri 10-10", "phone": "410-555-0100", "url": "https://example.org/ss",
                           "started": date(2012, 5, 1), "address": "1200 BLOCK N CHARLES ST",
                           "area_served": "Oak Hill and nearby blocks", "lon": -76.6, "lat": 39.3,
                           "neighborhood": "Oak Hill", "council_district": "7", "police_district": "Western",
                           "legislative_district": "40", "csa": "Oak Hill/Elm Park"}])
    text = json.dumps(site_list(sites, {1: 7}, 400, Filters(date(2025, 1, 1), date(2025, 12, 31))), default=str)
    for value in ("Safe Streets Oak Hill", "Safe Streets site", "Neighbors United", "Violence interruption",
                  "Mon-Fri 10-10", "410-555-0100", "https://example.org/ss", "May 2012",
                  "1200 BLOCK N CHARLES ST", "Oak Hill and nearby blocks", "within 400 m", "context, not effect",
                  "Council District 7", "Western police district", "Legislative District 40", "CSA Oak Hill/Elm Park"):
        assert value in text, value


# --- page parameters ----------------------------------------------------------------------------

def test_map_params_parse_with_notices_and_round_trip():
    view, notes = parse_map("?start=2025-01-01&layer=CSA&measure=rate&points=off&cvi=on")
    assert view == {"layer": "csa", "measure": "rate", "points": False, "cvi": True} and notes == []
    view, notes = parse_map("?layer=galaxy&measure=loud&points=maybe&layer=csa")
    assert view == {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False}
    text = " ".join(notes)
    assert "galaxy" in text and "loud" in text and "maybe" in text and "more than once" in text
    assert page_pairs(view, ()) == []
    pairs = page_pairs({"layer": "csa", "measure": "rate", "points": False, "cvi": True}, ("school_vip",))
    assert parse_map("?" + "&".join(f"{k}={v}" for k, v in pairs))[0]["layer"] == "csa"
    assert parse_cvi("?program=SAFE_STREETS&program=bogus", program_codes()) == (
        ("safe_streets",), ["Ignored program=“bogus”: there is no such program type."])


def test_page_params_survive_filter_changes_and_filters_survive_page_changes():
    search = "?start=2025-01-01&end=2025-12-31&layer=csa&program=school_vip"
    assert with_page_params("?start=2025-02-01&end=2025-03-01", search) == \
        "?start=2025-02-01&end=2025-03-01&layer=csa&program=school_vip"
    assert replace_page_params(search, [("measure", "rate")]) == "?start=2025-01-01&end=2025-12-31&measure=rate"


@pytest.fixture()
def loaded(db, app_ctx):
    choices, options, _ = load_choices(db)
    return choices, options


def test_filter_sync_keeps_page_params_and_does_not_complain(loaded):
    choices, options = loaded
    out = sync(ids.URL, "?start=2025-01-01&end=2025-12-31&layer=csa&measure=rate", None, None, None,
               {f: None for f in ids.FILTER_CONTROLS}, None, choices, options)
    assert out["notices"] == []
    values = {f: None for f in ids.FILTER_CONTROLS} | {"council_district": ["7"]}
    out = sync(ids.COUNCIL_DISTRICT, "?start=2025-01-01&end=2025-12-31&layer=csa", None, "2025-01-01",
               "2025-12-31", values, None, choices, options)
    assert out["url"] == "?start=2025-01-01&end=2025-12-31&council_district=7&layer=csa"
    assert out["state"] == "?start=2025-01-01&end=2025-12-31&council_district=7"


def test_page_params_sync_both_ways():
    controls = {"layer": "neighborhood", "measure": "count", "points": True, "cvi": False}
    out = controls_from_url("?start=2025-01-01&end=2025-12-31&layer=council_district&cvi=on&program=x", controls)
    assert out["layer"] == "council_district" and out["cvi"] is True and out["measure"] is no_update
    assert out["notices"] == []
    program, notices = programs_from_url("?start=2025-01-01&end=2025-12-31&layer=council_district&program=x", [])
    assert program is no_update and "program" in json.dumps(notices, default=str)
    url = url_from_controls("?start=2025-01-01&end=2025-12-31&council_district=7&program=hospital_vip",
                            controls | {"measure": "rate"})
    assert url == "?start=2025-01-01&end=2025-12-31&council_district=7&measure=rate&program=hospital_vip"
    url = url_from_programs("?start=2025-01-01&end=2025-12-31&council_district=7&measure=rate", ["hospital_vip"])
    assert url == "?start=2025-01-01&end=2025-12-31&council_district=7&measure=rate&program=hospital_vip"
    with pytest.raises(PreventUpdate):  # nothing to change
        url_from_controls("?start=2025-01-01&end=2025-12-31", controls)
    # back to a link that says what the controls say: they stay, and old notices go
    out = controls_from_url("?start=2025-01-01&end=2025-12-31", controls)
    assert all(out[k] is no_update for k in controls) and out["notices"] == []


# --- over HTTP ----------------------------------------------------------------------------------

def call(client, app, output_id: str, values: dict, changed: str):
    """POST to /_dash-update-component as the Dash renderer does, for the callback that outputs
    ``output_id`` and is triggered by ``changed``; ``values`` maps "id.prop" to each input and state."""
    return post(client, app, output_id, values, changed)


def map_values(state: str, **extra):
    values = {f"{ids.FILTER_STATE}.data": state, f"{ids.URL}.pathname": "/map",
              f"{ids.MAP_LAYER}.value": "neighborhood", f"{ids.MAP_MEASURE}.value": "count",
              f"{ids.MAP_SHOW_POINTS}.value": True, f"{ids.MAP_SHOW_CVI}.value": True,
              f"{ids.CVI_PROGRAM}.value": [], f"{ids.MAP_VIEW_KEY}.data": None}
    values.update(extra)
    return values


def test_map_update_over_http_is_small_and_complete(app, client, db):
    """A filter change on the Map (from Western to the whole city): one request with the map's
    colours, sites and the new view, never the geometry the browser holds."""
    client.get("/")
    state = to_query(Filters(date(2026, 1, 1), date(2026, 10, 31)))
    before = to_query(Filters(date(2026, 1, 1), date(2026, 10, 31), police_district=("Western",)))
    body = shown(client, app, "/map", state + "&cvi=on", previous=before)
    hideout = body[ids.MAP_AREAS]["hideout"]
    with app.server.app_context():
        codes = set(Q.area_shapes(db, "neighborhood")["names"])
    assert set(hideout["fill"]) == codes == set(hideout["info"])
    assert body[ids.MAP_CVI]["data"]["features"]
    assert body[ids.MAP]["viewport"]["bounds"]
    assert len(gzip.compress(json.dumps(body).encode())) < 300_000
    assert set(body[ids.MAP_AREAS]) == {"hideout"}  # a filter change never re-sends the geometry


def test_map_update_skips_hidden_page_and_reports_bad_state(app, client):
    client.get("/")
    body = shown(client, app, "/", "?start=2026-01-01&end=2026-10-31")
    assert ids.MAP_LEGEND not in body and ids.FILTER_STATE in body


def test_a_map_control_alone_updates_the_map_with_its_outlines(app, client):
    """The layer picker is the page's own callback (the filter state a state): the new layer's
    outlines once, then its colours."""
    client.get("/")
    r = call(client, app, ids.MAP_LEGEND, map_values("?start=2026-01-01&end=2026-10-31",
                                                     **{f"{ids.MAP_LAYER}.value": "council_district",
                                                        f"{ids.MAP_SHAPES_KEY}.data": "neighborhood",
                                                        f"{ids.refresh_id('map')}.data": {"layer": "council_district"}}),
             f"{ids.refresh_id('map')}.data")
    assert r.status_code == 200, r.data[:300]
    body = r.get_json()["response"]
    assert len(body[ids.MAP_AREAS]["data"]["features"]) == 14 and body[ids.MAP_SHAPES_KEY]["data"] == "council_district"


def test_area_details_and_table_in_spanish(app, client, db):
    """The numbers of a clicked area (drawn in the browser from the hideout's lines and the details'
    words) and the table's rows, with their buttons, in Spanish."""
    from app import i18n
    from app.settings import Settings
    from callbacks.map import map_outputs

    settings = Settings.from_env({}, min_compare=10, map_min_population=500)
    f = Filters(date(2026, 1, 1), date(2026, 10, 31))
    with app.server.app_context():
        nb = sorted(Q.area_shapes(db, "neighborhood")["names"])[3]
        with i18n.use("es"):
            out = map_outputs(db, settings, f, {"layer": "neighborhood", "measure": "rate", "points": False,
                                                "cvi": False})
            words = L.details_words()
    lines = out["hideout"]["info"][nb]
    assert lines[0] == nb and "víctima" in " ".join(lines) and out["hideout"]["layer"] == "neighborhood"
    assert words["data-filter"] == "Filtrar por esta área" and "{area}" in words["data-numbers"]
    table = json.dumps(out["table"].to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    assert "Tasa por cada 1.000 habitantes" in table and f"Filtrar por {nb}" in table
    assert table.count(L.AREA_BUTTON) == len(out["values"])  # one button per area


def test_cvi_update_over_http_lists_every_site(app, client, db):
    client.get("/")
    body = shown(client, app, "/cvi", "?start=2025-01-01&end=2025-12-31")
    with app.server.app_context():
        sites = Q.cvi_sites(db)
    assert len(body[ids.CVI_SITES]["data"]["features"]) == len(sites)
    listing = json.dumps(body[ids.CVI_LIST]["children"])
    assert all(name in listing for name in sites.name)
    assert ids.CVI_AREAS not in body  # a filter change: the browser holds the outlines
    # the page shown (a page switch): filled, outlines included, in one request
    page = call(client, app, ids.PAGE_CONTENT, {f"{ids.URL}.pathname": "/cvi", f"{ids.URL}.search": ""},
                f"{ids.URL}.pathname").get_json()["response"][ids.PAGE_CONTENT]["children"]
    key = layout_props(page, ids.CVI_SHAPES_KEY)["data"]
    assert layout_props(page, ids.CVI_AREAS)["data"]["features"] and isinstance(key, int)
    values = {f"{ids.FILTER_STATE}.data": "?start=2025-01-01&end=2025-12-31", f"{ids.URL}.pathname": "/cvi",
              f"{ids.CVI_PROGRAM}.value": ["hospital_vip"], f"{ids.CVI_SHAPES_KEY}.data": key,
              f"{ids.refresh_id('cvi')}.data": {"program": ["hospital_vip"]}}
    body = call(client, app, ids.CVI_LIST, values, f"{ids.refresh_id('cvi')}.data").get_json()["response"]
    assert len(body[ids.CVI_SITES]["data"]["features"]) == (sites.program_type == "hospital_vip").sum()
    assert ids.CVI_AREAS not in body  # outlines are sent once


def test_month_split_covers_every_day_exactly_once():
    import random
    from datetime import timedelta

    rng = random.Random(4)
    for _ in range(500):
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2500))
        end = start + timedelta(days=rng.choice([0, 1, 27, 28, 30, 31, 45, 59, 90, 364, 365, 800, rng.randrange(0, 1200)]))
        months, days = F.month_split(start, end)
        covered = [a + timedelta(days=i) for a, b in days for i in range((b - a).days + 1)]
        if months:
            m = months[0]
            while m <= months[1]:
                assert m.day == 1
                nxt = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
                covered += [m + timedelta(days=i) for i in range((nxt - m).days)]
                m = nxt
        assert sorted(covered) == [start + timedelta(days=i) for i in range((end - start).days + 1)], (start, end)


def test_calendar_split_covers_every_day_exactly_once():
    import random
    from datetime import timedelta

    def month_days(m0, m1):
        out, m = [], m0
        while m <= m1:
            nxt = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
            out += [m + timedelta(days=i) for i in range((nxt - m).days)]
            m = nxt
        return out

    rng = random.Random(7)
    for _ in range(500):
        start = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 4000))
        end = start + timedelta(days=rng.choice([0, 30, 364, 365, 366, 730, 1500, rng.randrange(0, 5000)]))
        years, months, days = F.calendar_split(start, end)
        covered = [a + timedelta(days=i) for a, b in days for i in range((b - a).days + 1)]
        for m0, m1 in months:
            covered += month_days(m0, m1)
        if years:
            assert years[0].month == years[0].day == 1 == years[1].month == years[1].day
            covered += [years[0] + timedelta(days=i) for i in range((date(years[1].year, 12, 31) - years[0]).days + 1)]
        assert sorted(covered) == [start + timedelta(days=i) for i in range((end - start).days + 1)], (start, end)
    assert F.calendar_split(date(2013, 1, 1), date(2026, 11, 15))[0] == (date(2013, 1, 1), date(2025, 1, 1))
