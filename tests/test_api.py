"""The JSON counts API: numbers equal pandas over the raw rows; bad input gets a clear 400."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from app import create_app


@pytest.fixture(scope="module")
def raw(demo_url):
    from data_access.db import Database

    db = Database(demo_url)
    with db.engine.connect() as conn:
        victims = pd.read_sql(text("SELECT occurred_date AS d, offense, police_district, neighborhood, "
                                   "council_district, legislative_district FROM victim"), conn)
        arrests = pd.read_sql(text("SELECT arrest_date AS d, police_district, neighborhood FROM arrest"), conn)
        cases = pd.read_sql(text("SELECT filed_date AS d, police_district FROM sao_case"), conn)
    db.dispose()
    for df in (victims, arrests, cases):
        df["d"] = pd.to_datetime(df.d)
    return {"victims": victims, "arrests": arrests, "cases": cases}


def test_counts_by_month_for_a_district(client, raw):
    r = client.get("/api/v1/counts?start=2025-01-01&end=2025-12-31&by=month&police_district=western")
    assert r.status_code == 200
    body = r.get_json()
    assert body["filters"]["police_district"] == ["Western"] and body["is_demo"] is True
    assert body["data_as_of"] == "2026-10-31"
    v = raw["victims"]
    sub = v[(v.d >= "2025-01-01") & (v.d <= "2025-12-31") & (v.police_district == "Western")]
    expected = sub.groupby(sub.d.dt.to_period("M")).size()
    got = {row["key"]: row["count"] for row in body["rows"]}
    assert got == {str(p.start_time.date()): int(n) for p, n in expected.items()}


@pytest.mark.parametrize("by", ["year", "week", "offense", "police_district", "neighborhood", "council_district",
                                "legislative_district"])
def test_counts_every_grouping_sums_to_total(client, raw, by):
    r = client.get(f"/api/v1/counts?start=2024-03-01&end=2025-02-28&by={by}&offense=larceny&offense=burglary")
    assert r.status_code == 200, r.get_json()
    v = raw["victims"]
    sub = v[(v.d >= "2024-03-01") & (v.d <= "2025-02-28") & v.offense.isin(["larceny", "burglary"])]
    rows = r.get_json()["rows"]
    assert sum(x["count"] for x in rows) == len(sub)
    if by in ("offense", "police_district", "council_district"):
        assert {x["key"]: x["count"] for x in rows} == sub.groupby(by).size().to_dict()


def test_arrests_and_cases(client, raw):
    for dataset in ("arrests", "cases"):
        r = client.get(f"/api/v1/counts?dataset={dataset}&start=2023-01-01&end=2023-12-31&by=police_district")
        assert r.status_code == 200
        df = raw[dataset]
        sub = df[(df.d >= "2023-01-01") & (df.d <= "2023-12-31")]
        assert {x["key"]: x["count"] for x in r.get_json()["rows"]} == sub.groupby("police_district").size().to_dict()


def test_default_is_year_to_date(client):
    body = client.get("/api/v1/counts").get_json()
    assert body["filters"]["start"] == "2026-01-01" and body["filters"]["end"] == "2026-10-31"
    assert body["by"] == "year" and body["rows"][0]["key"] == 2026


@pytest.mark.parametrize("query, param", [
    ("by=decade", "by"),
    ("dataset=parking", "dataset"),
    ("start=2025-02-30", "start"),
    ("start=2025-06-01&end=2025-01-01", "start"),
    ("police_district=Atlantis", "police_district"),
    ("neighborhood=Nowhere%20Land", "neighborhood"),
    ("council_district=15", "council_district"),
    ("frobnicate=1", "frobnicate"),
    ("dataset=arrests&by=offense", "by"),
    ("dataset=cases&offense=homicide", "offense"),
    ("by=year&by=month", "by"),
])
def test_bad_parameters_get_400_naming_the_parameter(client, query, param):
    r = client.get(f"/api/v1/counts?{query}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["parameter"] == param and body["error"]


def test_database_down_is_503_not_a_traceback(tmp_path):
    app = create_app({"database_url": "postgresql://nobody@127.0.0.1:1/none"}, cache_type="null")
    client = app.server.test_client()
    r = client.get("/api/v1/counts")
    assert r.status_code == 503
    assert "not reachable" in r.get_json()["error"] and "Traceback" not in r.get_data(as_text=True)
    assert client.get("/api/v1/health").status_code == 503
    page = client.get("/_dash-layout")
    assert page.status_code == 200 and "temporarily unavailable" in page.get_data(as_text=True)


def test_health(client):
    body = client.get("/api/v1/health").get_json()
    assert body["database"] == "ok" and body["data_version"] >= 1


def test_unknown_route_is_404(client):
    assert client.get("/api/v1/nothing").status_code == 404


def test_every_declared_choice_is_what_the_endpoint_validates(client):
    """The declarations the README is generated from are the ones the views check."""
    from app.api import endpoints

    checked = 0
    for spec in endpoints():
        for p in spec.params:
            if p.allowed is None:
                continue
            r = client.get(f"{spec.url}?{p.name}=nonsense")
            assert r.status_code == 400, (spec.url, p.name)
            assert r.get_json() == {"parameter": p.name, "value": "nonsense",
                                    "error": f"{p.name}=“nonsense” is not one of: {', '.join(p.allowed)}."}
            ok = client.get(f"{spec.url}?{p.name}={p.default}")
            assert ok.status_code == 200, (spec.url, p.name, ok.get_json())
            checked += 1
    assert checked >= 4


def test_every_served_endpoint_is_declared_once():
    from app.api import endpoints
    from app.api.params import ENDPOINTS

    listed = endpoints()
    assert len(set(listed)) == len(listed) and set(listed) == set(ENDPOINTS)


def test_page_number_that_is_a_digit_but_not_a_number_is_400(client):
    r = client.get("/api/v1/cases?page=%C2%B2")  # "²": str.isdigit() but not int()
    assert r.status_code == 400 and r.get_json()["parameter"] == "page"


# --- one shape for every API error (issue 13, item 9) ---------------------------------------------

PAGE_WORDING = ("used the first", "showing the default", "Ignored", "showing page")


def assert_error_shape(r, status, parameter=None):
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error", "parameter", "value"}, body
    assert body["error"].endswith(".") and not any(w in body["error"] for w in PAGE_WORDING), body
    assert body["parameter"] == parameter
    assert body["value"] is None or len(body["value"]) <= 40
    assert len(body["error"]) < 300
    return body


@pytest.mark.parametrize("url, parameter, value", [
    ("/api/v1/counts?start=2025-06-01&end=2025-01-01", "start", "2025-06-01"),
    ("/api/v1/counts?start=2025-01-01&start=2025-02-01", "start", "2025-01-01"),
    ("/api/v1/counts?end=2025-02-30", "end", "2025-02-30"),
    ("/api/v1/counts?end=1999-12-31", "end", "1999-12-31"),
    ("/api/v1/counts?lang=xx", "lang", "xx"),
    ("/api/v1/counts?frobnicate=1", "frobnicate", "1"),
    ("/api/v1/cases?page=401", "page", "401"),
    ("/api/v1/cases?page=0", "page", "0"),
    ("/api/v1/cases?case=x", "case", "x"),
    ("/api/v1/cases/ABC", "number", "ABC"),
    ("/api/v1/cases?charge=%00", "charge", "␀"),
])
def test_every_bad_parameter_is_one_shape_in_api_words(client, url, parameter, value):
    body = assert_error_shape(client.get(url), 400, parameter)
    assert body["value"] == value


def test_a_huge_value_is_cut_in_the_answer(client):
    r = client.get("/api/v1/counts?neighborhood=" + "x" * 20_000)
    body = assert_error_shape(r, 400, "neighborhood")
    assert body["value"] == "x" * 39 + "…" and len(r.get_data()) < 400


def test_a_list_longer_than_the_values_that_exist_is_refused_at_once(client):
    from data_access import options

    with client.application.app_context():
        from app.context import services

        hoods = [code for code, _label in options.filter_options(services().db)["neighborhood"]]
    everything = "&".join(f"neighborhood={n}" for n in hoods)
    assert client.get(f"/api/v1/counts?{everything}").status_code == 200  # every value once: fine
    r = client.get(f"/api/v1/counts?{everything}&neighborhood={hoods[0]}")
    body = assert_error_shape(r, 400, "neighborhood")
    assert body["error"] == f"neighborhood was given {len(hoods) + 1} times, but only {len(hoods)} values exist."
    # 1,000 repeats of an unknown name: the count is refused before any value is looked up
    r = client.get("/api/v1/counts?" + "&".join(["neighborhood=Nowhere"] * 1000))
    assert assert_error_shape(r, 400, "neighborhood")["error"].startswith("neighborhood was given 1000 times")


def test_unknown_paths_methods_and_bodies_are_one_shape(client):
    for path in ("/api/v1/nothing", "/api", "/api/v2/counts", "/api/v1/counts/extra"):
        body = assert_error_shape(client.get(path), 404)
        assert body["value"] == path
    r = client.post("/api/v1/counts")
    assert assert_error_shape(r, 405)["value"] == "POST" and r.headers["Allow"] == "GET, HEAD"
    assert_error_shape(client.delete("/api/v1/nothing"), 405)
    big = client.get("/api/v1/counts", data=b"x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1))
    assert_error_shape(big, 413)


def test_a_too_long_address_is_414_with_a_sentence(client):
    long_query = "&".join(["neighborhood=Nowhere"] * 3000)  # 62 kB
    body = assert_error_shape(client.get(f"/api/v1/counts?{long_query}"), 414)
    assert "too long" in body["error"]
    page = client.get(f"/map?lang=es&{long_query}")
    assert page.status_code == 414 and "Esta dirección es demasiado larga" in page.get_data(as_text=True)


def test_errors_are_in_the_request_language(client):
    body = assert_error_shape(client.get("/api/v1/counts?lang=es&frobnicate=1"), 400, "frobnicate")
    assert body["error"] == "“frobnicate” no es un parámetro de /api/v1/counts."
    r = client.post("/api/v1/counts", headers={"Accept-Language": "es"})
    assert assert_error_shape(r, 405)["error"].startswith("POST no está permitido aquí")


def test_a_fault_of_ours_is_a_500_in_the_same_shape_logged_once(app, caplog):
    def broken():
        raise RuntimeError("a bug")

    app.server.view_functions["api.counts"] = broken  # a view that fails in a way nobody foresaw
    r = app.server.test_client().get("/api/v1/counts")
    body = assert_error_shape(r, 500)
    assert body["error"] == "Something went wrong on our side. It has been logged."
    assert "a bug" not in r.get_data(as_text=True)
    assert len([rec for rec in caplog.records if rec.exc_info]) == 1


def test_database_down_is_503_in_the_same_shape():
    app = create_app({"database_url": "postgresql://nobody@127.0.0.1:1/none"}, cache_type="null")
    r = app.server.test_client().get("/api/v1/cases?start=2025-01-01")
    assert_error_shape(r, 503)
    assert r.headers["Retry-After"] == "60"
