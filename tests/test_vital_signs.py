"""BNIA Vital Signs (the Neighborhood Stat page): the loader on the real file and on a demo file,
CSA name resolution, every figure against an independent pandas computation from the raw file,
the dashboard's own crime rates against the raw victim rows, the API and its bad parameters."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import vital_signs as V
from data_access.db import Database
from data_access.filters import Filters
from data_access.ingest.reader import IngestError
from data_access.ingest.vital_signs import csa_resolver, load_vital_signs_file, name_key, years_list
from tests.ingest_support import _clone, shared

VALUES = "vital_signs/vital_signs_2010_2018.csv.gz"
DICTIONARY = "vital_signs/vital_signs_indicators.csv.gz"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(shared(VALUES))


@pytest.fixture(scope="module")
def raw_dict() -> pd.DataFrame:
    return pd.read_csv(shared(DICTIONARY))


@pytest.fixture(scope="module")
def loaded(server_url, real_template, _clones):
    """A clone of the real-boundaries database with the real file loaded once (with its summary)."""
    db = Database(_clone(server_url, real_template, _clones))
    summary = load_vital_signs_file(db, str(shared(VALUES)), indicators=str(shared(DICTIONARY)))
    yield db, summary
    db.dispose()


def table(db: Database, sql: str) -> pd.DataFrame:
    with db.engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


# --- name resolution -----------------------------------------------------------------------------------

def test_csa_names_resolve_without_case_punctuation_or_abbreviations():
    areas = pd.DataFrame({"code": ["Glen-Fallstaff", "Patterson Park North & East", "Mount Washington/Coldspring",
                                   "Allendale/Irvington/S. Hilton", "Fells Point"],
                          "name": ["Glen-Fallstaff", "Patterson Park North & East", "Mount Washington/Coldspring",
                                   "Allendale/Irvington/S. Hilton", "Fells Point"]})
    resolve = csa_resolver(areas)
    assert resolve("GLEN-FALSTAFF") == "Glen-Fallstaff"  # the alias map
    assert resolve("Patterson Park North and East") == "Patterson Park North & East"
    assert resolve("Mt. Washington / Coldspring") == "Mount Washington/Coldspring"
    assert resolve("Allendale/Irvington/South Hilton") == "Allendale/Irvington/S. Hilton"
    assert resolve("fell's point") == "Fells Point"
    assert resolve("Baltimore City") == V.CITY
    assert resolve("Atlantis") is None
    assert name_key("Mt. Vernon") == name_key("Mount Vernon")
    assert years_list("[2010 2016 2017]") == "2010,2016,2017" and years_list(None) is None


# --- the loader on the real file ------------------------------------------------------------------------

def test_real_file_loads_every_usable_row(loaded, raw):
    db, summary = loaded
    usable = raw.dropna(subset=["value"])
    assert summary.rows_read == len(raw) == 62_552
    assert summary.rows_loaded == len(usable)
    assert summary.rows_rejected == raw["value"].isna().sum() == 207
    assert summary.rejects_by_reason == {"no value (blank in the file)": 207}
    stored = table(db, "SELECT indicator, csa, year, value FROM vital_sign_value")
    assert len(stored) == len(usable)
    # every CSA name resolved (the city to "*"), the 55 CSAs of the boundaries
    assert set(stored["csa"]) == (set(raw["csa2010"]) - {"Baltimore City"}) | {V.CITY}
    geo = set(table(db, "SELECT code FROM geography WHERE layer = 'csa'")["code"])
    assert set(stored["csa"]) - {V.CITY} <= geo
    # values are the file's, exactly
    expect = usable.assign(csa=usable["csa2010"].replace({"Baltimore City": V.CITY}))
    merged = expect.merge(stored, on=["indicator", "csa", "year"], suffixes=("", "_db"))
    assert len(merged) == len(usable) and (merged["value"] == merged["value_db"]).all()
    rejects = table(db, "SELECT reason, line_number, raw FROM rejected_row WHERE dataset = 'vital_signs'")
    assert len(rejects) == 207
    fields = [next(csv.reader([x])) for x in rejects["raw"]]  # the row as the file has it, value blank
    names = set(raw["csa2010"])
    assert all(len(x) == 6 and x[3] == "" and x[0] in names for x in fields)
    log = table(db, "SELECT status, rows_loaded FROM load_log WHERE dataset = 'vital_signs'")
    assert log.to_dict("records") == [{"status": "ok", "rows_loaded": len(usable)}]


def test_dictionary_and_indicators_without_an_entry(loaded, raw, raw_dict):
    db, _summary = loaded
    ind = table(db, "SELECT * FROM vital_sign_indicator")
    assert set(raw_dict["indicator"]) <= set(ind["indicator"])
    extra = ind[~ind["in_dictionary"]]
    assert set(extra["indicator"]) == set(raw.dropna(subset=["value"])["indicator"]) - set(raw_dict["indicator"])
    row = ind.set_index("indicator").loc["total_population"]
    assert row["years_available"] == "2010" and row["section"] == "Census Demographics"


def test_reload_changes_nothing_and_keeps_the_version(loaded):
    db, first = loaded
    before = table(db, "SELECT md5(string_agg(indicator || csa || year || value, '|' ORDER BY indicator, csa, year)) "
                       "AS h FROM vital_sign_value")
    second = load_vital_signs_file(db, str(shared(VALUES)), indicators=str(shared(DICTIONARY)))
    assert (second.rows_loaded, second.rows_updated) == (0, 0)
    assert not second.version_changed and second.version == first.version
    after = table(db, "SELECT md5(string_agg(indicator || csa || year || value, '|' ORDER BY indicator, csa, year)) "
                      "AS h FROM vital_sign_value")
    assert before.equals(after)


def test_bad_rows_are_rejected_with_reasons_and_a_useless_file_changes_nothing(loaded, tmp_path):
    db, _summary = loaded
    bad = tmp_path / "bad.csv"
    bad.write_text("csa2010,year,indicator,value,label,section\n"
                   "Atlantis,2018,violent_crime_rate_per_1_000_residents,1.0,x,Crime and Safety\n"
                   "Canton,20x8,violent_crime_rate_per_1_000_residents,1.0,x,Crime and Safety\n"
                   "Canton,2018,violent_crime_rate_per_1_000_residents,lots,x,Crime and Safety\n")
    count = table(db, "SELECT count(*) AS n FROM vital_sign_value")["n"][0]
    with pytest.raises(IngestError, match="no usable row"):
        load_vital_signs_file(db, str(bad))
    assert table(db, "SELECT count(*) AS n FROM vital_sign_value")["n"][0] == count  # atomic: nothing lost


def test_a_changed_file_replaces_the_values_and_moves_the_version(server_url, real_template, _clones, tmp_path):
    db = Database(_clone(server_url, real_template, _clones))
    try:
        f = tmp_path / "small.csv"
        f.write_text("csa2010,year,indicator,value,label,section\n"
                     "Canton,2018,violent_crime_rate_per_1_000_residents,5.5,Violent,Crime and Safety\n"
                     "CANTON,2018,violent_crime_rate_per_1_000_residents,6.5,Violent,Crime and Safety\n"
                     "Atlantis,2018,violent_crime_rate_per_1_000_residents,1.0,Violent,Crime and Safety\n"
                     "Baltimore City,2018,violent_crime_rate_per_1_000_residents,9.0,Violent,Crime and Safety\n")
        s1 = load_vital_signs_file(db, str(f))
        assert (s1.rows_loaded, s1.rows_rejected) == (2, 2)
        assert set(s1.rejects_by_reason) == {"unknown CSA name “Atlantis” (not a CSA of the loaded boundaries)",
                                            "the same CSA, year and indicator as an earlier row"}
        f.write_text(f.read_text().replace("5.5", "7.5"))
        s2 = load_vital_signs_file(db, str(f))
        assert (s2.rows_loaded, s2.rows_updated) == (0, 1) and s2.version_changed and s2.version > s1.version
        assert table(db, "SELECT value FROM vital_sign_value WHERE csa = 'Canton'")["value"].tolist() == [7.5]
    finally:
        db.dispose()


def test_the_demo_file_loads_whole(synth_db, demo_small, tmp_path):
    from data_access.demo.vital_signs import write_files

    values, dictionary = write_files(demo_small, tmp_path)
    raw = pd.read_csv(values)
    s = load_vital_signs_file(synth_db, str(values), indicators=str(dictionary))
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (len(raw), len(raw), 0)
    stored = table(synth_db, "SELECT count(*) AS n, count(DISTINCT csa) AS c FROM vital_sign_value")
    assert stored["n"][0] == len(raw) and stored["c"][0] == raw["csa2010"].nunique()


# --- every figure against pandas on the raw file -----------------------------------------------------------

def test_profile_ranking_and_scatter_equal_pandas(loaded, raw, raw_dict):
    db, _summary = loaded
    r = raw.dropna(subset=["value"])
    d = V.indicators.uncached(db)
    csa, end = "Canton", 2016
    rows = V.profile_rows(V.area_values.uncached(db, csa), d, csa, end)
    mine = r[(r["csa2010"] == csa) & (r["year"] <= end)].sort_values("year")
    latest = mine.groupby("indicator").tail(1).set_index("indicator")
    assert {x["indicator"] for x in rows} == set(latest.index)
    city = r[r["csa2010"] == "Baltimore City"].set_index(["indicator", "year"])["value"]
    for x in rows:
        assert (x["year"], x["value"]) == (latest.loc[x["indicator"], "year"], latest.loc[x["indicator"], "value"])
        assert x["city_value"] == city.get((x["indicator"], x["year"]))
        assert x["first_year"] == mine[mine["indicator"] == x["indicator"]]["year"].min()
    # sections in the page's order: crime and safety first
    assert rows[0]["section"] == "Crime and Safety"

    names = V.csa_names.uncached(db)
    ind = "violent_crime_rate_per_1_000_residents"
    year, city_value, ranked = V.ranking_rows(V.indicator_values.uncached(db, ind), names, 2030, ("Canton",))
    expect = r[(r["indicator"] == ind) & (r["csa2010"] != "Baltimore City")]
    ey = expect["year"].max()
    expect = expect[expect["year"] == ey].sort_values(["value", "csa2010"], ascending=[False, True])
    assert year == ey == 2018 and len(ranked) == 55
    assert [x["csa"] for x in ranked] == expect["csa2010"].tolist()
    assert [x["value"] for x in ranked] == expect["value"].tolist()
    assert city_value == city[(ind, 2018)]
    assert [x["csa"] for x in ranked if x["chosen"]] == ["Canton"]

    xi = "percentage_of_residential_properties_that_are_vacant_and_abandoned"
    year, pts = V.scatter_rows(V.indicator_values.uncached(db, xi), V.indicator_values.uncached(db, ind), names, 2017)
    a = r[(r["indicator"] == xi) & (r["year"] <= 2017) & (r["csa2010"] != "Baltimore City")]
    b = r[(r["indicator"] == ind) & (r["year"] <= 2017) & (r["csa2010"] != "Baltimore City")]
    both = a.merge(b, on=["csa2010", "year"])
    both = both[both["year"] == both["year"].max()]
    assert year == both["year"].max()
    got = {(p["csa"], p["x"], p["y"]) for p in pts}
    assert got == set(zip(both["csa2010"], both["value_x"], both["value_y"]))


def test_the_pages_one_read_holds_the_area_and_indicator_values(loaded):
    """``page_values`` (the page's one query) splits into exactly what ``area_values`` and
    ``indicator_values`` read, so every figure above holds for the page too."""
    db, _summary = loaded
    inds = ("violent_crime_rate_per_1_000_residents", "percentage_of_residential_properties_that_are_vacant_and_abandoned")

    def rows(df):
        return sorted(map(tuple, df[V.VALUE_COLUMNS].values.tolist()))

    for csa in ("Canton", V.CITY):
        read = V.page_values.uncached(db, csa, inds)
        assert sorted(read["area"]) == rows(V.area_values.uncached(db, csa)) and read["area"]
        for ind in inds:
            assert sorted(read["by_indicator"][ind]) == rows(V.indicator_values.uncached(db, ind))
    assert V.page_values.uncached(db, "Canton", ("no_such_indicator",))["by_indicator"] == {"no_such_indicator": []}


def test_filters_choose_the_csas_of_their_neighborhoods(loaded):
    db, _summary = loaded
    links = table(db, "SELECT neighborhood, layer, code FROM area_link")
    csa = links[links["layer"] == "csa"].set_index("neighborhood")["code"]
    council = links[(links["layer"] == "council_district") & (links["code"] == "12")]["neighborhood"]
    f = Filters(date(2018, 1, 1), date(2018, 12, 31), council_district=("12",))
    assert V.filter_csas.uncached(db, f) == tuple(sorted(set(csa[council])))
    nb = csa.index[0]
    assert V.filter_csas.uncached(db, f.replace(council_district=(), neighborhood=(nb,))) == (csa[nb],)
    assert V.filter_csas.uncached(db, f.replace(council_district=())) == ()


def test_own_crime_rates_equal_the_raw_victims(db):
    """On the demo: victims of Part 1 crime in the CSA and year, per 1,000 residents of the CSA."""
    victims = table(db, "SELECT v.csa, extract(year FROM v.occurred_date)::int AS year, o.grp "
                        "FROM victim v JOIN offense_category o ON o.code = v.offense")
    geo = table(db, "SELECT code, population FROM geography WHERE layer = 'csa'").set_index("code")["population"]
    csa = victims["csa"].dropna().value_counts().index[0]
    values = V.area_values.uncached(db, csa)
    covered = V.victim_years.uncached(db)
    rows = V.crime_rate_rows(values, csa, V.victims_by_year.uncached(db, csa), V.area_population.uncached(db, csa),
                             covered, 2100)
    assert rows and covered
    for row in rows:
        groups = V.CRIME_PAIRS[row["indicator"]]
        if covered[0] <= row["year"] <= covered[1]:
            n = ((victims["csa"] == csa) & (victims["year"] == row["year"]) & victims["grp"].isin(groups)).sum()
            assert row["victims"] == n
            assert row["own_rate"] == pytest.approx(n / geo[csa] * 1000)
        else:
            assert row["own_rate"] is None
        bnia = values[(values["csa"] == csa) & (values["indicator"] == row["indicator"]) & (values["year"] == row["year"])]
        assert row["bnia_rate"] == bnia["value"].iloc[0]


# --- the page's adapter and the API (demo) ----------------------------------------------------------------

def test_a_filter_changes_the_profile(app_ctx, db):
    from callbacks.neighborhood_stat import ns_outputs

    city = ns_outputs(db, Filters(date(2024, 1, 1), date(2025, 12, 31)))
    council = ns_outputs(db, Filters(date(2024, 1, 1), date(2025, 12, 31), council_district=("7",)))
    assert city["area"] == V.CITY and council["area"] != V.CITY
    assert council["area"] in {o["value"] for o in council["area_options"]}
    assert str(city["profile"]) != str(council["profile"])
    assert city["error"] is None and council["error"] is None
    offense = ns_outputs(db, Filters(date(2024, 1, 1), date(2025, 12, 31), offense=("homicide",)))
    assert "offense filter does not apply" in str(offense["notes"])


def _csv(resp) -> list[list[str]]:
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def test_api_json_and_csv(client, db):
    r = client.get("/api/v1/vital-signs/indicators")
    assert r.status_code == 200 and len(r.json["rows"]) == len(V.indicators.uncached(db))
    rows = _csv(client.get("/api/v1/vital-signs/indicators?format=csv"))
    assert rows[0][0] == "indicator" and len(rows) == len(r.json["rows"]) + 1

    p = client.get("/api/v1/vital-signs/profile?council_district=7&start=2024-01-01&end=2025-12-31")
    assert p.status_code == 200 and p.json["csa"] != V.CITY
    assert {x["indicator"] for x in p.json["rows"]} == set(V.indicators.uncached(db)["indicator"])
    assert all(x["year"] <= 2025 for x in p.json["rows"])

    k = client.get("/api/v1/vital-signs/ranking?council_district=7&indicator=violent_crime_rate_per_1_000_residents")
    chosen = V.filter_csas.uncached(db, Filters(date(2020, 1, 1), date(2026, 10, 31), council_district=("7",)))
    assert {x["csa"] for x in k.json["rows"] if x["chosen"]} == set(chosen)
    assert [x["rank"] for x in k.json["rows"]] == list(range(1, len(k.json["rows"]) + 1))
    s = _csv(client.get("/api/v1/vital-signs/scatter?format=csv"))
    assert s[0] == ["csa", "name", "x", "y", "chosen"] and len(s) > 10
    c = client.get("/api/v1/vital-signs/crime-rates?csa=city")
    assert c.status_code == 200 and c.json["csa"] == V.CITY and c.json["rows"]
    assert _csv(client.get("/api/v1/vital-signs/crime-rates?format=csv&lang=es"))[0][0] != ""


@pytest.mark.parametrize("query,param", [
    ("/ranking?indicator=nope", "indicator"),
    ("/scatter?x=violent_crime_rate_per_1_000_residents&y=%3Cscript%3E", "y"),
    ("/profile?csa=Atlantis", "csa"),
    ("/profile?csa=Atlantis&csa=Canton", "csa"),
    ("/crime-rates?format=xml", "format"),
    ("/profile?bogus=1", "bogus"),
])
def test_api_bad_parameters_are_400_naming_them(client, query, param):
    r = client.get("/api/v1/vital-signs" + query)
    assert r.status_code == 400, r.get_data(as_text=True)
    assert r.json["parameter"] == param and r.json["error"]


def test_api_refuses_a_csa_outside_the_filters(client, db):
    names = V.csa_names.uncached(db)
    inside = set(V.filter_csas.uncached(db, Filters(date(2020, 1, 1), date(2026, 10, 31), council_district=("7",))))
    outside = next(c for c in names if c not in inside)
    r = client.get("/api/v1/vital-signs/profile", query_string={"council_district": "7", "csa": outside})
    assert r.status_code == 400 and r.json["parameter"] == "csa"


# --- the URL is the state (second round) ------------------------------------------------------------------

SPAN = dict(start=date(2020, 1, 1), end=date(2026, 10, 31))


def test_url_picks_bad_values_give_notices_and_defaults(app_ctx, db):
    from callbacks.neighborhood_stat import ns_outputs, page_pairs, picks_from, url_with

    names = V.csa_names.uncached(db)
    csa = sorted(names)[3]
    given = picks_from(f"?start=2020-01-01&csa={csa}&indicator=zz&x=nope&csa=other")
    assert given["area"] == csa and given["rank"] == "zz" and given["repeated"] == ["csa"]
    out = ns_outputs(db, Filters(**SPAN), **{k: given[k] for k in ("area", "rank", "x", "y")}, given=given)
    notes = str(out["notices"])
    assert out["area"] == csa and out["rank_value"] == V.DEFAULT_RANK and out["x"] == V.DEFAULT_X
    assert "indicator=“zz”" in notes and "x=“nope”" in notes and "more than once" in notes and csa not in notes
    # an unknown CSA: the city, and a notice; a CSA outside the filters: their first CSA, and a notice
    bad = ns_outputs(db, Filters(**SPAN), area="Atlantis", given=picks_from("?csa=Atlantis"))
    assert bad["area"] == V.CITY and "csa=“Atlantis”" in str(bad["notices"])
    inside = V.filter_csas.uncached(db, Filters(**SPAN, council_district=("7",)))
    outside = next(c for c in sorted(names) if c not in inside)
    moved = ns_outputs(db, Filters(**SPAN, council_district=("7",)), area=outside, given=picks_from(f"?csa={outside}"))
    assert moved["area"] == inside[0] and "not among the CSAs" in str(moved["notices"])
    good = ns_outputs(db, Filters(**SPAN), area=csa, rank=V.DEFAULT_X, given=picks_from(f"?csa={csa}"))
    assert good["notices"] == [] and good["rank_value"] == V.DEFAULT_X
    # what the page shows -> the URL -> the same picks back (defaults not written)
    url = url_with("?start=2020-01-01&lang=es&csa=old", page_pairs(good["shown"]))
    assert "lang=es" in url and "start=2020-01-01" in url and "csa=old" not in url and "&x=" not in url
    back = picks_from(url)
    assert (back["area"], back["rank"], back["x"]) == (csa, V.DEFAULT_X, None)
    assert url_with("?council_district=7", page_pairs(moved["shown"])) == "?council_district=7"


def test_a_picker_writes_the_url_and_a_filter_change_drops_a_csa_it_no_longer_holds(app_ctx, db):
    from types import SimpleNamespace

    from dash import no_update

    from callbacks.neighborhood_stat import compute, picks_from

    names = V.csa_names.uncached(db)
    inside = V.filter_csas.uncached(db, Filters(**SPAN, council_district=("7",)))
    outside = next(c for c in sorted(names) if c not in inside)
    svc = SimpleNamespace(db=db)

    def request(f, **values):
        return SimpleNamespace(svc=svc, filters=f, options={}, values=values)

    ask = {"area": outside, "rank": V.DEFAULT_X, "x": V.DEFAULT_X, "y": V.DEFAULT_Y, "t": 1}
    out = compute(request(Filters(**SPAN), ask=ask, search="?lang=es&layer=csa"))
    url = out["relay"]["values"][0]
    assert out["relay"]["keep_view"] and url.startswith("?lang=es&layer=csa&")
    assert picks_from(url)["area"] == outside and picks_from(url)["rank"] == V.DEFAULT_X
    assert out["area"] is no_update and out["shown"]["area"] == outside  # the picker says so already
    same = compute(request(Filters(**SPAN), ask=ask, search=url))
    assert same["relay"] is no_update
    # the filters move away from the URL's CSA: their one URL write drops csa only (the registry's
    # hook, issue 15: one history entry), and the page then shows their first CSA without a write
    from app import ids
    from app.context import load_choices
    from app.pages import PAGE_BY_NAME
    from callbacks.filters import sync

    choices, options, _state = load_choices(db)
    page = PAGE_BY_NAME["neighborhood_stat"]
    controls = {f: None for f in ids.FILTER_CONTROLS} | {"council_district": ["7"]}
    start, end = SPAN["start"].isoformat(), SPAN["end"].isoformat()

    def change(search, page=page):
        return sync(ids.COUNCIL_DISTRICT, search, None, start, end, controls, None, choices, options, page)["url"]

    url = change(f"?lang=es&csa={outside}&indicator={V.DEFAULT_X}")
    assert url == f"?start={start}&end={end}&council_district=7&lang=es&indicator={V.DEFAULT_X}"
    moved = compute(request(Filters(**SPAN, council_district=("7",)), search=url))
    assert moved["area"] == inside[0] and moved["rank_value"] == V.DEFAULT_X
    assert moved["relay"] is no_update and moved["notices"] == []
    for kept in (inside[-1], inside[0]):  # a CSA under the new filters stays
        assert picks_from(change(f"?csa={kept}"))["area"] == kept
    assert picks_from(change("?csa=city"))["area"] is None and picks_from(change("?csa=Atlantis"))["area"] is None
    assert picks_from(change(f"?csa={outside}", page=None))["area"] == outside  # a page without the hook


def _page_highlight(out) -> tuple[set, set]:
    from layouts.common import COLORS

    bars = out["rank_figure"]["data"][0]
    ranked = {n for n, c in zip(bars["y"], bars["marker"]["color"]) if c == COLORS["accent"]}
    traces = out["scatter_figure"]["data"]
    scattered = set(traces[1]["text"]) if len(traces) > 1 else set()
    return ranked, scattered


@pytest.mark.parametrize("filters,pick", [({}, None), ({}, "csa"), ({"council_district": ("7",)}, None),
                                          ({"council_district": ("7",)}, "inside"), ({}, "city")])
def test_page_and_api_highlight_the_same_csas(app_ctx, client, db, filters, pick):
    from callbacks.neighborhood_stat import ns_outputs

    names = V.csa_names.uncached(db)
    inside = V.filter_csas.uncached(db, Filters(**SPAN, council_district=("7",)))
    area = {None: None, "csa": sorted(names)[5], "inside": inside[-1], "city": "city"}[pick]
    out = ns_outputs(db, Filters(**SPAN, **filters), area=area)
    ranked, scattered = _page_highlight(out)
    query = {"start": "2020-01-01", "end": "2026-10-31", **{k: v[0] for k, v in filters.items()}}
    if area:
        query["csa"] = area
    k = client.get("/api/v1/vital-signs/ranking", query_string=query)
    s = client.get("/api/v1/vital-signs/scatter", query_string=query)
    assert k.status_code == 200 and s.status_code == 200
    expected = {names[c] for c in (inside if filters else ([area] if pick == "csa" else []))}
    assert {r["name"] for r in k.json["rows"] if r["chosen"]} == ranked == expected
    assert {r["name"] for r in s.json["rows"] if r["chosen"]} == scattered == expected
    # the page's Download CSV links carry the same csa
    from urllib.parse import urlencode

    word = {"csa": "city" if out["area"] == V.CITY else out["area"]}
    for head in ("rank_head", "scatter_head", "profile_head"):
        assert urlencode(word) in out[head].children[1].href


def test_ranking_ticks_are_short_and_the_hover_whole(app_ctx, db):
    from layouts.neighborhood_stat import TICK_CHARS, short_name

    assert short_name("Canton") == "Canton"
    assert short_name("Old Hazel Dale/New Tide Landing") == "Old Hazel Dale…"
    names = ["A" * 40, "Brooklyn/Curtis Bay/Hawkins Point", "Glen-Fallstaff", "Cross-Country/Cheswolde"]
    assert all(len(short_name(n)) <= TICK_CHARS for n in names)
    from callbacks.neighborhood_stat import ns_outputs

    fig = ns_outputs(db, Filters(**SPAN))["rank_figure"]
    bars, axis = fig["data"][0], fig["layout"]["yaxis"]
    assert bars["customdata"] == bars["y"] == axis["tickvals"] and "%{customdata}" in bars["hovertemplate"]
    assert axis["ticktext"] == [short_name(n) for n in bars["y"]]
    assert max(map(len, axis["ticktext"])) <= TICK_CHARS < max(map(len, bars["y"]))
