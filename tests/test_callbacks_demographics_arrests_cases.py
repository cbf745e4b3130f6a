"""Callbacks and API of the Demographics, Arrests, Case outcomes and Case lookup pages, driven
through Dash's HTTP endpoint and Flask's test client exactly as a browser or script calls them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from app import ids
from app.context import load_choices
from app.urlstate import to_query
from callbacks.filters import sync
from callbacks.lookup import lookup_state
from data_access import cases as C
from data_access import demographics as D
from data_access.filters import Filters
from data_access.vocabulary import DISPOSITIONS
from tests.dash_support import post, shown, values_of

STATE_2025 = to_query(Filters(date(2025, 1, 1), date(2025, 12, 31)))


def _post(client, app, key, inputs, state=()):
    """POST to the callback that writes ``key`` and is triggered by the first of ``inputs``."""
    return post(client, app, key, values_of(*inputs, *state), f"{inputs[0]['id']}.{inputs[0]['property']}")


def test_lookup_parameters_in_a_link_raise_no_notice(db, app_ctx):
    choices, options, _ = load_choices(db)
    search = STATE_2025 + "&charge=HANDGUN+ON+PERSON&page=2&open=825000001"
    out = sync(ids.URL, search, None, None, None, {f: None for f in ids.FILTER_CONTROLS}, None, choices, options)
    assert out["notices"] == [] and out["state"] == STATE_2025


def test_lookup_state_validates_every_parameter(db, app_ctx):
    choices, _, _ = load_choices(db)
    st = lookup_state(STATE_2025 + "&case=6b-25%20000123&page=3", choices)
    assert (st["case"], st["page"], st["messages"]) == ("6B25000123", 3, [])
    st = lookup_state(STATE_2025 + "&case=%3Cscript%3E&page=-4&open=x", choices)
    assert st["case"] is None and st["page"] == 1 and len(st["messages"]) == 3


def test_demographics_callback_shows_suppressed_tables(app, client, db):
    client.get("/")
    state = to_query(Filters(date(2025, 1, 1), date(2025, 12, 31), police_district=("Western",), offense=("homicide",)))
    body = shown(client, app, "/demographics", state)
    text = json.dumps(body[ids.DEMO_VICTIMS]["children"])
    with app.server.app_context():
        demo = D.demographics.uncached(db, Filters(date(2025, 1, 1), date(2025, 12, 31),
                                                   police_district=("Western",), offense=("homicide",)), "victims")
    for table in demo.tables.values():
        for cell in table.cells:
            assert json.dumps(cell.label) in text
    assert "2025" in body[ids.DEMO_CAPTION]["children"]
    # the Download CSV link is the section's now (layouts.demographics.dataset_section), not the callback's
    href = "/api/v1/demographics?" + state.lstrip("?") + "&dataset=victims&format=csv"
    assert client.get(href).status_code == 200
    # Hidden page: nothing is computed.
    assert ids.DEMO_VICTIMS not in shown(client, app, "/", state)


def test_arrests_and_outcomes_callbacks(app, client):
    client.get("/")
    body = shown(client, app, "/arrests", STATE_2025)
    assert "Per 1,000 residents" in json.dumps(body[ids.ARRESTS_CARDS]["children"])
    assert body[ids.ARRESTS_TREND]["figure"]["layout"]["barmode"] == "stack"
    assert "Homicides" in json.dumps(body[ids.ARRESTS_CLEARANCE_TABLE]["children"])
    body = shown(client, app, "/outcomes", STATE_2025)
    names = [t["name"] for t in body[ids.OUTCOMES_MIX]["figure"]["data"]]
    assert names == ["Gun charges", "Other charges"]  # one bar each per disposition, named beside it
    assert [y.replace("<br>", " ") for y in body[ids.OUTCOMES_MIX]["figure"]["data"][0]["y"]] == \
        [label for _, label in DISPOSITIONS]
    # every chart's numbers as a table, and a name that says what it shows, for these filters
    assert "Guilty" in json.dumps(body["outcomes-mix-table"]["children"])
    assert "2025" in body["outcomes-mix-figure"]["aria-label"]


def test_lookup_callback_renders_page_and_opened_case(app, client, db):
    client.get("/")
    with app.server.app_context():
        first = C.search.uncached(db, Filters(date(2025, 1, 1), date(2025, 12, 31)), None, "HANDGUN ON PERSON", 2)
    number = first.rows.case_number[0]
    search = STATE_2025 + f"&charge=HANDGUN+ON+PERSON&page=2&open={number}"
    body = shown(client, app, "/lookup", search)
    results = json.dumps(body[ids.LOOKUP_RESULTS]["children"])
    for n in first.rows.case_number:
        assert n in results
    assert "page=3" in results and "Cases 26" in results  # next link and the page's range
    detail = json.dumps(body[ids.LOOKUP_DETAIL]["children"])
    assert f"Case {number}" in detail and "case-timeline" in detail
    assert body[ids.LOOKUP_CHARGE]["value"] == "HANDGUN ON PERSON"
    body = shown(client, app, "/lookup", STATE_2025 + "&open=999999999&page=zz", previous=STATE_2025)
    assert "no case numbered" in json.dumps(body[ids.LOOKUP_DETAIL]["children"])
    assert "not a page number" in json.dumps(body[ids.LOOKUP_ERROR]["children"])


def test_search_form_writes_the_url(app, client):
    client.get("/")
    r = _post(client, app, ids.relay_id("lookup"), [
        {"id": ids.LOOKUP_SEARCH, "property": "n_clicks", "value": 1},
        {"id": ids.LOOKUP_CLEAR, "property": "n_clicks", "value": None},
        {"id": ids.LOOKUP_CASE, "property": "n_submit", "value": None}],
        state=[{"id": ids.LOOKUP_CASE, "property": "value", "value": " 825000010 "},
               {"id": ids.LOOKUP_CHARGE, "property": "value", "value": None},
               {"id": ids.FILTER_STATE, "property": "data", "value": STATE_2025}])
    assert r.status_code == 200, r.data[:300]
    relayed = r.get_json()["response"][ids.relay_id("lookup")]["data"]  # the URL, through the page
    assert relayed["values"][0] == STATE_2025 + "&case=825000010" and not relayed["keep_view"]


# --- API --------------------------------------------------------------------------------------

def test_demographics_api_json_and_csv_are_the_suppressed_tables(client, db, app_ctx):
    q = "start=2024-01-01&end=2024-12-31&police_district=Eastern&offense=shooting"
    body = client.get(f"/api/v1/demographics?{q}").get_json()
    demo = D.demographics.uncached(db, Filters(date(2024, 1, 1), date(2024, 12, 31), police_district=("Eastern",),
                                               offense=("shooting",)), "victims")
    expected = [(d, c.category, c.value) for d, t in demo.tables.items() for c in t.cells]
    assert [(r["dimension"], r["category"], r["count"]) for r in body["rows"]] == expected
    assert body["years"] == [2024, 2024] and body["total"] == demo.total
    assert all(r["count"] is None or not 1 <= r["count"] <= 4 for r in body["rows"])
    text = client.get(f"/api/v1/demographics?{q}&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["dimension"], r["category"], int(r["count"]) if r["count"] else None) for r in rows] == expected


@pytest.mark.parametrize("url,param", [
    ("/api/v1/demographics?dataset=people", "dataset"),
    ("/api/v1/demographics?dataset=arrests&offense=homicide", "offense"),
    ("/api/v1/demographics?start=2025-13-01", "start"),
    ("/api/v1/cases?page=two", "page"),
    ("/api/v1/arrests/clearance?police_district=Atlantis", "police_district"),
])
def test_api_bad_parameters_are_400(client, url, param):
    r = client.get(url)
    assert r.status_code == 400 and r.get_json()["parameter"] == param


def test_case_api_search_and_detail(client, db, app_ctx):
    body = client.get("/api/v1/cases?start=2025-01-01&end=2025-12-31&charge=HANDGUN%20ON%20PERSON&page=2").get_json()
    page = C.search.uncached(db, Filters(date(2025, 1, 1), date(2025, 12, 31)), None, "HANDGUN ON PERSON", 2)
    assert [r["case_number"] for r in body["rows"]] == list(page.rows.case_number)
    assert len(body["rows"]) <= body["page_size"] == C.PAGE_SIZE
    number = body["rows"][0]["case_number"]
    detail = client.get(f"/api/v1/cases/{number}").get_json()
    assert detail["case_number"] == number and detail["charges"]
    assert not [k for k in json.dumps(detail).lower().split('"') if k in ("name", "defendant_race")]
    assert client.get("/api/v1/cases/999999999").status_code == 404
    assert client.get("/api/v1/cases/%3Cb%3E").status_code == 400
    clearance = client.get("/api/v1/arrests/clearance?start=2024-01-01&end=2025-12-31").get_json()
    assert {r["year"] for r in clearance["rows"]} == {2024, 2025}
    outcomes = client.get("/api/v1/cases/outcomes?start=2025-01-01&end=2025-12-31").get_json()
    assert sum(d["charges"] for d in outcomes["dispositions"]) > 0
