"""``/api/v1/openapi.json`` against what is served: every API route is documented and every documented
path exists; every declared parameter, its allowed values and default are in it; the error shape,
the 304 revalidation and the CSV media type are described where they apply."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.api import endpoints
from app.api.export import ROW_COLUMNS
from app.api.openapi import openapi_path
from app.api.params import PREFIX
from app.urlstate import FILTER_PARAMS


@pytest.fixture(scope="module")
def served(demo_url):
    app = create_app({"database_url": demo_url}, cache_type="null")
    r = app.server.test_client().get(f"{PREFIX}/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return app, r


@pytest.fixture(scope="module")
def doc(served):
    return served[1].get_json()


def test_every_route_is_documented_and_every_documented_path_exists(served, doc):
    app, _r = served
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": PREFIX}]
    routes = set()
    for rule in app.server.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.rule.startswith(PREFIX + "/"):
            routes.add(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):]))
    assert routes == set(doc["paths"])
    assert {openapi_path(e) for e in endpoints()} == routes
    assert "/cases/{number}" in routes and "/openapi.json" in routes


def test_every_declared_parameter_with_its_values(doc):
    for e in endpoints():
        op = doc["paths"][openapi_path(e)]["get"]
        params = {p["name"]: p for p in op["parameters"] if "name" in p}
        for p in e.params:
            assert p.name in params, (e.path, p.name)
            schema = params[p.name]["schema"]
            assert params[p.name]["description"] == p.doc
            if p.allowed is not None:
                assert schema["enum"] == list(p.allowed)
            if p.default is not None:
                assert str(schema["default"]) == p.default
        if e.filters:
            wanted = [n for n in FILTER_PARAMS if not (n == "offense" and e.offense == "never")]
            assert set(wanted) <= set(params), e.path
            assert ("offense" in params) is (e.offense != "never")
        assert "lang" in params
        for name in re.findall(r"<([^>]+)>", e.path):
            assert params[name]["in"] == "path" and params[name]["required"] is True


def test_responses_errors_etag_and_csv(doc):
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "parameter", "value"]
    for e in endpoints():
        op = doc["paths"][openapi_path(e)]["get"]
        responses = op["responses"]
        assert responses["400"] == {"$ref": "#/components/responses/Error"}
        assert ("304" in responses) is e.http_cache
        if e.http_cache:
            assert "ETag" in responses["200"]["headers"]
        csv = "format" in e.names
        assert ("text/csv" in responses["200"]["content"]) is csv, e.path
        assert responses["200"]["description"] == e.returns
        if e.path in ROW_COLUMNS:  # a chart's rows: their keys, as the JSON and the CSV have them
            schema = responses["200"]["content"]["application/json"]["schema"]
            assert schema["properties"]["columns"]["const"] == list(ROW_COLUMNS[e.path])
            assert set(schema["properties"]["rows"]["items"]["properties"]) == set(ROW_COLUMNS[e.path])
    assert len(ROW_COLUMNS) >= 17
    ids = [doc["paths"][p]["get"]["operationId"] for p in doc["paths"]]
    assert len(ids) == len(set(ids))


def test_refs_resolve(doc):
    text = str(doc)
    for ref in set(re.findall(r"'\$ref': '#/([^']+)'", text)):
        node = doc
        for part in ref.split("/"):
            node = node[part]
        assert node, ref


def test_the_document_revalidates(served):
    app, r = served
    again = app.server.test_client().get(f"{PREFIX}/openapi.json", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
