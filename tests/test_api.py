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
            assert r.get_json() == {"parameter": p.name,
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
