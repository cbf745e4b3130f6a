"""The API behind every chart and table (issue 14): each endpoint's numbers equal the page's (the
same row functions of ``layouts``) and an independent pandas count over the raw tables; the CSV is
the JSON's rows; suppression and the points' privacy hold; bad parameters are a 400 naming them;
file names carry the dataset, the area and the dates. One app for the module, HTTP test client."""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from urllib.parse import quote

import pandas as pd
import pytest
from sqlalchemy import text

from app import create_app
from app.api.export import ROW_COLUMNS, area_part, csv_value, file_name, slug
from app.chance import judge
from data_access.filters import Filters
from data_access.vocabulary import OFFENSES

SPAN = "start=2025-03-01&end=2025-08-31"
START, END = date(2025, 3, 1), date(2025, 8, 31)
PRIOR_START, PRIOR_END = date(2024, 3, 1), date(2024, 8, 31)
SEXUAL = {o.code for o in OFFENSES if o.sexual}

# every chart endpoint with a query it answers (and a CSV of)
CHART_QUERIES = [
    f"/api/v1/summary/headline?{SPAN}",
    f"/api/v1/summary/trend?{SPAN}",
    f"/api/v1/summary/offenses?{SPAN}&council_district=7",
    f"/api/v1/summary/hour-weekday?{SPAN}",
    "/api/v1/summary/goal?police_district=Western",
    f"/api/v1/map/areas?{SPAN}&layer=council_district&police_district=Western",
    f"/api/v1/map/points?{SPAN}&council_district=7",
    f"/api/v1/map/density?{SPAN}",
    f"/api/v1/cvi/sites?{SPAN}&program=safe_streets",
    f"/api/v1/arrests/trend?{SPAN}",
    f"/api/v1/arrests/categories?{SPAN}",
    f"/api/v1/arrests/areas?{SPAN}",
    f"/api/v1/arrests/charges?{SPAN}",
    f"/api/v1/arrests/clearance?{SPAN}",
    f"/api/v1/outcomes/summary?{SPAN}",
    f"/api/v1/outcomes/mix?{SPAN}",
    f"/api/v1/outcomes/time?{SPAN}",
]


@pytest.fixture(scope="module")
def dash_app(demo_url):
    # the local cache, as served: a JSON answer and its CSV share one query (the numbers are the
    # same with or without it; tests/test_api.py runs the uncached path)
    return create_app({"database_url": demo_url})


@pytest.fixture(scope="module")
def web(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def raw(demo_url):
    """The raw tables, read once: the independent side of every count."""
    from data_access.db import Database

    db = Database(demo_url)
    with db.engine.connect() as conn:
        read = lambda sql: pd.read_sql(text(sql), conn)  # noqa: E731
        out = {
            "victims": read("SELECT occurred_date AS d, occurred_hour AS hour, occurred_dow AS dow, offense, "
                            "is_gun_violence, police_district, neighborhood, council_district, legislative_district, "
                            "police_district_2023, lon, lat FROM victim"),
            "arrests": read("SELECT arrest_date AS d, charge_category, charge, charge_description, police_district, "
                            "neighborhood, council_district FROM arrest"),
            "cases": read("SELECT c.id, c.filed_date AS d, bool_or(ch.is_gun_charge) AS gun, "
                          "bool_or(ch.disposition = 'pending') AS pending FROM sao_case c "
                          "JOIN case_charge ch ON ch.case_id = c.id GROUP BY c.id"),
            "charges": read("SELECT c.filed_date AS d, ch.is_gun_charge AS gun, ch.disposition FROM sao_case c "
                            "JOIN case_charge ch ON ch.case_id = c.id"),
            "geography": read("SELECT layer, code, name, population FROM geography"),
            "sites": read("SELECT id, program_type, police_district FROM cvi_site"),
        }
    db.dispose()
    for k in ("victims", "arrests", "cases", "charges"):
        out[k]["d"] = pd.to_datetime(out[k].d)
    return out


def in_span(df: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return df[(df.d >= pd.Timestamp(start)) & (df.d <= pd.Timestamp(end))]


def get(web, url: str) -> dict:
    r = web.get(url)
    assert r.status_code == 200, (url, r.get_json())
    return r.get_json()


def read_csv(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


# --- the numbers equal the page's and pandas' -------------------------------------------------

def test_headline_counts_and_verdicts(web, raw, dash_app):
    body = get(web, f"/api/v1/summary/headline?{SPAN}")
    v = raw["victims"]
    cur, pri = in_span(v, START, END), in_span(v, PRIOR_START, PRIOR_END)
    groups = {o.code: o.group for o in OFFENSES}
    members = {"homicide": lambda o: o == "homicide", "shooting": lambda o: o == "shooting",
               "violent": lambda o: groups[o] == "violent", "property": lambda o: groups[o] == "property",
               "all": lambda o: True}
    rows = {r["card"]: r for r in body["rows"]}
    assert list(rows) == list(members)
    days, prior_days = (END - START).days + 1, (PRIOR_END - PRIOR_START).days + 1
    for card, member in members.items():
        r = rows[card]
        assert r["current"] == int(cur.offense.map(member).sum()), card
        assert r["prior"] == int(pri.offense.map(member).sum()), card
        assert r["change"] == r["current"] - r["prior"]
        j = judge(r["current"], r["prior"], days, prior_days)
        assert (r["verdict"], r["p_value"]) == (j.verdict, pytest.approx(j.p_value, abs=1e-6))
        assert r["ratio_low"] == pytest.approx(j.low, abs=1e-6)
        assert r["ratio_high"] == (None if math.isinf(j.high) else pytest.approx(j.high, abs=1e-6))
    assert body["prior_span"] == {"start": "2024-03-01", "end": "2024-08-31"}
    # the page's cards, on the same filters
    from data_access import summary as Q
    from layouts.summary import headline_cards

    with dash_app.server.test_request_context("/"):
        from app.context import services

        svc = services()
        f = Filters(START, END)
        cards = headline_cards(Q.offense_counts(svc.db, f), f, min_compare=svc.settings.min_compare,
                               first_date=date(2020, 1, 1))
    assert [(c.key, c.current, c.prior) for c in cards] == [(r["card"], r["current"], r["prior"]) for r in body["rows"]]


def test_trend_periods_equal_pandas(web, raw):
    body = get(web, f"/api/v1/summary/trend?{SPAN}&police_district=Western")
    v = in_span(raw["victims"], START, END)
    v = v[v.police_district == "Western"]
    assert body["grain"] in ("week", "month")
    assert sum(r["victims"] for r in body["rows"]) == len(v)
    for r in body["rows"]:
        part = v[(v.d >= r["period_start"]) & (v.d <= r["period_end"])]
        assert r["victims"] == len(part), r
    # a period cut short by the dates is marked, and left out of the average
    assert all(r["average"] is None for r in body["rows"] if not r["complete"])


def test_trend_equals_the_page_series(web, dash_app):
    from data_access import summary as Q
    from layouts.summary import trend_series

    body = get(web, f"/api/v1/summary/trend?{SPAN}")
    with dash_app.server.test_request_context("/"):
        from app.context import services

        f = Filters(START, END)
        grain = Q.trend_grain(f)
        t = trend_series(Q.trend(services().db, f, grain), grain)
    assert [r["victims"] for r in body["rows"]] == t.counts
    assert [r["complete"] for r in body["rows"]] == t.complete
    assert [r["average"] for r in body["rows"]] == [None if a is None else pytest.approx(a, abs=1e-3) for a in t.average]


def test_offenses_equal_pandas(web, raw):
    body = get(web, f"/api/v1/summary/offenses?{SPAN}&council_district=7")
    v = raw["victims"][raw["victims"].council_district == "7"]
    cur = in_span(v, START, END).groupby("offense").size()
    pri = in_span(v, PRIOR_START, PRIOR_END).groupby("offense").size()
    got = {r["offense"]: (r["current"], r["prior"]) for r in body["rows"]}
    want = {o: (int(cur.get(o, 0)), int(pri.get(o, 0))) for o in set(cur.index) | set(pri.index)}
    assert got == want
    assert [r["current"] for r in body["rows"]] == sorted((r["current"] for r in body["rows"]), reverse=True)


def test_hour_weekday_equals_pandas(web, raw):
    body = get(web, f"/api/v1/summary/hour-weekday?{SPAN}&offense=robbery_street")
    assert len(body["rows"]) == 168
    v = in_span(raw["victims"], START, END)
    v = v[(v.offense == "robbery_street") & v.hour.notna()]
    want = v.groupby([v.dow.astype(int), v.hour.astype(int)]).size()
    got = {(r["weekday"], r["hour"]): r["victims"] for r in body["rows"]}
    assert {k: n for k, n in got.items() if n} == {k: int(n) for k, n in want.items()}
    assert body["rows"][0]["weekday_name"] == "Monday"


def test_goal_equals_pandas_and_the_page(web, raw, dash_app):
    body = get(web, "/api/v1/summary/goal?police_district=Western&start=2025-01-01&end=2025-02-01")
    v = raw["victims"]
    v = v[v.is_gun_violence & (v.police_district == "Western")]
    per_year = v.groupby(v.d.dt.year).size()
    s = dash_app.server.extensions["psad"].settings
    full = [r for r in body["rows"] if not r["partial"]]
    assert full and all(r["actual"] == int(per_year.get(r["year"], 0)) for r in full)
    base = next(r for r in body["rows"] if r["year"] == s.goal_baseline_year)
    assert base["target"] == pytest.approx(base["actual"])
    for r in full:
        assert r["target"] == pytest.approx(base["actual"] * (1 - s.goal_annual_reduction) ** (r["year"] - base["year"]),
                                            abs=0.05)
        j = judge(r["actual"], round(r["target"]))
        assert r["verdict"] == j.verdict
        assert r["standing"] == ("near" if j.verdict != "unusual" else "below" if r["actual"] < r["target"] else "above")
    # dates do not apply: the same rows whatever the span
    assert get(web, "/api/v1/summary/goal?police_district=Western")["rows"] == body["rows"]


def test_map_areas_count_population_rate_change(web, raw):
    body = get(web, f"/api/v1/map/areas?{SPAN}&layer=council_district&police_district=Western")
    v = raw["victims"][raw["victims"].police_district == "Western"]
    cur = in_span(v, START, END).groupby("council_district").size()
    pri = in_span(v, PRIOR_START, PRIOR_END).groupby("council_district").size()
    g = raw["geography"]
    pop = dict(zip(g[g.layer == "council_district"].code, g[g.layer == "council_district"].population))
    assert {r["code"] for r in body["rows"]} == set(pop)
    for r in body["rows"]:
        assert r["victims"] == int(cur.get(r["code"], 0)) and r["prior"] == int(pri.get(r["code"], 0)), r
        assert r["change"] == r["victims"] - r["prior"]
        assert r["population"] == pop[r["code"]]
        assert r["rate_per_1000"] == pytest.approx(r["victims"] / pop[r["code"]] * 1000, abs=1e-3)
        # an area with victims under the district filter is in it; the map draws the others apart
        assert r["in_filter"] or r["victims"] + r["prior"] == 0
        assert r["chosen"] is False
    assert any(r["in_filter"] for r in body["rows"]) and not all(r["in_filter"] for r in body["rows"])


def test_map_areas_equal_the_page(web, dash_app):
    from callbacks.map import map_outputs

    body = get(web, f"/api/v1/map/areas?{SPAN}&layer=police_district_2023&police_district=Western")
    with dash_app.server.test_request_context("/"):
        from app.context import services

        svc = services()
        out = map_outputs(svc.db, svc.settings, Filters(START, END, police_district=("Western",)),
                          {"layer": "police_district_2023", "measure": "count", "points": False, "cvi": False})
    assert {r["code"]: (r["victims"], r["prior"], r["population"]) for r in body["rows"]} == \
        {c: (v["current"], v["prior"], v["population"]) for c, v in out["values"].items()}
    chosen = [r["code"] for r in body["rows"] if r["chosen"]]
    assert chosen == ["Western"]
    # "in the filter" is what the map draws: not hatched as outside the filters
    assert {r["code"]: r["in_filter"] for r in body["rows"]} == \
        {c: not v.get("outside", out["hideout"]["fill"][c] == "none") for c, v in out["values"].items()}
    assert [r["code"] for r in body["rows"] if r["in_filter"]] == ["Western"]


def test_points_never_sexual_and_block_level(web, raw):
    body = get(web, f"/api/v1/map/points?{SPAN}&council_district=7")
    v = in_span(raw["victims"], START, END)
    v = v[(v.council_district == "7") & v.lon.notna() & v.lat.notna() & ~v.offense.isin(SEXUAL)]
    assert 0 < len(body["rows"]) == len(v)
    assert not {r["offense"] for r in body["rows"]} & SEXUAL
    assert all(round(r["lon"], 3) == r["lon"] and round(r["lat"], 3) == r["lat"] for r in body["rows"])
    assert body["rows"] == sorted(body["rows"], key=lambda r: r["date"], reverse=True)
    # asking for sexual offenses only gives no point at all, though there are victims
    sexual = "&".join(f"offense={o}" for o in sorted(SEXUAL))
    assert get(web, f"/api/v1/map/points?start=2024-01-01&end=2025-12-31&{sexual}")["rows"] == []
    assert len(raw["victims"][raw["victims"].offense.isin(SEXUAL)]) > 0
    density = get(web, f"/api/v1/map/density?start=2024-01-01&end=2025-12-31&{sexual}")
    assert density["rows"] == []


def test_points_over_the_cap_is_a_400_pointing_at_density(web):
    r = web.get("/api/v1/map/points?start=2020-01-01&end=2026-10-31")
    assert r.status_code == 400
    assert "/api/v1/map/density" in r.get_json()["error"]


def test_density_equals_pandas(web, raw):
    body = get(web, f"/api/v1/map/density?{SPAN}&police_district=Eastern")
    v = in_span(raw["victims"], START, END)
    v = v[(v.police_district == "Eastern") & v.lon.notna() & ~v.offense.isin(SEXUAL)]
    assert sum(r["incidents"] for r in body["rows"]) == len(v)
    cells = v.groupby([(v.lon / 0.0047).apply(math.floor), (v.lat / 0.0036).apply(math.floor)]).size()
    assert len(body["rows"]) == len(cells) and max(r["incidents"] for r in body["rows"]) == int(cells.max())


def test_cvi_sites_equal_pandas_and_the_page(web, raw, dash_app):
    from callbacks.cvi import cvi_outputs

    body = get(web, f"/api/v1/cvi/sites?{SPAN}&program=safe_streets&program=hospital_vip")
    s = raw["sites"]
    assert sorted(r["id"] for r in body["rows"]) == sorted(s[s.program_type.isin(["safe_streets", "hospital_vip"])].id)
    with dash_app.server.test_request_context("/"):
        from app.context import services

        svc = services()
        out = cvi_outputs(svc.db, svc.settings, Filters(START, END), ("hospital_vip", "safe_streets"))
    assert {r["id"]: r["shootings_nearby"] for r in body["rows"]} == out["near"]
    west = get(web, f"/api/v1/cvi/sites?{SPAN}&police_district=Western")["rows"]
    assert sorted(r["id"] for r in west) == sorted(s[s.police_district == "Western"].id)


def test_arrests_equal_pandas(web, raw):
    a = in_span(raw["arrests"], START, END)
    trend = get(web, f"/api/v1/arrests/trend?{SPAN}")
    assert sum(r["arrests"] for r in trend["rows"]) == len(a)
    cats = get(web, f"/api/v1/arrests/categories?{SPAN}")
    want = a.charge_category.fillna("other").value_counts()
    assert {r["charge_category"]: r["arrests"] for r in cats["rows"]} == {k: int(n) for k, n in want.items()}
    assert sum(r["share"] for r in cats["rows"]) == pytest.approx(1, abs=1e-4)
    areas = get(web, f"/api/v1/arrests/areas?{SPAN}")
    by = a.groupby("police_district").size()
    assert areas["area_field"] == "police_district"
    assert {r["area"]: r["arrests"] for r in areas["rows"]} == {k: int(n) for k, n in by.items()}
    charges = get(web, f"/api/v1/arrests/charges?{SPAN}")
    top = (a.assign(charge_category=a.charge_category.fillna("other"))
           .groupby(["charge_category", "charge", "charge_description"], dropna=False).size()
           .sort_values(ascending=False))
    assert len(charges["rows"]) == 15
    assert [r["arrests"] for r in charges["rows"]] == [int(n) for n in top.head(15)]


def test_arrests_trend_equals_the_page_rows(web, dash_app):
    from data_access import arrests as A
    from layouts.arrests import trend_rows

    body = get(web, "/api/v1/arrests/trend?start=2026-09-10&end=2026-10-31")
    with dash_app.server.test_request_context("/"):
        from app.context import services

        f = Filters(date(2026, 9, 10), date(2026, 10, 31))
        grain = A.arrest_grain(f)
        rows = trend_rows(A.over_time(services().db, f, grain), grain, f.start, f.end)
    assert [(r["period_start"], r["charge_category"], r["arrests"], r["complete"]) for r in body["rows"]] == \
        [(s.isoformat(), c, int(n), bool(k)) for s, c, n, k in zip(rows.period_start, rows.charge_category, rows.n,
                                                                  rows.complete)]
    assert body["rows"][0]["complete"] is False  # 10 September cuts its week or month short


def test_outcomes_equal_pandas(web, raw):
    c = in_span(raw["cases"], START, END)
    rows = {r["group"]: r for r in get(web, f"/api/v1/outcomes/summary?{SPAN}")["rows"]}
    assert rows["all"]["cases"] == len(c) and rows["gun"]["cases"] == int(c.gun.sum())
    assert rows["all"]["pending"] == int(c.pending.sum())
    assert rows["all"]["pending_share"] == pytest.approx(c.pending.mean(), abs=1e-5)
    ch = in_span(raw["charges"], START, END)
    mix = get(web, f"/api/v1/outcomes/mix?{SPAN}")["rows"]
    want = ch.groupby(["gun", "disposition"]).size()
    for r in mix:
        assert r["charges"] == int(want.get((r["group"] == "gun", r["disposition"]), 0)), r
    time_rows = get(web, f"/api/v1/outcomes/time?{SPAN}")["rows"]
    decided = {g: sum(r["cases"] for r in time_rows if r["group"] == g) for g in ("gun", "other")}
    assert decided["gun"] + decided["other"] == rows["all"]["timed"]
    assert time_rows[-1]["days"] == "540+" and time_rows[-1]["days_to"] is None


# --- CSV, suppression, errors, names ------------------------------------------------------------

@pytest.mark.parametrize("url", CHART_QUERIES)
def test_csv_is_the_json(web, url):
    body = get(web, url)
    r = web.get(url + "&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith(".csv")
    table = read_csv(r.get_data(as_text=True))
    assert table[0] == body["columns"] == list(ROW_COLUMNS[url.split("?")[0][len("/api/v1"):]])
    assert table[1:] == [[csv_value(row[c]) for c in body["columns"]] for row in body["rows"]]


def test_csv_header_in_spanish_values_unchanged(web):
    en = web.get(f"/api/v1/summary/offenses?{SPAN}&format=csv").get_data(as_text=True)
    es = web.get(f"/api/v1/summary/offenses?{SPAN}&format=csv&lang=es").get_data(as_text=True)
    assert read_csv(es)[0] == ["delito", "nombre del delito", "grupo", "este periodo", "un año antes", "cambio"]
    assert read_csv(es)[1:] == read_csv(en)[1:]


def test_demographics_suppression_in_csv_and_file_name(web):
    url = "/api/v1/demographics?start=2025-01-01&end=2025-12-31&neighborhood="
    nb = get(web, "/api/v1/counts?by=neighborhood&start=2025-01-01&end=2025-12-31")["rows"][-1]["key"]
    for dataset in ("victims", "arrests"):
        r = web.get(f"{url}{quote(nb)}&dataset={dataset}&format=csv")
        assert r.status_code == 200
        assert r.headers["Content-Disposition"] == (f"attachment; filename={dataset}-demographics_neighborhood-"
                                                    f"{slug(nb)}_2025-01-01_2025-12-31.csv")
        for dim, cat, count, label, withheld in read_csv(r.get_data(as_text=True))[1:]:
            if count:
                assert int(count) == 0 or int(count) >= 5, (dim, cat, count)
            else:
                assert label in ("<5", "withheld") and withheld


@pytest.mark.parametrize("url, param", [
    ("/api/v1/summary/trend?format=xml", "format"),
    ("/api/v1/summary/headline?police_district=Atlantis", "police_district"),
    ("/api/v1/summary/goal?bogus=1", "bogus"),
    ("/api/v1/map/areas?layer=moon", "layer"),
    ("/api/v1/map/points?start=2025-13-01", "start"),
    ("/api/v1/map/density?offense=jaywalking", "offense"),
    ("/api/v1/cvi/sites?program=bakery", "program"),
    ("/api/v1/cvi/sites?offense=homicides", "offense"),
    ("/api/v1/demographics/arrests?offense=homicide", "offense"),
    ("/api/v1/arrests/trend?offense=homicide", "offense"),
    ("/api/v1/arrests/categories?format=csv&format=json", "format"),
    ("/api/v1/arrests/areas?council_district=99", "council_district"),
    ("/api/v1/arrests/charges?layer=neighborhood", "layer"),
    ("/api/v1/outcomes/summary?offense=homicide", "offense"),
    ("/api/v1/outcomes/mix?start=2025-06-01&end=2025-01-01", "start"),
    ("/api/v1/outcomes/time?neighborhood=Nowhere", "neighborhood"),
])
def test_a_bad_parameter_is_a_400_naming_it(web, url, param):
    r = web.get(url)
    assert r.status_code == 400, r.get_data(as_text=True)
    body = r.get_json()
    assert set(body) == {"error", "parameter", "value"} and body["parameter"] == param


def test_chart_answers_revalidate(web):
    r = web.get("/api/v1/summary/goal?format=csv&lang=es")
    etag = r.headers["ETag"]
    again = web.get("/api/v1/summary/goal?format=csv&lang=es", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_file_names():
    f = Filters(date(2026, 1, 1), date(2026, 11, 24))
    assert file_name("victims-by-offense", f.replace(council_district=("7",))) == \
        "victims-by-offense_council-7_2026-01-01_2026-11-24.csv"
    assert area_part(f) == "city"
    assert area_part(f.replace(police_district=("Western",))) == "police-western"
    assert area_part(f.replace(council_district=("7", "9"))) == "council-7+9"
    assert area_part(f.replace(neighborhood=("Coldstream Homestead Montebello",))) == \
        "neighborhood-coldstream-homestead-montebello"
    many = f.replace(neighborhood=tuple(f"Área Ñ {i}" for i in range(12)))
    assert area_part(many) == "neighborhood-12-areas"
    both = area_part(f.replace(police_district=("Western",), council_district=("7",)))
    assert both == "police-western.council-7"
    long = area_part(f.replace(neighborhood=("A very long neighborhood name indeed", "Another long name here",
                                             "And a third long one"), council_district=("1", "2")))
    assert len(long) <= 60 and long.isascii() and " " not in long
    assert slug("Peña / O'Donnell Heights") == "pena-o-donnell-heights"


def test_demographics_paths_of_the_page(web):
    for dataset in ("victims", "arrests"):
        q = "start=2025-01-01&end=2025-12-31&council_district=7"
        assert get(web, f"/api/v1/demographics/{dataset}?{q}") == get(web, f"/api/v1/demographics?dataset={dataset}&{q}")
        r = web.get(f"/api/v1/demographics/{dataset}?{q}&format=csv&lang=es")
        assert r.headers["Content-Disposition"] == \
            f"attachment; filename={dataset}-demographics_council-7_2025-01-01_2025-12-31.csv"
        assert read_csv(r.get_data(as_text=True))[0][0] == "dimensión"


def test_cvi_ignores_the_offense_filter_as_the_page_does(web):
    plain = get(web, f"/api/v1/cvi/sites?{SPAN}")
    assert get(web, f"/api/v1/cvi/sites?{SPAN}&offense=homicide&program=all")["rows"] == plain["rows"]


def _csv_links(node, found: list) -> list:
    """(path, params) of every Download CSV link in a layout's JSON."""
    if isinstance(node, dict):
        props = node.get("props") if isinstance(node.get("props"), dict) else node
        if isinstance(props, dict) and "data-psad-csv" in props:
            found.append((props["data-psad-csv"], props.get("data-psad-params", "").split(",")))
        for v in node.values():
            _csv_links(v, found)
    elif isinstance(node, list):
        for v in node:
            _csv_links(v, found)
    return found


def test_every_download_link_on_every_page_answers_a_csv(web):
    """Each page's "Download CSV" links, followed as assets/psad_csv.js follows them (the address
    bar's parameters the link names, the page's language, format=csv), answer a CSV file; the
    address carries a relative range, an area, an offense and the pages' own parameters."""
    from urllib.parse import parse_qsl, urlencode

    search = "?range=last365&council_district=7&offense=shooting&layer=council_district&program=safe_streets&lang=es"
    seen = set()
    for path in ("/", "/map", "/demographics", "/arrests", "/outcomes", "/cvi"):
        layout = web.get("/_dash-layout", headers={"Referer": f"http://x{path}{search}"}).get_json()
        for api_path, names in dict(_csv_links(layout, [])).items():
            query = [(k, v) for k, v in parse_qsl(search[1:]) if k in names and k != "lang"]
            url = f"{api_path}?{urlencode(query + [('lang', 'es'), ('format', 'csv')])}"
            r = web.get(url)
            assert r.status_code == 200 and r.mimetype == "text/csv", (path, url, r.get_data(as_text=True)[:300])
            assert r.headers["Content-Disposition"].startswith("attachment; filename=")
            assert "_council-7_" in r.headers["Content-Disposition"] or api_path.endswith("/goal")
            seen.add(api_path)
    assert len(seen) >= 15, seen
