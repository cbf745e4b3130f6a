"""The Plan KPI tracker (issue 15): the catalog, the computed measures against the pages that show
them and an independent pandas count of the raw rows, withheld small counts, "not yet published"
rows, ``psad ingest kpi`` (rejects, atomicity, reloads) and ``/api/v1/plan/kpis``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from app.context import load_choices, services
from app.i18n import use
from app.urlstate import to_query
from callbacks.plan import tracker
from data_access import migrate
from data_access import plan_measures as P
from data_access.db import Database
from data_access.filters import Filters
from data_access.ingest.kpi import load_kpi_file, parse_period
from data_access.ingest.reader import IngestError
from data_access.ingest.run import ingest
from data_access.schema import arrest, data_state, geography, load_log, rejected_row, victim
from data_access.schema_kpi import kpi_value
from layouts import plan as L
from tests.dash_support import shown

TEMPLATE = "data_access/ingest/kpi_template.csv"


def trend(row: dict) -> dict[int, float | None]:
    """{year: value} of a computed row's trend ("2026 (to date)" is 2026)."""
    return {int(str(p)[:4]): v for p, v, _label in row["trend"]}


# --- the catalog -----------------------------------------------------------------------------------

def test_catalog_covers_every_result_and_says_its_wording_is_paraphrased():
    codes = [m.code for m in P.MEASURES]
    assert len(codes) == len(set(codes))
    assert {r.code for r in P.RESULTS} >= {"1.1", "1.2", "1.3"} and {r.pillar for r in P.RESULTS} == {"1", "2", "3"}
    for r in P.RESULTS:
        assert P.measures_of(r.code), f"result {r.code} has no measure"
    assert all(m.wording == P.PARAPHRASED for m in P.MEASURES)  # nothing was quoted from the Plan's text
    assert [m.code for m in P.MEASURES if m.target] == [P.GUN_VIOLENCE]  # the one target the Plan states
    assert set(P.COMPUTED_CODES) == {P.GUN_VIOLENCE, P.YOUTH_ARRESTS, P.RAPE_RATE, P.DV_SHARE, P.CALLS_WITHOUT_POLICE}
    with open(TEMPLATE, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["measure"] for r in rows] == list(P.MONSE_CODES)
    assert all(r["period"] == "" and r["value"] == "" for r in rows)  # the template holds no values


@pytest.mark.parametrize("raw, expected", [
    ("2024", ("2024", "year", date(2024, 1, 1), date(2024, 12, 31))),
    ("2024-Q3", ("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30))),
    ("2024q1", ("2024-Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31))),
    ("2024-02", ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29))),
    ("2024-13", None), ("Q3 2024", None), ("24", None), ("2024-Q5", None), ("1899", None), ("", None),
])
def test_periods(raw, expected):
    assert parse_period(raw) == expected


# --- computed measures equal the pages' own and pandas ---------------------------------------------

@pytest.fixture()
def raw(demo_url):
    db = Database(demo_url, row_cap=2_000_000)  # the raw rows, whole
    v = db.frame(select(victim.c.occurred_date, victim.c.offense, victim.c.is_gun_violence, victim.c.council_district))
    a = db.frame(select(arrest.c.arrest_date, arrest.c.age, arrest.c.council_district, arrest.c.police_district))
    v["year"] = pd.to_datetime(v.occurred_date).dt.year
    a["year"] = pd.to_datetime(a.arrest_date).dt.year
    city = db.execute(select(geography.c.population).where(geography.c.layer == "city")).scalar()
    db.dispose()
    return v, a, int(city)


def test_computed_rows_equal_the_pages_and_an_independent_count(app, client, db, raw):
    v, a, city = raw
    with app.server.app_context():
        choices = load_choices(db)[0]
        f = Filters(date(2021, 1, 1), choices.today)
        rows = {r["code"]: r for r in tracker(db, services().settings, f, choices)}
        f7 = f.replace(council_district=("7",))
        rows7 = {r["code"]: r for r in tracker(db, services().settings, f7, choices)}
    years = list(range(2021, choices.today.year + 1))

    # gun violence: the Summary's goal chart, year by year, and the victims counted in pandas
    goal = client.get("/api/v1/summary/goal").get_json()["rows"]
    assert trend(rows[P.GUN_VIOLENCE]) == {r["year"]: r["actual"] for r in goal}
    gun = v[v.is_gun_violence].groupby("year").size()
    assert trend(rows[P.GUN_VIOLENCE]) == {y: int(gun.get(y, 0)) for y in years}
    assert rows[P.GUN_VIOLENCE]["standing"] == goal[-1]["standing"]

    # youth arrests: the Demographics page's "Under 18" cell, year by year (withheld where it withholds
    # it), and the arrest rows under 18 counted in pandas wherever a number is shown
    young = a[(a.age >= 0) & (a.age < 18)].groupby("year").size()
    shown_years = 0
    for period, value, label in rows[P.YOUTH_ARRESTS]["trend"]:
        y = int(period[:4])
        demo = client.get(f"/api/v1/demographics/arrests?start={y}-01-01&end={y}-12-31").get_json()
        under = next(r for r in demo["rows"] if r["dimension"] == "age_band" and r["category"] == "Under 18")
        assert value == under["count"] and label == (None if value is not None else under["label"])
        if value is not None:
            assert value == young.get(y, 0)
            shown_years += 1
    assert list(trend(rows[P.YOUTH_ARRESTS])) == years

    # rapes per 100,000: victims over the city's residents; for a council district, the Map's rate
    rapes = v[v.offense == "rape"].groupby("year").size()
    assert trend(rows[P.RAPE_RATE]) == pytest.approx({y: rapes.get(y, 0) / city * 100_000 for y in years})
    areas = client.get("/api/v1/map/areas?layer=council_district&offense=rape&start=2024-01-01&end=2024-12-31")
    seven = next(r for r in areas.get_json()["rows"] if r["code"] == "7")
    assert trend(rows7[P.RAPE_RATE])[2024] == pytest.approx(seven["rate_per_1000"] * 100, abs=1e-3)
    rapes7 = v[(v.offense == "rape") & (v.council_district == "7")].groupby("year").size()
    assert trend(rows7[P.RAPE_RATE])[2024] == pytest.approx(rapes7.get(2024, 0) / seven["population"] * 100_000)
    assert rows7[P.RAPE_RATE]["geography"] == "filtered" and rows7["cvi_mediations"]["geography"] == "citywide"


def test_youth_arrests_count_the_arrest_rows_under_18(monkeypatch, db, raw):
    """With the Demographics page's suppression switched off, the tracker's youth arrests are the
    arrest rows of people under 18, per year and area, counted in pandas (at the test demo's small
    scale the page withholds them: the under-18 cell is the smallest complement)."""
    from data_access import kpi as K
    from data_access import suppression as S

    _v, a, _city = raw
    plain = S.suppress
    monkeypatch.setattr(S, "suppress", lambda counts, diffs=(), order=None, **kw: plain(counts, (), order, threshold=1))
    years = list(range(2020, 2027))
    for area in ({}, {"police_district": ("Western",)}, {"council_district": ("7",)}):
        got = K.youth_arrests(db, Filters(date(2024, 1, 1), date(2024, 12, 31), **area), years)  # uncached: no app
        rows = a[(a.age >= 0) & (a.age < 18)]
        for field, values in area.items():  # a police district: the one in force on the arrest's date
            rows = rows[rows[field].isin(values)]
        want = rows.groupby("year").size()
        assert dict(zip(got.year, got.n)) == {y: int(want.get(y, 0)) for y in years}, area
        assert got.label.isna().all()


@pytest.mark.parametrize("area", [
    {}, {"police_district": ("Western",)}, {"police_district": ("Southern", "Northern")}, {"council_district": ("7",)},
    {"legislative_district": ("40",)}, {"neighborhood": ("Ashland",)},
    {"police_district": ("Western",), "council_district": ("7",)},
])
def test_youth_arrests_are_the_demographics_pages_cell_withheld_alike(db, area):
    """The tracker reads the years' age bands by area once and applies the Demographics page's rule
    itself: every year's value, label and reason equal that page's own "Under 18" cell for the year
    (``demographics``), whichever rule withholds it (small, neighbour, complement, table)."""
    from data_access import kpi as K
    from data_access.demographics import demographics

    years = list(range(2019, 2027))
    f = Filters(date(2025, 1, 1), date(2025, 12, 31), **area)
    got = K.youth_arrests(db, f, years)  # uncached: no app
    want = []
    for y in years:
        d = demographics.uncached(db, f.replace(start=date(y, 1, 1), end=date(y, 12, 31)), "arrests")
        cell = next(c for c in d.tables["age_band"].cells if c.category == "Under 18")
        if d.total:
            want.append((y, cell.value, None if cell.shown else cell.label, cell.reason))
    plain = lambda x: None if x is None or x != x else x  # noqa: E731 (the frame's None reads as NaN)
    assert [(int(r.year), plain(r.n), plain(r.label), plain(r.reason)) for r in got.itertuples()] == want
    assert want or len(area) > 1, area  # every single area has arrests in the test demo


AGE_YEAR = ("SELECT year, police_district, neighborhood, council_district, legislative_district, under_18, "
            "age_18_24, age_25_34, age_35_44, age_45_54, age_55_plus, age_unknown, other FROM agg_arrest_age_year")
AGE_MONTH = """SELECT extract(year FROM m)::int, police_district, neighborhood, council_district, legislative_district,
    {bands}, 0 FROM agg_arrest_demo GROUP BY 1, 2, 3, 4, 5"""


def _age_rows(conn, sql: str) -> list:
    from data_access.kpi import AGE_YEAR_BANDS

    bands = ", ".join(f"coalesce(sum(n) FILTER (WHERE age_band = '{b}'), 0)" for b in AGE_YEAR_BANDS.values())
    return sorted(tuple(r) for r in conn.execute(text(sql.format(bands=bands))).all())


def test_yearly_age_bands_follow_every_load_of_arrests(db):
    """The youth-arrest measure's pre-aggregate (``agg_arrest_age_year``, migration 0014) is the monthly
    demographics table summed per year, after a full load and after a load of a few days' arrests
    (``aggregates.refresh_days``), in the load's transaction (rolled back here: the demo is shared)."""
    from data_access import aggregates

    with db.engine.connect() as conn:
        assert _age_rows(conn, AGE_YEAR) == _age_rows(conn, AGE_MONTH)
        assert conn.execute(text("SELECT count(*) FROM agg_arrest_age_year")).scalar() > 0
        conn.rollback()
        tx = conn.begin()
        try:
            day = conn.execute(text("SELECT arrest_date FROM arrest WHERE age < 18 ORDER BY arrest_date LIMIT 1")).scalar()
            before = conn.execute(text("SELECT sum(under_18) FROM agg_arrest_age_year")).scalar()
            gone = conn.execute(text("DELETE FROM arrest WHERE arrest_date = :d AND age >= 0 AND age < 18"),
                                {"d": day}).rowcount
            aggregates.refresh_days(conn, [], [day])
            assert gone > 0
            assert conn.execute(text("SELECT sum(under_18) FROM agg_arrest_age_year")).scalar() == before - gone
            assert _age_rows(conn, AGE_YEAR) == _age_rows(conn, AGE_MONTH)
        finally:
            tx.rollback()


def test_dv_share_and_calls_without_police_are_their_pages_numbers(app, db):
    """The two measures other pages own: the tracker's yearly shares are their functions' rows over
    the whole years shown (a year the IPV data withholds stays withheld)."""
    from data_access.calls import kpi_without_police
    from data_access.ipv import kpi_dv_share

    with app.server.app_context():
        choices = load_choices(db)[0]
        f = Filters(date(2024, 1, 1), choices.today, police_district=("Western",))
        rows = {r["code"]: r for r in tracker(db, services().settings, f, choices)}
        span = f.replace(start=date(2022, 1, 1))  # at least five years up to the end: 2022-2026
        dv, calls = kpi_dv_share(db, span), kpi_without_police(db, span)
    want_dv = {int(y): (None if pd.isna(n) or n < L.IPV_MIN else 100 * int(n) / int(p))
               for y, n, p in zip(dv.year, dv.dv_incidents, dv.part1_incidents) if not pd.isna(n) and p or pd.isna(n)}
    assert want_dv and trend(rows[P.DV_SHARE]) == pytest.approx(want_dv)
    want_calls = {int(y): 100 * int(w) / int(c) for y, c, w in zip(calls.year, calls.calls, calls.without_police) if c}
    assert trend(rows[P.CALLS_WITHOUT_POLICE]) == pytest.approx(want_calls)
    withheld = _data(dv=pd.DataFrame({"year": [2025, 2026], "dv_incidents": pd.array([pd.NA, 40], dtype="Int64"),
                                      "part1_incidents": [900, 1000]}))
    row = next(r for r in L.tracker_rows(withheld, Filters(date(2026, 1, 1), date(2026, 10, 31)))
               if r["code"] == P.DV_SHARE)
    assert row["trend"] == [("2025", None, L.WITHHELD_IPV), ("2026 (to date)", 4.0, None)]


def test_the_years_shown_follow_the_dates(app, db):
    with app.server.app_context():
        choices = load_choices(db)[0]
        rows = {r["code"]: r for r in tracker(db, services().settings, Filters(date(2023, 3, 1), date(2024, 6, 30)),
                                              choices)}
    assert list(trend(rows[P.YOUTH_ARRESTS])) == [2020, 2021, 2022, 2023, 2024]  # at least five, from the records' first
    assert rows[P.YOUTH_ARRESTS]["period"] == "2024"
    # MONSE's values: the periods begun by the range's end
    assert all(int(str(p)[:4]) <= 2024 for p, _v, _l in rows["cvi_mediations"]["trend"])


def _data(**over) -> L.PlanData:
    empty = pd.DataFrame({"year": [], "n": []})
    base = dict(through=date(2026, 10, 31), first_year=2020, goal=pd.DataFrame(
        columns=["year", "actual", "target", "partial", "vs_target_pct", "standing", "verdict"]),
        youth=pd.DataFrame(columns=["year", "n", "label", "reason"]), rapes=empty, population=600_000, dv=None, calls=None,
        monse=pd.DataFrame(columns=["measure", "period", "grain", "period_start", "period_end", "value", "source",
                                    "origin"]))
    return L.PlanData(**{**base, **over})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=7, max_size=7), st.integers(0, 30))
def test_withheld_counts_stay_withheld(counts, dv):
    youth = pd.DataFrame({"year": list(range(2020, 2027)), "n": counts,
                          "label": [None if n is not None else "withheld" for n in counts],
                          "reason": [None if n is not None else "complement" for n in counts]})
    dvf = pd.DataFrame({"year": [2026], "dv_incidents": [dv], "part1_incidents": [1000]})
    rows = {r["code"]: r for r in L.tracker_rows(_data(youth=youth, dv=dvf), Filters(date(2026, 1, 1), date(2026, 10, 31)))}
    for (_p, value, label), n in zip(rows[P.YOUTH_ARRESTS]["trend"], counts[2:]):
        assert (value, label) == ((None, "withheld") if n is None else (n, None))
    with use("en"):
        assert (L.value_text(rows[P.YOUTH_ARRESTS]) == "withheld") == (counts[-1] is None)
    shown_dv = rows[P.DV_SHARE]  # the IPV page's rule: fewer than 11 incidents are withheld
    assert (shown_dv["value"] is None) == (1 <= dv < L.IPV_MIN)
    if shown_dv["value"] is not None:
        assert shown_dv["value"] == pytest.approx(dv / 10)


def test_rows_without_data_say_so_and_who_owes_it():
    rows = {r["code"]: r for r in L.tracker_rows(_data(), Filters(date(2026, 1, 1), date(2026, 10, 31)))}
    with use("en"):
        assert rows["trust"]["status"] == L.NOT_PUBLISHED
        assert L.missing_text(rows["trust"]) == "Not yet published. Owed by MONSE (resident survey)."
        assert rows[P.DV_SHARE]["status"] == L.NOT_BUILT and rows[P.CALLS_WITHOUT_POLICE]["status"] == L.NOT_BUILT
        assert "911 calls" in L.missing_text(rows[P.CALLS_WITHOUT_POLICE])
        assert rows[P.YOUTH_ARRESTS]["status"] == L.NOT_LOADED and rows[P.GUN_VIOLENCE]["status"] == L.NOT_LOADED
        assert all(r["value"] is None and r["trend"] == [] for r in rows.values())
    with use("es"):
        assert L.missing_text(rows["trust"]) == "Aún no publicado. Lo debe MONSE (encuesta a residentes)."


def test_a_failing_promised_function_reads_as_not_built(monkeypatch, db):
    import sys
    import types

    from data_access import kpi as K

    broken = types.ModuleType("psad_test_broken")
    broken.fn = lambda db, f: (_ for _ in ()).throw(RuntimeError("theirs"))
    monkeypatch.setitem(sys.modules, "psad_test_broken", broken)
    assert K.external(db, Filters(date(2024, 1, 1), date(2024, 12, 31)), ("psad_test_broken", "fn"), ("year",)) is None
    assert K.external(db, Filters(date(2024, 1, 1), date(2024, 12, 31)), ("psad_test_missing", "fn"), ("year",)) is None


# --- the page and the API --------------------------------------------------------------------------

def test_page_shows_every_measure_grouped_by_pillar(app, client):
    client.get("/")
    state = to_query(Filters(date(2025, 1, 1), date(2025, 12, 31), council_district=("7",), offense=("homicide",)))
    body = shown(client, app, "/plan", state)
    page = json.dumps(body)
    with use("en"):
        for m in P.MEASURES:
            assert json.dumps(m.text)[1:-1] in page
        for p in P.PILLARS:
            assert json.dumps(p.title)[1:-1] in page
    assert "Not yet published" in page and "(demo value)" in page
    assert "offense filter does not apply" in page and "Council District 7" in page


def test_api_json_csv_and_bad_input(client):
    got = client.get("/api/v1/plan/kpis?start=2024-01-01&end=2025-12-31")
    assert got.status_code == 200
    body = got.get_json()
    rows = {r["code"]: r for r in body["rows"]}
    assert list(rows) == [m.code for m in P.MEASURES] and body["is_demo"] is True
    assert rows["trust"]["status"] == "not_published" and rows["trust"]["owner"] and rows["trust"]["value"] is None
    assert rows["cvi_mediations"]["demo"] is True and rows["cvi_mediations"]["status"] == "ok"
    assert rows[P.GUN_VIOLENCE]["target"] and rows[P.GUN_VIOLENCE]["standing"] in ("below", "above", "near")
    assert rows[P.YOUTH_ARRESTS]["period"] == "2025"
    csv_got = client.get("/api/v1/plan/kpis?start=2024-01-01&end=2025-12-31&format=csv&lang=es")
    assert csv_got.status_code == 200 and "attachment" in csv_got.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(csv_got.data.decode())))
    assert len(table) == len(P.MEASURES) + 1 and "código" in table[0]
    assert [r[2] for r in table[1:]] == list(rows)
    for bad in ("offense=homicide", "format=xml", "council_district=99", "start=someday", "colour=red"):
        r = client.get(f"/api/v1/plan/kpis?{bad}")
        assert r.status_code == 400 and r.get_json()["parameter"], bad


# --- psad ingest kpi -------------------------------------------------------------------------------

@pytest.fixture()
def empty_db(make_database):
    db = Database(make_database())
    migrate.upgrade(db)
    yield db
    db.dispose()


GOOD = [("cvi_mediations", "2024-Q1", "412", "MONSE quarterly report", ""),
        ("cvi_mediations", "2024-Q2", "1,030", "MONSE quarterly report", "revised"),
        ("youth_diverted", "2024", "318", "", ""),
        ("perceived_safety", "2025-07", "44.5", "Resident survey 2025", ""),
        ("cvi_grants", "2024", "$7,250,000", "MONSE grants list", "")]
BAD = [("no_such_measure", "2024", "5", "", "", "unknown measure"),
       ("youth_arrests", "2024", "12", "", "", "measure computed by the dashboard from police data, not taken from a file"),
       ("trust", "2024-13", "50", "", "", "bad period"),
       ("trust", "Q3 2024", "50", "", "", "bad period"),
       ("trust", "2024", "n/a", "", "", "value is not a number"),
       ("youth_diverted", "2023", "-4", "", "", "negative value"),
       ("trust", "2023", "140", "", "", "percent above 100"),
       ("cvi_mediations", "2024q1", "999", "", "", "duplicate measure and period"),
       ("", "2024", "1", "", "", "no measure")]


def write(tmp_path, rows, name="kpi.csv", extra_line: str | None = None):
    p = tmp_path / name
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Measure", "Period", "Value", "Source", "Note"])
    w.writerows(rows)
    p.write_text(buf.getvalue() + (extra_line or ""))
    return str(p)


def stored(db) -> pd.DataFrame:
    return db.frame(select(kpi_value.c.measure, kpi_value.c.period, kpi_value.c.value, kpi_value.c.origin)
                    .order_by(kpi_value.c.measure, kpi_value.c.period))


def version(db) -> int | None:
    return db.execute(select(data_state.c.version)).scalar()


def test_loader_keeps_good_rows_and_rejects_each_bad_one_with_its_reason(empty_db, tmp_path):
    db = empty_db
    path = write(tmp_path, GOOD + [r[:5] for r in BAD], extra_line="trust,2024,5,x,y,z\n")
    s = ingest(db, "kpi", [path])  # the dispatch `psad ingest kpi FILE` goes through
    assert (s.rows_read, s.rows_loaded, s.rows_updated, s.rows_rejected) == (15, 5, 0, 10)
    want = pd.DataFrame(GOOD, columns=["measure", "period", "value", "source", "note"])
    want["period"] = want.period.map(lambda p: parse_period(p)[0])
    want["value"] = want.value.str.replace(r"[$,]", "", regex=True).astype(float)
    got = stored(db)
    assert got[["measure", "period", "value"]].to_dict("records") == \
        want.sort_values(["measure", "period"])[["measure", "period", "value"]].to_dict("records")
    assert set(got.origin) == {"monse_csv"}
    reasons = db.frame(select(rejected_row.c.line_number, rejected_row.c.reason).where(rejected_row.c.dataset == "kpi")
                       .order_by(rejected_row.c.line_number))
    assert len(reasons) == len(BAD) + 1
    for (line, reason), bad in zip(reasons.itertuples(index=False), BAD):
        assert reason.startswith(bad[5]), (line, reason, bad)
    assert "wrong number of fields" in reasons.reason.iloc[-1]
    log = db.execute(select(load_log.c.dataset, load_log.c.status, load_log.c.rows_loaded)
                     .order_by(load_log.c.id.desc())).rows[0]
    assert tuple(log) == ("kpi", "ok", 5)


def test_loader_is_reload_safe_replaces_the_list_and_removes_demo_values(empty_db, tmp_path):
    db = empty_db
    with db.begin() as conn:
        conn.execute(text("INSERT INTO kpi_value (measure, period, grain, period_start, period_end, value, origin) "
                          "VALUES ('trust', '2023', 'year', '2023-01-01', '2023-12-31', 99, 'demo')"))
    path = write(tmp_path, GOOD)
    first = load_kpi_file(db, path)
    assert first.rows_loaded == 5 and "trust" not in set(stored(db).measure)  # the demo value is gone
    v1, before = version(db), stored(db)
    again = load_kpi_file(db, path)
    assert (again.rows_loaded, again.rows_updated, version(db)) == (0, 0, v1)
    pd.testing.assert_frame_equal(stored(db), before)
    changed = [GOOD[0], ("cvi_mediations", "2024-Q2", "1031", "MONSE quarterly report", "revised"), *GOOD[2:4]]
    third = load_kpi_file(db, write(tmp_path, changed, "kpi2.csv"))
    assert (third.rows_loaded, third.rows_updated) == (0, 1) and version(db) > v1
    assert "removed: 1" in third.notes[0] and "cvi_grants" not in set(stored(db).measure)


def test_loader_refuses_unusable_files_whole(empty_db, tmp_path, monkeypatch):
    db = empty_db
    load_kpi_file(db, write(tmp_path, GOOD))
    before = stored(db)
    with pytest.raises(IngestError, match="no usable value"):
        load_kpi_file(db, TEMPLATE)  # the blank template: every row lacks a period and a value
    with pytest.raises(IngestError, match="no usable value"):
        load_kpi_file(db, write(tmp_path, [r[:5] for r in BAD if not r[5].startswith("duplicate")], "bad.csv"))
    named = tmp_path / "named.csv"
    named.write_text("measure,period,value,contact_name\ncvi_mediations,2024,5,Jane Doe\n")
    with pytest.raises(IngestError, match="names"):
        load_kpi_file(db, str(named))
    with pytest.raises(IngestError, match="unrecognised header"):
        load_kpi_file(db, _headerless(tmp_path))
    # a failure inside the transaction leaves the stored list as it was, and the load log says so
    import data_access.ingest.kpi as K

    monkeypatch.setattr(K, "copy_frame", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        load_kpi_file(db, write(tmp_path, GOOD[:2], "short.csv"))
    pd.testing.assert_frame_equal(stored(db), before)
    assert db.execute(select(load_log.c.status).order_by(load_log.c.id.desc())).scalar() == "failed"


def _headerless(tmp_path) -> str:
    p = tmp_path / "headerless.csv"
    p.write_text("what,when\ncvi_mediations,2024\n")
    return str(p)
